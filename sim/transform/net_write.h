/* net_write.h: net IR -> our net JSON (configs/nets/README.md), float weights -> NPY, and
 * all-or-nothing output of several files (the transform kit: import, prune, compress).
 *
 * net_to_json writes what net_parse reads back to the same IR: every shape, MAC and weight
 * count is inferred again by the loader. Pool `ceil_mode` is not kept in the IR; it is
 * recovered from the shapes (an output one larger than the floor rule gives). */
#ifndef TF2SIM_NET_WRITE_H
#define TF2SIM_NET_WRITE_H

#include <stdbool.h>
#include <stddef.h>

#include "net/error.h"
#include "numerics/float_ref.h"
#include "net/net.h"

typedef struct net_text {
    const char *description;  /* NULL: none */
    const char *source;       /* NULL: none */
    const char *const *comments; /* NULL, or n_layers entries (NULL: no comment) */
    const bool *ceil_mode;       /* NULL: recovered from the inferred shapes; else per layer */
} net_text;

/* The net as JSON text, one layer per line, in our net format; malloc'd (caller frees).
 * Bits equal to the most common value are written once under "defaults". */
char *net_to_json(const net *n, const net_text *t, tf_err *e);

/* All-or-nothing output: files are written under temporary names beside their targets and
 * renamed only when every one of them was written; on failure none is left behind. */
typedef struct out_stage {
    int n, cap;
    char **dst, **tmp;
} out_stage;

void out_stage_init(out_stage *s);
/* Registers `dst` and returns (in tmp) the temporary path to write it to. */
int out_stage_add(out_stage *s, const char *dst, char *tmp, size_t cap, tf_err *e);
/* Renames every temporary file to its target. */
int out_stage_commit(out_stage *s, tf_err *e);
/* Removes the temporary files (after a failure, or to cancel) and frees s. Safe after commit. */
void out_stage_free(out_stage *s);

/* Stages text as a file. */
int out_stage_text(out_stage *s, const char *dst, const char *text, tf_err *e);
/* Stages <dir>/<layer>_w.npy and <layer>_b.npy of every compute layer in the layout
 * float_weights_load_npy reads ([cout][cin/groups][k][k]; fc [cout][cin*h*w]). */
int out_stage_float_weights(out_stage *s, const net *n, const float_weights *fw, const char *dir, tf_err *e);

/* mkdir -p; *created (may be NULL) tells whether the last component was made now. */
int make_dirs(const char *dir, int *created, tf_err *e);

#endif
