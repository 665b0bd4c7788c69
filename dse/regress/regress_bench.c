/* regress_bench.c: simulated cycles per second of the C cycle-level model, the Verilator
 * RTL and the SystemC RTL on the same layers (the body of benchmarks/bench_rtl).
 *
 * The C side is sim/topology/cycle.h (cycle_simulate) on a one-layer net of the case's geometry and
 * folding (MVAU schedule, one frame); the RTL sides run the regression job. Speeds are
 * simulated cycles / wall seconds of the simulation proper (model construction and
 * process start excluded; the RTL's weight-load cycles are not counted as cycles, but
 * their time is). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "topology/cycle.h"
#include "net/device.h"
#include "regress.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* One-layer net of the case in a temporary JSON file; C cycle-level speed and count. */
static int c_model(const regress_case *c, double min_secs, double *cps, uint64_t *cycles, tf_err *e)
{
    char dir[] = "/tmp/tf2sim_bench_XXXXXX";
    if (!mkdtemp(dir))
        return tf_errf(e, "cannot create a temporary directory");
    char path[128];
    snprintf(path, sizeof path, "%s/bench_layer.json", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        rmdir(dir);
        return tf_errf(e, "%s: cannot write", path);
    }
    const cu_layer *l = &c->l;
    fprintf(f,
            "{\"name\": \"bench_layer\", \"input\": {\"c\": %d, \"h\": %d, \"w\": %d, \"bits\": %d},\n"
            " \"defaults\": {\"wbits\": %d, \"abits\": %d},\n"
            " \"layers\": [{\"name\": \"conv\", \"op\": \"conv\", %s\"k\": %d, \"stride\": %d, \"pad\": %d}]}\n",
            l->cin, l->h, l->w, c->abits, c->wbits, c->abits, l->depthwise ? "\"depthwise\": true, " : "",
            l->k, l->stride, l->pad);
    if (!l->depthwise) { /* cout goes in the layer object */
        fclose(f);
        f = fopen(path, "w");
        fprintf(f,
                "{\"name\": \"bench_layer\", \"input\": {\"c\": %d, \"h\": %d, \"w\": %d, \"bits\": %d},\n"
                " \"defaults\": {\"wbits\": %d, \"abits\": %d},\n"
                " \"layers\": [{\"name\": \"conv\", \"op\": \"conv\", \"cout\": %d, \"k\": %d, \"stride\": %d,"
                " \"pad\": %d}]}\n",
                l->cin, l->h, l->w, c->abits, c->wbits, c->abits, l->cout, l->k, l->stride, l->pad);
    }
    fclose(f);
    net n;
    device dv;
    design ds;
    int rc = net_load(&n, path, e);
    unlink(path);
    rmdir(dir);
    if (rc)
        return -1;
    if (device_load_named(&dv, "ultra96v2", e) || design_init(&ds, &n, &dv, ARCH_DATAFLOW, e)) {
        net_free(&n);
        return -1;
    }
    ds.fold[0].simd = l->simd;
    ds.fold[0].pe = l->pe;
    ds.fold[0].sched = SCHED_MVAU;
    cycle_opts o;
    cycle_opts_default(&o);
    o.frames = 1;
    uint64_t total = 0;
    double t0 = now_s(), t;
    do {
        perf p;
        cycle_info ci;
        if (cycle_simulate(&n, &ds, &o, &p, &ci, e)) {
            design_free(&ds);
            net_free(&n);
            return -1;
        }
        perf_free(&p);
        *cycles = ci.sim_cycles;
        total += ci.sim_cycles;
        t = now_s() - t0;
    } while (t < min_secs);
    *cps = (double)total / t;
    design_free(&ds);
    net_free(&n);
    return 0;
}

static const char *const DEFAULT_CASES[] = {"ultranet_conv4", "ultranet_conv8", "fold_s1_p1", "k5_s1_w4a4",
                                            "pack_k3_w8a8", "dw_k3_s1"};

int regress_bench_main(int argc, char **argv, regress_backend verilator, const char *sc_exe,
                       const char *shared_dir)
{
    const char *const *names = DEFAULT_CASES;
    int n_names = (int)(sizeof DEFAULT_CASES / sizeof *DEFAULT_CASES);
    if (argc > 1) {
        names = (const char *const *)(argv + 1);
        n_names = argc - 1;
    }
    printf("| layer | RTL cycles | C model cycles | C model Mcyc/s | Verilator Mcyc/s | SystemC Mcyc/s |"
           " C / Verilator | C / SystemC |\n|---|---|---|---|---|---|---|---|\n");
    int status = 0;
    for (int i = 0; i < n_names; i++) {
        int idx = regress_case_find(names[i]);
        if (idx < 0) {
            fprintf(stderr, "bench_rtl: no case '%s'\n", names[i]);
            return 2;
        }
        const regress_case *c = regress_case_at(idx);
        tf_err e;
        double c_cps = 0, vl_cps = 0, sc_cps = 0;
        uint64_t c_cycles = 0, rtl_cycles = 0;
        if (c_model(c, 0.3, &c_cps, &c_cycles, &e)) {
            fprintf(stderr, "bench_rtl: %s: C model: %s\n", c->name, e.msg);
            status = 1;
            continue;
        }
        for (int be = 0; be < 2; be++) {
            regress_data d;
            char err[256];
            if (regress_prepare(c, shared_dir, &d, &e)) {
                fprintf(stderr, "bench_rtl: %s\n", e.msg);
                return 1;
            }
            int rc = be == 0 ? verilator(&d.job, NULL, err, sizeof err) : regress_run_systemc(sc_exe, &d.job, err, sizeof err);
            if (rc) {
                fprintf(stderr, "bench_rtl: %s: %s\n", c->name, err);
                status = 1;
            } else {
                double cps = d.job.sim_seconds > 0 ? (double)d.job.cycles / d.job.sim_seconds : 0;
                *(be == 0 ? &vl_cps : &sc_cps) = cps;
                rtl_cycles = d.job.cycles;
            }
            regress_data_free(&d);
        }
        printf("| %s | %llu | %llu | %.2f | %.3f | %.3f | %.0fx | %.0fx |\n", c->name, (unsigned long long)rtl_cycles,
               (unsigned long long)c_cycles, c_cps / 1e6, vl_cps / 1e6, sc_cps / 1e6, vl_cps > 0 ? c_cps / vl_cps : 0,
               sc_cps > 0 ? c_cps / sc_cps : 0);
        fflush(stdout);
    }
    return status;
}
