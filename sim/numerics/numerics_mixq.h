/* numerics_mixq.h: the MixQ / DeepBurning integer arithmetic, layer by layer.
 *
 * Signed k-bit weights, unsigned k-bit activation codes (k = 1..8 per layer):
 *   conv/fc:  acc = sum W * X (a correlation; zero padding; stride; groups incl. depthwise)
 *   BN+quant: out = clip((acc*inc + bias + 2^(T-1)) >> T, 0, 2^obit - 1),
 *             T = wbits - 1 + abits + lshift   (mixq-dataflow.md §1.5)
 *   head:     raw int32 accumulator + bias (no BN, no activation)
 *   maxpool on the codes; reorg (space-to-depth); concat with scale alignment.
 * All functions take shapes from the net IR layer, so nothing is net-specific. */
#ifndef TF2SIM_NUMERICS_MIXQ_H
#define TF2SIM_NUMERICS_MIXQ_H

#include <stdint.h>

#include "net/error.h"
#include "net/net.h"
#include "net/tensor.h"

/* The BN shift T for a layer: wbits - 1 + abits + lshift. */
static inline int mixq_bn_shift(int wbits, int abits, int lshift) { return wbits - 1 + abits + lshift; }

/* Largest weight magnitude for `wbits` signed weights (symmetric: 2^(b-1) - 1; 1 for b = 1). */
int mixq_wmax(int wbits);

/* Raw accumulators of a conv or fc layer. Weights: conv [cout][cin/groups][k][k],
 * fc [cout][cin*hin*win] (C,H,W flattening). `acc` is (re)allocated to cout x hout x wout. */
int mixq_conv_acc(const layer *l, const tensor *in, const int32_t *w, tensor *acc, tf_err *e);

/* In place: acc -> clip((acc*inc[o] + bias[o] + 2^(T-1)) >> T, 0, 2^obits - 1). */
int mixq_requant(tensor *t, const int64_t *inc, const int64_t *bias, int T, int obits, tf_err *e);
/* One element of the above (exposed for tests). */
static inline int32_t mixq_requant1(int64_t acc, int64_t inc, int64_t bias, int T, int32_t omax)
{
    int64_t t = acc * inc + bias + (T > 0 ? ((int64_t)1 << (T - 1)) : 0);
    int64_t q = t >> T; /* arithmetic shift = floor division */
    return (int32_t)(q < 0 ? 0 : (q > omax ? omax : q));
}

/* In place: raw head, acc + bias[o] (bias may be NULL). */
int mixq_add_bias(tensor *t, const int64_t *bias, tf_err *e);

/* Max pool over the window k, stride, pad of l (positions outside the input are skipped). */
int mixq_maxpool(const layer *l, const tensor *in, tensor *out, tf_err *e);
/* Space-to-depth by l->stride: out[(dy*s+dx)*C + c][y][x] = in[c][y*s+dy][x*s+dx]. */
int mixq_reorg(const layer *l, const tensor *in, tensor *out, tf_err *e);
/* Channel concat with scale alignment. With ratio given (per input: its code step divided by
 * the output's step), each input is rescaled as APN's simulate_hw does for the bypass
 * branch: code' = round(code * ratio) (half to even), clipped to [0, 2^out_bits - 1].
 * Without (ratio NULL: no step information, e.g. an integer-only weight set), inputs whose
 * codes have fewer bits than out_bits are shifted left by the difference (more bits: shifted
 * right, rounding half up); in_bits[k] gives each input's code width. */
int mixq_concat(const tensor *const *ins, const int *in_bits, const double *ratio, int n, int out_bits, tensor *out,
                tf_err *e);

#endif
