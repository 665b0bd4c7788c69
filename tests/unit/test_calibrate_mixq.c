/* test_calibrate_mixq.c: the mixq-hls operator model against the vendor data set (issue 13):
 * the loader, the split, the fit (a planted model is recovered; a refit reproduces the committed
 * coefficients), the held-out report against the baseline, and coefficient-file errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <math.h>

#include "resources/calibrate.h"
#include "resources/calibrate_mixq.h"
#include "test_util.h"

static const char HEADER[] = "id\topt_type\tno\tk\tin_w\tin_h\tin_ch\tout_ch\tin_bit\tw_bit\tout_bit\tin_pe\tsimd\tpe\t"
                             "actp\tkp\tnp\tguard_bit\tinc_bit\tbias_bit\tl_shift\tkpf\tmax_pool\tt_mul\tpack_flag\t"
                             "lut\tff\tdsp\tbram\tsrl\tslice\ttarget_period_ns\tachieved_period_ns\n";
/* data row 0 of the set */
static const char ROW0[] = "0\tFP_Opt\t0\t3\t40\t20\t64\t64\t5\t3\t6\t2\t4\t16\t2\t3\t2\t2\t17\t22\t8\t1\t1\t6.0\t0\t"
                           "12370\t10786\t69\t47\t4\t0\t4.0\t3.504\n";

static int load(mixq_row **rows, int *n)
{
    char path[1024];
    tf_err e;
    mixq_data_default(path, sizeof path);
    if (access(path, R_OK) != 0)
        return -1;
    if (mixq_rows_load(path, rows, n, &e))
        fail_msg("%s", e.msg);
    return 0;
}

/* The data set, the split of it and the fit on its training rows; -1 without the data. */
static int load_split_fit(mixq_row **rows, int *n, bool **held, mixq_fit *fit)
{
    tf_err e;
    if (load(rows, n))
        return -1;
    *held = calloc((size_t)*n, 1);
    mixq_split(*rows, *n, CALIB_SEED, *held);
    if (mixq_calibrate_fit(*rows, *n, *held, fit, &e))
        fail_msg("%s", e.msg);
    return 0;
}

static void expect_tsv_error(const char *text, const char *want)
{
    char buf[64];
    mixq_row *rows;
    int n;
    tf_err e;
    const char *p = write_temp(buf, sizeof buf, ".tsv", text);
    assert_int_equal(mixq_rows_load(p, &rows, &n, &e), -1);
    if (!strstr(e.msg, want))
        fail_msg("want '%s' in '%s'", want, e.msg);
    unlink(p);
}

static void test_tsv_errors(void **state)
{
    (void)state;
    char t[2048];
    expect_tsv_error("id\topt_type\n0\tFP_Opt\n", ":1: header has no column 'k'");
    snprintf(t, sizeof t, "%s%s", HEADER, ROW0);
    char *bad = strdup(t);
    *strstr(bad, "FP_Opt") = 'X'; /* XP_Opt */
    expect_tsv_error(bad, ":2: column opt_type: must be FP_Opt or KP_Opt");
    free(bad);
    snprintf(t, sizeof t, "%s%s", HEADER, ROW0);
    bad = strdup(t);
    memcpy(strstr(bad, "12370"), "1x370", 5);
    expect_tsv_error(bad, ":2: column lut: must be a whole number");
    free(bad);
    /* SIMD 5 does not divide 64 channels */
    snprintf(t, sizeof t, "%s%s", HEADER, ROW0);
    bad = strdup(t);
    char *simd = strstr(bad, "\t2\t4\t16\t") + 3; /* in_pe 2, simd 4, pe 16 */
    *simd = '5';
    expect_tsv_error(bad, ":2: not an operator GEN builds");
    free(bad);
    mixq_row *rows;
    int n;
    tf_err e;
    assert_int_equal(mixq_rows_load("/nonexistent/operators.tsv", &rows, &n, &e), -1);
    assert_non_null(strstr(e.msg, "cannot open"));
}

