/* calibrate_mixq.c: the vendor data set of MixQ operators, the fits and the held-out report. */
#include "calibrate_mixq.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>

#include "calibrate.h"

/* ---- the TSV ---- */

enum { T_ID, T_TYPE, T_K, T_IN_W, T_IN_H, T_IN_CH, T_OUT_CH, T_IN_BIT, T_W_BIT, T_OUT_BIT, T_IN_PE, T_SIMD, T_PE,
       T_ACTP, T_KP, T_NP, T_GB, T_INC, T_BIAS, T_KPF, T_POOL, T_TMUL, T_PACK, T_LUT, T_FF, T_DSP, T_BRAM, T_SRL,
       T_PERIOD, T__COUNT };
static const char *const TCOL[T__COUNT] = {
    "id", "opt_type", "k", "in_w", "in_h", "in_ch", "out_ch", "in_bit", "w_bit", "out_bit", "in_pe", "simd", "pe",
    "actp", "kp", "np", "guard_bit", "inc_bit", "bias_bit", "kpf", "max_pool", "t_mul", "pack_flag", "lut", "ff",
    "dsp", "bram", "srl", "achieved_period_ns"};

static int num(const char *s, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return errno || end == s || *end || !(*out >= lo && *out <= hi) ? -1 : 0;
}

static int row_from(char **f, const int *col, mixq_row *r, const char *tsv, int line, tf_err *e)
{
    double v[T__COUNT];
    for (int c = 0; c < T__COUNT; c++) {
        if (c == T_TYPE)
            continue;
        double lo = c == T_GB ? -8 : 0, hi = 1e8;
        if (num(f[col[c]], lo, hi, &v[c]) || (c != T_PERIOD && c != T_TMUL && v[c] != floor(v[c])))
            return tf_errf(e, "%s:%d: column %s: must be a %s %g..%g (got '%s')", tsv, line, TCOL[c],
                           c == T_PERIOD || c == T_TMUL ? "number" : "whole number", lo, hi, f[col[c]]);
    }
    const char *t = f[col[T_TYPE]];
    if (strcmp(t, "FP_Opt") && strcmp(t, "KP_Opt"))
        return tf_errf(e, "%s:%d: column opt_type: must be FP_Opt or KP_Opt (got '%s')", tsv, line, t);
    mixq_op *o = &r->op;
    *o = (mixq_op){.kp_mode = t[0] == 'K', .k = (int)v[T_K], .in_w = (int)v[T_IN_W], .in_h = (int)v[T_IN_H],
                   .in_ch = (int)v[T_IN_CH], .out_ch = (int)v[T_OUT_CH], .in_bit = (int)v[T_IN_BIT],
                   .w_bit = (int)v[T_W_BIT], .out_bit = (int)v[T_OUT_BIT], .in_pe = (int)v[T_IN_PE],
                   .simd = (int)v[T_SIMD], .pe = (int)v[T_PE], .actp = (int)v[T_ACTP], .kp = (int)v[T_KP],
                   .np = (int)v[T_NP], .guard_bits = (int)v[T_GB], .kpf = (int)v[T_KPF], .inc_bits = (int)v[T_INC],
                   .bias_bits = (int)v[T_BIAS], .pool = v[T_POOL] != 0, .sampled = true};
    int opf = o->kp_mode ? o->pe * o->kp : o->pe;
    if (o->k < 1 || o->in_w < o->k || o->in_h < 1 || o->in_ch < 1 || o->out_ch < 1 || o->in_bit < 1 || o->w_bit < 1 ||
        o->out_bit < 1 || o->in_pe < 1 || o->simd < 1 || o->pe < 1 || o->actp < 1 || o->kp < 1 || o->np < 1 ||
        o->kpf < 1 || o->inc_bits < 1 || o->bias_bits < 1 || o->in_ch % o->simd || o->out_ch % opf || opf % o->actp ||
        (o->kpf != 1 && o->kpf != o->k))
        return tf_errf(e, "%s:%d: not an operator GEN builds (sizes >= 1, SIMD | in_ch, OCH_PF | out_ch, ACTP | OCH_PF, "
                          "kpf 1 or K)", tsv, line);
    r->id = (int)v[T_ID];
    r->line = line;
    r->lut = (long)v[T_LUT];
    r->ff = (long)v[T_FF];
    r->dsp = (int)v[T_DSP];
    r->bram = (int)v[T_BRAM];
    r->srl = (int)v[T_SRL];
    r->period_ns = v[T_PERIOD];
    r->t_mul = v[T_TMUL];
    r->pack_flag = (int)v[T_PACK];
    return 0;
}

