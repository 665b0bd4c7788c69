/* infer.h: running a net's MixQ integer model over the net IR.
 *
 * Layer i's inputs are the outputs of its IR inputs (-1: the graph input). Compute layers
 * whose output feeds another compute layer are re-quantised with their folded BN to the
 * consumer's abits; a compute layer with no compute consumer is a raw-accumulator head
 * (int32, plus its bias). */
#ifndef TF2SIM_INFER_H
#define TF2SIM_INFER_H

#include <stdint.h>

#include "net/error.h"
#include "net/net.h"
#include "net/tensor.h"
#include "weights_ismart.h"

/* One layer: ins[k] is the tensor of l->inputs[k]. */
int mixq_layer_forward(const net *n, const mixq_weights *w, int i, const tensor *const *ins, tensor *out,
                       tf_err *e);

/* The whole net. outs is an array of n->n_layers tensors (zero-initialised or from an
 * earlier call; reused). If keep_all is 0, intermediate tensors are freed as soon as their
 * last consumer has run, and only the last layer's output is kept. */
int mixq_forward(const net *n, const mixq_weights *w, const tensor *input, tensor *outs, int keep_all, tf_err *e);

/* Real value of one head unit: Y / div, div = (2^(wbits-1) - 1) * (2^abits - 1). */
double mixq_head_div(const layer *l);

/* Input codes from 8-bit pixels (C,H,W): code = pixel >> (8 - in_bits). */
int mixq_input_from_u8(const net *n, const uint8_t *chw, tensor *t, tf_err *e);

/* The whole-number scale of layer i's output in the reference float files
 * (q / scale): 2^bits - 1 for activations, mixq_head_div for a head. */
double mixq_out_scale(const net *n, int i);

#endif
