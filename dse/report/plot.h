/* plot.h: drawing results with gnuplot, run as an external process.
 *
 * gnuplot is spawned directly (posix_spawnp, no shell) as `gnuplot -c SCRIPT ARGS...`;
 * every path reaches the script as an argument (ARG1..), never pasted into its text,
 * so no file name can break or inject into the plot script. */
#ifndef TF2SIM_PLOT_H
#define TF2SIM_PLOT_H

#include "net/error.h"
#include "store/results.h"

typedef struct plot_spec {
    const char *out;      /* .png or .svg */
    const char *title;
    int xcol, ycol;       /* results_objective columns */
    int colour_col;       /* colour points by this column (-1: plain) */
} plot_spec;

/* One bar per layer: its cycles per frame, the bottleneck in red. */
typedef struct layer_bar {
    const char *name;
    double cycles;
} layer_bar;

int plot_layers(const layer_bar *bars, int n, const char *out, const char *title, tf_err *e);

/* Scatter of all rows with their 2-D Pareto front (x minimised, y as its objective). */
int plot_front(const design_rows *rows, const plot_spec *ps, tf_err *e);

/* Fails unless out ends in .png or .svg (checked before any work is done). */
int plot_check_out(const char *out, tf_err *e);

/* Runs gnuplot on a script file with arguments; fails with gnuplot's status. */
int plot_run_gnuplot(const char *script, const char *const *args, int nargs, tf_err *e);

#endif
