/* dsp_pack_arith.c: packed-multiplier arithmetic and its exactness check. */
#include "dsp_pack_arith.h"

#include <string.h>

#include "dsp_packing.h"

void dsp_pack_ports(dsp_kind k, int *wide, int *narrow, int *pbits)
{
    switch (k) {
    case DSP48E1: *wide = 25; *narrow = 18; *pbits = 48; break;
    case DSP_ARRIA10: *wide = 19; *narrow = 18; *pbits = 64; break;
    default: *wide = 27; *narrow = 18; *pbits = 48; break;
    }
}

int dsp_pack_nfields(const dsp_pack_cfg *c)
{
    return c->mode == DSP_PACK_FP ? c->kp + c->np - 1 : c->kp * c->np;
}

static int w_off(const dsp_pack_cfg *c, int i) { return i * dsp_pack_spacing(c); }
static int a_off(const dsp_pack_cfg *c, int j)
{
    return j * dsp_pack_spacing(c) * (c->mode == DSP_PACK_FP ? 1 : c->kp);
}
/* Field index of the product w_i * x_j. */
static int field_of(const dsp_pack_cfg *c, int i, int j)
{
    return c->mode == DSP_PACK_FP ? i + j : j * c->kp + i;
}

static int64_t wmin(const dsp_pack_cfg *c) { return c->wsym ? -((1LL << (c->wbits - 1)) - 1) : -(1LL << (c->wbits - 1)); }
static int64_t wmax(const dsp_pack_cfg *c) { return (1LL << (c->wbits - 1)) - 1; }
static int64_t xmax(const dsp_pack_cfg *c) { return (1LL << c->abits) - 1; }

static bool fits_signed(__int128 lo, __int128 hi, int bits)
{
    __int128 lim = (__int128)1 << (bits - 1);
    return lo >= -lim && hi <= lim - 1;
}

int dsp_pack_check(const dsp_pack_cfg *c, tf_err *e)
{
    if (c->wbits < 2 || c->wbits > 8)
        return tf_errf(e, "weight bits %d out of range 2..8", c->wbits);
    if (c->abits < 1 || c->abits > 8)
        return tf_errf(e, "activation bits %d out of range 1..8", c->abits);
    if (c->kp < 1 || c->kp > DSP_PACK_MAX || c->np < 1 || c->np > DSP_PACK_MAX)
        return tf_errf(e, "Kp %d / Np %d out of range 1..%d", c->kp, c->np, DSP_PACK_MAX);
    if (c->n_acc < 1 || c->n_acc > 4096)
        return tf_errf(e, "accumulation count %d out of range 1..4096", c->n_acc);
    if (c->wport < 2 || c->wport > 32 || c->aport < 2 || c->aport > 32 || c->pbits < 8 || c->pbits > 64)
        return tf_errf(e, "port widths %d/%d/%d out of range", c->wport, c->aport, c->pbits);
    int s = dsp_pack_spacing(c), nf = dsp_pack_nfields(c);
    if (s < 1)
        return tf_errf(e, "field spacing %d < 1", s);
    if (nf > DSP_PACK_FIELDS)
        return tf_errf(e, "%d fields (at most %d)", nf, DSP_PACK_FIELDS);
    /* Ports: weight pack range (each weight independently at min or max). */
    __int128 alo = 0, ahi = 0, bhi = 0;
    for (int i = 0; i < c->kp; i++) {
        if (w_off(c, i) + c->wbits > 62)
            return tf_errf(e, "weight %d at bit %d does not fit any port", i, w_off(c, i));
        alo += (__int128)wmin(c) * ((__int128)1 << w_off(c, i));
        ahi += (__int128)wmax(c) * ((__int128)1 << w_off(c, i));
    }
    for (int j = 0; j < c->np; j++) {
        if (a_off(c, j) + c->abits > 62)
            return tf_errf(e, "activation %d at bit %d does not fit any port", j, a_off(c, j));
        bhi += (__int128)xmax(c) << a_off(c, j);
    }
    if (!fits_signed(alo, ahi, c->wport))
        return tf_errf(e, "weight pack of %d x %d-bit at spacing %d does not fit the signed %d-bit port", c->kp,
                       c->wbits, s, c->wport);
    if (!fits_signed(0, bhi, c->aport))
        return tf_errf(e, "activation pack of %d x %d-bit at spacing %d does not fit the signed %d-bit port", c->np,
                       c->abits, s, c->aport);
    /* P: the accumulated product. A*B is extremal at A's extremes and B in {0, bhi}. */
    __int128 plo = alo * bhi < 0 ? alo * bhi : 0, phi = ahi * bhi > 0 ? ahi * bhi : 0;
    if (!fits_signed(plo * c->n_acc, phi * c->n_acc, c->pbits))
        return tf_errf(e, "the sum of %d products overflows the %d-bit accumulator", c->n_acc, c->pbits);
    /* Fields: the number of products in each, times the product range. */
    int cnt[DSP_PACK_FIELDS] = {0};
    for (int i = 0; i < c->kp; i++)
        for (int j = 0; j < c->np; j++)
            cnt[field_of(c, i, j)]++;
    for (int m = 0; m < nf; m++) {
        __int128 lo = (__int128)cnt[m] * c->n_acc * wmin(c) * xmax(c);
        __int128 hi = (__int128)cnt[m] * c->n_acc * wmax(c) * xmax(c);
        int width = m == nf - 1 ? c->pbits - m * s : s;
        if (width < 1 || !fits_signed(lo, hi, width))
            return tf_errf(e, "field %d (%d products x %d accumulated, range %lld..%lld) overflows its %d bits "
                              "(guard bits %d too few)",
                           m, cnt[m], c->n_acc, (long long)lo, (long long)hi, width, c->gb);
    }
    return 0;
}

