/* resources.c: a design's resources, layer by layer, for its build target (resources.h). */
#include "resources.h"

#include <stdlib.h>
#include <string.h>

#include "bram.h"
#include "blocks/engine_plan.h"
#include "mixq_op.h"
#include "net/gen_layer.h"
#include "resources_mixq.h"
#include "resources_rtl.h"

/* Streaming layers (pool, reorg, concat, add) are not calibrated: a window counter, a
 * compare/add per lane and the stream handshakes, about a fifth of a small compute unit. */
#define STREAM_LUT 120
#define STREAM_FF 150

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

/* The arithmetic and buffers of the element-wise and routing layers, per stream lane: an
 * activation is a ROM over the input codes (2^abits entries of the output width), BN and mul
 * a multiply (one DSP: both operands are at most 8-bit codes times a 16-bit constant) plus
 * BN's per-channel scale/shift or mul's per-channel factor (squeeze-excite) buffer; a shuffle
 * reorders one pixel's channels through a double-buffered pixel store; a slice only drops
 * channels from the stream. */
static void elementwise_units(const net *n, const design *ds, const device *dv, int i, layer_res *lr)
{
    const layer *l = &n->layers[i];
    int lanes = stream_lanes_of(n, ds, i), obits = net_out_bits(n, i);
    if (obits > 16)
        obits = 16;
    uint64_t per_lane = (uint64_t)((l->cin + lanes - 1) / lanes);
    switch (l->op) {
    case OP_ACT:
        add_memory(lr, dv, obits * lanes, (uint64_t)1 << l->abits, 1);
        break;
    case OP_BN:
        lr->dsp += lanes;
        add_memory(lr, dv, 32 * lanes, per_lane, 1); /* 16-bit scale and shift per channel */
        break;
    case OP_MUL:
        lr->dsp += lanes;
        if (l->inputs[1] >= 0 && n->layers[l->inputs[1]].hout == 1 && n->layers[l->inputs[1]].wout == 1)
            add_memory(lr, dv, obits * lanes, per_lane, 2); /* this frame's factors and the next's */
        break;
    case OP_SHUFFLE:
        add_memory(lr, dv, obits * lanes, per_lane, 2);
        break;
    default:
        break;
    }
}

static const resource_fit *fit_or_default(const resource_fit *fit, tf_err *e)
{
    return fit ? fit : resource_fit_default(e);
}

/* A compute layer as our RTL compute unit builds it. */
static int rtl_layer(const net *n, const design *ds, const device *dv, const resource_fit *fit, int i,
                     layer_res *lr, tf_err *e)
{
    if (dv->mem_type != MEM_BRAM18)
        return tf_errf(e, "target rtl: the RTL resource model follows yosys' Xilinx mapping; device %s is not "
                       "Xilinx (use target mixq-hls)", dv->name);
    rtl_unit u;
    if (rtl_unit_of_layer(n, ds, dv, i, &u, e))
        return -1;
    xilinx_family fam = rtl_family(dv);
    rtl_unit_res ur;
    rtl_unit_resources(&u, fam, &ur);
    long lut, ff;
    resource_fit_apply(fit, fam, &ur.x, &lut, &ff);
    lr->dsp = ur.dsp;
    lr->bram18 = ur.bram18;
    lr->weight_bram = ur.weight_bram;
    lr->linebuf_bram = ur.feature_bram; /* the feature buffer holds the line buffer and input FIFO */
    lr->lut = lut + ur.lutram;
    lr->ff = ff + ur.mem_ff;
    return 0;
}

/* An FP/KP conv with BN costs what the operator model calibrated on Vivado says (mixq_op.h), the
 * fused pool included; the FIFO GEN puts after an unpooled conv (not in the single-operator data)
 * stays as the structure counts it. A dsp6/mvau conv keeps its structural DSP and BRAM and takes
 * its LUT, FF and clock from the FP operator of the same packing, so that the search compares
 * calibrated figures with calibrated ones. 1 (FP/KP) or 2 (dsp6/mvau) when the layer is such a conv. */
