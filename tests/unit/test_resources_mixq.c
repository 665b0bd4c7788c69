/* test_resources_mixq.c: the mixq-hls resource target (dse/resources/resources_mixq.c), hand-computed cases.
 *
 * GEN = MatthewLuo7/MixQ_Gen_Accel. BRAM18 counts are the cheapest aspect-ratio tiling (bram.h):
 * 512x36, 1Kx18, 2Kx9, 4Kx4, 8Kx2, 16Kx1 (BRAM36 512x72 = 2). Memories of <= 64 words or
 * <= 4096 bits go to LUTRAM (64x1 per LUT), except the line buffer (RAM_S2P_BRAM). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "net/design.h"
#include "resources/resources_mixq.h"
#include "unit/test_util.h"

/* N, DV, setup, teardown: UltraNet on the Ultra96-V2 (unit/test_util.h). */
ULTRANET_FIXTURE

static int idx(const net *n, const char *name)
{
    int i = net_find(n, name);
    assert_true(i >= 0);
    return i;
}

static layer_fold fold(schedule_kind s, int simd, int pe, int kpf, int kp, int np)
{
    return (layer_fold){.simd = simd, .pe = pe, .sched = s, .kp = kp, .np = np, .kpf = kpf};
}

static void eval(const net *n, const design *ds, int i, const mixq_params *p, layer_res *lr, res_features *x,
                 mixq_layer_info *info)
{
    tf_err e;
    if (resources_mixq_layer_ex(n, ds, &DV, i, p, lr, x, info, &e))
        fail_msg("%s", e.msg);
}

/* DSPs of the array and of the BN units; the layer's total is their sum */
static void expect_dsp(const mixq_layer_info *in, const layer_res *lr, int array, int bn)
{
    assert_int_equal(in->array_dsp, array);
    assert_int_equal(in->bn_dsp, bn);
    assert_int_equal(lr->dsp, array + bn);
}

/* Guard bits and cascade factor of the packed array */
static void expect_pack(const mixq_layer_info *in, int gb, int cascade)
{
    assert_int_equal(in->gb, gb);
    assert_int_equal(in->cascade, cascade);
}

/* The line buffer: banks x width x depth and its BRAM18 */
static void expect_lb(const mixq_layer_info *in, const layer_res *lr, int banks, int width, int depth, int bram)
{
    assert_int_equal(in->lb_banks, banks);
    assert_int_equal(in->lb_width, width);
    assert_int_equal(in->lb_depth, depth);
    assert_int_equal(lr->linebuf_bram, bram);
}

/* The weight ROMs: memories x width x depth and their BRAM18 */
static void expect_w(const mixq_layer_info *in, const layer_res *lr, int mems, int width, int depth, int bram)
{
    assert_int_equal(in->w_mems, mems);
    assert_int_equal(in->w_width, width);
    assert_int_equal(in->w_depth, depth);
    assert_int_equal(lr->weight_bram, bram);
}

/* UltraNet under GEN's ultra_4w4a folding (Generator/ultranet/hls/ultra_4w4a/weights.hpp):
 * conv0 KP (SIMD 3, PE 8, KPF 3, Kp 2, Np 1) at w8 (the file says "layer: 0, PE: 8, SIMD: 3, wbit: 8"),
 * conv1 FP (SIMD 16, PE 4, KPF 1, Kp 3, Np 2) at w4a4. */
static void ultra_4w4a(net *m, design *ds)
{
    tf_err e;
    assert_int_equal(net_clone(m, &N, &e), 0);
    m->layers[idx(m, "conv0")].wbits = 8;
    assert_int_equal(design_init(ds, m, &DV, ARCH_DATAFLOW, &e), 0);
    ds->fold[idx(m, "conv0")] = fold(SCHED_KP, 3, 8, 3, 2, 1);
    ds->fold[idx(m, "conv1")] = fold(SCHED_FP, 16, 4, 1, 3, 2);
}

