/* test_export_mixq.c: `tf2sim export --format mixq` writes config.h as GEN's generator does
 * (Accelerator_Template.write_hls_config). Exporting configs/folds/gen_mixed_dp.json must give back
 * GEN's published Generator/DAC_SDC/hls/mixed_DP/config.h (@365504b): the values below are that
 * file's, transcribed; the layout (banner, "// conv_n", one #define per field in GEN's order, a
 * blank line per conv, "#endif") is GEN's template. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/design.h"
#include "net/device.h"
#include "report/export.h"
#include "unit/test_util.h"

#define NA (-999) /* the field is absent from GEN's file (the head has no BN) */

static const char *const FIELDS[] = {"K",    "IN_CH", "IN_H",    "IN_W",    "OUT_CH", "IN_BIT", "W_BIT",
                                     "INC_BIT", "BIAS_BIT", "OUT_BIT", "SIMD", "PE", "L_SHIFT", "ACTP",
                                     "Kp",   "Np",    "GUARD_BIT", "KPF"};

/* GEN mixed_DP/config.h, conv_0 .. conv_8, in the order of FIELDS */
static const int MIXED_DP[9][18] = {
    {3, 3, 160, 320, 16, 7, 5, 14, 23, 3, 3, 8, 8, 8, 3, 2, 1, 1},
    {3, 16, 80, 160, 32, 3, 3, 11, 18, 3, 4, 4, 8, 4, 3, 4, 1, 3},
    {3, 32, 40, 80, 64, 3, 2, 13, 19, 6, 32, 2, 8, 2, 3, 4, 2, 1},
    {3, 64, 20, 40, 64, 6, 5, 14, 25, 7, 64, 1, 8, 1, 2, 2, -1, 1},
    {3, 64, 10, 20, 64, 7, 5, 14, 26, 7, 16, 1, 8, 1, 3, 2, 1, 1},
    {3, 64, 10, 20, 64, 7, 5, 14, 25, 6, 16, 1, 8, 1, 3, 2, 1, 1},
    {3, 64, 10, 20, 64, 6, 5, 14, 25, 6, 16, 1, 8, 1, 2, 2, -1, 1},
    {3, 64, 10, 20, 64, 6, 5, 14, 25, 5, 16, 1, 8, 1, 2, 2, -1, 1},
    {1, 64, 10, 20, 36, 5, 8, NA, 13, 32, 4, 2, NA, 2, 1, 2, 6, 1},
};

static char *slurp(FILE *f)
{
    long len = ftell(f);
    rewind(f);
    char *s = calloc((size_t)len + 1, 1);
    assert_non_null(s);
    assert_int_equal(fread(s, 1, (size_t)len, f), (size_t)len);
    return s;
}

static void test_gen_mixed_dp_config_h(void **state)
{
    (void)state;
    net n;
    device dv;
    design ds;
    tf_err e;
    LOAD_ULTRANET_FOLD(&n, &dv, &ds, "gen_mixed_dp");
    FILE *fs = tmpfile(), *fh = tmpfile();
    assert_non_null(fs);
    assert_non_null(fh);
    if (export_mixq_write(&n, &ds, &dv, "test", fs, fh, &e))
        fail_msg("%s", e.msg);
    char *got = slurp(fh), *simd_pe = slurp(fs);
    /* GEN's text after its banner */
    size_t cap = 16384, len = 0;
    char *want = malloc(cap);
    assert_non_null(want);
    len += (size_t)snprintf(want + len, cap - len, "#ifndef _CONFIG_H_\n#define _CONFIG_H_\n\n");
    for (int c = 0; c < 9; c++) {
        len += (size_t)snprintf(want + len, cap - len, "// conv_%d\n", c);
        for (int k = 0; k < 18; k++)
            if (MIXED_DP[c][k] != NA)
                len += (size_t)snprintf(want + len, cap - len, "#define CONV_%d_%s %d\n", c, FIELDS[k], MIXED_DP[c][k]);
        len += (size_t)snprintf(want + len, cap - len, "\n");
    }
    snprintf(want + len, cap - len, "#endif\n");
    const char *body = strstr(got, "#ifndef _CONFIG_H_");
    assert_non_null(body);
    if (strcmp(body, want) != 0) { /* name the first line that differs */
        const char *a = body, *b = want;
        while (*a && *a == *b)
            a++, b++;
        while (a > body && a[-1] != '\n')
            a--, b--;
        fail_msg("config.h differs from GEN's mixed_DP at:\n  got:  %.60s\n  GEN:  %.60s", a, b);
    }
    /* GEN's banner, with tf2sim's origin on its Date line */
    assert_true(strncmp(got, "/********************************************************************************\n"
                             "* Filename: config.h\n* Date: test\n"
                             "* Description: configuration file for the generated accelerator\n",
                        strlen("/********************************************************************************\n"
                               "* Filename: config.h\n* Date: test\n"
                               "* Description: configuration file for the generated accelerator\n")) == 0);
    /* config_simd_pe.txt: a header, then SIMD PE per conv */
    assert_string_equal(simd_pe, "simd pe\n3 8\n4 4\n32 2\n64 1\n16 1\n16 1\n16 1\n16 1\n4 2\n");
    free(got);
    free(simd_pe);
    free(want);
    fclose(fs);
    fclose(fh);
    design_free(&ds);
    net_free(&n);
}

/* A layer GEN's templates cannot build is refused, naming it (a 5x5 conv: the line buffer takes
 * K = 1, 3, 5, 7 but pads (K-1)/2; here pad 0) */
static void test_refuses_what_gen_cannot_build(void **state)
{
    (void)state;
    static const char NET[] =
        "{\"name\": \"v\", \"input\": {\"c\": 8, \"h\": 16, \"w\": 16, \"bits\": 8}, \"layers\": ["
        "{\"name\": \"c0\", \"op\": \"conv\", \"cout\": 8, \"k\": 5, \"pad\": 0, \"wbits\": 4, \"abits\": 4}]}";
    net n;
    device dv;
    design ds;
    tf_err e;
    if (net_parse(&n, "v.json", NET, &e) || device_load_named(&dv, "ultra96v2", &e) ||
        design_init(&ds, &n, &dv, ARCH_DATAFLOW, &e))
        fail_msg("%s", e.msg);
    FILE *fs = tmpfile(), *fh = tmpfile();
    assert_int_equal(export_mixq_write(&n, &ds, &dv, "t", fs, fh, &e), -1);
    assert_non_null(strstr(e.msg, "layer c0: pad 0; the MixQ line buffer pads (K-1)/2 = 2"));
    fclose(fs);
    fclose(fh);
    design_free(&ds);
    net_free(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gen_mixed_dp_config_h),
        cmocka_unit_test(test_refuses_what_gen_cannot_build),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
