/* test_npy_idx.c: .npy float32 read/write round trip and its shape/size errors; IDX reading
 * of plain files; the float reference conv against a hand computation. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "numerics/float_ref.h"
#include "io/idx.h"
#include "io/npy.h"

static char dir[64];

static int setup(void **s)
{
    (void)s;
    strcpy(dir, "/tmp/tf2sim_npyXXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **s)
{
    (void)s;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static void test_npy_roundtrip_and_errors(void **s)
{
    (void)s;
    char p[128];
    snprintf(p, sizeof p, "%s/a.npy", dir);
    float v[24];
    for (int i = 0; i < 24; i++)
        v[i] = (float)i * 0.5f - 3;
    int sh[3] = {2, 3, 4};
    tf_err e;
    assert_int_equal(npy_save_f32(p, 3, sh, v, &e), 0);
    float *back = NULL;
    int nd, got[8];
    assert_int_equal(npy_load_f32(p, 3, sh, &back, &nd, got, &e), 0);
    assert_int_equal(nd, 3);
    assert_memory_equal(back, v, sizeof v);
    free(back);
    int other[2] = {6, 4};
    assert_int_equal(npy_load_f32(p, 2, other, &back, NULL, NULL, &e), -1);
    assert_non_null(strstr(e.msg, "shape [2,3,4], expected [6,4]"));
    /* 1-D header form "(n,)" */
    int one[1] = {5};
    snprintf(p, sizeof p, "%s/b.npy", dir);
    assert_int_equal(npy_save_f32(p, 1, one, v, &e), 0);
    assert_int_equal(npy_load_f32(p, 1, one, &back, NULL, NULL, &e), 0);
    free(back);
    /* Truncated data. */
    FILE *f = fopen(p, "r+b");
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fclose(f);
    assert_int_equal(truncate(p, len - 4), 0);
    assert_int_equal(npy_load_f32(p, 1, one, &back, NULL, NULL, &e), -1);
    assert_non_null(strstr(e.msg, "file too short: 4 of 5 float32 values"));
    snprintf(p, sizeof p, "%s/missing.npy", dir);
    assert_int_equal(npy_load_f32(p, 1, one, &back, NULL, NULL, &e), -1);
    assert_non_null(strstr(e.msg, "expected a float32 .npy of shape [5]"));
}

static void test_idx_plain(void **s)
{
    (void)s;
    char p[128];
    snprintf(p, sizeof p, "%s/x-idx3-ubyte", dir);
    unsigned char hdr[16] = {0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3};
    FILE *f = fopen(p, "wb");
    fwrite(hdr, 1, 16, f);
    for (int i = 0; i < 12; i++)
        fputc(i * 10, f);
    fclose(f);
    idx_u8 x;
    tf_err e;
    assert_int_equal(idx_load_u8(&x, p, &e), 0);
    assert_int_equal(x.ndim, 3);
    assert_int_equal(x.count, 2);
    assert_int_equal(x.dims[2], 3);
    assert_int_equal(x.data[11], 110);
    idx_free(&x);
    assert_int_equal(truncate(p, 20), 0);
    assert_int_equal(idx_load_u8(&x, p, &e), -1);
    assert_non_null(strstr(e.msg, "file too short: 4 of 12"));
}

static void test_float_conv(void **s)
{
    (void)s;
    net n;
    memset(&n, 0, sizeof n);
    layer l;
    memset(&l, 0, sizeof l);
    strcpy(l.name, "c");
    l.op = OP_CONV, l.n_inputs = 1, l.inputs[0] = -1, l.cin = 1, l.hin = 3, l.win = 3, l.cout = 1, l.hout = 2,
    l.wout = 2, l.k = 3, l.stride = 2, l.pad = 1, l.groups = 1, l.relu = true, l.weights = 9;
    n.layers = &l, n.n_layers = 1, n.in_c = 1, n.in_h = 3, n.in_w = 3;
    float w[9] = {1, 0, 0, 0, 1, 0, 0, 0, -1}, b[1] = {0.5f};
    float_layer_w lw = {.w = w, .b = b, .n_w = 9};
    float_weights fw = {.n_layers = 1, .l = &lw};
    ftensor in = {0}, out = {0};
    tf_err e;
    ftensor_alloc(&in, 1, 3, 3, &e);
    for (int i = 0; i < 9; i++)
        in.d[i] = (float)(i + 1); /* 1..9 */
    const ftensor *ins[1] = {&in};
    assert_int_equal(float_layer_forward(&n, &fw, 0, ins, &out, &e), 0);
    /* (0,0): centre 1, bottom-right 5 -> 1 - 5 + .5 = -3.5 -> ReLU 0; (0,1): centre 3, top-left 0
     * (pad) and bottom-right 0 (pad) ... */
    assert_true(out.d[0] == 0.0f);
    assert_true(out.d[1] == 3.5f);  /* x=2: top-left in(−1,1)=pad, centre 3, bottom-right pad */
    assert_true(out.d[2] == 7.5f);  /* y=2,x=0: top-left pad, centre 7 */
    assert_true(out.d[3] == 14.5f); /* centre 9, top-left 5 */
    ftensor_free(&in);
    ftensor_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_npy_roundtrip_and_errors),
        cmocka_unit_test(test_idx_plain),
        cmocka_unit_test(test_float_conv),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
