/* cmd_sim.c: `tf2sim sim` — run one design through the cycle-level model: per-layer
 * cycles and stall counters, latency, interval, fps; optional VCD; stored like a sweep. */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "analytic/gen_stages.h"
#include "blocks/engine_plan.h"
#include "cli.h"
#include "search/simulate.h"

static const char HELP[] =
    "usage: tf2sim sim --net NET [--arch engine|dataflow] [options]\n"
    "  --net NET          zoo name or JSON file (tf2sim nets lists the zoo)\n"
    "  --arch A           dataflow (default) or engine (TF2)\n"
    "  --device D         zoo name or JSON file (default ultra96v2; f10a for the engine)\n"
    "  --engine E         engine config name or file (configs/engines/; default tf2_f10a)\n"
    "  --fold F           fold file or name (configs/folds/), or auto: the best design of a\n"
    "                     frontier search under the device budget (default for dataflow)\n"
    "  --bits W/A         every (non-fixed) layer at W-bit weights, A-bit activations (1..8)\n"
    "  --bitw DIGITS      one weight-bit digit per compute layer, e.g. 844444448\n"
    "  --bita DIGITS      one activation-bit digit per compute layer\n"
    "  --clock MHz        fabric clock (default: the fold's, else the device's)\n"
    "  --fifo-depth N     dataflow inter-layer FIFO depth in words (>= 1; default the fold's, 128)\n"
    "  --target T         dataflow build target for the resources: mixq-hls or rtl (default: the fold\n"
    "                     file's; for --fold auto, mixq-hls when its templates build the net, else rtl)\n"
    "  --frames N         frames simulated (1..1000; default: engine 2; dataflow 8, doubled\n"
    "                     until every layer's period equals the interval, at most 64)\n"
    "  --trace FILE.vcd   VCD of block activity (GTKWave)\n"
    "  --trace-window A:B cycles traced (default 0:200000)\n"
    "  --db FILE          results database (default results.db; 'none' to skip)\n"
    "  --format F         table | json | csv (default table)\n";

typedef struct sim_opts {
    sim_request rq;
    out_format fmt;
} sim_opts;

static int parse_window(const char *s, uint64_t *a, uint64_t *b, tf_err *e)
{
    unsigned long long x, y;
    int n = 0;
    if (sscanf(s, "%llu:%llu%n", &x, &y, &n) != 2 || s[n] != '\0' || y < x)
        return tf_errf(e, "--trace-window: '%s' must be FROM:TO cycles with FROM <= TO, e.g. 0:100000", s);
    *a = x;
    *b = y;
    return 0;
}

