/* ddr.c: external memory channel (see ddr.h). */
#include "ddr.h"

#include <math.h>
#include <string.h>

void ddr_init(ddr *d, double bytes_per_cycle, uint32_t burst_latency)
{
    memset(d, 0, sizeof *d);
    d->bytes_per_cycle = bytes_per_cycle > 0 ? bytes_per_cycle : 1.0;
    d->burst_latency = burst_latency;
}

uint64_t ddr_transfer_cycles(const ddr *d, uint64_t words, uint64_t word_bytes)
{
    uint64_t beats = (uint64_t)ceil((double)word_bytes / d->bytes_per_cycle - 1e-9);
    if (beats < 1)
        beats = 1;
    return words * beats;
}

uint64_t ddr_read(ddr *d, uint64_t now, uint64_t words, uint64_t word_bytes)
{
    if (words == 0)
        return now;
    uint64_t start = now > d->busy_until ? now : d->busy_until;
    uint64_t c = ddr_transfer_cycles(d, words, word_bytes);
    d->busy_until = start + c;
    d->done_at = d->busy_until + d->burst_latency;
    d->busy_cycles += c;
    d->bytes += words * word_bytes;
    d->words += words;
    d->requests++;
    return d->done_at;
}

uint64_t ddr_write(ddr *d, uint64_t now, uint64_t words, uint64_t word_bytes)
{
    return ddr_read(d, now, words, word_bytes);
}

uint64_t ddr_next_event(const ddr *d, uint64_t now)
{
    if (d->done_at > now)
        return d->busy_until > now ? d->busy_until : d->done_at;
    return UINT64_MAX;
}

void ddr_stats_get(const ddr *d, ddr_stats *s)
{
    s->bytes = d->bytes;
    s->words = d->words;
    s->requests = d->requests;
    s->busy_cycles = d->busy_cycles;
}
