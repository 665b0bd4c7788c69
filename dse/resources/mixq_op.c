/* mixq_op.c: structure, features and fitted cost of one MixQ conv operator (mixq_op.h).
 *
 * Sources: GEN = MatthewLuo7/MixQ_Gen_Accel: HLS_templates/{Opt_FP,Opt_KP,S2P_buffer,function,
 * pool_reord}.hpp, Opt_Definition/ConvOpt_{FP,KP}.py, Sampling/Gen_Opt_Samples.py (the
 * single-operator project: the conv_operator top, xczu3eg-sbva484-1-e, export_design -flow syn). */
#include "mixq_op.h"

#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bram.h"
#include "numerics/dsp_pack_arith.h"
#include "net/config_path.h"
#include "net/json_config.h"
#include "mixq_gen.h"
#include "resources_mixq.h"

static const char *const FEAT[MQF__COUNT] = {
    [MQF_ONE] = "one",           [MQF_LANES] = "lanes",         [MQF_PACK_BITS] = "pack_bits",
    [MQF_SPLIT_BITS] = "split_bits", [MQF_BN_BITS] = "bn_bits", [MQF_CONV_BITS] = "converter_bits",
    [MQF_LB_BITS] = "linebuf_bits", [MQF_LUTRAM_BITS] = "lutram_bits", [MQF_POOL_BITS] = "pool_bits",
    [MQF_KP_LANES] = "kp_lanes",  [MQF_BRAM] = "bram18",         [MQF_ACTP] = "actp",
    [MQF_LOG_LANES] = "log2_lanes", [MQF_LOG_WORD] = "log2_word", [MQF_PACK_WIDTH] = "pack_width",
    [MQF_M_BIT] = "m_bit",       [MQF_LOG_IN_W] = "log2_in_w",   [MQF_KP1_LANES] = "kp1_lanes",
    [MQF_FIELDS] = "fields",     [MQF_FIELDS2] = "fields^2",     [MQF_FIELDS3] = "fields^3",
    [MQF_NP] = "np",             [MQF_NP2] = "np^2",             [MQF_NP3] = "np^3",
    [MQF_KP] = "kp",             [MQF_KP_MODE] = "kp_mode",      [MQF_KP_MODE_NP] = "kp_mode_np",
    [MQF_PROD_BITS] = "prod_bits", [MQF_LOG_PE] = "log2_pe",    [MQF_LOG_SIMD] = "log2_simd_kpf",
    [MQF_INC_BITS] = "inc_bits", [MQF_IN_BIT] = "in_bit",        [MQF_W_BIT] = "w_bit",
    [MQF_GUARD_BITS] = "guard_bits", [MQF_WIDE_BOUNDS] = "wide_loop_bounds",
    [MQF_KP1_MID_LANES] = "kp1_mid_lanes", [MQF_FP_LANE_FIELDS] = "fp_lane_fields",
    [MQF_FP_KNUM_MUX] = "fp_knum_mux_bits",
};
static const char *const TGT[MQT__COUNT] = {
    [MQT_DSP] = "dsp_extra", [MQT_BRAM] = "bram18_extra", [MQT_LUT] = "lut", [MQT_FF] = "ff", [MQT_PERIOD] = "period_ns"};

#define B(f) (1ull << (f))

const char *mixq_feature_name(mixq_feature f) { return (unsigned)f < MQF__COUNT ? FEAT[f] : "?"; }
const char *mixq_target_name(mixq_target t) { return (unsigned)t < MQT__COUNT ? TGT[t] : "?"; }

