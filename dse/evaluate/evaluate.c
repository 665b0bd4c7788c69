/* evaluate.c: analytical timing + resource model + budget check. */
#include "evaluate.h"

#include <stdio.h>
#include <string.h>

#include "analytic/analytic.h"
#include "numerics/dsp_packing.h"

void budget_from_device(budget *b, const device *dv)
{
    b->dsp = dv->dsp;
    b->bram18 = dv->mem_blocks;
    b->lut = dv->lut;
    b->ff = dv->ff;
}

bool budget_fits(const budget *b, int dsp, int bram18, long lut, long ff)
{
    return dsp <= b->dsp && bram18 <= b->bram18 && lut <= b->lut && ff <= b->ff;
}

/* Resources and the budget check; 1 when the build target cannot build the design. */
static int cost_design(const net *n, const design *ds, const device *dv, const budget *b, evaluation *ev, tf_err *e)
{
    if (!resource_fit_default(e)) { /* the coefficient file: a set-up error, not the design's */
        perf_free(&ev->p);
        return -1;
    }
    if (ds->arch == ARCH_ENGINE ? resources_engine(n, ds, dv, NULL, &ev->r, e)
                                : resources_dataflow(n, ds, dv, NULL, &ev->r, e)) {
        if (ds->arch == ARCH_ENGINE || resources_alloc(&ev->r, n->n_layers)) {
            perf_free(&ev->p);
            return -1;
        }
        ev->unbuildable = true; /* timing stands; no resources, so never within budget */
        return 1;
    }
    ev->feasible = budget_fits(b, ev->r.dsp, ev->r.bram18, ev->r.lut, ev->r.ff);
    if (ds->clock_auto && ev->r.period_ns > 0 && 1000.0 / ev->r.period_ns < ds->clock_mhz) {
        /* the timing model counts cycles; the predicted clock scales the rate */
        ev->clock_mhz = 1000.0 / ev->r.period_ns;
        ev->p.fps *= ev->clock_mhz / ds->clock_mhz;
    }
    return 0;
}

int evaluate_analytic(const net *n, const design *ds, const device *dv, const budget *b,
                      evaluation *ev, tf_err *e)
{
    memset(ev, 0, sizeof *ev);
    ev->clock_mhz = ds->clock_mhz;
    snprintf(ev->evaluator, sizeof ev->evaluator, "analytic");
    if (ds->arch == ARCH_ENGINE ? analytic_engine(n, ds, &ev->p, e) : analytic_dataflow(n, ds, &ev->p, e))
        return -1;
    return cost_design(n, ds, dv, b, ev, e);
}

int evaluate_cycle(const net *n, const design *ds, const device *dv, const budget *b,
                   const cycle_opts *o, evaluation *ev, tf_err *e)
{
    memset(ev, 0, sizeof *ev);
    ev->clock_mhz = ds->clock_mhz;
    snprintf(ev->evaluator, sizeof ev->evaluator, "cycle");
    cycle_info ci;
    if (cycle_simulate(n, ds, o, &ev->p, &ci, e))
        return -1;
    ev->frames = ci.frames;
    ev->sim_cycles = ci.sim_cycles;
    return cost_design(n, ds, dv, b, ev, e);
}

void evaluation_free(evaluation *ev)
{
    perf_free(&ev->p);
    resources_free(&ev->r);
}

double packing_bound_cycles(const net *n, const device *dv, int dsp)
{
    double dsp_cycles = 0;
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        if (layer_is_compute(l))
            dsp_cycles += (double)l->macs / dsp_packing_factor(dv->dsp_type, l->wbits, l->abits,
                                                               l->op == OP_FC ? 1 : l->k);
    }
    return dsp > 0 ? dsp_cycles / dsp : 0;
}
