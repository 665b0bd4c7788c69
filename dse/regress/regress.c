/* regress.c: the regression matrix, case data, the C cycle model and the comparison. */
#include "regress.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analytic/analytic.h"
#include "topology/cycle.h"
#include "net/tensor.h"

/* name, cin, cout, h, w, k, stride, pad, dw, simd, pe, wbits, abits, sac, pack, requant, relu */
#define C(n, ci, co, h, w, k, s, p, dw, si, pe, wb, ab, sac, pk, rq, rl)                                       \
    {n, {ci, co, h, w, k, s, p, dw, 0, 0, si, pe, sac, pk, rq, rl, 0, ab}, wb, ab, RG_RANDOM, 0, 2}

static const regress_case CASES[] = {
    /* kernel size, stride, padding */
    C("k1_s1_w4a4", 16, 16, 8, 8, 1, 1, 0, 0, 4, 4, 4, 4, 0, 0, 1, 0),
    C("k1_s2_w4a4", 16, 16, 9, 9, 1, 2, 0, 0, 4, 4, 4, 4, 0, 0, 1, 0),
    C("k3_s1_w4a4", 8, 8, 8, 8, 3, 1, 1, 0, 4, 2, 4, 4, 0, 0, 1, 0),
    C("k3_s2_w4a4", 8, 16, 9, 9, 3, 2, 1, 0, 8, 4, 4, 4, 0, 0, 1, 0),
    C("k3_s1_nopad", 8, 8, 8, 8, 3, 1, 0, 0, 4, 4, 4, 4, 0, 0, 1, 0),
    C("k5_s1_w4a4", 4, 8, 10, 10, 5, 1, 2, 0, 4, 2, 4, 4, 0, 0, 1, 0),
    C("k5_s2_w4a4", 8, 8, 11, 11, 5, 2, 2, 0, 2, 4, 4, 4, 0, 0, 1, 0),
    C("k3_wide_w4a4", 8, 8, 4, 40, 3, 1, 1, 0, 8, 8, 4, 4, 0, 0, 1, 0),
    /* depthwise */
    C("dw_k3_s1", 16, 16, 8, 8, 3, 1, 1, 1, 1, 4, 4, 4, 0, 0, 1, 0),
    C("dw_k3_s2", 16, 16, 9, 9, 3, 2, 1, 1, 1, 8, 4, 4, 0, 0, 1, 0),
    C("dw_k5_s1", 8, 8, 8, 8, 5, 1, 2, 1, 1, 2, 4, 4, 0, 0, 1, 0),
    C("dw_k1_s1", 8, 8, 6, 6, 1, 1, 0, 1, 1, 8, 4, 4, 0, 0, 1, 0),
    /* folding variants on one layer */
    C("fold_s1_p1", 16, 16, 6, 6, 3, 1, 1, 0, 1, 1, 4, 4, 0, 0, 1, 0),
    C("fold_s2_p8", 16, 16, 6, 6, 3, 1, 1, 0, 2, 8, 4, 4, 0, 0, 1, 0),
    C("fold_s16_p1", 16, 16, 6, 6, 3, 1, 1, 0, 16, 1, 4, 4, 0, 0, 1, 0),
    C("fold_s16_p8", 16, 16, 6, 6, 3, 1, 1, 0, 16, 8, 4, 4, 0, 0, 1, 0),
    C("fold_s8_p4", 16, 16, 6, 6, 3, 1, 1, 0, 8, 4, 4, 4, 0, 0, 1, 0),
    C("fold_s4_p3", 16, 12, 6, 6, 3, 1, 1, 0, 4, 3, 4, 4, 0, 0, 1, 0),
    /* bit widths 2..8 */
    C("bits_w2a2", 16, 8, 6, 6, 3, 1, 1, 0, 8, 4, 2, 2, 0, 0, 1, 0),
    C("bits_w3a3", 16, 8, 6, 6, 3, 1, 1, 0, 8, 4, 3, 3, 0, 0, 1, 0),
    C("bits_w5a5", 16, 8, 6, 6, 3, 1, 1, 0, 8, 4, 5, 5, 0, 0, 1, 0),
    C("bits_w6a6", 16, 8, 6, 6, 3, 1, 1, 0, 8, 4, 6, 6, 0, 0, 1, 0),
    C("bits_w7a7", 16, 8, 6, 6, 3, 1, 1, 0, 8, 4, 7, 7, 0, 0, 1, 0),
    C("bits_w8a8", 16, 8, 6, 6, 3, 1, 1, 0, 8, 4, 8, 8, 0, 0, 1, 0),
    C("bits_w2a8", 16, 8, 6, 6, 3, 1, 1, 0, 8, 4, 2, 8, 0, 0, 1, 0),
    C("bits_w8a2", 16, 8, 6, 6, 3, 1, 1, 0, 8, 4, 8, 2, 0, 0, 1, 0),
    /* power-of-two SAC (TF2 weight code) */
    C("sac_k3_s1", 16, 8, 6, 6, 3, 1, 1, 0, 8, 4, 8, 7, 1, 0, 1, 0),
    C("sac_k1_s1", 32, 16, 5, 5, 1, 1, 0, 0, 16, 8, 8, 7, 1, 0, 1, 0),
    C("sac_k5_s2", 8, 8, 9, 9, 5, 2, 2, 0, 4, 2, 8, 7, 1, 0, 1, 0),
    C("sac_dw_k3", 8, 8, 6, 6, 3, 1, 1, 1, 1, 4, 8, 7, 1, 0, 1, 0),
    C("sac_raw_k3", 8, 8, 6, 6, 3, 1, 1, 0, 8, 2, 8, 7, 1, 0, 0, 0),
    /* DSP packing of two PEs' products per multiplier */
    C("pack_k3_w4a4", 16, 16, 6, 6, 3, 1, 1, 0, 8, 4, 4, 4, 0, 1, 1, 0),
    C("pack_k3_w8a8", 16, 16, 6, 6, 3, 1, 1, 0, 8, 4, 8, 8, 0, 1, 1, 0),
    C("pack_k1_w2a2", 16, 16, 6, 6, 1, 1, 0, 0, 8, 8, 2, 2, 0, 1, 1, 0),
    C("pack_k5_s2_w3a5", 8, 8, 9, 9, 5, 2, 2, 0, 4, 2, 3, 5, 0, 1, 1, 0),
    C("pack_odd_pe3", 16, 12, 6, 6, 3, 1, 1, 0, 4, 3, 4, 4, 0, 1, 1, 0),
    C("nopack_k3_w8a8", 16, 16, 6, 6, 3, 1, 1, 0, 8, 4, 8, 8, 0, 0, 1, 0),
    /* raw accumulator outputs (head layers), saturate and ReLU */
    C("raw_k3_relu", 8, 8, 6, 6, 3, 1, 1, 0, 4, 4, 8, 8, 0, 0, 0, 1),
    C("raw_k1", 16, 8, 6, 6, 1, 1, 0, 0, 8, 4, 4, 4, 0, 0, 0, 0),
    /* UltraNet (iSmart 4a4w weights, reference feature maps), full layer size */
    {"ultranet_conv4", {64, 64, 10, 20, 3, 1, 1, 0, 0, 0, 4, 2, 0, 0, 1, 0, 15, 4}, 4, 4, RG_ULTRANET_CONV4, 0, 8},
    {"ultranet_conv8", {64, 36, 10, 20, 1, 1, 0, 0, 0, 0, 4, 2, 0, 0, 0, 0, 0, 0}, 4, 4, RG_ULTRANET_CONV8, 0, 0},
    /* iSmart foldings (SIMD, PE) = (8, 8) and (8, 4); full layer size as well */
    {"ultranet_conv2", {32, 64, 40, 80, 3, 1, 1, 0, 0, 0, 8, 8, 0, 0, 1, 0, 15, 4}, 4, 4, RG_ULTRANET_CONV2, 0, 8},
    {"ultranet_conv3", {64, 64, 20, 40, 3, 1, 1, 0, 0, 0, 8, 4, 0, 0, 1, 0, 15, 4}, 4, 4, RG_ULTRANET_CONV3, 0, 8},
};
#undef C

