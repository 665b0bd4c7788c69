/* cycle_check.c: cycle-level re-check of a sweep's best designs (see cycle_check.h). */
#include "cycle_check.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "topology/cycle.h"
#include "evaluate/evaluate.h"

static int better(const design_row *a, const design_row *b)
{
    if (a->fps != b->fps)
        return a->fps > b->fps;
    if (a->dsp != b->dsp)
        return a->dsp < b->dsp;
    return a->bram18 < b->bram18;
}

/* Rebuilds a stored design: its canonical JSON is a fold file. */
static int load_design(store *st, int64_t id, const net *n0, const device *dv, net *n, design *ds, tf_err *e)
{
    sqlite3 *db = store_sqlite(st);
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, "SELECT canonical FROM designs WHERE id=?", -1, &q, NULL) != SQLITE_OK)
        return tf_errf(e, "cycle check: %s", sqlite3_errmsg(db));
    sqlite3_bind_int64(q, 1, id);
    if (sqlite3_step(q) != SQLITE_ROW) {
        sqlite3_finalize(q);
        return tf_errf(e, "cycle check: design #%lld not in the database", (long long)id);
    }
    /* The canonical JSON is a fold file: parse it in memory. */
    char name[64];
    snprintf(name, sizeof name, "design #%lld", (long long)id);
    int rc = net_clone(n, n0, e);
    if (rc == 0 && (rc = design_parse_fold(ds, n, dv, name, (const char *)sqlite3_column_text(q, 0), e)) != 0)
        net_free(n);
    sqlite3_finalize(q);
    return rc;
}

int cycle_check_top(store *st, const design_rows *rows, int top, const net *n0, const device *dv,
                    cycle_check_row *out, int *n_out, tf_err *e)
{
    *n_out = 0;
    if (top <= 0 || rows->n == 0)
        return 0;
    int *ord = malloc(sizeof(int) * (size_t)rows->n);
    if (!ord)
        return tf_errf(e, "out of memory");
    for (int i = 0; i < rows->n; i++)
        ord[i] = i;
    int k = top < rows->n ? top : rows->n;
    for (int a = 0; a < k; a++) /* partial selection sort: the k best */
        for (int b = a + 1; b < rows->n; b++)
            if (better(&rows->rows[ord[b]], &rows->rows[ord[a]])) {
                int t = ord[a];
                ord[a] = ord[b];
                ord[b] = t;
            }
    sqlite3 *db = store_sqlite(st);
    sqlite3_stmt *up;
    if (sqlite3_prepare_v2(db, "UPDATE designs SET cycle_interval_cycles=?, cycle_latency_cycles=? WHERE id=?", -1,
                           &up, NULL) != SQLITE_OK) {
        free(ord);
        return tf_errf(e, "cycle check: %s", sqlite3_errmsg(db));
    }
    int rc = 0;
    for (int a = 0; a < k && rc == 0; a++) {
        const design_row *r = &rows->rows[ord[a]];
        net n;
        design ds;
        if (load_design(st, r->id, n0, dv, &n, &ds, e)) {
            rc = -1;
            break;
        }
        budget b;
        budget_from_device(&b, dv);
        evaluation ev;
        tf_err ce;
        cycle_check_row *o = &out[(*n_out)++];
        memset(o, 0, sizeof *o);
        o->id = r->id;
        o->interval_analytic = r->interval_cycles;
        o->latency_analytic = r->latency_cycles;
        int erc = evaluate_cycle(&n, &ds, dv, &b, NULL, &ev, &ce);
        if (erc) {
            if (erc > 0)
                evaluation_free(&ev);
            snprintf(o->err, sizeof o->err, "%s", ce.msg);
        } else {
            o->ok = 1;
            o->interval_cycle = ev.p.interval_cycles;
            o->latency_cycle = ev.p.latency_cycles;
            o->interval_rel = r->interval_cycles
                                  ? ((double)ev.p.interval_cycles - (double)r->interval_cycles) / (double)r->interval_cycles
                                  : 0.0;
            sqlite3_reset(up);
            sqlite3_bind_int64(up, 1, (sqlite3_int64)ev.p.interval_cycles);
            sqlite3_bind_int64(up, 2, (sqlite3_int64)ev.p.latency_cycles);
            sqlite3_bind_int64(up, 3, r->id);
            if (sqlite3_step(up) != SQLITE_DONE) {
                tf_errf(e, "cycle check: %s", sqlite3_errmsg(db));
                rc = -1;
            }
            evaluation_free(&ev);
        }
        design_free(&ds);
        net_free(&n);
    }
    sqlite3_finalize(up);
    free(ord);
    return rc;
}
