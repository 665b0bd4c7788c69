/* classify.h: top-1 of a classifier over an IDX data set (Fashion-MNIST), float reference or
 * the post-training-quantised integer model, with a small worker pool. */
#ifndef TF2SIM_CLASSIFY_H
#define TF2SIM_CLASSIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/error.h"
#include "numerics/float_ref.h"
#include "io/idx.h"
#include "net/net.h"
#include "numerics/ptq.h"
#include "numerics/tf2_model.h"

typedef struct cls_data {
    idx_u8 images, labels;
} cls_data;

/* <dir>/<prefix>-images-idx3-ubyte[.gz] and -labels-idx1-ubyte[.gz]; prefix "train" or "t10k".
 * Checks that the image size matches the net input (1 channel, H x W). */
int cls_data_load(cls_data *d, const char *dir, const char *prefix, const net *n, tf_err *e);
void cls_data_free(cls_data *d);

/* Correct predictions over the first `count` images: m != NULL -> integer model, else float. */
int cls_eval(const net *n, const float_weights *fw, const ptq_model *m, const cls_data *d, int count, int threads,
             int *correct, tf_err *e);
/* The same on the TF2 engine model. */
int cls_eval_tf2(const tf2_model *t, const cls_data *d, int count, int threads, int *correct, tf_err *e);

/* Drops what cls_top1_for_bits keeps between calls. */
void cls_cache_clear(void);

/* Debian's dataset-fashion-mnist: the default classification data set. */
#define CLS_DEFAULT_DATA "/usr/share/datasets/fashion-mnist"

/* The classification data set used when none is given: $TF2SIM_FMNIST if set (the tests
 * point it at a slice of the set), else CLS_DEFAULT_DATA. */
const char *cls_default_data(void);

/* The folder of a net's float weights: wdir if given, else $TF2SIM_MODELS/NET, else configs/models/NET. */
void cls_model_dir(const net *n, const char *wdir, char *out, size_t cap);

/* min(calib, training images) calibration images, spread evenly over the training set (at
 * least one); malloc'd, *count of them. */
uint8_t *cls_calib_images(const net *n, const cls_data *train, long calib, int *count, tf_err *e);

#endif

/* Everything for one bit vector: float weights from <models>/<net name>/ (wdir NULL: the
 * default configs/models/ folder), the IDX set in `data` (NULL: Debian's fashion-mnist),
 * calibration on `calib` training images, top-1 on the first `limit` test images (0: all).
 * Returns 1 (not an error) when the net has no weights or data, leaving *top1 = -1.
 * The loaded weights and data are kept for the next call with the same net and folders. */
int cls_top1_for_bits(const net *n, const char *wdir, const char *data, bool pow2, int calib, int limit,
                      int threads, double *top1, int *images, tf_err *e);