unsigned long long mixq_target_features(mixq_target t)
{
    switch (t) {
    case MQT_DSP: /* control DSPs (address arithmetic); nothing that scales with the array, so the
                     search cannot buy products below one DSP each by extrapolating the fit */
        return B(MQF_ONE) | B(MQF_ACTP) | B(MQF_WIDE_BOUNDS) | B(MQF_KP1_MID_LANES);
    case MQT_BRAM: /* what the mapping rule misses: FIFO/ROM binding, partitioning granularity */
        return B(MQF_ONE) | B(MQF_BRAM) | B(MQF_LUTRAM_BITS) | B(MQF_ACTP);
    case MQT_LUT:
    case MQT_FF:
        return B(MQF_ONE) | B(MQF_LANES) | B(MQF_PACK_BITS) | B(MQF_SPLIT_BITS) | B(MQF_BN_BITS) |
               B(MQF_CONV_BITS) | B(MQF_LB_BITS) | B(MQF_LUTRAM_BITS) | B(MQF_POOL_BITS) | B(MQF_KP_LANES) |
               B(MQF_BRAM) | B(MQF_KP1_MID_LANES) | B(MQF_FP_LANE_FIELDS) | B(MQF_FP_KNUM_MUX);
    case MQT_PERIOD:
        return B(MQF_ONE) | B(MQF_FIELDS) | B(MQF_FIELDS2) | B(MQF_FIELDS3) | B(MQF_NP) | B(MQF_NP2) | B(MQF_NP3) |
               B(MQF_KP) | B(MQF_KP_MODE) | B(MQF_KP_MODE_NP) | B(MQF_M_BIT) | B(MQF_PROD_BITS) | B(MQF_LOG_PE) |
               B(MQF_LOG_SIMD) | B(MQF_LOG_IN_W) | B(MQF_INC_BITS) | B(MQF_IN_BIT) | B(MQF_W_BIT) |
               B(MQF_GUARD_BITS);
    default:
        return 0;
    }
}

int mixq_op_m_bits(const mixq_op *op)
{
    return op->in_bit + op->w_bit + mixq_ceil_log2((unsigned long long)op->k * op->k * op->in_ch);
}

typedef struct memsum {
    mixq_op_res *r;
    const mixq_fit *fit;
} memsum;

/* A ROM (weights, inc, bias: GEN writes them as const arrays, partitioned on dim 1): BRAM when deep
 * and large enough, else LUTRAM. */
static void rom(memsum *m, int copies, int width, long depth)
{
    int min_depth = m->fit ? m->fit->rom_min_depth : 16, min_bits = m->fit ? m->fit->rom_min_bits : 1024;
    if (copies <= 0 || width <= 0 || depth <= 0)
        return;
    if (depth > min_depth && (long)width * depth > min_bits) {
        int b = copies * bram18_blocks(width, (uint64_t)depth);
        m->r->rom_bram += b;
        m->r->bram18 += b;
    } else {
        m->r->x[MQF_LUTRAM_BITS] += (double)copies * width * depth;
    }
}

/* A stream FIFO (#pragma HLS STREAM depth): BRAM unless shallow (SRL / LUTRAM then). */
static void fifo(memsum *m, int width, long depth)
{
    if (width <= 0 || depth <= 0)
        return;
    if (ram_is_shallow(width, (uint64_t)depth)) {
        m->r->x[MQF_LUTRAM_BITS] += (double)width * depth;
        return;
    }
    int b = bram18_blocks(width, (uint64_t)depth);
    m->r->fifo_bram += b;
    m->r->bram18 += b;
}

/* A depth-2 stream between two DATAFLOW processes: SRL up to MIXQ_STREAM_SRL_BITS wide, else BRAM. */
static void stream(memsum *m, int width)
{
    if (width <= MIXQ_STREAM_SRL_BITS)
        return;
    int b = bram18_blocks(width, 2);
    m->r->fifo_bram += b;
    m->r->bram18 += b;
}

