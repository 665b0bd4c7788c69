/* test_image.c: bilinear resize geometry and rounding (exact/FPGA and OpenCV fixed point),
 * BGR planar conversion, box decode and IoU. The real-data checks (conv0_in.bin from the JPEG,
 * the FPGA's boxes) are in tests/integration. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "task/box_decode.h"
#include "io/image.h"

static void test_resize_half(void **st)
{
    (void)st;
    /* 4x2 -> 2x1, one channel: each output is the mean of a 2x2 block (fx = fy = 0.5). */
    uint8_t px[8] = {10, 11, 20, 20, 13, 13, 21, 22};
    image_u8 src = {.w = 4, .h = 2, .c = 1, .d = px}, dst = {0};
    tf_err e;
    assert_int_equal(image_resize_bilinear(&src, &dst, 2, 1, RESIZE_EXACT, &e), 0);
    assert_int_equal(dst.d[0], 12); /* (10+11+13+13)/4 = 11.75 -> 12 */
    assert_int_equal(dst.d[1], 21); /* (20+20+21+22)/4 = 20.75 -> 21 */
    uint8_t tie[8] = {10, 11, 0, 0, 10, 11, 0, 1};
    src.d = tie;
    assert_int_equal(image_resize_bilinear(&src, &dst, 2, 1, RESIZE_EXACT, &e), 0);
    assert_int_equal(dst.d[0], 11); /* 10.5 rounds half up */
    assert_int_equal(dst.d[1], 0);  /* 0.25 */
    assert_int_equal(image_resize_bilinear(&src, &dst, 2, 1, RESIZE_OPENCV, &e), 0);
    assert_int_equal(dst.d[0], 11);
    image_free(&dst);
}

static void test_resize_geometry(void **st)
{
    (void)st;
    /* 640 -> 320 and 360 -> 160: x samples 2dx + 0.5, y samples 2.25dy + 0.625 (half-pixel
     * centres). A horizontal ramp p = x and a vertical ramp p = y/2 show the positions. */
    image_u8 src = {.w = 640, .h = 360, .c = 3}, dst = {0};
    src.d = malloc(640 * 360 * 3);
    for (int y = 0; y < 360; y++)
        for (int x = 0; x < 640; x++) {
            uint8_t *p = src.d + ((size_t)y * 640 + x) * 3;
            p[0] = (uint8_t)(x / 3);   /* R */
            p[1] = (uint8_t)(y / 2);   /* G */
            p[2] = 7;                  /* B */
        }
    tf_err e;
    for (int mode = 0; mode < 2; mode++) {
        assert_int_equal(image_resize_bilinear(&src, &dst, 320, 160, (resize_mode)mode, &e), 0);
        for (int dy = 0; dy < 160; dy += 13)
            for (int dx = 0; dx < 320; dx += 17) {
                const uint8_t *p = dst.d + ((size_t)dy * 320 + dx) * 3;
                double sy = fmin(fmax(2.25 * dy + 0.625, 0), 359);
                int y0 = (int)sy, y1 = y0 + 1 < 360 ? y0 + 1 : y0;
                double fy = sy - y0, g = (y0 / 2) * (1 - fy) + (y1 / 2) * fy;
                assert_true(fabs(p[1] - g) <= 1.0);
                double sx = 2.0 * dx + 0.5;
                int x0 = (int)sx;
                double r = (x0 / 3) * 0.5 + ((x0 + 1) / 3) * 0.5;
                assert_true(fabs(p[0] - r) <= 1.0);
                assert_int_equal(p[2], 7);
            }
    }
    uint8_t *chw = malloc(3 * 320 * 160);
    image_to_chw(&dst, 1, chw);
    assert_int_equal(chw[0], 7);                     /* channel 0 is B */
    assert_int_equal(chw[2 * 320 * 160 + 5], dst.d[5 * 3]); /* channel 2 is R */
    free(chw);
    free(src.d);
    image_free(&dst);
}

static void test_box_decode_iou(void **st)
{
    (void)st;
    /* One anchor set: 6 anchors x 6 fields on a 2x3 grid; cell (1,2) has the largest conf. */
    tensor h = {0};
    tf_err e;
    tensor_alloc(&h, 36, 2, 3, &e);
    for (int a = 0; a < 6; a++) {
        *tensor_at(&h, a * 6 + 4, 1, 2) = 50; /* conf */
        *tensor_at(&h, a * 6 + 4, 0, 0) = 49;
        /* tx = ty = 0 (sigmoid 0.5), tw = th = 0 (exp 1) */
    }
    box_decode_cfg cfg = {.anchors = 6, .div = 105, .net_w = 48, .net_h = 32, .img_w = 96, .img_h = 72, .base = 20};
    box b;
    assert_int_equal(box_decode_single(&h, &cfg, &b, &e), 0);
    /* stride 16 in x and y; scale 2 (x) and 2.25 (y): cx = 2.5*16*2 = 80, cy = 1.5*16*2.25 = 54,
     * w = 20*2 = 40, h = 20*2.25 = 45 */
    assert_int_equal(b.xmin, 60);
    assert_int_equal(b.xmax, 100);
    assert_int_equal(b.ymin, 31);
    assert_int_equal(b.ymax, 76);
    box g = {60, 100, 31, 76}, half = {80, 120, 31, 76}, none = {200, 210, 0, 5};
    assert_true(box_iou(b, g) == 1.0);
    assert_true(fabs(box_iou(b, half) - 1.0 / 3.0) < 1e-12);
    assert_true(box_iou(b, none) == 0.0);
    assert_true(box_close(b, (box){61, 98, 33, 77}, 2));
    assert_false(box_close(b, (box){61, 97, 33, 77}, 2));
    tensor bad = {0};
    tensor_alloc(&bad, 30, 2, 3, &e);
    assert_int_equal(box_decode_single(&bad, &cfg, &b, &e), -1);
    tensor_free(&h), tensor_free(&bad);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_resize_half),
        cmocka_unit_test(test_resize_geometry),
        cmocka_unit_test(test_box_decode_iou),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
