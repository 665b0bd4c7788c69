/* resources_mixq.c: the mixq-hls resource target (see resources_mixq.h).
 *
 * Sources, abbreviated in the rule comments:
 *   GEN  = MatthewLuo7/MixQ_Gen_Accel: HLS_templates/{S2P_buffer,S2P_buffer_DW,Opt_FP,Opt_KP,
 *          Opt_FP_LUT,pool_reord,function}.hpp, Opt_Definition/ConvOpt_{FP,KP,FP_DW,1x1}.py,
 *          Generator/DAC_SDC/{Accelerator_Template,Generate_HLS_DP,Pipeline_DP}.py
 *   MQ   = ../shared/reference/mixq-dataflow.md (section)
 *   BJUT = heheda365/ultra_net hls/.../matrix_vector_unit.h;  ISM = xliu0709/DACSDC2021 (MQ 2.2, 3.1) */
#include "resources_mixq.h"

#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <string.h>

#include "bram.h"
#include "numerics/dsp_pack_arith.h"
#include "numerics/dsp_packing.h"

#define AP_MAX_W 1024 /* ap_uint<> width limit; GEN ConvOpt_*.opt_constraints keep every stream/word <= 1024 */

static uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

/* Signed port chunks: the top chunk `port` bits, lower ones port-1 (unsigned). */
static int chunks(int x, int port) { return x <= port ? 1 : 1 + (x - port + port - 2) / (port - 1); }

int mixq_mult_dsps(int a_bits, int b_bits, dsp_kind k)
{
    int wide, narrow, pb;
    dsp_pack_ports(k, &wide, &narrow, &pb);
    if (a_bits <= 0 || b_bits <= 0)
        return 0;
    int o1 = chunks(a_bits, wide) * chunks(b_bits, narrow);
    int o2 = chunks(b_bits, wide) * chunks(a_bits, narrow);
    return o1 < o2 ? o1 : o2;
}

typedef struct memacc {
    layer_res *lr;
    res_features *x;
    const device *dv;
} memacc;

/* Read-mux bits of a memory deeper than one cell: the word times (cells along the address - 1);
 * a LUTRAM cell holds 64 words, a BRAM18 16 Kb at its widest useful shape (512 x 36). */
static double read_mux_bits(int width, uint64_t depth, bool lutram)
{
    uint64_t words = lutram ? 64 : (uint64_t)(16384 / (width < 36 ? (width < 1 ? 1 : width) : 36));
    if (words < 512 && !lutram)
        words = 512;
    uint64_t slices = (depth + words - 1) / words;
    return slices > 1 ? (double)width * (double)(slices - 1) : 0;
}

/* A ROM / RAM / FIFO as HLS binds it by default: BRAM when deep, LUTRAM/SRL when shallow (bram.h).
 * ports: address counters (1 for a ROM, 2 for a RAM or FIFO). Adds the blocks to *bucket. */
static void mem_auto(memacc *m, int width, uint64_t depth, int copies, int ports, int *bucket)
{
    (void)ports;
    if (width <= 0 || depth == 0 || copies <= 0)
        return;
    bool shallow = ram_is_shallow(width, depth);
    m->x->x[RF_MEM_MUX_BITS] += (double)copies * read_mux_bits(width, depth, shallow);
    if (shallow) {
        m->lr->lut += lutram_luts(width, depth) * copies;
        return;
    }
    int b = ram_blocks(m->dv->mem_type, width, depth) * copies;
    m->lr->bram18 += b;
    *bucket += b;
}

/* A memory pinned to block RAM (RESOURCE core=RAM_S2P_BRAM). */
static void mem_bram(memacc *m, int width, uint64_t depth, int copies, int *bucket)
{
    if (width <= 0 || depth == 0 || copies <= 0)
        return;
    m->x->x[RF_MEM_MUX_BITS] += (double)copies * read_mux_bits(width, depth, false);
    int b = ram_blocks(m->dv->mem_type, width, depth) * copies;
    m->lr->bram18 += b;
    *bucket += b;
}

