/* infer.c: graph walk for the MixQ integer model. */
#include "infer.h"

#include <stdlib.h>
#include <string.h>

#include "numerics_mixq.h"

double mixq_head_div(const layer *l)
{
    return (double)mixq_wmax(l->wbits) * (double)((1 << l->abits) - 1);
}

double mixq_out_scale(const net *n, int i)
{
    const layer *l = &n->layers[i];
    int b = net_out_bits(n, i);
    if (b == 32 && layer_is_compute(l))
        return mixq_head_div(l);
    return (double)((1 << (b > 16 ? 16 : b)) - 1);
}

int mixq_input_from_u8(const net *n, const uint8_t *chw, tensor *t, tf_err *e)
{
    if (tensor_alloc(t, n->in_c, n->in_h, n->in_w, e))
        return -1;
    int sh = 8 - n->in_bits;
    for (size_t i = 0; i < tensor_size(t); i++)
        t->d[i] = chw[i] >> (sh > 0 ? sh : 0);
    return 0;
}

static int in_bits_of(const net *n, int src)
{
    return src < 0 ? n->in_bits : net_out_bits(n, src);
}

int mixq_layer_forward(const net *n, const mixq_weights *w, int i, const tensor *const *ins, tensor *out,
                       tf_err *e)
{
    const layer *l = &n->layers[i];
    int rc = 0;
    switch (l->op) {
    case OP_CONV:
    case OP_FC: {
        const mixq_layer_w *lw = w && i < w->n_layers ? &w->l[i] : NULL;
        if (!lw || !lw->w)
            return tf_errf(e, "%s: no weights loaded", l->name);
        if (mixq_conv_acc(l, ins[0], lw->w, out, e))
            return tf_err_prefix(e, "%s", l->name);
        int ob = net_out_bits(n, i);
        if (ob == 32) {
            rc = mixq_add_bias(out, lw->bias, e);
        } else {
            if (!lw->inc || !lw->bias)
                return tf_errf(e, "%s: feeds a %d-bit layer but has no folded BN constants (inc/bias)", l->name, ob);
            rc = mixq_requant(out, lw->inc, lw->bias, mixq_bn_shift(l->wbits, l->abits, w->lshift), ob, e);
        }
        break;
    }
    case OP_MAXPOOL:
        rc = mixq_maxpool(l, ins[0], out, e);
        break;
    case OP_REORG:
        rc = mixq_reorg(l, ins[0], out, e);
        break;
    case OP_CONCAT: {
        int bits[LAYER_MAX_INPUTS];
        for (int k = 0; k < l->n_inputs; k++)
            bits[k] = in_bits_of(n, l->inputs[k]);
        rc = mixq_concat(ins, bits, w && i < w->n_layers ? w->l[i].concat_ratio : NULL, l->n_inputs, net_out_bits(n, i),
                         out, e);
        break;
    }
    default:
        return tf_errf(e, "%s: op %s is not part of the MixQ integer model (conv, fc, maxpool, reorg, concat)",
                       l->name, op_name(l->op));
    }
    return rc ? tf_err_prefix(e, "%s", l->name) : 0;
}

int mixq_forward(const net *n, const mixq_weights *w, const tensor *input, tensor *outs, int keep_all, tf_err *e)
{
    if (input->c != n->in_c || input->h != n->in_h || input->w != n->in_w)
        return tf_errf(e, "input is %dx%dx%d, net %s expects %dx%dx%d", input->c, input->h, input->w, n->name,
                       n->in_c, n->in_h, n->in_w);
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        const tensor *ins[LAYER_MAX_INPUTS];
        for (int k = 0; k < l->n_inputs; k++)
            ins[k] = l->inputs[k] < 0 ? input : &outs[l->inputs[k]];
        if (mixq_layer_forward(n, w, i, ins, &outs[i], e))
            return -1;
        if (keep_all)
            continue;
        /* Free inputs whose last consumer is this layer. */
        for (int k = 0; k < l->n_inputs; k++) {
            int s = l->inputs[k];
            if (s < 0)
                continue;
            int last = s;
            for (int j = s + 1; j < n->n_layers; j++)
                for (int m = 0; m < n->layers[j].n_inputs; m++)
                    if (n->layers[j].inputs[m] == s)
                        last = j;
            if (last == i)
                tensor_free(&outs[s]);
        }
    }
    return 0;
}
