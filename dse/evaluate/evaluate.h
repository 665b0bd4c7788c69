/* evaluate.h: one design -> timing + resources + feasibility (the unit of a sweep). */
#ifndef TF2SIM_EVALUATE_H
#define TF2SIM_EVALUATE_H

#include <stdbool.h>

#include "topology/cycle.h"
#include "net/design.h"
#include "net/device.h"
#include "net/net.h"
#include "analytic/perf.h"
#include "resources/resources.h"

/* Resource limits of a sweep; each defaults to the device's total. */
typedef struct budget {
    int dsp, bram18;
    long lut, ff;
} budget;

typedef struct evaluation {
    perf p;
    resources r;
    bool feasible;      /* within the budget */
    bool unbuildable;   /* the build target cannot build it (resources empty, not feasible) */
    char evaluator[16]; /* "analytic" or "cycle" */
    int frames;         /* cycle: frames simulated (0 for analytic) */
    uint64_t sim_cycles;/* cycle: cycles simulated */
    double clock_mhz;   /* the clock p.fps is at: the design's, or the one it is predicted to reach
                           (design.clock_auto and a modelled period: min(clock_mhz, 1000 / r.period_ns)) */
} evaluation;

void budget_from_device(budget *b, const device *dv);
bool budget_fits(const budget *b, int dsp, int bram18, long lut, long ff);

/* Analytical evaluation of a dataflow or engine design. Returns 0, -1 on error (ev holds
 * nothing), or 1 when the design's build target cannot build it (e->msg says why; ev holds
 * the timing and must be freed). */
int evaluate_analytic(const net *n, const design *ds, const device *dv, const budget *b,
                      evaluation *ev, tf_err *e);
/* Cycle-level evaluation (sim/topology/cycle.h; o NULL: 3 frames, no trace); evaluator "cycle".
 * Returns as evaluate_analytic. */
int evaluate_cycle(const net *n, const design *ds, const device *dv, const budget *b,
                   const cycle_opts *o, evaluation *ev, tf_err *e);
void evaluation_free(evaluation *ev);

/* The packing lower bound on a dataflow interval with `dsp` DSPs: the DSP-cycles the
 * net's MACs need at each layer's products-per-DSP (its bits, K, DSP type), spread
 * perfectly over all DSPs: sum_l MACs_l / f_l / dsp. No folding can beat it. */
double packing_bound_cycles(const net *n, const device *dv, int dsp);

#endif
