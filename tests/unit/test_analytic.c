/* test_analytic.c: closed-form dataflow cycles against hand-computed and published
 * loop counts (iSmart trip counts from shared/data/ultranet-ismart/FORMAT.md). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "analytic/analytic.h"
#include "numerics/dsp_packing.h"
#include "unit/test_util.h"

/* N, DV, setup, teardown: UltraNet on the Ultra96-V2 (unit/test_util.h). */
ULTRANET_FIXTURE

static const layer *L(const char *name)
{
    int i = net_find(&N, name);
    assert_true(i >= 0);
    return &N.layers[i];
}

static void test_mvau_formula(void **state)
{
    layer_fold f = {.simd = 3, .pe = 16, .sched = SCHED_MVAU, .kp = 1, .np = 1, .kpf = 1};
    /* 160*320 pixels * (9*3/3) * (16/16) */
    assert_int_equal(analytic_layer_cycles(L("conv0"), &f), 460800);
    f.simd = 9; /* iSmart conv0: H*(OC/PE)*W*3 = 153600 trips */
    assert_int_equal(analytic_layer_cycles(L("conv0"), &f), 153600);
    f.simd = 4; f.pe = 2; /* iSmart conv8 DSP2: H*W*(OC/PE)*(IC/SIMD) = 57600 */
    assert_int_equal(analytic_layer_cycles(L("conv8"), &f), 57600);
    f.simd = 16; f.pe = 8; /* BJUT conv1: 80*160*(144/16)*(32/8) */
    assert_int_equal(analytic_layer_cycles(L("conv1"), &f), 80 * 160 * 9 * 4);
}

static void test_dsp6_matches_ismart_trip_counts(void **state)
{
    static const struct { const char *l; int simd, pe; uint64_t trips; } c[] = {
        {"conv1", 16, 4, 155520}, {"conv2", 8, 8, 157440}, {"conv3", 8, 4, 161280},
        {"conv4", 4, 2, 168960}, {"conv7", 4, 2, 168960}};
    for (size_t i = 0; i < sizeof c / sizeof *c; i++) {
        layer_fold f = {.simd = c[i].simd, .pe = c[i].pe, .sched = SCHED_DSP6, .kp = 1, .np = 1, .kpf = 1};
        assert_int_equal(analytic_layer_cycles(L(c[i].l), &f), c[i].trips);
    }
}

static void test_fp_kp_formulas(void **state)
{
    /* MixQ ultra_4w4a conv1: (SIMD 16, PE 4, KPF 1, Kp 3, Np 2): 80*(32/4)*1*(48/16)*((160+1)/2+1) */
    layer_fold f = {.simd = 16, .pe = 4, .sched = SCHED_FP, .kp = 3, .np = 2, .kpf = 1};
    assert_int_equal(analytic_layer_cycles(L("conv1"), &f), 80 * 8 * 1 * 3 * 81);
    /* KP: Kp filters share a DSP: 80*(32/(2*4))*3*(48/16)*((160+1)/1+1) */
    layer_fold k = {.simd = 16, .pe = 4, .sched = SCHED_KP, .kp = 2, .np = 1, .kpf = 1};
    assert_int_equal(analytic_layer_cycles(L("conv1"), &k), 80 * 4 * 3 * 3 * 162);
}

static void test_pipeline_interval_is_slowest_layer(void **state)
{
    design ds;
    tf_err e;
    assert_int_equal(design_init(&ds, &N, &DV, ARCH_DATAFLOW, &e), 0);
    /* BJUT folding */
    static const struct { const char *l; int simd, pe; } bj[] = {
        {"conv0", 3, 16}, {"conv1", 16, 8}, {"conv2", 16, 8}, {"conv3", 16, 4}, {"conv4", 8, 2},
        {"conv5", 8, 2}, {"conv6", 8, 2}, {"conv7", 8, 2}, {"conv8", 8, 2}};
    for (size_t i = 0; i < 9; i++) {
        ds.fold[net_find(&N, bj[i].l)].simd = bj[i].simd;
        ds.fold[net_find(&N, bj[i].l)].pe = bj[i].pe;
    }
    perf p;
    assert_int_equal(analytic_dataflow(&N, &ds, &p, &e), 0);
    uint64_t worst = 0;
    for (int i = 0; i < N.n_layers; i++)
        if (p.layers[i].cycles > worst)
            worst = p.layers[i].cycles;
    assert_int_equal(p.interval_cycles, worst);
    assert_int_equal(p.interval_cycles, 460800); /* conv0 (3,16) is BJUT's bottleneck */
    assert_true(p.latency_cycles > p.interval_cycles);
    assert_float_equal(p.fps, 200e6 / 460800.0, 1e-6);
    perf_free(&p);
    /* An illegal folding is refused with the layer named. */
    ds.fold[net_find(&N, "conv1")].pe = 5;
    assert_int_not_equal(analytic_dataflow(&N, &ds, &p, &e), 0);
    assert_non_null(strstr(e.msg, "conv1"));
    assert_non_null(strstr(e.msg, "must divide Cout"));
    design_free(&ds);
}

static void test_packing_factors(void **state)
{
    assert_float_equal(dsp_packing_factor(DSP48E2, 4, 4, 3), 6.0, 0);   /* iSmart 3 weights x 2 pixels */
    assert_float_equal(dsp_packing_factor(DSP48E2, 8, 8, 3), 2.0, 0);
    assert_float_equal(dsp_packing_factor(DSP48E2, 2, 2, 1), 12.0, 0);
    assert_float_equal(dsp_packing_factor(DSP48E2, 2, 2, 5), 20.0, 0);
    int kp, np, gb;
    /* The packing rule itself gives the w4a4 3x3 case: Kp 3, Np 2, 3 guard bits. */
    assert_float_equal(dsp_fp_search(27, 18, 4, 4, 3, &kp, &np, &gb), 6.0, 0);
    assert_int_equal(kp, 3);
    assert_int_equal(np, 2);
    assert_int_equal(gb, 3);
    /* Narrower DSP48E1 never packs more than DSP48E2's rule. */
    for (int w = 2; w <= 8; w++)
        for (int a = 2; a <= 8; a++)
            assert_true(dsp_packing_factor(DSP48E1, w, a, 3) <= dsp_fp_search(27, 18, w, a, 3, &kp, &np, &gb));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mvau_formula),
        cmocka_unit_test(test_dsp6_matches_ismart_trip_counts),
        cmocka_unit_test(test_fp_kp_formulas),
        cmocka_unit_test(test_pipeline_interval_is_slowest_layer),
        cmocka_unit_test(test_packing_factors),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
