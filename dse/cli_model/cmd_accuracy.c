/* cmd_accuracy.c: `tf2sim accuracy` — the bit-accurate model on a real data set. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "task/classify.h"
#include "cli/cli.h"
#include "net/config_path.h"
#include "task/detect.h"
#include "numerics/infer.h"
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

static int apply_bits_opt(net *n, const char *bw, const char *ba, tf_err *e)
{
    if (bw && strlen(bw) == 1) {
        if (bw[0] < '1' || bw[0] > '8')
            return tf_errf(e, "--bitw: '%s': bits must be 1..8", bw);
        if (net_apply_bits(n, bw[0] - '0', 0, e))
            return -1;
        bw = NULL;
    }
    if (ba && strlen(ba) == 1) {
        if (ba[0] < '1' || ba[0] > '8')
            return tf_errf(e, "--bita: '%s': bits must be 1..8", ba);
        if (net_apply_bits(n, 0, ba[0] - '0', e))
            return -1;
        ba = NULL;
    }
    return net_apply_bit_digits(n, bw, ba, e);
}

typedef struct cls_opts {
    const char *bitw, *bita, *wdir, *data;
    bool pow2, float_only, table, tf2, act_channel;
    long calib, limit, threads;
    out_format fmt;
} cls_opts;

/* One quantised configuration: top-1 over the test set. */
static int cls_one(const net *base, const float_weights *fw, const cls_data *train, const cls_data *test,
                   const char *bw, const char *ba, bool pow2, const cls_opts *o, double *top1, char *bits, size_t cap,
                   tf_err *e)
{
    net n;
    if (net_clone(&n, base, e))
        return -1;
    if (apply_bits_opt(&n, bw, ba, e)) {
        net_free(&n);
        return -1;
    }
    for (int i = 0; i < n.n_layers; i++)
        if (layer_is_compute(&n.layers[i]) && (n.layers[i].wbits < 2 || n.layers[i].abits < 1)) {
            tf_errf(e, "%s: %d-bit weights are not supported (signed weights need 2..8 bits)", n.layers[i].name,
                    n.layers[i].wbits);
            net_free(&n);
            return -1;
        }
    char w[NET_MAX_LAYERS + 1], a[NET_MAX_LAYERS + 1];
    net_bit_digits(&n, w, a, sizeof w);
    snprintf(bits, cap, "%s/%s", w, a);
    int nc = (int)(o->calib < train->images.count ? o->calib : train->images.count);
    /* Calibration images: spread over the training set. */
    size_t px = (size_t)n.in_h * n.in_w;
    uint8_t *cal = malloc((size_t)nc * px);
    if (!cal) {
        net_free(&n);
        return tf_errf(e, "out of memory");
    }
    long step = train->images.count / nc;
    for (int k = 0; k < nc; k++)
        memcpy(cal + (size_t)k * px, train->images.data + (size_t)(k * step) * px, px);
    ptq_model m;
    int rc = ptq_build_opts(&m, &n, fw, cal, nc, pow2, o->act_channel, e);
    free(cal);
    int correct = 0;
    if (rc == 0) {
        rc = cls_eval(&n, fw, &m, test, (int)o->limit, (int)o->threads, &correct, e);
        ptq_free(&m);
    }
    int cnt = o->limit && o->limit < test->images.count ? (int)o->limit : (int)test->images.count;
    *top1 = (double)correct / cnt;
    net_free(&n);
    return rc;
}

/* The TF2 engine model: INQ weights and int8 features calibrated on the training images. */
static int cls_one_tf2(const net *n, const float_weights *fw, const cls_data *train, const cls_data *test,
                       const cls_opts *o, double *top1, tf_err *e)
{
    int nc = (int)(o->calib < train->images.count ? o->calib : train->images.count);
    size_t px = (size_t)n->in_h * n->in_w;
    uint8_t *cal = malloc((size_t)nc * px);
    if (!cal)
        return tf_errf(e, "out of memory");
    long step = train->images.count / nc;
    for (int k = 0; k < nc; k++)
        memcpy(cal + (size_t)k * px, train->images.data + (size_t)(k * step) * px, px);
    tf2_model t;
    int rc = tf2_model_build(&t, n, fw, cal, nc, e), correct = 0;
    free(cal);
    if (rc == 0) {
        rc = cls_eval_tf2(&t, test, (int)o->limit, (int)o->threads, &correct, e);
        tf2_model_free(&t);
    }
    int cnt = o->limit && o->limit < test->images.count ? (int)o->limit : (int)test->images.count;
    *top1 = (double)correct / cnt;
    return rc;
}