/* Row 0 as the structure sees it: GEN's template sizes worked by hand. */
static void test_structure_row0(void **state)
{
    (void)state;
    char buf[64], t[2048];
    snprintf(t, sizeof t, "%s%s", HEADER, ROW0);
    const char *p = write_temp(buf, sizeof buf, ".tsv", t);
    mixq_row *rows;
    int n;
    tf_err e;
    if (mixq_rows_load(p, &rows, &n, &e))
        fail_msg("%s", e.msg);
    unlink(p);
    mixq_op_res r;
    mixq_fit rule = {.rom_min_depth = 16, .rom_min_bits = 1024};
    mixq_op_eval(&rows[0].op, DSP48E2, &rule, &r);
    /* 4 x 16 x 1 packed products; ACTP 2 BN units (M_BIT 5+3+ceil(log2 576)=18 x INC 17: one DSP each) */
    assert_int_equal(r.array_dsp, 64);
    assert_int_equal(r.bn_dsp, 2);
    assert_int_equal(mixq_op_m_bits(&rows[0].op), 18);
    /* line buffer: SIMD 4 >= IN_PE 2: 2 banks of 2*5*2 = 20 bits x 4 rows x ROW_LEN 21 x 64/4 = 1344
     * words -> 2 x bram18(20 x 1344): three 2048 x 9 columns each */
    assert_int_equal(r.lb_bram, 6);
    /* weights: 16 ROMs of 3*3*1*4 = 36 bits x (64/16)*(3*64/4) = 192 words -> 16 x 1 BRAM18;
     * inc/bias 2 x 32 words: LUTs */
    assert_int_equal(r.rom_bram, 16);
    /* pool: conv_out FIFO 2*16*6 = 192 bits x ceil(40*64/16) = 160 words -> 6 BRAM18 (512 x 36);
     * row store 96 bits x 20*4 = 80 words -> 3; the array's output stream Np 2 x OCH_PF 16 x M_BIT
     * 18 = 576 bits, over the 512 kept in SRLs -> 576 / 36 = 16 BRAM18; the line buffer's output
     * (2*4*5 = 40), the down-size converter's (2*18) and the BN stage's (2*6) stay in SRLs */
    assert_int_equal(r.fifo_bram, 6 + 3 + 16);
    assert_int_equal(r.bram18, 6 + 16 + 25);
    assert_int_equal(r.bram18, rows[0].bram); /* Vivado's count for this operator */
    free(rows);
}

static void test_split(void **state)
{
    (void)state;
    mixq_row *rows;
    int n;
    if (load(&rows, &n))
        skip();
    bool *a = calloc((size_t)n, 1), *b = calloc((size_t)n, 1), *c = calloc((size_t)n, 1);
    mixq_split(rows, n, CALIB_SEED, a);
    mixq_split(rows, n, CALIB_SEED, b);
    mixq_split(rows, n, CALIB_SEED + 1, c);
    int differ = 0, held[2] = {0}, all[2] = {0};
    for (int i = 0; i < n; i++) {
        assert_int_equal(a[i], b[i]);
        differ += a[i] != c[i];
        held[rows[i].op.kp_mode] += a[i];
        all[rows[i].op.kp_mode]++;
    }
    assert_true(differ > 0);
    for (int k = 0; k < 2; k++)
        assert_int_equal(held[k], (int)floor(CALIB_HOLDOUT * all[k] + 0.5));
    free(a);
    free(b);
    free(c);
    free(rows);
}

/* LUT and FF made from planted coefficients on the features come back from the fit. */
static void test_fit_recovers_plant(void **state)
{
    (void)state;
    mixq_row *rows;
    int n;
    bool *held;
    mixq_fit probe; /* for the ROM rule only */
    tf_err e;
    if (load_split_fit(&rows, &n, &held, &probe))
        skip();
    unsigned long long mask = mixq_target_features(MQT_LUT);
    for (int i = 0; i < n; i++) {
        mixq_op_res r;
        mixq_op_eval(&rows[i].op, DSP48E2, &probe, &r);
        double l = 0;
        for (int k = 0; k < MQF__COUNT; k++)
            if (mask & (1ull << k))
                l += (k + 1) * 0.5 * r.x[k];
        rows[i].lut = lround(l + 1000);
    }
    mixq_fit fit;
    if (mixq_calibrate_fit(rows, n, held, &fit, &e))
        fail_msg("%s", e.msg);
    json_t *rep = mixq_calibrate_report(rows, n, held, &fit, &e);
    assert_non_null(rep);
    assert_true(json_real_value(json_object_get(rep, "lut_mape")) < 0.5);
    json_decref(rep);
    free(held);
    free(rows);
}

