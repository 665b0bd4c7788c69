/* sweep.c: one whole sweep (sweep.h) — what `tf2sim sweep` computes, without the printing. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>
#include <sqlite3.h>

#include "accuracy.h"
#include "resources/mixq_op.h"
#include "space.h"
#include "sweep.h"

void sweep_request_defaults(sweep_request *rq)
{
    memset(rq, 0, sizeof *rq);
    rq->device = "ultra96v2";
    rq->db = "results.db";
    rq->limit = 200000;
    rq->batch = 500;
    rq->seed = 1;
    rq->sched_mask = SCHED_MASK_ALL;
    rq->mx = (mixed_opts){.levels = {8, 6, 4, 3, 2}, .nlevels = 5, .max_drop = 0.02, .probe_images = 1000,
                          .max_steps = 64};
    rq->dsp = rq->bram = rq->lut = rq->ff = -1;
}

typedef struct sink {
    store *st;
    int64_t run_id;
    const net *n;
    const device *dv;
    long batch, in_batch, stored_new, linked;
    double accuracy;   /* of the bits being searched (-1: not measured) */
} sink;

static int emit_design(void *ctx, const design *ds, const evaluation *ev, tf_err *e)
{
    sink *k = ctx;
    if (k->in_batch == 0 && store_begin(k->st, e))
        return -1;
    int inserted = 0;
    if (store_put_design(k->st, k->run_id, k->n, k->dv, ds, ev, k->accuracy, NULL, &inserted, e)) {
        store_rollback(k->st);
        k->in_batch = 0;
        return -1;
    }
    k->stored_new += inserted;
    k->linked++;
    if (++k->in_batch >= k->batch) {
        k->in_batch = 0;
        return store_commit(k->st, e);
    }
    return 0;
}

/* One folding search at the current bits of a net (a sweep runs one; --mixed one per
 * bit vector of its walk), storing every design with that bit vector's accuracy. */
typedef struct bits_search {
    const sweep_request *rq;
    const device *dv;
    const budget *b;
    const design *base;
    sink *k;
    long evaluated;
    long unbuildable;          /* candidates the build target cannot build */
    char unbuildable_why[256];
    int stopped;
    int vectors;
} bits_search;

static int search_bits(void *ctx, const net *n, double accuracy, tf_err *e)
{
    bits_search *bs = ctx;
    space sp = {0};
    if (bs->base->arch == ARCH_DATAFLOW && space_build_sched(&sp, n, bs->base, bs->dv, bs->rq->sched_mask, e))
        return -1;
    bs->k->n = n;
    bs->k->accuracy = accuracy;
    search_ctx sc = {.n = n, .dv = bs->dv, .b = bs->b, .base = bs->base, .sp = &sp, .emit = emit_design,
                     .emit_ctx = bs->k, .shard_k = bs->rq->shard_k, .shard_n = bs->rq->shard_n, .stop = bs->rq->stop,
                     .progress = bs->rq->progress, .progress_ctx = bs->rq->progress_ctx};
    int rc = bs->base->arch == ARCH_ENGINE ? search_engine_grid(&sc, e)
                                           : search_run(&sc, bs->rq->strategy, bs->rq->limit, bs->rq->seed, e);
    bs->evaluated += sc.evaluated;
    if (sc.unbuildable && !bs->unbuildable)
        snprintf(bs->unbuildable_why, sizeof bs->unbuildable_why, "%s", sc.unbuildable_why);
    bs->unbuildable += sc.unbuildable;
    bs->stopped |= sc.stopped;
    bs->vectors++;
    space_free(&sp);
    return rc;
}

