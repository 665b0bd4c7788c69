/* regress_golden.c: reference outputs of one layer job from the C numerics.
 *
 * MAC: sim/numerics/numerics_mixq.h (mixq_conv_acc over the net IR layer, mixq_requant1).
 * SAC: sim/numerics/numerics_tf2.h tf2_sac (TF2's shift-accumulate on the 8-bit weight code, bit 7
 *      sign, bit 6 zero flag, bits 4..0 shift; tf2-engine.md §2.3), summed in 32-bit two's
 *      complement as the engine's int accumulator does. TF2 features are int8; the RTL
 *      takes unsigned activations, so SAC cases keep them in 0..127 (post-ReLU features).
 * Raw (no requant): acc + bias saturated to int32, then ReLU if asked. */
#include <stdlib.h>
#include <string.h>

#include "numerics/numerics_mixq.h"
#include "numerics/numerics_tf2.h"
#include "regress.h"

static void fill_layer(const cu_layer *cl, layer *l)
{
    memset(l, 0, sizeof *l);
    strcpy(l->name, "regress");
    l->op = OP_CONV;
    l->n_inputs = 1;
    l->inputs[0] = -1;
    l->cin = cl->cin;
    l->hin = cl->h;
    l->win = cl->w;
    l->cout = cl->cout;
    l->hout = cl->oh;
    l->wout = cl->ow;
    l->k = cl->k;
    l->stride = cl->stride;
    l->pad = cl->pad;
    l->groups = cl->depthwise ? cl->cin : 1;
}

static int sac_acc(const cu_job *j, int32_t *acc, tf_err *e)
{
    const cu_layer *l = &j->l;
    int cin_g = l->depthwise ? 1 : l->cin;
    for (int o = 0; o < l->cout; o++)
        for (int oy = 0; oy < l->oh; oy++)
            for (int ox = 0; ox < l->ow; ox++) {
                uint32_t s = 0;
                for (int c = 0; c < cin_g; c++) {
                    int ci = l->depthwise ? o : c;
                    for (int ky = 0; ky < l->k; ky++)
                        for (int kx = 0; kx < l->k; kx++) {
                            int y = oy * l->stride - l->pad + ky, x = ox * l->stride - l->pad + kx;
                            if (y < 0 || y >= l->h || x < 0 || x >= l->w)
                                continue;
                            int32_t code = j->w[((size_t)o * cin_g + c) * (size_t)(l->k * l->k) + ky * l->k + kx];
                            int32_t xv = j->x[((size_t)ci * l->h + y) * l->w + x];
                            if (xv < 0 || xv > 127 || code < 0 || code > 255)
                                return tf_errf(e, "SAC: activation %d or weight code %d out of range", xv, code);
                            s += (uint32_t)tf2_sac((int8_t)xv, (uint8_t)code);
                        }
                }
                acc[((size_t)o * l->oh + oy) * l->ow + ox] = (int32_t)s;
            }
    return 0;
}

int regress_golden(const cu_job *j, int32_t *y, tf_err *e)
{
    const cu_layer *l = &j->l;
    size_t per = (size_t)l->oh * (size_t)l->ow, n = per * (size_t)l->cout;
    if (l->sac) {
        if (sac_acc(j, y, e))
            return -1;
    } else {
        layer ly;
        fill_layer(l, &ly);
        tensor in = {l->cin, l->h, l->w, (int32_t *)j->x}, acc = {0, 0, 0, NULL};
        if (mixq_conv_acc(&ly, &in, j->w, &acc, e))
            return -1;
        memcpy(y, acc.d, n * sizeof *y);
        tensor_free(&acc);
    }
    int32_t omax = l->requant ? (int32_t)((1u << l->obit) - 1u) : 0;
    for (size_t i = 0; i < n; i++) {
        int o = (int)(i / per);
        int64_t bias = j->bias ? j->bias[o] : 0;
        if (l->requant) {
            y[i] = mixq_requant1(y[i], j->inc[o], bias, l->shift, omax);
        } else {
            int64_t t = (int64_t)y[i] + bias;
            t = t > INT32_MAX ? INT32_MAX : (t < INT32_MIN ? INT32_MIN : t);
            y[i] = (int32_t)(l->relu && t < 0 ? 0 : t);
        }
    }
    return 0;
}
