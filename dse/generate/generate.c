/* generate.c: a dataflow design as a Verilog top of rtl/ blocks (see generate.h). */
#include "generate.h"

#include <errno.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "numerics/numerics_mixq.h"
#include "resources/resources_rtl.h"

#ifndef TF2SIM_RTL_DIR
#define TF2SIM_RTL_DIR "rtl"
#endif

const char *generate_rtl_dir(void)
{
    const char *d = getenv("TF2SIM_RTL");
    return d && *d ? d : TF2SIM_RTL_DIR;
}

void gen_info_free(gen_info *g)
{
    free(g->fifos);
    memset(g, 0, sizeof *g);
}

static int clog2(long v)
{
    int b = 0;
    for (long t = v - 1; t > 0; t >>= 1)
        b++;
    return b;
}

static int max1(int v) { return v < 1 ? 1 : v; }
static long cdiv(long a, long b) { return (a + b - 1) / b; }

/* Bits per channel on the stream leaving layer i (-1: the input): a conv's output codes
 * (32 for a raw head), a pool passes its producer's through. */
static int stream_chan_bits(const net *n, int i)
{
    while (i >= 0 && !layer_is_compute(&n->layers[i]))
        i = n->layers[i].inputs[0];
    return i < 0 ? n->in_bits : net_out_bits(n, i);
}

static int stream_channels(const net *n, int i) { return i < 0 ? n->in_c : n->layers[i].cout; }

/* Channels per word of the stream leaving layer i, as the C model counts FIFO words: the
 * nearest compute producer's PE (the input: a whole pixel). */
static int stream_lanes(const net *n, const design *ds, int i)
{
    while (i >= 0 && !layer_is_compute(&n->layers[i]))
        i = n->layers[i].inputs[0];
    return i < 0 ? n->in_c : ds->fold[i].pe;
}

int generate_check(const net *n, const design *ds, const device *dv, tf_err *e)
{
    if (ds->arch != ARCH_DATAFLOW)
        return tf_errf(e, "tf2sim generate builds dataflow designs; arch %s has no RTL", arch_name(ds->arch));
    if (n->n_layers < 1 || n->layers[0].op != OP_CONV)
        return tf_errf(e, "net %s: the generated design starts with a conv layer (the first layer is %s)", n->name,
                       n->n_layers ? op_name(n->layers[0].op) : "missing");
    if (n->layers[0].abits != n->in_bits)
        return tf_errf(e, "layer %s: reads %d-bit activations but the net's input is %d bits; the generator "
                       "streams the input codes unchanged", n->layers[0].name, n->layers[0].abits, n->in_bits);
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        if (l->n_inputs != 1 || l->inputs[0] != i - 1)
            return tf_errf(e, "layer %s: the generator builds chains (each layer reading the one before); this "
                           "layer reads %d input(s)%s", l->name, l->n_inputs,
                           l->n_inputs == 1 ? " from elsewhere" : "");
        if (l->op == OP_CONV) {
            rtl_unit u;
            if (rtl_unit_of_layer(n, ds, dv, i, &u, e))
                return -1;
            if (u.dw || l->groups > 1)
                return tf_errf(e, "layer %s: depthwise and grouped convs are not generated (the compute unit runs "
                               "them, the generator's weight layout does not)", l->name);
            if (l->pow2)
                return tf_errf(e, "layer %s: power-of-two (SAC) layers are not generated", l->name);
            if (l->k > 15 || l->stride > 2 || l->pad != l->k / 2 || l->pad > 2)
                return tf_errf(e, "layer %s: the compute unit takes K <= 15, stride 1..2 and pad K/2 <= 2 (got K %d, "
                               "stride %d, pad %d)", l->name, l->k, l->stride, l->pad);
            if (stream_chan_bits(n, i - 1) != l->abits)
                return tf_errf(e, "layer %s: reads %d-bit activations from a %d-bit stream", l->name, l->abits,
                               stream_chan_bits(n, i - 1));
        } else if (l->op == OP_MAXPOOL) {
            if (l->k != l->stride || l->pad != 0 || l->k > 255)
                return tf_errf(e, "layer %s: maxpool is generated for K = stride, no padding (got K %d, stride %d, "
                               "pad %d)", l->name, l->k, l->stride, l->pad);
            if (stream_chan_bits(n, i - 1) == 32)
                return tf_errf(e, "layer %s: pools a raw 32-bit head; the generator pools activation codes", l->name);
        } else {
            return tf_errf(e, "layer %s: op %s is not generated (conv and maxpool chains only)", l->name,
                           op_name(l->op));
        }
    }
    return 0;
}

