/* filter_loader.h: filters into the per-PE filter caches.
 *
 * Engine (TF2 filter_reader): every frame, each output-channel group's filters stream
 * from DDR into one page of a double-buffered per-PE cache: kFilterLoadSize words per PE,
 * N_VECTOR PEs, each word FW_VECTOR x C_VECTOR bytes. The load of group j+1 starts when
 * group j starts computing (its page is then free) and takes as long as DDR needs; if it
 * is not done when group j finishes, the sequencer waits (filter stall).
 * Dataflow: weights sit in on-chip ROM next to each PE; nothing to wait for. */
#ifndef TF2SIM_FILTER_LOADER_H
#define TF2SIM_FILTER_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "block.h"
#include "ddr.h"

typedef struct filter_loader {
    ddr *mem;             /* NULL: on-chip ROM */
    uint64_t word_bytes;  /* bytes per filter-cache word */
    int n_pe;
    bool loading;
    long slot;            /* slot being (or last) loaded */
    uint64_t done_at;
    uint64_t words, busy_cycles, loads;
} filter_loader;

void filter_loader_init(filter_loader *f, ddr *mem, uint64_t word_bytes, int n_pe);
/* Starts loading `words_per_pe` words for every PE (slot id for bookkeeping); returns done cycle. */
uint64_t filter_loader_start(filter_loader *f, uint64_t now, long slot, uint64_t words_per_pe);
static inline uint64_t filter_loader_next_event(const filter_loader *f) { return f->loading ? f->done_at : UINT64_MAX; }
/* Advances to now; true when a load completed. */
bool filter_loader_step(filter_loader *f, uint64_t now);
/* Cycles spent loading (busy), loads (items), words moved (tokens_out). */
void filter_loader_stats(const filter_loader *f, block_stats *s);
/* Cycles a load of `words_per_pe` words takes on its own. */
uint64_t filter_loader_cycles(const filter_loader *f, uint64_t words_per_pe);

#endif
