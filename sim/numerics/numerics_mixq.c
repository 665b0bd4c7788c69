/* numerics_mixq.c: MixQ integer layer arithmetic (see numerics_mixq.h). */
#include "numerics_mixq.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

int mixq_wmax(int wbits)
{
    return wbits <= 1 ? 1 : (1 << (wbits - 1)) - 1;
}

/* The conv as a tiled matrix product: for a tile of whole output rows, the receptive-field
 * values X[kk][p] (kk over cin/groups x k x k, p over the tile's output pixels) are gathered
 * once from the zero-padded int16 input, then every output channel of the group does
 * acc[o][p] += W[o][kk] * X[kk][p] over long contiguous rows (vectorisable), four channels
 * per pass so each X row is loaded once per four channels. */
#define CONV_TILE 1024

/* Built twice (AVX2 and baseline x86-64), picked at load time by the CPU. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define HOT_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define HOT_CLONES
#endif

HOT_CLONES static void conv_group(const layer *l, const int16_t *pin, int ph, int pw, const int16_t *w, int g, int cpg,
                       int opg, int16_t *X, tensor *acc)
{
    const int k = l->k, s = l->stride, K = cpg * k * k, P = l->hout * l->wout;
    int rows = CONV_TILE / l->wout;
    if (rows < 1)
        rows = 1;
    for (int oy0 = 0; oy0 < l->hout; oy0 += rows) {
        int nr = oy0 + rows <= l->hout ? rows : l->hout - oy0, np = nr * l->wout, p0 = oy0 * l->wout;
        for (int ci = 0; ci < cpg; ci++)
            for (int ky = 0; ky < k; ky++)
                for (int kx = 0; kx < k; kx++) {
                    int16_t *xr = X + (size_t)((ci * k + ky) * k + kx) * (size_t)np;
                    const int16_t *plane = pin + (size_t)(g * cpg + ci) * (size_t)ph * (size_t)pw;
                    for (int r = 0; r < nr; r++) {
                        const int16_t *src = plane + (size_t)((oy0 + r) * s + ky) * (size_t)pw + kx;
                        int16_t *dst = xr + (size_t)r * l->wout;
                        if (s == 1)
                            memcpy(dst, src, sizeof *dst * (size_t)l->wout);
                        else
                            for (int x = 0; x < l->wout; x++)
                                dst[x] = src[x * s];
                    }
                }
        int oo = 0;
        for (; oo + 4 <= opg; oo += 4) {
            int o = g * opg + oo;
            int32_t *a0 = acc->d + (size_t)o * P + p0, *a1 = a0 + P, *a2 = a1 + P, *a3 = a2 + P;
            const int16_t *w0 = w + (size_t)o * K, *w1 = w0 + K, *w2 = w1 + K, *w3 = w2 + K;
            memset(a0, 0, sizeof *a0 * (size_t)np);
            memset(a1, 0, sizeof *a1 * (size_t)np);
            memset(a2, 0, sizeof *a2 * (size_t)np);
            memset(a3, 0, sizeof *a3 * (size_t)np);
            for (int kk = 0; kk < K; kk++) {
                const int16_t *xr = X + (size_t)kk * np;
                int32_t c0 = w0[kk], c1 = w1[kk], c2 = w2[kk], c3 = w3[kk];
                if (!(c0 | c1 | c2 | c3))
                    continue;
                for (int p = 0; p < np; p++) {
                    int32_t x = xr[p];
                    a0[p] += c0 * x;
                    a1[p] += c1 * x;
                    a2[p] += c2 * x;
                    a3[p] += c3 * x;
                }
            }
        }
        for (; oo < opg; oo++) {
            int o = g * opg + oo;
            int32_t *a0 = acc->d + (size_t)o * P + p0;
            const int16_t *w0 = w + (size_t)o * K;
            memset(a0, 0, sizeof *a0 * (size_t)np);
            for (int kk = 0; kk < K; kk++) {
                int32_t c0 = w0[kk];
                if (!c0)
                    continue;
                const int16_t *xr = X + (size_t)kk * np;
                for (int p = 0; p < np; p++)
                    a0[p] += c0 * (int32_t)xr[p];
            }
        }
    }
}

int mixq_conv_acc(const layer *l, const tensor *in, const int32_t *w, tensor *acc, tf_err *e)
{
    if (l->op == OP_FC) {
        size_t n = tensor_size(in);
        if ((int64_t)n != (int64_t)l->cin * l->hin * l->win)
            return tf_errf(e, "%s: fc input has %zu values, expected %dx%dx%d", l->name, n, l->cin, l->hin, l->win);
        if (tensor_alloc(acc, l->cout, 1, 1, e))
            return -1;
        for (int o = 0; o < l->cout; o++) {
            const int32_t *wo = w + (size_t)o * n;
            int64_t s = 0;
            for (size_t i = 0; i < n; i++)
                s += (int64_t)wo[i] * in->d[i];
            acc->d[o] = (int32_t)s;
        }
        return 0;
    }
    if (l->op != OP_CONV)
        return tf_errf(e, "%s: %s is not a conv or fc layer", l->name, op_name(l->op));
    if (in->c != l->cin || in->h != l->hin || in->w != l->win)
        return tf_errf(e, "%s: input is %dx%dx%d, expected %dx%dx%d", l->name, in->c, in->h, in->w, l->cin, l->hin,
                       l->win);
    /* Padded int16 copy; rows/cols beyond what the windows reach stay zero. */
    int ph = (l->hout - 1) * l->stride + l->k, pw = (l->wout - 1) * l->stride + l->k;
    if (ph < l->hin + l->pad)
        ph = l->hin + l->pad;
    if (pw < l->win + l->pad)
        pw = l->win + l->pad;
    int16_t *pin = calloc((size_t)l->cin * (size_t)ph * (size_t)pw, sizeof *pin);
    if (!pin)
        return tf_errf(e, "%s: out of memory", l->name);
    for (int c = 0; c < l->cin; c++)
        for (int y = 0; y < l->hin; y++) {
            const int32_t *src = tensor_at(in, c, y, 0);
            int16_t *dst = pin + ((size_t)c * (size_t)ph + (size_t)(y + l->pad)) * (size_t)pw + l->pad;
            for (int x = 0; x < l->win; x++) {
                int32_t v = src[x];
                dst[x] = (int16_t)(v > 32767 ? 32767 : (v < -32768 ? -32768 : v));
            }
        }
    int groups = l->groups > 0 ? l->groups : 1, cpg = l->cin / groups, opg = l->cout / groups;
    size_t K = (size_t)cpg * l->k * l->k, nw = (size_t)l->cout * K;
    int rows = CONV_TILE / l->wout < 1 ? 1 : CONV_TILE / l->wout;
    int16_t *w16 = malloc(nw * sizeof *w16);
    int16_t *X = malloc(K * (size_t)rows * (size_t)l->wout * sizeof *X);
    if (!w16 || !X || tensor_alloc(acc, l->cout, l->hout, l->wout, e)) {
        free(pin), free(w16), free(X);
        return tf_errf(e, "%s: out of memory", l->name);
    }
    for (size_t i = 0; i < nw; i++) {
        if (w[i] < -32768 || w[i] > 32767) {
            free(pin), free(w16), free(X);
            return tf_errf(e, "%s: weight %zu (%d) does not fit 16 bits", l->name, i, w[i]);
        }
        w16[i] = (int16_t)w[i];
    }
    for (int g = 0; g < groups; g++)
        conv_group(l, pin, ph, pw, w16, g, cpg, opg, X, acc);
    free(pin), free(w16), free(X);
    return 0;
}

