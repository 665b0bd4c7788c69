/* test_numerics_tf2.c: TF2 arithmetic — INQ rounding and partition, 4-bit codes and their
 * 16-bit packing (round trips), the on-chip weight byte and SAC, the output stage, feature
 * Q calibration, residual add, global average pool, and a whole conv against its real-
 * valued definition. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "numerics/numerics_tf2.h"

static uint32_t seed = 777;
static double urand(void)
{
    seed = seed * 1664525u + 1013904223u;
    return (seed >> 8) / 16777216.0;
}

static void test_inq_rounding(void **st)
{
    (void)st;
    float w[4] = {0.3f, -0.1f, 0.01f, 0.0f};
    int me = tf2_inq_max_exp(w, 4);
    assert_int_equal(me, -2); /* floor(log2(0.4)) */
    assert_true(tf2_inq_quantize1(0.3f, me) == 0.25f);
    assert_true(tf2_inq_quantize1(-0.1f, me) == -0.125f); /* 4*0.1/3 = 0.133 -> 2^-3 */
    /* The boundary between 2^(k-1) and 2^k is 0.75 * 2^k. */
    assert_true(tf2_inq_quantize1(0.75f * 0.125f, me) == 0.125f);
    assert_true(tf2_inq_quantize1(0.7499f * 0.125f, me) == 0.0625f);
    /* Seven magnitudes: 2^-2 .. 2^-8; below 0.75 * 2^-8 is zero. */
    assert_true(tf2_inq_quantize1(0.76f * ldexpf(1, -8), me) == ldexpf(1, -8));
    assert_true(tf2_inq_quantize1(0.74f * ldexpf(1, -8), me) == 0.0f);
    assert_true(tf2_inq_quantize1(0.0f, me) == 0.0f);
    assert_int_equal(tf2_inq_max_exp((float[]){0, 0}, 2), INT_MIN);
    /* Partition: portions 0.3, 0.6, 0.8, 0.9, 1.0 freeze the largest first, all in the end. */
    enum { N = 1000 };
    float v[N];
    unsigned char mask[N];
    for (int i = 0; i < N; i++) {
        v[i] = (float)((urand() - 0.5) * 0.2);
        mask[i] = 1;
    }
    int mx = tf2_inq_max_exp(v, N);
    double por[] = {0.0, 0.3, 0.6, 0.8, 0.9, 1.0};
    size_t total = 0;
    for (int s = 1; s < 6; s++) {
        size_t f = tf2_inq_partition(v, mask, N, por[s - 1], por[s], mx);
        total += f;
        assert_true(fabs((double)total - por[s] * N) <= 2);
    }
    assert_int_equal(total, N);
    for (int i = 0; i < N; i++)
        assert_true(v[i] == tf2_inq_quantize1(v[i], mx)); /* all on the grid now */
}

