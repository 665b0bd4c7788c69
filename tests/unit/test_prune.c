/* test_prune.c: L1-norm filter pruning (sim/transform/prune.c).
 *
 * - prune_select: smallest L1 norms go, ties by lower index first, kept in order;
 * - fmnist_cnn (from tests/data/fmnist_cnn.onnx, the committed float weights): the pruned net
 *   computes exactly what the full net computes with the pruned filters (weights and bias)
 *   zeroed, through ReLU, max pools and the fc's C,H,W flattening; deterministic;
 * - a fire-style concat: the cut goes through at the input's channel offset; a depthwise conv
 *   loses the cut channels' filters;
 * - refusals: add consumers, net outputs, non-conv layers, bad ratios. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/config_path.h"
#include "numerics/float_ref.h"
#include "transform/onnx_import.h"
#include "transform/prune.h"

static void test_select_ties(void **state)
{
    (void)state;
    /* 5 filters of 2 weights, L1 norms 2, 1, 3, 1, 1. */
    float w[10] = {1, -1, 0.5f, -0.5f, 3, 0, 0, 1, -1, 0};
    int kept[5];
    prune_select(w, 5, 2, 3, kept); /* drop two of the three norm-1 filters: 1 and 3 */
    assert_int_equal(kept[0], 0);
    assert_int_equal(kept[1], 2);
    assert_int_equal(kept[2], 4);
    prune_select(w, 5, 2, 1, kept);
    assert_int_equal(kept[0], 2);
    prune_select(w, 5, 2, 5, kept);
    for (int i = 0; i < 5; i++)
        assert_int_equal(kept[i], i);
}

static void load_fmnist(onnx_result *r)
{
    char p[1024];
    tf_err e;
    snprintf(p, sizeof p, "%s/../tests/data/fmnist_cnn.onnx", tf2sim_config_dir());
    if (onnx_import_file(p, "fmnist_cnn", r, &e))
        fail_msg("%s", e.msg);
}

/* Output of the last layer for input `img` (the net's input shape); malloc'd, *len values. */
static float *forward(const net *n, const float_weights *fw, const float *img, int *len)
{
    ftensor in = {.c = n->in_c, .h = n->in_h, .w = n->in_w};
    size_t sz = (size_t)n->in_c * n->in_h * n->in_w;
    in.d = malloc(sizeof(float) * sz);
    memcpy(in.d, img, sizeof(float) * sz);
    ftensor *outs = calloc((size_t)n->n_layers, sizeof *outs);
    tf_err e;
    if (float_forward(n, fw, &in, outs, 1, &e))
        fail_msg("%s", e.msg);
    const ftensor *y = &outs[n->n_layers - 1];
    *len = (int)ftensor_size(y);
    float *r = malloc(sizeof(float) * (size_t)*len);
    memcpy(r, y->d, sizeof(float) * (size_t)*len);
    for (int i = 0; i < n->n_layers; i++)
        ftensor_free(&outs[i]);
    free(outs);
    free(in.d);
    return r;
}

/* The pruned net computes what the full net computes with the dropped filters (weights and
 * bias) zeroed: through ReLU, pools, concat offsets and the fc flattening. */
