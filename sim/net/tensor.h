/* tensor.h: dense C,H,W integer feature maps for the bit-accurate models.
 *
 * Activations and accumulators are held as int32 (k-bit codes, raw sums). Files in the
 * reference layout (float32 C,H,W, value = q / scale) convert in both directions. */
#ifndef TF2SIM_TENSOR_H
#define TF2SIM_TENSOR_H

#include <stddef.h>
#include <stdint.h>

#include "error.h"

typedef struct tensor {
    int c, h, w;
    int32_t *d; /* c*h*w, row-major C,H,W */
} tensor;

static inline size_t tensor_size(const tensor *t) { return (size_t)t->c * (size_t)t->h * (size_t)t->w; }
static inline int32_t *tensor_at(const tensor *t, int c, int y, int x)
{
    return t->d + ((size_t)c * (size_t)t->h + (size_t)y) * (size_t)t->w + (size_t)x;
}

/* Allocates a zeroed tensor (frees any previous contents first). */
int tensor_alloc(tensor *t, int c, int h, int w, tf_err *e);
void tensor_free(tensor *t);
int tensor_copy(tensor *dst, const tensor *src, tf_err *e);

/* Reads a float32 C,H,W file of exactly c*h*w values; q = round(v * scale).
 * A short or long file is an error naming the file and the expected byte count. */
int tensor_load_f32(tensor *t, const char *path, int c, int h, int w, double scale, tf_err *e);
/* Writes the tensor as float32 C,H,W with value = (float)q * (float)(1/div), which is how the
 * reference maps were written (the same bytes for equal codes). */
int tensor_save_f32(const tensor *t, const char *path, double div, tf_err *e);

/* Reads a whole binary file of exactly `want` bytes (malloc'd; caller frees). */
void *read_exact_file(const char *path, size_t want, const char *what, tf_err *e);

#endif
