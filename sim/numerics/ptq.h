/* ptq.h: post-training quantisation of a float net into the MixQ integer model.
 *
 * Weights: per-output-channel symmetric k-bit integers (clip chosen by least squared error),
 * or with pow2 INQ-style powers of two (per layer, max_exp = floor(log2(4 max|w| / 3)),
 * 2^(k-1)-1 magnitudes, at most 15, plus zero). Activations: unsigned k-bit codes with one
 * step per tensor or per channel, the clip calibrated on training images by least squared
 * error. The
 * graph input is the 8-bit pixel shifted right to the first layer's abits. Each non-head
 * compute layer gets folded constants inc/bias for
 *   out = clip((acc*inc + bias + 2^(T-1)) >> T, 0, 2^obit - 1), T = wbits - 1 + abits + 16,
 * so inference runs through mixq_forward bit for bit; the head stays a raw accumulator with
 * an integer bias and a per-channel real scale (applied on the host before argmax). */
#ifndef TF2SIM_PTQ_H
#define TF2SIM_PTQ_H

#include <stdbool.h>
#include <stdint.h>

#include "net/error.h"
#include "float_ref.h"
#include "net/net.h"
#include "weights_ismart.h"

#define PTQ_LSHIFT 16

typedef struct ptq_model {
    const net *n;          /* bits as quantised (borrowed) */
    mixq_weights w;
    int in_shift;          /* input code = pixel >> in_shift */
    double *act_scale;     /* per layer: real value of one output code of channel 0 (0 for a head) */
    double **ch_scale;     /* per layer, per output channel: real value of one code */
    bool act_per_channel;
    double *head_scale;    /* per head output channel: real = (acc + bias) * head_scale */
    int head;              /* index of the head layer */
} ptq_model;

/* calib: n_calib images, each n->in_c*in_h*in_w 8-bit pixels (C,H,W); real input = pixel/255. */
int ptq_build(ptq_model *m, const net *n, const float_weights *fw, const uint8_t *calib, int n_calib, bool pow2,
              tf_err *e);
/* With act_per_channel, every activation channel gets its own calibrated step, folded into
 * the consumer's integer weights (w_eff = w * step_in[c], quantised per output channel),
 * and concat needs no alignment; otherwise one step per tensor (ptq_build). */
int ptq_build_opts(ptq_model *m, const net *n, const float_weights *fw, const uint8_t *calib, int n_calib,
                   bool pow2, bool act_per_channel, tf_err *e);
void ptq_free(ptq_model *m);

/* Class scores (real units) of one image via the integer model; returns argmax or -1. */
int ptq_classify(const ptq_model *m, const uint8_t *pix, tf_err *e);
/* Float reference argmax of one image (pixel/255). */
int float_classify(const net *n, const float_weights *fw, const uint8_t *pix, tf_err *e);

#endif
