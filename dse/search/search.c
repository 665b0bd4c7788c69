/* search.c: frontier, greedy and exhaustive strategies over a fold space. */
#include "search.h"

#include <stdlib.h>
#include <string.h>

static const char *const STRAT_NAMES[] = {"auto", "frontier", "greedy", "exhaustive", "anneal"};

const char *strategy_name(strategy_kind s)
{
    return STRAT_NAMES[s];
}

int strategy_parse(const char *s, strategy_kind *out)
{
    for (int i = 0; i < (int)(sizeof STRAT_NAMES / sizeof *STRAT_NAMES); i++)
        if (strcmp(s, STRAT_NAMES[i]) == 0) {
            *out = (strategy_kind)i;
            return 0;
        }
    return -1;
}

int search_eval_design(search_ctx *c, const design *ds, evaluation *ev, tf_err *e)
{
    if (c->stop && *c->stop) {
        c->stopped = 1;
        return tf_errf(e, "interrupted");
    }
    long index = c->candidates++;
    int er = evaluate_analytic(c->n, ds, c->dv, c->b, ev, e);
    if (er < 0)
        return -1;
    if (er > 0 && c->unbuildable++ == 0) /* the target cannot build it: not a design, say why once */
        snprintf(c->unbuildable_why, sizeof c->unbuildable_why, "%s", e->msg);
    c->evaluated++;
    int rc = 0;
    bool mine = c->shard_n <= 1 || index % c->shard_n == c->shard_k - 1;
    if (ev->feasible && mine) {
        c->emitted++;
        if (ev->p.fps > c->best_fps)
            c->best_fps = ev->p.fps;
        rc = c->emit(c->emit_ctx, ds, ev, e);
    }
    if (c->progress)
        c->progress(c->progress_ctx, c->evaluated, c->emitted, c->total, c->best_fps);
    if (rc)
        evaluation_free(ev);
    return rc;
}

/* Evaluates the design made of option idx[k] for each compute layer k. */
static int eval_choice(search_ctx *c, design *ds, const int *idx, bool *feasible, uint64_t *interval, tf_err *e)
{
    for (int k = 0; k < c->sp->n; k++)
        ds->fold[c->sp->ls[k].layer] = c->sp->ls[k].opt[idx[k]].f;
    evaluation ev;
    if (search_eval_design(c, ds, &ev, e))
        return -1;
    *feasible = ev.feasible;
    if (interval)
        *interval = ev.p.interval_cycles;
    evaluation_free(&ev);
    return 0;
}

static int cmp_u64_desc(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? 1 : (x > y ? -1 : 0);
}

/* Consecutive infeasible targets after which a weighting stops: costs grow as T shrinks, but per
 * layer and not in step (a LUT-bound design can come back under budget at a smaller T). */
#define FRONTIER_MISSES 64

int search_frontier(search_ctx *c, tf_err *e)
{
    const space *sp = c->sp;
    long total = 0;
    for (int k = 0; k < sp->n; k++)
        total += sp->ls[k].n;
    uint64_t *ts = malloc(sizeof(uint64_t) * (size_t)(total ? total : 1));
    int *idx = calloc((size_t)sp->n, sizeof(int));
    design ds;
    if (!ts || !idx || design_copy(&ds, c->base, e)) {
        free(ts);
        free(idx);
        return tf_errf(e, "out of memory");
    }
    long nt = 0;
    for (int k = 0; k < sp->n; k++)
        for (int j = 0; j < sp->ls[k].n; j++)
            ts[nt++] = sp->ls[k].opt[j].cycles;
    qsort(ts, (size_t)nt, sizeof(uint64_t), cmp_u64_desc);
    /* The largest single-layer minimum: no design is slower than this. */
    uint64_t tmax = 0;
    for (int k = 0; k < sp->n; k++)
        if (sp->ls[k].opt[0].cycles > tmax)
            tmax = sp->ls[k].opt[0].cycles;
    /* Weightings of DSP, BRAM18 and LUT (each relative to its budget): every mix of 0.01, 0.1 and 1,
     * DSP-led first. Calibrated against Vivado, a MixQ design often runs out of LUTs or BRAM before
     * DSPs, and which mix reaches the smallest interval depends on which budgets bind. */
    static const double LV[3] = {1, 0.1, 0.01};
    enum { NW = 27 };
    double W[NW][3];
    for (int w = 0; w < NW; w++)
        W[w][0] = LV[w / 9], W[w][1] = LV[(w / 3) % 3], W[w][2] = LV[w % 3];
    int rc = 0;
    c->total += NW * nt; /* an upper bound: each weighting stops at the budget */
    for (int w = 0; w < NW && !rc; w++) {
        int misses = 0;
        uint64_t prev = 0;
        for (long t = 0; t < nt && !rc; t++) {
            uint64_t T = ts[t];
            if (T > tmax || T == prev)
                continue;
            prev = T;
            bool possible = true;
            for (int k = 0; k < sp->n && possible; k++) {
                const layer_space *ls = &sp->ls[k];
                double best = 1e300;
                int bi = -1;
                for (int j = 0; j < ls->n; j++) {
                    const fold_option *o = &ls->opt[j];
                    if (o->cycles > T)
                        continue;
                    double cost = W[w][0] * o->res.dsp / (double)(c->b->dsp ? c->b->dsp : 1) +
                                  W[w][1] * o->res.bram18 / (double)(c->b->bram18 ? c->b->bram18 : 1) +
                                  W[w][2] * (double)o->res.lut / (double)(c->b->lut ? c->b->lut : 1);
                    if (cost < best) {
                        best = cost;
                        bi = j;
                    }
                }
                if (bi < 0)
                    possible = false;
                idx[k] = bi;
            }
            if (!possible)
                break;
            bool feasible;
            rc = eval_choice(c, &ds, idx, &feasible, NULL, e);
            /* Cost only grows as T shrinks; a run of misses means the budget is reached. */
            misses = feasible ? 0 : misses + 1;
            if (misses >= FRONTIER_MISSES)
                break;
        }
    }
    design_free(&ds);
    free(ts);
    free(idx);
    return rc;
}

