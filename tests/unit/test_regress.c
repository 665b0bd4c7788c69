/* test_regress.c: the RTL regression's own logic, without the RTL — the case matrix, the
 * C cycle model on hand-computed cases, the SAC reference, and that a backend which is
 * off by one (in one output, or in cycles) makes the case fail. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "regress/regress.h"
#include "net/tensor.h"

static const char *shared(void)
{
    const char *s = getenv("TF2SIM_SHARED");
    return s && *s ? s : TF2SIM_SHARED_DIR;
}

static void test_matrix(void **state)
{
    (void)state;
    int n = regress_case_count(), k1 = 0, k3 = 0, k5 = 0, s2 = 0, dw = 0, sac = 0, pack = 0, nopack = 0, ultra = 0;
    int bits[9] = {0};
    assert_true(n >= 30);
    for (int i = 0; i < n; i++) {
        const regress_case *c = regress_case_at(i);
        cu_layer l = c->l;
        char err[256];
        if (cu_layer_derive(&l, err, sizeof err))
            fail_msg("%s: %s", c->name, err);
        assert_int_equal(regress_case_find(c->name), i); /* names unique */
        k1 += l.k == 1;
        k3 += l.k == 3;
        k5 += l.k == 5;
        s2 += l.stride == 2;
        dw += l.depthwise;
        sac += l.sac;
        pack += l.pack;
        nopack += !l.pack && !l.sac;
        ultra += c->src != RG_RANDOM;
        bits[c->wbits]++;
        bits[c->abits]++;
    }
    assert_true(k1 && k3 && k5 && s2 && dw && sac && pack && nopack);
    assert_int_equal(ultra, 4);
    for (int b = 2; b <= 8; b++)
        assert_true(bits[b] > 0);
    assert_int_equal(regress_case_find("no_such_case"), -1);
}

/* 4 channels, SIMD 4, PE 4, 2x2 input, 1x1 kernel: 2 control words per output row, one
 * input pixel per cycle. Row 0 arrives at edges 1-2, so output row 0 issues at 3-4; row 1
 * arrives at 3-4, output row 1 issues at 5-6; the last word leaves the pipeline at edge
 * 6 + 6 = 12. The C cycle-level model says 6 (its last control word), the RTL adds
 * REGRESS_PIPE_DEPTH. */
static void test_cycles_hand(void **state)
{
    (void)state;
    tf_err e;
    cu_layer l = {.cin = 4, .cout = 4, .h = 2, .w = 2, .k = 1, .stride = 1, .pad = 0, .simd = 4, .pe = 4};
    char err[256];
    assert_int_equal(cu_layer_derive(&l, err, sizeof err), 0);
    assert_int_equal(regress_expected_cycles(&l), 12);
    assert_int_equal(regress_cmodel_cycles(&l, &e) + REGRESS_PIPE_DEPTH, 12);
    /* 3x3, pad 1, 4x4, SIMD = cin: 9 words per output pixel, 36 per output row. Output row 0
     * needs input rows 0-1 (last pixel at edge 8), so rows issue at 9..44, 45..80, ...,
     * 117..152 (input never holds them up: 4 pixels a row); last word out at 152 + 6. */
    cu_layer m = {.cin = 4, .cout = 4, .h = 4, .w = 4, .k = 3, .stride = 1, .pad = 1, .simd = 4, .pe = 4};
    assert_int_equal(cu_layer_derive(&m, err, sizeof err), 0);
    assert_int_equal(regress_expected_cycles(&m), 158);
    assert_int_equal(regress_cmodel_cycles(&m, &e) + REGRESS_PIPE_DEPTH, 158);
    /* stride 2, 1x1, 4x4 input: a 3-row line buffer (K + stride) plus the 128-pixel input
     * FIFO, so nothing blocks: rows arrive at 1-4, 5-8, 9-12, 13-16. Output row 0 issues at
     * 5-6; output row 1 needs rows 0-2 (edge 13) and its last pixel the whole input (edge
     * 17): words at 13 and 17; last word out at 17 + 6 = 23. */
    cu_layer s = {.cin = 4, .cout = 4, .h = 4, .w = 4, .k = 1, .stride = 2, .pad = 0, .simd = 4, .pe = 4};
    assert_int_equal(cu_layer_derive(&s, err, sizeof err), 0);
    assert_int_equal(cu_linebuf_rows(&s), 3);
    assert_int_equal(regress_expected_cycles(&s), 23);
    assert_int_equal(regress_cmodel_cycles(&s, &e) + REGRESS_PIPE_DEPTH, 23);
}

