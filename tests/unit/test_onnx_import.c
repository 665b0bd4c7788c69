/* test_onnx_import.c: ONNX import (sim/transform/onnx_import.c) and the net JSON writer (sim/transform/net_write.c).
 *
 * - tests/data/small_mixed.onnx (BN, Clip, Add, Concat, pools, GAP, Flatten, Gemm, MatMul+Add)
 *   imported and run through the float reference gives PyTorch's output for the same input;
 * - tests/data/fmnist_cnn.onnx (torch.onnx.export) gives the MACs/weights of fmnist_cnn.json;
 * - graphs built here with protobuf-c hit every refusal with the node and op named;
 * - truncated and foreign files are refused; net_to_json round-trips every zoo net. */
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
#include "transform/net_write.h"
#include "io/npy.h"
#include "onnx.pb-c.h"
#include "transform/onnx_import.h"

static void data_path(char *out, size_t cap, const char *file)
{
    snprintf(out, cap, "%s/../tests/data/%s", tf2sim_config_dir(), file);
}

static uint8_t *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *b = malloc((size_t)n + 1);
    assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* Runs the float reference on <stem>_in.npy and compares the last layer with <stem>_out.npy (PyTorch's). */
static void float_matches_torch(const onnx_result *r, const char *stem, int c, int h, int w, int nout)
{
    char p[1024];
    tf_err e;
    const net *n = &r->n;
    float *x, *want;
    int nd, shape[NPY_MAX_DIMS];
    snprintf(p, sizeof p, "%s/../tests/data/%s_in.npy", tf2sim_config_dir(), stem);
    assert_int_equal(npy_load_f32(p, 0, NULL, &x, &nd, shape, &e), 0);
    snprintf(p, sizeof p, "%s/../tests/data/%s_out.npy", tf2sim_config_dir(), stem);
    assert_int_equal(npy_load_f32(p, 0, NULL, &want, &nd, shape, &e), 0);
    assert_int_equal(shape[0], nout);
    ftensor in = {.c = c, .h = h, .w = w, .d = x};
    ftensor *outs = calloc((size_t)n->n_layers, sizeof *outs);
    if (float_forward(n, &r->fw, &in, outs, 1, &e))
        fail_msg("%s", e.msg);
    const ftensor *y = &outs[n->n_layers - 1];
    assert_int_equal(y->c, nout);
    for (int i = 0; i < nout; i++)
        if (fabsf(y->d[i] - want[i]) > 1e-4f * (1 + fabsf(want[i])))
            fail_msg("%s output %d: tf2sim %.6f, PyTorch %.6f", stem, i, y->d[i], want[i]);
    for (int i = 0; i < n->n_layers; i++)
        ftensor_free(&outs[i]);
    free(outs);
    free(x);
    free(want);
}

/* tests/data/zoo_ops.onnx (scripts/make_zoo_ops_onnx.py: hard-swish, squeeze-excite, SiLU, chunk,
 * channel shuffle, BN after a concat, Pad + AveragePool, ReduceMean) computes what PyTorch does. */
static void test_zoo_ops_match_torch(void **state)
{
    (void)state;
    char p[1024];
    data_path(p, sizeof p, "zoo_ops.onnx");
    onnx_result r;
    tf_err e;
    if (onnx_import_file(p, "zoo_ops", &r, &e))
        fail_msg("%s", e.msg);
    static const op_kind ops[] = {OP_CONV, OP_ACT,   OP_GAP,     OP_CONV,   OP_CONV, OP_ACT,  OP_MUL,
                                  OP_CONV, OP_ACT,   OP_SLICE,   OP_SLICE,  OP_CONV, OP_CONCAT, OP_SHUFFLE,
                                  OP_CONCAT, OP_BN,  OP_AVGPOOL, OP_GAP,    OP_FC};
    assert_int_equal(r.n.n_layers, (int)(sizeof ops / sizeof *ops));
    for (int i = 0; i < r.n.n_layers; i++)
        assert_int_equal(r.n.layers[i].op, ops[i]);
    assert_int_equal(r.n.layers[1].act, ACT_HSWISH);
    assert_int_equal(r.n.layers[8].act, ACT_SILU);
    float_matches_torch(&r, "zoo_ops", 3, 16, 16, 5);
    onnx_result_free(&r);
}

static void test_small_mixed_matches_torch(void **state)
{
    (void)state;
    char p[1024];
    data_path(p, sizeof p, "small_mixed.onnx");
    onnx_result r;
    tf_err e;
    int rc = onnx_import_file(p, "small_mixed", &r, &e);
    if (rc)
        fail_msg("%s", e.msg);
    const net *n = &r.n;
    assert_int_equal(n->n_layers, 12);
    assert_int_equal(n->n_compute, 6);
    /* BN folded into conv_a/conv_b (bias created for conv_b), Clip -> relu with a note. */
    int a = net_find(n, "conv_a"), b = net_find(n, "conv_b"), add = net_find(n, "res_add");
    assert_true(a >= 0 && b >= 0 && add >= 0);
    assert_true(n->layers[a].bn && n->layers[a].relu && n->layers[a].bias);
    assert_true(n->layers[b].bn && !n->layers[b].relu && n->layers[b].bias);
    assert_true(n->layers[add].relu);
    assert_non_null(r.comments[a]);
    assert_non_null(strstr(r.comments[a], "Clip(0, 6)"));
    assert_int_equal(n->layers[net_find(n, "cat")].cout, 12);
    assert_int_equal(n->layers[net_find(n, "fc2")].cin, 6);

    float_matches_torch(&r, "small_mixed", 3, 16, 16, 5);
    onnx_result_free(&r);
}

static void test_fmnist_export_matches_zoo(void **state)
{
    (void)state;
    char p[1024];
    data_path(p, sizeof p, "fmnist_cnn.onnx");
    onnx_result r;
    tf_err e;
    if (onnx_import_file(p, "fmnist_cnn", &r, &e))
        fail_msg("%s", e.msg);
    net z;
    assert_int_equal(net_load_named(&z, "fmnist_cnn", &e), 0);
    assert_int_equal(r.n.macs, z.macs);
    assert_int_equal(r.n.weights, z.weights);
    assert_int_equal(r.n.n_layers, z.n_layers);
    for (int i = 0; i < z.n_layers; i++) {
        const layer *a = &r.n.layers[i], *b = &z.layers[i];
        assert_int_equal(a->op, b->op);
        assert_int_equal(a->cout, b->cout);
        assert_int_equal(a->hout, b->hout);
        assert_int_equal(a->relu, b->relu);
        if (layer_is_compute(b))
            assert_string_equal(a->name, b->name); /* named after conv0.weight etc. */
    }
    net_free(&z);
    onnx_result_free(&r);
}

static void expect_fail(const uint8_t *buf, size_t len, const char *want1, const char *want2)
{
    onnx_result r;
    tf_err e;
    int rc = onnx_import_buffer(buf, len, "t.onnx", "t", &r, &e);
    if (rc == 0)
        fail_msg("import succeeded, expected an error with '%s'", want1);
    if (!strstr(e.msg, want1) || (want2 && !strstr(e.msg, want2)))
        fail_msg("error '%s' lacks '%s'/'%s'", e.msg, want1, want2 ? want2 : "");
    assert_null(strchr(e.msg, '\n'));
}

static void test_bad_files(void **state)
{
    (void)state;
    char p[1024];
    data_path(p, sizeof p, "small_unsupported.onnx");
    size_t len;
    uint8_t *b = slurp(p, &len);
    expect_fail(b, len, "node 'act_b' (op LeakyRelu)", "unsupported op");
    free(b);
    data_path(p, sizeof p, "small_mixed.onnx");
    b = slurp(p, &len);
    for (size_t cut = 1; cut < len; cut += len / 37 + 1) {
        onnx_result r;
        tf_err e;
        if (onnx_import_buffer(b, cut, "t.onnx", "t", &r, &e) == 0)
            fail_msg("truncated at %zu of %zu bytes: imported", cut, len);
        assert_null(strchr(e.msg, '\n'));
    }
    free(b);
    const char *json = "{\"name\": \"x\", \"layers\": []}\n";
    expect_fail((const uint8_t *)json, strlen(json), "not an ONNX model", NULL);
    expect_fail((const uint8_t *)"", 0, "not an ONNX model", NULL);
}

/* ---- graphs built with protobuf-c ---- */

typedef struct g_build {
    Tf2onnx__Model m;
    Tf2onnx__Graph g;
    Tf2onnx__OperatorSetId ops, *opsp[1];
    Tf2onnx__ValueInfo in, out, *inp[1], *outp[1];
    Tf2onnx__Type ty;
    Tf2onnx__TensorType tt;
    Tf2onnx__TensorShape sh;
    Tf2onnx__Dimension dim[4], *dimp[4];
    Tf2onnx__Node nodes[16], *nodep[16];
    Tf2onnx__Attribute attrs[16][4], *attrp[16][4];
    Tf2onnx__Tensor inits[16], *initp[16];
    char *ins[16][5], *outs[16][1];
} g_build;

/* Input x: 1 x 4 x 8 x 8. */
static void gb_init(g_build *b)
{
    memset(b, 0, sizeof *b);
    b->m = (Tf2onnx__Model)TF2ONNX__MODEL__INIT;
    b->g = (Tf2onnx__Graph)TF2ONNX__GRAPH__INIT;
    b->ops = (Tf2onnx__OperatorSetId)TF2ONNX__OPERATOR_SET_ID__INIT;
    b->ops.has_version = 1;
    b->ops.version = 13;
    b->opsp[0] = &b->ops;
    b->m.n_opset_import = 1;
    b->m.opset_import = b->opsp;
    b->m.has_ir_version = 1;
    b->m.ir_version = 7;
    b->m.graph = &b->g;
    b->in = (Tf2onnx__ValueInfo)TF2ONNX__VALUE_INFO__INIT;
    b->in.name = "x";
    b->ty = (Tf2onnx__Type)TF2ONNX__TYPE__INIT;
    b->tt = (Tf2onnx__TensorType)TF2ONNX__TENSOR_TYPE__INIT;
    b->sh = (Tf2onnx__TensorShape)TF2ONNX__TENSOR_SHAPE__INIT;
    int64_t d[4] = {1, 4, 8, 8};
    for (int k = 0; k < 4; k++) {
        b->dim[k] = (Tf2onnx__Dimension)TF2ONNX__DIMENSION__INIT;
        b->dim[k].value_case = TF2ONNX__DIMENSION__VALUE_DIM_VALUE;
        b->dim[k].dim_value = d[k];
        b->dimp[k] = &b->dim[k];
    }
    b->sh.n_dim = 4;
    b->sh.dim = b->dimp;
    b->tt.shape = &b->sh;
    b->ty.tensor_type = &b->tt;
    b->in.type = &b->ty;
    b->inp[0] = &b->in;
    b->g.n_input = 1;
    b->g.input = b->inp;
    b->g.node = b->nodep;
    b->g.initializer = b->initp;
}

static Tf2onnx__Node *gb_node(g_build *b, const char *op, const char *name, const char *out, int nin, ...)
{
    int k = (int)b->g.n_node++;
    Tf2onnx__Node *n = &b->nodes[k];
    *n = (Tf2onnx__Node)TF2ONNX__NODE__INIT;
    n->op_type = (char *)op;
    n->name = (char *)name;
    va_list ap;
    va_start(ap, nin);
    for (int i = 0; i < nin; i++)
        b->ins[k][i] = va_arg(ap, char *);
    va_end(ap);
    n->n_input = (size_t)nin;
    n->input = b->ins[k];
    b->outs[k][0] = (char *)out;
    n->n_output = 1;
    n->output = b->outs[k];
    n->attribute = b->attrp[k];
    b->nodep[k] = n;
    return n;
}

static void gb_ints(g_build *b, Tf2onnx__Node *n, const char *name, int cnt, int64_t *v)
{
    int k = (int)(n - b->nodes), a = (int)n->n_attribute++;
    Tf2onnx__Attribute *at = &b->attrs[k][a];
    *at = (Tf2onnx__Attribute)TF2ONNX__ATTRIBUTE__INIT;
    at->name = (char *)name;
    at->n_ints = (size_t)cnt;
    at->ints = v;
    at->has_type = 1;
    at->type = 7;
    b->attrp[k][a] = at;
}

static void gb_attr_f(g_build *b, Tf2onnx__Node *n, const char *name, float v)
{
    int k = (int)(n - b->nodes), a = (int)n->n_attribute++;
    Tf2onnx__Attribute *at = &b->attrs[k][a];
    *at = (Tf2onnx__Attribute)TF2ONNX__ATTRIBUTE__INIT;
    at->name = (char *)name;
    at->has_f = 1;
    at->f = v;
    at->has_type = 1;
    at->type = 1;
    b->attrp[k][a] = at;
}

static void gb_attr_i(g_build *b, Tf2onnx__Node *n, const char *name, int64_t v)
{
    int k = (int)(n - b->nodes), a = (int)n->n_attribute++;
    Tf2onnx__Attribute *at = &b->attrs[k][a];
    *at = (Tf2onnx__Attribute)TF2ONNX__ATTRIBUTE__INIT;
    at->name = (char *)name;
    at->has_i = 1;
    at->i = v;
    at->has_type = 1;
    at->type = 2;
    b->attrp[k][a] = at;
}

static Tf2onnx__Tensor *gb_init_tensor(g_build *b, const char *name, int nd, int64_t *dims, int dtype)
{
    int k = (int)b->g.n_initializer++;
    Tf2onnx__Tensor *t = &b->inits[k];
    *t = (Tf2onnx__Tensor)TF2ONNX__TENSOR__INIT;
    t->name = (char *)name;
    t->n_dims = (size_t)nd;
    t->dims = dims;
    t->has_data_type = 1;
    t->data_type = dtype;
    b->initp[k] = t;
    return t;
}

static void gb_float_init(g_build *b, const char *name, int nd, int64_t *dims, float *v, size_t n)
{
    Tf2onnx__Tensor *t = gb_init_tensor(b, name, nd, dims, 1);
    t->n_float_data = n;
    t->float_data = v;
}

static uint8_t *gb_pack(g_build *b, size_t *len)
{
    *len = tf2onnx__model__get_packed_size(&b->m);
    uint8_t *buf = malloc(*len + 1);
    tf2onnx__model__pack(&b->m, buf);
    return buf;
}

static float W[4 * 4 * 3 * 3], M[144 * 3];
static int64_t WD[4] = {4, 4, 3, 3};

/* Conv (4 -> 4, 3x3) with the given extra attribute, then whatever `tail` adds. */
static void conv_case(const char *attr_name, int cnt, int64_t *v, const char *want1, const char *want2)
{
    g_build b;
    gb_init(&b);
    gb_float_init(&b, "c.weight", 4, WD, W, 36 * 4);
    Tf2onnx__Node *n = gb_node(&b, "Conv", "conv_node", "y", 2, "x", "c.weight");
    if (attr_name)
        gb_ints(&b, n, attr_name, cnt, v);
    size_t len;
    uint8_t *buf = gb_pack(&b, &len);
    if (want1) {
        expect_fail(buf, len, want1, want2);
    } else {
        onnx_result r;
        tf_err e;
        if (onnx_import_buffer(buf, len, "t.onnx", "t", &r, &e))
            fail_msg("%s", e.msg);
        onnx_result_free(&r);
    }
    free(buf);
}

static void test_conv_attrs(void **state)
{
    (void)state;
    int64_t pads_sym[4] = {1, 1, 1, 1}, pads_asym[4] = {0, 0, 1, 1}, dil[2] = {2, 2}, st[2] = {1, 2},
            big[4] = {3, 3, 3, 3};
    conv_case(NULL, 0, NULL, NULL, NULL);
    conv_case("pads", 4, pads_sym, NULL, NULL);
    conv_case("pads", 4, pads_asym, "node 'conv_node' (op Conv)", "asymmetric pads");
    conv_case("dilations", 2, dil, "node 'conv_node' (op Conv)", "dilations 2");
    conv_case("strides", 2, st, "node 'conv_node' (op Conv)", "not square");
    conv_case("pads", 4, big, "node 'conv_node' (op Conv)", "not less than the kernel");
}

static void test_graph_rules(void **state)
{
    (void)state;
    tf_err e;
    onnx_result r;
    size_t len;
    uint8_t *buf;
    g_build b;

    /* Relu on the graph input: nothing to carry the flag. */
    gb_init(&b);
    gb_float_init(&b, "c.weight", 4, WD, W, 144);
    gb_node(&b, "Relu", "r0", "r", 1, "x");
    gb_node(&b, "Conv", "conv_node", "y", 2, "r", "c.weight");
    buf = gb_pack(&b, &len);
    expect_fail(buf, len, "node 'r0' (op Relu)", "graph input");
    free(buf);

    /* Relu on a conv output that another node also reads: not a flag. */
    gb_init(&b);
    gb_float_init(&b, "c.weight", 4, WD, W, 144);
    gb_node(&b, "Conv", "conv_node", "y", 2, "x", "c.weight");
    gb_node(&b, "Relu", "r0", "r", 1, "y");
    gb_node(&b, "Add", "add0", "s", 2, "y", "r");
    buf = gb_pack(&b, &len);
    expect_fail(buf, len, "node 'r0' (op Relu)", "other consumers");
    free(buf);

    /* Flatten then Conv; and a second graph input. */
    gb_init(&b);
    gb_float_init(&b, "c.weight", 4, WD, W, 144);
    gb_node(&b, "Flatten", "fl", "f", 1, "x");
    gb_node(&b, "Conv", "conv_node", "y", 2, "f", "c.weight");
    buf = gb_pack(&b, &len);
    expect_fail(buf, len, "node 'conv_node' (op Conv)", "flattened");
    free(buf);

    /* A foreign-domain op. */
    gb_init(&b);
    gb_float_init(&b, "c.weight", 4, WD, W, 144);
    Tf2onnx__Node *n = gb_node(&b, "Conv", "conv_node", "y", 2, "x", "c.weight");
    n->domain = "com.microsoft";
    buf = gb_pack(&b, &len);
    expect_fail(buf, len, "node 'conv_node' (op Conv)", "domain 'com.microsoft'");
    free(buf);

    /* Conv -> MatMul on a Reshape to [1, -1] via a Constant node: 4*6*6 = 144 inputs. */
    static int64_t MD[2] = {144, 3}, SD[1] = {2}, SV[2] = {1, -1};
    gb_init(&b);
    gb_float_init(&b, "c.weight", 4, WD, W, 144);
    gb_float_init(&b, "m", 2, MD, M, 144 * 3);
    Tf2onnx__Tensor shape_t = TF2ONNX__TENSOR__INIT;
    shape_t.n_dims = 1;
    shape_t.dims = SD;
    shape_t.has_data_type = 1;
    shape_t.data_type = 7;
    shape_t.n_int64_data = 2;
    shape_t.int64_data = SV;
    gb_node(&b, "Conv", "conv_node", "y", 2, "x", "c.weight");
    n = gb_node(&b, "Constant", "k", "shape", 0);
    Tf2onnx__Attribute va = TF2ONNX__ATTRIBUTE__INIT, *vap[1] = {&va};
    va.name = "value";
    va.t = &shape_t;
    n->n_attribute = 1;
    n->attribute = vap;
    gb_node(&b, "Reshape", "rs", "f", 2, "y", "shape");
    gb_node(&b, "MatMul", "mm", "z", 2, "f", "m");
    gb_node(&b, "Softmax", "sm", "p", 1, "z");
    Tf2onnx__ValueInfo ov = TF2ONNX__VALUE_INFO__INIT, *ovp[1] = {&ov};
    ov.name = "p";
    b.g.n_output = 1;
    b.g.output = ovp;
    buf = gb_pack(&b, &len);
    if (onnx_import_buffer(buf, len, "t.onnx", "t", &r, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(r.n.n_layers, 2);
    assert_int_equal(r.n.layers[1].op, OP_FC);
    assert_int_equal(r.n.layers[1].cin * r.n.layers[1].hin * r.n.layers[1].win, 144);
    assert_non_null(strstr(r.description, "Softmax"));
    for (int o = 0; o < 3; o++) /* fc weight [3][144] is the transpose of M [144][3] */
        for (int i = 0; i < 144; i++)
            assert_true(r.fw.l[1].w[o * 144 + i] == M[i * 3 + o]);
    onnx_result_free(&r);
    free(buf);

    /* The same with a wrong reshape size. */
    SV[0] = 2;
    buf = gb_pack(&b, &len);
    expect_fail(buf, len, "only a reshape to [N, C*H*W]", NULL);
    free(buf);
    SV[0] = 1;
    SV[1] = 128;
    buf = gb_pack(&b, &len);
    expect_fail(buf, len, "node 'rs' (op Reshape): reshapes 144 values to [N, 128]", NULL);
    free(buf);
    SV[1] = -1;
}

static void test_more_rules(void **state)
{
    (void)state;
    tf_err e;
    onnx_result r;
    size_t len;
    uint8_t *buf;
    g_build b;
    static float G[3 * 144], BN[4] = {1, 1, 1, 1};
    static int64_t GD[2] = {144, 3}, BD[1] = {4};
    for (int i = 0; i < 3 * 144; i++)
        G[i] = (float)(i % 7) - 3;

    /* Opset-6 Clip (min/max attributes) -> relu with a note; Gemm transB 0 with alpha and beta. */
    gb_init(&b);
    gb_float_init(&b, "c.weight", 4, WD, W, 144);
    gb_float_init(&b, "g", 2, GD, G, 3 * 144);
    static float GB[3] = {1, 2, 3};
    static int64_t GBD[1] = {3};
    gb_float_init(&b, "gb", 1, GBD, GB, 3);
    gb_node(&b, "Conv", "conv_node", "y", 2, "x", "c.weight");
    Tf2onnx__Node *n = gb_node(&b, "Clip", "clip", "y2", 1, "y");
    gb_attr_f(&b, n, "min", 0.0f);
    gb_attr_f(&b, n, "max", 6.0f);
    gb_node(&b, "Flatten", "fl", "f", 1, "y2");
    n = gb_node(&b, "Gemm", "gemm", "z", 3, "f", "g", "gb");
    gb_attr_f(&b, n, "alpha", 0.5f);
    gb_attr_f(&b, n, "beta", 2.0f);
    buf = gb_pack(&b, &len);
    if (onnx_import_buffer(buf, len, "t.onnx", "t", &r, &e))
        fail_msg("%s", e.msg);
    assert_true(r.n.layers[0].relu);
    assert_non_null(strstr(r.comments[0], "Clip(0, 6)"));
    for (int o = 0; o < 3; o++) {
        assert_true(r.fw.l[1].b[o] == 2.0f * GB[o]);
        for (int i = 0; i < 144; i++)
            assert_true(r.fw.l[1].w[o * 144 + i] == 0.5f * G[i * 3 + o]);
    }
    onnx_result_free(&r);
    free(buf);
    b.nodes[1].attribute[0]->f = -1.0f; /* Clip(-1, 6) is not a ReLU */
    buf = gb_pack(&b, &len);
    expect_fail(buf, len, "node 'clip' (op Clip)", "only Clip(min=0)");
    free(buf);

    /* BatchNormalization after a ReLU cannot fold: a BN layer of its own, scale gamma/sqrt(var+eps) and
     * shift beta - mean*scale (gamma = beta = mean = var = 1 here). */
    gb_init(&b);
    gb_float_init(&b, "c.weight", 4, WD, W, 144);
    gb_float_init(&b, "s", 1, BD, BN, 4);
    gb_node(&b, "Conv", "conv_node", "y", 2, "x", "c.weight");
    gb_node(&b, "Relu", "r0", "y2", 1, "y");
    gb_node(&b, "BatchNormalization", "bn0", "y3", 5, "y2", "s", "s", "s", "s");
    buf = gb_pack(&b, &len);
    if (onnx_import_buffer(buf, len, "t.onnx", "t", &r, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(r.n.n_layers, 2);
    assert_int_equal(r.n.layers[1].op, OP_BN);
    assert_true(r.n.layers[0].relu && !r.n.layers[0].bn);
    for (int c = 0; c < 4; c++) {
        assert_float_equal(r.fw.l[1].w[c], 1.0 / sqrt(1.0 + 1e-5), 1e-6);
        assert_float_equal(r.fw.l[1].b[c], 1.0 - 1.0 / sqrt(1.0 + 1e-5), 1e-6);
    }
    onnx_result_free(&r);
    free(buf);

    /* AveragePool with padding that excludes the pad from the count. */
    gb_init(&b);
    gb_float_init(&b, "c.weight", 4, WD, W, 144);
    gb_node(&b, "Conv", "conv_node", "y", 2, "x", "c.weight");
    static int64_t K3[2] = {3, 3}, P1[4] = {1, 1, 1, 1};
    n = gb_node(&b, "AveragePool", "ap", "y2", 1, "y");
    gb_ints(&b, n, "kernel_shape", 2, K3);
    gb_ints(&b, n, "pads", 4, P1);
    buf = gb_pack(&b, &len);
    expect_fail(buf, len, "node 'ap' (op AveragePool)", "count_include_pad = 0");
    free(buf);
    gb_attr_i(&b, n, "count_include_pad", 1);
    buf = gb_pack(&b, &len);
    if (onnx_import_buffer(buf, len, "t.onnx", "t", &r, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(r.n.layers[1].op, OP_AVGPOOL);
    assert_int_equal(r.n.layers[1].stride, 1); /* ONNX pools default to stride 1, ours to k */
    assert_int_equal(r.n.layers[1].hout, 6);
    onnx_result_free(&r);
    free(buf);

    /* Concat on another axis; weights in an external file; no image input. */
    gb_init(&b);
    gb_float_init(&b, "c.weight", 4, WD, W, 144);
    gb_node(&b, "Conv", "conv_node", "y", 2, "x", "c.weight");
    n = gb_node(&b, "Concat", "cc", "y2", 2, "y", "y");
    gb_attr_i(&b, n, "axis", 2);
    buf = gb_pack(&b, &len);
    expect_fail(buf, len, "node 'cc' (op Concat)", "axis 2");
    free(buf);
    gb_init(&b);
    gb_float_init(&b, "c.weight", 4, WD, W, 144);
    b.inits[0].has_data_location = 1;
    b.inits[0].data_location = 1;
    gb_node(&b, "Conv", "conv_node", "y", 2, "x", "c.weight");
    buf = gb_pack(&b, &len);
    expect_fail(buf, len, "external data", NULL);
    free(buf);
    gb_init(&b);
    gb_float_init(&b, "c.weight", 4, WD, W, 144);
    gb_node(&b, "Conv", "conv_node", "y", 2, "x", "c.weight");
    b.in.name = "c.weight"; /* the only input is an initializer */
    buf = gb_pack(&b, &len);
    expect_fail(buf, len, "0 non-constant inputs", NULL);
    free(buf);
}

static void gb_int_init(g_build *b, const char *name, int nd, int64_t *dims, int64_t *v, size_t n)
{
    Tf2onnx__Tensor *t = gb_init_tensor(b, name, nd, dims, 7);
    t->n_int64_data = n;
    t->int64_data = v;
}

/* Packs and imports the graph, failing the test on an error; returns the buffer to free. */
static uint8_t *gb_import(g_build *b, onnx_result *r)
{
    size_t len;
    tf_err e;
    uint8_t *buf = gb_pack(b, &len);
    if (onnx_import_buffer(buf, len, "t.onnx", "t", r, &e))
        fail_msg("%s", e.msg);
    return buf;
}

/* The ops of the torchvision zoo: Identity over an initializer, SiLU (Sigmoid + Mul), squeeze-excite
 * (GlobalAveragePool, Conv, Sigmoid, Mul with the factor first), PyTorch's chunk (Shape, Gather, Div,
 * Slice) and channel shuffle (Reshape 5-D, Transpose, Reshape 4-D), Pad before AveragePool, ReduceMean. */
static void test_zoo_ops(void **state)
{
    (void)state;
    onnx_result r;
    size_t len;
    uint8_t *buf;
    g_build b;
    static float SE[16];
    static int64_t SED[4] = {4, 4, 1, 1};
    for (int i = 0; i < 16; i++)
        SE[i] = (float)(i % 5) / 4.0f;

    gb_init(&b);
    gb_float_init(&b, "c.weight", 4, WD, W, 144);
    gb_float_init(&b, "se.weight", 4, SED, SE, 16);
    gb_node(&b, "Identity", "id", "cw", 1, "c.weight");
    gb_node(&b, "Conv", "/features/features.0/Conv", "y", 2, "x", "cw");
    gb_node(&b, "Sigmoid", "sg", "s", 1, "y");
    gb_node(&b, "Mul", "silu", "y2", 2, "y", "s");
    gb_node(&b, "GlobalAveragePool", "gap", "g", 1, "y2");
    gb_node(&b, "Conv", "fc1", "g2", 2, "g", "se.weight");
    gb_node(&b, "Sigmoid", "sg2", "g3", 1, "g2");
    gb_node(&b, "Mul", "scale", "z", 2, "g3", "y2");
    buf = gb_import(&b, &r);
    static const op_kind ops[] = {OP_CONV, OP_ACT, OP_GAP, OP_CONV, OP_ACT, OP_MUL};
    assert_int_equal(r.n.n_layers, 6);
    for (int i = 0; i < 6; i++)
        assert_int_equal(r.n.layers[i].op, ops[i]);
    assert_string_equal(r.n.layers[0].name, "features_features.0_Conv"); /* a safe name from the node name */
    assert_int_equal(r.n.layers[1].act, ACT_SILU);
    assert_int_equal(r.n.layers[4].act, ACT_SIGMOID);
    assert_int_equal(r.n.layers[5].inputs[0], 1); /* the map first, the per-channel factor second */
    assert_int_equal(r.n.layers[5].inputs[1], 4);
    assert_int_equal(r.n.layers[5].hout, 6);
    onnx_result_free(&r);
    free(buf);
    b.nodes[6].op_type = "HardSigmoid"; /* alpha 0.2 (ONNX's default) is not PyTorch's */
    buf = gb_pack(&b, &len);
    expect_fail(buf, len, "node 'sg2' (op HardSigmoid)", "alpha 0.2");
    free(buf);

    /* chunk(2) of a conv's 4 channels, concat back, shuffle with 2 groups. */
    static int64_t ONE[1] = {1}, TWO[1] = {2}, ZERO[1] = {0}, D1[1] = {1}, D5[1] = {5}, D4[1] = {4};
    static int64_t R5[5] = {1, 2, 2, 6, 6}, R4[4] = {1, -1, 6, 6}, PERM[5] = {0, 2, 1, 3, 4};
    gb_init(&b);
    gb_float_init(&b, "c.weight", 4, WD, W, 144);
    gb_int_init(&b, "one", 1, D1, ONE, 1);
    gb_int_init(&b, "two", 1, D1, TWO, 1);
    gb_int_init(&b, "zero", 1, D1, ZERO, 1);
    gb_int_init(&b, "r5", 1, D5, R5, 5);
    gb_int_init(&b, "r4", 1, D4, R4, 4);
    gb_node(&b, "Conv", "conv_node", "y", 2, "x", "c.weight");
    gb_node(&b, "Shape", "shp", "sh", 1, "y");
    gb_node(&b, "Gather", "gat", "ch", 2, "sh", "one");
    gb_node(&b, "Div", "div", "half", 2, "ch", "two");
    gb_node(&b, "Slice", "lo", "a", 4, "y", "zero", "half", "one");
    gb_node(&b, "Slice", "hi", "bb", 4, "y", "half", "ch", "one");
    gb_node(&b, "Concat", "cat", "cc", 2, "bb", "a");
    Tf2onnx__Node *n = b.nodep[6];
    gb_attr_i(&b, n, "axis", 1);
    gb_node(&b, "Reshape", "v5", "r", 2, "cc", "r5");
    n = gb_node(&b, "Transpose", "tr", "t", 1, "r");
    gb_ints(&b, n, "perm", 5, PERM);
    gb_node(&b, "Reshape", "v4", "out", 2, "t", "r4");
    buf = gb_import(&b, &r);
    assert_int_equal(r.n.n_layers, 5);
    assert_int_equal(r.n.layers[1].op, OP_SLICE);
    assert_int_equal(r.n.layers[1].offset, 0);
    assert_int_equal(r.n.layers[1].cout, 2);
    assert_int_equal(r.n.layers[2].op, OP_SLICE);
    assert_int_equal(r.n.layers[2].offset, 2);
    assert_int_equal(r.n.layers[2].cout, 2);
    assert_int_equal(r.n.layers[3].op, OP_CONCAT);
    assert_int_equal(r.n.layers[4].op, OP_SHUFFLE);
    assert_int_equal(r.n.layers[4].groups, 2);
    onnx_result_free(&r);
    free(buf);
    PERM[1] = 1, PERM[2] = 2; /* any other Transpose is refused, naming the node */
    buf = gb_pack(&b, &len);
    expect_fail(buf, len, "node 'tr' (op Transpose)", "channel shuffle");
    free(buf);

    /* Pad 1 then a 3x3 AveragePool: one pool with pad 1; ReduceMean (keepdims 0) then Gemm. */
    static int64_t PADS[8] = {0, 0, 1, 1, 0, 0, 1, 1}, D8[1] = {8}, K3[2] = {3, 3}, AX[2] = {2, 3};
    static int64_t GD[2] = {3, 4};
    static float G[12];
    gb_init(&b);
    gb_float_init(&b, "c.weight", 4, WD, W, 144);
    gb_int_init(&b, "pads", 1, D8, PADS, 8);
    gb_float_init(&b, "g", 2, GD, G, 12);
    gb_node(&b, "Conv", "conv_node", "y", 2, "x", "c.weight");
    gb_node(&b, "Pad", "pad", "p", 2, "y", "pads");
    n = gb_node(&b, "AveragePool", "ap", "q", 1, "p");
    gb_ints(&b, n, "kernel_shape", 2, K3);
    n = gb_node(&b, "ReduceMean", "rm", "m", 1, "q");
    gb_ints(&b, n, "axes", 2, AX);
    gb_attr_i(&b, n, "keepdims", 0);
    n = gb_node(&b, "Gemm", "fc", "z", 3, "m", "g", "");
    gb_attr_i(&b, n, "transB", 1);
    n->n_input = 2;
    buf = gb_import(&b, &r);
    assert_int_equal(r.n.n_layers, 4);
    assert_int_equal(r.n.layers[1].op, OP_AVGPOOL);
    assert_int_equal(r.n.layers[1].pad, 1);
    assert_int_equal(r.n.layers[1].hout, 6);
    assert_int_equal(r.n.layers[2].op, OP_GAP);
    assert_int_equal(r.n.layers[3].op, OP_FC);
    onnx_result_free(&r);
    free(buf);
    PADS[2] = 2; /* uneven padding */
    buf = gb_pack(&b, &len);
    expect_fail(buf, len, "node 'pad' (op Pad)", "same zero padding");
    free(buf);
    PADS[2] = 1;
    b.nodes[3].attribute[0]->ints = K3; /* a mean over other axes */
    buf = gb_pack(&b, &len);
    expect_fail(buf, len, "node 'rm' (op ReduceMean)", "axes [2, 3]");
    free(buf);

    /* A DequantizeLinear of a feature map that no QuantizeLinear made. */
    static float QS[1] = {0.5f};
    gb_init(&b);
    gb_float_init(&b, "c.weight", 4, WD, W, 144);
    gb_float_init(&b, "qs", 0, NULL, QS, 1);
    gb_node(&b, "DequantizeLinear", "dq", "xd", 2, "x", "qs");
    gb_node(&b, "Conv", "conv_node", "y", 2, "xd", "c.weight");
    buf = gb_pack(&b, &len);
    expect_fail(buf, len, "node 'dq' (op DequantizeLinear)", "not the output of a QuantizeLinear");
    free(buf);
}

/* net_to_json -> net_parse gives back the same IR for every zoo net. */
static void test_net_json_round_trip(void **state)
{
    (void)state;
    char **names;
    int k = config_names("nets", &names);
    assert_true(k >= 5);
    for (int i = 0; i < k; i++) {
        net a, b;
        tf_err e;
        if (net_load_named(&a, names[i], &e))
            fail_msg("%s", e.msg);
        char *text = net_to_json(&a, NULL, &e);
        assert_non_null(text);
        if (net_parse(&b, names[i], text, &e))
            fail_msg("%s: %s\n%s", names[i], e.msg, text);
        assert_int_equal(a.n_layers, b.n_layers);
        assert_int_equal(a.macs, b.macs);
        assert_int_equal(a.weights, b.weights);
        assert_int_equal(a.in_bits, b.in_bits);
        for (int j = 0; j < a.n_layers; j++) {
            layer la = a.layers[j], lb = b.layers[j];
            if (memcmp(&la, &lb, sizeof la) != 0)
                fail_msg("%s: layer %s differs after the round trip (a layer field sim/transform/net_write.c does not write?)",
                         names[i], la.name);
        }
        free(text);
        net_free(&a);
        net_free(&b);
        free(names[i]);
    }
    free(names);
}

int main(void)
{
    for (size_t i = 0; i < 144 * 3; i++)
        M[i] = (float)(i % 13) - 6.0f;
    for (size_t i = 0; i < sizeof W / sizeof *W; i++)
        W[i] = (float)((int)(i * 7 % 11) - 5) / 10.0f;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_mixed_matches_torch), cmocka_unit_test(test_fmnist_export_matches_zoo),
        cmocka_unit_test(test_bad_files),                 cmocka_unit_test(test_conv_attrs),
        cmocka_unit_test(test_graph_rules),               cmocka_unit_test(test_more_rules),
        cmocka_unit_test(test_net_json_round_trip),       cmocka_unit_test(test_zoo_ops),
        cmocka_unit_test(test_zoo_ops_match_torch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
