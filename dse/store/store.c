/* store.c: SQLite persistence of runs, designs and per-layer results. */
#include "store.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

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
    " designs_evaluated INTEGER,"
    " run_key TEXT,"                   /* host/pid/time/args hash: a run's identity across merges */
    " resume_key TEXT);"               /* the sweep's parameters: an unfinished run with the same key resumes */
    "CREATE UNIQUE INDEX IF NOT EXISTS runs_by_key ON runs(run_key);"
    "CREATE INDEX IF NOT EXISTS runs_by_resume ON runs(resume_key);"
    "CREATE TABLE IF NOT EXISTS designs("
    " id INTEGER PRIMARY KEY, hash TEXT NOT NULL UNIQUE, canonical TEXT NOT NULL,"
    " net TEXT NOT NULL, device TEXT NOT NULL, arch TEXT NOT NULL,"
    " bitw TEXT NOT NULL, bita TEXT NOT NULL, clock_mhz REAL NOT NULL,"
    " period_ns REAL,"                 /* the clock period the resource model predicts (NULL: none) */
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

/* Migrations: MIGRATIONS[v] takes a version-v database to version v+1. */
static const char *const MIGRATIONS[STORE_SCHEMA_VERSION] = {
    [1] = /* v2: LUT multipliers per layer; run keys for merging; resumable sweeps */
    "ALTER TABLE layer_results ADD COLUMN lut_mult INTEGER;"
    "ALTER TABLE runs ADD COLUMN run_key TEXT;"
    "ALTER TABLE runs ADD COLUMN resume_key TEXT;"
    "UPDATE runs SET run_key = lower(hex(randomblob(16))) WHERE run_key IS NULL;"
    "CREATE UNIQUE INDEX IF NOT EXISTS runs_by_key ON runs(run_key);"
    "CREATE INDEX IF NOT EXISTS runs_by_resume ON runs(resume_key);",
    [2] = /* v3: the predicted clock period of a design (clock_mhz is the clock its fps is at) */
    "ALTER TABLE designs ADD COLUMN period_ns REAL;",
};

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

static int64_t scalar(store *s, const char *sql);

/* Checks an existing file: ours, intact, and at a schema version we read (migrating an
 * older one when `writable`). *fresh is set for an empty database. */
