/* test_search.c: the frontier strategy is exact against exhaustive enumeration on a
 * small net; greedy and frontier respect budgets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>
#include <string.h>

#include "search/search.h"
#include "unit/test_util.h"

typedef struct collect {
    const budget *b;
    long n;
    uint64_t best_interval; /* min interval seen */
    int violations;
} collect;

static int on_design(void *ctx, const design *ds, const evaluation *ev, tf_err *e)
{
    collect *c = ctx;
    c->n++;
    if (!budget_fits(c->b, ev->r.dsp, ev->r.bram18, ev->r.lut, ev->r.ff))
        c->violations++;
    if (c->best_interval == 0 || ev->p.interval_cycles < c->best_interval)
        c->best_interval = ev->p.interval_cycles;
    return 0;
}

static const char *TINY =
    "{\"name\":\"tiny\",\"input\":{\"c\":4,\"h\":8,\"w\":8},\"defaults\":{\"wbits\":4,\"abits\":4},"
    "\"layers\":[{\"name\":\"a\",\"op\":\"conv\",\"cout\":8,\"k\":3,\"pad\":1,\"bn\":true},"
    "{\"name\":\"b\",\"op\":\"conv\",\"cout\":6,\"k\":1,\"bn\":true},"
    "{\"name\":\"c\",\"op\":\"conv\",\"cout\":4,\"k\":3,\"pad\":1}]}";

static uint64_t run(const net *n, const device *dv, const budget *b, strategy_kind s, long *emitted)
{
    tf_err e;
    design base;
    space sp;
    assert_int_equal(design_init(&base, n, dv, ARCH_DATAFLOW, &e), 0);
    assert_int_equal(space_build(&sp, n, &base, dv, &e), 0);
    collect c = {.b = b};
    search_ctx sc = {.n = n, .dv = dv, .b = b, .base = &base, .sp = &sp, .emit = on_design, .emit_ctx = &c};
    if (search_run(&sc, s, 1e7, 7, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(c.violations, 0);
    assert_int_equal(c.n, sc.emitted);
    assert_true(sc.evaluated >= sc.emitted);
    *emitted = c.n;
    space_free(&sp);
    design_free(&base);
    return c.best_interval;
}

static void test_frontier_is_exact_on_dsp(void **state)
{
    tf_err e;
    char path[64];
    net n;
    device dv;
    if (net_load(&n, write_temp(path, sizeof path, ".json", TINY), &e) || device_load_named(&dv, "ultra96v2", &e))
        fail_msg("%s", e.msg);
    unlink(path);
    /* Only DSPs bind; for every DSP budget the frontier finds the exhaustive optimum. */
    int compared = 0;
    for (int dsp = 4; dsp <= 80; dsp += 7) {
        budget b = {.dsp = dsp, .bram18 = 1 << 20, .lut = 1L << 40, .ff = 1L << 40};
        long ne, nf;
        uint64_t ex = run(&n, &dv, &b, STRAT_EXHAUSTIVE, &ne);
        uint64_t fr = run(&n, &dv, &b, STRAT_FRONTIER, &nf);
        if (ne == 0) {
            assert_int_equal(nf, 0);
            continue;
        }
        if (ex != fr)
            fail_msg("dsp %d: exhaustive best interval %llu, frontier %llu", dsp, (unsigned long long)ex,
                     (unsigned long long)fr);
        assert_true(nf < ne); /* and it got there without enumerating everything */
        compared++;
    }
    assert_true(compared >= 8);
    net_free(&n);
}

static void test_ultranet_budgets_respected(void **state)
{
    tf_err e;
    net n;
    device dv;
    if (net_load_named(&n, "ultranet", &e) || device_load_named(&dv, "ultra96v2", &e))
        fail_msg("%s", e.msg);
    budget b;
    budget_from_device(&b, &dv);
    b.dsp = 120;
    b.bram18 = 150;
    long ng, nf;
    long na;
    uint64_t g = run(&n, &dv, &b, STRAT_GREEDY, &ng);
    uint64_t f = run(&n, &dv, &b, STRAT_FRONTIER, &nf);
    uint64_t a = run(&n, &dv, &b, STRAT_ANNEAL, &na);
    assert_true(ng > 5 && nf > 5 && na > 5);
    assert_true(f <= g); /* the exact strategy is never worse than greedy */
    assert_true(f <= a);
    /* Annealing finds a design within 1.5x of the exact best interval (as test_anneal asks; with GEN's
     * stage chain timing mixq-hls layers it ends at 1.33x here: more folds tie on a non-array stage). */
    if ((double)a > 1.5 * (double)f)
        fail_msg("anneal %llu, frontier %llu", (unsigned long long)a, (unsigned long long)f);
    net_free(&n);
}

/* The packed MixQ arrays are offered with KPF = K too: UltraNet's conv0 at 8/8 bits, FP with
 * Kp 1, Np 2 (two 8-bit pixels 17 bits apart in the 27-bit port), SIMD 3, PE 16, KPF 3 runs
 * IN_H * (Cout/PE) * ceil(K/Kp) * (K*Cin/(SIMD*KPF)) * ROW_LEN = 160 * 1 * 3 * 1 * (321/2 + 1)
 * = 77,280 cycles, half of the fastest mvau fold (SIMD 9 = K*Cin, PE 16: 153,600). */
static void test_space_offers_kpf(void **state)
{
    (void)state;
    tf_err e;
    net n;
    device dv;
    if (net_load_named(&n, "ultranet", &e) || net_apply_bits(&n, 8, 8, &e) || device_load_named(&dv, "ultra96v2", &e))
        fail_msg("%s", e.msg);
    design base;
    space sp;
    assert_int_equal(design_init(&base, &n, &dv, ARCH_DATAFLOW, &e), 0);
    assert_int_equal(space_build(&sp, &n, &base, &dv, &e), 0);
    const layer_space *ls = &sp.ls[0];
    assert_string_equal(n.layers[ls->layer].name, "conv0");
    uint64_t best_mvau = UINT64_MAX;
    bool kpf3 = false;
    for (int k = 0; k < ls->n; k++) {
        const fold_option *o = &ls->opt[k];
        if (o->f.sched == SCHED_MVAU && o->cycles < best_mvau)
            best_mvau = o->cycles;
        if (o->f.sched == SCHED_FP && o->f.kpf == 3 && o->f.kp == 1 && o->f.np == 2 && o->f.simd == 3 &&
            o->f.pe == 16) {
            assert_int_equal(o->cycles, 77280);
            kpf3 = true;
        }
    }
    assert_true(kpf3);
    assert_int_equal(best_mvau, 153600);
    space_free(&sp);
    design_free(&base);
    net_free(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_frontier_is_exact_on_dsp),
        cmocka_unit_test(test_ultranet_budgets_respected),
        cmocka_unit_test(test_space_offers_kpf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