int regress_case_count(void) { return (int)(sizeof CASES / sizeof *CASES); }
const regress_case *regress_case_at(int i) { return i >= 0 && i < regress_case_count() ? &CASES[i] : NULL; }
int regress_case_find(const char *name)
{
    for (int i = 0; i < regress_case_count(); i++)
        if (strcmp(CASES[i].name, name) == 0)
            return i;
    return -1;
}

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* --- cycles ------------------------------------------------------------------------------
 * Closed form of the compute unit's timing (kept beside the cycle-level model as a check).
 * The unit walks output rows; a row issues OW*NF*K*K*CFL control words back to back
 * (analytic_layer_cycles / OH, the MVAU closed form). Row oy may start only when the line
 * buffer holds input rows up to min(H, oy*s - pad + K), and the frame's last pixel only
 * when the whole input is in. Input pixels arrive one per cycle, and pixel i may be taken
 * only while i < low(oy)*W + P (P = cu_linebuf_pixels: line buffer + input FIFO; low(oy) =
 * max(0, oy*s - pad), the first row output row oy needs).
 * Edge numbering: `start` is edge 0; the first pixel and the first control word can go
 * at edge 1; a row whose last pixel lands at edge c is visible to the scheduler at c+1; a
 * finished output row frees its pixels from the next edge. After the last control word
 * (edge L) the word passes the RAM read, the PE array, the accumulator, the BN multiply
 * and the clip registers and is handed over at edge L + REGRESS_PIPE_DEPTH. */
