/* cmd_accuracy.c: `tf2sim accuracy` — the bit-accurate model on a real data set. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/cli.h"
#include "task/measure.h"
#include "numerics/weights_ismart.h"

static const char ACC_HELP[] =
    "usage: tf2sim accuracy --net NET --weights DIR --data DIR [--compare FILE] [--bitw DIGITS]\n"
    "                       [--lshift N] [--resize fpga|opencv] [--limit N] [--threads N]\n"
    "                       [--boxes-out FILE] [--format table|json|csv]\n"
    "       tf2sim accuracy --net fmnist_cnn [--bitw N|DIGITS] [--bita N|DIGITS] [--pow2] [--float]\n"
    "                       [--bits-table] [--engine mixq|tf2] [--act-scale tensor|channel]\n"
    "                       [--weights DIR] [--data DIR] [--calib N] [--limit N]\n"
    "Detection (DIR/ground_truth_plain.txt):\n"
    "  Runs the bit-accurate MixQ integer model (weights in the iSmart layout: conv_k_w/inc/bias.bin)\n"
    "  on a DAC-SDC style data set (DIR/ground_truth_plain.txt, DIR/images/<id>.jpg): JPEG decode,\n"
    "  bilinear resize to the net input (B,G,R), one box per image; reports mean IoU.\n"
    "  --compare FILE   boxes of another model, one 'xmin xmax ymin ymax' line per image id\n"
    "                   (e.g. the FPGA's bbox_PL_1000_sample_*.txt): agreement = images with all\n"
    "                   four coordinates within 2 px, and that file's own mean IoU\n"
    "  --bitw DIGITS    per-compute-layer weight bits (strict); without it a layer whose weights\n"
    "                   need more bits than the net declares is widened (8-bit first/last sets)\n"
    "  --lshift N       L_SHIFT of the BN shift T = wbits-1+abits+N (default 8, iSmart)\n"
    "  --resize MODE    fpga (default): exact bilinear rounded half up, as the FPGA's resize;\n"
    "                   opencv: OpenCV's 8-bit fixed-point INTER_LINEAR (gives featuremap/conv0_in.bin)\n"
    "  --limit N        only the first N images;  --threads N  workers (default: online CPUs)\n"
    "Classification (an IDX data set, default /usr/share/datasets/fashion-mnist from Debian's\n"
    "dataset-fashion-mnist; float weights <name>_w/_b.npy, default configs/models/NET/):\n"
    "  quantises post-training in C (weights per channel, activations per tensor, calibrated on\n"
    "  --calib training images, default 1000) and reports top-1 of the bit-accurate integer model\n"
    "  on the test images. --bitw/--bita take one digit for every layer or one per compute layer;\n"
    "  --pow2 makes weights powers of two (INQ); --float reports the float reference only;\n"
    "  --act-scale channel calibrates one activation step per channel (folded into the next\n"
    "  layer's integer weights) instead of one per tensor (default);\n"
    "  --bits-table prints top-1 for 8/8 down to 2/2 and pow2 weights beside the float model.\n"
    "  --engine tf2 runs the TF2 engine's arithmetic instead: INQ power-of-two weights (4-bit codes,\n"
    "  7 magnitudes + zero), int8 features with per-channel power-of-two Q, shift-accumulate.\n";

static bool file_exists(const char *dir, const char *name)
{
    char p[1200];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return access(p, R_OK) == 0;
}

/* Classification: top-1 of the requested bits (or the bits table) beside the float model. */
static int print_classify(const net *n, const cls_request *rq, out_format fmt)
{
    cls_result r;
    tf_err e;
    if (cls_measure(n, rq, &r, &e))
        return cli_fail(&e);
    if (rq->table) {
        static const char *head[] = {"weights", "bitw/bita", "top1", "vs_float"};
        out_table t;
        table_init(&t, 4, head);
        json_t *arr = json_array();
        table_addf(&t, "float\t-\t%.4f\t%+.4f", r.float_top1, 0.0);
        for (int i = 0; i < r.n_rows; i++) {
            const cls_row *x = &r.rows[i];
            if (x->tf2) {
                table_addf(&t, "tf2 INQ\tw4 (pow2 code)/int8\t%.4f\t%+.4f", x->top1, x->top1 - r.float_top1);
                json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:f}", "engine", "tf2", "bits", x->bits, "metric",
                                                     "top1", "value", x->top1));
            } else {
                table_addf(&t, "%s\t%s\t%.4f\t%+.4f", x->pow2 ? "pow2" : "int", x->bits, x->top1,
                           x->top1 - r.float_top1);
                json_array_append_new(arr, json_pack("{s:s,s:b,s:s,s:f}", "bits", x->bits, "pow2", x->pow2, "metric",
                                                     "top1", "value", x->top1));
            }
        }
        if (fmt == FMT_JSON) {
            json_t *j = json_pack("{s:s,s:i,s:f,s:o}", "net", n->name, "images", r.images, "float_top1", r.float_top1,
                                  "rows", arr);
            json_print(j, stdout);
            json_decref(j);
        } else {
            json_decref(arr);
            table_print(&t, fmt, stdout);
        }
        table_free(&t);
        return 0;
    }
    if (fmt == FMT_JSON) {
        json_t *j = json_pack("{s:s,s:s,s:b,s:i,s:s,s:f,s:f}", "net", n->name, "bits", r.bits, "pow2", rq->pow2,
                              "images", r.images, "metric", "top1", "value", r.top1, "float_top1", r.float_top1);
        json_print(j, stdout);
        json_decref(j);
    } else {
        static const char *head[] = {"metric", "value"};
        out_table t;
        table_init(&t, 2, head);
        table_addf(&t, "net\t%s", n->name);
        table_addf(&t, "bitw/bita\t%s%s", r.bits, rq->pow2 ? " (pow2 weights)" : "");
        table_addf(&t, "images\t%d", r.images);
        table_addf(&t, "top1\t%.4f", r.top1);
        table_addf(&t, "float_top1\t%.4f", r.float_top1);
        table_print(&t, fmt, stdout);
        table_free(&t);
    }
    return 0;
}

