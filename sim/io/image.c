/* image.c: JPEG decode via libjpeg; bilinear resize, exact (FPGA) or OpenCV fixed point. */
#include "image.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jpeglib.h>

void image_free(image_u8 *im)
{
    free(im->d);
    im->d = NULL;
    im->w = im->h = im->c = 0;
}

typedef struct jerr_mgr {
    struct jpeg_error_mgr pub;
    jmp_buf jb;
    char msg[JMSG_LENGTH_MAX];
} jerr_mgr;

static void jerr_exit(j_common_ptr cinfo)
{
    jerr_mgr *m = (jerr_mgr *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, m->msg);
    longjmp(m->jb, 1);
}

static void jerr_silent(j_common_ptr cinfo) { (void)cinfo; }

/* Warnings (level -1): count them and keep the first one's text. */
static void jerr_emit(j_common_ptr cinfo, int level)
{
    jerr_mgr *m = (jerr_mgr *)cinfo->err;
    if (level >= 0)
        return;
    if (m->pub.num_warnings++ == 0)
        (*cinfo->err->format_message)(cinfo, m->msg);
}

/* All the setjmp-sensitive work in one function whose locals are not changed after setjmp. */
static int decode(struct jpeg_decompress_struct *ci, jerr_mgr *je, const unsigned char *buf, unsigned long len,
                  uint8_t **out, int *w, int *h)
{
    if (setjmp(je->jb))
        return -1;
    jpeg_create_decompress(ci);
    jpeg_mem_src(ci, buf, len);
    jpeg_read_header(ci, TRUE);
    ci->out_color_space = JCS_RGB;
    ci->dct_method = JDCT_ISLOW;
    jpeg_start_decompress(ci);
    if (ci->output_components != 3)
        return -1;
    *w = (int)ci->output_width;
    *h = (int)ci->output_height;
    *out = malloc((size_t)*w * (size_t)*h * 3);
    if (!*out)
        return -1;
    while (ci->output_scanline < ci->output_height) {
        JSAMPROW row = *out + (size_t)ci->output_scanline * (size_t)*w * 3;
        jpeg_read_scanlines(ci, &row, 1);
    }
    jpeg_finish_decompress(ci);
    /* libjpeg only warns about truncated or corrupt data (and pads with grey): refuse it. */
    if (je->pub.num_warnings > 0)
        return -1;
    return 0;
}

int image_load_jpeg(image_u8 *im, const char *path, tf_err *e)
{
    memset(im, 0, sizeof *im);
    FILE *f = fopen(path, "rb");
    if (!f)
        return tf_errf(e, "%s: cannot open (%s)", path, strerror(errno));
    unsigned char *buf = NULL;
    size_t len = 0, cap = 0;
    for (;;) {
        if (len == cap) {
            cap = cap ? cap * 2 : 1 << 16;
            unsigned char *nb = realloc(buf, cap);
            if (!nb) {
                free(buf);
                fclose(f);
                return tf_errf(e, "%s: out of memory", path);
            }
            buf = nb;
        }
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0)
            break;
    }
    fclose(f);
    if (len < 4 || buf[0] != 0xFF || buf[1] != 0xD8) {
        free(buf);
        return tf_errf(e, "%s: not a JPEG file (%zu bytes, no SOI marker)", path, len);
    }
    struct jpeg_decompress_struct ci;
    jerr_mgr je;
    memset(&ci, 0, sizeof ci);
    memset(&je, 0, sizeof je);
    ci.err = jpeg_std_error(&je.pub);
    je.pub.error_exit = jerr_exit;
    je.pub.output_message = jerr_silent;
    je.pub.emit_message = jerr_emit;
    uint8_t *pix = NULL;
    int w = 0, h = 0;
    int rc = decode(&ci, &je, buf, (unsigned long)len, &pix, &w, &h);
    jpeg_destroy_decompress(&ci);
    free(buf);
    if (rc) {
        free(pix);
        return tf_errf(e, "%s: JPEG decode failed: %s", path, je.msg[0] ? je.msg : "unsupported colour layout");
    }
    im->d = pix;
    im->w = w;
    im->h = h;
    im->c = 3;
    return 0;
}

/* Source index and weight of the far neighbour for each destination coordinate (OpenCV). */
static void lin_coeffs(int dn, int sn, int *idx, float *frac)
{
    double scale = (double)sn / dn;
    for (int d = 0; d < dn; d++) {
        float f = (float)((d + 0.5) * scale - 0.5);
        int s = (int)floorf(f);
        f -= (float)s;
        if (s < 0) {
            s = 0;
            f = 0;
        }
        if (s >= sn - 1) {
            s = sn - 1;
            f = 0;
        }
        idx[d] = s;
        frac[d] = f;
    }
}