int search_greedy(search_ctx *c, tf_err *e)
{
    const space *sp = c->sp;
    int *idx = calloc((size_t)sp->n, sizeof(int));
    design ds;
    if (!idx || design_copy(&ds, c->base, e)) {
        free(idx);
        return tf_errf(e, "out of memory");
    }
    /* Start at each layer's cheapest option (the slowest one). */
    for (int k = 0; k < sp->n; k++)
        idx[k] = 0;
    int rc = 0;
    for (;;) {
        bool feasible;
        rc = eval_choice(c, &ds, idx, &feasible, NULL, e);
        if (rc || !feasible)
            break;
        /* The bottleneck compute layer. */
        int slow = 0;
        for (int k = 1; k < sp->n; k++)
            if (sp->ls[k].opt[idx[k]].cycles > sp->ls[slow].opt[idx[slow]].cycles)
                slow = k;
        const layer_space *ls = &sp->ls[slow];
        uint64_t cur = ls->opt[idx[slow]].cycles;
        /* Next faster option of that layer: the cheapest among the slowest faster ones. */
        int next = -1;
        for (int j = idx[slow] + 1; j < ls->n; j++) {
            if (ls->opt[j].cycles >= cur)
                continue;
            if (next < 0)
                next = j;
            else if (ls->opt[j].cycles != ls->opt[next].cycles)
                break;
            else if (ls->opt[j].res.dsp < ls->opt[next].res.dsp ||
                     (ls->opt[j].res.dsp == ls->opt[next].res.dsp && ls->opt[j].res.bram18 < ls->opt[next].res.bram18))
                next = j;
        }
        if (next < 0)
            break; /* fully unrolled */
        idx[slow] = next;
    }
    design_free(&ds);
    free(idx);
    return rc;
}

int search_exhaustive(search_ctx *c, double limit, tf_err *e)
{
    const space *sp = c->sp;
    if (sp->size > limit)
        return tf_errf(e, "--strategy exhaustive: the space has %.3g designs, more than the limit %.0f "
                          "(use --strategy frontier or greedy)", sp->size, limit);
    c->total += (long)sp->size;
    int *idx = calloc((size_t)sp->n, sizeof(int));
    design ds;
    if (!idx || design_copy(&ds, c->base, e)) {
        free(idx);
        return tf_errf(e, "out of memory");
    }
    int rc = 0;
    for (;;) {
        bool feasible;
        if ((rc = eval_choice(c, &ds, idx, &feasible, NULL, e)))
            break;
        int k = 0;
        while (k < sp->n && ++idx[k] == sp->ls[k].n)
            idx[k++] = 0;
        if (k == sp->n)
            break;
    }
    design_free(&ds);
    free(idx);
    return rc;
}

int search_run(search_ctx *c, strategy_kind s, double limit, unsigned long seed, tf_err *e)
{
    switch (s) {
    case STRAT_FRONTIER:
        return search_frontier(c, e);
    case STRAT_GREEDY:
        return search_greedy(c, e);
    case STRAT_EXHAUSTIVE:
        return search_exhaustive(c, limit, e);
    case STRAT_ANNEAL:
        return search_anneal(c, seed, e);
    case STRAT_AUTO:
    default:
        if (c->sp->size <= limit)
            return search_exhaustive(c, limit, e);
        if (search_frontier(c, e) || search_greedy(c, e))
            return -1;
        return search_anneal(c, seed, e);
    }
}