static void test_ultranet_conv1_fp(void **state)
{
    net m;
    design ds;
    ultra_4w4a(&m, &ds);
    layer_res lr;
    res_features x;
    mixq_layer_info in;
    eval(&m, &ds, idx(&m, "conv1"), NULL, &lr, &x, &in);
    /* IN_PE = conv0's OCH_PF = PE*Kp = 16 (KP). M_BIT = 4+4+ceil(log2(3*3*16 = 144)) = 16. */
    assert_int_equal(in.in_pe, 16);
    assert_int_equal(in.m_bits, 16);
    /* Guard bits: weights on the 27-bit port (27-4)/2 = 11 >= s, activations on 18: 18-1-4 = 13 >= s
     * -> s = 11, gb = 3 (MQ 2.4: w4a4 K3 Kp3 Np2 gb 3, iSmart PROD_BIT 11). Cascade: largest
     * divisor of SIMD 16 <= 2^3 / min(3,2) = 4 -> 4. */
    expect_pack(&in, 3, 4);
    assert_int_equal(in.prod_bits, 11);
    /* ACTP: KNUM 1, INFOLD 3*16/16 = 3, min = Np*PE/(KNUM*INFOLD) = 8/3 = 2 -> divisor of 4 >= 2 = 2. */
    assert_int_equal(in.actp, 2);
    /* DSP: array SIMD*PE*KPF = 64 (each 3 weights x 2 pixels); BN 2 units x (16 x 16 -> one 27x18) = 2. */
    expect_dsp(&in, &lr, 64, 2);
    /* Weights: ap_uint<K*W*KPF*SIMD = 192> w[PE=4][(32/4)*(3*16/16) = 24] -- GEN's conv_1_w[4][24] of
     * ap_uint<192>. 24 words: LUT ROM, 192 LUTs each. */
    expect_w(&in, &lr, 4, 192, 24, 0);
    /* Line buffer: SIMD 16 >= IN_PE 16: 1 bank of IN_PE*a*Np = 128 bits x (K+1)*ROW_LEN*(16/16),
     * ROW_LEN = (160+3-2)/2+1 = 81 -> 324 words: 4 x 512x36. */
    assert_int_equal(in.row_len, 81);
    expect_lb(&in, &lr, 1, 128, 324, 4);
    /* FIFO: pool follows -> 2*OCH_PF*OUT_BIT = 2*4*4 = 32 bits x CONV_DEPTH = 160*32/4 = 1280 words:
     * 3 x 512x36. */
    assert_true(in.pooled);
    assert_int_equal(in.fifo_width, 32);
    assert_int_equal(in.fifo_depth, 1280);
    assert_int_equal(lr.fifo_bram, 3);
    assert_int_equal(lr.bram18, 7);
    /* LUTRAM: weights 4 x 192; inc [2][16] x 16 b -> 2 x 16; bias [2][16] x 24 b -> 2 x 24. */
    assert_int_equal(lr.lut, 4 * 192 + 2 * 16 + 2 * 24);
    assert_int_equal(lr.ff, 0);
    /* Features: one unit, ACTP BN units; packed split: PE*(SIMD/cascade)*(Kp+Np-1) = 4*4*4 = 64 fields
     * of 11 bits + weight packing PE*SIMD*(Kp-1)*WPACK(2*11+4 = 26) = 4*16*2*26. */
    assert_true(x.x[RF_UNIT] == 1.0);
    assert_true(x.x[RF_PE] == 2.0);
    assert_true(x.x[RF_PACK_BITS] == 64.0 * 11 + 4.0 * 16 * 2 * 26);
    assert_true(x.x[RF_LUTMUL_BITS] == 0.0);
    assert_true(x.x[RF_SAC_BITS] == 0.0);
    assert_true(x.x[RF_SUM_BITS] > 0 && x.x[RF_MUX_BITS] > 0);

    /* The pool after it: row_store[160/2 * 32/4 = 640] x 16 b (1 x 1Kx18) and the POOL_DEPTH FIFO
     * ceil(160*32/(2*4)) = 640 x 16 b (1 x 1Kx18). */
    eval(&m, &ds, idx(&m, "pool1"), NULL, &lr, &x, NULL);
    assert_int_equal(lr.dsp, 0);
    assert_int_equal(lr.linebuf_bram, 1);
    assert_int_equal(lr.fifo_bram, 1);
    assert_int_equal(lr.bram18, 2);
    design_free(&ds);
    net_free(&m);
}

