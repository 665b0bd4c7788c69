/* compress.c: INQ power-of-two weights with TF2's rules and the 4-bit packed file. */
#include "compress.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numerics/numerics_tf2.h"

const double INQ_SCHEDULE[INQ_STEPS] = {0.3, 0.6, 0.8, 0.9, 1.0};

typedef struct buf {
    uint8_t *d;
    size_t len, cap;
} buf;

static int put(buf *b, const void *p, size_t k)
{
    if (b->len + k > b->cap) {
        size_t nc = b->cap ? b->cap * 2 : 4096;
        while (nc < b->len + k)
            nc *= 2;
        uint8_t *nd = realloc(b->d, nc);
        if (!nd)
            return -1;
        b->d = nd;
        b->cap = nc;
    }
    memcpy(b->d + b->len, p, k);
    b->len += k;
    return 0;
}

static int put16(buf *b, unsigned v)
{
    uint8_t x[2] = {(uint8_t)(v & 0xff), (uint8_t)(v >> 8)};
    return put(b, x, 2);
}

static int put_header(buf *b, int min_exp, int datatype, int N, int C, int H, int W)
{
    uint8_t h[2] = {(uint8_t)(int8_t)min_exp, (uint8_t)datatype};
    return put(b, h, 2) || put16(b, (unsigned)N) || put16(b, (unsigned)C) || put16(b, (unsigned)H) ||
           put16(b, (unsigned)W);
}

/* Record geometry of a compute layer: N filters of C kernels of K x K. */
static void geometry(const layer *l, int *N, int *C, int *K)
{
    *N = l->cout;
    *C = l->op == OP_FC ? l->cin * l->hin * l->win : layer_cin_per_group(l);
    *K = l->op == OP_FC ? 1 : l->k;
}

size_t inq_packed_words(size_t kernels, int k)
{
    return k == 1 ? (kernels + 3) / 4 : kernels * (size_t)k * (size_t)((k + 2) / 3);
}

static int quantise_layer(const layer *l, const float *w, int levels, inq_layer *q, tf_err *e)
{
    size_t n = (size_t)l->weights;
    q->done = true;
    q->n = n;
    q->q = malloc(sizeof(float) * (n ? n : 1));
    unsigned char *mask = malloc(n ? n : 1);
    if (!q->q || !mask) {
        free(mask);
        return tf_errf(e, "%s: out of memory", l->name);
    }
    memcpy(q->q, w, sizeof(float) * n);
    memset(mask, 1, n);
    int me = tf2_inq_max_exp(w, n);
    q->max_exp = me;
    double prev = 0;
    for (int s = 0; s < INQ_STEPS; s++) {
        if (s > 0) { /* TF2: later steps take the exponent of the largest frozen weight */
            double m = 0;
            for (size_t i = 0; i < n; i++)
                if (!mask[i] && fabsf(q->q[i]) > m)
                    m = fabsf(q->q[i]);
            if (m > 0)
                me = (int)lround(log2(m));
        }
        q->step_max_exp[s] = me == INT_MIN ? 0 : me;
        q->frozen[s] = me == INT_MIN ? 0 : tf2_inq_partition(q->q, mask, n, prev, INQ_SCHEDULE[s], me);
        prev = INQ_SCHEDULE[s];
    }
    for (size_t i = 0; i < n; i++)
        if (mask[i]) /* an all-zero layer, or ties the last threshold left: quantise them too */
            q->q[i] = me == INT_MIN ? 0 : tf2_inq_quantize1(q->q[i], me);
    free(mask);
    if (q->max_exp == INT_MIN) {
        q->max_exp = q->min_exp = 0;
    } else {
        q->min_exp = q->max_exp - (levels - 1);
        if (q->min_exp < -128 || q->max_exp > 127)
            return tf_errf(e, "%s: exponents %d..%d do not fit the record's signed byte", l->name, q->min_exp,
                           q->max_exp);
    }
    q->e_lo = INT_MAX;
    q->e_hi = INT_MIN;
    float lo = ldexpf(1.0f, q->min_exp);
    for (size_t i = 0; i < n; i++) {
        if (fabsf(q->q[i]) < lo) /* fewer levels than 7: zero below the shortened range */
            q->q[i] = 0;
        if (q->q[i] == 0) {
            q->zeros++;
            q->hist[7]++;
            continue;
        }
        int ex;
        frexpf(fabsf(q->q[i]), &ex);
        ex -= 1;
        if (ex < q->e_lo)
            q->e_lo = ex;
        if (ex > q->e_hi)
            q->e_hi = ex;
        int idx = ex - q->min_exp;
        if (idx < 0 || idx > 6)
            return tf_errf(e, "%s: weight %zu = %g is outside 2^%d..2^%d", l->name, i, (double)q->q[i], q->min_exp,
                           q->min_exp + 6);
        q->hist[idx]++;
    }
    return 0;
}

void inq_result_free(inq_result *r)
{
    if (r->l)
        for (int i = 0; i < r->n_layers; i++)
            free(r->l[i].q);
    free(r->l);
    free(r->file);
    memset(r, 0, sizeof *r);
}

