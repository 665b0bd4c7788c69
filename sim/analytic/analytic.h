/* analytic.h: the closed-form timing model (the fast path the search ranks with).
 *
 * Dataflow: every layer is its own unit and frames overlap, so the interval is the
 * slowest layer's cycles and fps = f_clk / interval. Per-layer cycles follow the
 * schedule (mixq-dataflow.md §3.2):
 *   mvau: OH*OW*(K*K*Cin_g/SIMD)*(Cout/PE)
 *   dsp6: OH*(Cout/PE)*ceil((OW+2)/2)*(3*Cin/SIMD)
 *   fp:   H*(Cout/PE)*ceil(K/Kp)*(K*Cin_g/(SIMD*KPF))*ROW_LEN, ROW_LEN = (W+K-2)/Np + 1
 *   kp:   H*(Cout/(Kp*PE))*K*(K*Cin_g/(SIMD*KPF))*ROW_LEN      (H, W: input rows, columns)
 * A fp/kp conv of a mixq-hls design is GEN's stage chain and takes its slowest stage's cycles,
 * a 2x2 pool fused into it its max_pool2x2 stage's (gen_stages.h).
 * Latency (first frame), analytic_dataflow.c: for a chain, a wavefront through the
 * layers: a layer's first output row ends one row time R after the input row its first
 * window needs has arrived (rows arrive at the input's pace), its last at
 * max(first + (rows-1) R, last input row + the rows whose window reaches it). For a
 * graph with joins (concat, add), rows reach a join in bursts the wavefront cannot follow,
 * so the same rule is applied row by row (O(rows)). The input DMA delivers a row of W
 * pixels every W cycles. Against the cycle-level model on the zoo: within 0..-6%
 * (tests/unit/test_cycle_vs_analytic.c). The earlier form, the sum of per-layer fills at
 * each layer's own row time + the interval, overestimated by up to 50% (ResNet-50 at
 * <=16 x <=8 MVAU: 4.83 M vs 3.19 M cycles): a layer's fill is paced by its producer's
 * rows, not by its own speed. */
#ifndef TF2SIM_ANALYTIC_H
#define TF2SIM_ANALYTIC_H

#include "net/design.h"
#include "net/net.h"
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
