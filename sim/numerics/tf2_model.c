/* tf2_model.c: building and running a net on TF2 arithmetic. */
#include "tf2_model.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "numerics_mixq.h"

void tf2_model_free(tf2_model *m)
{
    if (m->l && m->n)
        for (int i = 0; i < m->n->n_layers; i++) {
            free(m->l[i].wbytes);
            free(m->l[i].op);
            free(m->l[i].q);
        }
    free(m->l);
    m->l = NULL;
}

/* Q of input channel c of layer i (the producer's channel; fc: flattened index / (h*w)). */
static int q_of_input(const tf2_model *m, const layer *l, int c)
{
    int src = l->inputs[0];
    return src < 0 ? m->q_in : m->l[src].q[c];
}

int tf2_model_build(tf2_model *m, const net *n, const float_weights *fw, const uint8_t *calib, int n_calib,
                    tf_err *e)
{
    memset(m, 0, sizeof *m);
    m->n = n;
    int L = n->n_layers;
    m->l = calloc((size_t)L, sizeof *m->l);
    float_weights qw = {.n_layers = L};
    qw.l = calloc((size_t)L, sizeof *qw.l);
    double **mn = calloc((size_t)L, sizeof *mn), **mx = calloc((size_t)L, sizeof *mx);
    ftensor in = {0};
    ftensor *outs = calloc((size_t)L, sizeof *outs);
    double in_min[64] = {0}, in_max[64] = {0}; /* per input channel (up to 64 tracked) */
    int rc = -1;
    if (!m->l || !qw.l || !mn || !mx || !outs || ftensor_alloc(&in, n->in_c, n->in_h, n->in_w, e)) {
        tf_errf(e, "out of memory");
        goto out;
    }
    /* INQ weights (float powers of two; biases stay float and become bias_int). */
    for (int i = 0; i < L; i++) {
        const layer *l = &n->layers[i];
        if (!layer_is_compute(l))
            continue;
        size_t nw = (size_t)l->weights;
        qw.l[i].w = malloc(nw * sizeof(float));
        if (!qw.l[i].w) {
            tf_errf(e, "out of memory");
            goto out;
        }
        qw.l[i].b = fw->l[i].b; /* borrowed */
        qw.l[i].n_w = nw;
        m->l[i].max_exp = tf2_inq_max_exp(fw->l[i].w, nw);
        tf2_inq_quantize(fw->l[i].w, nw, m->l[i].max_exp, qw.l[i].w);
    }
    /* Calibration: per-channel min/max of every layer's output, with the INQ weights. */
    for (int i = 0; i < L; i++) {
        int c = n->layers[i].cout;
        mn[i] = calloc((size_t)c, sizeof **mn);
        mx[i] = calloc((size_t)c, sizeof **mx);
        m->l[i].q = calloc((size_t)c, sizeof *m->l[i].q);
        if (!mn[i] || !mx[i] || !m->l[i].q) {
            tf_errf(e, "out of memory");
            goto out;
        }
    }
    for (int k = 0; k < n_calib; k++) {
        const uint8_t *pix = calib + (size_t)k * ftensor_size(&in);
        size_t in_plane = (size_t)n->in_h * n->in_w;
        for (size_t j = 0; j < ftensor_size(&in); j++) {
            in.d[j] = pix[j] / 255.0f;
            size_t ch = j / in_plane < 64 ? j / in_plane : 63;
            in_max[ch] = fmax(in_max[ch], in.d[j]);
        }
        if (float_forward(n, &qw, &in, outs, 1, e))
            goto out;
        for (int i = 0; i < L; i++) {
            const ftensor *t = &outs[i];
            size_t plane = (size_t)t->h * t->w;
            for (int c = 0; c < t->c; c++)
                for (size_t j = 0; j < plane; j++) {
                    double v = t->d[c * plane + j];
                    mn[i][c] = fmin(mn[i][c], v);
                    mx[i][c] = fmax(mx[i][c], v);
                }
        }
    }
    /* The input's Q file entries are per channel (with the layer clamp); the host uses q[0]. */
    {
        int nin = n->in_c < 64 ? n->in_c : 64, qin[64];
        tf2_q_layer(in_min, in_max, nin, qin);
        m->q_in = qin[0] == INT_MIN ? 0 : qin[0];
    }
    /* Pass 1: calibrated Q of every compute layer and every residual sum. */
    for (int i = 0; i < L; i++) {
        const layer *l = &n->layers[i];
        if (layer_is_compute(l) || l->op == OP_ADD)
            tf2_q_layer(mn[i], mx[i], l->cout, m->l[i].q);
        else if (l->op != OP_MAXPOOL && l->op != OP_REORG && l->op != OP_GAP && l->op != OP_CONCAT) {
            tf_errf(e, "%s: op %s is not supported by the TF2 model", l->name, op_name(l->op));
            goto out;
        }
    }
    /* Residuals add int8 values without rescaling, so every operand of a sum is given the
     * sum's Q. Going from the last sum back, a chain of sums in one stage ends up with the
     * Q of the stage's last sum (the ResNet-50 emulator's rule, tf2-engine.md §2.5). The
     * producer is found through max pools (same channels). */
    for (int i = L - 1; i >= 0; i--) {
        const layer *l = &n->layers[i];
        if (l->op != OP_ADD)
            continue;
        for (int k = 0; k < l->n_inputs; k++) {
            int s = l->inputs[k];
            while (s >= 0 && n->layers[s].op == OP_MAXPOOL)
                s = n->layers[s].inputs[0];
            if (s >= 0 && (layer_is_compute(&n->layers[s]) || n->layers[s].op == OP_ADD))
                memcpy(m->l[s].q, m->l[i].q, sizeof *m->l[i].q * (size_t)l->cout);
        }
    }
    /* Pass 2: pass-through ops take their inputs' (final) Q; sums check their operands. */
    for (int i = 0; i < L; i++) {
        const layer *l = &n->layers[i];
        if (l->op == OP_MAXPOOL || l->op == OP_REORG || l->op == OP_GAP) {
            for (int c = 0; c < l->cout; c++)
                m->l[i].q[c] = q_of_input(m, l, l->op == OP_REORG ? c % l->cin : c);
        } else if (l->op == OP_CONCAT) {
            int c0 = 0;
            for (int k = 0; k < l->n_inputs; k++) {
                int s = l->inputs[k], cc = s < 0 ? n->in_c : n->layers[s].cout;
                for (int c = 0; c < cc; c++)
                    m->l[i].q[c0 + c] = s < 0 ? m->q_in : m->l[s].q[c];
                c0 += cc;
            }
        } else if (l->op == OP_ADD) {
            for (int k = 0; k < l->n_inputs; k++)
                for (int c = 0; c < l->cout; c++) {
                    int s = l->inputs[k], qk = s < 0 ? m->q_in : m->l[s].q[c];
                    if (qk != m->l[i].q[c]) {
                        tf_errf(e, "%s: residual operand %d has Q %d on channel %d, the sum %d (operands must "
                                   "come from layers whose Q can be shared)", l->name, k, qk, c, m->l[i].q[c]);
                        goto out;
                    }
                }
        }
    }
    /* Weight bytes and output stages. */
    for (int i = 0; i < L; i++) {
        const layer *l = &n->layers[i];
        if (!layer_is_compute(l))
            continue;
        size_t per = l->op == OP_FC ? (size_t)l->cin * l->hin * l->win : (size_t)layer_cin_per_group(l) * l->k * l->k;
        size_t hw = l->op == OP_FC ? (size_t)l->hin * l->win : (size_t)l->k * l->k;
        int cpg = l->op == OP_FC ? l->cin : layer_cin_per_group(l), opg = l->cout / (l->groups > 0 ? l->groups : 1);
        m->l[i].wbytes = malloc(per * (size_t)l->cout);
        m->l[i].op = malloc((size_t)l->cout * sizeof *m->l[i].op);
        if (!m->l[i].wbytes || !m->l[i].op) {
            tf_errf(e, "out of memory");
            goto out;
        }
        for (int o = 0; o < l->cout; o++) {
            int qo = m->l[i].q[o], grp = l->op == OP_FC ? 0 : o / opg;
            for (size_t j = 0; j < per; j++) {
                int c = grp * cpg + (int)(j / hw);
                m->l[i].wbytes[(size_t)o * per + j] = tf2_weight_byte(qw.l[i].w[(size_t)o * per + j],
                                                                      q_of_input(m, l, c), qo);
            }
            double b = fw->l[i].b ? fw->l[i].b[o] : 0;
            m->l[i].op[o] = tf2_out_params_make(b, false, 0, 0, 0, 0, 1, qo);
        }
    }
    rc = 0;
out:
    for (int i = 0; i < L; i++) {
        if (qw.l)
            free(qw.l[i].w);
        if (mn)
            free(mn[i]);
        if (mx)
            free(mx[i]);
        if (outs)
            ftensor_free(&outs[i]);
    }
    free(qw.l);
    free(mn);
    free(mx);
    free(outs);
    ftensor_free(&in);
    if (rc)
        tf2_model_free(m);
    return rc;
}

