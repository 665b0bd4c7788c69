/* store.c: SQLite persistence of runs, designs and per-layer results. */
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef TF2SIM_GIT_COMMIT
#define TF2SIM_GIT_COMMIT "unknown"
#endif

struct store {
    sqlite3 *db;
    char path[1024];
    sqlite3_stmt *ins_design, *find_design, *ins_layer, *ins_link;
};

static const char *const SCHEMA =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS runs("
    " id INTEGER PRIMARY KEY, started_at TEXT NOT NULL, finished_at TEXT,"
    " command TEXT NOT NULL, args TEXT NOT NULL, git_commit TEXT NOT NULL,"
    " net TEXT NOT NULL, device TEXT NOT NULL, strategy TEXT, budget_json TEXT,"
    " designs_evaluated INTEGER);"
    "CREATE TABLE IF NOT EXISTS designs("
    " id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, canonical TEXT NOT NULL,"
    " net TEXT NOT NULL, device TEXT NOT NULL, arch TEXT NOT NULL,"
    " bitw TEXT NOT NULL, bita TEXT NOT NULL, clock_mhz REAL NOT NULL,"
    " interval_cycles INTEGER NOT NULL, latency_cycles INTEGER NOT NULL, fps REAL NOT NULL,"
    " dsp INTEGER NOT NULL, bram18 INTEGER NOT NULL, lut INTEGER NOT NULL, ff INTEGER NOT NULL,"
    " accuracy REAL, feasible INTEGER NOT NULL, evaluator TEXT NOT NULL,"
    " cycle_interval_cycles INTEGER, cycle_latency_cycles INTEGER,"
    " first_run INTEGER REFERENCES runs(id));"
    "CREATE INDEX IF NOT EXISTS designs_by_net ON designs(net, device);"
    "CREATE TABLE IF NOT EXISTS run_designs("
    " run_id INTEGER NOT NULL REFERENCES runs(id), design_id INTEGER NOT NULL REFERENCES designs(id),"
    " PRIMARY KEY(run_id, design_id)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS layer_results("
    " design_id INTEGER NOT NULL REFERENCES designs(id), layer_idx INTEGER NOT NULL,"
    " name TEXT NOT NULL, op TEXT NOT NULL, cycles INTEGER NOT NULL,"
    " dsp INTEGER NOT NULL, bram18 INTEGER NOT NULL, lut INTEGER NOT NULL, ff INTEGER NOT NULL,"
    " wbits INTEGER, abits INTEGER, simd INTEGER, pe INTEGER, schedule TEXT, lut_mult INTEGER,"
    " PRIMARY KEY(design_id, layer_idx)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS accuracy_cache("
    " net TEXT NOT NULL, bitw TEXT NOT NULL, bita TEXT NOT NULL, pow2 TEXT NOT NULL,"
    " metric TEXT NOT NULL, value REAL NOT NULL, images INTEGER,"
    " PRIMARY KEY(net, bitw, bita, pow2)) WITHOUT ROWID;";

const char *store_git_commit(void)
{
    return TF2SIM_GIT_COMMIT;
}

static int db_err(store *s, tf_err *e, const char *what)
{
    return tf_errf(e, "%s: %s: %s", s->path, what, sqlite3_errmsg(s->db));
}

static int exec(store *s, const char *sql, tf_err *e)
{
    char *msg = NULL;
    if (sqlite3_exec(s->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
        tf_errf(e, "%s: %s", s->path, msg ? msg : "SQL error");
        sqlite3_free(msg);
        return -1;
    }
    return 0;
}

static int prepare(store *s, const char *sql, sqlite3_stmt **st, tf_err *e)
{
    if (sqlite3_prepare_v2(s->db, sql, -1, st, NULL) != SQLITE_OK)
        return db_err(s, e, "prepare");
    return 0;
}

static int open_common(store **out, const char *path, int flags, tf_err *e)
{
    *out = NULL;
    store *s = calloc(1, sizeof *s);
    if (!s)
        return tf_errf(e, "out of memory");
    snprintf(s->path, sizeof s->path, "%s", path);
    if (sqlite3_open_v2(path, &s->db, flags, NULL) != SQLITE_OK) {
        tf_errf(e, "%s: cannot open results database: %s", path, s->db ? sqlite3_errmsg(s->db) : "out of memory");
        sqlite3_close(s->db);
        free(s);
        return -1;
    }
    sqlite3_busy_timeout(s->db, 10000); /* concurrent sweeps on one DB wait, not fail */
    *out = s;
    return 0;
}

int store_open(store **out, const char *path, tf_err *e)
{
    if (open_common(out, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, e))
        return -1;
    store *s = *out;
    char ver[64];
    snprintf(ver, sizeof ver, "INSERT OR IGNORE INTO meta VALUES('schema_version','%d');", STORE_SCHEMA_VERSION);
    /* A foreign or corrupt file fails on the first statement: say so, don't touch it. */
    if (exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", e) ||
        exec(s, "BEGIN IMMEDIATE;", e) || exec(s, SCHEMA, e) || exec(s, ver, e) || exec(s, "COMMIT;", e) ||
        prepare(s, "INSERT OR IGNORE INTO designs(hash, canonical, net, device, arch, bitw, bita, clock_mhz,"
                   " interval_cycles, latency_cycles, fps, dsp, bram18, lut, ff, accuracy, feasible, evaluator, first_run)"
                   " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", &s->ins_design, e) ||
        prepare(s, "SELECT id FROM designs WHERE hash=?", &s->find_design, e) ||
        prepare(s, "INSERT OR IGNORE INTO layer_results(design_id, layer_idx, name, op, cycles, dsp, bram18,"
                   " lut, ff, wbits, abits, simd, pe, schedule, lut_mult) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", &s->ins_layer, e) ||
        prepare(s, "INSERT OR IGNORE INTO run_designs(run_id, design_id) VALUES(?,?)", &s->ins_link, e)) {
        tf_err_prefix(e, "not a usable tf2sim results database");
        store_close(s);
        *out = NULL;
        return -1;
    }
    return 0;
}

int store_open_readonly(store **out, const char *path, tf_err *e)
{
    if (open_common(out, path, SQLITE_OPEN_READONLY, e))
        return -1;
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2((*out)->db, "SELECT value FROM meta WHERE key='schema_version'", -1, &st, NULL) != SQLITE_OK) {
        tf_errf(e, "%s: not a tf2sim results database (%s)", path, sqlite3_errmsg((*out)->db));
        store_close(*out);
        *out = NULL;
        return -1;
    }
    sqlite3_finalize(st);
    return 0;
}

void store_close(store *s)
{
    if (!s)
        return;
    sqlite3_finalize(s->ins_design);
    sqlite3_finalize(s->find_design);
    sqlite3_finalize(s->ins_layer);
    sqlite3_finalize(s->ins_link);
    sqlite3_close(s->db);
    free(s);
}

void *store_sqlite(store *s)
{
    return s->db;
}

int store_begin(store *s, tf_err *e) { return exec(s, "BEGIN IMMEDIATE;", e); }
int store_commit(store *s, tf_err *e) { return exec(s, "COMMIT;", e); }
int store_rollback(store *s) { return sqlite3_exec(s->db, "ROLLBACK;", NULL, NULL, NULL) == SQLITE_OK ? 0 : -1; }

static void now_iso(char *buf, size_t cap)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, cap, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int store_begin_run(store *s, const run_info *ri, int64_t *run_id, tf_err *e)
{
    sqlite3_stmt *st;
    if (prepare(s, "INSERT INTO runs(started_at, command, args, git_commit, net, device, strategy, budget_json)"
                   " VALUES(?,?,?,?,?,?,?,?)", &st, e))
        return -1;
    char ts[32];
    now_iso(ts, sizeof ts);
    sqlite3_bind_text(st, 1, ts, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, ri->command, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, ri->args ? ri->args : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, store_git_commit(), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, ri->net, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, ri->device, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, ri->strategy, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, ri->budget_json, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_err(s, e, "insert run");
    sqlite3_finalize(st);
    *run_id = sqlite3_last_insert_rowid(s->db);
    return rc;
}

int store_finish_run(store *s, int64_t run_id, long evaluated, tf_err *e)
{
    sqlite3_stmt *st;
    if (prepare(s, "UPDATE runs SET finished_at=?, designs_evaluated=? WHERE id=?", &st, e))
        return -1;
    char ts[32];
    now_iso(ts, sizeof ts);
    sqlite3_bind_text(st, 1, ts, -1, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, evaluated);
    sqlite3_bind_int64(st, 3, run_id);
    int rc = sqlite3_step(st) == SQLITE_DONE ? 0 : db_err(s, e, "finish run");
    sqlite3_finalize(st);
    return rc;
}

int store_put_design(store *s, int64_t run_id, const net *n, const device *dv, const design *ds,
                     const evaluation *ev, double accuracy, int64_t *design_id, int *inserted,
                     tf_err *e)
{
    char *canon = design_canonical(ds, n, dv);
    if (!canon)
        return tf_errf(e, "out of memory");
    char hash[33], bitw[NET_MAX_LAYERS + 1], bita[NET_MAX_LAYERS + 1];
    design_hash(canon, hash);
    net_bit_digits(n, bitw, bita, sizeof bitw);
    sqlite3_stmt *st = s->ins_design;
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    int k = 1;
    sqlite3_bind_text(st, k++, hash, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, canon, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, n->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, dv->name, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, arch_name(ds->arch), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, bitw, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, k++, bita, -1, SQLITE_STATIC);
    sqlite3_bind_double(st, k++, ds->clock_mhz);
    sqlite3_bind_int64(st, k++, (sqlite3_int64)ev->p.interval_cycles);
    sqlite3_bind_int64(st, k++, (sqlite3_int64)ev->p.latency_cycles);
    sqlite3_bind_double(st, k++, ev->p.fps);
    sqlite3_bind_int(st, k++, ev->r.dsp);
    sqlite3_bind_int(st, k++, ev->r.bram18);
    sqlite3_bind_int64(st, k++, ev->r.lut);
    sqlite3_bind_int64(st, k++, ev->r.ff);
    if (accuracy >= 0)
        sqlite3_bind_double(st, k++, accuracy);
    else
        sqlite3_bind_null(st, k++);
    sqlite3_bind_int(st, k++, ev->feasible);
    sqlite3_bind_text(st, k++, ev->evaluator, -1, SQLITE_STATIC);
    sqlite3_bind_int64(st, k++, run_id);
    int rc = sqlite3_step(st);
    int changed = sqlite3_changes(s->db);
    if (rc != SQLITE_DONE) {
        free(canon);
        return db_err(s, e, "insert design");
    }
    int64_t id;
    if (changed) {
        id = sqlite3_last_insert_rowid(s->db);
    } else {
        sqlite3_reset(s->find_design);
        sqlite3_bind_text(s->find_design, 1, hash, -1, SQLITE_STATIC);
        if (sqlite3_step(s->find_design) != SQLITE_ROW) {
            free(canon);
            return db_err(s, e, "find design");
        }
        id = sqlite3_column_int64(s->find_design, 0);
        sqlite3_reset(s->find_design);
    }
    free(canon);
    if (changed) {
        for (int i = 0; i < n->n_layers; i++) {
            const layer *l = &n->layers[i];
            const layer_fold *f = &ds->fold[i];
            bool comp = layer_is_compute(l);
            st = s->ins_layer;
            sqlite3_reset(st);
            sqlite3_clear_bindings(st);
            k = 1;
            sqlite3_bind_int64(st, k++, id);
            sqlite3_bind_int(st, k++, i);
            sqlite3_bind_text(st, k++, l->name, -1, SQLITE_STATIC);
            sqlite3_bind_text(st, k++, op_name(l->op), -1, SQLITE_STATIC);
            sqlite3_bind_int64(st, k++, (sqlite3_int64)ev->p.layers[i].cycles);
            sqlite3_bind_int(st, k++, ev->r.layers[i].dsp);
            sqlite3_bind_int(st, k++, ev->r.layers[i].bram18);
            sqlite3_bind_int64(st, k++, ev->r.layers[i].lut);
            sqlite3_bind_int64(st, k++, ev->r.layers[i].ff);
            if (comp) {
                sqlite3_bind_int(st, k++, l->wbits);
                sqlite3_bind_int(st, k++, l->abits);
                sqlite3_bind_int(st, k++, f->simd);
                sqlite3_bind_int(st, k++, f->pe);
                sqlite3_bind_text(st, k++, schedule_name(f->sched), -1, SQLITE_STATIC);
                sqlite3_bind_int(st, k++, f->lut_mult);
            }
            if (sqlite3_step(st) != SQLITE_DONE)
                return db_err(s, e, "insert layer result");
        }
    }
    st = s->ins_link;
    sqlite3_reset(st);
    sqlite3_bind_int64(st, 1, run_id);
    sqlite3_bind_int64(st, 2, id);
    if (sqlite3_step(st) != SQLITE_DONE)
        return db_err(s, e, "link design to run");
    if (design_id)
        *design_id = id;
    if (inserted)
        *inserted = changed;
    return 0;
}
