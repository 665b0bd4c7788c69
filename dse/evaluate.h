/* evaluate.h: one design -> timing + resources + feasibility (the unit of a sweep). */
#ifndef TF2SIM_EVALUATE_H
#define TF2SIM_EVALUATE_H

#include <stdbool.h>

#include "design.h"
#include "device.h"
#include "net.h"
#include "perf.h"
#include "resources.h"

/* Resource limits of a sweep; each defaults to the device's total. */
typedef struct budget {
    int dsp, bram18;
    long lut, ff;
} budget;

typedef struct evaluation {
    perf p;
    resources r;
    bool feasible;      /* within the budget */
    char evaluator[16]; /* "analytic" or "cycle" */
} evaluation;

void budget_from_device(budget *b, const device *dv);
bool budget_fits(const budget *b, int dsp, int bram18, long lut, long ff);

/* Analytical evaluation of a dataflow design. */
int evaluate_analytic(const net *n, const design *ds, const device *dv, const budget *b,
                      evaluation *ev, tf_err *e);
void evaluation_free(evaluation *ev);

#endif
