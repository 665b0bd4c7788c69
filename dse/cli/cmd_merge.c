/* cmd_merge.c: `tf2sim merge OUT.db IN.db...` — combine shard databases, idempotently. */
#include <getopt.h>
#include <string.h>

#include "cli.h"
#include "store/store.h"

static const char HELP[] =
    "usage: tf2sim merge OUT.db IN.db [IN.db...] [--format table|json|csv]\n"
    "  copies runs, designs (once per hash), per-layer results and the accuracy cache of each IN into OUT\n"
    "  (created if missing); merging the same file again adds nothing\n";

int cmd_merge(int argc, char **argv)
{
    static const struct option opts[] = {{"format", required_argument, 0, 'f'}, {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    out_format fmt = FMT_TABLE;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c == 'h') {
            fputs(HELP, stdout);
            return 0;
        }
        if (c == 'f' && cli_parse_format(optarg, &fmt) == 0)
            continue;
        if (c == 'f')
            return cli_failf("--format: '%s' is not one of table, json, csv", optarg);
        return cli_failf("merge: unknown or incomplete option '%s' (tf2sim merge --help)", argv[optind - 1]);
    }
    if (argc - optind < 2)
        return cli_failf("merge: give OUT.db and at least one IN.db");
    const char *out = argv[optind];
    for (int i = optind + 1; i < argc; i++)
        if (strcmp(argv[i], out) == 0)
            return cli_failf("merge: input %s is the output database", argv[i]);
    tf_err e;
    store *st;
    if (store_open(&st, out, &e))
        return cli_fail(&e);
    static const char *head[] = {"input", "new_designs", "new_runs"};
    out_table t;
    table_init(&t, 3, head);
    json_t *arr = json_array();
    int rc = 0;
    for (int i = optind + 1; i < argc && !rc; i++) {
        long nd = 0, nr = 0;
        if (store_merge(st, argv[i], &nd, &nr, &e)) {
            rc = cli_fail(&e);
            break;
        }
        table_addf(&t, "%s\t%ld\t%ld", argv[i], nd, nr);
        json_array_append_new(arr, json_pack("{s:s,s:I,s:I}", "input", argv[i], "new_designs", (json_int_t)nd,
                                             "new_runs", (json_int_t)nr));
    }
    store_close(st);
    if (!rc) {
        if (fmt == FMT_JSON) {
            json_t *j = json_pack("{s:s,s:O}", "output", out, "inputs", arr);
            json_print(j, stdout);
            json_decref(j);
        } else {
            table_print(&t, fmt, stdout);
        }
    }
    json_decref(arr);
    table_free(&t);
    return rc;
}