static int mixq_calibrated(const net *n, const design *ds, const device *dv, int i, layer_res *lr, tf_err *e)
{
    mixq_op op;
    int k = mixq_op_of_layer(n, ds, dv, i, &op, e);
    if (k <= 0)
        return k;
    const mixq_fit *mf = mixq_fit_default(e);
    if (!mf)
        return -1;
    mixq_op_res r;
    mixq_op_eval(&op, dv->dsp_type, mf, &r);
    if (k == 2) {
        lr->lut = r.lut;
        lr->ff = r.ff;
        lr->period_ns = r.period_ns;
        return 2;
    }
    int fifo = op.pool ? 0 : lr->fifo_bram;
    lr->dsp = r.dsp;
    lr->bram18 = r.bram18_fit + fifo;
    lr->weight_bram = r.rom_bram;
    lr->linebuf_bram = r.lb_bram;
    lr->fifo_bram = lr->bram18 - r.rom_bram - r.lb_bram; /* FIFOs and the fitted remainder */
    lr->lut = r.lut;
    lr->ff = r.ff;
    lr->period_ns = r.period_ns;
    return 1;
}

/* A layer as the MixQ HLS flow builds it; the first carries GEN's input stage. */
static int mixq_layer(const net *n, const design *ds, const device *dv, const resource_fit *fit, int i,
                      layer_res *lr, tf_err *e)
{
    res_features x;
    memset(&x, 0, sizeof x);
    if (resources_mixq_layer(n, ds, dv, i, lr, &x, e))
        return -1;
    long lut, ff;
    resource_fit_apply(fit, rtl_family(dv), &x, &lut, &ff);
    lr->lut += lut;
    lr->ff += ff;
    mixq_op prod;
    int cal = mixq_calibrated(n, ds, dv, i, lr, e);
    if (cal < 0)
        return -1;
    if (!cal && gen_is_pool2x2(&n->layers[i]) && mixq_op_of_layer(n, ds, dv, n->layers[i].inputs[0], &prod, e) == 1) {
        /* the calibrated conv before it holds the pool's row store and logic: the FIFO after it is left */
        lr->bram18 = lr->fifo_bram;
        lr->weight_bram = lr->linebuf_bram = 0;
        lr->lut = lr->ff = 0;
    }
    if (i == 0) {
        layer_res in;
        resources_mixq_input_stage(n, dv, &in, &x);
        resource_fit_apply(fit, rtl_family(dv), &x, &lut, &ff);
        lr->bram18 += in.bram18;
        lr->fifo_bram += in.bram18;
        lr->dsp += in.dsp;
        lr->lut += in.lut + lut;
        lr->ff += in.ff + ff;
    }
    return 0;
}

int resources_pick_target(const net *n, const device *dv, build_target *out, tf_err *e)
{
    design probe;
    if (design_init(&probe, n, dv, ARCH_DATAFLOW, e))
        return -1;
    tf_err why[2];
    int rc = -1;
    for (int t = 0; t < 2 && rc; t++) {
        probe.target = t == 0 ? TARGET_MIXQ_HLS : TARGET_RTL;
        resources r;
        if (resources_dataflow(n, &probe, dv, NULL, &r, &why[t]) == 0) {
            resources_free(&r);
            *out = probe.target;
            rc = 0;
        }
    }
    design_free(&probe);
    if (rc)
        tf_errf(e, "net %s on %s: no build target can build it (mixq-hls: %s; rtl: %s)", n->name, dv->name,
                why[0].msg, why[1].msg);
    return rc;
}

int resources_layer(const net *n, const design *ds, const device *dv, const resource_fit *fit, int i,
                    layer_res *lr, tf_err *e)
{
    const layer *l = &n->layers[i];
    int obits = net_out_bits(n, i);
    memset(lr, 0, sizeof *lr);
    if (!(fit = fit_or_default(fit, e)))
        return -1;
    if (ds->target == TARGET_MIXQ_HLS) /* every layer is a GEN operator (pools fused after convs) */
        return mixq_layer(n, ds, dv, fit, i, lr, e);
    if (layer_is_compute(l))
        return rtl_layer(n, ds, dv, fit, i, lr, e);
    lr->lut += STREAM_LUT;
    lr->ff += STREAM_FF;
    if ((l->op == OP_MAXPOOL || l->op == OP_AVGPOOL) && l->k > 1) { /* row buffer */
        int lanes = stream_lanes_of(n, ds, i);
        add_memory(lr, dv, obits * lanes, (uint64_t)(l->k - 1) * (uint64_t)l->win *
                   (uint64_t)((l->cin + lanes - 1) / lanes), 1);
    }
    elementwise_units(n, ds, dv, i, lr);
    return 0; /* no FIFO of its own: the next RTL unit's input FIFO is in its feature buffer */
}

