/* cmd_compress.c: `tf2sim compress --pow2` — INQ power-of-two weights, TF2's 4-bit file. */
#include <getopt.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "net/config_path.h"
#include "transform/compress.h"
#include "numerics/float_ref.h"
#include "transform/net_write.h"
#include "numerics/weights_ismart.h"

static const char COMPRESS_HELP[] =
    "usage: tf2sim compress --net NET --pow2 [--weights DIR] --out DIR [--levels 7] [--name NAME]\n"
    "                       [--format table|json|csv]\n"
    "  INQ power-of-two weights with TF2's rules (../shared/reference/tf2-engine.md 2.1-2.2): per\n"
    "  compute layer max_exp = floor(log2(4 max|w|/3)), levels exponents max_exp-levels+1..max_exp,\n"
    "  e = floor(log2(4|w|/3)), zero below 0.75*2^min_exp; the partition schedule 0.3/0.6/0.8/0.9/1.0\n"
    "  is the order in which weights are frozen. Nothing is retrained between the steps (INQ would\n"
    "  retrain the rest), so the result equals quantising all weights at once.\n"
    "  --weights DIR  float weights <layer>_w.npy/_b.npy (default configs/models/NET/), or an iSmart set\n"
    "                 (conv_0_w.bin ..., e.g. ../shared/data/ultranet-ismart/weight_4a4w)\n"
    "  --levels N     magnitudes per sign, 1..7 (default 7, all that 4-bit codes hold)\n"
    "  --out DIR      writes DIR/NAME.inq4 (the 4-bit packed weight file: per layer a record\n"
    "                 min_exp, type 0, N, C, H, W and the codes; a float bias record after it) and\n"
    "                 DIR/NAME_inq.json (the report); for float weights also DIR/NAME.json (pow2,\n"
    "                 4-bit weights) with the power-of-two weights DIR/<layer>_w.npy and biases\n"
    "  --name NAME    default NET_pow2\n"
    "Then: tf2sim accuracy --net DIR/NAME.json --weights DIR --float (float activations) or\n"
    "      --bitw 4 --bita 8 --pow2 (the integer model).\n";

