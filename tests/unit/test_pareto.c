/* test_pareto.c: the front equals the definition (brute force) on random point sets. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "store/pareto.h"

static void check_against_definition(int n, int m, unsigned seed)
{
    double *v = malloc(sizeof(double) * (size_t)n * (size_t)m);
    unsigned char *mask = malloc((size_t)n);
    srand(seed);
    for (int i = 0; i < n * m; i++)
        v[i] = (double)(rand() % 20); /* small range: many ties */
    int count = pareto_mask(n, m, v, mask);
    int want = 0;
    for (int i = 0; i < n; i++) {
        int dominated = 0;
        for (int j = 0; j < n; j++)
            if (pareto_dominates(m, v + (size_t)j * m, v + (size_t)i * m))
                dominated = 1;
        if (mask[i] != !dominated)
            fail_msg("n=%d m=%d seed=%u: point %d mask %d but dominated=%d", n, m, seed, i, mask[i], dominated);
        want += !dominated;
    }
    assert_int_equal(count, want);
    free(v);
    free(mask);
}

static void test_two_objectives(void **state)
{
    for (unsigned s = 1; s <= 50; s++)
        check_against_definition(1 + (int)(s * 7 % 200), 2, s);
}

static void test_three_objectives(void **state)
{
    for (unsigned s = 1; s <= 20; s++)
        check_against_definition(1 + (int)(s * 11 % 150), 3, s);
}

static void test_dominates(void **state)
{
    double a[] = {1, 2}, b[] = {1, 3}, c[] = {0, 4};
    assert_true(pareto_dominates(2, a, b));
    assert_false(pareto_dominates(2, b, a));
    assert_false(pareto_dominates(2, a, a));
    assert_false(pareto_dominates(2, a, c));
    assert_false(pareto_dominates(2, c, a));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_dominates),
        cmocka_unit_test(test_two_objectives),
        cmocka_unit_test(test_three_objectives),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
