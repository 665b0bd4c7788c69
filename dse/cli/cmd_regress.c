/* cmd_regress.c: `tf2sim regress` — the layer matrix on the C side and on the RTL. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "regress/regress.h"
#include "store/store.h"

static const char HELP[] =
    "usage: tf2sim regress [--backend verilator|systemc] [--case NAME[,NAME...]] [--trace]\n"
    "                      [--trace-cycles N] [--stall PCT] [--back-to-back] [--db FILE]\n"
    "                      [--random N [--seed S]] [--format table|json] [--list]\n"
    "  Runs each layer case on the C side (bit-accurate numerics, the cycle-level model) and\n"
    "  on the RTL compute unit; compares the outputs bit for bit and the cycle counts (C model\n"
    "  + the RTL's 6-edge output pipeline vs the RTL's counter; a case fails beyond 1%).\n"
    "  --backend B        verilator (default) or systemc (the tf2sim_rtl_sc testbench)\n"
    "  --case NAMES       only these cases (see --list)\n"
    "  --trace            write regress_<case>.vcd: Verilator, every signal of the first\n"
    "                     --trace-cycles cycles after start (default 2000); SystemC, the\n"
    "                     testbench's ports over the whole run\n"
    "  --random N         N constrained-random layers (kernel, stride, pad, depthwise, SIMD,\n"
    "                     PE, channels, size, bits 2..8, MAC/SAC, packing, requant/raw)\n"
    "                     instead of the built-in matrix; --seed S (default 1) picks them\n"
    "  --stall PCT        back-pressure test: input not valid and output not ready on PCT%\n"
    "                     of the cycles; outputs must stay equal, cycles only >= the C model\n"
    "  --back-to-back     run the cases as one layer sequence on one RTL instance: each\n"
    "                     layer's filters load into the shadow bank while the previous runs\n"
    "                     (with --trace: regress_seq.vcd, the window repeated per layer)\n"
    "  --db FILE          also store one row per case in FILE's `regression` table\n"
    "  --format F         table (default) or json\n"
    "  --list             print the case names and exit\n"
    "  --inject-fault K   test only: output (one reference value off by one) or cycles\n"
    "                     (C count off by 2%); the run must then fail\n"
    "  exit status: 0 all cases pass, 1 a case failed, 2 bad usage\n"
    "tf2sim regress --net NET --fold FILE ...: a whole generated design (tf2sim regress --net X --help)\n";

#ifdef TF2SIM_HAVE_RTL
static const char *shared_dir(void)
{
    const char *s = getenv("TF2SIM_SHARED");
    return s && *s ? s : TF2SIM_SHARED_DIR;
}

typedef struct vl_ctx {
    bool trace;
    uint64_t trace_cycles;
    const char *case_name;
} vl_ctx;

static int run_verilator(cu_job *j, void *ctx, char *err, size_t cap)
{
    vl_ctx *v = ctx;
    char path[REGRESS_NAME_MAX + 32];
    cu_trace t = {NULL, 0, 0};
    if (v->trace) {
        snprintf(path, sizeof path, "regress_%s.vcd", v->case_name);
        t.path = path;
        t.from = 0;
        t.to = v->trace_cycles;
    }
    return cu_run_verilator(j, v->trace ? &t : NULL, err, cap);
}

static int run_verilator_seq(cu_job **jobs, int n, void *ctx, char *err, size_t cap)
{
    vl_ctx *v = ctx;
    char path[REGRESS_NAME_MAX + 32];
    cu_trace t = {NULL, 0, 0};
    if (v->trace) {
        snprintf(path, sizeof path, "regress_%s.vcd", v->case_name);
        t.path = path;
        t.to = v->trace_cycles;
    }
    return cu_run_verilator_seq(jobs, n, v->trace ? &t : NULL, err, cap);
}

static const char *sc_exe(void)
{
    const char *s = getenv("TF2SIM_RTL_SC");
    return s && *s ? s : TF2SIM_RTL_SC_EXE;
}

static int run_systemc_seq(cu_job **jobs, int n, void *ctx, char *err, size_t cap)
{
    vl_ctx *v = ctx;
    char path[REGRESS_NAME_MAX + 32];
    if (v->trace)
        snprintf(path, sizeof path, "regress_%s.vcd", v->case_name);
    return regress_run_systemc_seq(sc_exe(), jobs, n, v->trace ? path : NULL, err, cap);
}

static int run_systemc(cu_job *j, void *ctx, char *err, size_t cap)
{
    return run_systemc_seq(&j, 1, ctx, err, cap);
}
#endif

static void layer_desc(const cu_layer *l, char *out, size_t cap)
{
    snprintf(out, cap, "%s%dx%dx%d>%d k%d s%d", l->depthwise ? "dw " : "", l->cin, l->h, l->w, l->cout, l->k,
             l->stride);
}

int cmd_regress(int argc, char **argv)
{
    static const struct option opts[] = {{"backend", required_argument, 0, 'b'}, {"case", required_argument, 0, 'c'},
                                         {"trace", no_argument, 0, 't'},         {"trace-cycles", required_argument, 0, 'T'},
                                         {"db", required_argument, 0, 'd'},      {"format", required_argument, 0, 'f'},
                                         {"list", no_argument, 0, 'l'},          {"stall", required_argument, 0, 's'},
                                         {"back-to-back", no_argument, 0, 'B'},
                                         {"random", required_argument, 0, 'R'}, {"seed", required_argument, 0, 'S'},          {"inject-fault", required_argument, 0, 'i'},
                                         {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--net") == 0 || strncmp(argv[i], "--net=", 6) == 0)
            return cmd_regress_net(argc, argv);
    const char *backend = "verilator", *cases = NULL, *db = NULL;
    bool trace = false, list = false, b2b = false;
    long trace_cycles = 2000, stall = 0, n_random = 0, seed = 1;
    out_format fmt = FMT_TABLE;
    regress_fault fault = RG_FAULT_NONE;
    tf_err e;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'b': backend = optarg; break;
        case 'c': cases = optarg; break;
        case 't': trace = true; break;
        case 'T':
            if (cli_parse_long("--trace-cycles", optarg, 1, 100000000, &trace_cycles, &e))
                return cli_fail(&e);
            break;
        case 'd': db = optarg; break;
        case 's':
            if (cli_parse_long("--stall", optarg, 0, 90, &stall, &e))
                return cli_fail(&e);
            break;
        case 'f':
            if (cli_parse_format(optarg, &fmt) || fmt == FMT_CSV)
                return cli_failf("--format: '%s' is not one of table, json", optarg);
            break;
        case 'l': list = true; break;
        case 'B': b2b = true; break;
        case 'R':
            if (cli_parse_long("--random", optarg, 1, 100000, &n_random, &e))
                return cli_fail(&e);
            break;
        case 'S':
            if (cli_parse_long("--seed", optarg, 0, 4294967295L, &seed, &e))
                return cli_fail(&e);
            break;
        case 'i':
            if (strcmp(optarg, "output") == 0) fault = RG_FAULT_OUTPUT;
            else if (strcmp(optarg, "cycles") == 0) fault = RG_FAULT_CYCLES;
            else return cli_failf("--inject-fault: '%s' is not one of output, cycles", optarg);
            break;
        case 'h': fputs(HELP, stdout); return 0;
        default: fputs(HELP, stderr); return 2;
        }
    }
    if (optind < argc)
        return cli_failf("regress: unexpected argument '%s'", argv[optind]);
    if (strcmp(backend, "verilator") != 0 && strcmp(backend, "systemc") != 0)
        return cli_failf("--backend: '%s' is not one of verilator, systemc", backend);

    /* which cases: built-in (all, or --case) or constrained-random (--random) */
    int n_all = regress_case_count(), n_sel = 0;
    int cap_sel = n_random > n_all ? (int)n_random : n_all;
    regress_case *sel = calloc((size_t)cap_sel, sizeof *sel);
    if (!sel)
        return cli_failf("out of memory");
    if (n_random) {
        if (cases) {
            free(sel);
            return cli_failf("regress: give --case or --random, not both");
        }
        for (int i = 0; i < n_random; i++)
            if (regress_random_case((uint32_t)seed, i, &sel[n_sel]) == 0)
                n_sel++;
    } else if (cases) {
        char *dup = strdup(cases), *save = NULL;
        for (char *tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            int i = regress_case_find(tok);
            if (i < 0) {
                int rc = cli_failf("--case: no case '%s' (tf2sim regress --list shows them)", tok);
                free(dup);
                free(sel);
                return rc;
            }
            if (n_sel < n_all)
                sel[n_sel++] = *regress_case_at(i);
        }
        free(dup);
    } else {
        for (int i = 0; i < n_all; i++)
            sel[n_sel++] = *regress_case_at(i);
    }
    if (list) {
        for (int i = 0; i < n_sel; i++) {
            const regress_case *rc = &sel[i];
            char d[96];
            layer_desc(&rc->l, d, sizeof d);
            printf("%-18s %s  SIMD %d PE %d  w%da%d %s%s\n", rc->name, d, rc->l.simd, rc->l.pe, rc->wbits, rc->abits,
                   rc->l.sac ? "SAC" : "MAC", rc->l.pack ? " packed" : "");
        }
        free(sel);
        return 0;
    }
