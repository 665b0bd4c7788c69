/* json_config.c: config-file reading with file:line:col errors (see json_config.h). */
#include "json_config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *read_text_file(const char *path, size_t *len, tf_err *e)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        tf_errf(e, "%s: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n - 1, f);
        n += got;
        if (n < cap - 1)
            break;
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    int rerr = ferror(f);
    fclose(f);
    if (!buf || rerr) {
        free(buf);
        tf_errf(e, "%s: read failed", path);
        return NULL;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    return buf;
}

int json_doc_parse(json_doc *d, const char *name, const char *text, tf_err *e)
{
    memset(d, 0, sizeof *d);
    if (text[0] == '\0' || strspn(text, " \t\r\n") == strlen(text))
        return tf_errf(e, "%s:1:1: empty file (expected a JSON object)", name);
    snprintf(d->path, sizeof d->path, "%s", name);
    d->text = strdup(text);
    if (!d->text)
        return tf_errf(e, "%s: out of memory", name);
    json_error_t je;
    d->root = json_loads(d->text, JSON_REJECT_DUPLICATES, &je);
    if (!d->root) {
        int rc = tf_errf(e, "%s:%d:%d: malformed JSON: %s", name, je.line, je.column, je.text);
        json_doc_free(d);
        return rc;
    }
    if (!json_is_object(d->root)) {
        int rc = tf_errf(e, "%s:1:1: top level must be a JSON object", name);
        json_doc_free(d);
        return rc;
    }
    return 0;
}

int json_doc_load(json_doc *d, const char *path, tf_err *e)
{
    memset(d, 0, sizeof *d);
    char *text = read_text_file(path, NULL, e);
    if (!text)
        return -1;
    int rc = json_doc_parse(d, path, text, e);
    free(text);
    return rc;
}

int json_doc_with(const char *name, const char *text, json_doc_fn build, void *ctx, tf_err *e)
{
    json_doc d;
    if (text ? json_doc_parse(&d, name, text, e) : json_doc_load(&d, name, e))
        return -1;
    int rc = build(ctx, &d, e);
    json_doc_free(&d);
    return rc;
}

void json_doc_free(json_doc *d)
{
    if (d->root)
        json_decref(d->root);
    free(d->text);
    d->root = NULL;
    d->text = NULL;
}

/* ---- the skimmer: finds where a value starts in valid JSON text ---- */

static const char *skip_ws(const char *p)
{
    while (*p && isspace((unsigned char)*p))
        p++;
    return p;
}

static const char *skip_string(const char *p) /* p at opening quote */
{
    for (p++; *p && *p != '"'; p++)
        if (*p == '\\' && p[1])
            p++;
    return *p ? p + 1 : p;
}

static const char *skip_value(const char *p)
{
    p = skip_ws(p);
    if (*p == '"')
        return skip_string(p);
    if (*p == '{' || *p == '[') {
        int depth = 0;
        while (*p) {
            if (*p == '"') {
                p = skip_string(p);
                continue;
            }
            if (*p == '{' || *p == '[')
                depth++;
            else if (*p == '}' || *p == ']') {
                if (--depth == 0)
                    return p + 1;
            }
            p++;
        }
        return p;
    }
    while (*p && *p != ',' && *p != '}' && *p != ']' && !isspace((unsigned char)*p))
        p++;
    return p;
}

/* Follows one path step from value start v; returns the child's start or NULL. */
static const char *step_key(const char *v, const char *key, size_t keylen)
{
    v = skip_ws(v);
    if (*v != '{')
        return NULL;
    const char *p = skip_ws(v + 1);
    while (*p == '"') {
        const char *ks = p + 1, *ke = skip_string(p) - 1;
        p = skip_ws(ke + 1);
        if (*p != ':')
            return NULL;
        p = skip_ws(p + 1);
        if ((size_t)(ke - ks) == keylen && strncmp(ks, key, keylen) == 0)
            return p;
        p = skip_ws(skip_value(p));
        if (*p != ',')
            return NULL;
        p = skip_ws(p + 1);
    }
    return NULL;
}

