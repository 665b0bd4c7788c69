/* test_cycle_blocks.c: the cycle-level blocks and both topologies on small layers whose
 * cycle counts are worked out by hand, and the stall counters adding up. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <string.h>

#include "analytic/analytic.h"
#include "topology/cycle.h"
#include "blocks/ddr.h"
#include "net/engine_config.h"
#include "blocks/fifo.h"
#include "net/json_config.h"
#include "blocks/scheduler.h"
#include "test_util.h"

/* ---- fifo, ddr, scheduler ---- */

static void test_fifo(void **state)
{
    fifo q;
    assert_int_equal(fifo_init(&q, 0), -1);
    assert_int_equal(fifo_init(&q, 4), 0);
    assert_false(fifo_valid(&q));
    assert_true(fifo_ready(&q));
    assert_int_equal(fifo_push(&q, 6, 10), 4); /* only 4 fit */
    assert_false(fifo_ready(&q));
    assert_int_equal(fifo_pop(&q, 1, 20), 1);  /* full for cycles 10..20 */
    assert_int_equal(fifo_pop(&q, 9, 30), 3);
    fifo_stats s;
    fifo_stats_at(&q, 40, &s);
    assert_int_equal(s.full_cycles, 10);
    assert_int_equal(s.empty_cycles, 10 + 10); /* 0..10 and 30..40 */
    assert_int_equal(s.max_count, 4);
    assert_int_equal(s.pushes, 4);
    assert_int_equal(s.pops, 4);
    /* average over 40 cycles: 4 for 10, 3 for 10 */
    assert_true(s.avg_count > 1.74 && s.avg_count < 1.76);
}

static void test_ddr(void **state)
{
    ddr d;
    ddr_init(&d, 64, 0);
    /* TF2 STEP: a 48-byte filter word takes one 64-byte beat */
    assert_int_equal(ddr_transfer_cycles(&d, 688, 48), 688);
    assert_int_equal(ddr_read(&d, 100, 10, 48), 110);
    assert_int_equal(ddr_read(&d, 105, 10, 48), 120); /* queued behind the first */
    ddr_init(&d, 32, 20);
    assert_int_equal(ddr_read(&d, 0, 4, 48), 8 + 20); /* 2 beats per word, then the latency */
    assert_int_equal(ddr_next_event(&d, 0), 8);
}

static void test_scheduler_window(void **state)
{
    /* 3x3 pad 1 on 4x5: output (0,0) needs input up to row 1, column 1 (K-pad rows). */
    sched_params p = {.grain = PE_GRAIN_PIXEL, .hin = 4, .win = 5, .hout = 4, .wout = 5, .k = 3, .stride = 1,
                      .pad = 1, .items_per_frame = 20, .pe_cost = 7};
    scheduler s;
    scheduler_init(&s, &p, 2);
    sched_item it;
    assert_true(scheduler_next(&s, &it));
    assert_int_equal(it.need, 1 * 5 + 1 + 1);
    assert_true(it.first);
    assert_int_equal(it.cost, 7);
    for (int i = 1; i < 5; i++)
        assert_true(scheduler_next(&s, &it));
    assert_int_equal(it.need, 2 * 5); /* end of output row 0: all of input row 1 */
    assert_int_equal(it.free_to, 0);  /* row 0 still needed by output row 1 */
    assert_true(scheduler_next(&s, &it));
    assert_int_equal(it.need, 2 * 5 + 2);
    for (int i = 6; i < 20; i++)
        assert_true(scheduler_next(&s, &it));
    assert_true(it.last);
    assert_int_equal(it.free_to, 20);
    assert_true(scheduler_next(&s, &it)); /* second frame */
    assert_int_equal(it.frame, 1);
    for (int i = 1; i < 20; i++)
        assert_true(scheduler_next(&s, &it));
    assert_false(scheduler_next(&s, &it));
    assert_int_equal(s.words, 2 * 20 * 7);
}

/* ---- small nets ---- */

static const char *small_net(char *buf, size_t cap, const char *layers, int c, int h, int w)
{
    static char text[4096];
    snprintf(text, sizeof text,
             "{\"name\": \"small\", \"input\": {\"c\": %d, \"h\": %d, \"w\": %d, \"bits\": 8},"
             " \"defaults\": {\"wbits\": 8, \"abits\": 8}, \"layers\": [%s]}", c, h, w, layers);
    return write_temp(buf, cap, ".json", text);
}

typedef struct run {
    net n;
    device dv;
    design ds;
    perf p, a;
} run;