static int compute_layer(const net *n, const design *ds, const device *dv, int i, const mixq_params *prm,
                         layer_res *lr, res_features *x, mixq_layer_info *info, tf_err *e)
{
    const layer *l = &n->layers[i];
    const layer_fold *f = &ds->fold[i];
    const char *nm = l->name;
    mixq_gen_cfg c;
    if (mixq_gen_config(n, ds, dv, i, prm, &c, e))
        return -1;
    const gen_layer *g = &c.g;
    schedule_kind sc = f->sched;
    bool lut = f->lut_mult, dw = g->dw, gen = g->gen, pooled = g->pooled, head = g->head;
    int w = l->wbits, a = l->abits;
    int simd = g->simd, pe = g->pe, kpf = g->kpf, K = g->k, cin = g->cin, cout = g->cout, win = g->win;
    int cpg = dw ? 1 : cin; /* input channels per output channel */
    int kp = g->kp, np = g->np, in_pe = g->in_pe, obits = g->obits, opf = g->opf, actp = g->actp;
    int inc_bits = c.inc_bits, bias_bits = c.bias_bits, m_bits = c.m_bits;
    int knum = g->knum, row_len = g->row_len;
    int simd_eff = dw && sc == SCHED_FP ? kpf : simd * kpf; /* multiplies per PE per cycle */

    /* Line buffer (GEN S2P_buffer.hpp / S2P_buffer_DW.hpp reshape_buffer_*):
     *   SIMD >= IN_PE: ap_uint<IN_PE*IN_BIT*Np> row_buffer[SIMD/IN_PE][K+1][ROW_LEN*(IN_CH/SIMD)]
     *   SIMD <  IN_PE: ap_uint<SIMD*IN_BIT*Np>  row_buffer[IN_PE/SIMD][K+1][ROW_LEN*(IN_CH/IN_PE)]
     * dim 1 partitioned; depthwise: PE in place of SIMD, OUT_CH channels. */
    int cch = dw ? cout : cin, cpar = dw ? pe : simd;
    if (!gen) { /* mvau/dsp6: the widest channel group that divides the channels */
        cpar = cpar < cch ? cpar : cch;
        while (cpar > 1 && cch % cpar)
            cpar--;
    }
    /* GEN's generator asks IN_PE | channels (C1), yet its data set holds 20 synthesised operators with a
     * given IN_PE 3 on 16..64 channels at SIMD 1: the template's IN_CH/IN_PE integer division builds them. */
    bool c1 = cch % in_pe == 0 || f->in_pe;
    bool compat = in_pe <= cch && c1 && (cpar >= in_pe ? cpar % in_pe == 0 : in_pe % cpar == 0);
    if (gen && !compat) /* GEN reshape_buffer_constraints C1, C4 */
        return tf_errf(e, "mixq-hls: layer %s: input stream of %d channels per word and %s %d: one must divide the "
                          "other and IN_PE must divide the %d channels (MixQ reshape buffer)",
                       nm, in_pe, dw ? "pe" : "simd", cpar, cch);
    int lb_banks, lb_width;
    uint64_t lb_depth;
    if (compat && cpar >= in_pe) {
        lb_banks = cpar / in_pe, lb_width = in_pe * a * np;
        lb_depth = (uint64_t)(K + 1) * row_len * (uint64_t)(cch / cpar);
    } else if (compat) {
        lb_banks = in_pe / cpar, lb_width = cpar * a * np;
        lb_depth = (uint64_t)(K + 1) * row_len * (uint64_t)(cch / in_pe);
    } else {
        lb_banks = 1, lb_width = cpar * a * np;
        lb_depth = (uint64_t)(K + 1) * row_len * (uint64_t)(cch / cpar);
    }
    if (gen && kpf == K && K > 1) { /* FPT variant: K rows read at once, dim 2 partitioned too (S2P_buffer_DW FPT) */
        lb_banks *= K + 1;
        lb_depth /= (uint64_t)(K + 1);
    }

    /* Weight ROMs (partitioned on PE, GEN Accelerator_Template get_parameter_partition dim 1). */
    int w_mems = pe, w_width;
    uint64_t w_depth;
    switch (sc) {
    case SCHED_FP: /* GEN ConvOpt_FP.weight_shape: ap_uint<K*W*KPF*SIMD> w[PE][(OCH/PE)*(K*ICH/(SIMD*KPF))];
                      depthwise ConvOpt_FP_DW: ap_uint<K*W*KPF> w[PE][(OCH/PE)*(K/KPF)] */
        w_width = K * w * simd_eff;
        w_depth = (uint64_t)(cout / pe) * (uint64_t)(dw ? K / kpf : K * cin / (simd * kpf));
        break;
    case SCHED_KP: /* GEN ConvOpt_KP.weight_shape:
                      ap_uint<W*Kp*KPF*SIMD> w[PE][(OCH/(PE*Kp))*(K*ICH/(SIMD*KPF))*K] */
        w_width = w * kp * kpf * simd;
        w_depth = (uint64_t)(cout / (pe * kp)) * (uint64_t)(K * cin / (simd * kpf)) * (uint64_t)K;
        break;
    case SCHED_DSP6: /* MQ 2.2 / ISM weights.hpp: ap_uint<W*SIMD> w[PE][K][OCH/PE*K*ICH/SIMD], dims 1-2 split */
        w_mems = pe * K;
        w_width = simd * w;
        w_depth = (uint64_t)(K * cin / simd) * (uint64_t)(cout / pe);
        break;
    default: /* BJUT matrix_vector_unit: ap_uint<SIMD*W> weights[PE][(K*K*ICH/SIMD)*(OCH/PE)] */
        w_width = simd * w;
        w_depth = (uint64_t)(K * K * cpg / simd) * (uint64_t)(cout / pe);
        break;
    }

    /* The FIFO after the layer (GEN ConvOpt_*.gen_increase_bw, Conv1x1 gen_bw_last):
     * CONV_DEPTH = ceil(IN_W*OUT_CH/PE) (ceil(IN_W*OUT_CH/(PE*Kp)) for KP) words of OCH_PF*OUT_BIT bits,
     * twice as wide when the 2x2 pool follows (it takes pixel pairs); the head keeps it only with a bias. */
    int fifo_width = 0;
    uint64_t fifo_depth = 0;
    if (!head || l->bias) {
        fifo_width = (pooled ? 2 : 1) * opf * obits;
        fifo_depth = cdiv((uint64_t)win * cout, (uint64_t)(sc == SCHED_KP ? pe * kp : pe));
    }

    /* Stream and word widths stay within ap_uint's 1024 bits (GEN opt_constraints C3..C7, ACT_constraints). */
    struct { const char *what; long bits; } wl[] = {
        {"input word IN_PE*IN_BIT", (long)in_pe * a},
        {"line buffer output word KPF*SIMD*IN_BIT*Np", (long)kpf * cpar * a * np},
        {"line buffer word", (long)lb_width},
        {"weight word", (long)w_width},
        {"array output word Np*OCH_PF*M_BIT", (long)np * opf * m_bits},
        {"output stream word", (long)fifo_width},
        {"inc word ACTP*INC_BIT", head ? 0L : (long)actp * inc_bits},
        {"bias word ACTP*BIAS_BIT", (long)actp * bias_bits},
    };
    for (size_t k = 0; k < sizeof wl / sizeof *wl; k++)
        if (wl[k].bits > AP_MAX_W)
            return tf_errf(e, "mixq-hls: layer %s: %s is %ld bits, over ap_uint's %d", nm, wl[k].what, wl[k].bits,
                           AP_MAX_W);

    /* Packing (mixq_gen.h): a pack that fits no multiplier at its guard width is still built: HLS
     * splits the oversize ap_int product into several DSP tiles (dsp_per_mult > 1). */
    int gb = c.guard_bits, prod = c.prod_bits, cascade = c.cascade, nf = 1, dsp_per_mult = 1;
    bool overlap = c.overlap;
    if (c.packed) {
        dsp_per_mult = mixq_mult_dsps(c.wpack_bits, c.apack_bits + 1, dv->dsp_type);
        nf = sc == SCHED_KP ? kp * np : kp + np - 1;
    }

    /* DSP. Array: */
    int lanes = simd * pe, array_dsp = 0;
    if (lut) {
        array_dsp = 0; /* GEN Opt_FP_LUT / Opt_KP_LUT (core=Mul_LUT), BJUT simd_mul_lut */
    } else if (gen) {
        /* GEN Opt_FP/KP.hpp: SIMD*KPF packed products per PE (core=DSP48), each Kp x Np */
        array_dsp = pe * simd_eff * dsp_per_mult;
    } else if (sc == SCHED_DSP6) {
        array_dsp = lanes * dsp_per_mult; /* ISM conv2d_DSPopt: one DSP per (PE, SIMD) lane, 3 weights x 2 pixels */
    } else if (w * a > RES_MIXQ_LUT_PRODUCT_BITS) {
        /* mvau: lanes / products per DSP (APN factor tables, MQ 2.4) */
        double fac = dsp_packing_factor(dv->dsp_type, w, a, K);
        array_dsp = (int)ceil((double)lanes / fac - 1e-9);
    }
    /* BN / requantise: ACTP units, acc(M_BIT) * inc(INC_BIT) + bias (GEN function.h bn_qurelu_fixed);
     * the head only adds a bias (Bias_Trim) */
    int bn_each = head ? 0 : mixq_mult_dsps(m_bits, inc_bits, dv->dsp_type);
    lr->dsp = array_dsp + actp * bn_each;

    /* Memories. */
    memacc m = {.lr = lr, .x = x, .dv = dv};
    mem_auto(&m, w_width, w_depth, w_mems, 1, &lr->weight_bram);
    /* GEN write_weights: ap_int<INC_BIT> inc[ACTP][OCH/ACTP], ap_int<BIAS_BIT> bias[ACTP][OCH/ACTP], dim 1 split */
    if (!head)
        mem_auto(&m, inc_bits, cdiv((uint64_t)cout, (uint64_t)actp), actp, 1, &lr->weight_bram);
    if (!head || l->bias)
        mem_auto(&m, bias_bits, cdiv((uint64_t)cout, (uint64_t)actp), actp, 1, &lr->weight_bram);
    mem_bram(&m, lb_width, lb_depth, lb_banks, &lr->linebuf_bram); /* RESOURCE core=RAM_S2P_BRAM */
    mem_auto(&m, fifo_width, fifo_depth, 1, 2, &lr->fifo_bram);   /* #pragma HLS STREAM depth=CONV_DEPTH */

    /* Features of the operator's logic. */
    int simd_bits = mixq_ceil_log2((uint64_t)simd_eff * (sc == SCHED_KP ? 1 : (kp < np ? kp : np)));
    int acc_bits = w + a + simd_bits; /* GEN: ACC_BIT = W_BIT + IN_BIT + SIMD_BIT */
    x->x[RF_UNIT] += 1;
    if (gen || sc == SCHED_DSP6) {
        int nacc = sc == SCHED_KP ? kp * np : kp + np - 1; /* PartialRes updates per PE per cycle */
        if (lut) {
            double prods = (double)pe * simd_eff * kp * np; /* Opt_FP_LUT: SIMD*Kp*Np w x a products per PE */
            x->x[RF_LUTMUL_BITS] += prods * w * a;
            x->x[RF_SUM_BITS] += prods * acc_bits + (double)pe * nacc * m_bits;
        } else {
            double splits = (double)pe * (simd_eff / cascade) * nf; /* fields split per cycle */
            int wpack = (kp - 1) * prod + w;                        /* WPACK_BIT */
            x->x[RF_PACK_BITS] += splits * (prod + (overlap ? 1 : 0)) + (double)pe * simd_eff * (kp - 1) * wpack;
            x->x[RF_SUM_BITS] += splits * acc_bits + (double)pe * nacc * m_bits;
        }
    } else { /* mvau: SIMD products summed per PE, one accumulator (BJUT matrix_vector_unit) */
        if (lut || w * a <= RES_MIXQ_LUT_PRODUCT_BITS)
            x->x[RF_LUTMUL_BITS] += (double)lanes * w * a;
        else if (dsp_packing_factor(dv->dsp_type, w, a, K) > 1.0)
            x->x[RF_PACK_BITS] += (double)lanes * (w + a);
        x->x[RF_SUM_BITS] += (double)pe * ((double)simd * (w + a + mixq_ceil_log2((uint64_t)simd)) + m_bits);
    }
    x->x[RF_PE] += actp;
    /* Width converters (GEN red_bw_temp / inc_bw_temp: StreamingDataWidthConverter_Batch), the line
     * buffer's output word assembly, the FP array's weight shifter and PartialRes index when KNUM > 1. */
    if (np * opf != actp)
        x->x[RF_MUX_BITS] += (double)np * opf * m_bits;
    if (fifo_width && fifo_width != actp * obits)
        x->x[RF_MUX_BITS] += fifo_width;
    x->x[RF_MUX_BITS] += (double)kpf * cpar * a * np;
    if (sc == SCHED_FP && knum > 1)
        x->x[RF_MUX_BITS] += (double)pe * ((double)K * simd_eff * w + (double)(kp * knum + np - 1) * m_bits);
    if (sc == SCHED_KP && K > 1)
        x->x[RF_MUX_BITS] += (double)pe * kp * (K + np - 1) * m_bits;

    if (info) {
        *info = (mixq_layer_info){
            .k = K, .cin = cin, .cout = cout, .hin = g->hin, .win = win, .in_pe = in_pe, .opf = opf, .actp = actp,
            .m_bits = m_bits, .inc_bits = head ? 0 : inc_bits, .bias_bits = bias_bits, .out_bits = obits,
            .kp = kp, .np = np, .gb = gb, .prod_bits = prod, .cascade = cascade, .dsp_per_mult = dsp_per_mult,
            .knum = knum, .infold = g->infold, .row_len = row_len, .array_dsp = array_dsp, .bn_dsp = actp * bn_each,
            .lb_banks = lb_banks, .lb_width = lb_width, .lb_depth = (int)lb_depth, .w_mems = w_mems, .w_width = w_width,
            .w_depth = (int)w_depth, .fifo_width = fifo_width, .fifo_depth = (int)fifo_depth, .pooled = pooled};
    }
    return 0;
}

