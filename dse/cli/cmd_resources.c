/* cmd_resources.c: `tf2sim resources` — the per-layer resource table of one design. */
#include <getopt.h>
#include <math.h>
#include <string.h>

#include "cli.h"
#include "evaluate/evaluate.h"

static const char HELP[] =
    "usage: tf2sim resources --net NET --fold FILE [--target rtl|mixq-hls] [--device D] [--format table|json|csv]\n"
    "  DSP, BRAM18 (M20K on Intel devices), LUT and FF per layer and in total, from the resource\n"
    "  model the sweep uses (README: Resource model), with the budget use of the device.\n"
    "  --target  build the dataflow design with the MixQ HLS templates or tf2sim's RTL compute unit\n"
    "            (default: the fold file's \"target\", else mixq-hls)\n";

/* A predicted period in ns (3 decimals), null where no model predicts one. */
static json_t *period_json(double ns) { return ns > 0 ? json_real(round(ns * 1000) / 1000) : json_null(); }

int cmd_resources(int argc, char **argv)
{
    static const struct option opts[] = {{"net", required_argument, 0, 'n'}, {"fold", required_argument, 0, 'f'},
                                         {"device", required_argument, 0, 'd'}, {"format", required_argument, 0, 'o'},
                                         {"target", required_argument, 0, 't'},
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *netname = NULL, *fold = NULL, *devname = "ultra96v2";
    build_target target = TARGET_MIXQ_HLS;
    bool target_given = false;
    out_format fmt = FMT_TABLE;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n': netname = optarg; break;
        case 'f': fold = optarg; break;
        case 'd': devname = optarg; break;
        case 'o': if (cli_parse_format(optarg, &fmt)) return cli_failf("--format: '%s' is not one of table, json, csv", optarg); break;
        case 't':
            if (target_parse(optarg, &target))
                return cli_failf("--target: '%s' is not one of rtl, mixq-hls", optarg);
            target_given = true;
            break;
        case 'h': fputs(HELP, stdout); return 0;
        default: return cli_failf("resources: unknown or incomplete option '%s' (tf2sim resources --help)", argv[optind - 1]);
        }
    }
    if (!netname || !fold)
        return cli_failf("resources: --net NET and --fold FILE are required");
    tf_err e;
    net n;
    device dv;
    design ds;
    if (net_load_named(&n, netname, &e))
        return cli_fail(&e);
    if (device_load_named(&dv, devname, &e) || design_load_fold(&ds, &n, &dv, fold, &e)) {
        net_free(&n);
        return cli_fail(&e);
    }
    if (target_given)
        ds.target = target;
    budget b;
    budget_from_device(&b, &dv);
    evaluation ev;
    int rc = evaluate_analytic(&n, &ds, &dv, &b, &ev, &e);
    if (rc) {
        if (rc > 0)
            evaluation_free(&ev);
        design_free(&ds);
        net_free(&n);
        return cli_fail(&e);
    }
    static const char *head[] = {"layer", "op", "w/a", "simd", "pe", "schedule", "dsp", "bram18", "weight_bram",
                                 "linebuf_bram", "fifo_bram", "lut", "ff"};
    out_table t;
    table_init(&t, 13, head);
    json_t *arr = json_array();
    for (int i = 0; i < n.n_layers; i++) {
        const layer *l = &n.layers[i];
        const layer_res *r = &ev.r.layers[i];
        bool folded = layer_is_compute(l) && ds.arch == ARCH_DATAFLOW;
        const layer_fold *f = &ds.fold[i];
        char bits[16] = "-", simd[16] = "-", pe[16] = "-", sched[24] = "-";
        if (layer_is_compute(l))
            snprintf(bits, sizeof bits, "%d/%d", l->wbits, l->abits);
        if (folded) {
            snprintf(simd, sizeof simd, "%d", f->simd);
            snprintf(pe, sizeof pe, "%d", f->pe);
            snprintf(sched, sizeof sched, "%s%s", schedule_name(f->sched), f->lut_mult ? "+lut" : "");
        }
        table_addf(&t, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%d\t%d\t%d\t%ld\t%ld", l->name, op_name(l->op), bits, simd, pe,
                   sched, r->dsp, r->bram18, r->weight_bram, r->linebuf_bram, r->fifo_bram, r->lut, r->ff);
        json_array_append_new(arr, json_pack("{s:s,s:s,s:i,s:i,s:i,s:i,s:i,s:I,s:I}", "layer", l->name, "op",
                                             op_name(l->op), "dsp", r->dsp, "bram18", r->bram18, "weight_bram",
                                             r->weight_bram, "linebuf_bram", r->linebuf_bram, "fifo_bram", r->fifo_bram,
                                             "lut", (json_int_t)r->lut, "ff", (json_int_t)r->ff));
        json_object_set_new(json_array_get(arr, (size_t)i), "period_ns", period_json(r->period_ns));
    }
    if (fmt == FMT_JSON) {
        json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:o,s:{s:i,s:i,s:I,s:I},s:{s:i,s:i,s:I,s:I},s:b}", "net", n.name, "device",
                              dv.name, "arch", arch_name(ds.arch), "target", target_name(ds.target), "layers", arr, "total", "dsp", ev.r.dsp, "bram18",
                              ev.r.bram18, "lut", (json_int_t)ev.r.lut, "ff", (json_int_t)ev.r.ff, "device_total",
                              "dsp", dv.dsp, "bram18", dv.mem_blocks, "lut", (json_int_t)dv.lut, "ff", (json_int_t)dv.ff,
                              "fits", ev.feasible);
        json_object_set_new(json_object_get(j, "total"), "period_ns", period_json(ev.r.period_ns));
        json_print(j, stdout);
        json_decref(j);
    } else {
        json_decref(arr);
        table_print(&t, fmt, stdout);
        if (fmt == FMT_TABLE)
            printf("\ntotal: dsp %d of %d (%.0f%%), %s %d of %d (%.0f%%), lut %ld of %ld (%.0f%%), ff %ld of %ld "
                   "(%.0f%%)%s\n", ev.r.dsp, dv.dsp, 100.0 * ev.r.dsp / dv.dsp, mem_kind_name(dv.mem_type), ev.r.bram18,
                   dv.mem_blocks, 100.0 * ev.r.bram18 / dv.mem_blocks, ev.r.lut, dv.lut, 100.0 * ev.r.lut / dv.lut,
                   ev.r.ff, dv.ff, 100.0 * ev.r.ff / dv.ff, ev.feasible ? "" : "  -- does NOT fit the device");
        if (fmt == FMT_TABLE && ev.r.period_ns > 0)
            printf("clock: %.2f ns predicted (%.0f MHz), the slowest layer's\n", ev.r.period_ns, 1000.0 / ev.r.period_ns);
    }
    table_free(&t);
    evaluation_free(&ev);
    design_free(&ds);
    net_free(&n);
    return 0;
}