void mixq_op_eval(const mixq_op *op, dsp_kind dk, const mixq_fit *fit, mixq_op_res *r)
{
    memset(r, 0, sizeof *r);
    const int K = op->k, a = op->in_bit, w = op->w_bit, kp = op->kp, np = op->np, gb = op->guard_bits;
    const int simd = op->simd, pe = op->pe, kpf = op->kpf > 0 ? op->kpf : 1, actp = op->actp;
    const int opf = op->kp_mode ? pe * kp : pe, m_bits = mixq_op_m_bits(op);
    const int lanes = pe * simd * kpf;
    const int row_len = (op->in_w + K - 2) / np + 1; /* GEN ROW_LEN = ceil((IN_W + K - 1) / Np) */

    /* Packing (GEN Opt_FP.hpp FP_Array_bas / Opt_KP.hpp): PROD_BIT = W + A + GUARD_BIT,
     * WPACK = PROD_BIT*(Kp-1) + W, IPACK = PROD_BIT*(Np-1) + A (KP: fields Kp*PROD_BIT apart). */
    int prod = w + a + gb;
    int wpack = prod * (kp - 1) + w;
    int ipack = (op->kp_mode ? kp * prod : prod) * (np - 1) + a;
    int nf = op->kp_mode ? kp * np : kp + np - 1;
    int mkn = kp < np ? kp : np, cascade = 1;
    long long p2 = gb < 0 ? 0 : 1LL << (gb > 30 ? 30 : gb);
    if (op->kp_mode)
        cascade = gb < 0 ? 1 : mixq_largest_divisor_le(simd * kpf, p2);
    else if (p2 >= mkn) /* ConvOpt_FP.find_CASCADE */
        cascade = mixq_largest_divisor_le(simd * kpf, p2 / mkn);

    /* DSP: one DSP48 per packed product (RESOURCE core=DSP48; GEN sizes the packs to the ports),
     * also past the part's 360 (of the fit rows' 34 arrays of 384 lanes, 19 report 381..416 DSPs,
     * over-utilised, and 15 report 353..362), and ACTP BN units of M_BIT x INC_BIT
     * (function.h bn_qurelu_fixed): one DSP each while both operands fit the wide port (the data
     * set: a 21 x 21 product costs one DSP48E2 plus LUTs, not two tiles). */
    r->array_dsp = lanes;
    int wide, narrow, pb;
    dsp_pack_ports(dk, &wide, &narrow, &pb);
    r->bn_dsp = actp * (m_bits <= wide && op->inc_bits <= wide ? 1 : mixq_mult_dsps(m_bits, op->inc_bits, dk));

    /* Memories. Line buffer (S2P_buffer.hpp, RESOURCE core=RAM_S2P_BRAM):
     * SIMD >= IN_PE: [SIMD/IN_PE][K+1][ROW_LEN*IN_CH/SIMD] words of IN_PE*IN_BIT*Np bits,
     * else [IN_PE/SIMD][K+1][ROW_LEN*IN_CH/IN_PE] words of SIMD*IN_BIT*Np; FPT (KPF = K) splits
     * the K+1 rows too. */
    memsum m = {.r = r, .fit = fit};
    int banks, width;
    long depth;
    if (simd >= op->in_pe) {
        banks = simd / op->in_pe, width = op->in_pe * a * np;
        depth = (long)(K + 1) * row_len * (op->in_ch / simd);
    } else {
        banks = op->in_pe / simd, width = simd * a * np;
        depth = (long)(K + 1) * row_len * (op->in_ch / op->in_pe);
    }
    if (kpf == K && K > 1) {
        banks *= K + 1;
        depth /= K + 1;
    }
    r->lb_bram = banks * bram18_blocks(width, (uint64_t)depth);
    r->bram18 += r->lb_bram;
    /* Weights (ConvOpt_FP/KP.weight_shape), inc and bias [ACTP][OUT_CH/ACTP]. */
    if (op->kp_mode)
        rom(&m, pe, w * kp * kpf * simd, (long)(op->out_ch / (pe * kp)) * (K * op->in_ch / (simd * kpf)) * K);
    else
        rom(&m, pe, K * w * kpf * simd, (long)(op->out_ch / pe) * (K * op->in_ch / (simd * kpf)));
    rom(&m, actp, op->inc_bits, op->out_ch / actp);
    rom(&m, actp, op->bias_bits, op->out_ch / actp);
    /* With the pool: conv_out FIFO of CONV_DEPTH = ceil(IN_W*OUT_CH/PE) words of 2*OCH_PF*OUT_BIT
     * (Gen_Opt_Samples inc_bw_temp_1_assignout) and max_pool2x2's row store [IN_W/2 * OUT_CH/OCH_PF]. */
    if (op->pool) {
        fifo(&m, 2 * opf * op->out_bit, (op->in_w * op->out_ch + pe - 1) / pe);
        fifo(&m, opf * op->out_bit, (long)(op->in_w / 2) * (op->out_ch / opf));
    }
    /* The DATAFLOW streams between the stages (depth 2): the line buffer's output word
     * (Np*SIMD*IN_BIT, FPT: x K), the array's (Np*OCH_PF*M_BIT), the down-size converter's
     * (ACTP*M_BIT) and Activation_Trim's (ACTP*OUT_BIT). Vivado keeps them in SRLs up to 512 bits
     * and puts a wider one in BRAM18, one per 36 bits (fit rows: the 512-bit arrays report no
     * block, the 576-bit ones 16). */
    stream(&m, np * simd * a * (kpf == K ? K : 1));
    stream(&m, np * opf * m_bits);
    stream(&m, actp * m_bits);
    stream(&m, actp * op->out_bit);

    /* Features. */
    int acc_bits = w + a + mixq_ceil_log2((unsigned long long)simd * kpf * (op->kp_mode ? 1 : mkn));
    int nacc = op->kp_mode ? kp * np : kp * ((K - 1) / kp + 1) + np - 1;
    double *x = r->x;
    x[MQF_ONE] = 1;
    x[MQF_LANES] = lanes;
    x[MQF_PACK_BITS] = (double)lanes * (wpack + ipack);
    x[MQF_SPLIT_BITS] = (double)pe * ((double)simd * kpf / cascade) * nf * acc_bits + (double)pe * nacc * m_bits;
    x[MQF_BN_BITS] = (double)actp * (m_bits + op->inc_bits + op->bias_bits);
    x[MQF_CONV_BITS] = (double)np * opf * m_bits + (op->pool ? 2.0 : 1.0) * opf * op->out_bit;
    x[MQF_LB_BITS] = (double)banks * width + (double)kpf * simd * a * np;
    x[MQF_POOL_BITS] = op->pool ? (double)opf * op->out_bit : 0;
    x[MQF_KP_LANES] = op->kp_mode ? lanes : 0;
    x[MQF_BRAM] = r->bram18;
    x[MQF_ACTP] = actp;
    x[MQF_LOG_LANES] = log2((double)lanes);
    x[MQF_LOG_WORD] = log2((double)np * opf * m_bits);
    x[MQF_PACK_WIDTH] = wpack > ipack ? wpack : ipack;
    x[MQF_M_BIT] = m_bits;
    x[MQF_LOG_IN_W] = log2((double)op->in_w);
    x[MQF_KP1_LANES] = kp == 1 ? lanes : 0;
    x[MQF_FIELDS] = nf;
    x[MQF_FIELDS2] = (double)nf * nf;
    x[MQF_FIELDS3] = (double)nf * nf * nf;
    x[MQF_NP] = np;
    x[MQF_NP2] = (double)np * np;
    x[MQF_NP3] = (double)np * np * np;
    x[MQF_KP] = kp;
    x[MQF_KP_MODE] = op->kp_mode;
    x[MQF_KP_MODE_NP] = op->kp_mode ? np : 0;
    x[MQF_PROD_BITS] = prod;
    x[MQF_LOG_PE] = log2((double)pe);
    x[MQF_LOG_SIMD] = log2((double)simd * kpf);
    x[MQF_INC_BITS] = op->inc_bits;
    x[MQF_IN_BIT] = a;
    x[MQF_W_BIT] = w;
    x[MQF_GUARD_BITS] = gb;
    {
        /* trip counts of the three stages after the array, per rep (GEN DEC_BW_NUM * outPerIn,
         * Activation_Trim's h * peIdx * cycle, INC_BW_NUM) */
        long long outpenum = op->out_ch / opf, per = opf / actp;
        long long bounds[3] = {(long long)op->in_h * outpenum * row_len * np * per,
                               (long long)op->in_h * outpenum * per * np * row_len,
                               (long long)op->in_h * outpenum * op->in_w * per};
        int wide_bounds = 0;
        for (int i = 0; i < 3; i++)
            wide_bounds += bounds[i] >= (1LL << 17);
        x[MQF_WIDE_BOUNDS] = wide_bounds;
    }
    {
        int knum = (K - 1) / kp + 1;
        x[MQF_FP_LANE_FIELDS] = op->kp_mode ? 0 : (double)lanes * nf;
        x[MQF_FP_KNUM_MUX] = op->kp_mode || knum <= 1 ? 0 : (double)pe * (kp * knum + np - 1) * m_bits;
    }
    x[MQF_KP1_MID_LANES] = op->sampled && kp == 1 && pe >= 2 && simd * kpf >= 3 && lanes >= 24 && lanes <= 48 ? lanes : 0;

    if (!fit)
        return;
    double y[MQT__COUNT] = {0};
    for (int t = 0; t < MQT__COUNT; t++) {
        unsigned long long mask = mixq_target_features((mixq_target)t);
        for (int k = 0; k < MQF__COUNT; k++)
            if (mask & B(k))
                y[t] += fit->c[t][k] * x[k];
    }
    long dsp = lround(r->array_dsp + r->bn_dsp + y[MQT_DSP]);
    r->dsp = dsp > 0 ? (int)dsp : 0;
    long br = lround(r->bram18 + y[MQT_BRAM]);
    r->bram18_fit = br > 0 ? (int)br : 0;
    r->lut = y[MQT_LUT] > 0 ? lround(y[MQT_LUT]) : 0;
    r->ff = y[MQT_FF] > 0 ? lround(y[MQT_FF]) : 0;
    r->period_ns = y[MQT_PERIOD] > 0 ? y[MQT_PERIOD] : 0;
}

