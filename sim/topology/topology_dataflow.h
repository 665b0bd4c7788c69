/* topology_dataflow.h: the layer-pipelined topology (FINN / BJUT / iSmart / MixQ).
 *
 * One compute unit per layer (feature_loader -> scheduler -> pe_array -> adder), an input
 * DMA handing over a row of W pixels every W cycles (one pixel a cycle), and a bounded
 * FIFO on every edge of the graph.
 * FIFO depth is design.fifo_depth words of the producer's stream width (its PE lanes),
 * i.e. ceil(depth * lanes / channels) pixels, at least 1. The FIFOs into a join (concat,
 * add) hold a whole frame of their branch: they are the skip buffers a real design must
 * size for the branches' different latencies (with chain-sized FIFOs such graphs
 * deadlock). A KxK/s window op's line buffer holds K+s rows (K+1 at stride 1: the
 * window and the next rows streaming in). Frames overlap: a unit starts frame f+1 as
 * soon as its inputs allow. A layer's pixels wait in its adder until every consumer
 * FIFO has room; meanwhile it cannot start its next item (FIFO-full stall).
 * Events are item completions; between them nothing changes, so time jumps. */
#ifndef TF2SIM_TOPOLOGY_DATAFLOW_H
#define TF2SIM_TOPOLOGY_DATAFLOW_H

#include "cycle.h"

int topology_dataflow_run(const net *n, const design *ds, const cycle_opts *o, perf *p, cycle_info *ci, tf_err *e);

#endif