/* Constrained-random cases are legal, cover the space, and the closed form agrees with
 * the cycle-level model on them too (including layers whose input blocks). */
static void test_random_cases(void **state)
{
    (void)state;
    int dw = 0, sac = 0, pack = 0, raw = 0, k5 = 0, s2 = 0;
    for (int i = 0; i < 600; i++) {
        regress_case c;
        tf_err e;
        assert_int_equal(regress_random_case(1 + (uint32_t)i % 3, i, &c), 0);
        cu_layer l = c.l;
        char err[256];
        if (cu_layer_derive(&l, err, sizeof err))
            fail_msg("%s: %s", c.name, err);
        dw += l.depthwise;
        sac += l.sac;
        pack += l.pack;
        raw += !l.requant;
        k5 += l.k == 5;
        s2 += l.stride == 2;
        uint64_t m = regress_cmodel_cycles(&l, &e);
        if (!m)
            fail_msg("%s: %s", c.name, e.msg);
        if (m + REGRESS_PIPE_DEPTH != regress_expected_cycles(&l))
            fail_msg("%s: model %llu + %d, closed form %llu", c.name, (unsigned long long)m, REGRESS_PIPE_DEPTH,
                     (unsigned long long)regress_expected_cycles(&l));
    }
    assert_true(dw > 30 && sac > 30 && pack > 30 && raw > 30 && k5 > 100 && s2 > 100);
}

/* The closed form and the cycle-level model agree on every case of the matrix. */
static void test_cycles_closed_vs_model(void **state)
{
    (void)state;
    for (int i = 0; i < regress_case_count(); i++) {
        const regress_case *c = regress_case_at(i);
        cu_layer l = c->l;
        char err[256];
        tf_err e;
        assert_int_equal(cu_layer_derive(&l, err, sizeof err), 0);
        uint64_t m = regress_cmodel_cycles(&l, &e);
        if (!m)
            fail_msg("%s: %s", c->name, e.msg);
        if (m + REGRESS_PIPE_DEPTH != regress_expected_cycles(&l))
            fail_msg("%s: model %llu + %d, closed form %llu", c->name, (unsigned long long)m, REGRESS_PIPE_DEPTH,
                     (unsigned long long)regress_expected_cycles(&l));
    }
}

static void test_sac_golden(void **state)
{
    (void)state;
    /* one output, 1x1, two channels: 3 << 2 negated, plus a zero-flagged weight */
    int32_t w[2] = {0x82, 0x40 | 0x05}, x[2] = {3, 100}, y[1];
    int64_t inc[1] = {1}, bias[1] = {0};
    cu_job j = {.l = {.cin = 2, .cout = 1, .h = 1, .w = 1, .k = 1, .stride = 1, .simd = 2, .pe = 1, .sac = 1},
                .w = w, .x = x, .inc = inc, .bias = bias, .y = y};
    char err[256];
    tf_err e;
    assert_int_equal(cu_layer_derive(&j.l, err, sizeof err), 0);
    assert_int_equal(regress_golden(&j, y, &e), 0);
    assert_int_equal(y[0], -12);
    j.l.relu = 1;
    assert_int_equal(regress_golden(&j, y, &e), 0);
    assert_int_equal(y[0], 0);
    w[1] = 0x01; /* +100 << 1 */
    assert_int_equal(regress_golden(&j, y, &e), 0);
    assert_int_equal(y[0], 188);
}

/* A stand-in for the RTL: the C reference itself, optionally off by one. */
typedef struct fake {
    int off_by_one_output;
    int off_by_cycles;
} fake;

