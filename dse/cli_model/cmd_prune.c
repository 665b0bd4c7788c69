/* cmd_prune.c: `tf2sim prune` — L1-norm filter pruning of conv layers (sim/transform/prune.h). */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "net/config_path.h"
#include "transform/net_write.h"
#include "transform/prune.h"

static const char PRUNE_HELP[] =
    "usage: tf2sim prune --net NET [--weights DIR] --ratio R --out DIR [--layers a,b,...] [--name NAME]\n"
    "                    [--format table|json|csv]\n"
    "  Removes from each conv layer the floor(R*cout) filters with the smallest L1 norms (ties: lower\n"
    "  index first), and the matching input channels of the layers that read them (through max/avg\n"
    "  pools, gap, concat and depthwise convs; an fc loses those channels' columns). One shot, no\n"
    "  retraining.\n"
    "  --weights DIR  the net's float weights (<layer>_w.npy, _b.npy; default configs/models/NET/)\n"
    "  --ratio R      fraction of filters removed, 0 < R < 1\n"
    "  --layers LIST  only these convs (an error if one cannot be pruned); default: every conv that\n"
    "                 can be (convs feeding add or reorg, grouped/depthwise convs and net outputs\n"
    "                 are skipped)\n"
    "  --out DIR      writes DIR/NAME.json and the pruned weights DIR/<layer>_w.npy, _b.npy\n"
    "  --name NAME    the pruned net's name (default NET_pRR, e.g. fmnist_cnn_p50)\n"
    "Then: tf2sim accuracy --net DIR/NAME.json --weights DIR; tf2sim sweep --net DIR/NAME.json ...\n";

