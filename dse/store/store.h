/* store.h: the SQLite results database (schema in README.md, "Results database").
 *
 * Every evaluated design is written once, keyed by the hash of its canonical JSON;
 * a run links to the designs it saw. Writes go through prepared statements inside
 * explicit transactions (one per batch), in WAL mode, so a crash loses at most the
 * batch in flight and readers never see half a design. */
#ifndef TF2SIM_STORE_H
#define TF2SIM_STORE_H

#include <stdint.h>

#include "net/design.h"
#include "net/device.h"
#include "evaluate/evaluate.h"
#include "net/net.h"

/* 2: lut_mult, run_key, resume_key (v1 databases are migrated on open). */
#define STORE_SCHEMA_VERSION 3

typedef struct store store;

/* Opens (creating if needed) the DB at path: checks it is a tf2sim DB (PRAGMA
 * integrity_check, schema version), migrates an older schema in one transaction, and
 * refuses a foreign, damaged or newer file without touching it. */
int store_open(store **s, const char *path, tf_err *e);
/* Opens an existing DB for reading (no file is created; an older schema is migrated). */
int store_open_readonly(store **s, const char *path, tf_err *e);
void store_close(store *s);
void *store_sqlite(store *s); /* the sqlite3* handle, for queries in dse/ */

int store_begin(store *s, tf_err *e);
int store_commit(store *s, tf_err *e);
int store_rollback(store *s);

typedef struct run_info {
    const char *command;   /* "sweep", "sim", ... */
    const char *args;      /* the command line as typed */
    const char *net, *device, *strategy, *budget_json;
    const char *resume_key;  /* canonical parameters of a resumable command (NULL: not resumable) */
} run_info;

int store_begin_run(store *s, const run_info *ri, int64_t *run_id, tf_err *e);
int store_finish_run(store *s, int64_t run_id, long evaluated, tf_err *e);

/* Writes a design (if new) and its per-layer rows, links it to run_id.
 * accuracy < 0 is stored as NULL. *inserted tells whether the design was new. */
int store_put_design(store *s, int64_t run_id, const net *n, const device *dv, const design *ds,
                     const evaluation *ev, double accuracy, int64_t *design_id, int *inserted,
                     tf_err *e);

/* The newest unfinished run with this resume key and how many designs it saved
 * (*run_id = 0 if none). */
int store_find_resumable(store *s, const char *resume_key, int64_t *run_id, long *saved, tf_err *e);

/* Merges another tf2sim DB into this one: runs (by run_key), designs (by hash, filling
 * measurements only the other has), layer results, run links, accuracy cache.
 * Idempotent: merging the same file twice adds nothing. */
int store_merge(store *s, const char *src_path, long *new_designs, long *new_runs, tf_err *e);

/* The git commit this binary was built from ("unknown" outside a checkout). */
const char *store_git_commit(void);

#endif