static void test_ultranet_conv0_kp(void **state)
{
    net m;
    design ds;
    ultra_4w4a(&m, &ds);
    layer_res lr;
    res_features x;
    mixq_layer_info in;
    /* GEN's exported INC_BIT 15 for conv_0 (ap_int<15> conv_0_inc) */
    mixq_params p = {.inc_bits = 15, .bias_bits = 32};
    eval(&m, &ds, idx(&m, "conv0"), &p, &lr, &x, &in);
    /* Weights: ap_uint<W*Kp*KPF*SIMD = 8*2*3*3 = 144> w[PE=8][(16/(8*2))*(3*3/(3*3))*3 = 3] -- GEN's
     * conv_0_w[8][3] of ap_uint<144>; LUT ROM 144 LUTs each. */
    expect_w(&in, &lr, 8, 144, 3, 0);
    /* OCH_PF = PE*Kp = 16. ACTP: INFOLD = 3*3/(3*3) = 1, min = Np*PE*Kp/(K*INFOLD) = 16/3 = 5 ->
     * smallest divisor of 16 >= 5 = 8 -- GEN's conv_0_inc[8][2] ([ACTP][OUT_CH/ACTP]). */
    assert_int_equal(in.opf, 16);
    assert_int_equal(in.actp, 8);
    /* M_BIT = 8+8+ceil(log2 27) = 21; 21 x 15 -> one DSP per unit. Array SIMD*PE*KPF = 72. */
    assert_int_equal(in.m_bits, 21);
    expect_dsp(&in, &lr, 72, 8);
    /* KP guard bits: weights 2 at spacing s on 27 bits: s + 8 <= 27 -> s = 19, gb 3; cascade: largest
     * divisor of SIMD*KPF = 9 <= 2^3 -> 3. */
    expect_pack(&in, 3, 3);
    /* Line buffer, KPF = K (all K rows at once, rows partitioned): IN_PE 3 = SIMD 3 -> 1 x (K+1) = 4
     * banks of 3*8*1 = 24 bits x ROW_LEN = (320+1)/1+1 = 322 words: 1 BRAM18 each. */
    expect_lb(&in, &lr, 4, 24, 322, 4);
    /* FIFO: 2*16*4 = 128 b x ceil(320*16/(8*2)) = 320: 4 x 512x36. */
    assert_int_equal(in.fifo_depth, 320);
    assert_int_equal(lr.fifo_bram, 4);
    design_free(&ds);
    net_free(&m);
}

/* A K=1 layer, from a fold file: conv8 (64 -> 36 head, w8 a5, bias) in configs/folds/gen_mixed_dp.json
 * (GEN's mixed_DP: KP SIMD 4, PE 2, Kp 1, Np 2, GUARD_BIT 6, BIAS_BIT 13); every layer of that design builds. */
