/* bench_infer.c: single-thread inference throughput (images/s) of the bit-accurate integer
 * models beside the float reference path, for ultranet (iSmart 4a4w weights, 320x160) and
 * fmnist_cnn (post-training quantised 8/8 and 4/4, 28x28).
 * usage: bench_infer [--images N]   (needs ../shared data and configs/models/fmnist_cnn) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "task/classify.h"
#include "net/config_path.h"
#include "numerics/float_ref.h"
#include "io/image.h"
#include "numerics/infer.h"
#include "net/net.h"
#include "numerics/ptq.h"
#include "numerics/weights_ismart.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static const char *shared_dir(void)
{
    const char *s = getenv("TF2SIM_SHARED");
    return s && *s ? s : TF2SIM_SHARED_DIR;
}

static int bench_ultranet(int n_img)
{
    tf_err e;
    net n;
    mixq_weights w;
    char wdir[1024], img[1024];
    snprintf(wdir, sizeof wdir, "%s/data/ultranet-ismart/weight_4a4w", shared_dir());
    snprintf(img, sizeof img, "%s/data/ultranet-ismart/sample1000_686.jpg", shared_dir());
    if (net_load_named(&n, "ultranet", &e) || weights_ismart_load(&w, &n, wdir, ISMART_DEFAULT_LSHIFT, false, &e)) {
        fprintf(stderr, "bench_infer: %s\n", e.msg);
        return 1;
    }
    image_u8 im = {0}, rs = {0};
    if (image_load_jpeg(&im, img, &e) || image_resize_bilinear(&im, &rs, n.in_w, n.in_h, RESIZE_EXACT, &e)) {
        fprintf(stderr, "bench_infer: %s\n", e.msg);
        return 1;
    }
    uint8_t *chw = malloc((size_t)3 * n.in_h * n.in_w);
    image_to_chw(&rs, 1, chw);
    tensor in = {0};
    mixq_input_from_u8(&n, chw, &in, &e);
    tensor *outs = calloc((size_t)n.n_layers, sizeof *outs);
    double t0 = now();
    for (int k = 0; k < n_img; k++)
        if (mixq_forward(&n, &w, &in, outs, 0, &e)) {
            fprintf(stderr, "bench_infer: %s\n", e.msg);
            return 1;
        }
    double t_int = now() - t0;
    /* End to end: JPEG decode + resize + integer model. */
    t0 = now();
    for (int k = 0; k < n_img; k++) {
        image_u8 a = {0}, b = {0};
        tensor x = {0};
        image_load_jpeg(&a, img, &e);
        image_resize_bilinear(&a, &b, n.in_w, n.in_h, RESIZE_EXACT, &e);
        image_to_chw(&b, 1, chw);
        mixq_input_from_u8(&n, chw, &x, &e);
        mixq_forward(&n, &w, &x, outs, 0, &e);
        image_free(&a), image_free(&b), tensor_free(&x);
    }
    double t_e2e = now() - t0;
    /* Float path: the same layers in float (integer weights as floats, ReLU, no BN). */
    float_weights fw = {0};
    fw.n_layers = n.n_layers;
    fw.l = calloc((size_t)n.n_layers, sizeof *fw.l);
    for (int i = 0; i < n.n_layers; i++)
        if (w.l[i].w) {
            fw.l[i].w = malloc(w.l[i].n_w * sizeof(float));
            for (size_t j = 0; j < w.l[i].n_w; j++)
                fw.l[i].w[j] = (float)w.l[i].w[j] / 7.0f;
            fw.l[i].n_w = w.l[i].n_w;
        }
    ftensor fin = {0};
    ftensor *fouts = calloc((size_t)n.n_layers, sizeof *fouts);
    ftensor_alloc(&fin, n.in_c, n.in_h, n.in_w, &e);
    for (size_t j = 0; j < ftensor_size(&fin); j++)
        fin.d[j] = chw[j] / 255.0f;
    int fr = n_img < 4 ? n_img : n_img / 2;
    t0 = now();
    for (int k = 0; k < fr; k++)
        float_forward(&n, &fw, &fin, fouts, 0, &e);
    double t_flt = now() - t0;
    double gmac = (double)n.macs * 1e-9;
    printf("ultranet  int (4a4w, bit-accurate)  %8.1f img/s  %6.2f GMAC/s\n", n_img / t_int, gmac * n_img / t_int);
    printf("ultranet  int + JPEG + resize       %8.1f img/s\n", n_img / t_e2e);
    printf("ultranet  float reference           %8.1f img/s  %6.2f GMAC/s\n", fr / t_flt, gmac * fr / t_flt);
    for (int i = 0; i < n.n_layers; i++)
        tensor_free(&outs[i]), ftensor_free(&fouts[i]);
    free(outs), free(fouts), free(chw);
    tensor_free(&in), ftensor_free(&fin);
    image_free(&im), image_free(&rs);
    float_weights_free(&fw);
    mixq_weights_free(&w);
    net_free(&n);
    return 0;
}

