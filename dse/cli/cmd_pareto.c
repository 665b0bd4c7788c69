/* cmd_pareto.c: `tf2sim pareto` — the non-dominated designs of a results DB. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "store/results.h"
#include "store/store.h"

static const char HELP[] =
    "usage: tf2sim pareto --db FILE [--objectives fps,dsp[,...]] [--run ID|--all] [--net NET] [--format F]\n"
    "  --objectives  2 or 3 of: fps, accuracy (maximised); dsp, bram18, lut, ff, latency (minimised)\n"
    "                (default fps,dsp)\n"
    "  --run ID      designs of one run (default: the newest run); --all: every design in the DB\n";

int cmd_pareto(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {"objectives", required_argument, 0, 'o'},
                                         {"run", required_argument, 0, 'r'}, {"all", no_argument, 0, 'a'},
                                         {"net", required_argument, 0, 'n'}, {"format", required_argument, 0, 'f'},
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *db = NULL, *objs = "fps,dsp", *netname = NULL;
    long run = 0;
    bool all = false;
    out_format fmt = FMT_TABLE;
    tf_err e;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'o': objs = optarg; break;
        case 'r': if (cli_parse_long("--run", optarg, 1, 1L << 62, &run, &e)) return cli_fail(&e); break;
        case 'a': all = true; break;
        case 'n': netname = optarg; break;
        case 'f': if (cli_parse_format(optarg, &fmt)) return cli_failf("--format: '%s' is not one of table, json, csv", optarg); break;
        case 'h': fputs(HELP, stdout); return 0;
        default: return cli_failf("pareto: unknown or incomplete option '%s' (tf2sim pareto --help)", argv[optind - 1]);
        }
    }
    if (!db)
        return cli_failf("pareto: --db FILE is required");
    int cols[3], m = 0;
    char buf[256];
    snprintf(buf, sizeof buf, "%s", objs);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (m == 3)
            return cli_failf("--objectives: at most 3 objectives (got '%s')", objs);
        if (results_objective(tok, &cols[m++]))
            return cli_failf("--objectives: unknown objective '%s' (allowed: fps, accuracy, dsp, bram18, lut, ff, latency)", tok);
    }
    if (m < 2)
        return cli_failf("--objectives: give 2 or 3 objectives (got '%s')", objs);
    store *st;
    if (store_open_readonly(&st, db, &e))
        return cli_fail(&e);
    design_rows rows;
    int64_t run_id = all ? 0 : (run ? run : results_last_run(st));
    if (results_load(st, run_id, netname, &rows, &e)) {
        store_close(st);
        return cli_fail(&e);
    }
    unsigned char *mask = malloc((size_t)(rows.n ? rows.n : 1));
    int nf = mask ? results_front(&rows, m, cols, mask) : -1;
    if (nf < 0) {
        results_free(&rows);
        store_close(st);
        return cli_failf("out of memory");
    }
    static const char *head[] = {"id", "fps", "interval", "latency", "dsp", "bram18", "lut", "ff", "accuracy", "bitw", "bita"};
    out_table t;
    table_init(&t, 11, head);
    json_t *arr = json_array();
    for (int i = 0; i < rows.n; i++) {
        if (!mask[i])
            continue;
        const design_row *r = &rows.rows[i];
        char acc[32] = "";
        if (r->accuracy >= 0)
            snprintf(acc, sizeof acc, "%.4f", r->accuracy);
        table_addf(&t, "%lld\t%.2f\t%llu\t%llu\t%d\t%d\t%ld\t%ld\t%s\t%s\t%s", (long long)r->id, r->fps,
                   (unsigned long long)r->interval_cycles, (unsigned long long)r->latency_cycles, r->dsp, r->bram18,
                   r->lut, r->ff, acc, r->bitw, r->bita);
        json_t *j = json_pack("{s:I,s:s,s:f,s:I,s:I,s:i,s:i,s:I,s:I,s:s,s:s}", "id", (json_int_t)r->id, "hash",
                              r->hash, "fps", r->fps, "interval_cycles", (json_int_t)r->interval_cycles,
                              "latency_cycles", (json_int_t)r->latency_cycles, "dsp", r->dsp, "bram18", r->bram18,
                              "lut", (json_int_t)r->lut, "ff", (json_int_t)r->ff, "bitw", r->bitw, "bita", r->bita);
        json_object_set_new(j, "accuracy", r->accuracy >= 0 ? json_real(r->accuracy) : json_null());
        json_array_append_new(arr, j);
    }
    if (fmt == FMT_JSON) {
        json_t *o = json_pack("{s:s,s:I,s:i,s:i,s:o}", "objectives", objs, "run_id", (json_int_t)run_id,
                              "designs", rows.n, "front_size", nf, "front", arr);
        json_print(o, stdout);
        json_decref(o);
    } else {
        if (fmt == FMT_TABLE)
            printf("%d non-dominated of %d designs (%s; %s)\n", nf, rows.n, objs,
                   run_id ? "one run" : "whole database");
        table_print(&t, fmt, stdout);
        json_decref(arr);
    }
    table_free(&t);
    free(mask);
    results_free(&rows);
    store_close(st);
    return 0;
}
