/* resources_rtl.h: resources of tf2sim's RTL compute unit (rtl/compute_unit_fixed.v).
 *
 * One dataflow layer = one compute unit with its geometry fixed. DSP and BRAM18 follow the
 * RTL's multipliers and memories through yosys' mapping rules (xilinx_map.h), so they
 * equal what `scripts/synth.sh` reports; LUT and FF are the fitted dot product of the
 * unit's structural features (res_features.h) with the coefficients of
 * configs/resources/rtl_fit.json. */
#ifndef TF2SIM_RESOURCES_RTL_H
#define TF2SIM_RESOURCES_RTL_H

#include "net/design.h"
#include "net/device.h"
#include "net/error.h"
#include "net/net.h"
#include "res_features.h"
#include "xilinx_map.h"

/* The parameters of compute_unit_fixed.v (scripts/synth.sh's NAME=VALUE list). */
typedef struct rtl_unit {
    int pe, simd, wbits, abits, k, mode, pack, cin, cout, h, w, stride, dw, obit;
    int raw;      /* REQUANT 0: a raw head (accumulator + bias), no BN multiply or inc table */
    long fifo_px; /* input FIFO pixels kept in the feature buffer; 0: the wrapper's default 128 */
} rtl_unit;

/* What one unit costs, block by block. */
typedef struct rtl_unit_res {
    int dsp, lane_dsp, bn_dsp, ctl_dsp; /* ctl: the feature loader's fold offset multiply */
    int bram18, weight_bram, feature_bram, bn_bram;
    int lutram;           /* LUTRAM cells of the memories that went to LUTs */
    long mem_ff;          /* flip-flops of memories built from registers */
    res_features x;       /* for the fitted LUT/FF */
} rtl_unit_res;

/* The yosys family a device is synthesised for (7-series: xc7, else xcup). */
xilinx_family rtl_family(const device *dv);

/* DSP, BRAM18, LUTRAM and features of one unit (parameters as synth.sh takes them). */
void rtl_unit_resources(const rtl_unit *u, xilinx_family fam, rtl_unit_res *r);

/* The unit that builds compute layer i of a dataflow design (pair packing when it saves
 * DSPs); -1 with a message naming the layer when the RTL cannot build the fold
 * (schedules other than mvau, SIMD not dividing the input channels, ...). */
int rtl_unit_of_layer(const net *n, const design *ds, const device *dv, int i, rtl_unit *u, tf_err *e);

#endif
