/* export.c: stored design -> fold JSON or DeepBurning-MixQ configuration files. */
#include "export.h"

#include <errno.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "net/design.h"
#include "resources/mixq_gen.h"

char *export_design_json(store *s, int64_t id, char *net_name, char *device_name, size_t cap, tf_err *e)
{
    sqlite3 *db = store_sqlite(s);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, "SELECT canonical, net, device FROM designs WHERE id=?", -1, &st, NULL) != SQLITE_OK) {
        tf_errf(e, "query design: %s", sqlite3_errmsg(db));
        return NULL;
    }
    sqlite3_bind_int64(st, 1, id);
    char *out = NULL;
    if (sqlite3_step(st) == SQLITE_ROW) {
        out = strdup((const char *)sqlite3_column_text(st, 0));
        snprintf(net_name, cap, "%s", (const char *)sqlite3_column_text(st, 1));
        snprintf(device_name, cap, "%s", (const char *)sqlite3_column_text(st, 2));
    } else {
        tf_errf(e, "--design: no design with id %lld in the database", (long long)id);
    }
    sqlite3_finalize(st);
    return out;
}

static FILE *open_in(const char *dir, const char *name, char *path, size_t cap, tf_err *e)
{
    snprintf(path, cap, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f)
        tf_errf(e, "%s: cannot write: %s", path, strerror(errno));
    return f;
}

int export_mixq_write(const net *n, const design *ds, const device *dv, const char *origin, FILE *fs, FILE *fh,
                      tf_err *e)
{
    /* GEN Accelerator_Template.write_hls_config: its banner, then per conv "// conv_n" and one
     * "#define CONV_n_FIELD value" per field the layer has, in GEN's name_mapping order, a blank line */
    fprintf(fs, "simd pe\n");
    fprintf(fh, "/********************************************************************************\n"
                "* Filename: config.h\n"
                "* Date: %s\n"
                "* Description: configuration file for the generated accelerator\n"
                "********************************************************************************/\n\n"
                "#ifndef _CONFIG_H_\n#define _CONFIG_H_\n\n",
            origin);
    int conv = 0;
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        if (!layer_is_compute(l))
            continue;
        const layer_fold *f = &ds->fold[i];
        mixq_gen_cfg c;
        if (mixq_gen_config(n, ds, dv, i, NULL, &c, e))
            return -1;
        fprintf(fs, "%d %d\n", f->simd, f->pe);
        fprintf(fh, "// conv_%d\n", conv);
        if (f->sched != SCHED_FP && f->sched != SCHED_KP) /* GEN's generator has FP and KP arrays only */
            fprintf(fh, "// %s: schedule %s is not a GEN array template\n", l->name, schedule_name(f->sched));
        /* the head (raw accumulator) has no BN: no INC_BIT, no L_SHIFT; BIAS_BIT only with a conv bias */
        const struct { const char *name; int v; bool has; } fld[] = {
            {"K", c.g.k, true},              {"IN_CH", c.g.cin, true},
            {"IN_H", c.g.hin, true},         {"IN_W", c.g.win, true},
            {"OUT_CH", c.g.cout, true},      {"IN_BIT", c.a_bits, true},
            {"W_BIT", c.w_bits, true},       {"INC_BIT", c.inc_bits, !c.g.head},
            {"BIAS_BIT", c.bias_bits, !c.g.head || l->bias},
            {"OUT_BIT", c.g.obits, true},    {"SIMD", f->simd, true},
            {"PE", f->pe, true},             {"L_SHIFT", c.l_shift, !c.g.head},
            {"ACTP", c.g.actp, true},        {"Kp", c.g.kp, true},
            {"Np", c.g.np, true},            {"GUARD_BIT", c.packed ? c.guard_bits : 0, true},
            {"KPF", c.g.kpf, true}};
        for (size_t k = 0; k < sizeof fld / sizeof *fld; k++)
            if (fld[k].has)
                fprintf(fh, "#define CONV_%d_%s %d\n", conv, fld[k].name, fld[k].v);
        fputc('\n', fh);
        conv++;
    }
    fprintf(fh, "#endif\n");
    return 0;
}

int export_mixq(store *s, int64_t id, const char *dir, tf_err *e)
{
    char netname[64], devname[64];
    char *canon = export_design_json(s, id, netname, devname, sizeof netname, e);
    if (!canon)
        return -1;
    net n;
    device dv;
    design ds;
    int rc = -1;
    if (net_load_named(&n, netname, e)) {
        free(canon);
        return tf_err_prefix(e, "design %lld is of net %s", (long long)id, netname);
    }
    if (device_load_named(&dv, devname, e)) {
        net_free(&n);
        free(canon);
        return -1;
    }
    /* The canonical JSON is a fold file: load it through the same checked path. */
    rc = design_parse_fold(&ds, &n, &dv, "design", canon, e);
    if (rc)
        goto out_doc;
    rc = -1;
    if (ds.arch != ARCH_DATAFLOW) {
        tf_errf(e, "--format mixq: design %lld is an %s design; MixQ configs describe dataflow designs", (long long)id,
                arch_name(ds.arch));
        goto out_design;
    }
    char p1[1200], p2[1200];
    FILE *fs = open_in(dir, "config_simd_pe.txt", p1, sizeof p1, e);
    if (!fs)
        goto out_design;
    FILE *fh = open_in(dir, "config.h", p2, sizeof p2, e);
    if (!fh) {
        fclose(fs);
        goto out_design;
    }
    char origin[256];
    snprintf(origin, sizeof origin, "tf2sim export, net %s, device %s, design %lld, %.0f MHz", n.name, dv.name,
             (long long)id, ds.clock_mhz);
    int wrc = export_mixq_write(&n, &ds, &dv, origin, fs, fh, e);
    if (wrc) {
        fclose(fs);
        fclose(fh);
        goto out_design;
    }
    rc = (fclose(fs) | fclose(fh)) ? tf_errf(e, "%s: write failed", dir) : 0;
out_design:
    design_free(&ds);
out_doc:
    net_free(&n);
    free(canon);
    return rc;
}
