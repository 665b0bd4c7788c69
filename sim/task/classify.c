/* classify.c: IDX data and parallel top-1 evaluation. */
#include "classify.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "net/config_path.h"

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
    const tf2_model *t;
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
            int y = p->t ? tf2_classify(p->t, img, &e)
                         : (p->m ? ptq_classify(p->m, img, &e) : float_classify(p->n, p->fw, img, &e));
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

static int eval_pool(pool p, int threads, int *correct, tf_err *e);

int cls_eval(const net *n, const float_weights *fw, const ptq_model *m, const cls_data *d, int count, int threads,
             int *correct, tf_err *e)
{
    if (count <= 0 || count > d->images.count)
        count = (int)d->images.count;
    pool p = {.n = n, .fw = fw, .m = m, .d = d, .count = count};
    return eval_pool(p, threads, correct, e);
}

int cls_eval_tf2(const tf2_model *t, const cls_data *d, int count, int threads, int *correct, tf_err *e)
{
    if (count <= 0 || count > d->images.count)
        count = (int)d->images.count;
    pool p = {.n = t->n, .t = t, .d = d, .count = count};
    return eval_pool(p, threads, correct, e);
}

static int eval_pool(pool p, int threads, int *correct, tf_err *e)
{
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

/* Data and float weights of the last cls_top1_for_bits call, kept for the next one (a
 * mixed-precision walk asks for many bit vectors of one net). Reachable until exit. */
static struct {
    pthread_mutex_t mu;
    char key[2200];
    int ok;
    net n;           /* shape-only copy used to load the weights */
    float_weights fw;
    cls_data train, test;
} g_cache = {.mu = PTHREAD_MUTEX_INITIALIZER};

void cls_cache_clear(void)
{
    pthread_mutex_lock(&g_cache.mu);
    if (g_cache.ok) {
        float_weights_free(&g_cache.fw);
        cls_data_free(&g_cache.train);
        cls_data_free(&g_cache.test);
        net_free(&g_cache.n);
    }
    g_cache.ok = 0;
    g_cache.key[0] = '\0';
    pthread_mutex_unlock(&g_cache.mu);
}

const char *cls_default_data(void)
{
    const char *d = getenv("TF2SIM_FMNIST");
    return d && *d ? d : CLS_DEFAULT_DATA;
}

void cls_model_dir(const net *n, const char *wdir, char *out, size_t cap)
{
    if (wdir)
        snprintf(out, cap, "%s", wdir);
    else if (getenv("TF2SIM_MODELS"))
        snprintf(out, cap, "%s/%s", getenv("TF2SIM_MODELS"), n->name);
    else
        config_model_dir(n->name, out, cap);
}

uint8_t *cls_calib_images(const net *n, const cls_data *train, long calib, int *count, tf_err *e)
{
    int nc = (int)(calib < train->images.count ? calib : train->images.count);
    if (nc < 1)
        nc = 1;
    size_t px = (size_t)n->in_h * n->in_w;
    uint8_t *cal = malloc((size_t)nc * px);
    if (!cal) {
        tf_errf(e, "out of memory");
        return NULL;
    }
    long step = train->images.count / nc;
    for (int k = 0; k < nc; k++)
        memcpy(cal + (size_t)k * px, train->images.data + (size_t)(k * step) * px, px);
    *count = nc;
    return cal;
}

int cls_top1_for_bits(const net *n, const char *wdir, const char *data, bool pow2, int calib, int limit,
                      int threads, double *top1, int *images, tf_err *e)
{
    *top1 = -1;
    *images = 0;
    char wd[1024], dd[1024], key[2200];
    cls_model_dir(n, wdir, wd, sizeof wd);
    snprintf(dd, sizeof dd, "%s", data ? data : cls_default_data());
    char probe[1100];
    snprintf(probe, sizeof probe, "%s/%s_w.npy", wd, n->layers[0].name);
    if (access(probe, R_OK) != 0)
        return 1;
    snprintf(key, sizeof key, "%s|%s|%s|%s", n->name, n->path, wd, dd);
    pthread_mutex_lock(&g_cache.mu);
    if (!g_cache.ok || strcmp(g_cache.key, key) != 0) {
        if (g_cache.ok) {
            float_weights_free(&g_cache.fw);
            cls_data_free(&g_cache.train);
            cls_data_free(&g_cache.test);
            net_free(&g_cache.n);
            g_cache.ok = 0;
        }
        if (net_clone(&g_cache.n, n, e)) {
            pthread_mutex_unlock(&g_cache.mu);
            return -1;
        }
        if (float_weights_load_npy(&g_cache.fw, n, wd, e)) {
            net_free(&g_cache.n);
            pthread_mutex_unlock(&g_cache.mu);
            return -1;
        }
        if (cls_data_load(&g_cache.test, dd, "t10k", n, e) || cls_data_load(&g_cache.train, dd, "train", n, e)) {
            cls_data_free(&g_cache.test);
            float_weights_free(&g_cache.fw);
            net_free(&g_cache.n);
            pthread_mutex_unlock(&g_cache.mu);
            return 1; /* no data set: no accuracy */
        }
        snprintf(g_cache.key, sizeof g_cache.key, "%s", key);
        g_cache.ok = 1;
    }
    const float_weights *fw = &g_cache.fw;
    const cls_data *train = &g_cache.train, *test = &g_cache.test;
    int rc = -1, nc;
    uint8_t *cal = cls_calib_images(n, train, calib, &nc, e);
    ptq_model m;
    if (!cal)
        goto out;
    if (ptq_build(&m, n, fw, cal, nc, pow2, e) == 0) {
        int cnt = limit > 0 && limit < test->images.count ? limit : (int)test->images.count, correct = 0;
        if (cls_eval(n, fw, &m, test, cnt, threads, &correct, e) == 0) {
            *top1 = (double)correct / cnt;
            *images = cnt;
            rc = 0;
        }
        ptq_free(&m);
    }
out:
    free(cal);
    pthread_mutex_unlock(&g_cache.mu);
    return rc;
}
