/* cosim.c: a generated design on Verilator against the C models (see cosim.h). */
#include "cosim.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "io/image.h"
#include "numerics/infer.h"
#include "task/detect.h"
#include "topology/cycle.h"

static double now_s(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

void cosim_result_free(cosim_result *r)
{
    free(r->boxes);
    r->boxes = NULL;
    free(r->fifos);
    r->fifos = NULL;
    r->n_fifos = 0;
}

static int cmp_str(const void *a, const void *b) { return strcmp(*(char *const *)a, *(char *const *)b); }

/* Sorted names of the regular files in dir ending in `ext` ("" for all); count or -1. */
static int list_files(const char *dir, const char *ext, char ***out, tf_err *e)
{
    DIR *d = opendir(dir);
    if (!d)
        return tf_errf(e, "%s: cannot open folder (%s)", dir, strerror(errno));
    int n = 0, cap = 0;
    char **v = NULL;
    struct dirent *de;
    size_t el = strlen(ext);
    while ((de = readdir(d))) {
        size_t l = strlen(de->d_name);
        if (de->d_name[0] == '.' || l < el || strcmp(de->d_name + l - el, ext))
            continue;
        char p[1024];
        struct stat sb;
        snprintf(p, sizeof p, "%s/%s", dir, de->d_name);
        if (stat(p, &sb) || !S_ISREG(sb.st_mode))
            continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 16;
            char **nv = realloc(v, (size_t)cap * sizeof *v);
            if (!nv)
                break;
            v = nv;
        }
        v[n++] = strdup(de->d_name);
    }
    closedir(d);
    if (n)
        qsort(v, (size_t)n, sizeof *v, cmp_str);
    *out = v;
    return n;
}

static void free_list(char **v, int n)
{
    for (int i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

/* XXH3-128 over every file's name and bytes, in name order: the design's cache key. */
static int hash_dir(const char *dir, char hex[33], tf_err *e)
{
    char **names;
    int n = list_files(dir, "", &names, e);
    if (n < 0)
        return -1;
    XXH3_state_t *st = XXH3_createState();
    XXH3_128bits_reset(st);
    char buf[65536];
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        XXH3_128bits_update(st, names[i], strlen(names[i]) + 1);
        FILE *f = fopen(p, "rb");
        if (!f) {
            rc = tf_errf(e, "%s: cannot read", p);
            break;
        }
        size_t r;
        while ((r = fread(buf, 1, sizeof buf, f)) > 0)
            XXH3_128bits_update(st, buf, r);
        fclose(f);
    }
    XXH128_hash_t h = XXH3_128bits_digest(st);
    XXH3_freeState(st);
    free_list(names, n);
    snprintf(hex, 33, "%016llx%016llx", (unsigned long long)h.high64, (unsigned long long)h.low64);
    return rc;
}

static void remove_dir(const char *dir)
{
    char **names;
    tf_err e;
    int n = list_files(dir, "", &names, &e);
    for (int i = 0; i < n; i++) {
        char p[1024];
        snprintf(p, sizeof p, "%s/%s", dir, names[i]);
        unlink(p);
    }
    if (n >= 0)
        free_list(names, n);
    rmdir(dir);
}

/* Runs argv in cwd with stdout and stderr to log (NULL: inherited); the exit status or -1. */
static int run_prog(char *const argv[], const char *cwd, const char *log)
{
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        if (cwd && chdir(cwd))
            _exit(127);
        if (log) {
            int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
            if (fd >= 0) {
                dup2(fd, 1);
                dup2(fd, 2);
                close(fd);
            }
        }
        execvp(argv[0], argv);
        _exit(127);
    }
    int st;
    if (waitpid(pid, &st, 0) < 0)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int mkdir_p(const char *path, tf_err *e)
{
    char tmp[1024];
    snprintf(tmp, sizeof tmp, "%s", path);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = 0;
            if (mkdir(tmp, 0755) && errno != EEXIST)
                return tf_errf(e, "%s: cannot create folder (%s)", tmp, strerror(errno));
            *p = '/';
        }
    if (mkdir(tmp, 0755) && errno != EEXIST)
        return tf_errf(e, "%s: cannot create folder (%s)", tmp, strerror(errno));
    return 0;
}