static int mixq_row_parse(char **f, const int *col, void *row, const char *path, int line, tf_err *e)
{
    return row_from(f, col, row, path, line, e);
}

int mixq_rows_load(const char *tsv, mixq_row **rows, int *n, tf_err *e)
{
    calib_table t = {.path = tsv, .sep = '\t', .cols = TCOL, .ncols = T__COUNT,
                     .source = "the MixQ vendor data set, FORMAT.md beside it; or pass --data",
                     .row_size = sizeof **rows, .parse = mixq_row_parse};
    void *r;
    int rc = calibrate_load_table(&t, &r, n, e);
    *rows = r;
    return rc;
}

void mixq_data_default(char *buf, size_t cap)
{
    const char *s = getenv("TF2SIM_SHARED");
    snprintf(buf, cap, "%s/%s", s && *s ? s : TF2SIM_SHARED_DIR, MIXQ_DATA_FILE);
}

void mixq_split(const mixq_row *rows, int n, unsigned seed, bool *held)
{
    int *group = malloc(sizeof(int) * (size_t)(n > 0 ? n : 1));
    if (!group) {
        memset(held, 0, sizeof *held * (size_t)n);
        return;
    }
    for (int i = 0; i < n; i++)
        group[i] = rows[i].op.kp_mode;
    calibrate_split_groups(group, n, seed, CALIB_HOLDOUT, held);
    free(group);
}

/* ---- fit ---- */

#define IRLS_ITERS 20
/* residuals below these weigh the same (keeps the weights finite) */
#define IRLS_FLOOR_NS 0.02
#define IRLS_FLOOR_REL 0.005

static double actual(const mixq_row *r, mixq_target t)
{
    switch (t) {
    case MQT_DSP: return r->dsp;
    case MQT_BRAM: return r->bram;
    case MQT_LUT: return (double)r->lut;
    case MQT_FF: return (double)r->ff;
    default: return r->period_ns;
    }
}

/* ROM binding rule: the (depth, bits) thresholds whose structural BRAM18 is closest to the
 * training rows' (mean abs. % error), from a small grid of powers of two. */
static void fit_rom_rule(const mixq_row *rows, int n, const bool *held, mixq_fit *f)
{
    static const int DEPTH[] = {0, 16, 32, 64, 128};
    static const int BITS[] = {0, 512, 1024, 2048, 4096, 8192};
    double best = INFINITY;
    for (size_t i = 0; i < sizeof DEPTH / sizeof *DEPTH; i++)
        for (size_t j = 0; j < sizeof BITS / sizeof *BITS; j++) {
            mixq_fit t = {.rom_min_depth = DEPTH[i], .rom_min_bits = BITS[j]};
            double s = 0;
            for (int k = 0; k < n; k++) {
                if (held[k])
                    continue;
                mixq_op_res r;
                mixq_op_eval(&rows[k].op, DSP48E2, &t, &r);
                s += calibrate_ape(r.bram18, rows[k].bram);
            }
            if (s < best) {
                best = s;
                f->rom_min_depth = DEPTH[i];
                f->rom_min_bits = BITS[j];
            }
        }
}

