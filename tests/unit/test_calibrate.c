/* test_calibrate.c: the yosys data set, the held-out split, the GSL fit, and the model's
 * held-out accuracy on our RTL (issue: DSP and BRAM exact, LUT and FF within 15%). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>

#include "resources/calibrate.h"
#include "net/config_path.h"
#include "test_util.h"

static const char HEADER[] =
    "family,pe,simd,wbits,abits,k,mode,pack,cin,cout,h,w,stride,dw,obit,shift,dsp,bram18,uram,lut,lutram,ff,carry,"
    "srl,cells,yosys,seconds\n";

static void load_real(synth_row **rows, int *n)
{
    char path[1024];
    tf_err e;
    snprintf(path, sizeof path, "%s/resources/yosys_rtl.csv", tf2sim_config_dir());
    if (synth_rows_load(path, rows, n, &e))
        fail_msg("%s", e.msg);
}

/* A data set of the header and one row must fail with `want` in the message. */
static void expect_csv_error(const char *row, const char *want)
{
    char buf[64], text[1024];
    synth_row *rows;
    int n;
    tf_err e;
    snprintf(text, sizeof text, "%s%s\n", row ? HEADER : "family,pe,simd\n", row ? row : "xcup,1,1");
    const char *p = write_temp(buf, sizeof buf, ".csv", text);
    assert_int_equal(synth_rows_load(p, &rows, &n, &e), -1);
    if (!strstr(e.msg, want))
        fail_msg("want '%s' in '%s'", want, e.msg);
    unlink(p);
}

/* The committed data set and the held-out split of it. */
static bool *load_split(synth_row **rows, int *n)
{
    load_real(rows, n);
    bool *held = calloc((size_t)*n, 1);
    calibrate_split(*rows, *n, CALIB_SEED, CALIB_HOLDOUT, held);
    return held;
}

static void test_csv_errors(void **state)
{
    (void)state;
    /* a column missing from the header */
    expect_csv_error(NULL, ":1: header has no column 'wbits'");
    /* a value that is not a number, with its line */
    expect_csv_error("xcup,2,4,4,4,3,0,0,32,32,32,32,1,0,4,15,16,10,0,x,12,807,231,0,2593,0.23,25.0",
                     ":2: column lut: must be a whole number");
    /* an unknown family */
    expect_csv_error("xc9,2,4,4,4,3,0,0,32,32,32,32,1,0,4,15,16,10,0,1,12,807,231,0,2593,0.23,25.0",
                     "column family: must be xcup or xc7");
    /* a unit the wrapper cannot build (SIMD 3 does not divide 32 channels) */
    expect_csv_error("xcup,2,3,4,4,3,0,0,32,32,32,32,1,0,4,15,16,10,0,1,12,807,231,0,2593,0.23,25.0", ":2: not a unit");
    synth_row *rows;
    int n;
    tf_err e;
    assert_int_equal(synth_rows_load("/nonexistent/yosys.csv", &rows, &n, &e), -1);
    assert_non_null(strstr(e.msg, "cannot open"));
}

static void test_split(void **state)
{
    (void)state;
    synth_row *rows;
    int n;
    load_real(&rows, &n);
    bool *a = calloc((size_t)n, 1), *b = calloc((size_t)n, 1), *c = calloc((size_t)n, 1);
    calibrate_split(rows, n, CALIB_SEED, CALIB_HOLDOUT, a);
    calibrate_split(rows, n, CALIB_SEED, CALIB_HOLDOUT, b);
    calibrate_split(rows, n, CALIB_SEED + 1, CALIB_HOLDOUT, c);
    int same = 1, differ = 0, held[2] = {0}, all[2] = {0};
    for (int i = 0; i < n; i++) {
        same &= a[i] == b[i];
        differ += a[i] != c[i];
        held[rows[i].fam] += a[i];
        all[rows[i].fam]++;
    }
    assert_true(same);       /* the seed fixes the split */
    assert_true(differ > 0); /* and another seed gives another */
    for (int f = 0; f < 2; f++) /* a quarter of each family, rounded */
        if (all[f])
            assert_int_equal(held[f], (int)floor(CALIB_HOLDOUT * all[f] + 0.5));
    free(a);
    free(b);
    free(c);
    free(rows);
}

