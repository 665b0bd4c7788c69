/* detect.c: DAC-SDC data set, image -> box, and a small worker pool. */
#include "detect.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "numerics/infer.h"
#include "net/json_config.h"

void det_set_free(det_set *s)
{
    free(s->items);
    s->items = NULL;
    s->n = 0;
}

int det_set_load(det_set *s, const char *dir, tf_err *e)
{
    memset(s, 0, sizeof *s);
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    char path[1024];
    snprintf(path, sizeof path, "%s/ground_truth_plain.txt", dir);
    size_t len;
    char *text = read_text_file(path, &len, e);
    if (!text)
        return tf_err_prefix(e, "--data %s: needs ground_truth_plain.txt (\"<id>.jpg xmin xmax ymin ymax\" lines)", dir);
    int cap = 0, line = 0;
    char *save = NULL;
    for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
        line++;
        det_item it;
        memset(&it, 0, sizeof it);
        char extra;
        if (ln[0] == '\0' || ln[0] == '\r')
            continue;
        if (sscanf(ln, "%63s %d %d %d %d %c", it.file, &it.gt.xmin, &it.gt.xmax, &it.gt.ymin, &it.gt.ymax, &extra) !=
            5) {
            free(text);
            det_set_free(s);
            return tf_errf(e, "%s:%d: expected \"<id>.jpg xmin xmax ymin ymax\"", path, line);
        }
        it.id = atoi(it.file);
        if (s->n == cap) {
            cap = cap ? cap * 2 : 256;
            det_item *ni = realloc(s->items, sizeof *ni * (size_t)cap);
            if (!ni) {
                free(text);
                det_set_free(s);
                return tf_errf(e, "%s: out of memory", path);
            }
            s->items = ni;
        }
        s->items[s->n++] = it;
    }
    free(text);
    if (s->n == 0)
        return tf_errf(e, "%s: no images listed", path);
    return 0;
}

int det_boxes_load(const char *path, box **boxes, int *n, tf_err *e)
{
    size_t len;
    char *text = read_text_file(path, &len, e);
    if (!text)
        return -1;
    int cap = 0, cnt = 0, line = 0;
    box *b = NULL;
    char *save = NULL;
    for (char *ln = strtok_r(text, "\n", &save); ln; ln = strtok_r(NULL, "\n", &save)) {
        line++;
        box x;
        char extra;
        if (sscanf(ln, "%d %d %d %d %c", &x.xmin, &x.xmax, &x.ymin, &x.ymax, &extra) != 4) {
            free(text);
            free(b);
            return tf_errf(e, "%s:%d: expected \"xmin xmax ymin ymax\"", path, line);
        }
        if (cnt == cap) {
            cap = cap ? cap * 2 : 1024;
            box *nb = realloc(b, sizeof *nb * (size_t)cap);
            if (!nb) {
                free(text);
                free(b);
                return tf_errf(e, "%s: out of memory", path);
            }
            b = nb;
        }
        b[cnt++] = x;
    }
    free(text);
    *boxes = b;
    *n = cnt;
    return 0;
}

int det_run_image(const net *n, const mixq_weights *w, const char *jpg, resize_mode rm, box *out, tf_err *e)
{
    image_u8 im = {0}, rs = {0};
    tensor in = {0};
    tensor *outs = calloc((size_t)n->n_layers, sizeof *outs);
    uint8_t *chw = NULL;
    int rc = -1;
    if (!outs) {
        tf_errf(e, "out of memory");
        goto done;
    }
    if (image_load_jpeg(&im, jpg, e))
        goto done;
    if (n->in_c != 3) {
        tf_errf(e, "%s: net %s takes %d input channels, images have 3", jpg, n->name, n->in_c);
        goto done;
    }
    if (image_resize_bilinear(&im, &rs, n->in_w, n->in_h, rm, e))
        goto done;
    chw = malloc((size_t)3 * n->in_h * n->in_w);
    if (!chw) {
        tf_errf(e, "out of memory");
        goto done;
    }
    image_to_chw(&rs, 1, chw);
    if (mixq_input_from_u8(n, chw, &in, e) || mixq_forward(n, w, &in, outs, 0, e))
        goto done;
    const layer *last = &n->layers[n->n_layers - 1];
    box_decode_cfg cfg = {.anchors = last->cout / 6, .div = mixq_head_div(last), .net_w = n->in_w,
                          .net_h = n->in_h, .img_w = im.w, .img_h = im.h, .base = 20.0};
    rc = box_decode_single(&outs[n->n_layers - 1], &cfg, out, e);
done:
    if (outs)
        for (int i = 0; i < n->n_layers; i++)
            tensor_free(&outs[i]);
    free(outs);
    free(chw);
    tensor_free(&in);
    image_free(&im);
    image_free(&rs);
    return rc;
}

typedef struct pool_ctx {
    const net *n;
    const mixq_weights *w;
    const det_set *s;
    resize_mode rm;
    box *out;
    pthread_mutex_t mu;
    int next, failed;
    tf_err err;
} pool_ctx;

static void *worker(void *arg)
{
    pool_ctx *c = arg;
    for (;;) {
        pthread_mutex_lock(&c->mu);
        int i = c->failed ? c->s->n : c->next++;
        pthread_mutex_unlock(&c->mu);
        if (i >= c->s->n)
            return NULL;
        char path[1200];
        snprintf(path, sizeof path, "%s/images/%s", c->s->dir, c->s->items[i].file);
        tf_err e;
        if (det_run_image(c->n, c->w, path, c->rm, &c->out[i], &e)) {
            pthread_mutex_lock(&c->mu);
            if (!c->failed)
                c->err = e;
            c->failed = 1;
            pthread_mutex_unlock(&c->mu);
        }
    }
}

int det_run_set(const net *n, const mixq_weights *w, const det_set *s, resize_mode rm, int threads, box *out,
                tf_err *e)
{
    pool_ctx c = {.n = n, .w = w, .s = s, .rm = rm, .out = out};
    pthread_mutex_init(&c.mu, NULL);
    if (threads < 1)
        threads = 1;
    if (threads > 64)
        threads = 64;
    pthread_t th[64];
    int started = 0;
    for (int t = 1; t < threads; t++)
        if (pthread_create(&th[started], NULL, worker, &c) == 0)
            started++;
    worker(&c);
    for (int t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    pthread_mutex_destroy(&c.mu);
    if (c.failed) {
        if (e)
            *e = c.err;
        return -1;
    }
    return 0;
}
