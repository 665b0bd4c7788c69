/* generate.h: a dataflow design as a synthesisable Verilog top (target rtl).
 *
 * One rtl/layer_unit.v per conv layer (compute_unit with that layer's PE, SIMD, bits, K,
 * memories sized to the layer, weights and BN constants in ROMs read with $readmemh),
 * rtl/maxpool.v per pool, rtl/fifo.v before every pool (a conv's input FIFO lives in its
 * feature buffer, as compute_unit_fixed.v sizes it), valid/ready pixel streams in and out
 * and a `cycles` counter. FIFO depths are the C model's: ceil(fifo_depth x lanes /
 * channels) pixels (sim/topology/topology_dataflow.c).
 *
 * The generator builds chains of conv and maxpool layers (each layer reading the one
 * before): the first conv reads the input codes, every later layer its producer's
 * stream. Anything else is refused with the layer and the reason. */
#ifndef TF2SIM_GENERATE_H
#define TF2SIM_GENERATE_H

#include <stdint.h>

#include "net/design.h"
#include "net/device.h"
#include "net/error.h"
#include "net/net.h"
#include "numerics/weights_ismart.h"

#define GEN_NAME_MAX 80

/* One inter-layer FIFO of the design (the C model has one on every edge). */
typedef struct gen_fifo {
    char name[GEN_NAME_MAX];  /* "producer->consumer", producer "input" for the DMA */
    int producer, consumer;   /* layer indices, -1 = input */
    long depth;               /* pixels */
    int in_rtl;               /* index into the top's fifo_* counters, or -1 (kept in the feature buffer) */
} gen_fifo;

typedef struct gen_info {
    int in_pixels, in_bits;   /* pixels per frame, bits per pixel word (channel c at [c*b +: b]) */
    int in_chan_bits;
    int out_c, out_h, out_w;  /* the last layer's output */
    int out_bits, out_chan_bits; /* bits per pixel word, per channel (32: raw signed head) */
    int n_fifos, n_rtl_fifos;
    gen_fifo *fifos;
} gen_info;

void gen_info_free(gen_info *g);

/* Checks that the generator and the RTL target build this design; -1 naming the layer
 * and the reason (a fold rtl cannot build, an op or a graph shape the generator lacks). */
int generate_check(const net *n, const design *ds, const device *dv, tf_err *e);

/* A seeded random integer weight set for net n (weights in ±(2^(wbits-1)-1), folded BN
 * constants that keep outputs spread over the code range, head biases). */
int generate_random_weights(const net *n, uint32_t seed, mixq_weights *w, tf_err *e);

/* Writes dir/dataflow_top.v, the rtl/ blocks it uses, the ROM files (*.hex), the test
 * harness (dataflow_tb.cpp, dataflow_tb.h) and design.json; dir must exist. The rtl/
 * sources come from rtl_dir (generate_rtl_dir() by default). */
int generate_design(const net *n, const design *ds, const device *dv, const mixq_weights *w, const char *dir,
                    gen_info *g, tf_err *e);

/* The weights of a generated design: the iSmart-layout set in dir (every layer must fit
 * its declared bits), or with dir NULL the seeded random set. */
int generate_load_weights(net *n, const char *dir, uint32_t seed, mixq_weights *w, tf_err *e);

/* generate_check, the weights, generate_design into out_dir (created if missing). */
int generate_to_dir(net *n, const design *ds, const device *dv, const char *weights, uint32_t seed, const char *out_dir,
                    gen_info *g, tf_err *e);

/* The rtl/ folder: $TF2SIM_RTL if set, else the source tree's rtl/. */
const char *generate_rtl_dir(void);

#endif