static void test_codes_roundtrip(void **st)
{
    (void)st;
    for (int me = -10; me <= 2; me++)
        for (int code = 0; code < 15; code++) {
            float v = tf2_code_decode(code, me);
            assert_int_equal(tf2_code_encode(v, me), code);
        }
    assert_true(isnan(tf2_code_decode(TF2_CODE_NA, -6)));
    /* The documented codebook for min_exp -6: 0000 = -2^-6, 0110 = -2^0, 1110 = +2^0. */
    assert_true(tf2_code_decode(0x0, -6) == -ldexpf(1, -6));
    assert_true(tf2_code_decode(0x6, -6) == -1.0f);
    assert_true(tf2_code_decode(0x8, -6) == ldexpf(1, -6));
    assert_true(tf2_code_decode(0xE, -6) == 1.0f);
    assert_true(tf2_code_decode(0x7, -6) == 0.0f);
    assert_int_equal(tf2_code_encode(0.3f, -6), -1);    /* not a power of two */
    assert_int_equal(tf2_code_encode(2.0f, -6), -1);    /* above 2^0 */
    assert_int_equal(tf2_code_encode(ldexpf(1, -7), -6), -1);

    /* INQ-quantised kernels of every size -> codes -> words -> codes -> values. */
    static const int ks[] = {1, 2, 3, 5, 7};
    static const size_t words_per_kernel[] = {0, 2, 3, 10, 21};
    for (size_t t = 0; t < 5; t++) {
        int k = ks[t], nf = 13;
        size_t n = (size_t)nf * k * k;
        float *w = malloc(n * sizeof *w), *q = malloc(n * sizeof *q);
        uint8_t *codes = malloc(n), *back = malloc(n);
        uint16_t *words = malloc((n + 4) * sizeof *words);
        for (size_t i = 0; i < n; i++)
            w[i] = (float)((urand() - 0.5) * 0.5);
        int mx = tf2_inq_max_exp(w, n);
        tf2_inq_quantize(w, n, mx, q);
        for (size_t i = 0; i < n; i++) {
            int c = tf2_code_encode(q[i], mx - 6);
            assert_true(c >= 0 && c < 15);
            codes[i] = (uint8_t)c;
        }
        size_t nw = tf2_pack_codes(codes, k == 1 ? (int)n : nf, k, words);
        assert_int_equal(nw, tf2_pack_codes(codes, k == 1 ? (int)n : nf, k, NULL));
        /* Counting needs no codes: callers size the buffer before they have any. */
        assert_int_equal(nw, tf2_pack_codes(NULL, k == 1 ? (int)n : nf, k, NULL));
        if (k == 1)
            assert_int_equal(nw, (n + 3) / 4); /* four per word */
        else
            assert_int_equal(nw, words_per_kernel[t] * (size_t)nf);
        if (k == 3)
            for (size_t i = 0; i < nw; i++)
                assert_int_equal(words[i] >> 12, 0xF); /* top nibble unused */
        memset(back, 0xEE, n);
        assert_int_equal(tf2_unpack_codes(words, nw, k == 1 ? (int)n : nf, k, back), nw);
        assert_memory_equal(codes, back, n);
        for (size_t i = 0; i < n; i++)
            assert_true(tf2_code_decode(back[i], mx - 6) == q[i]);
        /* Too few words, or an N/A where a weight belongs, is refused. */
        assert_int_equal(tf2_unpack_codes(words, nw - 1, k == 1 ? (int)n : nf, k, back), 0);
        words[0] |= 0xF;
        assert_int_equal(tf2_unpack_codes(words, nw, k == 1 ? (int)n : nf, k, back), 0);
        free(w), free(q), free(codes), free(back), free(words);
    }
    /* Four codes per 16-bit word, first code in the low nibble. */
    uint8_t c4[4] = {0x1, 0x7, 0x9, 0xE};
    uint16_t wd;
    assert_int_equal(tf2_pack_codes(c4, 4, 1, &wd), 1);
    assert_int_equal(wd, 0xE971);
}

static void test_weight_byte_sac(void **st)
{
    (void)st;
    assert_int_equal(tf2_weight_byte(0.0f, 0, 0), 0x40);
    assert_int_equal(tf2_weight_byte(5e-6f, 0, 0), 0x40);
    assert_int_equal(tf2_weight_byte(-0.25f, 0, 0), 0x80 | 13);       /* 15 - 2 */
    assert_int_equal(tf2_weight_byte(0.25f, 3, 5), 15);               /* 15 + 5 - 3 - 2 */
    assert_int_equal(tf2_weight_byte(0.2501f, 0, 0), 13);             /* within 1% */
    assert_int_equal(tf2_weight_byte(0.3f, 0, 0), 15);                /* no match: treated as ±1 */
    assert_int_equal(tf2_weight_byte(ldexpf(1, -10), 10, 0), 0);      /* s < 0 clamps to 0, not zero */
    assert_int_equal(tf2_weight_byte(-ldexpf(1, -10), 10, 0), 0x80);
    assert_int_equal(tf2_sac(-5, 0x80 | 3), 40);
    assert_int_equal(tf2_sac(-5, 3), -40);
    assert_int_equal(tf2_sac(127, 0x40), 0);
    assert_int_equal(tf2_sac(127, 0x40 | 0x80 | 5), 0);
    assert_int_equal(tf2_sac(-128, 20), -128 * (1 << 20));
}

static void test_output_stage(void **st)
{
    (void)st;
    tf2_out_params p = tf2_out_params_make(0, false, 0, 0, 0, 0, 1, 0);
    assert_int_equal(p.alpha_int, 1 << 20);
    assert_int_equal(tf2_output(5 << 15, &p, false), 5);
    assert_int_equal(tf2_output((5 << 15) + (1 << 14), &p, false), 6);        /* half rounds up */
    assert_int_equal(tf2_output((5 << 15) + (1 << 14) - 1, &p, false), 5);
    assert_int_equal(tf2_output(-(5 << 15) - (1 << 14), &p, false), -5);      /* -5.5 -> -5 (half up) */
    assert_int_equal(tf2_output(300 << 15, &p, false), 127);
    assert_int_equal(tf2_output(-300 * 32768, &p, false), -128);
    assert_int_equal(tf2_output(-3 * 32768, &p, true), 0);                      /* ReLU after saturation */
    /* BN: a = 2 / sqrt(3/1 + 1e-5), b = 1 - a * 0.5; bias 0.25 at Q_out = 2 */
    tf2_out_params q = tf2_out_params_make(0.25, true, 2.0, 1.0, 0.5, 3.0, 1.0, 2);
    double a = 2.0 / sqrt(3.0 + 1e-5), b = 1.0 - a * 0.5;
    assert_int_equal(q.bias_int, (int32_t)(0.25 * (1 << 17)));
    assert_int_equal(q.alpha_int, (int32_t)(a * (1 << 20)));
    assert_int_equal(q.beta_int, (int32_t)round(b * (1 << 17)));
    int32_t acc = q.bias_int + 3 * (1 << 17); /* real (0.25 + 3) */
    int expect = (int)floor((0.25 + 3) * a * 4 + b * 4 + 0.5);
    assert_true(abs(tf2_output(acc, &q, false) - expect) <= 1);
}

