/* test_util.h: helpers shared by the unit tests (temp files, zoo loading). */
#ifndef TF2SIM_TEST_UTIL_H
#define TF2SIM_TEST_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sqlite3.h>

/* Writes text to a fresh temporary file; returns its path (static buffer per call site). */
static inline const char *write_temp(char *buf, size_t cap, const char *suffix, const char *text)
{
    (void)suffix; /* paths with a '/' are taken as files whatever their ending */
    snprintf(buf, cap, "/tmp/tf2sim-test-XXXXXX");
    int fd = mkstemp(buf);
    if (fd < 0)
        return NULL;
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    return buf;
}

/* One integer of a query with one bound parameter (?1 = arg) on a DB file; INT64_MIN when the
 * file, the query or its first row is missing. */
static inline int64_t db_int(const char *db, const char *sql, int64_t arg)
{
    sqlite3 *h;
    sqlite3_stmt *q = NULL;
    int64_t v = INT64_MIN;
    if (sqlite3_open_v2(db, &h, SQLITE_OPEN_READONLY, NULL) == SQLITE_OK &&
        sqlite3_prepare_v2(h, sql, -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, arg);
        if (sqlite3_step(q) == SQLITE_ROW)
            v = sqlite3_column_int64(q, 0);
    }
    sqlite3_finalize(q);
    sqlite3_close(h);
    return v;
}

/* A cmocka fixture: UltraNet in N and the Ultra96-V2 in DV, for the tests of one file.
 * Expands to static definitions, so include it where cmocka and the headers are. */
#define ULTRANET_FIXTURE                                                                     \
    static net N;                                                                            \
    static device DV;                                                                        \
    static int setup(void **state)                                                           \
    {                                                                                        \
        (void)state;                                                                         \
        tf_err e;                                                                            \
        if (net_load_named(&N, "ultranet", &e) || device_load_named(&DV, "ultra96v2", &e))   \
            fail_msg("%s", e.msg);                                                           \
        return 0;                                                                            \
    }                                                                                        \
    static int teardown(void **state)                                                        \
    {                                                                                        \
        (void)state;                                                                         \
        net_free(&N);                                                                        \
        return 0;                                                                            \
    }

/* Loads UltraNet, the Ultra96-V2 and a named fold into n, dv, ds (cmocka and the net, device and
 * design headers included where it is used); fails the test naming the fold. */
#define LOAD_ULTRANET_FOLD(n, dv, ds, fold)                                                          \
    do {                                                                                             \
        tf_err le_;                                                                                  \
        if (net_load_named(n, "ultranet", &le_) || device_load_named(dv, "ultra96v2", &le_) ||       \
            design_load_fold(ds, n, dv, fold, &le_))                                                 \
            fail_msg("%s: %s", fold, le_.msg);                                                       \
    } while (0)

#endif