int mixq_op_of_layer(const net *n, const design *ds, const device *dv, int i, mixq_op *op, tf_err *e)
{
    if (i < 0 || i >= n->n_layers || !layer_is_compute(&n->layers[i]))
        return 0;
    const layer_fold *f = &ds->fold[i];
    mixq_gen_cfg c;
    if (mixq_gen_config(n, ds, dv, i, NULL, &c, e))
        return -1;
    if (f->lut_mult || c.g.dw || c.g.head)
        return 0;
    bool gen = c.packed && c.g.gen && (f->sched == SCHED_FP || f->sched == SCHED_KP);
    /* dsp6 and mvau (not GEN templates) in GEN's skeleton: the FP operator with their products per
     * multiplier (gen_layer: Kp 3 x Np 2, and 1 x 1) */
    *op = (mixq_op){.kp_mode = f->sched == SCHED_KP, .k = c.g.k, .in_w = c.g.win, .in_h = c.g.hin, .in_ch = c.g.cin,
                    .out_ch = c.g.cout, .in_bit = c.a_bits, .w_bit = c.w_bits, .out_bit = c.g.obits,
                    .in_pe = c.g.in_pe, .simd = c.g.simd, .pe = c.g.pe, .actp = c.g.actp, .kp = c.g.kp, .np = c.g.np,
                    .guard_bits = c.guard_bits, .kpf = c.g.kpf, .inc_bits = c.inc_bits, .bias_bits = c.bias_bits,
                    .pool = gen && c.g.pooled};
    if (!gen)
        op->guard_bits = c.packed ? c.guard_bits : 0;
    return gen ? 1 : 2;
}