/* GEN pool_reord.hpp max_pool2x2 with the FIFO GEN puts after it (ConvOpt_*.gen_increase_bw inc_bw_temp_1). */
static int pool_layer(const net *n, const design *ds, const device *dv, int i, layer_res *lr, res_features *x,
                      tf_err *e)
{
    const layer *l = &n->layers[i];
    int p = l->inputs[0], first;
    if (p < 0 || !layer_is_compute(&n->layers[p]) || gen_consumers(n, p, &first) != 1)
        return tf_errf(e, "mixq-hls: layer %s: GEN fuses a 2x2 max pool into the conv before it; this one is fed "
                          "by %s", l->name, p < 0 ? "the graph input" : n->layers[p].name);
    const layer_fold *f = &ds->fold[p];
    int opf = fold_och_pf(f), obits = f->obits ? f->obits : net_out_bits(n, i);
    if (obits > 32)
        obits = 32;
    int C = l->cin, W = l->win;
    memacc m = {.lr = lr, .x = x, .dv = dv};
    /* ap_uint<PE*IN_BIT> row_store[IN_W/2 * IN_CH/PE] (PE = OCH_PF), HLS default binding */
    mem_auto(&m, opf * obits, (uint64_t)(W / 2) * (uint64_t)(C / opf), 1, 2, &lr->linebuf_bram);
    int cons = gen_consumers(n, i, &first);
    if (cons > 1)
        return tf_errf(e, "mixq-hls: layer %s: %d consumers; the MixQ pipeline has no stream fork", l->name, cons);
    if (cons == 1) /* POOL_DEPTH = ceil(IN_W*OUT_CH/(PE*2)) words of OCH_PF*OUT_BIT (GEN uses PE, not OCH_PF) */
        mem_auto(&m, opf * obits, cdiv((uint64_t)W * C, 2 * (uint64_t)f->pe), 1, 2, &lr->fifo_bram);
    x->x[RF_UNIT] += 1;
    x->x[RF_SUM_BITS] += 2.0 * opf * obits; /* two max2_PE comparators per lane */
    return 0;
}