/* Generates into the cache under the design's hash and verilates it once. */
static int build_design(const net *n, const design *ds, const device *dv, const mixq_weights *w, const cosim_opts *o,
                        gen_info *g, cosim_result *r, tf_err *e)
{
    char stage[1024], hex[33];
    if (mkdir_p(o->cache_dir, e))
        return -1;
    snprintf(stage, sizeof stage, "%s/stage.%ld", o->cache_dir, (long)getpid());
    remove_dir(stage);
    if (mkdir(stage, 0755))
        return tf_errf(e, "%s: cannot create folder (%s)", stage, strerror(errno));
    if (generate_design(n, ds, dv, w, stage, g, e) || hash_dir(stage, hex, e)) {
        remove_dir(stage);
        return -1;
    }
    snprintf(r->design_dir, sizeof r->design_dir, "%s/%s", o->cache_dir, hex);
    if (rename(stage, r->design_dir)) /* an existing folder holds the same files */
        remove_dir(stage);
    char exe[1200];
    snprintf(exe, sizeof exe, "%s/obj/Vdataflow_top", r->design_dir);
    if (access(exe, X_OK) == 0)
        return 0;
    double t0 = now_s();
    char mdir[64], log[1200], objtmp[1200], obj[1200];
    snprintf(mdir, sizeof mdir, "obj.%ld", (long)getpid());
    snprintf(log, sizeof log, "%s/verilator.%ld.log", r->design_dir, (long)getpid());
    char *argv[] = {"verilator", "--cc", "--exe", "--build", "-j", "1", "-Wno-fatal", "-Wno-lint", "-Wno-style",
                    "-O3", "--x-assign", "fast", "--x-initial", "fast", "--noassert", "--top-module", "dataflow_top",
                    "-Mdir", mdir, "-o", "Vdataflow_top", "dataflow_top.v", "layer_unit.v", "compute_unit_fixed.v", "compute_unit.v",
                    "scheduler.v", "feature_loader.v", "filter_loader.v", "pe_array.v", "adder.v", "maxpool.v",
                    "fifo.v", "dataflow_tb.cpp", NULL};
    int st = run_prog(argv, r->design_dir, log);
    snprintf(objtmp, sizeof objtmp, "%s/%s", r->design_dir, mdir);
    snprintf(obj, sizeof obj, "%s/obj", r->design_dir);
    if (st != 0)
        return tf_errf(e, "verilator failed on %s/dataflow_top.v (exit %d); see %s", r->design_dir, st, log);
    if (rename(objtmp, obj) && access(exe, X_OK) != 0)
        return tf_errf(e, "%s: cannot move the verilated model into place (%s)", objtmp, strerror(errno));
    unlink(log);
    r->build_seconds = now_s() - t0;
    return 0;
}

/* The input frames as C,H,W code tensors: random codes or DAC-SDC images. */
static int make_inputs(const net *n, const cosim_opts *o, tensor **out, int *frames, cosim_result *r, tf_err *e)
{
    char **names = NULL;
    int nimg = 0;
    int nf = o->frames;
    if (o->images) {
        nimg = list_files(o->images, ".jpg", &names, e);
        if (nimg < 0)
            return -1;
        if (nimg == 0)
            return tf_errf(e, "--images: no .jpg files in %s", o->images);
        if (nf <= 0 || nf > nimg)
            nf = nimg;
    }
    tensor *t = calloc((size_t)nf, sizeof *t);
    if (o->images) {
        r->boxes = calloc((size_t)nf, sizeof *r->boxes);
        r->n_boxes = nf;
    }
    if (!t || (o->images && !r->boxes)) {
        free(t);
        free_list(names, nimg);
        return tf_errf(e, "out of memory");
    }
    uint64_t s = o->seed * 0x9E3779B97F4A7C15ull + 1;
    int rc = 0;
    for (int f = 0; f < nf && !rc; f++) {
        if (o->images) {
            char p[1024];
            snprintf(p, sizeof p, "%s/%s", o->images, names[f]);
            image_u8 im = {0}, rs = {0};
            uint8_t *chw = malloc((size_t)3 * n->in_h * n->in_w);
            if (!chw)
                rc = tf_errf(e, "out of memory");
            else if (n->in_c != 3)
                rc = tf_errf(e, "--images: net %s takes %d input channels, images have 3", n->name, n->in_c);
            else if (image_load_jpeg(&im, p, e) || image_resize_bilinear(&im, &rs, n->in_w, n->in_h, RESIZE_EXACT, e))
                rc = -1;
            else {
                image_to_chw(&rs, 1, chw);
                rc = mixq_input_from_u8(n, chw, &t[f], e);
                if (!rc && r->boxes) {
                    cosim_box *b = &r->boxes[f];
                    snprintf(b->image, sizeof b->image, "%s", names[f]);
                    char *end;
                    long id = strtol(names[f], &end, 10);
                    b->id = end != names[f] && strcmp(end, ".jpg") == 0 ? (int)id : -1;
                    b->img_w = im.w;
                    b->img_h = im.h;
                }
            }
            free(chw);
            image_free(&im);
            image_free(&rs);
        } else if (tensor_alloc(&t[f], n->in_c, n->in_h, n->in_w, e)) {
            rc = -1;
        } else {
            for (size_t i = 0; i < tensor_size(&t[f]); i++) {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                t[f].d[i] = (int32_t)(s % ((uint64_t)1 << n->in_bits));
            }
        }
    }
    free_list(names, nimg);
    if (rc) {
        for (int f = 0; f < nf; f++)
            tensor_free(&t[f]);
        free(t);
        return -1;
    }
    *out = t;
    *frames = nf;
    return 0;
}

