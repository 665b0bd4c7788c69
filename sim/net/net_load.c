/* net_load.c: JSON net description -> validated net IR with inferred shapes. */
#include "net.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config_path.h"
#include "json_config.h"

static const char *const NET_KEYS[] = {"name", "description", "source", "input", "defaults",
                                       "layers", "reference", NULL};
static const char *const INPUT_KEYS[] = {"c", "h", "w", "bits", "name", NULL};
static const char *const DEFAULT_KEYS[] = {"wbits", "abits", NULL};
static const char *const LAYER_KEYS[] = {"name", "op", "inputs", "cout", "k", "stride", "pad",
                                         "groups", "depthwise", "wbits", "abits", "bits_fixed",
                                         "bn", "relu", "bias", "pow2", "ceil_mode", "comment", "act", "offset",
                                         NULL};

#define DIM_MAX 65536  /* sane upper bound for any channel count or spatial size */

static int parse_op(const char *s, op_kind *op)
{
    for (int i = 0; i < OP__COUNT; i++)
        if (strcmp(s, op_name((op_kind)i)) == 0) {
            *op = (op_kind)i;
            return 0;
        }
    return -1;
}

/* Resolves the layer's "inputs" (string or array of layer names; "input" = graph input). */
static int parse_inputs(const json_doc *d, net *n, json_t *jl, const char *lp, int idx, tf_err *e)
{
    layer *l = &n->layers[idx];
    json_t *ji = json_object_get(jl, "inputs");
    char path[256];
    snprintf(path, sizeof path, "%s.inputs", lp);
    if (!ji) { /* default: the previous layer, or the graph input for the first */
        l->n_inputs = 1;
        l->inputs[0] = idx - 1;
        return 0;
    }
    json_t *arr = ji;
    if (json_is_string(ji)) {
        arr = json_array();
        json_array_append(arr, ji);
    } else if (!json_is_array(ji) || json_array_size(ji) == 0) {
        return json_doc_err(d, e, path, "must be a layer name or a non-empty array of names");
    }
    int rc = 0;
    if (json_array_size(arr) > LAYER_MAX_INPUTS)
        rc = json_doc_err(d, e, path, "at most %d inputs", LAYER_MAX_INPUTS);
    for (size_t k = 0; !rc && k < json_array_size(arr); k++) {
        json_t *s = json_array_get(arr, k);
        if (!json_is_string(s)) {
            rc = json_doc_err(d, e, path, "entries must be layer names (strings)");
            break;
        }
        const char *nm = json_string_value(s);
        int src = strcmp(nm, "input") == 0 ? -1 : net_find(n, nm);
        if (src < 0 && strcmp(nm, "input") != 0) {
            /* Not among earlier layers: a later one (or itself) means a cycle. */
            bool later = false;
            json_t *jls = json_object_get(d->root, "layers");
            for (size_t j = (size_t)idx; j < json_array_size(jls); j++) {
                json_t *nmj = json_object_get(json_array_get(jls, j), "name");
                if (nmj && json_is_string(nmj) && strcmp(json_string_value(nmj), nm) == 0)
                    later = true;
            }
            rc = later ? json_doc_err(d, e, path, "'%s' is not an earlier layer (cycle or forward reference; layers must be in topological order)", nm)
                       : json_doc_err(d, e, path, "unknown layer '%s' (use an earlier layer's name or \"input\")", nm);
            break;
        }
        l->inputs[l->n_inputs++] = src;
    }
    if (arr != ji)
        json_decref(arr);
    return rc;
}

static void input_shape(const net *n, int src, int *c, int *h, int *w)
{
    if (src < 0) {
        *c = n->in_c;
        *h = n->in_h;
        *w = n->in_w;
    } else {
        *c = n->layers[src].cout;
        *h = n->layers[src].hout;
        *w = n->layers[src].wout;
    }
}

int net_window_out(int in, int k, int s, int p, bool ceil_mode)
{
    int span = in + 2 * p - k;
    if (span < 0)
        return 0;
    int o = (ceil_mode ? (span + s - 1) / s : span / s) + 1;
    if (ceil_mode && (o - 1) * s >= in + p) /* Caffe: last window must start inside */
        o--;
    return o;
}