static void run_free(run *r)
{
    perf_free(&r->p);
    perf_free(&r->a);
    design_free(&r->ds);
    net_free(&r->n);
}

/* Every layer's cycles + stalls is its period: the interval (dataflow). */
static void assert_stalls_add_up(const run *r, uint64_t total)
{
    for (int i = 0; i < r->n.n_layers; i++) {
        const layer_perf *lp = &r->p.layers[i];
        uint64_t sum = lp->cycles + lp->stall_filter + lp->stall_feature + lp->stall_fifo_full + lp->stall_fifo_empty;
        if (sum != total)
            fail_msg("layer %s: %llu + stalls = %llu, expected %llu", r->n.layers[i].name,
                     (unsigned long long)lp->cycles, (unsigned long long)sum, (unsigned long long)total);
    }
}

static void df_run(run *r, const char *layers, int c, int h, int w, const layer_fold *f)
{
    char path[64];
    tf_err e;
    memset(r, 0, sizeof *r);
    if (net_load(&r->n, small_net(path, sizeof path, layers, c, h, w), &e) ||
        device_load_named(&r->dv, "ultra96v2", &e) || design_init(&r->ds, &r->n, &r->dv, ARCH_DATAFLOW, &e))
        fail_msg("%s", e.msg);
    unlink(path);
    for (int i = 0; i < r->n.n_layers; i++)
        if (layer_is_compute(&r->n.layers[i]))
            r->ds.fold[i] = *f;
    cycle_opts o;
    cycle_opts_default(&o);
    if (cycle_simulate(&r->n, &r->ds, &o, &r->p, NULL, &e) || analytic_dataflow(&r->n, &r->ds, &r->a, &e))
        fail_msg("%s", e.msg);
}

#define CONV(extra) "{\"name\": \"c\", \"op\": \"conv\", " extra "}"

static void test_df_3x3_mvau(void **state)
{
    /* 8x8x4 -> 3x3 pad 1 -> 8 channels, SIMD 4, PE 2: (9*4/4)*(8/2) = 36 cycles a pixel, x64 */
    run r;
    layer_fold f = {.simd = 4, .pe = 2, .sched = SCHED_MVAU, .kp = 1, .np = 1, .kpf = 1};
    df_run(&r, CONV("\"cout\": 8, \"k\": 3, \"pad\": 1"), 4, 8, 8, &f);
    assert_int_equal(r.p.layers[0].cycles, 36 * 64);
    assert_int_equal(r.a.layers[0].cycles, 36 * 64);
    assert_int_equal(r.p.interval_cycles, 36 * 64);
    assert_stalls_add_up(&r, r.p.interval_cycles);
    /* first frame: the input DMA hands over a row of 8 pixels every 8 cycles; the first
     * window (K - pad = 2 rows) can start at cycle 16, and the layer is slower than the
     * input from then on */
    assert_int_equal(r.p.latency_cycles, 16 + 36 * 64);
    assert_true(r.p.layers[0].pe_util > 0.999);
    run_free(&r);
}

static void test_df_1x1(void **state)
{
    /* 1x1, 8 -> 16 channels, SIMD 8, PE 4: 1 * 4 cycles a pixel, 64 pixels */
    run r;
    layer_fold f = {.simd = 8, .pe = 4, .sched = SCHED_MVAU, .kp = 1, .np = 1, .kpf = 1};
    df_run(&r, CONV("\"cout\": 16, \"k\": 1"), 8, 8, 8, &f);
    assert_int_equal(r.p.layers[0].cycles, 256);
    assert_int_equal(r.a.layers[0].cycles, 256);
    assert_stalls_add_up(&r, r.p.interval_cycles);
    run_free(&r);
}

static void test_df_stride2(void **state)
{
    /* 3x3/2 pad 1 on 8x8 -> 4x4, 4 -> 4 channels, SIMD 4, PE 4: 9 cycles a pixel, 16 pixels;
     * the input arrives in 64 cycles, so the input DMA is the bottleneck */
    run r;
    layer_fold f = {.simd = 4, .pe = 4, .sched = SCHED_MVAU, .kp = 1, .np = 1, .kpf = 1};
    df_run(&r, CONV("\"cout\": 4, \"k\": 3, \"stride\": 2, \"pad\": 1"), 4, 8, 8, &f);
    assert_int_equal(r.p.layers[0].cycles, 144);
    assert_int_equal(r.a.layers[0].cycles, 144);
    assert_int_equal(r.p.interval_cycles, 144); /* the layer is slower than 64 */
    assert_stalls_add_up(&r, r.p.interval_cycles);
    run_free(&r);
}

