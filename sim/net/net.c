/* net.c: net IR helpers — names, bit vectors, cloning (loading is in net_load.c). */
#include "net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const OP_NAMES[OP__COUNT] = {
    [OP_CONV] = "conv", [OP_FC] = "fc", [OP_MAXPOOL] = "maxpool", [OP_AVGPOOL] = "avgpool",
    [OP_GAP] = "gap", [OP_REORG] = "reorg", [OP_CONCAT] = "concat", [OP_ADD] = "add",
    [OP_ACT] = "act", [OP_MUL] = "mul", [OP_BN] = "bn", [OP_SLICE] = "slice", [OP_SHUFFLE] = "shuffle",
};

static const char *const ACT_NAMES[ACT__COUNT] = {
    [ACT_NONE] = "none", [ACT_SIGMOID] = "sigmoid", [ACT_HSIGMOID] = "hsigmoid", [ACT_HSWISH] = "hswish",
    [ACT_SILU] = "silu",
};

const char *act_name(act_kind a)
{
    return (a >= 0 && a < ACT__COUNT) ? ACT_NAMES[a] : "?";
}

double act_eval(act_kind a, double x)
{
    double hs = x / 6.0 + 0.5;
    hs = hs < 0 ? 0 : hs > 1 ? 1 : hs;
    switch (a) {
    case ACT_SIGMOID: return 1.0 / (1.0 + exp(-x));
    case ACT_HSIGMOID: return hs;
    case ACT_HSWISH: return x * hs;
    case ACT_SILU: return x / (1.0 + exp(-x));
    default: return x;
    }
}

const char *op_name(op_kind op)
{
    return (op >= 0 && op < OP__COUNT) ? OP_NAMES[op] : "?";
}

int layer_cin_per_group(const layer *l)
{
    if (l->op == OP_FC)
        return l->cin * l->hin * l->win;
    return l->cin / (l->groups > 0 ? l->groups : 1);
}

int layer_weight_shape(const layer *l, int shape[4])
{
    shape[0] = l->cout;
    if (l->op == OP_BN)
        return 1;
    if (l->op == OP_FC) {
        shape[1] = l->cin * l->hin * l->win;
        return 2;
    }
    shape[1] = layer_cin_per_group(l);
    shape[2] = shape[3] = l->k;
    return 4;
}

void net_free(net *n)
{
    free(n->layers);
    n->layers = NULL;
    n->n_layers = 0;
}

int net_find(const net *n, const char *name)
{
    for (int i = 0; i < n->n_layers; i++)
        if (strcmp(n->layers[i].name, name) == 0)
            return i;
    return -1;
}

int net_clone(net *dst, const net *src, tf_err *e)
{
    *dst = *src;
    dst->layers = malloc(sizeof(layer) * (size_t)(src->n_layers ? src->n_layers : 1));
    if (!dst->layers)
        return tf_errf(e, "out of memory cloning net %s", src->name);
    memcpy(dst->layers, src->layers, sizeof(layer) * (size_t)src->n_layers);
    return 0;
}

static int n_settable(const net *n)
{
    int k = 0;
    for (int i = 0; i < n->n_layers; i++)
        if (layer_is_compute(&n->layers[i]) && !n->layers[i].bits_fixed)
            k++;
    return k;
}

static int check_digits(const net *n, const char *digits, const char *opt, tf_err *e)
{
    int want = n_settable(n);
    if ((int)strlen(digits) != want)
        return tf_errf(e, "%s: '%s' has %zu digits; net %s needs %d (one per compute layer%s)",
                       opt, digits, strlen(digits), n->name, want,
                       want != n->n_compute ? ", bits-fixed layers excluded" : "");
    for (const char *p = digits; *p; p++)
        if (*p < '1' || *p > '8')
            return tf_errf(e, "%s: '%s': each digit must be 1..8 (got '%c')", opt, digits, *p);
    return 0;
}

int net_apply_bit_digits(net *n, const char *wdigits, const char *adigits, tf_err *e)
{
    if (wdigits && check_digits(n, wdigits, "--bitw", e))
        return -1;
    if (adigits && check_digits(n, adigits, "--bita", e))
        return -1;
    int k = 0;
    for (int i = 0; i < n->n_layers; i++) {
        layer *l = &n->layers[i];
        if (!layer_is_compute(l) || l->bits_fixed)
            continue;
        if (wdigits)
            l->wbits = wdigits[k] - '0';
        if (adigits)
            l->abits = adigits[k] - '0';
        k++;
    }
    return 0;
}

int net_apply_bits(net *n, int wbits, int abits, tf_err *e)
{
    if (wbits < 0 || wbits > 8 || abits < 0 || abits > 8)
        return tf_errf(e, "--bits: weight and activation bits must be 1..8 (got %d/%d)", wbits, abits);
    for (int i = 0; i < n->n_layers; i++) {
        layer *l = &n->layers[i];
        if (!layer_is_compute(l) || l->bits_fixed)
            continue;
        if (wbits)
            l->wbits = wbits;
        if (abits)
            l->abits = abits;
    }
    return 0;
}

void net_bit_digits(const net *n, char *wout, char *aout, size_t cap)
{
    size_t k = 0;
    for (int i = 0; i < n->n_layers && k + 1 < cap; i++) {
        const layer *l = &n->layers[i];
        if (!layer_is_compute(l) || l->bits_fixed)
            continue;
        wout[k] = (char)('0' + l->wbits);
        aout[k] = (char)('0' + l->abits);
        k++;
    }
    wout[k] = aout[k] = '\0';
}

int net_out_bits(const net *n, int i)
{
    /* Breadth-first over consumers; pass-through ops keep looking downstream. */
    for (int j = i + 1; j < n->n_layers; j++) {
        const layer *c = &n->layers[j];
        for (int k = 0; k < c->n_inputs; k++) {
            if (c->inputs[k] != i)
                continue;
            if (layer_is_compute(c))
                return c->abits;
            int b = net_out_bits(n, j);
            if (b != 32)
                return b;
        }
    }
    const layer *l = &n->layers[i];
    return layer_is_compute(l) ? 32 : (i > 0 ? l->abits : n->in_bits);
}