int inq_compress(const net *n, float *const *w, float *const *b, int levels, inq_result *r, tf_err *e)
{
    memset(r, 0, sizeof *r);
    if (levels < 1 || levels > TF2_INQ_LEVELS)
        return tf_errf(e, "--levels: %d is not 1..%d (4-bit codes hold 7 magnitudes per sign)", levels,
                       TF2_INQ_LEVELS);
    r->n_layers = n->n_layers;
    r->levels = levels;
    r->l = calloc((size_t)(n->n_layers ? n->n_layers : 1), sizeof *r->l);
    if (!r->l)
        return tf_errf(e, "out of memory");
    buf f = {0};
    uint8_t *codes = NULL;
    uint16_t *words = NULL;
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        if (!layer_is_compute(l))
            continue;
        if (!w[i]) {
            tf_errf(e, "%s: no weights", l->name);
            goto fail;
        }
        if (quantise_layer(l, w[i], levels, &r->l[i], e))
            goto fail;
        int N, C, K;
        geometry(l, &N, &C, &K);
        if (N > 32767 || C > 32767) {
            tf_errf(e, "%s: %d x %d kernels do not fit the record's 16-bit N/C fields", l->name, N, C);
            goto fail;
        }
        size_t nk = (size_t)N * C, nw = inq_packed_words(nk, K);
        if (nk > INT_MAX) {
            tf_errf(e, "%s: too many kernels", l->name);
            goto fail;
        }
        codes = malloc(r->l[i].n ? r->l[i].n : 1);
        words = malloc(sizeof *words * (nw ? nw : 1));
        if (!codes || !words) {
            tf_errf(e, "out of memory");
            goto fail;
        }
        for (size_t k = 0; k < r->l[i].n; k++) {
            int c = tf2_code_encode(r->l[i].q[k], r->l[i].min_exp);
            if (c < 0) {
                tf_errf(e, "%s: weight %zu = %g has no 4-bit code", l->name, k, (double)r->l[i].q[k]);
                goto fail;
            }
            codes[k] = (uint8_t)c;
        }
        tf2_pack_codes(codes, (int)nk, K, words);
        if (put_header(&f, r->l[i].min_exp, 0, N, C, K, K))
            goto oom;
        for (size_t k = 0; k < nw; k++)
            if (put16(&f, words[k]))
                goto oom;
        free(codes);
        free(words);
        codes = NULL;
        words = NULL;
        if (l->bias && b && b[i]) {
            if (put_header(&f, 0, 1, l->cout, 1, 1, 1))
                goto oom;
            for (int o = 0; o < l->cout; o++) {
                uint32_t u;
                memcpy(&u, &b[i][o], 4);
                uint8_t x[4] = {(uint8_t)u, (uint8_t)(u >> 8), (uint8_t)(u >> 16), (uint8_t)(u >> 24)};
                if (put(&f, x, 4))
                    goto oom;
            }
        }
    }
    r->file = f.d;
    r->file_len = f.len;
    return 0;
oom:
    tf_errf(e, "out of memory");
fail:
    free(codes);
    free(words);
    free(f.d);
    inq_result_free(r);
    return -1;
}

static int get16(const uint8_t *p)
{
    return (int16_t)(uint16_t)(p[0] | p[1] << 8);
}

int inq_read_file(const net *n, const uint8_t *file, size_t len, float **out, tf_err *e)
{
    size_t off = 0;
    for (int i = 0; i < n->n_layers; i++)
        out[i] = NULL;
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        if (!layer_is_compute(l))
            continue;
        int N, C, K;
        geometry(l, &N, &C, &K);
        if (off + 10 > len)
            goto trunc;
        int min_exp = (int8_t)file[off], dt = file[off + 1];
        int hN = get16(file + off + 2), hC = get16(file + off + 4), hH = get16(file + off + 6),
            hW = get16(file + off + 8);
        if (dt != 0 || hN != N || hC != C || hH != K || hW != K) {
            tf_errf(e, "%s: record at byte %zu is type %d, %dx%dx%dx%d; expected type 0, %dx%dx%dx%d", l->name, off,
                    dt, hN, hC, hH, hW, N, C, K, K);
            goto fail;
        }
        off += 10;
        size_t nk = (size_t)N * C, nw = inq_packed_words(nk, K);
        if (off + 2 * nw > len)
            goto trunc;
        uint16_t *words = malloc(sizeof *words * (nw ? nw : 1));
        uint8_t *codes = malloc((size_t)l->weights ? (size_t)l->weights : 1);
        out[i] = malloc(sizeof(float) * ((size_t)l->weights ? (size_t)l->weights : 1));
        if (!words || !codes || !out[i]) {
            free(words), free(codes);
            tf_errf(e, "out of memory");
            goto fail;
        }
        for (size_t k = 0; k < nw; k++)
            words[k] = (uint16_t)(file[off + 2 * k] | file[off + 2 * k + 1] << 8);
        off += 2 * nw;
        size_t used = tf2_unpack_codes(words, nw, (int)nk, K, codes);
        free(words);
        if (used != nw) {
            free(codes);
            tf_errf(e, "%s: the packed codes do not decode (an N/A code where a weight belongs)", l->name);
            goto fail;
        }
        for (size_t k = 0; k < (size_t)l->weights; k++)
            out[i][k] = tf2_code_decode(codes[k], min_exp);
        free(codes);
        if (l->bias && off + 2 <= len && file[off + 1] == 1) { /* a float bias record: skip it */
            if (off + 10 + 4 * (size_t)l->cout > len)
                goto trunc;
            off += 10 + 4 * (size_t)l->cout;
        }
    }
    if (off != len) {
        tf_errf(e, "%zu bytes after the last record", len - off);
        goto fail;
    }
    return 0;
trunc:
    tf_errf(e, "file truncated at byte %zu", off);
fail:
    for (int i = 0; i < n->n_layers; i++) {
        free(out[i]);
        out[i] = NULL;
    }
    return -1;
}
