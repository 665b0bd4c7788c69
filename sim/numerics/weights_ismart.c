/* weights_ismart.c: loading and validating iSmart-layout integer weight sets. */
#include "weights_ismart.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numerics_mixq.h"
#include "net/tensor.h"

void mixq_weights_free(mixq_weights *mw)
{
    if (mw->l)
        for (int i = 0; i < mw->n_layers; i++) {
            free(mw->l[i].w);
            free(mw->l[i].inc);
            free(mw->l[i].bias);
            free(mw->l[i].concat_ratio);
        }
    free(mw->l);
    mw->l = NULL;
    mw->n_layers = 0;
}

/* float64 whole-number vector of n entries. */
static int64_t *load_f64_int(const char *path, size_t n, const char *what, tf_err *e)
{
    double *buf = read_exact_file(path, n * sizeof(double), what, e);
    if (!buf)
        return NULL;
    int64_t *out = malloc(n * sizeof *out);
    if (!out) {
        free(buf);
        return tf_errf(e, "%s: out of memory", path), NULL;
    }
    for (size_t i = 0; i < n; i++) {
        double v = buf[i];
        if (!(fabs(v) <= 9007199254740992.0) || v != floor(v)) {
            tf_errf(e, "%s: entry %zu is %g, expected a whole number (%s)", path, i, v, what);
            free(buf);
            free(out);
            return NULL;
        }
        out[i] = (int64_t)v;
    }
    free(buf);
    return out;
}

static int load_layer(mixq_layer_w *lw, layer *l, int k, const char *dir, bool strict, tf_err *e)
{
    char path[1024], what[160];
    size_t per = l->op == OP_FC ? (size_t)l->cin * l->hin * l->win : (size_t)layer_cin_per_group(l) * l->k * l->k;
    size_t n = (size_t)l->cout * per;
    if (l->op == OP_FC)
        snprintf(what, sizeof what, "float32 [%d][%zu] for %s", l->cout, per, l->name);
    else
        snprintf(what, sizeof what, "float32 [%d][%d][%d][%d] for %s", l->cout, layer_cin_per_group(l), l->k, l->k,
                 l->name);
    snprintf(path, sizeof path, "%s/conv_%d_w.bin", dir, k);
    float *buf = read_exact_file(path, n * sizeof(float), what, e);
    if (!buf)
        return -1;
    lw->w = malloc(n * sizeof *lw->w);
    if (!lw->w) {
        free(buf);
        return tf_errf(e, "%s: out of memory", path);
    }
    lw->n_w = n;
    double amax = 0;
    for (size_t i = 0; i < n; i++) {
        double v = buf[i];
        if (!(fabs(v) <= 32768.0) || v != floor(v)) {
            tf_errf(e, "%s: weight %zu is %g, expected a whole number (%s)", path, i, v, what);
            free(buf);
            return -1;
        }
        lw->w[i] = (int32_t)v;
        if (fabs(v) > amax)
            amax = fabs(v);
    }
    free(buf);
    int b = l->wbits;
    if (amax > mixq_wmax(b)) {
        int need = 2;
        while (need <= 8 && amax > mixq_wmax(need))
            need++;
        if (strict || need > 8)
            return tf_errf(e, "%s: weights reach |%g| but %s has %d-bit weights (max |%d|)%s", path, amax, l->name,
                           b, mixq_wmax(b), need > 8 ? "; more than 8 bits is not supported" : "");
        l->wbits = need;
    }
    lw->wbits = l->wbits;
    if (l->bn) {
        snprintf(what, sizeof what, "float64 [%d] for %s", l->cout, l->name);
        snprintf(path, sizeof path, "%s/conv_%d_inc.bin", dir, k);
        if (!(lw->inc = load_f64_int(path, (size_t)l->cout, what, e)))
            return -1;
        snprintf(path, sizeof path, "%s/conv_%d_bias.bin", dir, k);
        if (!(lw->bias = load_f64_int(path, (size_t)l->cout, what, e)))
            return -1;
        for (int o = 0; o < l->cout; o++)
            if (llabs(lw->inc[o]) >= ((int64_t)1 << 31))
                return tf_errf(e, "%s/conv_%d_inc.bin: inc[%d] = %lld needs more than 32 bits", dir, k, o,
                               (long long)lw->inc[o]);
    } else if (l->bias) {
        snprintf(what, sizeof what, "float64 [%d] for %s", l->cout, l->name);
        snprintf(path, sizeof path, "%s/conv_%d_b.bin", dir, k);
        if (!(lw->bias = load_f64_int(path, (size_t)l->cout, what, e)))
            return -1;
    }
    return 0;
}

int weights_ismart_load(mixq_weights *mw, net *n, const char *dir, int lshift, bool strict_bits, tf_err *e)
{
    memset(mw, 0, sizeof *mw);
    if (lshift < 0 || lshift > 32)
        return tf_errf(e, "--lshift: must be 0..32 (got %d)", lshift);
    mw->l = calloc((size_t)n->n_layers, sizeof *mw->l);
    if (!mw->l)
        return tf_errf(e, "out of memory");
    mw->n_layers = n->n_layers;
    mw->lshift = lshift;
    snprintf(mw->dir, sizeof mw->dir, "%s", dir);
    int k = 0;
    for (int i = 0; i < n->n_layers; i++) {
        layer *l = &n->layers[i];
        if (!layer_is_compute(l))
            continue;
        if (load_layer(&mw->l[i], l, k, dir, strict_bits, e)) {
            mixq_weights_free(mw);
            return -1;
        }
        k++;
    }
    return 0;
}
