/* resources.c: the resource model of the dataflow topology (see resources.h). */
#include "resources.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bram.h"
#include "dsp_packing.h"
#include "engine_plan.h"

/* Uncalibrated starting values; `tf2sim calibrate` replaces them with a fit to yosys. */
static const resource_coeffs DEFAULT_COEFFS = {
    .lut_per_lane_bit = 1.0,
    .lut_per_lutmult_bit = 1.2,
    .lut_per_pe = 60.0,
    .lut_per_layer = 400.0,
    .ff_per_lane_bit = 1.5,
    .ff_per_pe = 80.0,
    .ff_per_layer = 500.0,
};

const resource_coeffs *resource_coeffs_default(void)
{
    return &DEFAULT_COEFFS;
}

int resources_alloc(resources *r, int n_layers)
{
    memset(r, 0, sizeof *r);
    r->layers = calloc((size_t)(n_layers > 0 ? n_layers : 1), sizeof(layer_res));
    r->n_layers = n_layers;
    return r->layers ? 0 : -1;
}

void resources_free(resources *r)
{
    free(r->layers);
    r->layers = NULL;
}

int resources_layer_mult_dsp(const layer *l, const layer_fold *f, const device *dv)
{
    if (f->lut_mult)
        return 0;
    int lanes = f->simd * f->pe;
    switch (f->sched) {
    case SCHED_DSP6:
        return lanes;
    case SCHED_FP:
    case SCHED_KP:
        return lanes * (f->kpf > 0 ? f->kpf : 1);
    case SCHED_MVAU:
    default: {
        double fac = dsp_packing_factor(dv->dsp_type, l->wbits, l->abits, l->op == OP_FC ? 1 : l->k);
        return (int)ceil((double)lanes / fac - 1e-9);
    }
    }
}

/* Adds a memory to the layer: BRAM when deep enough, LUTRAM otherwise. */
static int add_memory(layer_res *lr, const device *dv, int width, uint64_t depth, int copies)
{
    if (width <= 0 || depth == 0 || copies <= 0)
        return 0;
    if (ram_is_shallow(width, depth)) {
        lr->lut += lutram_luts(width, depth) * copies;
        return 0;
    }
    int b = ram_blocks(dv->mem_type, width, depth) * copies;
    lr->bram18 += b;
    return b;
}

static int stream_lanes_of(const net *n, const design *ds, int i)
{
    while (i >= 0 && !layer_is_compute(&n->layers[i]))
        i = n->layers[i].inputs[0];
    return i < 0 ? n->in_c : ds->fold[i].pe;
}

int resources_layer(const net *n, const design *ds, const device *dv, const resource_coeffs *c,
                    int i, layer_res *lr)
{
    const layer *l = &n->layers[i];
    int obits = net_out_bits(n, i);
    memset(lr, 0, sizeof *lr);
    if (!c)
        c = &DEFAULT_COEFFS;
    if (layer_is_compute(l)) {
        const layer_fold *f = &ds->fold[i];
        int lanes = f->simd * f->pe;
        lr->dsp = resources_layer_mult_dsp(l, f, dv);
        if (l->bn || obits < 32)
            lr->dsp += f->pe; /* acc * inc of the BN / re-quantise unit */
        int kk = l->op == OP_FC ? 1 : l->k;
        uint64_t depth = ((uint64_t)kk * kk * (uint64_t)layer_cin_per_group(l) / (uint64_t)f->simd) *
                         ((uint64_t)l->cout / (uint64_t)f->pe);
        lr->weight_bram = add_memory(lr, dv, f->simd * l->wbits, depth, f->pe);
        if (l->op == OP_CONV && l->k > 1) {
            int cpar = f->simd < l->cin ? f->simd : l->cin;
            while (cpar > 1 && l->cin % cpar)
                cpar--;
            uint64_t lb_depth = (uint64_t)(l->k + 1) * (uint64_t)l->win * (uint64_t)(l->cin / cpar);
            lr->linebuf_bram = add_memory(lr, dv, cpar * l->abits, lb_depth, 1);
        }
        double lane_bits = (double)lanes * (l->wbits + l->abits);
        lr->lut += (long)(c->lut_per_lane_bit * lane_bits + c->lut_per_pe * f->pe + c->lut_per_layer);
        if (f->lut_mult)
            lr->lut += (long)(c->lut_per_lutmult_bit * lanes * l->wbits * l->abits);
        lr->ff += (long)(c->ff_per_lane_bit * lane_bits + c->ff_per_pe * f->pe + c->ff_per_layer);
    } else {
        lr->lut += (long)(c->lut_per_layer / 4);
        lr->ff += (long)(c->ff_per_layer / 4);
        if ((l->op == OP_MAXPOOL || l->op == OP_AVGPOOL) && l->k > 1) { /* row buffer */
            int lanes = stream_lanes_of(n, ds, i);
            add_memory(lr, dv, obits * lanes, (uint64_t)(l->k - 1) * (uint64_t)l->win *
                       (uint64_t)((l->cin + lanes - 1) / lanes), 1);
        }
    }
    /* The FIFO after this layer: one word per cycle at the stream width. */
    if (i + 1 < n->n_layers) {
        int width = stream_lanes_of(n, ds, i) * (obits < 32 ? obits : 32);
        lr->fifo_bram = add_memory(lr, dv, width, (uint64_t)ds->fifo_depth, 1);
    }
    return 0;
}