uint64_t regress_expected_cycles(const cu_layer *l)
{
    layer ly;
    memset(&ly, 0, sizeof ly);
    ly.op = OP_CONV;
    ly.cin = l->cin;
    ly.hin = l->h;
    ly.win = l->w;
    ly.cout = l->cout;
    ly.hout = l->oh;
    ly.wout = l->ow;
    ly.k = l->k;
    ly.stride = l->stride;
    ly.pad = l->pad;
    ly.groups = l->depthwise ? l->cin : 1;
    layer_fold f = {.simd = l->simd, .pe = l->pe, .sched = SCHED_MVAU, .kp = 1, .np = 1, .kpf = 1};
    uint64_t trow = analytic_layer_cycles(&ly, &f) / (uint64_t)l->oh, pp = trow / (uint64_t)l->ow;
    uint64_t w = (uint64_t)l->w, P = (uint64_t)cu_linebuf_pixels(l);

    uint64_t *crow = calloc((size_t)l->h, sizeof *crow); /* edge of each row's last pixel */
    uint64_t *erow = calloc((size_t)l->oh, sizeof *erow); /* first edge after each output row */
    if (!crow || !erow) {
        free(crow);
        free(erow);
        return 0;
    }
    int rows = 0, oys = 0;   /* rows computed; first output row whose window frees enough */
    uint64_t pix = 0, last_pix_t = 0, prev_end = 1, total = 0;
    for (int oy = 0; oy < l->oh; oy++) {
        int need = oy * l->stride - l->pad + l->k;
        if (need > l->h || oy == l->oh - 1)
            need = l->h; /* the last output row also drains the rest of the input */
        while (rows < need) {
            for (uint64_t x = 0; x < w; x++, pix++) {
                while (oys < l->oh) {
                    int low = oys * l->stride - l->pad;
                    if ((uint64_t)(low > 0 ? low : 0) * w + P > pix)
                        break;
                    oys++;
                }
                uint64_t allowed = oys == 0 ? 1 : erow[oys - 1];
                last_pix_t = last_pix_t + 1 > allowed ? last_pix_t + 1 : allowed;
            }
            crow[rows++] = last_pix_t;
        }
        int row_need = oy * l->stride - l->pad + l->k;
        if (row_need > l->h)
            row_need = l->h;
        uint64_t s = prev_end;
        if (row_need > 0 && crow[row_need - 1] + 1 > s)
            s = crow[row_need - 1] + 1;
        if (oy == l->oh - 1) { /* the last pixel waits for the whole input */
            uint64_t last = s + (uint64_t)(l->ow - 1) * pp;
            if (crow[l->h - 1] + 1 > last)
                last = crow[l->h - 1] + 1;
            total = last + pp - 1 + REGRESS_PIPE_DEPTH;
        }
        erow[oy] = s + trow;
        prev_end = erow[oy];
    }
    free(crow);
    free(erow);
    return total;
}

