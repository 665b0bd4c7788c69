/* scheduler.h: the controller that walks a layer's loop nest and issues one control
 * word per cycle.
 *
 * Dataflow: items are output pixels (mvau, pools, reorg, concat, add), rows (dsp6, fp,
 * kp, the input DMA) or whole frames (fc, global pool), in raster order, frame after
 * frame. Each item says how much of the frame's input it needs in the line buffer
 * (pixels, raster order), how much it lets go of when done, how many output pixels it
 * makes and how many control words (cycles) it issues. What it releases may run ahead
 * of what it needed (a stride skips rows): those pixels pass the buffer unstored. A window op's output (r, x)
 * needs input row min(H-1, r*s-pad+K-1) up to column min(W-1, x*s-pad+K-1).
 *
 * Engine: slots are (layer, output-channel group) in execution order (TF2's sequencer:
 * n_vec -> oh -> ow_vec -> c_vec -> fh -> fw_vec), each issuing conv_cyc words and
 * needing its group's filters in the cache. */
#ifndef TF2SIM_SCHEDULER_H
#define TF2SIM_SCHEDULER_H

#include <stdbool.h>
#include <stdint.h>

#include "pe_array.h"

typedef struct sched_item {
    uint64_t need;     /* input pixels of this frame that must be loaded */
    uint64_t free_to;  /* input pixels of this frame no longer needed after the item */
    uint64_t outputs;  /* output pixels written */
    uint64_t cost;     /* control words = cycles */
    uint32_t frame;
    bool first, last;  /* first / last item of its frame */
} sched_item;

typedef struct sched_params {
    pe_grain grain;
    int hin, win, hout, wout;
    int k, stride, pad;          /* window (1, 1, 0 for pointwise ops) */
    uint64_t items_per_frame;    /* pixel grain: hout*wout; row grain: rows walked */
    uint64_t pe_cost;            /* control words per item on the array */
    uint64_t load_cost;          /* control words per input pixel taken in (streaming ops) */
    bool no_input;               /* the input DMA: needs nothing */
} sched_params;

typedef struct scheduler {
    sched_params p;
    uint64_t frame_pixels;
    int frames;
    uint32_t frame;
    uint64_t i;          /* next item in the frame */
    uint64_t prev_need, prev_free;
    uint64_t words;      /* control words issued */
} scheduler;

void scheduler_init(scheduler *s, const sched_params *p, int frames);
/* The next item, or false when every frame has been issued. */
bool scheduler_next(scheduler *s, sched_item *it);
static inline uint64_t scheduler_frame_pixels(const scheduler *s) { return s->frame_pixels; }
/* Control words issued (busy cycles when the array never waits). */
void scheduler_stats(const scheduler *s, block_stats *st);

/* Engine slot: one output-channel group of one layer (or a filterless pass). */
typedef struct engine_slot {
    int layer;              /* net layer index */
    uint64_t conv_cycles;   /* control words of the group */
    uint64_t filter_words;  /* filter-cache words to load per PE (0: no filters) */
} engine_slot;

#endif
