/* test_gen_stages.c: GEN's per-layer stage chain (sim/analytic/gen_stages.c) in the analytic and
 * cycle-level models, on GEN's three published UltraNet designs (configs/folds/gen_*.json).
 * Every stage's cycles are recomputed here from the loop bounds of GEN's templates (mixq-dataflow.md
 * 3.3: S2P_buffer reshape_buffer, FP_Array / KP_Array, StreamingDataWidthConverter_Batch,
 * function.h Activation_Trim, pool_reord.hpp max_pool2x2), with the fold's fields as GEN's
 * config.h gives them; both models must time each layer by its slowest stage. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "analytic/analytic.h"
#include "analytic/gen_stages.h"
#include "net/design.h"
#include "net/device.h"
#include "topology/cycle.h"
#include "unit/test_util.h"

typedef struct expect_stages {
    uint64_t lb, array, down, act, up, pool; /* cycles a frame; pool 0 without a pool */
} expect_stages;

/* The templates' loop bounds, written out from the fold's config.h fields and the layer's shape. */
static expect_stages template_bounds(const layer *l, const layer_fold *f, int in_pe, bool pooled)
{
    uint64_t K = (uint64_t)l->k, H = (uint64_t)l->hin, W = (uint64_t)l->win, ich = (uint64_t)l->cin;
    uint64_t och = (uint64_t)l->cout, simd = (uint64_t)f->simd, pe = (uint64_t)f->pe, kp = (uint64_t)f->kp;
    uint64_t np = (uint64_t)f->np, kpf = (uint64_t)f->kpf, actp = (uint64_t)f->actp;
    bool is_kp = f->sched == SCHED_KP;
    uint64_t och_pf = is_kp ? pe * kp : pe;           /* CONV_n_OCH_PF */
    uint64_t row_len = (W + K - 1 - 1) / np + 1;        /* CONV_n_ROW_LEN */
    uint64_t outpenum = och / och_pf;                   /* OUT_CH / OCH_PF */
    uint64_t infold = K * ich / (simd * kpf);           /* INFOLD */
    uint64_t knum = is_kp ? K : (K - 1) / kp + 1;       /* KP_Array loops K, FP_Array ceil(K/Kp) */
    expect_stages x;
    /* reshape_buffer: stream_in_row (IN_CH/IN_PE)*ROW_LEN*Np, stream_out_rows OUTPENUM*ROW_LEN*K*IN_CH/SIMD
     * (/KPF), per row, overlapping */
    uint64_t in_loop = (ich / (uint64_t)in_pe) * row_len * np, out_loop = outpenum * row_len * infold;
    x.lb = H * (in_loop > out_loop ? in_loop : out_loop);
    x.array = H * outpenum * knum * infold * row_len;
    uint64_t dec_bw_num = H * outpenum * row_len;      /* CONV_n_DEC_BW_NUM input words */
    x.down = dec_bw_num * (np * och_pf / actp);        /* one ACTP-wide output word a cycle */
    x.act = H * outpenum * (och_pf / actp) * np * row_len;
    x.up = H * outpenum * W * (och_pf / actp);         /* CONV_n_INC_BW_NUM, one input word a cycle */
    x.pool = pooled ? H * outpenum * (W / 2) : 0;      /* max_pool2x2 */
    return x;
}

static uint64_t max6(const expect_stages *x)
{
    uint64_t v[] = {x->lb, x->array, x->down, x->act, x->up, x->pool}, m = 0;
    for (int k = 0; k < 6; k++)
        m = v[k] > m ? v[k] : m;
    return m;
}

