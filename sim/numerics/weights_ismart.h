/* weights_ismart.h: integer weight sets in the iSmart / DeepBurning export layout.
 *
 * A directory holds, for the k-th compute layer of the net (k = 0, 1, ... in net order):
 *   conv_k_w.bin     float32 whole numbers, [cout][cin/groups][K][K] (fc: [cout][cin*h*w])
 *   conv_k_inc.bin   float64 whole numbers [cout]   folded-BN multiplier (layers with bn)
 *   conv_k_bias.bin  float64 whole numbers [cout]   folded-BN offset, already scaled by 2^T
 *   conv_k_b.bin     float64 whole numbers [cout]   raw-head bias (layers without bn, with bias)
 * (../shared/data/ultranet-ismart/FORMAT.md). Every size, shape and value range is checked;
 * errors name the file and the expected size. */
#ifndef TF2SIM_WEIGHTS_ISMART_H
#define TF2SIM_WEIGHTS_ISMART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/error.h"
#include "net/net.h"

typedef struct mixq_layer_w {
    int32_t *w;          /* NULL for non-compute layers */
    size_t n_w;
    int64_t *inc, *bias; /* bn layers: both [cout]; raw head: inc NULL, bias [cout] or NULL */
    int wbits;           /* effective weight width */
    double *concat_ratio; /* concat layers: per input, its code step / the output's (NULL: align by bits) */
} mixq_layer_w;

typedef struct mixq_weights {
    int n_layers;        /* entries in l, one per net layer */
    mixq_layer_w *l;
    int lshift;          /* L_SHIFT of the BN shift T = wbits - 1 + abits + lshift */
    char dir[512];
} mixq_weights;

#define ISMART_DEFAULT_LSHIFT 8

/* Loads the set in `dir` for net n. Each layer's weights must fit its wbits (symmetric
 * range ±(2^(b-1)-1)). With strict_bits false, a layer whose weights need more bits than
 * the net declares is widened to the smallest of 2..8 that holds them, and n's layer
 * wbits is updated (8-bit first/last sets); with strict_bits true that is an error. */
int weights_ismart_load(mixq_weights *mw, net *n, const char *dir, int lshift, bool strict_bits, tf_err *e);
void mixq_weights_free(mixq_weights *mw);

#endif
