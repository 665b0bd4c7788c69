/* cmd_generate.c: `tf2sim generate` (a dataflow design as Verilog) and `tf2sim regress --net`
 * (that design on Verilator against the C models). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "generate/cosim.h"
#include "generate/generate.h"
#include "report/export.h"
#include "store/store.h"

static const char HELP_GEN[] =
    "usage: tf2sim generate --net NET (--fold FILE | --db DB --design ID) [--weights DIR] [--seed N]\n"
    "                       [--device D] [--fifo-depth N] --out DIR\n"
    "  Writes DIR/dataflow_top.v, a synthesisable Verilog top of the design built from rtl/ blocks\n"
    "  (one layer_unit per conv with its own PE, SIMD, bits, K and memories; maxpool; fifo),\n"
    "  the blocks it uses, the weight and BN ROM files (*.hex, $readmemh) from the iSmart-layout\n"
    "  weight set DIR or a random set seeded by --seed (default 1), a Verilator harness and\n"
    "  design.json. Folds the rtl target cannot build are refused with the reason.\n";

static const char HELP_REG[] =
    "usage: tf2sim regress --net NET --fold FILE [--weights DIR] [--frames N | --images DIR]\n"
    "                      [--fifo-depth N] [--seed N] [--cache DIR] [--fpga-boxes FILE] [--format table|json]\n"
    "  Generates the design (tf2sim generate), verilates it once per design hash under --cache\n"
    "  (default $TF2SIM_RTL_CACHE, else ./rtl_cache), streams N frames (default 2; random input\n"
    "  codes, or the .jpg images of --images) through it, through the C integer model and\n"
    "  through the C cycle-level model, and compares the last layer's outputs bit for bit,\n"
    "  the interval, the first-frame latency and every FIFO's full and empty cycles. With\n"
    "  --images on a detection net, the boxes decoded from the RTL's outputs, and with\n"
    "  --fpga-boxes FILE (a line per image id, images named <id>.jpg) the FPGA's for those ids.\n"
    "  exit status: 0 outputs and cycles equal, 1 a difference, 2 bad input\n";

typedef struct design_args {
    const char *net, *fold, *db, *device, *weights;
    long id, fifo_depth, seed;
} design_args;

#define DESIGN_OPTS                                                                                                   \
    {"net", required_argument, 0, 'n'}, {"fold", required_argument, 0, 'f'}, {"db", required_argument, 0, 'd'},       \
        {"design", required_argument, 0, 'i'}, {"weights", required_argument, 0, 'w'},                                \
        {"seed", required_argument, 0, 's'}, {"device", required_argument, 0, 'D'},                                   \
        {"fifo-depth", required_argument, 0, 'q'}

/* The options both commands take: 1 taken, 0 not one of them, -1 bad value. */
static int design_opt(int c, const char *arg, design_args *a, tf_err *e)
{
    switch (c) {
    case 'n': a->net = arg; return 1;
    case 'f': a->fold = arg; return 1;
    case 'd': a->db = arg; return 1;
    case 'i': return cli_parse_long("--design", arg, 1, 1L << 62, &a->id, e) ? -1 : 1;
    case 'w': a->weights = arg; return 1;
    case 's': return cli_parse_long("--seed", arg, 0, 4294967295L, &a->seed, e) ? -1 : 1;
    case 'D': a->device = arg; return 1;
    case 'q': return cli_parse_long("--fifo-depth", arg, 1, 1 << 20, &a->fifo_depth, e) ? -1 : 1;
    default: return 0;
    }
}

/* The net and design of --fold FILE or --db DB --design ID, with --fifo-depth applied. */
static int load_design(const design_args *a, net *n, device *dv, design *ds, tf_err *e)
{
    if (net_load_named(n, a->net, e))
        return -1;
    int rc;
    if (a->db) {
        store *st;
        char netname[64], devname[64];
        if (store_open_readonly(&st, a->db, e)) {
            net_free(n);
            return -1;
        }
        char *canon = export_design_json(st, a->id, netname, devname, sizeof netname, e);
        store_close(st);
        char where[64];
        snprintf(where, sizeof where, "%s design %ld", a->db, a->id);
        rc = !canon || device_load_named(dv, a->device ? a->device : devname, e) ||
             design_parse_fold(ds, n, dv, where, canon, e);
        free(canon);
    } else {
        rc = device_load_named(dv, a->device ? a->device : "ultra96v2", e) || design_load_fold(ds, n, dv, a->fold, e);
    }
    if (rc) {
        net_free(n);
        return -1;
    }
    ds->target = TARGET_RTL;
    if (a->fifo_depth)
        ds->fifo_depth = (int)a->fifo_depth;
    return 0;
}

