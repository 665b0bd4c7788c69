/* test_mixq_gen.c: GEN's per-layer configuration in a fold (actp, in_pe, guard_bits, obits, inc_bits,
 * bias_bits, pack_flag), its defaults (dse/resources/mixq_gen.c) and legality against what GEN builds:
 * every operator the vendor flow synthesised (../shared/data/mixq-vivado/operators.tsv, 800 rows)
 * must load as a one-conv net plus a fold carrying the row's fields, and build under mixq-hls. */
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
#include "net/gen_layer.h"
#include "resources/mixq_gen.h"
#include "resources/resources_mixq.h"

static device DV;

static int setup(void **state)
{
    (void)state;
    tf_err e;
    if (device_load_named(&DV, "ultra96v2", &e))
        fail_msg("%s", e.msg);
    return 0;
}

static const char *shared_dir(void)
{
    const char *s = getenv("TF2SIM_SHARED");
    return s && *s ? s : TF2SIM_SHARED_DIR;
}

/* One operator row, by column name. */
enum { C_ID, C_TYPE, C_K, C_W, C_H, C_ICH, C_OCH, C_IBIT, C_WBIT, C_OBIT, C_INPE, C_SIMD, C_PE, C_ACTP, C_KP,
       C_NP, C_GB, C_INC, C_BIAS, C_LSHIFT, C_KPF, C_POOL, C_PACK, C__N };
static const char *const COLS[C__N] = {"id", "opt_type", "k", "in_w", "in_h", "in_ch", "out_ch", "in_bit", "w_bit",
                                       "out_bit", "in_pe", "simd", "pe", "actp", "kp", "np", "guard_bit", "inc_bit",
                                       "bias_bit", "l_shift", "kpf", "max_pool", "pack_flag"};

typedef struct op_row {
    int v[C__N];
    bool kp; /* KP_Opt */
} op_row;

/* The net and fold text of a row: input -> conv (-> 2x2 pool) */
static void row_texts(const op_row *r, char *nt, size_t ncap, char *ft, size_t fcap)
{
    snprintf(nt, ncap,
             "{\"name\": \"op%d\", \"input\": {\"c\": %d, \"h\": %d, \"w\": %d, \"bits\": 8}, \"layers\": ["
             "{\"name\": \"conv\", \"op\": \"conv\", \"cout\": %d, \"k\": %d, \"pad\": %d, \"wbits\": %d, \"abits\": %d,"
             " \"bn\": true, \"relu\": true}%s]}",
             r->v[C_ID], r->v[C_ICH], r->v[C_H], r->v[C_W], r->v[C_OCH], r->v[C_K], (r->v[C_K] - 1) / 2, r->v[C_WBIT],
             r->v[C_IBIT], r->v[C_POOL] ? ", {\"name\": \"pool\", \"op\": \"maxpool\", \"k\": 2}" : "");
    snprintf(ft, fcap,
             "{\"net\": \"op%d\", \"layers\": [{\"name\": \"conv\", \"simd\": %d, \"pe\": %d, \"schedule\": \"%s\","
             " \"kp\": %d, \"np\": %d, \"kpf\": %d, \"actp\": %d, \"in_pe\": %d, \"guard_bits\": %d, \"obits\": %d,"
             " \"inc_bits\": %d, \"bias_bits\": %d, \"pack_flag\": %s}]}",
             r->v[C_ID], r->v[C_SIMD], r->v[C_PE], r->kp ? "kp" : "fp", r->v[C_KP], r->v[C_NP], r->v[C_KPF],
             r->v[C_ACTP], r->v[C_INPE], r->v[C_GB], r->v[C_OBIT], r->v[C_INC], r->v[C_BIAS],
             r->v[C_PACK] ? "true" : "false");
}