/* Detection: mean IoU, and agreement with --compare's boxes. */
static int print_detect(net *n, const det_request *rq, out_format fmt)
{
    det_result r;
    tf_err e;
    if (det_measure(n, rq, &r, &e))
        return cli_fail(&e);
    if (fmt == FMT_JSON) {
        json_t *j = json_pack("{s:s,s:s,s:s,s:s,s:s,s:i,s:s,s:f}", "net", n->name, "weights", rq->wdir, "data",
                              rq->data, "bitw", r.bitw, "bita", r.bita, "images", r.images, "metric", "mean_iou",
                              "value", r.mean_iou);
        if (rq->compare)
            json_object_set_new(j, "compare",
                                json_pack("{s:s,s:f,s:i,s:i,s:i,s:f}", "file", rq->compare, "agreement",
                                          (double)r.within_2px / r.images, "within_2px", r.within_2px, "exact",
                                          r.exact, "images", r.images, "mean_iou", r.compare_mean_iou));
        json_print(j, stdout);
        json_decref(j);
        return 0;
    }
    static const char *head[] = {"metric", "value"};
    out_table t;
    table_init(&t, 2, head);
    table_addf(&t, "net\t%s", n->name);
    table_addf(&t, "bitw/bita\t%s/%s", r.bitw, r.bita);
    table_addf(&t, "images\t%d", r.images);
    table_addf(&t, "mean_iou\t%.4f", r.mean_iou);
    if (rq->compare) {
        table_addf(&t, "compare_mean_iou\t%.4f", r.compare_mean_iou);
        table_addf(&t, "iou_gap\t%+.4f", r.mean_iou - r.compare_mean_iou);
        table_addf(&t, "agreement_2px\t%.4f (%d/%d)", (double)r.within_2px / r.images, r.within_2px, r.images);
        table_addf(&t, "exact_boxes\t%d/%d", r.exact, r.images);
    }
    table_print(&t, fmt, stdout);
    table_free(&t);
    return 0;
}

