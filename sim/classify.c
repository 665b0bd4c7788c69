/* classify.c: IDX data and parallel top-1 evaluation. */
#include "classify.h"

#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int load_one(idx_u8 *x, const char *dir, const char *name, tf_err *e)
{
    char p[1024];
    snprintf(p, sizeof p, "%s/%s.gz", dir, name);
    if (access(p, R_OK) != 0)
        snprintf(p, sizeof p, "%s/%s", dir, name);
    return idx_load_u8(x, p, e);
}

void cls_data_free(cls_data *d)
{
    idx_free(&d->images);
    idx_free(&d->labels);
}

int cls_data_load(cls_data *d, const char *dir, const char *prefix, const net *n, tf_err *e)
{
    memset(d, 0, sizeof *d);
    char a[64], b[64];
    snprintf(a, sizeof a, "%s-images-idx3-ubyte", prefix);
    snprintf(b, sizeof b, "%s-labels-idx1-ubyte", prefix);
    if (load_one(&d->images, dir, a, e) || load_one(&d->labels, dir, b, e)) {
        cls_data_free(d);
        return -1;
    }
    if (d->images.ndim != 3 || d->labels.ndim != 1 || d->images.count != d->labels.count) {
        cls_data_free(d);
        return tf_errf(e, "%s/%s: expected N x H x W images and N labels", dir, a);
    }
    if (n->in_c != 1 || d->images.dims[1] != n->in_h || d->images.dims[2] != n->in_w) {
        int h = d->images.dims[1], w = d->images.dims[2];
        cls_data_free(d);
        return tf_errf(e, "%s/%s: images are 1x%dx%d but net %s takes %dx%dx%d", dir, a, h, w, n->name, n->in_c,
                       n->in_h, n->in_w);
    }
    return 0;
}

typedef struct pool {
    const net *n;
    const float_weights *fw;
    const ptq_model *m;
    const cls_data *d;
    int count, next, correct, failed;
    pthread_mutex_t mu;
    tf_err err;
} pool;

static void *work(void *arg)
{
    pool *p = arg;
    size_t px = (size_t)p->n->in_h * p->n->in_w;
    for (;;) {
        pthread_mutex_lock(&p->mu);
        int start = p->failed ? p->count : p->next;
        p->next += 64;
        pthread_mutex_unlock(&p->mu);
        if (start >= p->count)
            return NULL;
        int end = start + 64 < p->count ? start + 64 : p->count, ok = 0;
        tf_err e;
        for (int i = start; i < end; i++) {
            const uint8_t *img = p->d->images.data + (size_t)i * px;
            int y = p->m ? ptq_classify(p->m, img, &e) : float_classify(p->n, p->fw, img, &e);
            if (y < 0) {
                pthread_mutex_lock(&p->mu);
                if (!p->failed)
                    p->err = e;
                p->failed = 1;
                pthread_mutex_unlock(&p->mu);
                return NULL;
            }
            ok += y == p->d->labels.data[i];
        }
        pthread_mutex_lock(&p->mu);
        p->correct += ok;
        pthread_mutex_unlock(&p->mu);
    }
}

int cls_eval(const net *n, const float_weights *fw, const ptq_model *m, const cls_data *d, int count, int threads,
             int *correct, tf_err *e)
{
    if (count <= 0 || count > d->images.count)
        count = (int)d->images.count;
    pool p = {.n = n, .fw = fw, .m = m, .d = d, .count = count};
    pthread_mutex_init(&p.mu, NULL);
    if (threads < 1)
        threads = 1;
    if (threads > 64)
        threads = 64;
    pthread_t th[64];
    int started = 0;
    for (int t = 1; t < threads; t++)
        if (pthread_create(&th[started], NULL, work, &p) == 0)
            started++;
    work(&p);
    for (int t = 0; t < started; t++)
        pthread_join(th[t], NULL);
    pthread_mutex_destroy(&p.mu);
    if (p.failed) {
        if (e)
            *e = p.err;
        return -1;
    }
    *correct = p.correct;
    return 0;
}
