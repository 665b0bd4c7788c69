/* adder.c: write-back of finished pixels (see adder.h). */
#include "adder.h"

#include <string.h>

void adder_init(adder *a, fifo **out, int n_out, uint32_t latency)
{
    a->n_out = n_out;
    a->out = out;
    a->pending = 0;
    a->written = 0;
    a->latency = latency;
}

void adder_stats(const adder *a, block_stats *s)
{
    memset(s, 0, sizeof *s);
    s->tokens_out = a->written;
}

bool adder_step(adder *a, uint64_t now)
{
    if (a->pending == 0)
        return false;
    uint64_t n = a->pending;
    for (int i = 0; i < a->n_out; i++) {
        uint64_t sp = fifo_space(a->out[i]);
        if (sp < n)
            n = sp;
    }
    if (n == 0)
        return false;
    for (int i = 0; i < a->n_out; i++)
        fifo_push(a->out[i], n, now);
    a->pending -= n;
    a->written += n;
    return true;
}
