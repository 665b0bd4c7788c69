/* fifo.h: a bounded FIFO of tokens with valid/ready semantics and occupancy counters.
 *
 * The timing model moves tokens, not values: a FIFO holds a count. `ready` (space for a
 * token) is what the writer sees, `valid` (a token present) what the reader sees; a
 * push without ready or a pop without valid is a caller bug and is refused. Occupancy
 * is integrated over time so the average and the cycles spent full / empty are exact. */
#ifndef TF2SIM_FIFO_H
#define TF2SIM_FIFO_H

#include <stdbool.h>
#include <stdint.h>

typedef struct fifo {
    uint64_t cap;          /* tokens */
    uint64_t count;
    uint64_t pushes, pops;
    uint64_t max_count;
    uint64_t last_t;       /* cycle of the last change */
    uint64_t occ_integral; /* sum over cycles of count */
    uint64_t full_cycles, empty_cycles;
} fifo;

typedef struct fifo_stats {
    uint64_t cap, pushes, pops, max_count, full_cycles, empty_cycles;
    double avg_count;
} fifo_stats;

/* cap >= 1; returns -1 for 0. */
int fifo_init(fifo *q, uint64_t cap);
static inline bool fifo_ready(const fifo *q) { return q->count < q->cap; }
static inline bool fifo_valid(const fifo *q) { return q->count > 0; }
static inline uint64_t fifo_space(const fifo *q) { return q->cap - q->count; }
/* Push / pop n tokens at cycle now; returns the number actually moved (bounded by space / count). */
uint64_t fifo_push(fifo *q, uint64_t n, uint64_t now);
uint64_t fifo_pop(fifo *q, uint64_t n, uint64_t now);
/* Counters as of cycle now. */
void fifo_stats_at(const fifo *q, uint64_t now, fifo_stats *s);

#endif
