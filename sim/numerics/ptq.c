/* ptq.c: post-training quantisation into the MixQ integer model. */
#include "ptq.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "infer.h"
#include "numerics_mixq.h"

void ptq_free(ptq_model *m)
{
    if (m->ch_scale && m->n)
        for (int i = 0; i < m->n->n_layers; i++)
            free(m->ch_scale[i]);
    free(m->ch_scale);
    m->ch_scale = NULL;
    mixq_weights_free(&m->w);
    free(m->act_scale);
    free(m->head_scale);
    m->act_scale = m->head_scale = NULL;
}

/* Squared error of quantising v[] to `levels` steps of clip/levels on [lo_level, levels]. */
static double qerr(const float *v, size_t n, double clip, int lo, int hi)
{
    double s = clip / hi, err = 0;
    for (size_t i = 0; i < n; i++) {
        double q = round(v[i] / s);
        q = q < lo ? lo : (q > hi ? hi : q);
        double d = v[i] - q * s;
        err += d * d;
    }
    return err;
}

/* Clip in (0, max] minimising the squared error over a grid of ratios. */
static double best_clip(const float *v, size_t n, double amax, int lo, int hi)
{
    if (!(amax > 0))
        return 1.0;
    double best = amax, be = qerr(v, n, amax, lo, hi);
    for (int r = 99; r >= 10; r -= (r > 80 ? 1 : 3)) {
        double c = amax * r / 100.0, er = qerr(v, n, c, lo, hi);
        if (er < be) {
            be = er;
            best = c;
        }
    }
    return best;
}

static int first_compute_abits(const net *n)
{
    for (int i = 0; i < n->n_layers; i++)
        if (layer_is_compute(&n->layers[i]))
            return n->layers[i].abits;
    return 8;
}

static void pix_to_float(const net *n, const uint8_t *pix, ftensor *t)
{
    for (size_t i = 0; i < ftensor_size(t); i++)
        t->d[i] = pix[i] / 255.0f;
    (void)n;
}

int float_classify(const net *n, const float_weights *fw, const uint8_t *pix, tf_err *e)
{
    ftensor in = {0};
    ftensor *outs = calloc((size_t)n->n_layers, sizeof *outs);
    int best = -1;
    if (!outs || ftensor_alloc(&in, n->in_c, n->in_h, n->in_w, e))
        goto out;
    pix_to_float(n, pix, &in);
    if (float_forward(n, fw, &in, outs, 0, e))
        goto out;
    const ftensor *o = &outs[n->n_layers - 1];
    best = 0;
    for (size_t k = 1; k < ftensor_size(o); k++)
        if (o->d[k] > o->d[best])
            best = (int)k;
out:
    if (outs)
        for (int i = 0; i < n->n_layers; i++)
            ftensor_free(&outs[i]);
    free(outs);
    ftensor_free(&in);
    return best;
}

/* Quantises one compute layer's weights; s_w[o] gets the real value of one integer step
 * (per unit of input code when the input steps are folded in, see quant_weights). */
static int quant_weights_raw(const layer *l, const float *w, bool pow2, int32_t *wi, double *s_w)
{
    size_t per = l->op == OP_FC ? (size_t)l->cin * l->hin * l->win : (size_t)layer_cin_per_group(l) * l->k * l->k;
    int wmax = mixq_wmax(l->wbits);
    if (pow2) {
        int levels = wmax > 15 ? 15 : wmax;
        double m = 0;
        for (size_t i = 0; i < per * (size_t)l->cout; i++)
            m = fmax(m, fabs(w[i]));
        int max_e = m > 0 ? (int)floor(log2(4.0 * m / 3.0)) : 0, min_e = max_e - (levels - 1);
        for (size_t i = 0; i < per * (size_t)l->cout; i++) {
            double a = fabs(w[i]);
            int v = 0;
            if (a > 0) {
                int ex = (int)floor(log2(4.0 * a / 3.0));
                if (ex >= min_e) {
                    if (ex > max_e)
                        ex = max_e;
                    v = 1 << (ex - min_e);
                }
            }
            wi[i] = w[i] < 0 ? -v : v;
        }
        for (int o = 0; o < l->cout; o++)
            s_w[o] = ldexp(1.0, min_e);
        return 0;
    }
    for (int o = 0; o < l->cout; o++) {
        const float *wo = w + (size_t)o * per;
        double m = 0;
        for (size_t i = 0; i < per; i++)
            m = fmax(m, fabs(wo[i]));
        double clip = best_clip(wo, per, m, -wmax, wmax);
        double s = clip / wmax;
        s_w[o] = s;
        for (size_t i = 0; i < per; i++) {
            double q = round(wo[i] / s);
            wi[(size_t)o * per + i] = (int32_t)(q < -wmax ? -wmax : (q > wmax ? wmax : q));
        }
    }
    return 0;
}

