/* cmd_sweep.c: `tf2sim sweep` — explore foldings under a budget, store every
 * design in SQLite, print the best design and the Pareto fronts, plot them. */
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <sqlite3.h>

#include "search/accuracy.h"
#include "cli.h"
#include "search/mixed.h"
#include "search/cycle_check.h"
#include "evaluate/evaluate.h"
#include "report/export.h"
#include "report/plot.h"
#include "store/results.h"
#include "search/search.h"
#include "search/space.h"
#include "store/store.h"

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
    "  --clock MHz       fabric clock for fps (default: the device's)\n"
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
    const char *net, *device, *db, *out, *bitw, *bita;
    int wbits, abits;
    long dsp, bram, lut, ff, top, batch;
    int shard_k, shard_n;
    unsigned long seed;
    bool mixed;
    mixed_opts mx;
    arch_kind arch;
    unsigned sched_mask;
    build_target target;
    bool target_set;
    double clock, limit;
    strategy_kind strategy;
    out_format fmt;
} sweep_opts;

typedef struct sink {
    store *st;
    int64_t run_id;
    const net *n;
    const device *dv;
    long batch, in_batch, stored_new, linked;
    double accuracy;   /* of the bits being searched (-1: not measured) */
} sink;

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

static int emit_design(void *ctx, const design *ds, const evaluation *ev, tf_err *e)
{
    sink *k = ctx;
    if (k->in_batch == 0 && store_begin(k->st, e))
        return -1;
    int inserted = 0;
    if (store_put_design(k->st, k->run_id, k->n, k->dv, ds, ev, k->accuracy, NULL, &inserted, e)) {
        store_rollback(k->st);
        k->in_batch = 0;
        return -1;
    }
    k->stored_new += inserted;
    k->linked++;
    if (++k->in_batch >= k->batch) {
        k->in_batch = 0;
        return store_commit(k->st, e);
    }
    return 0;
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
    o->device = "ultra96v2";
    o->db = "results.db";
    o->out = ".";
    o->top = 20;
    o->limit = 200000;
    o->batch = 500;
    o->seed = 1;
    o->sched_mask = SCHED_MASK_ALL;
    o->mx = (mixed_opts){.levels = {8, 6, 4, 3, 2}, .nlevels = 5, .max_drop = 0.02, .probe_images = 1000,
                         .max_steps = 64};
    o->dsp = o->bram = o->lut = o->ff = -1;
    optind = 1;
    opterr = 0;
    int c;
    long v;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n': o->net = optarg; break;
        case 'D': o->device = optarg; break;
        case 'd': if (cli_parse_long("--dsp", optarg, 1, 10000000, &o->dsp, e)) return -1; break;
        case 'b': if (cli_parse_long("--bram", optarg, 1, 10000000, &o->bram, e)) return -1; break;
        case 'l': if (cli_parse_long("--lut", optarg, 1, 1000000000, &o->lut, e)) return -1; break;
        case 'F': if (cli_parse_long("--ff", optarg, 1, 1000000000, &o->ff, e)) return -1; break;
        case 'B': if (cli_parse_bits(optarg, &o->wbits, &o->abits, e)) return -1; break;
        case 'w': o->bitw = optarg; break;
        case 'a': o->bita = optarg; break;
        case 'c': if (cli_parse_double("--clock", optarg, 1, 2000, &o->clock, e)) return -1; break;
        case 's':
            if (strategy_parse(optarg, &o->strategy))
                return tf_errf(e, "--strategy: '%s' is not one of auto, frontier, greedy, exhaustive, anneal", optarg);
            break;
        case 'L': if (cli_parse_long("--limit", optarg, 1, 100000000, &v, e)) return -1; o->limit = (double)v; break;
        case 'o': o->db = optarg; break;
        case 'O': o->out = optarg; break;
        case 't': if (cli_parse_long("--top", optarg, 0, 1000000, &o->top, e)) return -1; break;
        case 'T': if (cli_parse_long("--batch", optarg, 1, 1000000, &o->batch, e)) return -1; break;
        case 'R': if (cli_parse_long("--seed", optarg, 0, 4294967295L, &v, e)) return -1; o->seed = (unsigned long)v; break;
        case 'M': o->mixed = true; break;
        case 'H': if (space_parse_schedules(optarg, &o->sched_mask, e)) return -1; break;
        case 'G':
            if (target_parse(optarg, &o->target))
                return tf_errf(e, "--target: '%s' is not one of mixq-hls, rtl", optarg);
            o->target_set = true;
            break;
        case 'A':
            if (strcmp(optarg, "dataflow") == 0)
                o->arch = ARCH_DATAFLOW;
            else if (strcmp(optarg, "engine") == 0)
                o->arch = ARCH_ENGINE;
            else
                return tf_errf(e, "--arch: '%s' is not one of dataflow, engine", optarg);
            break;
        case 'Z': if (cli_parse_long("--max-steps", optarg, 0, 10000, &v, e)) return -1; o->mx.max_steps = (int)v; break;
        case 'X': if (cli_parse_double("--max-drop", optarg, 0, 1, &o->mx.max_drop, e)) return -1; break;
        case 'P': if (cli_parse_long("--probe-images", optarg, 0, 100000000, &v, e)) return -1; o->mx.probe_images = (int)v; break;
        case 'V': {
            char buf[128], *save = NULL;
            snprintf(buf, sizeof buf, "%s", optarg);
            o->mx.nlevels = 0;
            for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
                if (o->mx.nlevels == 8)
                    return tf_errf(e, "--levels: at most 8 bit widths (got '%s')", optarg);
                if (cli_parse_long("--levels", tok, 1, 8, &v, e))
                    return -1;
                o->mx.levels[o->mx.nlevels++] = (int)v;
            }
            if (!o->mx.nlevels)
                return tf_errf(e, "--levels: give bit widths 1..8, e.g. 8,4,2");
            break;
        }
        case 'S': {
            int n1 = 0;
            char c1;
            if (sscanf(optarg, "%d/%d%n%c", &o->shard_k, &o->shard_n, &n1, &c1) != 2 || optarg[n1] ||
                o->shard_n < 1 || o->shard_n > 100000 || o->shard_k < 1 || o->shard_k > o->shard_n)
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
    if (!o->net)
        return tf_errf(e, "sweep: --net is required (tf2sim nets lists the zoo)");
    if (o->wbits && (o->bitw || o->bita))
        return tf_errf(e, "sweep: give --bits or --bitw/--bita, not both");
    if (o->arch == ARCH_ENGINE && o->strategy != STRAT_AUTO && o->strategy != STRAT_EXHAUSTIVE)
        return tf_errf(e, "sweep: --arch engine searches its whole N/C/OW_VECTOR grid (--strategy auto or exhaustive)");
    if (o->arch == ARCH_ENGINE && o->shard_n > 1)
        return tf_errf(e, "sweep: --shard is for dataflow sweeps (the engine grid takes seconds)");
    if (o->mixed && (o->wbits || o->bitw || o->bita))
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

/* One folding search at the current bits of a net (a sweep runs one; --mixed one per
 * bit vector of its walk), storing every design with that bit vector's accuracy. */
typedef struct bits_search {
    const sweep_opts *o;
    const device *dv;
    const budget *b;
    const design *base;
    sink *k;
    progress *pg;
    long evaluated;
    long unbuildable;          /* candidates the build target cannot build */
    char unbuildable_why[256];
    int stopped;
    int vectors;
} bits_search;

static int search_bits(void *ctx, const net *n, double accuracy, tf_err *e)
{
    bits_search *bs = ctx;
    space sp = {0};
    if (bs->base->arch == ARCH_DATAFLOW && space_build_sched(&sp, n, bs->base, bs->dv, bs->o->sched_mask, e))
        return -1;
    bs->k->n = n;
    bs->k->accuracy = accuracy;
    search_ctx sc = {.n = n, .dv = bs->dv, .b = bs->b, .base = bs->base, .sp = &sp, .emit = emit_design,
                     .emit_ctx = bs->k, .shard_k = bs->o->shard_k, .shard_n = bs->o->shard_n, .stop = &g_stop,
                     .progress = show_progress, .progress_ctx = bs->pg};
    int rc = bs->base->arch == ARCH_ENGINE ? search_engine_grid(&sc, e)
                                           : search_run(&sc, bs->o->strategy, bs->o->limit, bs->o->seed, e);
    bs->evaluated += sc.evaluated;
    if (sc.unbuildable && !bs->unbuildable)
        snprintf(bs->unbuildable_why, sizeof bs->unbuildable_why, "%s", sc.unbuildable_why);
    bs->unbuildable += sc.unbuildable;
    bs->stopped |= sc.stopped;
    bs->vectors++;
    space_free(&sp);
    return rc;
}

/* Removes a run that produced nothing; deletes the DB file if this sweep created it. */
static void forget_run(store *st, int64_t run_id, const char *created_path)
{
    char sql[96];
    snprintf(sql, sizeof sql, "DELETE FROM run_designs WHERE run_id=%lld; DELETE FROM runs WHERE id=%lld;",
             (long long)run_id, (long long)run_id);
    sqlite3_exec(store_sqlite(st), sql, NULL, NULL, NULL);
    store_close(st);
    if (created_path) {
        char side[1100];
        unlink(created_path);
        snprintf(side, sizeof side, "%s-wal", created_path);
        unlink(side);
        snprintf(side, sizeof side, "%s-shm", created_path);
        unlink(side);
    }
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
    sweep_opts o;
    tf_err e;
    int prc = parse(argc, argv, &o, &e);
    if (prc)
        return prc == 1 ? 0 : cli_fail(&e);
    net n;
    device dv;
    if (net_load_named(&n, o.net, &e))
        return cli_fail(&e);
    if (device_load_named(&dv, o.device, &e) ||
        (o.wbits && net_apply_bits(&n, o.wbits, o.abits, &e)) ||
        ((o.bitw || o.bita) && net_apply_bit_digits(&n, o.bitw, o.bita, &e)) ||
        check_out_dir(o.out, &e)) {
        net_free(&n);
        return cli_fail(&e);
    }
    budget b;
    budget_from_device(&b, &dv);
    if (o.dsp > 0) b.dsp = (int)o.dsp;
    if (o.bram > 0) b.bram18 = (int)o.bram;
    if (o.lut > 0) b.lut = o.lut;
    if (o.ff > 0) b.ff = o.ff;

    int rc = 2;
    store *st = NULL;
    space sp = {0};
    design base = {0};
    design_rows rows = {0};
    char *args = cli_join_args(argc, argv);
    if (design_init(&base, &n, &dv, o.arch, &e))
        goto fail;
    if (o.clock > 0)
        base.clock_mhz = o.clock;
    if (o.arch == ARCH_DATAFLOW && !o.target_set && resources_pick_target(&n, &dv, &o.target, &e))
        goto fail;
    base.target = o.target;
    if (o.arch == ARCH_ENGINE) {
        base.eng.ddr_bytes_per_cycle = device_ddr_bytes_per_cycle(&dv, base.clock_mhz);
        snprintf(base.eng.name, sizeof base.eng.name, "sweep");
    }
    if (o.arch == ARCH_DATAFLOW && space_build_sched(&sp, &n, &base, &dv, o.sched_mask, &e))
        goto fail;
    /* Refuse what cannot run before anything is written. */
    if (o.strategy == STRAT_EXHAUSTIVE && sp.size > o.limit) {
        tf_errf(&e, "--strategy exhaustive: the space has %.3g designs, more than the limit %.0f "
                    "(raise --limit, or use --strategy frontier, greedy or anneal)", sp.size, o.limit);
        goto fail;
    }
    struct stat dbst;
    bool db_existed = stat(o.db, &dbst) == 0;
    if (store_open(&st, o.db, &e))
        goto fail;
    char budget_js[256];
    snprintf(budget_js, sizeof budget_js, "{\"dsp\":%d,\"bram18\":%d,\"lut\":%ld,\"ff\":%ld}", b.dsp, b.bram18, b.lut, b.ff);
    /* The sweep's meaning, not its spelling: an unfinished run with the same key resumes. */
    char bw[NET_MAX_LAYERS + 1], ba[NET_MAX_LAYERS + 1];
    net_bit_digits(&n, bw, ba, sizeof bw);
    json_t *rk = json_pack("{s:s,s:I,s:s,s:s,s:s,s:s,s:f,s:s,s:f,s:i,s:i,s:I}", "net", n.name, "net_macs",
                           (json_int_t)n.macs, "bitw", bw, "bita", ba, "device", dv.name, "budget", budget_js,
                           "clock_mhz", base.clock_mhz, "strategy", strategy_name(o.strategy), "limit", o.limit,
                           "shard_k", o.shard_k, "shard_n", o.shard_n, "seed", (json_int_t)o.seed);
    json_object_set_new(rk, "arch", json_string(arch_name(o.arch)));
    json_object_set_new(rk, "schedules", json_integer(o.sched_mask));
    if (o.target != TARGET_MIXQ_HLS) /* absent for the default, so older runs still resume */
        json_object_set_new(rk, "target", json_string(target_name(o.target)));
    if (o.mixed) {
        json_t *lv = json_array();
        for (int i = 0; i < o.mx.nlevels; i++)
            json_array_append_new(lv, json_integer(o.mx.levels[i]));
        json_object_set_new(rk, "mixed", json_pack("{s:o,s:f,s:i,s:i}", "levels", lv, "max_drop", o.mx.max_drop,
                                                   "probe_images", o.mx.probe_images, "max_steps", o.mx.max_steps));
    }
    char *resume_key = json_dumps(rk, JSON_SORT_KEYS | JSON_COMPACT);
    json_decref(rk);
    run_info ri = {.command = "sweep", .args = args, .net = n.name, .device = dv.name,
                   .strategy = strategy_name(o.strategy), .budget_json = budget_js, .resume_key = resume_key};
    int64_t run_id;
    long saved_before = 0;
    int rrc = store_find_resumable(st, resume_key, &run_id, &saved_before, &e);
    bool resumed = !rrc && run_id != 0;
    if (!rrc && run_id == 0)
        rrc = store_begin_run(st, &ri, &run_id, &e);
    else if (!rrc)
        fprintf(stderr, "tf2sim: resuming unfinished run %lld of %s (%ld designs already saved)\n", (long long)run_id,
                o.db, saved_before);
    free(resume_key);
    if (rrc)
        goto fail;
    sink k = {.st = st, .run_id = run_id, .n = &n, .dv = &dv, .batch = o.batch, .accuracy = -1};
    progress pg = {.on = isatty(STDERR_FILENO) != 0, .t0 = now_s()};
    bits_search bs = {.o = &o, .dv = &dv, .b = &b, .base = &base, .k = &k, .pg = &pg};
    struct sigaction sa = {.sa_handler = on_signal}, old_int, old_term;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, &old_int);
    sigaction(SIGTERM, &sa, &old_term);
    int src;
    bool no_accuracy = false;
    if (o.mixed) {
        int visited = 0;
        src = mixed_walk(st, &n, &dv, &o.mx, search_bits, &bs, &visited, &e);
        if (src == 1) { /* no weights or data: nothing to trade accuracy against */
            fprintf(stderr, "tf2sim: net %s has no weights and data for accuracy: no mixed-precision walk; "
                            "optimising throughput only, at its configured bits\n", n.name);
            no_accuracy = true;
            src = search_bits(&bs, &n, -1, &e);
        }
    } else {
        double acc = -1;
        src = accuracy_for_bits(st, &n, false, &acc, &e);
        if (!src)
            src = search_bits(&bs, &n, acc, &e);
    }
    sigaction(SIGINT, &old_int, NULL);
    sigaction(SIGTERM, &old_term, NULL);
    if (pg.on)
        fputs("\r\033[K", stderr);
    if (src && bs.stopped) {
        /* Every design handed to the store so far is complete: keep the batch. */
        tf_err ce;
        if (k.in_batch && store_commit(st, &ce))
            fprintf(stderr, "tf2sim: %s\n", ce.msg);
        fprintf(stderr, "tf2sim: interrupted after %ld designs evaluated; %ld designs of run %lld are saved in %s "
                        "(%ld new to it); the same command resumes the run\n",
                bs.evaluated, k.linked, (long long)run_id, o.db, k.stored_new);
        rc = 130;
        goto cleanup;
    }
    if (src) {
        if (k.in_batch)
            store_rollback(st);
        if (!resumed && k.linked == k.in_batch) { /* nothing of this run was committed: leave no trace */
            forget_run(st, run_id, db_existed ? NULL : o.db);
            st = NULL;
        }
        goto fail;
    }
    if ((k.in_batch && store_commit(st, &e)) || store_finish_run(st, run_id, bs.evaluated, &e))
        goto fail;
    if (results_load(st, run_id, NULL, &rows, &e))
        goto fail;
    if (rows.n == 0) {
        /* Nothing to keep: leave the DB as it was (or absent), not with an empty run. */
        forget_run(st, run_id, db_existed ? NULL : o.db);
        st = NULL;
        /* Say which budget binds: the least each resource can be, layer by layer. */
        long need[4] = {0, 0, 0, 0};
        for (int k2 = 0; k2 < sp.n; k2++) {
            long lo[4] = {LONG_MAX, LONG_MAX, LONG_MAX, LONG_MAX};
            for (int j = 0; j < sp.ls[k2].n; j++) {
                const layer_res *lr = &sp.ls[k2].opt[j].res;
                long v[4] = {lr->dsp, lr->bram18, lr->lut, lr->ff};
                for (int q = 0; q < 4; q++)
                    if (v[q] < lo[q])
                        lo[q] = v[q];
            }
            for (int q = 0; q < 4; q++)
                need[q] += lo[q];
        }
        if (o.arch == ARCH_ENGINE) {
            tf_errf(&e, "no engine design of %s fits the budget on %s (dsp %d, bram18 %d, lut %ld, ff %ld): even "
                        "the smallest array of the grid needs more", n.name, dv.name, b.dsp, b.bram18, b.lut, b.ff);
            goto fail;
        }
        tf_errf(&e, "no design of %s fits the budget on %s: it needs at least dsp %ld (budget %d), bram18 %ld (%d), "
                    "lut %ld (%ld), ff %ld (%ld) for its conv/fc layers", n.name, dv.name, need[0], b.dsp,
                need[1], b.bram18, need[2], b.lut, need[3], b.ff);
        goto fail;
    }
    /* Best: highest fps, then fewest DSPs, then fewest BRAMs. */
    const design_row *best = &rows.rows[0];
    for (int i = 1; i < rows.n; i++) {
        const design_row *r = &rows.rows[i];
        if (r->fps > best->fps || (r->fps == best->fps && (r->dsp < best->dsp || (r->dsp == best->dsp && r->bram18 < best->bram18))))
            best = r;
    }
    /* -- cycle-level re-check of the best designs (dse/search/cycle_check.h, issue 3) -- */
    cycle_check_row cchk[SWEEP_CYCLE_CHECK];
    int n_cchk = 0;
    if (cycle_check_top(st, &rows, SWEEP_CYCLE_CHECK, &n, &dv, cchk, &n_cchk, &e))
        goto fail;
    /* -- end of the cycle-level re-check -- */
    /* The bound of the best design's own bits (a mixed walk visits many); it is about
     * DSP packing, so it has no meaning for the engine (its products are shifts). */
    net nb;
    double bound = 0;
    if (o.arch == ARCH_DATAFLOW && net_clone(&nb, &n, &e) == 0) {
        if (net_apply_bit_digits(&nb, best->bitw, best->bita, &e) == 0)
            bound = packing_bound_cycles(&nb, &dv, b.dsp);
        net_free(&nb);
    }
    if (bound <= 0 && o.arch == ARCH_DATAFLOW)
        bound = packing_bound_cycles(&n, &dv, b.dsp);
    double space_size = o.arch == ARCH_ENGINE ? (double)bs.evaluated / (bs.vectors ? bs.vectors : 1) : sp.size;
    bool has_acc = false;
    double acc_lo = 2, acc_hi = -1;
    for (int i = 0; i < rows.n; i++)
        if (rows.rows[i].accuracy >= 0) {
            has_acc = true;
            acc_lo = rows.rows[i].accuracy < acc_lo ? rows.rows[i].accuracy : acc_lo;
            acc_hi = rows.rows[i].accuracy > acc_hi ? rows.rows[i].accuracy : acc_hi;
        }
    char png_dsp[1200], png_bram[1200], png_acc[1200], title[256];
    snprintf(png_dsp, sizeof png_dsp, "%s/sweep_%s_%s_fps_dsp.png", o.out, n.name, dv.name);
    snprintf(png_bram, sizeof png_bram, "%s/sweep_%s_%s_fps_bram.png", o.out, n.name, dv.name);
    snprintf(title, sizeof title, "%s on %s: %d designs within %d DSP", n.name, dv.name, rows.n, b.dsp);
    int fps_col, dsp_col, bram_col;
    results_objective("fps", &fps_col);
    results_objective("dsp", &dsp_col);
    results_objective("bram18", &bram_col);
    plot_spec ps = {.out = png_dsp, .title = title, .xcol = dsp_col, .ycol = fps_col, .colour_col = -1};
    if (plot_front(&rows, &ps, &e))
        goto fail;
    ps.out = png_bram;
    ps.xcol = bram_col;
    if (plot_front(&rows, &ps, &e))
        goto fail;
    png_acc[0] = '\0';
    if (has_acc && acc_hi > acc_lo) { /* accuracy vs fps, coloured by DSPs (a mixed walk) */
        int acc_col;
        results_objective("accuracy", &acc_col);
        snprintf(png_acc, sizeof png_acc, "%s/sweep_%s_%s_accuracy_fps.png", o.out, n.name, dv.name);
        plot_spec pa = {.out = png_acc, .title = title, .xcol = fps_col, .ycol = acc_col, .colour_col = dsp_col};
        if (plot_front(&rows, &pa, &e))
            goto fail;
    }

    /* The engine's array parameters live in the design, not in per-layer rows. */
    json_t *best_engine = NULL, *best_canon = NULL;
    if (o.arch == ARCH_ENGINE) {
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
    json_t *front = front_json(&rows, dsp_col, o.top, &ft);
    json_t *front_bram = front_json(&rows, bram_col, o.top, &fbt);
    if (o.fmt == FMT_JSON) {
        json_t *jb = row_json(best);
        json_object_set_new(jb, "folding", layers);
        if (best_engine)
            json_object_set_new(jb, "engine", json_incref(best_engine));
        json_t *j = json_pack("{s:s,s:s,s:I,s:s,s:s,s:f,s:I,s:I,s:i,s:{s:i,s:i,s:I,s:I},s:o,s:o,s:o,s:[s,s]}",
                              "net", n.name, "device", dv.name, "run_id", (json_int_t)run_id, "db", o.db,
                              "strategy", strategy_name(o.strategy), "space_size", space_size,
                              "designs_evaluated", (json_int_t)bs.evaluated, "designs_new", (json_int_t)k.stored_new,
                              "designs_in_budget", rows.n, "budget", "dsp", b.dsp, "bram18", b.bram18, "lut",
                              (json_int_t)b.lut, "ff", (json_int_t)b.ff, "best", jb, "front", front, "front_bram",
                              front_bram, "plots", png_dsp, png_bram);
        json_object_set_new(j, "resumed", json_boolean(saved_before > 0 || resumed));
        if (png_acc[0])
            json_array_append_new(json_object_get(j, "plots"), json_string(png_acc));
        if (has_acc) {
            json_object_set_new(j, "front_accuracy", front3_json(&rows));
        }
        json_object_set_new(j, "accuracy", has_acc ? json_pack("{s:b,s:f,s:f}", "available", 1, "min", acc_lo, "max", acc_hi)
                                                   : json_pack("{s:b,s:s}", "available", 0, "note",
                                                               "the net has no weights and data: accuracy is NULL"));
        if (o.mixed)
            json_object_set_new(j, "mixed", no_accuracy ? json_pack("{s:i,s:s}", "bit_vectors", 0, "note",
                                                                    "no accuracy data: throughput only")
                                                        : json_pack("{s:i,s:f,s:i}", "bit_vectors", bs.vectors,
                                                                    "max_drop", o.mx.max_drop, "probe_images",
                                                                    o.mx.probe_images));
        json_object_set_new(j, "arch", json_string(arch_name(o.arch)));
        if (o.arch == ARCH_DATAFLOW)
            json_object_set_new(j, "target", json_string(target_name(o.target)));
        json_object_set_new(j, "designs_unbuildable", json_integer((json_int_t)bs.unbuildable));
        json_object_set_new(j, "bound_cycles", bound > 0 ? json_real(bound) : json_null());
        json_object_set_new(j, "bound_ratio", bound > 0 ? json_real(best->interval_cycles / bound) : json_null());
        json_t *jc = json_array(); /* -- cycle-level re-check (issue 3) -- */
        for (int i = 0; i < n_cchk; i++)
            json_array_append_new(jc, !cchk[i].ok ? json_pack("{s:I,s:s}", "id", (json_int_t)cchk[i].id, "error", cchk[i].err) :
                                  json_pack("{s:I,s:I,s:I,s:I,s:I,s:f}", "id", (json_int_t)cchk[i].id,
                                                "interval_cycles", (json_int_t)cchk[i].interval_cycle,
                                                "latency_cycles", (json_int_t)cchk[i].latency_cycle,
                                                "analytic_interval_cycles", (json_int_t)cchk[i].interval_analytic,
                                                "analytic_latency_cycles", (json_int_t)cchk[i].latency_analytic,
                                                "interval_rel", cchk[i].interval_rel));
        json_object_set_new(j, "cycle_check", jc);
        if (o.shard_n > 1)
            json_object_set_new(j, "shard", json_pack("{s:i,s:i}", "k", o.shard_k, "n", o.shard_n));
        json_print(j, stdout);
        json_decref(j);
    } else if (o.fmt == FMT_CSV) {
        table_print(&ft, FMT_CSV, stdout);
        json_decref(layers);
        json_decref(front);
        json_decref(front_bram);
    } else {
        if (o.mixed && !no_accuracy)
            printf("sweep %s on %s (mixed precision: %d bit vectors walked, top-1 %.4f..%.4f; %.0f MHz), budget dsp %d, "
                   "bram18 %d, lut %ld, ff %ld\n", n.name, dv.name, bs.vectors, acc_lo, acc_hi, base.clock_mhz, b.dsp,
                   b.bram18, b.lut, b.ff);
        else
            printf("sweep %s on %s (bitw %s, bita %s, %.0f MHz%s), budget dsp %d, bram18 %d, lut %ld, ff %ld\n",
                   n.name, dv.name, bw, ba, base.clock_mhz, has_acc ? "" : "; no accuracy data", b.dsp, b.bram18,
                   b.lut, b.ff);
        if (o.arch == ARCH_DATAFLOW)
            printf("built with %s (resources: %s)\n", target_name(o.target),
                   o.target == TARGET_RTL ? "tf2sim's RTL compute unit, DSP/BRAM as yosys maps it"
                                          : "DeepBurning-MixQ HLS operators");
        if (bs.unbuildable)
            printf("%ld candidates skipped: the %s target cannot build them (first: %s)\n", bs.unbuildable,
                   target_name(o.target), bs.unbuildable_why);
        printf("space %.3g designs; strategy %s; %ld evaluated, %d within budget (%ld new) -> %s (run %lld)\n\n",
               space_size, o.arch == ARCH_ENGINE ? "engine grid" : strategy_name(o.strategy), bs.evaluated, rows.n,
               k.stored_new, o.db, (long long)run_id);
        printf("best design #%lld: %.2f fps, interval %llu cycles, latency %llu cycles, dsp %d, bram18 %d, lut %ld, ff %ld",
               (long long)best->id, best->fps, (unsigned long long)best->interval_cycles,
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
        if (bound > 0)
            printf("packing lower bound %.0f cycles (all MACs at their products per DSP over %d DSPs): "
                   "best is %.3fx the bound\n", bound, b.dsp, best->interval_cycles / bound);
        for (int i = 0; i < n_cchk; i++) /* -- cycle-level re-check (issue 3) -- */
            if (!cchk[i].ok)
                printf("cycle-level check of #%lld failed: %s\n", (long long)cchk[i].id, cchk[i].err);
            else
                printf("cycle-level check of #%lld: interval %llu cycles (analytic %llu, %+.2f%%), latency %llu (analytic %llu)\n",
                   (long long)cchk[i].id, (unsigned long long)cchk[i].interval_cycle,
                   (unsigned long long)cchk[i].interval_analytic, 100.0 * cchk[i].interval_rel,
                   (unsigned long long)cchk[i].latency_cycle, (unsigned long long)cchk[i].latency_analytic);
        table_print(&lt, FMT_TABLE, stdout);
        printf("\nPareto front, fps vs dsp (%zu designs%s):\n", json_array_size(front),
               o.top && (long)json_array_size(front) > o.top ? ", cheapest shown; --top 0 for all" : "");
        table_print(&ft, FMT_TABLE, stdout);
        printf("\nPareto front, fps vs bram18 (%zu designs%s):\n", json_array_size(front_bram),
               o.top && (long)json_array_size(front_bram) > o.top ? ", cheapest shown" : "");
        table_print(&fbt, FMT_TABLE, stdout);
        if (has_acc) {
            json_t *f3 = front3_json(&rows);
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
    results_free(&rows);
    store_close(st);
    space_free(&sp);
    design_free(&base);
    net_free(&n);
    free(args);
    return rc;
}
