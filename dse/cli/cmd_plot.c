/* cmd_plot.c: `tf2sim plot` — designs of a results DB and their front, or one design's
 * per-layer cycles, via gnuplot. */
#include <getopt.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "report/plot.h"
#include "store/results.h"
#include "store/store.h"

static const char HELP[] =
    "usage: tf2sim plot --db FILE --out FILE.png|FILE.svg [--x dsp] [--y fps] [--colour COL] [--run ID|--all] [--net NET]\n"
    "       tf2sim plot --db FILE --out FILE.png|FILE.svg --layers ID\n"
    "  --x, --y, --colour  fps, accuracy, dsp, bram18, lut, ff, latency (default x dsp, y fps, no colour)\n"
    "                      e.g. --x fps --y accuracy --colour dsp; designs without accuracy are left out\n"
    "  --layers ID         bar chart of design ID's cycles per layer (the bottleneck in red)\n";

/* Bar chart of one stored design's cycles per layer. */
int plot_design_layers(store *st, int64_t id, const char *out, tf_err *e)
{
    sqlite3 *db = store_sqlite(st);
    sqlite3_stmt *q;
    if (sqlite3_prepare_v2(db, "SELECT l.name, l.cycles, d.net FROM layer_results l JOIN designs d ON d.id = l.design_id"
                               " WHERE l.design_id=? ORDER BY l.layer_idx", -1, &q, NULL) != SQLITE_OK)
        return tf_errf(e, "query layers: %s", sqlite3_errmsg(db));
    sqlite3_bind_int64(q, 1, id);
    int n = 0, cap = 0;
    layer_bar *bars = NULL;
    char title[160] = "";
    while (sqlite3_step(q) == SQLITE_ROW) {
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            layer_bar *nb = realloc(bars, sizeof *bars * (size_t)cap);
            if (!nb)
                break;
            bars = nb;
        }
        bars[n].name = strdup((const char *)sqlite3_column_text(q, 0));
        bars[n].cycles = (double)sqlite3_column_int64(q, 1);
        snprintf(title, sizeof title, "%s, design %lld: cycles per layer", (const char *)sqlite3_column_text(q, 2),
                 (long long)id);
        n++;
    }
    sqlite3_finalize(q);
    int rc = n ? plot_layers(bars, n, out, title, e) : tf_errf(e, "--layers: no design with id %lld", (long long)id);
    for (int i = 0; i < n; i++)
        free((char *)bars[i].name);
    free(bars);
    return rc;
}

int cmd_plot(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {"out", required_argument, 0, 'o'},
                                         {"x", required_argument, 0, 'x'}, {"y", required_argument, 0, 'y'},
                                         {"colour", required_argument, 0, 'c'}, {"color", required_argument, 0, 'c'},
                                         {"layers", required_argument, 0, 'l'},
                                         {"run", required_argument, 0, 'r'}, {"all", no_argument, 0, 'a'},
                                         {"net", required_argument, 0, 'n'}, {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *db = NULL, *out = NULL, *xs = "dsp", *ys = "fps", *cs = NULL, *netname = NULL;
    long run = 0, layers_of = 0;
    bool all = false;
    tf_err e;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'o': out = optarg; break;
        case 'x': xs = optarg; break;
        case 'y': ys = optarg; break;
        case 'c': cs = optarg; break;
        case 'l': if (cli_parse_long("--layers", optarg, 1, 1L << 62, &layers_of, &e)) return cli_fail(&e); break;
        case 'r': if (cli_parse_long("--run", optarg, 1, 1L << 62, &run, &e)) return cli_fail(&e); break;
        case 'a': all = true; break;
        case 'n': netname = optarg; break;
        case 'h': fputs(HELP, stdout); return 0;
        default: return cli_failf("plot: unknown or incomplete option '%s' (tf2sim plot --help)", argv[optind - 1]);
        }
    }
    if (!db || !out)
        return cli_failf("plot: --db FILE and --out FILE.png|.svg are required");
    if (plot_check_out(out, &e))
        return cli_fail(&e);
    int xcol, ycol, ccol = -1;
    if (results_objective(xs, &xcol) || results_objective(ys, &ycol) || (cs && results_objective(cs, &ccol)))
        return cli_failf("plot: --x/--y/--colour must be fps, accuracy, dsp, bram18, lut, ff or latency (got '%s', '%s', '%s')",
                         xs, ys, cs ? cs : "");
    store *st;
    if (store_open_readonly(&st, db, &e))
        return cli_fail(&e);
    if (layers_of) {
        int rc = plot_design_layers(st, layers_of, out, &e);
        store_close(st);
        if (rc)
            return cli_fail(&e);
        fprintf(stderr, "wrote %s\n", out);
        return 0;
    }
    design_rows rows;
    int64_t run_id = all ? 0 : (run ? run : results_last_run(st));
    int rc = results_load(st, run_id, netname, &rows, &e);
    store_close(st);
    if (rc)
        return cli_fail(&e);
    /* Accuracy is NULL for designs of nets without data: plot only measured ones. */
    bool need_acc = strcmp(xs, "accuracy") == 0 || strcmp(ys, "accuracy") == 0 || (cs && strcmp(cs, "accuracy") == 0);
    int kept = 0;
    for (int i = 0; i < rows.n; i++)
        if (!need_acc || rows.rows[i].accuracy >= 0)
            rows.rows[kept++] = rows.rows[i];
    rows.n = kept;
    if (rows.n == 0) {
        results_free(&rows);
        return cli_failf("plot: no designs%s in %s", need_acc ? " with a measured accuracy" : "", db);
    }
    char title[160];
    snprintf(title, sizeof title, "%s: %d designs", rows.rows[0].net, rows.n);
    plot_spec ps = {.out = out, .title = title, .xcol = xcol, .ycol = ycol, .colour_col = ccol};
    rc = plot_front(&rows, &ps, &e);
    results_free(&rows);
    if (rc)
        return cli_fail(&e);
    fprintf(stderr, "wrote %s\n", out);
    return 0;
}
