/* json_config.h: reading plain-JSON config files with exact error locations.
 *
 * jansson parses the file; it keeps no positions for values, so a small skimmer over
 * the original text finds the line:column of any value by its path ("layers[3].k").
 * Every getter checks type and range and, on failure, reports
 * "file:line:col: path: must be ... (got ...)". */
#ifndef TF2SIM_JSON_CONFIG_H
#define TF2SIM_JSON_CONFIG_H

#include <jansson.h>
#include <stdbool.h>

#include "error.h"

typedef struct json_doc {
    char path[512];
    char *text;     /* the file as read, kept for locating values */
    json_t *root;
} json_doc;

/* Reads and parses a file; the root must be an object. */
int json_doc_load(json_doc *d, const char *path, tf_err *e);
/* Parses text already in memory; `name` stands in for the file name in errors. */
int json_doc_parse(json_doc *d, const char *name, const char *text, tf_err *e);
void json_doc_free(json_doc *d);

/* The one shape of every config loader: reads a document from the file `name` (text
 * NULL) or from `text` (named `name` in errors), hands it to `build`, frees it. */
typedef int (*json_doc_fn)(void *ctx, const json_doc *d, tf_err *e);
int json_doc_with(const char *name, const char *text, json_doc_fn build, void *ctx, tf_err *e);

/* Line and column (1-based) of the value at `path` ("" is the root); 0,0 if not found. */
void json_doc_locate(const json_doc *d, const char *path, int *line, int *col);

/* Reports an error at the value found at `path` (or at `fallback` if missing). */
int json_doc_err(const json_doc *d, tf_err *e, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Fails on any key of obj not in the NULL-terminated list (catches typos). */
int json_check_keys(const json_doc *d, json_t *obj, const char *objpath,
                    const char *const *allowed, tf_err *e);

/* Typed getters. `objpath` is obj's own path, for messages. A missing key gives
 * `dflt` unless `required`. Ranges are inclusive. */
int json_get_int(const json_doc *d, json_t *obj, const char *objpath, const char *key,
                 long lo, long hi, long dflt, bool required, long *out, tf_err *e);
int json_get_num(const json_doc *d, json_t *obj, const char *objpath, const char *key,
                 double lo, double hi, double dflt, bool required, double *out, tf_err *e);
int json_get_bool(const json_doc *d, json_t *obj, const char *objpath, const char *key,
                  bool dflt, bool *out, tf_err *e);
/* Copies a string into out[cap]; NULL dflt + !required leaves out as "". */
int json_get_str(const json_doc *d, json_t *obj, const char *objpath, const char *key,
                 const char *dflt, bool required, char *out, size_t cap, tf_err *e);

/* Names from outside end up in file names, plot data and scripts: a net or device name may
 * hold letters, digits and _ . + - (not first . or -); a layer name may also hold '/' between
 * such parts (Caffe's "fire2/squeeze1x1"), never an empty, "." or ".." part. NULL if `s` is
 * safe, else what is wrong with it (static text). */
const char *name_unsafe(const char *s, bool allow_slash);
/* json_get_str for a name: also checks it with name_unsafe; the error names the field. */
int json_get_name(const json_doc *d, json_t *obj, const char *objpath, const char *key,
                  bool allow_slash, char *out, size_t cap, tf_err *e);

/* Reads a whole file into a NUL-terminated malloc'd buffer (caller frees). */
char *read_text_file(const char *path, size_t *len, tf_err *e);

#endif
