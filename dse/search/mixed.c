/* mixed.c: the mixed-precision walk (see mixed.h). */
#include "mixed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "accuracy.h"
#include "task/classify.h"
#include "numerics/dsp_packing.h"

double mixed_dsp_cycles(const net *n, const device *dv)
{
    double c = 0;
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        if (layer_is_compute(l))
            c += (double)l->macs / dsp_packing_factor(dv->dsp_type, l->wbits, l->abits, l->op == OP_FC ? 1 : l->k);
    }
    return c;
}

static int threads(void)
{
    long c = sysconf(_SC_NPROCESSORS_ONLN);
    return c > 0 ? (int)c : 1;
}

/* Top-1 on the probe subset (not cached: the cache holds full-set values only). */
static int probe(const net *n, int images, double *acc, tf_err *e)
{
    int used = 0;
    int rc = cls_top1_for_bits(n, NULL, NULL, false, 1000, images, threads(), acc, &used, e);
    return rc < 0 ? -1 : rc;
}

/* The next lower level below `bits` in the set, or 0. */
static int lower(const mixed_opts *o, int bits)
{
    int best = 0;
    for (int i = 0; i < o->nlevels; i++)
        if (o->levels[i] < bits && o->levels[i] > best)
            best = o->levels[i];
    return best;
}

int mixed_walk(store *s, const net *base, const device *dv, const mixed_opts *o, mixed_visit_fn visit, void *ctx,
               int *visited, tf_err *e)
{
    *visited = 0;
    if (o->nlevels < 1)
        return tf_errf(e, "--levels: give at least one bit width");
    int top = 0;
    for (int i = 0; i < o->nlevels; i++)
        if (o->levels[i] < 1 || o->levels[i] > 8)
            return tf_errf(e, "--levels: bit widths must be 1..8 (got %d)", o->levels[i]);
        else if (o->levels[i] > top)
            top = o->levels[i];
    net cur;
    if (net_clone(&cur, base, e))
        return -1;
    int rc = net_apply_bits(&cur, top, top, e);
    double acc0 = -1, acc_cur = -1;
    if (!rc)
        rc = probe(&cur, o->probe_images, &acc0, e);
    if (rc) { /* < 0 error; 1: no weights or data */
        net_free(&cur);
        return rc;
    }
    acc_cur = acc0;
    double full;
    if (accuracy_for_bits(s, &cur, false, &full, e) || visit(ctx, &cur, full, e)) {
        net_free(&cur);
        return -1;
    }
    (*visited)++;
    for (int step = 0; step < o->max_steps; step++) {
        double cost = mixed_dsp_cycles(&cur, dv);
        double best_score = -1, best_acc = 0;
        int best_layer = -1, best_kind = 0;
        for (int i = 0; i < cur.n_layers; i++) {
            layer *l = &cur.layers[i];
            if (!layer_is_compute(l) || l->bits_fixed)
                continue;
            for (int kind = 0; kind < 2; kind++) { /* 0: weights, 1: activations */
                int *bits = kind ? &l->abits : &l->wbits;
                int nb = lower(o, *bits);
                if (!nb)
                    continue;
                int old = *bits;
                *bits = nb;
                double acc, saved = cost - mixed_dsp_cycles(&cur, dv);
                int prc = probe(&cur, o->probe_images, &acc, e);
                *bits = old;
                if (prc) {
                    net_free(&cur);
                    return -1;
                }
                if (acc < acc0 - o->max_drop || saved <= 0)
                    continue;
                double loss = acc_cur - acc;
                double score = saved / (loss > 1e-4 ? loss : 1e-4);
                if (score > best_score) { /* first wins a tie: deterministic */
                    best_score = score;
                    best_layer = i;
                    best_kind = kind;
                    best_acc = acc;
                }
            }
        }
        if (best_layer < 0)
            break;
        layer *l = &cur.layers[best_layer];
        int *bits = best_kind ? &l->abits : &l->wbits;
        *bits = lower(o, *bits);
        acc_cur = best_acc;
        if (accuracy_for_bits(s, &cur, false, &full, e) || visit(ctx, &cur, full, e)) {
            net_free(&cur);
            return -1;
        }
        (*visited)++;
    }
    net_free(&cur);
    return 0;
}
