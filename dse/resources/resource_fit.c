/* resource_fit.c: reading, writing and applying the LUT/FF fit (resource_fit.h). */
#include "resource_fit.h"

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/config_path.h"
#include "net/json_config.h"

/* six significant digits: plenty for a LUT count, and the file stays diffable */
static double sig6(double v)
{
    char b[32];
    snprintf(b, sizeof b, "%.6g", v);
    return strtod(b, NULL);
}

static const char *const FAMILY[2] = {[XFAM_XCUP] = "xcup", [XFAM_XC7] = "xc7"};

static int load_coeffs(const json_doc *d, json_t *obj, const char *path, double *c, tf_err *e)
{
    const char *keys[RF__COUNT + 1];
    for (int k = 0; k < RF__COUNT; k++)
        keys[k] = res_feature_name((res_feature)k);
    keys[RF__COUNT] = NULL;
    if (!json_is_object(obj))
        return json_doc_err(d, e, path, "must be an object of feature coefficients");
    if (json_check_keys(d, obj, path, keys, e))
        return -1;
    for (int k = 0; k < RF__COUNT; k++)
        if (json_get_num(d, obj, path, keys[k], -1e6, 1e6, 0, true, &c[k], e))
            return -1;
    return 0;
}

static int fit_from_doc(void *ctx, const json_doc *d, tf_err *e)
{
    resource_fit *f = ctx;
    static const char *const TOP[] = {"families", "data", "yosys", "holdout", "fitted_with", "comment", "heldout", NULL};
    static const char *const FAM[] = {"lut", "ff", "train_rows", NULL};
    json_t *fams = json_object_get(d->root, "families");
    if (json_check_keys(d, d->root, "", TOP, e))
        return -1;
    if (!json_is_object(fams))
        return json_doc_err(d, e, "families", "missing or not an object (keys: xcup, xc7)");
    const char *name;
    json_t *v;
    json_object_foreach(fams, name, v) {
        int fam = strcmp(name, "xcup") == 0 ? XFAM_XCUP : strcmp(name, "xc7") == 0 ? XFAM_XC7 : -1;
        char p[64];
        snprintf(p, sizeof p, "families.%s", name);
        if (fam < 0)
            return json_doc_err(d, e, p, "unknown family '%s' (allowed: xcup, xc7)", name);
        if (!json_is_object(v))
            return json_doc_err(d, e, p, "must be an object with lut and ff");
        if (json_check_keys(d, v, p, FAM, e))
            return -1;
        char pl[80], pf[80];
        snprintf(pl, sizeof pl, "%s.lut", p);
        snprintf(pf, sizeof pf, "%s.ff", p);
        if (load_coeffs(d, json_object_get(v, "lut"), pl, f->lut[fam], e) ||
            load_coeffs(d, json_object_get(v, "ff"), pf, f->ff[fam], e))
            return -1;
        f->have[fam] = true;
    }
    if (!f->have[XFAM_XCUP] && !f->have[XFAM_XC7])
        return json_doc_err(d, e, "families", "has no family (need xcup and/or xc7)");
    return 0;
}

int resource_fit_parse(resource_fit *f, const char *name, const char *text, tf_err *e)
{
    memset(f, 0, sizeof *f);
    snprintf(f->path, sizeof f->path, "%s", name);
    return json_doc_with(name, text, fit_from_doc, f, e);
}

int resource_fit_load(resource_fit *f, const char *path, tf_err *e)
{
    return resource_fit_parse(f, path, NULL, e);
}

json_t *resource_fit_to_json(const resource_fit *f, json_t *meta)
{
    json_t *root = meta ? meta : json_object();
    json_t *fams = json_object();
    for (int fam = 0; fam < 2; fam++) {
        if (!f->have[fam])
            continue;
        json_t *lut = json_object(), *ff = json_object();
        for (int k = 0; k < RF__COUNT; k++) {
            json_object_set_new(lut, res_feature_name((res_feature)k), json_real(sig6(f->lut[fam][k])));
            json_object_set_new(ff, res_feature_name((res_feature)k), json_real(sig6(f->ff[fam][k])));
        }
        json_object_set_new(fams, FAMILY[fam], json_pack("{s:o,s:o}", "lut", lut, "ff", ff));
    }
    json_object_set_new(root, "families", fams);
    return root;
}

static resource_fit default_fit;
static tf_err default_err;
static int default_rc;
static pthread_once_t default_once = PTHREAD_ONCE_INIT;

static void load_default(void)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", tf2sim_config_dir(), RESOURCE_FIT_FILE);
    default_rc = resource_fit_load(&default_fit, path, &default_err);
}

const resource_fit *resource_fit_default(tf_err *e)
{
    pthread_once(&default_once, load_default);
    if (default_rc) {
        if (e)
            *e = default_err;
        return NULL;
    }
    return &default_fit;
}

void resource_fit_apply(const resource_fit *f, xilinx_family fam, const res_features *x, long *lut, long *ff)
{
    if (!f->have[fam]) {
        static atomic_int said;
        if (atomic_fetch_add(&said, 1) == 0)
            fprintf(stderr, "tf2sim: %s has no %s coefficients; using %s's\n", f->path, FAMILY[fam], FAMILY[!fam]);
        fam = !fam;
    }
    double l = 0, r = 0;
    for (int k = 0; k < RF__COUNT; k++) {
        l += f->lut[fam][k] * x->x[k];
        r += f->ff[fam][k] * x->x[k];
    }
    *lut = l > 0 ? lround(l) : 0;
    *ff = r > 0 ? lround(r) : 0;
}