static void test_every_operator_builds(void **state)
{
    (void)state;
    char path[1024];
    snprintf(path, sizeof path, "%s/data/mixq-vivado/operators.tsv", shared_dir());
    FILE *fp = fopen(path, "r");
    if (!fp)
        fail_msg("%s: cannot open the operator data set", path);
    char line[4096];
    int col[C__N];
    assert_non_null(fgets(line, sizeof line, fp));
    for (int c = 0; c < C__N; c++) { /* columns by name, so a reordered file still reads right */
        col[c] = -1;
        int k = 0;
        for (char *t = strtok(line, "\t\n"); t; t = strtok(NULL, "\t\n"), k++)
            if (strcmp(t, COLS[c]) == 0)
                col[c] = k;
        if (col[c] < 0)
            fail_msg("operators.tsv: no column %s", COLS[c]);
        rewind(fp);
        assert_non_null(fgets(line, sizeof line, fp));
    }
    int rows = 0, pooled = 0, kps = 0;
    while (fgets(line, sizeof line, fp)) {
        op_row r = {0};
        char *f[64];
        int nf = 0;
        for (char *t = strtok(line, "\t\n"); t && nf < 64; t = strtok(NULL, "\t\n"))
            f[nf++] = t;
        for (int c = 0; c < C__N; c++) {
            assert_true(col[c] < nf);
            r.v[c] = atoi(f[col[c]]);
        }
        r.kp = strcmp(f[col[C_TYPE]], "KP_Opt") == 0;
        char nt[1024], ft[1024];
        row_texts(&r, nt, sizeof nt, ft, sizeof ft);
        net n;
        design ds;
        tf_err e;
        if (net_parse(&n, "row.json", nt, &e))
            fail_msg("row %d net: %s", r.v[C_ID], e.msg);
        if (design_parse_fold(&ds, &n, &DV, "row_fold.json", ft, &e))
            fail_msg("row %d fold: %s", r.v[C_ID], e.msg);
        for (int i = 0; i < n.n_layers; i++) {
            layer_res lr;
            res_features x;
            if (resources_mixq_layer(&n, &ds, &DV, i, &lr, &x, &e))
                fail_msg("row %d (%s): refused: %s", r.v[C_ID], r.kp ? "KP" : "FP", e.msg);
        }
        /* The configuration GEN builds is the row's, field for field */
        mixq_gen_cfg c;
        if (mixq_gen_config(&n, &ds, &DV, 0, NULL, &c, &e))
            fail_msg("row %d: %s", r.v[C_ID], e.msg);
        const struct { const char *what; int got, want; } chk[] = {
            {"ACTP", c.g.actp, r.v[C_ACTP]},          {"IN_PE", c.g.in_pe, r.v[C_INPE]},
            {"GUARD_BIT", c.guard_bits, r.v[C_GB]},   {"OUT_BIT", c.g.obits, r.v[C_OBIT]},
            {"INC_BIT", c.inc_bits, r.v[C_INC]},      {"BIAS_BIT", c.bias_bits, r.v[C_BIAS]},
            {"L_SHIFT", c.l_shift, r.v[C_LSHIFT]},    {"PACK_FLAG", c.pack_flag, r.v[C_PACK]},
            {"OCH_PF", c.g.opf, r.v[C_PE] * (r.kp ? r.v[C_KP] : 1)}, {"pool", c.g.pooled, r.v[C_POOL]}};
        for (size_t k = 0; k < sizeof chk / sizeof *chk; k++)
            if (chk[k].got != chk[k].want)
                fail_msg("row %d: %s %d, the row says %d", r.v[C_ID], chk[k].what, chk[k].got, chk[k].want);
        rows++;
        pooled += r.v[C_POOL];
        kps += r.kp;
        design_free(&ds);
        net_free(&n);
    }
    fclose(fp);
    assert_int_equal(rows, 800);
    assert_true(pooled > 0 && pooled < rows); /* both operator forms were built */
    assert_true(kps > 0 && kps < rows);
}