int dsp_pack_min_gb(const dsp_pack_cfg *c)
{
    dsp_pack_cfg t = *c;
    for (t.gb = -(c->wbits + c->abits - 1); t.gb <= 40; t.gb++)
        if (dsp_pack_check(&t, NULL) == 0)
            return t.gb;
    return -999;
}

int64_t dsp_pack_weights(const dsp_pack_cfg *c, const int *w)
{
    int64_t a = 0;
    for (int i = 0; i < c->kp; i++)
        a += (int64_t)w[i] * ((int64_t)1 << w_off(c, i));
    return a;
}

int64_t dsp_pack_acts(const dsp_pack_cfg *c, const int *x)
{
    int64_t b = 0;
    for (int j = 0; j < c->np; j++)
        b += (int64_t)x[j] << a_off(c, j);
    return b;
}

/* Two's-complement wrap of v to `bits` (1..64). */
static int64_t wrap(__int128 v, int bits)
{
    if (bits >= 64)
        return (int64_t)(uint64_t)(unsigned __int128)v;
    uint64_t m = ((uint64_t)1 << bits) - 1, u = (uint64_t)(unsigned __int128)v & m;
    if (u >> (bits - 1))
        u |= ~m;
    return (int64_t)u;
}

int64_t dsp_pack_mac(const dsp_pack_cfg *c, int64_t p, int64_t a, int64_t b)
{
    /* The ports themselves are c->wport / c->aport bits: model them as the hardware sees
     * them (wrapped), so an unchecked configuration shows its overflow. */
    int64_t aw = wrap(a, c->wport), bw = wrap(b, c->aport);
    return wrap((__int128)p + (__int128)aw * bw, c->pbits);
}

void dsp_pack_extract(const dsp_pack_cfg *c, int64_t p, int64_t *fields)
{
    int s = dsp_pack_spacing(c), nf = dsp_pack_nfields(c);
    __int128 r = p;
    for (int m = 0; m < nf - 1; m++) {
        /* low s bits as a signed value; the remainder loses exactly that value (the
         * borrow a negative field takes from the ones above is given back) */
        int64_t f = wrap(r, s);
        fields[m] = f;
        r = (r - f) / ((__int128)1 << s); /* exact: the low s bits are now zero */
    }
    fields[nf - 1] = (int64_t)r;
}

