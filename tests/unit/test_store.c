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

#include "store.h"
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
    assert_non_null(strstr(e.msg, "not a usable tf2sim results database"));
    stat(path, &sb);
    assert_int_equal(sb.st_size, 87);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_designs_written_once),
        cmocka_unit_test(test_bad_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
