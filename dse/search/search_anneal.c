/* search_anneal.c: simulated annealing over per-layer folding options with GSL's
 * gsl_siman. The state is one option index per compute layer; a step moves one layer a
 * few options up or down its cycle-sorted list. Energy: interval relative to the
 * packing-free ideal, plus a penalty for exceeding the budget, plus a small resource
 * term so that among equally fast designs the cheaper wins. Seeded: the same seed gives
 * the same walk and the same designs. */
#include <gsl/gsl_rng.h>
#include <gsl/gsl_siman.h>
#include <stdlib.h>
#include <string.h>

#include "search.h"

typedef struct anneal_state {
    search_ctx *c;
    design *ds;        /* scratch design shared by all states */
    tf_err *e;
    int *failed;       /* first error: stop evaluating */
    int n;
    int idx[];         /* option index per compute layer */
} anneal_state;

static anneal_state *state_new(const anneal_state *proto)
{
    anneal_state *s = malloc(sizeof *s + sizeof(int) * (size_t)proto->n);
    if (s)
        memcpy(s, proto, sizeof *s + sizeof(int) * (size_t)proto->n);
    return s;
}

static void *st_copy_construct(void *xp) { return state_new(xp); }
static void st_destroy(void *xp) { free(xp); }

static void st_copy(void *src, void *dst)
{
    const anneal_state *a = src;
    memcpy(dst, a, sizeof *a + sizeof(int) * (size_t)a->n);
}

static double st_energy(void *xp)
{
    anneal_state *s = xp;
    search_ctx *c = s->c;
    if (*s->failed || (c->stop && *c->stop))
        return 1e30;
    const space *sp = c->sp;
    for (int k = 0; k < sp->n; k++)
        s->ds->fold[sp->ls[k].layer] = sp->ls[k].opt[s->idx[k]].f;
    evaluation ev;
    if (search_eval_design(c, s->ds, &ev, s->e)) {
        *s->failed = 1;
        return 1e30;
    }
    /* The slowest single option sets the scale; budgets make the penalty. */
    double t = (double)ev.p.interval_cycles;
    double over = 0;
    if (ev.unbuildable) /* the target cannot build it: as bad as far over budget */
        over = 1;
    else if (!ev.feasible) {
        const budget *b = c->b;
        over += ev.r.dsp > b->dsp ? (double)(ev.r.dsp - b->dsp) / b->dsp : 0;
        over += ev.r.bram18 > b->bram18 ? (double)(ev.r.bram18 - b->bram18) / b->bram18 : 0;
        over += ev.r.lut > b->lut ? (double)(ev.r.lut - b->lut) / (double)b->lut : 0;
        over += ev.r.ff > b->ff ? (double)(ev.r.ff - b->ff) / (double)b->ff : 0;
    }
    double cost = (double)ev.r.dsp / (c->b->dsp ? c->b->dsp : 1) + (double)ev.r.bram18 / (c->b->bram18 ? c->b->bram18 : 1);
    evaluation_free(&ev);
    return t / c->anneal_scale + (over > 0 ? 10.0 + 100.0 * over : 0.0) + 1e-3 * cost;
}

static void st_step(const gsl_rng *r, void *xp, double step_size)
{
    anneal_state *s = xp;
    const space *sp = s->c->sp;
    int span = (int)step_size > 0 ? (int)step_size : 1;
    int k, d;
    if (gsl_rng_uniform(r) < 0.5) {
        /* The interval is a max: only the bottleneck layer can lower it. Speed it up. */
        k = 0;
        for (int i = 1; i < sp->n; i++)
            if (sp->ls[i].opt[s->idx[i]].cycles > sp->ls[k].opt[s->idx[k]].cycles)
                k = i;
        d = 1 + (int)gsl_rng_uniform_int(r, (unsigned long)span);
    } else {
        /* Anywhere else, either way: frees resources or explores. */
        k = (int)gsl_rng_uniform_int(r, (unsigned long)sp->n);
        d = (int)gsl_rng_uniform_int(r, (unsigned long)(2 * span)) - span;
        if (d >= 0)
            d++; /* never a zero move */
    }
    int j = s->idx[k] + d;
    if (j < 0)
        j = 0;
    if (j >= sp->ls[k].n)
        j = sp->ls[k].n - 1;
    s->idx[k] = j;
}

static double st_distance(void *xp, void *yp)
{
    const anneal_state *a = xp, *b = yp;
    double d = 0;
    for (int k = 0; k < a->n; k++)
        d += abs(a->idx[k] - b->idx[k]);
    return d;
}

int search_anneal(search_ctx *c, unsigned long seed, tf_err *e)
{
    const space *sp = c->sp;
    design ds;
    if (design_copy(&ds, c->base, e))
        return -1;
    int failed = 0;
    anneal_state *s0 = malloc(sizeof *s0 + sizeof(int) * (size_t)sp->n);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    if (!s0 || !r) {
        free(s0);
        gsl_rng_free(r);
        design_free(&ds);
        return tf_errf(e, "out of memory");
    }
    *s0 = (anneal_state){.c = c, .ds = &ds, .e = e, .failed = &failed, .n = sp->n};
    /* Start from every layer's slowest (cheapest) option; scale energy by that interval's
     * worst layer at full speed, so temperatures mean the same for every net. */
    uint64_t fastest_worst = 0;
    for (int k = 0; k < sp->n; k++) {
        s0->idx[k] = 0;
        uint64_t f = sp->ls[k].opt[sp->ls[k].n - 1].cycles;
        if (f > fastest_worst)
            fastest_worst = f;
    }
    c->anneal_scale = fastest_worst ? (double)fastest_worst : 1.0;
    gsl_rng_set(r, seed);
    gsl_siman_params_t params = {
        .n_tries = 1,          /* gsl_siman_solve ignores it; kept for clarity */
        .iters_fixed_T = 40,
        .step_size = 3,
        .k = 1.0,
        .t_initial = 2.0,
        .mu_t = 1.05,
        .t_min = 2e-3,
    };
    c->total += (long)(params.iters_fixed_T * 150);
    gsl_siman_solve(r, s0, st_energy, st_step, st_distance, NULL, st_copy, st_copy_construct, st_destroy, 0, params);
    gsl_rng_free(r);
    free(s0);
    design_free(&ds);
    if (c->stop && *c->stop) {
        c->stopped = 1;
        return tf_errf(e, "interrupted");
    }
    return failed ? -1 : 0;
}