/* The layer on the C cycle-level model (sim/topology/cycle.h, dataflow topology, one frame): a
 * one-layer net held in memory, MVAU schedule. Returns 0 when the model fails. */
uint64_t regress_cmodel_cycles(const cu_layer *l, tf_err *e)
{
    layer ly;
    memset(&ly, 0, sizeof ly);
    snprintf(ly.name, sizeof ly.name, "conv");
    ly.op = OP_CONV;
    ly.n_inputs = 1;
    ly.inputs[0] = -1;
    ly.cin = l->cin;
    ly.hin = l->h;
    ly.win = l->w;
    ly.cout = l->cout;
    ly.hout = l->oh;
    ly.wout = l->ow;
    ly.k = l->k;
    ly.stride = l->stride;
    ly.pad = l->pad;
    ly.groups = l->depthwise ? l->cin : 1;
    ly.wbits = ly.abits = 8;
    ly.macs = (uint64_t)l->oh * (uint64_t)l->ow * (uint64_t)l->cout * (uint64_t)(l->depthwise ? 1 : l->cin) *
              (uint64_t)(l->k * l->k);
    ly.weights = (uint64_t)l->cout * (uint64_t)(l->depthwise ? 1 : l->cin) * (uint64_t)(l->k * l->k);
    net n;
    memset(&n, 0, sizeof n);
    snprintf(n.name, sizeof n.name, "regress");
    n.in_c = l->cin;
    n.in_h = l->h;
    n.in_w = l->w;
    n.in_bits = 8;
    n.n_layers = 1;
    n.layers = &ly;
    n.n_compute = 1;
    n.macs = ly.macs;
    n.weights = ly.weights;
    layer_fold f = {.simd = l->simd, .pe = l->pe, .sched = SCHED_MVAU, .kp = 1, .np = 1, .kpf = 1};
    design ds;
    memset(&ds, 0, sizeof ds);
    ds.arch = ARCH_DATAFLOW;
    ds.clock_mhz = 200;
    ds.n_layers = 1;
    ds.fold = &f;
    ds.fifo_depth = 128;
    cycle_opts o;
    cycle_opts_default(&o);
    o.frames = 1;
    perf p;
    cycle_info ci;
    if (cycle_simulate(&n, &ds, &o, &p, &ci, e))
        return 0;
    perf_free(&p);
    return ci.sim_cycles;
}

/* --- data -------------------------------------------------------------------------------- */
static uint32_t rng_next(uint32_t *s)
{
    uint32_t x = *s;
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    return *s = x;
}
static int32_t rng_range(uint32_t *s, int32_t lo, int32_t hi) /* inclusive */
{
    return lo + (int32_t)(rng_next(s) % (uint32_t)(hi - lo + 1));
}

static uint32_t name_seed(const char *n, uint32_t seed)
{
    uint32_t h = 2166136261u ^ seed;
    for (; *n; n++)
        h = (h ^ (uint8_t)*n) * 16777619u;
    return h ? h : 1;
}

void regress_data_free(regress_data *d)
{
    free((void *)d->job.w);
    free((void *)d->job.x);
    free((void *)d->job.inc);
    free((void *)d->job.bias);
    free(d->job.y);
    free(d->golden);
    memset(d, 0, sizeof *d);
}

