/* tensor.c: feature-map storage and the reference float32 file layout. */
#include "tensor.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int tensor_alloc(tensor *t, int c, int h, int w, tf_err *e)
{
    tensor_free(t);
    if (c <= 0 || h <= 0 || w <= 0)
        return tf_errf(e, "tensor: bad shape %dx%dx%d", c, h, w);
    t->d = calloc((size_t)c * (size_t)h * (size_t)w, sizeof *t->d);
    if (!t->d)
        return tf_errf(e, "tensor: out of memory for %dx%dx%d", c, h, w);
    t->c = c;
    t->h = h;
    t->w = w;
    return 0;
}

void tensor_free(tensor *t)
{
    free(t->d);
    t->d = NULL;
    t->c = t->h = t->w = 0;
}

int tensor_copy(tensor *dst, const tensor *src, tf_err *e)
{
    if (tensor_alloc(dst, src->c, src->h, src->w, e))
        return -1;
    memcpy(dst->d, src->d, tensor_size(src) * sizeof *src->d);
    return 0;
}

void *read_exact_file(const char *path, size_t want, const char *what, tf_err *e)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return tf_errf(e, "%s: cannot open (%s); expected %zu bytes (%s)", path, strerror(errno), want, what), NULL;
    if (!S_ISREG(st.st_mode))
        return tf_errf(e, "%s: not a regular file; expected %zu bytes (%s)", path, want, what), NULL;
    if ((size_t)st.st_size != want)
        return tf_errf(e, "%s: %s has %lld bytes, expected %zu (%s)", path,
                       (size_t)st.st_size < want ? "file too short:" : "file too long:", (long long)st.st_size,
                       want, what), NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return tf_errf(e, "%s: cannot open (%s); expected %zu bytes (%s)", path, strerror(errno), want, what), NULL;
    void *buf = malloc(want ? want : 1);
    if (!buf) {
        fclose(f);
        return tf_errf(e, "%s: out of memory (%zu bytes)", path, want), NULL;
    }
    size_t got = want ? fread(buf, 1, want, f) : 0;
    fclose(f);
    if (got != want) {
        free(buf);
        return tf_errf(e, "%s: read %zu bytes, expected %zu (%s)", path, got, want, what), NULL;
    }
    return buf;
}

int tensor_load_f32(tensor *t, const char *path, int c, int h, int w, double scale, tf_err *e)
{
    size_t n = (size_t)c * (size_t)h * (size_t)w;
    char what[96];
    snprintf(what, sizeof what, "float32 [%d][%d][%d]", c, h, w);
    float *buf = read_exact_file(path, n * sizeof(float), what, e);
    if (!buf)
        return -1;
    if (tensor_alloc(t, c, h, w, e)) {
        free(buf);
        return -1;
    }
    for (size_t i = 0; i < n; i++) {
        double v = (double)buf[i] * scale;
        if (!(fabs(v) < 2147483647.0)) {
            double bad = (double)buf[i]; /* read before the buffer goes */
            free(buf);
            tensor_free(t);
            return tf_errf(e, "%s: value %g at index %zu is out of range", path, bad, i);
        }
        t->d[i] = (int32_t)lround(v);
    }
    free(buf);
    return 0;
}

int tensor_save_f32(const tensor *t, const char *path, double div, tf_err *e)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return tf_errf(e, "%s: cannot create (%s)", path, strerror(errno));
    size_t n = tensor_size(t);
    float buf[4096];
    /* q * (1/div) in float32: the reference files were written this way (bit-identical bytes). */
    float inv = (float)(1.0 / div);
    size_t done = 0;
    while (done < n) {
        size_t m = n - done < 4096 ? n - done : 4096;
        for (size_t i = 0; i < m; i++)
            buf[i] = (float)t->d[done + i] * inv;
        if (fwrite(buf, sizeof(float), m, f) != m) {
            fclose(f);
            return tf_errf(e, "%s: write failed (%s)", path, strerror(errno));
        }
        done += m;
    }
    if (fclose(f) != 0)
        return tf_errf(e, "%s: write failed (%s)", path, strerror(errno));
    return 0;
}
