/* test_ptq.c: post-training quantisation end to end on a small net with a bypass
 * (reorg + concat with scale alignment), stride-2 and depthwise convs, pooling and an fc
 * head: at 8/8 the integer model's real-valued outputs track the float reference and the
 * argmax agrees; the bit-width alignment is used only without step information. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "numerics/float_ref.h"
#include "numerics/infer.h"
#include "numerics/ptq.h"

static const char NET_JSON[] =
    "{\"name\": \"bypass_test\", \"input\": {\"c\": 3, \"h\": 16, \"w\": 16, \"bits\": 8},"
    " \"defaults\": {\"wbits\": 8, \"abits\": 8}, \"layers\": ["
    " {\"name\": \"c0\", \"op\": \"conv\", \"cout\": 8, \"k\": 3, \"pad\": 1, \"relu\": true, \"bias\": true},"
    " {\"name\": \"c1\", \"op\": \"conv\", \"cout\": 8, \"k\": 3, \"pad\": 1, \"stride\": 2, \"relu\": true, \"bias\": true},"
    " {\"name\": \"dw\", \"op\": \"conv\", \"cout\": 8, \"k\": 3, \"pad\": 1, \"depthwise\": true, \"relu\": true, \"bias\": true},"
    " {\"name\": \"ro\", \"op\": \"reorg\", \"inputs\": \"c0\", \"stride\": 2},"
    " {\"name\": \"cat\", \"op\": \"concat\", \"inputs\": [\"ro\", \"dw\"]},"
    " {\"name\": \"c2\", \"op\": \"conv\", \"cout\": 16, \"k\": 3, \"pad\": 1, \"relu\": true, \"bias\": true},"
    " {\"name\": \"p\", \"op\": \"maxpool\", \"k\": 2},"
    " {\"name\": \"fc\", \"op\": \"fc\", \"cout\": 5, \"bias\": true}]}";

static uint32_t seed = 99;
static double urand(void)
{
    seed = seed * 1664525u + 1013904223u;
    return (seed >> 8) / 16777216.0;
}

static void run_bypass(bool per_channel)
{
    char path[] = "/tmp/tf2sim_ptqXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, NET_JSON, strlen(NET_JSON)), (ssize_t)strlen(NET_JSON));
    close(fd);
    net n;
    tf_err e;
    if (net_load(&n, path, &e))
        fail_msg("%s", e.msg);
    unlink(path);
    float_weights fw = {.n_layers = n.n_layers};
    fw.l = calloc((size_t)n.n_layers, sizeof *fw.l);
    for (int i = 0; i < n.n_layers; i++) {
        const layer *l = &n.layers[i];
        if (!layer_is_compute(l))
            continue;
        size_t nw = (size_t)l->weights, fan = nw / (size_t)l->cout;
        fw.l[i].w = malloc(nw * sizeof(float));
        fw.l[i].b = malloc((size_t)l->cout * sizeof(float));
        fw.l[i].n_w = nw;
        for (size_t j = 0; j < nw; j++)
            fw.l[i].w[j] = (float)((urand() - 0.45) * 2.0 / sqrt((double)fan));
        for (int o = 0; o < l->cout; o++)
            fw.l[i].b[o] = (float)((urand() - 0.5) * 0.1);
    }
    enum { NC = 40, NT = 60 };
    size_t px = 3 * 16 * 16;
    uint8_t *img = malloc(px * (NC + NT));
    for (size_t j = 0; j < px * (NC + NT); j++)
        img[j] = (uint8_t)(urand() * 256);
    ptq_model m;
    if (ptq_build_opts(&m, &n, &fw, img, NC, false, per_channel, &e))
        fail_msg("%s", e.msg);
    int ic = net_find(&n, "cat");
    if (per_channel)
        assert_null(m.w.l[ic].concat_ratio); /* steps carried per channel into the next weights */
    else
        assert_non_null(m.w.l[ic].concat_ratio); /* aligned by steps, not by bits */
    double err = 0, mag = 0;
    int agree = 0, clear = 0;
    ftensor fin = {0};
    ftensor *fo = calloc((size_t)n.n_layers, sizeof *fo);
    tensor tin = {0};
    tensor *io = calloc((size_t)n.n_layers, sizeof *io);
    ftensor_alloc(&fin, 3, 16, 16, &e);
    tensor_alloc(&tin, 3, 16, 16, &e);
    for (int k = 0; k < NT; k++) {
        const uint8_t *p = img + px * (NC + k);
        for (size_t j = 0; j < px; j++) {
            fin.d[j] = p[j] / 255.0f;
            tin.d[j] = p[j] >> m.in_shift;
        }
        assert_int_equal(float_forward(&n, &fw, &fin, fo, 1, &e), 0);
        if (mixq_forward(&n, &m.w, &tin, io, 1, &e))
            fail_msg("%s", e.msg);
        const ftensor *fl = &fo[n.n_layers - 1];
        const tensor *il = &io[n.n_layers - 1];
        int fa = 0, ia = 0;
        for (int c = 0; c < 5; c++) {
            double q = il->d[c] * m.head_scale[c];
            err += fabs(q - fl->d[c]);
            mag += fabs(fl->d[c]);
            if (fl->d[c] > fl->d[fa])
                fa = c;
            if (il->d[c] * m.head_scale[c] > il->d[ia] * m.head_scale[ia])
                ia = c;
        }
        /* a clear float winner (margin over the runner-up > 0.02) must survive quantisation */
        double second = -1e300;
        for (int c = 0; c < 5; c++)
            if (c != fa && fl->d[c] > second)
                second = fl->d[c];
        clear += fl->d[fa] - second > 0.02;
        agree += fa == ia || fl->d[fa] - second <= 0.02;
    }
    print_message("8/8 bypass net, activation steps per %s: mean |int - float| / mean |float| = %.4f, argmax "
                  "agreement %d/%d (%d with a clear float winner)\n", per_channel ? "channel" : "tensor", err / mag, agree, NT,
                  clear);
    assert_true(err / mag < 0.05);
    assert_true(agree >= NT - 1);
    assert_true(clear >= NT / 2);
    for (int i = 0; i < n.n_layers; i++)
        ftensor_free(&fo[i]), tensor_free(&io[i]);
    free(fo), free(io), free(img);
    ftensor_free(&fin), tensor_free(&tin);
    ptq_free(&m);
    float_weights_free(&fw);
    net_free(&n);
}

static void test_bypass_tensor(void **st)
{
    (void)st;
    run_bypass(false);
}

static void test_bypass_channel(void **st)
{
    (void)st;
    run_bypass(true);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_bypass_tensor), cmocka_unit_test(test_bypass_channel)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