/* Loads net text + fold text; returns the loader's or the mixq-hls model's error ("" when it builds). */
static const char *try_build(const char *nt, const char *ft, char *msg, size_t cap)
{
    net n;
    design ds;
    tf_err e;
    msg[0] = '\0';
    if (net_parse(&n, "t.json", nt, &e))
        fail_msg("net: %s", e.msg);
    if (design_parse_fold(&ds, &n, &DV, "t_fold.json", ft, &e)) {
        snprintf(msg, cap, "%s", e.msg);
        net_free(&n);
        return msg;
    }
    for (int i = 0; i < n.n_layers && !msg[0]; i++) {
        layer_res lr;
        res_features x;
        if (resources_mixq_layer(&n, &ds, &DV, i, &lr, &x, &e))
            snprintf(msg, cap, "%s", e.msg);
    }
    design_free(&ds);
    net_free(&n);
    return msg;
}

static const char TWO_CONV[] =
    "{\"name\": \"two\", \"input\": {\"c\": 16, \"h\": 20, \"w\": 40, \"bits\": 8}, \"layers\": ["
    "{\"name\": \"c0\", \"op\": \"conv\", \"cout\": 32, \"k\": 3, \"pad\": 1, \"wbits\": 4, \"abits\": 4, \"bn\": true,"
    " \"relu\": true},"
    "{\"name\": \"c1\", \"op\": \"conv\", \"cout\": 16, \"k\": 3, \"pad\": 1, \"wbits\": 4, \"abits\": 5, \"bn\": true,"
    " \"relu\": true}]}";

static void expect_refused(const char *c0, const char *c1, const char *want)
{
    char ft[1024], msg[512];
    snprintf(ft, sizeof ft, "{\"net\": \"two\", \"layers\": [{\"name\": \"c0\", %s}, {\"name\": \"c1\", %s}]}", c0,
             c1);
    try_build(TWO_CONV, ft, msg, sizeof msg);
    if (!msg[0])
        fail_msg("built, wanted '%s' (%s)", want, ft);
    if (!strstr(msg, want))
        fail_msg("'%s' lacks '%s'", msg, want);
    if (strchr(msg, '\n'))
        fail_msg("not one line: '%s'", msg);
}

