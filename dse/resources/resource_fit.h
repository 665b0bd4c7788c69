/* resource_fit.h: the fitted LUT/FF coefficients (configs/resources/rtl_fit.json).
 *
 * One coefficient per structural feature (res_features.h) and per yosys family, written
 * by `tf2sim calibrate --fit` from the data set beside it (yosys_rtl.csv) and read by
 * every resource estimate. LUT = lutram + sum_k lut[k] * x[k]; FF = memory FFs +
 * sum_k ff[k] * x[k]. */
#ifndef TF2SIM_RESOURCE_FIT_H
#define TF2SIM_RESOURCE_FIT_H

#include <jansson.h>
#include <stdbool.h>

#include "net/error.h"
#include "res_features.h"
#include "xilinx_map.h"

#define RESOURCE_FIT_FILE "resources/rtl_fit.json" /* under configs/ */

typedef struct resource_fit {
    char path[512];
    bool have[2];                 /* per xilinx_family */
    double lut[2][RF__COUNT];
    double ff[2][RF__COUNT];
} resource_fit;

/* Reads a fit file; errors name the file, key and allowed values. */
int resource_fit_load(resource_fit *f, const char *path, tf_err *e);
int resource_fit_parse(resource_fit *f, const char *name, const char *text, tf_err *e);
/* The fit as JSON (families -> lut/ff -> feature -> coefficient), plus `meta` keys. */
json_t *resource_fit_to_json(const resource_fit *f, json_t *meta);

/* The installation's fit, loaded once from configs/resources/rtl_fit.json ($TF2SIM_CONFIGS
 * honoured); NULL with a message if it is missing or bad. */
const resource_fit *resource_fit_default(tf_err *e);

/* Fitted LUT and FF (logic only, no memories) of a unit with features x. A family the
 * file has no coefficients for uses the other's (said once on stderr). */
void resource_fit_apply(const resource_fit *f, xilinx_family fam, const res_features *x, long *lut, long *ff);

#endif
