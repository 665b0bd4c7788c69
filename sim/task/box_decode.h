/* box_decode.h: single-object YOLO decode of the DAC-SDC UltraNet head, and box IoU.
 *
 * The head is C,H,W raw integers, C = anchors * 6 (tx, ty, tw, th, conf, unused per
 * anchor), real value = raw / div. Decode (FORMAT.md, iSmart deploy code): pick the cell
 * with the largest summed conf over the anchors (first wins a tie); average sigmoid(tx),
 * sigmoid(ty), exp(tw), exp(th) over its anchors; centre = (cell + mean sigmoid) * stride,
 * size = mean exp * base (20 px in the net frame); scale to the image frame; truncate. */
#ifndef TF2SIM_BOX_DECODE_H
#define TF2SIM_BOX_DECODE_H

#include "net/error.h"
#include "net/tensor.h"

typedef struct box {
    int xmin, xmax, ymin, ymax; /* corner coordinates in the image frame */
} box;

typedef struct box_decode_cfg {
    int anchors;         /* 6 */
    double div;          /* raw head units per 1.0 */
    int net_w, net_h;    /* network input size (320 x 160) */
    int img_w, img_h;    /* original image size (640 x 360) */
    double base;         /* anchor size in net pixels (20) */
} box_decode_cfg;

int box_decode_single(const tensor *head, const box_decode_cfg *cfg, box *out, tf_err *e);

/* IoU with width = xmax - xmin, height = ymax - ymin (SkrSkr's scorer; the FPGA boxes of
 * FORMAT.md score 0.695 / 0.725 with it). */
double box_iou(box a, box b);

/* All four coordinates within tol of each other. */
int box_close(box a, box b, int tol);

#endif
