/* simulate.h: one design through the cycle-level model, as `tf2sim sim` runs it — load the net
 * and device, make the design (a fold file, an engine config, or --fold auto: the fastest design
 * of a frontier search within the device), simulate it block by block, compare with the closed
 * form, and record it in the results DB with evaluator `cycle`. The caller prints the result. */
#ifndef TF2SIM_SIMULATE_H
#define TF2SIM_SIMULATE_H

#include <stdbool.h>
#include <stdint.h>

#include "evaluate/evaluate.h"
#include "net/design.h"
#include "net/device.h"
#include "net/net.h"
#include "topology/cycle.h"

typedef struct sim_request {
    const char *net, *device, *engine;   /* zoo names or files; engine: configs/engines/ */
    const char *fold;                    /* fold file or name, "auto", or NULL (dataflow: auto) */
    const char *bitw, *bita;             /* digit strings, or NULL */
    int wbits, abits;                    /* every non-fixed layer at these bits (0: the net's/fold's) */
    arch_kind arch;
    bool arch_given;                     /* a fold file of the other arch is an error */
    build_target target;
    bool target_given;
    long frames;                         /* 0: the topology's default */
    long fifo_depth;                     /* <= 0: the fold's */
    double clock;                        /* <= 0: the fold's, else the device's */
    const char *trace;                   /* VCD path or NULL */
    uint64_t trace_from, trace_to;
    const char *db;                      /* results DB, or NULL / "none": not recorded */
    const char *args;                    /* the command line stored with the run */
} sim_request;

typedef struct sim_result {
    net n;
    device dv;
    design ds;
    evaluation ev;                       /* cycle-level: per-layer cycles and stalls, resources */
    perf an;                             /* the closed form of the same design (have_an) */
    bool have_an;
    cycle_fifos fq;                      /* dataflow: the inter-layer FIFOs over the run */
    int64_t design_id;                   /* in db (0: not recorded) */
} sim_result;

/* The defaults of `tf2sim sim` (engine tf2_f10a, results.db, trace window 0:200000; the device
 * is left NULL: ultra96v2, or f10a for the engine). */
void sim_request_defaults(sim_request *rq);

/* 0: simulated (and recorded), res filled; -1: error in e. Free res with sim_result_free either way. */
int sim_run(const sim_request *rq, sim_result *res, tf_err *e);
void sim_result_free(sim_result *res);

#endif