#ifndef TF2SIM_HAVE_RTL
    free(sel);
    (void)db;
    (void)trace_cycles;
    (void)fault;
    (void)stall;
    (void)b2b;
    (void)trace;
    fprintf(stderr, "tf2sim: regress: this tf2sim was built without the RTL (configure with -DTF2SIM_RTL=ON)\n");
    return 2;
#else
    store *st = NULL;
    int64_t run_id = 0;
    if (db) {
        char *args = cli_join_args(argc, argv);
        run_info ri = {.command = "regress", .args = args, .net = "regress", .device = backend};
        if (store_open(&st, db, &e) || store_begin_run(st, &ri, &run_id, &e)) {
            free(args);
            free(sel);
            if (st)
                store_close(st);
            return cli_fail(&e);
        }
        free(args);
    }
    vl_ctx vctx = {trace, (uint64_t)trace_cycles, NULL};
    regress_backend be = strcmp(backend, "systemc") == 0 ? run_systemc : run_verilator;
    static const char *head[] = {"case", "layer", "SIMDxPE", "w/a", "mode", "outputs", "c_cycles",
                                 "rtl_cycles", "diff_%", "c_ms", "rtl_ms", "result"};
    out_table t;
    table_init(&t, 12, head);
    json_t *jcases = json_array();
    int failed = 0, eq = 0, cyc_eq = 0, status = 0;
    uint64_t tot_c = 0, tot_r = 0;
    double tot_cs = 0, tot_rs = 0;
    /* back to back: every selected case in one RTL session, filters of the next layer
     * loading while the current one runs */
    regress_result *batch = NULL;
    if (b2b) {
        const regress_case **cs = calloc((size_t)n_sel, sizeof *cs);
        batch = calloc((size_t)n_sel, sizeof *batch);
        if (!cs || !batch) {
            free(cs);
            free(batch);
            free(sel);
            table_free(&t);
            json_decref(jcases);
            if (st)
                store_close(st);
            return cli_failf("out of memory");
        }
        for (int k = 0; k < n_sel; k++)
            cs[k] = &sel[k];
        vctx.case_name = "seq";
        regress_seq_backend sbe = strcmp(backend, "systemc") == 0 ? run_systemc_seq : run_verilator_seq;
        int brc = regress_run_batch(cs, n_sel, shared_dir(), sbe, &vctx, fault, (int)stall, batch, &e);
        free(cs);
        if (brc) {
            fprintf(stderr, "tf2sim: %s\n", e.msg);
            free(batch);
            free(sel);
            table_free(&t);
            json_decref(jcases);
            if (st)
                store_close(st);
            return 2;
        }
    }
    for (int k = 0; k < n_sel; k++) {
        const regress_case *rc = &sel[k];
        regress_result r;
        vctx.case_name = rc->name;
        if (batch) {
            r = batch[k];
        } else if (regress_run_stalled(rc, shared_dir(), be, &vctx, fault, (int)stall, &r, &e)) {
            fprintf(stderr, "tf2sim: %s\n", e.msg);
            status = 2;
            failed++;
            continue;
        }
        if (r.error[0])
            fprintf(stderr, "tf2sim: regress: %s: %s\n", rc->name, r.error);
        else if (!r.outputs_equal)
            fprintf(stderr, "tf2sim: regress: %s: %ld of %ld outputs differ (first at %ld: C %d, RTL %d)\n", rc->name,
                    r.n_diff, r.n_outputs, r.first_diff, r.want, r.got);
        else if (r.c_cycles != r.rtl_cycles && !stall)
            fprintf(stderr, "tf2sim: regress: %s: cycles C %llu vs RTL %llu (%+.3f%%)\n", rc->name,
                    (unsigned long long)r.c_cycles, (unsigned long long)r.rtl_cycles, r.cycle_diff_pct);
        failed += !r.pass;
        eq += r.outputs_equal;
        cyc_eq += !r.error[0] && r.c_cycles == r.rtl_cycles;
        tot_c += r.c_cycles;
        tot_r += r.rtl_cycles;
        tot_cs += r.c_seconds;
        tot_rs += r.rtl_seconds;
        char d[96], outs[48];
        layer_desc(&rc->l, d, sizeof d);
        if (r.error[0])
            snprintf(outs, sizeof outs, "error");
        else if (r.outputs_equal)
            snprintf(outs, sizeof outs, "%ld equal", r.n_outputs);
        else
            snprintf(outs, sizeof outs, "%ld/%ld differ", r.n_diff, r.n_outputs);
        table_addf(&t, "%s\t%s\t%dx%d\t%d/%d\t%s%s\t%s\t%llu\t%llu\t%+.3f\t%.2f\t%.2f\t%s", rc->name, d, rc->l.simd,
                   rc->l.pe, rc->wbits, rc->abits, rc->l.sac ? "SAC" : "MAC", rc->l.pack ? "+pack" : "", outs,
                   (unsigned long long)r.c_cycles, (unsigned long long)r.rtl_cycles, r.cycle_diff_pct,
                   1e3 * r.c_seconds, 1e3 * r.rtl_seconds, r.pass ? "pass" : "FAIL");
        json_t *jc = json_pack("{s:s,s:b,s:I,s:I,s:I,s:I,s:f,s:f,s:f,s:b}", "name", rc->name, "outputs_equal",
                               r.outputs_equal, "n_outputs", (json_int_t)r.n_outputs, "n_diff", (json_int_t)r.n_diff,
                               "c_cycles", (json_int_t)r.c_cycles, "rtl_cycles", (json_int_t)r.rtl_cycles,
                               "cycle_diff_pct", r.cycle_diff_pct, "c_seconds", r.c_seconds, "rtl_seconds",
                               r.rtl_seconds, "pass", r.pass);
        json_object_set_new(jc, "closed_form_cycles", json_integer((json_int_t)r.closed_cycles));
        if (r.error[0])
            json_object_set_new(jc, "error", json_string(r.error));
        json_array_append_new(jcases, jc);
        if (st && regress_store_put(st, run_id, backend, rc, &r, &e)) {
            fprintf(stderr, "tf2sim: %s\n", e.msg);
            status = 2;
        }
    }
    free(batch);
    if (st) {
        if (store_finish_run(st, run_id, n_sel, &e)) {
            fprintf(stderr, "tf2sim: %s\n", e.msg);
            status = 2;
        }
        store_close(st);
    }
    if (fmt == FMT_JSON) {
        json_t *j = json_pack("{s:s,s:o,s:{s:i,s:i,s:i,s:i,s:i,s:I,s:I,s:f,s:f}}", "backend", backend, "cases", jcases,
                              "totals", "cases", n_sel, "passed", n_sel - failed, "failed", failed, "outputs_equal",
                              eq, "cycles_equal", cyc_eq, "c_cycles", (json_int_t)tot_c, "rtl_cycles",
                              (json_int_t)tot_r, "c_seconds", tot_cs, "rtl_seconds", tot_rs);
        json_print(j, stdout);
        json_decref(j);
    } else {
        json_decref(jcases);
        table_print(&t, FMT_TABLE, stdout);
        printf("\n%d cases (%s): %d passed, %d failed; outputs bit-exact in %d, cycles equal in %d;"
               " C %.2f s, RTL %.2f s\n",
               n_sel, backend, n_sel - failed, failed, eq, cyc_eq, tot_cs, tot_rs);
    }
    table_free(&t);
    free(sel);
    if (status)
        return status;
    return failed ? 1 : 0;
#endif
}
