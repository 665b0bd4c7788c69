/* cmd_infer.c: `tf2sim infer` — one input through the bit-accurate model, any layer dumped
 * in the reference byte layout (float32 C,H,W, q / scale) for diffing against HLS C-sim. */
#include <ctype.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "task/box_decode.h"
#include "cli/cli.h"
#include "io/image.h"
#include "numerics/infer.h"
#include "net/tensor.h"
#include "numerics/weights_ismart.h"

static const char INFER_HELP[] =
    "usage: tf2sim infer --net NET --weights DIR --input FILE [--dump-layer K --out FILE]\n"
    "                    [--raw WxH] [--resize fpga|opencv] [--bitw DIGITS] [--lshift N]\n"
    "                    [--format table|json|csv]\n"
    "  Runs the bit-accurate MixQ integer model on one input and prints every layer's shape and\n"
    "  value range (and the decoded box for a 6-field YOLO head).\n"
    "  --input FILE      a JPEG (decoded, resized bilinearly to the net input, B,G,R), or float32\n"
    "                    C,H,W of the net input shape holding pixel/255 (featuremap/conv0_in.bin)\n"
    "  --raw WxH         FILE is raw uint8 H,W,C in R,G,B order of that size (e.g. boat6_0.bin 640x360)\n"
    "  --resize MODE     fpga (default): exact bilinear rounded half up, as the FPGA; opencv: OpenCV's\n"
    "                    fixed-point INTER_LINEAR (sample1000_686.jpg then gives conv0_in.bin exactly)\n"
    "  --dump-layer K    layer name or 0-based index; writes its output to --out as float32 C,H,W\n"
    "                    with value = q/(2^bits-1) (activations) or Y/div (raw head), the layout of\n"
    "                    the iSmart reference feature maps\n";

static int parse_wxh(const char *s, int *w, int *h)
{
    char x;
    return sscanf(s, "%d%c%d", w, &x, h) == 3 && (x == 'x' || x == 'X') && *w > 0 && *h > 0 && *w <= 65536 &&
                   *h <= 65536
               ? 0
               : -1;
}

static int load_input(const net *n, const char *path, int raw_w, int raw_h, resize_mode rm, tensor *in,
                      image_u8 *orig, tf_err *e)
{
    size_t npix = (size_t)n->in_c * n->in_h * n->in_w;
    uint8_t *chw = malloc(npix);
    if (!chw)
        return tf_errf(e, "out of memory");
    image_u8 rs = {0};
    int rc = -1;
    if (raw_w) {
        char what[64];
        snprintf(what, sizeof what, "uint8 [%d][%d][3] R,G,B", raw_h, raw_w);
        uint8_t *buf = read_exact_file(path, (size_t)raw_w * raw_h * 3, what, e);
        if (!buf)
            goto out;
        orig->d = buf;
        orig->w = raw_w;
        orig->h = raw_h;
        orig->c = 3;
    } else {
        struct stat st;
        if (stat(path, &st) != 0) {
            tf_errf(e, "%s: cannot open", path);
            goto out;
        }
        if ((size_t)st.st_size == npix * sizeof(float)) {
            tensor t = {0};
            if (tensor_load_f32(&t, path, n->in_c, n->in_h, n->in_w, 255.0, e))
                goto out;
            for (size_t i = 0; i < npix; i++)
                chw[i] = (uint8_t)(t.d[i] < 0 ? 0 : (t.d[i] > 255 ? 255 : t.d[i]));
            tensor_free(&t);
            orig->w = n->in_w;
            orig->h = n->in_h;
            rc = mixq_input_from_u8(n, chw, in, e);
            goto out;
        }
        if (image_load_jpeg(orig, path, e)) {
            tf_err_prefix(e, "--input (a JPEG, or float32 [%d][%d][%d] = %zu bytes, or --raw WxH)", n->in_c, n->in_h,
                          n->in_w, npix * sizeof(float));
            goto out;
        }
    }
    if (n->in_c != 3) {
        tf_errf(e, "%s: net %s takes %d channels, images have 3", path, n->name, n->in_c);
        goto out;
    }
    if (image_resize_bilinear(orig, &rs, n->in_w, n->in_h, rm, e))
        goto out;
    image_to_chw(&rs, 1, chw);
    rc = mixq_input_from_u8(n, chw, in, e);
out:
    image_free(&rs);
    free(chw);
    return rc;
}

