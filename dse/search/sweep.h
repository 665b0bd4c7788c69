/* sweep.h: one whole sweep, as `tf2sim sweep` runs it — load the net and device, build the
 * space, open (or resume) a run in the results DB, search the foldings (one bit vector, or a
 * mixed-precision walk over many), store every design within the budget in batches, finish
 * the run, and pick the best design, the cycle-level re-check and the packing bound.
 * The caller formats and prints the result (and draws the plots). */
#ifndef TF2SIM_SWEEP_H
#define TF2SIM_SWEEP_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "evaluate/evaluate.h"
#include "net/design.h"
#include "net/device.h"
#include "net/net.h"
#include "cycle_check.h"
#include "mixed.h"
#include "search.h"
#include "store/results.h"
#include "store/store.h"

/* --clock auto: each design's fps at the clock it is predicted to reach (resources' period_ns),
 * at most the synthesis target the period model was calibrated at (MIXQ_TARGET_PERIOD_NS). */
#define SWEEP_CLOCK_AUTO (-1.0)

typedef struct sweep_request {
    const char *net, *device, *db;   /* zoo names or files; the results DB (created if absent) */
    const char *bitw, *bita;         /* per-compute-layer digit strings, or NULL */
    int wbits, abits;                /* every non-fixed layer at these bits (0: the net's) */
    long dsp, bram, lut, ff;         /* budgets; <= 0: the device's */
    long batch;                      /* designs per DB transaction */
    int shard_k, shard_n;            /* 0/0: the whole space */
    unsigned long seed;              /* annealing */
    bool mixed;                      /* walk per-layer bit widths (mx) */
    mixed_opts mx;
    arch_kind arch;
    unsigned sched_mask;
    build_target target;
    bool target_set;                 /* false: picked from the net (resources_pick_target) */
    double clock, limit;             /* MHz; SWEEP_CLOCK_AUTO; 0: auto for mixq-hls dataflow, else the
                                        device's. Exhaustive-space limit */
    strategy_kind strategy;
    const char *args;                /* the command line stored with the run (NULL: "sweep") */
    const volatile sig_atomic_t *stop; /* set asynchronously: the search stops, the batch is kept */
    search_progress_fn progress;     /* may be NULL */
    void *progress_ctx;
    FILE *log;                       /* notices (resuming, no accuracy data); NULL: none */
} sweep_request;

typedef struct sweep_result {
    net n;                           /* at the sweep's bits */
    device dv;
    budget b;
    design base;                     /* clock, target */
    store *st;                       /* the open results DB (NULL after an error) */
    int64_t run_id;
    bool resumed;                    /* continued an unfinished run of the same sweep */
    bool interrupted;                /* *stop ended it: what was saved is committed, the run stays open */
    bool no_accuracy;                /* --mixed on a net without weights and data */
    long evaluated, stored_new, linked;
    long unbuildable;
    char unbuildable_why[256];
    int vectors;                     /* bit vectors searched */
    char bitw[NET_MAX_LAYERS + 1], bita[NET_MAX_LAYERS + 1]; /* the net's bits as requested */
    double space_size;
    design_rows rows;                /* every design of the run */
    const design_row *best;          /* highest fps, then fewest DSPs, then fewest BRAM18 */
    cycle_check_row cchk[SWEEP_CYCLE_CHECK];
    int n_cchk;
    double bound;                    /* packing lower bound on the interval (0: none, the engine) */
    bool has_acc;
    double acc_lo, acc_hi;           /* over the run's designs with accuracy */
} sweep_result;

/* The defaults of `tf2sim sweep` (device ultra96v2, results.db, batch 500, ...). */
void sweep_request_defaults(sweep_request *rq);

/* Runs the sweep. 0: done, res filled; 1: interrupted by *stop (res->run_id, evaluated,
 * linked, stored_new say what is saved); -1: error in e (a run that saved nothing is removed,
 * and a DB file this sweep created is deleted). Free res with sweep_result_free either way. */
int sweep_run(const sweep_request *rq, sweep_result *res, tf_err *e);
void sweep_result_free(sweep_result *res);

#endif