static void test_feature_q(void **st)
{
    (void)st;
    assert_int_equal(tf2_q_channel(0, 1.0), 6);     /* round(log2 127) = 7 overflows: 6 */
    assert_int_equal(tf2_q_channel(-1.0, 0.5), 7);  /* -128 fits */
    assert_int_equal(tf2_q_channel(0, 300), -2);    /* floor(log2 0.42) */
    assert_int_equal(tf2_q_channel(0, 0), INT_MIN);
    /* Layer clamp toward the mean: Qs 6, 2, 1, -1 (mean 2): 6 -> floor(2) = 2, -1 -> ceil(2) = 2. */
    double mn[4] = {0, 0, 0, 0}, mxv[4] = {1.0, 16.0, 40.0, 200.0};
    int q[4];
    tf2_q_layer(mn, mxv, 4, q);
    assert_int_equal(q[0], 2);
    assert_int_equal(q[1], 2);
    assert_int_equal(q[2], 2 - 1);
    assert_int_equal(q[3], 2); /* Q < 0 and below the mean -> ceil(mean): the rule as coded upstream */
    assert_int_equal(tf2_quantize_feature(0.5, 3), 4);
    assert_int_equal(tf2_quantize_feature(-0.5625, 3), -5); /* -4.5 -> away from zero */
    assert_int_equal(tf2_quantize_feature(100.0, 3), 127);
}

static void test_add_gap(void **st)
{
    (void)st;
    tf_err e;
    tensor a = {0}, b = {0}, o = {0};
    tensor_alloc(&a, 1, 7, 7, &e);
    tensor_alloc(&b, 1, 7, 7, &e);
    for (int i = 0; i < 49; i++) {
        a.d[i] = 10;
        b.d[i] = i == 0 ? 120 : (i == 1 ? -120 : -20);
    }
    assert_int_equal(tf2_add(&a, &b, false, &o, &e), 0);
    assert_int_equal(o.d[0], 127);
    assert_int_equal(o.d[1], -110);
    assert_int_equal(o.d[2], -10);
    assert_int_equal(tf2_add(&a, &b, true, &o, &e), 0);
    assert_int_equal(o.d[2], 0);
    assert_int_equal(tf2_gap_mult(49), 669);
    assert_int_equal(tf2_gap(&a, &o, &e), 0);
    assert_int_equal(o.d[0], 10); /* (((490*669) >> 14) + 1) >> 1 */
    for (int i = 0; i < 49; i++)
        a.d[i] = i % 2 ? 127 : -128;
    assert_int_equal(tf2_gap(&a, &o, &e), 0);
    int64_t s = 24 * 127 - 25 * 128;
    assert_int_equal(o.d[0], (int32_t)((((s * 669) >> 14) + 1) >> 1));
    tensor_free(&a), tensor_free(&b), tensor_free(&o);
}

/* A whole conv: with power-of-two weights and per-channel Q, the shift folding is exact:
 * out = round_half_up(2^Q_out * sum w * x / 2^Q_in[c]) saturated. */
