/* test_numerics_mixq.c: MixQ integer ops against plain nested-loop definitions — conv with
 * stride, padding, groups and depthwise; fc; requant rounding and clipping; maxpool; reorg;
 * concat scale alignment. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "numerics/numerics_mixq.h"

static uint32_t seed = 12345;
static int rnd(int lo, int hi)
{
    seed = seed * 1103515245u + 12345u;
    return lo + (int)((seed >> 8) % (uint32_t)(hi - lo + 1));
}

static layer mk_conv(int cin, int h, int w, int cout, int k, int s, int p, int g)
{
    layer l;
    memset(&l, 0, sizeof l);
    strcpy(l.name, "t");
    l.op = OP_CONV;
    l.cin = cin, l.hin = h, l.win = w, l.cout = cout, l.k = k, l.stride = s, l.pad = p, l.groups = g;
    l.hout = (h + 2 * p - k) / s + 1;
    l.wout = (w + 2 * p - k) / s + 1;
    return l;
}

static void conv_case(int cin, int h, int w, int cout, int k, int s, int p, int g)
{
    layer l = mk_conv(cin, h, w, cout, k, s, p, g);
    tensor in = {0}, acc = {0};
    tf_err e;
    assert_int_equal(tensor_alloc(&in, cin, h, w, &e), 0);
    for (size_t i = 0; i < tensor_size(&in); i++)
        in.d[i] = rnd(0, 255);
    int cpg = cin / g, opg = cout / g;
    size_t nw = (size_t)cout * cpg * k * k;
    int32_t *wt = malloc(nw * sizeof *wt);
    for (size_t i = 0; i < nw; i++)
        wt[i] = rnd(-128, 127);
    assert_int_equal(mixq_conv_acc(&l, &in, wt, &acc, &e), 0);
    assert_int_equal(acc.c, cout);
    assert_int_equal(acc.h, l.hout);
    assert_int_equal(acc.w, l.wout);
    for (int o = 0; o < cout; o++)
        for (int y = 0; y < l.hout; y++)
            for (int x = 0; x < l.wout; x++) {
                int64_t sum = 0;
                int grp = o / opg;
                for (int ci = 0; ci < cpg; ci++)
                    for (int ky = 0; ky < k; ky++)
                        for (int kx = 0; kx < k; kx++) {
                            int iy = y * s - p + ky, ix = x * s - p + kx;
                            if (iy < 0 || iy >= h || ix < 0 || ix >= w)
                                continue;
                            sum += (int64_t)wt[((size_t)o * cpg + ci) * k * k + ky * k + kx] *
                                   *tensor_at(&in, grp * cpg + ci, iy, ix);
                        }
                assert_int_equal(*tensor_at(&acc, o, y, x), sum);
            }
    free(wt);
    tensor_free(&in);
    tensor_free(&acc);
}

static void test_conv_variants(void **st)
{
    (void)st;
    conv_case(3, 7, 9, 5, 3, 1, 1, 1);   /* plain 3x3 */
    conv_case(4, 7, 9, 6, 3, 2, 1, 1);   /* stride 2 */
    conv_case(4, 8, 8, 4, 3, 1, 1, 4);   /* depthwise */
    conv_case(6, 9, 7, 6, 3, 2, 1, 6);   /* depthwise stride 2 */
    conv_case(4, 6, 6, 8, 3, 1, 0, 2);   /* grouped, no pad */
    conv_case(3, 11, 13, 4, 5, 2, 2, 1); /* 5x5 s2 */
    conv_case(5, 4, 6, 3, 1, 1, 0, 1);   /* 1x1 */
    conv_case(2, 12, 12, 3, 7, 3, 3, 1); /* 7x7 s3 */
}

static void test_fc(void **st)
{
    (void)st;
    layer l;
    memset(&l, 0, sizeof l);
    l.op = OP_FC, l.cin = 2, l.hin = 3, l.win = 2, l.cout = 4, l.hout = l.wout = 1;
    tensor in = {0}, acc = {0};
    tf_err e;
    tensor_alloc(&in, 2, 3, 2, &e);
    int32_t w[4 * 12];
    for (int i = 0; i < 12; i++)
        in.d[i] = i;
    for (int i = 0; i < 48; i++)
        w[i] = (i % 7) - 3;
    assert_int_equal(mixq_conv_acc(&l, &in, w, &acc, &e), 0);
    for (int o = 0; o < 4; o++) {
        int s = 0;
        for (int i = 0; i < 12; i++)
            s += w[o * 12 + i] * i;
        assert_int_equal(acc.d[o], s);
    }
    tensor_free(&in);
    tensor_free(&acc);
}

static void test_requant(void **st)
{
    (void)st;
    /* T = 15: ties round up, negatives clip to 0, the top clips to 2^obit-1. */
    assert_int_equal(mixq_requant1(0, 1, (int64_t)1 << 14, 15, 15), 1);        /* exactly 0.5 -> 1 */
    assert_int_equal(mixq_requant1(0, 1, ((int64_t)1 << 14) - 1, 15, 15), 0);  /* just below */
    assert_int_equal(mixq_requant1(3, 1 << 15, 0, 15, 15), 3);
    assert_int_equal(mixq_requant1(100, 1 << 15, 0, 15, 15), 15);
    assert_int_equal(mixq_requant1(-100, 1 << 15, 0, 15, 15), 0);
    assert_int_equal(mixq_requant1(-1, 1 << 14, 0, 15, 15), 0);                /* -0.5 -> floor(0) = 0 */
    assert_int_equal(mixq_requant1(5, 3, 7, 1, 255), (5 * 3 + 7 + 1) >> 1);
    assert_int_equal(mixq_requant1(1000, 1, 0, 0, 255), 255);
    assert_int_equal(mixq_bn_shift(4, 8, 8), 19);
    assert_int_equal(mixq_bn_shift(8, 8, 8), 23);
    assert_int_equal(mixq_bn_shift(4, 4, 8), 15);
    assert_int_equal(mixq_wmax(4), 7);
    assert_int_equal(mixq_wmax(8), 127);
}