int mixq_calibrate_fit(const mixq_row *rows, int n, const bool *held, mixq_fit *out, tf_err *e)
{
    memset(out, 0, sizeof *out);
    int m = 0;
    for (int i = 0; i < n; i++)
        m += !held[i];
    if (m < MQF__COUNT)
        return tf_errf(e, "calibrate: %d training rows, need at least %d (one per feature)", m, MQF__COUNT);
    fit_rom_rule(rows, n, held, out);
    mixq_op_res *res = malloc(sizeof *res * (size_t)n);
    if (!res)
        return tf_errf(e, "out of memory");
    for (int i = 0; i < n; i++)
        mixq_op_eval(&rows[i].op, DSP48E2, out, &res[i]);
    int rc = 0;
    for (int t = 0; t < MQT__COUNT && !rc; t++) {
        unsigned long long mask = mixq_target_features((mixq_target)t);
        int p = 0, map[MQF__COUNT];
        for (int k = 0; k < MQF__COUNT; k++)
            if (mask & (1ull << k))
                map[p++] = k;
        gsl_matrix *x = gsl_matrix_alloc((size_t)m, (size_t)p);
        gsl_vector *y = gsl_vector_alloc((size_t)m), *w = gsl_vector_alloc((size_t)m), *c = gsl_vector_alloc((size_t)p);
        double *scale = malloc(sizeof(double) * (size_t)m);
        if (!x || !y || !w || !c || !scale) {
            rc = tf_errf(e, "out of memory");
        } else {
            int r = 0;
            for (int i = 0; i < n; i++) {
                if (held[i])
                    continue;
                for (int k = 0; k < p; k++)
                    gsl_matrix_set(x, (size_t)r, (size_t)k, res[i].x[map[k]]);
                double a = actual(&rows[i], (mixq_target)t), yv = a;
                /* DSP and BRAM: the fit explains what structure leaves over */
                if (t == MQT_DSP)
                    yv = a - res[i].array_dsp - res[i].bn_dsp;
                else if (t == MQT_BRAM)
                    yv = a - res[i].bram18;
                gsl_vector_set(y, (size_t)r, yv);
                scale[r] = t == MQT_PERIOD ? 1.0 : (a > 1 ? a : 1.0);
                gsl_vector_set(w, (size_t)r, 1.0 / (scale[r] * scale[r]));
                r++;
            }
            rc = calibrate_lsq(x, y, w, c, e);
            /* The report scores mean absolute (percentage) errors: iteratively reweighted least
             * squares, weights 1/(scale*|residual|), turns the fit into a least-absolute-deviation
             * one (relative for the resources, in ns for the period), so a few outliers (operators
             * far past timing, Kp = 1 arrays half in LUTs) do not pull the line. */
            for (int it = 0; it < IRLS_ITERS && !rc; it++) {
                for (int i = 0; i < m; i++) {
                    double f = 0;
                    for (int k = 0; k < p; k++)
                        f += gsl_matrix_get(x, (size_t)i, (size_t)k) * gsl_vector_get(c, (size_t)k);
                    double dev = fabs(f - gsl_vector_get(y, (size_t)i)) / scale[i];
                    double fl = t == MQT_PERIOD ? IRLS_FLOOR_NS : IRLS_FLOOR_REL;
                    gsl_vector_set(w, (size_t)i, 1.0 / (scale[i] * scale[i] * (dev > fl ? dev : fl)));
                }
                rc = calibrate_lsq(x, y, w, c, e);
            }
            for (int k = 0; k < p && !rc; k++)
                out->c[t][map[k]] = gsl_vector_get(c, (size_t)k);
        }
        gsl_matrix_free(x);
        gsl_vector_free(y);
        gsl_vector_free(w);
        gsl_vector_free(c);
        free(scale);
    }
    free(res);
    return rc;
}

/* ---- the baseline: OLS on the raw config fields, one line per quantity ---- */

#define BASE_N 23
static void base_x(const mixq_row *r, double *x)
{
    const mixq_op *o = &r->op;
    double v[BASE_N] = {1,        o->kp_mode, o->k,     o->in_w,      o->in_h,     o->in_ch,     o->out_ch,    o->in_bit,
                        o->w_bit, o->out_bit, o->in_pe, o->simd,      o->pe,       o->actp,      o->kp,        o->np,
                        o->guard_bits, o->inc_bits, o->bias_bits, o->kpf, o->pool, r->t_mul, r->pack_flag};
    memcpy(x, v, sizeof v);
}