/* Infers the output shape and checks the geometry of layer idx. */
static int infer_shape(const json_doc *d, net *n, int idx, const char *lp, bool ceil_mode, tf_err *e)
{
    layer *l = &n->layers[idx];
    int c0, h0, w0;
    input_shape(n, l->inputs[0], &c0, &h0, &w0);
    l->cin = c0;
    l->hin = h0;
    l->win = w0;
    char path[300];
    int want_in = l->op == OP_MUL ? 2 : 1;
    if (l->op != OP_CONCAT && l->op != OP_ADD && l->n_inputs != want_in) {
        snprintf(path, sizeof path, "%s.inputs", lp);
        return json_doc_err(d, e, path, "%s takes exactly %d input%s (got %d)", op_name(l->op), want_in,
                            want_in > 1 ? "s" : "", l->n_inputs);
    }
    switch (l->op) {
    case OP_CONV:
        if (l->groups < 1 || c0 % l->groups || l->cout % l->groups) {
            snprintf(path, sizeof path, "%s.groups", lp);
            return json_doc_err(d, e, path, "groups %d must divide cin %d and cout %d", l->groups, c0, l->cout);
        }
        /* fall through */
    case OP_MAXPOOL:
    case OP_AVGPOOL:
        if (l->k > h0 + 2 * l->pad || l->k > w0 + 2 * l->pad) {
            snprintf(path, sizeof path, "%s.k", lp);
            return json_doc_err(d, e, path, "window %d larger than the padded input %dx%d", l->k, h0 + 2 * l->pad, w0 + 2 * l->pad);
        }
        if (l->pad >= l->k) {
            snprintf(path, sizeof path, "%s.pad", lp);
            return json_doc_err(d, e, path, "must be in 0..%d (less than k)", l->k - 1);
        }
        if (l->op != OP_CONV)
            l->cout = c0;
        l->hout = net_window_out(h0, l->k, l->stride, l->pad, ceil_mode);
        l->wout = net_window_out(w0, l->k, l->stride, l->pad, ceil_mode);
        break;
    case OP_FC:
        l->hout = l->wout = 1;
        break;
    case OP_GAP:
        l->cout = c0;
        l->hout = l->wout = 1;
        break;
    case OP_REORG:
        if (h0 % l->stride || w0 % l->stride) {
            snprintf(path, sizeof path, "%s.stride", lp);
            return json_doc_err(d, e, path, "stride %d must divide the input %dx%d", l->stride, h0, w0);
        }
        l->cout = c0 * l->stride * l->stride;
        l->hout = h0 / l->stride;
        l->wout = w0 / l->stride;
        break;
    case OP_CONCAT:
    case OP_ADD: {
        int csum = 0;
        for (int k = 0; k < l->n_inputs; k++) {
            int c, h, w;
            input_shape(n, l->inputs[k], &c, &h, &w);
            bool bad = h != h0 || w != w0 || (l->op == OP_ADD && c != c0);
            if (bad) {
                snprintf(path, sizeof path, "%s.inputs", lp);
                return json_doc_err(d, e, path, "input %d is %dx%dx%d but input 0 is %dx%dx%d (%s needs %s)", k,
                                    c, h, w, c0, h0, w0, op_name(l->op),
                                    l->op == OP_ADD ? "equal shapes" : "equal height and width");
            }
            csum += c;
        }
        l->cin = l->op == OP_CONCAT ? csum : c0;
        l->cout = l->cin;
        l->hout = h0;
        l->wout = w0;
        break;
    }
    case OP_ACT:
    case OP_BN:
    case OP_MUL:
        if (l->op == OP_MUL) { /* either order; the per-channel factor goes second */
            int c, h, w;
            input_shape(n, l->inputs[1], &c, &h, &w);
            if (h0 == 1 && w0 == 1 && (h != 1 || w != 1)) {
                int t = l->inputs[0];
                l->inputs[0] = l->inputs[1];
                l->inputs[1] = t;
                input_shape(n, l->inputs[0], &c0, &h0, &w0);
                l->cin = c0, l->hin = h0, l->win = w0;
            }
        }
        l->cout = c0;
        l->hout = h0;
        l->wout = w0;
        if (l->op == OP_MUL) { /* input 1: the same shape, or one value per channel (squeeze-excite) */
            int c, h, w;
            input_shape(n, l->inputs[1], &c, &h, &w);
            if (c != c0 || !((h == h0 && w == w0) || (h == 1 && w == 1))) {
                snprintf(path, sizeof path, "%s.inputs", lp);
                return json_doc_err(d, e, path, "input 1 is %dx%dx%d; mul needs %dx%dx%d or %dx1x1", c, h, w, c0, h0,
                                    w0, c0);
            }
        }
        break;
    case OP_SLICE:
        if (l->offset + l->cout > c0) {
            snprintf(path, sizeof path, "%s.offset", lp);
            return json_doc_err(d, e, path, "channels %d..%d are outside the input's %d", l->offset,
                                l->offset + l->cout - 1, c0);
        }
        l->hout = h0;
        l->wout = w0;
        break;
    case OP_SHUFFLE:
        if (l->groups < 2 || c0 % l->groups) {
            snprintf(path, sizeof path, "%s.groups", lp);
            return json_doc_err(d, e, path, "groups %d must be at least 2 and divide the input's %d channels",
                                l->groups, c0);
        }
        l->cout = c0;
        l->hout = h0;
        l->wout = w0;
        break;
    default:
        break;
    }
    if (l->hout < 1 || l->wout < 1)
        return json_doc_err(d, e, lp, "output shape %dx%d is empty", l->hout, l->wout);
    if (l->op == OP_CONV) {
        l->macs = (uint64_t)l->hout * l->wout * l->cout * (uint64_t)(l->cin / l->groups) * l->k * l->k;
        l->weights = (uint64_t)l->cout * (l->cin / l->groups) * l->k * l->k;
    } else if (l->op == OP_FC) {
        l->weights = (uint64_t)l->cout * l->cin * l->hin * l->win;
        l->macs = l->weights;
    }
    return 0;
}