static int load_ultranet(const regress_case *c, const char *shared, regress_data *d, int32_t *w, int32_t *x,
                         int64_t *inc, int64_t *bias, tf_err *e)
{
    const cu_layer *l = &d->job.l;
    char p[1024];
    int idx = regress_ultranet_layer(c->src);
    size_t nw = (size_t)l->cout * (size_t)l->cin * (size_t)(l->k * l->k);
    snprintf(p, sizeof p, "%s/data/ultranet-ismart/weight_4a4w/conv_%d_w.bin", shared, idx);
    float *fw = read_exact_file(p, nw * sizeof(float), "weights", e);
    if (!fw)
        return -1;
    for (size_t i = 0; i < nw; i++)
        w[i] = (int32_t)lrintf(fw[i]);
    free(fw);
    const char *kinds[2] = {"inc", "bias"};
    int64_t *dst[2] = {inc, bias};
    for (int k = 0; k < 2; k++) {
        if (idx == 8 && k == 0)
            continue;
        snprintf(p, sizeof p, "%s/data/ultranet-ismart/weight_4a4w/conv_%d_%s.bin", shared, idx,
                 idx == 8 ? "b" : kinds[k]);
        double *fv = read_exact_file(p, (size_t)l->cout * sizeof(double), kinds[k], e);
        if (!fv)
            return -1;
        for (int o = 0; o < l->cout; o++)
            dst[k][o] = (int64_t)llrint(fv[o]);
        free(fv);
    }
    snprintf(p, sizeof p, "%s/data/ultranet-ismart/featuremap/conv%d_in.bin", shared, idx);
    tensor t = {0, 0, 0, NULL};
    if (tensor_load_f32(&t, p, l->cin, l->h, l->w, 15.0, e))
        return -1;
    memcpy(x, t.d, tensor_size(&t) * sizeof *x);
    tensor_free(&t);
    return 0;
}

int regress_prepare(const regress_case *c, const char *shared_dir, regress_data *d, tf_err *e)
{
    memset(d, 0, sizeof *d);
    d->job.l = c->l;
    cu_layer *l = &d->job.l;
    char msg[256];
    if (cu_layer_derive(l, msg, sizeof msg))
        return tf_errf(e, "case %s: %s", c->name, msg);
    double t0 = now_s();
    int cin_g = l->depthwise ? 1 : l->cin;
    size_t nw = (size_t)l->cout * (size_t)cin_g * (size_t)(l->k * l->k);
    size_t nx = (size_t)l->cin * (size_t)l->h * (size_t)l->w, ny = (size_t)l->cout * (size_t)l->oh * (size_t)l->ow;
    int32_t *w = malloc(nw * sizeof *w), *x = malloc(nx * sizeof *x);
    int64_t *inc = calloc((size_t)l->cout, sizeof *inc), *bias = calloc((size_t)l->cout, sizeof *bias);
    d->job.w = w;
    d->job.x = x;
    d->job.inc = l->requant ? inc : NULL;
    d->job.bias = bias;
    d->job.y = calloc(ny, sizeof *d->job.y);
    d->golden = calloc(ny, sizeof *d->golden);
    if (!l->requant)
        free(inc);
    if (!w || !x || !bias || !d->job.y || !d->golden || (l->requant && !inc)) {
        regress_data_free(d);
        return tf_errf(e, "case %s: out of memory", c->name);
    }
    if (c->src != RG_RANDOM) {
        if (load_ultranet(c, shared_dir, d, w, x, inc, bias, e)) {
            regress_data_free(d);
            return tf_err_prefix(e, "case %s", c->name);
        }
    } else {
        uint32_t s = name_seed(c->name, c->seed);
        for (size_t i = 0; i < nx; i++)
            x[i] = rng_range(&s, 0, (1 << c->abits) - 1);
        for (size_t i = 0; i < nw; i++) {
            if (l->sac) { /* zero flag 1 in 8; shifts small enough for a 32-bit sum */
                int32_t r = rng_range(&s, 0, 7);
                w[i] = r == 0 ? 0x40 : ((rng_range(&s, 0, 1) ? 0x80 : 0) | rng_range(&s, 0, 6));
            } else {
                w[i] = rng_range(&s, -(1 << (c->wbits - 1)), (1 << (c->wbits - 1)) - 1);
            }
        }
        if (l->requant) {
            /* scale so the outputs spread over 0..2^obit-1: T = wbits-1+abits+lshift and
             * inc ~ 2^(T+obit) / max|acc| (per channel +-50%), bias ~ +-2^(T+obit-2) */
            l->obit = c->abits;
            l->shift = c->wbits - 1 + c->abits + c->lshift;
            cu_job probe = d->job;
            probe.inc = NULL;
            probe.bias = NULL;
            probe.l.requant = 0;
            if (regress_golden(&probe, d->golden, e)) {
                regress_data_free(d);
                return tf_err_prefix(e, "case %s", c->name);
            }
            int64_t maxabs = 1;
            for (size_t i = 0; i < ny; i++)
                maxabs = llabs((int64_t)d->golden[i]) > maxabs ? llabs((int64_t)d->golden[i]) : maxabs;
            int64_t center = ((int64_t)1 << (l->shift + l->obit)) / maxabs;
            if (center < 2)
                center = 2;
            if (center > (1 << 20))
                center = 1 << 20;
            int64_t bspan = (int64_t)1 << (l->shift + l->obit - 2);
            for (int o = 0; o < l->cout; o++) {
                inc[o] = center / 2 + rng_range(&s, 0, (int32_t)center);
                bias[o] = rng_range(&s, (int32_t)-bspan, (int32_t)bspan);
            }
        } else {
            for (int o = 0; o < l->cout; o++)
                bias[o] = rng_range(&s, -4096, 4096);
        }
    }
    if (regress_golden(&d->job, d->golden, e)) {
        regress_data_free(d);
        return tf_err_prefix(e, "case %s", c->name);
    }
    d->closed_cycles = regress_expected_cycles(l);
    uint64_t cm = regress_cmodel_cycles(l, e);
    if (!cm) {
        regress_data_free(d);
        return tf_err_prefix(e, "case %s: C cycle-level model", c->name);
    }
    d->c_cycles = cm + REGRESS_PIPE_DEPTH;
    d->c_seconds = now_s() - t0;
    return 0;
}

