/* measure.c: a net's accuracy at given bits on its data set (measure.h). */
#include "measure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numerics/weights_ismart.h"

/* --bitw/--bita: a single digit sets every non-fixed layer, else one digit per compute layer. */
static int apply_bits_opt(net *n, const char *bw, const char *ba, tf_err *e)
{
    if (bw && strlen(bw) == 1) {
        if (bw[0] < '1' || bw[0] > '8')
            return tf_errf(e, "--bitw: '%s': bits must be 1..8", bw);
        if (net_apply_bits(n, bw[0] - '0', 0, e))
            return -1;
        bw = NULL;
    }
    if (ba && strlen(ba) == 1) {
        if (ba[0] < '1' || ba[0] > '8')
            return tf_errf(e, "--bita: '%s': bits must be 1..8", ba);
        if (net_apply_bits(n, 0, ba[0] - '0', e))
            return -1;
        ba = NULL;
    }
    return net_apply_bit_digits(n, bw, ba, e);
}

static int test_count(const cls_request *rq, const cls_data *test)
{
    return rq->limit && rq->limit < test->images.count ? (int)rq->limit : (int)test->images.count;
}

/* One quantised configuration: top-1 over the test set. */
static int cls_one(const net *base, const float_weights *fw, const cls_data *train, const cls_data *test,
                   const char *bw, const char *ba, bool pow2, const cls_request *rq, double *top1, char *bits,
                   size_t cap, tf_err *e)
{
    net n;
    if (net_clone(&n, base, e))
        return -1;
    if (apply_bits_opt(&n, bw, ba, e)) {
        net_free(&n);
        return -1;
    }
    for (int i = 0; i < n.n_layers; i++)
        if (layer_is_compute(&n.layers[i]) && (n.layers[i].wbits < 2 || n.layers[i].abits < 1)) {
            tf_errf(e, "%s: %d-bit weights are not supported (signed weights need 2..8 bits)", n.layers[i].name,
                    n.layers[i].wbits);
            net_free(&n);
            return -1;
        }
    char w[NET_MAX_LAYERS + 1], a[NET_MAX_LAYERS + 1];
    net_bit_digits(&n, w, a, sizeof w);
    snprintf(bits, cap, "%s/%s", w, a);
    int nc;
    uint8_t *cal = cls_calib_images(&n, train, rq->calib, &nc, e);
    if (!cal) {
        net_free(&n);
        return -1;
    }
    ptq_model m;
    int rc = ptq_build_opts(&m, &n, fw, cal, nc, pow2, rq->act_channel, e);
    free(cal);
    int correct = 0;
    if (rc == 0) {
        rc = cls_eval(&n, fw, &m, test, (int)rq->limit, (int)rq->threads, &correct, e);
        ptq_free(&m);
    }
    *top1 = (double)correct / test_count(rq, test);
    net_free(&n);
    return rc;
}

/* The TF2 engine model: INQ weights and int8 features calibrated on the training images. */
static int cls_one_tf2(const net *n, const float_weights *fw, const cls_data *train, const cls_data *test,
                       const cls_request *rq, double *top1, tf_err *e)
{
    int nc;
    uint8_t *cal = cls_calib_images(n, train, rq->calib, &nc, e);
    if (!cal)
        return -1;
    tf2_model t;
    int rc = tf2_model_build(&t, n, fw, cal, nc, e), correct = 0;
    free(cal);
    if (rc == 0) {
        rc = cls_eval_tf2(&t, test, (int)rq->limit, (int)rq->threads, &correct, e);
        tf2_model_free(&t);
    }
    *top1 = (double)correct / test_count(rq, test);
    return rc;
}

static int cls_table(const net *n, const float_weights *fw, const cls_data *train, const cls_data *test,
                     const cls_request *rq, cls_result *r, tf_err *e)
{
    static const struct { const char *w, *a; bool p2; } rows[] = {
        {"8", "8", false}, {"7", "7", false}, {"6", "6", false}, {"5", "5", false}, {"4", "8", false},
        {"4", "4", false}, {"3", "3", false}, {"2", "8", false}, {"2", "2", false}, {"4", "8", true},
        {"4", "4", true},  {"3", "8", true}};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        cls_row *x = &r->rows[r->n_rows];
        x->pow2 = rows[i].p2;
        if (cls_one(n, fw, train, test, rows[i].w, rows[i].a, rows[i].p2, rq, &x->top1, x->bits, sizeof x->bits, e))
            return -1;
        r->n_rows++;
    }
    cls_row *x = &r->rows[r->n_rows];
    x->tf2 = true;
    snprintf(x->bits, sizeof x->bits, "inq4/int8");
    if (cls_one_tf2(n, fw, train, test, rq, &x->top1, e))
        return -1;
    r->n_rows++;
    return 0;
}

