/* npy.h: NumPy .npy files (format 1.0/2.0), little-endian float32, C order — the storage of
 * the committed float weights (configs/models/). */
#ifndef TF2SIM_NPY_H
#define TF2SIM_NPY_H

#include <stddef.h>

#include "net/error.h"

#define NPY_MAX_DIMS 8

/* Loads a '<f4' C-order array. If want_ndim > 0, the shape must equal want_shape
 * (the error names the file and the expected shape). Data is malloc'd (caller frees). */
int npy_load_f32(const char *path, int want_ndim, const int *want_shape, float **data, int *ndim, int *shape,
                 tf_err *e);
/* Writes a '<f4' C-order array. */
int npy_save_f32(const char *path, int ndim, const int *shape, const float *data, tf_err *e);

#endif
