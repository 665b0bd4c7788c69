/* analytic_dataflow.c: closed-form cycles of the dataflow (layer-pipelined) topology. */
#include "analytic.h"
#include "pe_array.h"

static uint64_t ceil_div_u(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

uint64_t analytic_layer_cycles(const layer *l, const layer_fold *f)
{
    uint64_t oh = (uint64_t)l->hout, ow = (uint64_t)l->wout, k = (uint64_t)l->k;
    uint64_t cin_g = (uint64_t)layer_cin_per_group(l), cout = (uint64_t)l->cout;
    uint64_t simd = (uint64_t)f->simd, pe = (uint64_t)f->pe, kpf = (uint64_t)(f->kpf > 0 ? f->kpf : 1);
    if (l->op == OP_FC)
        return (cin_g / simd) * (cout / pe);
    switch (f->sched) {
    case SCHED_DSP6:
        return oh * (cout / pe) * ceil_div_u(ow + 2, 2) * (3 * cin_g / simd);
    case SCHED_FP: {
        uint64_t row_len = ((uint64_t)l->win + k - 2) / (uint64_t)f->np + 1;
        /* the FP/KP arrays walk every input row (GEN Opt_FP.hpp / Opt_KP.hpp: IN_H), which is
         * OH only for a same-padded conv; the cycle-level model counts IN_H rows */
        return (uint64_t)l->hin * (cout / pe) * ceil_div_u(k, (uint64_t)f->kp) * (k * cin_g / (simd * kpf)) * row_len;
    }
    case SCHED_KP: {
        uint64_t row_len = ((uint64_t)l->win + k - 2) / (uint64_t)f->np + 1;
        return (uint64_t)l->hin * (cout / ((uint64_t)f->kp * pe)) * k * (k * cin_g / (simd * kpf)) * row_len;
    }
    case SCHED_MVAU:
    default:
        return oh * ow * (k * k * cin_g / simd) * (cout / pe);
    }
}

uint64_t analytic_stream_cycles(const layer *l, int lanes)
{
    uint64_t per_pixel = ceil_div_u((uint64_t)l->cin, (uint64_t)(lanes > 0 ? lanes : 1));
    return (uint64_t)l->hin * (uint64_t)l->win * per_pixel;
}

/* Input rows a layer must hold before it can produce its first output row. */
static int rows_before_first_output(const layer *l)
{
    if (l->op == OP_CONV || l->op == OP_MAXPOOL || l->op == OP_AVGPOOL) {
        int r = l->k - l->pad;
        return r > 1 ? r : 1;
    }
    if (l->op == OP_FC || l->op == OP_GAP)
        return l->hin; /* needs the whole input */
    return l->op == OP_REORG ? l->stride : 1;
}

/* Channels per cycle on the stream leaving layer i: the PE of the nearest compute producer. */
static int stream_lanes(const net *n, const design *ds, int i)
{
    for (int j = i; j >= 0;) {
        const layer *l = &n->layers[j];
        if (layer_is_compute(l))
            return ds->fold[j].pe * (ds->fold[j].sched == SCHED_KP ? ds->fold[j].kp : 1);
        j = l->inputs[0];
    }
    return 1;
}

int analytic_dataflow(const net *n, const design *ds, perf *p, tf_err *e)
{
    if (design_check(ds, n, e))
        return -1;
    if (perf_alloc(p, n->n_layers))
        return tf_errf(e, "out of memory");
    uint64_t worst = 0, fill_sum = 0;
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        layer_perf *lp = &p->layers[i];
        if (layer_is_compute(l)) {
            lp->cycles = analytic_layer_cycles(l, &ds->fold[i]);
            /* packed schedules do several products per lane (pe_array.h) */
            double cap = pe_array_products_per_cycle(l, &ds->fold[i]) * (double)lp->cycles;
            lp->pe_util = cap > 0 ? (double)l->macs / cap : 0.0;
        } else {
            lp->cycles = analytic_stream_cycles(l, l->inputs[0] >= 0 ? stream_lanes(n, ds, l->inputs[0]) : 1);
            lp->pe_util = 1.0;
        }
        lp->fill_cycles = ceil_div_u(lp->cycles * (uint64_t)rows_before_first_output(l),
                                     (uint64_t)(l->hin > 0 ? l->hin : 1));
        if (lp->fill_cycles > lp->cycles)
            lp->fill_cycles = lp->cycles;
        fill_sum += lp->fill_cycles;
        if (lp->cycles > worst) {
            worst = lp->cycles;
            p->slowest = i;
        }
    }
    p->interval_cycles = worst;
    p->latency_cycles = fill_sum + worst;
    p->fps = worst ? ds->clock_mhz * 1e6 / (double)worst : 0.0;
    return 0;
}
