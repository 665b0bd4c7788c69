/* onnx_import.c: ONNX (protobuf-c, sim/transform/onnx.proto) -> net IR + float weights. */
#include "onnx_import.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "net/json_config.h"
#include "net_write.h"
#include "onnx.pb-c.h"

#define MAX_NODES 16384
#define MAX_ELEMS (1u << 28) /* elements of one tensor */

typedef Tf2onnx__Model Model;
typedef Tf2onnx__Graph Graph;
typedef Tf2onnx__Node Node;
typedef Tf2onnx__Tensor Tensor;
typedef Tf2onnx__Attribute Attr;

/* A tensor value of the graph: the output of a layer (or the graph input, layer -1). Flatten,
 * Reshape, Relu & co. make a new value that aliases an older one. */
typedef struct val {
    const char *name;
    int layer;
    int alias_of; /* index of the value this one renames, or -1 */
    bool flat;    /* flattened (by Flatten/Reshape): only an fc may consume it */
    int pad;      /* zero padding of a Pad node, for the Conv/AveragePool that takes it */
    int groups;   /* channels viewed as [groups, C/groups] by a 5-D Reshape (channel shuffle, step 1) */
    bool swapped; /* ... and transposed to [C/groups, groups] (step 2; a 4-D Reshape ends it) */
    int qbits;    /* quantised by a QuantizeLinear (its bits, narrowed by an integer Clip), else 0 */
    float qscale; /* ... and its scale */
} val;

typedef struct ilayer {
    layer l;
    float *w, *b;
    int wdim[4], wnd;
    const char *node, *optype;
    bool ceil_mode;
    int oc, oh, ow; /* output shape, once known (Shape nodes and channel slices need it) */
    int qin_bits;   /* bits of a QDQ pair on its input, 0 if none */
    float qin_scale;
    char comment[200];
} ilayer;

typedef struct reshape_check {
    int layer;
    long want;
    const char *node;
} reshape_check;

typedef struct ctx {
    const char *what;
    const Graph *g;
    const char **cname;
    const Tensor **cval;
    struct cquant { int bits; float s_lo, s_hi; } *cq; /* a dequantized constant's bits and scales */
    int n_const, cap_const;
    val *v;
    int n_v, cap_v;
    ilayer *ls;
    int n_ls;
    reshape_check *rc;
    int n_rc, cap_rc;
    const char *in_name;
    int in_c, in_h, in_w;
    const char **use; /* sorted consumer names (build_uses) */
    size_t n_use;
    bool dropped_softmax;
    Tensor **owned; /* constants computed here (Shape, folded integer arithmetic) */
    int n_owned, cap_owned;
    char label[96];
    tf_err *e;
} ctx;

/* ---- errors ---- */

static const char *node_label(ctx *c, const Node *nd, size_t idx)
{
    if (nd->name && nd->name[0])
        snprintf(c->label, sizeof c->label, "%s", nd->name);
    else
        snprintf(c->label, sizeof c->label, "#%zu", idx);
    return c->label;
}

#define NODE_ERR(c, nd, idx, fmt, ...)                                                                               \
    tf_errf((c)->e, "%s: node '%s' (op %s): " fmt, (c)->what, node_label((c), (nd), (idx)),                          \
            (nd)->op_type ? (nd)->op_type : "?", __VA_ARGS__)

/* ---- constants ---- */

static const Tensor *find_const(const ctx *c, const char *name)
{
    if (!name || !name[0])
        return NULL;
    for (int i = c->n_const - 1; i >= 0; i--)
        if (strcmp(c->cname[i], name) == 0)
            return c->cval[i];
    return NULL;
}

static int add_const(ctx *c, const char *name, const Tensor *t)
{
    if (c->n_const == c->cap_const) {
        int nc = c->cap_const ? c->cap_const * 2 : 64;
        const char **a = realloc(c->cname, sizeof *a * (size_t)nc);
        if (a)
            c->cname = a;
        const Tensor **b = a ? realloc(c->cval, sizeof *b * (size_t)nc) : NULL;
        if (b)
            c->cval = b;
        struct cquant *q = b ? realloc(c->cq, sizeof *q * (size_t)nc) : NULL;
        if (!a || !b || !q)
            return tf_errf(c->e, "out of memory");
        c->cq = q;
        c->cap_const = nc;
    }
    c->cname[c->n_const] = name;
    c->cq[c->n_const] = (struct cquant){0, 0, 0};
    c->cval[c->n_const++] = t;
    return 0;
}

/* The quantisation record of a constant (bits 0: none). */
static struct cquant const_quant(const ctx *c, const char *name)
{
    for (int i = c->n_const - 1; name && i >= 0; i--)
        if (strcmp(c->cname[i], name) == 0)
            return c->cq[i];
    return (struct cquant){0, 0, 0};
}

static int tensor_numel(ctx *c, const Tensor *t, const char *tname, size_t *n)
{
    size_t k = 1;
    *n = 0;
    for (size_t i = 0; i < t->n_dims; i++) {
        if (t->dims[i] < 0 || t->dims[i] > (int64_t)MAX_ELEMS)
            return tf_errf(c->e, "%s: tensor '%s': dimension %zu is %lld", c->what, tname, i, (long long)t->dims[i]);
        k *= (size_t)t->dims[i];
        if (k > MAX_ELEMS)
            return tf_errf(c->e, "%s: tensor '%s': more than %u elements", c->what, tname, MAX_ELEMS);
    }
    *n = k;
    return 0;
}

/* Float values of a constant (FLOAT or DOUBLE; raw_data or the typed field). malloc'd. */
static int tensor_f32(ctx *c, const Tensor *t, const char *tname, float **out, size_t *n)
{
    *out = NULL;
    if (tensor_numel(c, t, tname, n))
        return -1;
    if (t->has_data_location && t->data_location == 1)
        return tf_errf(c->e, "%s: tensor '%s': external data (a separate weights file) is not supported; export "
                       "with the weights inside the model", c->what, tname);
    int dt = t->has_data_type ? t->data_type : 0;
    if (dt != TF2ONNX__TENSOR__DATA_TYPE__FLOAT && dt != TF2ONNX__TENSOR__DATA_TYPE__DOUBLE)
        return tf_errf(c->e, "%s: tensor '%s': data type %d, expected float (1) or double (11)", c->what, tname, dt);
    float *v = malloc(sizeof *v * (*n ? *n : 1));
    if (!v)
        return tf_errf(c->e, "out of memory");
    size_t have;
    if (t->has_raw_data) {
        size_t es = dt == TF2ONNX__TENSOR__DATA_TYPE__FLOAT ? 4 : 8;
        have = t->raw_data.len / es;
        if (t->raw_data.len % es == 0 && have == *n)
            for (size_t i = 0; i < *n; i++) {
                const uint8_t *p = t->raw_data.data + i * es;
                if (es == 4) {
                    uint32_t u = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
                    memcpy(&v[i], &u, 4);
                } else {
                    uint64_t u = 0;
                    for (int b = 7; b >= 0; b--)
                        u = u << 8 | p[b];
                    double d;
                    memcpy(&d, &u, 8);
                    v[i] = (float)d;
                }
            }
        else
            have = (size_t)-1;
    } else if (dt == TF2ONNX__TENSOR__DATA_TYPE__FLOAT) {
        have = t->n_float_data;
        if (have == *n)
            memcpy(v, t->float_data, sizeof *v * *n);
    } else {
        have = t->n_double_data;
        if (have == *n)
            for (size_t i = 0; i < *n; i++)
                v[i] = (float)t->double_data[i];
    }
    if (have != *n) {
        free(v);
        return tf_errf(c->e, "%s: tensor '%s': holds %s values but its shape needs %zu (truncated file?)", c->what,
                       tname, have == (size_t)-1 ? "a partial number of" : "a different number of", *n);
    }
    for (size_t i = 0; i < *n; i++)
        if (!isfinite(v[i])) {
            free(v);
            return tf_errf(c->e, "%s: tensor '%s': value %zu is not finite", c->what, tname, i);
        }
    *out = v;
    return 0;
}

/* Integer values of a constant (INT64 or INT32). malloc'd. */
static int tensor_i64(ctx *c, const Tensor *t, const char *tname, int64_t **out, size_t *n)
{
    *out = NULL;
    if (tensor_numel(c, t, tname, n))
        return -1;
    int dt = t->has_data_type ? t->data_type : 0;
    if (dt != TF2ONNX__TENSOR__DATA_TYPE__INT64 && dt != TF2ONNX__TENSOR__DATA_TYPE__INT32 &&
        dt != TF2ONNX__TENSOR__DATA_TYPE__INT8 && dt != TF2ONNX__TENSOR__DATA_TYPE__UINT8)
        return tf_errf(c->e, "%s: tensor '%s': data type %d, expected an integer type (int64 7, int32 6, int8 3, "
                       "uint8 2)", c->what, tname, dt);
    int64_t *v = malloc(sizeof *v * (*n ? *n : 1));
    if (!v)
        return tf_errf(c->e, "out of memory");
    size_t es = dt == TF2ONNX__TENSOR__DATA_TYPE__INT64 ? 8 : dt == TF2ONNX__TENSOR__DATA_TYPE__INT32 ? 4 : 1, have;
    if (t->has_raw_data) {
        have = t->raw_data.len % es ? (size_t)-1 : t->raw_data.len / es;
        for (size_t i = 0; have == *n && i < *n; i++) {
            const uint8_t *p = t->raw_data.data + i * es;
            uint64_t u = 0;
            for (int b = (int)es - 1; b >= 0; b--)
                u = u << 8 | p[b];
            v[i] = es == 8 ? (int64_t)u : es == 4 ? (int64_t)(int32_t)(uint32_t)u
                 : dt == TF2ONNX__TENSOR__DATA_TYPE__INT8 ? (int64_t)(int8_t)(uint8_t)u : (int64_t)u;
        }
    } else if (es == 8) {
        have = t->n_int64_data;
        for (size_t i = 0; have == *n && i < *n; i++)
            v[i] = t->int64_data[i];
    } else {
        have = t->n_int32_data;
        for (size_t i = 0; have == *n && i < *n; i++)
            v[i] = t->int32_data[i];
    }
    if (have != *n) {
        free(v);
        return tf_errf(c->e, "%s: tensor '%s': holds a different number of values than its shape needs (%zu)",
                       c->what, tname, *n);
    }
    *out = v;
    return 0;
}

/* ---- attributes ---- */

static const Attr *attr(const Node *nd, const char *name)
{
    for (size_t i = 0; i < nd->n_attribute; i++)
        if (nd->attribute[i]->name && strcmp(nd->attribute[i]->name, name) == 0)
            return nd->attribute[i];
    return NULL;
}

static long long attr_int(const Node *nd, const char *name, long long dflt)
{
    const Attr *a = attr(nd, name);
    return a && a->has_i ? (long long)a->i : dflt;
}

static float attr_float(const Node *nd, const char *name, float dflt)
{
    const Attr *a = attr(nd, name);
    return a && a->has_f ? a->f : dflt;
}

