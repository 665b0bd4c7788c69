/* float_ref.c: float layers over the net IR. */
#include "float_ref.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/npy.h"

int ftensor_alloc(ftensor *t, int c, int h, int w, tf_err *e)
{
    ftensor_free(t);
    if (c <= 0 || h <= 0 || w <= 0)
        return tf_errf(e, "tensor: bad shape %dx%dx%d", c, h, w);
    t->d = calloc((size_t)c * h * w, sizeof *t->d);
    if (!t->d)
        return tf_errf(e, "tensor: out of memory for %dx%dx%d", c, h, w);
    t->c = c, t->h = h, t->w = w;
    return 0;
}

void ftensor_free(ftensor *t)
{
    free(t->d);
    t->d = NULL;
    t->c = t->h = t->w = 0;
}

void float_weights_free(float_weights *fw)
{
    if (fw->l)
        for (int i = 0; i < fw->n_layers; i++) {
            free(fw->l[i].w);
            free(fw->l[i].b);
        }
    free(fw->l);
    fw->l = NULL;
    fw->n_layers = 0;
}

int float_weights_load_npy(float_weights *fw, const net *n, const char *dir, tf_err *e)
{
    memset(fw, 0, sizeof *fw);
    fw->l = calloc((size_t)n->n_layers, sizeof *fw->l);
    if (!fw->l)
        return tf_errf(e, "out of memory");
    fw->n_layers = n->n_layers;
    snprintf(fw->dir, sizeof fw->dir, "%s", dir);
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        if (!layer_has_params(l))
            continue;
        char path[1024];
        int shape[4], nd = layer_weight_shape(l, shape);
        snprintf(path, sizeof path, "%s/%s_w.npy", dir, l->name);
        if (npy_load_f32(path, nd, shape, &fw->l[i].w, NULL, NULL, e))
            goto fail;
        fw->l[i].n_w = (size_t)l->weights;
        if (l->bias) {
            int bs[1] = {l->cout};
            snprintf(path, sizeof path, "%s/%s_b.npy", dir, l->name);
            if (npy_load_f32(path, 1, bs, &fw->l[i].b, NULL, NULL, e))
                goto fail;
        }
    }
    return 0;
fail:
    float_weights_free(fw);
    return -1;
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define HOT_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define HOT_CLONES
#endif

HOT_CLONES static int fconv(const layer *l, const ftensor *in, const float *w, const float *b, ftensor *out, tf_err *e)
{
    if (in->c != l->cin || in->h != l->hin || in->w != l->win)
        return tf_errf(e, "%s: input is %dx%dx%d, expected %dx%dx%d", l->name, in->c, in->h, in->w, l->cin, l->hin,
                       l->win);
    if (l->op == OP_FC) {
        if (ftensor_alloc(out, l->cout, 1, 1, e))
            return -1;
        size_t n = ftensor_size(in);
        for (int o = 0; o < l->cout; o++) {
            double s = b ? b[o] : 0;
            for (size_t i = 0; i < n; i++)
                s += (double)w[(size_t)o * n + i] * in->d[i];
            out->d[o] = (float)s;
        }
        return 0;
    }
    /* Tiled matrix product over a zero-padded copy (as numerics_mixq.c does for integers). */
    int k = l->k, st = l->stride, pad = l->pad;
    int ph = (l->hout - 1) * st + k, pw = (l->wout - 1) * st + k;
    if (ph < l->hin + pad)
        ph = l->hin + pad;
    if (pw < l->win + pad)
        pw = l->win + pad;
    int groups = l->groups > 0 ? l->groups : 1, cpg = l->cin / groups, opg = l->cout / groups;
    int K = cpg * k * k, P = l->hout * l->wout, rows = 1024 / l->wout < 1 ? 1 : 1024 / l->wout;
    float *pin = calloc((size_t)l->cin * ph * pw, sizeof *pin);
    float *X = malloc((size_t)K * rows * l->wout * sizeof *X);
    if (!pin || !X || ftensor_alloc(out, l->cout, l->hout, l->wout, e)) {
        free(pin), free(X);
        return tf_errf(e, "%s: out of memory", l->name);
    }
    for (int c = 0; c < l->cin; c++)
        for (int y = 0; y < l->hin; y++)
            memcpy(pin + ((size_t)c * ph + y + pad) * pw + pad, in->d + ((size_t)c * l->hin + y) * l->win,
                   sizeof(float) * (size_t)l->win);
    for (int g = 0; g < groups; g++)
        for (int oy0 = 0; oy0 < l->hout; oy0 += rows) {
            int nr = oy0 + rows <= l->hout ? rows : l->hout - oy0, np = nr * l->wout, p0 = oy0 * l->wout;
            for (int ci = 0; ci < cpg; ci++)
                for (int ky = 0; ky < k; ky++)
                    for (int kx = 0; kx < k; kx++) {
                        float *xr = X + (size_t)((ci * k + ky) * k + kx) * np;
                        const float *plane = pin + (size_t)(g * cpg + ci) * ph * pw;
                        for (int r = 0; r < nr; r++) {
                            const float *src = plane + (size_t)((oy0 + r) * st + ky) * pw + kx;
                            for (int x = 0; x < l->wout; x++)
                                xr[(size_t)r * l->wout + x] = src[x * st];
                        }
                    }
            for (int oo = 0; oo < opg; oo++) {
                int o = g * opg + oo;
                float *a = out->d + (size_t)o * P + p0;
                const float *wo = w + (size_t)o * K;
                float b0 = b ? b[o] : 0.0f;
                for (int p = 0; p < np; p++)
                    a[p] = b0;
                for (int kk = 0; kk < K; kk++) {
                    float c0 = wo[kk];
                    const float *xr = X + (size_t)kk * np;
                    for (int p = 0; p < np; p++)
                        a[p] += c0 * xr[p];
                }
            }
        }
    free(pin), free(X);
    return 0;
}

