/* resources.h: DSP / BRAM18 / LUT / FF of a design, per layer and in total.
 *
 * DSP: lanes / products-per-DSP (dsp_packing) for MVAU; one DSP per (SIMD, PE) lane
 * for the packed schedules (dsp6, fp, kp, times KPF); plus one DSP per PE for the
 * BN / re-quantise multiplier. BRAM: per-PE weight memories (SIMD*wbits wide), the
 * (K+1)-row line buffer, and inter-layer FIFOs, each mapped by aspect ratio (bram.h).
 * LUT/FF: per-lane, per-PE and per-layer costs from resource_coeffs. */
#ifndef TF2SIM_RESOURCES_H
#define TF2SIM_RESOURCES_H

#include "design.h"
#include "device.h"
#include "net.h"

typedef struct layer_res {
    int dsp;
    int bram18;       /* in the device's RAM unit (BRAM18 or M20K) */
    long lut, ff;
    int weight_bram, linebuf_bram, fifo_bram;
} layer_res;

typedef struct resources {
    int n_layers;
    layer_res *layers;
    int dsp, bram18;
    long lut, ff;
} resources;

/* LUT/FF cost coefficients (fitted to synthesis by `tf2sim calibrate`). */
typedef struct resource_coeffs {
    double lut_per_lane_bit;   /* adder tree / accumulate, per lane per (w+a) bit */
    double lut_per_lutmult_bit;/* LUT multiplier, per lane per w*a bit */
    double lut_per_pe;         /* BN/requant + output mux per PE */
    double lut_per_layer;      /* control, width converters */
    double ff_per_lane_bit;
    double ff_per_pe;
    double ff_per_layer;
} resource_coeffs;

const resource_coeffs *resource_coeffs_default(void);

int resources_alloc(resources *r, int n_layers);
void resources_free(resources *r);

/* Resources of a checked dataflow design on device dv. */
int resources_dataflow(const net *n, const design *ds, const device *dv,
                       const resource_coeffs *c, resources *r, tf_err *e);

/* Resources of a TF2 engine design (tf2-engine.md §1.3, §1.5): one shared array, so the
 * totals carry everything and the per-layer rows are zero. DSP: none for the products
 * (TF2 shift-accumulates INQ weight codes in LUTs; a net's weights are mapped to those
 * codes by the numerics), one output-stage (BN) multiplier per PE output lane. RAM: the feature cache and the N_VECTOR filter caches, each the larger
 * of the engine file's size and what the net needs. LUT/FF: per SAC lane and per PE. */
int resources_engine(const net *n, const design *ds, const device *dv, const resource_coeffs *c,
                     resources *r, tf_err *e);

/* Resources of layer i alone (with the FIFO after it); the total is their sum. */
int resources_layer(const net *n, const design *ds, const device *dv, const resource_coeffs *c,
                    int i, layer_res *lr);

/* DSPs of one compute layer's multiplier array (no BN). */
int resources_layer_mult_dsp(const layer *l, const layer_fold *f, const device *dv);

#endif
