/* prune.h: L1-norm filter (output-channel) pruning of conv layers, as in Li et al., "Pruning
 * Filters for Efficient ConvNets" (ICLR 2017), one shot, without retraining.
 *
 * For each pruned conv the floor(ratio * cout) filters with the smallest L1 norms (sum of |w|
 * over the filter, on the unpruned weights) are removed, ties broken by the lower index
 * removed first; the kept filters stay in their order, with their biases. Every consumer of
 * the pruned channels loses the same input channels: a conv its input-channel slices, an fc
 * the columns of those channels in its C,H,W flattening; max/avg pools, gap, concat (at the
 * input's channel offset) and depthwise convs (which lose those channels' filters) in between
 * pass the cut through. Not handled, and refused with the reason: a conv feeding add (the other
 * operands would need the same cut) or reorg, grouped convs (a depthwise conv is not pruned
 * itself: prune the conv before it), and a conv whose output is a net output. With no layer list, every conv that can be pruned
 * is, and the others are listed as skipped with their reason. */
#ifndef TF2SIM_PRUNE_H
#define TF2SIM_PRUNE_H

#include "net/error.h"
#include "numerics/float_ref.h"
#include "net/net.h"

typedef struct prune_layer_info {
    int cout_before, cout_after;
    bool pruned;
    int *kept;         /* pruned convs: the kept filter indices, ascending (cout_after of them) */
    char skipped[160]; /* why a conv was not pruned (auto mode), else "" */
} prune_layer_info;

typedef struct prune_result {
    net n;                  /* the pruned net, shapes inferred */
    float_weights fw;       /* its weights */
    prune_layer_info *info; /* per layer of the input net (same indices in both nets) */
} prune_result;

/* `layers`: comma-separated conv names, or NULL/"" for every prunable conv. ratio in (0, 1). */
int prune_l1(const net *n, const float_weights *fw, double ratio, const char *layers, prune_result *r, tf_err *e);
void prune_result_free(prune_result *r);

/* Indices of the filters kept out of cout (ascending), `keep` of them: the cout-keep with the
 * smallest L1 norms over `per` weights each are dropped, ties by lower index first. */
void prune_select(const float *w, int cout, size_t per, int keep, int *kept);

#endif
