/* image.h: JPEG decoding (libjpeg-turbo) and the bilinear resize of the DAC-SDC front end.
 *
 * The iSmart host decodes with OpenCV (BGR, H,W,C) and the FPGA resizes 640x360 to 320x160
 * bilinearly (hls::Resize_opr_linear); the float model sees pixel/255 in B,G,R channel order
 * (../shared/data/ultranet-ismart/FORMAT.md). Both modes use OpenCV INTER_LINEAR geometry:
 * half-pixel centres, sx = (dx + 0.5) * (sw / dw) - 0.5, edge-clamped. They differ in rounding:
 *  - RESIZE_EXACT: the exact bilinear value rounded half up. With it the integer model's boxes
 *    equal the FPGA builds' boxes on all 200 images of dacsdc-sample200 for both iSmart weight
 *    sets, so this is what the hardware computes (default).
 *  - RESIZE_OPENCV: OpenCV's 8-bit fixed-point path; reproduces featuremap/conv0_in.bin (the
 *    training-side input) bit for bit. */
#ifndef TF2SIM_IMAGE_H
#define TF2SIM_IMAGE_H

#include <stdint.h>

#include "net/error.h"

typedef struct image_u8 {
    int w, h, c;  /* c = 3 after decoding (RGB as stored by JPEG) */
    uint8_t *d;   /* h*w*c interleaved */
} image_u8;

typedef enum resize_mode {
    RESIZE_EXACT,  /* exact bilinear, rounded half up: the FPGA's resize */
    RESIZE_OPENCV, /* OpenCV's 8-bit fixed-point path (11-bit coefficients; x86 SIMD vertical pass) */
} resize_mode;

/* Decodes a JPEG file to 8-bit RGB (grey images are expanded to 3 channels). */
int image_load_jpeg(image_u8 *im, const char *path, tf_err *e);
void image_free(image_u8 *im);

/* Bilinear resize with half-pixel centres; dst is (re)allocated to dw x dh x src->c. */
int image_resize_bilinear(const image_u8 *src, image_u8 *dst, int dw, int dh, resize_mode m, tf_err *e);

/* Planar C,H,W copy; with bgr set, channel 0 is B (the reverse of the interleaved order). */
void image_to_chw(const image_u8 *im, int bgr, uint8_t *out);

#endif