/* Bits [pos, pos+width) of a little-endian word array. */
static uint64_t get_bits(const uint32_t *w, long pos, int width)
{
    uint64_t v = 0;
    for (int b = 0; b < width; b++)
        v |= (uint64_t)((w[(pos + b) / 32] >> ((pos + b) % 32)) & 1u) << b;
    return v;
}

static void put_bits(uint32_t *w, long pos, int width, uint64_t v)
{
    for (int b = 0; b < width; b++)
        if ((v >> b) & 1)
            w[(pos + b) / 32] |= 1u << ((pos + b) % 32);
}

/* Streams the frames through the verilated design; its outputs stay in rundir. */
static int run_rtl(const gen_info *g, const tensor *in, int frames, cosim_result *r, uint64_t *done,
                   uint32_t (*fifo_cnt)[2], char *rundir, size_t rcap, tf_err *e)
{
    int iw = (g->in_bits + 31) / 32;
    size_t nin = (size_t)frames * g->in_pixels * iw;
    uint32_t *buf = calloc(nin, sizeof *buf);
    if (!buf)
        return tf_errf(e, "out of memory");
    for (int f = 0; f < frames; f++)
        for (int y = 0; y < in[f].h; y++)
            for (int x = 0; x < in[f].w; x++) {
                uint32_t *px = buf + ((size_t)f * g->in_pixels + (size_t)y * in[f].w + x) * iw;
                for (int c = 0; c < in[f].c; c++)
                    put_bits(px, (long)c * g->in_chan_bits, g->in_chan_bits, (uint64_t)*tensor_at(&in[f], c, y, x));
            }
    char pin[1300], pout[1300], pres[1300], exe[1200], fr[32];
    snprintf(rundir, rcap, "%s/run.%ld", r->design_dir, (long)getpid());
    remove_dir(rundir);
    mkdir(rundir, 0755);
    snprintf(pin, sizeof pin, "%s/in.bin", rundir);
    snprintf(pout, sizeof pout, "%s/out.bin", rundir);
    snprintf(pres, sizeof pres, "%s/result.txt", rundir);
    snprintf(exe, sizeof exe, "%s/obj/Vdataflow_top", r->design_dir);
    snprintf(fr, sizeof fr, "%d", frames);
    FILE *f = fopen(pin, "wb");
    int rc = 0;
    if (!f || fwrite(buf, sizeof *buf, nin, f) != nin || fclose(f))
        rc = tf_errf(e, "%s: cannot write", pin);
    free(buf);
    double t0 = now_s();
    char *argv[] = {exe, fr, pin, pout, pres, NULL};
    if (!rc && run_prog(argv, r->design_dir, NULL) != 0)
        rc = tf_errf(e, "%s: the RTL simulation failed (see its message above)", exe);
    r->rtl_seconds = now_s() - t0;
    FILE *rf = rc ? NULL : fopen(pres, "r");
    if (!rc && !rf)
        rc = tf_errf(e, "%s: no result", pres);
    char line[256];
    while (rf && fgets(line, sizeof line, rf)) {
        long a;
        unsigned long long b, c;
        if (sscanf(line, "frame %ld %llu", &a, &b) == 2 && a >= 0 && a < frames)
            done[a] = b;
        else if (sscanf(line, "fifo %ld %llu %llu", &a, &b, &c) == 3 && a >= 0 && a < g->n_rtl_fifos) {
            fifo_cnt[a][0] = (uint32_t)b;
            fifo_cnt[a][1] = (uint32_t)c;
        }
    }
    if (rf)
        fclose(rf);
    return rc;
}

