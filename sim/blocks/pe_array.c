/* pe_array.c: cycles per work item of the dataflow and engine arrays (see pe_array.h). */
#include "pe_array.h"

#include <string.h>

static uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

double pe_array_products_per_cycle(const layer *l, const layer_fold *f)
{
    (void)l;
    double lanes = (double)f->simd * (double)f->pe;
    double kpf = f->kpf > 0 ? f->kpf : 1;
    switch (f->sched) {
    case SCHED_DSP6: return lanes * 6.0;
    case SCHED_FP:
    case SCHED_KP: return lanes * kpf * (double)f->kp * (double)f->np;
    case SCHED_MVAU:
    default: return lanes;
    }
}

void pe_array_init_dataflow(pe_array *p, const layer *l, const layer_fold *f)
{
    memset(p, 0, sizeof *p);
    uint64_t oh = (uint64_t)l->hout, ow = (uint64_t)l->wout, k = (uint64_t)l->k;
    uint64_t cin_g = (uint64_t)layer_cin_per_group(l), cout = (uint64_t)l->cout;
    uint64_t simd = (uint64_t)f->simd, pe = (uint64_t)f->pe, kpf = (uint64_t)(f->kpf > 0 ? f->kpf : 1);
    p->lanes = simd * pe;
    p->macs_per_frame = l->macs;
    p->latency = 2; /* multiplier register + accumulator */
    for (uint64_t s = simd; s > 1; s = (s + 1) / 2)
        p->latency++; /* adder tree over SIMD lanes */
    if (l->op == OP_FC) {
        p->grain = PE_GRAIN_FRAME;
        p->items_per_frame = 1;
        p->cost_per_item = (cin_g / simd) * (cout / pe);
        return;
    }
    uint64_t row_len = ((uint64_t)l->win + k - 2) / (uint64_t)(f->np > 0 ? f->np : 1) + 1;
    switch (f->sched) {
    case SCHED_DSP6:
        p->grain = PE_GRAIN_ROW;
        p->items_per_frame = oh;
        p->cost_per_item = (cout / pe) * cdiv(ow + 2, 2) * (3 * cin_g / simd);
        break;
    case SCHED_FP: /* the MixQ FP array walks every input row (GEN Opt_FP.hpp: IN_H) */
        p->grain = PE_GRAIN_ROW;
        p->items_per_frame = (uint64_t)l->hin;
        p->cost_per_item = (cout / pe) * cdiv(k, (uint64_t)f->kp) * (k * cin_g / (simd * kpf)) * row_len;
        p->lanes *= kpf;
        break;
    case SCHED_KP:
        p->grain = PE_GRAIN_ROW;
        p->items_per_frame = (uint64_t)l->hin;
        p->cost_per_item = (cout / ((uint64_t)f->kp * pe)) * k * (k * cin_g / (simd * kpf)) * row_len;
        p->lanes *= kpf;
        break;
    case SCHED_MVAU:
    default:
        p->grain = PE_GRAIN_PIXEL;
        p->items_per_frame = oh * ow;
        p->cost_per_item = (k * k * cin_g / simd) * (cout / pe);
        break;
    }
}

uint64_t pe_array_engine_group_cycles(const engine_params *g, const engine_layer_geom *lg)
{
    uint64_t wowv = lg->one_by_one ? (uint64_t)(g->fw_vector + g->ow_vector - 1) : (uint64_t)g->ow_vector;
    return cdiv((uint64_t)lg->oh, (uint64_t)lg->stride) * cdiv((uint64_t)lg->ow, wowv) *
           cdiv((uint64_t)lg->c, (uint64_t)g->c_vector) * (uint64_t)lg->fh * cdiv((uint64_t)lg->fw, (uint64_t)g->fw_vector);
}

uint64_t pe_array_engine_filter_words(const engine_params *g, const engine_layer_geom *lg)
{
    if (lg->one_by_one) /* a cache word holds FW_VECTOR slices of C_VECTOR channels */
        return cdiv((uint64_t)lg->c, (uint64_t)g->c_vector * (uint64_t)g->fw_vector);
    return cdiv((uint64_t)lg->c, (uint64_t)g->c_vector) * (uint64_t)lg->fh * cdiv((uint64_t)lg->fw, (uint64_t)g->fw_vector);
}

uint64_t pe_array_engine_lanes(const engine_params *g, bool one_by_one)
{
    uint64_t per_pe = one_by_one ? (uint64_t)g->c_vector * (uint64_t)(g->fw_vector + g->ow_vector - 1)
                                 : (uint64_t)g->c_vector * (uint64_t)g->ow_vector * (uint64_t)g->fw_vector;
    return (uint64_t)g->n_vector * per_pe;
}

void pe_array_init_engine(pe_array *p, const engine_params *g)
{
    memset(p, 0, sizeof *p);
    p->grain = PE_GRAIN_ROW;
    p->lanes = pe_array_engine_lanes(g, false);
    /* daisy chain of N_VECTOR PEs + C_VECTOR x FW_VECTOR adder tree + accumulator */
    p->latency = (uint32_t)g->n_vector + 1;
    for (int s = g->c_vector * g->fw_vector; s > 1; s = (s + 1) / 2)
        p->latency++;
}

void pe_array_start(pe_array *p, uint64_t now, uint64_t cycles)
{
    p->busy = true;
    p->done_at = now + cycles;
    p->busy_cycles += cycles;
}

bool pe_array_step(pe_array *p, uint64_t now)
{
    if (p->busy && now >= p->done_at) {
        p->busy = false;
        p->items++;
        return true;
    }
    return false;
}

void pe_array_stats(const pe_array *p, block_stats *s)
{
    memset(s, 0, sizeof *s);
    s->t[BS_BUSY] = p->busy_cycles;
    s->items = p->items;
}
