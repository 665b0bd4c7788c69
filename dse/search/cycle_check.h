/* cycle_check.h: re-simulating a sweep's best designs with the cycle-level model.
 *
 * The search ranks with the analytical model; the top designs of a run (by fps, then
 * fewest DSPs, then fewest BRAMs) are rebuilt from their stored canonical JSON (the
 * fold-file format), run through the cycle-level model, and their cycle-level interval
 * and latency written to designs.cycle_interval_cycles / cycle_latency_cycles. */
#ifndef TF2SIM_CYCLE_CHECK_H
#define TF2SIM_CYCLE_CHECK_H

#include <stdint.h>

#include "store/results.h"
#include "store/store.h"

typedef struct cycle_check_row {
    int64_t id;
    uint64_t interval_analytic, latency_analytic;
    uint64_t interval_cycle, latency_cycle;
    double interval_rel;      /* (cycle - analytic) / analytic */
    int ok;                   /* 0: the cycle-level run failed, see err */
    char err[200];
} cycle_check_row;

/* Checks up to `top` designs of rows (a run's designs) of net n on dv; fills out[0..*n_out).
 * A design the cycle-level model cannot run is reported in its row (ok = 0), not as a
 * failure of the whole check; -1 only for database errors. */
int cycle_check_top(store *st, const design_rows *rows, int top, const net *n, const device *dv,
                    cycle_check_row *out, int *n_out, tf_err *e);

/* Designs a sweep re-checks with the cycle-level model (tf2sim sweep). */
#define SWEEP_CYCLE_CHECK 3

#endif