/* The box of one frame decoded from the RTL's raw head outputs (DAC-SDC: 6 values per anchor). */
static int rtl_boxes(const net *n, const gen_info *g, const uint32_t *px, cosim_box *b, tf_err *e)
{
    const layer *last = &n->layers[n->n_layers - 1];
    if (g->out_chan_bits != 32 || last->cout % 6)
        return tf_errf(e, "--images: net %s does not end in a detection head (raw outputs, 6 per anchor)", n->name);
    tensor t = {0};
    if (tensor_alloc(&t, g->out_c, g->out_h, g->out_w, e))
        return -1;
    int ow = (g->out_bits + 31) / 32;
    for (int c = 0; c < t.c; c++)
        for (int y = 0; y < t.h; y++)
            for (int x = 0; x < t.w; x++)
                *tensor_at(&t, c, y, x) = (int32_t)(uint32_t)get_bits(px + ((size_t)y * t.w + x) * ow, (long)c * 32, 32);
    box_decode_cfg cfg = {.anchors = last->cout / 6, .div = mixq_head_div(last), .net_w = n->in_w, .net_h = n->in_h,
                          .img_w = b->img_w, .img_h = b->img_h, .base = 20.0};
    int rc = box_decode_single(&t, &cfg, &b->rtl, e);
    tensor_free(&t);
    return rc;
}

static int compare_outputs(const net *n, const mixq_weights *w, const gen_info *g, const tensor *in, int frames,
                           const char *rundir, cosim_result *r, tf_err *e)
{
    int ow = (g->out_bits + 31) / 32;
    size_t nout = (size_t)frames * g->out_h * g->out_w * ow;
    uint32_t *buf = malloc(nout * sizeof *buf);
    char p[1300];
    snprintf(p, sizeof p, "%s/out.bin", rundir);
    FILE *f = fopen(p, "rb");
    if (!buf || !f || fread(buf, sizeof *buf, nout, f) != nout) {
        if (f)
            fclose(f);
        free(buf);
        return tf_errf(e, "%s: expected %zu output words", p, nout);
    }
    fclose(f);
    tensor *outs = calloc((size_t)n->n_layers, sizeof *outs);
    if (!outs) {
        free(buf);
        return tf_errf(e, "out of memory");
    }
    int rc = 0;
    r->mismatches = 0;
    r->first_bad = -1;
    long idx = 0;
    int cb = g->out_chan_bits;
    for (int fr = 0; fr < frames && !rc; fr++) {
        if (mixq_forward(n, w, &in[fr], outs, 0, e)) {
            rc = -1;
            break;
        }
        const tensor *t = &outs[n->n_layers - 1];
        if (r->boxes && rtl_boxes(n, g, buf + (size_t)fr * g->out_h * g->out_w * ow, &r->boxes[fr], e)) {
            rc = -1;
            break;
        }
        for (int c = 0; c < t->c; c++)
            for (int y = 0; y < t->h; y++)
                for (int x = 0; x < t->w; x++, idx++) {
                    const uint32_t *px = buf + ((size_t)fr * g->out_h * g->out_w + (size_t)y * g->out_w + x) * ow;
                    uint64_t v = get_bits(px, (long)c * cb, cb);
                    int64_t rv = cb == 32 ? (int64_t)(int32_t)(uint32_t)v : (int64_t)v;
                    if (rv != (int64_t)*tensor_at(t, c, y, x)) {
                        if (r->first_bad < 0)
                            r->first_bad = idx;
                        r->mismatches++;
                    }
                }
    }
    for (int i = 0; i < n->n_layers; i++)
        tensor_free(&outs[i]);
    free(outs);
    free(buf);
    r->outputs_equal = !rc && r->mismatches == 0;
    return rc;
}