/* A pair attribute (kernel_shape, strides, dilations: 2 entries) that must be equal. */
static int attr_pair(ctx *c, const Node *nd, size_t idx, const char *name, int dflt, int *out)
{
    const Attr *a = attr(nd, name);
    *out = dflt;
    if (!a || a->n_ints == 0)
        return 0;
    if (a->n_ints != 2)
        return NODE_ERR(c, nd, idx, "%s has %zu entries; only 2-D (N,C,H,W) is supported", name, a->n_ints);
    if (a->ints[0] != a->ints[1])
        return NODE_ERR(c, nd, idx, "%s %lld x %lld is not square (our layers have one value for H and W)", name,
                        (long long)a->ints[0], (long long)a->ints[1]);
    if (a->ints[0] < 0 || a->ints[0] > 1000)
        return NODE_ERR(c, nd, idx, "%s %lld out of range", name, (long long)a->ints[0]);
    *out = (int)a->ints[0];
    return 0;
}

static bool attr_str_is(const Node *nd, const char *name, const char *want)
{
    const Attr *a = attr(nd, name);
    if (!a || !a->has_s)
        return strcmp(want, "NOTSET") == 0;
    return a->s.len == strlen(want) && memcmp(a->s.data, want, a->s.len) == 0;
}

/* Window geometry shared by Conv and the pools: kernel k (given), strides, symmetric pads, no
 * dilation; auto_pad SAME_* only where the padding does not depend on the input size. */
static int window_attrs(ctx *c, const Node *nd, size_t idx, int k, int *stride, int *pad)
{
    int dil;
    if (attr_pair(c, nd, idx, "strides", 1, stride) || attr_pair(c, nd, idx, "dilations", 1, &dil))
        return -1;
    if (dil != 1)
        return NODE_ERR(c, nd, idx, "dilations %d are not supported (must be 1)", dil);
    *pad = 0;
    const Attr *p = attr(nd, "pads");
    if (p && p->n_ints) {
        if (p->n_ints != 4)
            return NODE_ERR(c, nd, idx, "pads has %zu entries; only 2-D is supported", p->n_ints);
        if (p->ints[0] != p->ints[1] || p->ints[0] != p->ints[2] || p->ints[0] != p->ints[3])
            return NODE_ERR(c, nd, idx, "asymmetric pads [%lld,%lld,%lld,%lld] are not supported", (long long)p->ints[0],
                            (long long)p->ints[1], (long long)p->ints[2], (long long)p->ints[3]);
        if (p->ints[0] < 0 || p->ints[0] > 14)
            return NODE_ERR(c, nd, idx, "pad %lld out of range (0..14)", (long long)p->ints[0]);
        *pad = (int)p->ints[0];
    }
    if (!attr_str_is(nd, "auto_pad", "NOTSET") && !attr_str_is(nd, "auto_pad", "VALID")) {
        if (!attr_str_is(nd, "auto_pad", "SAME_UPPER") && !attr_str_is(nd, "auto_pad", "SAME_LOWER"))
            return NODE_ERR(c, nd, idx, "%s", "unknown auto_pad");
        if (*stride != 1 || k % 2 == 0)
            return NODE_ERR(c, nd, idx, "auto_pad SAME with stride %d and kernel %d is not supported (write explicit "
                            "symmetric pads)", *stride, k);
        *pad = (k - 1) / 2;
    } else if (attr_str_is(nd, "auto_pad", "VALID")) {
        *pad = 0;
    }
    if (k < 1 || k > 15)
        return NODE_ERR(c, nd, idx, "kernel %d out of range (1..15)", k);
    if (*stride < 1 || *stride > 16)
        return NODE_ERR(c, nd, idx, "stride %d out of range (1..16)", *stride);
    if (*pad >= k)
        return NODE_ERR(c, nd, idx, "pad %d is not less than the kernel %d (not expressible in our net format)",
                        *pad, k);
    return 0;
}

/* ---- values ---- */

static int find_val(const ctx *c, const char *name)
{
    if (!name || !name[0])
        return -1;
    for (int i = c->n_v - 1; i >= 0; i--)
        if (strcmp(c->v[i].name, name) == 0)
            return i;
    return -1;
}

