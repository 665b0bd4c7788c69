/* cmd_export.c: `tf2sim export` — a stored design as a fold JSON or as MixQ configs. */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "report/export.h"
#include "store/store.h"

static const char HELP[] =
    "usage: tf2sim export --db FILE --design ID --format json|mixq [--out PATH]\n"
    "  json  the design as a fold file (loadable by tf2sim sim --fold); --out FILE, default stdout\n"
    "  mixq  DeepBurning-MixQ's config_simd_pe.txt and the config.h its generator (GEN) writes; --out DIR (default .)\n";

int cmd_export(int argc, char **argv)
{
    static const struct option opts[] = {{"db", required_argument, 0, 'd'}, {"design", required_argument, 0, 'i'},
                                         {"format", required_argument, 0, 'f'}, {"out", required_argument, 0, 'o'},
                                         {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    const char *db = NULL, *fmt = NULL, *out = NULL;
    long id = 0;
    tf_err e;
    int c;
    optind = 1;
    opterr = 0;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'd': db = optarg; break;
        case 'i': if (cli_parse_long("--design", optarg, 1, 1L << 62, &id, &e)) return cli_fail(&e); break;
        case 'f': fmt = optarg; break;
        case 'o': out = optarg; break;
        case 'h': fputs(HELP, stdout); return 0;
        default: return cli_failf("export: unknown or incomplete option '%s' (tf2sim export --help)", argv[optind - 1]);
        }
    }
    if (!db || !id || !fmt)
        return cli_failf("export: --db FILE, --design ID and --format json|mixq are required");
    if (strcmp(fmt, "json") && strcmp(fmt, "mixq"))
        return cli_failf("--format: '%s' is not one of json, mixq", fmt);
    store *st;
    if (store_open_readonly(&st, db, &e))
        return cli_fail(&e);
    int rc = 0;
    if (strcmp(fmt, "json") == 0) {
        char netname[64], devname[64];
        char *canon = export_design_json(st, id, netname, devname, sizeof netname, &e);
        if (!canon) {
            rc = cli_fail(&e);
        } else {
            /* Pretty, but the same content as the stored canonical form. */
            json_t *j = json_loads(canon, 0, NULL);
            char *txt = json_dumps(j, JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(12));
            FILE *f = out ? fopen(out, "w") : stdout;
            if (!f) {
                rc = cli_failf("%s: cannot write", out);
            } else {
                fprintf(f, "%s\n", txt);
                if (out && fclose(f))
                    rc = cli_failf("%s: write failed", out);
            }
            free(txt);
            json_decref(j);
            free(canon);
        }
    } else {
        const char *dir = out ? out : ".";
        struct stat sb;
        if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
            rc = cli_failf("--out: '%s' is not an existing folder", dir);
        else if (export_mixq(st, id, dir, &e))
            rc = cli_fail(&e);
        else
            fprintf(stderr, "wrote %s/config_simd_pe.txt and %s/config.h\n", dir, dir);
    }
    store_close(st);
    return rc;
}
