/* test_resources_rtl.c: a net layer mapped onto the RTL compute unit, with DSP counts
 * derived by hand from rtl/pe_array.v and rtl/adder.v and yosys' mul2dsp limits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "resources/resources_rtl.h"
#include "test_util.h"

ULTRANET_FIXTURE

static int find(const net *n, const char *name)
{
    for (int i = 0; i < n->n_layers; i++)
        if (strcmp(n->layers[i].name, name) == 0)
            return i;
    fail_msg("no layer %s", name);
    return -1;
}

/* Every compute layer at SIMD 1, PE 1, mvau. */
static void fold_all(design *ds, const net *n)
{
    for (int i = 0; i < n->n_layers; i++)
        if (layer_is_compute(&n->layers[i]))
            ds->fold[i] = (layer_fold){.simd = 1, .pe = 1, .sched = SCHED_MVAU, .kp = 1, .np = 1, .kpf = 1};
}

/* UltraNet conv1 (16 -> 32 channels, 80 x 160, 3x3, 4/4 bits) at SIMD 16, PE 8. */
static void test_conv1_on_xcup_and_xc7(void **state)
{
    (void)state;
    tf_err e;
    design ds;
    if (design_init(&ds, &N, &DV, ARCH_DATAFLOW, &e))
        fail_msg("%s", e.msg);
    fold_all(&ds, &N);
    ds.target = TARGET_RTL;
    int i = find(&N, "conv1");
    ds.fold[i].simd = 16;
    ds.fold[i].pe = 8;
    rtl_unit u;
    if (rtl_unit_of_layer(&N, &ds, &DV, i, &u, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(u.cin, 16);
    assert_int_equal(u.cout, 32);
    assert_int_equal(u.h, 80);
    assert_int_equal(u.w, 160);
    assert_int_equal(u.k, 3);
    assert_int_equal(u.mode, 0);
    /* a packed pair multiplies x by (w1 << 9) + w0: 14 x 5 bits, one DSP48E2 for two products,
     * so pairing halves the lane DSPs: 4 pairs x 16 lanes = 64, not 128 */
    assert_int_equal(u.pack, 1);
    rtl_unit_res r;
    rtl_unit_resources(&u, XFAM_XCUP, &r);
    assert_int_equal(r.lane_dsp, 64);
    /* adder.v: acc (32) x inc (32) -> 64 bits is 4 pieces of a 27 x 18 DSP, per PE */
    assert_int_equal(r.bn_dsp, 8 * 4);
    /* one feature fold (SIMD = Cin): no fold-offset multiply */
    assert_int_equal(r.ctl_dsp, 0);
    assert_int_equal(r.dsp, 96);
    /* 7-series (25 x 18): 14 x 5 still fits, the same counts */
    rtl_unit_resources(&u, XFAM_XC7, &r);
    assert_int_equal(r.dsp, 96);
    design_free(&ds);
}

/* At 8/8 bits the packed operand is 8+8+1+8+1 = 26 bits: one DSP48E2 (27 bits), but two
 * DSP48E1 (25), so on 7-series pairing saves nothing and the unit is built unpacked. */
static void test_pack_only_when_it_saves(void **state)
{
    (void)state;
    tf_err e;
    net n;
    device xc7;
    if (net_load_named(&n, "ultranet", &e) || net_apply_bits(&n, 8, 8, &e) || device_load_named(&xc7, "pynq-z2", &e))
        fail_msg("%s", e.msg);
    design ds;
    if (design_init(&ds, &n, &DV, ARCH_DATAFLOW, &e))
        fail_msg("%s", e.msg);
    fold_all(&ds, &n);
    int i = find(&n, "conv2");
    ds.fold[i].simd = 8;
    ds.fold[i].pe = 4;
    rtl_unit u;
    if (rtl_unit_of_layer(&n, &ds, &DV, i, &u, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(u.pack, 1);
    if (rtl_unit_of_layer(&n, &ds, &xc7, i, &u, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(u.pack, 0);
    rtl_unit_res r;
    rtl_unit_resources(&u, XFAM_XC7, &r);
    assert_int_equal(r.lane_dsp, 32); /* 8 x 9-bit products, one DSP each */
    design_free(&ds);
    net_free(&n);
}

/* What the RTL cannot build is refused with the layer's name. */
static void test_refusals(void **state)
{
    (void)state;
    tf_err e;
    design ds;
    if (design_init(&ds, &N, &DV, ARCH_DATAFLOW, &e))
        fail_msg("%s", e.msg);
    fold_all(&ds, &N);
    rtl_unit u;
    int i = find(&N, "conv1");
    ds.fold[i].sched = SCHED_FP;
    ds.fold[i].kp = 3;
    ds.fold[i].np = 2;
    assert_int_equal(rtl_unit_of_layer(&N, &ds, &DV, i, &u, &e), -1);
    assert_non_null(strstr(e.msg, "layer conv1: schedule fp is not built by the RTL"));
    ds.fold[i] = (layer_fold){.simd = 3, .pe = 1, .sched = SCHED_MVAU, .kp = 1, .np = 1, .kpf = 1};
    assert_int_equal(rtl_unit_of_layer(&N, &ds, &DV, i, &u, &e), -1); /* 3 divides 3x16, not 16 */
    assert_non_null(strstr(e.msg, "the RTL needs SIMD (3) to divide the input channels (16)"));
    design_free(&ds);
}

/* Power-of-two weights run in SAC mode on TF2's 8-bit code: no lane multiplies. */
static void test_pow2_is_sac(void **state)
{
    (void)state;
    tf_err e;
    net n;
    if (net_load_named(&n, "ultranet", &e))
        fail_msg("%s", e.msg);
    int i = find(&n, "conv3");
    n.layers[i].pow2 = true;
    design ds;
    if (design_init(&ds, &n, &DV, ARCH_DATAFLOW, &e))
        fail_msg("%s", e.msg);
    fold_all(&ds, &n);
    ds.fold[i].simd = 8;
    ds.fold[i].pe = 2;
    rtl_unit u;
    if (rtl_unit_of_layer(&n, &ds, &DV, i, &u, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(u.mode, 1);
    assert_int_equal(u.wbits, 8);
    rtl_unit_res r;
    rtl_unit_resources(&u, XFAM_XCUP, &r);
    assert_int_equal(r.lane_dsp, 0);
    assert_true(r.x.x[RF_SAC_BITS] > 0);
    assert_int_equal(r.dsp, r.bn_dsp + r.ctl_dsp);
    design_free(&ds);
    net_free(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conv1_on_xcup_and_xc7),
        cmocka_unit_test(test_pack_only_when_it_saves),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_pow2_is_sac),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