static int run_classify(net *n, cls_opts *o)
{
    tf_err e;
    char wdir[1024], data[1024];
    if (o->wdir)
        snprintf(wdir, sizeof wdir, "%s", o->wdir);
    else if (getenv("TF2SIM_MODELS"))
        snprintf(wdir, sizeof wdir, "%s/%s", getenv("TF2SIM_MODELS"), n->name);
    else
        config_model_dir(n->name, wdir, sizeof wdir);
    snprintf(data, sizeof data, "%s", o->data ? o->data : "/usr/share/datasets/fashion-mnist");
    float_weights fw;
    if (float_weights_load_npy(&fw, n, wdir, &e))
        return cli_fail(&e);
    cls_data train, test;
    int rc = 2;
    if (cls_data_load(&test, data, "t10k", n, &e)) {
        float_weights_free(&fw);
        return cli_fail(&e);
    }
    if (cls_data_load(&train, data, "train", n, &e)) {
        cls_data_free(&test);
        float_weights_free(&fw);
        return cli_fail(&e);
    }
    int cnt = o->limit && o->limit < test.images.count ? (int)o->limit : (int)test.images.count;
    int fcorrect = 0;
    if (cls_eval(n, &fw, NULL, &test, cnt, (int)o->threads, &fcorrect, &e)) {
        cli_fail(&e);
        goto out;
    }
    double ftop1 = (double)fcorrect / cnt;
    if (o->table) {
        static const struct { const char *w, *a; bool p2; } rows[] = {
            {"8", "8", false}, {"7", "7", false}, {"6", "6", false}, {"5", "5", false}, {"4", "8", false},
            {"4", "4", false}, {"3", "3", false}, {"2", "8", false}, {"2", "2", false}, {"4", "8", true},
            {"4", "4", true},  {"3", "8", true}};
        static const char *head[] = {"weights", "bitw/bita", "top1", "vs_float"};
        out_table t;
        table_init(&t, 4, head);
        json_t *arr = json_array();
        table_addf(&t, "float\t-\t%.4f\t%+.4f", ftop1, 0.0);
        for (size_t r = 0; r < sizeof rows / sizeof *rows; r++) {
            double top1;
            char bits[2 * NET_MAX_LAYERS + 2];
            if (cls_one(n, &fw, &train, &test, rows[r].w, rows[r].a, rows[r].p2, o, &top1, bits, sizeof bits, &e)) {
                table_free(&t);
                json_decref(arr);
                cli_fail(&e);
                goto out;
            }
            table_addf(&t, "%s\t%s\t%.4f\t%+.4f", rows[r].p2 ? "pow2" : "int", bits, top1, top1 - ftop1);
            json_array_append_new(arr, json_pack("{s:s,s:b,s:s,s:f}", "bits", bits, "pow2", rows[r].p2, "metric",
                                                 "top1", "value", top1));
        }
        double t2;
        if (cls_one_tf2(n, &fw, &train, &test, o, &t2, &e)) {
            table_free(&t);
            json_decref(arr);
            cli_fail(&e);
            goto out;
        }
        table_addf(&t, "tf2 INQ\tw4 (pow2 code)/int8\t%.4f\t%+.4f", t2, t2 - ftop1);
        json_array_append_new(arr, json_pack("{s:s,s:s,s:s,s:f}", "engine", "tf2", "bits", "inq4/int8", "metric",
                                             "top1", "value", t2));
        if (o->fmt == FMT_JSON) {
            json_t *j = json_pack("{s:s,s:i,s:f,s:o}", "net", n->name, "images", cnt, "float_top1", ftop1, "rows", arr);
            json_print(j, stdout);
            json_decref(j);
        } else {
            json_decref(arr);
            table_print(&t, o->fmt, stdout);
        }
        table_free(&t);
        rc = 0;
        goto out;
    }
    double top1 = ftop1;
    char bits[2 * NET_MAX_LAYERS + 2] = "float";
    if (o->tf2 && !o->float_only) {
        snprintf(bits, sizeof bits, "tf2: INQ 4-bit weights, int8 features");
        if (cls_one_tf2(n, &fw, &train, &test, o, &top1, &e)) {
            cli_fail(&e);
            goto out;
        }
    } else if (!o->float_only &&
               cls_one(n, &fw, &train, &test, o->bitw, o->bita, o->pow2, o, &top1, bits, sizeof bits, &e)) {
        cli_fail(&e);
        goto out;
    }
    if (o->fmt == FMT_JSON) {
        json_t *j = json_pack("{s:s,s:s,s:b,s:i,s:s,s:f,s:f}", "net", n->name, "bits", bits, "pow2", o->pow2, "images",
                              cnt, "metric", "top1", "value", top1, "float_top1", ftop1);
        json_print(j, stdout);
        json_decref(j);
    } else {
        static const char *head[] = {"metric", "value"};
        out_table t;
        table_init(&t, 2, head);
        table_addf(&t, "net\t%s", n->name);
        table_addf(&t, "bitw/bita\t%s%s", bits, o->pow2 ? " (pow2 weights)" : "");
        table_addf(&t, "images\t%d", cnt);
        table_addf(&t, "top1\t%.4f", top1);
        table_addf(&t, "float_top1\t%.4f", ftop1);
        table_print(&t, o->fmt, stdout);
        table_free(&t);
    }
    rc = 0;
out:
    cls_data_free(&train);
    cls_data_free(&test);
    float_weights_free(&fw);
    return rc;
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
        cls_opts co = {.bitw = bitw, .bita = bita, .wdir = wdir, .data = data, .pow2 = pow2, .tf2 = tf2, .act_channel = act_channel,
                       .float_only = float_only, .table = bits_table, .calib = calib, .limit = limit,
                       .threads = threads, .fmt = fmt};
        int r = run_classify(&n, &co);
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
