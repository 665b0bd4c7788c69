/* cmd_sweep.c: `tf2sim sweep` — explore foldings under a budget, store every
 * design in SQLite, print the best design and the Pareto fronts, plot them. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "cli.h"
#include "report/export.h"
#include "report/plot.h"
#include "search/space.h"
#include "search/sweep.h"

static const char HELP[] =
    "usage: tf2sim sweep --net NET --dsp N [options]\n"
    "  --net NET         zoo name or JSON file (tf2sim nets lists the zoo)\n"
    "  --arch A          dataflow (per-layer folding, default) or engine (TF2 array: N/C/OW_VECTOR grid)\n"
    "  --schedules LIST  dataflow schedules to consider, of mvau,dsp6,fp,kp (default all)\n"
    "  --target T        what the dataflow design is built with, deciding its resources: mixq-hls (the\n"
    "                    DeepBurning-MixQ HLS templates, every schedule) or rtl (tf2sim's RTL compute unit,\n"
    "                    mvau lanes with pair packing; DSP/BRAM as yosys maps it). Default: mixq-hls when\n"
    "                    its templates build every layer of the net, else rtl\n"
    "  --dsp N           DSP budget (default: all DSPs of the device)\n"
    "  --bram N          BRAM18 budget (M20K on Intel devices; default: the device's)\n"
    "  --lut N, --ff N   LUT / FF budgets (default: the device's)\n"
    "  --device D        zoo name or JSON file (default ultra96v2)\n"
    "  --bits W/A        every (non-fixed) layer at W-bit weights, A-bit activations (1..8)\n"
    "  --bitw DIGITS     one weight-bit digit per compute layer, e.g. 844444448\n"
    "  --bita DIGITS     one activation-bit digit per compute layer, e.g. 844444444\n"
    "  --clock MHz|auto  fabric clock for fps; auto: each design at the clock it is predicted to reach\n"
    "                    (the mixq-hls period model, at most GEN's 250 MHz target). Default: auto for\n"
    "                    mixq-hls dataflow sweeps, else the device's clock\n"
    "  --strategy S      auto | frontier | greedy | exhaustive | anneal (default auto)\n"
    "  --seed N          random seed of the annealing (default 1; same seed, same designs)\n"
    "  --mixed           mixed precision: walk per-layer bit widths (needs a net with weights and data)\n"
    "  --levels L,L,...  bit widths the walk may use (default 8,6,4,3,2)\n"
    "  --max-drop F      largest top-1 loss the walk accepts, as a fraction (default 0.02)\n"
    "  --probe-images N  test images per probe of a move (default 1000; 0 = all)\n"
    "  --max-steps N     longest walk, in bit-lowering moves (default 64)\n"
    "  --limit N         largest space searched exhaustively (default 200000)\n"
    "  --db FILE         results database (default results.db)\n"
    "  --out DIR         folder for the plots (default .)\n"
    "  --top N           front rows printed (default 20; 0 = all)\n"
    "  --shard K/N       evaluate the deterministic K-th of N slices of the space (merge with tf2sim merge)\n"
    "  --batch N         designs per database transaction (default 500)\n"
    "An interrupted sweep (Ctrl-C, kill) keeps what it saved; the same command again resumes it.\n"
    "  --format F        table | json | csv (default table)\n";

typedef struct sweep_opts {
    sweep_request rq;
    const char *out;
    long top;
    out_format fmt;
} sweep_opts;

/* Set by SIGINT/SIGTERM: the search stops at the next design, the batch is committed. */
static volatile sig_atomic_t g_stop;

static void on_signal(int sig)
{
    (void)sig;
    g_stop = 1;
}

