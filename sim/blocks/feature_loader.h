/* feature_loader.h: input features into the compute unit.
 *
 * Dataflow: a line buffer (sliding window) fed by one FIFO per input (several for concat
 * and add). It takes tokens (pixels) whenever it has room; it holds `cap` pixels per
 * input, e.g. (K+1) rows of W for a KxK conv, so the rows a window needs (K-pad before
 * the first output row) plus one being filled. Counts are cumulative over frames.
 *
 * Engine: TF2's input_reader, which reads the image from DDR into the feature cache at
 * the start of a frame, one W_VECTOR x C_VECTOR word per cycle:
 * ceil(C/C_VECTOR) * H * ceil(W/W_VECTOR) words. */
#ifndef TF2SIM_FEATURE_LOADER_H
#define TF2SIM_FEATURE_LOADER_H

#include <stdbool.h>
#include <stdint.h>

#include "block.h"
#include "net/design.h"
#include "fifo.h"
#include "net/net.h"

typedef struct feature_loader {
    int n_in;
    fifo *in[LAYER_MAX_INPUTS];
    uint64_t cap;                        /* pixels held per input */
    uint64_t loaded[LAYER_MAX_INPUTS];   /* pixels taken in, cumulative */
    uint64_t freed;                      /* pixels released, cumulative */
    uint64_t tokens_in;
    uint64_t frame_px;                   /* pixels of a frame on input 0 (for side inputs) */
    bool side[LAYER_MAX_INPUTS];         /* one pixel per frame (a mul's per-channel factor) */
} feature_loader;

void feature_loader_init(feature_loader *f, int n_in, fifo *const *in, uint64_t cap);
/* Input i brings one pixel per frame of `frame_px` pixels on input 0 (squeeze-excite's
 * factor): a frame's pixels need that frame's one, and it holds this frame's and the next's. */
void feature_loader_side_input(feature_loader *f, int i, uint64_t frame_px);
/* Takes what fits from the input FIFOs at cycle now; true if anything moved. */
bool feature_loader_step(feature_loader *f, uint64_t now);
/* True when `abs_need` pixels (cumulative) are loaded on every input. */
bool feature_loader_has(const feature_loader *f, uint64_t abs_need);
/* Releases pixels up to `abs_to` (cumulative). */
void feature_loader_free(feature_loader *f, uint64_t abs_to);
/* Tokens taken in (items: pixels released). */
void feature_loader_stats(const feature_loader *f, block_stats *s);
/* The loader acts only when a FIFO changes: no event of its own. */
static inline uint64_t feature_loader_next_event(const feature_loader *f) { (void)f; return UINT64_MAX; }

/* Engine: words the input reader moves for a c x h x w image. */
uint64_t feature_loader_engine_words(const engine_params *g, int c, int h, int w);
/* Engine: one feature-cache page (bytes) for a c x h x w map, in TF2's layout
 * [c_vec][h][w_vec][NP2(W_VECTOR)][NP2(C_VECTOR)]. */
uint64_t feature_loader_engine_page_bytes(const engine_params *g, int c, int h, int w);

#endif