/* Removes a run that produced nothing; deletes the DB file if this sweep created it. */
static void forget_run(store *st, int64_t run_id, const char *created_path)
{
    char sql[96];
    snprintf(sql, sizeof sql, "DELETE FROM run_designs WHERE run_id=%lld; DELETE FROM runs WHERE id=%lld;",
             (long long)run_id, (long long)run_id);
    sqlite3_exec(store_sqlite(st), sql, NULL, NULL, NULL);
    store_close(st);
    if (created_path) {
        char side[1100];
        unlink(created_path);
        snprintf(side, sizeof side, "%s-wal", created_path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", created_path);
        unlink(side);
    }
}

/* The sweep's meaning, not its spelling: an unfinished run with the same key resumes. */
static char *resume_key(const sweep_request *rq, const sweep_result *r, const char *budget_js)
{
    json_t *rk = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:f,s:s,s:f,s:i,s:i,s:I}", "net", r->n.name, "net_macs",
                           (json_int_t)r->n.macs, "bitw", r->bitw, "bita", r->bita, "device", r->dv.name, "budget",
                           budget_js, "clock_mhz", r->base.clock_mhz, "strategy", strategy_name(rq->strategy),
                           "limit", rq->limit, "shard_k", rq->shard_k, "shard_n", rq->shard_n, "seed",
                           (json_int_t)rq->seed);
    json_object_set_new(rk, "arch", json_string(arch_name(rq->arch)));
    if (r->base.clock_auto) /* absent when fixed, so older runs still resume */
        json_object_set_new(rk, "clock_auto", json_true());
    json_object_set_new(rk, "schedules", json_integer(rq->sched_mask));
    if (r->base.target != TARGET_MIXQ_HLS) /* absent for the default, so older runs still resume */
        json_object_set_new(rk, "target", json_string(target_name(r->base.target)));
    if (rq->mixed) {
        json_t *lv = json_array();
        for (int i = 0; i < rq->mx.nlevels; i++)
            json_array_append_new(lv, json_integer(rq->mx.levels[i]));
        json_object_set_new(rk, "mixed", json_pack("{s:o,s:f,s:i,s:i}", "levels", lv, "max_drop", rq->mx.max_drop,
                                                   "probe_images", rq->mx.probe_images, "max_steps",
                                                   rq->mx.max_steps));
    }
    char *key = json_dumps(rk, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(rk);
    return key;
}

/* Why nothing fits: for each resource, the design whose every conv/fc layer takes its option
 * cheapest in that resource, costed whole (pools, FIFOs, GEN's input stage included), against the
 * budget; the resources no design can bring under it are named. */
static int explain_empty(const sweep_request *rq, const sweep_result *r, const space *sp, tf_err *e)
{
    const budget *b = &r->b;
    if (rq->arch == ARCH_ENGINE)
        return tf_errf(e, "no engine design of %s fits the budget on %s (dsp %d, bram18 %d, lut %ld, ff %ld): even "
                          "the smallest array of the grid needs more", r->n.name, r->dv.name, b->dsp, b->bram18,
                       b->lut, b->ff);
    static const char *const NAME[4] = {"dsp", "bram18", "lut", "ff"};
    long need[4] = {0, 0, 0, 0}, have[4] = {b->dsp, b->bram18, b->lut, b->ff};
    design ds;
    if (design_copy(&ds, &r->base, e))
        return -1;
    for (int q = 0; q < 4; q++) {
        for (int k = 0; k < sp->n; k++) {
            int best = 0;
            for (int j = 1; j < sp->ls[k].n; j++) {
                const layer_res *a = &sp->ls[k].opt[j].res, *c = &sp->ls[k].opt[best].res;
                long va[4] = {a->dsp, a->bram18, a->lut, a->ff}, vc[4] = {c->dsp, c->bram18, c->lut, c->ff};
                if (va[q] < vc[q])
                    best = j;
            }
            ds.fold[sp->ls[k].layer] = sp->ls[k].opt[best].f;
        }
        resources res;
        tf_err fe;
        if (resources_dataflow(&r->n, &ds, &r->dv, NULL, &res, &fe) == 0) {
            long v[4] = {res.dsp, res.bram18, res.lut, res.ff};
            need[q] = v[q];
            resources_free(&res);
        }
    }
    design_free(&ds);
    char over[64] = "";
    for (int q = 0; q < 4; q++)
        if (need[q] > have[q])
            snprintf(over + strlen(over), sizeof over - strlen(over), "%s%s", over[0] ? ", " : "", NAME[q]);
    return tf_errf(e, "%s on %s: nothing fits; the cheapest design needs dsp %ld/%ld, bram18 %ld/%ld, lut %ld/%ld, "
                      "ff %ld/%ld (each the design cheapest in it, pools, FIFOs and input stage included; %s%s)",
                   r->n.name, r->dv.name, need[0], have[0], need[1], have[1], need[2], have[2], need[3], have[3],
                   over[0] ? "over the budget: " : "each fits alone, not all at once", over);
}

