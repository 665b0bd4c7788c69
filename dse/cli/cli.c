/* cli.c: option parsing, error printing and table/CSV/JSON output. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

int cli_fail(const tf_err *e)
{
    fprintf(stderr, "tf2sim: %s\n", e->msg);
    return 2;
}

int cli_failf(const char *fmt, ...)
{
    tf_err e;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e.msg, sizeof e.msg, fmt, ap);
    va_end(ap);
    return cli_fail(&e);
}

int cli_parse_format(const char *s, out_format *f)
{
    if (strcmp(s, "table") == 0) *f = FMT_TABLE;
    else if (strcmp(s, "json") == 0) *f = FMT_JSON;
    else if (strcmp(s, "csv") == 0) *f = FMT_CSV;
    else return -1;
    return 0;
}

int cli_parse_long(const char *opt, const char *s, long lo, long hi, long *out, tf_err *e)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || end == s || *end)
        return tf_errf(e, "%s: '%s' is not a whole number (allowed %ld..%ld)", opt, s, lo, hi);
    if (v < lo || v > hi)
        return tf_errf(e, "%s: must be %ld..%ld (got %ld)", opt, lo, hi, v);
    *out = v;
    return 0;
}

int cli_parse_double(const char *opt, const char *s, double lo, double hi, double *out, tf_err *e)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || v != v)
        return tf_errf(e, "%s: '%s' is not a number (allowed %g..%g)", opt, s, lo, hi);
    if (v < lo || v > hi)
        return tf_errf(e, "%s: must be %g..%g (got %g)", opt, lo, hi, v);
    *out = v;
    return 0;
}

int cli_parse_bits(const char *s, int *w, int *a, tf_err *e)
{
    int n = 0;
    char c;
    if (sscanf(s, "%d/%d%n%c", w, a, &n, &c) != 2 || s[n] != '\0')
        return tf_errf(e, "--bits: '%s' must be W/A, e.g. 4/4 (each 1..8)", s);
    if (*w < 1 || *w > 8 || *a < 1 || *a > 8)
        return tf_errf(e, "--bits: weight and activation bits must be 1..8 (got %d/%d)", *w, *a);
    return 0;
}

char *cli_join_args(int argc, char **argv)
{
    size_t len = 8;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 3;
    char *s = malloc(len);
    if (!s)
        return NULL;
    strcpy(s, "tf2sim");
    for (int i = 0; i < argc; i++) {
        strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

void table_init(out_table *t, int ncol, const char **head)
{
    memset(t, 0, sizeof *t);
    t->ncol = ncol;
    t->head = head;
}

static void table_push(out_table *t, char **row)
{
    if (t->nrow == t->cap) {
        t->cap = t->cap ? t->cap * 2 : 32;
        char **nc = realloc(t->cells, sizeof(char *) * (size_t)t->cap * (size_t)t->ncol);
        if (!nc) {
            for (int k = 0; k < t->ncol; k++)
                free(row[k]);
            return;
        }
        t->cells = nc;
    }
    memcpy(t->cells + (size_t)t->nrow * t->ncol, row, sizeof(char *) * (size_t)t->ncol);
    t->nrow++;
}

void table_add(out_table *t, ...)
{
    char *row[64];
    va_list ap;
    va_start(ap, t);
    for (int k = 0; k < t->ncol && k < 64; k++) {
        const char *s = va_arg(ap, const char *);
        row[k] = strdup(s ? s : "");
    }
    va_end(ap);
    table_push(t, row);
}

void table_addf(out_table *t, const char *fmt, ...)
{
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    char *row[64];
    char *p = buf;
    for (int k = 0; k < t->ncol && k < 64; k++) {
        char *tab = strchr(p, '\t');
        if (tab)
            *tab = '\0';
        row[k] = strdup(p);
        p = tab ? tab + 1 : p + strlen(p);
    }
    table_push(t, row);
}

static void csv_cell(FILE *out, const char *s)
{
    if (strpbrk(s, ",\"\n")) {
        fputc('"', out);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', out);
            fputc(*s, out);
        }
        fputc('"', out);
    } else {
        fputs(s, out);
    }
}

void table_print(const out_table *t, out_format f, FILE *out)
{
    if (f == FMT_CSV) {
        for (int k = 0; k < t->ncol; k++) {
            if (k)
                fputc(',', out);
            csv_cell(out, t->head[k]);
        }
        fputc('\n', out);
        for (int r = 0; r < t->nrow; r++) {
            for (int k = 0; k < t->ncol; k++) {
                if (k)
                    fputc(',', out);
                csv_cell(out, t->cells[(size_t)r * t->ncol + k]);
            }
            fputc('\n', out);
        }
        return;
    }
    size_t w[64] = {0};
    for (int k = 0; k < t->ncol; k++) {
        w[k] = strlen(t->head[k]);
        for (int r = 0; r < t->nrow; r++) {
            size_t l = strlen(t->cells[(size_t)r * t->ncol + k]);
            if (l > w[k])
                w[k] = l;
        }
    }
    for (int k = 0; k < t->ncol; k++)
        fprintf(out, "%s%-*s", k ? "  " : "", (int)w[k], t->head[k]);
    fputc('\n', out);
    for (int k = 0; k < t->ncol; k++) {
        fprintf(out, "%s", k ? "  " : "");
        for (size_t i = 0; i < w[k]; i++)
            fputc('-', out);
    }
    fputc('\n', out);
    for (int r = 0; r < t->nrow; r++) {
        for (int k = 0; k < t->ncol; k++) {
            const char *c = t->cells[(size_t)r * t->ncol + k];
            /* Numbers right-aligned, text left-aligned. */
            bool num = c[0] && strspn(c, "0123456789.-e+%x") == strlen(c);
            fprintf(out, num ? "%s%*s" : "%s%-*s", k ? "  " : "", (int)w[k], c);
        }
        fputc('\n', out);
    }
}

void table_free(out_table *t)
{
    for (int i = 0; i < t->nrow * t->ncol; i++)
        free(t->cells[i]);
    free(t->cells);
    t->cells = NULL;
}

void json_print(json_t *j, FILE *out)
{
    char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(15));
    if (s) {
        fputs(s, out);
        fputc('\n', out);
        free(s);
    }
}