static void check_equivalent(const net *a, const float_weights *fw, const prune_result *p)
{
    float_weights z = {.n_layers = a->n_layers, .l = calloc((size_t)a->n_layers, sizeof(float_layer_w))};
    for (int i = 0; i < a->n_layers; i++) {
        const layer *l = &a->layers[i];
        if (!layer_has_params(l))
            continue;
        z.l[i].n_w = l->op == OP_BN ? (size_t)l->cout : fw->l[i].n_w;
        z.l[i].w = malloc(sizeof(float) * z.l[i].n_w);
        memcpy(z.l[i].w, fw->l[i].w, sizeof(float) * z.l[i].n_w);
        if (fw->l[i].b) {
            z.l[i].b = malloc(sizeof(float) * (size_t)l->cout);
            memcpy(z.l[i].b, fw->l[i].b, sizeof(float) * (size_t)l->cout);
        }
        if (!p->info[i].pruned)
            continue;
        size_t per = z.l[i].n_w / (size_t)l->cout;
        int k = 0;
        for (int o = 0; o < l->cout; o++) {
            if (k < p->n.layers[i].cout && p->info[i].kept[k] == o) {
                k++;
                continue;
            }
            memset(z.l[i].w + (size_t)o * per, 0, sizeof(float) * per);
            if (z.l[i].b)
                z.l[i].b[o] = 0;
        }
        assert_int_equal(k, p->n.layers[i].cout);
    }
    size_t sz = (size_t)a->in_c * a->in_h * a->in_w;
    float *img = malloc(sizeof(float) * sz);
    for (int t = 0; t < 3; t++) {
        for (size_t i = 0; i < sz; i++)
            img[i] = (float)((i * 37 + (size_t)t * 101) % 256) / 255.0f;
        int na, nb;
        float *la = forward(a, &z, img, &na), *lb = forward(&p->n, &p->fw, img, &nb);
        assert_int_equal(na, nb);
        for (int o = 0; o < na; o++)
            if (fabsf(la[o] - lb[o]) > 1e-4f * (1 + fabsf(la[o])))
                fail_msg("input %d output %d: zeroed full net %.6f, pruned %.6f", t, o, la[o], lb[o]);
        free(la);
        free(lb);
    }
    free(img);
    float_weights_free(&z);
}

static void test_fmnist_equivalence(void **state)
{
    (void)state;
    onnx_result full;
    load_fmnist(&full);
    prune_result p;
    tf_err e;
    if (prune_l1(&full.n, &full.fw, 0.5, NULL, &p, &e))
        fail_msg("%s", e.msg);
    const net *a = &full.n, *b = &p.n;
    int c0 = net_find(b, "conv0"), c1 = net_find(b, "conv1"), c2 = net_find(b, "conv2"), fc = net_find(b, "fc");
    assert_int_equal(b->layers[c0].cout, 8);
    assert_int_equal(b->layers[c1].cin, 8);
    assert_int_equal(b->layers[c1].cout, 16);
    assert_int_equal(b->layers[c2].cout, 32);
    assert_int_equal(b->layers[fc].cin, 32);
    assert_int_equal(b->layers[fc].cout, 10);
    assert_true(b->macs < a->macs / 3);
    for (int i = 0; i < a->n_layers; i++)
        assert_int_equal(p.info[i].pruned, a->layers[i].op == OP_CONV);

    check_equivalent(a, &full.fw, &p);

    /* Deterministic: the same again, bit for bit. */
    prune_result q;
    assert_int_equal(prune_l1(&full.n, &full.fw, 0.5, NULL, &q, &e), 0);
    for (int i = 0; i < b->n_layers; i++)
        if (layer_is_compute(&b->layers[i]))
            assert_memory_equal(p.fw.l[i].w, q.fw.l[i].w, sizeof(float) * p.fw.l[i].n_w);
    prune_result_free(&q);
    /* Only conv1: conv2 loses input channels, conv0 and the fc stay whole. */
    assert_int_equal(prune_l1(&full.n, &full.fw, 0.25, "conv1", &q, &e), 0);
    assert_int_equal(q.n.layers[c0].cout, 16);
    assert_int_equal(q.n.layers[c1].cout, 24);
    assert_int_equal(q.n.layers[c2].cin, 24);
    assert_int_equal(q.n.layers[c2].cout, 64);
    prune_result_free(&q);
    prune_result_free(&p);
    onnx_result_free(&full);
}

static const char RES_NET[] =
    "{\"name\": \"res\", \"input\": {\"c\": 2, \"h\": 4, \"w\": 4}, \"layers\": ["
    "{\"name\": \"a\", \"op\": \"conv\", \"cout\": 4, \"k\": 3, \"pad\": 1},"
    "{\"name\": \"b\", \"op\": \"conv\", \"cout\": 4, \"k\": 3, \"pad\": 1},"
    "{\"name\": \"s\", \"op\": \"add\", \"inputs\": [\"a\", \"b\"]},"
    "{\"name\": \"c\", \"op\": \"conv\", \"cout\": 4, \"k\": 1},"
    "{\"name\": \"p\", \"op\": \"maxpool\", \"k\": 2},"
    "{\"name\": \"d\", \"op\": \"conv\", \"cout\": 3, \"k\": 1},"
    "{\"name\": \"f\", \"op\": \"fc\", \"inputs\": \"p\", \"cout\": 2}]}";