int resources_dataflow(const net *n, const design *ds, const device *dv,
                       const resource_fit *fit, resources *r, tf_err *e)
{
    if (resources_alloc(r, n->n_layers))
        return tf_errf(e, "out of memory");
    for (int i = 0; i < n->n_layers; i++) {
        layer_res *lr = &r->layers[i];
        if (resources_layer(n, ds, dv, fit, i, lr, e)) {
            resources_free(r);
            return -1;
        }
        r->dsp += lr->dsp;
        r->bram18 += lr->bram18;
        r->lut += lr->lut;
        r->ff += lr->ff;
        if (lr->period_ns > r->period_ns)
            r->period_ns = lr->period_ns;
    }
    return 0;
}

int resources_engine(const net *n, const design *ds, const device *dv, const resource_fit *fit,
                     resources *r, tf_err *e)
{
    if (!(fit = fit_or_default(fit, e)))
        return -1;
    const engine_params *g = &ds->eng;
    engine_plan pl;
    if (engine_plan_build(n, g, &pl, e))
        return -1;
    if (resources_alloc(r, n->n_layers)) {
        engine_plan_free(&pl);
        return tf_errf(e, "out of memory");
    }
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
    uint64_t feat_words = feat / (p2w * p2c), filt_words = filt / (p2f * (uint64_t)g->c_vector);
    r->bram18 += ram_blocks(dv->mem_type, feat_width, feat_words);
    r->bram18 += g->n_vector * ram_blocks(dv->mem_type, filt_width, filt_words);
    /* LUT/FF: the array is SAC lanes like the RTL's MODE 1 unit, so the RTL's fitted per-bit
     * coefficients apply at TF2's widths: an 8-bit feature shifted by up to 7 (INQ 4-bit codes,
     * tf2-engine.md 2.3) is 15 bits, partial sums over C_VECTOR x FW_VECTOR lanes stay within
     * 24 (the RTL carries 32 for both). An Intel device is costed in Xilinx LUT6 terms. */
    enum { SAC_BITS = 16, PSUM_BITS = 24 };
    res_features x;
    memset(&x, 0, sizeof x);
    x.x[RF_UNIT] = 1;
    x.x[RF_SUM_BITS] = (double)lanes * PSUM_BITS;
    x.x[RF_SAC_BITS] = (double)lanes * SAC_BITS;
    x.x[RF_PE] = (double)g->n_vector * wvec;
    x.x[RF_MUX_BITS] = (double)feat_width;
    x.x[RF_MEM_MUX_BITS] = (double)g->n_vector * filt_width * (double)(filt_words > 512 ? filt_words / 512 : 0) +
                           (double)feat_width * (double)(feat_words > 512 ? feat_words / 512 : 0);
    /* The writer's element-wise stages, per output lane, when the net has them: an activation
     * ROM per kind over 8-bit codes, one more multiply for BN / the squeeze-excite factor. */
    bool act[ACT__COUNT] = {false}, mul = false;
    for (int i = 0; i < n->n_layers; i++) {
        act[n->layers[i].act] |= n->layers[i].op == OP_ACT;
        mul |= n->layers[i].op == OP_MUL || n->layers[i].op == OP_BN;
    }
    for (int a = ACT_NONE + 1; a < ACT__COUNT; a++)
        if (act[a])
            r->bram18 += ram_blocks(dv->mem_type, 8 * g->n_vector * wvec, 256);
    if (mul)
        r->dsp += g->n_vector * wvec;
    long lut, ff;
    resource_fit_apply(fit, rtl_family(dv), &x, &lut, &ff);
    r->lut += lut;
    r->ff += ff;
    engine_plan_free(&pl);
    return 0;
}