static int baseline_fit(const mixq_row *rows, int n, const bool *held, double c[MQT__COUNT][BASE_N], tf_err *e)
{
    int m = 0;
    for (int i = 0; i < n; i++)
        m += !held[i];
    gsl_matrix *x = gsl_matrix_alloc((size_t)m, BASE_N);
    gsl_vector *y = gsl_vector_alloc((size_t)m), *w = gsl_vector_alloc((size_t)m), *cv = gsl_vector_alloc(BASE_N);
    int rc = 0;
    if (!x || !y || !w || !cv)
        rc = tf_errf(e, "out of memory");
    for (int t = 0; t < MQT__COUNT && !rc; t++) {
        int r = 0;
        for (int i = 0; i < n; i++) {
            if (held[i])
                continue;
            double bx[BASE_N];
            base_x(&rows[i], bx);
            for (int k = 0; k < BASE_N; k++)
                gsl_matrix_set(x, (size_t)r, (size_t)k, bx[k]);
            gsl_vector_set(y, (size_t)r, actual(&rows[i], (mixq_target)t));
            gsl_vector_set(w, (size_t)r, 1.0);
            r++;
        }
        rc = calibrate_lsq(x, y, w, cv, e);
        for (int k = 0; k < BASE_N && !rc; k++)
            c[t][k] = gsl_vector_get(cv, (size_t)k);
    }
    gsl_matrix_free(x);
    gsl_vector_free(y);
    gsl_vector_free(w);
    gsl_vector_free(cv);
    return rc;
}

/* ---- report ---- */

typedef struct mscore {
    double ape[4], period_abs;
    int exact[2], n;
} mscore;

static void mscore_add(mscore *s, const double p[MQT__COUNT], const mixq_row *r)
{
    for (int t = 0; t < 4; t++)
        s->ape[t] += calibrate_ape(p[t], actual(r, (mixq_target)t));
    s->period_abs += fabs(p[MQT_PERIOD] - r->period_ns);
    s->exact[0] += p[MQT_DSP] == r->dsp;
    s->exact[1] += p[MQT_BRAM] == r->bram;
    s->n++;
}

static json_t *mscore_json(const mscore *s)
{
    int n = s->n > 0 ? s->n : 1;
    char de[32], be[32];
    snprintf(de, sizeof de, "%d/%d", s->exact[0], s->n);
    snprintf(be, sizeof be, "%d/%d", s->exact[1], s->n);
    return json_pack("{s:f,s:f,s:f,s:f,s:f,s:s,s:s,s:i}", "dsp_mape", s->ape[0] / n, "bram_mape", s->ape[1] / n,
                     "lut_mape", s->ape[2] / n, "ff_mape", s->ape[3] / n, "period_mae_ns", s->period_abs / n,
                     "dsp_exact", de, "bram_exact", be, "rows", s->n);
}

static void model_predict(const mixq_fit *fit, const mixq_row *r, double p[MQT__COUNT])
{
    mixq_op_res res;
    mixq_op_eval(&r->op, DSP48E2, fit, &res);
    p[MQT_DSP] = res.dsp;
    p[MQT_BRAM] = res.bram18_fit;
    p[MQT_LUT] = (double)res.lut;
    p[MQT_FF] = (double)res.ff;
    p[MQT_PERIOD] = res.period_ns;
}