static void frelu(ftensor *t)
{
    for (size_t i = 0; i < ftensor_size(t); i++)
        if (t->d[i] < 0)
            t->d[i] = 0;
}

static int fpool(const layer *l, const ftensor *in, ftensor *out, int is_max, tf_err *e)
{
    if (ftensor_alloc(out, l->cout, l->hout, l->wout, e))
        return -1;
    for (int c = 0; c < l->cout; c++)
        for (int y = 0; y < l->hout; y++)
            for (int x = 0; x < l->wout; x++) {
                double m = is_max ? -DBL_MAX : 0;
                int cnt = 0;
                for (int ky = 0; ky < l->k; ky++)
                    for (int kx = 0; kx < l->k; kx++) {
                        int iy = y * l->stride - l->pad + ky, ix = x * l->stride - l->pad + kx;
                        if (iy < 0 || iy >= in->h || ix < 0 || ix >= in->w)
                            continue;
                        float v = in->d[((size_t)c * in->h + iy) * in->w + ix];
                        if (is_max)
                            m = v > m ? v : m;
                        else
                            m += v;
                        cnt++;
                    }
                out->d[((size_t)c * l->hout + y) * l->wout + x] =
                    (float)(is_max ? (cnt ? m : 0) : (cnt ? m / (l->k * l->k) : 0));
            }
    return 0;
}

