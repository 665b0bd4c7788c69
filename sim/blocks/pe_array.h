/* pe_array.h: the multiplier array — how many cycles a work item keeps it busy.
 *
 * Dataflow (one array per layer): PE x SIMD lanes under a schedule (mixq-dataflow.md §3.2):
 *   mvau  one output pixel per item: (K*K*Cin_g/SIMD) * (Cout/PE) cycles
 *   dsp6  one output row per item (iSmart: 3 weights x 2 pixels per DSP):
 *         (Cout/PE) * ceil((OW+2)/2) * (3*Cin_g/SIMD)
 *   fp    one input row per item (MixQ filter packing, Kp taps x Np pixels per DSP):
 *         (Cout/PE) * ceil(K/Kp) * (K*Cin_g/(SIMD*KPF)) * ROW_LEN, ROW_LEN = (W+K-2)/Np + 1
 *   kp    same with Kp filters per DSP: (Cout/(Kp*PE)) * K * (K*Cin_g/(SIMD*KPF)) * ROW_LEN
 *   fc    the whole frame: (Cin/SIMD) * (Cout/PE)
 * Engine (TF2, one array for all layers): N_VECTOR PEs, each C_VECTOR channels x OW_VECTOR
 * outputs x FW_VECTOR taps (3x3 mode) or C_VECTOR x W_VECTOR (1x1 mode); one output-channel
 * group (N_VECTOR filters) per item (tf2-engine.md §1.3-1.4).
 * Timing only: the array counts control words and MACs; values are the numerics' job. */
#ifndef TF2SIM_PE_ARRAY_H
#define TF2SIM_PE_ARRAY_H

#include <stdbool.h>
#include <stdint.h>

#include "block.h"
#include "net/design.h"
#include "net/net.h"

typedef enum pe_grain {
    PE_GRAIN_PIXEL, /* one output pixel per item */
    PE_GRAIN_ROW,   /* one row per item */
    PE_GRAIN_FRAME, /* the whole frame in one item (fc, global pool) */
} pe_grain;

typedef struct pe_array {
    pe_grain grain;
    uint64_t items_per_frame;  /* pixels, rows or 1 */
    uint64_t cost_per_item;    /* cycles (control words) per item */
    uint64_t lanes;            /* products the array can do per cycle */
    uint64_t macs_per_frame;   /* useful products per frame */
    uint32_t latency;          /* pipeline depth: multiplier + adder tree */
    /* state */
    bool busy;
    uint64_t done_at;
    uint64_t busy_cycles, items;
} pe_array;

/* Products the dataflow array can do per cycle: SIMD x PE lanes, each doing 1 (mvau),
 * 6 (dsp6: 3 weights x 2 pixels) or Kp x Np (fp, kp; x KPF) products. */
double pe_array_products_per_cycle(const layer *l, const layer_fold *f);

/* Dataflow array of a compute layer under its folding. */
void pe_array_init_dataflow(pe_array *p, const layer *l, const layer_fold *f);

/* Engine geometry of one conv/fc layer (after the first-layer rewrite, if any). */
typedef struct engine_layer_geom {
    int c, h, w;       /* input channels (per group), rows and columns the sequencer reads */
    int fh, fw;        /* filter */
    int oh, ow;        /* stride-1 output the array computes (columns dropped later for stride 2) */
    int stride;
    int n;             /* output channels */
    bool one_by_one;   /* 1x1 mode (FH == 1) */
    bool rewritten;    /* 7x7/2 first layer as 3x3/1 over 27 phase channels */
} engine_layer_geom;

/* conv_cyc: cycles of one N_VECTOR group. */
uint64_t pe_array_engine_group_cycles(const engine_params *g, const engine_layer_geom *lg);
/* kFilterLoadSize: filter-cache words per PE per group. */
uint64_t pe_array_engine_filter_words(const engine_params *g, const engine_layer_geom *lg);
/* SACs the array does per cycle in the layer's mode. */
uint64_t pe_array_engine_lanes(const engine_params *g, bool one_by_one);
void pe_array_init_engine(pe_array *p, const engine_params *g);

/* Starts an item at cycle now lasting `cycles` (>= 0). */
void pe_array_start(pe_array *p, uint64_t now, uint64_t cycles);
/* Cycle the current item completes, or BLOCK_NEVER when idle. */
static inline uint64_t pe_array_next_event(const pe_array *p) { return p->busy ? p->done_at : BLOCK_NEVER; }
/* Advances to cycle now; returns true when the current item completed at or before now. */
bool pe_array_step(pe_array *p, uint64_t now);
void pe_array_stats(const pe_array *p, block_stats *s);

#endif
