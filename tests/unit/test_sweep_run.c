/* test_sweep_run.c: sweep_run (dse/search/sweep.h), the library behind `tf2sim sweep`, called
 * directly: what it stores, the best design it picks, interruption and resumption, refusals. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <sys/stat.h>

#include "search/sweep.h"
#include "test_util.h"

static char g_dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(g_dir, sizeof g_dir, "/tmp/tf2sim-sweep-XXXXXX");
    return mkdtemp(g_dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", g_dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *db_path(const char *name)
{
    static char p[4][128];
    static int k;
    k = (k + 1) % 4;
    snprintf(p[k], sizeof p[k], "%s/%s", g_dir, name);
    return p[k];
}

static void ultranet_request(sweep_request *rq, const char *db)
{
    sweep_request_defaults(rq);
    rq->net = "ultranet";
    rq->device = "ultra96v2";
    rq->dsp = 360;
    rq->strategy = STRAT_FRONTIER;
    rq->db = db;
}

/* The designs of a run, as one string of sorted hashes. */
static char *run_hashes(const char *db, int64_t run_id)
{
    sqlite3 *h;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(h, "SELECT d.hash FROM run_designs r JOIN designs d ON d.id = r.design_id "
                                           "WHERE r.run_id = ? ORDER BY d.hash", -1, &q, NULL), SQLITE_OK);
    sqlite3_bind_int64(q, 1, run_id);
    size_t cap = 1024, len = 0;
    char *s = malloc(cap);
    s[0] = 0;
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *x = (const char *)sqlite3_column_text(q, 0);
        size_t l = strlen(x);
        if (len + l + 2 > cap)
            s = realloc(s, cap = 2 * (len + l + 2));
        memcpy(s + len, x, l);
        len += l;
        s[len++] = ' ';
        s[len] = 0;
    }
    sqlite3_finalize(q);
    sqlite3_close(h);
    return s;
}

/* Every design of the run is in the DB, within the budget; the best is the fastest and is on
 * the fps-vs-DSP front; the run is closed; the packing bound is a lower bound on its interval. */
static void test_sweep_stores_and_picks_best(void **state)
{
    (void)state;
    sweep_request rq;
    const char *db = db_path("a.db");
    ultranet_request(&rq, db);
    sweep_result r;
    tf_err e = {0};
    int rc = sweep_run(&rq, &r, &e);
    if (rc)
        fail_msg("sweep_run: %d %s", rc, e.msg);
    assert_false(r.interrupted);
    assert_false(r.resumed);
    assert_true(r.rows.n > 1);
    assert_int_equal(r.rows.n, r.stored_new);    /* a fresh DB: every design of the run is new */
    assert_true(r.linked >= r.rows.n);           /* the frontier's three weightings meet again */
    assert_true(r.evaluated >= r.linked);
    assert_int_equal(db_int(db, "SELECT count(*) FROM run_designs WHERE run_id = ?", r.run_id), r.rows.n);
    assert_int_equal(db_int(db, "SELECT count(*) FROM runs WHERE id = ? AND finished_at IS NOT NULL", r.run_id), 1);
    assert_int_equal(db_int(db, "SELECT designs_evaluated FROM runs WHERE id = ?", r.run_id), r.evaluated);
    assert_non_null(r.best);
    int fps_col, dsp_col;
    results_objective("fps", &fps_col);
    results_objective("dsp", &dsp_col);
    unsigned char *mask = malloc((size_t)r.rows.n);
    int cols[2] = {fps_col, dsp_col};
    results_front(&r.rows, 2, cols, mask);
    assert_true(mask[r.best - r.rows.rows]);
    for (int i = 0; i < r.rows.n; i++) {
        const design_row *x = &r.rows.rows[i];
        assert_true(x->dsp <= 360);
        assert_true(x->fps <= r.best->fps);
        if (x->fps == r.best->fps)
            assert_true(x->dsp >= r.best->dsp);
        /* nothing else both at least as fast and strictly cheaper */
        assert_false(x != r.best && x->fps >= r.best->fps && x->dsp < r.best->dsp);
    }
    free(mask);
    assert_int_equal(db_int(db, "SELECT interval_cycles FROM designs WHERE id = ?", r.best->id),
                     (int64_t)r.best->interval_cycles);
    assert_true(r.bound > 0);
    assert_true((double)r.best->interval_cycles >= r.bound);
    assert_true(r.n_cchk >= 1 && r.n_cchk <= SWEEP_CYCLE_CHECK);
    assert_int_equal(r.cchk[0].interval_analytic, r.best->interval_cycles);
    assert_false(r.has_acc); /* ultranet has no classification data: accuracy stays NULL */
    assert_string_equal(r.n.name, "ultranet");
    assert_int_equal(r.b.dsp, 360);
    sweep_result_free(&r);
}

