/* config_path.h: finding zoo configs (configs/<kind>/<name>.json) by name or path. */
#ifndef TF2SIM_CONFIG_PATH_H
#define TF2SIM_CONFIG_PATH_H

#include <stddef.h>

#include "error.h"

/* The configs/ folder: $TF2SIM_CONFIGS if set, else the source tree's configs/. */
const char *tf2sim_config_dir(void);

/* Resolves a zoo name ("ultranet") or a file path ("my/net.json") to a readable path.
 * `subdir` is the zoo folder ("nets"), `what` the word used in messages ("net").
 * An unknown name lists the known ones. */
int config_resolve(const char *subdir, const char *what, const char *name_or_path,
                   char *out, size_t cap, tf_err *e);

/* Where a zoo net's committed float weights live: configs/models/<net>/. */
void config_model_dir(const char *net_name, char *out, size_t cap);

/* Comma-separated sorted names of configs/<subdir>/ (*.json). */
void config_list_names(const char *subdir, char *out, size_t cap);

/* Number of names and each name (sorted); returns count, names freed by caller. */
int config_names(const char *subdir, char ***names);

#endif
