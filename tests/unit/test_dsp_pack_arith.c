/* test_dsp_pack_arith.c: packed DSP products equal the plain sums, for every configuration
 * dsp_pack_check accepts, and every configuration it rejects one guard bit lower really
 * overflows (so the check is neither unsafe nor loose). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numerics/dsp_pack_arith.h"
#include "numerics/dsp_packing.h"

static uint64_t rng = 0x9E3779B97F4A7C15ULL;
static uint32_t rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static int wlo(const dsp_pack_cfg *c) { return c->wsym ? -((1 << (c->wbits - 1)) - 1) : -(1 << (c->wbits - 1)); }
static int whi(const dsp_pack_cfg *c) { return (1 << (c->wbits - 1)) - 1; }
static int xhi(const dsp_pack_cfg *c) { return (1 << c->abits) - 1; }

/* Operand value: extremes a quarter of the time each way, else uniform. */
static int pick(int lo, int hi)
{
    uint32_t r = rnd() % 8;
    if (r == 0)
        return lo;
    if (r == 1)
        return hi;
    return lo + (int)(rnd() % (uint32_t)(hi - lo + 1));
}

static int same(const dsp_pack_cfg *c, const int *w, const int *x)
{
    int64_t f1[DSP_PACK_FIELDS], f2[DSP_PACK_FIELDS];
    dsp_pack_compute(c, w, x, f1);
    dsp_pack_reference(c, w, x, f2);
    return memcmp(f1, f2, sizeof *f1 * (size_t)dsp_pack_nfields(c)) == 0;
}

/* Corner operand sets: every weight at min (or max), every activation at max. */
static void corner(const dsp_pack_cfg *c, int which, int *w, int *x)
{
    for (int i = 0; i < c->n_acc * c->kp; i++)
        w[i] = which ? whi(c) : wlo(c);
    for (int j = 0; j < c->n_acc * c->np; j++)
        x[j] = xhi(c);
}

static int n_ok, n_rejected_shown;

static void exercise(dsp_pack_cfg c, int trials)
{
    int w[4096 * 2], x[4096 * 2];
    int g = dsp_pack_min_gb(&c);
    if (g == -999)
        return; /* nothing fits these ports */
    c.gb = g;
    tf_err e;
    assert_int_equal(dsp_pack_check(&c, &e), 0);
    for (int k = 0; k < 2; k++) {
        corner(&c, k, w, x);
        if (!same(&c, w, x))
            fail_msg("corner %d wrong: w%d a%d kp%d np%d gb%d acc%d mode %d", k, c.wbits, c.abits, c.kp, c.np, c.gb,
                     c.n_acc, c.mode);
    }
    for (int t = 0; t < trials; t++) {
        for (int i = 0; i < c.n_acc * c.kp; i++)
            w[i] = pick(wlo(&c), whi(&c));
        for (int j = 0; j < c.n_acc * c.np; j++)
            x[j] = pick(0, xhi(&c));
        if (!same(&c, w, x))
            fail_msg("random trial wrong: w%d a%d kp%d np%d gb%d acc%d", c.wbits, c.abits, c.kp, c.np, c.gb, c.n_acc);
    }
    n_ok++;
    /* One guard bit fewer must be rejected, and a corner must then really go wrong. */
    dsp_pack_cfg lower = c;
    lower.gb = g - 1;
    if (lower.gb < -(c.wbits + c.abits - 1))
        return;
    assert_int_not_equal(dsp_pack_check(&lower, &e), 0);
    int wrong = 0;
    for (int k = 0; k < 2; k++) {
        corner(&lower, k, w, x);
        wrong += !same(&lower, w, x);
    }
    if (!wrong)
        fail_msg("gb %d rejected (%s) but both corners are exact: w%d a%d kp%d np%d acc%d", lower.gb, e.msg,
                 c.wbits, c.abits, c.kp, c.np, c.n_acc);
    n_rejected_shown++;
}

static void test_filter_packing_all(void **s)
{
    (void)s;
    n_ok = n_rejected_shown = 0;
    static const dsp_kind kinds[] = {DSP48E2, DSP48E1};
    for (int dk = 0; dk < 2; dk++) {
        int wide, narrow, pb;
        dsp_pack_ports(kinds[dk], &wide, &narrow, &pb);
        for (int swap = 0; swap < 2; swap++)
            for (int wb = 2; wb <= 8; wb++)
                for (int ab = 1; ab <= 8; ab++)
                    for (int kp = 1; kp <= 3; kp++)
                        for (int np = 1; np <= 4; np++)
                            for (int acc = 1; acc <= 4; acc *= 4)
                                for (int sym = 0; sym < 2; sym++) {
                                    dsp_pack_cfg c = {.wport = swap ? narrow : wide, .aport = swap ? wide : narrow,
                                                      .pbits = pb, .wbits = wb, .abits = ab, .kp = kp, .np = np,
                                                      .n_acc = acc, .wsym = sym, .mode = DSP_PACK_FP};
                                    exercise(c, 40);
                                }
    }
    print_message("filter packing: %d configurations exact (random + corners), %d one-guard-bit-lower "
                  "rejections shown to overflow\n", n_ok, n_rejected_shown);
    assert_true(n_ok > 500);
}

