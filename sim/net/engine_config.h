/* engine_config.h: named engine configurations (configs/engines/<name>.json). */
#ifndef TF2SIM_ENGINE_CONFIG_H
#define TF2SIM_ENGINE_CONFIG_H

#include "design.h"

/* Loads an engine file by zoo name ("tf2_f10a") or path, with engine_params_from_json. */
int engine_params_load_named(engine_params *g, const char *name_or_path, tf_err *e);

#endif