/* The RTL's boxes against the FPGA's, by image id. */
static int compare_fpga_boxes(const cosim_opts *o, cosim_result *r, tf_err *e)
{
    if (!o->fpga_boxes || !r->boxes)
        return 0;
    box *fb = NULL;
    int nb = 0;
    if (det_boxes_load(o->fpga_boxes, &fb, &nb, e))
        return -1;
    for (int i = 0; i < r->n_boxes; i++) {
        cosim_box *b = &r->boxes[i];
        if (b->id < 0 || b->id >= nb)
            continue;
        b->have_fpga = true;
        b->fpga = fb[b->id];
        b->equal = box_close(b->fpga, b->rtl, 0);
        r->boxes_equal += b->equal;
    }
    free(fb);
    return 0;
}

int cosim_run(net *n, const design *ds, const device *dv, const cosim_opts *o, cosim_result *r, tf_err *e)
{
    memset(r, 0, sizeof *r);
    gen_info g;
    tensor *in = NULL;
    int frames = 0;
    mixq_weights w;
    if (generate_check(n, ds, dv, e) || generate_load_weights(n, o->weights, o->seed, &w, e))
        return -1;
    /* the inputs first: a bad --images folder fails before the verilator build */
    if (make_inputs(n, o, &in, &frames, r, e)) {
        cosim_result_free(r);
        mixq_weights_free(&w);
        return -1;
    }
    if (build_design(n, ds, dv, &w, o, &g, r, e)) {
        for (int f = 0; f < frames; f++)
            tensor_free(&in[f]);
        free(in);
        cosim_result_free(r);
        mixq_weights_free(&w);
        return -1;
    }
    r->frames = frames;
    uint64_t *done = calloc((size_t)frames, sizeof *done);
    uint32_t (*cnt)[2] = calloc((size_t)(g.n_rtl_fifos ? g.n_rtl_fifos : 1), sizeof *cnt);
    r->fifos = calloc((size_t)g.n_fifos, sizeof *r->fifos);
    int rc = -1;
    perf p = {0};
    cycle_fifos cf = {0};
    design dc = {0};
    if (!done || !cnt || !r->fifos) {
        tf_errf(e, "out of memory");
        goto out;
    }
    char rundir[1200];
    if (run_rtl(&g, in, frames, r, done, cnt, rundir, sizeof rundir, e))
        goto out;
    if (compare_outputs(n, &w, &g, in, frames, rundir, r, e) || compare_fpga_boxes(o, r, e))
        goto out;
    remove_dir(rundir);
    /* the C cycle-level model over the same number of frames */
    double t0 = now_s();
    if (design_copy(&dc, ds, e))
        goto out;
    cycle_opts co;
    cycle_opts_default(&co);
    co.frames = frames;
    co.fifos = &cf;
    cycle_info ci;
    if (cycle_simulate(n, &dc, &co, &p, &ci, e))
        goto out;
    r->c_seconds = now_s() - t0;
    r->c_interval = p.interval_cycles;
    r->c_latency = p.latency_cycles;
    int k = frames >= 3 ? frames - 2 : frames - 1;
    r->rtl_latency = done[0];
    r->rtl_interval = k >= 1 ? done[k] - done[k - 1] : done[0];
    r->cycles_equal = r->c_interval == r->rtl_interval && r->c_latency == r->rtl_latency;
    r->n_fifos = g.n_fifos;
    for (int i = 0; i < g.n_fifos; i++) {
        cosim_fifo *q = &r->fifos[i];
        const gen_fifo *gq = &g.fifos[i];
        snprintf(q->name, sizeof q->name, "%s", gq->name);
        q->depth = gq->depth;
        q->in_rtl = gq->in_rtl >= 0;
        for (int j = 0; j < cf.n; j++)
            if (cf.f[j].producer == gq->producer && cf.f[j].consumer == gq->consumer) {
                q->c_full = cf.f[j].s.full_cycles;
                q->c_empty = cf.f[j].s.empty_cycles;
            }
        if (q->in_rtl) {
            q->rtl_full = cnt[gq->in_rtl][0];
            q->rtl_empty = cnt[gq->in_rtl][1];
            r->cycles_equal = r->cycles_equal && q->rtl_full == q->c_full && q->rtl_empty == q->c_empty;
        }
    }
    rc = 0;
out:
    if (rc)
        cosim_result_free(r);
    perf_free(&p);
    cycle_fifos_free(&cf);
    design_free(&dc);
    for (int f = 0; f < frames; f++)
        tensor_free(&in[f]);
    free(in);
    free(done);
    free(cnt);
    gen_info_free(&g);
    mixq_weights_free(&w);
    return rc;
}
