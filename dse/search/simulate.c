/* simulate.c: one design through the cycle-level model (simulate.h) — what `tf2sim sim`
 * computes, without the printing. */
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "analytic/analytic.h"
#include "net/engine_config.h"
#include "search.h"
#include "simulate.h"
#include "space.h"
#include "store/store.h"

void sim_request_defaults(sim_request *rq)
{
    memset(rq, 0, sizeof *rq);
    rq->engine = "tf2_f10a";
    rq->db = "results.db";
    rq->fifo_depth = -1;
    rq->trace_to = 200000;
}

/* --fold auto: the fastest design of a frontier search within the device budget. */
typedef struct best_sink {
    design best;
    bool have;
    double fps;
    int dsp, bram;
} best_sink;

static int keep_best(void *ctx, const design *ds, const evaluation *ev, tf_err *e)
{
    best_sink *b = ctx;
    if (b->have && (ev->p.fps < b->fps || (ev->p.fps == b->fps && (ev->r.dsp > b->dsp ||
                                                                   (ev->r.dsp == b->dsp && ev->r.bram18 >= b->bram)))))
        return 0;
    if (b->have)
        design_free(&b->best);
    if (design_copy(&b->best, ds, e))
        return -1;
    b->have = true;
    b->fps = ev->p.fps;
    b->dsp = ev->r.dsp;
    b->bram = ev->r.bram18;
    return 0;
}

static int fold_auto(design *ds, const net *n, const device *dv, double clock, const build_target *target,
                     tf_err *e)
{
    design base;
    if (design_init(&base, n, dv, ARCH_DATAFLOW, e))
        return -1;
    if (clock > 0)
        base.clock_mhz = clock;
    if (target)
        base.target = *target;
    else if (resources_pick_target(n, dv, &base.target, e)) {
        design_free(&base);
        return -1;
    }
    space sp;
    if (space_build(&sp, n, &base, dv, e)) {
        design_free(&base);
        return -1;
    }
    budget b;
    budget_from_device(&b, dv);
    best_sink bs = {0};
    search_ctx sc = {.n = n, .dv = dv, .b = &b, .base = &base, .sp = &sp, .emit = keep_best, .emit_ctx = &bs};
    int rc = search_frontier(&sc, e);
    space_free(&sp);
    design_free(&base);
    if (rc) {
        if (bs.have)
            design_free(&bs.best);
        return -1;
    }
    if (!bs.have)
        return tf_errf(e, "--fold auto: no design of %s fits %s (dsp %d, bram18 %d); give a fold file", n->name,
                       dv->name, dv->dsp, dv->mem_blocks);
    *ds = bs.best;
    return 0;
}

static int make_design(const sim_request *o, design *ds, net *n, const device *dv, tf_err *e)
{
    if (o->fold && strcmp(o->fold, "auto") != 0) {
        if (design_load_fold(ds, n, dv, o->fold, e))
            return -1;
        if (o->arch_given && ds->arch != o->arch) {
            tf_errf(e, "--fold %s is a %s design but --arch is %s", o->fold, arch_name(ds->arch), arch_name(o->arch));
            design_free(ds);
            return -1;
        }
        if (ds->arch == ARCH_ENGINE && ds->eng.n_vector == 0 && engine_params_load_named(&ds->eng, o->engine, e)) {
            design_free(ds); /* an engine fold without an "engine" block runs on --engine */
            return -1;
        }
    } else if (o->arch == ARCH_ENGINE) {
        if (o->fold)
            return tf_errf(e, "--fold auto searches dataflow foldings; the engine has no per-layer folding");
        if (design_init(ds, n, dv, ARCH_ENGINE, e))
            return -1;
        if (engine_params_load_named(&ds->eng, o->engine, e)) {
            design_free(ds);
            return -1;
        }
    } else if (fold_auto(ds, n, dv, o->clock, o->target_given ? &o->target : NULL, e)) {
        return -1;
    }
    if (o->target_given && ds->arch == ARCH_DATAFLOW)
        ds->target = o->target;
    if (o->clock > 0)
        ds->clock_mhz = o->clock;
    if (o->fifo_depth > 0)
        ds->fifo_depth = (int)o->fifo_depth;
    return 0;
}

