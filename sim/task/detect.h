/* detect.h: the DAC-SDC single-object detection task on the MixQ integer model.
 *
 * A data directory holds ground_truth_plain.txt ("<id>.jpg xmin xmax ymin ymax" per line)
 * and images/<id>.jpg (../shared/data/dacsdc-sample200/FORMAT.md). Each image is decoded,
 * resized to the net input bilinearly (image.h: the FPGA's rounding by default), fed as B,G,R
 * 8-bit codes, and the
 * head decoded into one box. */
#ifndef TF2SIM_DETECT_H
#define TF2SIM_DETECT_H

#include "box_decode.h"
#include "net/error.h"
#include "io/image.h"
#include "net/net.h"
#include "numerics/weights_ismart.h"

typedef struct det_item {
    char file[64];
    int id;          /* numeric part of the file name */
    box gt;
} det_item;

typedef struct det_set {
    char dir[512];
    int n;
    det_item *items;
} det_set;

int det_set_load(det_set *s, const char *dir, tf_err *e);
void det_set_free(det_set *s);

/* Boxes file with one "xmin xmax ymin ymax" line per image id 0..n-1 (the FPGA's output
 * for a 1000-image sample); *n gets the line count. */
int det_boxes_load(const char *path, box **boxes, int *n, tf_err *e);

/* Runs image path -> box. */
int det_run_image(const net *n, const mixq_weights *w, const char *jpg, resize_mode rm, box *out, tf_err *e);

/* Runs every item of the set with `threads` workers; out[i] for items[i]. */
int det_run_set(const net *n, const mixq_weights *w, const det_set *s, resize_mode rm, int threads, box *out,
                tf_err *e);

#endif
