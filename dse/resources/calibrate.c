/* calibrate.c: the yosys data set, the held-out split, the GSL fit and the report. */
#include "calibrate.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_multifit.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "bram.h"
#include "net/json_config.h"

/* ---- the CSV (scripts/synth.sh's columns) ---- */

enum { C_FAMILY, C_PE, C_SIMD, C_WBITS, C_ABITS, C_K, C_MODE, C_PACK, C_CIN, C_COUT, C_H, C_W, C_STRIDE, C_DW,
       C_OBIT, C_DSP, C_BRAM18, C_LUT, C_LUTRAM, C_FF, C__COUNT };
static const char *const COLS[C__COUNT] = {"family", "pe", "simd", "wbits", "abits", "k", "mode", "pack", "cin",
                                           "cout", "h", "w", "stride", "dw", "obit", "dsp", "bram18", "lut",
                                           "lutram", "ff"};

static int row_from_fields(char **f, const int *col, synth_row *r, const char *csv, int line, tf_err *e)
{
    long v[C__COUNT];
    for (int c = 1; c < C__COUNT; c++) {
        char *end;
        errno = 0;
        v[c] = strtol(f[col[c]], &end, 10);
        if (errno || end == f[col[c]] || (*end && *end != '\r' && *end != '\n') || v[c] < 0 || v[c] > 100000000)
            return tf_errf(e, "%s:%d: column %s: must be a whole number 0..100000000 (got '%s')", csv, line, COLS[c],
                           f[col[c]]);
    }
    if (strcmp(f[col[C_FAMILY]], "xcup") == 0)
        r->fam = XFAM_XCUP;
    else if (strcmp(f[col[C_FAMILY]], "xc7") == 0)
        r->fam = XFAM_XC7;
    else
        return tf_errf(e, "%s:%d: column family: must be xcup or xc7 (got '%s')", csv, line, f[col[C_FAMILY]]);
    rtl_unit *u = &r->u;
    *u = (rtl_unit){.pe = (int)v[C_PE], .simd = (int)v[C_SIMD], .wbits = (int)v[C_WBITS], .abits = (int)v[C_ABITS],
                    .k = (int)v[C_K], .mode = (int)v[C_MODE], .pack = (int)v[C_PACK], .cin = (int)v[C_CIN],
                    .cout = (int)v[C_COUT], .h = (int)v[C_H], .w = (int)v[C_W], .stride = (int)v[C_STRIDE],
                    .dw = (int)v[C_DW], .obit = (int)v[C_OBIT]};
    int lin = u->dw ? u->pe : u->simd;
    if (u->pe < 1 || u->simd < 1 || u->k < 1 || u->stride < 1 || u->h < u->k || u->w < u->k || u->cin % lin ||
        u->cout % u->pe || u->wbits < 1 || u->abits < 1 || u->mode > 1 || u->pack > 1 || u->dw > 1)
        return tf_errf(e, "%s:%d: not a unit compute_unit_fixed.v builds (PE, SIMD, K, stride >= 1, H and W >= K, "
                       "SIMD | cin, PE | cout, mode/pack/dw 0 or 1)", csv, line);
    r->dsp = (int)v[C_DSP];
    r->bram18 = (int)v[C_BRAM18];
    r->lut = v[C_LUT];
    r->lutram = v[C_LUTRAM];
    r->ff = v[C_FF];
    r->line = line;
    return 0;
}