/* The fit recovers coefficients that generated the data exactly. */
static void test_fit_recovers_plant(void **state)
{
    (void)state;
    synth_row *rows;
    int n;
    load_real(&rows, &n);
    double truth_l[RF__COUNT], truth_f[RF__COUNT];
    for (int k = 0; k < RF__COUNT; k++) {
        truth_l[k] = 3.0 + k;
        truth_f[k] = 1.5 * (k + 1);
    }
    for (int i = 0; i < n; i++) { /* replace yosys' counts by the planted model's */
        rtl_unit_res ur;
        rtl_unit_resources(&rows[i].u, rows[i].fam, &ur);
        double l = 0, f = 0;
        for (int k = 0; k < RF__COUNT; k++) {
            l += truth_l[k] * ur.x.x[k];
            f += truth_f[k] * ur.x.x[k];
        }
        rows[i].lut = lround(l) + ur.lutram;
        rows[i].lutram = ur.lutram;
        rows[i].ff = lround(f) + ur.mem_ff;
    }
    bool *held = calloc((size_t)n, 1);
    calibrate_split(rows, n, CALIB_SEED, CALIB_HOLDOUT, held);
    resource_fit fit;
    tf_err e;
    if (calibrate_fit(rows, n, held, &fit, &e))
        fail_msg("%s", e.msg);
    json_t *rep = calibrate_report(rows, n, held, &fit);
    /* rounding to whole LUTs is the only noise */
    assert_true(json_real_value(json_object_get(rep, "lut_mape")) < 0.1);
    assert_true(json_real_value(json_object_get(rep, "ff_mape")) < 0.1);
    json_decref(rep);
    free(held);
    free(rows);
}

/* The bar, on the committed data and coefficients. */
static void test_heldout_accuracy(void **state)
{
    (void)state;
    synth_row *rows;
    int n;
    bool *held = load_split(&rows, &n);
    tf_err e;
    const resource_fit *fit = resource_fit_default(&e);
    if (!fit)
        fail_msg("%s", e.msg);
    json_t *rep = calibrate_report(rows, n, held, fit);
    int nh = (int)json_integer_value(json_object_get(rep, "rows"));
    char all[32];
    snprintf(all, sizeof all, "%d/%d", nh, nh);
    assert_true(nh >= 20);
    assert_string_equal(json_string_value(json_object_get(rep, "dsp_exact")), all);
    assert_string_equal(json_string_value(json_object_get(rep, "bram_exact")), all);
    double lut = json_real_value(json_object_get(rep, "lut_mape"));
    double ff = json_real_value(json_object_get(rep, "ff_mape"));
    assert_true(lut <= 15.0);
    assert_true(ff <= 15.0);
    json_t *base = json_object_get(rep, "baseline");
    assert_true(lut < json_real_value(json_object_get(base, "lut_mape")));
    assert_true(ff < json_real_value(json_object_get(base, "ff_mape")));
    json_decref(rep);
    free(held);
    free(rows);
}

/* The committed coefficients are what `tf2sim calibrate --fit` gives on the committed data. */
static void test_fit_reproducible(void **state)
{
    (void)state;
    synth_row *rows;
    int n;
    bool *held = load_split(&rows, &n);
    resource_fit fresh;
    tf_err e;
    if (calibrate_fit(rows, n, held, &fresh, &e))
        fail_msg("%s", e.msg);
    const resource_fit *committed = resource_fit_default(&e);
    if (!committed)
        fail_msg("%s", e.msg);
    for (int f = 0; f < 2; f++) {
        assert_int_equal(fresh.have[f], committed->have[f]);
        for (int k = 0; k < RF__COUNT && fresh.have[f]; k++) {
            double tol = 1e-5 * (fabs(fresh.lut[f][k]) + 1e-3);
            if (fabs(fresh.lut[f][k] - committed->lut[f][k]) > tol)
                fail_msg("family %d lut %s: fit %.9g, file %.9g (run tf2sim calibrate --fit)", f,
                         res_feature_name((res_feature)k), fresh.lut[f][k], committed->lut[f][k]);
            tol = 1e-5 * (fabs(fresh.ff[f][k]) + 1e-3);
            if (fabs(fresh.ff[f][k] - committed->ff[f][k]) > tol)
                fail_msg("family %d ff %s: fit %.9g, file %.9g (run tf2sim calibrate --fit)", f,
                         res_feature_name((res_feature)k), fresh.ff[f][k], committed->ff[f][k]);
        }
    }
    free(held);
    free(rows);
}

static void test_fit_file_errors(void **state)
{
    (void)state;
    resource_fit f;
    tf_err e;
    assert_int_equal(resource_fit_parse(&f, "fit.json", "{\"families\": {\"xc9\": {}}}", &e), -1);
    assert_non_null(strstr(e.msg, "unknown family 'xc9'"));
    assert_int_equal(resource_fit_parse(&f, "fit.json", "{\"families\": {\"xcup\": {\"lut\": {\"unit\": 1}}}}", &e), -1);
    assert_non_null(strstr(e.msg, "fit.json:1:"));
    assert_int_equal(resource_fit_parse(&f, "fit.json", "{\"famlies\": {}}", &e), -1);
    assert_non_null(strstr(e.msg, "famlies"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_csv_errors),         cmocka_unit_test(test_split),
        cmocka_unit_test(test_fit_recovers_plant), cmocka_unit_test(test_heldout_accuracy),
        cmocka_unit_test(test_fit_reproducible),   cmocka_unit_test(test_fit_file_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
