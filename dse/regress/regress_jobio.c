/* regress_jobio.c: job and result files between the C side and the SystemC testbench
 * program (see rtl/cu_sim.h); compiled into tf2sim_dse and into tf2sim_rtl_sc. */
#include "../../rtl/cu_sim.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(char *err, size_t cap, const char *fmt, ...)
{
    if (err && cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, cap, fmt, ap);
        va_end(ap);
    }
    return -1;
}

#define JOB_MAGIC 0x324a5543u /* "CUJ2" */
#define RES_MAGIC 0x31525543u /* "CUR1" */
#define NFIELDS 17

static void layer_fields(const cu_layer *l, int32_t f[NFIELDS])
{
    const int v[NFIELDS] = {l->cin, l->cout, l->h, l->w, l->k, l->stride, l->pad, l->depthwise, l->oh,
                            l->ow, l->simd, l->pe, l->sac, l->pack, l->requant, l->relu, l->shift};
    for (int i = 0; i < NFIELDS; i++)
        f[i] = v[i];
}

static size_t wcount(const cu_layer *l) { return (size_t)l->cout * (size_t)(l->depthwise ? 1 : l->cin) * (size_t)(l->k * l->k); }
static size_t xcount(const cu_layer *l) { return (size_t)l->cin * (size_t)l->h * (size_t)l->w; }
static size_t ycount(const cu_layer *l) { return (size_t)l->cout * (size_t)l->oh * (size_t)l->ow; }

int cu_job_save(const char *path, const cu_job *j, char *err, size_t cap)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return fail(err, cap, "%s: cannot write", path);
    uint32_t magic = JOB_MAGIC;
    int32_t fl[NFIELDS + 5];
    layer_fields(&j->l, fl);
    fl[NFIELDS] = j->l.obit;
    fl[NFIELDS + 1] = (j->inc ? 1 : 0) | (j->bias ? 2 : 0);
    fl[NFIELDS + 2] = j->stall_in_pct;
    fl[NFIELDS + 3] = j->stall_out_pct;
    fl[NFIELDS + 4] = (int32_t)j->stall_seed;
    int ok = fwrite(&magic, 4, 1, f) == 1 && fwrite(fl, sizeof fl, 1, f) == 1 &&
             fwrite(j->w, sizeof *j->w, wcount(&j->l), f) == wcount(&j->l) &&
             fwrite(j->x, sizeof *j->x, xcount(&j->l), f) == xcount(&j->l) &&
             (!j->inc || fwrite(j->inc, 8, (size_t)j->l.cout, f) == (size_t)j->l.cout) &&
             (!j->bias || fwrite(j->bias, 8, (size_t)j->l.cout, f) == (size_t)j->l.cout);
    if (fclose(f) || !ok)
        return fail(err, cap, "%s: write failed", path);
    return 0;
}

void cu_job_free(cu_job *j)
{
    free((void *)j->w);
    free((void *)j->x);
    free((void *)j->inc);
    free((void *)j->bias);
    free(j->y);
    memset(j, 0, sizeof *j);
}

int cu_job_load(const char *path, cu_job *j, char *err, size_t cap)
{
    memset(j, 0, sizeof *j);
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(err, cap, "%s: cannot read", path);
    uint32_t magic = 0;
    int32_t fl[NFIELDS + 5];
    if (fread(&magic, 4, 1, f) != 1 || magic != JOB_MAGIC || fread(fl, sizeof fl, 1, f) != 1) {
        fclose(f);
        return fail(err, cap, "%s: not a job file", path);
    }
    cu_layer *l = &j->l;
    int *dst[NFIELDS] = {&l->cin, &l->cout, &l->h, &l->w, &l->k, &l->stride, &l->pad, &l->depthwise, &l->oh,
                         &l->ow, &l->simd, &l->pe, &l->sac, &l->pack, &l->requant, &l->relu, &l->shift};
    for (int i = 0; i < NFIELDS; i++)
        *dst[i] = fl[i];
    l->obit = fl[NFIELDS];
    j->stall_in_pct = fl[NFIELDS + 2];
    j->stall_out_pct = fl[NFIELDS + 3];
    j->stall_seed = (uint32_t)fl[NFIELDS + 4];
    if (cu_layer_derive(l, err, cap)) {
        fclose(f);
        return -1;
    }
    int32_t *w = malloc(wcount(l) * sizeof *w), *x = malloc(xcount(l) * sizeof *x);
    int64_t *inc = (fl[NFIELDS + 1] & 1) ? malloc((size_t)l->cout * 8) : NULL;
    int64_t *bias = (fl[NFIELDS + 1] & 2) ? malloc((size_t)l->cout * 8) : NULL;
    j->w = w;
    j->x = x;
    j->inc = inc;
    j->bias = bias;
    j->y = calloc(ycount(l), sizeof *j->y);
    int ok = w && x && j->y && fread(w, sizeof *w, wcount(l), f) == wcount(l) &&
             fread(x, sizeof *x, xcount(l), f) == xcount(l) &&
             (!(fl[NFIELDS + 1] & 1) || (inc && fread(inc, 8, (size_t)l->cout, f) == (size_t)l->cout)) &&
             (!(fl[NFIELDS + 1] & 2) || (bias && fread(bias, 8, (size_t)l->cout, f) == (size_t)l->cout));
    fclose(f);
    if (!ok) {
        cu_job_free(j);
        return fail(err, cap, "%s: truncated job file", path);
    }
    return 0;
}

int cu_result_save(const char *path, const cu_job *j, char *err, size_t cap)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return fail(err, cap, "%s: cannot write", path);
    uint32_t magic = RES_MAGIC;
    uint64_t n = ycount(&j->l);
    int ok = fwrite(&magic, 4, 1, f) == 1 && fwrite(&j->cycles, 8, 1, f) == 1 &&
             fwrite(&j->sim_seconds, 8, 1, f) == 1 && fwrite(&n, 8, 1, f) == 1 &&
             fwrite(j->y, sizeof *j->y, n, f) == n;
    if (fclose(f) || !ok)
        return fail(err, cap, "%s: write failed", path);
    return 0;
}

int cu_result_load(const char *path, cu_job *j, char *err, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return fail(err, cap, "%s: cannot read", path);
    uint32_t magic = 0;
    uint64_t n = 0;
    int ok = fread(&magic, 4, 1, f) == 1 && magic == RES_MAGIC && fread(&j->cycles, 8, 1, f) == 1 &&
             fread(&j->sim_seconds, 8, 1, f) == 1 && fread(&n, 8, 1, f) == 1 && n == ycount(&j->l) &&
             fread(j->y, sizeof *j->y, n, f) == n;
    fclose(f);
    return ok ? 0 : fail(err, cap, "%s: bad or truncated result file", path);
}
