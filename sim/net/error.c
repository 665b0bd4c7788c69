/* error.c: one-line error messages for library code. */
#include "error.h"

#include <stdio.h>
#include <string.h>

int tf_errf(tf_err *e, const char *fmt, ...)
{
    if (!e)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->msg, sizeof e->msg, fmt, ap);
    va_end(ap);
    /* One line only: a message with a newline would break "one-line error". */
    for (char *p = e->msg; *p; p++)
        if (*p == '\n')
            *p = ' ';
    return -1;
}

int tf_err_prefix(tf_err *e, const char *fmt, ...)
{
    if (!e)
        return -1;
    char head[TF_ERR_MAX], old[TF_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(head, sizeof head, fmt, ap);
    va_end(ap);
    memcpy(old, e->msg, sizeof old);
    snprintf(e->msg, sizeof e->msg, "%s: %s", head, old);
    return -1;
}