static int fake_backend(cu_job *j, void *ctx, char *err, size_t cap)
{
    fake *f = ctx;
    tf_err e;
    if (regress_golden(j, j->y, &e)) {
        snprintf(err, cap, "%s", e.msg);
        return -1;
    }
    tf_err me;
    j->cycles = regress_cmodel_cycles(&j->l, &me) + REGRESS_PIPE_DEPTH + (uint64_t)f->off_by_cycles;
    if (f->off_by_one_output)
        j->y[3] += 1;
    return 0;
}

static void test_catches_difference(void **state)
{
    (void)state;
    const regress_case *c = regress_case_at(regress_case_find("k3_s1_w4a4"));
    assert_non_null(c);
    regress_result r;
    tf_err e;
    fake exact = {0, 0}, off = {1, 0}, late = {0, 0};
    assert_int_equal(regress_run(c, shared(), fake_backend, &exact, RG_FAULT_NONE, &r, &e), 0);
    assert_true(r.pass);
    assert_true(r.outputs_equal);
    assert_int_equal(r.c_cycles, r.rtl_cycles);

    assert_int_equal(regress_run(c, shared(), fake_backend, &off, RG_FAULT_NONE, &r, &e), 0);
    assert_false(r.pass);
    assert_false(r.outputs_equal);
    assert_int_equal(r.n_diff, 1);
    assert_int_equal(r.first_diff, 3);
    assert_int_equal(r.got, r.want + 1);

    /* a cycle difference within 1% passes (and is reported), beyond 1% fails */
    late.off_by_cycles = 1;
    assert_int_equal(regress_run(c, shared(), fake_backend, &late, RG_FAULT_NONE, &r, &e), 0);
    assert_true(r.pass);
    assert_int_equal(r.rtl_cycles, r.c_cycles + 1);
    late.off_by_cycles = (int)(r.c_cycles / 50);
    assert_int_equal(regress_run(c, shared(), fake_backend, &late, RG_FAULT_NONE, &r, &e), 0);
    assert_false(r.pass);

    /* the injected faults the command offers */
    assert_int_equal(regress_run(c, shared(), fake_backend, &exact, RG_FAULT_OUTPUT, &r, &e), 0);
    assert_false(r.pass);
    assert_int_equal(r.n_diff, 1);
    assert_int_equal(regress_run(c, shared(), fake_backend, &exact, RG_FAULT_CYCLES, &r, &e), 0);
    assert_false(r.pass);
    assert_true(r.outputs_equal);
}

/* Every case prepares (data, reference, cycles), including the UltraNet layers, and the
 * references of UltraNet conv2, conv3 and conv4 agree with the published feature maps
 * within FORMAT.md's tolerance (at most 0.11% of elements off by exactly one). */
static void test_prepare_all(void **state)
{
    (void)state;
    for (int i = 0; i < regress_case_count(); i++) {
        const regress_case *c = regress_case_at(i);
        regress_data d;
        tf_err e;
        if (regress_prepare(c, shared(), &d, &e))
            fail_msg("%s", e.msg);
        assert_true(d.c_cycles > 0);
        int li = regress_ultranet_layer(c->src);
        if (li >= 0 && li != 8) {
            char p[1024];
            snprintf(p, sizeof p, "%s/data/ultranet-ismart/featuremap/conv%d_out.bin", shared(), li);
            tensor ref = {0, 0, 0, NULL};
            if (tensor_load_f32(&ref, p, c->l.cout, c->l.h, c->l.w, 15.0, &e))
                fail_msg("%s", e.msg);
            size_t n = tensor_size(&ref), off = 0;
            for (size_t k = 0; k < n; k++) {
                int dlt = ref.d[k] - d.golden[k];
                assert_true(dlt >= -1 && dlt <= 1);
                off += dlt != 0;
            }
            assert_true(off * 1000 <= n * 11 / 10);
            tensor_free(&ref);
        }
        regress_data_free(&d);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_cycles_hand),
        cmocka_unit_test(test_cycles_closed_vs_model),
        cmocka_unit_test(test_random_cases),
        cmocka_unit_test(test_sac_golden),
        cmocka_unit_test(test_catches_difference),
        cmocka_unit_test(test_prepare_all),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
