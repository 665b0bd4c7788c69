/* test_simulate.c: sim_run (dse/search/simulate.h), the library behind `tf2sim sim`, called
 * directly: per-layer cycles and stalls add up, the cycle model agrees with the closed form,
 * the run is recorded with evaluator `cycle`, --fold auto finds a design that fits. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>

#include "search/simulate.h"
#include "test_util.h"

static uint64_t layer_total(const layer_perf *lp)
{
    return lp->cycles + lp->stall_filter + lp->stall_feature + lp->stall_fifo_full + lp->stall_fifo_empty;
}

/* BJUT's UltraNet folding: every layer is busy or stalled for exactly one interval a frame
 * (460,800 cycles, all MVAU); each layer's busy cycles are the closed form's within 1%. */
static void test_dataflow_fold_adds_up_and_is_recorded(void **state)
{
    (void)state;
    char db[64];
    snprintf(db, sizeof db, "/tmp/tf2sim-sim-XXXXXX");
    int fd = mkstemp(db);
    assert_true(fd >= 0);
    close(fd);
    unlink(db);
    sim_request rq;
    sim_request_defaults(&rq);
    rq.net = "ultranet";
    rq.fold = "ultranet_bjut";
    rq.db = db;
    rq.args = "sim --net ultranet --fold ultranet_bjut";
    sim_result r;
    tf_err e = {0};
    if (sim_run(&rq, &r, &e))
        fail_msg("sim_run: %s", e.msg);
    assert_int_equal(r.ds.arch, ARCH_DATAFLOW);
    assert_string_equal(r.dv.name, "ultra96v2");
    assert_string_equal(r.ev.evaluator, "cycle");
    assert_int_equal(r.ev.p.interval_cycles, 460800);
    assert_true(r.ev.p.latency_cycles > r.ev.p.interval_cycles);
    assert_true(r.have_an);
    assert_int_equal(r.an.interval_cycles, r.ev.p.interval_cycles);
    int slow = 0;
    for (int i = 0; i < r.n.n_layers; i++) {
        assert_int_equal(layer_total(&r.ev.p.layers[i]), r.ev.p.interval_cycles);
        uint64_t c = r.ev.p.layers[i].cycles, a = r.an.layers[i].cycles;
        assert_true((c > a ? c - a : a - c) * 100 <= a);
        if (r.ev.p.layers[i].cycles > r.ev.p.layers[slow].cycles)
            slow = i;
    }
    assert_int_equal(r.ev.p.layers[r.ev.p.slowest].cycles, r.ev.p.layers[slow].cycles);
    assert_true(r.fq.n >= r.n.n_layers - 1); /* one FIFO into every layer */
    assert_true(r.design_id > 0);
    assert_int_equal(db_int(db, "SELECT cycle_interval_cycles FROM designs WHERE id = ?", r.design_id),
                     (int64_t)r.ev.p.interval_cycles);
    assert_int_equal(db_int(db, "SELECT count(*) FROM designs WHERE id = ? AND evaluator = 'cycle'", r.design_id), 1);
    assert_int_equal(db_int(db, "SELECT count(*) FROM runs WHERE command = 'sim' AND finished_at IS NOT NULL", 0), 1);
    sim_result_free(&r);
    unlink(db);
}

/* The engine runs the layers in series: their totals add up to the frame, the interval. */
static void test_engine_layers_add_up_to_interval(void **state)
{
    (void)state;
    sim_request rq;
    sim_request_defaults(&rq);
    rq.net = "skynet";
    rq.arch = ARCH_ENGINE;
    rq.arch_given = true;
    rq.db = "none";
    sim_result r;
    tf_err e = {0};
    if (sim_run(&rq, &r, &e))
        fail_msg("sim_run: %s", e.msg);
    assert_string_equal(r.dv.name, "f10a");
    assert_int_equal(r.ds.arch, ARCH_ENGINE);
    assert_int_equal(r.design_id, 0);
    uint64_t sum = 0;
    for (int i = 0; i < r.n.n_layers; i++)
        sum += layer_total(&r.ev.p.layers[i]);
    assert_int_equal(sum, r.ev.p.interval_cycles);
    assert_true(r.have_an);
    assert_int_equal(r.an.interval_cycles, r.ev.p.interval_cycles);
    sim_result_free(&r);
}

/* --fold auto: a frontier search's fastest design, which fits the device; bits given before
 * the search apply to it. A fold of the wrong architecture is refused. */
static void test_fold_auto_and_refusals(void **state)
{
    (void)state;
    sim_request rq;
    sim_request_defaults(&rq);
    rq.net = "ultranet";
    rq.wbits = 4;
    rq.abits = 4;
    rq.db = "none";
    sim_result r;
    tf_err e = {0};
    if (sim_run(&rq, &r, &e))
        fail_msg("sim_run: %s", e.msg);
    assert_true(r.ev.feasible);
    assert_true(r.ev.r.dsp <= r.dv.dsp);
    for (int i = 0; i < r.n.n_layers; i++)
        if (layer_is_compute(&r.n.layers[i]) && !r.n.layers[i].bits_fixed)
            assert_int_equal(r.n.layers[i].wbits, 4);
    sim_result_free(&r);

    sim_request_defaults(&rq);
    rq.net = "ultranet";
    rq.fold = "ultranet_bjut";
    rq.arch = ARCH_ENGINE;
    rq.arch_given = true;
    rq.db = "none";
    assert_int_equal(sim_run(&rq, &r, &e), -1);
    assert_non_null(strstr(e.msg, "is a dataflow design but --arch is engine"));
    sim_result_free(&r);

    sim_request_defaults(&rq);
    rq.net = "ultranet";
    rq.fold = "auto";
    rq.arch = ARCH_ENGINE;
    rq.db = "none";
    assert_int_equal(sim_run(&rq, &r, &e), -1);
    assert_non_null(strstr(e.msg, "--fold auto"));
    sim_result_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dataflow_fold_adds_up_and_is_recorded),
        cmocka_unit_test(test_engine_layers_add_up_to_interval),
        cmocka_unit_test(test_fold_auto_and_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
