/* calibrate.h: fitting the LUT/FF model to yosys counts of the RTL, and checking it.
 *
 * The data set (configs/resources/yosys_rtl.csv, written by scripts/synth_sweep.sh) has one
 * row per synthesised compute unit. A fixed seed holds a quarter of each family's rows out;
 * the fit (weighted least squares, weights 1/y^2 so that it minimises relative error, GSL
 * gsl_multifit_wlinear) sees only the rest. The report scores the model and a naive
 * baseline on the held-out rows: DSP and BRAM18 from the mapping rules (must be exact),
 * LUT and FF from the fit. */
#ifndef TF2SIM_CALIBRATE_H
#define TF2SIM_CALIBRATE_H

#include <gsl/gsl_matrix.h>
#include <gsl/gsl_vector.h>
#include <jansson.h>
#include <stdbool.h>

#include "net/error.h"
#include "resource_fit.h"
#include "resources_rtl.h"

#define CALIB_SEED 20261121u
#define CALIB_HOLDOUT 0.25

typedef struct synth_row {
    xilinx_family fam;
    rtl_unit u;
    int dsp, bram18;
    long lut, lutram, ff;
    int line; /* in the CSV, for messages */
} synth_row;

/* A delimited text table with a header line of column names, read into an array of rows:
 * parse() fills one row from its fields (col[c]: the field index of cols[c]). */
typedef int (*calib_row_fn)(char **fields, const int *col, void *row, const char *path, int line, tf_err *e);
typedef struct calib_table {
    const char *path;
    char sep;
    const char *const *cols;
    int ncols;
    const char *source; /* says where the file comes from, in errors */
    size_t row_size;
    calib_row_fn parse;
} calib_table;
int calibrate_load_table(const calib_table *t, void **rows, int *n, tf_err *e);

/* Reads the data set; errors name the file, line and column. */
int synth_rows_load(const char *csv, synth_row **rows, int *n, tf_err *e);

/* held[i] = true for the rows the seed holds out: the fraction `holdout` of each group
 * (group[i] in 0..); the same seed and groups give the same split. */
void calibrate_split_groups(const int *group, int n, unsigned seed, double holdout, bool *held);

/* Least squares y ~ X c (GSL gsl_multifit_wlinear_tsvd, so a feature no row exercises gets 0),
 * weights w, or 1/y^2 (relative error) when w is NULL. */
int calibrate_lsq(const gsl_matrix *x, const gsl_vector *y, const gsl_vector *w, gsl_vector *c, tf_err *e);

/* Absolute percentage error; a resource predicted where there is none counts 100 %. */
double calibrate_ape(double pred, double actual);

/* held[i] = true for the rows the seed holds out (per family, CALIB_HOLDOUT of each). */
void calibrate_split(const synth_row *rows, int n, unsigned seed, double holdout, bool *held);

/* Fits the coefficients on the rows not held out. */
int calibrate_fit(const synth_row *rows, int n, const bool *held, resource_fit *out, tf_err *e);

/* The model's DSP, BRAM18, LUT and FF for one row's unit. */
void calibrate_predict(const resource_fit *fit, const synth_row *r, double pred[4]);

/* Errors on the held-out rows, of `fit` and of the naive baseline (DSP one per lane and
 * per PE, BRAM by aspect ratio alone, LUT and FF proportional to lanes x (w + a) bits,
 * fitted on the same training rows), as JSON: dsp_mape, bram_mape, lut_mape, ff_mape,
 * dsp_exact, bram_exact, baseline{...}, per family, and every held-out row. */
json_t *calibrate_report(const synth_row *rows, int n, const bool *held, const resource_fit *fit);

#endif