static void test_kernel_packing_all(void **s)
{
    (void)s;
    n_ok = n_rejected_shown = 0;
    for (int wb = 2; wb <= 8; wb++)
        for (int ab = 1; ab <= 8; ab++)
            for (int kp = 1; kp <= 4; kp++)
                for (int np = 1; np <= 2; np++)
                    for (int acc = 1; acc <= 16; acc *= 4) {
                        dsp_pack_cfg c = {.wport = 27, .aport = 18, .pbits = 48, .wbits = wb, .abits = ab, .kp = kp,
                                          .np = np, .n_acc = acc, .mode = DSP_PACK_KP};
                        exercise(c, 40);
                    }
    print_message("kernel packing: %d configurations exact, %d rejections shown to overflow\n", n_ok,
                  n_rejected_shown);
    assert_true(n_ok > 100);
}

/* iSmart conv1..7 (FORMAT.md): 3 weights at 11-bit spacing x 2 pixels, 4 products summed
 * before the split: w4a4, gb 3 on 27x18 is exact; gb 2 is not. Exhaustive over one product. */
static void test_ismart_w4a4(void **s)
{
    (void)s;
    dsp_pack_cfg c = {.wport = 27, .aport = 18, .pbits = 48, .wbits = 4, .abits = 4, .kp = 3, .np = 2, .gb = 3,
                      .n_acc = 4, .mode = DSP_PACK_FP};
    tf_err e;
    assert_int_equal(dsp_pack_check(&c, &e), 0);
    assert_int_equal(dsp_pack_spacing(&c), 11);
    assert_int_equal(dsp_pack_min_gb(&c), 3);
    /* Exhaustive: all 16^3 weight triples x all 16^2 pixel pairs, one product (n_acc 1). */
    dsp_pack_cfg one = c;
    one.n_acc = 1;
    long bad = 0;
    int w[3], x[2];
    for (int a = 0; a < 4096; a++) {
        w[0] = (a & 15) - 8, w[1] = ((a >> 4) & 15) - 8, w[2] = ((a >> 8) & 15) - 8;
        for (int b = 0; b < 256; b++) {
            x[0] = b & 15, x[1] = b >> 4;
            bad += !same(&one, w, x);
        }
    }
    assert_int_equal(bad, 0);
    c.gb = 2;
    assert_int_not_equal(dsp_pack_check(&c, &e), 0);
    assert_non_null(strstr(e.msg, "guard bits 2 too few"));
    /* Kernel packing of conv0 (8-bit weights, 8-bit pixels, two filters per DSP). */
    dsp_pack_cfg k0 = {.wport = 27, .aport = 18, .pbits = 48, .wbits = 8, .abits = 8, .kp = 2, .np = 1,
                       .n_acc = 1, .mode = DSP_PACK_KP};
    k0.gb = dsp_pack_min_gb(&k0);
    assert_int_equal(k0.gb, 0);
    for (int w0 = -128; w0 < 128; w0++)
        for (int w1 = -128; w1 < 128; w1 += 3)
            for (int p = 0; p < 256; p += 5) {
                int ww[2] = {w0, w1}, xx[1] = {p};
                if (!same(&k0, ww, xx))
                    fail_msg("conv0 kernel packing wrong at %d %d %d", w0, w1, p);
            }
}