/* Stops the search (as Ctrl-C would) after a number of evaluations. */
typedef struct stopper {
    volatile sig_atomic_t flag;
    long after;
} stopper;

static void stop_after(void *ctx, long evaluated, long emitted, long total, double best_fps)
{
    (void)emitted, (void)total, (void)best_fps;
    stopper *s = ctx;
    if (evaluated >= s->after)
        s->flag = 1;
}

/* An interrupted sweep keeps what it saved; the same request resumes it and ends with exactly
 * the designs of an uninterrupted run. */
static void test_interrupt_and_resume(void **state)
{
    (void)state;
    sweep_request rq;
    const char *full = db_path("full.db"), *cut = db_path("cut.db");
    ultranet_request(&rq, full);
    sweep_result r;
    tf_err e = {0};
    if (sweep_run(&rq, &r, &e))
        fail_msg("%s", e.msg);
    int64_t full_run = r.run_id;
    int full_n = r.rows.n;
    sweep_result_free(&r);

    stopper s = {0, 40};
    ultranet_request(&rq, cut);
    rq.batch = 7;
    rq.stop = &s.flag;
    rq.progress = stop_after;
    rq.progress_ctx = &s;
    assert_int_equal(sweep_run(&rq, &r, &e), 1);
    assert_true(r.interrupted);
    int64_t run = r.run_id;
    assert_true(r.linked > 0 && r.linked < full_n);
    sweep_result_free(&r);
    assert_int_equal(db_int(cut, "SELECT count(*) FROM runs WHERE id = ? AND finished_at IS NULL", run), 1);
    int64_t saved = db_int(cut, "SELECT count(*) FROM run_designs WHERE run_id = ?", run);
    assert_true(saved > 0);

    s.flag = 0;
    s.after = 1L << 40;
    if (sweep_run(&rq, &r, &e))
        fail_msg("%s", e.msg);
    assert_true(r.resumed);
    assert_int_equal(r.run_id, run);
    assert_int_equal(r.rows.n, full_n);
    assert_int_equal(r.stored_new, full_n - saved);
    sweep_result_free(&r);
    char *a = run_hashes(full, full_run), *b = run_hashes(cut, run);
    assert_string_equal(a, b);
    free(a);
    free(b);
}

/* Refusals leave no DB behind: nothing fits; an exhaustive space over the limit; a bad net. */
static void test_refusals_write_nothing(void **state)
{
    (void)state;
    sweep_request rq;
    sweep_result r;
    tf_err e = {0};
    struct stat sb;
    const char *db = db_path("none.db");

    ultranet_request(&rq, db);
    rq.dsp = 1;
    rq.bram = 1;
    assert_int_equal(sweep_run(&rq, &r, &e), -1);
    assert_non_null(strstr(e.msg, "ultranet on ultra96v2: nothing fits; the cheapest design needs dsp "));
    assert_non_null(strstr(e.msg, "over the budget: dsp, bram18"));
    sweep_result_free(&r);
    assert_int_not_equal(stat(db, &sb), 0);

    ultranet_request(&rq, db);
    rq.strategy = STRAT_EXHAUSTIVE;
    rq.limit = 10;
    assert_int_equal(sweep_run(&rq, &r, &e), -1);
    assert_non_null(strstr(e.msg, "more than the limit"));
    sweep_result_free(&r);
    assert_int_not_equal(stat(db, &sb), 0);

    ultranet_request(&rq, db);
    rq.net = "no_such_net";
    assert_int_equal(sweep_run(&rq, &r, &e), -1);
    assert_non_null(strstr(e.msg, "no_such_net"));
    sweep_result_free(&r);
    assert_int_not_equal(stat(db, &sb), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sweep_stores_and_picks_best),
        cmocka_unit_test(test_interrupt_and_resume),
        cmocka_unit_test(test_refusals_write_nothing),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