int cmd_prune(int argc, char **argv)
{
    static const struct option opts[] = {
        {"net", required_argument, 0, 'n'},    {"weights", required_argument, 0, 'w'},
        {"ratio", required_argument, 0, 'r'},  {"layers", required_argument, 0, 'l'},
        {"out", required_argument, 0, 'o'},    {"name", required_argument, 0, 'N'},
        {"format", required_argument, 0, 'f'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *net_name = NULL, *wdir = NULL, *layers = NULL, *out = NULL, *name = NULL, *ratio_s = NULL;
    out_format fmt = FMT_TABLE;
    tf_err e;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n': net_name = optarg; break;
        case 'w': wdir = optarg; break;
        case 'r': ratio_s = optarg; break;
        case 'l': layers = optarg; break;
        case 'o': out = optarg; break;
        case 'N': name = optarg; break;
        case 'f':
            if (cli_parse_format(optarg, &fmt))
                return cli_failf("--format: '%s' is not one of table, json, csv", optarg);
            break;
        case 'h': fputs(PRUNE_HELP, stdout); return 0;
        default: fputs(PRUNE_HELP, stderr); return 2;
        }
    }
    if (optind < argc)
        return cli_failf("prune: unexpected argument '%s'", argv[optind]);
    if (!net_name || !ratio_s || !out)
        return cli_failf("prune: --net, --ratio and --out are required (see tf2sim prune --help)");
    double ratio;
    if (cli_parse_double("--ratio", ratio_s, 0, 1, &ratio, &e))
        return cli_fail(&e);
    net n;
    if (net_load_named(&n, net_name, &e))
        return cli_fail(&e);
    /* Default: the net's committed weights (configs/models/<net>/). */
    char default_wdir[1024];
    if (!wdir) {
        config_model_dir(n.name, default_wdir, sizeof default_wdir);
        if (access(default_wdir, R_OK) != 0) {
            net_free(&n);
            return cli_failf("%s: no --weights given and no committed weights for net %s in %s", "prune", n.name,
                             default_wdir);
        }
        wdir = default_wdir;
    }
    char nm[NET_NAME_MAX + 16];
    if (name)
        snprintf(nm, sizeof nm, "%s", name);
    else
        snprintf(nm, sizeof nm, "%.50s_p%02d", n.name, (int)(ratio * 100 + 0.5));
    if (!nm[0] || strlen(nm) >= NET_NAME_MAX || strchr(nm, '/')) {
        net_free(&n);
        return cli_failf("--name: '%s' must be 1..%d characters without '/'", nm, NET_NAME_MAX - 1);
    }
    float_weights fw;
    if (float_weights_load_npy(&fw, &n, wdir, &e)) {
        net_free(&n);
        return cli_fail(&e);
    }
    prune_result r;
    int rc = 2;
    char *text = NULL;
    if (prune_l1(&n, &fw, ratio, layers, &r, &e)) {
        float_weights_free(&fw);
        net_free(&n);
        return cli_fail(&e);
    }
    snprintf(r.n.name, sizeof r.n.name, "%s", nm);
    char desc[600], src[600], json_path[1100];
    snprintf(desc, sizeof desc, "%s with L1-norm filter pruning, ratio %g (tf2sim prune; one shot, not retrained)",
             n.name, ratio);
    snprintf(src, sizeof src, "tf2sim prune --net %s --weights %s --ratio %s%s%s", net_name, wdir, ratio_s,
             layers ? " --layers " : "", layers ? layers : "");
    snprintf(json_path, sizeof json_path, "%s/%s.json", out, nm);
    net_text nt = {.description = desc, .source = src};
    out_stage st;
    out_stage_init(&st);
    int made = 0;
    if (!(text = net_to_json(&r.n, &nt, &e)) || make_dirs(out, &made, &e) ||
        out_stage_float_weights(&st, &r.n, &r.fw, out, &e) || out_stage_text(&st, json_path, text, &e) ||
        out_stage_commit(&st, &e)) {
        out_stage_free(&st);
        if (made)
            rmdir(out);
        cli_fail(&e);
        goto done;
    }
    out_stage_free(&st);

    if (fmt == FMT_JSON) {
        json_t *arr = json_array();
        for (int i = 0; i < n.n_layers; i++) {
            const layer *a = &n.layers[i], *b = &r.n.layers[i];
            if (!layer_is_compute(a))
                continue;
            json_t *jl = json_pack("{s:s,s:s,s:i,s:i,s:I,s:I,s:b}", "layer", a->name, "op", op_name(a->op),
                                   "cout_before", a->cout, "cout_after", b->cout, "macs_before", (json_int_t)a->macs,
                                   "macs_after", (json_int_t)b->macs, "pruned", r.info[i].pruned);
            if (r.info[i].skipped[0])
                json_object_set_new(jl, "skipped", json_string(r.info[i].skipped));
            json_array_append_new(arr, jl);
        }
        json_t *j = json_pack("{s:s,s:s,s:s,s:f,s:I,s:I,s:I,s:I,s:o}", "net", n.name, "pruned_net", nm, "json",
                              json_path, "ratio", ratio, "macs_before", (json_int_t)n.macs, "macs_after",
                              (json_int_t)r.n.macs, "weights_before", (json_int_t)n.weights, "weights_after",
                              (json_int_t)r.n.weights, "layers", arr);
        json_print(j, stdout);
        json_decref(j);
    } else {
        static const char *head[] = {"layer", "op", "cout", "cin", "macs", "note"};
        out_table t;
        table_init(&t, 6, head);
        for (int i = 0; i < n.n_layers; i++) {
            const layer *a = &n.layers[i], *b = &r.n.layers[i];
            if (!layer_is_compute(a))
                continue;
            table_addf(&t, "%s\t%s\t%d -> %d\t%d -> %d\t%llu -> %llu\t%s", a->name, op_name(a->op), a->cout, b->cout,
                       a->cin, b->cin, (unsigned long long)a->macs, (unsigned long long)b->macs,
                       r.info[i].pruned ? "pruned" : r.info[i].skipped[0] ? r.info[i].skipped : "");
        }
        table_print(&t, fmt, stdout);
        table_free(&t);
        if (fmt == FMT_TABLE)
            printf("%s -> %s: MACs %llu -> %llu (%.1f%%), weights %llu -> %llu; wrote %s and its weights in %s\n",
                   n.name, nm, (unsigned long long)n.macs, (unsigned long long)r.n.macs,
                   100.0 * (double)r.n.macs / (double)n.macs, (unsigned long long)n.weights,
                   (unsigned long long)r.n.weights, json_path, out);
    }
    rc = 0;
done:
    free(text);
    prune_result_free(&r);
    float_weights_free(&fw);
    net_free(&n);
    return rc;
}
