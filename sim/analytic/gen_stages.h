/* gen_stages.h: a GEN layer as the chain of processes DeepBurning-MixQ's generator builds
 * (accelerator.cpp: every stage its own process in the DATAFLOW region, II = 1), with each
 * stage's cycles; mixq-dataflow.md 3.3, GEN HLS_templates. Per input row (IN_H rows a frame),
 * OUTPENUM = OUT_CH/OCH_PF, ROW_LEN = (IN_W+K-2)/Np + 1:
 *   line_buffer  reshape_buffer_*: takes (IN_CH/IN_PE)*ROW_LEN*Np words (padding included) and
 *                emits OUTPENUM*ROW_LEN*INFOLD words; the two loops overlap: the larger
 *   array        FP_Array OUTPENUM*ceil(K/Kp)*INFOLD*ROW_LEN; KP_Array OUTPENUM*K*INFOLD*ROW_LEN
 *   downsize     StreamingDataWidthConverter Np*OCH_PF -> ACTP values: one output word a cycle,
 *                OUTPENUM*ROW_LEN*Np*OCH_PF/ACTP
 *   activation   Activation_Trim: OUTPENUM*(OCH_PF/ACTP)*Np*ROW_LEN, padded columns included
 *   upsize       StreamingDataWidthConverter ACTP -> (2*)OCH_PF values: one input word a cycle,
 *                OUTPENUM*IN_W*OCH_PF/ACTP
 *   max_pool     max_pool2x2 (when a 2x2 pool follows): 2 pixels x OCH_PF a cycle, OUTPENUM*IN_W/2
 * The stages run concurrently, so the layer takes its slowest stage's cycles; the analytic and
 * cycle-level models both time a GEN layer by it, and a fused 2x2 pool by its max_pool stage.
 * Applies to fp and kp convs of mixq-hls dataflow designs that GEN's templates build. */
#ifndef TF2SIM_GEN_STAGES_H
#define TF2SIM_GEN_STAGES_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "net/design.h"
#include "net/net.h"

typedef enum gen_stage_kind {
    GEN_ST_LINE_BUFFER,
    GEN_ST_ARRAY,
    GEN_ST_DOWNSIZE,
    GEN_ST_ACTIVATION,
    GEN_ST_UPSIZE,
    GEN_ST_MAX_POOL,
    GEN_ST__COUNT
} gen_stage_kind;

typedef struct gen_stages {
    uint64_t rows;                   /* IN_H: rows a frame */
    uint64_t per_row[GEN_ST__COUNT]; /* cycles per input row; 0: no such stage (no pool) */
    uint64_t frame[GEN_ST__COUNT];   /* cycles per frame */
    int pool_layer;                  /* the fused 2x2 pool's index, or -1 */
    uint64_t pool_pixel;             /* its cycles per output pixel: 2*C/OCH_PF (0: no pool) */
    gen_stage_kind slowest;          /* the stage with the most cycles a frame (the array, else the first, on a tie) */
} gen_stages;

const char *gen_stage_name(gen_stage_kind k);

/* Fills s when compute layer i is a GEN stage chain (mixq-hls dataflow, fp/kp, built by GEN's
 * templates); false otherwise (s untouched). */
bool gen_stages_of(const net *n, const design *ds, int i, gen_stages *s);

/* Cycles a frame of compute layer i: its slowest GEN stage, or the array's closed form
 * (analytic_layer_cycles) for any other layer. */
uint64_t gen_layer_cycles(const net *n, const design *ds, int i);

/* A 2x2 pool fed by a GEN layer: sets *cost to its cycles per output pixel (GEN max_pool2x2:
 * 2*C/OCH_PF, the fused stage's pace) and returns true; false for any other layer. */
bool gen_pool_pixel_cycles(const net *n, const design *ds, int i, uint64_t *cost);

/* JSON: "stages" {name: cycles a frame} and "slowest_stage" on a GEN layer's object jl. */
void gen_stages_json_add(json_t *jl, const net *n, const design *ds, int i);
/* The stage that sets the pace of layer `slowest` (a valid index): its slowest GEN stage, max_pool
 * for a pool fused into a GEN layer (*at: that conv), else NULL (*at = slowest). */
const char *gen_bottleneck(const net *n, const design *ds, int slowest, int *at);
/* JSON "bottleneck" {layer, stage, cycles} on the design's object j: the slowest layer (`slowest`,
 * `cycles` its period) or, when a GEN layer's stage reaches the same cycles, that layer and stage. */
void gen_bottleneck_json_add(json_t *j, const net *n, const design *ds, int slowest, uint64_t cycles);

#endif
