/* analytic.h: the closed-form timing model (the fast path the search ranks with).
 *
 * Dataflow: every layer is its own unit and frames overlap, so the interval is the
 * slowest layer's cycles and fps = f_clk / interval. Per-layer cycles follow the
 * schedule (mixq-dataflow.md §3.2):
 *   mvau: OH*OW*(K*K*Cin_g/SIMD)*(Cout/PE)
 *   dsp6: OH*(Cout/PE)*ceil((OW+2)/2)*(3*Cin/SIMD)
 *   fp:   H*(Cout/PE)*ceil(K/Kp)*(K*Cin_g/(SIMD*KPF))*ROW_LEN, ROW_LEN = (W+K-2)/Np + 1
 *   kp:   H*(Cout/(Kp*PE))*K*(K*Cin_g/(SIMD*KPF))*ROW_LEN      (H, W: input rows, columns)
 * Latency (first frame) follows the wavefront through the graph (analytic_dataflow.c):
 * a layer's first output row ends one row time R after the input row its first window
 * needs has arrived, its last row at max(first + (rows-1) R, last input row + R); the
 * input DMA delivers a row of W pixels every W cycles. (The earlier closed form, sum of
 * per-layer fills with each layer's own row time + the interval, counted every layer's
 * fill at its own rate and overestimated by up to 50% against the cycle-level model,
 * e.g. ResNet-50 at (<=16, <=8) MVAU: 4.83 M vs 3.19 M cycles.) */
#ifndef TF2SIM_ANALYTIC_H
#define TF2SIM_ANALYTIC_H

#include "design.h"
#include "net.h"
#include "perf.h"

/* Cycles per frame of one compute layer under its folding (design must be legal). */
uint64_t analytic_layer_cycles(const layer *l, const layer_fold *f);
/* Cycles per frame of a pass-through layer (pool, reorg, concat, add, gap) streaming
 * `lanes` channels per cycle. */
uint64_t analytic_stream_cycles(const layer *l, int lanes);

/* Dataflow topology: fills p (allocated here) for a checked design. */
int analytic_dataflow(const net *n, const design *ds, perf *p, tf_err *e);

/* Engine topology (TF2, tf2-engine.md §1.4; analytic_engine.c): fills p for a checked
 * design; fails naming the layer the engine cannot run. */
int analytic_engine(const net *n, const design *ds, perf *p, tf_err *e);

#endif
