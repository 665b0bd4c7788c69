/* bench_cycle.c: speed of the cycle-level model (simulated cycles per second of wall
 * time) and of the analytical model (design points per second), printed as a table.
 * Targets (issue 3): >= 20 M simulated cycles/s; >= 1 M analytical UltraNet points/s. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "analytic/analytic.h"
#include "topology/cycle.h"
#include "net/device.h"
#include "net/engine_config.h"
#include "search/space.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const tf_err *e)
{
    fprintf(stderr, "bench_cycle: %s\n", e->msg);
    exit(2);
}

/* Runs the design repeatedly for at least `secs`; prints one row. */
static void bench_cycle(const char *label, const net *n, const design *ds, int frames, double secs)
{
    tf_err e;
    cycle_opts o;
    cycle_opts_default(&o);
    o.frames = frames;
    uint64_t cycles = 0, events = 0;
    int runs = 0;
    double t0 = now(), t;
    do {
        perf p;
        cycle_info ci;
        if (cycle_simulate(n, ds, &o, &p, &ci, &e))
            die(&e);
        cycles += ci.sim_cycles;
        events += ci.events;
        perf_free(&p);
        runs++;
        t = now() - t0;
    } while (t < secs);
    printf("| %-44s | %6d | %14.1f | %10.2f | %12.0f |\n", label, runs, (double)cycles / t / 1e6,
           (double)events / t / 1e6, (double)cycles / runs);
}

int main(int argc, char **argv)
{
    double secs = argc > 1 ? atof(argv[1]) : 1.0; /* seconds per row */
    tf_err e;
    device u96, f10a;
    if (device_load_named(&u96, "ultra96v2", &e) || device_load_named(&f10a, "f10a", &e))
        die(&e);
    printf("| %-44s | %6s | %14s | %10s | %12s |\n", "cycle-level run", "runs", "Msim-cycles/s", "Mevents/s",
           "cycles/run");
    printf("|%s|%s|%s|%s|%s|\n", "----------------------------------------------", "--------", "----------------",
           "------------", "--------------");
    net rn;
    design rd;
    if (net_load_named(&rn, "resnet50", &e) || design_init(&rd, &rn, &f10a, ARCH_ENGINE, &e) ||
        engine_params_load_named(&rd.eng, "tf2_f10a", &e))
        die(&e);
    bench_cycle("engine tf2_f10a, resnet50, 2 frames", &rn, &rd, 2, secs);
    const char *folds[] = {"ultranet_bjut", "ultranet_ismart", "gen_mixed_dp"};
    for (int k = 0; k < 3; k++) {
        net un0, un;
        design ud;
        if (net_load_named(&un0, "ultranet", &e) || net_clone(&un, &un0, &e) ||
            design_load_fold(&ud, &un, &u96, folds[k], &e))
            die(&e);
        char label[96];
        snprintf(label, sizeof label, "dataflow %s, 8 frames", folds[k]);
        bench_cycle(label, &un, &ud, 8, secs);
        design_free(&ud);
        net_free(&un);
        net_free(&un0);
    }
    design_free(&rd);
    net_free(&rn);

    /* Analytical: full evaluations (design check + per-layer closed form + interval and
     * latency) of UltraNet design points drawn from its fold space. */
    net n;
    design ds;
    space sp;
    if (net_load_named(&n, "ultranet", &e) || design_init(&ds, &n, &u96, ARCH_DATAFLOW, &e) ||
        space_build(&sp, &n, &ds, &u96, &e))
        die(&e);
    uint64_t state = 12345, sink = 0;
    long evals = 0;
    double t0 = now(), t;
    do {
        for (int rep = 0; rep < 10000; rep++) {
            for (int k = 0; k < sp.n; k++) {
                state = state * 6364136223846793005ULL + 1442695040888963407ULL;
                const layer_space *ls = &sp.ls[k];
                ds.fold[ls->layer] = ls->opt[(state >> 33) % (uint64_t)ls->n].f;
            }
            perf p;
            if (analytic_dataflow(&n, &ds, &p, &e))
                die(&e);
            sink += p.interval_cycles;
            perf_free(&p);
            evals++;
        }
        t = now() - t0;
    } while (t < secs);
    printf("\n| %-44s | %12s | %14s |\n", "analytical model", "points", "M points/s");
    printf("|%s|%s|%s|\n", "----------------------------------------------", "--------------", "----------------");
    printf("| %-44s | %12ld | %14.2f |\n", "dataflow ultranet, random folds (1 core)", evals, (double)evals / t / 1e6);
    /* The search's own path: per-layer option cycles costed once (space.h), a point is
     * the max over layers. */
    evals = 0;
    t0 = now();
    do {
        for (int rep = 0; rep < 100000; rep++) {
            uint64_t worst = 0;
            for (int k = 0; k < sp.n; k++) {
                state = state * 6364136223846793005ULL + 1442695040888963407ULL;
                const layer_space *ls = &sp.ls[k];
                uint64_t c = ls->opt[(state >> 33) % (uint64_t)ls->n].cycles;
                if (c > worst)
                    worst = c;
            }
            sink += worst;
            evals++;
        }
        t = now() - t0;
    } while (t < secs);
    printf("| %-44s | %12ld | %14.2f |\n", "  same, interval from the costed space", evals, (double)evals / t / 1e6);
    space_free(&sp);
    design_free(&ds);
    net_free(&n);
    return sink == 42 ? 1 : 0;
}