void dsp_pack_reference(const dsp_pack_cfg *c, const int *w, const int *x, int64_t *fields)
{
    int nf = dsp_pack_nfields(c);
    memset(fields, 0, sizeof *fields * (size_t)nf);
    for (int t = 0; t < c->n_acc; t++)
        for (int i = 0; i < c->kp; i++)
            for (int j = 0; j < c->np; j++)
                fields[field_of(c, i, j)] += (int64_t)w[t * c->kp + i] * x[t * c->np + j];
}

void dsp_pack_compute(const dsp_pack_cfg *c, const int *w, const int *x, int64_t *fields)
{
    int64_t p = 0;
    for (int t = 0; t < c->n_acc; t++)
        p = dsp_pack_mac(c, p, dsp_pack_weights(c, w + t * c->kp), dsp_pack_acts(c, x + t * c->np));
    dsp_pack_extract(c, p, fields);
}

double dsp_pack_throughput(const dsp_pack_cfg *c, int k)
{
    int kp = c->kp < k ? c->kp : k;
    return (double)k * c->np / ((k + kp - 1) / kp);
}

/* Smallest exact guard width for kp x np on either port assignment; fills cfg. */
static int exact_for(int wide, int narrow, int pb, int wbits, int abits, int kp, int np, int n_acc, int gb_hint,
                     dsp_pack_cfg *cfg)
{
    for (int swap = 0; swap < 2; swap++) {
        dsp_pack_cfg c = {.wport = swap ? narrow : wide, .aport = swap ? wide : narrow, .pbits = pb,
                          .wbits = wbits, .abits = abits, .kp = kp, .np = np, .gb = gb_hint,
                          .n_acc = n_acc, .mode = DSP_PACK_FP};
        if (dsp_pack_check(&c, NULL) != 0) {
            int g = dsp_pack_min_gb(&c);
            if (g == -999)
                continue;
            c.gb = g;
        }
        *cfg = c;
        return 0;
    }
    return -1;
}

int dsp_pack_from_search(dsp_kind dk, int wbits, int abits, int k, int n_acc, dsp_pack_cfg *cfg)
{
    int wide, narrow, pb;
    dsp_pack_ports(dk, &wide, &narrow, &pb);
    if (n_acc < 1)
        n_acc = 1;
    int kp, np, gb;
    dsp_fp_search(wide, narrow, wbits, abits, k, &kp, &np, &gb);
    if (exact_for(wide, narrow, pb, wbits, abits, kp, np, n_acc, gb, cfg) == 0)
        return 0;
    double best = -1;
    for (int K = 1; K <= (k < DSP_PACK_MAX ? k : DSP_PACK_MAX); K++)
        for (int N = 1; N <= DSP_PACK_MAX; N++) {
            dsp_pack_cfg c;
            if (exact_for(wide, narrow, pb, wbits, abits, K, N, n_acc, 0, &c) != 0)
                continue;
            double t = dsp_pack_throughput(&c, k);
            if (t > best) {
                best = t;
                *cfg = c;
            }
        }
    return best > 0 ? 1 : -1;
}

void dsp_fp_correlate(const dsp_pack_cfg *c, int channels, const int *w, const int *const *x, int n_out,
                      int64_t *out)
{
    const int K = c->kp, NP = c->np, nf = dsp_pack_nfields(c), n_in = n_out + K - 1;
    int wr[DSP_PACK_MAX], xs[DSP_PACK_MAX];
    int64_t f[DSP_PACK_FIELDS];
    memset(out, 0, sizeof *out * (size_t)n_out);
    for (int q = 0; q < n_in; q += NP)
        for (int c0 = 0; c0 < channels; c0 += c->n_acc) {
            int64_t p = 0;
            for (int ch = c0; ch < channels && ch < c0 + c->n_acc; ch++) {
                for (int i = 0; i < K; i++)
                    wr[i] = w[ch * K + (K - 1 - i)];
                for (int j = 0; j < NP; j++)
                    xs[j] = q + j < n_in ? x[ch][q + j] : 0;
                p = dsp_pack_mac(c, p, dsp_pack_weights(c, wr), dsp_pack_acts(c, xs));
            }
            dsp_pack_extract(c, p, f);
            for (int m = 0; m < nf; m++) {
                int t = q + m - (K - 1);
                if (t >= 0 && t < n_out)
                    out[t] += f[m];
            }
        }
}