static const char *step_index(const char *v, long idx)
{
    v = skip_ws(v);
    if (*v != '[')
        return NULL;
    const char *p = skip_ws(v + 1);
    for (long i = 0; *p && *p != ']'; i++) {
        if (i == idx)
            return p;
        p = skip_ws(skip_value(p));
        if (*p != ',')
            return NULL;
        p = skip_ws(p + 1);
    }
    return NULL;
}

static const char *locate(const char *text, const char *path)
{
    const char *v = skip_ws(text);
    const char *s = path;
    while (v && *s) {
        if (*s == '.')
            s++;
        if (*s == '[') {
            char *end;
            long idx = strtol(s + 1, &end, 10);
            v = step_index(v, idx);
            s = (*end == ']') ? end + 1 : end;
        } else {
            size_t n = strcspn(s, ".[");
            v = step_key(v, s, n);
            s += n;
        }
    }
    return v;
}

void json_doc_locate(const json_doc *d, const char *path, int *line, int *col)
{
    *line = *col = 0;
    if (!d->text)
        return;
    const char *at = locate(d->text, path ? path : "");
    if (!at)
        return;
    int l = 1, c = 1;
    for (const char *p = d->text; p < at; p++) {
        if (*p == '\n') {
            l++;
            c = 1;
        } else {
            c++;
        }
    }
    *line = l;
    *col = c;
}

int json_doc_err(const json_doc *d, tf_err *e, const char *path, const char *fmt, ...)
{
    char what[TF_ERR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    /* Fall back to the nearest enclosing value that exists (a missing key's object). */
    char p[256];
    snprintf(p, sizeof p, "%s", path);
    int line = 0, col = 0;
    for (;;) {
        json_doc_locate(d, p, &line, &col);
        if (line || !p[0])
            break;
        char *cut = strrchr(p, '.');
        char *br = strrchr(p, '[');
        if (br > cut)
            cut = br;
        if (!cut)
            p[0] = '\0';
        else
            *cut = '\0';
    }
    return tf_errf(e, "%s:%d:%d: %s: %s", d->path, line ? line : 1, col ? col : 1,
                   path[0] ? path : "(top level)", what);
}

static void join(char *out, size_t cap, const char *objpath, const char *key)
{
    if (objpath && objpath[0])
        snprintf(out, cap, "%s.%s", objpath, key);
    else
        snprintf(out, cap, "%s", key);
}

int json_check_keys(const json_doc *d, json_t *obj, const char *objpath,
                    const char *const *allowed, tf_err *e)
{
    const char *key;
    json_t *val;
    json_object_foreach(obj, key, val) {
        bool ok = false;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, key) == 0)
                ok = true;
        if (!ok) {
            char path[256], list[512] = "";
            join(path, sizeof path, objpath, key);
            for (const char *const *a = allowed; *a; a++) {
                strncat(list, *a, sizeof list - strlen(list) - 1);
                if (a[1])
                    strncat(list, ", ", sizeof list - strlen(list) - 1);
            }
            return json_doc_err(d, e, path, "unknown field (allowed: %s)", list);
        }
    }
    return 0;
}

static json_t *fetch(const json_doc *d, json_t *obj, const char *objpath, const char *key,
                     bool required, char *path, size_t cap, tf_err *e, int *rc)
{
    join(path, cap, objpath, key);
    json_t *v = json_object_get(obj, key);
    *rc = 0;
    if (!v && required)
        *rc = json_doc_err(d, e, path, "missing required field");
    return v;
}

