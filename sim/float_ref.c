/* float_ref.c: float layers over the net IR. */
#include "float_ref.h"

#include <float.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"

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
        if (!layer_is_compute(l))
            continue;
        char path[1024];
        int shape[4], nd;
        if (l->op == OP_FC) {
            nd = 2;
            shape[0] = l->cout;
            shape[1] = l->cin * l->hin * l->win;
        } else {
            nd = 4;
            shape[0] = l->cout;
            shape[1] = layer_cin_per_group(l);
            shape[2] = shape[3] = l->k;
        }
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

static int fconv(const layer *l, const ftensor *in, const float *w, const float *b, ftensor *out, tf_err *e)
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
    if (ftensor_alloc(out, l->cout, l->hout, l->wout, e))
        return -1;
    int g = l->groups > 0 ? l->groups : 1, cpg = l->cin / g, opg = l->cout / g, k = l->k, s = l->stride;
    for (int o = 0; o < l->cout; o++) {
        int grp = o / opg;
        for (int y = 0; y < l->hout; y++) {
            float *row = out->d + ((size_t)o * l->hout + y) * l->wout;
            for (int x = 0; x < l->wout; x++)
                row[x] = b ? b[o] : 0.0f;
            for (int ci = 0; ci < cpg; ci++) {
                const float *plane = in->d + (size_t)(grp * cpg + ci) * in->h * in->w;
                for (int ky = 0; ky < k; ky++) {
                    int iy = y * s - l->pad + ky;
                    if (iy < 0 || iy >= in->h)
                        continue;
                    const float *irow = plane + (size_t)iy * in->w;
                    for (int kx = 0; kx < k; kx++) {
                        float wv = w[(((size_t)o * cpg + ci) * k + ky) * k + kx];
                        /* valid x: 0 <= x*s - pad + kx < win */
                        int x0 = 0, x1 = l->wout;
                        while (x0 < x1 && x0 * s - l->pad + kx < 0)
                            x0++;
                        while (x1 > x0 && (x1 - 1) * s - l->pad + kx >= in->w)
                            x1--;
                        for (int x = x0; x < x1; x++)
                            row[x] += wv * irow[x * s - l->pad + kx];
                    }
                }
            }
        }
    }
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
