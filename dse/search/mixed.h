/* mixed.h: mixed-precision search — which per-layer bit widths to explore.
 *
 * A greedy walk from high to low precision, in the style of sensitivity-driven
 * mixed-precision search (HAWQ, MixQ's complexity loss): start with every layer at the
 * highest level of the set; at each step try lowering one layer's weight or activation
 * bits by one level, and take the move that saves the most DSP-cycles (MACs / products
 * per DSP, the packing bound's numerator) per point of top-1 lost, measured on a subset
 * of the test images. The walk stops when every move would lose more than `max_drop`
 * against the starting accuracy, or after `max_steps`. Every bit vector on the path is
 * handed to `visit` with its full-test-set accuracy (cached in the DB), where the
 * caller runs a folding search for it. Deterministic. */
#ifndef TF2SIM_MIXED_H
#define TF2SIM_MIXED_H

#include "net/device.h"
#include "net/net.h"
#include "store/store.h"

typedef struct mixed_opts {
    int levels[8];      /* bit widths to use, any order (e.g. 8 6 4 3 2) */
    int nlevels;
    double max_drop;    /* largest top-1 loss (fraction, e.g. 0.02) against the start */
    int probe_images;   /* test images per probe of a move (0: all) */
    int max_steps;
} mixed_opts;

typedef int (*mixed_visit_fn)(void *ctx, const net *n, double accuracy, tf_err *e);

/* Returns 1 (not an error) when the net has no weights or data for accuracy: the
 * caller then says so and optimises throughput only. */
int mixed_walk(store *s, const net *base, const device *dv, const mixed_opts *o, mixed_visit_fn visit, void *ctx,
               int *visited, tf_err *e);

/* DSP-cycles per frame of the net at its current bits: sum of MACs / products per DSP. */
double mixed_dsp_cycles(const net *n, const device *dv);

#endif