/* ---- the fit file ---- */

static double sig6(double v)
{
    char b[32];
    snprintf(b, sizeof b, "%.6g", v);
    return strtod(b, NULL);
}

static int fit_from_doc(void *ctx, const json_doc *d, tf_err *e)
{
    mixq_fit *f = ctx;
    static const char *const TOP[] = {"comment", "data", "holdout", "fitted_with", "train_rows", "rom_bram",
                                      "coefficients", NULL};
    static const char *const ROM[] = {"min_depth", "min_bits", NULL};
    if (json_check_keys(d, d->root, "", TOP, e))
        return -1;
    json_t *rom = json_object_get(d->root, "rom_bram");
    if (!json_is_object(rom))
        return json_doc_err(d, e, "rom_bram", "missing or not an object (keys: min_depth, min_bits)");
    long v;
    if (json_check_keys(d, rom, "rom_bram", ROM, e) ||
        json_get_int(d, rom, "rom_bram", "min_depth", 0, 1 << 20, 0, true, &v, e))
        return -1;
    f->rom_min_depth = (int)v;
    if (json_get_int(d, rom, "rom_bram", "min_bits", 0, 1 << 24, 0, true, &v, e))
        return -1;
    f->rom_min_bits = (int)v;
    json_t *co = json_object_get(d->root, "coefficients");
    if (!json_is_object(co))
        return json_doc_err(d, e, "coefficients", "missing or not an object (keys: dsp_extra, bram18_extra, lut, "
                                                  "ff, period_ns)");
    const char *tk[MQT__COUNT + 1];
    for (int t = 0; t < MQT__COUNT; t++)
        tk[t] = TGT[t];
    tk[MQT__COUNT] = NULL;
    if (json_check_keys(d, co, "coefficients", tk, e))
        return -1;
    for (int t = 0; t < MQT__COUNT; t++) {
        char p[64];
        snprintf(p, sizeof p, "coefficients.%s", TGT[t]);
        json_t *o = json_object_get(co, TGT[t]);
        if (!json_is_object(o))
            return json_doc_err(d, e, p, "missing or not an object of feature coefficients");
        unsigned long long mask = mixq_target_features((mixq_target)t);
        const char *fk[MQF__COUNT + 1];
        int n = 0;
        for (int k = 0; k < MQF__COUNT; k++)
            if (mask & B(k))
                fk[n++] = FEAT[k];
        fk[n] = NULL;
        if (json_check_keys(d, o, p, fk, e))
            return -1;
        for (int k = 0; k < MQF__COUNT; k++)
            if ((mask & B(k)) && json_get_num(d, o, p, FEAT[k], -1e6, 1e6, 0, true, &f->c[t][k], e))
                return -1;
    }
    return 0;
}