static void test_df_depthwise(void **state)
{
    /* depthwise 3x3 on 4 channels: Cin/groups = 1, SIMD 3 | K*1, PE 4: (9/3)*(4/4) = 3 a pixel */
    run r;
    layer_fold f = {.simd = 3, .pe = 4, .sched = SCHED_MVAU, .kp = 1, .np = 1, .kpf = 1};
    df_run(&r, CONV("\"depthwise\": true, \"k\": 3, \"pad\": 1"), 4, 8, 8, &f);
    assert_int_equal(r.p.layers[0].cycles, 3 * 64);
    assert_int_equal(r.a.layers[0].cycles, 3 * 64);
    /* 192 cycles of work but the input takes 64 cycles per frame: the layer still bounds */
    assert_int_equal(r.p.interval_cycles, 192);
    run_free(&r);
}

static void test_df_fc_and_pool(void **state)
{
    /* conv 1x1 4 -> 8 -> maxpool 2 -> fc 8*4*4 = 128 -> 10, SIMD 4, PE 2 everywhere */
    run r;
    layer_fold f = {.simd = 4, .pe = 2, .sched = SCHED_MVAU, .kp = 1, .np = 1, .kpf = 1};
    df_run(&r,
           "{\"name\": \"c\", \"op\": \"conv\", \"cout\": 8, \"k\": 1},"
           "{\"name\": \"p\", \"op\": \"maxpool\", \"k\": 2},"
           "{\"name\": \"f\", \"op\": \"fc\", \"cout\": 10}", 4, 8, 8, &f);
    assert_int_equal(r.p.layers[0].cycles, 64 * 1 * 4);          /* (4/4) * (8/2) per pixel */
    assert_int_equal(r.p.layers[1].cycles, 64 * 4);              /* 64 input pixels, 8 ch over 2 lanes */
    assert_int_equal(r.p.layers[2].cycles, (128 / 4) * (10 / 2)); /* 160 */
    for (int i = 0; i < 3; i++)
        assert_int_equal(r.p.layers[i].cycles, r.a.layers[i].cycles);
    assert_stalls_add_up(&r, r.p.interval_cycles);
    run_free(&r);
}

static void test_df_packing(void **state)
{
    /* 3x3 pad 1, 8x8, 4 -> 8 channels, SIMD 4, PE 2.
     * dsp6: per row (8/2) * ceil((8+2)/2) * (3*4/4) = 4*5*3 = 60, 8 rows = 480.
     * fp Kp 3 Np 2: per row (8/2) * ceil(3/3) * (3*4/4) * ((8+1)/2+1 = 5) = 60 -> 480.
     * kp Kp 2 Np 2: per row (8/(2*2)) * 3 * 3 * 5 = 90 -> 720. */
    struct { layer_fold f; uint64_t cycles; } cases[] = {
        {{.simd = 4, .pe = 2, .sched = SCHED_DSP6, .kp = 1, .np = 1, .kpf = 1}, 480},
        {{.simd = 4, .pe = 2, .sched = SCHED_FP, .kp = 3, .np = 2, .kpf = 1}, 480},
        {{.simd = 4, .pe = 2, .sched = SCHED_KP, .kp = 2, .np = 2, .kpf = 1}, 720},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        run r;
        df_run(&r, CONV("\"cout\": 8, \"k\": 3, \"pad\": 1"), 4, 8, 8, &cases[k].f);
        if (r.p.layers[0].cycles != cases[k].cycles || r.a.layers[0].cycles != cases[k].cycles)
            fail_msg("%s: cycle %llu analytic %llu, expected %llu", schedule_name(cases[k].f.sched),
                     (unsigned long long)r.p.layers[0].cycles, (unsigned long long)r.a.layers[0].cycles,
                     (unsigned long long)cases[k].cycles);
        assert_stalls_add_up(&r, r.p.interval_cycles);
        run_free(&r);
    }
}