static void check_design(const char *fold, const char *want_layer, const char *want_stage, uint64_t want_cycles)
{
    net n;
    device dv;
    design ds;
    tf_err e;
    LOAD_ULTRANET_FOLD(&n, &dv, &ds, fold);
    perf an, cy;
    if (analytic_dataflow(&n, &ds, &an, &e) || cycle_simulate(&n, &ds, NULL, &cy, NULL, &e))
        fail_msg("%s: %s", fold, e.msg);
    uint64_t worst = 0;
    int worst_layer = -1;
    int in_pe = n.in_c;
    for (int i = 0; i < n.n_layers; i++) {
        const layer *l = &n.layers[i];
        if (!layer_is_compute(l))
            continue;
        const layer_fold *f = &ds.fold[i];
        assert_int_equal(f->in_pe, in_pe); /* the fold states GEN's IN_PE: the previous OCH_PF */
        bool pooled = i + 1 < n.n_layers && n.layers[i + 1].op == OP_MAXPOOL;
        expect_stages x = template_bounds(l, f, in_pe, pooled);
        gen_stages s;
        if (!gen_stages_of(&n, &ds, i, &s))
            fail_msg("%s %s: not a GEN stage chain", fold, l->name);
        const struct { gen_stage_kind k; uint64_t want; } c[] = {
            {GEN_ST_LINE_BUFFER, x.lb}, {GEN_ST_ARRAY, x.array}, {GEN_ST_DOWNSIZE, x.down},
            {GEN_ST_ACTIVATION, x.act}, {GEN_ST_UPSIZE, x.up},      {GEN_ST_MAX_POOL, x.pool}};
        for (size_t k = 0; k < sizeof c / sizeof *c; k++)
            if (s.frame[c[k].k] != c[k].want)
                fail_msg("%s %s %s: %llu cycles, the template bounds give %llu", fold, l->name,
                         gen_stage_name(c[k].k), (unsigned long long)s.frame[c[k].k], (unsigned long long)c[k].want);
        /* both models time the layer by its slowest stage */
        uint64_t m = max6(&x);
        if (an.layers[i].cycles != m || cy.layers[i].cycles != m)
            fail_msg("%s %s: analytic %llu, cycle-level %llu, slowest stage %llu", fold, l->name,
                     (unsigned long long)an.layers[i].cycles, (unsigned long long)cy.layers[i].cycles,
                     (unsigned long long)m);
        if (pooled) /* the fused pool runs at its max_pool2x2 stage's pace */
            assert_int_equal(an.layers[i + 1].cycles, x.pool);
        if (m > worst)
            worst = m, worst_layer = i;
        in_pe = f->sched == SCHED_KP ? f->pe * f->kp : f->pe;
    }
    assert_int_equal(an.interval_cycles, worst);
    assert_int_equal(cy.interval_cycles, worst);
    assert_string_equal(n.layers[worst_layer].name, want_layer);
    gen_stages s;
    assert_true(gen_stages_of(&n, &ds, worst_layer, &s));
    assert_string_equal(gen_stage_name(s.slowest), want_stage);
    assert_int_equal(worst, want_cycles);
    /* the JSON `tf2sim sim` prints names the same layer and stage */
    json_t *j = json_object();
    gen_bottleneck_json_add(j, &n, &ds, an.slowest, an.layers[an.slowest].cycles);
    json_t *b = json_object_get(j, "bottleneck");
    assert_string_equal(json_string_value(json_object_get(b, "layer")), want_layer);
    assert_string_equal(json_string_value(json_object_get(b, "stage")), want_stage);
    json_decref(j);
    perf_free(&an);
    perf_free(&cy);
    design_free(&ds);
    net_free(&n);
}

/* mixed_DP: conv0 FP (SIMD 3, PE 8, Kp 3, Np 2, ACTP 8) on 160x320x3 -> 16: ROW_LEN 161, array
 * 160 * 2 * 1 * 3 * 161 = 154,560 is the slowest stage of the design. */
static void test_gen_mixed_dp(void **state)
{
    (void)state;
    check_design("gen_mixed_dp", "conv0", "array", 154560);
}

/* ultra_net_mixed_DP: conv2 (SIMD 32, PE 2, Kp 3, Np 4, ACTP 2 on 40x80x32 -> 64): GEN's get_actp
 * rounds min_actp = Np*PE // (KNUM*INFOLD) = 8 // 3 down to 2, so the width converter after the
 * array takes Np*PE/ACTP = 4 cycles a word where the array takes 3: 40*32*21*4 = 107,520. */
static void test_gen_ultra_net_mixed_dp(void **state)
{
    (void)state;
    check_design("gen_ultra_net_mixed_dp", "conv2", "downsize", 107520);
}

/* ultra_4w4a: conv4..7 FP (SIMD 4, PE 2, Kp 3, Np 2) on 10x20x64: 10*32*1*48*11 = 168,960. */
static void test_gen_ultra_4w4a(void **state)
{
    (void)state;
    check_design("gen_ultra_4w4a", "conv4", "array", 168960);
}

/* Only mixq-hls designs get the stage chain: the same fold built by the RTL target keeps the array's
 * closed form and the generic pool. */
static void test_other_targets_unchanged(void **state)
{
    (void)state;
    net n;
    device dv;
    design ds;
    tf_err e;
    LOAD_ULTRANET_FOLD(&n, &dv, &ds, "gen_ultra_net_mixed_dp");
    int c2 = net_find(&n, "conv2"), p0 = net_find(&n, "pool0");
    gen_stages s;
    assert_true(gen_stages_of(&n, &ds, c2, &s));
    ds.target = TARGET_RTL;
    assert_false(gen_stages_of(&n, &ds, c2, &s));
    perf an;
    assert_int_equal(analytic_dataflow(&n, &ds, &an, &e), 0);
    assert_int_equal(an.layers[c2].cycles, analytic_layer_cycles(&n.layers[c2], &ds.fold[c2]));
    assert_int_equal(an.layers[c2].cycles, 80640); /* the array alone: 40*32*1*3*21 */
    /* pool0 streams PE 16 channels a cycle per input pixel: 160*320*ceil(16/16) */
    assert_int_equal(an.layers[p0].cycles, 160 * 320);
    perf_free(&an);
    design_free(&ds);
    net_free(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gen_mixed_dp),
        cmocka_unit_test(test_gen_ultra_net_mixed_dp),
        cmocka_unit_test(test_gen_ultra_4w4a),
        cmocka_unit_test(test_other_targets_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
