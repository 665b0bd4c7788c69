/* filter_loader.c: double-buffered filter cache fill (see filter_loader.h). */
#include "filter_loader.h"

#include <string.h>

void filter_loader_init(filter_loader *f, ddr *mem, uint64_t word_bytes, int n_pe)
{
    memset(f, 0, sizeof *f);
    f->mem = mem;
    f->word_bytes = word_bytes;
    f->n_pe = n_pe;
    f->slot = -1;
}

uint64_t filter_loader_cycles(const filter_loader *f, uint64_t words_per_pe)
{
    if (!f->mem || words_per_pe == 0)
        return 0;
    return ddr_transfer_cycles(f->mem, words_per_pe * (uint64_t)f->n_pe, f->word_bytes) + f->mem->burst_latency;
}

uint64_t filter_loader_start(filter_loader *f, uint64_t now, long slot, uint64_t words_per_pe)
{
    f->slot = slot;
    if (!f->mem || words_per_pe == 0) {
        f->loading = false;
        f->done_at = now;
        return now;
    }
    uint64_t w = words_per_pe * (uint64_t)f->n_pe;
    f->done_at = ddr_read(f->mem, now, w, f->word_bytes);
    f->loading = f->done_at > now;
    f->busy_cycles += f->done_at - now;
    f->words += w;
    f->loads++;
    return f->done_at;
}

void filter_loader_stats(const filter_loader *f, block_stats *s)
{
    memset(s, 0, sizeof *s);
    s->t[BS_BUSY] = f->busy_cycles;
    s->items = f->loads;
    s->tokens_out = f->words;
}

bool filter_loader_step(filter_loader *f, uint64_t now)
{
    if (f->loading && now >= f->done_at) {
        f->loading = false;
        return true;
    }
    return false;
}