static void test_df_backpressure(void **state)
{
    /* fast 1x1 (1 cycle a pixel) feeding a slow 1x1 (8 a pixel) through a 1-word FIFO:
     * the fast layer spends the rest of its period blocked (FIFO full). */
    run r;
    layer_fold f = {.simd = 8, .pe = 8, .sched = SCHED_MVAU, .kp = 1, .np = 1, .kpf = 1};
    char path[64];
    tf_err e;
    memset(&r, 0, sizeof r);
    if (net_load(&r.n, small_net(path, sizeof path,
                                 "{\"name\": \"a\", \"op\": \"conv\", \"cout\": 8, \"k\": 1},"
                                 "{\"name\": \"b\", \"op\": \"conv\", \"cout\": 8, \"k\": 1}", 8, 8, 8), &e) ||
        device_load_named(&r.dv, "ultra96v2", &e) || design_init(&r.ds, &r.n, &r.dv, ARCH_DATAFLOW, &e))
        fail_msg("%s", e.msg);
    unlink(path);
    r.ds.fold[0] = f;
    r.ds.fold[1] = (layer_fold){.simd = 1, .pe = 1, .sched = SCHED_MVAU, .kp = 1, .np = 1, .kpf = 1};
    r.ds.fold[1].simd = 1;
    r.ds.fold[1].pe = 1; /* 8*8 = 64 cycles a pixel */
    r.ds.fifo_depth = 1;
    cycle_opts o;
    cycle_opts_default(&o);
    if (cycle_simulate(&r.n, &r.ds, &o, &r.p, NULL, &e) || analytic_dataflow(&r.n, &r.ds, &r.a, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(r.p.interval_cycles, 64 * 64);
    assert_int_equal(r.p.layers[0].cycles, 64);
    assert_true(r.p.layers[0].stall_fifo_full > 64 * 64 / 2);
    assert_stalls_add_up(&r, r.p.interval_cycles);
    r.ds.fifo_depth = 0;
    perf q;
    assert_int_equal(cycle_simulate(&r.n, &r.ds, &o, &q, NULL, &e), -1);
    assert_non_null(strstr(e.msg, "fifo_depth"));
    run_free(&r);
}

/* ---- engine ---- */

static void eng_run(run *r, const char *layers, int c, int h, int w)
{
    char path[64];
    tf_err e;
    memset(r, 0, sizeof *r);
    if (net_load(&r->n, small_net(path, sizeof path, layers, c, h, w), &e) ||
        device_load_named(&r->dv, "f10a", &e) || design_init(&r->ds, &r->n, &r->dv, ARCH_ENGINE, &e) ||
        engine_params_load_named(&r->ds.eng, "tf2_f10a", &e))
        fail_msg("%s", e.msg);
    unlink(path);
    cycle_opts o;
    cycle_opts_default(&o);
    if (cycle_simulate(&r->n, &r->ds, &o, &r->p, NULL, &e) || analytic_engine(&r->n, &r->ds, &r->a, &e))
        fail_msg("%s", e.msg);
}

static uint64_t eng_layer_total(const layer_perf *lp)
{
    return lp->cycles + lp->stall_filter + lp->stall_feature + lp->stall_fifo_full + lp->stall_fifo_empty;
}

static void assert_engine_adds_up(const run *r)
{
    uint64_t sum = 0;
    for (int i = 0; i < r->n.n_layers; i++) {
        sum += eng_layer_total(&r->p.layers[i]);
        assert_int_equal(r->p.layers[i].cycles, r->a.layers[i].cycles);
        assert_int_equal(r->p.layers[i].stall_filter, r->a.layers[i].stall_filter);
    }
    assert_int_equal(sum, r->p.interval_cycles);
    assert_int_equal(r->p.interval_cycles, r->a.interval_cycles);
    assert_int_equal(r->p.latency_cycles, r->a.latency_cycles);
}

static void test_engine_3x3(void **state)
{
    /* 32x14x14 -> 3x3 pad 1 -> 32: per group 14 rows * ceil(14/5)=3 * ceil(32/16)=2 * 3 * 1 = 252;
     * 2 groups; load = 2*3*1 = 6 words * 16 PEs = 96 cycles (< 252, hidden);
     * input read ceil(32/16) * 14 * ceil(14/7) = 56; preload 96. Frame 56 + 96 + 2*252. */
    run r;
    eng_run(&r, CONV("\"cout\": 32, \"k\": 3, \"pad\": 1"), 32, 14, 14);
    assert_int_equal(r.p.layers[0].cycles, 504);
    assert_int_equal(r.p.layers[0].stall_feature, 56);
    assert_int_equal(r.p.layers[0].stall_filter, 96);
    assert_int_equal(r.p.interval_cycles, 656);
    assert_engine_adds_up(&r);
    run_free(&r);
}

static void test_engine_1x1_and_stride2(void **state)
{
    /* 1x1 64 -> 16 on 14x14: 14 * ceil(14/7)=2 * 4 * 1 * 1 = 112, one group, load ceil(64/48)=2 words.
     * then 3x3/2 pad 1 16 -> 16: rows ceil(14/2)=7, all 14 columns: 7*3*1*3*1 = 63 per group;
     * the 1x1 group waits for nothing (load of the 3x3 group: 3 words * 16 = 48 < 112).
     * Frame: input ceil(64/16)*14*2 = 112, preload 2*16 = 32, 112 + 63. */
    run r;
    eng_run(&r,
            "{\"name\": \"a\", \"op\": \"conv\", \"cout\": 16, \"k\": 1},"
            "{\"name\": \"b\", \"op\": \"conv\", \"cout\": 16, \"k\": 3, \"stride\": 2, \"pad\": 1}", 64, 14, 14);
    assert_int_equal(r.p.layers[0].cycles, 112);
    assert_int_equal(r.p.layers[1].cycles, 63);
    assert_int_equal(r.p.interval_cycles, 112 + 32 + 112 + 63);
    assert_engine_adds_up(&r);
    run_free(&r);
}

static void test_engine_fc_filter_bound(void **state)
{
    /* fc 2048 -> 1000 (ResNet-50 fc1000): 63 groups of conv 128 cycles, each load
     * ceil(2048/48) = 43 words * 16 = 688: 62 * 688 + 128 = 42,784 (tf2-engine.md 1.4). */
    net n;
    device dv;
    design ds;
    tf_err e;
    perf p, a;
    if (net_load_named(&n, "resnet50", &e) || device_load_named(&dv, "f10a", &e) ||
        design_init(&ds, &n, &dv, ARCH_ENGINE, &e) || engine_params_load_named(&ds.eng, "tf2_f10a", &e))
        fail_msg("%s", e.msg);
    cycle_opts o;
    cycle_opts_default(&o);
    if (cycle_simulate(&n, &ds, &o, &p, NULL, &e) || analytic_engine(&n, &ds, &a, &e))
        fail_msg("%s", e.msg);
    int fc = net_find(&n, "fc1000"), c1 = net_find(&n, "conv1");
    assert_true(fc >= 0 && c1 >= 0);
    assert_int_equal(eng_layer_total(&p.layers[fc]), 42784);
    assert_int_equal(p.layers[fc].cycles, 63 * 128);
    assert_int_equal(p.layers[fc].stall_filter, 62 * (688 - 128));
    /* conv1 7x7/2 as 3x3/1 over 27 phase channels of 114x114: 112 * 23 * 2 * 3 = 15,456 a group */
    assert_int_equal(p.layers[c1].cycles, 4 * 15456);
    assert_int_equal(p.layers[c1].stall_feature, 3876); /* INPUT_READER_CYCLE */
    uint64_t sum = 0;
    for (int i = 0; i < n.n_layers; i++) {
        sum += eng_layer_total(&p.layers[i]);
        assert_int_equal(p.layers[i].cycles, a.layers[i].cycles);
    }
    assert_int_equal(sum, p.interval_cycles);
    assert_int_equal(p.interval_cycles, a.interval_cycles);
    /* the filter preload of the first group: kFilterLoadSize 6 * 16 = 96 */
    assert_int_equal(p.layers[c1].stall_filter - (a.layers[c1].stall_filter - 96), 96);
    perf_free(&p);
    perf_free(&a);
    design_free(&ds);
    net_free(&n);
}

static void test_engine_rewrite_depthwise_ipool(void **state)
{
    /* 3x16x16 image, 7x7/2 pad 3 first layer -> 8x8, rewritten as 3x3/1 over 27 phase
     * channels of 10x10: conv_cyc 8 * ceil(8/5)=2 * ceil(27/16)=2 * 3 * 1 = 96 a group,
     * 1 group (16 filters); input read ceil(27/16)*10*ceil(10/7) = 40; preload 2*3*16 = 96.
     * Then depthwise 3x3 on 16 channels: one channel per PE, conv_cyc 8*2*1*3*1 = 48,
     * load 1*3*1*16 = 48 words. Then a 1x1 branch (16 -> 16, 8*ceil(8/7)=2*1 = 16 a group),
     * a concat of the two, and a 3x3/1 max pool on the concat that no conv feeds alone:
     * a filterless pass, ceil(32/16) * 8 * ceil(8/7) = 32 cycles. */
    run r;
    eng_run(&r,
            "{\"name\": \"c1\", \"op\": \"conv\", \"cout\": 16, \"k\": 7, \"stride\": 2, \"pad\": 3},"
            "{\"name\": \"dw\", \"op\": \"conv\", \"depthwise\": true, \"k\": 3, \"pad\": 1},"
            "{\"name\": \"pw\", \"op\": \"conv\", \"inputs\": \"c1\", \"cout\": 16, \"k\": 1},"
            "{\"name\": \"cat\", \"op\": \"concat\", \"inputs\": [\"dw\", \"pw\"]},"
            "{\"name\": \"ip\", \"op\": \"maxpool\", \"k\": 3, \"stride\": 1, \"pad\": 1}", 3, 16, 16);
    assert_int_equal(r.p.layers[0].cycles, 96);
    assert_int_equal(r.p.layers[0].stall_feature, 40);
    assert_int_equal(r.p.layers[1].cycles, 48);
    assert_int_equal(r.p.layers[2].cycles, 16);
    assert_int_equal(r.p.layers[3].cycles, 0);  /* concat: channel offsets */
    assert_int_equal(r.p.layers[4].cycles, 32); /* ipool */
    /* the slots: c1 (96; loads dw's 3 words x 16 = 48, hidden), dw (48; pw's 1 word x 16),
     * pw (16; the ipool has no filters), ipool (32) */
    assert_int_equal(r.p.interval_cycles, 40 + 96 + 96 + 48 + 16 + 32);
    assert_engine_adds_up(&r);
    run_free(&r);
}

static void test_engine_refuses(void **state)
{
    net n;
    device dv;
    design ds;
    tf_err e;
    perf p;
    if (net_load_named(&n, "alexnet", &e) || device_load_named(&dv, "f10a", &e) ||
        design_init(&ds, &n, &dv, ARCH_ENGINE, &e) || engine_params_load_named(&ds.eng, "tf2_f10a", &e))
        fail_msg("%s", e.msg);
    assert_int_equal(cycle_simulate(&n, &ds, NULL, &p, NULL, &e), -1);
    assert_non_null(strstr(e.msg, "layer conv1"));
    assert_non_null(strstr(e.msg, "stride 4"));
    design_free(&ds);
    net_free(&n);
    if (net_load_named(&n, "ultranet_bypass", &e) || design_init(&ds, &n, &dv, ARCH_ENGINE, &e) ||
        engine_params_load_named(&ds.eng, "tf2_f10a", &e))
        fail_msg("%s", e.msg);
    assert_int_equal(cycle_simulate(&n, &ds, NULL, &p, NULL, &e), -1);
    assert_non_null(strstr(e.msg, "reorg"));
    design_free(&ds);
    net_free(&n);
}

static void test_trace(void **state)
{
    run r;
    char path[64];
    tf_err e;
    layer_fold f = {.simd = 4, .pe = 2, .sched = SCHED_MVAU, .kp = 1, .np = 1, .kpf = 1};
    df_run(&r, CONV("\"cout\": 8, \"k\": 3, \"pad\": 1"), 4, 8, 8, &f);
    write_temp(path, sizeof path, ".vcd", "");
    cycle_opts o;
    cycle_opts_default(&o);
    o.trace_path = path;
    o.trace_from = 0;
    o.trace_to = 500;
    perf p;
    if (cycle_simulate(&r.n, &r.ds, &o, &p, NULL, &e))
        fail_msg("%s", e.msg);
    size_t len;
    char *text = read_text_file(path, &len, &e);
    assert_non_null(text);
    assert_non_null(strstr(text, "$enddefinitions $end"));
    assert_non_null(strstr(text, "$var wire 3"));
    assert_non_null(strstr(text, "#500"));
    assert_null(strstr(text, "#501"));
    free(text);
    unlink(path);
    perf_free(&p);
    run_free(&r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fifo),
        cmocka_unit_test(test_ddr),
        cmocka_unit_test(test_scheduler_window),
        cmocka_unit_test(test_df_3x3_mvau),
        cmocka_unit_test(test_df_1x1),
        cmocka_unit_test(test_df_stride2),
        cmocka_unit_test(test_df_depthwise),
        cmocka_unit_test(test_df_fc_and_pool),
        cmocka_unit_test(test_df_packing),
        cmocka_unit_test(test_df_backpressure),
        cmocka_unit_test(test_engine_3x3),
        cmocka_unit_test(test_engine_1x1_and_stride2),
        cmocka_unit_test(test_engine_fc_filter_bound),
        cmocka_unit_test(test_engine_rewrite_depthwise_ipool),
        cmocka_unit_test(test_engine_refuses),
        cmocka_unit_test(test_trace),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