int float_layer_forward(const net *n, const float_weights *fw, int i, const ftensor *const *ins, ftensor *out,
                        tf_err *e)
{
    const layer *l = &n->layers[i];
    const ftensor *in = ins[0];
    switch (l->op) {
    case OP_CONV:
    case OP_FC:
        if (!fw || i >= fw->n_layers || !fw->l[i].w)
            return tf_errf(e, "%s: no float weights loaded", l->name);
        if (fconv(l, in, fw->l[i].w, fw->l[i].b, out, e))
            return -1;
        break;
    case OP_MAXPOOL:
    case OP_AVGPOOL:
        if (fpool(l, in, out, l->op == OP_MAXPOOL, e))
            return -1;
        break;
    case OP_GAP:
        if (ftensor_alloc(out, in->c, 1, 1, e))
            return -1;
        for (int c = 0; c < in->c; c++) {
            double s = 0;
            for (int k = 0; k < in->h * in->w; k++)
                s += in->d[(size_t)c * in->h * in->w + k];
            out->d[c] = (float)(s / (in->h * in->w));
        }
        break;
    case OP_REORG: {
        int s = l->stride;
        if (ftensor_alloc(out, in->c * s * s, in->h / s, in->w / s, e))
            return -1;
        for (int dy = 0; dy < s; dy++)
            for (int dx = 0; dx < s; dx++)
                for (int c = 0; c < in->c; c++)
                    for (int y = 0; y < out->h; y++)
                        for (int x = 0; x < out->w; x++)
                            out->d[(((size_t)(dy * s + dx) * in->c + c) * out->h + y) * out->w + x] =
                                in->d[((size_t)c * in->h + y * s + dy) * in->w + x * s + dx];
        break;
    }
    case OP_CONCAT: {
        int c = 0;
        for (int k = 0; k < l->n_inputs; k++)
            c += ins[k]->c;
        if (ftensor_alloc(out, c, in->h, in->w, e))
            return -1;
        float *dst = out->d;
        for (int k = 0; k < l->n_inputs; k++) {
            memcpy(dst, ins[k]->d, ftensor_size(ins[k]) * sizeof *dst);
            dst += ftensor_size(ins[k]);
        }
        break;
    }
    case OP_ADD:
        if (ftensor_alloc(out, in->c, in->h, in->w, e))
            return -1;
        for (int k = 0; k < l->n_inputs; k++)
            for (size_t m = 0; m < ftensor_size(out); m++)
                out->d[m] += ins[k]->d[m];
        break;
    case OP_ACT:
    case OP_BN:
    case OP_MUL: {
        if (l->op == OP_BN && (!fw || i >= fw->n_layers || !fw->l[i].w || !fw->l[i].b))
            return tf_errf(e, "%s: no float weights loaded (scale and shift)", l->name);
        if (ftensor_alloc(out, in->c, in->h, in->w, e))
            return -1;
        size_t hw = (size_t)in->h * in->w;
        const ftensor *m = l->op == OP_MUL ? ins[1] : NULL;
        size_t mhw = m ? (size_t)m->h * m->w : 0; /* 1: one factor per channel */
        for (int c = 0; c < in->c; c++)
            for (size_t k = 0; k < hw; k++) {
                size_t at = (size_t)c * hw + k;
                float x = in->d[at];
                if (l->op == OP_ACT)
                    x = (float)act_eval(l->act, x);
                else if (l->op == OP_BN)
                    x = x * fw->l[i].w[c] + fw->l[i].b[c];
                else
                    x *= m->d[(size_t)c * mhw + (mhw == 1 ? 0 : k)];
                out->d[at] = x;
            }
        break;
    }
    case OP_SLICE:
    case OP_SHUFFLE: {
        if (ftensor_alloc(out, l->cout, in->h, in->w, e))
            return -1;
        size_t hw = (size_t)in->h * in->w;
        int per = l->op == OP_SHUFFLE ? in->c / l->groups : 0;
        for (int c = 0; c < l->cout; c++) {
            int src = l->op == OP_SLICE ? l->offset + c : (c % l->groups) * per + c / l->groups;
            memcpy(out->d + (size_t)c * hw, in->d + (size_t)src * hw, hw * sizeof *out->d);
        }
        break;
    }
    default:
        return tf_errf(e, "%s: op %s not supported by the float reference", l->name, op_name(l->op));
    }
    if (l->relu)
        frelu(out);
    return 0;
}

int float_forward(const net *n, const float_weights *fw, const ftensor *in, ftensor *outs, int keep_all, tf_err *e)
{
    if (in->c != n->in_c || in->h != n->in_h || in->w != n->in_w)
        return tf_errf(e, "input is %dx%dx%d, net %s expects %dx%dx%d", in->c, in->h, in->w, n->name, n->in_c,
                       n->in_h, n->in_w);
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        const ftensor *ins[LAYER_MAX_INPUTS];
        for (int k = 0; k < l->n_inputs; k++)
            ins[k] = l->inputs[k] < 0 ? in : &outs[l->inputs[k]];
        if (float_layer_forward(n, fw, i, ins, &outs[i], e))
            return tf_err_prefix(e, "%s", l->name);
        if (keep_all)
            continue;
        for (int k = 0; k < l->n_inputs; k++) {
            int s = l->inputs[k], last = s;
            if (s < 0)
                continue;
            for (int j = s + 1; j < n->n_layers; j++)
                for (int m = 0; m < n->layers[j].n_inputs; m++)
                    if (n->layers[j].inputs[m] == s)
                        last = j;
            if (last == i)
                ftensor_free(&outs[s]);
        }
    }
    return 0;
}
