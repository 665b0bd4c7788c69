/* vcd.c: Value Change Dump writer (see vcd.h). */
#include "vcd.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct vcd_sig {
    char scope[64], name[96];
    int width;
    uint64_t value;
} vcd_sig;

struct vcd {
    FILE *f;
    char path[512];
    uint64_t from, to, last_t;
    bool header_done, started, time_written;
    int n, cap;
    vcd_sig *sig;
};

int vcd_open(vcd **out, const char *path, uint64_t from, uint64_t to, tf_err *e)
{
    *out = NULL;
    vcd *v = calloc(1, sizeof *v);
    if (!v)
        return tf_errf(e, "out of memory");
    v->f = fopen(path, "w");
    if (!v->f) {
        int err = errno;
        free(v);
        return tf_errf(e, "--trace: cannot write '%s': %s", path, strerror(err));
    }
    snprintf(v->path, sizeof v->path, "%s", path);
    v->from = from;
    v->to = to;
    *out = v;
    return 0;
}

static void id_code(int id, char out[8])
{
    int k = 0;
    do {
        out[k++] = (char)('!' + id % 94);
        id /= 94;
    } while (id && k < 6);
    out[k] = '\0';
}

int vcd_signal(vcd *v, const char *scope, const char *name, int width)
{
    if (!v || v->header_done)
        return -1;
    if (v->n == v->cap) {
        int nc = v->cap ? v->cap * 2 : 32;
        vcd_sig *ns = realloc(v->sig, sizeof *ns * (size_t)nc);
        if (!ns)
            return -1;
        v->sig = ns;
        v->cap = nc;
    }
    vcd_sig *s = &v->sig[v->n];
    memset(s, 0, sizeof *s);
    snprintf(s->scope, sizeof s->scope, "%s", scope);
    /* VCD identifiers cannot hold spaces or slashes well: keep names plain. */
    snprintf(s->name, sizeof s->name, "%s", name);
    for (char *c = s->name; *c; c++)
        if (*c == ' ' || *c == '/' || *c == '.' || *c == '[' || *c == ']')
            *c = '_';
    s->width = width < 1 ? 1 : width;
    return v->n++;
}

static void write_value(vcd *v, int id)
{
    char code[8];
    id_code(id, code);
    const vcd_sig *s = &v->sig[id];
    if (s->width == 1) {
        fprintf(v->f, "%c%s\n", s->value ? '1' : '0', code);
        return;
    }
    char bits[65];
    int k = 0;
    bool lead = true;
    for (int b = s->width - 1; b >= 0; b--) {
        int bit = (int)((s->value >> b) & 1);
        if (lead && !bit && b > 0)
            continue;
        lead = false;
        bits[k++] = (char)('0' + bit);
    }
    bits[k] = '\0';
    fprintf(v->f, "b%s %s\n", bits, code);
}

static void header(vcd *v)
{
    fprintf(v->f, "$date tf2sim $end\n$version tf2sim cycle model $end\n$timescale 1ns $end\n");
    const char *cur = NULL;
    for (int i = 0; i < v->n; i++) {
        if (!cur || strcmp(cur, v->sig[i].scope) != 0) {
            if (cur)
                fprintf(v->f, "$upscope $end\n");
            cur = v->sig[i].scope;
            char sc[64];
            snprintf(sc, sizeof sc, "%s", cur);
            for (char *c = sc; *c; c++)
                if (*c == ' ' || *c == '/' || *c == '.')
                    *c = '_';
            fprintf(v->f, "$scope module %s $end\n", sc);
        }
        char code[8];
        id_code(i, code);
        fprintf(v->f, "$var wire %d %s %s $end\n", v->sig[i].width, code, v->sig[i].name);
    }
    if (cur)
        fprintf(v->f, "$upscope $end\n");
    fprintf(v->f, "$enddefinitions $end\n");
    v->header_done = true;
}

static void start_dump(vcd *v)
{
    if (!v->header_done)
        header(v);
    fprintf(v->f, "#%llu\n$dumpvars\n", (unsigned long long)v->from);
    for (int i = 0; i < v->n; i++)
        write_value(v, i);
    fprintf(v->f, "$end\n");
    v->started = true;
    v->last_t = v->from;
}

void vcd_change(vcd *v, int id, uint64_t t, uint64_t value)
{
    if (!v || id < 0 || id >= v->n)
        return;
    if (!v->header_done)
        header(v);
    if (t < v->from || t > v->to) {
        if (t < v->from)
            v->sig[id].value = value;
        return;
    }
    if (!v->started)
        start_dump(v);
    if (v->sig[id].value == value)
        return;
    v->sig[id].value = value;
    if (t != v->last_t) {
        fprintf(v->f, "#%llu\n", (unsigned long long)t);
        v->last_t = t;
    }
    write_value(v, id);
}

int vcd_close(vcd *v, uint64_t t_end, tf_err *e)
{
    if (!v)
        return 0;
    if (!v->header_done)
        header(v);
    if (!v->started && t_end >= v->from)
        start_dump(v);
    uint64_t end = t_end < v->to ? t_end : v->to;
    if (v->started && end > v->last_t)
        fprintf(v->f, "#%llu\n", (unsigned long long)end);
    int rc = 0;
    if (fclose(v->f) != 0)
        rc = tf_errf(e, "--trace: error writing '%s'", v->path);
    free(v->sig);
    free(v);
    return rc;
}