int resources_dataflow(const net *n, const design *ds, const device *dv,
                       const resource_coeffs *c, resources *r, tf_err *e)
{
    if (resources_alloc(r, n->n_layers))
        return tf_errf(e, "out of memory");
    for (int i = 0; i < n->n_layers; i++) {
        layer_res *lr = &r->layers[i];
        resources_layer(n, ds, dv, c, i, lr);
        r->dsp += lr->dsp;
        r->bram18 += lr->bram18;
        r->lut += lr->lut;
        r->ff += lr->ff;
    }
    return 0;
}

int resources_engine(const net *n, const design *ds, const device *dv, const resource_coeffs *c,
                     resources *r, tf_err *e)
{
    const engine_params *g = &ds->eng;
    engine_plan pl;
    if (engine_plan_build(n, g, &pl, e))
        return -1;
    if (resources_alloc(r, n->n_layers)) {
        engine_plan_free(&pl);
        return tf_errf(e, "out of memory");
    }
    if (!c)
        c = &DEFAULT_COEFFS;
    int wmax = 1, amax = 1;
    bool all_pow2 = true;
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        if (!layer_is_compute(l))
            continue;
        all_pow2 = all_pow2 && l->pow2;
        if (l->wbits > wmax) wmax = l->wbits;
        if (l->abits > amax) amax = l->abits;
    }
    long lanes = (long)g->n_vector * g->c_vector * g->ow_vector * g->fw_vector;
    int wvec = g->fw_vector + g->ow_vector - 1;
    (void)all_pow2; /* TF2's array shift-accumulates INQ codes (tf2-engine.md 1.3): no product DSPs */
    r->dsp += g->n_vector * wvec; /* acc * alpha of the output stage, per output lane */
    uint64_t p2w = 1, p2c = 1, p2f = 1;
    while (p2w < (uint64_t)wvec) p2w <<= 1;
    while (p2c < (uint64_t)g->c_vector) p2c <<= 1;
    while (p2f < (uint64_t)g->fw_vector) p2f <<= 1;
    uint64_t feat = (uint64_t)g->feature_cache_bytes > pl.feature_cache_needed ? (uint64_t)g->feature_cache_bytes
                                                                                : pl.feature_cache_needed;
    uint64_t filt = (uint64_t)g->filter_cache_bytes > pl.filter_cache_needed ? (uint64_t)g->filter_cache_bytes
                                                                              : pl.filter_cache_needed;
    int feat_width = (int)(p2w * p2c * 8), filt_width = (int)(p2f * (uint64_t)g->c_vector * 8);
    r->bram18 += ram_blocks(dv->mem_type, feat_width, feat / (p2w * p2c));
    r->bram18 += g->n_vector * ram_blocks(dv->mem_type, filt_width, filt / (p2f * (uint64_t)g->c_vector));
    double lane_bits = (double)lanes * (8 + 8);
    r->lut += (long)(c->lut_per_lane_bit * lane_bits + c->lut_per_pe * g->n_vector + c->lut_per_layer * 11);
    r->ff += (long)(c->ff_per_lane_bit * lane_bits + c->ff_per_pe * g->n_vector + c->ff_per_layer * 11);
    engine_plan_free(&pl);
    return 0;
}