int regress_run(const regress_case *c, const char *shared_dir, regress_backend be, void *ctx, regress_fault fault,
                regress_result *r, tf_err *e)
{
    return regress_run_stalled(c, shared_dir, be, ctx, fault, 0, r, e);
}

/* Case data ready for a backend: faults and stalls applied, result header filled. */
static int arm(const regress_case *c, const char *shared_dir, regress_fault fault, int stall_pct, regress_data *d,
               regress_result *r, tf_err *e)
{
    memset(r, 0, sizeof *r);
    snprintf(r->name, sizeof r->name, "%s", c->name);
    if (regress_prepare(c, shared_dir, d, e))
        return -1;
    const cu_layer *l = &d->job.l;
    size_t ny = (size_t)l->cout * (size_t)l->oh * (size_t)l->ow;
    if (fault == RG_FAULT_OUTPUT)
        d->golden[ny / 2] += 1;
    if (fault == RG_FAULT_CYCLES)
        d->c_cycles += d->c_cycles / 50 + 1;
    r->c_cycles = d->c_cycles;
    r->closed_cycles = d->closed_cycles;
    r->c_seconds = d->c_seconds;
    r->n_outputs = (long)ny;
    r->first_diff = -1;
    d->job.stall_in_pct = d->job.stall_out_pct = stall_pct;
    d->job.stall_seed = name_seed(c->name, 7);
    return 0;
}

/* Compares a finished (or failed) backend run against the C side. */
static void judge(regress_data *d, int stall_pct, const char *backend_error, regress_result *r)
{
    size_t ny = (size_t)r->n_outputs;
    if (backend_error) {
        if (backend_error != r->error)
            snprintf(r->error, sizeof r->error, "%s", backend_error);
        if (!r->error[0])
            snprintf(r->error, sizeof r->error, "backend failed");
        r->n_diff = (long)ny;
        return;
    }
    r->rtl_cycles = d->job.cycles;
    for (size_t i = 0; i < ny; i++)
        if (d->job.y[i] != d->golden[i]) {
            if (r->first_diff < 0) {
                r->first_diff = (long)i;
                r->want = d->golden[i];
                r->got = d->job.y[i];
            }
            r->n_diff++;
        }
    r->outputs_equal = r->n_diff == 0;
    r->cycle_diff_pct = r->c_cycles ? 100.0 * ((double)r->rtl_cycles - (double)r->c_cycles) / (double)r->c_cycles : 0;
    r->pass = r->outputs_equal && (stall_pct > 0 ? r->rtl_cycles >= r->c_cycles : fabs(r->cycle_diff_pct) <= 1.0);
}

