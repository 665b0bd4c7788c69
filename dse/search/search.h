/* search.h: strategies that walk a space and hand every evaluated design to `emit`.
 *
 *  frontier   for each achievable interval T (slowest first), every layer takes its
 *             cheapest option with cycles <= T; exact for interval vs. weighted cost,
 *             run for a DSP-first, a BRAM-first and a balanced weighting.
 *  greedy     slowest-layer-first: start minimal, speed up the bottleneck layer one
 *             option at a time until the budget stops it (FINN-style balancing).
 *  exhaustive every combination; only for spaces up to `limit` designs.
 *  anneal     simulated annealing (GSL gsl_siman) over option indices, seeded.
 * Designs over budget are evaluated and counted but not emitted.
 *
 * Every strategy is deterministic: the same space gives the same candidates in the
 * same order. Sharding keeps the control flow of the whole search in every shard
 * (each shard evaluates what it needs to decide where to go) but emits only its own
 * 1/N of the candidates, so the union of N shards is exactly the unsharded run. */
#ifndef TF2SIM_SEARCH_H
#define TF2SIM_SEARCH_H

#include <signal.h>

#include "evaluate/evaluate.h"
#include "space.h"

typedef int (*search_emit_fn)(void *ctx, const design *ds, const evaluation *ev, tf_err *e);

/* Called after every evaluation (for progress display); may be NULL. */
typedef void (*search_progress_fn)(void *ctx, long evaluated, long emitted, long total, double best_fps);

typedef struct search_ctx {
    const net *n;
    const device *dv;
    const budget *b;
    const design *base;
    const space *sp;
    search_emit_fn emit;
    void *emit_ctx;
    int shard_k, shard_n;          /* emit only candidates with index % n == k-1 (0/0: all) */
    const volatile sig_atomic_t *stop; /* set asynchronously (Ctrl-C): the search returns early */
    search_progress_fn progress;
    void *progress_ctx;
    long total;                    /* candidates the strategy will try, when known (else 0) */
    long candidates;               /* candidates generated so far (the shard index) */
    long evaluated;                /* designs evaluated (feasible or not) */
    long emitted;                  /* designs within budget handed to emit */
    long unbuildable;              /* candidates the build target cannot build (never emitted) */
    char unbuildable_why[256];     /* the first one's reason */
    double best_fps;
    int stopped;                   /* 1 if *stop ended the search */
    double anneal_scale;           /* annealing: cycles that count as energy 1 */
} search_ctx;

typedef enum strategy_kind { STRAT_AUTO, STRAT_FRONTIER, STRAT_GREEDY, STRAT_EXHAUSTIVE, STRAT_ANNEAL } strategy_kind;

const char *strategy_name(strategy_kind s);
int strategy_parse(const char *s, strategy_kind *out);

int search_frontier(search_ctx *c, tf_err *e);
int search_greedy(search_ctx *c, tf_err *e);
int search_exhaustive(search_ctx *c, double limit, tf_err *e);
int search_anneal(search_ctx *c, unsigned long seed, tf_err *e);
/* Engine topology: every (N_VECTOR, C_VECTOR, OW_VECTOR) of a grid, base->eng as template
 * (caches, DDR bandwidth); c->sp is unused. */
int search_engine_grid(search_ctx *c, tf_err *e);
/* auto: exhaustive when the space has at most `limit` designs, else frontier, greedy
 * and annealing (with `seed`). */
int search_run(search_ctx *c, strategy_kind s, double limit, unsigned long seed, tf_err *e);

/* Evaluates the design as it stands in ds: counts it, emits it when within budget and
 * in this shard. The caller frees ev. (For strategies that build designs themselves.) */
int search_eval_design(search_ctx *c, const design *ds, evaluation *ev, tf_err *e);

#endif
