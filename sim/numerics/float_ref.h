/* float_ref.h: the float reference of every layer, over the same net IR as the integer
 * models — for accuracy baselines and for calibrating quantisation scales.
 *
 * Weights per compute layer from NPY files <dir>/<layer>_w.npy ([cout][cin/groups][k][k],
 * fc [cout][cin*h*w] over a C,H,W flattening) and <dir>/<layer>_b.npy ([cout], required
 * when the layer has "bias"); BN is expected folded into them. ReLU follows a layer with
 * "relu". */
#ifndef TF2SIM_FLOAT_REF_H
#define TF2SIM_FLOAT_REF_H

#include <stddef.h>

#include "net/error.h"
#include "net/net.h"

typedef struct ftensor {
    int c, h, w;
    float *d;
} ftensor;

static inline size_t ftensor_size(const ftensor *t) { return (size_t)t->c * (size_t)t->h * (size_t)t->w; }
int ftensor_alloc(ftensor *t, int c, int h, int w, tf_err *e);
void ftensor_free(ftensor *t);

typedef struct float_layer_w {
    float *w, *b; /* NULL for non-compute layers; b NULL without bias */
    size_t n_w;
} float_layer_w;

typedef struct float_weights {
    int n_layers;
    float_layer_w *l;
    char dir[512];
} float_weights;

int float_weights_load_npy(float_weights *fw, const net *n, const char *dir, tf_err *e);
void float_weights_free(float_weights *fw);

int float_layer_forward(const net *n, const float_weights *fw, int i, const ftensor *const *ins, ftensor *out,
                        tf_err *e);
/* outs: n->n_layers zero-initialised tensors; keep_all 0 frees intermediates when done. */
int float_forward(const net *n, const float_weights *fw, const ftensor *in, ftensor *outs, int keep_all, tf_err *e);

#endif