static void test_k1_head_from_fold_file(void **state)
{
    net m;
    tf_err e;
    assert_int_equal(net_clone(&m, &N, &e), 0);
    design ds;
    if (design_load_fold(&ds, &m, &DV, "gen_mixed_dp", &e))
        fail_msg("%s", e.msg);
    layer_res lr;
    res_features x;
    mixq_layer_info in;
    for (int i = 0; i < m.n_layers; i++)
        eval(&m, &ds, i, NULL, &lr, &x, NULL);
    eval(&m, &ds, idx(&m, "conv8"), NULL, &lr, &x, &in);
    /* Head: raw 32-bit out, M_BIT 32, no BN multiply, ACTP = PE*Kp = 2 (Conv1x1 template asserts it). */
    assert_int_equal(in.out_bits, 32);
    assert_int_equal(in.m_bits, 32);
    assert_int_equal(in.actp, 2);
    assert_int_equal(in.bn_dsp, 0);
    assert_int_equal(in.bias_bits, 13);
    /* Guard bits 6 (the fold's, = GEN's default: dsp_eff_search caps 26-5-13 = 8 at ceil(log2 64) = 6);
     * KP cascade: largest divisor of SIMD 4 <= min(2^6, 4) -> 4. */
    expect_pack(&in, 6, 4);
    assert_int_equal(lr.dsp, 8); /* SIMD*PE, one DSP per packed product (acts 19+5 = 24 b on the 27-bit port) */
    /* IN_PE = conv7's OCH_PF = PE*Kp = 2; SIMD 4 >= 2: 2 banks of 2*5*2 = 20 b x 2*ROW_LEN*(64/4),
     * ROW_LEN = (20+1-2)/2+1 = 10 -> 320 words: 1 BRAM18 each (pinned to BRAM). */
    expect_lb(&in, &lr, 2, 20, 320, 2);
    /* Weights: ap_uint<8*1*1*4 = 32> w[2][(36/2)*(64/4)*1 = 288]: 1 x 512x36 each; bias [2][18] x 13 b
     * LUTRAM (2 x 13 LUTs). */
    expect_w(&in, &lr, 2, 32, 288, 2);
    /* FIFO (with a bias): OCH_PF*32 = 64 b x ceil(20*36/2) = 360: 2 x 512x36. */
    assert_int_equal(in.fifo_width, 64);
    assert_int_equal(in.fifo_depth, 360);
    assert_int_equal(lr.fifo_bram, 2);
    assert_int_equal(lr.bram18, 6);
    assert_int_equal(lr.lut, 2 * 13);
    design_free(&ds);
    net_free(&m);
}

/* A depthwise layer: SkyNet dw1 (48 ch, 80x160, w5 a8) as GEN's FP_DW (SIMD 1, PE 16, KPF 1, Kp 1, Np 2),
 * fed by pw0 (PE 8). */
static void test_depthwise(void **state)
{
    net s;
    design ds;
    tf_err e;
    if (net_load_named(&s, "skynet", &e))
        fail_msg("%s", e.msg);
    assert_int_equal(design_init(&ds, &s, &DV, ARCH_DATAFLOW, &e), 0);
    ds.fold[idx(&s, "pw0")] = fold(SCHED_FP, 3, 8, 1, 1, 2);
    ds.fold[idx(&s, "dw1")] = fold(SCHED_FP, 1, 16, 1, 1, 2);
    layer_res lr;
    res_features x;
    mixq_layer_info in;
    eval(&s, &ds, idx(&s, "dw1"), NULL, &lr, &x, &in);
    /* M_BIT = 8+5+ceil(log2 9) = 17. KNUM = 3, INFOLD = K/KPF = 3, min ACTP = 2*16/9 = 3 -> 4. */
    assert_int_equal(in.in_pe, 8);
    assert_int_equal(in.m_bits, 17);
    assert_int_equal(in.actp, 4);
    /* DSP: PE*KPF = 16, BN 4 x (17 x 16) = 4. */
    assert_int_equal(lr.dsp, 20);
    /* Weights ap_uint<K*W*KPF = 15> w[16][(48/16)*(3/1) = 9]: LUT ROMs, 15 LUTs each. */
    expect_w(&in, &lr, 16, 15, 9, 0);
    /* Line buffer: PE 16 >= IN_PE 8: 2 banks of 8*8*2 = 128 b x 4*81*(48/16) = 972 words: 8 x 512x36. */
    expect_lb(&in, &lr, 2, 128, 972, 16);
    /* FIFO: 16*8 = 128 b x ceil(160*48/16) = 480: 4 x 512x36. */
    assert_int_equal(lr.fifo_bram, 4);
    assert_int_equal(lr.bram18, 20);
    /* LUTRAM: 16 x 15 weights; inc [4][12] x 16 b, bias [4][12] x 24 b. */
    assert_int_equal(lr.lut, 16 * 15 + 4 * 16 + 4 * 24);
    design_free(&ds);
    net_free(&s);
}

/* GEN's own choices of ACTP in Generator/DAC_SDC/hls/mixed_DP/config.h (SIMD, PE, KPF, Kp, Np -> ACTP):
 * conv0 (3,8,1,3,2)->8, conv1 (4,4,3,3,4)->4, conv2 (32,2,1,3,4)->2, conv3 (64,1,1,2,2)->1,
 * conv4..7 PE 1 -> 1, conv8 (4,2,1,1,2)->2; bits 532555558 / 733677665. */
