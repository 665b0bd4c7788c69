/* test_measure.c: cls_measure and det_measure (sim/task/measure.h), the library behind
 * `tf2sim accuracy`, called directly on small slices of the real data sets. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include "task/measure.h"
#include "test_util.h"

static const char *shared(char *buf, size_t cap, const char *rel)
{
    const char *root = getenv("TF2SIM_SHARED") ? getenv("TF2SIM_SHARED") : "../shared";
    snprintf(buf, cap, "%s/%s", root, rel);
    return buf;
}

/* fmnist_cnn on 300 test images: the float model is a real classifier; 8-bit PTQ stays near
 * it, 2/2 falls well below; --float reports the float model; 1-bit weights are refused. */
static void test_classify_top1(void **state)
{
    (void)state;
    if (access(CLS_DEFAULT_DATA, R_OK) != 0)
        skip();
    net n;
    tf_err e = {0};
    if (net_load_named(&n, "fmnist_cnn", &e))
        fail_msg("%s", e.msg);
    cls_request rq = {.calib = 200, .limit = 300, .threads = 2, .bitw = "8", .bita = "8"};
    cls_result r8, r2, rf;
    if (cls_measure(&n, &rq, &r8, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(r8.images, 300);
    assert_true(r8.float_top1 > 0.8);
    assert_true(fabs(r8.top1 - r8.float_top1) < 0.03);
    assert_non_null(strstr(r8.bits, "/"));
    assert_null(strchr(r8.bits, '2'));
    rq.bitw = rq.bita = "2";
    if (cls_measure(&n, &rq, &r2, &e))
        fail_msg("%s", e.msg);
    assert_true(r2.top1 < r8.top1 - 0.05);
    assert_true(r2.float_top1 == r8.float_top1);
    rq.float_only = true;
    if (cls_measure(&n, &rq, &rf, &e))
        fail_msg("%s", e.msg);
    assert_true(rf.top1 == rf.float_top1);
    assert_string_equal(rf.bits, "float");
    rq.float_only = false;
    rq.bitw = "1";
    assert_int_equal(cls_measure(&n, &rq, &rf, &e), -1);
    assert_non_null(strstr(e.msg, "1-bit weights are not supported"));
    net_free(&n);
}

/* UltraNet on the first 12 DAC-SDC images: with the FPGA's resize the boxes are the FPGA's;
 * against the ground truth itself the comparison's IoU is exactly 1; --boxes-out has a line each. */
static void test_detect_iou_and_compare(void **state)
{
    (void)state;
    char data[512], wdir[512], fpga[512];
    shared(data, sizeof data, "data/dacsdc-sample200");
    shared(wdir, sizeof wdir, "data/ultranet-ismart/weight_4a4w");
    shared(fpga, sizeof fpga, "data/ultranet-ismart/fpga_boxes/bbox_PL_1000_sample_4a4w.txt");
    if (access(data, R_OK) != 0)
        skip();
    net n;
    tf_err e = {0};
    if (net_load_named(&n, "ultranet", &e))
        fail_msg("%s", e.msg);
    char boxes[64];
    assert_non_null(write_temp(boxes, sizeof boxes, ".txt", ""));
    det_request rq = {.wdir = wdir, .data = data, .compare = fpga, .boxes_out = boxes, .lshift = 8,
                      .resize = RESIZE_EXACT, .limit = 12, .threads = 2};
    det_result r;
    if (det_measure(&n, &rq, &r, &e))
        fail_msg("%s", e.msg);
    assert_int_equal(r.images, 12);
    assert_true(r.mean_iou > 0.3 && r.mean_iou <= 1);
    assert_true(r.exact >= 11 && r.within_2px >= r.exact);
    assert_true(fabs(r.mean_iou - r.compare_mean_iou) < 0.05);
    FILE *f = fopen(boxes, "r");
    int lines = 0, c;
    while ((c = fgetc(f)) != EOF)
        lines += c == '\n';
    fclose(f);
    assert_int_equal(lines, 12);

    /* the ground truth as the other model: one line per image id */
    det_set set;
    if (det_set_load(&set, data, &e))
        fail_msg("%s", e.msg);
    int max_id = 0;
    for (int i = 0; i < set.n; i++)
        max_id = set.items[i].id > max_id ? set.items[i].id : max_id;
    box *gt = calloc((size_t)max_id + 1, sizeof *gt);
    for (int i = 0; i < set.n; i++)
        gt[set.items[i].id] = set.items[i].gt;
    f = fopen(boxes, "w");
    for (int i = 0; i <= max_id; i++)
        fprintf(f, "%d %d %d %d\n", gt[i].xmin, gt[i].xmax, gt[i].ymin, gt[i].ymax);
    fclose(f);
    free(gt);
    det_set_free(&set);
    rq.compare = boxes;
    rq.boxes_out = NULL;
    if (det_measure(&n, &rq, &r, &e))
        fail_msg("%s", e.msg);
    assert_true(fabs(r.compare_mean_iou - 1.0) < 1e-12);
    unlink(boxes);

    rq.compare = "/nonexistent/boxes.txt";
    assert_int_equal(det_measure(&n, &rq, &r, &e), -1);
    assert_non_null(strstr(e.msg, "/nonexistent/boxes.txt"));
    net_free(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classify_top1),
        cmocka_unit_test(test_detect_iou_and_compare),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