int json_get_int(const json_doc *d, json_t *obj, const char *objpath, const char *key,
                 long lo, long hi, long dflt, bool required, long *out, tf_err *e)
{
    char path[256];
    int rc;
    json_t *v = fetch(d, obj, objpath, key, required, path, sizeof path, e, &rc);
    if (rc)
        return rc;
    if (!v) {
        *out = dflt;
        return 0;
    }
    if (!json_is_integer(v))
        return json_doc_err(d, e, path, "must be an integer in %ld..%ld", lo, hi);
    json_int_t x = json_integer_value(v);
    if (x < lo || x > hi)
        return json_doc_err(d, e, path, "must be in %ld..%ld (got %lld)", lo, hi, (long long)x);
    *out = (long)x;
    return 0;
}

int json_get_num(const json_doc *d, json_t *obj, const char *objpath, const char *key,
                 double lo, double hi, double dflt, bool required, double *out, tf_err *e)
{
    char path[256];
    int rc;
    json_t *v = fetch(d, obj, objpath, key, required, path, sizeof path, e, &rc);
    if (rc)
        return rc;
    if (!v) {
        *out = dflt;
        return 0;
    }
    if (!json_is_number(v))
        return json_doc_err(d, e, path, "must be a number in %g..%g", lo, hi);
    double x = json_number_value(v);
    if (!isfinite(x) || x < lo || x > hi)
        return json_doc_err(d, e, path, "must be in %g..%g (got %g)", lo, hi, x);
    *out = x;
    return 0;
}

int json_get_bool(const json_doc *d, json_t *obj, const char *objpath, const char *key,
                  bool dflt, bool *out, tf_err *e)
{
    char path[256];
    int rc;
    json_t *v = fetch(d, obj, objpath, key, false, path, sizeof path, e, &rc);
    if (!v) {
        *out = dflt;
        return 0;
    }
    if (!json_is_boolean(v))
        return json_doc_err(d, e, path, "must be true or false");
    *out = json_is_true(v);
    return 0;
}

int json_get_str(const json_doc *d, json_t *obj, const char *objpath, const char *key,
                 const char *dflt, bool required, char *out, size_t cap, tf_err *e)
{
    char path[256];
    int rc;
    json_t *v = fetch(d, obj, objpath, key, required, path, sizeof path, e, &rc);
    if (rc)
        return rc;
    if (!v) {
        snprintf(out, cap, "%s", dflt ? dflt : "");
        return 0;
    }
    if (!json_is_string(v))
        return json_doc_err(d, e, path, "must be a string");
    const char *s = json_string_value(v);
    if (strlen(s) >= cap)
        return json_doc_err(d, e, path, "string too long (at most %zu characters)", cap - 1);
    if (s[0] == '\0')
        return json_doc_err(d, e, path, "must not be empty");
    snprintf(out, cap, "%s", s);
    return 0;
}

const char *name_unsafe(const char *s, bool allow_slash)
{
    if (!s[0])
        return "is empty";
    const char *part = s;
    for (const char *p = s;; p++) {
        if (*p == '/' || *p == '\0') {
            size_t n = (size_t)(p - part);
            if (n == 0)
                return "has an empty part (a leading, trailing or double '/')";
            if (part[0] == '.' || part[0] == '-')
                return "starts a part with '.' or '-'";
            if (!*p)
                return NULL;
            if (!allow_slash)
                return "holds '/' (it becomes part of a file name)";
            part = p + 1;
            continue;
        }
        char ch = *p;
        bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' ||
                  ch == '.' || ch == '+' || ch == '-';
        if (!ok)
            return allow_slash ? "holds a character outside letters, digits and _ . + - /"
                               : "holds a character outside letters, digits and _ . + -";
    }
}

int json_get_name(const json_doc *d, json_t *obj, const char *objpath, const char *key,
                  bool allow_slash, char *out, size_t cap, tf_err *e)
{
    if (json_get_str(d, obj, objpath, key, NULL, true, out, cap, e))
        return -1;
    const char *why = name_unsafe(out, allow_slash);
    if (!why)
        return 0;
    char path[256];
    join(path, sizeof path, objpath, key);
    return json_doc_err(d, e, path, "name %s (allowed: letters, digits and _ . + -%s, not first . or -)", why,
                        allow_slash ? " and / between parts" : "");
}