/* Weights with the input steps folded in: w_eff[o][j] = w[o][j] * sx[channel of j], so one
 * integer step of the result is worth s_w[o] per input code. sx NULL: one step sx0 for all
 * input channels (then pow2 weights stay powers of two of the float weights). */
static int quant_weights(const layer *l, const float *w, bool pow2, const double *sx, double sx0, int32_t *wi,
                         double *s_w)
{
    if (!sx) {
        quant_weights_raw(l, w, pow2, wi, s_w);
        for (int o = 0; o < l->cout; o++)
            s_w[o] *= sx0;
        return 0;
    }
    size_t per = l->op == OP_FC ? (size_t)l->cin * l->hin * l->win : (size_t)layer_cin_per_group(l) * l->k * l->k;
    size_t hw = l->op == OP_FC ? (size_t)l->hin * l->win : (size_t)l->k * l->k;
    int cpg = l->op == OP_FC ? l->cin : layer_cin_per_group(l);
    int opg = l->op == OP_FC ? l->cout : l->cout / (l->groups > 0 ? l->groups : 1);
    float *we = malloc(per * (size_t)l->cout * sizeof *we);
    if (!we)
        return -1;
    for (int o = 0; o < l->cout; o++)
        for (size_t j = 0; j < per; j++) {
            int c = (l->op == OP_FC ? 0 : (o / opg) * cpg) + (int)(j / hw);
            we[(size_t)o * per + j] = (float)(w[(size_t)o * per + j] * sx[c]);
        }
    quant_weights_raw(l, we, pow2, wi, s_w);
    free(we);
    return 0;
}

int ptq_build(ptq_model *m, const net *n, const float_weights *fw, const uint8_t *calib, int n_calib, bool pow2,
              tf_err *e)
{
    return ptq_build_opts(m, n, fw, calib, n_calib, pow2, false, e);
}