int mixq_requant(tensor *t, const int64_t *inc, const int64_t *bias, int T, int obits, tf_err *e)
{
    if (T < 0 || T > 62)
        return tf_errf(e, "requant: shift T=%d out of range 0..62", T);
    if (obits < 1 || obits > 16)
        return tf_errf(e, "requant: output bits %d out of range 1..16", obits);
    int32_t omax = (1 << obits) - 1;
    size_t plane = (size_t)t->h * (size_t)t->w;
    for (int o = 0; o < t->c; o++) {
        int32_t *p = t->d + (size_t)o * plane;
        int64_t a = inc ? inc[o] : 1, b = bias ? bias[o] : 0;
        for (size_t i = 0; i < plane; i++)
            p[i] = mixq_requant1(p[i], a, b, T, omax);
    }
    return 0;
}

int mixq_add_bias(tensor *t, const int64_t *bias, tf_err *e)
{
    (void)e;
    if (!bias)
        return 0;
    size_t plane = (size_t)t->h * (size_t)t->w;
    for (int o = 0; o < t->c; o++) {
        int32_t *p = t->d + (size_t)o * plane;
        for (size_t i = 0; i < plane; i++)
            p[i] = (int32_t)((int64_t)p[i] + bias[o]);
    }
    return 0;
}