static void test_illegal_fields_refused(void **state)
{
    (void)state;
    const char *ok1 = "\"simd\": 4, \"pe\": 4, \"schedule\": \"fp\", \"kp\": 3, \"np\": 2";
    char msg[512], ft[1024];
    /* the base design builds */
    snprintf(ft, sizeof ft, "{\"net\": \"two\", \"layers\": [{\"name\": \"c0\", %s}, {\"name\": \"c1\", %s}]}",
             "\"simd\": 4, \"pe\": 4, \"schedule\": \"fp\", \"kp\": 3, \"np\": 2", ok1);
    assert_string_equal(try_build(TWO_CONV, ft, msg, sizeof msg), "");
    /* fold-file ranges and rules, each naming the file and field */
    expect_refused("\"simd\": 4, \"pe\": 4, \"schedule\": \"fp\", \"kp\": 3, \"np\": 2, \"actp\": 3", ok1,
                   "t_fold.json:1:");
    expect_refused("\"simd\": 4, \"pe\": 4, \"schedule\": \"fp\", \"kp\": 3, \"np\": 2, \"actp\": 3", ok1,
                   "actp 3 must divide OCH_PF = 4");
    expect_refused("\"simd\": 4, \"pe\": 4, \"schedule\": \"fp\", \"kp\": 3, \"np\": 2, \"guard_bits\": -2", ok1,
                   "layers[0].guard_bits: must be in -1..32 (got -2)");
    expect_refused("\"simd\": 4, \"pe\": 4, \"schedule\": \"fp\", \"kp\": 3, \"np\": 2, \"inc_bits\": 65", ok1,
                   "layers[0].inc_bits: must be in 2..64");
    expect_refused("\"simd\": 4, \"pe\": 4, \"schedule\": \"fp\", \"kp\": 3, \"np\": 2, \"obits\": 0", ok1,
                   "layers[0].obits: must be in 1..32");
    expect_refused("\"simd\": 4, \"pe\": 4, \"schedule\": \"fp\", \"kp\": 3, \"np\": 2, \"pack_flag\": true", ok1,
                   "pack_flag true applies to schedule kp only");
    expect_refused("\"simd\": 4, \"pe\": 4, \"guard_bits\": 2", ok1, "guard_bits applies to the packed schedules");
    /* OUT_BIT of c0 is what c1 reads (5) */
    expect_refused("\"simd\": 4, \"pe\": 4, \"schedule\": \"fp\", \"kp\": 3, \"np\": 2, \"obits\": 4", ok1,
                   "layers[0].obits: layer c0: obits 4, but the next layer reads 5-bit activations (allowed: 5)");
    /* IN_PE of c1 is c0's OCH_PF (4) */
    expect_refused("\"simd\": 4, \"pe\": 4, \"schedule\": \"fp\", \"kp\": 3, \"np\": 2",
                   "\"simd\": 4, \"pe\": 4, \"schedule\": \"fp\", \"kp\": 3, \"np\": 2, \"in_pe\": 2",
                   "in_pe 2, but c0 sends OCH_PF = 4 channels per word (allowed: 4)");
    /* the first layer's IN_PE must divide its channels and SIMD (GEN reshape_buffer_constraints C1, C4) */
    expect_refused("\"simd\": 4, \"pe\": 4, \"schedule\": \"fp\", \"kp\": 3, \"np\": 2, \"in_pe\": 3", ok1,
                   "input stream of 3 channels per word");
    /* without actp GEN's get_actp still decides, and refuses a fold no ACTP keeps up with:
     * Np*OCH_PF = 2*4 values per KNUM*INFOLD = 1*(3*16/(16*3)) = 1 cycle > 4 BN units */
    const char *fast = "\"simd\": 16, \"pe\": 4, \"schedule\": \"fp\", \"kp\": 3, \"np\": 2, \"kpf\": 3";
    expect_refused(fast, ok1, "more than OCH_PF = 4 BN units can take");
    /* ... which an explicit actp builds (the activation stage is then the slower one) */
    snprintf(ft, sizeof ft, "{\"net\": \"two\", \"layers\": [{\"name\": \"c0\", %s, \"actp\": 4}, "
             "{\"name\": \"c1\", %s}]}", fast, ok1);
    assert_string_equal(try_build(TWO_CONV, ft, msg, sizeof msg), "");
    /* the array's output word Np*OCH_PF*M_BIT stays within ap_uint's 1024: 8*16*(4+4+8) = 2048 */
    expect_refused("\"simd\": 16, \"pe\": 16, \"schedule\": \"fp\", \"kp\": 3, \"np\": 8, \"actp\": 16", ok1,
                   "array output word Np*OCH_PF*M_BIT is 2048 bits");
}

/* Defaults: GEN's choices where the fold says nothing, checked against GEN's published config.h
 * (Generator/DAC_SDC/hls/mixed_DP/config.h) and dsp_eff_search.py's port arithmetic. */