static int bench_fmnist(int n_img)
{
    tf_err e;
    net n;
    float_weights fw;
    char wdir[1024];
    config_model_dir("fmnist_cnn", wdir, sizeof wdir);
    if (net_load_named(&n, "fmnist_cnn", &e) || float_weights_load_npy(&fw, &n, wdir, &e)) {
        fprintf(stderr, "bench_infer: fmnist skipped: %s\n", e.msg);
        return 0;
    }
    cls_data test;
    if (cls_data_load(&test, "/usr/share/datasets/fashion-mnist", "t10k", &n, &e)) {
        fprintf(stderr, "bench_infer: fmnist skipped: %s\n", e.msg);
        return 0;
    }
    int cnt = n_img * 20 < test.images.count ? n_img * 20 : (int)test.images.count, correct;
    double t0 = now();
    cls_eval(&n, &fw, NULL, &test, cnt, 1, &correct, &e);
    double t_flt = now() - t0;
    printf("fmnist    float reference           %8.1f img/s\n", cnt / t_flt);
    static const int bits[][2] = {{8, 8}, {4, 4}};
    for (int b = 0; b < 2; b++) {
        net q;
        net_clone(&q, &n, &e);
        net_apply_bits(&q, bits[b][0], bits[b][1], &e);
        ptq_model m;
        /* calibrated on 200 test images: this measures throughput, not accuracy */
        if (ptq_build(&m, &q, &fw, test.images.data, 200, false, &e)) {
            fprintf(stderr, "bench_infer: %s\n", e.msg);
            return 1;
        }
        t0 = now();
        cls_eval(&q, &fw, &m, &test, cnt, 1, &correct, &e);
        double t = now() - t0;
        printf("fmnist    int %d/%d (bit-accurate)     %8.1f img/s\n", bits[b][0], bits[b][1], cnt / t);
        ptq_free(&m);
        net_free(&q);
    }
    tf2_model t;
    if (tf2_model_build(&t, &n, &fw, test.images.data, 200, &e)) {
        fprintf(stderr, "bench_infer: %s\n", e.msg);
        return 1;
    }
    t0 = now();
    cls_eval_tf2(&t, &test, cnt, 1, &correct, &e);
    printf("fmnist    TF2 engine (INQ, int8 SAC)  %8.1f img/s\n", cnt / (now() - t0));
    tf2_model_free(&t);
    cls_data_free(&test);
    float_weights_free(&fw);
    net_free(&n);
    return 0;
}

int main(int argc, char **argv)
{
    int n_img = 20;
    for (int i = 1; i + 1 < argc; i++)
        if (strcmp(argv[i], "--images") == 0)
            n_img = atoi(argv[i + 1]);
    if (n_img < 1)
        n_img = 1;
    printf("single thread, %d ultranet frames, %d fmnist images\n", n_img, n_img * 20);
    return bench_ultranet(n_img) || bench_fmnist(n_img);
}