static int split_fields(char *line, char sep, char **f, int max)
{
    int n = 0;
    for (char *p = line; n < max;) {
        f[n++] = p;
        char *c = strchr(p, sep);
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    return n;
}

int calibrate_load_table(const calib_table *t, void **rows, int *n, tf_err *e)
{
    *rows = NULL;
    *n = 0;
    FILE *fp = fopen(t->path, "r");
    if (!fp)
        return tf_errf(e, "%s: cannot open (%s); %s", t->path, strerror(errno), t->source);
    char line[4096];
    char *f[64];
    int col[64], cap = 0, lineno = 1, rc = -1;
    char *buf = NULL;
    if (t->ncols > 64) {
        tf_errf(e, "%s: too many columns", t->path);
        goto out;
    }
    if (!fgets(line, sizeof line, fp)) {
        tf_errf(e, "%s: empty file (want a header line of column names; %s)", t->path, t->source);
        goto out;
    }
    line[strcspn(line, "\r\n")] = '\0';
    int nh = split_fields(line, t->sep, f, 64);
    for (int c = 0; c < t->ncols; c++) {
        col[c] = -1;
        for (int k = 0; k < nh; k++)
            if (strcmp(f[k], t->cols[c]) == 0)
                col[c] = k;
        if (col[c] < 0) {
            tf_errf(e, "%s:1: header has no column '%s' (%s)", t->path, t->cols[c], t->source);
            goto out;
        }
    }
    while (fgets(line, sizeof line, fp)) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        if (split_fields(line, t->sep, f, 64) != nh) {
            tf_errf(e, "%s:%d: %d columns expected, as in the header", t->path, lineno, nh);
            goto out;
        }
        if (*n == cap) {
            cap = cap ? 2 * cap : 128;
            char *nb = realloc(buf, t->row_size * (size_t)cap);
            if (!nb) {
                tf_errf(e, "out of memory");
                goto out;
            }
            buf = nb;
        }
        if (t->parse(f, col, buf + t->row_size * (size_t)*n, t->path, lineno, e))
            goto out;
        (*n)++;
    }
    if (*n == 0) {
        tf_errf(e, "%s: no rows", t->path);
        goto out;
    }
    rc = 0;
out:
    fclose(fp);
    if (rc) {
        free(buf);
        buf = NULL;
        *n = 0;
    }
    *rows = buf;
    return rc;
}

static int synth_row_parse(char **f, const int *col, void *row, const char *path, int line, tf_err *e)
{
    return row_from_fields(f, col, row, path, line, e);
}

int synth_rows_load(const char *csv, synth_row **rows, int *n, tf_err *e)
{
    calib_table t = {.path = csv, .sep = ',', .cols = COLS, .ncols = C__COUNT,
                     .source = "scripts/synth_sweep.sh writes it", .row_size = sizeof **rows, .parse = synth_row_parse};
    void *r;
    int rc = calibrate_load_table(&t, &r, n, e);
    *rows = r;
    return rc;
}

/* ---- split ---- */

void calibrate_split_groups(const int *group, int n, unsigned seed, double holdout, bool *held)
{
    gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(rng, seed);
    int *idx = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    int ngroups = 0;
    for (int i = 0; i < n; i++) {
        held[i] = false;
        if (group[i] + 1 > ngroups)
            ngroups = group[i] + 1;
    }
    for (int g = 0; g < ngroups && idx; g++) {
        int m = 0;
        for (int i = 0; i < n; i++)
            if (group[i] == g)
                idx[m++] = i;
        if (m == 0)
            continue;
        gsl_ran_shuffle(rng, idx, (size_t)m, sizeof(int));
        int k = (int)floor(holdout * m + 0.5);
        for (int j = 0; j < k && j < m - 1; j++) /* always train on at least one row */
            held[idx[j]] = true;
    }
    free(idx);
    gsl_rng_free(rng);
}

void calibrate_split(const synth_row *rows, int n, unsigned seed, double holdout, bool *held)
{
    int *group = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    if (!group) {
        memset(held, 0, sizeof *held * (size_t)n);
        return;
    }
    for (int i = 0; i < n; i++)
        group[i] = (int)rows[i].fam;
    calibrate_split_groups(group, n, seed, holdout, held);
    free(group);
}

/* ---- fit ---- */

static double lanes_bits(const rtl_unit *u)
{
    return (double)u->pe * (u->dw ? 1 : u->simd) * (u->wbits + u->abits);
}

