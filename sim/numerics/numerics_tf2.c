/* numerics_tf2.c: TF2 engine arithmetic (see numerics_tf2.h). */
#include "numerics_tf2.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

int tf2_inq_max_exp(const float *w, size_t n)
{
    double m = 0;
    for (size_t i = 0; i < n; i++)
        if (fabs(w[i]) > m)
            m = fabs(w[i]);
    return m > 0 ? (int)floor(log2(4.0 * m / 3.0)) : INT_MIN;
}

float tf2_inq_quantize1(float w, int max_exp)
{
    if (w == 0 || max_exp == INT_MIN)
        return 0;
    int e = (int)floor(log2(4.0 * fabs((double)w) / 3.0));
    if (e < max_exp - (TF2_INQ_LEVELS - 1))
        return 0;
    float v = ldexpf(1.0f, e);
    return w < 0 ? -v : v;
}

void tf2_inq_quantize(const float *w, size_t n, int max_exp, float *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = tf2_inq_quantize1(w[i], max_exp);
}

static int cmp_float(const void *a, const void *b)
{
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

size_t tf2_inq_partition(float *w, unsigned char *mask, size_t n, double prev, double cur, int max_exp)
{
    size_t rem = 0;
    for (size_t i = 0; i < n; i++)
        rem += mask[i] != 0;
    if (rem == 0 || prev >= 1.0)
        return 0;
    float *mag = malloc(rem * sizeof *mag);
    if (!mag)
        return 0;
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (mask[i])
            mag[k++] = fabsf(w[i]);
    qsort(mag, rem, sizeof *mag, cmp_float);
    double num_init = round((double)rem / (1.0 - prev));
    double keep = round(num_init * (1.0 - cur));
    if (keep < 0)
        keep = 0;
    size_t froze = 0;
    if ((size_t)keep < rem) {
        float thr = mag[(size_t)keep];
        for (size_t i = 0; i < n; i++)
            if (mask[i] && fabsf(w[i]) >= thr) {
                w[i] = tf2_inq_quantize1(w[i], max_exp);
                mask[i] = 0;
                froze++;
            }
    }
    free(mag);
    return froze;
}

int tf2_code_encode(float w, int min_exp)
{
    if (w == 0)
        return TF2_CODE_ZERO;
    if (!isfinite(w))
        return -1;
    int ex;
    double m = frexp(fabs((double)w), &ex); /* |w| = m * 2^ex, m in [0.5, 1) */
    if (m != 0.5)
        return -1;
    int idx = ex - 1 - min_exp;
    if (idx < 0 || idx >= TF2_INQ_LEVELS)
        return -1;
    return (w > 0 ? 8 : 0) | idx;
}

float tf2_code_decode(int code, int min_exp)
{
    code &= 0xF;
    if (code == TF2_CODE_NA)
        return NAN;
    if (code == TF2_CODE_ZERO)
        return 0.0f;
    float v = ldexpf(1.0f, min_exp + (code & 7));
    return (code & 8) ? v : -v;
}

/* Codes per word for one row of a k x k kernel (k >= 2): groups of 3. */
size_t tf2_pack_codes(const uint8_t *codes, int n_filters, int k, uint16_t *words)
{
    if (!words) /* counting only: codes need not exist yet */
        return k == 1 ? (size_t)(n_filters + 3) / 4 : (size_t)n_filters * (size_t)k * (size_t)((k + 2) / 3);
    size_t nw = 0;
    if (k == 1) {
        for (int i = 0; i < n_filters; i += 4) {
            uint16_t v = 0xFFFF;
            for (int j = 0; j < 4 && i + j < n_filters; j++)
                v = (uint16_t)((v & ~(0xF << (4 * j))) | ((codes[i + j] & 0xF) << (4 * j)));
            if (words)
                words[nw] = v;
            nw++;
        }
        return nw;
    }
    for (int f = 0; f < n_filters; f++)
        for (int r = 0; r < k; r++)
            for (int c0 = 0; c0 < k; c0 += 3) {
                uint16_t v = 0xFFFF;
                for (int j = 0; j < 3 && c0 + j < k; j++) {
                    uint8_t code = codes[((size_t)f * k + r) * k + c0 + j] & 0xF;
                    v = (uint16_t)((v & ~(0xF << (4 * j))) | (code << (4 * j)));
                }
                if (words)
                    words[nw] = v;
                nw++;
            }
    return nw;
}

size_t tf2_unpack_codes(const uint16_t *words, size_t n_words, int n_filters, int k, uint8_t *codes)
{
    size_t nw = 0;
    if (k == 1) {
        for (int i = 0; i < n_filters; i += 4) {
            if (nw >= n_words)
                return 0;
            for (int j = 0; j < 4 && i + j < n_filters; j++) {
                uint8_t c = (words[nw] >> (4 * j)) & 0xF;
                if (c == TF2_CODE_NA)
                    return 0;
                codes[i + j] = c;
            }
            nw++;
        }
        return nw;
    }
    for (int f = 0; f < n_filters; f++)
        for (int r = 0; r < k; r++)
            for (int c0 = 0; c0 < k; c0 += 3) {
                if (nw >= n_words)
                    return 0;
                for (int j = 0; j < 3 && c0 + j < k; j++) {
                    uint8_t c = (words[nw] >> (4 * j)) & 0xF;
                    if (c == TF2_CODE_NA)
                        return 0;
                    codes[((size_t)f * k + r) * k + c0 + j] = c;
                }
                nw++;
            }
    return nw;
}

uint8_t tf2_weight_byte(float w, int q_in, int q_out)
{
    double a = fabs((double)w);
    if (a < 1e-5)
        return TF2_WZERO;
    int v = 0;
    for (int t = 0; t <= 14; t++) {
        double p = ldexp(1.0, -t);
        if (fabs(a - p) <= 0.01 * p) {
            v = t;
            break;
        }
    }
    int s = TF2_INFLAT + q_out - q_in - v;
    if (s < 0)
        s = 0;
    uint8_t b = (uint8_t)(s & 0x1f);
    if (w < 0)
        b |= 0x80;
    return b;
}

/* C's float->int conversion, saturated instead of undefined out of range. */
static int32_t to_i32(double v)
{
    if (!(v == v))
        return 0;
    return v >= 2147483647.0 ? INT32_MAX : (v <= -2147483648.0 ? INT32_MIN : (int32_t)v);
}

tf2_out_params tf2_out_params_make(double bias, bool bn, double gamma, double beta, double mean, double var,
                                   double sf, int q_out)
{
    tf2_out_params p;
    double scale = ldexp(1.0, TF2_INFLAT + q_out);
    p.bias_int = to_i32(bias * scale);
    if (bn) {
        double a = gamma / sqrt(var / sf + 1e-5);
        double b = beta - a * mean / sf;
        p.alpha_int = to_i32(a * 1048576.0);
        p.beta_int = to_i32(round(b * scale));
    } else {
        p.alpha_int = 1 << 20;
        p.beta_int = 0;
    }
    return p;
}

int tf2_q_channel(double amin, double amax)
{
    double m = fmax(fabs(amin), fabs(amax));
    if (!(m > 0) || !isfinite(m))
        return INT_MIN;
    double l = log2(127.0 / m);
    int q = l < 0 ? (int)floor(l) : (int)round(l);
    while (amax * ldexp(1.0, q) > 127.0 || amin * ldexp(1.0, q) < -128.0)
        q--;
    return q;
}

void tf2_q_layer(const double *amin, const double *amax, int n, int *q)
{
    double sum = 0;
    int cnt = 0;
    for (int i = 0; i < n; i++) {
        q[i] = tf2_q_channel(amin[i], amax[i]);
        if (q[i] != INT_MIN) {
            sum += q[i];
            cnt++;
        }
    }
    double mean = cnt ? sum / cnt : 0;
    for (int i = 0; i < n; i++) {
        if (q[i] == INT_MIN) /* an all-zero channel: any scale works; take the layer's */
            q[i] = (int)floor(mean);
        if (q[i] > 0 && q[i] > mean)
            q[i] = (int)floor(mean);
        else if (q[i] < 0 && q[i] < mean)
            q[i] = (int)ceil(mean);
    }
}

int8_t tf2_quantize_feature(double x, int q)
{
    double v = round(x * ldexp(1.0, q));
    return (int8_t)(v > 127 ? 127 : (v < -128 ? -128 : v));
}

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define HOT_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define HOT_CLONES
#endif

/* acc[p] += m * x[p] modulo 2^32 over a tile; m = ±2^s (or 0) is the SAC as a multiply. */
HOT_CLONES static void sac_rows(uint32_t *acc, const int32_t *x, const uint32_t *mult, int K, int np)
{
    for (int kk = 0; kk < K; kk++) {
        uint32_t m = mult[kk];
        if (!m)
            continue;
        const int32_t *xr = x + (size_t)kk * np;
        for (int p = 0; p < np; p++)
            acc[p] += m * (uint32_t)xr[p];
    }
}

int tf2_conv(const layer *l, const tensor *in, const uint8_t *wbytes, const tf2_out_params *op, bool relu,
             tensor *out, tf_err *e)
{
    if (l->op != OP_CONV)
        return tf_errf(e, "%s: not a conv layer", l->name);
    if (in->c != l->cin || in->h != l->hin || in->w != l->win)
        return tf_errf(e, "%s: input is %dx%dx%d, expected %dx%dx%d", l->name, in->c, in->h, in->w, l->cin, l->hin,
                       l->win);
    if (tensor_alloc(out, l->cout, l->hout, l->wout, e))
        return -1;
    int g = l->groups > 0 ? l->groups : 1, cpg = l->cin / g, opg = l->cout / g, k = l->k, K = cpg * k * k;
    int rows = 1024 / l->wout < 1 ? 1 : 1024 / l->wout;
    size_t tile = (size_t)rows * l->wout;
    int32_t *X = malloc((size_t)K * tile * sizeof *X);
    uint32_t *acc = malloc(tile * sizeof *acc), *mult = malloc((size_t)l->cout * K * sizeof *mult);
    if (!X || !acc || !mult) {
        free(X), free(acc), free(mult);
        return tf_errf(e, "%s: out of memory", l->name);
    }
    /* SAC(x, w) = ±x << s = x * (±2^s) in 32-bit two's complement. */
    for (size_t i = 0; i < (size_t)l->cout * K; i++) {
        uint8_t b = wbytes[i];
        uint32_t m = (b & TF2_WZERO) ? 0 : (uint32_t)1 << (b & 0x1f);
        mult[i] = (b & 0x80) ? (uint32_t)0 - m : m;
    }
    for (int grp = 0; grp < g; grp++)
        for (int oy0 = 0; oy0 < l->hout; oy0 += rows) {
            int nr = oy0 + rows <= l->hout ? rows : l->hout - oy0, np = nr * l->wout;
            for (int ci = 0; ci < cpg; ci++)
                for (int ky = 0; ky < k; ky++)
                    for (int kx = 0; kx < k; kx++) {
                        int32_t *xr = X + (size_t)((ci * k + ky) * k + kx) * np;
                        for (int r = 0; r < nr; r++) {
                            int iy = (oy0 + r) * l->stride - l->pad + ky;
                            for (int x = 0; x < l->wout; x++) {
                                int ix = x * l->stride - l->pad + kx;
                                xr[r * l->wout + x] = (iy < 0 || iy >= l->hin || ix < 0 || ix >= l->win)
                                                          ? 0
                                                          : (int8_t)*tensor_at(in, grp * cpg + ci, iy, ix);
                            }
                        }
                    }
            for (int oo = 0; oo < opg; oo++) {
                int o = grp * opg + oo;
                for (int p = 0; p < np; p++)
                    acc[p] = (uint32_t)op[o].bias_int;
                sac_rows(acc, X, mult + (size_t)o * K, K, np);
                int32_t *dst = tensor_at(out, o, oy0, 0);
                for (int p = 0; p < np; p++)
                    dst[p] = tf2_output((int32_t)acc[p], &op[o], relu);
            }
        }
    free(X), free(acc), free(mult);
    return 0;
}

int tf2_add(const tensor *a, const tensor *b, bool relu, tensor *out, tf_err *e)
{
    if (a->c != b->c || a->h != b->h || a->w != b->w)
        return tf_errf(e, "add: operands %dx%dx%d and %dx%dx%d differ", a->c, a->h, a->w, b->c, b->h, b->w);
    if (tensor_alloc(out, a->c, a->h, a->w, e))
        return -1;
    for (size_t i = 0; i < tensor_size(a); i++) {
        int32_t s = (int32_t)(int8_t)a->d[i] + (int32_t)(int8_t)b->d[i];
        s = s > 127 ? 127 : (s < -128 ? -128 : s);
        out->d[i] = relu && s < 0 ? 0 : s;
    }
    return 0;
}

int tf2_gap_mult(int hw) { return (int)lround(32768.0 / hw); }

int tf2_gap(const tensor *in, tensor *out, tf_err *e)
{
    if (tensor_alloc(out, in->c, 1, 1, e))
        return -1;
    int hw = in->h * in->w;
    int64_t m = tf2_gap_mult(hw);
    for (int c = 0; c < in->c; c++) {
        int64_t s = 0;
        for (int i = 0; i < hw; i++)
            s += (int8_t)in->d[(size_t)c * hw + i];
        int64_t y = (((s * m) >> 14) + 1) >> 1;
        out->d[c] = (int32_t)(y > 127 ? 127 : (y < -128 ? -128 : y));
    }
    return 0;
}