static int parse(int argc, char **argv, sim_opts *o, tf_err *e)
{
    static const struct option opts[] = {
        {"net", required_argument, 0, 'n'},    {"arch", required_argument, 0, 'A'},
        {"device", required_argument, 0, 'D'}, {"engine", required_argument, 0, 'E'},
        {"fold", required_argument, 0, 'F'},   {"bits", required_argument, 0, 'B'},
        {"bitw", required_argument, 0, 'w'},   {"bita", required_argument, 0, 'a'},
        {"clock", required_argument, 0, 'c'},  {"fifo-depth", required_argument, 0, 'q'},
        {"frames", required_argument, 0, 'r'}, {"trace", required_argument, 0, 't'},
        {"trace-window", required_argument, 0, 'W'}, {"db", required_argument, 0, 'o'},
        {"format", required_argument, 0, 'f'}, {"target", required_argument, 0, 'G'},
        {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    memset(o, 0, sizeof *o);
    sim_request_defaults(&o->rq);
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n': o->rq.net = optarg; break;
        case 'A':
            if (strcmp(optarg, "engine") == 0) o->rq.arch = ARCH_ENGINE;
            else if (strcmp(optarg, "dataflow") == 0) o->rq.arch = ARCH_DATAFLOW;
            else return tf_errf(e, "--arch: '%s' is not one of engine, dataflow", optarg);
            o->rq.arch_given = true;
            break;
        case 'D': o->rq.device = optarg; break;
        case 'E': o->rq.engine = optarg; break;
        case 'F': o->rq.fold = optarg; break;
        case 'B': if (cli_parse_bits(optarg, &o->rq.wbits, &o->rq.abits, e)) return -1; break;
        case 'w': o->rq.bitw = optarg; break;
        case 'a': o->rq.bita = optarg; break;
        case 'c': if (cli_parse_double("--clock", optarg, 1, 2000, &o->rq.clock, e)) return -1; break;
        case 'q': if (cli_parse_long("--fifo-depth", optarg, 1, 1 << 20, &o->rq.fifo_depth, e)) return -1; break;
        case 'G':
            if (target_parse(optarg, &o->rq.target))
                return tf_errf(e, "--target: '%s' is not one of mixq-hls, rtl", optarg);
            o->rq.target_given = true;
            break;
        case 'r': if (cli_parse_long("--frames", optarg, 1, 1000, &o->rq.frames, e)) return -1; break;
        case 't': o->rq.trace = optarg; break;
        case 'W': if (parse_window(optarg, &o->rq.trace_from, &o->rq.trace_to, e)) return -1; break;
        case 'o': o->rq.db = optarg; break;
        case 'f':
            if (cli_parse_format(optarg, &o->fmt))
                return tf_errf(e, "--format: '%s' is not one of table, json, csv", optarg);
            break;
        case 'h': fputs(HELP, stdout); return 1;
        default:
            return tf_errf(e, "sim: unknown or incomplete option '%s' (tf2sim sim --help)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return tf_errf(e, "sim: unexpected argument '%s'", argv[optind]);
    if (!o->rq.net)
        return tf_errf(e, "sim: --net is required (tf2sim nets lists the zoo)");
    if (o->rq.wbits && (o->rq.bitw || o->rq.bita))
        return tf_errf(e, "sim: give --bits or --bitw/--bita, not both");
    return 0;
}

static const char *const STALL_KEYS[] = {"stall_filter", "stall_feature", "stall_fifo_full", "stall_fifo_empty"};

static uint64_t stall_of(const layer_perf *lp, int k)
{
    switch (k) {
    case 0: return lp->stall_filter;
    case 1: return lp->stall_feature;
    case 2: return lp->stall_fifo_full;
    default: return lp->stall_fifo_empty;
    }
}

static const char *layer_name_or_input(const net *n, int i)
{
    return i < 0 ? "input" : n->layers[i].name;
}

static void print_result(const sim_opts *o, const net *n, const device *dv, const design *ds, const evaluation *ev,
                         const perf *an, const cycle_fifos *fq, int64_t design_id)
{
    const perf *p = &ev->p;
    if (o->fmt == FMT_JSON) {
        json_t *layers = json_array();
        for (int i = 0; i < n->n_layers; i++) {
            const layer *l = &n->layers[i];
            const layer_perf *lp = &p->layers[i];
            uint64_t total = lp->cycles;
            json_t *jl = json_pack("{s:s,s:s,s:I,s:I,s:f,s:i,s:i,s:I}", "name", l->name, "op", op_name(l->op), "cycles",
                                   (json_int_t)lp->cycles, "compute_cycles", (json_int_t)lp->cycles, "pe_util",
                                   lp->pe_util, "dsp", ev->r.layers[i].dsp, "bram18", ev->r.layers[i].bram18,
                                   "fill_cycles", (json_int_t)lp->fill_cycles);
            for (int k = 0; k < 4; k++) {
                json_object_set_new(jl, STALL_KEYS[k], json_integer((json_int_t)stall_of(lp, k)));
                total += stall_of(lp, k);
            }
            json_object_set_new(jl, "total_cycles", json_integer((json_int_t)total));
            if (an)
                json_object_set_new(jl, "analytic_cycles", json_integer((json_int_t)an->layers[i].cycles));
            if (layer_is_compute(l) && ds->arch == ARCH_DATAFLOW) {
                json_object_set_new(jl, "simd", json_integer(ds->fold[i].simd));
                json_object_set_new(jl, "pe", json_integer(ds->fold[i].pe));
                json_object_set_new(jl, "schedule", json_string(schedule_name(ds->fold[i].sched)));
            }
            gen_stages_json_add(jl, n, ds, i);
            json_array_append_new(layers, jl);
        }
        json_t *j = json_pack("{s:s,s:s,s:s,s:f,s:i,s:I,s:I,s:f,s:i,s:i,s:I,s:I,s:s,s:o}", "net", n->name, "device",
                              dv->name, "arch", arch_name(ds->arch), "clock_mhz", ds->clock_mhz, "frames",
                              ev->frames, "interval_cycles", (json_int_t)p->interval_cycles, "latency_cycles",
                              (json_int_t)p->latency_cycles, "fps", p->fps, "dsp", ev->r.dsp, "bram18", ev->r.bram18,
                              "lut", (json_int_t)ev->r.lut, "ff", (json_int_t)ev->r.ff, "slowest",
                              n->layers[p->slowest].name, "layers", layers);
        json_object_set_new(j, "feasible", json_boolean(ev->feasible));
        gen_bottleneck_json_add(j, n, ds, p->slowest, p->layers[p->slowest].cycles);
        if (ds->arch == ARCH_DATAFLOW) {
            json_object_set_new(j, "fifo_depth", json_integer(ds->fifo_depth));
            json_t *jf = json_array();
            for (int i = 0; i < fq->n; i++) {
                const fifo_report *r = &fq->f[i];
                json_array_append_new(jf, json_pack("{s:s,s:s,s:I,s:I,s:f,s:I,s:I}", "from",
                                                    layer_name_or_input(n, r->producer), "to",
                                                    layer_name_or_input(n, r->consumer), "capacity_pixels",
                                                    (json_int_t)r->s.cap, "max_pixels", (json_int_t)r->s.max_count,
                                                    "avg_pixels", r->s.avg_count, "full_cycles",
                                                    (json_int_t)r->s.full_cycles, "empty_cycles",
                                                    (json_int_t)r->s.empty_cycles));
            }
            json_object_set_new(j, "fifos", jf);
        } else {
            json_object_set_new(j, "engine", json_string(ds->eng.name));
            engine_plan pl;
            tf_err pe;
            if (engine_plan_build(n, &ds->eng, &pl, &pe) == 0) {
                json_object_set_new(j, "feature_cache_needed_bytes", json_integer((json_int_t)pl.feature_cache_needed));
                json_object_set_new(j, "filter_cache_needed_bytes", json_integer((json_int_t)pl.filter_cache_needed));
                engine_plan_free(&pl);
            }
        }
        if (an)
            json_object_set_new(j, "analytic", json_pack("{s:I,s:I}", "interval_cycles",
                                                          (json_int_t)an->interval_cycles, "latency_cycles",
                                                          (json_int_t)an->latency_cycles));
        if (design_id)
            json_object_set_new(j, "design_id", json_integer((json_int_t)design_id));
        if (o->rq.trace)
            json_object_set_new(j, "trace", json_string(o->rq.trace));
        json_print(j, stdout);
        json_decref(j);
        return;
    }
    static const char *head[] = {"layer", "op", "compute", "filter_wait", "feature_wait", "fifo_full", "fifo_empty",
                                 "total", "pe_util", "dsp", "bram18"};
    out_table t;
    table_init(&t, 11, head);
    for (int i = 0; i < n->n_layers; i++) {
        const layer_perf *lp = &p->layers[i];
        uint64_t total = lp->cycles + lp->stall_filter + lp->stall_feature + lp->stall_fifo_full + lp->stall_fifo_empty;
        table_addf(&t, "%s\t%s\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%" PRIu64 "\t%.3f\t%d\t%d",
                   n->layers[i].name, op_name(n->layers[i].op), lp->cycles, lp->stall_filter, lp->stall_feature,
                   lp->stall_fifo_full, lp->stall_fifo_empty, total, lp->pe_util, ev->r.layers[i].dsp,
                   ev->r.layers[i].bram18);
    }
    if (o->fmt == FMT_CSV) {
        table_print(&t, FMT_CSV, stdout);
        table_free(&t);
        return;
    }
    printf("sim %s on %s, %s", n->name, dv->name, arch_name(ds->arch));
    if (ds->arch == ARCH_ENGINE)
        printf(" (engine %s: %dx%dx%dx%d, DDR %g B/cycle)", ds->eng.name, ds->eng.n_vector, ds->eng.c_vector,
               ds->eng.ow_vector, ds->eng.fw_vector, ds->eng.ddr_bytes_per_cycle);
    else
        printf(" (fifo depth %d)", ds->fifo_depth);
    printf(", %.2f MHz, %d frames (%" PRIu64 " cycles simulated)\n", ds->clock_mhz, ev->frames, ev->sim_cycles);
    table_print(&t, FMT_TABLE, stdout);
    table_free(&t);
    if (ds->arch == ARCH_DATAFLOW && fq->n) {
        static const char *fhead[] = {"fifo", "capacity", "max", "avg", "full_cycles", "empty_cycles"};
        out_table ft;
        table_init(&ft, 6, fhead);
        for (int i = 0; i < fq->n; i++) {
            const fifo_report *r = &fq->f[i];
            table_addf(&ft, "%s -> %s\t%" PRIu64 "\t%" PRIu64 "\t%.1f\t%" PRIu64 "\t%" PRIu64,
                       layer_name_or_input(n, r->producer), layer_name_or_input(n, r->consumer), r->s.cap,
                       r->s.max_count, r->s.avg_count, r->s.full_cycles, r->s.empty_cycles);
        }
        printf("\nFIFOs over the whole run (pixels; %d words of the producer's lanes each):\n", ds->fifo_depth);
        table_print(&ft, FMT_TABLE, stdout);
        table_free(&ft);
    }
    int bl;
    const char *bstage = gen_bottleneck(n, ds, p->slowest, &bl);
    printf("\ninterval %" PRIu64 " cycles (%.2f fps), first-frame latency %" PRIu64 " cycles (%.3f ms); bottleneck %s"
           "%s%s%s\n", p->interval_cycles, p->fps, p->latency_cycles, (double)p->latency_cycles / (ds->clock_mhz * 1e3),
           n->layers[bl].name, bstage ? " (stage " : "", bstage ? bstage : "", bstage ? ")" : "");
    if (an)
        printf("analytic: interval %" PRIu64 ", latency %" PRIu64 "\n", an->interval_cycles, an->latency_cycles);
    printf("resources: dsp %d, bram18 %d, lut %ld, ff %ld (%s %s)\n", ev->r.dsp, ev->r.bram18, ev->r.lut, ev->r.ff,
           ev->feasible ? "fits" : "exceeds", dv->name);
    engine_plan pl;
    tf_err pe;
    if (ds->arch == ARCH_ENGINE && engine_plan_build(n, &ds->eng, &pl, &pe) == 0) {
        printf("caches: feature %llu bytes needed (%d pages of %llu; engine %s has %ld), filter %llu bytes per PE "
               "needed (has %ld)\n", (unsigned long long)pl.feature_cache_needed, pl.pages,
               (unsigned long long)pl.page_bytes, ds->eng.name, ds->eng.feature_cache_bytes,
               (unsigned long long)pl.filter_cache_needed, ds->eng.filter_cache_bytes);
        engine_plan_free(&pl);
    }
    if (design_id)
        printf("stored as design #%lld in %s\n", (long long)design_id, o->rq.db);
    if (o->rq.trace)
        printf("trace: %s (cycles %" PRIu64 "..%" PRIu64 ")\n", o->rq.trace, o->rq.trace_from, o->rq.trace_to);
}

int cmd_sim(int argc, char **argv)
{
    sim_opts o;
    tf_err e;
    int prc = parse(argc, argv, &o, &e);
    if (prc)
        return prc == 1 ? 0 : cli_fail(&e);
    char *args = cli_join_args(argc, argv);
    o.rq.args = args;
    sim_result r;
    int rc = sim_run(&o.rq, &r, &e);
    if (rc == 0)
        print_result(&o, &r.n, &r.dv, &r.ds, &r.ev, r.have_an ? &r.an : NULL, &r.fq, r.design_id);
    else
        cli_fail(&e);
    sim_result_free(&r);
    free(args);
    return rc ? 2 : 0;
}
