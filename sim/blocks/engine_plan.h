/* engine_plan.h: how a net maps onto the TF2 engine (shared by the cycle-level engine
 * topology and its closed form, so both see the same layers, groups and checks).
 *
 * Roles (tf2-engine.md §1.4, §1.7):
 *   conv    conv/fc: ceil(N/N_VECTOR) output-channel groups (slots) on the array; fc is a
 *           1x1 conv on a 1x1 map; a 7x7/2 conv on the image is rewritten as a 3x3/1 conv
 *           over 27 phase channels (OH+2 x OW+2); stride 2 steps rows by 2 and computes
 *           every column (pool_tail drops the odd ones); grouped convs read Cin/groups
 *           channels per group (depthwise: one channel, one useful lane in 16 — an
 *           extension: TF2 itself has no grouped convs).
 *   fused   max pool right after a conv (its only consumer): pool -> pool_tail in the
 *           writer, no cycles of its own.
 *   ipool   a max pool that cannot be fused (GoogLeNet's inception pool branch): a
 *           filterless pass, ceil(C/N_VECTOR) * OH * ceil(OW1/W_VECTOR) cycles (my reading
 *           of kIpoolEnable), OW1 the stride-1 output width.
 *   free    concat (channel offset into a shared page), add (in the feature writer),
 *           global average pool (full_size_pool): no cycles.
 * Refused with the layer and the reason: conv stride > 2, pool window > 3 or stride > 2,
 * a non-global average pool, reorg, a grouped conv whose groups do not align with
 * N_VECTOR.
 * Cache sizes do not change the cycles: TF2 sizes its caches per net at compile time
 * (CACHE_PAGE_SIZE from the largest map), so the plan reports what the net needs and
 * the resource model charges the larger of that and the engine file's sizes. */
#ifndef TF2SIM_ENGINE_PLAN_H
#define TF2SIM_ENGINE_PLAN_H

#include <stdint.h>

#include "net/design.h"
#include "pe_array.h"
#include "scheduler.h"

typedef enum engine_role { ENG_FREE, ENG_CONV, ENG_FUSED, ENG_IPOOL } engine_role;

typedef struct engine_plan {
    int n_layers;
    engine_role *role;          /* per layer */
    engine_layer_geom *geom;    /* per layer (conv and ipool) */
    int n_slots;
    engine_slot *slots;         /* execution order */
    uint64_t input_words;       /* INPUT_READER_CYCLE */
    uint64_t page_bytes;        /* largest feature-cache page */
    int pages;                  /* 2, or 3 with concat branches */
    uint64_t feature_cache_needed; /* pages x page_bytes */
    uint64_t filter_cache_needed;  /* per PE: 2 pages of the largest group (padded words) */
    uint64_t filter_word_bytes; /* FW_VECTOR x C_VECTOR */
    uint32_t pipe_latency;      /* array + writer depth (last output after the last word) */
} engine_plan;

int engine_plan_build(const net *n, const engine_params *g, engine_plan *pl, tf_err *e);
void engine_plan_free(engine_plan *pl);

/* Cycles to load a slot's filters (0 for a filterless slot), DDR at g->ddr_bytes_per_cycle. */
uint64_t engine_plan_load_cycles(const engine_params *g, const engine_plan *pl, const engine_slot *s);

#endif
