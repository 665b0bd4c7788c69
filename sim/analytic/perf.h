/* perf.h: what an evaluator says about a design's timing (per layer and per frame).
 * The analytical model and the cycle-level model fill the same struct. */
#ifndef TF2SIM_PERF_H
#define TF2SIM_PERF_H

#include <stdint.h>

typedef struct layer_perf {
    uint64_t cycles;        /* steady-state busy cycles per frame */
    uint64_t fill_cycles;   /* cycles from first input to first output */
    uint64_t stall_filter;  /* waiting for filters (engine: DDR-bound groups) */
    uint64_t stall_feature; /* waiting for input features */
    uint64_t stall_fifo_full, stall_fifo_empty;
    double pe_util;         /* useful MACs / (lanes x cycles) */
} layer_perf;

typedef struct perf {
    int n_layers;
    layer_perf *layers;
    uint64_t interval_cycles; /* cycles between frames in steady state */
    uint64_t latency_cycles;  /* first frame, input to output */
    double fps;
    int slowest;              /* index of the bottleneck layer */
} perf;

int perf_alloc(perf *p, int n_layers);
void perf_free(perf *p);

#endif
