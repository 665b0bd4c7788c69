/* cmd_calibrate.c: `tf2sim calibrate` — fit the LUT/FF coefficients to yosys, report held-out errors. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "resources/calibrate.h"
#include "resources/calibrate_mixq.h"
#include "cli.h"
#include "net/config_path.h"

static const char HELP[] =
    "usage: tf2sim calibrate [--target rtl|mixq-hls] [--fit] [--report] [--data FILE] [--coeffs FILE] [--seed N]\n"
    "                        [--format table|json]\n"
    "  Checks (and with --fit re-derives) the resource model against synthesis: yosys counts of the RTL\n"
    "  (--target rtl, the default) or Vivado synthesis of DeepBurning-MixQ operators (--target mixq-hls:\n"
    "  data ../shared/data/mixq-vivado/operators.tsv, coeffs configs/resources/mixq_fit.json; the report adds\n"
    "  period_mae_ns, the baseline is least squares on the raw config fields).\n"
    "  --fit      fit LUT/FF coefficients on the training rows (GSL weighted least squares) and write\n"
    "             them to --coeffs; the same data and seed give the same file\n"
    "  --report   print the held-out errors of the model and of a naive baseline (the default action):\n"
    "             dsp_mape, bram_mape, lut_mape, ff_mape, dsp_exact, bram_exact, per family and per row\n"
    "  --data     the data set (default configs/resources/yosys_rtl.csv, from scripts/synth_sweep.sh)\n"
    "  --coeffs   the coefficient file (default configs/resources/rtl_fit.json)\n"
    "  --seed     the held-out split's seed (default 20261121; a quarter of each family is held out)\n";

static void print_table(json_t *rep)
{
    static const char *head[] = {"model", "dsp_mape", "bram_mape", "lut_mape", "ff_mape", "dsp_exact", "bram_exact"};
    out_table t;
    table_init(&t, 7, head);
    json_t *fams = json_object_get(rep, "families");
    struct { const char *name; json_t *s; } rows[6] = {{"model", rep}, {"baseline", json_object_get(rep, "baseline")}};
    int nr = 2;
    const char *fam;
    json_t *v;
    json_object_foreach(fams, fam, v) {
        static char names[2][2][32];
        int k = nr / 2 - 1;
        snprintf(names[k][0], 32, "model %s", fam);
        snprintf(names[k][1], 32, "baseline %s", fam);
        rows[nr].name = names[k][0];
        rows[nr++].s = v;
        rows[nr].name = names[k][1];
        rows[nr++].s = json_object_get(v, "baseline");
    }
    for (int i = 0; i < nr; i++) {
        json_t *s = rows[i].s;
        table_addf(&t, "%s\t%.2f%%\t%.2f%%\t%.2f%%\t%.2f%%\t%s\t%s", rows[i].name,
                   json_real_value(json_object_get(s, "dsp_mape")), json_real_value(json_object_get(s, "bram_mape")),
                   json_real_value(json_object_get(s, "lut_mape")), json_real_value(json_object_get(s, "ff_mape")),
                   json_string_value(json_object_get(s, "dsp_exact")), json_string_value(json_object_get(s, "bram_exact")));
    }
    table_print(&t, FMT_TABLE, stdout);
    table_free(&t);
}

static void print_mixq_table(json_t *rep)
{
    static const char *head[] = {"model", "dsp_mape", "bram_mape", "lut_mape", "ff_mape", "period_mae", "dsp_exact",
                                 "bram_exact"};
    printf("held-out rows: %d of %d (seed %d), data %s\n\n", (int)json_integer_value(json_object_get(rep, "rows")),
           (int)json_integer_value(json_object_get(rep, "dataset_rows")),
           (int)json_integer_value(json_object_get(rep, "seed")), json_string_value(json_object_get(rep, "data")));
    out_table t;
    table_init(&t, 8, head);
    json_t *kinds = json_object_get(rep, "kinds");
    struct { const char *name; json_t *s; } rows[] = {
        {"model", rep}, {"baseline", json_object_get(rep, "baseline")},
        {"model FP", json_object_get(kinds, "FP_Opt")}, {"baseline FP", json_object_get(json_object_get(kinds, "FP_Opt"), "baseline")},
        {"model KP", json_object_get(kinds, "KP_Opt")}, {"baseline KP", json_object_get(json_object_get(kinds, "KP_Opt"), "baseline")}};
    for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
        json_t *s = rows[i].s;
        if (!s)
            continue;
        table_addf(&t, "%s\t%.2f%%\t%.2f%%\t%.2f%%\t%.2f%%\t%.3f ns\t%s\t%s", rows[i].name,
                   json_real_value(json_object_get(s, "dsp_mape")), json_real_value(json_object_get(s, "bram_mape")),
                   json_real_value(json_object_get(s, "lut_mape")), json_real_value(json_object_get(s, "ff_mape")),
                   json_real_value(json_object_get(s, "period_mae_ns")),
                   json_string_value(json_object_get(s, "dsp_exact")), json_string_value(json_object_get(s, "bram_exact")));
    }
    table_print(&t, FMT_TABLE, stdout);
    table_free(&t);
}

int cmd_calibrate(int argc, char **argv)
{
    static const struct option opts[] = {{"fit", no_argument, 0, 'F'},         {"report", no_argument, 0, 'r'},
                                         {"data", required_argument, 0, 'd'},  {"coeffs", required_argument, 0, 'c'},
                                         {"seed", required_argument, 0, 's'},  {"format", required_argument, 0, 'o'},
                                         {"target", required_argument, 0, 't'}, {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    char data[1024], coeffs[1024];
    snprintf(data, sizeof data, "%s/resources/yosys_rtl.csv", tf2sim_config_dir());
    snprintf(coeffs, sizeof coeffs, "%s/%s", tf2sim_config_dir(), RESOURCE_FIT_FILE);
    bool do_fit = false, mixq = false, data_set = false, coeffs_set = false;
    long seed = CALIB_SEED;
    out_format fmt = FMT_TABLE;
    tf_err e;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'F': do_fit = true; break;
        case 'r': break; /* the report is always printed */
        case 'd': snprintf(data, sizeof data, "%s", optarg), data_set = true; break;
        case 'c': snprintf(coeffs, sizeof coeffs, "%s", optarg), coeffs_set = true; break;
        case 't':
            if (strcmp(optarg, "rtl") && strcmp(optarg, "mixq-hls"))
                return cli_failf("--target: '%s' is not one of rtl, mixq-hls", optarg);
            mixq = strcmp(optarg, "mixq-hls") == 0;
            break;
        case 's': if (cli_parse_long("--seed", optarg, 0, 4294967295L, &seed, &e)) return cli_fail(&e); break;
        case 'o':
            if (cli_parse_format(optarg, &fmt) || fmt == FMT_CSV)
                return cli_failf("--format: '%s' is not one of table, json", optarg);
            break;
        case 'h': fputs(HELP, stdout); return 0;
        default: return cli_failf("calibrate: unknown or incomplete option '%s' (tf2sim calibrate --help)", argv[optind - 1]);
        }
    }
    if (optind < argc)
        return cli_failf("calibrate: unexpected argument '%s' (tf2sim calibrate --help)", argv[optind]);
    if (mixq) {
        if (!data_set)
            mixq_data_default(data, sizeof data);
        if (!coeffs_set)
            snprintf(coeffs, sizeof coeffs, "%s/%s", tf2sim_config_dir(), MIXQ_FIT_FILE);
        json_t *rep = mixq_calibrate_run(data, coeffs, (unsigned)seed, do_fit, &e);
        if (!rep)
            return cli_fail(&e);
        if (fmt == FMT_JSON)
            json_print(rep, stdout);
        else
            print_mixq_table(rep);
        json_decref(rep);
        return 0;
    }
    synth_row *rows;
    int n;
    if (synth_rows_load(data, &rows, &n, &e))
        return cli_fail(&e);
    bool *held = calloc((size_t)n, sizeof *held);
    if (!held) {
        free(rows);
        return cli_failf("out of memory");
    }
    calibrate_split(rows, n, (unsigned)seed, CALIB_HOLDOUT, held);
    resource_fit fit;
    int rc = 0;
    if (do_fit) {
        if (calibrate_fit(rows, n, held, &fit, &e)) {
            rc = cli_fail(&e);
            goto out;
        }
        snprintf(fit.path, sizeof fit.path, "%s", coeffs);
        int ntrain = 0;
        for (int i = 0; i < n; i++)
            ntrain += !held[i];
        const char *base = strrchr(data, '/');
        json_t *meta = json_pack("{s:s,s:s,s:{s:I,s:f,s:i},s:s}", "comment",
                                 "LUT/FF coefficients of the RTL resource model (dse/resources/resources_rtl.c), fitted by "
                                 "`tf2sim calibrate --fit` to the yosys counts beside this file; do not edit by hand",
                                 "data", base ? base + 1 : data, "holdout", "seed", (json_int_t)seed, "fraction",
                                 CALIB_HOLDOUT, "train_rows", ntrain, "fitted_with", "gsl_multifit_wlinear_tsvd, weights 1/y^2");
        json_t *j = resource_fit_to_json(&fit, meta);
        if (json_dump_file(j, coeffs, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(6))) {
            json_decref(j);
            rc = cli_failf("calibrate: cannot write %s", coeffs);
            goto out;
        }
        json_decref(j);
        fprintf(stderr, "calibrate: fitted on %d of %d rows, wrote %s\n", ntrain, n, coeffs);
    }
    if (resource_fit_load(&fit, coeffs, &e)) {
        rc = cli_fail(&e);
        goto out;
    }
    json_t *rep = calibrate_report(rows, n, held, &fit);
    json_object_set_new(rep, "data", json_string(data));
    json_object_set_new(rep, "coeffs", json_string(coeffs));
    json_object_set_new(rep, "seed", json_integer((json_int_t)seed));
    json_object_set_new(rep, "dataset_rows", json_integer(n));
    if (fmt == FMT_JSON)
        json_print(rep, stdout);
    else {
        printf("held-out rows: %d of %d (seed %ld), data %s\n\n", (int)json_integer_value(json_object_get(rep, "rows")), n,
               seed, data);
        print_table(rep);
    }
    json_decref(rep);
out:
    free(held);
    free(rows);
    return rc;
}
