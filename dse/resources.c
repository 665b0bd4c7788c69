/* resources.c: the resource model of the dataflow topology (see resources.h). */
#include "resources.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "bram.h"
#include "dsp_packing.h"

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