int cmd_generate(int argc, char **argv)
{
    static const struct option opts[] = {DESIGN_OPTS, {"out", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    design_args a = {.seed = 1};
    const char *out = NULL;
    tf_err e;
    int c, t;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if ((t = design_opt(c, optarg, &a, &e)) != 0) {
            if (t < 0)
                return cli_fail(&e);
            continue;
        }
        switch (c) {
        case 'o': out = optarg; break;
        case 'h': fputs(HELP_GEN, stdout); return 0;
        default: return cli_failf("generate: unknown or incomplete option '%s' (tf2sim generate --help)", argv[optind - 1]);
        }
    }
    if (!a.net || !out || (!a.fold == !a.db) || (a.db && !a.id))
        return cli_failf("generate: --net NET, --out DIR and either --fold FILE or --db DB --design ID are required");
    net n;
    device dv;
    design ds;
    if (load_design(&a, &n, &dv, &ds, &e))
        return cli_fail(&e);
    gen_info g;
    int rc = generate_to_dir(&n, &ds, &dv, a.weights, (uint32_t)a.seed, out, &g, &e);
    if (rc == 0) {
        printf("wrote %s/dataflow_top.v: %s, %d layers, %d FIFO blocks, input %d bits/pixel, output %dx%dx%d at %d "
               "bits\n", out, n.name, n.n_layers, g.n_rtl_fifos, g.in_bits, g.out_c, g.out_h, g.out_w, g.out_chan_bits);
        gen_info_free(&g);
    }
    design_free(&ds);
    net_free(&n);
    return rc ? cli_fail(&e) : 0;
}

int cmd_regress_net(int argc, char **argv)
{
    static const struct option opts[] = {DESIGN_OPTS,
                                         {"frames", required_argument, 0, 'F'},  {"images", required_argument, 0, 'I'},
                                         {"cache", required_argument, 0, 'C'},   {"format", required_argument, 0, 'o'},
                                         {"fpga-boxes", required_argument, 0, 'B'},
                                         {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    design_args a = {.seed = 1};
    cosim_opts o = {.frames = 2, .seed = 1};
    long frames = 0;
    out_format fmt = FMT_TABLE;
    tf_err e;
    int c, taken;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if ((taken = design_opt(c, optarg, &a, &e)) != 0) {
            if (taken < 0)
                return cli_fail(&e);
            continue;
        }
        switch (c) {
        case 'F': if (cli_parse_long("--frames", optarg, 1, 1000, &frames, &e)) return cli_fail(&e); break;
        case 'I': o.images = optarg; break;
        case 'C': o.cache_dir = optarg; break;
        case 'B': o.fpga_boxes = optarg; break;
        case 'o':
            if (cli_parse_format(optarg, &fmt) || fmt == FMT_CSV)
                return cli_failf("--format: '%s' is not one of table, json", optarg);
            break;
        case 'h': fputs(HELP_REG, stdout); return 0;
        default: return cli_failf("regress: unknown or incomplete option '%s' (tf2sim regress --net --help)", argv[optind - 1]);
        }
    }
    if (!a.net || (!a.fold == !a.db) || (a.db && !a.id))
        return cli_failf("regress: --net NET and either --fold FILE or --db DB --design ID are required");
    if (frames && o.images)
        return cli_failf("regress: give --frames N or --images DIR, not both");
    if (o.fpga_boxes && !o.images)
        return cli_failf("regress: --fpga-boxes FILE compares the boxes of --images DIR");
    o.frames = frames ? (int)frames : o.images ? 0 : 2;
    o.seed = (uint32_t)a.seed;
    o.weights = a.weights;
    if (!o.cache_dir) {
        const char *env = getenv("TF2SIM_RTL_CACHE");
        o.cache_dir = env && *env ? env : "rtl_cache";
    }
    net n;
    device dv;
    design ds;
    if (load_design(&a, &n, &dv, &ds, &e))
        return cli_fail(&e);
    cosim_result r;
    int rc = cosim_run(&n, &ds, &dv, &o, &r, &e);
    design_free(&ds);
    net_free(&n);
    if (rc)
        return cli_fail(&e);
    if (fmt == FMT_JSON) {
        json_t *fifos = json_array();
        for (int i = 0; i < r.n_fifos; i++) {
            const cosim_fifo *q = &r.fifos[i];
            json_t *jq = json_pack("{s:s,s:I,s:b,s:I,s:I}", "name", q->name, "depth_pixels", (json_int_t)q->depth,
                                   "fifo_block", q->in_rtl, "c_full_cycles", (json_int_t)q->c_full, "c_empty_cycles",
                                   (json_int_t)q->c_empty);
            json_object_set_new(jq, "rtl_full_cycles", q->in_rtl ? json_integer((json_int_t)q->rtl_full) : json_null());
            json_object_set_new(jq, "rtl_empty_cycles", q->in_rtl ? json_integer((json_int_t)q->rtl_empty) : json_null());
            json_array_append_new(fifos, jq);
        }
        json_t *j = json_pack("{s:b,s:I,s:i,s:{s:I,s:I,s:f},s:{s:I,s:I,s:f,s:f},s:b,s:o,s:s}", "outputs_equal",
                              r.outputs_equal, "mismatches", (json_int_t)r.mismatches, "frames", r.frames, "c",
                              "interval_cycles", (json_int_t)r.c_interval, "latency_cycles", (json_int_t)r.c_latency,
                              "seconds", r.c_seconds, "rtl", "interval_cycles", (json_int_t)r.rtl_interval,
                              "latency_cycles", (json_int_t)r.rtl_latency, "seconds", r.rtl_seconds, "build_seconds",
                              r.build_seconds, "cycles_equal", r.cycles_equal, "fifos", fifos, "design_dir",
                              r.design_dir);
        if (r.boxes) {
            json_t *jb = json_array();
            for (int i = 0; i < r.n_boxes; i++) {
                const cosim_box *b = &r.boxes[i];
                json_t *o1 = json_pack("{s:s,s:[iiii]}", "image", b->image, "rtl", b->rtl.xmin, b->rtl.xmax, b->rtl.ymin,
                                       b->rtl.ymax);
                if (b->have_fpga) {
                    json_object_set_new(o1, "fpga", json_pack("[iiii]", b->fpga.xmin, b->fpga.xmax, b->fpga.ymin, b->fpga.ymax));
                    json_object_set_new(o1, "equal", json_boolean(b->equal));
                }
                json_array_append_new(jb, o1);
            }
            json_object_set_new(j, "boxes", jb);
            json_object_set_new(j, "boxes_equal_fpga", json_integer(r.boxes_equal));
        }
        json_print(j, stdout);
        json_decref(j);
    } else {
        for (int i = 0; i < r.n_boxes; i++) {
            const cosim_box *b = &r.boxes[i];
            printf("box %s: RTL [%d %d %d %d]", b->image, b->rtl.xmin, b->rtl.xmax, b->rtl.ymin, b->rtl.ymax);
            if (b->have_fpga)
                printf(", FPGA [%d %d %d %d] %s", b->fpga.xmin, b->fpga.xmax, b->fpga.ymin, b->fpga.ymax,
                       b->equal ? "equal" : "DIFFER");
            printf("\n");
        }
        static const char *head[] = {"fifo", "depth", "c_full", "rtl_full", "c_empty", "rtl_empty"};
        out_table t;
        table_init(&t, 6, head);
        for (int i = 0; i < r.n_fifos; i++) {
            const cosim_fifo *q = &r.fifos[i];
            char rf[32] = "(in buffer)", re[32] = "(in buffer)";
            if (q->in_rtl) {
                snprintf(rf, sizeof rf, "%llu", (unsigned long long)q->rtl_full);
                snprintf(re, sizeof re, "%llu", (unsigned long long)q->rtl_empty);
            }
            table_addf(&t, "%s\t%ld\t%llu\t%s\t%llu\t%s", q->name, q->depth, (unsigned long long)q->c_full, rf,
                       (unsigned long long)q->c_empty, re);
        }
        printf("design %s, %d frames\noutputs: %s (%ld values differ)\n", r.design_dir, r.frames,
               r.outputs_equal ? "equal" : "DIFFER", r.mismatches);
        printf("interval: C %llu, RTL %llu cycles\nlatency:  C %llu, RTL %llu cycles\n\n",
               (unsigned long long)r.c_interval, (unsigned long long)r.rtl_interval, (unsigned long long)r.c_latency,
               (unsigned long long)r.rtl_latency);
        table_print(&t, FMT_TABLE, stdout);
        printf("\nC model %.2f s, RTL %.2f s (build %.1f s); cycles %s\n", r.c_seconds, r.rtl_seconds, r.build_seconds,
               r.cycles_equal ? "equal" : "DIFFER");
        table_free(&t);
    }
    int checked = 0;
    for (int i = 0; i < r.n_boxes; i++)
        checked += r.boxes[i].have_fpga;
    int status = r.outputs_equal && r.cycles_equal && r.boxes_equal == checked ? 0 : 1;
    cosim_result_free(&r);
    return status;
}
