/* npy.c: minimal .npy reader/writer for float32 arrays. */
#include "npy.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void shape_str(char *out, size_t cap, int nd, const int *sh)
{
    size_t k = 0;
    k += (size_t)snprintf(out + k, cap - k, "[");
    for (int i = 0; i < nd && k < cap; i++)
        k += (size_t)snprintf(out + k, cap - k, "%s%d", i ? "," : "", sh[i]);
    if (k < cap)
        snprintf(out + k, cap - k, "]");
}

int npy_load_f32(const char *path, int want_ndim, const int *want_shape, float **data, int *ndim, int *shape,
                 tf_err *e)
{
    char want[128] = "";
    if (want_ndim > 0)
        shape_str(want, sizeof want, want_ndim, want_shape);
    FILE *f = fopen(path, "rb");
    if (!f)
        return tf_errf(e, "%s: cannot open (%s); expected a float32 .npy%s%s", path, strerror(errno),
                       want_ndim > 0 ? " of shape " : "", want);
    unsigned char mag[10];
    if (fread(mag, 1, 10, f) != 10 || memcmp(mag, "\x93NUMPY", 6) != 0) {
        fclose(f);
        return tf_errf(e, "%s: not a .npy file (bad magic)", path);
    }
    size_t hlen, pre = 10;
    if (mag[6] == 1) {
        hlen = mag[8] | (size_t)mag[9] << 8;
    } else {
        unsigned char b2[2];
        if (fread(b2, 1, 2, f) != 2) {
            fclose(f);
            return tf_errf(e, "%s: truncated .npy header", path);
        }
        hlen = mag[8] | (size_t)mag[9] << 8 | (size_t)b2[0] << 16 | (size_t)b2[1] << 24;
        pre = 12;
    }
    if (hlen > 65536) {
        fclose(f);
        return tf_errf(e, "%s: .npy header too long", path);
    }
    char *h = calloc(hlen + 1, 1);
    if (!h || fread(h, 1, hlen, f) != hlen) {
        free(h);
        fclose(f);
        return tf_errf(e, "%s: truncated .npy header", path);
    }
    int rc = -1;
    /* Each key must be followed by ':' and its value inside the header. */
    const char *d = strstr(h, "'descr'"), *fo = strstr(h, "'fortran_order'"), *sp = strstr(h, "'shape'");
    const char *dv = d ? strchr(d, ':') : NULL, *fv = fo ? strchr(fo, ':') : NULL, *sv = sp ? strchr(sp, ':') : NULL;
    if (!dv || !fv || !sv) {
        tf_errf(e, "%s: .npy header lacks 'descr', 'fortran_order' or 'shape'", path);
        goto out;
    }
    dv++, fv++, sv++;
    dv += strspn(dv, " ");
    fv += strspn(fv, " ");
    sv += strspn(sv, " ");
    if (strncmp(dv, "'<f4'", 5) != 0) {
        tf_errf(e, "%s: expected dtype '<f4' (float32, little-endian) in the .npy header", path);
        goto out;
    }
    if (strncmp(fv, "False", 5) != 0) {
        tf_errf(e, "%s: Fortran-order arrays are not supported", path);
        goto out;
    }
    const char *p = *sv == '(' ? sv : NULL;
    int nd = 0;
    int sh[NPY_MAX_DIMS];
    if (!p) {
        tf_errf(e, "%s: bad shape in the .npy header", path);
        goto out;
    }
    p++;
    while (*p && *p != ')') {
        while (*p == ' ' || *p == ',')
            p++;
        if (*p == ')')
            break;
        char *end;
        long v = strtol(p, &end, 10);
        if (end == p || v < 0 || v > (1L << 30) || nd >= NPY_MAX_DIMS) {
            tf_errf(e, "%s: bad shape in the .npy header", path);
            goto out;
        }
        sh[nd++] = (int)v;
        p = end;
    }
    if (*p != ')') {
        tf_errf(e, "%s: bad shape in the .npy header", path);
        goto out;
    }
    size_t n = 1;
    for (int i = 0; i < nd; i++) {
        n *= (size_t)sh[i];
        if (n > ((size_t)1 << 31)) {
            tf_errf(e, "%s: array too large", path);
            goto out;
        }
    }
    char got[128];
    shape_str(got, sizeof got, nd, sh);
    if (want_ndim > 0) {
        int same = nd == want_ndim;
        for (int i = 0; same && i < nd; i++)
            same = sh[i] == want_shape[i];
        if (!same) {
            tf_errf(e, "%s: shape %s, expected %s", path, got, want);
            goto out;
        }
    }
    /* Check the data size before allocating (a header can claim any shape). */
    long here = ftell(f);
    if (here < 0 || fseek(f, 0, SEEK_END) != 0) {
        tf_errf(e, "%s: cannot seek", path);
        goto out;
    }
    long fend = ftell(f);
    if (fend < 0 || fseek(f, here, SEEK_SET) != 0) {
        tf_errf(e, "%s: cannot seek", path);
        goto out;
    }
    size_t avail = (size_t)(fend - here) / sizeof(float);
    if (avail < n) {
        tf_errf(e, "%s: file too short: %zu of %zu float32 values (shape %s, %zu data bytes after a %zu-byte header)",
                path, avail, n, got, n * 4, pre + hlen);
        goto out;
    }
    float *buf = malloc(n ? n * sizeof(float) : 1);
    if (!buf) {
        tf_errf(e, "%s: out of memory", path);
        goto out;
    }
    size_t rd = n ? fread(buf, sizeof(float), n, f) : 0;
    if (rd != n) {
        free(buf);
        tf_errf(e, "%s: file too short: %zu of %zu float32 values (shape %s, %zu data bytes after a %zu-byte header)",
                path, rd, n, got, n * 4, pre + hlen);
        goto out;
    }
    *data = buf;
    if (ndim)
        *ndim = nd;
    if (shape)
        memcpy(shape, sh, sizeof(int) * (size_t)nd);
    rc = 0;
out:
    free(h);
    fclose(f);
    return rc;
}

int npy_save_f32(const char *path, int ndim, const int *shape, const float *data, tf_err *e)
{
    char dims[256] = "";
    size_t k = 0, n = 1;
    for (int i = 0; i < ndim; i++) {
        k += (size_t)snprintf(dims + k, sizeof dims - k, "%d,%s", shape[i], (ndim > 1 && i < ndim - 1) ? " " : "");
        n *= (size_t)shape[i];
    }
    if (ndim > 1 && k > 0 && dims[k - 1] == ',')
        dims[--k] = '\0';
    char hdr[512];
    int hl = snprintf(hdr, sizeof hdr, "{'descr': '<f4', 'fortran_order': False, 'shape': (%s), }", dims);
    int total = 10 + hl + 1, padto = (total + 63) / 64 * 64;
    FILE *f = fopen(path, "wb");
    if (!f)
        return tf_errf(e, "%s: cannot create (%s)", path, strerror(errno));
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)((padto - 10) & 0xff),
                             (unsigned char)((padto - 10) >> 8)};
    fwrite(pre, 1, 10, f);
    fwrite(hdr, 1, (size_t)hl, f);
    for (int i = total; i < padto; i++)
        fputc(' ', f);
    fputc('\n', f);
    size_t w = fwrite(data, sizeof(float), n, f);
    if (fclose(f) != 0 || w != n)
        return tf_errf(e, "%s: write failed", path);
    return 0;
}
