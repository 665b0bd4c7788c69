/* test_store.c: designs are written once, runs link them, bad paths fail cleanly. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "store/store.h"
#include "unit/test_util.h"

static int64_t count(store *s, const char *sql)
{
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(store_sqlite(s), sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    int64_t v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    return v;
}

static void test_designs_written_once(void **state)
{
    tf_err e;
    net n;
    device dv;
    if (net_load_named(&n, "ultranet", &e) || device_load_named(&dv, "ultra96v2", &e))
        fail_msg("%s", e.msg);
    char path[64];
    write_temp(path, sizeof path, ".db", "");
    unlink(path);
    store *s;
    if (store_open(&s, path, &e))
        fail_msg("%s", e.msg);
    design ds;
    assert_int_equal(design_init(&ds, &n, &dv, ARCH_DATAFLOW, &e), 0);
    budget b;
    budget_from_device(&b, &dv);
    evaluation ev;
    assert_int_equal(evaluate_analytic(&n, &ds, &dv, &b, &ev, &e), 0);
    run_info ri = {.command = "test", .args = "x", .net = n.name, .device = dv.name};
    int64_t r1, r2, id1, id2, id3;
    int ins;
    assert_int_equal(store_begin_run(s, &ri, &r1, &e), 0);
    assert_int_equal(store_begin(s, &e), 0);
    assert_int_equal(store_put_design(s, r1, &n, &dv, &ds, &ev, -1, &id1, &ins, &e), 0);
    assert_int_equal(ins, 1);
    assert_int_equal(store_put_design(s, r1, &n, &dv, &ds, &ev, -1, &id2, &ins, &e), 0);
    assert_int_equal(ins, 0);
    assert_int_equal(id1, id2);
    assert_int_equal(store_commit(s, &e), 0);
    assert_int_equal(store_begin_run(s, &ri, &r2, &e), 0);
    assert_int_equal(store_put_design(s, r2, &n, &dv, &ds, &ev, 0.5, &id3, &ins, &e), 0);
    assert_int_equal(id3, id1);
    assert_int_equal(count(s, "SELECT count(*) FROM designs"), 1);
    assert_int_equal(count(s, "SELECT count(*) FROM run_designs"), 2);
    assert_int_equal(count(s, "SELECT count(*) FROM layer_results"), n.n_layers);
    assert_int_equal(count(s, "SELECT value FROM meta WHERE key='schema_version'"), STORE_SCHEMA_VERSION);
    assert_int_equal(count(s, "SELECT accuracy IS NULL FROM designs"), 1); /* never an invented accuracy */
    evaluation_free(&ev);
    design_free(&ds);
    store_close(s);
    unlink(path);
    net_free(&n);
}

static void test_bad_paths(void **state)
{
    tf_err e;
    store *s;
    assert_int_not_equal(store_open(&s, "/nonexistent-dir/x/results.db", &e), 0);
    assert_non_null(strstr(e.msg, "/nonexistent-dir/x/results.db"));
    struct stat sb;
    assert_int_not_equal(stat("/nonexistent-dir/x/results.db", &sb), 0);
    /* A file that is not a database is refused, and left as it was. */
    char path[64];
    write_temp(path, sizeof path, ".db", "this is not sqlite, just some text that is long enough to look like a header..........\n");
    assert_int_not_equal(store_open(&s, path, &e), 0);
    assert_non_null(strstr(e.msg, "not a tf2sim results database"));
    stat(path, &sb);
    assert_int_equal(sb.st_size, 87);
    unlink(path);
}

static const char *const SCHEMA_V1 = /* dse/store/store.c at the first commit */
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
    " wbits INTEGER, abits INTEGER, simd INTEGER, pe INTEGER, schedule TEXT,"
    " PRIMARY KEY(design_id, layer_idx)) WITHOUT ROWID;"
    "CREATE TABLE IF NOT EXISTS accuracy_cache("
    " net TEXT NOT NULL, bitw TEXT NOT NULL, bita TEXT NOT NULL, pow2 TEXT NOT NULL,"
    " metric TEXT NOT NULL, value REAL NOT NULL, images INTEGER,"
    " PRIMARY KEY(net, bitw, bita, pow2)) WITHOUT ROWID;";