/* splitmix64: a small, seedable generator for the random weight set */
static uint64_t rnd_next(uint64_t *s)
{
    uint64_t z = (*s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

static int64_t rnd_range(uint64_t *s, int64_t lo, int64_t hi)
{
    return lo + (int64_t)(rnd_next(s) % (uint64_t)(hi - lo + 1));
}

int generate_random_weights(const net *n, uint32_t seed, mixq_weights *w, tf_err *e)
{
    memset(w, 0, sizeof *w);
    w->lshift = ISMART_DEFAULT_LSHIFT;
    snprintf(w->dir, sizeof w->dir, "random seed %u", seed);
    w->l = calloc((size_t)n->n_layers, sizeof *w->l);
    if (!w->l)
        return tf_errf(e, "out of memory");
    w->n_layers = n->n_layers;
    uint64_t s = seed;
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        if (!layer_is_compute(l))
            continue;
        mixq_layer_w *lw = &w->l[i];
        int cin_g = layer_cin_per_group(l), k = l->op == OP_FC ? 1 : l->k;
        size_t nw = (size_t)l->cout * (size_t)cin_g * (size_t)k * (size_t)k;
        lw->wbits = l->wbits;
        lw->n_w = nw;
        lw->w = malloc(nw * sizeof *lw->w);
        lw->bias = malloc((size_t)l->cout * sizeof *lw->bias);
        int ob = net_out_bits(n, i);
        if (ob != 32)
            lw->inc = malloc((size_t)l->cout * sizeof *lw->inc);
        if (!lw->w || !lw->bias || (ob != 32 && !lw->inc)) {
            mixq_weights_free(w);
            return tf_errf(e, "out of memory");
        }
        int64_t wmax = ((int64_t)1 << (l->wbits - 1)) - 1;
        for (size_t j = 0; j < nw; j++)
            lw->w[j] = (int32_t)rnd_range(&s, -wmax, wmax);
        /* spread of an accumulator: sqrt(terms) x |w| x |a| of uniform operands */
        double amax = (double)(((int64_t)1 << l->abits) - 1);
        double sigma = sqrt((double)cin_g * k * k) * (wmax / sqrt(3.0)) * (amax / 2.0) + 1.0;
        if (ob == 32) {
            for (int o = 0; o < l->cout; o++)
                lw->bias[o] = rnd_range(&s, -(int64_t)sigma, (int64_t)sigma);
            continue;
        }
        /* acc * inc spans about a quarter of the output range per sigma; bias centres it */
        int T = mixq_bn_shift(l->wbits, l->abits, w->lshift);
        double target = ldexp(1.0, T + ob - 2) / sigma;
        int64_t inc0 = target < 1.0 ? 1 : (int64_t)target;
        for (int o = 0; o < l->cout; o++) {
            lw->inc[o] = inc0 + rnd_range(&s, 0, inc0 / 2);
            lw->bias[o] = rnd_range(&s, 0, (int64_t)1 << (T + ob - 1));
        }
    }
    return 0;
}

/* One hex word of `bits` bits, written most significant digit first. */
typedef struct hexword {
    int bits;
    uint8_t *nib; /* bits/4 rounded up, least significant first */
} hexword;

static void hw_clear(hexword *h) { memset(h->nib, 0, (size_t)(h->bits + 3) / 4); }

static void hw_put(hexword *h, long pos, int width, uint64_t v)
{
    for (int b = 0; b < width; b++)
        if ((v >> b) & 1)
            h->nib[(pos + b) / 4] |= (uint8_t)(1u << ((pos + b) % 4));
}

static void hw_write(const hexword *h, FILE *f)
{
    static const char dig[] = "0123456789abcdef";
    for (int i = (h->bits + 3) / 4 - 1; i >= 0; i--)
        fputc(dig[h->nib[i]], f);
    fputc('\n', f);
}

static int write_weight_roms(const net *n, const design *ds, const mixq_weights *w, int i, const char *dir,
                             tf_err *e)
{
    const layer *l = &n->layers[i];
    const layer_fold *fd = &ds->fold[i];
    const mixq_layer_w *lw = &w->l[i];
    int pe = fd->pe, simd = fd->simd, k = l->k, cin = l->cin, nf = l->cout / pe, cf = cin / simd;
    if (!lw->w || lw->n_w != (size_t)l->cout * (size_t)cin * (size_t)k * (size_t)k)
        return tf_errf(e, "layer %s: the weight set (%s) has no %dx%dx%dx%d weights", l->name, w->dir, l->cout, cin, k, k);
    int wb = l->wbits;
    char path[1024];
    snprintf(path, sizeof path, "%s/%s_w.hex", dir, l->name);
    FILE *f = fopen(path, "w");
    if (!f)
        return tf_errf(e, "%s: cannot write (%s)", path, strerror(errno));
    hexword h = {pe * simd * wb, calloc((size_t)(pe * simd * wb + 3) / 4, 1)};
    if (!h.nib) {
        fclose(f);
        return tf_errf(e, "out of memory");
    }
    uint64_t mask = (1ull << wb) - 1;
    /* the scheduler's weight address walks nf, ky, kx, cf (rtl/scheduler.v) */
    for (int a = 0; a < nf; a++)
        for (int ky = 0; ky < k; ky++)
            for (int kx = 0; kx < k; kx++)
                for (int c = 0; c < cf; c++) {
                    hw_clear(&h);
                    for (int p = 0; p < pe; p++)
                        for (int s = 0; s < simd; s++) {
                            int o = a * pe + p, ch = c * simd + s;
                            int32_t v = lw->w[(((size_t)o * cin + ch) * k + ky) * k + kx];
                            hw_put(&h, (long)(p * simd + s) * wb, wb, (uint64_t)(int64_t)v & mask);
                        }
                    hw_write(&h, f);
                }
    free(h.nib);
    /* BN / bias: one word per output fold (2^NFW words), PE p's {inc, bias} at p*64 */
    int ob = net_out_bits(n, i);
    snprintf(path, sizeof path, "%s/%s_bn.hex", dir, l->name);
    FILE *g = fopen(path, "w");
    if (!g) {
        fclose(f);
        return tf_errf(e, "%s: cannot write (%s)", path, strerror(errno));
    }
    hexword b = {pe * 64, calloc((size_t)pe * 16, 1)};
    int rc = b.nib ? 0 : tf_errf(e, "out of memory");
    int nfd = 1 << max1(clog2(nf));
    for (int a = 0; a < nfd && !rc; a++) {
        hw_clear(&b);
        for (int p = 0; p < pe && a < nf; p++) {
            int o = a * pe + p;
            int64_t inc = ob != 32 && lw->inc ? lw->inc[o] : 0, bias = lw->bias ? lw->bias[o] : 0;
            if (inc < INT32_MIN || inc > INT32_MAX || bias < INT32_MIN || bias > INT32_MAX) {
                rc = tf_errf(e, "layer %s: channel %d: inc %lld / bias %lld do not fit the adder's 32-bit words",
                             l->name, o, (long long)inc, (long long)bias);
                break;
            }
            hw_put(&b, (long)p * 64 + 32, 32, (uint32_t)(int32_t)inc);
            hw_put(&b, (long)p * 64, 32, (uint32_t)(int32_t)bias);
        }
        hw_write(&b, g);
    }
    free(b.nib);
    if (fclose(f) | fclose(g))
        return rc ? rc : tf_errf(e, "%s: write failed", dir);
    return rc;
}

static int copy_file(const char *from, const char *to, tf_err *e)
{
    FILE *a = fopen(from, "rb");
    if (!a)
        return tf_errf(e, "%s: cannot read (%s); set TF2SIM_RTL to the rtl/ folder", from, strerror(errno));
    FILE *b = fopen(to, "wb");
    if (!b) {
        fclose(a);
        return tf_errf(e, "%s: cannot write (%s)", to, strerror(errno));
    }
    char buf[8192];
    size_t r;
    while ((r = fread(buf, 1, sizeof buf, a)) > 0)
        fwrite(buf, 1, r, b);
    fclose(a);
    if (fclose(b))
        return tf_errf(e, "%s: write failed", to);
    return 0;
}

int generate_load_weights(net *n, const char *dir, uint32_t seed, mixq_weights *w, tf_err *e)
{
    if (dir)
        return weights_ismart_load(w, n, dir, ISMART_DEFAULT_LSHIFT, true, e);
    return generate_random_weights(n, seed, w, e);
}

int generate_to_dir(net *n, const design *ds, const device *dv, const char *weights, uint32_t seed, const char *out_dir,
                    gen_info *g, tf_err *e)
{
    mixq_weights w;
    if (generate_check(n, ds, dv, e) || generate_load_weights(n, weights, seed, &w, e))
        return -1;
    int rc = 0;
    if (mkdir(out_dir, 0755) && errno != EEXIST)
        rc = tf_errf(e, "--out: cannot create folder %s (%s)", out_dir, strerror(errno));
    else
        rc = generate_design(n, ds, dv, &w, out_dir, g, e);
    mixq_weights_free(&w);
    return rc;
}

static const char *const BLOCKS[] = {"compute_unit.v", "scheduler.v", "feature_loader.v", "filter_loader.v",
                                     "pe_array.v",     "adder.v",     "layer_unit.v",     "maxpool.v", "compute_unit_fixed.v",
                                     "fifo.v",         "dataflow_tb.cpp"};

static const char *stream_name(const net *n, int i) { return i < 0 ? "in" : n->layers[i].name; }

int generate_design(const net *n, const design *ds, const device *dv, const mixq_weights *w, const char *dir,
                    gen_info *g, tf_err *e)
{
    memset(g, 0, sizeof *g);
    if (generate_check(n, ds, dv, e))
        return -1;
    g->fifos = calloc((size_t)n->n_layers, sizeof *g->fifos);
    if (!g->fifos)
        return tf_errf(e, "out of memory");
    const layer *last = &n->layers[n->n_layers - 1];
    g->in_pixels = n->in_h * n->in_w;
    g->in_chan_bits = n->in_bits;
    g->in_bits = n->in_c * n->in_bits;
    g->out_c = last->cout;
    g->out_h = last->hout;
    g->out_w = last->wout;
    g->out_chan_bits = stream_chan_bits(n, n->n_layers - 1);
    g->out_bits = g->out_c * g->out_chan_bits;
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        gen_fifo *q = &g->fifos[g->n_fifos++];
        int p = l->inputs[0];
        snprintf(q->name, sizeof q->name, "%s->%s", p < 0 ? "input" : n->layers[p].name, l->name);
        q->producer = p;
        q->consumer = i;
        q->depth = cdiv((long)ds->fifo_depth * stream_lanes(n, ds, p), stream_channels(n, p));
        if (q->depth < 1)
            q->depth = 1;
        q->in_rtl = l->op == OP_CONV ? -1 : g->n_rtl_fifos++;
    }
    for (size_t b = 0; b < sizeof BLOCKS / sizeof BLOCKS[0]; b++) {
        char from[1024], to[1024];
        snprintf(from, sizeof from, "%s/%s", generate_rtl_dir(), BLOCKS[b]);
        snprintf(to, sizeof to, "%s/%s", dir, BLOCKS[b]);
        if (copy_file(from, to, e))
            goto fail;
    }
    for (int i = 0; i < n->n_layers; i++)
        if (n->layers[i].op == OP_CONV && write_weight_roms(n, ds, w, i, dir, e))
            goto fail;

    char path[1024];
    snprintf(path, sizeof path, "%s/dataflow_top.v", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        tf_errf(e, "%s: cannot write (%s)", path, strerror(errno));
        goto fail;
    }
    int nq = g->n_rtl_fifos > 0 ? g->n_rtl_fifos : 1;
    char *canon = design_canonical(ds, n, dv);
    char hash[33] = "";
    if (canon)
        design_hash(canon, hash);
    free(canon);
    fprintf(f, "// dataflow_top.v: net %s, design %s (target rtl), generated by tf2sim generate.\n", n->name, hash);
    fprintf(f, "// Pixel streams: channel c of a pixel word at [c*bits +: bits]; input %d x %d bits, output %d x %d bits.\n",
            n->in_c, n->in_bits, g->out_c, g->out_chan_bits);
    fprintf(f, "// fifo_full_cycles / fifo_empty_cycles: 32 bits per generated FIFO, in layer order.\n");
    fprintf(f, "`default_nettype none\nmodule dataflow_top (\n"
               "    input  wire clk,\n    input  wire rst,\n"
               "    input  wire in_valid,\n    output wire in_ready,\n    input  wire [%d:0] in_data,\n"
               "    output wire out_valid,\n    input  wire out_ready,\n    output wire [%d:0] out_data,\n"
               "    output reg  [31:0] cycles,\n"
               "    output wire [%d:0] fifo_full_cycles,\n    output wire [%d:0] fifo_empty_cycles\n);\n",
            g->in_bits - 1, g->out_bits - 1, nq * 32 - 1, nq * 32 - 1);
    fprintf(f, "    always @(posedge clk)\n        if (rst) cycles <= 32'd0;\n        else cycles <= cycles + 32'd1;\n\n");
    if (g->n_rtl_fifos == 0)
        fprintf(f, "    assign fifo_full_cycles = 32'd0;\n    assign fifo_empty_cycles = 32'd0;\n");
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        int p = l->inputs[0];
        const char *src = stream_name(n, p);
        int ib = stream_chan_bits(n, p), ob = stream_chan_bits(n, i);
        const gen_fifo *q = &g->fifos[i];
        fprintf(f, "    // %s: %s %dx%dx%d -> %dx%dx%d\n", l->name, op_name(l->op), l->cin, l->hin, l->win, l->cout,
                l->hout, l->wout);
        fprintf(f, "    wire %s_valid, %s_ready;\n    wire [%d:0] %s_data;\n", l->name, l->name, l->cout * ob - 1, l->name);
        if (l->op == OP_CONV) {
            const layer_fold *fd = &ds->fold[i];
            rtl_unit u;
            if (rtl_unit_of_layer(n, ds, dv, i, &u, e)) {
                fclose(f);
                goto fail;
            }
            bool raw = ob == 32;
            fprintf(f,
                    "    layer_unit #(.PE(%d), .SIMD(%d), .WBITS(%d), .ABITS(%d), .K(%d), .PACK(%d), .CIN(%d), .COUT(%d),\n"
                    "                 .H(%d), .W(%d), .STRIDE(%d), .REQUANT(%d), .RELU(%d), .OBW(%d), .SHIFT(%d),\n"
                    "                 .FIFO(%ld), .WINIT(\"%s_w.hex\"), .BINIT(\"%s_bn.hex\")) u_%s (\n"
                    "        .clk(clk), .rst(rst),\n"
                    "        .in_valid(%s_valid), .in_ready(%s_ready), .in_data(%s_data),\n"
                    "        .out_valid(%s_valid), .out_ready(%s_ready), .out_data(%s_data));\n\n",
                    fd->pe, fd->simd, l->wbits, l->abits, l->k, u.pack, l->cin, l->cout, l->hin, l->win, l->stride,
                    raw ? 0 : 1, 0, ob, raw ? 0 : mixq_bn_shift(l->wbits, l->abits, w->lshift), q->depth,
                    l->name, l->name, l->name, src, src, src, l->name, l->name, l->name);
        } else {
            int qi = q->in_rtl;
            fprintf(f, "    wire %s_q_valid, %s_q_ready;\n    wire [%d:0] %s_q_data;\n", l->name, l->name,
                    l->cin * ib - 1, l->name);
            fprintf(f,
                    "    fifo #(.WIDTH(%d), .DEPTH(%ld)) q_%s (\n        .clk(clk), .rst(rst),\n"
                    "        .in_valid(%s_valid), .in_ready(%s_ready), .in_data(%s_data),\n"
                    "        .out_valid(%s_q_valid), .out_ready(%s_q_ready), .out_data(%s_q_data),\n"
                    "        .full_cycles(fifo_full_cycles[%d +: 32]), .empty_cycles(fifo_empty_cycles[%d +: 32]));\n",
                    l->cin * ib, q->depth, l->name, src, src, src, l->name, l->name, l->name, qi * 32, qi * 32);
            fprintf(f,
                    "    maxpool #(.C(%d), .ABITS(%d), .K(%d), .H(%d), .W(%d)) u_%s (\n        .clk(clk), .rst(rst),\n"
                    "        .in_valid(%s_q_valid), .in_ready(%s_q_ready), .in_data(%s_q_data),\n"
                    "        .out_valid(%s_valid), .out_ready(%s_ready), .out_data(%s_data));\n\n",
                    l->cin, ib, l->k, l->hin, l->win, l->name, l->name, l->name, l->name, l->name, l->name, l->name);
        }
    }
    fprintf(f, "    assign out_valid = %s_valid;\n    assign %s_ready = out_ready;\n    assign out_data = %s_data;\n",
            last->name, last->name, last->name);
    fprintf(f, "endmodule\n`default_nettype wire\n");
    if (fclose(f)) {
        tf_errf(e, "%s: write failed", path);
        goto fail;
    }

    snprintf(path, sizeof path, "%s/dataflow_tb.h", dir);
    f = fopen(path, "w");
    if (!f) {
        tf_errf(e, "%s: cannot write (%s)", path, strerror(errno));
        goto fail;
    }
    fprintf(f, "// dataflow_tb.h: the sizes of this design's streams, for dataflow_tb.cpp (generated).\n"
               "#define TB_IN_PIXELS %d\n#define TB_IN_BITS %d\n#define TB_OUT_PIXELS %d\n#define TB_OUT_BITS %d\n"
               "#define TB_N_FIFOS %d\n",
            g->in_pixels, g->in_bits, g->out_h * g->out_w, g->out_bits, g->n_rtl_fifos);
    if (fclose(f)) {
        tf_errf(e, "%s: write failed", path);
        goto fail;
    }

    json_t *fifos = json_array(), *layers = json_array();
    for (int i = 0; i < g->n_fifos; i++)
        json_array_append_new(fifos, json_pack("{s:s,s:I,s:b}", "name", g->fifos[i].name, "depth_pixels",
                                               (json_int_t)g->fifos[i].depth, "in_feature_buffer", g->fifos[i].in_rtl < 0));
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        json_t *o = json_pack("{s:s,s:s}", "name", l->name, "op", op_name(l->op));
        if (l->op == OP_CONV) {
            json_object_set_new(o, "pe", json_integer(ds->fold[i].pe));
            json_object_set_new(o, "simd", json_integer(ds->fold[i].simd));
            json_object_set_new(o, "wbits", json_integer(l->wbits));
            json_object_set_new(o, "abits", json_integer(l->abits));
        }
        json_array_append_new(layers, o);
    }
    json_t *j = json_pack("{s:s,s:s,s:s,s:i,s:s,s:{s:i,s:i,s:i,s:i},s:{s:i,s:i,s:i,s:i},s:o,s:o}", "net", n->name,
                          "design_hash", hash, "top", "dataflow_top", "fifo_depth", ds->fifo_depth, "weights", w->dir,
                          "input", "c", n->in_c, "h", n->in_h, "w", n->in_w, "bits", n->in_bits, "output", "c", g->out_c,
                          "h", g->out_h, "w", g->out_w, "bits", g->out_chan_bits, "layers", layers, "fifos", fifos);
    snprintf(path, sizeof path, "%s/design.json", dir);
    int jrc = json_dump_file(j, path, JSON_INDENT(2) | JSON_SORT_KEYS);
    json_decref(j);
    if (jrc) {
        tf_errf(e, "%s: cannot write", path);
        goto fail;
    }
    return 0;
fail:
    gen_info_free(g);
    return -1;
}