int ptq_build_opts(ptq_model *m, const net *n, const float_weights *fw, const uint8_t *calib, int n_calib,
                   bool pow2, bool act_per_channel, tf_err *e)
{
    memset(m, 0, sizeof *m);
    m->n = n;
    m->act_per_channel = act_per_channel;
    int L = n->n_layers;
    m->act_scale = calloc((size_t)L, sizeof *m->act_scale);
    m->ch_scale = calloc((size_t)L, sizeof *m->ch_scale);
    m->w.l = calloc((size_t)L, sizeof *m->w.l);
    if (!m->act_scale || !m->ch_scale || !m->w.l) {
        ptq_free(m);
        return tf_errf(e, "out of memory");
    }
    m->w.n_layers = L;
    m->w.lshift = PTQ_LSHIFT;
    m->head = -1;
    int ab0 = first_compute_abits(n);
    m->in_shift = 8 - ab0;
    double in_scale = ldexp(1.0, m->in_shift) / 255.0;

    /* Calibration: each compute layer's float outputs, per channel (subsampled), and maxima. */
    size_t cap_layer = 400000;
    float ***samp = calloc((size_t)L, sizeof *samp);
    size_t **ns = calloc((size_t)L, sizeof *ns), *cap = calloc((size_t)L, sizeof *cap);
    double **amax = calloc((size_t)L, sizeof *amax);
    double *in_sx = NULL;
    ftensor in = {0};
    ftensor *outs = calloc((size_t)L, sizeof *outs);
    int rc = -1;
    if (!samp || !ns || !cap || !amax || !outs || ftensor_alloc(&in, n->in_c, n->in_h, n->in_w, e)) {
        tf_errf(e, "out of memory");
        goto out;
    }
    for (int i = 0; i < L; i++) {
        const layer *l = &n->layers[i];
        if (!layer_is_compute(l))
            continue;
        int C = l->cout;
        cap[i] = cap_layer / (size_t)C > 2000 ? cap_layer / (size_t)C : 2000;
        samp[i] = calloc((size_t)C, sizeof **samp);
        ns[i] = calloc((size_t)C, sizeof **ns);
        amax[i] = calloc((size_t)C, sizeof **amax);
        if (!samp[i] || !ns[i] || !amax[i]) {
            tf_errf(e, "out of memory");
            goto out;
        }
        for (int c = 0; c < C; c++)
            if (!(samp[i][c] = malloc(cap[i] * sizeof ***samp))) {
                tf_errf(e, "out of memory");
                goto out;
            }
    }
    for (int k = 0; k < n_calib; k++) {
        pix_to_float(n, calib + (size_t)k * ftensor_size(&in), &in);
        if (float_forward(n, fw, &in, outs, 1, e))
            goto out;
        for (int i = 0; i < L; i++) {
            if (!samp[i])
                continue;
            const ftensor *t = &outs[i];
            size_t plane = (size_t)t->h * t->w, stride = plane * (size_t)n_calib / cap[i] + 1;
            for (int c = 0; c < t->c; c++) {
                const float *d = t->d + (size_t)c * plane;
                for (size_t j = (size_t)k % stride; j < plane && ns[i][c] < cap[i]; j += stride)
                    samp[i][c][ns[i][c]++] = d[j];
                for (size_t j = 0; j < plane; j++)
                    amax[i][c] = fmax(amax[i][c], d[j]);
            }
        }
    }
    /* Steps per output channel (per tensor: one value for all), propagated through pass-through ops. */
    for (int i = 0; i < L; i++) {
        const layer *l = &n->layers[i];
        int C = l->cout;
        double *cs = m->ch_scale[i] = calloc((size_t)C, sizeof *cs);
        if (!cs) {
            tf_errf(e, "out of memory");
            goto out;
        }
        const double *src = l->inputs[0] >= 0 ? m->ch_scale[l->inputs[0]] : NULL;
        switch (l->op) {
        case OP_MAXPOOL:
            for (int c = 0; c < C; c++)
                cs[c] = src ? src[c] : in_scale;
            break;
        case OP_REORG:
            for (int c = 0; c < C; c++)
                cs[c] = src ? src[c % l->cin] : in_scale;
            break;
        case OP_CONCAT: {
            int c0 = 0;
            double so = 0;
            for (int k = 0; k < l->n_inputs; k++) {
                int sidx = l->inputs[k], cc = sidx < 0 ? n->in_c : n->layers[sidx].cout;
                for (int c = 0; c < cc; c++) {
                    cs[c0 + c] = sidx < 0 ? in_scale : m->ch_scale[sidx][c];
                    so = cs[c0 + c] > so ? cs[c0 + c] : so;
                }
                c0 += cc;
            }
            if (!act_per_channel) { /* one step: the coarsest input's; the others rescaled to it */
                m->w.l[i].concat_ratio = malloc(sizeof(double) * (size_t)l->n_inputs);
                if (!m->w.l[i].concat_ratio) {
                    tf_errf(e, "out of memory");
                    goto out;
                }
                for (int k = 0; k < l->n_inputs; k++) {
                    int sidx = l->inputs[k];
                    m->w.l[i].concat_ratio[k] = (sidx < 0 ? in_scale : m->ch_scale[sidx][0]) / so;
                }
                for (int c = 0; c < C; c++)
                    cs[c] = so;
            }
            break;
        }
        case OP_CONV:
        case OP_FC: {
            int ob = net_out_bits(n, i);
            if (ob == 32) {
                m->head = i;
                break;
            }
            int hi = (1 << ob) - 1;
            if (act_per_channel) {
                for (int c = 0; c < C; c++) {
                    cs[c] = best_clip(samp[i][c], ns[i][c], amax[i][c], 0, hi) / hi;
                    if (!(cs[c] > 0))
                        cs[c] = 1.0 / hi;
                }
            } else {
                /* pool the channels' samples and maxima */
                size_t tot = 0;
                double mx = 0;
                for (int c = 0; c < C; c++) {
                    tot += ns[i][c];
                    mx = fmax(mx, amax[i][c]);
                }
                float *all = malloc((tot ? tot : 1) * sizeof *all);
                if (!all) {
                    tf_errf(e, "out of memory");
                    goto out;
                }
                size_t k2 = 0;
                for (int c = 0; c < C; c++) {
                    memcpy(all + k2, samp[i][c], ns[i][c] * sizeof *all);
                    k2 += ns[i][c];
                }
                double st = best_clip(all, tot, mx, 0, hi) / hi;
                free(all);
                for (int c = 0; c < C; c++)
                    cs[c] = st;
            }
            break;
        }
        default:
            tf_errf(e, "%s: op %s is not supported by post-training quantisation", l->name, op_name(l->op));
            goto out;
        }
        m->act_scale[i] = cs[0];
    }
    if (m->head != L - 1) {
        tf_errf(e, "net %s: the last layer must be the only raw-accumulator head", n->name);
        goto out;
    }
    in_sx = malloc(sizeof *in_sx * (size_t)n->in_c);
    if (!in_sx) {
        tf_errf(e, "out of memory");
        goto out;
    }
    for (int c = 0; c < n->in_c; c++)
        in_sx[c] = in_scale;
    for (int i = 0; i < L; i++) {
        const layer *l = &n->layers[i];
        if (!layer_is_compute(l))
            continue;
        mixq_layer_w *lw = &m->w.l[i];
        lw->n_w = (size_t)l->weights;
        lw->w = malloc(lw->n_w * sizeof *lw->w);
        double *s_w = malloc((size_t)l->cout * sizeof *s_w);
        lw->bias = calloc((size_t)l->cout, sizeof *lw->bias);
        if (!lw->w || !s_w || !lw->bias) {
            free(s_w);
            tf_errf(e, "out of memory");
            goto out;
        }
        const double *sx = l->inputs[0] < 0 ? in_sx : m->ch_scale[l->inputs[0]];
        /* per-channel steps are folded into the weights; one step per tensor multiplies after */
        if (quant_weights(l, fw->l[i].w, pow2, act_per_channel ? sx : NULL, sx[0], lw->w, s_w)) {
            free(s_w);
            tf_errf(e, "out of memory");
            goto out;
        }
        lw->wbits = l->wbits;
        const float *b = fw->l[i].b;
        if (i == m->head) {
            m->head_scale = malloc((size_t)l->cout * sizeof *m->head_scale);
            if (!m->head_scale) {
                free(s_w);
                tf_errf(e, "out of memory");
                goto out;
            }
            for (int o = 0; o < l->cout; o++) {
                m->head_scale[o] = s_w[o];
                lw->bias[o] = b && s_w[o] > 0 ? (int64_t)llround(b[o] / s_w[o]) : 0;
            }
        } else {
            int T = mixq_bn_shift(l->wbits, l->abits, PTQ_LSHIFT);
            double two_t = ldexp(1.0, T);
            lw->inc = malloc((size_t)l->cout * sizeof *lw->inc);
            if (!lw->inc) {
                free(s_w);
                tf_errf(e, "out of memory");
                goto out;
            }
            for (int o = 0; o < l->cout; o++) {
                double s_y = m->ch_scale[i][o];
                lw->inc[o] = (int64_t)llround(s_w[o] / s_y * two_t);
                lw->bias[o] = b ? (int64_t)llround(b[o] / s_y * two_t) : 0;
            }
        }
        free(s_w);
    }
    rc = 0;
out:
    for (int i = 0; i < L; i++) {
        if (samp && samp[i]) {
            for (int c = 0; c < n->layers[i].cout; c++)
                free(samp[i][c]);
            free(samp[i]);
        }
        if (ns)
            free(ns[i]);
        if (amax)
            free(amax[i]);
        if (outs)
            ftensor_free(&outs[i]);
    }
    free(samp);
    free(ns);
    free(cap);
    free(amax);
    free(outs);
    free(in_sx);
    ftensor_free(&in);
    if (rc)
        ptq_free(m);
    return rc;
}

int ptq_classify(const ptq_model *m, const uint8_t *pix, tf_err *e)
{
    const net *n = m->n;
    tensor in = {0};
    tensor *outs = calloc((size_t)n->n_layers, sizeof *outs);
    int best = -1;
    if (!outs || tensor_alloc(&in, n->in_c, n->in_h, n->in_w, e))
        goto out;
    for (size_t i = 0; i < tensor_size(&in); i++)
        in.d[i] = pix[i] >> m->in_shift;
    if (mixq_forward(n, &m->w, &in, outs, 0, e))
        goto out;
    const tensor *o = &outs[m->head];
    double bv = 0;
    for (int k = 0; k < o->c; k++) {
        double v = (double)o->d[k] * m->head_scale[k];
        if (k == 0 || v > bv) {
            bv = v;
            best = k;
        }
    }
out:
    if (outs)
        for (int i = 0; i < n->n_layers; i++)
            tensor_free(&outs[i]);
    free(outs);
    tensor_free(&in);
    return best;
}
