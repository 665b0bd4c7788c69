/* test_accuracy_cache.c: the accuracy column source — nets without weights and data give
 * no value (NULL, never an invented one); fmnist_cnn is computed once per bit vector and then
 * read back from accuracy_cache. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "search/accuracy.h"

static char path[64];

static void test_cache(void **st)
{
    (void)st;
    strcpy(path, "/tmp/tf2sim_accXXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    store *s;
    tf_err e;
    if (store_open(&s, path, &e))
        fail_msg("%s", e.msg);
    net n;
    if (net_load_named(&n, "ultranet", &e))
        fail_msg("%s", e.msg);
    double acc = 0;
    assert_int_equal(accuracy_for_bits(s, &n, false, &acc, &e), 0);
    assert_true(acc < 0); /* no float weights / data set for ultranet: NULL */
    net_free(&n);
    if (access("/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz", R_OK) == 0) {
        if (net_load_named(&n, "fmnist_cnn", &e))
            fail_msg("%s", e.msg);
        net_apply_bits(&n, 8, 8, &e);
        assert_int_equal(accuracy_for_bits(s, &n, false, &acc, &e), 0);
        print_message("fmnist_cnn 8/8 top-1 %.4f (computed)\n", acc);
        assert_true(acc > 0.85 && acc < 1.0);
        /* Poison the cached value: a second call must read it, not recompute. */
        sqlite3 *db = store_sqlite(s);
        assert_int_equal(sqlite3_exec(db, "UPDATE accuracy_cache SET value = 0.5", NULL, NULL, NULL), SQLITE_OK);
        double again = 0;
        clock_t t0 = clock();
        assert_int_equal(accuracy_for_bits(s, &n, false, &again, &e), 0);
        assert_true(again == 0.5);
        assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 0.5);
        net_free(&n);
    }
    store_close(s);
    char p2[80];
    unlink(path);
    snprintf(p2, sizeof p2, "%s-wal", path);
    unlink(p2);
    snprintf(p2, sizeof p2, "%s-shm", path);
    unlink(p2);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_cache)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