/* What the finished run holds: the best design, its cycle-level re-check, the bound, accuracy range. */
static int summarise(const sweep_request *rq, sweep_result *r, tf_err *e)
{
    const design_rows *rows = &r->rows;
    const design_row *best = &rows->rows[0];
    for (int i = 1; i < rows->n; i++) {
        const design_row *x = &rows->rows[i];
        if (x->fps > best->fps ||
            (x->fps == best->fps && (x->dsp < best->dsp || (x->dsp == best->dsp && x->bram18 < best->bram18))))
            best = x;
    }
    r->best = best;
    if (cycle_check_top(r->st, rows, SWEEP_CYCLE_CHECK, &r->n, &r->dv, r->cchk, &r->n_cchk, e))
        return -1;
    /* The bound of the best design's own bits (a mixed walk visits many); it is about
     * DSP packing, so it has no meaning for the engine (its products are shifts). */
    net nb;
    r->bound = 0;
    tf_err be;
    if (rq->arch == ARCH_DATAFLOW && net_clone(&nb, &r->n, &be) == 0) {
        if (net_apply_bit_digits(&nb, best->bitw, best->bita, &be) == 0)
            r->bound = packing_bound_cycles(&nb, &r->dv, r->b.dsp);
        net_free(&nb);
    }
    if (r->bound <= 0 && rq->arch == ARCH_DATAFLOW)
        r->bound = packing_bound_cycles(&r->n, &r->dv, r->b.dsp);
    if (rq->arch == ARCH_ENGINE)
        r->space_size = (double)r->evaluated / (r->vectors ? r->vectors : 1);
    r->has_acc = false;
    r->acc_lo = 2;
    r->acc_hi = -1;
    for (int i = 0; i < rows->n; i++)
        if (rows->rows[i].accuracy >= 0) {
            r->has_acc = true;
            r->acc_lo = rows->rows[i].accuracy < r->acc_lo ? rows->rows[i].accuracy : r->acc_lo;
            r->acc_hi = rows->rows[i].accuracy > r->acc_hi ? rows->rows[i].accuracy : r->acc_hi;
        }
    return 0;
}