static int check_schema(store *s, bool writable, bool *fresh, tf_err *e)
{
    *fresh = false;
    int64_t tables = scalar(s, "SELECT count(*) FROM sqlite_master");
    if (tables < 0)
        return tf_errf(e, "%s: not a tf2sim results database (%s)", s->path, sqlite3_errmsg(s->db));
    if (tables == 0) {
        *fresh = true;
        return 0;
    }
    if (scalar(s, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='meta'") != 1)
        return tf_errf(e, "%s: not a tf2sim results database (an SQLite file without tf2sim's meta table)", s->path);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(s->db, "PRAGMA integrity_check", -1, &st, NULL) != SQLITE_OK)
        return tf_errf(e, "%s: integrity check failed to run: %s", s->path, sqlite3_errmsg(s->db));
    int rc = sqlite3_step(st);
    char first[256] = "";
    if (rc == SQLITE_ROW)
        snprintf(first, sizeof first, "%s", (const char *)sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW || strcmp(first, "ok") != 0)
        return tf_errf(e, "%s: damaged results database (integrity check: %s)", s->path,
                       first[0] ? first : sqlite3_errmsg(s->db));
    int64_t ver = scalar(s, "SELECT CAST(value AS INTEGER) FROM meta WHERE key='schema_version'");
    if (ver < 1)
        return tf_errf(e, "%s: meta.schema_version is missing or not a version (this tf2sim reads 1..%d)", s->path,
                       STORE_SCHEMA_VERSION);
    if (ver > STORE_SCHEMA_VERSION)
        return tf_errf(e, "%s: meta.schema_version %lld is from a newer tf2sim (this one reads 1..%d)", s->path,
                       (long long)ver, STORE_SCHEMA_VERSION);
    if (ver == STORE_SCHEMA_VERSION)
        return 0;
    if (!writable)
        return 1; /* the caller reopens read-write to migrate */
    /* One transaction: a crash mid-migration leaves the old version intact. */
    if (exec(s, "BEGIN IMMEDIATE;", e))
        return -1;
    ver = scalar(s, "SELECT CAST(value AS INTEGER) FROM meta WHERE key='schema_version'"); /* raced? */
    for (int64_t v = ver; v < STORE_SCHEMA_VERSION; v++) {
        char bump[96];
        snprintf(bump, sizeof bump, "UPDATE meta SET value='%lld' WHERE key='schema_version';", (long long)v + 1);
        if (exec(s, MIGRATIONS[v], e) || exec(s, bump, e)) {
            store_rollback(s);
            return tf_err_prefix(e, "%s: migrating schema v%lld to v%lld", s->path, (long long)v, (long long)v + 1);
        }
    }
    return exec(s, "COMMIT;", e);
}

int store_open(store **out, const char *path, tf_err *e)
{
    if (open_common(out, path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, e))
        return -1;
    store *s = *out;
    char ver[64];
    bool fresh;
    snprintf(ver, sizeof ver, "INSERT OR IGNORE INTO meta VALUES('schema_version','%d');", STORE_SCHEMA_VERSION);
    /* A foreign, damaged or newer file fails here by name, untouched. */
    if (check_schema(s, true, &fresh, e) ||
        exec(s, "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;", e) ||
        (fresh && (exec(s, "BEGIN IMMEDIATE;", e) || exec(s, SCHEMA, e) || exec(s, ver, e) || exec(s, "COMMIT;", e))) ||
        prepare(s, "INSERT OR IGNORE INTO designs(hash, canonical, net, device, arch, bitw, bita, clock_mhz, period_ns,"
                   " interval_cycles, latency_cycles, fps, dsp, bram18, lut, ff, accuracy, feasible, evaluator, first_run)"
                   " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", &s->ins_design, e) ||
        prepare(s, "SELECT id FROM designs WHERE hash=?", &s->find_design, e) ||
        prepare(s, "INSERT OR IGNORE INTO layer_results(design_id, layer_idx, name, op, cycles, dsp, bram18,"
                   " lut, ff, wbits, abits, simd, pe, schedule, lut_mult) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", &s->ins_layer, e) ||
        prepare(s, "INSERT OR IGNORE INTO run_designs(run_id, design_id) VALUES(?,?)", &s->ins_link, e)) {
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
    bool fresh;
    int rc = check_schema(*out, false, &fresh, e);
    if (rc == 0 && fresh)
        rc = tf_errf(e, "%s: an empty database, not a tf2sim results database", path);
    if (rc) {
        store_close(*out);
        *out = NULL;
    }
    if (rc == 1) /* an older schema: migrate it once, then read */
        return store_open(out, path, e);
    return rc ? -1 : 0;
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
    if (prepare(s, "INSERT INTO runs(started_at, command, args, git_commit, net, device, strategy, budget_json,"
                   " run_key, resume_key) VALUES(?,?,?,?,?,?,?,?,?,?)", &st, e))
        return -1;
    char ts[32], key[33], seed[1400];
    now_iso(ts, sizeof ts);
    struct timespec tv;
    clock_gettime(CLOCK_REALTIME, &tv);
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    snprintf(seed, sizeof seed, "%s|%ld|%lld.%09ld|%s", host, (long)getpid(), (long long)tv.tv_sec, tv.tv_nsec,
             ri->args ? ri->args : "");
    design_hash(seed, key);
    sqlite3_bind_text(st, 1, ts, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text(st, 2, ri->command, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 3, ri->args ? ri->args : "", -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 4, store_git_commit(), -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 5, ri->net, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 6, ri->device, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 7, ri->strategy, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 8, ri->budget_json, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 9, key, -1, SQLITE_STATIC);
    sqlite3_bind_text(st, 10, ri->resume_key, -1, SQLITE_STATIC);
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
    sqlite3_bind_double(st, k++, ev->clock_mhz > 0 ? ev->clock_mhz : ds->clock_mhz);
    if (ev->r.period_ns > 0)
        sqlite3_bind_double(st, k++, ev->r.period_ns);
    else
        sqlite3_bind_null(st, k++);
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
            }
            if (comp && ds->arch == ARCH_DATAFLOW) { /* the engine has no per-layer folding */
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

int store_find_resumable(store *s, const char *resume_key, int64_t *run_id, long *saved, tf_err *e)
{
    sqlite3_stmt *st;
    *run_id = 0;
    *saved = 0;
    if (prepare(s, "SELECT r.id, (SELECT count(*) FROM run_designs x WHERE x.run_id = r.id) FROM runs r"
                   " WHERE r.resume_key = ? AND r.finished_at IS NULL ORDER BY r.id DESC LIMIT 1", &st, e))
        return -1;
    sqlite3_bind_text(st, 1, resume_key, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    if (rc == SQLITE_ROW) {
        *run_id = sqlite3_column_int64(st, 0);
        *saved = (long)sqlite3_column_int64(st, 1);
    }
    sqlite3_finalize(st);
    return (rc == SQLITE_ROW || rc == SQLITE_DONE) ? 0 : db_err(s, e, "find unfinished run");
}

/* Copies everything of the attached database `src` into main; keys make it idempotent. */
static const char *const MERGE_SQL =
    "INSERT OR IGNORE INTO main.runs(started_at, finished_at, command, args, git_commit, net, device, strategy,"
    " budget_json, designs_evaluated, run_key, resume_key)"
    " SELECT started_at, finished_at, command, args, git_commit, net, device, strategy, budget_json,"
    " designs_evaluated, run_key, resume_key FROM src.runs ORDER BY id;"
    "INSERT OR IGNORE INTO main.designs(hash, canonical, net, device, arch, bitw, bita, clock_mhz, period_ns,"
    " interval_cycles, latency_cycles, fps, dsp, bram18, lut, ff, accuracy, feasible, evaluator, cycle_interval_cycles,"
    " cycle_latency_cycles, first_run)"
    " SELECT d.hash, d.canonical, d.net, d.device, d.arch, d.bitw, d.bita, d.clock_mhz, d.period_ns, d.interval_cycles,"
    " d.latency_cycles, d.fps, d.dsp, d.bram18, d.lut, d.ff, d.accuracy, d.feasible, d.evaluator,"
    " d.cycle_interval_cycles, d.cycle_latency_cycles,"
    " (SELECT m.id FROM main.runs m JOIN src.runs r ON r.run_key = m.run_key WHERE r.id = d.first_run)"
    " FROM src.designs d ORDER BY d.id;"
    /* A design both hold: keep ours, fill what only the other one measured. */
    "UPDATE main.designs SET"
    " accuracy = COALESCE(accuracy, (SELECT d.accuracy FROM src.designs d WHERE d.hash = main.designs.hash)),"
    " cycle_interval_cycles = COALESCE(cycle_interval_cycles,"
    "   (SELECT d.cycle_interval_cycles FROM src.designs d WHERE d.hash = main.designs.hash)),"
    " cycle_latency_cycles = COALESCE(cycle_latency_cycles,"
    "   (SELECT d.cycle_latency_cycles FROM src.designs d WHERE d.hash = main.designs.hash))"
    " WHERE hash IN (SELECT hash FROM src.designs);"
    "INSERT OR IGNORE INTO main.layer_results(design_id, layer_idx, name, op, cycles, dsp, bram18, lut, ff, wbits,"
    " abits, simd, pe, schedule, lut_mult)"
    " SELECT m.id, l.layer_idx, l.name, l.op, l.cycles, l.dsp, l.bram18, l.lut, l.ff, l.wbits, l.abits, l.simd,"
    " l.pe, l.schedule, l.lut_mult FROM src.layer_results l JOIN src.designs d ON d.id = l.design_id"
    " JOIN main.designs m ON m.hash = d.hash;"
    "INSERT OR IGNORE INTO main.run_designs(run_id, design_id)"
    " SELECT mr.id, md.id FROM src.run_designs x JOIN src.runs r ON r.id = x.run_id"
    " JOIN src.designs d ON d.id = x.design_id JOIN main.runs mr ON mr.run_key = r.run_key"
    " JOIN main.designs md ON md.hash = d.hash;"
    "INSERT OR IGNORE INTO main.accuracy_cache SELECT * FROM src.accuracy_cache;";

static int64_t scalar(store *s, const char *sql)
{
    sqlite3_stmt *st;
    int64_t v = -1;
    if (sqlite3_prepare_v2(s->db, sql, -1, &st, NULL) == SQLITE_OK && sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

int store_merge(store *s, const char *src_path, long *new_designs, long *new_runs, tf_err *e)
{
    /* Open it on its own first: a missing, foreign or newer file is refused by name. */
    store *probe;
    if (store_open_readonly(&probe, src_path, e))
        return -1;
    int64_t ver = scalar(probe, "SELECT value FROM meta WHERE key='schema_version'");
    store_close(probe);
    if (ver != STORE_SCHEMA_VERSION)
        return tf_errf(e, "%s: schema version %lld, this tf2sim reads version %d", src_path, (long long)ver,
                       STORE_SCHEMA_VERSION);
    sqlite3_stmt *st;
    if (prepare(s, "ATTACH DATABASE ? AS src", &st, e))
        return -1;
    sqlite3_bind_text(st, 1, src_path, -1, SQLITE_STATIC);
    int rc = sqlite3_step(st);
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE)
        return db_err(s, e, "attach");
    int64_t d0 = scalar(s, "SELECT count(*) FROM main.designs"), r0 = scalar(s, "SELECT count(*) FROM main.runs");
    int res = 0;
    if (exec(s, "BEGIN IMMEDIATE;", e) || exec(s, MERGE_SQL, e) || exec(s, "COMMIT;", e)) {
        store_rollback(s);
        tf_err_prefix(e, "merging %s", src_path);
        res = -1;
    }
    if (new_designs)
        *new_designs = (long)(scalar(s, "SELECT count(*) FROM main.designs") - d0);
    if (new_runs)
        *new_runs = (long)(scalar(s, "SELECT count(*) FROM main.runs") - r0);
    sqlite3_exec(s->db, "DETACH DATABASE src", NULL, NULL, NULL);
    return res;
}