static void test_conv_vs_real(void **st)
{
    (void)st;
    layer l;
    memset(&l, 0, sizeof l);
    l.op = OP_CONV, l.cin = 5, l.hin = 6, l.win = 7, l.cout = 4, l.k = 3, l.stride = 1, l.pad = 1, l.groups = 1;
    l.hout = 6, l.wout = 7;
    tf_err e;
    tensor in = {0}, out = {0};
    tensor_alloc(&in, 5, 6, 7, &e);
    int qin[5] = {3, 4, 2, 5, 3}, qout[4] = {2, 3, 1, 4};
    for (size_t i = 0; i < tensor_size(&in); i++)
        in.d[i] = (int)(urand() * 256) - 128;
    size_t nw = 4 * 5 * 9;
    float *w = malloc(nw * sizeof *w), *wq = malloc(nw * sizeof *wq);
    uint8_t *wb = malloc(nw);
    for (size_t i = 0; i < nw; i++)
        w[i] = (float)((urand() - 0.5) * 0.4);
    int mx = tf2_inq_max_exp(w, nw);
    tf2_inq_quantize(w, nw, mx, wq);
    for (int o = 0; o < 4; o++)
        for (int c = 0; c < 5; c++)
            for (int t = 0; t < 9; t++) {
                size_t i = ((size_t)o * 5 + c) * 9 + t;
                wb[i] = tf2_weight_byte(wq[i], qin[c], qout[o]);
            }
    tf2_out_params op[4];
    for (int o = 0; o < 4; o++)
        op[o] = tf2_out_params_make(0, false, 0, 0, 0, 0, 1, qout[o]);
    assert_int_equal(tf2_conv(&l, &in, wb, op, false, &out, &e), 0);
    for (int o = 0; o < 4; o++)
        for (int y = 0; y < 6; y++)
            for (int x = 0; x < 7; x++) {
                double s = 0;
                for (int c = 0; c < 5; c++)
                    for (int ky = 0; ky < 3; ky++)
                        for (int kx = 0; kx < 3; kx++) {
                            int iy = y - 1 + ky, ix = x - 1 + kx;
                            if (iy < 0 || iy >= 6 || ix < 0 || ix >= 7)
                                continue;
                            s += wq[((size_t)o * 5 + c) * 9 + ky * 3 + kx] * ldexp(*tensor_at(&in, c, iy, ix), -qin[c]);
                        }
                double v = floor(s * ldexp(1.0, qout[o]) + 0.5);
                v = v > 127 ? 127 : (v < -128 ? -128 : v);
                assert_int_equal(*tensor_at(&out, o, y, x), (int)v);
            }
    free(w), free(wq), free(wb);
    tensor_free(&in), tensor_free(&out);
}

/* The tiled SAC conv equals the per-element definition, incl. stride, groups and wrapping. */
static void test_conv_naive(void **st)
{
    (void)st;
    layer l;
    memset(&l, 0, sizeof l);
    l.op = OP_CONV, l.cin = 4, l.hin = 9, l.win = 7, l.cout = 6, l.k = 3, l.stride = 2, l.pad = 1, l.groups = 2;
    l.hout = 5, l.wout = 4;
    tf_err e;
    tensor in = {0}, out = {0};
    tensor_alloc(&in, 4, 9, 7, &e);
    for (size_t i = 0; i < tensor_size(&in); i++)
        in.d[i] = (int)(urand() * 256) - 128;
    uint8_t wb[6 * 2 * 9];
    for (size_t i = 0; i < sizeof wb; i++)
        wb[i] = (uint8_t)(urand() * 256); /* any byte: sign, zero flag, shifts up to 31 */
    tf2_out_params op[6];
    for (int o = 0; o < 6; o++)
        op[o] = (tf2_out_params){.bias_int = (int32_t)(urand() * 2e6) - 1000000, .alpha_int = 1 << 20, .beta_int = 0};
    assert_int_equal(tf2_conv(&l, &in, wb, op, true, &out, &e), 0);
    for (int o = 0; o < 6; o++)
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 4; x++) {
                uint32_t acc = (uint32_t)op[o].bias_int;
                for (int ci = 0; ci < 2; ci++)
                    for (int ky = 0; ky < 3; ky++)
                        for (int kx = 0; kx < 3; kx++) {
                            int iy = 2 * y - 1 + ky, ix = 2 * x - 1 + kx;
                            if (iy < 0 || iy >= 9 || ix < 0 || ix >= 7)
                                continue;
                            acc += (uint32_t)tf2_sac((int8_t)*tensor_at(&in, (o / 3) * 2 + ci, iy, ix),
                                                     wb[(o * 2 + ci) * 9 + ky * 3 + kx]);
                        }
                assert_int_equal(*tensor_at(&out, o, y, x), tf2_output((int32_t)acc, &op[o], true));
            }
    tensor_free(&in), tensor_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_inq_rounding),  cmocka_unit_test(test_codes_roundtrip),
        cmocka_unit_test(test_weight_byte_sac), cmocka_unit_test(test_output_stage),
        cmocka_unit_test(test_feature_q),     cmocka_unit_test(test_add_gap),
        cmocka_unit_test(test_conv_vs_real),  cmocka_unit_test(test_conv_naive),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
