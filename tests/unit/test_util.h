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

#endif