static void test_actp_matches_gen_mixed_dp(void **state)
{
    net m;
    design ds;
    tf_err e;
    assert_int_equal(net_clone(&m, &N, &e), 0);
    assert_int_equal(net_apply_bit_digits(&m, "532555558", "733677665", &e), 0);
    assert_int_equal(design_init(&ds, &m, &DV, ARCH_DATAFLOW, &e), 0);
    static const struct { const char *l; int simd, pe, kpf, kp, np, actp; } c[] = {
        {"conv0", 3, 8, 1, 3, 2, 8},   {"conv1", 4, 4, 3, 3, 4, 4},   {"conv2", 32, 2, 1, 3, 4, 2},
        {"conv3", 64, 1, 1, 2, 2, 1},  {"conv4", 16, 1, 1, 3, 2, 1},  {"conv5", 16, 1, 1, 3, 2, 1},
        {"conv6", 16, 1, 1, 2, 2, 1},  {"conv7", 16, 1, 1, 2, 2, 1},  {"conv8", 4, 2, 1, 1, 2, 2}};
    for (size_t k = 0; k < sizeof c / sizeof *c; k++)
        ds.fold[idx(&m, c[k].l)] = fold(SCHED_FP, c[k].simd, c[k].pe, c[k].kpf, c[k].kp, c[k].np);
    for (size_t k = 0; k < sizeof c / sizeof *c; k++) {
        layer_res lr;
        res_features x;
        mixq_layer_info in;
        eval(&m, &ds, idx(&m, c[k].l), NULL, &lr, &x, &in);
        if (in.actp != c[k].actp)
            fail_msg("%s: ACTP %d, GEN %d", c[k].l, in.actp, c[k].actp);
    }
    /* GEN's conv1 guard bits (config.h GUARD_BIT 1): w3a3 Kp3 Np4, weights on the 18-bit port
     * 2s+3 <= 18, activations on 27: 3s+3 <= 26 -> s = 7, gb 1. conv2 (w2a3): s = 7... 8 -> gb 2 (GEN 2). */
    mixq_layer_info in;
    layer_res lr;
    res_features x;
    eval(&m, &ds, idx(&m, "conv1"), NULL, &lr, &x, &in);
    assert_int_equal(in.gb, 1);
    eval(&m, &ds, idx(&m, "conv2"), NULL, &lr, &x, &in);
    assert_int_equal(in.gb, 2);
    /* conv0 w5a7 Kp3 Np2 fits no 27x18 assignment at gb >= 0 (2s+5 <= 27 needs s <= 11 < 12): GEN still
     * builds it (config.h GUARD_BIT 1) and HLS splits the oversize product: at gb 0 WPACK = 2*12+5 = 29 b,
     * IPACK 12+7 = 19 b unsigned (20 signed): 27x18 tiles -> 2 DSPs per product, 8*3*2 = 48. */
    eval(&m, &ds, idx(&m, "conv0"), NULL, &lr, &x, &in);
    assert_int_equal(in.dsp_per_mult, 2);
    assert_int_equal(in.array_dsp, 48);
    design_free(&ds);
    net_free(&m);
}

static void expect_error(const net *n, const design *ds, const char *lname, const char *want)
{
    layer_res lr;
    res_features x;
    tf_err e;
    memset(&e, 0, sizeof e);
    if (resources_mixq_layer(n, ds, &DV, idx(n, lname), &lr, &x, &e) == 0)
        fail_msg("%s: built, wanted '%s'", lname, want);
    if (!strstr(e.msg, want))
        fail_msg("%s: '%s' lacks '%s'", lname, e.msg, want);
    assert_non_null(strstr(e.msg, "mixq-hls"));
    assert_int_equal(lr.dsp, 0);
    assert_int_equal(lr.bram18, 0);
}