int regress_run_stalled(const regress_case *c, const char *shared_dir, regress_backend be, void *ctx,
                        regress_fault fault, int stall_pct, regress_result *r, tf_err *e)
{
    regress_data d;
    if (arm(c, shared_dir, fault, stall_pct, &d, r, e))
        return -1;
    double t0 = now_s();
    int rc = be(&d.job, ctx, r->error, sizeof r->error);
    r->rtl_seconds = now_s() - t0;
    judge(&d, stall_pct, rc ? r->error : NULL, r);
    regress_data_free(&d);
    return 0;
}

int regress_run_batch(const regress_case *const *cs, int n, const char *shared_dir, regress_seq_backend be,
                      void *ctx, regress_fault fault, int stall_pct, regress_result *rs, tf_err *e)
{
    regress_data *d = calloc((size_t)n, sizeof *d);
    cu_job **jobs = calloc((size_t)n, sizeof *jobs);
    if (!d || !jobs) {
        free(d);
        free(jobs);
        return tf_errf(e, "out of memory");
    }
    for (int i = 0; i < n; i++) {
        if (arm(cs[i], shared_dir, fault, stall_pct, &d[i], &rs[i], e)) {
            for (int k = 0; k < i; k++)
                regress_data_free(&d[k]);
            free(d);
            free(jobs);
            return -1;
        }
        jobs[i] = &d[i].job;
    }
    char err[256] = "";
    int rc = be(jobs, n, ctx, err, sizeof err);
    for (int i = 0; i < n; i++) {
        rs[i].rtl_seconds = d[i].job.sim_seconds;
        judge(&d[i], stall_pct, rc ? err : NULL, &rs[i]);
        regress_data_free(&d[i]);
    }
    free(d);
    free(jobs);
    return 0;
}

/* Constrained-random layer: any geometry, folding, bits and mode the instance takes. */
int regress_random_case(uint32_t seed, int index, regress_case *c)
{
    uint32_t s = (seed * 2654435761u) ^ ((uint32_t)index * 40503u + 0x9e3779b9u);
    if (!s)
        s = 1;
    for (int tries = 0; tries < 1000; tries++) {
        memset(c, 0, sizeof *c);
        snprintf(c->name, sizeof c->name, "rand_%u_%d", seed, index);
        cu_layer *l = &c->l;
        static const int ks[3] = {1, 3, 5};
        l->k = ks[rng_range(&s, 0, 2)];
        l->stride = rng_range(&s, 1, 2);
        l->pad = rng_range(&s, 0, l->k / 2);
        l->depthwise = rng_range(&s, 0, 4) == 0;
        l->pe = rng_range(&s, 1, CU_PE_MAX);
        l->simd = l->depthwise ? 1 : rng_range(&s, 1, CU_SIMD_MAX);
        int lin = l->depthwise ? l->pe : l->simd;
        l->cin = lin * rng_range(&s, 1, 32 / lin > 1 ? 32 / lin : 1);
        l->cout = l->depthwise ? l->cin : l->pe * rng_range(&s, 1, 24 / l->pe > 1 ? 24 / l->pe : 1);
        if (l->depthwise && l->cout % l->pe)
            continue;
        int lo = l->k - 2 * l->pad > 1 ? l->k - 2 * l->pad : 1;
        l->h = rng_range(&s, lo, 20);
        l->w = rng_range(&s, lo, 24); /* up to 480 pixels: more than the 128-pixel FIFO + buffer */
        l->sac = rng_range(&s, 0, 4) == 0;
        c->wbits = l->sac ? 8 : rng_range(&s, 2, 8);
        c->abits = rng_range(&s, 2, l->sac ? 7 : 8);
        l->pack = !l->sac && !l->depthwise && rng_range(&s, 0, 2) == 0;
        l->requant = rng_range(&s, 0, 4) != 0;
        l->relu = !l->requant && rng_range(&s, 0, 1);
        l->obit = c->abits;
        c->src = RG_RANDOM;
        c->seed = seed + (uint32_t)index;
        c->lshift = rng_range(&s, 0, 4);
        char err[128];
        if (cu_layer_derive(l, err, sizeof err) == 0)
            return 0;
    }
    return -1;
}