/* Operand and port checks reject nonsense; dsp_fp_search's own choices are reported. */
static void test_rejects_and_fp_search(void **s)
{
    (void)s;
    tf_err e;
    dsp_pack_cfg c = {.wport = 27, .aport = 18, .pbits = 48, .wbits = 9, .abits = 4, .kp = 1, .np = 1, .n_acc = 1};
    assert_int_not_equal(dsp_pack_check(&c, &e), 0);
    assert_non_null(strstr(e.msg, "weight bits 9"));
    c.wbits = 4;
    c.abits = 0;
    assert_int_not_equal(dsp_pack_check(&c, &e), 0);
    c.abits = 4;
    c.kp = 3;
    c.np = 3;
    c.gb = 3;
    assert_int_not_equal(dsp_pack_check(&c, &e), 0); /* 3 pixels at 11 bits need 26 bits > 18 */
    assert_non_null(strstr(e.msg, "activation pack"));
    int exact = 0, total = 0;
    for (int wb = 2; wb <= 8; wb++)
        for (int ab = 2; ab <= 8; ab++) {
            int kp, np, gb;
            dsp_fp_search(27, 18, wb, ab, 3, &kp, &np, &gb);
            if (kp == 1 && np == 1)
                continue;
            total++;
            for (int swap = 0; swap < 2; swap++) {
                dsp_pack_cfg f = {.wport = swap ? 18 : 27, .aport = swap ? 27 : 18, .pbits = 48, .wbits = wb,
                                  .abits = ab, .kp = kp, .np = np, .gb = gb, .n_acc = 1, .mode = DSP_PACK_FP};
                if (dsp_pack_check(&f, NULL) == 0) {
                    exact++;
                    break;
                }
            }
        }
    /* Made exact: every (w, a) gets an exact packing, the search's own Kp x Np where a guard
     * width allows it; it computes exactly and keeps throughput >= 1. */
    int kept = 0, replaced = 0;
    for (int wb = 2; wb <= 8; wb++)
        for (int ab = 2; ab <= 8; ab++) {
            dsp_pack_cfg f;
            int r = dsp_pack_from_search(DSP48E2, wb, ab, 3, 1, &f);
            assert_true(r == 0 || r == 1);
            kept += r == 0;
            replaced += r == 1;
            assert_int_equal(dsp_pack_check(&f, NULL), 0);
            assert_true(dsp_pack_throughput(&f, 3) >= 1.0);
            int w[DSP_PACK_MAX], x[DSP_PACK_MAX];
            for (int t = 0; t < 50; t++) {
                for (int i = 0; i < f.kp; i++)
                    w[i] = pick(wlo(&f), whi(&f));
                for (int j = 0; j < f.np; j++)
                    x[j] = pick(0, xhi(&f));
                assert_true(same(&f, w, x));
            }
        }
    print_message("dsp_pack_from_search (27x18, K=3): %d (w, a) keep the search's Kp x Np with exact guard bits, "
                  "%d need a smaller exact packing\n", kept, replaced);
    dsp_pack_cfg is;
    assert_int_equal(dsp_pack_from_search(DSP48E2, 4, 4, 3, 4, &is), 0); /* iSmart: 3 x 2, gb 3, 4 summed */
    assert_int_equal(is.kp, 3);
    assert_int_equal(is.np, 2);
    assert_int_equal(is.gb, 3);
    print_message("dsp_fp_search (27x18, K=3): %d of %d packed choices are exact for worst-case operands as given "
                  "(the others count on the NAS model's overlapped guard bit)\n", exact, total);
    assert_true(exact > 0);
}

/* A packed row correlation equals the plain one for every exact configuration tried. */
static void test_fp_correlate(void **s)
{
    (void)s;
    int checked = 0;
    for (int K = 1; K <= 5; K++)
        for (int np = 1; np <= 3; np++)
            for (int acc = 1; acc <= 8; acc *= 2) {
                dsp_pack_cfg c = {.wport = 27, .aport = 18, .pbits = 48, .wbits = 3, .abits = 3, .kp = K,
                                  .np = np, .n_acc = acc, .mode = DSP_PACK_FP};
                int g = dsp_pack_min_gb(&c);
                if (g == -999)
                    continue;
                c.gb = g;
                enum { C = 11, N = 17 };
                int w[C * 5], rows[C][N + 4];
                const int *xr[C];
                for (int i = 0; i < C * K; i++)
                    w[i] = pick(wlo(&c), whi(&c));
                for (int ch = 0; ch < C; ch++) {
                    for (int j = 0; j < N + K - 1; j++)
                        rows[ch][j] = pick(0, xhi(&c));
                    xr[ch] = rows[ch];
                }
                int64_t out[N];
                dsp_fp_correlate(&c, C, w, xr, N, out);
                for (int t = 0; t < N; t++) {
                    int64_t ref = 0;
                    for (int ch = 0; ch < C; ch++)
                        for (int kx = 0; kx < K; kx++)
                            ref += (int64_t)w[ch * K + kx] * rows[ch][t + kx];
                    assert_int_equal(out[t], ref);
                }
                checked++;
            }
    print_message("packed row correlation: %d (K, Np, accumulation) configurations exact\n", checked);
    assert_true(checked > 20);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ismart_w4a4),
        cmocka_unit_test(test_filter_packing_all),
        cmocka_unit_test(test_kernel_packing_all),
        cmocka_unit_test(test_rejects_and_fp_search),
        cmocka_unit_test(test_fp_correlate),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
