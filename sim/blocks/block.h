/* block.h: what every cycle-level block shares — a state per cycle and its counters.
 *
 * A block is in exactly one state each cycle (busy, or one kind of stall). It keeps the
 * cycle it entered its state; changing state charges the elapsed cycles to the old one.
 * So the counters of a block always add up to the cycles it has lived through, which is
 * how the per-layer stall counters add up to the totals. */
#ifndef TF2SIM_BLOCK_H
#define TF2SIM_BLOCK_H

#include <stdint.h>

typedef enum block_state {
    BS_BUSY,       /* doing useful work (issuing control words, computing) */
    BS_FILTER,     /* waiting for filters (engine: DDR-bound loads) */
    BS_FEATURE,    /* waiting for input features (frame start, line-buffer fill, input read) */
    BS_FIFO_FULL,  /* output blocked by a full FIFO (backpressure) */
    BS_FIFO_EMPTY, /* input FIFO empty mid-frame (starved) */
    BS__COUNT
} block_state;

typedef struct block_stats {
    uint64_t t[BS__COUNT]; /* cycles spent in each state */
    uint64_t items;        /* work items (pixels, rows, groups) completed */
    uint64_t tokens_in, tokens_out;
} block_stats;

typedef struct state_acc {
    block_state s;
    uint64_t since;
    uint64_t t[BS__COUNT];
} state_acc;

static inline void state_acc_init(state_acc *a, block_state s, uint64_t now)
{
    for (int i = 0; i < BS__COUNT; i++)
        a->t[i] = 0;
    a->s = s;
    a->since = now;
}

/* Enters state s at cycle now (charging the cycles since the last change). */
static inline void state_acc_set(state_acc *a, block_state s, uint64_t now)
{
    a->t[a->s] += now - a->since;
    a->since = now;
    a->s = s;
}

/* Counters as of cycle now (the current state's open stretch included). */
static inline void state_acc_read(const state_acc *a, uint64_t now, uint64_t out[BS__COUNT])
{
    for (int i = 0; i < BS__COUNT; i++)
        out[i] = a->t[i];
    out[a->s] += now - a->since;
}

#define BLOCK_NEVER UINT64_MAX /* next_event of a block with nothing scheduled */

#endif
