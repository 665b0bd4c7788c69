/* cli.h: shared pieces of the tf2sim subcommands (options, output formats, tables). */
#ifndef TF2SIM_CLI_H
#define TF2SIM_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "net/design.h"
#include "net/device.h"
#include "net/error.h"
#include "net/net.h"

typedef enum out_format { FMT_TABLE, FMT_JSON, FMT_CSV } out_format;

/* Every subcommand: int cmd_X(int argc, char **argv), argv[0] is the subcommand. */
int cmd_nets(int argc, char **argv);
int cmd_devices(int argc, char **argv);
int cmd_sweep(int argc, char **argv);
int cmd_pareto(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_sim(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_resources(int argc, char **argv);
int cmd_calibrate(int argc, char **argv);
int cmd_accuracy(int argc, char **argv);
int cmd_infer(int argc, char **argv);
int cmd_regress(int argc, char **argv);
int cmd_generate(int argc, char **argv);
int cmd_regress_net(int argc, char **argv); /* tf2sim regress --net: a whole generated design */
int cmd_import(int argc, char **argv);
int cmd_prune(int argc, char **argv);
int cmd_compress(int argc, char **argv);

/* Prints "tf2sim: <msg>" on stderr; returns the exit code for bad input (2). */
int cli_fail(const tf_err *e);
int cli_failf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cli_parse_format(const char *s, out_format *f);
/* Whole-number option in lo..hi; message names the option. */
int cli_parse_long(const char *opt, const char *s, long lo, long hi, long *out, tf_err *e);
int cli_parse_double(const char *opt, const char *s, double lo, double hi, double *out, tf_err *e);
/* "W/A" bit pair, each 1..8. */
int cli_parse_bits(const char *s, int *w, int *a, tf_err *e);

/* The command line as one string (for the runs table). */
char *cli_join_args(int argc, char **argv);

/* A simple result table: printed aligned (table) or as RFC 4180 CSV. */
typedef struct out_table {
    int ncol, nrow, cap;
    const char **head;
    char **cells; /* nrow * ncol */
} out_table;

void table_init(out_table *t, int ncol, const char **head);
void table_add(out_table *t, ...); /* ncol strings */
void table_addf(out_table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3))); /* tab-separated */
void table_print(const out_table *t, out_format f, FILE *out);
void table_free(out_table *t);

/* Prints a JSON value with a trailing newline. */
void json_print(json_t *j, FILE *out);

struct store;
/* Per-layer rows of a stored design as JSON, and as table rows if t is given
 * (columns: layer, op, w/a, simd, pe, schedule, cycles, dsp, bram18). */
json_t *sweep_layer_rows(struct store *st, int64_t design_id, out_table *t);

/* Bar chart of a stored design's cycles per layer (tf2sim plot --layers, report). */
int plot_design_layers(struct store *st, int64_t id, const char *out, tf_err *e);

#endif