int mixq_fit_parse(mixq_fit *f, const char *name, const char *text, tf_err *e)
{
    memset(f, 0, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s", name);
    return json_doc_with(name, text, fit_from_doc, f, e);
}

int mixq_fit_load(mixq_fit *f, const char *path, tf_err *e) { return mixq_fit_parse(f, path, NULL, e); }

json_t *mixq_fit_to_json(const mixq_fit *f, json_t *meta)
{
    json_t *root = meta ? meta : json_object();
    json_t *co = json_object();
    for (int t = 0; t < MQT__COUNT; t++) {
        json_t *o = json_object();
        unsigned long long mask = mixq_target_features((mixq_target)t);
        for (int k = 0; k < MQF__COUNT; k++)
            if (mask & B(k))
                json_object_set_new(o, FEAT[k], json_real(sig6(f->c[t][k])));
        json_object_set_new(co, TGT[t], o);
    }
    json_object_set_new(root, "coefficients", co);
    json_object_set_new(root, "rom_bram",
                        json_pack("{s:i,s:i}", "min_depth", f->rom_min_depth, "min_bits", f->rom_min_bits));
    return root;
}

static mixq_fit default_fit;
static tf_err default_err;
static int default_rc;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void load_default(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", tf2sim_config_dir(), MIXQ_FIT_FILE);
    default_rc = mixq_fit_load(&default_fit, path, &default_err);
}

const mixq_fit *mixq_fit_default(tf_err *e)
{
    pthread_once(&default_once, load_default);
    if (default_rc) {
        if (e)
            *e = default_err;
        return NULL;
    }
    return &default_fit;
}
