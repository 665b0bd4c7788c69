/* ddr.h: the external memory channel — words per cycle at a bytes/cycle bandwidth,
 * a burst latency, one request in service at a time (requests queue in order).
 *
 * A request for `words` words of `word_bytes` each occupies the channel for
 * words * ceil(word_bytes / bytes_per_cycle) cycles (a word never shares a beat with
 * another, as TF2's filter_reader paces it: STEP = ceil(48 / 64)); its data is complete
 * burst_latency cycles after the channel finishes. Latency is pipelined: back-to-back
 * requests pay it once each but overlap it with the next transfer. */
#ifndef TF2SIM_DDR_H
#define TF2SIM_DDR_H

#include <stdint.h>

typedef struct ddr {
    double bytes_per_cycle;
    uint32_t burst_latency;
    uint64_t busy_until;    /* channel free from this cycle */
    uint64_t done_at;       /* data of the last request complete at this cycle */
    uint64_t bytes, words, requests, busy_cycles;
} ddr;

typedef struct ddr_stats {
    uint64_t bytes, words, requests, busy_cycles;
} ddr_stats;

void ddr_init(ddr *d, double bytes_per_cycle, uint32_t burst_latency);
/* Cycles the channel is occupied by `words` words of `word_bytes`. */
uint64_t ddr_transfer_cycles(const ddr *d, uint64_t words, uint64_t word_bytes);
/* Issues a read at cycle now; returns the cycle its data is complete. */
uint64_t ddr_read(ddr *d, uint64_t now, uint64_t words, uint64_t word_bytes);
/* Same for a write (shares the channel). */
uint64_t ddr_write(ddr *d, uint64_t now, uint64_t words, uint64_t word_bytes);
/* Earliest cycle the channel state changes (BLOCK_NEVER-style UINT64_MAX when idle at now). */
uint64_t ddr_next_event(const ddr *d, uint64_t now);
void ddr_stats_get(const ddr *d, ddr_stats *s);

#endif
