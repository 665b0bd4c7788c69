/* calibrate_mixq.h: the mixq-hls target against vendor synthesis of GEN's conv operators.
 *
 * The data set (../shared/data/mixq-vivado/operators.tsv, FORMAT.md beside it): 800 FP/KP
 * operators synthesised by Vivado HLS + Vivado synthesis for xczu3eg at 4 ns. A fixed seed holds
 * CALIB_HOLDOUT of each array kind (FP, KP) out; the fits (mixq_op.h) see only the rest. The
 * report scores the model and a baseline (ordinary least squares on the raw config fields, the
 * way GEN's own Bayesian-ridge predictors work) on the held-out rows. */
#ifndef TF2SIM_CALIBRATE_MIXQ_H
#define TF2SIM_CALIBRATE_MIXQ_H

#include <jansson.h>
#include <stdbool.h>

#include "mixq_op.h"
#include "net/error.h"

/* The data set under the shared data directory ($TF2SIM_SHARED, default ../shared beside the checkout). */
#define MIXQ_DATA_FILE "data/mixq-vivado/operators.tsv"

/* The default data path: $TF2SIM_SHARED/MIXQ_DATA_FILE. */
void mixq_data_default(char *buf, size_t cap);

typedef struct mixq_row {
    int id, line;
    mixq_op op;
    long lut, ff;
    int dsp, bram, srl;
    double period_ns; /* achieved */
    double t_mul;     /* GEN's products per multiplier (baseline input only) */
    int pack_flag;    /* GEN's PACK_FLAG (baseline input only) */
} mixq_row;

/* Reads the data set; errors name the file, line and column. */
int mixq_rows_load(const char *tsv, mixq_row **rows, int *n, tf_err *e);

/* The held-out split (by array kind). */
void mixq_split(const mixq_row *rows, int n, unsigned seed, bool *held);

/* Fits the ROM rule and the coefficients on the rows not held out. */
int mixq_calibrate_fit(const mixq_row *rows, int n, const bool *held, mixq_fit *out, tf_err *e);

/* Held-out errors of the model and of the baseline, as JSON: dsp_mape, bram_mape, lut_mape,
 * ff_mape, period_mae_ns, dsp_exact, bram_exact, baseline{...}, per kind, and every held-out row. */
json_t *mixq_calibrate_report(const mixq_row *rows, int n, const bool *held, const mixq_fit *fit, tf_err *e);

/* The whole `tf2sim calibrate --target mixq-hls`: load data, split by seed, (fit and write coeffs),
 * load coeffs, report. NULL with a message on failure. */
json_t *mixq_calibrate_run(const char *data, const char *coeffs, unsigned seed, bool do_fit, tf_err *e);

#endif
