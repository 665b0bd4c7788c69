/* test_util.h: helpers shared by the unit tests (temp files, zoo loading). */
#ifndef TF2SIM_TEST_UTIL_H
#define TF2SIM_TEST_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

#endif