static void expect_prune_fail(const net *n, const float_weights *fw, double ratio, const char *layers,
                              const char *want)
{
    prune_result r;
    tf_err e;
    if (prune_l1(n, fw, ratio, layers, &r, &e) == 0)
        fail_msg("pruning '%s' succeeded, expected '%s'", layers ? layers : "(all)", want);
    if (!strstr(e.msg, want))
        fail_msg("error '%s' lacks '%s'", e.msg, want);
}

static void test_refusals(void **state)
{
    (void)state;
    net n;
    tf_err e;
    assert_int_equal(net_parse(&n, "res", RES_NET, &e), 0);
    int nl = n.n_layers > 0 ? n.n_layers : 1;
    float_weights fw = {.n_layers = nl, .l = calloc((size_t)nl, sizeof(float_layer_w))};
    for (int i = 0; i < n.n_layers; i++)
        if (layer_is_compute(&n.layers[i])) {
            fw.l[i].n_w = n.layers[i].weights;
            fw.l[i].w = calloc(fw.l[i].n_w, sizeof(float));
            for (size_t k = 0; k < fw.l[i].n_w; k++)
                fw.l[i].w[k] = (float)((k * 13 + (size_t)i) % 7) - 3;
        }
    expect_prune_fail(&n, &fw, 0.5, "a", "layer 'a' cannot be pruned: it feeds add layer 's'");
    expect_prune_fail(&n, &fw, 0.5, "b", "it feeds add layer 's'");
    expect_prune_fail(&n, &fw, 0.5, "d", "its output is a net output");
    expect_prune_fail(&n, &fw, 0.5, "f", "'f' is a fc layer; only conv layers are pruned");
    expect_prune_fail(&n, &fw, 0.5, "zz", "'zz' is not a layer of res");
    expect_prune_fail(&n, &fw, 0, NULL, "must be greater than 0 and less than 1");
    expect_prune_fail(&n, &fw, 1, NULL, "must be greater than 0 and less than 1");
    /* Auto mode: only c (through the pool into d and the fc) is pruned; a, b, d are skipped. */
    prune_result r;
    if (prune_l1(&n, &fw, 0.5, NULL, &r, &e))
        fail_msg("%s", e.msg);
    int a = net_find(&n, "a"), c = net_find(&n, "c"), d = net_find(&n, "d"), f = net_find(&n, "f");
    assert_true(r.info[c].pruned && !r.info[a].pruned && !r.info[d].pruned);
    assert_non_null(strstr(r.info[a].skipped, "add"));
    assert_non_null(strstr(r.info[d].skipped, "net output"));
    assert_int_equal(r.n.layers[c].cout, 2);
    assert_int_equal(r.n.layers[d].cin, 2);
    assert_int_equal(r.n.layers[f].cin, 2);
    assert_int_equal(r.fw.l[f].n_w, 2 * 2 * 2 * 2);
    prune_result_free(&r);
    float_weights_free(&fw);
    net_free(&n);
}

static const char FIRE_NET[] =
    "{\"name\": \"fire\", \"input\": {\"c\": 3, \"h\": 8, \"w\": 8}, \"layers\": ["
    "{\"name\": \"sq\", \"op\": \"conv\", \"cout\": 6, \"k\": 1, \"relu\": true, \"bias\": true},"
    "{\"name\": \"e1\", \"op\": \"conv\", \"cout\": 8, \"k\": 1, \"relu\": true, \"bias\": true},"
    "{\"name\": \"e3\", \"op\": \"conv\", \"inputs\": \"sq\", \"cout\": 4, \"k\": 3, \"pad\": 1, \"relu\": true},"
    "{\"name\": \"cat\", \"op\": \"concat\", \"inputs\": [\"e1\", \"input\", \"e3\"]},"
    "{\"name\": \"p\", \"op\": \"maxpool\", \"k\": 2},"
    "{\"name\": \"d\", \"op\": \"conv\", \"cout\": 5, \"k\": 3, \"relu\": true, \"bias\": true},"
    "{\"name\": \"fc\", \"op\": \"fc\", \"cout\": 3, \"bias\": true}]}";

