/* idx.h: IDX files (MNIST / Fashion-MNIST), plain or gzip-compressed (read via zlib). */
#ifndef TF2SIM_IDX_H
#define TF2SIM_IDX_H

#include <stdint.h>

#include "net/error.h"

typedef struct idx_u8 {
    int ndim;
    int dims[4];
    uint8_t *data;  /* product of dims bytes */
    long count;     /* dims[0] */
} idx_u8;

/* Loads an unsigned-byte IDX file (type 0x08), at most 4 dimensions. */
int idx_load_u8(idx_u8 *x, const char *path, tf_err *e);
void idx_free(idx_u8 *x);

#endif