int resources_mixq_layer_ex(const net *n, const design *ds, const device *dv, int i, const mixq_params *p,
                            layer_res *lr, res_features *x, mixq_layer_info *info, tf_err *e)
{
    memset(lr, 0, sizeof *lr);
    memset(x, 0, sizeof *x);
    if (info)
        memset(info, 0, sizeof *info);
    if (ds->arch != ARCH_DATAFLOW)
        return tf_errf(e, "mixq-hls: the MixQ HLS target builds dataflow designs only (got %s)", arch_name(ds->arch));
    if (i < 0 || i >= n->n_layers || ds->n_layers != n->n_layers)
        return tf_errf(e, "mixq-hls: layer index %d out of range (net %s has %d layers)", i, n->name, n->n_layers);
    const layer *l = &n->layers[i];
    int rc;
    if (layer_is_compute(l))
        rc = compute_layer(n, ds, dv, i, p, lr, x, info, e);
    else if (gen_is_pool2x2(l))
        rc = pool_layer(n, ds, dv, i, lr, x, e);
    else
        rc = tf_errf(e, "mixq-hls: layer %s: no MixQ HLS template for %s%s", l->name, op_name(l->op),
                     l->op == OP_MAXPOOL ? " other than 2x2 stride 2" : "");
    if (rc) {
        memset(lr, 0, sizeof *lr);
        memset(x, 0, sizeof *x);
    }
    return rc;
}

