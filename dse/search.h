/* search.h: strategies that walk a space and hand every evaluated design to `emit`.
 *
 *  frontier   for each achievable interval T (slowest first), every layer takes its
 *             cheapest option with cycles <= T; exact for interval vs. weighted cost,
 *             run for a DSP-first, a BRAM-first and a balanced weighting.
 *  greedy     slowest-layer-first: start minimal, speed up the bottleneck layer one
 *             option at a time until the budget stops it (FINN-style balancing).
 *  exhaustive every combination; only for spaces up to `limit` designs.
 * Designs over budget are evaluated and counted but not emitted. */
#ifndef TF2SIM_SEARCH_H
#define TF2SIM_SEARCH_H

#include "evaluate.h"
#include "space.h"

typedef int (*search_emit_fn)(void *ctx, const design *ds, const evaluation *ev, tf_err *e);

typedef struct search_ctx {
    const net *n;
    const device *dv;
    const budget *b;
    const design *base;
    const space *sp;
    search_emit_fn emit;
    void *emit_ctx;
    long evaluated;     /* designs evaluated (feasible or not) */
    long emitted;       /* designs within budget handed to emit */
} search_ctx;

typedef enum strategy_kind { STRAT_AUTO, STRAT_FRONTIER, STRAT_GREEDY, STRAT_EXHAUSTIVE } strategy_kind;

const char *strategy_name(strategy_kind s);
int strategy_parse(const char *s, strategy_kind *out);

int search_frontier(search_ctx *c, tf_err *e);
int search_greedy(search_ctx *c, tf_err *e);
int search_exhaustive(search_ctx *c, double limit, tf_err *e);
/* auto: exhaustive when the space has at most `limit` designs, else frontier + greedy. */
int search_run(search_ctx *c, strategy_kind s, double limit, tf_err *e);

#endif