static void test_illegal_folds(void **state)
{
    net m;
    design ds;
    ultra_4w4a(&m, &ds);
    int c1 = idx(&m, "conv1"), c0 = idx(&m, "conv0");
    ds.fold[c1] = fold(SCHED_KP, 16, 4, 1, 3, 2); /* Cout 32 not divisible by Kp*PE = 12 */
    expect_error(&m, &ds, "conv1", "x kp must divide Cout = 32");
    ds.fold[c1] = fold(SCHED_FP, 48, 1, 1, 3, 2); /* SIMD 48 | K*Cin = 48, but not | Cin = 16 */
    expect_error(&m, &ds, "conv1", "must divide Cin = 16");
    ds.fold[c1] = fold(SCHED_FP, 8, 4, 2, 3, 2); /* KPF 2: the templates take 1 or K */
    expect_error(&m, &ds, "conv1", "kpf 1 or K = 3");
    /* 16 x 8 pixels per 3 cycles: more than OCH_PF 16 BN units keep up with (GEN get_actp: None) */
    ds.fold[c1] = fold(SCHED_FP, 16, 4, 1, 3, 2);
    ds.fold[c0] = fold(SCHED_FP, 3, 16, 1, 3, 8);
    expect_error(&m, &ds, "conv0", "BN units");
    /* The engine architecture is not a MixQ design */
    ds.arch = ARCH_ENGINE;
    expect_error(&m, &ds, "conv1", "dataflow designs only");
    design_free(&ds);
    net_free(&m);

    /* Depthwise KP, and no template for reorg / a fork (UltraNet_Bypass) */
    net s;
    tf_err e;
    if (net_load_named(&s, "skynet", &e))
        fail_msg("%s", e.msg);
    assert_int_equal(design_init(&ds, &s, &DV, ARCH_DATAFLOW, &e), 0);
    ds.fold[idx(&s, "dw1")] = fold(SCHED_KP, 1, 16, 1, 3, 1);
    expect_error(&s, &ds, "dw1", "kernel packing cannot build a depthwise");
    design_free(&ds);
    net_free(&s);
    if (net_load_named(&s, "ultranet_bypass", &e))
        fail_msg("%s", e.msg);
    assert_int_equal(design_init(&ds, &s, &DV, ARCH_DATAFLOW, &e), 0);
    expect_error(&s, &ds, "reorg", "no MixQ HLS template for reorg");
    expect_error(&s, &ds, "conv3", "2 consumers");
    expect_error(&s, &ds, "conv7", "fed by 'concat'");
    design_free(&ds);
    net_free(&s);
}

/* GEN's one published operator sample (Dataset/6_OPT_5000/data_s0_n5000.json Sample_0, MQ 3.4):
 * FP, K 1, 640x320 input, 96 -> 128, w8 a8 o8, 2x2 max pool, Kp 1, Np 2, gb 2, SIMD 6, PE 1, ACTP 1,
 * KPF 1, IN_PE 96, INC_BIT 27, BIAS_BIT 35 -> Vivado: DSP 12, BRAM 130 (2.667 ns target).
 * The model (asserted below) gives DSP 8 and 105 BRAM18 for the operator as sampled
 * (Gen_Opt_Samples: line buffer + array + converters + Activation_Trim + CONV_DEPTH FIFO + pool,
 * the pool writing the top-level stream, so no POOL_DEPTH FIFO). */
