/* test_xilinx_map.c: the yosys mapping model (dse/resources/xilinx_map.c) against yosys 0.23 itself
 * (configs/resources/yosys_micro.csv, made by scripts/synth_micro.sh), and hand-derived cases. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "resources/xilinx_map.h"

#define MICRO_CSV TF2SIM_CONFIG_DIR "/resources/yosys_micro.csv"

/* Splits a CSV line in place into at most `max` fields; returns how many. */
static int split_csv(char *line, char **f, int max)
{
    int n = 0;
    char *p = line;
    while (n < max) {
        f[n++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    char *nl = strpbrk(f[n - 1], "\r\n");
    if (nl)
        *nl = '\0';
    return n;
}

/* The value of NAME= in a params field ("CMAX=32 ABITS=4 ..."), or dflt. */
static long param(const char *params, const char *name, long dflt)
{
    size_t n = strlen(name);
    for (const char *p = params; (p = strstr(p, name)) != NULL; p += n)
        if ((p == params || p[-1] == ' ') && p[n] == '=')
            return atol(p + n + 1);
    return dflt;
}

static int clog2(long v)
{
    int n = 0;
    for (v -= 1; v > 0; v >>= 1)
        n++;
    return n;
}

/* The feature loader's shift by fold_q * cfg_linbits, sized as scripts/synth_micro.sh sizes it:
 * CFW = clog2(folds) bits (at least 1) by the constant LIN*ABITS, the product max(CFW, BOW)
 * bits (BOW = clog2(CMAX*ABITS)+1), LANES*ABITS bits of the shifted word used. */
static int feature_fold_dsps(xilinx_family fam, const char *params)
{
    long cmax = param(params, "CMAX", 1), abits = param(params, "ABITS", 1);
    long lanes = param(params, "LANES", cmax), lin = param(params, "LIN", lanes);
    int cfw = clog2((cmax + lin - 1) / lin), bow = clog2(cmax * abits) + 1;
    if (cfw < 1)
        cfw = 1;
    return xilinx_shiftmul_dsps(fam, cfw, (unsigned long)(lin * abits), cfw > bow ? cfw : bow,
                                (int)(lanes * abits));
}

/* Every row of the micro sweep: DSP, BRAM18 and LUTRAM counts equal yosys's. */
static void test_micro_rows_match_yosys(void **state)
{
    FILE *fp = fopen(MICRO_CSV, "r");
    if (!fp)
        fail_msg("cannot open %s", MICRO_CSV);
    char line[512];
    if (!fgets(line, sizeof line, fp))
        fail_msg("%s is empty", MICRO_CSV);
    assert_non_null(
        strstr(line, "block,family,params,aw,as,bw,bs,yw,nmem,width,depth,dsp,bram18,lutram"));
    int rows = 0, bad = 0, mem_rows = 0, mul_rows = 0;
    while (fgets(line, sizeof line, fp)) {
        char *f[20];
        if (split_csv(line, f, 20) < 17)
            continue;
        const char *block = f[0];
        xilinx_family fam = strcmp(f[1], "xc7") == 0 ? XFAM_XC7 : XFAM_XCUP;
        int aw = atoi(f[3]), as = atoi(f[4]), bw = atoi(f[5]), bs = atoi(f[6]), yw = atoi(f[7]);
        int nmem = atoi(f[8]), width = atoi(f[9]);
        long depth = atol(f[10]);
        int dsp = atoi(f[11]), bram18 = atoi(f[12]), lutram = atoi(f[13]);
        xilinx_mem_kind kind = strcmp(block, "filter") == 0  ? XMEM_FILTER_BANKS
                               : strcmp(block, "adder") == 0 ? XMEM_BN_TABLE
                                                             : XMEM_FEATURE_BUFFER;
        int want_dsp = aw > 0 ? xilinx_mul_dsps(fam, aw, as, bw, bs, yw) : 0;
        if (kind == XMEM_FEATURE_BUFFER)
            want_dsp += feature_fold_dsps(fam, f[2]);
        xilinx_mem m = {0};
        xilinx_mem_map(fam, kind, width, depth, &m);
        int want_b = nmem * m.bram18, want_l = nmem * m.lutram;
        rows++;
        mem_rows += nmem > 0;
        mul_rows += aw > 0;
        if (want_dsp != dsp || want_b != bram18 || want_l != lutram) {
            bad++;
            print_message("mismatch %s %s %s: yosys dsp %d bram18 %d lutram %d, "
                          "model %d %d %d (%s)\n", f[0], f[1], f[2], dsp, bram18, lutram,
                          want_dsp, want_b, want_l, m.cell);
        }
    }
    fclose(fp);
    print_message("%d micro rows (%d multiplies, %d memory blocks), %d mismatches\n", rows,
                  mul_rows, mem_rows, bad);
    assert_true(mul_rows >= 100);
    assert_true(mem_rows >= 100);
    assert_int_equal(bad, 0);
}

/* Multiplies worked through mul2dsp.v by hand. */
static void test_mul_by_hand(void **state)
{
    /* pe_array lane, WBITS=4 ABITS=4: 4-bit signed weight x {0, 4-bit act} = 4 x 5 -> 9 bits;
     * Y = 9 reaches DSP_Y_MINWIDTH, operands swapped to 5 x 4: one DSP */
    assert_int_equal(xilinx_mul_dsps(XFAM_XCUP, 4, 1, 5, 1, 9), 1);
    assert_int_equal(xilinx_mul_dsps(XFAM_XCUP, 4, 1, 4, 0, 9), 1);  /* same, act given unsigned */
    /* WBITS=ABITS=2: 2 x 3 -> 5 bits < 9: LUTs */
    assert_int_equal(xilinx_mul_dsps(XFAM_XCUP, 2, 1, 3, 1, 5), 0);
    /* adder BN multiply 32 x 32 -> 64, xcup: A = 32 > 27 -> n = ceil((32-27)/17) = 1 slice of
     * 18 (17 bits + sign) x 32 and a last 15 x 32; each has B = 32 > 18 -> 1 slice x 18 and a
     * last x 15: 2 + 2 = 4 DSPs (xc7, A max 25: the same split, 4) */
    assert_int_equal(xilinx_mul_dsps(XFAM_XCUP, 32, 1, 32, 1, 64), 4);
    assert_int_equal(xilinx_mul_dsps(XFAM_XC7, 32, 1, 32, 1, 64), 4);
    /* the same kept to 32 bits: the piece last-A x last-B sits at bit 17 + 17 = 34 >= 32, so no
     * bit of it is used and opt_clean drops it: 3 DSPs. To 16 bits only the first piece
     * (A[16:0] x B[17:0] at bit 0) is left: one DSP */
    assert_int_equal(xilinx_mul_dsps(XFAM_XCUP, 32, 1, 32, 1, 32), 3);
    assert_int_equal(xilinx_mul_dsps(XFAM_XCUP, 32, 1, 32, 1, 16), 1);
    /* operands are not cut to the result: 27 x 18 kept to 20 bits is still split on xc7 (A >
     * 25): an 18 x 18 piece and a 10 x 18 one at bit 17 < 20: 2 DSPs; xcup takes A = 27 whole */
    assert_int_equal(xilinx_mul_dsps(XFAM_XC7, 27, 1, 18, 1, 20), 2);
    assert_int_equal(xilinx_mul_dsps(XFAM_XCUP, 27, 1, 18, 1, 20), 1);
    /* packed pair WBITS=ABITS=8: PWW = S+W+1 = 17+9 = 26 by 9 -> 35 bits: A = 26 <= 27 on xcup
     * (1 DSP); on xc7 26 > 25: one 18 x 9 slice and a last 9 x 9 (Y 18 >= 9): 2 DSPs */
    assert_int_equal(xilinx_mul_dsps(XFAM_XCUP, 26, 1, 9, 1, 35), 1);
    assert_int_equal(xilinx_mul_dsps(XFAM_XC7, 26, 1, 9, 1, 35), 2);
    /* 16 x 16 unsigned: made signed 17 x 17: one DSP; 18 x 18 unsigned -> 19 x 19: B > 18 ->
     * 19 x 18 slice and a last 19 x 2: 2 DSPs */
    assert_int_equal(xilinx_mul_dsps(XFAM_XCUP, 16, 0, 16, 0, 32), 1);
    assert_int_equal(xilinx_mul_dsps(XFAM_XCUP, 18, 0, 18, 0, 36), 2);
}

/* Memories priced by hand with memory_libmap's rule: cells x cost (+ per-bit widthscale for
 * LUTRAM) + 0.5 x (slices - 1) x width (read mux) + 0.5 x slices (write demux, if > 1) + 2. */
static void test_mem_by_hand(void **state)
{
    xilinx_mem m;
    /* filter bank PE=4 SIMD=8 WBITS=4 K=3 CIN=COUT=32: 32 bits x 2*288 words. RAMB36 as 1K x 36:
     * 257 + 2 = 259; two RAMB18 1K x 18: 258 + 2 = 260; LUTRAM SDP 64 x 7 (xcup): 9 slices x
     * 16 x 32/7 + mux 0.5 x 8 x 32 + demux 0.5 x 9 + 2 = 792.8. One RAMB36: 2 BRAM18 */
    xilinx_mem_map(XFAM_XCUP, XMEM_FILTER_BANKS, 32, 576, &m);
    assert_int_equal(m.bram18, 2);
    assert_int_equal(m.lutram, 0);
    /* feature buffer CIN=32 ABITS=4, P = 4*32+128 = 256 pixels: 128 bits x 256, padded to 135
     * (write enables per 9 bits). RAMB36 as 512 x 72 (SDP): 2 x 257 + 2 = 516, below four
     * RAMB18 as 512 x 36 (518) and LUTRAM SDP 64 x 7 (4 x 16 x 128/7 + 192 + 2 + 2 = 1366) */
    xilinx_mem_map(XFAM_XCUP, XMEM_FEATURE_BUFFER, 128, 256, &m);
    assert_int_equal(m.bram18, 4);
    /* BN table COUT/PE = 8: 32 bits x 8 words. xcup: LUTRAM SDP 32 x 14: 16 x 32/14 + 2 = 38.6
     * < 256 bits of logic: 3 RAM32M16 (42 bits). xc7: SDP 32 x 6, (8-7) x 6 + 7 x 32/6 + 2 =
     * 45.3: 6 RAM32M */
    xilinx_mem_map(XFAM_XCUP, XMEM_BN_TABLE, 32, 8, &m);
    assert_int_equal(m.lutram, 3);
    assert_int_equal(m.bram18, 0);
    xilinx_mem_map(XFAM_XC7, XMEM_BN_TABLE, 32, 8, &m);
    assert_int_equal(m.lutram, 6);
    /* 1 bit x 2 words: LUTRAM 16/14 + 2 = 3.1 > 2 bits of logic: two flip-flops */
    xilinx_mem_map(XFAM_XCUP, XMEM_BN_TABLE, 1, 2, &m);
    assert_int_equal(m.impl, XIMPL_LOGIC);
    assert_int_equal(m.ff, 2);
    /* 1 bit x 40000 (xc7): three 16K x 1 RAMB18: 387 + 1 + 1.5 + 2 = 391.5; two RAMB36
     * 32K x 1: 517.5; one CASCADE (64K x 1, two RAMB36): 515 */
    xilinx_mem_map(XFAM_XC7, XMEM_FILTER_BANKS, 1, 40000, &m);
    assert_int_equal(m.bram18, 3);
    xilinx_mem_map(XFAM_XC7, XMEM_FILTER_BANKS, 1, 65536, &m);  /* CASCADE 515 < 4 RAMB18 521.5 */
    assert_string_equal(m.cell, "BRAM_TDP CASCADE");
    assert_int_equal(m.bram18, 4);
}

/* The feature loader's fold offset, by hand. */
static void test_mul_const_by_hand(void **state)
{
    /* CIN=128 ABITS=6 SIMD=1: fold (7 bits) x 6, 11 bits wide. wreduce: 6 = 3 << 1, so 7 x 2
     * bits ('11') into 10 bits, cut to 7 + 2 = 9; unsigned, so 8 x 3 signed with Y = 9: a DSP */
    assert_int_equal(xilinx_mul_const_dsps(XFAM_XCUP, 7, 6, 11), 1);
    /* CIN=64 ABITS=5 SIMD=2: fold (5 bits) x 10 = 5 << 1, 10 bits wide: 5 x 3 bits into 8 < 9 */
    assert_int_equal(xilinx_mul_const_dsps(XFAM_XCUP, 5, 10, 10), 0);
    /* a power of two is a shift */
    assert_int_equal(xilinx_mul_const_dsps(XFAM_XCUP, 7, 32, 12), 0);
    /* in the shift word >> (fold * 3), PE=SIMD=1: 3 is odd, 3 bits used <= 3, the product
     * (min(10, 7 + 2) = 9 bits) holds fold * 3 (ceil_log2(3) + 7 = 9): shiftmul, no multiply.
     * With PE=4 SIMD=1 (LANES 4, 12 bits of the word used > 3) the multiply stays: 8 x 3, Y 9 */
    assert_int_equal(xilinx_shiftmul_dsps(XFAM_XCUP, 7, 3, 10, 3), 0);
    assert_int_equal(xilinx_shiftmul_dsps(XFAM_XCUP, 7, 3, 10, 12), 1);
    /* an even stride (6) always keeps the multiply */
    assert_int_equal(xilinx_shiftmul_dsps(XFAM_XCUP, 7, 6, 11, 6), 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_micro_rows_match_yosys),
        cmocka_unit_test(test_mul_by_hand),
        cmocka_unit_test(test_mul_const_by_hand),
        cmocka_unit_test(test_mem_by_hand),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
