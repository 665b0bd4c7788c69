/* test_bram.c: memory -> BRAM18/M20K mapping by aspect ratio (hand-computed cases). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include "resources/bram.h"

static void test_bram18_aspect_ratios(void **state)
{
    assert_int_equal(bram18_blocks(36, 512), 1);    /* 512x36 simple dual port */
    assert_int_equal(bram18_blocks(72, 256), 2);    /* one BRAM36 in 512x72 = two BRAM18 */
    assert_int_equal(bram18_blocks(4, 4096), 1);    /* 4Kx4 */
    assert_int_equal(bram18_blocks(1, 16384), 1);   /* 16Kx1 */
    assert_int_equal(bram18_blocks(18, 1024), 1);
    assert_int_equal(bram18_blocks(9, 2048), 1);
    assert_int_equal(bram18_blocks(10, 2048), 2);   /* 2Kx9 too narrow: two 1Kx18 */
    assert_int_equal(bram18_blocks(36, 1024), 2);
    assert_int_equal(bram18_blocks(16, 4608), 5);   /* ultranet conv4 weights per PE: 5 x 1Kx18 */
    assert_int_equal(bram18_blocks(64, 24), 2);     /* shallow but wide: 2 x 512x36 */
    assert_int_equal(bram18_blocks(144, 512), 4);
    assert_int_equal(bram18_blocks(0, 100), 0);
    assert_int_equal(bram18_blocks(8, 0), 0);
}

static void test_m20k(void **state)
{
    assert_int_equal(m20k_blocks(40, 512), 1);
    assert_int_equal(m20k_blocks(20, 1024), 1);
    assert_int_equal(m20k_blocks(5, 4096), 1);
    assert_int_equal(m20k_blocks(41, 512), 2);
    assert_int_equal(ram_blocks(MEM_M20K, 80, 512), 2);
    assert_int_equal(ram_blocks(MEM_BRAM18, 80, 512), 3); /* 36+36+8 */
}

static void test_shallow_memories_go_to_luts(void **state)
{
    assert_true(ram_is_shallow(64, 32));
    assert_true(ram_is_shallow(8, 256));            /* 2 Kb */
    assert_false(ram_is_shallow(16, 4608));
    assert_int_equal(lutram_luts(16, 64), 16);
    assert_int_equal(lutram_luts(16, 65), 32);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bram18_aspect_ratios),
        cmocka_unit_test(test_m20k),
        cmocka_unit_test(test_shallow_memories_go_to_luts),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
