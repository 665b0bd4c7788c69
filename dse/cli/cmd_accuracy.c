/* cmd_accuracy.c: `tf2sim accuracy` — the bit-accurate model on a real data set. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "detect.h"
#include "infer.h"
#include "weights_ismart.h"

static const char ACC_HELP[] =
    "usage: tf2sim accuracy --net NET --weights DIR --data DIR [--compare FILE] [--bitw DIGITS]\n"
    "                       [--lshift N] [--resize cv|float] [--limit N] [--threads N]\n"
    "                       [--boxes-out FILE] [--format table|json|csv]\n"
    "  Runs the bit-accurate MixQ integer model (weights in the iSmart layout: conv_k_w/inc/bias.bin)\n"
    "  on a DAC-SDC style data set (DIR/ground_truth_plain.txt, DIR/images/<id>.jpg): JPEG decode,\n"
    "  OpenCV bilinear resize to the net input (B,G,R), one box per image; reports mean IoU.\n"
    "  --compare FILE   boxes of another model, one 'xmin xmax ymin ymax' line per image id\n"
    "                   (e.g. the FPGA's bbox_PL_1000_sample_*.txt): agreement = images with all\n"
    "                   four coordinates within 2 px, and that file's own mean IoU\n"
    "  --bitw DIGITS    per-compute-layer weight bits (strict); without it a layer whose weights\n"
    "                   need more bits than the net declares is widened (8-bit first/last sets)\n"
    "  --lshift N       L_SHIFT of the BN shift T = wbits-1+abits+N (default 8, iSmart)\n"
    "  --resize MODE    cv: OpenCV's 8-bit fixed-point INTER_LINEAR (default); float: exact bilinear\n"
    "  --limit N        only the first N images;  --threads N  workers (default: online CPUs)\n";

int cmd_accuracy(int argc, char **argv)
{
    static const struct option opts[] = {
        {"net", required_argument, 0, 'n'},     {"weights", required_argument, 0, 'w'},
        {"data", required_argument, 0, 'd'},    {"compare", required_argument, 0, 'c'},
        {"bitw", required_argument, 0, 'B'},    {"lshift", required_argument, 0, 'L'},
        {"resize", required_argument, 0, 'r'},  {"limit", required_argument, 0, 'l'},
        {"threads", required_argument, 0, 't'}, {"boxes-out", required_argument, 0, 'o'},
        {"format", required_argument, 0, 'f'},  {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    const char *net_name = NULL, *wdir = NULL, *data = NULL, *cmp = NULL, *bitw = NULL, *boxes_out = NULL;
    long lshift = ISMART_DEFAULT_LSHIFT, limit = 0, threads = sysconf(_SC_NPROCESSORS_ONLN);
    resize_mode rm = RESIZE_CV_FIXED;
    out_format fmt = FMT_TABLE;
    tf_err e;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n': net_name = optarg; break;
        case 'w': wdir = optarg; break;
        case 'd': data = optarg; break;
        case 'c': cmp = optarg; break;
        case 'B': bitw = optarg; break;
        case 'o': boxes_out = optarg; break;
        case 'L':
            if (cli_parse_long("--lshift", optarg, 0, 32, &lshift, &e))
                return cli_fail(&e);
            break;
        case 'l':
            if (cli_parse_long("--limit", optarg, 1, 1000000, &limit, &e))
                return cli_fail(&e);
            break;
        case 't':
            if (cli_parse_long("--threads", optarg, 1, 64, &threads, &e))
                return cli_fail(&e);
            break;
        case 'r':
            if (strcmp(optarg, "cv") == 0)
                rm = RESIZE_CV_FIXED;
            else if (strcmp(optarg, "float") == 0)
                rm = RESIZE_FLOAT;
            else
                return cli_failf("--resize: '%s' is not one of cv, float", optarg);
            break;
        case 'f':
            if (cli_parse_format(optarg, &fmt))
                return cli_failf("--format: '%s' is not one of table, json, csv", optarg);
            break;
        case 'h': fputs(ACC_HELP, stdout); return 0;
        default: fputs(ACC_HELP, stderr); return 2;
        }
    }
    if (optind < argc)
        return cli_failf("accuracy: unexpected argument '%s'", argv[optind]);
    if (!net_name || !wdir || !data)
        return cli_failf("accuracy: --net, --weights and --data are required (see tf2sim accuracy --help)");
    if (threads < 1)
        threads = 1;

    net n;
    if (net_load_named(&n, net_name, &e))
        return cli_fail(&e);
    if (bitw && net_apply_bit_digits(&n, bitw, NULL, &e)) {
        net_free(&n);
        return cli_fail(&e);
    }
    mixq_weights w;
    if (weights_ismart_load(&w, &n, wdir, (int)lshift, bitw != NULL, &e)) {
        net_free(&n);
        return cli_fail(&e);
    }
    det_set set;
    box *mine = NULL, *other = NULL;
    int n_other = 0, rc = 2;
    if (det_set_load(&set, data, &e)) {
        cli_fail(&e);
        goto out_w;
    }
    if (limit && limit < set.n)
        set.n = (int)limit;
    if (cmp && det_boxes_load(cmp, &other, &n_other, &e)) {
        cli_fail(&e);
        goto out_set;
    }
    for (int i = 0; cmp && i < set.n; i++)
        if (set.items[i].id < 0 || set.items[i].id >= n_other) {
            cli_failf("--compare %s: has %d lines but the data set needs image id %d (one line per id, 0-based)", cmp,
                      n_other, set.items[i].id);
            goto out_set;
        }
    mine = calloc((size_t)set.n, sizeof *mine);
    if (!mine) {
        cli_failf("out of memory");
        goto out_set;
    }
    if (det_run_set(&n, &w, &set, rm, (int)threads, mine, &e)) {
        cli_fail(&e);
        goto out_set;
    }
    double iou = 0, iou_other = 0;
    int agree = 0, exact = 0;
    for (int i = 0; i < set.n; i++) {
        iou += box_iou(mine[i], set.items[i].gt);
        if (cmp) {
            box o = other[set.items[i].id];
            iou_other += box_iou(o, set.items[i].gt);
            agree += box_close(mine[i], o, 2);
            exact += box_close(mine[i], o, 0);
        }
    }
    iou /= set.n;
    iou_other /= set.n;
    if (boxes_out) {
        FILE *f = fopen(boxes_out, "w");
        if (!f) {
            cli_failf("--boxes-out %s: cannot create", boxes_out);
            goto out_set;
        }
        for (int i = 0; i < set.n; i++)
            fprintf(f, "%s %d %d %d %d\n", set.items[i].file, mine[i].xmin, mine[i].xmax, mine[i].ymin, mine[i].ymax);
        fclose(f);
    }
    char bw[NET_MAX_LAYERS + 1], ba[NET_MAX_LAYERS + 1];
    net_bit_digits(&n, bw, ba, sizeof bw);
    if (fmt == FMT_JSON) {
        json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:f}", "net", n.name, "weights", wdir, "data", data,
                              "bitw", bw, "bita", ba, "images", set.n, "metric", "mean_iou", "value", iou);
        if (cmp)
            json_object_set_new(j, "compare",
                                json_pack("{s:s,s:f,s:i,s:i,s:i,s:f}", "file", cmp, "agreement", (double)agree / set.n,
                                          "within_2px", agree, "exact", exact, "images", set.n, "mean_iou",
                                          iou_other));
        json_print(j, stdout);
        json_decref(j);
    } else {
        static const char *head[] = {"metric", "value"};
        out_table t;
        table_init(&t, 2, head);
        table_addf(&t, "net\t%s", n.name);
        table_addf(&t, "bitw/bita\t%s/%s", bw, ba);
        table_addf(&t, "images\t%d", set.n);
        table_addf(&t, "mean_iou\t%.4f", iou);
        if (cmp) {
            table_addf(&t, "compare_mean_iou\t%.4f", iou_other);
            table_addf(&t, "iou_gap\t%+.4f", iou - iou_other);
            table_addf(&t, "agreement_2px\t%.4f (%d/%d)", (double)agree / set.n, agree, set.n);
            table_addf(&t, "exact_boxes\t%d/%d", exact, set.n);
        }
        table_print(&t, fmt, stdout);
        table_free(&t);
    }
    rc = 0;
out_set:
    free(mine);
    free(other);
    det_set_free(&set);
out_w:
    mixq_weights_free(&w);
    net_free(&n);
    return rc;
}
