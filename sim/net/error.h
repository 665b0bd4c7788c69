/* error.h: how library code reports a failure without printing or exiting.
 *
 * Every fallible library function takes a tf_err* and returns 0 on success or -1
 * after filling it. The message is one line: "file:line:col: field: what is wrong
 * (allowed range)". Only the command front end prints it and picks the exit code. */
#ifndef TF2SIM_ERROR_H
#define TF2SIM_ERROR_H

#include <stdarg.h>

#define TF_ERR_MAX 768

typedef struct tf_err {
    char msg[TF_ERR_MAX];
} tf_err;

/* Fills e (if not NULL) with a printf-style message; always returns -1. */
int tf_errf(tf_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prepends "prefix: " to an existing message (to add context on the way up). */
int tf_err_prefix(tf_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