static int16_t q11(float v) { return (int16_t)lrintf(v * 2048.0f); }

int image_resize_bilinear(const image_u8 *src, image_u8 *dst, int dw, int dh, resize_mode m, tf_err *e)
{
    if (dw <= 0 || dh <= 0 || src->w <= 0 || src->h <= 0)
        return tf_errf(e, "resize: bad size %dx%d -> %dx%d", src->w, src->h, dw, dh);
    int c = src->c;
    int *xi = malloc(sizeof *xi * (size_t)dw), *yi = malloc(sizeof *yi * (size_t)dh);
    float *xf = malloc(sizeof *xf * (size_t)dw), *yf = malloc(sizeof *yf * (size_t)dh);
    int32_t *r0 = malloc(sizeof *r0 * (size_t)dw * (size_t)c), *r1 = malloc(sizeof *r1 * (size_t)dw * (size_t)c);
    uint8_t *out = malloc((size_t)dw * (size_t)dh * (size_t)c);
    if (!xi || !yi || !xf || !yf || !r0 || !r1 || !out) {
        free(xi), free(yi), free(xf), free(yf), free(r0), free(r1), free(out);
        return tf_errf(e, "resize: out of memory");
    }
    lin_coeffs(dw, src->w, xi, xf);
    lin_coeffs(dh, src->h, yi, yf);
    for (int y = 0; y < dh; y++) {
        int sy0 = yi[y], sy1 = sy0 + 1 < src->h ? sy0 + 1 : sy0;
        const uint8_t *s0 = src->d + (size_t)sy0 * (size_t)src->w * (size_t)c;
        const uint8_t *s1 = src->d + (size_t)sy1 * (size_t)src->w * (size_t)c;
        uint8_t *o = out + (size_t)y * (size_t)dw * (size_t)c;
        if (m == RESIZE_OPENCV) {
            int16_t b1 = q11(yf[y]), b0 = q11(1.0f - yf[y]);
            for (int x = 0; x < dw; x++) {
                int sx0 = xi[x], sx1 = sx0 + 1 < src->w ? sx0 + 1 : sx0;
                int32_t a1 = q11(xf[x]), a0 = q11(1.0f - xf[x]);
                for (int k = 0; k < c; k++) {
                    r0[x * c + k] = s0[sx0 * c + k] * a0 + s0[sx1 * c + k] * a1;
                    r1[x * c + k] = s1[sx0 * c + k] * a0 + s1[sx1 * c + k] * a1;
                }
            }
            /* Vertical pass as OpenCV's SIMD code does it: rows >> 4 to int16, mulhi by
             * the 11-bit coefficient, saturating add, + 2, >> 2. */
            for (int i = 0; i < dw * c; i++) {
                int32_t p = (int16_t)(r0[i] >> 4), q = (int16_t)(r1[i] >> 4);
                int32_t v = ((p * b0) >> 16) + ((q * b1) >> 16);
                v = (v + 2) >> 2;
                o[i] = (uint8_t)(v < 0 ? 0 : (v > 255 ? 255 : v));
            }
        } else {
            /* The weights here are float-exact (multiples of 1/2^k for these ratios), so the
             * double sum is the exact bilinear value. */
            double fy = yf[y];
            for (int x = 0; x < dw; x++) {
                int sx0 = xi[x], sx1 = sx0 + 1 < src->w ? sx0 + 1 : sx0;
                double fx = xf[x];
                for (int k = 0; k < c; k++) {
                    double top = s0[sx0 * c + k] * (1 - fx) + s0[sx1 * c + k] * fx;
                    double bot = s1[sx0 * c + k] * (1 - fx) + s1[sx1 * c + k] * fx;
                    double v = floor(top * (1 - fy) + bot * fy + 0.5);
                    o[x * c + k] = (uint8_t)(v < 0 ? 0 : (v > 255 ? 255 : v));
                }
            }
        }
    }
    free(xi), free(yi), free(xf), free(yf), free(r0), free(r1);
    free(dst->d);
    dst->d = out;
    dst->w = dw;
    dst->h = dh;
    dst->c = c;
    return 0;
}

void image_to_chw(const image_u8 *im, int bgr, uint8_t *out)
{
    size_t plane = (size_t)im->w * (size_t)im->h;
    for (int k = 0; k < im->c; k++) {
        int src_k = bgr ? im->c - 1 - k : k;
        uint8_t *o = out + (size_t)k * plane;
        for (size_t i = 0; i < plane; i++)
            o[i] = im->d[i * (size_t)im->c + (size_t)src_k];
    }
}
