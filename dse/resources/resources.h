/* resources.h: DSP / BRAM18 / LUT / FF of a design, per layer and in total.
 *
 * A dataflow design's compute layers cost what their build target makes of them
 * (design.target): our RTL compute unit (resources_rtl.h: DSP and BRAM18 by yosys' mapping
 * rules) or the DeepBurning-MixQ HLS operator (resources_mixq.h: FP/KP/DSP6/MVAU arrays,
 * BRAM by aspect ratio). LUT and FF of either are the fitted dot product of the unit's
 * structural features (res_features.h) with configs/resources/rtl_fit.json, plus the
 * LUTRAM of shallow memories. Streaming layers (pools, reorg, concat, add) keep a small
 * uncalibrated cost: a row buffer and a per-layer constant. The engine is one shared
 * array (resources_engine). */
#ifndef TF2SIM_RESOURCES_H
#define TF2SIM_RESOURCES_H

#include "net/design.h"
#include "net/device.h"
#include "net/net.h"
#include "resource_fit.h"

typedef struct layer_res {
    int dsp;
    int bram18;       /* in the device's RAM unit (BRAM18 or M20K) */
    long lut, ff;
    int weight_bram, linebuf_bram, fifo_bram;
    double period_ns; /* the clock period the layer is predicted to reach (0: not modelled) */
} layer_res;

typedef struct resources {
    int n_layers;
    layer_res *layers;
    int dsp, bram18;
    long lut, ff;
    double period_ns; /* the slowest layer's (0: no layer's is modelled) */
} resources;

int resources_alloc(resources *r, int n_layers);
void resources_free(resources *r);

/* The target a dataflow sweep of net n on dv uses by default: mixq-hls when the MixQ
 * templates build every layer of n, else rtl; -1 with both reasons when neither can. */
int resources_pick_target(const net *n, const device *dv, build_target *out, tf_err *e);

/* Resources of a checked dataflow design on device dv. */
int resources_dataflow(const net *n, const design *ds, const device *dv,
                       const resource_fit *fit, resources *r, tf_err *e);

/* Resources of a TF2 engine design (tf2-engine.md §1.3, §1.5): one shared array, so the
 * totals carry everything and the per-layer rows are zero. DSP: none for the products
 * (TF2 shift-accumulates INQ weight codes in LUTs; a net's weights are mapped to those
 * codes by the numerics), one output-stage (BN) multiplier per PE output lane. RAM: the feature cache and the N_VECTOR filter caches, each the larger
 * of the engine file's size and what the net needs. LUT/FF: per SAC lane and per PE. */
int resources_engine(const net *n, const design *ds, const device *dv, const resource_fit *fit,
                     resources *r, tf_err *e);

/* Resources of layer i alone (with the FIFO after it); the total is their sum. fit NULL:
 * the installation's (resource_fit_default). -1 with a message when the target cannot
 * build the layer's fold. */
int resources_layer(const net *n, const design *ds, const device *dv, const resource_fit *fit,
                    int i, layer_res *lr, tf_err *e);

/* DSPs of one compute layer's multiplier array (no BN). */
int resources_layer_mult_dsp(const layer *l, const layer_fold *f, const device *dv);

#endif
