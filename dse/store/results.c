/* results.c: loading stored designs and computing fronts over them. */
#include "results.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pareto.h"

enum { COL_FPS, COL_DSP, COL_BRAM, COL_LUT, COL_FF, COL_LATENCY, COL_ACCURACY, COL__N };
static const char *const COL_NAMES[COL__N] = {"fps", "dsp", "bram18", "lut", "ff", "latency", "accuracy"};

int results_objective(const char *name, int *col)
{
    if (strcmp(name, "bram") == 0)
        name = "bram18";
    for (int i = 0; i < COL__N; i++)
        if (strcmp(name, COL_NAMES[i]) == 0) {
            *col = i;
            return 0;
        }
    return -1;
}

const char *results_objective_name(int col)
{
    return (col >= 0 && col < COL__N) ? COL_NAMES[col] : "?";
}

double results_value(const design_row *r, int col)
{
    switch (col) {
    case COL_FPS: return -r->fps;
    case COL_DSP: return r->dsp;
    case COL_BRAM: return r->bram18;
    case COL_LUT: return (double)r->lut;
    case COL_FF: return (double)r->ff;
    case COL_LATENCY: return (double)r->latency_cycles / (r->clock_mhz > 0 ? r->clock_mhz : 1);
    case COL_ACCURACY: return r->accuracy < 0 ? 1e300 : -r->accuracy;
    }
    return 0;
}

static void col_text(sqlite3_stmt *st, int k, char *out, size_t cap)
{
    const unsigned char *t = sqlite3_column_text(st, k);
    snprintf(out, cap, "%s", t ? (const char *)t : "");
}

int results_load(store *s, int64_t run_id, const char *net_name, design_rows *out, tf_err *e)
{
    memset(out, 0, sizeof *out);
    sqlite3 *db = store_sqlite(s);
    const char *cols = "d.id, d.hash, d.net, d.device, d.arch, d.bitw, d.bita, d.clock_mhz, d.fps,"
                       " d.accuracy, d.interval_cycles, d.latency_cycles, d.dsp, d.bram18, d.lut, d.ff, d.feasible";
    char sql[1024];
    if (run_id > 0)
        snprintf(sql, sizeof sql, "SELECT %s FROM designs d JOIN run_designs r ON r.design_id=d.id"
                                  " WHERE r.run_id=?1 ORDER BY d.id", cols);
    else
        snprintf(sql, sizeof sql, "SELECT %s FROM designs d WHERE (?2 IS NULL OR d.net=?2) ORDER BY d.id", cols);
    sqlite3_stmt *st;
    if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
        return tf_errf(e, "query designs: %s", sqlite3_errmsg(db));
    if (run_id > 0)
        sqlite3_bind_int64(st, 1, run_id);
    else if (net_name)
        sqlite3_bind_text(st, 2, net_name, -1, SQLITE_STATIC);
    int cap = 0, rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (out->n == cap) {
            cap = cap ? cap * 2 : 256;
            design_row *nr = realloc(out->rows, sizeof(design_row) * (size_t)cap);
            if (!nr) {
                sqlite3_finalize(st);
                results_free(out);
                return tf_errf(e, "out of memory");
            }
            out->rows = nr;
        }
        design_row *r = &out->rows[out->n++];
        memset(r, 0, sizeof *r);
        int k = 0;
        r->id = sqlite3_column_int64(st, k++);
        col_text(st, k++, r->hash, sizeof r->hash);
        col_text(st, k++, r->net, sizeof r->net);
        col_text(st, k++, r->device, sizeof r->device);
        col_text(st, k++, r->arch, sizeof r->arch);
        col_text(st, k++, r->bitw, sizeof r->bitw);
        col_text(st, k++, r->bita, sizeof r->bita);
        r->clock_mhz = sqlite3_column_double(st, k++);
        r->fps = sqlite3_column_double(st, k++);
        r->accuracy = sqlite3_column_type(st, k) == SQLITE_NULL ? -1 : sqlite3_column_double(st, k);
        k++;
        r->interval_cycles = (uint64_t)sqlite3_column_int64(st, k++);
        r->latency_cycles = (uint64_t)sqlite3_column_int64(st, k++);
        r->dsp = sqlite3_column_int(st, k++);
        r->bram18 = sqlite3_column_int(st, k++);
        r->lut = (long)sqlite3_column_int64(st, k++);
        r->ff = (long)sqlite3_column_int64(st, k++);
        r->feasible = sqlite3_column_int(st, k++);
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_DONE) {
        results_free(out);
        return tf_errf(e, "query designs: %s", sqlite3_errmsg(db));
    }
    return 0;
}

void results_free(design_rows *r)
{
    free(r->rows);
    r->rows = NULL;
    r->n = 0;
}

int64_t results_last_run(store *s)
{
    sqlite3 *db = store_sqlite(s);
    sqlite3_stmt *st;
    int64_t id = 0;
    if (sqlite3_prepare_v2(db, "SELECT max(id) FROM runs", -1, &st, NULL) == SQLITE_OK) {
        if (sqlite3_step(st) == SQLITE_ROW)
            id = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
    }
    return id;
}

int results_front(const design_rows *r, int m, const int *cols, unsigned char *mask)
{
    double *v = malloc(sizeof(double) * (size_t)(r->n ? r->n : 1) * (size_t)m);
    if (!v)
        return -1;
    for (int i = 0; i < r->n; i++)
        for (int k = 0; k < m; k++)
            v[(size_t)i * m + k] = results_value(&r->rows[i], cols[k]);
    int c = pareto_mask(r->n, m, v, mask);
    free(v);
    return c;
}