int calibrate_lsq(const gsl_matrix *x, const gsl_vector *y, const gsl_vector *w, gsl_vector *c, tf_err *e)
{
    size_t m = x->size1, p = x->size2;
    gsl_vector *wt = gsl_vector_alloc(m);
    gsl_matrix *cov = gsl_matrix_alloc(p, p);
    gsl_multifit_linear_workspace *ws = gsl_multifit_linear_alloc(m, p);
    int rc = -1;
    if (!wt || !cov || !ws) {
        tf_errf(e, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < m; i++) {
        double v = gsl_vector_get(y, i);
        gsl_vector_set(wt, i, w ? gsl_vector_get(w, i) : 1.0 / (v > 1 ? v * v : 1.0));
    }
    double chisq;
    size_t rank;
    if (gsl_multifit_wlinear_tsvd(x, wt, y, 1e-10, c, cov, &chisq, &rank, ws)) {
        tf_errf(e, "calibrate: the least-squares fit failed");
        goto out;
    }
    rc = 0;
out:
    gsl_vector_free(wt);
    gsl_matrix_free(cov);
    if (ws)
        gsl_multifit_linear_free(ws);
    return rc;
}

static int wls(const gsl_matrix *x, const gsl_vector *y, gsl_vector *c, tf_err *e)
{
    return calibrate_lsq(x, y, NULL, c, e);
}

int calibrate_fit(const synth_row *rows, int n, const bool *held, resource_fit *out, tf_err *e)
{
    memset(out, 0, sizeof *out);
    for (int fam = 0; fam < 2; fam++) {
        int m = 0;
        for (int i = 0; i < n; i++)
            m += (int)rows[i].fam == fam && !held[i];
        if (m == 0)
            continue;
        if (m < RF__COUNT)
            return tf_errf(e, "calibrate: %d training rows for %s, need at least %d (one per feature)", m,
                           fam == XFAM_XC7 ? "xc7" : "xcup", RF__COUNT);
        gsl_matrix *x = gsl_matrix_alloc((size_t)m, RF__COUNT);
        gsl_vector *yl = gsl_vector_alloc((size_t)m), *yf = gsl_vector_alloc((size_t)m);
        gsl_vector *cl = gsl_vector_alloc(RF__COUNT), *cf = gsl_vector_alloc(RF__COUNT);
        int r = 0, rc = 0;
        for (int i = 0; i < n; i++) {
            if ((int)rows[i].fam != fam || held[i])
                continue;
            rtl_unit_res ur;
            rtl_unit_resources(&rows[i].u, rows[i].fam, &ur);
            for (int k = 0; k < RF__COUNT; k++)
                gsl_matrix_set(x, (size_t)r, (size_t)k, ur.x.x[k]);
            /* the fit explains logic only: LUTRAM and register-built memories are counted exactly */
            gsl_vector_set(yl, (size_t)r, (double)(rows[i].lut - rows[i].lutram));
            gsl_vector_set(yf, (size_t)r, (double)(rows[i].ff - ur.mem_ff));
            r++;
        }
        rc = wls(x, yl, cl, e) || wls(x, yf, cf, e);
        for (int k = 0; k < RF__COUNT && !rc; k++) {
            out->lut[fam][k] = gsl_vector_get(cl, (size_t)k);
            out->ff[fam][k] = gsl_vector_get(cf, (size_t)k);
        }
        out->have[fam] = !rc;
        gsl_matrix_free(x);
        gsl_vector_free(yl);
        gsl_vector_free(yf);
        gsl_vector_free(cl);
        gsl_vector_free(cf);
        if (rc)
            return -1;
    }
    return 0;
}

/* ---- report ---- */

typedef struct score {
    double ape[4]; /* dsp, bram, lut, ff: sums of absolute percentage errors */
    int exact[2];  /* dsp, bram */
    int n;
} score;

double calibrate_ape(double pred, double actual)
{
    if (actual == 0)
        return pred == 0 ? 0 : 100; /* a resource predicted where yosys used none is all wrong */
    return 100.0 * fabs(pred - actual) / actual;
}

static void score_add(score *s, const double pred[4], const synth_row *r)
{
    double act[4] = {r->dsp, r->bram18, (double)r->lut, (double)r->ff};
    for (int k = 0; k < 4; k++)
        s->ape[k] += calibrate_ape(pred[k], act[k]);
    s->exact[0] += pred[0] == r->dsp;
    s->exact[1] += pred[1] == r->bram18;
    s->n++;
}

static json_t *score_json(const score *s)
{
    int n = s->n > 0 ? s->n : 1;
    char de[32], be[32];
    snprintf(de, sizeof de, "%d/%d", s->exact[0], s->n);
    snprintf(be, sizeof be, "%d/%d", s->exact[1], s->n);
    return json_pack("{s:f,s:f,s:f,s:f,s:s,s:s,s:i}", "dsp_mape", s->ape[0] / n, "bram_mape", s->ape[1] / n,
                     "lut_mape", s->ape[2] / n, "ff_mape", s->ape[3] / n, "dsp_exact", de, "bram_exact", be, "rows",
                     s->n);
}

/* The naive baseline: what a first model without synthesis data would say. */
typedef struct baseline {
    double lut_per_lane_bit[2], ff_per_lane_bit[2];
} baseline;

static void baseline_fit(const synth_row *rows, int n, const bool *held, baseline *b)
{
    for (int fam = 0; fam < 2; fam++) {
        /* one coefficient, weighted by 1/y^2: c = sum(x/y) / sum(x^2/y^2) */
        double nl = 0, dl = 0, nf = 0, df = 0;
        for (int i = 0; i < n; i++) {
            if ((int)rows[i].fam != fam || held[i])
                continue;
            double x = lanes_bits(&rows[i].u), yl = (double)rows[i].lut, yf = (double)rows[i].ff;
            nl += x / yl;
            dl += x * x / (yl * yl);
            nf += x / yf;
            df += x * x / (yf * yf);
        }
        b->lut_per_lane_bit[fam] = dl > 0 ? nl / dl : 0;
        b->ff_per_lane_bit[fam] = df > 0 ? nf / df : 0;
    }
}

static void baseline_predict(const baseline *b, const synth_row *r, double pred[4])
{
    const rtl_unit *u = &r->u;
    int lanes = u->pe * (u->dw ? 1 : u->simd);
    pred[0] = lanes + u->pe; /* a DSP per lane, one per PE for BN */
    /* weights, the (K+1)-row line buffer: BRAM18 by aspect ratio, nothing to LUTRAM */
    long nf = u->cout / u->pe, cf = u->cin / (u->dw ? u->pe : u->simd);
    pred[1] = u->pe * bram18_blocks(u->simd * u->wbits, (uint64_t)(nf * u->k * u->k * (u->dw ? 1 : cf))) +
              (u->k > 1 ? bram18_blocks(u->cin * u->abits, (uint64_t)(u->k + 1) * (uint64_t)u->w) : 0);
    pred[2] = b->lut_per_lane_bit[r->fam] * lanes_bits(u);
    pred[3] = b->ff_per_lane_bit[r->fam] * lanes_bits(u);
}

void calibrate_predict(const resource_fit *fit, const synth_row *r, double pred[4])
{
    rtl_unit_res ur;
    rtl_unit_resources(&r->u, r->fam, &ur);
    long lut, ff;
    resource_fit_apply(fit, r->fam, &ur.x, &lut, &ff);
    pred[0] = ur.dsp;
    pred[1] = ur.bram18;
    pred[2] = (double)(lut + ur.lutram);
    pred[3] = (double)(ff + ur.mem_ff);
}

json_t *calibrate_report(const synth_row *rows, int n, const bool *held, const resource_fit *fit)
{
    baseline b;
    baseline_fit(rows, n, held, &b);
    score model, base, fam_model[2], fam_base[2];
    memset(&model, 0, sizeof model);
    memset(&base, 0, sizeof base);
    memset(fam_model, 0, sizeof fam_model);
    memset(fam_base, 0, sizeof fam_base);
    json_t *list = json_array();
    for (int i = 0; i < n; i++) {
        if (!held[i])
            continue;
        const synth_row *r = &rows[i];
        double pm[4], pb[4];
        calibrate_predict(fit, r, pm);
        baseline_predict(&b, r, pb);
        score_add(&model, pm, r);
        score_add(&base, pb, r);
        score_add(&fam_model[r->fam], pm, r);
        score_add(&fam_base[r->fam], pb, r);
        const rtl_unit *u = &r->u;
        char cfg[160];
        snprintf(cfg, sizeof cfg, "%s PE=%d SIMD=%d W%dA%d K=%d MODE=%d PACK=%d CIN=%d COUT=%d H=%d W=%d S=%d DW=%d",
                 r->fam == XFAM_XC7 ? "xc7" : "xcup", u->pe, u->simd, u->wbits, u->abits, u->k, u->mode, u->pack,
                 u->cin, u->cout, u->h, u->w, u->stride, u->dw);
        json_array_append_new(list, json_pack("{s:i,s:s,s:[i,i],s:[i,i],s:[I,I],s:[I,I]}", "line", r->line, "config",
                                              cfg, "dsp", (int)pm[0], r->dsp, "bram18", (int)pm[1], r->bram18, "lut",
                                              (json_int_t)pm[2], (json_int_t)r->lut, "ff", (json_int_t)pm[3],
                                              (json_int_t)r->ff));
    }
    json_t *j = score_json(&model);
    json_object_set_new(j, "baseline", score_json(&base));
    json_t *fams = json_object();
    for (int fam = 0; fam < 2; fam++) {
        if (!fam_model[fam].n)
            continue;
        json_t *f = score_json(&fam_model[fam]);
        json_object_set_new(f, "baseline", score_json(&fam_base[fam]));
        json_object_set_new(fams, fam == XFAM_XC7 ? "xc7" : "xcup", f);
    }
    json_object_set_new(j, "families", fams);
    json_object_set_new(j, "heldout", list);
    return j;
}
