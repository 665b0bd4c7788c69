/* cycle.h: the cycle-level evaluator — wires the blocks (fifo, ddr, filter_loader,
 * feature_loader, scheduler, pe_array, adder) into the design's topology and runs
 * `frames` frames, skipping idle stretches through the blocks' next events.
 *
 * Fills the same perf struct as the analytical model. Per layer: `cycles` is the busy
 * (control-word) count of one steady-state frame, and the four stall counters cover the
 * rest of that layer's frame period, so cycles + stalls = the layer's period:
 *   dataflow: the stretch between the layer's completions of the frames before and at
 *             the measured one (the next-to-last with 3+ frames), which is the
 *             interval in steady state;
 *   engine:   the layer's share of the serial frame (the layers' shares add up to the
 *             frame, input read and filter preload charged to the first layer). */
#ifndef TF2SIM_CYCLE_H
#define TF2SIM_CYCLE_H

#include <stdint.h>

#include "net/design.h"
#include "net/error.h"
#include "blocks/fifo.h"
#include "net/net.h"
#include "analytic/perf.h"

/* Default frames: the engine is periodic from its 2nd frame; a pipeline reaches steady
 * state once the buffers ahead of its bottleneck have filled, which takes a few frames
 * (the measured frame is the next-to-last one): 8 frames, doubled until every layer's
 * period equals the interval, at most CYCLE_FRAMES_MAX. */
#define CYCLE_FRAMES_ENGINE 2
#define CYCLE_FRAMES_DATAFLOW 8
#define CYCLE_FRAMES_MAX 64

/* Dataflow: every inter-layer FIFO over the whole run (tokens are pixels). */
typedef struct fifo_report {
    int producer, consumer;   /* layer indices; -1 is the input DMA */
    fifo_stats s;
} fifo_report;

typedef struct cycle_fifos {
    int n;
    fifo_report *f;
} cycle_fifos;

void cycle_fifos_free(cycle_fifos *f);

typedef struct cycle_opts {
    int frames;               /* frames simulated; 0 = the default of the topology */
    const char *trace_path;   /* VCD of block activity, or NULL */
    uint64_t trace_from, trace_to;
    cycle_fifos *fifos;       /* dataflow: filled (allocated) when not NULL */
} cycle_opts;

typedef struct cycle_info {
    uint64_t sim_cycles;      /* cycles simulated (completion of the last frame) */
    uint64_t events;          /* event steps taken (for the speed benchmark) */
    int frames;               /* frames simulated */
} cycle_info;

void cycle_opts_default(cycle_opts *o);

/* Runs the design; p is allocated here. Fails (one line) on a design the topology
 * cannot run, naming the layer and why. */
int cycle_simulate(const net *n, const design *ds, const cycle_opts *o, perf *p, cycle_info *ci, tf_err *e);

#endif
