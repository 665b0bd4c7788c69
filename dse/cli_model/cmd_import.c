/* cmd_import.c: `tf2sim import MODEL.onnx --out NET.json [--weights DIR] [--name NAME]`. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "transform/net_write.h"
#include "transform/onnx_import.h"

static const char IMPORT_HELP[] =
    "usage: tf2sim import MODEL.onnx --out NET.json [--weights DIR] [--name NAME] [--format table|json|csv]\n"
    "  Reads an ONNX model and writes it as a tf2sim net (configs/nets/README.md); with --weights,\n"
    "  also its float weights as DIR/<layer>_w.npy and _b.npy (the layout of configs/models/fmnist_cnn/,\n"
    "  read by `tf2sim accuracy --net NET.json --weights DIR`).\n"
    "  Ops: Conv, Gemm, MatMul, MaxPool, AveragePool, GlobalAveragePool, Add, Concat; Relu and\n"
    "  Clip(min 0) become the producer's relu flag; BatchNormalization and constant Adds are folded\n"
    "  into the Conv/Gemm before them; Flatten/Reshape before an fc, Dropout, Identity and a final\n"
    "  Softmax vanish. Any other op is an error naming the node.\n"
    "  --name NAME   net name (default: the file name of --out without .json)\n"
    "Nothing is written unless the whole import succeeds.\n";

static void stem(const char *path, char *out, size_t cap)
{
    const char *b = strrchr(path, '/');
    b = b ? b + 1 : path;
    snprintf(out, cap, "%s", b);
    size_t n = strlen(out);
    if (n > 5 && strcmp(out + n - 5, ".json") == 0)
        out[n - 5] = '\0';
}

int cmd_import(int argc, char **argv)
{
    static const struct option opts[] = {{"out", required_argument, 0, 'o'},     {"weights", required_argument, 0, 'w'},
                                         {"name", required_argument, 0, 'n'},    {"format", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    const char *out = NULL, *wdir = NULL, *name = NULL;
    out_format fmt = FMT_TABLE;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'o': out = optarg; break;
        case 'w': wdir = optarg; break;
        case 'n': name = optarg; break;
        case 'f':
            if (cli_parse_format(optarg, &fmt))
                return cli_failf("--format: '%s' is not one of table, json, csv", optarg);
            break;
        case 'h': fputs(IMPORT_HELP, stdout); return 0;
        default: fputs(IMPORT_HELP, stderr); return 2;
        }
    }
    if (optind + 1 != argc)
        return cli_failf("import: give exactly one MODEL.onnx (see tf2sim import --help)");
    if (!out)
        return cli_failf("import: --out NET.json is required");
    const char *model = argv[optind];
    char nm[NET_NAME_MAX + 8];
    if (name)
        snprintf(nm, sizeof nm, "%s", name);
    else
        stem(out, nm, sizeof nm);
    if (!nm[0] || strlen(nm) >= NET_NAME_MAX)
        return cli_failf("--name: '%s' must be 1..%d characters", nm, NET_NAME_MAX - 1);

    tf_err e;
    onnx_result r;
    if (onnx_import_file(model, nm, &r, &e))
        return cli_fail(&e);
    net_text nt = {.description = r.description, .source = r.source, .comments = (const char *const *)r.comments};
    char *text = net_to_json(&r.n, &nt, &e);
    if (!text) {
        onnx_result_free(&r);
        return cli_fail(&e);
    }
    out_stage st;
    out_stage_init(&st);
    int made = 0, rc = 2;
    if ((wdir && (make_dirs(wdir, &made, &e) || out_stage_float_weights(&st, &r.n, &r.fw, wdir, &e))) ||
        out_stage_text(&st, out, text, &e) || out_stage_commit(&st, &e)) {
        out_stage_free(&st);
        if (made)
            rmdir(wdir);
        cli_fail(&e);
        goto done;
    }
    out_stage_free(&st);
    /* What was written, read back the way every other command reads it. */
    net back;
    if (net_load(&back, out, &e)) {
        cli_fail(&e);
        goto done;
    }
    if (fmt == FMT_JSON) {
        json_t *arr = json_array();
        for (int i = 0; i < back.n_layers; i++) {
            const layer *l = &back.layers[i];
            json_array_append_new(arr, json_pack("{s:s,s:s,s:[i,i,i],s:[i,i,i],s:I,s:b}", "name", l->name, "op",
                                                 op_name(l->op), "in", l->cin, l->hin, l->win, "out", l->cout,
                                                 l->hout, l->wout, "macs", (json_int_t)l->macs, "relu", l->relu));
        }
        json_t *j = json_pack("{s:s,s:s,s:s,s:o,s:i,s:i,s:I,s:I,s:o}", "model", model, "net", back.name, "json", out,
                              "weights_dir", wdir ? json_string(wdir) : json_null(), "layers", back.n_layers,
                              "compute_layers", back.n_compute, "macs", (json_int_t)back.macs, "weights",
                              (json_int_t)back.weights, "layer_list", arr);
        json_print(j, stdout);
        json_decref(j);
    } else {
        static const char *head[] = {"layer", "op", "in", "out", "macs", "relu"};
        out_table t;
        table_init(&t, 6, head);
        for (int i = 0; i < back.n_layers; i++) {
            const layer *l = &back.layers[i];
            table_addf(&t, "%s\t%s\t%dx%dx%d\t%dx%dx%d\t%llu\t%s", l->name, op_name(l->op), l->cin, l->hin, l->win,
                       l->cout, l->hout, l->wout, (unsigned long long)l->macs, l->relu ? "yes" : "");
        }
        table_print(&t, fmt, stdout);
        table_free(&t);
        if (fmt == FMT_TABLE)
            printf("net %s: %d layers (%d compute), %llu MACs, %llu weights -> %s; weights: %s\n", back.name,
                   back.n_layers, back.n_compute, (unsigned long long)back.macs, (unsigned long long)back.weights,
                   out, wdir ? wdir : "not written (no --weights)");
    }
    net_free(&back);
    rc = 0;
done:
    free(text);
    onnx_result_free(&r);
    return rc;
}