int mixq_maxpool(const layer *l, const tensor *in, tensor *out, tf_err *e)
{
    if (in->c != l->cin || in->h != l->hin || in->w != l->win)
        return tf_errf(e, "%s: input is %dx%dx%d, expected %dx%dx%d", l->name, in->c, in->h, in->w, l->cin, l->hin,
                       l->win);
    if (tensor_alloc(out, l->cout, l->hout, l->wout, e))
        return -1;
    for (int c = 0; c < l->cout; c++)
        for (int oy = 0; oy < l->hout; oy++)
            for (int ox = 0; ox < l->wout; ox++) {
                int32_t m = INT32_MIN;
                for (int ky = 0; ky < l->k; ky++) {
                    int iy = oy * l->stride - l->pad + ky;
                    if (iy < 0 || iy >= l->hin)
                        continue;
                    for (int kx = 0; kx < l->k; kx++) {
                        int ix = ox * l->stride - l->pad + kx;
                        if (ix < 0 || ix >= l->win)
                            continue;
                        int32_t v = *tensor_at(in, c, iy, ix);
                        if (v > m)
                            m = v;
                    }
                }
                *tensor_at(out, c, oy, ox) = m == INT32_MIN ? 0 : m;
            }
    return 0;
}

int mixq_reorg(const layer *l, const tensor *in, tensor *out, tf_err *e)
{
    int s = l->stride;
    if (s < 1 || in->h % s || in->w % s)
        return tf_errf(e, "%s: reorg stride %d does not divide %dx%d", l->name, s, in->h, in->w);
    if (tensor_alloc(out, in->c * s * s, in->h / s, in->w / s, e))
        return -1;
    for (int dy = 0; dy < s; dy++)
        for (int dx = 0; dx < s; dx++)
            for (int c = 0; c < in->c; c++)
                for (int y = 0; y < out->h; y++)
                    for (int x = 0; x < out->w; x++)
                        *tensor_at(out, (dy * s + dx) * in->c + c, y, x) = *tensor_at(in, c, y * s + dy, x * s + dx);
    return 0;
}

int mixq_concat(const tensor *const *ins, const int *in_bits, const double *ratio, int n, int out_bits, tensor *out,
                tf_err *e)
{
    if (n < 1)
        return tf_errf(e, "concat: no inputs");
    int c = 0;
    for (int k = 0; k < n; k++) {
        if (ins[k]->h != ins[0]->h || ins[k]->w != ins[0]->w)
            return tf_errf(e, "concat: input %d is %dx%d, input 0 is %dx%d", k, ins[k]->h, ins[k]->w, ins[0]->h,
                           ins[0]->w);
        c += ins[k]->c;
    }
    if (tensor_alloc(out, c, ins[0]->h, ins[0]->w, e))
        return -1;
    int32_t *dst = out->d;
    for (int k = 0; k < n; k++) {
        size_t m = tensor_size(ins[k]);
        int sh = out_bits - in_bits[k];
        int32_t omax = out_bits >= 31 ? INT32_MAX : (int32_t)((1u << out_bits) - 1);
        for (size_t i = 0; i < m; i++) {
            int32_t v = ins[k]->d[i];
            if (ratio) {
                double r = nearbyint((double)v * ratio[k]);
                dst[i] = r < 0 ? 0 : (r > omax ? omax : (int32_t)r);
                continue;
            }
            if (sh > 0)
                v = (int32_t)((uint32_t)v << sh);
            else if (sh < 0)
                v = (v + (1 << (-sh - 1))) >> -sh;
            dst[i] = v;
        }
        dst += m;
    }
    return 0;
}