static int record(const sim_request *o, const net *n, const device *dv, const design *ds,
                  const evaluation *ev, int64_t *design_id, tf_err *e)
{
    *design_id = 0;
    if (!o->db || strcmp(o->db, "none") == 0)
        return 0;
    store *st;
    if (store_open(&st, o->db, e))
        return -1;
    run_info ri = {.command = "sim", .args = o->args ? o->args : "sim", .net = n->name, .device = dv->name,
                   .strategy = "cycle", .budget_json = NULL};
    int64_t run_id;
    int inserted, rc = -1;
    if (store_begin_run(st, &ri, &run_id, e) || store_begin(st, e))
        goto out;
    if (store_put_design(st, run_id, n, dv, ds, ev, -1.0, design_id, &inserted, e)) {
        store_rollback(st);
        goto out;
    }
    sqlite3_stmt *q;
    sqlite3 *db = store_sqlite(st);
    if (sqlite3_prepare_v2(db, "UPDATE designs SET cycle_interval_cycles=?, cycle_latency_cycles=? WHERE id=?", -1, &q,
                           NULL) != SQLITE_OK) {
        tf_errf(e, "%s: %s", o->db, sqlite3_errmsg(db));
        store_rollback(st);
        goto out;
    }
    sqlite3_bind_int64(q, 1, (sqlite3_int64)ev->p.interval_cycles);
    sqlite3_bind_int64(q, 2, (sqlite3_int64)ev->p.latency_cycles);
    sqlite3_bind_int64(q, 3, *design_id);
    int src = sqlite3_step(q);
    sqlite3_finalize(q);
    if (src != SQLITE_DONE) {
        tf_errf(e, "%s: cannot record the cycle-level numbers: %s", o->db, sqlite3_errmsg(db));
        store_rollback(st);
        goto out;
    }
    if (store_commit(st, e) || store_finish_run(st, run_id, 1, e))
        goto out;
    rc = 0;
out:
    store_close(st);
    return rc;
}

int sim_run(const sim_request *rq, sim_result *r, tf_err *e)
{
    memset(r, 0, sizeof *r);
    net n0;
    if (net_load_named(&n0, rq->net, e))
        return -1;
    int rc = net_clone(&r->n, &n0, e);
    net_free(&n0);
    if (rc)
        return -1;
    const char *dev = rq->device ? rq->device : rq->arch == ARCH_ENGINE ? "f10a" : "ultra96v2";
    /* --bits before the design (the auto search costs DSPs at these bits) and again after
     * a fold file, whose own per-layer bits they override */
    if (device_load_named(&r->dv, dev, e) ||
        (rq->wbits && net_apply_bits(&r->n, rq->wbits, rq->abits, e)) ||
        ((rq->bitw || rq->bita) && net_apply_bit_digits(&r->n, rq->bitw, rq->bita, e)) ||
        make_design(rq, &r->ds, &r->n, &r->dv, e))
        return -1;
    if ((rq->wbits && net_apply_bits(&r->n, rq->wbits, rq->abits, e)) ||
        ((rq->bitw || rq->bita) && net_apply_bit_digits(&r->n, rq->bitw, rq->bita, e)))
        return -1;
    if (design_check(&r->ds, &r->n, e))
        return -1;
    budget b;
    budget_from_device(&b, &r->dv);
    cycle_opts co;
    cycle_opts_default(&co);
    co.frames = (int)rq->frames;
    co.trace_path = rq->trace;
    co.trace_from = rq->trace_from;
    co.trace_to = rq->trace_to;
    co.fifos = &r->fq;
    if (evaluate_cycle(&r->n, &r->ds, &r->dv, &b, &co, &r->ev, e))
        return -1;
    tf_err ae;
    r->have_an = (r->ds.arch == ARCH_ENGINE ? analytic_engine(&r->n, &r->ds, &r->an, &ae)
                                            : analytic_dataflow(&r->n, &r->ds, &r->an, &ae)) == 0;
    return record(rq, &r->n, &r->dv, &r->ds, &r->ev, &r->design_id, e);
}

void sim_result_free(sim_result *r)
{
    if (r->have_an)
        perf_free(&r->an);
    evaluation_free(&r->ev);
    cycle_fifos_free(&r->fq);
    design_free(&r->ds);
    net_free(&r->n);
    memset(r, 0, sizeof *r);
}