int cls_measure(const net *n, const cls_request *rq, cls_result *r, tf_err *e)
{
    memset(r, 0, sizeof *r);
    char wdir[1024];
    cls_model_dir(n, rq->wdir, wdir, sizeof wdir);
    const char *data = rq->data ? rq->data : cls_default_data();
    float_weights fw;
    if (float_weights_load_npy(&fw, n, wdir, e))
        return -1;
    cls_data train = {0}, test = {0};
    int rc = -1;
    if (cls_data_load(&test, data, "t10k", n, e) || cls_data_load(&train, data, "train", n, e))
        goto out;
    r->images = test_count(rq, &test);
    int fcorrect = 0;
    if (cls_eval(n, &fw, NULL, &test, r->images, (int)rq->threads, &fcorrect, e))
        goto out;
    r->float_top1 = (double)fcorrect / r->images;
    r->top1 = r->float_top1;
    snprintf(r->bits, sizeof r->bits, "float");
    if (rq->table) {
        rc = cls_table(n, &fw, &train, &test, rq, r, e);
        goto out;
    }
    if (rq->tf2 && !rq->float_only) {
        snprintf(r->bits, sizeof r->bits, "tf2: INQ 4-bit weights, int8 features");
        if (cls_one_tf2(n, &fw, &train, &test, rq, &r->top1, e))
            goto out;
    } else if (!rq->float_only &&
               cls_one(n, &fw, &train, &test, rq->bitw, rq->bita, rq->pow2, rq, &r->top1, r->bits, sizeof r->bits, e)) {
        goto out;
    }
    rc = 0;
out:
    cls_data_free(&train);
    cls_data_free(&test);
    float_weights_free(&fw);
    return rc;
}

int det_measure(net *n, const det_request *rq, det_result *r, tf_err *e)
{
    memset(r, 0, sizeof *r);
    if (rq->bitw && net_apply_bit_digits(n, rq->bitw, NULL, e))
        return -1;
    mixq_weights w;
    if (weights_ismart_load(&w, n, rq->wdir, rq->lshift, rq->bitw != NULL, e))
        return -1;
    det_set set;
    box *mine = NULL, *other = NULL;
    int n_other = 0, rc = -1;
    if (det_set_load(&set, rq->data, e))
        goto out_w;
    if (rq->limit && rq->limit < set.n)
        set.n = (int)rq->limit;
    if (rq->compare && det_boxes_load(rq->compare, &other, &n_other, e))
        goto out_set;
    for (int i = 0; rq->compare && i < set.n; i++)
        if (set.items[i].id < 0 || set.items[i].id >= n_other) {
            tf_errf(e, "--compare %s: has %d lines but the data set needs image id %d (one line per id, 0-based)",
                    rq->compare, n_other, set.items[i].id);
            goto out_set;
        }
    mine = calloc((size_t)set.n, sizeof *mine);
    if (!mine) {
        tf_errf(e, "out of memory");
        goto out_set;
    }
    if (det_run_set(n, &w, &set, rq->resize, (int)rq->threads, mine, e))
        goto out_set;
    double iou = 0, iou_other = 0;
    for (int i = 0; i < set.n; i++) {
        iou += box_iou(mine[i], set.items[i].gt);
        if (rq->compare) {
            box o = other[set.items[i].id];
            iou_other += box_iou(o, set.items[i].gt);
            r->within_2px += box_close(mine[i], o, 2);
            r->exact += box_close(mine[i], o, 0);
        }
    }
    r->images = set.n;
    r->mean_iou = iou / set.n;
    r->compare_mean_iou = iou_other / set.n;
    if (rq->boxes_out) {
        FILE *f = fopen(rq->boxes_out, "w");
        if (!f) {
            tf_errf(e, "--boxes-out %s: cannot create", rq->boxes_out);
            goto out_set;
        }
        for (int i = 0; i < set.n; i++)
            fprintf(f, "%s %d %d %d %d\n", set.items[i].file, mine[i].xmin, mine[i].xmax, mine[i].ymin, mine[i].ymax);
        fclose(f);
    }
    net_bit_digits(n, r->bitw, r->bita, sizeof r->bitw);
    rc = 0;
out_set:
    free(mine);
    free(other);
    det_set_free(&set);
out_w:
    mixq_weights_free(&w);
    return rc;
}