static int tf2_fc(const layer *l, const tensor *in, const uint8_t *wb, const tf2_out_params *op, bool relu,
                  tensor *out, tf_err *e)
{
    size_t n = tensor_size(in);
    if (tensor_alloc(out, l->cout, 1, 1, e))
        return -1;
    for (int o = 0; o < l->cout; o++) {
        uint32_t acc = (uint32_t)op[o].bias_int;
        for (size_t i = 0; i < n; i++)
            acc += (uint32_t)tf2_sac((int8_t)in->d[i], wb[(size_t)o * n + i]);
        out->d[o] = tf2_output((int32_t)acc, &op[o], relu);
    }
    return 0;
}

int tf2_run(const tf2_model *m, const uint8_t *pix, tensor *head, tf_err *e)
{
    const net *n = m->n;
    tensor in = {0};
    tensor *outs = calloc((size_t)n->n_layers, sizeof *outs);
    int rc = -1;
    if (!outs) {
        tf_errf(e, "out of memory");
        goto out;
    }
    if (tensor_alloc(&in, n->in_c, n->in_h, n->in_w, e))
        goto out;
    for (size_t i = 0; i < tensor_size(&in); i++)
        in.d[i] = tf2_quantize_feature(pix[i] / 255.0, m->q_in);
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        const tensor *x = l->inputs[0] < 0 ? &in : &outs[l->inputs[0]];
        int r;
        switch (l->op) {
        case OP_CONV: r = tf2_conv(l, x, m->l[i].wbytes, m->l[i].op, l->relu, &outs[i], e); break;
        case OP_FC: r = tf2_fc(l, x, m->l[i].wbytes, m->l[i].op, l->relu, &outs[i], e); break;
        case OP_MAXPOOL: r = mixq_maxpool(l, x, &outs[i], e); break;
        case OP_REORG: r = mixq_reorg(l, x, &outs[i], e); break;
        case OP_GAP: r = tf2_gap(x, &outs[i], e); break;
        case OP_ADD:
            r = tf2_add(x, l->inputs[1] < 0 ? &in : &outs[l->inputs[1]], l->relu, &outs[i], e);
            break;
        default: r = tf_errf(e, "%s: op %s not supported by the TF2 model", l->name, op_name(l->op));
        }
        if (r)
            goto out;
    }
    rc = tensor_copy(head, &outs[n->n_layers - 1], e);
out:
    if (outs)
        for (int i = 0; i < n->n_layers; i++)
            tensor_free(&outs[i]);
    free(outs);
    tensor_free(&in);
    return rc;
}

int tf2_classify(const tf2_model *m, const uint8_t *pix, tf_err *e)
{
    tensor o = {0};
    if (tf2_run(m, pix, &o, e))
        return -1;
    int best = 0;
    for (size_t k = 1; k < tensor_size(&o); k++)
        if (o.d[k] > o.d[best])
            best = (int)k;
    tensor_free(&o);
    return best;
}