static void test_defaults(void **state)
{
    (void)state;
    static const char NET[] =
        "{\"name\": \"d\", \"input\": {\"c\": 16, \"h\": 80, \"w\": 160, \"bits\": 8}, \"layers\": ["
        "{\"name\": \"c1\", \"op\": \"conv\", \"cout\": 32, \"k\": 3, \"pad\": 1, \"wbits\": 3, \"abits\": 3, \"bn\": true,"
        " \"relu\": true},"
        "{\"name\": \"p1\", \"op\": \"maxpool\", \"k\": 2},"
        "{\"name\": \"c2\", \"op\": \"conv\", \"cout\": 64, \"k\": 3, \"pad\": 1, \"wbits\": 2, \"abits\": 3, \"bn\": true,"
        " \"relu\": true},"
        "{\"name\": \"c3\", \"op\": \"conv\", \"cout\": 64, \"k\": 3, \"pad\": 1, \"wbits\": 5, \"abits\": 6, \"bn\": true,"
        " \"relu\": true},"
        "{\"name\": \"c8\", \"op\": \"conv\", \"cout\": 36, \"k\": 1, \"pad\": 0, \"wbits\": 8, \"abits\": 5, \"bias\": true}]}";
    static const char FOLD[] =
        "{\"net\": \"d\", \"layers\": ["
        "{\"name\": \"c1\", \"simd\": 4, \"pe\": 4, \"schedule\": \"fp\", \"kp\": 3, \"np\": 4, \"kpf\": 3},"
        "{\"name\": \"c2\", \"simd\": 32, \"pe\": 2, \"schedule\": \"fp\", \"kp\": 3, \"np\": 4},"
        "{\"name\": \"c3\", \"simd\": 64, \"pe\": 1, \"schedule\": \"kp\", \"kp\": 2, \"np\": 2},"
        "{\"name\": \"c8\", \"simd\": 4, \"pe\": 2, \"schedule\": \"kp\", \"kp\": 1, \"np\": 2}]}";
    net n;
    design ds;
    tf_err e;
    if (net_parse(&n, "d.json", NET, &e) || design_parse_fold(&ds, &n, &DV, "d_fold.json", FOLD, &e))
        fail_msg("%s", e.msg);
    mixq_gen_cfg c;
    /* c1 (GEN conv_1: w3 a3 Kp3 Np4 -> GUARD_BIT 1, ACTP 4): weights on the 18-bit port (18-3)/2-6 = 1,
     * activations on 27-1: (26-3)/3-6 = 1; the other assignment (27-3)/2-6 = 6, (17-3)/3-6 = -2 fails.
     * ACTP: min = Np*PE // (KNUM*INFOLD) = 16 // (1*(3*16/12)) = 4 -> 4. IN_PE = the input's 16. */
    assert_int_equal(mixq_gen_config(&n, &ds, &DV, net_find(&n, "c1"), NULL, &c, &e), 0);
    assert_int_equal(c.guard_bits, 1);
    assert_int_equal(c.g.actp, 4);
    assert_int_equal(c.g.in_pe, 16);
    assert_int_equal(c.g.obits, 3); /* what c2 reads */
    assert_true(c.g.pooled);
    assert_int_equal(c.l_shift, 8);
    assert_int_equal(c.inc_bits, RES_MIXQ_INC_BITS);
    assert_int_equal(c.bias_bits, RES_MIXQ_BIAS_BITS);
    /* c2 (GEN conv_2: w2 a3 Kp3 Np4 -> GUARD_BIT 2, ACTP 2): (18-2)/2-5 = 3, (26-3)/3-5 = 2 -> 2; IN_PE = c1's PE. */
    assert_int_equal(mixq_gen_config(&n, &ds, &DV, net_find(&n, "c2"), NULL, &c, &e), 0);
    assert_int_equal(c.guard_bits, 2);
    assert_int_equal(c.g.actp, 2);
    assert_int_equal(c.g.in_pe, 4);
    /* c3 KP w5 a6 Kp2 Np2: PACK_FLAG 0 (weights on 27, spaced Np fields: (27-5)/2-11 = 0; activations on 17:
     * 17-6-11 = 0) beats flag 1 (activations on 26 spaced Kp fields: (26-6)/2-11 = -1) -> gb 0, flag false.
     * (GEN's mixed_DP, made by an older explorer, has -1 here.) IN_PE = c2's OCH_PF 2. */
    assert_int_equal(mixq_gen_config(&n, &ds, &DV, net_find(&n, "c3"), NULL, &c, &e), 0);
    assert_int_equal(c.guard_bits, 0);
    assert_false(c.pack_flag);
    assert_int_equal(c.g.in_pe, 2);
    assert_int_equal(c.g.opf, 2);
    /* c8 head KP w8 a5 Kp1 Np2 (GEN conv_8: GUARD_BIT 6, ACTP 2 = OCH_PF): flag 1 puts the 2 activations on
     * 26 bits: 26-5-13 = 8, capped by ceil(log2(ACC = 64)) = 6; flag 0 has them on 17: 17-5-13 = -1 < 6. */
    assert_int_equal(mixq_gen_config(&n, &ds, &DV, net_find(&n, "c8"), NULL, &c, &e), 0);
    assert_int_equal(c.guard_bits, 6);
    assert_true(c.pack_flag);
    assert_true(c.g.head);
    assert_int_equal(c.g.actp, 2);
    assert_int_equal(c.inc_bits, 0);
    assert_int_equal(c.l_shift, 0);
    /* A fold's fields win over the defaults and over the caller's INC/BIAS */
    int c3 = net_find(&n, "c3");
    ds.fold[c3].gb_set = true, ds.fold[c3].guard_bits = -1;
    ds.fold[c3].pack_flag_set = true, ds.fold[c3].pack_flag = true;
    ds.fold[c3].inc_bits = 14, ds.fold[c3].actp = 2;
    mixq_params p = {.inc_bits = 20, .bias_bits = 30};
    assert_int_equal(mixq_gen_config(&n, &ds, &DV, c3, &p, &c, &e), 0);
    assert_int_equal(c.guard_bits, -1);
    assert_true(c.pack_flag);
    assert_true(c.overlap);
    assert_int_equal(c.cascade, 1);
    assert_int_equal(c.inc_bits, 14);
    assert_int_equal(c.bias_bits, 30);
    assert_int_equal(c.g.actp, 2);
    design_free(&ds);
    net_free(&n);
}

