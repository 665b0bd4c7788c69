/* feature_loader.c: line buffer and engine input reader (see feature_loader.h). */
#include "feature_loader.h"

#include <string.h>

void feature_loader_init(feature_loader *f, int n_in, fifo *const *in, uint64_t cap)
{
    memset(f, 0, sizeof *f);
    f->n_in = n_in;
    for (int i = 0; i < n_in; i++)
        f->in[i] = in[i];
    f->cap = cap < 1 ? 1 : cap;
}

void feature_loader_side_input(feature_loader *f, int i, uint64_t frame_px)
{
    f->side[i] = true;
    f->frame_px = frame_px < 1 ? 1 : frame_px;
}

bool feature_loader_step(feature_loader *f, uint64_t now)
{
    bool moved = false;
    for (int i = 0; i < f->n_in; i++) {
        /* pixels already released (never needed, e.g. rows a stride skips) pass through */
        uint64_t room = f->freed >= f->loaded[i] ? f->cap + (f->freed - f->loaded[i])
                                                  : f->cap - (f->loaded[i] - f->freed);
        if (f->side[i]) {
            uint64_t upto = f->freed / f->frame_px + 2;
            room = upto > f->loaded[i] ? upto - f->loaded[i] : 0;
        }
        if (room == 0 || !fifo_valid(f->in[i]))
            continue;
        uint64_t n = fifo_pop(f->in[i], room, now);
        f->loaded[i] += n;
        f->tokens_in += n;
        moved = moved || n > 0;
    }
    return moved;
}

void feature_loader_stats(const feature_loader *f, block_stats *s)
{
    memset(s, 0, sizeof *s);
    s->tokens_in = f->tokens_in;
    s->items = f->freed;
}

bool feature_loader_has(const feature_loader *f, uint64_t abs_need)
{
    for (int i = 0; i < f->n_in; i++)
        if (f->loaded[i] < (f->side[i] ? (abs_need + f->frame_px - 1) / f->frame_px : abs_need))
            return false;
    return true;
}

void feature_loader_free(feature_loader *f, uint64_t abs_to)
{
    if (abs_to > f->freed)
        f->freed = abs_to;
}

static uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

static uint64_t np2(uint64_t v)
{
    uint64_t p = 1;
    while (p < v)
        p <<= 1;
    return p;
}

uint64_t feature_loader_engine_words(const engine_params *g, int c, int h, int w)
{
    uint64_t wv = (uint64_t)(g->fw_vector + g->ow_vector - 1);
    return cdiv((uint64_t)c, (uint64_t)g->c_vector) * (uint64_t)h * cdiv((uint64_t)w, wv);
}

uint64_t feature_loader_engine_page_bytes(const engine_params *g, int c, int h, int w)
{
    uint64_t wv = (uint64_t)(g->fw_vector + g->ow_vector - 1);
    return feature_loader_engine_words(g, c, h, w) * np2(wv) * np2((uint64_t)g->c_vector);
}