typedef struct progress {
    bool on;
    double t0, last;
} progress;

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* One status line on a terminal's stderr, redrawn at most 10 times a second. */
static void show_progress(void *ctx, long evaluated, long emitted, long total, double best_fps)
{
    progress *p = ctx;
    double t = now_s();
    if (!p->on || t - p->last < 0.1)
        return;
    p->last = t;
    double rate = evaluated / (t - p->t0 > 1e-9 ? t - p->t0 : 1e-9);
    char bar[24] = "";
    if (total > 0) {
        int fill = (int)(20.0 * (double)evaluated / (double)total);
        for (int i = 0; i < 20; i++)
            bar[i] = i < fill ? '#' : '.';
        bar[20] = 0;
        fprintf(stderr, "\r[%s] %ld/%ld evaluated, %ld saved, %.0f/s, best %.1f fps, ETA %.0fs   ", bar, evaluated,
                total, emitted, rate, best_fps, rate > 0 && total > evaluated ? (total - evaluated) / rate : 0.0);
    } else {
        fprintf(stderr, "\r%ld evaluated, %ld saved, %.0f/s, best %.1f fps   ", evaluated, emitted, rate, best_fps);
    }
}

static int parse(int argc, char **argv, sweep_opts *o, tf_err *e)
{
    static const struct option opts[] = {
        {"net", required_argument, 0, 'n'},   {"dsp", required_argument, 0, 'd'},
        {"bram", required_argument, 0, 'b'},  {"lut", required_argument, 0, 'l'},
        {"ff", required_argument, 0, 'F'},    {"device", required_argument, 0, 'D'},
        {"bits", required_argument, 0, 'B'},  {"bitw", required_argument, 0, 'w'},
        {"bita", required_argument, 0, 'a'},  {"clock", required_argument, 0, 'c'},
        {"strategy", required_argument, 0, 's'}, {"limit", required_argument, 0, 'L'},
        {"db", required_argument, 0, 'o'},    {"out", required_argument, 0, 'O'},
        {"top", required_argument, 0, 't'},   {"format", required_argument, 0, 'f'},
        {"shard", required_argument, 0, 'S'}, {"batch", required_argument, 0, 'T'},
        {"seed", required_argument, 0, 'R'},  {"mixed", no_argument, 0, 'M'},
        {"levels", required_argument, 0, 'V'}, {"max-drop", required_argument, 0, 'X'},
        {"probe-images", required_argument, 0, 'P'}, {"max-steps", required_argument, 0, 'Z'},
        {"arch", required_argument, 0, 'A'},  {"schedules", required_argument, 0, 'H'},
        {"target", required_argument, 0, 'G'},
        {"help", no_argument, 0, 'h'},        {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    sweep_request_defaults(&o->rq);
    o->out = ".";
    o->top = 20;
    sweep_request *r = &o->rq;
    optind = 1;
    opterr = 0;
    int c;
    long v;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n': r->net = optarg; break;
        case 'D': r->device = optarg; break;
        case 'd': if (cli_parse_long("--dsp", optarg, 1, 10000000, &r->dsp, e)) return -1; break;
        case 'b': if (cli_parse_long("--bram", optarg, 1, 10000000, &r->bram, e)) return -1; break;
        case 'l': if (cli_parse_long("--lut", optarg, 1, 1000000000, &r->lut, e)) return -1; break;
        case 'F': if (cli_parse_long("--ff", optarg, 1, 1000000000, &r->ff, e)) return -1; break;
        case 'B': if (cli_parse_bits(optarg, &r->wbits, &r->abits, e)) return -1; break;
        case 'w': r->bitw = optarg; break;
        case 'a': r->bita = optarg; break;
        case 'c':
            if (strcmp(optarg, "auto") == 0)
                r->clock = SWEEP_CLOCK_AUTO;
            else if (cli_parse_double("--clock", optarg, 1, 2000, &r->clock, e))
                return tf_err_prefix(e, "(or auto)");
            break;
        case 's':
            if (strategy_parse(optarg, &r->strategy))
                return tf_errf(e, "--strategy: '%s' is not one of auto, frontier, greedy, exhaustive, anneal", optarg);
            break;
        case 'L': if (cli_parse_long("--limit", optarg, 1, 100000000, &v, e)) return -1; r->limit = (double)v; break;
        case 'o': r->db = optarg; break;
        case 'O': o->out = optarg; break;
        case 't': if (cli_parse_long("--top", optarg, 0, 1000000, &o->top, e)) return -1; break;
        case 'T': if (cli_parse_long("--batch", optarg, 1, 1000000, &r->batch, e)) return -1; break;
        case 'R': if (cli_parse_long("--seed", optarg, 0, 4294967295L, &v, e)) return -1; r->seed = (unsigned long)v; break;
        case 'M': r->mixed = true; break;
        case 'H': if (space_parse_schedules(optarg, &r->sched_mask, e)) return -1; break;
        case 'G':
            if (target_parse(optarg, &r->target))
                return tf_errf(e, "--target: '%s' is not one of mixq-hls, rtl", optarg);
            r->target_set = true;
            break;
        case 'A':
            if (strcmp(optarg, "dataflow") == 0)
                r->arch = ARCH_DATAFLOW;
            else if (strcmp(optarg, "engine") == 0)
                r->arch = ARCH_ENGINE;
            else
                return tf_errf(e, "--arch: '%s' is not one of dataflow, engine", optarg);
            break;
        case 'Z': if (cli_parse_long("--max-steps", optarg, 0, 10000, &v, e)) return -1; r->mx.max_steps = (int)v; break;
        case 'X': if (cli_parse_double("--max-drop", optarg, 0, 1, &r->mx.max_drop, e)) return -1; break;
        case 'P': if (cli_parse_long("--probe-images", optarg, 0, 100000000, &v, e)) return -1; r->mx.probe_images = (int)v; break;
        case 'V': {
            char buf[128], *save = NULL;
            snprintf(buf, sizeof buf, "%s", optarg);
            r->mx.nlevels = 0;
            for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                if (r->mx.nlevels == 8)
                    return tf_errf(e, "--levels: at most 8 bit widths (got '%s')", optarg);
                if (cli_parse_long("--levels", tok, 1, 8, &v, e))
                    return -1;
                r->mx.levels[r->mx.nlevels++] = (int)v;
            }
            if (!r->mx.nlevels)
                return tf_errf(e, "--levels: give bit widths 1..8, e.g. 8,4,2");
            break;
        }
        case 'S': {
            int n1 = 0;
            char c1;
            if (sscanf(optarg, "%d/%d%n%c", &r->shard_k, &r->shard_n, &n1, &c1) != 2 || optarg[n1] ||
                r->shard_n < 1 || r->shard_n > 100000 || r->shard_k < 1 || r->shard_k > r->shard_n)
                return tf_errf(e, "--shard: '%s' must be K/N with 1 <= K <= N <= 100000", optarg);
            break;
        }
        case 'f':
            if (cli_parse_format(optarg, &o->fmt))
                return tf_errf(e, "--format: '%s' is not one of table, json, csv", optarg);
            break;
        case 'h': fputs(HELP, stdout); return 1;
        default:
            return tf_errf(e, "sweep: unknown or incomplete option '%s' (tf2sim sweep --help)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return tf_errf(e, "sweep: unexpected argument '%s'", argv[optind]);
    if (!r->net)
        return tf_errf(e, "sweep: --net is required (tf2sim nets lists the zoo)");
    if (r->wbits && (r->bitw || r->bita))
        return tf_errf(e, "sweep: give --bits or --bitw/--bita, not both");
    if (r->arch == ARCH_ENGINE && r->strategy != STRAT_AUTO && r->strategy != STRAT_EXHAUSTIVE)
        return tf_errf(e, "sweep: --arch engine searches its whole N/C/OW_VECTOR grid (--strategy auto or exhaustive)");
    if (r->arch == ARCH_ENGINE && r->shard_n > 1)
        return tf_errf(e, "sweep: --shard is for dataflow sweeps (the engine grid takes seconds)");
    if (r->mixed && (r->wbits || r->bitw || r->bita))
        return tf_errf(e, "sweep: --mixed chooses the bits itself; drop --bits/--bitw/--bita (use --levels)");
    return 0;
}

/* Per-layer rows of a stored design, as JSON and (if t) as table rows. */
json_t *sweep_layer_rows(store *st, int64_t design_id, out_table *t)
{
    sqlite3 *db = store_sqlite(st);
    sqlite3_stmt *q;
    json_t *arr = json_array();
    if (sqlite3_prepare_v2(db, "SELECT name, op, simd, pe, schedule, wbits, abits, cycles, dsp, bram18, lut, lut_mult"
                               " FROM layer_results WHERE design_id=? ORDER BY layer_idx", -1, &q, NULL) != SQLITE_OK)
        return arr;
    sqlite3_bind_int64(q, 1, design_id);
    while (sqlite3_step(q) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(q, 0), *op = (const char *)sqlite3_column_text(q, 1);
        bool comp = sqlite3_column_type(q, 5) != SQLITE_NULL;     /* conv/fc: has bits */
        bool folded = sqlite3_column_type(q, 2) != SQLITE_NULL;   /* dataflow: has a folding */
        long long cycles = (long long)sqlite3_column_int64(q, 7);
        int dsp = sqlite3_column_int(q, 8), bram = sqlite3_column_int(q, 9);
        json_t *jl = json_pack("{s:s,s:s,s:I,s:i,s:i,s:I}", "layer", name, "op", op, "cycles", (json_int_t)cycles,
                               "dsp", dsp, "bram18", bram, "lut", (json_int_t)sqlite3_column_int64(q, 10));
        char simd[16] = "-", pe[16] = "-", bits[16] = "-", sched[16] = "-";
        if (comp) {
            json_object_set_new(jl, "wbits", json_integer(sqlite3_column_int(q, 5)));
            json_object_set_new(jl, "abits", json_integer(sqlite3_column_int(q, 6)));
            snprintf(bits, sizeof bits, "%d/%d", sqlite3_column_int(q, 5), sqlite3_column_int(q, 6));
        }
        if (folded) {
            json_object_set_new(jl, "simd", json_integer(sqlite3_column_int(q, 2)));
            json_object_set_new(jl, "pe", json_integer(sqlite3_column_int(q, 3)));
            json_object_set_new(jl, "schedule", json_string((const char *)sqlite3_column_text(q, 4)));
            json_object_set_new(jl, "lut_mult", json_boolean(sqlite3_column_int(q, 11)));
            snprintf(simd, sizeof simd, "%d", sqlite3_column_int(q, 2));
            snprintf(pe, sizeof pe, "%d", sqlite3_column_int(q, 3));
            snprintf(sched, sizeof sched, "%s%s", (const char *)sqlite3_column_text(q, 4),
                     sqlite3_column_int(q, 11) ? "+lut" : "");
        } else if (comp) {
            snprintf(sched, sizeof sched, "engine");
        }
        json_array_append_new(arr, jl);
        if (t)
            table_addf(t, "%s\t%s\t%s\t%s\t%s\t%s\t%lld\t%d\t%d", name, op, bits, simd, pe, sched, cycles, dsp, bram);
    }
    sqlite3_finalize(q);
    return arr;
}

static json_t *row_json(const design_row *r)
{
    json_t *j = json_pack("{s:I,s:s,s:f,s:I,s:I,s:i,s:i,s:I,s:I}", "id", (json_int_t)r->id, "hash", r->hash, "fps", r->fps,
                     "interval_cycles", (json_int_t)r->interval_cycles, "latency_cycles",
                     (json_int_t)r->latency_cycles, "dsp", r->dsp, "bram18", r->bram18, "lut", (json_int_t)r->lut,
                     "ff", (json_int_t)r->ff);
    json_object_set_new(j, "bitw", json_string(r->bitw));
    json_object_set_new(j, "bita", json_string(r->bita));
    json_object_set_new(j, "accuracy", r->accuracy >= 0 ? json_real(r->accuracy) : json_null());
    json_object_set_new(j, "clock_mhz", json_real(r->clock_mhz));
    return j;
}

/* The 3-objective front: most fps, fewest DSPs, best accuracy (designs with accuracy). */
static json_t *front3_json(const design_rows *rows)
{
    int cols[3];
    results_objective("fps", &cols[0]);
    results_objective("dsp", &cols[1]);
    results_objective("accuracy", &cols[2]);
    json_t *arr = json_array();
    unsigned char *mask = malloc((size_t)(rows->n ? rows->n : 1));
    if (!mask)
        return arr;
    results_front(rows, 3, cols, mask);
    for (int i = 0; i < rows->n; i++)
        if (mask[i] && rows->rows[i].accuracy >= 0)
            json_array_append_new(arr, row_json(&rows->rows[i]));
    free(mask);
    return arr;
}

/* Front of rows over (fps, cost col), sorted by cost; returns JSON and fills t. */
static json_t *front_json(const design_rows *rows, int cost_col, long top, out_table *t)
{
    int fps_col, cols[2];
    results_objective("fps", &fps_col);
    cols[0] = fps_col;
    cols[1] = cost_col;
    unsigned char *mask = malloc((size_t)(rows->n ? rows->n : 1));
    int *ord = malloc(sizeof(int) * (size_t)(rows->n ? rows->n : 1));
    json_t *arr = json_array();
    if (!mask || !ord) {
        free(mask);
        free(ord);
        return arr;
    }
    results_front(rows, 2, cols, mask);
    int nf = 0;
    for (int i = 0; i < rows->n; i++)
        if (mask[i])
            ord[nf++] = i;
    for (int a = 1; a < nf; a++) /* by cost, then fps */
        for (int b = a; b > 0; b--) {
            const design_row *x = &rows->rows[ord[b]], *y = &rows->rows[ord[b - 1]];
            double cx = results_value(x, cost_col), cy = results_value(y, cost_col);
            if (cx < cy || (cx == cy && x->fps > y->fps)) {
                int tmp = ord[b]; ord[b] = ord[b - 1]; ord[b - 1] = tmp;
            } else {
                break;
            }
        }
    for (int i = 0; i < nf; i++) {
        const design_row *r = &rows->rows[ord[i]];
        json_array_append_new(arr, row_json(r));
        if (t && (top == 0 || i < top))
            table_addf(t, "%lld\t%.2f\t%llu\t%d\t%d\t%ld\t%ld", (long long)r->id, r->fps,
                       (unsigned long long)r->interval_cycles, r->dsp, r->bram18, r->lut, r->ff);
    }
    free(mask);
    free(ord);
    return arr;
}

static int check_out_dir(const char *dir, tf_err *e)
{
    struct stat sb;
    if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
        return tf_errf(e, "--out: '%s' is not an existing folder", dir);
    if (access(dir, W_OK) != 0)
        return tf_errf(e, "--out: folder '%s' is not writable", dir);
    return 0;
}

int cmd_sweep(int argc, char **argv)
{
    sweep_opts so;
    tf_err e;
    int prc = parse(argc, argv, &so, &e);
    if (prc)
        return prc == 1 ? 0 : cli_fail(&e);
    if (check_out_dir(so.out, &e))
        return cli_fail(&e);
    const sweep_opts *o = &so;
    char *args = cli_join_args(argc, argv);
    progress pg = {.on = isatty(STDERR_FILENO) != 0, .t0 = now_s()};
    so.rq.args = args;
    so.rq.stop = &g_stop;
    so.rq.progress = show_progress;
    so.rq.progress_ctx = &pg;
    so.rq.log = stderr;
    struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    sweep_result res;
    int src = sweep_run(&so.rq, &res, &e);
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (pg.on)
        fputs("\r\033[K", stderr);
    int rc = 2;
    if (src == 1) {
        fprintf(stderr, "tf2sim: interrupted after %ld designs evaluated; %ld designs of run %lld are saved in %s "
                        "(%ld new to it); the same command resumes the run\n",
                res.evaluated, res.linked, (long long)res.run_id, o->rq.db, res.stored_new);
        rc = 130;
        goto cleanup;
    }
    if (src)
        goto fail;
    const net *n = &res.n;
    const device *dv = &res.dv;
    const budget *b = &res.b;
    const design_row *best = res.best;
    const design_rows *rows = &res.rows;
    store *st = res.st;
    char png_dsp[1200], png_bram[1200], png_acc[1200], title[256];
    snprintf(png_dsp, sizeof png_dsp, "%s/sweep_%s_%s_fps_dsp.png", o->out, n->name, dv->name);
    snprintf(png_bram, sizeof png_bram, "%s/sweep_%s_%s_fps_bram.png", o->out, n->name, dv->name);
    snprintf(title, sizeof title, "%s on %s: %d designs within %d DSP", n->name, dv->name, rows->n, b->dsp);
    int fps_col, dsp_col, bram_col;
    results_objective("fps", &fps_col);
    results_objective("dsp", &dsp_col);
    results_objective("bram18", &bram_col);
    plot_spec ps = {.out = png_dsp, .title = title, .xcol = dsp_col, .ycol = fps_col, .colour_col = -1};
    if (plot_front(rows, &ps, &e))
        goto fail;
    ps.out = png_bram;
    ps.xcol = bram_col;
    if (plot_front(rows, &ps, &e))
        goto fail;
    png_acc[0] = '\0';
    if (res.has_acc && res.acc_hi > res.acc_lo) { /* accuracy vs fps, coloured by DSPs (a mixed walk) */
        int acc_col;
        results_objective("accuracy", &acc_col);
        snprintf(png_acc, sizeof png_acc, "%s/sweep_%s_%s_accuracy_fps.png", o->out, n->name, dv->name);
        plot_spec pa = {.out = png_acc, .title = title, .xcol = fps_col, .ycol = acc_col, .colour_col = dsp_col};
        if (plot_front(rows, &pa, &e))
            goto fail;
    }

    /* The engine's array parameters live in the design, not in per-layer rows. */
    json_t *best_engine = NULL, *best_canon = NULL;
    if (o->rq.arch == ARCH_ENGINE) {
        char nn[64], dn[64];
        char *canon = export_design_json(st, best->id, nn, dn, sizeof nn, &e);
        best_canon = canon ? json_loads(canon, 0, NULL) : NULL;
        best_engine = best_canon ? json_object_get(best_canon, "engine") : NULL;
        free(canon);
    }
    static const char *lhead[] = {"layer", "op", "w/a", "simd", "pe", "schedule", "cycles", "dsp", "bram18"};
    static const char *fhead[] = {"id", "fps", "interval", "dsp", "bram18", "lut", "ff"};
    out_table lt, ft, fbt;
    table_init(&lt, 9, lhead);
    table_init(&ft, 7, fhead);
    table_init(&fbt, 7, fhead);
    json_t *layers = sweep_layer_rows(st, best->id, &lt);
    json_t *front = front_json(rows, dsp_col, o->top, &ft);
    json_t *front_bram = front_json(rows, bram_col, o->top, &fbt);
    if (o->fmt == FMT_JSON) {
        json_t *jb = row_json(best);
        json_object_set_new(jb, "folding", layers);
        if (best_engine)
            json_object_set_new(jb, "engine", json_incref(best_engine));
        json_t *j = json_pack("{s:s,s:s,s:I,s:s,s:s,s:f,s:I,s:I,s:i,s:{s:i,s:i,s:I,s:I},s:o,s:o,s:o,s:[s,s]}",
                              "net", n->name, "device", dv->name, "run_id", (json_int_t)res.run_id, "db", o->rq.db,
                              "strategy", strategy_name(o->rq.strategy), "space_size", res.space_size,
                              "designs_evaluated", (json_int_t)res.evaluated, "designs_new", (json_int_t)res.stored_new,
                              "designs_in_budget", rows->n, "budget", "dsp", b->dsp, "bram18", b->bram18, "lut",
                              (json_int_t)b->lut, "ff", (json_int_t)b->ff, "best", jb, "front", front, "front_bram",
                              front_bram, "plots", png_dsp, png_bram);
        json_object_set_new(j, "resumed", json_boolean(res.resumed));
        json_object_set_new(j, "clock", res.base.clock_auto ? json_string("auto") : json_real(res.base.clock_mhz));
        if (png_acc[0])
            json_array_append_new(json_object_get(j, "plots"), json_string(png_acc));
        if (res.has_acc) {
            json_object_set_new(j, "front_accuracy", front3_json(rows));
        }
        json_object_set_new(j, "accuracy", res.has_acc ? json_pack("{s:b,s:f,s:f}", "available", 1, "min", res.acc_lo, "max", res.acc_hi)
                                                   : json_pack("{s:b,s:s}", "available", 0, "note",
                                                               "the net has no weights and data: accuracy is NULL"));
        if (o->rq.mixed)
            json_object_set_new(j, "mixed", res.no_accuracy ? json_pack("{s:i,s:s}", "bit_vectors", 0, "note",
                                                                    "no accuracy data: throughput only")
                                                        : json_pack("{s:i,s:f,s:i}", "bit_vectors", res.vectors,
                                                                    "max_drop", o->rq.mx.max_drop, "probe_images",
                                                                    o->rq.mx.probe_images));
        json_object_set_new(j, "arch", json_string(arch_name(o->rq.arch)));
        if (o->rq.arch == ARCH_DATAFLOW)
            json_object_set_new(j, "target", json_string(target_name(res.base.target)));
        json_object_set_new(j, "designs_unbuildable", json_integer((json_int_t)res.unbuildable));
        json_object_set_new(j, "bound_cycles", res.bound > 0 ? json_real(res.bound) : json_null());
        json_object_set_new(j, "bound_ratio", res.bound > 0 ? json_real(best->interval_cycles / res.bound) : json_null());
        json_t *jc = json_array(); /* -- cycle-level re-check (issue 3) -- */
        for (int i = 0; i < res.n_cchk; i++)
            json_array_append_new(jc, !res.cchk[i].ok ? json_pack("{s:I,s:s}", "id", (json_int_t)res.cchk[i].id, "error", res.cchk[i].err) :
                                  json_pack("{s:I,s:I,s:I,s:I,s:I,s:f}", "id", (json_int_t)res.cchk[i].id,
                                                "interval_cycles", (json_int_t)res.cchk[i].interval_cycle,
                                                "latency_cycles", (json_int_t)res.cchk[i].latency_cycle,
                                                "analytic_interval_cycles", (json_int_t)res.cchk[i].interval_analytic,
                                                "analytic_latency_cycles", (json_int_t)res.cchk[i].latency_analytic,
                                                "interval_rel", res.cchk[i].interval_rel));
        json_object_set_new(j, "cycle_check", jc);
        if (o->rq.shard_n > 1)
            json_object_set_new(j, "shard", json_pack("{s:i,s:i}", "k", o->rq.shard_k, "n", o->rq.shard_n));
        json_print(j, stdout);
        json_decref(j);
    } else if (o->fmt == FMT_CSV) {
        table_print(&ft, FMT_CSV, stdout);
        json_decref(layers);
        json_decref(front);
        json_decref(front_bram);
    } else {
        if (o->rq.mixed && !res.no_accuracy)
            printf("sweep %s on %s (mixed precision: %d bit vectors walked, top-1 %.4f..%.4f; %.0f MHz), budget dsp %d, "
                   "bram18 %d, lut %ld, ff %ld\n", n->name, dv->name, res.vectors, res.acc_lo, res.acc_hi, res.base.clock_mhz, b->dsp,
                   b->bram18, b->lut, b->ff);
        else
            printf("sweep %s on %s (bitw %s, bita %s, %s%.0f MHz%s), budget dsp %d, bram18 %d, lut %ld, ff %ld\n",
                   n->name, dv->name, res.bitw, res.bita, res.base.clock_auto ? "clock predicted per design, at most " : "",
                   res.base.clock_mhz, res.has_acc ? "" : "; no accuracy data", b->dsp, b->bram18,
                   b->lut, b->ff);
        if (o->rq.arch == ARCH_DATAFLOW)
            printf("built with %s (resources: %s)\n", target_name(res.base.target),
                   res.base.target == TARGET_RTL ? "tf2sim's RTL compute unit, DSP/BRAM as yosys maps it"
                                          : "DeepBurning-MixQ HLS operators");
        if (res.unbuildable)
            printf("%ld candidates skipped: the %s target cannot build them (first: %s)\n", res.unbuildable,
                   target_name(res.base.target), res.unbuildable_why);
        printf("space %.3g designs; strategy %s; %ld evaluated, %d within budget (%ld new) -> %s (run %lld)\n\n",
               res.space_size, o->rq.arch == ARCH_ENGINE ? "engine grid" : strategy_name(o->rq.strategy), res.evaluated, rows->n,
               res.stored_new, o->rq.db, (long long)res.run_id);
        printf("best design #%lld: %.2f fps at %.1f MHz, interval %llu cycles, latency %llu cycles, dsp %d, bram18 %d, "
               "lut %ld, ff %ld",
               (long long)best->id, best->fps, best->clock_mhz, (unsigned long long)best->interval_cycles,
               (unsigned long long)best->latency_cycles, best->dsp, best->bram18, best->lut, best->ff);
        if (best->accuracy >= 0)
            printf(", top-1 %.4f (bitw %s, bita %s)", best->accuracy, best->bitw, best->bita);
        printf("\n");
        if (best_engine)
            printf("engine array: N_VECTOR %d, C_VECTOR %d, OW_VECTOR %d, FW_VECTOR %d (%d SAC lanes)\n",
                   (int)json_integer_value(json_object_get(best_engine, "n_vector")),
                   (int)json_integer_value(json_object_get(best_engine, "c_vector")),
                   (int)json_integer_value(json_object_get(best_engine, "ow_vector")),
                   (int)json_integer_value(json_object_get(best_engine, "fw_vector")),
                   (int)(json_integer_value(json_object_get(best_engine, "n_vector")) *
                         json_integer_value(json_object_get(best_engine, "c_vector")) *
                         json_integer_value(json_object_get(best_engine, "ow_vector")) *
                         json_integer_value(json_object_get(best_engine, "fw_vector"))));
        if (res.bound > 0)
            printf("packing lower bound %.0f cycles (all MACs at their products per DSP over %d DSPs): "
                   "best is %.3fx the bound\n", res.bound, b->dsp, best->interval_cycles / res.bound);
        for (int i = 0; i < res.n_cchk; i++) /* -- cycle-level re-check (issue 3) -- */
            if (!res.cchk[i].ok)
                printf("cycle-level check of #%lld failed: %s\n", (long long)res.cchk[i].id, res.cchk[i].err);
            else
                printf("cycle-level check of #%lld: interval %llu cycles (analytic %llu, %+.2f%%), latency %llu (analytic %llu)\n",
                   (long long)res.cchk[i].id, (unsigned long long)res.cchk[i].interval_cycle,
                   (unsigned long long)res.cchk[i].interval_analytic, 100.0 * res.cchk[i].interval_rel,
                   (unsigned long long)res.cchk[i].latency_cycle, (unsigned long long)res.cchk[i].latency_analytic);
        table_print(&lt, FMT_TABLE, stdout);
        printf("\nPareto front, fps vs dsp (%zu designs%s):\n", json_array_size(front),
               o->top && (long)json_array_size(front) > o->top ? ", cheapest shown; --top 0 for all" : "");
        table_print(&ft, FMT_TABLE, stdout);
        printf("\nPareto front, fps vs bram18 (%zu designs%s):\n", json_array_size(front_bram),
               o->top && (long)json_array_size(front_bram) > o->top ? ", cheapest shown" : "");
        table_print(&fbt, FMT_TABLE, stdout);
        if (res.has_acc) {
            json_t *f3 = front3_json(rows);
            printf("\nPareto front over fps, dsp and accuracy: %zu designs (tf2sim pareto --objectives fps,dsp,accuracy)\n",
                   json_array_size(f3));
            json_decref(f3);
        }
        printf("\nplots: %s, %s%s%s\n", png_dsp, png_bram, png_acc[0] ? ", " : "", png_acc);
        json_decref(layers);
        json_decref(front);
        json_decref(front_bram);
    }
    json_decref(best_canon);
    table_free(&lt);
    table_free(&ft);
    table_free(&fbt);
    rc = 0;
fail:
    if (rc && rc != 130)
        cli_fail(&e);
cleanup:
    sweep_result_free(&res);
    free(args);
    return rc;
}