/* Given fields are part of the design's identity and survive the canonical JSON (the export);
 * absent ones leave the canonical text, and so the stored hash, as it was. */
static void test_fields_round_trip(void **state)
{
    (void)state;
    net n;
    design ds, back;
    tf_err e;
    if (net_parse(&n, "t.json", TWO_CONV, &e))
        fail_msg("%s", e.msg);
    static const char PLAIN[] = "{\"net\": \"two\", \"layers\": [{\"name\": \"c0\", \"simd\": 4, \"pe\": 4, "
                                "\"schedule\": \"kp\", \"kp\": 2, \"np\": 2}, {\"name\": \"c1\", \"simd\": 4, "
                                "\"pe\": 4}]}";
    assert_int_equal(design_parse_fold(&ds, &n, &DV, "p.json", PLAIN, &e), 0);
    char *plain = design_canonical(&ds, &n, &DV);
    static const char *const GEN_KEYS[] = {"actp", "in_pe", "guard_bits", "obits", "inc_bits", "bias_bits",
                                           "pack_flag"};
    for (size_t k = 0; k < sizeof GEN_KEYS / sizeof *GEN_KEYS; k++)
        if (strstr(plain, GEN_KEYS[k]))
            fail_msg("%s in a fold that does not give it: %s", GEN_KEYS[k], plain);
    design_free(&ds);
    static const char FULL[] = "{\"net\": \"two\", \"layers\": [{\"name\": \"c0\", \"simd\": 4, \"pe\": 4, "
                               "\"schedule\": \"kp\", \"kp\": 2, \"np\": 2, \"actp\": 2, \"in_pe\": 8, "
                               "\"guard_bits\": -1, \"obits\": 5, \"inc_bits\": 13, \"bias_bits\": 21, "
                               "\"pack_flag\": true}, {\"name\": \"c1\", \"simd\": 4, \"pe\": 4}]}";
    assert_int_equal(design_parse_fold(&ds, &n, &DV, "f.json", FULL, &e), 0);
    char *full = design_canonical(&ds, &n, &DV);
    assert_int_equal(design_parse_fold(&back, &n, &DV, "back.json", full, &e), 0);
    const layer_fold *f = &back.fold[0];
    assert_int_equal(f->actp, 2);
    assert_int_equal(f->in_pe, 8);
    assert_true(f->gb_set);
    assert_int_equal(f->guard_bits, -1);
    assert_int_equal(f->obits, 5);
    assert_int_equal(f->inc_bits, 13);
    assert_int_equal(f->bias_bits, 21);
    assert_true(f->pack_flag_set && f->pack_flag);
    char *again = design_canonical(&back, &n, &DV);
    assert_string_equal(again, full);
    assert_string_not_equal(full, plain);
    free(plain);
    free(full);
    free(again);
    design_free(&ds);
    design_free(&back);
    net_free(&n);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_operator_builds),
        cmocka_unit_test(test_illegal_fields_refused),
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_fields_round_trip),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
