/* idx.c: IDX reader over zlib's gzread (which also reads uncompressed files). */
#include "idx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

void idx_free(idx_u8 *x)
{
    free(x->data);
    memset(x, 0, sizeof *x);
}

int idx_load_u8(idx_u8 *x, const char *path, tf_err *e)
{
    memset(x, 0, sizeof *x);
    gzFile f = gzopen(path, "rb");
    if (!f)
        return tf_errf(e, "%s: cannot open (%s)", path, strerror(errno));
    unsigned char h[4];
    int rc = -1;
    if (gzread(f, h, 4) != 4 || h[0] || h[1] || h[2] != 0x08 || h[3] < 1 || h[3] > 4) {
        tf_errf(e, "%s: not an unsigned-byte IDX file (magic 00 00 08 0n, n = 1..4)", path);
        goto out;
    }
    x->ndim = h[3];
    size_t n = 1;
    for (int i = 0; i < x->ndim; i++) {
        unsigned char d[4];
        if (gzread(f, d, 4) != 4) {
            tf_errf(e, "%s: truncated IDX header", path);
            goto out;
        }
        uint32_t v = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
        if (v == 0 || v > (1u << 28)) {
            tf_errf(e, "%s: IDX dimension %d is %u", path, i, v);
            goto out;
        }
        x->dims[i] = (int)v;
        n *= v;
        if (n > ((size_t)1 << 32)) {
            tf_errf(e, "%s: IDX data too large", path);
            goto out;
        }
    }
    /* Grow the buffer as data arrives: a header can claim any size, the file may be short. */
    size_t got = 0, cap = n < ((size_t)1 << 20) ? n : ((size_t)1 << 20);
    x->data = malloc(cap ? cap : 1);
    if (!x->data) {
        tf_errf(e, "%s: out of memory", path);
        goto out;
    }
    while (got < n) {
        if (got == cap) {
            size_t nc = cap * 2 < n ? cap * 2 : n;
            uint8_t *nd = realloc(x->data, nc);
            if (!nd) {
                tf_errf(e, "%s: out of memory", path);
                idx_free(x);
                goto out;
            }
            x->data = nd;
            cap = nc;
        }
        size_t want = cap - got;
        int r = gzread(f, x->data + got, (unsigned)(want > (1u << 30) ? (1u << 30) : want));
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    if (got != n) {
        tf_errf(e, "%s: file too short: %zu of %zu data bytes", path, got, n);
        idx_free(x);
        goto out;
    }
    x->count = x->dims[0];
    rc = 0;
out:
    gzclose(f);
    return rc;
}
