/* scheduler.c: loop-nest walkers (see scheduler.h). */
#include "scheduler.h"

#include <string.h>

static int64_t clampi(int64_t v, int64_t lo, int64_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

void scheduler_init(scheduler *s, const sched_params *p, int frames)
{
    memset(s, 0, sizeof *s);
    s->p = *p;
    s->frames = frames;
    s->frame_pixels = (uint64_t)p->hin * (uint64_t)p->win;
}

void scheduler_stats(const scheduler *s, block_stats *st)
{
    memset(st, 0, sizeof *st);
    st->t[BS_BUSY] = s->words;
    st->items = (uint64_t)s->frame;
}

bool scheduler_next(scheduler *s, sched_item *it)
{
    const sched_params *p = &s->p;
    if ((int)s->frame >= s->frames)
        return false;
    memset(it, 0, sizeof *it);
    it->frame = s->frame;
    it->first = s->i == 0;
    it->last = s->i + 1 == p->items_per_frame;
    int64_t hin = p->hin, win = p->win;
    uint64_t need = 0, free_to = s->prev_free;
    if (p->no_input) {
        it->outputs = p->grain == PE_GRAIN_ROW ? (uint64_t)p->wout : 1;
    } else if (p->grain == PE_GRAIN_FRAME) {
        need = free_to = s->frame_pixels;
        it->outputs = (uint64_t)p->hout * (uint64_t)p->wout;
    } else {
        int64_t r, x = 0;
        if (p->grain == PE_GRAIN_ROW) {
            r = clampi((int64_t)s->i, 0, p->hout - 1);
            it->outputs = (int64_t)s->i < p->hout ? (uint64_t)p->wout : 0;
        } else {
            r = (int64_t)(s->i / (uint64_t)p->wout);
            x = (int64_t)(s->i % (uint64_t)p->wout);
            it->outputs = 1;
        }
        int64_t row_last = clampi(r * p->stride - p->pad + p->k - 1, 0, hin - 1);
        if (p->grain == PE_GRAIN_ROW) {
            need = (uint64_t)((row_last + 1) * win);
        } else {
            int64_t col_last = clampi(x * p->stride - p->pad + p->k - 1, 0, win - 1);
            need = (uint64_t)(row_last * win + col_last + 1);
        }
        if (p->grain == PE_GRAIN_ROW || x == p->wout - 1)
            free_to = (uint64_t)(clampi((r + 1) * p->stride - p->pad, 0, hin) * win);
    }
    if (need < s->prev_need)
        need = s->prev_need;
    if (it->last && !p->no_input)
        need = free_to = s->frame_pixels; /* a frame's leftover input is drained with its last item */
    it->need = need;
    it->free_to = free_to;
    it->cost = p->pe_cost + p->load_cost * (need - s->prev_need);
    s->words += it->cost;
    if (it->last) {
        s->frame++;
        s->i = 0;
        s->prev_need = s->prev_free = 0;
    } else {
        s->i++;
        s->prev_need = need;
        s->prev_free = free_to;
    }
    return true;
}