int cmd_infer(int argc, char **argv)
{
    static const struct option opts[] = {
        {"net", required_argument, 0, 'n'},    {"weights", required_argument, 0, 'w'},
        {"input", required_argument, 0, 'i'},  {"dump-layer", required_argument, 0, 'k'},
        {"out", required_argument, 0, 'o'},    {"raw", required_argument, 0, 'r'},
        {"bitw", required_argument, 0, 'B'},   {"lshift", required_argument, 0, 'L'},
        {"format", required_argument, 0, 'f'}, {"help", no_argument, 0, 'h'},
        {"resize", required_argument, 0, 'z'}, {0, 0, 0, 0}};
    resize_mode rm = RESIZE_EXACT;
    const char *net_name = NULL, *wdir = NULL, *input = NULL, *dump = NULL, *outp = NULL, *bitw = NULL;
    int raw_w = 0, raw_h = 0;
    long lshift = ISMART_DEFAULT_LSHIFT;
    out_format fmt = FMT_TABLE;
    tf_err e;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n': net_name = optarg; break;
        case 'w': wdir = optarg; break;
        case 'i': input = optarg; break;
        case 'k': dump = optarg; break;
        case 'o': outp = optarg; break;
        case 'B': bitw = optarg; break;
        case 'z':
            if (strcmp(optarg, "fpga") == 0 || strcmp(optarg, "exact") == 0)
                rm = RESIZE_EXACT;
            else if (strcmp(optarg, "opencv") == 0)
                rm = RESIZE_OPENCV;
            else
                return cli_failf("--resize: '%s' is not one of fpga, opencv", optarg);
            break;
        case 'r':
            if (parse_wxh(optarg, &raw_w, &raw_h))
                return cli_failf("--raw: '%s' is not WxH (e.g. 640x360)", optarg);
            break;
        case 'L':
            if (cli_parse_long("--lshift", optarg, 0, 32, &lshift, &e))
                return cli_fail(&e);
            break;
        case 'f':
            if (cli_parse_format(optarg, &fmt))
                return cli_failf("--format: '%s' is not one of table, json, csv", optarg);
            break;
        case 'h': fputs(INFER_HELP, stdout); return 0;
        default: fputs(INFER_HELP, stderr); return 2;
        }
    }
    if (optind < argc)
        return cli_failf("infer: unexpected argument '%s'", argv[optind]);
    if (!net_name || !wdir || !input)
        return cli_failf("infer: --net, --weights and --input are required (see tf2sim infer --help)");
    if ((dump != NULL) != (outp != NULL))
        return cli_failf("infer: --dump-layer and --out go together");

    net n;
    if (net_load_named(&n, net_name, &e))
        return cli_fail(&e);
    int k = -1;
    if (dump) {
        k = net_find(&n, dump);
        if (k < 0 && isdigit((unsigned char)dump[0])) {
            long v;
            if (cli_parse_long("--dump-layer", dump, 0, n.n_layers - 1, &v, &e)) {
                net_free(&n);
                return cli_fail(&e);
            }
            k = (int)v;
        }
        if (k < 0) {
            int last = n.n_layers - 1;
            net_free(&n);
            return cli_failf("--dump-layer: net %s has no layer '%s' (a name or 0..%d)", n.name, dump, last);
        }
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
    int rc = 2;
    tensor in = {0};
    image_u8 orig = {0};
    tensor *outs = calloc((size_t)n.n_layers, sizeof *outs);
    if (!outs) {
        cli_failf("out of memory");
        goto out;
    }
    if (load_input(&n, input, raw_w, raw_h, rm, &in, &orig, &e) || mixq_forward(&n, &w, &in, outs, 1, &e)) {
        cli_fail(&e);
        goto out;
    }
    if (dump) {
        if (tensor_save_f32(&outs[k], outp, mixq_out_scale(&n, k), &e)) {
            cli_fail(&e);
            goto out;
        }
    }
    const layer *last = &n.layers[n.n_layers - 1];
    box b = {0, 0, 0, 0};
    int have_box = 0;
    if (last->cout % 6 == 0 && outs[n.n_layers - 1].h > 1 && orig.w > 0) {
        box_decode_cfg cfg = {.anchors = last->cout / 6, .div = mixq_head_div(last), .net_w = n.in_w,
                              .net_h = n.in_h, .img_w = orig.w, .img_h = orig.h, .base = 20.0};
        have_box = box_decode_single(&outs[n.n_layers - 1], &cfg, &b, &e) == 0;
    }
    if (fmt == FMT_JSON) {
        json_t *j = json_pack("{s:s,s:s}", "net", n.name, "input", input), *arr = json_array();
        for (int i = 0; i < n.n_layers; i++) {
            const tensor *t = &outs[i];
            int32_t lo = t->d[0], hi = t->d[0];
            for (size_t m = 0; m < tensor_size(t); m++) {
                lo = t->d[m] < lo ? t->d[m] : lo;
                hi = t->d[m] > hi ? t->d[m] : hi;
            }
            json_array_append_new(arr, json_pack("{s:s,s:s,s:[i,i,i],s:i,s:i,s:i}", "name", n.layers[i].name, "op",
                                                 op_name(n.layers[i].op), "shape", t->c, t->h, t->w, "bits",
                                                 net_out_bits(&n, i), "min", lo, "max", hi));
        }
        json_object_set_new(j, "layers", arr);
        if (have_box)
            json_object_set_new(j, "box", json_pack("[i,i,i,i]", b.xmin, b.xmax, b.ymin, b.ymax));
        if (dump)
            json_object_set_new(j, "dump", json_pack("{s:s,s:s,s:f}", "layer", n.layers[k].name, "file", outp,
                                                     "scale", mixq_out_scale(&n, k)));
        json_print(j, stdout);
        json_decref(j);
    } else {
        static const char *head[] = {"layer", "op", "out", "bits", "min", "max"};
        out_table t;
        table_init(&t, 6, head);
        for (int i = 0; i < n.n_layers; i++) {
            const tensor *o = &outs[i];
            int32_t lo = o->d[0], hi = o->d[0];
            for (size_t m = 0; m < tensor_size(o); m++) {
                lo = o->d[m] < lo ? o->d[m] : lo;
                hi = o->d[m] > hi ? o->d[m] : hi;
            }
            table_addf(&t, "%s\t%s\t%dx%dx%d\t%d\t%d\t%d", n.layers[i].name, op_name(n.layers[i].op), o->c, o->h,
                       o->w, net_out_bits(&n, i), lo, hi);
        }
        table_print(&t, fmt, stdout);
        table_free(&t);
        if (fmt == FMT_TABLE && have_box)
            printf("box (xmin xmax ymin ymax, %dx%d frame): %d %d %d %d\n", orig.w, orig.h, b.xmin, b.xmax, b.ymin,
                   b.ymax);
        if (fmt == FMT_TABLE && dump)
            printf("wrote %s: layer %s as float32 [%d][%d][%d], q/%g\n", outp, n.layers[k].name, outs[k].c,
                   outs[k].h, outs[k].w, mixq_out_scale(&n, k));
    }
    rc = 0;
out:
    if (outs)
        for (int i = 0; i < n.n_layers; i++)
            tensor_free(&outs[i]);
    free(outs);
    tensor_free(&in);
    image_free(&orig);
    mixq_weights_free(&w);
    net_free(&n);
    return rc;
}
