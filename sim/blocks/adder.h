/* adder.h: the back end of a compute unit — accumulates partial sums across
 * input-channel groups, bias/BN, re-quantise, saturate, ReLU, pool, write-back.
 *
 * Timing only: results leave as output pixels. Dataflow: the finished pixels of an item
 * wait in the adder (`pending`) until every consumer FIFO has room (one write is
 * broadcast to all consumers; a layer with no consumer writes to the output DMA, which
 * always accepts). While pixels are pending the unit cannot start its next item: that
 * is the FIFO-full stall. Engine: TF2's relu -> pool -> pool_tail -> feature_writer chain
 * writes the cache page (or DDR, with the residual add), `latency` cycles behind the array. */
#ifndef TF2SIM_ADDER_H
#define TF2SIM_ADDER_H

#include <stdbool.h>
#include <stdint.h>

#include "block.h"
#include "fifo.h"

typedef struct adder {
    int n_out;
    fifo **out;           /* consumer FIFOs (not owned) */
    uint64_t pending;     /* finished pixels not yet written */
    uint64_t written;
    uint32_t latency;     /* writer pipeline depth (engine) */
} adder;

void adder_init(adder *a, fifo **out, int n_out, uint32_t latency);
/* An item finished: its output pixels join the pending ones. */
static inline void adder_accept(adder *a, uint64_t pixels) { a->pending += pixels; }
/* Writes what every consumer has room for at cycle now; true if anything moved. */
bool adder_step(adder *a, uint64_t now);
static inline uint64_t adder_next_event(const adder *a) { (void)a; return UINT64_MAX; }
/* Pixels written. */
void adder_stats(const adder *a, block_stats *s);

#endif
