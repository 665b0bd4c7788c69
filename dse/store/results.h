/* results.h: reading designs back from the store (for fronts, plots and reports). */
#ifndef TF2SIM_RESULTS_H
#define TF2SIM_RESULTS_H

#include <stdint.h>

#include "net/error.h"
#include "store.h"

typedef struct design_row {
    int64_t id;
    char hash[33];
    char net[64], device[64], arch[16], bitw[64], bita[64];
    double clock_mhz, fps, accuracy; /* accuracy < 0: NULL */
    uint64_t interval_cycles, latency_cycles;
    int dsp, bram18;
    long lut, ff;
    int feasible;
} design_row;

typedef struct design_rows {
    int n;
    design_row *rows;
} design_rows;

/* Designs of one run (run_id > 0), or all designs (optionally of one net), by id. */
int results_load(store *s, int64_t run_id, const char *net_name, design_rows *out, tf_err *e);
void results_free(design_rows *r);
/* The newest run id (0 if none). */
int64_t results_last_run(store *s);

/* Objective columns by name: fps (maximised), dsp, bram18 (alias bram), lut, ff,
 * latency (minimised), accuracy (maximised). Returns the value to minimise. */
int results_objective(const char *name, int *col);
double results_value(const design_row *r, int col);
const char *results_objective_name(int col);

/* Marks the front of rows over the given objectives; returns its size. */
int results_front(const design_rows *r, int m, const int *cols, unsigned char *mask);

#endif