static int parse_layer(const json_doc *d, net *n, json_t *jl, int idx, long dw, long da, tf_err *e)
{
    char lp[64];
    snprintf(lp, sizeof lp, "layers[%d]", idx);
    if (!json_is_object(jl))
        return json_doc_err(d, e, lp, "must be an object");
    if (json_check_keys(d, jl, lp, LAYER_KEYS, e))
        return -1;
    layer *l = &n->layers[idx];
    memset(l, 0, sizeof *l);
    char opname[32];
    if (json_get_name(d, jl, lp, "name", true, l->name, sizeof l->name, e) ||
        json_get_str(d, jl, lp, "op", NULL, true, opname, sizeof opname, e))
        return -1;
    if (strcmp(l->name, "input") == 0 || net_find(n, l->name) >= 0) {
        char p[80];
        snprintf(p, sizeof p, "%s.name", lp);
        return json_doc_err(d, e, p, "'%s' is %s", l->name, strcmp(l->name, "input") ? "used by an earlier layer" : "reserved for the graph input");
    }
    if (parse_op(opname, &l->op)) {
        char p[80];
        snprintf(p, sizeof p, "%s.op", lp);
        return json_doc_err(d, e, p, "unknown op '%s' (allowed: conv, fc, maxpool, avgpool, gap, reorg, concat, add, act, mul, "
                            "bn, slice, shuffle)", opname);
    }
    if (parse_inputs(d, n, jl, lp, idx, e))
        return -1;
    long cout = 0, k = 1, stride = 1, pad = 0, groups = 1, wb, ab, offset = 0;
    bool depthwise = false, ceil_mode = false;
    bool compute = l->op == OP_CONV || l->op == OP_FC;
    bool windowed = l->op == OP_CONV || l->op == OP_MAXPOOL || l->op == OP_AVGPOOL;
    int cin0 = l->inputs[0] < 0 ? n->in_c : n->layers[l->inputs[0]].cout;
    if (json_get_bool(d, jl, lp, "depthwise", false, &depthwise, e))
        return -1;
    bool slice = l->op == OP_SLICE;
    if (json_get_int(d, jl, lp, "cout", 1, DIM_MAX, depthwise ? cin0 : 0, (compute && !depthwise) || slice, &cout, e) ||
        json_get_int(d, jl, lp, "offset", 0, DIM_MAX, 0, slice, &offset, e) ||
        json_get_int(d, jl, lp, "k", 1, 15, 1, windowed && l->op != OP_CONV, &k, e) ||
        /* Pools default to non-overlapping windows, reorg to 2x2; nothing else strides. */
        json_get_int(d, jl, lp, "stride", 1, 16, l->op == OP_REORG ? 2 : (windowed && l->op != OP_CONV ? k : 1),
                     false, &stride, e) ||
        json_get_int(d, jl, lp, "pad", 0, 14, 0, false, &pad, e) ||
        json_get_int(d, jl, lp, "groups", 1, DIM_MAX, depthwise ? cin0 : 1, l->op == OP_SHUFFLE, &groups, e) ||
        json_get_int(d, jl, lp, "wbits", 1, 8, dw, false, &wb, e) ||
        json_get_int(d, jl, lp, "abits", 1, 8, da, false, &ab, e) ||
        json_get_bool(d, jl, lp, "bits_fixed", false, &l->bits_fixed, e) ||
        json_get_bool(d, jl, lp, "bn", false, &l->bn, e) ||
        json_get_bool(d, jl, lp, "relu", false, &l->relu, e) ||
        json_get_bool(d, jl, lp, "bias", false, &l->bias, e) ||
        json_get_bool(d, jl, lp, "pow2", false, &l->pow2, e) ||
        json_get_bool(d, jl, lp, "ceil_mode", false, &ceil_mode, e))
        return -1;
    if (l->op == OP_CONV && json_object_get(jl, "k") == NULL) {
        char p[80];
        snprintf(p, sizeof p, "%s.k", lp);
        return json_doc_err(d, e, p, "missing required field (conv kernel size, 1..15)");
    }
    if (l->op == OP_ACT) {
        char an[32];
        char p[80];
        snprintf(p, sizeof p, "%s.act", lp);
        if (json_get_str(d, jl, lp, "act", NULL, true, an, sizeof an, e))
            return -1;
        for (int a = ACT_NONE + 1; a < ACT__COUNT; a++)
            if (strcmp(an, act_name((act_kind)a)) == 0)
                l->act = (act_kind)a;
        if (l->act == ACT_NONE)
            return json_doc_err(d, e, p, "unknown activation '%s' (allowed: sigmoid, hsigmoid, hswish, silu)", an);
    }
    if (l->op == OP_BN) /* its shift is the bias */
        l->bias = true;
    l->offset = (int)offset;
    l->cout = (int)cout;
    l->k = (int)k;
    l->stride = (int)stride;
    l->pad = (int)pad;
    l->groups = (int)groups;
    l->wbits = compute ? (int)wb : 0;
    l->abits = (int)ab;
    return infer_shape(d, n, idx, lp, ceil_mode, e);
}

