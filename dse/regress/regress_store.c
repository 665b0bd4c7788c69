/* regress_store.c: the `regression` table of the results database (one row per case run). */
#include <sqlite3.h>
#include <stdio.h>
#include <time.h>

#include "regress.h"
#include "store/store.h"

static const char SCHEMA[] =
    "CREATE TABLE IF NOT EXISTS regression("
    " id INTEGER PRIMARY KEY, run_id INTEGER REFERENCES runs(id), created_at TEXT NOT NULL,"
    " git_commit TEXT NOT NULL, backend TEXT NOT NULL, case_name TEXT NOT NULL,"
    " cin INTEGER, cout INTEGER, h INTEGER, w INTEGER, k INTEGER, stride INTEGER, depthwise INTEGER,"
    " simd INTEGER, pe INTEGER, wbits INTEGER, abits INTEGER, mode TEXT, pack INTEGER,"
    " outputs_equal INTEGER NOT NULL, n_outputs INTEGER NOT NULL, n_diff INTEGER NOT NULL,"
    " c_cycles INTEGER NOT NULL, rtl_cycles INTEGER NOT NULL, closed_form_cycles INTEGER,"
    " cycle_diff_pct REAL NOT NULL,"
    " c_seconds REAL NOT NULL, rtl_seconds REAL NOT NULL, pass INTEGER NOT NULL, error TEXT);"
    "CREATE INDEX IF NOT EXISTS regression_by_case ON regression(case_name);";

int regress_store_put(struct store *s, int64_t run_id, const char *backend, const regress_case *c,
                      const regress_result *r, tf_err *e)
{
    sqlite3 *db = store_sqlite(s);
    char *msg = NULL;
    if (sqlite3_exec(db, SCHEMA, NULL, NULL, &msg) != SQLITE_OK) {
        tf_errf(e, "regression table: %s", msg ? msg : "sqlite error");
        sqlite3_free(msg);
        return -1;
    }
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db,
                           "INSERT INTO regression(run_id, created_at, git_commit, backend, case_name, cin, cout, h, w,"
                           " k, stride, depthwise, simd, pe, wbits, abits, mode, pack, outputs_equal, n_outputs,"
                           " n_diff, c_cycles, rtl_cycles, closed_form_cycles, cycle_diff_pct, c_seconds, rtl_seconds, pass,"
                           " error) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                           -1, &st, NULL) != SQLITE_OK)
        return tf_errf(e, "regression insert: %s", sqlite3_errmsg(db));
    char ts[32];
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%SZ", &tm);
    int i = 1;
    if (run_id > 0)
        sqlite3_bind_int64(st, i++, run_id);
    else
        sqlite3_bind_null(st, i++);
    sqlite3_bind_text(st, i++, ts, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, i++, store_git_commit(), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, i++, backend, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, i++, c->name, -1, SQLITE_STATIC);
    const int v[] = {c->l.cin, c->l.cout, c->l.h, c->l.w, c->l.k, c->l.stride, c->l.depthwise,
                     c->l.simd, c->l.pe, c->wbits, c->abits};
    for (size_t k = 0; k < sizeof v / sizeof *v; k++)
        sqlite3_bind_int(st, i++, v[k]);
    sqlite3_bind_text(st, i++, c->l.sac ? "sac" : "mac", -1, SQLITE_STATIC);
    sqlite3_bind_int(st, i++, c->l.pack);
    sqlite3_bind_int(st, i++, r->outputs_equal);
    sqlite3_bind_int64(st, i++, r->n_outputs);
    sqlite3_bind_int64(st, i++, r->n_diff);
    sqlite3_bind_int64(st, i++, (sqlite3_int64)r->c_cycles);
    sqlite3_bind_int64(st, i++, (sqlite3_int64)r->rtl_cycles);
    sqlite3_bind_int64(st, i++, (sqlite3_int64)r->closed_cycles);
    sqlite3_bind_double(st, i++, r->cycle_diff_pct);
    sqlite3_bind_double(st, i++, r->c_seconds);
    sqlite3_bind_double(st, i++, r->rtl_seconds);
    sqlite3_bind_int(st, i++, r->pass);
    if (r->error[0])
        sqlite3_bind_text(st, i++, r->error, -1, SQLITE_STATIC);
    else
        sqlite3_bind_null(st, i++);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : tf_errf(e, "regression insert: %s", sqlite3_errmsg(db));
    sqlite3_finalize(st);
    return rc;
}
