/* evaluate.c: analytical timing + resource model + budget check. */
#include "evaluate.h"

#include <stdio.h>
#include <string.h>

#include "analytic.h"

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

int evaluate_analytic(const net *n, const design *ds, const device *dv, const budget *b,
                      evaluation *ev, tf_err *e)
{
    memset(ev, 0, sizeof *ev);
    snprintf(ev->evaluator, sizeof ev->evaluator, "analytic");
    if (ds->arch != ARCH_DATAFLOW)
        return tf_errf(e, "the analytical model of the %s topology is not available yet", arch_name(ds->arch));
    if (analytic_dataflow(n, ds, &ev->p, e))
        return -1;
    if (resources_dataflow(n, ds, dv, NULL, &ev->r, e)) {
        perf_free(&ev->p);
        return -1;
    }
    ev->feasible = budget_fits(b, ev->r.dsp, ev->r.bram18, ev->r.lut, ev->r.ff);
    return 0;
}

void evaluation_free(evaluation *ev)
{
    perf_free(&ev->p);
    resources_free(&ev->r);
}