static void sql(sqlite3 *db, const char *q)
{
    char *msg = NULL;
    if (sqlite3_exec(db, q, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("%s: %s", q, msg);
}

static const char *make_v1_db(char *path, size_t cap)
{
    write_temp(path, cap, ".db", "");
    unlink(path);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sql(db, SCHEMA_V1);
    sql(db, "INSERT INTO meta VALUES('schema_version','1');"
            "INSERT INTO runs(started_at, command, args, git_commit, net, device) VALUES('t','sweep','a','c','ultranet','ultra96v2');"
            "INSERT INTO designs(hash, canonical, net, device, arch, bitw, bita, clock_mhz, interval_cycles, latency_cycles,"
            " fps, dsp, bram18, lut, ff, feasible, evaluator, first_run) VALUES('00ff','{}','ultranet','ultra96v2',"
            " 'dataflow','4','4',200,100,200,2e6,10,10,100,100,1,'analytic',1);"
            "INSERT INTO layer_results(design_id, layer_idx, name, op, cycles, dsp, bram18, lut, ff) VALUES(1,0,'c','conv',100,10,10,100,100);"
            "INSERT INTO run_designs VALUES(1,1);");
    sqlite3_close(db);
    return path;
}

/* A database of the first schema opens migrated, keeps its rows, and takes new ones. */
static void test_migrates_v1(void **state)
{
    char path[64];
    tf_err e;
    store *s;
    make_v1_db(path, sizeof path);
    if (store_open(&s, path, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(count(s, "SELECT value FROM meta WHERE key='schema_version'"), STORE_SCHEMA_VERSION);
    assert_int_equal(count(s, "SELECT count(*) FROM designs WHERE hash='00ff'"), 1);
    assert_int_equal(count(s, "SELECT count(*) FROM runs WHERE run_key IS NULL"), 0);
    assert_int_equal(count(s, "SELECT count(*) FROM pragma_table_info('layer_results') WHERE name='lut_mult'"), 1);
    /* v3: the predicted clock period, NULL on the rows stored before it */
    assert_int_equal(count(s, "SELECT count(*) FROM pragma_table_info('designs') WHERE name='period_ns'"), 1);
    assert_int_equal(count(s, "SELECT count(*) FROM designs WHERE hash='00ff' AND period_ns IS NULL"), 1);
    run_info ri = {.command = "test", .args = "x", .net = "n", .device = "d", .resume_key = "k"};
    int64_t r;
    assert_int_equal(store_begin_run(s, &ri, &r, &e), 0);
    assert_int_equal(store_find_resumable(s, "k", &r, &(long){0}, &e), 0);
    assert_true(r > 1);
    store_close(s);
    /* Read-only commands on a v1 file migrate it too. */
    make_v1_db(path, sizeof path);
    if (store_open_readonly(&s, path, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(count(s, "SELECT value FROM meta WHERE key='schema_version'"), STORE_SCHEMA_VERSION);
    store_close(s);
    unlink(path);
}

static void test_refuses_newer_foreign_damaged(void **state)
{
    char path[64];
    tf_err e;
    store *s;
    sqlite3 *db;
    /* newer */
    make_v1_db(path, sizeof path);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sql(db, "UPDATE meta SET value='99' WHERE key='schema_version'");
    sqlite3_close(db);
    assert_int_not_equal(store_open(&s, path, &e), 0);
    assert_non_null(strstr(e.msg, "schema_version 99 is from a newer tf2sim"));
    unlink(path);
    /* foreign SQLite */
    write_temp(path, sizeof path, ".db", "");
    unlink(path);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sql(db, "CREATE TABLE customers(id INTEGER, name TEXT); INSERT INTO customers VALUES(1,'x');");
    sqlite3_close(db);
    assert_int_not_equal(store_open(&s, path, &e), 0);
    assert_non_null(strstr(e.msg, "without tf2sim's meta table"));
    assert_int_not_equal(store_open_readonly(&s, path, &e), 0);
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK); /* left as it was */
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master", -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    assert_int_equal(sqlite3_column_int(st, 0), 1);
    sqlite3_finalize(st);
    sqlite3_close(db);
    unlink(path);
    /* damaged: a real tf2sim DB with a page overwritten */
    make_v1_db(path, sizeof path);
    if (store_open(&s, path, &e))
        fail_msg("%s", e.msg);
    store_close(s);
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    assert_true(size > 8192);
    /* Every page after the first (the schema) becomes garbage: b-tree headers included. */
    fseek(f, 4096, SEEK_SET);
    for (long i = 4096; i < size; i++)
        fputc(0xA5, f);
    fclose(f);
    assert_int_not_equal(store_open(&s, path, &e), 0);
    assert_true(strstr(e.msg, "damaged results database") || strstr(e.msg, "malformed") || strstr(e.msg, "not a"));
    assert_non_null(strstr(e.msg, path));
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_designs_written_once),
        cmocka_unit_test(test_bad_paths),
        cmocka_unit_test(test_migrates_v1),
        cmocka_unit_test(test_refuses_newer_foreign_damaged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