static void test_concat(void **state)
{
    (void)state;
    net n;
    tf_err e;
    if (net_parse(&n, "fire", FIRE_NET, &e))
        fail_msg("%s", e.msg);
    float_weights fw = {.n_layers = n.n_layers, .l = calloc((size_t)n.n_layers, sizeof(float_layer_w))};
    for (int i = 0; i < n.n_layers; i++)
        if (layer_is_compute(&n.layers[i])) {
            fw.l[i].n_w = n.layers[i].weights;
            fw.l[i].w = malloc(sizeof(float) * fw.l[i].n_w);
            for (size_t k = 0; k < fw.l[i].n_w; k++)
                fw.l[i].w[k] = (float)((int)((k * 29 + (size_t)i * 7) % 17) - 8) / 16.0f;
            if (n.layers[i].bias) {
                fw.l[i].b = malloc(sizeof(float) * (size_t)n.layers[i].cout);
                for (int o = 0; o < n.layers[i].cout; o++)
                    fw.l[i].b[o] = (float)(o % 3) / 10.0f - 0.05f;
            }
        }
    prune_result p;
    if (prune_l1(&n, &fw, 0.5, NULL, &p, &e))
        fail_msg("%s", e.msg);
    int sq = net_find(&n, "sq"), e1 = net_find(&n, "e1"), e3 = net_find(&n, "e3"), cat = net_find(&n, "cat"),
        d = net_find(&n, "d");
    assert_true(p.info[sq].pruned && p.info[e1].pruned && p.info[e3].pruned && p.info[d].pruned);
    assert_int_equal(p.n.layers[cat].cout, 4 + 3 + 2);
    assert_int_equal(p.n.layers[d].cin, 9);
    check_equivalent(&n, &fw, &p);
    prune_result_free(&p);
    /* Only e3: the concat keeps e1 and the input whole. */
    if (prune_l1(&n, &fw, 0.5, "e3", &p, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(p.n.layers[cat].cout, 8 + 3 + 2);
    check_equivalent(&n, &fw, &p);
    prune_result_free(&p);
    float_weights_free(&fw);
    net_free(&n);
}

static const char DW_NET[] =
    "{\"name\": \"dw\", \"input\": {\"c\": 3, \"h\": 8, \"w\": 8}, \"layers\": ["
    "{\"name\": \"a\", \"op\": \"conv\", \"cout\": 6, \"k\": 3, \"pad\": 1, \"relu\": true, \"bias\": true},"
    "{\"name\": \"dw\", \"op\": \"conv\", \"depthwise\": true, \"k\": 3, \"stride\": 2, \"pad\": 1, \"relu\": true},"
    "{\"name\": \"b\", \"op\": \"conv\", \"cout\": 4, \"k\": 1, \"relu\": true, \"bias\": true},"
    "{\"name\": \"g\", \"op\": \"gap\"},"
    "{\"name\": \"fc\", \"op\": \"fc\", \"cout\": 2, \"bias\": true}]}";

static void test_depthwise(void **state)
{
    (void)state;
    net n;
    tf_err e;
    if (net_parse(&n, "dw", DW_NET, &e))
        fail_msg("%s", e.msg);
    float_weights fw = {.n_layers = n.n_layers, .l = calloc((size_t)n.n_layers, sizeof(float_layer_w))};
    for (int i = 0; i < n.n_layers; i++)
        if (layer_is_compute(&n.layers[i])) {
            fw.l[i].n_w = n.layers[i].weights;
            fw.l[i].w = malloc(sizeof(float) * fw.l[i].n_w);
            for (size_t k = 0; k < fw.l[i].n_w; k++)
                fw.l[i].w[k] = (float)((int)((k * 31 + (size_t)i * 5) % 19) - 9) / 16.0f;
            if (n.layers[i].bias) {
                fw.l[i].b = malloc(sizeof(float) * (size_t)n.layers[i].cout);
                for (int o = 0; o < n.layers[i].cout; o++)
                    fw.l[i].b[o] = (float)(o % 3) / 10.0f - 0.05f;
            }
        }
    prune_result p;
    if (prune_l1(&n, &fw, 0.5, NULL, &p, &e))
        fail_msg("%s", e.msg);
    int a = net_find(&n, "a"), dw = net_find(&n, "dw"), b = net_find(&n, "b");
    assert_true(p.info[a].pruned && !p.info[dw].pruned && p.info[b].pruned);
    assert_non_null(strstr(p.info[dw].skipped, "depthwise"));
    assert_int_equal(p.n.layers[dw].cout, 3);
    assert_true(layer_is_depthwise(&p.n.layers[dw]));
    assert_int_equal(p.n.layers[b].cin, 3);
    check_equivalent(&n, &fw, &p);
    prune_result_free(&p);
    expect_prune_fail(&n, &fw, 0.5, "dw", "prune the conv before it instead");
    float_weights_free(&fw);
    net_free(&n);
}

/* A stand-alone BN and an activation lose the channels of the conv before them (their scale,
 * shift and LUT are per channel); shift 0 and SiLU(0) = 0 keep the cut channels at zero, so the
 * zeroed full net is the pruned one. */
static const char BN_NET[] =
    "{\"name\": \"bnact\", \"input\": {\"c\": 3, \"h\": 8, \"w\": 8}, \"layers\": ["
    "{\"name\": \"a\", \"op\": \"conv\", \"cout\": 6, \"k\": 3, \"pad\": 1, \"bias\": true},"
    "{\"name\": \"n\", \"op\": \"bn\"},"
    "{\"name\": \"s\", \"op\": \"act\", \"act\": \"silu\"},"
    "{\"name\": \"b\", \"op\": \"conv\", \"cout\": 4, \"k\": 1, \"relu\": true, \"bias\": true},"
    "{\"name\": \"g\", \"op\": \"gap\"},"
    "{\"name\": \"fc\", \"op\": \"fc\", \"cout\": 2, \"bias\": true}]}";

static void test_bn_act(void **state)
{
    (void)state;
    net n;
    tf_err e;
    if (net_parse(&n, "bnact", BN_NET, &e))
        fail_msg("%s", e.msg);
    float_weights fw = {.n_layers = n.n_layers, .l = calloc((size_t)n.n_layers, sizeof(float_layer_w))};
    for (int i = 0; i < n.n_layers; i++) {
        const layer *l = &n.layers[i];
        if (!layer_has_params(l))
            continue;
        fw.l[i].n_w = l->op == OP_BN ? (size_t)l->cout : l->weights;
        fw.l[i].w = malloc(sizeof(float) * fw.l[i].n_w);
        fw.l[i].b = malloc(sizeof(float) * (size_t)l->cout);
        for (size_t k = 0; k < fw.l[i].n_w; k++)
            fw.l[i].w[k] = (float)((int)((k * 29 + (size_t)i * 7) % 17) - 8) / 16.0f;
        for (int o = 0; o < l->cout; o++)
            fw.l[i].b[o] = l->op == OP_BN ? 0.0f : (float)(o % 3) / 10.0f - 0.05f;
    }
    prune_result p;
    if (prune_l1(&n, &fw, 0.5, NULL, &p, &e))
        fail_msg("%s", e.msg);
    int a = net_find(&n, "a"), bn = net_find(&n, "n"), s = net_find(&n, "s");
    assert_true(p.info[a].pruned);
    assert_int_equal(p.n.layers[bn].cout, 3);
    assert_int_equal(p.n.layers[s].cout, 3);
    for (int c = 0; c < 3; c++) /* the BN keeps the scales of the kept channels */
        assert_true(p.fw.l[bn].w[c] == fw.l[bn].w[p.info[a].kept[c]]);
    check_equivalent(&n, &fw, &p);
    prune_result_free(&p);
    float_weights_free(&fw);
    net_free(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_select_ties),
        cmocka_unit_test(test_fmnist_equivalence),
        cmocka_unit_test(test_concat),
        cmocka_unit_test(test_depthwise),
        cmocka_unit_test(test_bn_act),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