int cmd_accuracy(int argc, char **argv)
{
    static const struct option opts[] = {
        {"net", required_argument, 0, 'n'},     {"weights", required_argument, 0, 'w'},
        {"data", required_argument, 0, 'd'},    {"compare", required_argument, 0, 'c'},
        {"bitw", required_argument, 0, 'B'},    {"lshift", required_argument, 0, 'L'},
        {"resize", required_argument, 0, 'r'},  {"limit", required_argument, 0, 'l'},
        {"threads", required_argument, 0, 't'}, {"boxes-out", required_argument, 0, 'o'},
        {"format", required_argument, 0, 'f'},  {"help", no_argument, 0, 'h'},
        {"bita", required_argument, 0, 'A'},    {"pow2", no_argument, 0, 'P'},
        {"float", no_argument, 0, 'F'},         {"bits-table", no_argument, 0, 'T'},
        {"calib", required_argument, 0, 'C'},   {"engine", required_argument, 0, 'E'},
        {"act-scale", required_argument, 0, 'S'}, {0, 0, 0, 0}};
    bool tf2 = false, act_channel = false;
    const char *bita = NULL;
    bool pow2 = false, float_only = false, bits_table = false;
    long calib = 1000;
    const char *net_name = NULL, *wdir = NULL, *data = NULL, *cmp = NULL, *bitw = NULL, *boxes_out = NULL;
    long lshift = ISMART_DEFAULT_LSHIFT, limit = 0, threads = sysconf(_SC_NPROCESSORS_ONLN);
    resize_mode rm = RESIZE_EXACT;
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
        case 'A': bita = optarg; break;
        case 'P': pow2 = true; break;
        case 'S':
            if (strcmp(optarg, "channel") == 0)
                act_channel = true;
            else if (strcmp(optarg, "tensor") == 0)
                act_channel = false;
            else
                return cli_failf("--act-scale: '%s' is not one of tensor, channel", optarg);
            break;
        case 'E':
            if (strcmp(optarg, "tf2") == 0)
                tf2 = true;
            else if (strcmp(optarg, "mixq") == 0)
                tf2 = false;
            else
                return cli_failf("--engine: '%s' is not one of mixq, tf2", optarg);
            break;
        case 'F': float_only = true; break;
        case 'T': bits_table = true; break;
        case 'C':
            if (cli_parse_long("--calib", optarg, 1, 60000, &calib, &e))
                return cli_fail(&e);
            break;
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
            if (strcmp(optarg, "fpga") == 0 || strcmp(optarg, "exact") == 0)
                rm = RESIZE_EXACT;
            else if (strcmp(optarg, "opencv") == 0)
                rm = RESIZE_OPENCV;
            else
                return cli_failf("--resize: '%s' is not one of fpga, opencv", optarg);
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
    if (!net_name)
        return cli_failf("accuracy: --net is required (see tf2sim accuracy --help)");
    if (threads < 1)
        threads = 1;

    net n;
    if (net_load_named(&n, net_name, &e))
        return cli_fail(&e);
    bool detection = data && file_exists(data, "ground_truth_plain.txt");
    if (!detection && (!data || file_exists(data, "t10k-images-idx3-ubyte.gz") ||
                       file_exists(data, "t10k-images-idx3-ubyte"))) {
        if (cmp || boxes_out) {
            net_free(&n);
            return cli_failf("accuracy: --compare and --boxes-out are for detection data sets");
        }
        if (tf2 && (bitw || bita || pow2)) {
            net_free(&n);
            return cli_failf("accuracy: --engine tf2 fixes the bits (INQ 4-bit weights, int8 features); "
                             "drop --bitw/--bita/--pow2");
        }
        cls_request cr = {.bitw = bitw, .bita = bita, .wdir = wdir, .data = data, .pow2 = pow2, .tf2 = tf2,
                          .act_channel = act_channel, .float_only = float_only, .table = bits_table, .calib = calib,
                          .limit = limit, .threads = threads};
        int r = print_classify(&n, &cr, fmt);
        net_free(&n);
        return r;
    }
    if (!wdir || !data) {
        net_free(&n);
        return cli_failf("accuracy: --weights and --data are required for a detection data set "
                         "(DIR/ground_truth_plain.txt); see tf2sim accuracy --help");
    }
    if (!detection) {
        net_free(&n);
        return cli_failf("--data %s: neither ground_truth_plain.txt (detection) nor t10k-images-idx3-ubyte[.gz] "
                         "(classification) found", data);
    }
    if (bita || pow2 || float_only || bits_table || tf2 || act_channel) {
        net_free(&n);
        return cli_failf("accuracy: --bita, --pow2, --float, --bits-table, --engine and --act-scale are for classification (the integer "
                         "weights of a detection set fix the bits)");
    }
    det_request dr = {.wdir = wdir, .data = data, .bitw = bitw, .compare = cmp, .boxes_out = boxes_out,
                      .lshift = (int)lshift, .resize = rm, .limit = limit, .threads = threads};
    int rc = print_detect(&n, &dr, fmt);
    net_free(&n);
    return rc;
}