/* The committed coefficients are what `tf2sim calibrate --target mixq-hls --fit` gives, and the
 * held-out report beats the baseline on every quantity. */
static void test_fit_reproducible_and_report(void **state)
{
    (void)state;
    mixq_row *rows;
    int n;
    bool *held;
    mixq_fit fresh;
    tf_err e;
    if (load_split_fit(&rows, &n, &held, &fresh))
        skip();
    const mixq_fit *committed = mixq_fit_default(&e);
    if (!committed)
        fail_msg("%s", e.msg);
    assert_int_equal(fresh.rom_min_depth, committed->rom_min_depth);
    assert_int_equal(fresh.rom_min_bits, committed->rom_min_bits);
    for (int t = 0; t < MQT__COUNT; t++)
        for (int k = 0; k < MQF__COUNT; k++) {
            double a = fresh.c[t][k], b = committed->c[t][k];
            if (fabs(a - b) > 1e-5 * (fabs(a) + 1e-3))
                fail_msg("%s %s: fit %.9g, file %.9g (run tf2sim calibrate --target mixq-hls --fit)",
                         mixq_target_name((mixq_target)t), mixq_feature_name((mixq_feature)k), a, b);
        }
    json_t *rep = mixq_calibrate_report(rows, n, held, committed, &e);
    assert_non_null(rep);
    json_t *base = json_object_get(rep, "baseline");
    static const char *const KEYS[] = {"dsp_mape", "bram_mape", "lut_mape", "ff_mape", "period_mae_ns"};
    for (size_t k = 0; k < sizeof KEYS / sizeof *KEYS; k++) {
        double m = json_real_value(json_object_get(rep, KEYS[k])), b = json_real_value(json_object_get(base, KEYS[k]));
        if (!(m < b))
            fail_msg("%s: model %.3f, baseline %.3f", KEYS[k], m, b);
    }
    assert_int_equal(json_integer_value(json_object_get(rep, "rows")), 201);
    json_decref(rep);
    free(held);
    free(rows);
}

static void expect_fit_error(const char *text, const char *want)
{
    mixq_fit f;
    tf_err e;
    assert_int_equal(mixq_fit_parse(&f, "mixq_fit.json", text, &e), -1);
    if (!strstr(e.msg, want))
        fail_msg("want '%s' in '%s'", want, e.msg);
    assert_null(strchr(e.msg, '\n'));
}

static void test_fit_file_errors(void **state)
{
    (void)state;
    expect_fit_error("{\"coefficents\": {}}", "coefficents");
    expect_fit_error("{\"coefficients\": {}}", "rom_bram");
    expect_fit_error("{\"rom_bram\": {\"min_depth\": -1, \"min_bits\": 0}, \"coefficients\": {}}",
                     "mixq_fit.json:1:");
    expect_fit_error("{\"rom_bram\": {\"min_depth\": 16, \"min_bits\": 1024}, \"coefficients\": {\"lut\": {}}}",
                     "coefficients.dsp_extra");
    expect_fit_error("{\"rom_bram\": {\"min_depth\": 16, \"min_bits\": 1024}, \"coefficients\": "
                     "{\"dsp_extra\": {\"one\": \"x\"}}}",
                     "one");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_tsv_errors),         cmocka_unit_test(test_structure_row0),
        cmocka_unit_test(test_split),              cmocka_unit_test(test_fit_recovers_plant),
        cmocka_unit_test(test_fit_reproducible_and_report), cmocka_unit_test(test_fit_file_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