static int add_val(ctx *c, const char *name, int layer_idx, int alias_of, bool flat)
{
    if (!name || !name[0])
        return tf_errf(c->e, "%s: a node has an empty output name", c->what);
    if (find_val(c, name) >= 0 || find_const(c, name))
        return tf_errf(c->e, "%s: tensor '%s' is defined twice", c->what, name);
    if (c->n_v == c->cap_v) {
        int nc = c->cap_v ? c->cap_v * 2 : 64;
        val *nv = realloc(c->v, sizeof *nv * (size_t)nc);
        if (!nv)
            return tf_errf(c->e, "out of memory");
        c->v = nv;
        c->cap_v = nc;
    }
    c->v[c->n_v++] = (val){.name = name, .layer = layer_idx, .alias_of = alias_of, .flat = flat};
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every node input and graph output name, sorted: the consumers of a tensor are counted by
 * binary search. */
static int build_uses(ctx *c)
{
    size_t n = c->g->n_output;
    for (size_t i = 0; i < c->g->n_node; i++)
        n += c->g->node[i]->n_input;
    c->use = malloc(sizeof *c->use * (n ? n : 1));
    if (!c->use)
        return tf_errf(c->e, "out of memory");
    size_t k = 0;
    for (size_t i = 0; i < c->g->n_node; i++)
        for (size_t j = 0; j < c->g->node[i]->n_input; j++)
            if (c->g->node[i]->input[j] && c->g->node[i]->input[j][0])
                c->use[k++] = c->g->node[i]->input[j];
    for (size_t i = 0; i < c->g->n_output; i++)
        if (c->g->output[i]->name && c->g->output[i]->name[0])
            c->use[k++] = c->g->output[i]->name;
    qsort(c->use, k, sizeof *c->use, cmp_str);
    c->n_use = k;
    return 0;
}

/* Consumers of a tensor: node inputs plus graph outputs. */
static int uses(const ctx *c, const char *name)
{
    size_t lo = 0, hi = c->n_use;
    while (lo < hi) { /* first entry >= name */
        size_t mid = lo + (hi - lo) / 2;
        if (strcmp(c->use[mid], name) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    int k = 0;
    while (lo + (size_t)k < c->n_use && strcmp(c->use[lo + (size_t)k], name) == 0)
        k++;
    return k;
}

/* The layer a node can fold into through value vi: every name on the way back to the layer's
 * output has this node as its only consumer. NULL if not. */
static ilayer *fusable(const ctx *c, int vi)
{
    if (vi < 0 || c->v[vi].layer < 0)
        return NULL;
    for (int k = vi; k >= 0; k = c->v[k].alias_of)
        if (uses(c, c->v[k].name) != 1)
            return NULL;
    return &c->ls[c->v[vi].layer];
}

/* The value index of input j of a node, or an error. */
static int input_val(ctx *c, const Node *nd, size_t idx, size_t j, int *vi)
{
    if (j >= nd->n_input || !nd->input[j] || !nd->input[j][0])
        return NODE_ERR(c, nd, idx, "input %zu is missing", j);
    *vi = find_val(c, nd->input[j]);
    if (*vi < 0)
        return NODE_ERR(c, nd, idx, "input '%s' is %s", nd->input[j],
                        find_const(c, nd->input[j]) ? "a constant where a feature map is expected"
                                                    : "not produced by an earlier node (graph not topologically sorted?)");
    return 0;
}

static int input_const(ctx *c, const Node *nd, size_t idx, size_t j, const Tensor **t)
{
    if (j >= nd->n_input || !nd->input[j] || !nd->input[j][0])
        return NODE_ERR(c, nd, idx, "input %zu is missing", j);
    *t = find_const(c, nd->input[j]);
    if (!*t)
        return NODE_ERR(c, nd, idx, "input '%s' must be a constant (an initializer or a Constant node)", nd->input[j]);
    return 0;
}

/* ---- shapes and folded constants ---- */

/* Output shape of value vi: the graph input, or its layer's (computed once, in order). */
static void val_shape(ctx *c, int vi, int *oc, int *oh, int *ow);

static void layer_shape(ctx *c, int li, int *oc, int *oh, int *ow)
{
    if (li < 0) {
        *oc = c->in_c, *oh = c->in_h, *ow = c->in_w;
        return;
    }
    ilayer *L = &c->ls[li];
    if (L->oc > 0) {
        *oc = L->oc, *oh = L->oh, *ow = L->ow;
        return;
    }
    const layer *l = &L->l;
    int ic = 0, ih = 0, iw = 0;
    if (l->n_inputs > 0)
        layer_shape(c, l->inputs[0], &ic, &ih, &iw);
    int C = ic, H = ih, W = iw;
    switch (l->op) {
    case OP_CONV:
    case OP_MAXPOOL:
    case OP_AVGPOOL:
        C = l->op == OP_CONV ? l->cout : ic;
        H = net_window_out(ih, l->k, l->stride, l->pad, L->ceil_mode);
        W = net_window_out(iw, l->k, l->stride, l->pad, L->ceil_mode);
        break;
    case OP_FC:
        C = l->cout, H = W = 1;
        break;
    case OP_GAP:
        H = W = 1;
        break;
    case OP_REORG:
        C = ic * l->stride * l->stride, H = ih / l->stride, W = iw / l->stride;
        break;
    case OP_CONCAT:
        for (int k = 1; k < l->n_inputs; k++) {
            int c2, h2, w2;
            layer_shape(c, l->inputs[k], &c2, &h2, &w2);
            C += c2;
        }
        break;
    case OP_MUL:
        if (H == 1 && W == 1 && l->n_inputs > 1)
            layer_shape(c, l->inputs[1], &C, &H, &W);
        break;
    case OP_SLICE:
        C = l->cout;
        break;
    default:
        break;
    }
    L->oc = *oc = C, L->oh = *oh = H, L->ow = *ow = W;
}

static void val_shape(ctx *c, int vi, int *oc, int *oh, int *ow)
{
    layer_shape(c, c->v[vi].layer, oc, oh, ow);
}

/* Adds a constant computed here, owned by the context: int64 (i64) or float (f32) values, taken
 * over (malloc'd), with the dims given (nd 0: a scalar). */
static int own_const(ctx *c, const char *name, int64_t *i64, float *f32, size_t n, const int64_t *dims, size_t nd)
{
    Tensor *t = NULL;
    int64_t *dd = NULL;
    if (c->n_owned == c->cap_owned) {
        int nc = c->cap_owned ? c->cap_owned * 2 : 32;
        Tensor **a = realloc(c->owned, sizeof *a * (size_t)nc);
        if (!a)
            goto oom;
        c->owned = a;
        c->cap_owned = nc;
    }
    t = calloc(1, sizeof *t);
    dd = malloc(sizeof *dd * (nd ? nd : 1));
    if (!t || !dd)
        goto oom;
    tf2onnx__tensor__init(t);
    memcpy(dd, dims, sizeof *dd * nd);
    t->n_dims = nd;
    t->dims = dd;
    t->has_data_type = 1;
    t->data_type = i64 ? TF2ONNX__TENSOR__DATA_TYPE__INT64 : TF2ONNX__TENSOR__DATA_TYPE__FLOAT;
    t->n_int64_data = i64 ? n : 0;
    t->int64_data = i64;
    t->n_float_data = f32 ? n : 0;
    t->float_data = f32;
    c->owned[c->n_owned++] = t;
    if (find_val(c, name) >= 0 || find_const(c, name))
        return tf_errf(c->e, "%s: tensor '%s' is defined twice", c->what, name);
    return add_const(c, name, t);
oom:
    free(t), free(dd), free(i64), free(f32);
    return tf_errf(c->e, "out of memory");
}

/* An int64 constant (a copy of v): 1-D, or a scalar. */
static int add_const_i64(ctx *c, const char *name, const int64_t *v, size_t n, bool scalar)
{
    int64_t *d = malloc(sizeof *d * (n ? n : 1)), dims[1] = {(int64_t)n};
    if (!d)
        return tf_errf(c->e, "out of memory");
    memcpy(d, v, sizeof *d * n);
    return own_const(c, name, d, NULL, n, dims, scalar ? 0 : 1);
}

/* Shape of a feature map: [1, C, H, W] ([1, C*H*W] once flattened). */
static int do_shape(ctx *c, const Node *nd, size_t idx, int arg)
{
    (void)arg;
    int vi, C, H, W;
    if (input_val(c, nd, idx, 0, &vi))
        return -1;
    val_shape(c, vi, &C, &H, &W);
    int64_t v[4] = {1, C, H, W};
    if (c->v[vi].flat)
        v[1] = (int64_t)C * H * W;
    return add_const_i64(c, nd->output[0], v, c->v[vi].flat ? 2 : 4, false);
}

static bool all_const(const ctx *c, const Node *nd)
{
    for (size_t j = 0; j < nd->n_input; j++)
        if (nd->input[j] && nd->input[j][0] && !find_const(c, nd->input[j]))
            return false;
    return nd->n_input > 0;
}

/* Integer arithmetic on constants (the size computations PyTorch writes around a view or
 * chunk: Shape -> Gather -> Add/Div/Mul -> Slice ends): folded to a constant here. */
static int do_fold(ctx *c, const Node *nd, size_t idx, const char *op)
{
    int64_t *a = NULL, *b = NULL, out[64];
    size_t na = 0, nb = 0, no = 0;
    const Tensor *ta, *tb = NULL;
    int rc = -1;
    if (input_const(c, nd, idx, 0, &ta) || tensor_i64(c, ta, nd->input[0], &a, &na))
        goto done;
    bool scalar = ta->n_dims == 0;
    if (strcmp(op, "Concat") == 0) {
        scalar = false;
        for (size_t j = 0; j < nd->n_input; j++) {
            free(b);
            b = NULL;
            if (input_const(c, nd, idx, j, &tb) || tensor_i64(c, tb, nd->input[j], &b, &nb))
                goto done;
            for (size_t k = 0; k < nb; k++) {
                if (no == 64) {
                    NODE_ERR(c, nd, idx, "%s", "folds to more than 64 values");
                    goto done;
                }
                out[no++] = b[k];
            }
        }
    } else if (strcmp(op, "Gather") == 0) {
        if (attr_int(nd, "axis", 0) != 0 || input_const(c, nd, idx, 1, &tb) ||
            tensor_i64(c, tb, nd->input[1], &b, &nb))
            goto done;
        scalar = tb->n_dims == 0;
        for (size_t k = 0; k < nb && k < 64; k++) {
            int64_t i = b[k] < 0 ? b[k] + (int64_t)na : b[k];
            if (i < 0 || i >= (int64_t)na) {
                NODE_ERR(c, nd, idx, "index %lld outside the %zu values", (long long)b[k], na);
                goto done;
            }
            out[no++] = a[i];
        }
    } else if (strcmp(op, "Unsqueeze") == 0 || strcmp(op, "Squeeze") == 0 || strcmp(op, "Identity") == 0 ||
               strcmp(op, "Cast") == 0) {
        scalar = strcmp(op, "Squeeze") == 0 && na == 1;
        for (size_t k = 0; k < na && k < 64; k++)
            out[no++] = a[k];
    } else { /* Add, Sub, Mul, Div: element-wise with a broadcast scalar */
        if (input_const(c, nd, idx, 1, &tb) || tensor_i64(c, tb, nd->input[1], &b, &nb))
            goto done;
        if (na != nb && na != 1 && nb != 1) {
            NODE_ERR(c, nd, idx, "operands of %zu and %zu values do not broadcast", na, nb);
            goto done;
        }
        scalar = scalar && tb->n_dims == 0;
        size_t n = na > nb ? na : nb;
        for (size_t k = 0; k < n && k < 64; k++) {
            int64_t x = a[na == 1 ? 0 : k], y = b[nb == 1 ? 0 : k];
            if (op[0] == 'D' && y == 0) {
                NODE_ERR(c, nd, idx, "%s", "divides by zero");
                goto done;
            }
            int64_t r = 0;
            bool ovf = op[0] == 'A' ? __builtin_add_overflow(x, y, &r)
                     : op[0] == 'S' ? __builtin_sub_overflow(x, y, &r)
                     : op[0] == 'M' ? __builtin_mul_overflow(x, y, &r)
                                    : (x == INT64_MIN && y == -1) || ((r = x / y), false);
            if (ovf) {
                NODE_ERR(c, nd, idx, "%s", "overflows 64 bits");
                goto done;
            }
            out[no++] = r;
        }
    }
    rc = add_const_i64(c, nd->output[0], out, no, scalar);
done:
    free(a);
    free(b);
    return rc;
}

/* ---- layers ---- */

static int quant_clip(ctx *c, const Node *nd, size_t idx, int vi);

/* ONNX names (PyTorch writes "/features/features.0/Conv") become layer names, which end up in
 * file names and plot data: keep letters, digits and _ . -, start with neither . nor -. */
static void sanitize(const char *in, char *out, size_t cap)
{
    while (*in == '/' || *in == '.' || *in == '-')
        in++;
    size_t k = 0;
    for (; *in && k + 1 < cap && k < 48; in++) {
        char ch = *in;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                  ch == '-' || ch == '.';
        out[k++] = ok ? ch : '_';
    }
    out[k] = '\0';
}

/* conv0.weight -> conv0 (NULL if the name has no weight suffix). */
static bool weight_base(const char *w, char *out, size_t cap)
{
    static const char *suf[] = {".weight", "_weight", "/weight", ".W", "_W", ".kernel", "/kernel"};
    if (!w)
        return false;
    size_t n = strlen(w);
    for (size_t i = 0; i < sizeof suf / sizeof *suf; i++) {
        size_t k = strlen(suf[i]);
        if (n > k && strcmp(w + n - k, suf[i]) == 0) {
            char tmp[128];
            snprintf(tmp, sizeof tmp, "%.*s", (int)(n - k < 120 ? n - k : 120), w);
            sanitize(tmp, out, cap);
            return out[0] != '\0';
        }
    }
    return false;
}

static bool name_taken(const ctx *c, const char *s)
{
    if (strcmp(s, "input") == 0)
        return true;
    for (int i = 0; i < c->n_ls; i++)
        if (strcmp(c->ls[i].l.name, s) == 0)
            return true;
    return false;
}

static ilayer *new_layer(ctx *c, const Node *nd, size_t idx, op_kind op, const char *wname)
{
    if (c->n_ls >= NET_MAX_LAYERS) {
        NODE_ERR(c, nd, idx, "more than %d layers", NET_MAX_LAYERS);
        return NULL;
    }
    ilayer *L = &c->ls[c->n_ls];
    memset(L, 0, sizeof *L);
    char base[64] = "";
    if (!weight_base(wname, base, sizeof base) && nd->name)
        sanitize(nd->name, base, sizeof base);
    if (!base[0]) {
        const char *on = op_name(op);
        snprintf(base, sizeof base, "%s%d", on, c->n_ls);
    }
    snprintf(L->l.name, sizeof L->l.name, "%s", base);
    for (int s = 2; name_taken(c, L->l.name); s++)
        snprintf(L->l.name, sizeof L->l.name, "%s_%d", base, s);
    L->l.op = op;
    L->l.k = L->l.stride = L->l.groups = 1;
    L->l.wbits = L->l.abits = 8;
    L->node = nd->name && nd->name[0] ? nd->name : L->l.name;
    L->optype = nd->op_type;
    c->n_ls++;
    return L;
}

static int set_inputs(ctx *c, const Node *nd, size_t idx, ilayer *L, const int *vis, int n, bool allow_flat)
{
    if (n > LAYER_MAX_INPUTS)
        return NODE_ERR(c, nd, idx, "%d inputs (at most %d)", n, LAYER_MAX_INPUTS);
    for (int k = 0; k < n; k++) {
        if (c->v[vis[k]].flat && !allow_flat)
            return NODE_ERR(c, nd, idx, "input '%s' is flattened; only Gemm/MatMul may follow Flatten/Reshape",
                            c->v[vis[k]].name);
        if (c->v[vis[k]].pad && L->l.op != OP_CONV && L->l.op != OP_AVGPOOL)
            return NODE_ERR(c, nd, idx, "input '%s' is zero-padded by a Pad node; only Conv and AveragePool take "
                            "a Pad", c->v[vis[k]].name);
        if (c->v[vis[k]].groups)
            return NODE_ERR(c, nd, idx, "input '%s' is a 5-D view of its channels; only a channel shuffle "
                            "(Transpose [0,2,1,3,4], Reshape back to 4-D) is supported", c->v[vis[k]].name);
        L->l.inputs[k] = c->v[vis[k]].layer;
        if (c->v[vis[k]].qbits) { /* a QDQ pair on the input: its bits are this layer's abits */
            int qb = c->v[vis[k]].qbits;
            if (qb < 1 || qb > 8)
                return NODE_ERR(c, nd, idx, "input '%s' is quantised to %d bits; layers take 1..8", c->v[vis[k]].name,
                                qb);
            L->l.abits = qb;
            L->qin_bits = qb;
            L->qin_scale = c->v[vis[k]].qscale;
        }
    }
    L->l.n_inputs = n;
    return 0;
}

/* A weight that came through DequantizeLinear gives the layer its bits, and the note its scales. */
static int weight_quant(ctx *c, const Node *nd, size_t idx, ilayer *L)
{
    struct cquant q = const_quant(c, nd->input[1]);
    if (q.bits) {
        if (q.bits < 1 || q.bits > 8)
            return NODE_ERR(c, nd, idx, "weight '%s' is quantised to %d bits; layers take 1..8", nd->input[1], q.bits);
        L->l.wbits = q.bits;
    }
    size_t k = strlen(L->comment);
    if (q.bits)
        k += (size_t)snprintf(L->comment + k, sizeof L->comment - k, "%sQDQ: %d-bit weights, scale %.6g..%.6g",
                              k ? "; " : "", L->l.wbits, (double)q.s_lo, (double)q.s_hi);
    if (L->qin_bits && k < sizeof L->comment)
        snprintf(L->comment + k, sizeof L->comment - k, "%sQDQ: %d-bit inputs, scale %.6g", k ? "; " : "",
                 L->l.abits, (double)L->qin_scale);
    return 0;
}

static int do_conv(ctx *c, const Node *nd, size_t idx, int arg)
{
    (void)arg;
    int vi;
    const Tensor *W, *B = NULL;
    if (input_val(c, nd, idx, 0, &vi) || input_const(c, nd, idx, 1, &W))
        return -1;
    if (nd->n_input > 2 && nd->input[2] && nd->input[2][0] && input_const(c, nd, idx, 2, &B))
        return -1;
    if (W->n_dims != 4)
        return NODE_ERR(c, nd, idx, "weight '%s' has %zu dimensions; only 2-D convolutions (4-D weights) are supported",
                        nd->input[1], W->n_dims);
    for (int k = 0; k < 4; k++)
        if (W->dims[k] < 1 || W->dims[k] > 65536)
            return NODE_ERR(c, nd, idx, "weight '%s' has dimension %d = %lld", nd->input[1], k, (long long)W->dims[k]);
    if (W->dims[2] != W->dims[3])
        return NODE_ERR(c, nd, idx, "kernel %lld x %lld is not square", (long long)W->dims[2], (long long)W->dims[3]);
    int k = (int)W->dims[2], ks, stride, pad;
    if (attr_pair(c, nd, idx, "kernel_shape", k, &ks))
        return -1;
    if (ks != k)
        return NODE_ERR(c, nd, idx, "kernel_shape %d does not match the weight's %d", ks, k);
    if (window_attrs(c, nd, idx, k, &stride, &pad))
        return -1;
    long long groups = attr_int(nd, "group", 1);
    if (groups < 1 || groups > 65536 || W->dims[0] % groups)
        return NODE_ERR(c, nd, idx, "group %lld does not divide the %lld output channels", groups,
                        (long long)W->dims[0]);
    ilayer *L = new_layer(c, nd, idx, OP_CONV, nd->input[1]);
    if (!L || set_inputs(c, nd, idx, L, &vi, 1, false) || weight_quant(c, nd, idx, L))
        return -1;
    pad += c->v[vi].pad;
    if (pad >= k)
        return NODE_ERR(c, nd, idx, "pad %d (with the Pad before it) is not less than the kernel %d", pad, k);
    L->l.cout = (int)W->dims[0];
    L->l.k = k;
    L->l.stride = stride;
    L->l.pad = pad;
    L->l.groups = (int)groups;
    L->wnd = 4;
    for (int d = 0; d < 4; d++)
        L->wdim[d] = (int)W->dims[d];
    size_t n;
    if (tensor_f32(c, W, nd->input[1], &L->w, &n))
        return -1;
    if (B) {
        if (tensor_f32(c, B, nd->input[2], &L->b, &n))
            return -1;
        if (n != (size_t)L->l.cout)
            return NODE_ERR(c, nd, idx, "bias '%s' has %zu values for %d output channels", nd->input[2], n, L->l.cout);
        L->l.bias = true;
    }
    return add_val(c, nd->output[0], c->n_ls - 1, -1, false);
}

/* Gemm (A * B^T or A * B, alpha, beta * C) and MatMul with a constant B: fc. */
static int do_fc(ctx *c, const Node *nd, size_t idx, int gemm)
{
    int vi;
    const Tensor *Bt, *Ct = NULL;
    if (input_val(c, nd, idx, 0, &vi) || input_const(c, nd, idx, 1, &Bt))
        return -1;
    if (gemm && nd->n_input > 2 && nd->input[2] && nd->input[2][0] && input_const(c, nd, idx, 2, &Ct))
        return -1;
    if (gemm && attr_int(nd, "transA", 0) != 0)
        return NODE_ERR(c, nd, idx, "%s", "transA = 1 is not supported");
    bool transB = gemm && attr_int(nd, "transB", 0) != 0;
    float alpha = gemm ? attr_float(nd, "alpha", 1.0f) : 1.0f, beta = gemm ? attr_float(nd, "beta", 1.0f) : 1.0f;
    if (Bt->n_dims != 2 || Bt->dims[0] < 1 || Bt->dims[1] < 1)
        return NODE_ERR(c, nd, idx, "weight '%s' must be a 2-D matrix", nd->input[1]);
    int cout = (int)(transB ? Bt->dims[0] : Bt->dims[1]), cin = (int)(transB ? Bt->dims[1] : Bt->dims[0]);
    ilayer *L = new_layer(c, nd, idx, OP_FC, nd->input[1]);
    if (!L || set_inputs(c, nd, idx, L, &vi, 1, true) || weight_quant(c, nd, idx, L))
        return -1;
    L->l.cout = cout;
    L->wnd = 2;
    L->wdim[0] = cout;
    L->wdim[1] = cin;
    float *m;
    size_t n;
    if (tensor_f32(c, Bt, nd->input[1], &m, &n))
        return -1;
    if (transB) { /* already [cout][cin]: scaled in place (VGG's fc6 is 400 MB) */
        for (size_t i = 0; i < n; i++)
            m[i] *= alpha;
        L->w = m;
    } else {
        L->w = malloc(sizeof(float) * n);
        if (!L->w) {
            free(m);
            return tf_errf(c->e, "out of memory");
        }
        for (int o = 0; o < cout; o++)
            for (int i = 0; i < cin; i++)
                L->w[(size_t)o * cin + i] = alpha * m[(size_t)i * cout + o];
        free(m);
    }
    if (Ct) {
        if (tensor_f32(c, Ct, nd->input[2], &L->b, &n))
            return -1;
        if (n == 1 && cout > 1) {
            float v = L->b[0];
            free(L->b);
            L->b = malloc(sizeof(float) * (size_t)cout);
            if (!L->b)
                return tf_errf(c->e, "out of memory");
            for (int o = 0; o < cout; o++)
                L->b[o] = v;
        } else if (n != (size_t)cout) {
            return NODE_ERR(c, nd, idx, "C '%s' has %zu values for %d outputs", nd->input[2], n, cout);
        }
        for (int o = 0; o < cout; o++)
            L->b[o] *= beta;
        L->l.bias = true;
    }
    return add_val(c, nd->output[0], c->n_ls - 1, -1, false);
}

static int do_pool(ctx *c, const Node *nd, size_t idx, int op)
{
    int vi, k, stride, pad;
    if (input_val(c, nd, idx, 0, &vi))
        return -1;
    const Attr *ks = attr(nd, "kernel_shape");
    if (op != OP_GAP) {
        if (!ks || ks->n_ints == 0)
            return NODE_ERR(c, nd, idx, "%s", "kernel_shape is missing");
        if (attr_pair(c, nd, idx, "kernel_shape", 1, &k) || window_attrs(c, nd, idx, k, &stride, &pad))
            return -1;
        if (op == OP_AVGPOOL && pad > 0 && attr_int(nd, "count_include_pad", 0) == 0)
            return NODE_ERR(c, nd, idx, "%s", "padding with count_include_pad = 0 is not supported (our average "
                            "divides by k*k)");
    }
    if (op != OP_GAP && k == 1 && stride == 1 && pad == 0 && !c->v[vi].pad) /* VGG's 7x7 adaptive pool at 7x7 */
        return add_val(c, nd->output[0], c->v[vi].layer, vi, c->v[vi].flat);
    ilayer *L = new_layer(c, nd, idx, op, NULL);
    if (!L || set_inputs(c, nd, idx, L, &vi, 1, false))
        return -1;
    if (op != OP_GAP) {
        pad += c->v[vi].pad;
        if (pad >= k)
            return NODE_ERR(c, nd, idx, "pad %d (with the Pad before it) is not less than the window %d", pad, k);
        L->l.k = k;
        L->l.stride = stride;
        L->l.pad = pad;
        L->ceil_mode = attr_int(nd, "ceil_mode", 0) != 0;
    }
    return add_val(c, nd->output[0], c->n_ls - 1, -1, false);
}

static int do_relu(ctx *c, const Node *nd, size_t idx, int clip)
{
    int vi;
    if (input_val(c, nd, idx, 0, &vi))
        return -1;
    if (clip && c->v[vi].qbits)
        return quant_clip(c, nd, idx, vi);
    float lo = -INFINITY, hi = INFINITY;
    if (clip) {
        const Attr *a = attr(nd, "min");
        if (a && a->has_f)
            lo = a->f;
        if ((a = attr(nd, "max")) && a->has_f)
            hi = a->f;
        for (size_t j = 1; j < 3 && j < nd->n_input; j++) {
            if (!nd->input[j] || !nd->input[j][0])
                continue;
            const Tensor *t;
            float *v;
            size_t n;
            if (input_const(c, nd, idx, j, &t) || tensor_f32(c, t, nd->input[j], &v, &n))
                return -1;
            if (n != 1) {
                free(v);
                return NODE_ERR(c, nd, idx, "%s must be a scalar", j == 1 ? "min" : "max");
            }
            if (j == 1)
                lo = v[0];
            else
                hi = v[0];
            free(v);
        }
        if (lo != 0.0f)
            return NODE_ERR(c, nd, idx, "min %g is not supported (only Clip(min=0), a ReLU)", (double)lo);
    }
    ilayer *L = fusable(c, vi);
    if (!L)
        return NODE_ERR(c, nd, idx, "input '%s' %s", nd->input[0],
                        c->v[vi].layer < 0 ? "is the graph input (a ReLU must follow a layer)"
                                           : "has other consumers too, so the ReLU cannot become a flag of its producer");
    L->l.relu = true;
    if (clip && isfinite(hi))
        snprintf(L->comment + strlen(L->comment), sizeof L->comment - strlen(L->comment),
                 "%sONNX Clip(0, %g) imported as ReLU (upper bound dropped)", L->comment[0] ? "; " : "", (double)hi);
    return add_val(c, nd->output[0], c->v[vi].layer, vi, c->v[vi].flat);
}

/* A batch norm that cannot fold into a Conv/Gemm (densenet's BN after a concat): a layer of
 * its own with scale = gamma / sqrt(var + eps) and shift = beta - mean * scale. */
/* A BatchNormalization's per-channel scale gamma / sqrt(var + eps) and shift beta - mean * scale
 * (C channels), malloc'd. */
static int bn_scale_shift(ctx *c, const Node *nd, size_t idx, int C, float **scale, float **shift)
{
    float *p[4] = {0};
    size_t n[4];
    int rc = 0;
    *scale = *shift = NULL;
    for (int j = 0; j < 4 && !rc; j++) {
        const Tensor *t;
        rc = input_const(c, nd, idx, (size_t)j + 1, &t) || tensor_f32(c, t, nd->input[j + 1], &p[j], &n[j]);
        if (!rc && n[j] != (size_t)C)
            rc = NODE_ERR(c, nd, idx, "parameter '%s' has %zu values for %d channels", nd->input[j + 1], n[j], C);
    }
    if (!rc && (!(*scale = malloc(sizeof(float) * (size_t)C)) || !(*shift = malloc(sizeof(float) * (size_t)C))))
        rc = tf_errf(c->e, "out of memory");
    double eps = attr_float(nd, "epsilon", 1e-5f);
    for (int o = 0; !rc && o < C; o++) {
        double var = p[3][o] + eps;
        if (var <= 0) {
            rc = NODE_ERR(c, nd, idx, "variance + epsilon of channel %d is not positive", o);
            break;
        }
        double sc = p[0][o] / sqrt(var);
        (*scale)[o] = (float)sc;
        (*shift)[o] = (float)(p[1][o] - p[2][o] * sc);
    }
    for (int j = 0; j < 4; j++)
        free(p[j]);
    if (rc) {
        free(*scale), free(*shift);
        *scale = *shift = NULL;
    }
    return rc ? -1 : 0;
}

/* A batch norm that cannot fold into a Conv/Gemm (densenet's BN after a concat): a layer of
 * its own, weights = scale, bias = shift. */
static int do_bn_layer(ctx *c, const Node *nd, size_t idx, int vi)
{
    int C, H, W;
    val_shape(c, vi, &C, &H, &W);
    ilayer *L = new_layer(c, nd, idx, OP_BN, NULL);
    if (!L || set_inputs(c, nd, idx, L, &vi, 1, false))
        return -1;
    L->l.bias = true;
    L->wnd = 1;
    L->wdim[0] = C;
    if (bn_scale_shift(c, nd, idx, C, &L->w, &L->b))
        return -1;
    return add_val(c, nd->output[0], c->n_ls - 1, -1, false);
}

/* Pad (constant 0, H and W by the same amount): taken by the Conv or AveragePool after it. */
static int do_pad(ctx *c, const Node *nd, size_t idx, int arg)
{
    (void)arg;
    int vi;
    if (input_val(c, nd, idx, 0, &vi))
        return -1;
    if (!attr_str_is(nd, "mode", "constant") && !attr_str_is(nd, "mode", "NOTSET"))
        return NODE_ERR(c, nd, idx, "%s", "only mode 'constant' is supported");
    int64_t *p = NULL;
    size_t n = 0;
    const Attr *a = attr(nd, "pads");
    if (a && a->n_ints) {
        n = a->n_ints;
        if (!(p = malloc(sizeof *p * n)))
            return tf_errf(c->e, "out of memory");
        memcpy(p, a->ints, sizeof *p * n);
    } else {
        const Tensor *t;
        if (input_const(c, nd, idx, 1, &t) || tensor_i64(c, t, nd->input[1], &p, &n))
            return -1;
    }
    if (nd->n_input > 2 && nd->input[2] && nd->input[2][0]) {
        const Tensor *t;
        float *v;
        size_t nv;
        if (input_const(c, nd, idx, 2, &t) || tensor_f32(c, t, nd->input[2], &v, &nv)) {
            free(p);
            return -1;
        }
        bool zero = nv == 1 && v[0] == 0.0f;
        free(v);
        if (!zero) {
            free(p);
            return NODE_ERR(c, nd, idx, "%s", "only padding with zeros is supported");
        }
    }
    bool ok = n == 8 && p[0] == 0 && p[1] == 0 && p[4] == 0 && p[5] == 0 && p[2] == p[3] && p[2] == p[6] &&
              p[2] == p[7] && p[2] >= 0 && p[2] <= 14;
    int pad = ok ? (int)p[2] : 0;
    free(p);
    if (!ok)
        return NODE_ERR(c, nd, idx, "%s", "only the same zero padding of H and W on both sides (0..14) is supported");
    if (c->v[vi].flat || c->v[vi].groups)
        return NODE_ERR(c, nd, idx, "input '%s' is not a 4-D feature map", nd->input[0]);
    if (add_val(c, nd->output[0], c->v[vi].layer, vi, false))
        return -1;
    c->v[c->n_v - 1].pad = c->v[vi].pad + pad;
    return 0;
}

/* ReduceMean over H and W: a global average pool (mnasnet, shufflenet). */
static int do_reduce_mean(ctx *c, const Node *nd, size_t idx, int arg)
{
    (void)arg;
    const Attr *a = attr(nd, "axes");
    bool hw = a && a->n_ints == 2 && (a->ints[0] == 2 || a->ints[0] == -2) && (a->ints[1] == 3 || a->ints[1] == -1);
    if (!hw)
        return NODE_ERR(c, nd, idx, "%s", "only a mean over H and W (axes [2, 3]) is supported");
    if (do_pool(c, nd, idx, OP_GAP))
        return -1;
    c->v[c->n_v - 1].flat = attr_int(nd, "keepdims", 1) == 0;
    return 0;
}

static int do_act(ctx *c, const Node *nd, size_t idx, int a)
{
    int vi;
    if (input_val(c, nd, idx, 0, &vi))
        return -1;
    if (strcmp(nd->op_type, "HardSigmoid") == 0) {
        float al = attr_float(nd, "alpha", 0.2f), be = attr_float(nd, "beta", 0.5f);
        if (fabsf(al - 1.0f / 6.0f) > 1e-6f || fabsf(be - 0.5f) > 1e-6f)
            return NODE_ERR(c, nd, idx, "alpha %g, beta %g: only PyTorch's hardsigmoid (1/6, 1/2) is supported",
                            (double)al, (double)be);
    }
    ilayer *L = new_layer(c, nd, idx, OP_ACT, NULL);
    if (!L || set_inputs(c, nd, idx, L, &vi, 1, false))
        return -1;
    L->l.act = a;
    return add_val(c, nd->output[0], c->n_ls - 1, -1, false);
}

/* Mul of two feature maps: x * sigmoid(x) is SiLU and x * hardsigmoid(x) hard-swish (one LUT
 * unit); otherwise an element-wise multiply, e.g. squeeze-excite's per-channel factor. */
static int do_mul(ctx *c, const Node *nd, size_t idx, int arg)
{
    (void)arg;
    if (nd->n_input != 2)
        return NODE_ERR(c, nd, idx, "%zu inputs (Mul takes 2)", nd->n_input);
    int vis[2];
    if (input_val(c, nd, idx, 0, &vis[0]) || input_val(c, nd, idx, 1, &vis[1]))
        return -1;
    for (int k = 0; k < 2; k++) {
        ilayer *A = fusable(c, vis[k]);
        int x = vis[1 - k];
        if (A && A->l.op == OP_ACT && (A->l.act == ACT_SIGMOID || A->l.act == ACT_HSIGMOID) && !A->l.relu &&
            A->l.inputs[0] == c->v[x].layer && !c->v[x].flat && !c->v[x].pad) {
            A->l.act = A->l.act == ACT_SIGMOID ? ACT_SILU : ACT_HSWISH;
            return add_val(c, nd->output[0], c->v[vis[k]].layer, vis[k], false);
        }
    }
    ilayer *L = new_layer(c, nd, idx, OP_MUL, NULL);
    if (!L || set_inputs(c, nd, idx, L, vis, 2, false))
        return -1;
    return add_val(c, nd->output[0], c->n_ls - 1, -1, false);
}

static int slice_layer(ctx *c, const Node *nd, size_t idx, int vi, size_t out, long long start, long long end)
{
    int C, H, W;
    val_shape(c, vi, &C, &H, &W);
    if (start < 0)
        start += C;
    if (end < 0)
        end += C;
    if (end > C)
        end = C;
    if (start < 0 || start >= end)
        return NODE_ERR(c, nd, idx, "channels %lld..%lld of %d: empty or outside", start, end - 1, C);
    ilayer *L = new_layer(c, nd, idx, OP_SLICE, NULL);
    if (!L || set_inputs(c, nd, idx, L, &vi, 1, false))
        return -1;
    L->l.offset = (int)start;
    L->l.cout = (int)(end - start);
    return add_val(c, nd->output[out], c->n_ls - 1, -1, false);
}

/* Slice along the channels (step 1): a routing layer. */
static int do_slice(ctx *c, const Node *nd, size_t idx, int arg)
{
    (void)arg;
    int vi;
    if (input_val(c, nd, idx, 0, &vi))
        return -1;
    int64_t *v[4] = {0};
    size_t n[4] = {0};
    int rc = 0;
    for (size_t j = 1; j < 5 && !rc; j++) {
        if (j >= nd->n_input || !nd->input[j] || !nd->input[j][0])
            continue;
        const Tensor *t;
        rc = input_const(c, nd, idx, j, &t) || tensor_i64(c, t, nd->input[j], &v[j - 1], &n[j - 1]);
    }
    if (!rc && (!v[0] || !v[1] || n[0] != 1 || n[1] != 1 || (v[2] && (n[2] != 1 || (v[2][0] != 1 && v[2][0] != -3))) ||
                (v[3] && (n[3] != 1 || v[3][0] != 1))))
        rc = NODE_ERR(c, nd, idx, "%s", "only a slice of the channels (axes [1], steps [1]) is supported");
    if (!rc)
        rc = slice_layer(c, nd, idx, vi, 0, (long long)v[0][0], v[1][0] > INT32_MAX ? INT32_MAX : (long long)v[1][0]);
    for (int j = 0; j < 4; j++)
        free(v[j]);
    return rc;
}

/* Split along the channels: one slice layer per output. */
static int do_split(ctx *c, const Node *nd, size_t idx, int arg)
{
    (void)arg;
    int vi, C, H, W;
    if (input_val(c, nd, idx, 0, &vi))
        return -1;
    long long axis = attr_int(nd, "axis", 0);
    if (axis != 1 && axis != -3)
        return NODE_ERR(c, nd, idx, "axis %lld is not supported (only channels, axis 1)", axis);
    val_shape(c, vi, &C, &H, &W);
    int64_t *sz = NULL;
    size_t ns = 0;
    const Attr *a = attr(nd, "split");
    if (nd->n_input > 1 && nd->input[1] && nd->input[1][0]) {
        const Tensor *t;
        if (input_const(c, nd, idx, 1, &t) || tensor_i64(c, t, nd->input[1], &sz, &ns))
            return -1;
    } else if (a && a->n_ints) {
        ns = a->n_ints;
        if (!(sz = malloc(sizeof *sz * ns)))
            return tf_errf(c->e, "out of memory");
        memcpy(sz, a->ints, sizeof *sz * ns);
    }
    int rc = 0;
    if (sz && ns != nd->n_output)
        rc = NODE_ERR(c, nd, idx, "%zu sizes for %zu outputs", ns, nd->n_output);
    if (!sz && (nd->n_output == 0 || C % (int)nd->n_output))
        rc = NODE_ERR(c, nd, idx, "%d channels do not split evenly into %zu outputs", C, nd->n_output);
    long long at = 0;
    for (size_t k = 0; !rc && k < nd->n_output; k++) {
        long long len = sz ? (long long)sz[k] : C / (long long)nd->n_output;
        if (len < 1 || len > C)
            rc = NODE_ERR(c, nd, idx, "output %zu has %lld channels", k, len);
        else
            rc = slice_layer(c, nd, idx, vi, k, at, at + len);
        at += len;
    }
    free(sz);
    return rc;
}

/* PyTorch's channel shuffle: Reshape [N, G, C/G, H, W], Transpose [0, 2, 1, 3, 4], Reshape
 * [N, C, H, W] becomes one shuffle layer; a Transpose anywhere else is refused. */
static int do_transpose(ctx *c, const Node *nd, size_t idx, int arg)
{
    (void)arg;
    int vi;
    if (input_val(c, nd, idx, 0, &vi))
        return -1;
    const Attr *a = attr(nd, "perm");
    static const int64_t want[5] = {0, 2, 1, 3, 4};
    bool ok = c->v[vi].groups && !c->v[vi].swapped && a && a->n_ints == 5;
    for (int k = 0; ok && k < 5; k++)
        ok = a->ints[k] == want[k];
    if (!ok)
        return NODE_ERR(c, nd, idx, "%s", "only the channel shuffle's Transpose [0, 2, 1, 3, 4] of a Reshape to "
                        "[N, G, C/G, H, W] is supported");
    if (add_val(c, nd->output[0], c->v[vi].layer, vi, false))
        return -1;
    c->v[c->n_v - 1].groups = c->v[vi].groups;
    c->v[c->n_v - 1].swapped = true;
    return 0;
}

/* Reshape to 4-D or 5-D (the flattening Reshape to [N, C*H*W] is do_flatten's). */
static int do_reshape_nd(ctx *c, const Node *nd, size_t idx, int vi, const int64_t *s, size_t n)
{
    int C, H, W;
    val_shape(c, vi, &C, &H, &W);
    const val *v = &c->v[vi];
    if (n == 5 && !v->groups && !v->flat && !v->pad && (s[0] == 1 || s[0] == 0 || s[0] == -1) && s[1] > 1 &&
        C % s[1] == 0 && (s[2] == C / s[1] || s[2] == -1) && s[3] == H && s[4] == W) {
        if (add_val(c, nd->output[0], v->layer, vi, false))
            return -1;
        c->v[c->n_v - 1].groups = (int)s[1];
        return 0;
    }
    bool four = n == 4 && (s[0] == 1 || s[0] == 0 || s[0] == -1) && (s[1] == C || s[1] == -1) &&
                (s[2] == H || s[2] == 0) && (s[3] == W || s[3] == 0);
    if (four && v->groups && v->swapped) {
        ilayer *L = new_layer(c, nd, idx, OP_SHUFFLE, NULL);
        if (!L)
            return -1;
        L->l.groups = v->groups;
        L->l.inputs[0] = v->layer;
        L->l.n_inputs = 1;
        return add_val(c, nd->output[0], c->n_ls - 1, -1, false);
    }
    if (four && !v->groups && !v->flat)
        return add_val(c, nd->output[0], v->layer, vi, false);
    return NODE_ERR(c, nd, idx, "%s", "only a flattening reshape to [N, C*H*W], a reshape to the same [N, C, H, W] "
                    "and the channel shuffle's reshapes are supported");
}

static int do_bn(ctx *c, const Node *nd, size_t idx, int arg)
{
    (void)arg;
    int vi;
    if (input_val(c, nd, idx, 0, &vi))
        return -1;
    for (size_t j = 1; j < nd->n_output; j++)
        if (nd->output[j] && nd->output[j][0] && uses(c, nd->output[j]))
            return NODE_ERR(c, nd, idx, "%s", "training-mode outputs (running mean/var) are used; export in eval mode");
    ilayer *L = fusable(c, vi);
    if (!L || !layer_is_compute(&L->l) || L->l.relu)
        return do_bn_layer(c, nd, idx, vi);
    float *scale, *shift;
    if (bn_scale_shift(c, nd, idx, L->l.cout, &scale, &shift))
        return -1;
    if (!L->b && !(L->b = calloc((size_t)L->l.cout, sizeof(float)))) {
        free(scale), free(shift);
        return tf_errf(c->e, "out of memory");
    }
    size_t per = (size_t)L->wdim[1] * (L->wnd == 4 ? (size_t)L->wdim[2] * L->wdim[3] : 1);
    for (int o = 0; o < L->l.cout; o++) {
        for (size_t i = 0; i < per; i++)
            L->w[(size_t)o * per + i] *= scale[o];
        L->b[o] = L->b[o] * scale[o] + shift[o];
    }
    L->l.bias = L->l.bn = true;
    free(scale);
    free(shift);
    return add_val(c, nd->output[0], c->v[vi].layer, vi, c->v[vi].flat);
}

static int do_add(ctx *c, const Node *nd, size_t idx, int arg)
{
    (void)arg;
    if (nd->n_input != 2)
        return NODE_ERR(c, nd, idx, "%zu inputs (Add takes 2)", nd->n_input);
    const Tensor *t0 = find_const(c, nd->input[0]), *t1 = find_const(c, nd->input[1]);
    if (t0 && t1)
        return NODE_ERR(c, nd, idx, "%s", "both inputs are constants");
    if (t0 || t1) { /* a bias */
        size_t vj = t0 ? 1 : 0;
        const Tensor *t = t0 ? t0 : t1;
        int vi;
        if (input_val(c, nd, idx, vj, &vi))
            return -1;
        ilayer *L = fusable(c, vi);
        if (!L || !layer_is_compute(&L->l) || L->l.relu)
            return NODE_ERR(c, nd, idx, "adds constant '%s' to '%s', which is not the output of a Conv/Gemm/MatMul "
                            "used only here (before any ReLU)", nd->input[1 - vj], nd->input[vj]);
        /* The constant must broadcast per output channel: [C] for fc, [C,1,1] / [1,C,1,1] for conv. */
        size_t per_ch = 0, nd_ = t->n_dims;
        for (size_t d = 0; d < nd_; d++)
            if (t->dims[d] != 1) {
                size_t want = L->l.op == OP_FC ? nd_ - 1 : nd_ - 3;
                if (nd_ < (L->l.op == OP_FC ? 1u : 3u) || d != want || per_ch)
                    return NODE_ERR(c, nd, idx, "constant '%s' does not broadcast per output channel",
                                    nd->input[1 - vj]);
                per_ch = (size_t)t->dims[d];
            }
        float *v;
        size_t n;
        if (tensor_f32(c, t, nd->input[1 - vj], &v, &n))
            return -1;
        if (n != 1 && n != (size_t)L->l.cout) {
            free(v);
            return NODE_ERR(c, nd, idx, "constant '%s' has %zu values for %d channels", nd->input[1 - vj], n,
                            L->l.cout);
        }
        if (!L->b && !(L->b = calloc((size_t)L->l.cout, sizeof(float)))) {
            free(v);
            return tf_errf(c->e, "out of memory");
        }
        for (int o = 0; o < L->l.cout; o++)
            L->b[o] += v[n == 1 ? 0 : o];
        free(v);
        L->l.bias = true;
        return add_val(c, nd->output[0], c->v[vi].layer, vi, c->v[vi].flat);
    }
    int vis[2];
    if (input_val(c, nd, idx, 0, &vis[0]) || input_val(c, nd, idx, 1, &vis[1]))
        return -1;
    ilayer *L = new_layer(c, nd, idx, OP_ADD, NULL);
    if (!L || set_inputs(c, nd, idx, L, vis, 2, false))
        return -1;
    return add_val(c, nd->output[0], c->n_ls - 1, -1, false);
}

static int do_concat(ctx *c, const Node *nd, size_t idx, int arg)
{
    (void)arg;
    long long axis = attr_int(nd, "axis", 1);
    if (axis != 1 && axis != -3)
        return NODE_ERR(c, nd, idx, "axis %lld is not supported (only channels, axis 1)", axis);
    if (nd->n_input < 1 || nd->n_input > LAYER_MAX_INPUTS)
        return NODE_ERR(c, nd, idx, "%zu inputs (1..%d supported)", nd->n_input, LAYER_MAX_INPUTS);
    int vis[LAYER_MAX_INPUTS];
    for (size_t j = 0; j < nd->n_input; j++)
        if (input_val(c, nd, idx, j, &vis[j]))
            return -1;
    ilayer *L = new_layer(c, nd, idx, OP_CONCAT, NULL);
    if (!L || set_inputs(c, nd, idx, L, vis, (int)nd->n_input, false))
        return -1;
    return add_val(c, nd->output[0], c->n_ls - 1, -1, false);
}

static int do_flatten(ctx *c, const Node *nd, size_t idx, int reshape)
{
    int vi;
    if (input_val(c, nd, idx, 0, &vi))
        return -1;
    if (!reshape) {
        long long axis = attr_int(nd, "axis", 1);
        if (axis != 1)
            return NODE_ERR(c, nd, idx, "axis %lld is not supported (only 1: N x C*H*W)", axis);
    } else {
        const Tensor *t;
        int64_t *s;
        size_t n;
        if (input_const(c, nd, idx, 1, &t) || tensor_i64(c, t, nd->input[1], &s, &n))
            return -1;
        if (n == 4 || n == 5) {
            int rc = do_reshape_nd(c, nd, idx, vi, s, n);
            free(s);
            return rc;
        }
        if (c->v[vi].groups || c->v[vi].pad) {
            free(s);
            return NODE_ERR(c, nd, idx, "input '%s' is a padded or 5-D view; it cannot be flattened", nd->input[0]);
        }
        bool ok = n == 2 && (s[0] == 0 || s[0] == 1 || s[0] == -1) && (s[1] == -1 || s[1] > 0) &&
                  !(s[0] == -1 && s[1] == -1);
        long want = ok ? (long)s[1] : 0;
        free(s);
        if (!ok)
            return NODE_ERR(c, nd, idx, "%s", "only a reshape to [N, C*H*W] (flattening before Gemm/MatMul) is "
                            "supported");
        if (want > 0) {
            if (c->n_rc == c->cap_rc) {
                int ncap = c->cap_rc ? c->cap_rc * 2 : 8;
                reshape_check *nr = realloc(c->rc, sizeof *nr * (size_t)ncap);
                if (!nr)
                    return tf_errf(c->e, "out of memory");
                c->rc = nr;
                c->cap_rc = ncap;
            }
            c->rc[c->n_rc++] = (reshape_check){.layer = c->v[vi].layer, .want = want, .node = nd->name};
        }
    }
    return add_val(c, nd->output[0], c->v[vi].layer, vi, true);
}

static int do_passthrough(ctx *c, const Node *nd, size_t idx, int arg)
{
    (void)arg;
    int vi;
    const Tensor *t = nd->n_input > 0 ? find_const(c, nd->input[0]) : NULL;
    if (t) { /* PyTorch writes Identity over shared initializers: another name for the constant */
        if (find_val(c, nd->output[0]) >= 0 || find_const(c, nd->output[0]))
            return NODE_ERR(c, nd, idx, "output '%s' is defined twice", nd->output[0]);
        return add_const(c, nd->output[0], t);
    }
    if (input_val(c, nd, idx, 0, &vi))
        return -1;
    for (size_t j = 1; j < nd->n_output; j++)
        if (nd->output[j] && nd->output[j][0] && uses(c, nd->output[j]))
            return NODE_ERR(c, nd, idx, "output %zu is used (only the first output is supported)", j);
    return add_val(c, nd->output[0], c->v[vi].layer, vi, c->v[vi].flat);
}

static int do_softmax(ctx *c, const Node *nd, size_t idx, int arg)
{
    (void)arg;
    bool graph_out = false;
    for (size_t i = 0; i < c->g->n_output; i++)
        graph_out |= c->g->output[i]->name && strcmp(c->g->output[i]->name, nd->output[0]) == 0;
    if (!graph_out || uses(c, nd->output[0]) != 1)
        return NODE_ERR(c, nd, idx, "%s", "unsupported op (only a final Softmax feeding the graph output is dropped)");
    c->dropped_softmax = true;
    return do_passthrough(c, nd, idx, 0);
}

static int do_constant(ctx *c, const Node *nd, size_t idx, int arg)
{
    (void)arg;
    const Attr *a = attr(nd, "value");
    if (!a || !a->t)
        return NODE_ERR(c, nd, idx, "%s", "only Constant with a 'value' tensor is supported");
    if (find_val(c, nd->output[0]) >= 0 || find_const(c, nd->output[0]))
        return NODE_ERR(c, nd, idx, "output '%s' is defined twice", nd->output[0]);
    return add_const(c, nd->output[0], a->t);
}

static const char SUPPORTED[] = "Conv, Gemm, MatMul, MaxPool, AveragePool, GlobalAveragePool, ReduceMean (H, W), "
                                "Relu, Clip, Sigmoid, HardSigmoid, HardSwish, Mul, BatchNormalization, Add, Concat, "
                                "Slice, Split (channels), Pad, channel shuffle (Reshape, Transpose), Flatten, "
                                "Reshape, Dropout, Identity, Constant, Shape and integer arithmetic on constants, "
                                "QuantizeLinear/DequantizeLinear (QDQ), final Softmax";

static bool is_foldable(const char *op)
{
    static const char *const F[] = {"Gather", "Unsqueeze", "Squeeze", "Cast", "Concat", "Add", "Sub", "Mul", "Div",
                                    "Identity"};
    for (size_t i = 0; i < sizeof F / sizeof *F; i++)
        if (strcmp(op, F[i]) == 0)
            return true;
    return false;
}

/* ---- quantised ONNX (QDQ) ---- */

/* Smallest b with every value in b-bit two's complement (1 for all zeros). */
static int signed_bits(int64_t lo, int64_t hi)
{
    int b = 1;
    while (b < 63 && (lo < -((int64_t)1 << (b - 1)) || hi > ((int64_t)1 << (b - 1)) - 1))
        b++;
    return b;
}

/* Scale (input 1) and zero point (input 2, optional) of a Quantize/DequantizeLinear, per tensor
 * or along `axis` of x (dims). zp's type sets the quantised range: uint8 (the default) or int8. */
static int qparams(ctx *c, const Node *nd, size_t idx, const Tensor *x, float **s, int64_t **zp, size_t *ns,
                   int64_t *qlo, int64_t *qhi)
{
    const Tensor *ts, *tz = NULL;
    size_t nz = 0;
    *s = NULL;
    *zp = NULL;
    if (input_const(c, nd, idx, 1, &ts) || tensor_f32(c, ts, nd->input[1], s, ns))
        return -1;
    if (nd->n_input > 2 && nd->input[2] && nd->input[2][0] &&
        (input_const(c, nd, idx, 2, &tz) || tensor_i64(c, tz, nd->input[2], zp, &nz)))
        return free(*s), -1;
    int zt = tz && tz->has_data_type ? tz->data_type : TF2ONNX__TENSOR__DATA_TYPE__UINT8;
    *qlo = zt == TF2ONNX__TENSOR__DATA_TYPE__INT8 ? -128 : zt == TF2ONNX__TENSOR__DATA_TYPE__UINT8 ? 0 : INT32_MIN;
    *qhi = zt == TF2ONNX__TENSOR__DATA_TYPE__INT8 ? 127 : zt == TF2ONNX__TENSOR__DATA_TYPE__UINT8 ? 255 : INT32_MAX;
    long long axis = attr_int(nd, "axis", 1);
    if (axis < 0 && x)
        axis += (long long)x->n_dims;
    bool ok = *ns >= 1 && (!tz || nz == *ns);
    if (ok && *ns > 1)
        ok = x && axis >= 0 && (size_t)axis < x->n_dims && x->dims[axis] == (int64_t)*ns;
    for (size_t i = 0; ok && i < *ns; i++)
        ok = (*s)[i] > 0;
    if (!ok) {
        free(*s), free(*zp);
        *s = NULL, *zp = NULL;
        return NODE_ERR(c, nd, idx, "%s", "scale and zero point must be positive scales, per tensor or one per "
                        "channel of the axis, with as many zero points");
    }
    return 0;
}

/* Index along the quantisation axis of element i of x (0 for a per-tensor scale). */
static size_t qaxis_of(const Tensor *x, const Node *nd, size_t i, size_t ns)
{
    if (ns <= 1)
        return 0;
    long long axis = attr_int(nd, "axis", 1);
    if (axis < 0)
        axis += (long long)x->n_dims;
    size_t inner = 1;
    for (size_t d = (size_t)axis + 1; d < x->n_dims; d++)
        inner *= (size_t)x->dims[d];
    return (i / inner) % ns;
}

/* QuantizeLinear: of a constant (float weights in QDQ form), folded to its integer codes; of a
 * feature map, marks it quantised (the DequantizeLinear after it hands the bits on). */
static int do_quantize(ctx *c, const Node *nd, size_t idx, int arg)
{
    (void)arg;
    const Tensor *x = nd->n_input ? find_const(c, nd->input[0]) : NULL;
    float *s;
    int64_t *zp, qlo, qhi;
    size_t ns;
    if (!x) {
        int vi;
        if (input_val(c, nd, idx, 0, &vi) || qparams(c, nd, idx, NULL, &s, &zp, &ns, &qlo, &qhi))
            return -1;
        float s0 = s[0];
        free(s), free(zp);
        if (ns != 1)
            return NODE_ERR(c, nd, idx, "%s", "a feature map takes one scale (per tensor)");
        if (add_val(c, nd->output[0], c->v[vi].layer, vi, c->v[vi].flat))
            return -1;
        c->v[c->n_v - 1].qbits = signed_bits(0, qhi - qlo) - 1; /* 8 for uint8 and int8 */
        c->v[c->n_v - 1].qscale = s0;
        return 0;
    }
    float *v;
    size_t n;
    if (tensor_f32(c, x, nd->input[0], &v, &n))
        return -1;
    if (qparams(c, nd, idx, x, &s, &zp, &ns, &qlo, &qhi))
        return free(v), -1;
    int64_t *q = malloc(sizeof *q * (n ? n : 1));
    for (size_t i = 0; q && i < n; i++) {
        size_t a = qaxis_of(x, nd, i, ns);
        double r = nearbyint((double)v[i] / s[a]) + (double)(zp ? zp[a] : 0);
        q[i] = r < (double)qlo ? qlo : r > (double)qhi ? qhi : (int64_t)r;
    }
    free(v), free(s), free(zp);
    if (!q)
        return tf_errf(c->e, "out of memory");
    if (own_const(c, nd->output[0], q, NULL, n, x->dims, x->n_dims))
        return -1;
    c->cq[c->n_const - 1].bits = signed_bits(0, qhi - qlo) - 1;
    return 0;
}

/* DequantizeLinear: of an integer constant (QDQ weights), the float values (q - zp) * scale, with
 * the bits the codes need (the zero point's type, narrowed to the range the codes use: int8 codes
 * in -8..7 are 4-bit weights); of a quantised feature map, the map with its bits. */
static int do_dequantize(ctx *c, const Node *nd, size_t idx, int arg)
{
    (void)arg;
    const Tensor *x = nd->n_input ? find_const(c, nd->input[0]) : NULL;
    if (!x) {
        int vi;
        if (input_val(c, nd, idx, 0, &vi))
            return -1;
        if (!c->v[vi].qbits)
            return NODE_ERR(c, nd, idx, "input '%s' is not the output of a QuantizeLinear", nd->input[0]);
        if (add_val(c, nd->output[0], c->v[vi].layer, vi, c->v[vi].flat))
            return -1;
        c->v[c->n_v - 1].qbits = c->v[vi].qbits;
        c->v[c->n_v - 1].qscale = c->v[vi].qscale;
        return 0;
    }
    int64_t *q, *zp, qlo, qhi;
    float *s;
    size_t n, ns;
    if (tensor_i64(c, x, nd->input[0], &q, &n))
        return -1;
    if (qparams(c, nd, idx, x, &s, &zp, &ns, &qlo, &qhi))
        return free(q), -1;
    float *f = malloc(sizeof *f * (n ? n : 1));
    int64_t lo = 0, hi = 0;
    bool ovf = false;
    for (size_t i = 0; f && i < n; i++) {
        size_t a = qaxis_of(x, nd, i, ns);
        int64_t d;
        ovf |= __builtin_sub_overflow(q[i], zp ? zp[a] : 0, &d);
        lo = d < lo ? d : lo;
        hi = d > hi ? d : hi;
        f[i] = (float)((double)d * s[a]);
    }
    float s_lo = s[0], s_hi = s[0];
    for (size_t i = 1; i < ns; i++) {
        s_lo = s[i] < s_lo ? s[i] : s_lo;
        s_hi = s[i] > s_hi ? s[i] : s_hi;
    }
    struct cquant in = const_quant(c, nd->input[0]);
    int dt = x->has_data_type ? x->data_type : 0;
    int type_bits = in.bits ? in.bits : (dt == TF2ONNX__TENSOR__DATA_TYPE__INT8 || dt == TF2ONNX__TENSOR__DATA_TYPE__UINT8) ? 8 : 0;
    free(q), free(s), free(zp);
    if (!f)
        return tf_errf(c->e, "out of memory");
    if (ovf) {
        free(f);
        return NODE_ERR(c, nd, idx, "%s", "code minus zero point overflows 64 bits");
    }
    if (own_const(c, nd->output[0], NULL, f, n, x->dims, x->n_dims))
        return -1;
    int b = signed_bits(lo, hi);
    c->cq[c->n_const - 1] = (struct cquant){type_bits && b < type_bits ? b : type_bits, s_lo, s_hi};
    return 0;
}

/* Clip between QuantizeLinear and DequantizeLinear, on the integer codes: a narrower activation
 * (codes 0..15 are 4 bits). */
static int quant_clip(ctx *c, const Node *nd, size_t idx, int vi)
{
    int64_t b[2] = {INT64_MIN, INT64_MAX};
    for (size_t j = 1; j < 3 && j < nd->n_input; j++) {
        if (!nd->input[j] || !nd->input[j][0])
            continue;
        const Tensor *t;
        int64_t *v;
        size_t n;
        if (input_const(c, nd, idx, j, &t) || tensor_i64(c, t, nd->input[j], &v, &n))
            return -1;
        if (n == 1)
            b[j - 1] = v[0];
        free(v);
        if (n != 1)
            return NODE_ERR(c, nd, idx, "%s must be a scalar", j == 1 ? "min" : "max");
    }
    int64_t span;
    if (b[0] == INT64_MIN || b[1] == INT64_MAX || b[1] < b[0] || __builtin_sub_overflow(b[1], b[0], &span) ||
        span > 65535)
        return NODE_ERR(c, nd, idx, "%s", "a Clip of quantised codes needs integer min and max (at most 65536 codes)");
    int bits = signed_bits(0, span) - 1;
    if (bits < 1)
        bits = 1;
    if (add_val(c, nd->output[0], c->v[vi].layer, vi, c->v[vi].flat))
        return -1;
    c->v[c->n_v - 1].qbits = bits < c->v[vi].qbits ? bits : c->v[vi].qbits;
    c->v[c->n_v - 1].qscale = c->v[vi].qscale;
    return 0;
}

/* ONNX op -> handler and its argument. */
static const struct {
    const char *op;
    int (*fn)(ctx *, const Node *, size_t, int);
    int arg;
} HANDLERS[] = {
    {"Shape", do_shape, 0},          {"Pad", do_pad, 0},
    {"ReduceMean", do_reduce_mean, 0}, {"Sigmoid", do_act, ACT_SIGMOID},
    {"HardSigmoid", do_act, ACT_HSIGMOID}, {"HardSwish", do_act, ACT_HSWISH},
    {"Mul", do_mul, 0},              {"Slice", do_slice, 0},
    {"Split", do_split, 0},          {"Transpose", do_transpose, 0},
    {"Conv", do_conv, 0},            {"Gemm", do_fc, 1},
    {"MatMul", do_fc, 0},            {"MaxPool", do_pool, OP_MAXPOOL},
    {"AveragePool", do_pool, OP_AVGPOOL}, {"GlobalAveragePool", do_pool, OP_GAP},
    {"Relu", do_relu, 0},            {"Clip", do_relu, 1},
    {"BatchNormalization", do_bn, 0}, {"Add", do_add, 0},
    {"Concat", do_concat, 0},        {"Flatten", do_flatten, 0},
    {"Reshape", do_flatten, 1},      {"Dropout", do_passthrough, 0},
    {"Identity", do_passthrough, 0}, {"Softmax", do_softmax, 0},
    {"LogSoftmax", do_softmax, 0},   {"QuantizeLinear", do_quantize, 0},
    {"DequantizeLinear", do_dequantize, 0},
};

static int do_node(ctx *c, const Node *nd, size_t idx)
{
    const char *op = nd->op_type ? nd->op_type : "";
    if (nd->domain && nd->domain[0] && strcmp(nd->domain, "ai.onnx") != 0)
        return NODE_ERR(c, nd, idx, "op of domain '%s' is not supported (supported: %s)", nd->domain, SUPPORTED);
    if (nd->n_output < 1 || !nd->output[0] || !nd->output[0][0])
        return NODE_ERR(c, nd, idx, "%s", "has no output");
    if (strcmp(op, "Constant") == 0)
        return do_constant(c, nd, idx, 0);
    if (is_foldable(op) && all_const(c, nd))
        return strcmp(op, "Identity") == 0 ? do_passthrough(c, nd, idx, 0) : do_fold(c, nd, idx, op);
    for (size_t i = 0; i < sizeof HANDLERS / sizeof *HANDLERS; i++)
        if (strcmp(op, HANDLERS[i].op) == 0)
            return HANDLERS[i].fn(c, nd, idx, HANDLERS[i].arg);
    return NODE_ERR(c, nd, idx, "unsupported op (supported: %s)", SUPPORTED);
}

/* The one graph input that is not an initializer: N x C x H x W (or C x H x W). */
static int graph_input(ctx *c)
{
    const Tf2onnx__ValueInfo *in = NULL;
    int count = 0;
    for (size_t i = 0; i < c->g->n_input; i++) {
        const Tf2onnx__ValueInfo *vi = c->g->input[i];
        if (!vi->name || find_const(c, vi->name))
            continue;
        count++;
        in = vi;
    }
    if (count != 1)
        return tf_errf(c->e, "%s: the graph has %d non-constant inputs; exactly one image input is supported",
                       c->what, count);
    const Tf2onnx__TensorShape *s = in->type && in->type->tensor_type ? in->type->tensor_type->shape : NULL;
    if (!s || (s->n_dim != 4 && s->n_dim != 3))
        return tf_errf(c->e, "%s: graph input '%s': shape must be N x C x H x W (got %zu dimensions)", c->what,
                       in->name, s ? s->n_dim : (size_t)0);
    int d[3];
    for (int k = 0; k < 3; k++) {
        const Tf2onnx__Dimension *dm = s->dim[s->n_dim - 3 + (size_t)k];
        if (dm->value_case != TF2ONNX__DIMENSION__VALUE_DIM_VALUE || dm->dim_value < 1 || dm->dim_value > 65536)
            return tf_errf(c->e, "%s: graph input '%s': C, H and W must be fixed sizes in 1..65536", c->what,
                           in->name);
        d[k] = (int)dm->dim_value;
    }
    c->in_name = in->name;
    c->in_c = d[0];
    c->in_h = d[1];
    c->in_w = d[2];
    return add_val(c, in->name, -1, -1, false);
}

static void ctx_free(ctx *c)
{
    for (int i = 0; c->ls && i < c->n_ls; i++) {
        free(c->ls[i].w);
        free(c->ls[i].b);
    }
    free(c->ls);
    free(c->v);
    free(c->cname);
    free(c->cval);
    free(c->cq);
    free(c->rc);
    free(c->use);
    for (int i = 0; i < c->n_owned; i++) {
        free(c->owned[i]->dims);
        free(c->owned[i]->int64_data);
        free(c->owned[i]->float_data);
        free(c->owned[i]);
    }
    free(c->owned);
}

void onnx_result_free(onnx_result *r)
{
    if (r->comments)
        for (int i = 0; i < r->n.n_layers; i++)
            free(r->comments[i]);
    free(r->comments);
    r->comments = NULL;
    float_weights_free(&r->fw);
    net_free(&r->n);
}

/* Builds the IR from the collected layers: JSON text -> net_parse, which infers and checks
 * every shape; then the weights are checked against those shapes. */
static int finish(ctx *c, const Model *m, const char *name, onnx_result *r)
{
    net tmp = {0};
    snprintf(tmp.name, sizeof tmp.name, "%s", name);
    tmp.in_c = c->in_c, tmp.in_h = c->in_h, tmp.in_w = c->in_w, tmp.in_bits = 8;
    tmp.n_layers = c->n_ls;
    tmp.layers = calloc((size_t)c->n_ls, sizeof(layer));
    const char **cm = calloc((size_t)c->n_ls, sizeof(char *));
    bool *ceil = calloc((size_t)c->n_ls, sizeof(bool));
    if (!tmp.layers || !cm || !ceil) {
        free(tmp.layers), free(cm), free(ceil);
        return tf_errf(c->e, "out of memory");
    }
    for (int i = 0; i < c->n_ls; i++) {
        tmp.layers[i] = c->ls[i].l;
        cm[i] = c->ls[i].comment;
        ceil[i] = c->ls[i].ceil_mode;
    }
    net_text nt = {.comments = cm, .ceil_mode = ceil};
    char *t2 = net_to_json(&tmp, &nt, c->e);
    free(tmp.layers);
    free(cm);
    free(ceil);
    int rc = -1;
    if (!t2)
        return -1;
    memset(r, 0, sizeof *r);
    if (net_parse(&r->n, c->what, t2, c->e)) {
        tf_err_prefix(c->e, "%s: the imported net does not load", c->what);
        free(t2);
        return -1;
    }
    free(t2);
    snprintf(r->n.path, sizeof r->n.path, "%s", c->what);
    r->fw.l = calloc((size_t)c->n_ls, sizeof *r->fw.l);
    r->comments = calloc((size_t)c->n_ls, sizeof(char *));
    if (!r->fw.l || !r->comments) {
        tf_errf(c->e, "out of memory");
        goto out;
    }
    r->fw.n_layers = c->n_ls;
    for (int i = 0; i < c->n_ls; i++) {
        const layer *l = &r->n.layers[i];
        ilayer *L = &c->ls[i];
        if (l->op == OP_CONV && L->wdim[1] != layer_cin_per_group(l)) {
            tf_errf(c->e, "%s: node '%s' (op %s): weight has %d input channels per group but its input has %d / %d",
                    c->what, L->node, L->optype, L->wdim[1], l->cin, l->groups);
            goto out;
        }
        if (l->op == OP_FC && (long)L->wdim[1] != (long)l->cin * l->hin * l->win) {
            tf_errf(c->e, "%s: node '%s' (op %s): weight takes %d inputs but its input is %dx%dx%d = %ld", c->what,
                    L->node, L->optype, L->wdim[1], l->cin, l->hin, l->win, (long)l->cin * l->hin * l->win);
            goto out;
        }
        r->fw.l[i].w = L->w;
        r->fw.l[i].b = L->b;
        r->fw.l[i].n_w = (size_t)l->weights;
        L->w = L->b = NULL;
        if (L->comment[0] && !(r->comments[i] = strdup(L->comment))) {
            tf_errf(c->e, "out of memory");
            goto out;
        }
    }
    for (int k = 0; k < c->n_rc; k++) {
        int li = c->rc[k].layer;
        long have = li < 0 ? (long)c->in_c * c->in_h * c->in_w
                           : (long)r->n.layers[li].cout * r->n.layers[li].hout * r->n.layers[li].wout;
        if (have != c->rc[k].want) {
            tf_errf(c->e, "%s: node '%s' (op Reshape): reshapes %ld values to [N, %ld]", c->what,
                    c->rc[k].node ? c->rc[k].node : "?", have, c->rc[k].want);
            goto out;
        }
    }
    long long opset = 0;
    for (size_t i = 0; i < m->n_opset_import; i++)
        if (!m->opset_import[i]->domain || !m->opset_import[i]->domain[0])
            opset = m->opset_import[i]->version;
    const char *base = strrchr(c->what, '/');
    base = base ? base + 1 : c->what;
    snprintf(r->description, sizeof r->description, "Imported from ONNX %s by tf2sim import (producer %s %s, opset %lld, "
             "ir_version %lld)%s.", base, m->producer_name ? m->producer_name : "?",
             m->producer_version ? m->producer_version : "", opset, (long long)m->ir_version,
             c->dropped_softmax ? "; the final Softmax is left out (argmax unchanged)" : "");
    snprintf(r->source, sizeof r->source, "%s", c->what);
    rc = 0;
out:
    if (rc)
        onnx_result_free(r);
    return rc;
}

int onnx_import_buffer(const uint8_t *data, size_t len, const char *what, const char *name, onnx_result *r,
                       tf_err *e)
{
    memset(r, 0, sizeof *r);
    if (!name || !name[0] || strlen(name) >= NET_NAME_MAX)
        return tf_errf(e, "--name: '%s' must be 1..%d characters", name ? name : "", NET_NAME_MAX - 1);
    const char *why = name_unsafe(name, false);
    if (why)
        return tf_errf(e, "--name: '%s': the net name %s (allowed: letters, digits and _ . + -, not first . or -)",
                       name, why);
    Model *m = tf2onnx__model__unpack(NULL, len, data);
    if (!m)
        return tf_errf(e, "%s: not an ONNX model (protobuf parse failed: truncated or foreign file)", what);
    ctx c = {.what = what, .e = e};
    int rc = -1;
    if (!m->graph || m->graph->n_node == 0) {
        tf_errf(e, "%s: not an ONNX model (no graph with nodes)", what);
        goto out;
    }
    if (!m->has_ir_version || m->ir_version < 3) {
        tf_errf(e, "%s: not an ONNX model (ir_version missing or below 3)", what);
        goto out;
    }
    c.g = m->graph;
    if (c.g->n_node > MAX_NODES) {
        tf_errf(e, "%s: %zu nodes (at most %d)", what, c.g->n_node, MAX_NODES);
        goto out;
    }
    c.ls = calloc(NET_MAX_LAYERS, sizeof *c.ls);
    if (!c.ls) {
        tf_errf(e, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < c.g->n_initializer; i++) {
        const Tensor *t = c.g->initializer[i];
        if (!t->name || !t->name[0]) {
            tf_errf(e, "%s: initializer %zu has no name", what, i);
            goto out;
        }
        if (add_const(&c, t->name, t))
            goto out;
    }
    if (build_uses(&c) || graph_input(&c))
        goto out;
    for (size_t i = 0; i < c.g->n_node; i++)
        if (do_node(&c, c.g->node[i], i))
            goto out;
    bool any = false;
    for (int i = 0; i < c.n_ls; i++)
        any |= layer_is_compute(&c.ls[i].l);
    if (!any) {
        tf_errf(e, "%s: no Conv, Gemm or MatMul: nothing to compute", what);
        goto out;
    }
    rc = finish(&c, m, name, r);
out:
    ctx_free(&c);
    tf2onnx__model__free_unpacked(m, NULL);
    return rc;
}

int onnx_import_file(const char *path, const char *name, onnx_result *r, tf_err *e)
{
    memset(r, 0, sizeof *r);
    FILE *f = fopen(path, "rb");
    if (!f)
        return tf_errf(e, "%s: cannot open (%s)", path, strerror(errno));
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        fclose(f);
        return tf_errf(e, "%s: not a regular file", path);
    }
    if ((uint64_t)st.st_size > ((uint64_t)1 << 31)) {
        fclose(f);
        return tf_errf(e, "%s: larger than 2 GiB (the protobuf limit)", path);
    }
    size_t len = (size_t)st.st_size; /* one allocation: a VGG is 500 MB */
    uint8_t *buf = malloc(len ? len : 1);
    if (!buf) {
        fclose(f);
        return tf_errf(e, "%s: out of memory", path);
    }
    size_t got = fread(buf, 1, len, f);
    int err = ferror(f) || got != len;
    fclose(f);
    if (err) {
        free(buf);
        return tf_errf(e, "%s: read error", path);
    }
    int rc = onnx_import_buffer(buf, len, path, name, r, e);
    free(buf);
    return rc;
}