/* Builds the net from a parsed document; frees nothing of d. */
static int net_from_doc(net *n, const json_doc *d, const char *path, tf_err *e)
{
    int rc = -1;
    json_t *r = d->root, *in, *layers, *defs;
    long c, h, w, bits, dw, da;
    if (json_check_keys(d, r, "", NET_KEYS, e) ||
        json_get_name(d, r, "", "name", false, n->name, sizeof n->name, e))
        goto out;
    snprintf(n->path, sizeof n->path, "%s", path);
    in = json_object_get(r, "input");
    if (!in || !json_is_object(in)) {
        json_doc_err(d, e, "input", "missing or not an object (needs c, h, w)");
        goto out;
    }
    defs = json_object_get(r, "defaults");
    if (defs && !json_is_object(defs)) {
        json_doc_err(d, e, "defaults", "must be an object with wbits/abits");
        goto out;
    }
    if (json_check_keys(d, in, "input", INPUT_KEYS, e) ||
        json_get_int(d, in, "input", "c", 1, DIM_MAX, 0, true, &c, e) ||
        json_get_int(d, in, "input", "h", 1, DIM_MAX, 0, true, &h, e) ||
        json_get_int(d, in, "input", "w", 1, DIM_MAX, 0, true, &w, e) ||
        json_get_int(d, in, "input", "bits", 1, 8, 8, false, &bits, e))
        goto out;
    dw = da = 8;
    if (defs && (json_check_keys(d, defs, "defaults", DEFAULT_KEYS, e) ||
                 json_get_int(d, defs, "defaults", "wbits", 1, 8, 8, false, &dw, e) ||
                 json_get_int(d, defs, "defaults", "abits", 1, 8, 8, false, &da, e)))
        goto out;
    n->in_c = (int)c;
    n->in_h = (int)h;
    n->in_w = (int)w;
    n->in_bits = (int)bits;
    layers = json_object_get(r, "layers");
    if (!layers || !json_is_array(layers) || json_array_size(layers) == 0) {
        json_doc_err(d, e, "layers", "missing or empty (needs an array of layers)");
        goto out;
    }
    if (json_array_size(layers) > NET_MAX_LAYERS) {
        json_doc_err(d, e, "layers", "at most %d layers", NET_MAX_LAYERS);
        goto out;
    }
    n->layers = calloc(json_array_size(layers), sizeof(layer));
    if (!n->layers) {
        tf_errf(e, "%s: out of memory", path);
        goto out;
    }
    for (size_t i = 0; i < json_array_size(layers); i++) {
        if (parse_layer(d, n, json_array_get(layers, i), (int)i, dw, da, e))
            goto out;
        n->n_layers = (int)i + 1;
        layer *l = &n->layers[i];
        n->macs += l->macs;
        n->weights += l->weights;
        n->n_compute += layer_is_compute(l);
    }
    if (n->n_compute == 0) {
        json_doc_err(d, e, "layers", "no conv or fc layer: nothing to compute");
        goto out;
    }
    rc = 0;
out:
    if (rc)
        net_free(n);
    return rc;
}

static int net_build(void *ctx, const json_doc *d, tf_err *e)
{
    return net_from_doc(ctx, d, d->path, e);
}

int net_load(net *n, const char *path, tf_err *e)
{
    memset(n, 0, sizeof *n);
    return json_doc_with(path, NULL, net_build, n, e);
}

int net_parse(net *n, const char *name, const char *text, tf_err *e)
{
    memset(n, 0, sizeof *n);
    return json_doc_with(name, text, net_build, n, e);
}

int net_load_named(net *n, const char *name_or_path, tf_err *e)
{
    char path[1024];
    if (config_resolve("nets", "net", name_or_path, path, sizeof path, e))
        return -1;
    return net_load(n, path, e);
}
