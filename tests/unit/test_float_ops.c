/* test_float_ops.c: the float reference of the element-wise and routing layers (act, bn, mul,
 * slice, shuffle) against the definitions written out here: PyTorch's sigmoid, hardsigmoid
 * (relu6(x + 3) / 6), hardswish, SiLU, a per-channel affine, broadcasting a C x 1 x 1 factor, and
 * channel_shuffle as view(G, C/G) -> transpose -> flatten. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "net/net.h"
#include "numerics/float_ref.h"

static const char *NET = "{\"name\": \"ops\", \"input\": {\"c\": 6, \"h\": 2, \"w\": 3}, \"layers\": ["
                         "{\"name\": \"c0\", \"op\": \"conv\", \"cout\": 6, \"k\": 1},"
                         "{\"name\": \"sg\", \"op\": \"act\", \"act\": \"sigmoid\", \"inputs\": \"input\"},"
                         "{\"name\": \"hs\", \"op\": \"act\", \"act\": \"hsigmoid\", \"inputs\": \"input\"},"
                         "{\"name\": \"hw\", \"op\": \"act\", \"act\": \"hswish\", \"inputs\": \"input\"},"
                         "{\"name\": \"si\", \"op\": \"act\", \"act\": \"silu\", \"inputs\": \"input\"},"
                         "{\"name\": \"bn\", \"op\": \"bn\", \"relu\": true, \"inputs\": \"input\"},"
                         "{\"name\": \"g\", \"op\": \"gap\", \"inputs\": \"input\"},"
                         "{\"name\": \"m\", \"op\": \"mul\", \"inputs\": [\"g\", \"input\"]},"
                         "{\"name\": \"m2\", \"op\": \"mul\", \"inputs\": [\"input\", \"sg\"]},"
                         "{\"name\": \"sl\", \"op\": \"slice\", \"offset\": 2, \"cout\": 3, \"inputs\": \"input\"},"
                         "{\"name\": \"sh\", \"op\": \"shuffle\", \"groups\": 3, \"inputs\": \"input\"}]}";

static double ref_act(const char *a, double x)
{
    double r6 = x + 3 < 0 ? 0 : x + 3 > 6 ? 6 : x + 3;
    if (!strcmp(a, "sigmoid"))
        return 1 / (1 + exp(-x));
    if (!strcmp(a, "hsigmoid"))
        return r6 / 6;
    if (!strcmp(a, "hswish"))
        return x * r6 / 6;
    return x / (1 + exp(-x));
}

static void test_float_ops(void **state)
{
    (void)state;
    net n;
    tf_err e;
    if (net_parse(&n, "ops.json", NET, &e))
        fail_msg("%s", e.msg);
    enum { C = 6, HW = 6 };
    ftensor in = {0};
    assert_int_equal(ftensor_alloc(&in, C, 2, 3, &e), 0);
    for (int i = 0; i < C * HW; i++)
        in.d[i] = (float)(i % 13) * 0.75f - 4.5f; /* -4.5 .. 4.5, both sides of every knee */
    float scale[C] = {1, -2, 0.5f, 3, 0.25f, -1}, shift[C] = {0, 1, -1, 2, -2, 0.5f};
    float_weights fw = {0};
    fw.n_layers = n.n_layers;
    fw.l = calloc((size_t)n.n_layers, sizeof *fw.l);
    int bi = net_find(&n, "bn");
    fw.l[bi].w = scale;
    fw.l[bi].b = shift;
    ftensor outs[16] = {0};
    for (int i = 1; i < n.n_layers; i++) {
        const layer *l = &n.layers[i];
        const ftensor *ins[2];
        for (int k = 0; k < l->n_inputs; k++)
            ins[k] = l->inputs[k] < 0 ? &in : &outs[l->inputs[k]];
        if (float_layer_forward(&n, &fw, i, ins, &outs[i], &e))
            fail_msg("%s: %s", l->name, e.msg);
    }
    for (int c = 0; c < C; c++) {
        double mean = 0;
        for (int k = 0; k < HW; k++)
            mean += in.d[c * HW + k] / HW;
        for (int k = 0; k < HW; k++) {
            int at = c * HW + k;
            double x = in.d[at];
            static const char *acts[] = {"sigmoid", "hsigmoid", "hswish", "silu"};
            for (int a = 0; a < 4; a++)
                assert_float_equal(outs[net_find(&n, (const char *[]){"sg", "hs", "hw", "si"}[a])].d[at],
                                   ref_act(acts[a], x), 1e-6);
            double b = x * scale[c] + shift[c];
            assert_float_equal(outs[bi].d[at], b > 0 ? b : 0, 1e-6); /* with its relu flag */
            assert_float_equal(outs[net_find(&n, "m")].d[at], x * mean, 1e-5);
            assert_float_equal(outs[net_find(&n, "m2")].d[at], x / (1 + exp(-x)), 1e-6);
        }
    }
    const ftensor *sl = &outs[net_find(&n, "sl")], *sh = &outs[net_find(&n, "sh")];
    assert_int_equal(sl->c, 3);
    for (int c = 0; c < 3; c++)
        for (int k = 0; k < HW; k++)
            assert_true(sl->d[c * HW + k] == in.d[(c + 2) * HW + k]);
    /* channel_shuffle, groups 3 of 2: view [3][2] -> transpose [2][3] -> flatten */
    int order[C], o = 0;
    for (int j = 0; j < C / 3; j++)
        for (int g = 0; g < 3; g++)
            order[o++] = g * (C / 3) + j;
    for (int c = 0; c < C; c++)
        for (int k = 0; k < HW; k++)
            assert_true(sh->d[c * HW + k] == in.d[order[c] * HW + k]);
    for (int i = 0; i < n.n_layers; i++)
        ftensor_free(&outs[i]);
    ftensor_free(&in);
    free(fw.l);
    net_free(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_float_ops)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