static bool has_file(const char *dir, const char *name)
{
    char p[1200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return access(p, R_OK) == 0;
}

static json_t *report_json(const net *n, const inq_result *r, const char *file)
{
    json_t *arr = json_array(), *sched = json_array();
    for (int s = 0; s < INQ_STEPS; s++)
        json_array_append_new(sched, json_real(INQ_SCHEDULE[s]));
    for (int i = 0; i < n->n_layers; i++) {
        const inq_layer *q = &r->l[i];
        if (!q->done)
            continue;
        json_t *fr = json_array(), *me = json_array(), *h = json_object();
        for (int s = 0; s < INQ_STEPS; s++) {
            json_array_append_new(fr, json_integer((json_int_t)q->frozen[s]));
            json_array_append_new(me, json_integer(q->step_max_exp[s]));
        }
        for (int k = 0; k < 7; k++) {
            char key[8];
            snprintf(key, sizeof key, "%d", q->min_exp + k);
            json_object_set_new(h, key, json_integer((json_int_t)q->hist[k]));
        }
        json_t *used = q->e_lo <= q->e_hi ? json_pack("[i,i]", q->e_lo, q->e_hi) : json_null();
        json_array_append_new(arr, json_pack("{s:s,s:s,s:I,s:i,s:i,s:o,s:I,s:f,s:o,s:o,s:o}", "layer",
                                             n->layers[i].name, "op", op_name(n->layers[i].op), "weights",
                                             (json_int_t)q->n, "max_exp", q->max_exp, "min_exp", q->min_exp,
                                             "exp_used", used, "zeros", (json_int_t)q->zeros, "zero_fraction",
                                             q->n ? (double)q->zeros / (double)q->n : 0.0, "frozen_per_step", fr,
                                             "step_max_exp", me, "exp_histogram", h));
    }
    return json_pack("{s:s,s:i,s:o,s:b,s:s,s:s,s:I,s:o}", "net", n->name, "levels", r->levels, "schedule", sched,
                     "retrained", 0,
                     "note", "INQ schedule applied as the freezing order only; without retraining the result equals "
                             "one-shot power-of-two rounding",
                     "file", file, "file_bytes", (json_int_t)r->file_len, "layers", arr);
}

int cmd_compress(int argc, char **argv)
{
    static const struct option opts[] = {
        {"net", required_argument, 0, 'n'},  {"weights", required_argument, 0, 'w'},
        {"pow2", no_argument, 0, 'P'},       {"levels", required_argument, 0, 'L'},
        {"out", required_argument, 0, 'o'},  {"name", required_argument, 0, 'N'},
        {"format", required_argument, 0, 'f'}, {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *net_name = NULL, *wdir = NULL, *out = NULL, *name = NULL;
    bool pow2 = false;
    long levels = 7;
    out_format fmt = FMT_TABLE;
    tf_err e = {{0}};
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n': net_name = optarg; break;
        case 'w': wdir = optarg; break;
        case 'P': pow2 = true; break;
        case 'L':
            if (cli_parse_long("--levels", optarg, 1, 7, &levels, &e))
                return cli_fail(&e);
            break;
        case 'o': out = optarg; break;
        case 'N': name = optarg; break;
        case 'f':
            if (cli_parse_format(optarg, &fmt))
                return cli_failf("--format: '%s' is not one of table, json, csv", optarg);
            break;
        case 'h': fputs(COMPRESS_HELP, stdout); return 0;
        default: fputs(COMPRESS_HELP, stderr); return 2;
        }
    }
    if (optind < argc)
        return cli_failf("compress: unexpected argument '%s'", argv[optind]);
    if (!pow2)
        return cli_failf("compress: --pow2 is required (INQ power-of-two weights are the only compression)");
    if (!net_name || !out)
        return cli_failf("compress: --net and --out are required (see tf2sim compress --help)");
    net n;
    if (net_load_named(&n, net_name, &e))
        return cli_fail(&e);
    /* Default: the net's committed weights (configs/models/<net>/). */
    char default_wdir[1024];
    if (!wdir) {
        config_model_dir(n.name, default_wdir, sizeof default_wdir);
        if (access(default_wdir, R_OK) != 0) {
            net_free(&n);
            return cli_failf("%s: no --weights given and no committed weights for net %s in %s", "compress", n.name,
                             default_wdir);
        }
        wdir = default_wdir;
    }
    char nm[NET_NAME_MAX + 16];
    if (name)
        snprintf(nm, sizeof nm, "%s", name);
    else
        snprintf(nm, sizeof nm, "%.50s_pow2", n.name);
    if (!nm[0] || strlen(nm) >= NET_NAME_MAX || strchr(nm, '/')) {
        net_free(&n);
        return cli_failf("--name: '%s' must be 1..%d characters without '/'", nm, NET_NAME_MAX - 1);
    }
    bool ismart = has_file(wdir, "conv_0_w.bin");
    float_weights fw = {0};
    mixq_weights mw = {0};
    float **w = calloc((size_t)n.n_layers, sizeof *w), **b = calloc((size_t)n.n_layers, sizeof *b);
    int rc = 2;
    inq_result r = {0};
    char *text = NULL;
    if (!w || !b) {
        cli_failf("out of memory");
        goto done;
    }
    if (ismart) {
        if (weights_ismart_load(&mw, &n, wdir, ISMART_DEFAULT_LSHIFT, false, &e)) {
            cli_fail(&e);
            goto done;
        }
        for (int i = 0; i < n.n_layers; i++) {
            if (!mw.l[i].w)
                continue;
            if (!(w[i] = malloc(sizeof(float) * (mw.l[i].n_w ? mw.l[i].n_w : 1)))) {
                cli_failf("out of memory");
                goto done;
            }
            for (size_t k = 0; k < mw.l[i].n_w; k++)
                w[i][k] = (float)mw.l[i].w[k];
        }
    } else {
        if (float_weights_load_npy(&fw, &n, wdir, &e)) {
            cli_fail(&e);
            goto done;
        }
        for (int i = 0; i < n.n_layers; i++) {
            w[i] = fw.l[i].w;
            b[i] = fw.l[i].b;
        }
    }
    if (inq_compress(&n, w, ismart ? NULL : b, (int)levels, &r, &e)) {
        cli_fail(&e);
        goto done;
    }
    char file[1100], rep[1100], json_path[1100];
    snprintf(file, sizeof file, "%s/%s.inq4", out, nm);
    snprintf(rep, sizeof rep, "%s/%s_inq.json", out, nm);
    snprintf(json_path, sizeof json_path, "%s/%s.json", out, nm);
    char base[NET_NAME_MAX + 16];
    snprintf(base, sizeof base, "%s.inq4", nm); /* the report names the file beside it */
    json_t *jr = report_json(&n, &r, base);
    /* The same text json_print gives on stdout. */
    char *rtext = json_dumps(jr, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    out_stage st;
    out_stage_init(&st);
    int made = 0, fail = !rtext || make_dirs(out, &made, &e);
    if (!fail) {
        e.msg[0] = '\0';
        char tmp[1200];
        FILE *fp = NULL;
        fail = out_stage_add(&st, file, tmp, sizeof tmp, &e) || !(fp = fopen(tmp, "wb")) ||
               fwrite(r.file, 1, r.file_len, fp) != r.file_len;
        if (fp && fclose(fp) != 0)
            fail = 1;
        if (fail && !e.msg[0])
            tf_errf(&e, "%s: cannot write", file);
    }
    if (!fail) {
        size_t k = strlen(rtext);
        char *r2 = realloc(rtext, k + 2);
        if (r2) {
            rtext = r2;
            strcpy(rtext + k, "\n");
        }
        fail = out_stage_text(&st, rep, rtext, &e);
    }
    if (!fail && !ismart) {
        /* The power-of-two model as a net + float weights (pow2 flag, 4-bit weights). */
        net q;
        fail = net_clone(&q, &n, &e);
        if (!fail) {
            snprintf(q.name, sizeof q.name, "%s", nm);
            for (int i = 0; i < q.n_layers; i++)
                if (layer_is_compute(&q.layers[i])) {
                    q.layers[i].pow2 = true;
                    q.layers[i].wbits = 4;
                    fw.l[i].w = r.l[i].q; /* borrowed for writing */
                }
            char desc[600], src[600];
            snprintf(desc, sizeof desc, "%s with INQ power-of-two weights, %ld levels (tf2sim compress --pow2; "
                     "not retrained)", n.name, levels);
            snprintf(src, sizeof src, "tf2sim compress --net %s --pow2 --levels %ld --weights %s", net_name, levels,
                     wdir);
            net_text nt = {.description = desc, .source = src};
            fail = !(text = net_to_json(&q, &nt, &e)) || out_stage_text(&st, json_path, text, &e) ||
                   out_stage_float_weights(&st, &q, &fw, out, &e);
            for (int i = 0; i < q.n_layers; i++)
                if (layer_is_compute(&q.layers[i]))
                    fw.l[i].w = w[i];
            net_free(&q);
        }
    }
    if (fail || out_stage_commit(&st, &e)) {
        out_stage_free(&st);
        if (made)
            rmdir(out);
        json_decref(jr);
        free(rtext);
        if (!e.msg[0])
            tf_errf(&e, "out of memory");
        cli_fail(&e);
        goto done;
    }
    out_stage_free(&st);
    free(rtext);
    if (fmt == FMT_JSON) {
        json_print(jr, stdout);
    } else {
        static const char *head[] = {"layer", "weights", "max_exp", "min_exp", "exp_used", "zeros", "frozen/step"};
        out_table t;
        table_init(&t, 7, head);
        for (int i = 0; i < n.n_layers; i++) {
            const inq_layer *q = &r.l[i];
            if (!q->done)
                continue;
            char used[32] = "-", fr[96] = "";
            if (q->e_lo <= q->e_hi)
                snprintf(used, sizeof used, "%d..%d", q->e_lo, q->e_hi);
            for (int s = 0; s < INQ_STEPS; s++)
                snprintf(fr + strlen(fr), sizeof fr - strlen(fr), "%s%zu", s ? "/" : "", q->frozen[s]);
            table_addf(&t, "%s\t%zu\t%d\t%d\t%s\t%.1f%%\t%s", n.layers[i].name, q->n, q->max_exp, q->min_exp, used,
                       q->n ? 100.0 * (double)q->zeros / (double)q->n : 0.0, fr);
        }
        table_print(&t, fmt, stdout);
        table_free(&t);
        if (fmt == FMT_TABLE)
            printf("%s: %ld levels, schedule 0.3/0.6/0.8/0.9/1.0 as freezing order (not retrained); wrote %s "
                   "(%zu bytes), %s%s%s\n", n.name, levels, file, r.file_len, rep, ismart ? "" : ", ",
                   ismart ? "" : json_path);
    }
    json_decref(jr);
    rc = 0;
done:
    if (w && ismart)
        for (int i = 0; i < n.n_layers; i++)
            free(w[i]);
    free(w);
    free(b);
    free(text);
    inq_result_free(&r);
    float_weights_free(&fw);
    if (ismart)
        mixq_weights_free(&mw);
    net_free(&n);
    return rc;
}