static void test_pool_reorg_concat(void **st)
{
    (void)st;
    tf_err e;
    layer l;
    memset(&l, 0, sizeof l);
    l.op = OP_MAXPOOL, l.cin = l.cout = 2, l.hin = 5, l.win = 5, l.k = 3, l.stride = 2, l.pad = 1;
    l.hout = l.wout = 3;
    tensor in = {0}, out = {0};
    tensor_alloc(&in, 2, 5, 5, &e);
    for (size_t i = 0; i < tensor_size(&in); i++)
        in.d[i] = rnd(0, 15);
    assert_int_equal(mixq_maxpool(&l, &in, &out, &e), 0);
    for (int c = 0; c < 2; c++)
        for (int y = 0; y < 3; y++)
            for (int x = 0; x < 3; x++) {
                int m = -1;
                for (int iy = 2 * y - 1; iy <= 2 * y + 1; iy++)
                    for (int ix = 2 * x - 1; ix <= 2 * x + 1; ix++)
                        if (iy >= 0 && iy < 5 && ix >= 0 && ix < 5 && *tensor_at(&in, c, iy, ix) > m)
                            m = *tensor_at(&in, c, iy, ix);
                assert_int_equal(*tensor_at(&out, c, y, x), m);
            }
    /* reorg 2: 3x4x6 -> 12x2x3 */
    layer r;
    memset(&r, 0, sizeof r);
    r.op = OP_REORG, r.stride = 2;
    tensor a = {0}, ro = {0};
    tensor_alloc(&a, 3, 4, 6, &e);
    for (size_t i = 0; i < tensor_size(&a); i++)
        a.d[i] = (int32_t)i;
    assert_int_equal(mixq_reorg(&r, &a, &ro, &e), 0);
    assert_int_equal(ro.c, 12);
    assert_int_equal(ro.h, 2);
    assert_int_equal(ro.w, 3);
    assert_int_equal(*tensor_at(&ro, (1 * 2 + 1) * 3 + 2, 1, 2), *tensor_at(&a, 2, 3, 5));
    assert_int_equal(*tensor_at(&ro, 1, 0, 1), *tensor_at(&a, 1, 0, 2));
    /* concat: a 2-bit input joins 4-bit codes shifted by 2; an 8-bit one rounds down to 4 */
    tensor p = {0}, q = {0}, z = {0}, cat = {0};
    tensor_alloc(&p, 1, 1, 2, &e);
    tensor_alloc(&q, 1, 1, 2, &e);
    tensor_alloc(&z, 1, 1, 2, &e);
    p.d[0] = 3, p.d[1] = 1, q.d[0] = 9, q.d[1] = 15, z.d[0] = 200, z.d[1] = 7;
    const tensor *ins[3] = {&p, &q, &z};
    int bits[3] = {2, 4, 8};
    assert_int_equal(mixq_concat(ins, bits, NULL, 3, 4, &cat, &e), 0);
    assert_int_equal(cat.c, 3);
    assert_int_equal(cat.d[0], 12);
    assert_int_equal(cat.d[1], 4);
    assert_int_equal(cat.d[2], 9);
    assert_int_equal(cat.d[4], (200 + 8) >> 4);
    assert_int_equal(cat.d[5], 0);
    /* with step ratios (APN bypass): round(code * ratio), clipped to the output's range */
    double ratio[3] = {2.5, 1.0, 0.1};
    int bits4[3] = {4, 4, 4};
    assert_int_equal(mixq_concat(ins, bits4, ratio, 3, 4, &cat, &e), 0);
    assert_int_equal(cat.d[0], 8);   /* 3 * 2.5 = 7.5 -> 8 (half to even) */
    assert_int_equal(cat.d[1], 2);   /* 2.5 -> 2 */
    assert_int_equal(cat.d[3], 15);
    assert_int_equal(cat.d[4], 15);  /* 20 clipped */
    assert_int_equal(cat.d[5], 1);   /* 0.7 -> 1 */
    tensor_free(&in), tensor_free(&out), tensor_free(&a), tensor_free(&ro);
    tensor_free(&p), tensor_free(&q), tensor_free(&z), tensor_free(&cat);
}

static void test_shape_errors(void **st)
{
    (void)st;
    layer l = mk_conv(3, 8, 8, 4, 3, 1, 1, 1);
    tensor in = {0}, acc = {0};
    tf_err e;
    tensor_alloc(&in, 4, 8, 8, &e);
    int32_t w[4 * 3 * 9] = {0};
    assert_int_equal(mixq_conv_acc(&l, &in, w, &acc, &e), -1);
    assert_non_null(strstr(e.msg, "input is 4x8x8, expected 3x8x8"));
    tensor_free(&in);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv_variants), cmocka_unit_test(test_fc),
        cmocka_unit_test(test_requant),       cmocka_unit_test(test_pool_reorg_concat),
        cmocka_unit_test(test_shape_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
