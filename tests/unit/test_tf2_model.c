/* test_tf2_model.c: a small residual net (conv, add with ReLU, max pool, GAP, fc) on the TF2
 * engine arithmetic against its float reference. Weights are already powers of two, so INQ
 * keeps them and only the int8 features with calibrated per-channel Q differ. The sum and
 * its operands must end up sharing one Q. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "numerics/float_ref.h"
#include "numerics/tf2_model.h"

static const char NET_JSON[] =
    "{\"name\": \"res_test\", \"input\": {\"c\": 3, \"h\": 12, \"w\": 12, \"bits\": 8}, \"layers\": ["
    " {\"name\": \"c0\", \"op\": \"conv\", \"cout\": 8, \"k\": 3, \"pad\": 1, \"relu\": true, \"bias\": true},"
    " {\"name\": \"c1\", \"op\": \"conv\", \"cout\": 8, \"k\": 3, \"pad\": 1, \"relu\": true, \"bias\": true},"
    " {\"name\": \"c2\", \"op\": \"conv\", \"cout\": 8, \"k\": 3, \"pad\": 1, \"bias\": true},"
    " {\"name\": \"sum\", \"op\": \"add\", \"inputs\": [\"c2\", \"c0\"], \"relu\": true},"
    " {\"name\": \"p\", \"op\": \"maxpool\", \"k\": 2},"
    " {\"name\": \"g\", \"op\": \"gap\"},"
    " {\"name\": \"fc\", \"op\": \"fc\", \"cout\": 4, \"bias\": true}]}";

static uint32_t seed = 4242;
static double urand(void)
{
    seed = seed * 1664525u + 1013904223u;
    return (seed >> 8) / 16777216.0;
}

static void test_residual_net(void **st)
{
    (void)st;
    char path[] = "/tmp/tf2sim_tf2XXXXXX";
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
        size_t nw = (size_t)l->weights;
        fw.l[i].w = malloc(nw * sizeof(float));
        fw.l[i].b = malloc((size_t)l->cout * sizeof(float));
        fw.l[i].n_w = nw;
        /* powers of two 2^-2 .. 2^-6, one weight in five zero: INQ leaves them as they are */
        for (size_t j = 0; j < nw; j++) {
            double u = urand();
            fw.l[i].w[j] = u < 0.2 ? 0.0f : (float)((urand() < 0.45 ? -1 : 1) * ldexp(1.0, -2 - (int)(urand() * 5)));
        }
        fw.l[i].w[0] = 0.25f; /* the layer maximum, so max_exp = -2 everywhere */
        for (int o = 0; o < l->cout; o++)
            fw.l[i].b[o] = (float)((urand() - 0.3) * 0.2);
    }
    enum { NC = 30, NT = 40 };
    size_t px = 3 * 12 * 12;
    uint8_t *img = malloc(px * (NC + NT));
    for (size_t j = 0; j < px * (NC + NT); j++)
        img[j] = (uint8_t)(urand() * 256);
    tf2_model m;
    if (tf2_model_build(&m, &n, &fw, img, NC, &e))
        fail_msg("%s", e.msg);
    int i2 = net_find(&n, "c2"), i0 = net_find(&n, "c0"), is = net_find(&n, "sum");
    for (int c = 0; c < 8; c++) {
        assert_int_equal(m.l[i2].q[c], m.l[is].q[c]); /* shared Q */
        assert_int_equal(m.l[i0].q[c], m.l[is].q[c]);
    }
    int agree = 0, fcq = net_find(&n, "fc"), classes[4] = {0};
    double err = 0, mag = 0;
    ftensor fin = {0};
    ftensor *fo = calloc((size_t)n.n_layers, sizeof *fo);
    tensor head = {0};
    ftensor_alloc(&fin, 3, 12, 12, &e);
    for (int k = 0; k < NT; k++) {
        const uint8_t *p = img + px * (NC + k);
        for (size_t j = 0; j < px; j++)
            fin.d[j] = p[j] / 255.0f;
        assert_int_equal(float_forward(&n, &fw, &fin, fo, 1, &e), 0);
        if (tf2_run(&m, p, &head, &e))
            fail_msg("%s", e.msg);
        const ftensor *fl = &fo[n.n_layers - 1];
        int fa = 0;
        for (int c = 0; c < 4; c++) {
            if (fl->d[c] > fl->d[fa])
                fa = c;
            err += fabs(ldexp(head.d[c], -m.l[fcq].q[c]) - fl->d[c]);
            mag += fabs(fl->d[c]);
        }
        classes[fa]++;
        agree += tf2_classify(&m, p, &e) == fa;
    }
    print_message("TF2 residual net: mean |int8/2^Q - float| / mean |float| = %.4f; argmax agrees on %d/%d "
                  "(float classes %d/%d/%d/%d); Q(sum) = %d\n", err / mag, agree, NT, classes[0], classes[1],
                  classes[2], classes[3], m.l[is].q[0]);
    assert_true(err / mag < 0.05);
    assert_true(agree >= NT * 8 / 10);
    tensor_free(&head);
    for (int i = 0; i < n.n_layers; i++)
        ftensor_free(&fo[i]);
    free(fo), free(img);
    ftensor_free(&fin);
    tf2_model_free(&m);
    float_weights_free(&fw);
    net_free(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_residual_net)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
