/* cmd_plot.c: `tf2sim plot` — designs of a results DB and their front, via gnuplot. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "plot.h"
#include "results.h"
#include "store.h"

static const char HELP[] =
    "usage: tf2sim plot --db FILE --out FILE.png|FILE.svg [--x dsp] [--y fps] [--run ID|--all] [--net NET]\n"
    "  --x, --y   fps, accuracy, dsp, bram18, lut, ff, latency (default x dsp, y fps)\n";

int cmd_plot(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {"out", required_argument, 0, 'o'},
                                         {"x", required_argument, 0, 'x'}, {"y", required_argument, 0, 'y'},
                                         {"run", required_argument, 0, 'r'}, {"all", no_argument, 0, 'a'},
                                         {"net", required_argument, 0, 'n'}, {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *db = NULL, *out = NULL, *xs = "dsp", *ys = "fps", *netname = NULL;
    long run = 0;
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
        case 'r': if (cli_parse_long("--run", optarg, 1, 1L << 62, &run, &e)) return cli_fail(&e); break;
        case 'a': all = true; break;
        case 'n': netname = optarg; break;
        case 'h': fputs(HELP, stdout); return 0;
        default: return cli_failf("plot: unknown or incomplete option '%s' (tf2sim plot --help)", argv[optind - 1]);
        }
    }
    if (!db || !out)
        return cli_failf("plot: --db FILE and --out FILE.png|.svg are required");
    int xcol, ycol;
    if (results_objective(xs, &xcol) || results_objective(ys, &ycol))
        return cli_failf("plot: --x/--y must be fps, accuracy, dsp, bram18, lut, ff or latency (got '%s', '%s')", xs, ys);
    store *st;
    if (store_open_readonly(&st, db, &e))
        return cli_fail(&e);
    design_rows rows;
    int64_t run_id = all ? 0 : (run ? run : results_last_run(st));
    int rc = results_load(st, run_id, netname, &rows, &e);
    store_close(st);
    if (rc)
        return cli_fail(&e);
    char title[160];
    snprintf(title, sizeof title, "%s: %d designs", rows.n ? rows.rows[0].net : "", rows.n);
    plot_spec ps = {.out = out, .title = title, .xcol = xcol, .ycol = ycol};
    rc = plot_front(&rows, &ps, &e);
    results_free(&rows);
    if (rc)
        return cli_fail(&e);
    fprintf(stderr, "wrote %s\n", out);
    return 0;
}
