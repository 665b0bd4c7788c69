/* fifo.c: bounded token FIFO (see fifo.h). */
#include "fifo.h"

#include <string.h>

int fifo_init(fifo *q, uint64_t cap)
{
    memset(q, 0, sizeof *q);
    if (cap < 1)
        return -1;
    q->cap = cap;
    return 0;
}

/* Charges the stretch since the last change at the old occupancy. */
static void advance(fifo *q, uint64_t now)
{
    if (now <= q->last_t)
        return;
    uint64_t dt = now - q->last_t;
    q->occ_integral += q->count * dt;
    if (q->count == 0)
        q->empty_cycles += dt;
    else if (q->count == q->cap)
        q->full_cycles += dt;
    q->last_t = now;
}

uint64_t fifo_push(fifo *q, uint64_t n, uint64_t now)
{
    advance(q, now);
    uint64_t sp = q->cap - q->count;
    if (n > sp)
        n = sp;
    q->count += n;
    q->pushes += n;
    if (q->count > q->max_count)
        q->max_count = q->count;
    return n;
}

uint64_t fifo_pop(fifo *q, uint64_t n, uint64_t now)
{
    advance(q, now);
    if (n > q->count)
        n = q->count;
    q->count -= n;
    q->pops += n;
    return n;
}

void fifo_stats_at(const fifo *q, uint64_t now, fifo_stats *s)
{
    fifo c = *q;
    advance(&c, now);
    s->cap = c.cap;
    s->pushes = c.pushes;
    s->pops = c.pops;
    s->max_count = c.max_count;
    s->full_cycles = c.full_cycles;
    s->empty_cycles = c.empty_cycles;
    s->avg_count = c.last_t ? (double)c.occ_integral / (double)c.last_t : 0.0;
}