static void test_gen_sample0(void **state)
{
    static const char NET[] =
        "{\"name\": \"gen_s0\", \"input\": {\"c\": 96, \"h\": 640, \"w\": 320, \"bits\": 8}, \"layers\": ["
        "{\"name\": \"conv\", \"op\": \"conv\", \"cout\": 128, \"k\": 1, \"wbits\": 8, \"abits\": 8, \"bn\": true,"
        " \"relu\": true},"
        "{\"name\": \"pool\", \"op\": \"maxpool\", \"k\": 2},"
        "{\"name\": \"next\", \"op\": \"conv\", \"cout\": 8, \"k\": 1, \"wbits\": 8, \"abits\": 8}]}";
    net s;
    design ds;
    tf_err e;
    if (net_parse(&s, "gen_s0", NET, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(design_init(&ds, &s, &DV, ARCH_DATAFLOW, &e), 0);
    ds.fold[idx(&s, "conv")] = fold(SCHED_FP, 6, 1, 1, 1, 2);
    mixq_params p = {.inc_bits = 27, .bias_bits = 35};
    layer_res lr;
    res_features x;
    mixq_layer_info in;
    eval(&s, &ds, idx(&s, "conv"), &p, &lr, &x, &in);
    /* GEN's own parameters come out: gb 2 (activations on the 27-bit port: s + 8 <= 26 -> s = 18),
     * cascade = largest divisor of 6 <= 2^2/1 -> 3, ACTP 1 (min 2*1/16 = 0). */
    assert_int_equal(in.in_pe, 96);
    expect_pack(&in, 2, 3);
    assert_int_equal(in.actp, 1);
    /* DSP: 6 packed products (SIMD*PE) + BN: M_BIT 8+8+ceil(log2 96) = 23 x INC 27 -> 2 tiles = 8. */
    assert_int_equal(in.m_bits, 23);
    assert_int_equal(in.bn_dsp, 2);
    assert_int_equal(lr.dsp, 8);
    /* Line buffer: IN_PE 96 > SIMD 6: 16 banks of 6*8*2 = 96 b x 2*ROW_LEN(160)*(96/96) = 320 words,
     * 3 x 512x36 each = 48. */
    expect_lb(&in, &lr, 16, 96, 320, 48);
    /* Weights ap_uint<48> w[1][2048]: 6 x 2Kx9; inc 27 b x 128 (3456 b) LUTRAM; bias 35 b x 128 (4480 b):
     * 1 x 512x36. */
    assert_int_equal(lr.weight_bram, 7);
    /* CONV_DEPTH FIFO: 2*1*8 = 16 b x 320*128 = 40960 words: 40 (2Kx9 x 2 wide x 20 deep). */
    assert_int_equal(in.fifo_depth, 40960);
    assert_int_equal(lr.fifo_bram, 40);
    assert_int_equal(lr.bram18, 95);
    /* Pool: row_store[160*128] x 8 b = 10 x 2Kx9; the POOL_DEPTH FIFO (20480 x 8 b, 10) exists here because
     * the pool feeds a next layer, which the sampled operator does not have. */
    layer_res pl;
    eval(&s, &ds, idx(&s, "pool"), NULL, &pl, &x, NULL);
    assert_int_equal(pl.linebuf_bram, 10);
    assert_int_equal(pl.fifo_bram, 10);
    int sampled = lr.bram18 + pl.linebuf_bram;
    assert_int_equal(sampled, 105); /* GEN: 130 */
    design_free(&ds);
    net_free(&s);
}

static void test_mult_dsps_and_input_stage(void **state)
{
    assert_int_equal(mixq_mult_dsps(16, 16, DSP48E2), 1);
    assert_int_equal(mixq_mult_dsps(27, 18, DSP48E2), 1);
    assert_int_equal(mixq_mult_dsps(18, 27, DSP48E2), 1);
    assert_int_equal(mixq_mult_dsps(23, 27, DSP48E2), 2); /* 27 on the wide port, 23 = 18 + 5 */
    assert_int_equal(mixq_mult_dsps(28, 28, DSP48E2), 4); /* 27+1 x 18+10 */
    assert_int_equal(mixq_mult_dsps(26, 18, DSP48E1), 2); /* 25x18: 26 = 25 + 1 */
    assert_int_equal(mixq_mult_dsps(0, 18, DSP48E2), 0);
    /* GEN's input stage for UltraNet (in_c 3, 8-bit): 64x256 (2), 192x256 (6), 24x512 (1), 24x512 (1) */
    layer_res lr;
    res_features x;
    resources_mixq_input_stage(&N, &DV, &lr, &x);
    assert_int_equal(lr.fifo_bram, 10);
    assert_int_equal(lr.bram18, 10);
    assert_int_equal(lr.dsp, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ultranet_conv1_fp),
        cmocka_unit_test(test_ultranet_conv0_kp),
        cmocka_unit_test(test_k1_head_from_fold_file),
        cmocka_unit_test(test_depthwise),
        cmocka_unit_test(test_actp_matches_gen_mixed_dp),
        cmocka_unit_test(test_illegal_folds),
        cmocka_unit_test(test_gen_sample0),
        cmocka_unit_test(test_mult_dsps_and_input_stage),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
