/* measure.h: the accuracy of a net at given bits on its data set, as `tf2sim accuracy`
 * measures it. Classification: post-training quantisation on training images, top-1 of the
 * bit-accurate integer model (MixQ or TF2 arithmetic) on the test images, beside the float
 * model's; optionally a table over bit widths. Detection: the MixQ integer model on a DAC-SDC
 * set, mean IoU, and agreement with another model's boxes. The caller prints. */
#ifndef TF2SIM_MEASURE_H
#define TF2SIM_MEASURE_H

#include <stdbool.h>

#include "classify.h"
#include "detect.h"
#include "io/image.h"
#include "net/error.h"
#include "net/net.h"

typedef struct cls_request {
    const char *bitw, *bita;  /* one digit for every layer, or one per compute layer; NULL: the net's */
    const char *wdir, *data;  /* NULL: cls_model_dir's folder; cls_default_data() */
    bool pow2;                /* INQ power-of-two weights */
    bool float_only;          /* the float reference only */
    bool table;               /* top-1 for 8/8 down to 2/2, pow2, and the TF2 engine */
    bool tf2;                 /* the TF2 engine's arithmetic (INQ 4-bit weights, int8 features) */
    bool act_channel;         /* one activation step per channel (default: per tensor) */
    long calib, limit, threads; /* calibration images; test images (0: all); workers */
} cls_request;

#define CLS_TABLE_ROWS 13

typedef struct cls_row {
    char bits[2 * NET_MAX_LAYERS + 2]; /* "W.../A..." digit strings, or the TF2 engine's */
    bool pow2, tf2;
    double top1;
} cls_row;

typedef struct cls_result {
    int images;               /* test images evaluated */
    double float_top1;
    double top1;              /* the requested configuration (float_only: the float model) */
    char bits[2 * NET_MAX_LAYERS + 2];
    int n_rows;               /* table: the rows, int and pow2 bits, then the TF2 engine */
    cls_row rows[CLS_TABLE_ROWS];
} cls_result;

/* 0 or -1 (e). */
int cls_measure(const net *n, const cls_request *rq, cls_result *res, tf_err *e);

typedef struct det_request {
    const char *wdir, *data;  /* iSmart-layout integer weights; DIR/ground_truth_plain.txt + images */
    const char *bitw;         /* per-compute-layer weight bits (strict), or NULL */
    const char *compare;      /* another model's boxes, one "xmin xmax ymin ymax" line per id, or NULL */
    const char *boxes_out;    /* write this model's boxes here, or NULL */
    int lshift;
    resize_mode resize;
    long limit, threads;      /* first images only (0: all); workers */
} det_request;

typedef struct det_result {
    int images;
    double mean_iou;
    double compare_mean_iou;  /* --compare: that file's own mean IoU */
    int within_2px, exact;    /* --compare: images whose four coordinates agree within 2 px / exactly */
    char bitw[NET_MAX_LAYERS + 1], bita[NET_MAX_LAYERS + 1];
} det_result;

/* n takes req->bitw. 0 or -1 (e). */
int det_measure(net *n, const det_request *rq, det_result *res, tf_err *e);

#endif
