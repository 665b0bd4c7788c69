/* tf2_model.h: a whole net on the TF2 engine's arithmetic (numerics_tf2.h), built from float
 * weights: INQ power-of-two weights per layer (7 magnitudes + zero), per-channel feature Q
 * calibrated with the float reference (running max over images, tf2-engine.md §2.5), weight
 * bytes that fold Q_in/Q_out into the shifts, the int8 output stage, max pool on int8.
 * The input image is quantised with one Q (channel 0's), as the TF2 host does. */
#ifndef TF2SIM_TF2_MODEL_H
#define TF2SIM_TF2_MODEL_H

#include <stdint.h>

#include "net/error.h"
#include "float_ref.h"
#include "net/net.h"
#include "numerics_tf2.h"

typedef struct tf2_layer {
    uint8_t *wbytes;        /* compute layers: [cout][cin/groups][k][k] or fc [cout][cin*h*w] */
    tf2_out_params *op;     /* [cout] */
    int *q;                 /* Q of each output channel (every layer) */
    int max_exp;            /* INQ exponent range of the layer: max_exp-6 .. max_exp */
} tf2_layer;

typedef struct tf2_model {
    const net *n;
    int q_in;               /* the image's single Q */
    tf2_layer *l;
} tf2_model;

/* calib: n_calib images of 8-bit pixels (C,H,W); real input = pixel/255. */
int tf2_model_build(tf2_model *m, const net *n, const float_weights *fw, const uint8_t *calib, int n_calib,
                    tf_err *e);
void tf2_model_free(tf2_model *m);
/* The last layer's int8 output (real value = code / 2^Q of its channel). */
int tf2_run(const tf2_model *m, const uint8_t *pix, tensor *head, tf_err *e);
/* Argmax of the int8 head (first wins a tie); -1 on error. */
int tf2_classify(const tf2_model *m, const uint8_t *pix, tf_err *e);

#endif
