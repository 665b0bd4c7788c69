/* cmd_report.c: `tf2sim report` — a Markdown report of one sweep run: what ran, the
 * packing bound, the fronts, the chosen design's per-layer table, and the plots. */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "evaluate/evaluate.h"
#include "report/plot.h"
#include "store/results.h"
#include "store/store.h"

static const char HELP[] =
    "usage: tf2sim report --db FILE [--run ID] [--out report.md]\n"
    "  writes the Markdown report and its PNG plots next to it (default report.md)\n";

static void text_col(sqlite3_stmt *q, int k, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(q, k);
    snprintf(out, cap, "%s", t ? (const char *)t : "");
}

/* Writes the per-run front over (fps, cost) as a Markdown table. */
static void md_front(FILE *f, const design_rows *rows, const char *cost)
{
    int cols[2];
    results_objective("fps", &cols[0]);
    results_objective(cost, &cols[1]);
    unsigned char *mask = malloc((size_t)rows->n);
    if (!mask)
        return;
    int nf = results_front(rows, 2, cols, mask);
    fprintf(f, "| id | fps | interval (cycles) | DSP | BRAM18 | LUT | FF |\n|---|---|---|---|---|---|---|\n");
    /* Cheapest first. */
    for (int pass = 0, done = 0; done < nf && pass < rows->n; pass++) {
        int pick = -1;
        for (int i = 0; i < rows->n; i++)
            if (mask[i] == 1 && (pick < 0 || results_value(&rows->rows[i], cols[1]) < results_value(&rows->rows[pick], cols[1]) ||
                                 (results_value(&rows->rows[i], cols[1]) == results_value(&rows->rows[pick], cols[1]) &&
                                  rows->rows[i].fps > rows->rows[pick].fps)))
                pick = i;
        if (pick < 0)
            break;
        const design_row *r = &rows->rows[pick];
        fprintf(f, "| %lld | %.2f | %llu | %d | %d | %ld | %ld |\n", (long long)r->id, r->fps,
                (unsigned long long)r->interval_cycles, r->dsp, r->bram18, r->lut, r->ff);
        mask[pick] = 2;
        done++;
    }
    fprintf(f, "\n%d non-dominated of %d designs.\n\n", nf, rows->n);
    free(mask);
}

int cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {"run", required_argument, 0, 'r'},
                                         {"out", required_argument, 0, 'o'}, {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    const char *db = NULL, *out = "report.md";
    long run = 0;
    tf_err e;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'r': if (cli_parse_long("--run", optarg, 1, 1L << 62, &run, &e)) return cli_fail(&e); break;
        case 'o': out = optarg; break;
        case 'h': fputs(HELP, stdout); return 0;
        default: return cli_failf("report: unknown or incomplete option '%s' (tf2sim report --help)", argv[optind - 1]);
        }
    }
    if (!db)
        return cli_failf("report: --db FILE is required");
    size_t ol = strlen(out);
    if (ol < 4 || strcmp(out + ol - 3, ".md") != 0)
        return cli_failf("--out: '%s' must end in .md", out);
    store *st;
    if (store_open_readonly(&st, db, &e))
        return cli_fail(&e);
    int64_t run_id = run ? run : results_last_run(st);
    sqlite3 *sq = store_sqlite(st);
    sqlite3_stmt *q;
    char started[64] = "", finished[64] = "", args[1024] = "", commit[64] = "", netname[64] = "", devname[64] = "",
         strategy[32] = "", budget_js[256] = "";
    long evaluated = 0;
    int found = 0;
    if (sqlite3_prepare_v2(sq, "SELECT started_at, finished_at, args, git_commit, net, device, strategy, budget_json,"
                               " designs_evaluated FROM runs WHERE id=?", -1, &q, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(q, 1, run_id);
        if (sqlite3_step(q) == SQLITE_ROW) {
            found = 1;
            text_col(q, 0, started, sizeof started);
            text_col(q, 1, finished, sizeof finished);
            text_col(q, 2, args, sizeof args);
            text_col(q, 3, commit, sizeof commit);
            text_col(q, 4, netname, sizeof netname);
            text_col(q, 5, devname, sizeof devname);
            text_col(q, 6, strategy, sizeof strategy);
            text_col(q, 7, budget_js, sizeof budget_js);
            evaluated = (long)sqlite3_column_int64(q, 8);
        }
        sqlite3_finalize(q);
    }
    if (!found) {
        store_close(st);
        return cli_failf("report: no run %lld in %s", (long long)run_id, db);
    }
    design_rows rows;
    if (results_load(st, run_id, NULL, &rows, &e)) {
        store_close(st);
        return cli_fail(&e);
    }
    int rc = 0;
    FILE *f = NULL;
    if (rows.n == 0) {
        rc = cli_failf("report: run %lld has no designs", (long long)run_id);
        goto out;
    }
    const design_row *best = &rows.rows[0];
    for (int i = 1; i < rows.n; i++)
        if (rows.rows[i].fps > best->fps ||
            (rows.rows[i].fps == best->fps && (rows.rows[i].dsp < best->dsp ||
                                               (rows.rows[i].dsp == best->dsp && rows.rows[i].bram18 < best->bram18))))
            best = &rows.rows[i];
    /* Plots beside the report, named after it. */
    char stem[1024];
    snprintf(stem, sizeof stem, "%.*s", (int)(ol - 3), out);
    static const char *const PLOTS[][2] = {{"dsp", "fps"}, {"bram18", "fps"}, {"lut", "fps"}};
    char paths[5][1200];
    int nplots = 0;
    bool has_acc = false;
    for (int i = 0; i < rows.n; i++)
        has_acc |= rows.rows[i].accuracy >= 0;
    for (int p = 0; p < 3; p++) {
        int x, y;
        results_objective(PLOTS[p][0], &x);
        results_objective(PLOTS[p][1], &y);
        snprintf(paths[nplots], sizeof paths[0], "%s_%s_%s.png", stem, PLOTS[p][1], PLOTS[p][0]);
        char title[160];
        snprintf(title, sizeof title, "%s on %s, run %lld", netname, devname, (long long)run_id);
        plot_spec ps = {.out = paths[nplots], .title = title, .xcol = x, .ycol = y, .colour_col = -1};
        if (plot_front(&rows, &ps, &e)) {
            rc = cli_fail(&e);
            goto out;
        }
        nplots++;
    }
    snprintf(paths[nplots], sizeof paths[0], "%s_layers.png", stem);
    if (plot_design_layers(st, best->id, paths[nplots], &e)) {
        rc = cli_fail(&e);
        goto out;
    }
    nplots++;
    f = fopen(out, "w");
    if (!f) {
        rc = cli_failf("%s: cannot write: %s", out, strerror(errno));
        goto out;
    }
    fprintf(f, "# tf2sim sweep report: %s on %s\n\n", netname, devname);
    fprintf(f, "| | |\n|---|---|\n| command | `%s` |\n| run | %lld in `%s` |\n| started / finished | %s / %s |\n"
               "| git commit | `%s` |\n| strategy | %s |\n| budget | `%s` |\n| designs evaluated | %ld |\n"
               "| designs within budget | %d |\n| bits (w / a) | %s / %s |\n\n",
            args, (long long)run_id, db, started, finished[0] ? finished : "(not finished)", commit, strategy, budget_js,
            evaluated, rows.n, best->bitw, best->bita);
    net n;
    device dv;
    if (net_load_named(&n, netname, &e) == 0 && device_load_named(&dv, devname, &e) == 0) {
        json_t *bj = json_loads(budget_js, 0, NULL);
        int bdsp = bj ? (int)json_integer_value(json_object_get(bj, "dsp")) : dv.dsp;
        json_decref(bj);
        /* The bound needs the bits the run used: take them from the best design. */
        net m;
        if (net_clone(&m, &n, &e) == 0 && net_apply_bit_digits(&m, best->bitw, best->bita, &e) == 0) {
            double bound = packing_bound_cycles(&m, &dv, bdsp);
            fprintf(f, "## Bound\n\nPacking lower bound: **%.0f cycles** (every MAC at its layer's products per DSP, "
                       "spread over %d DSPs). The best design's interval is %llu cycles, **%.3f×** the bound.\n\n",
                    bound, bdsp, (unsigned long long)best->interval_cycles, best->interval_cycles / bound);
        }
        net_free(&m);
        net_free(&n);
    }
    fprintf(f, "## Pareto front: fps vs DSP\n\n![fps vs DSP](%s)\n\n", basename(paths[0]));
    md_front(f, &rows, "dsp");
    fprintf(f, "## Pareto front: fps vs BRAM18\n\n![fps vs BRAM18](%s)\n\n", basename(paths[1]));
    md_front(f, &rows, "bram18");
    fprintf(f, "## fps vs LUT\n\n![fps vs LUT](%s)\n\n", basename(paths[2]));
    fprintf(f, "## Chosen design: #%lld\n\n%.2f fps at %.0f MHz, interval %llu cycles, first-frame latency %llu cycles; "
               "DSP %d, BRAM18 %d, LUT %ld, FF %ld%s.\n\n",
            (long long)best->id, best->fps, best->clock_mhz, (unsigned long long)best->interval_cycles,
            (unsigned long long)best->latency_cycles, best->dsp, best->bram18, best->lut, best->ff,
            has_acc && best->accuracy >= 0 ? "" : "; accuracy not measured for this net");
    fprintf(f, "![cycles per layer](%s)\n\n", basename(paths[3]));
    out_table t;
    static const char *lhead[] = {"layer", "op", "w/a", "simd", "pe", "schedule", "cycles", "dsp", "bram18"};
    table_init(&t, 9, lhead);
    json_decref(sweep_layer_rows(st, best->id, &t));
    fprintf(f, "|");
    for (int k = 0; k < t.ncol; k++)
        fprintf(f, " %s |", t.head[k]);
    fprintf(f, "\n|");
    for (int k = 0; k < t.ncol; k++)
        fprintf(f, "---|");
    fprintf(f, "\n");
    for (int r = 0; r < t.nrow; r++) {
        fprintf(f, "|");
        for (int k = 0; k < t.ncol; k++)
            fprintf(f, " %s |", t.cells[(size_t)r * t.ncol + k]);
        fprintf(f, "\n");
    }
    table_free(&t);
    fprintf(f, "\nExport it with `tf2sim export --db %s --design %lld --format json|mixq`.\n", db, (long long)best->id);
    if (fclose(f))
        rc = cli_failf("%s: write failed", out);
    f = NULL;
    if (!rc)
        fprintf(stderr, "wrote %s and %d plots\n", out, nplots);
out:
    if (f)
        fclose(f);
    results_free(&rows);
    store_close(st);
    return rc;
}
