/* analytic.h: the closed-form timing model (the fast path the search ranks with).
 *
 * Dataflow: every layer is its own unit and frames overlap, so the interval is the
 * slowest layer's cycles and fps = f_clk / interval. Per-layer cycles follow the
 * schedule (mixq-dataflow.md §3.2):
 *   mvau: OH*OW*(K*K*Cin_g/SIMD)*(Cout/PE)
 *   dsp6: OH*(Cout/PE)*ceil((OW+2)/2)*(3*Cin/SIMD)
 *   fp:   H*(Cout/PE)*ceil(K/Kp)*(K*Cin_g/(SIMD*KPF))*ROW_LEN, ROW_LEN = (W+K-2)/Np + 1
 *   kp:   H*(Cout/(Kp*PE))*K*(K*Cin_g/(SIMD*KPF))*ROW_LEN      (H, W: input rows, columns)
 * Latency = sum of per-layer fill (rows a layer waits for before its first output
 * row, times its row time) + the interval. */
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