int sweep_run(const sweep_request *rq, sweep_result *r, tf_err *e)
{
    memset(r, 0, sizeof *r);
    if (net_load_named(&r->n, rq->net, e))
        return -1;
    if (device_load_named(&r->dv, rq->device, e) ||
        (rq->wbits && net_apply_bits(&r->n, rq->wbits, rq->abits, e)) ||
        ((rq->bitw || rq->bita) && net_apply_bit_digits(&r->n, rq->bitw, rq->bita, e)))
        return -1;
    budget_from_device(&r->b, &r->dv);
    if (rq->dsp > 0) r->b.dsp = (int)rq->dsp;
    if (rq->bram > 0) r->b.bram18 = (int)rq->bram;
    if (rq->lut > 0) r->b.lut = rq->lut;
    if (rq->ff > 0) r->b.ff = rq->ff;
    space sp = {0};
    int rc = -1;
    if (design_init(&r->base, &r->n, &r->dv, rq->arch, e))
        goto out;
    if (rq->clock > 0)
        r->base.clock_mhz = rq->clock;
    r->base.target = rq->target;
    if (rq->arch == ARCH_DATAFLOW && !rq->target_set && resources_pick_target(&r->n, &r->dv, &r->base.target, e))
        goto out;
    if (rq->arch == ARCH_DATAFLOW &&
        (rq->clock == SWEEP_CLOCK_AUTO || (rq->clock == 0 && r->base.target == TARGET_MIXQ_HLS))) {
        /* a design predicted to close faster than the target still runs at the target it was built for */
        r->base.clock_auto = true;
        r->base.clock_mhz = 1000.0 / MIXQ_TARGET_PERIOD_NS;
    }
    if (rq->arch == ARCH_ENGINE) {
        r->base.eng.ddr_bytes_per_cycle = device_ddr_bytes_per_cycle(&r->dv, r->base.clock_mhz);
        snprintf(r->base.eng.name, sizeof r->base.eng.name, "sweep");
    }
    if (rq->arch == ARCH_DATAFLOW && space_build_sched(&sp, &r->n, &r->base, &r->dv, rq->sched_mask, e))
        goto out;
    r->space_size = sp.size;
    /* Refuse what cannot run before anything is written. */
    if (rq->strategy == STRAT_EXHAUSTIVE && sp.size > rq->limit) {
        tf_errf(e, "--strategy exhaustive: the space has %.3g designs, more than the limit %.0f "
                   "(raise --limit, or use --strategy frontier, greedy or anneal)", sp.size, rq->limit);
        goto out;
    }
    struct stat dbst;
    bool db_existed = stat(rq->db, &dbst) == 0;
    if (store_open(&r->st, rq->db, e))
        goto out;
    char budget_js[256];
    snprintf(budget_js, sizeof budget_js, "{\"dsp\":%d,\"bram18\":%d,\"lut\":%ld,\"ff\":%ld}", r->b.dsp, r->b.bram18,
             r->b.lut, r->b.ff);
    net_bit_digits(&r->n, r->bitw, r->bita, sizeof r->bitw);
    char *key = resume_key(rq, r, budget_js);
    run_info ri = {.command = "sweep", .args = rq->args ? rq->args : "sweep", .net = r->n.name, .device = r->dv.name,
                   .strategy = strategy_name(rq->strategy), .budget_json = budget_js, .resume_key = key};
    long saved_before = 0;
    int rrc = store_find_resumable(r->st, key, &r->run_id, &saved_before, e);
    bool resumed = !rrc && r->run_id != 0;
    if (!rrc && r->run_id == 0)
        rrc = store_begin_run(r->st, &ri, &r->run_id, e);
    else if (!rrc && rq->log)
        fprintf(rq->log, "tf2sim: resuming unfinished run %lld of %s (%ld designs already saved)\n",
                (long long)r->run_id, rq->db, saved_before);
    free(key);
    if (rrc)
        goto out;
    r->resumed = saved_before > 0 || resumed;
    sink k = {.st = r->st, .run_id = r->run_id, .n = &r->n, .dv = &r->dv, .batch = rq->batch > 0 ? rq->batch : 500,
              .accuracy = -1};
    bits_search bs = {.rq = rq, .dv = &r->dv, .b = &r->b, .base = &r->base, .k = &k};
    int src;
    if (rq->mixed) {
        int visited = 0;
        src = mixed_walk(r->st, &r->n, &r->dv, &rq->mx, search_bits, &bs, &visited, e);
        if (src == 1) { /* no weights or data: nothing to trade accuracy against */
            if (rq->log)
                fprintf(rq->log, "tf2sim: net %s has no weights and data for accuracy: no mixed-precision walk; "
                                 "optimising throughput only, at its configured bits\n", r->n.name);
            r->no_accuracy = true;
            src = search_bits(&bs, &r->n, -1, e);
        }
    } else {
        double acc = -1;
        src = accuracy_for_bits(r->st, &r->n, false, &acc, e);
        if (!src)
            src = search_bits(&bs, &r->n, acc, e);
    }
    r->evaluated = bs.evaluated;
    r->unbuildable = bs.unbuildable;
    snprintf(r->unbuildable_why, sizeof r->unbuildable_why, "%s", bs.unbuildable_why);
    r->vectors = bs.vectors;
    r->stored_new = k.stored_new;
    r->linked = k.linked;
    if (src && bs.stopped) {
        /* Every design handed to the store so far is complete: keep the batch. */
        tf_err ce;
        if (k.in_batch && store_commit(r->st, &ce) && rq->log)
            fprintf(rq->log, "tf2sim: %s\n", ce.msg);
        r->interrupted = true;
        rc = 1;
        goto out;
    }
    if (src) {
        if (k.in_batch)
            store_rollback(r->st);
        if (!resumed && k.linked == k.in_batch) { /* nothing of this run was committed: leave no trace */
            forget_run(r->st, r->run_id, db_existed ? NULL : rq->db);
            r->st = NULL;
        }
        goto out;
    }
    if ((k.in_batch && store_commit(r->st, e)) || store_finish_run(r->st, r->run_id, bs.evaluated, e))
        goto out;
    if (results_load(r->st, r->run_id, NULL, &r->rows, e))
        goto out;
    if (r->rows.n == 0) {
        /* Nothing to keep: leave the DB as it was (or absent), not with an empty run. */
        forget_run(r->st, r->run_id, db_existed ? NULL : rq->db);
        r->st = NULL;
        explain_empty(rq, r, &sp, e);
        goto out;
    }
    rc = summarise(rq, r, e);
out:
    space_free(&sp);
    return rc;
}

void sweep_result_free(sweep_result *r)
{
    results_free(&r->rows);
    store_close(r->st);
    design_free(&r->base);
    net_free(&r->n);
    memset(r, 0, sizeof *r);
}