int resources_mixq_layer(const net *n, const design *ds, const device *dv, int i, layer_res *lr, res_features *x,
                         tf_err *e)
{
    return resources_mixq_layer_ex(n, ds, dv, i, NULL, lr, x, NULL, e);
}

void resources_mixq_input_stage(const net *n, const device *dv, layer_res *lr, res_features *x)
{
    memset(lr, 0, sizeof *lr);
    memset(x, 0, sizeof *x);
    int abits = n->in_bits;
    for (int i = 0; i < n->n_layers; i++)
        if (layer_is_compute(&n->layers[i]) && n->layers[i].inputs[0] == -1) {
            abits = n->layers[i].abits;
            break;
        }
    memacc m = {.lr = lr, .x = x, .dv = dv};
    /* GEN Accelerator_Template compute_pipeline: in_stream_extract depth 256 x 64 b, in_stream0 256 x 192 b,
     * in_stream1 512 x 8*IN_CH b, conv0_in 512 x IN_BIT*IN_CH b */
    mem_auto(&m, 64, 256, 1, 2, &lr->fifo_bram);
    mem_auto(&m, 192, 256, 1, 2, &lr->fifo_bram);
    mem_auto(&m, 8 * n->in_c, 512, 1, 2, &lr->fifo_bram);
    mem_auto(&m, abits * n->in_c, 512, 1, 2, &lr->fifo_bram);
    x->x[RF_UNIT] += 1;
    x->x[RF_MUX_BITS] += 192.0 + 192.0 + 8.0 * n->in_c; /* two width converters, input_quant */
}