json_t *mixq_calibrate_report(const mixq_row *rows, int n, const bool *held, const mixq_fit *fit, tf_err *e)
{
    double bc[MQT__COUNT][BASE_N];
    if (baseline_fit(rows, n, held, bc, e))
        return NULL;
    mscore model, base, kind_model[2], kind_base[2];
    memset(&model, 0, sizeof model);
    memset(&base, 0, sizeof base);
    memset(kind_model, 0, sizeof kind_model);
    memset(kind_base, 0, sizeof kind_base);
    json_t *list = json_array();
    for (int i = 0; i < n; i++) {
        if (!held[i])
            continue;
        const mixq_row *r = &rows[i];
        double pm[MQT__COUNT], pb[MQT__COUNT] = {0}, bx[BASE_N];
        model_predict(fit, r, pm);
        base_x(r, bx);
        for (int t = 0; t < MQT__COUNT; t++) {
            for (int k = 0; k < BASE_N; k++)
                pb[t] += bc[t][k] * bx[k];
            if (t != MQT_PERIOD) /* resources are whole numbers */
                pb[t] = pb[t] > 0 ? round(pb[t]) : 0;
        }
        mscore_add(&model, pm, r);
        mscore_add(&base, pb, r);
        mscore_add(&kind_model[r->op.kp_mode], pm, r);
        mscore_add(&kind_base[r->op.kp_mode], pb, r);
        json_array_append_new(list, json_pack("{s:i,s:i,s:[i,i],s:[i,i],s:[I,I],s:[I,I],s:[f,f]}", "id", r->id, "line",
                                              r->line, "dsp", (int)pm[MQT_DSP], r->dsp, "bram18", (int)pm[MQT_BRAM],
                                              r->bram, "lut", (json_int_t)pm[MQT_LUT], (json_int_t)r->lut, "ff",
                                              (json_int_t)pm[MQT_FF], (json_int_t)r->ff, "period_ns",
                                              round(pm[MQT_PERIOD] * 1000) / 1000, r->period_ns));
    }
    json_t *j = mscore_json(&model);
    json_object_set_new(j, "baseline", mscore_json(&base));
    json_t *kinds = json_object();
    for (int k = 0; k < 2; k++) {
        if (!kind_model[k].n)
            continue;
        json_t *s = mscore_json(&kind_model[k]);
        json_object_set_new(s, "baseline", mscore_json(&kind_base[k]));
        json_object_set_new(kinds, k ? "KP_Opt" : "FP_Opt", s);
    }
    json_object_set_new(j, "kinds", kinds);
    json_object_set_new(j, "heldout", list);
    return j;
}

json_t *mixq_calibrate_run(const char *data, const char *coeffs, unsigned seed, bool do_fit, tf_err *e)
{
    mixq_row *rows;
    int n;
    if (mixq_rows_load(data, &rows, &n, e))
        return NULL;
    bool *held = calloc((size_t)n, sizeof *held);
    json_t *rep = NULL;
    if (!held) {
        tf_errf(e, "out of memory");
        goto out;
    }
    mixq_split(rows, n, seed, held);
    mixq_fit fit;
    if (do_fit) {
        if (mixq_calibrate_fit(rows, n, held, &fit, e))
            goto out;
        int ntrain = 0;
        for (int i = 0; i < n; i++)
            ntrain += !held[i];
        const char *base = strrchr(data, '/');
        json_t *meta = json_pack(
            "{s:s,s:s,s:{s:I,s:f},s:i,s:s}", "comment",
            "mixq-hls operator model (dse/resources/mixq_op.c): fitted by `tf2sim calibrate --target mixq-hls --fit` "
            "to the vendor synthesis of GEN's operators (../shared/data/mixq-vivado, 800 rows: Vivado HLS + Vivado "
            "synthesis, xczu3eg-sbva484-1-e, 4 ns, BRAM counted in BRAM18); do not edit by hand",
            "data", base ? base + 1 : data, "holdout", "seed", (json_int_t)seed, "fraction", CALIB_HOLDOUT,
            "train_rows", ntrain, "fitted_with",
            "gsl_multifit_wlinear_tsvd, reweighted 20 times to least absolute (relative for dsp/bram/lut/ff) deviations");
        json_t *j = mixq_fit_to_json(&fit, meta);
        int bad = json_dump_file(j, coeffs, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(6));
        json_decref(j);
        if (bad) {
            tf_errf(e, "calibrate: cannot write %s", coeffs);
            goto out;
        }
        fprintf(stderr, "calibrate: fitted on %d of %d rows, wrote %s\n", ntrain, n, coeffs);
    }
    if (mixq_fit_load(&fit, coeffs, e))
        goto out;
    rep = mixq_calibrate_report(rows, n, held, &fit, e);
    if (rep) {
        json_object_set_new(rep, "target", json_string("mixq-hls"));
        json_object_set_new(rep, "data", json_string(data));
        json_object_set_new(rep, "coeffs", json_string(coeffs));
        json_object_set_new(rep, "seed", json_integer((json_int_t)seed));
        json_object_set_new(rep, "dataset_rows", json_integer(n));
    }
out:
    free(held);
    free(rows);
    return rep;
}
