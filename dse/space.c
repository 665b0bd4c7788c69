/* space.c: enumerating and costing each layer's legal foldings. */
#include "space.h"

#include <stdlib.h>
#include <string.h>

#include "analytic.h"

/* Largest wbits*abits offered as a LUT multiplier (3x3 bits: ~10 LUT6 per product). */
enum { LUT_MULT_MAX_BITS = 9 };

static int divisors(int x, int *out, int cap)
{
    int n = 0;
    for (int d = 1; d <= x && n < cap; d++)
        if (x % d == 0)
            out[n++] = d;
    return n;
}

static int by_cycles_desc(const void *a, const void *b)
{
    const fold_option *x = a, *y = b;
    if (x->cycles != y->cycles)
        return x->cycles < y->cycles ? 1 : -1;
    if (x->res.dsp != y->res.dsp)
        return x->res.dsp - y->res.dsp;
    return x->res.bram18 - y->res.bram18;
}

int space_build(space *sp, const net *n, const design *base, const device *dv, tf_err *e)
{
    memset(sp, 0, sizeof *sp);
    sp->ls = calloc((size_t)n->n_compute, sizeof(layer_space));
    if (!sp->ls)
        return tf_errf(e, "out of memory");
    design tmp;
    if (design_copy(&tmp, base, e))
        return -1;
    sp->size = 1.0;
    enum { DMAX = 512 };
    int ds_simd[DMAX], ds_pe[DMAX];
    for (int i = 0; i < n->n_layers; i++) {
        const layer *l = &n->layers[i];
        if (!layer_is_compute(l))
            continue;
        int kcin = (l->op == OP_FC ? 1 : l->k) * layer_cin_per_group(l);
        int ns = divisors(kcin, ds_simd, DMAX), np = divisors(l->cout, ds_pe, DMAX);
        layer_space *ls = &sp->ls[sp->n++];
        ls->layer = i;
        /* Very low bit products can be built from LUTs instead of DSPs: offer both.
         * 1-bit operands are XNOR logic and always use LUTs. */
        bool forced_lut = l->wbits == 1 || l->abits == 1;
        int variants = (!forced_lut && l->wbits * l->abits <= LUT_MULT_MAX_BITS) ? 2 : 1;
        ls->opt = calloc((size_t)(ns * np * variants), sizeof(fold_option));
        if (!ls->opt) {
            design_free(&tmp);
            space_free(sp);
            return tf_errf(e, "out of memory");
        }
        for (int a = 0; a < ns; a++)
            for (int b = 0; b < np; b++)
                for (int v = 0; v < variants; v++) {
                    fold_option *o = &ls->opt[ls->n++];
                    o->f = base->fold[i];
                    o->f.sched = SCHED_MVAU;
                    o->f.simd = ds_simd[a];
                    o->f.pe = ds_pe[b];
                    o->f.kp = o->f.np = o->f.kpf = 1;
                    o->f.lut_mult = forced_lut || v == 1;
                    tmp.fold[i] = o->f;
                    o->cycles = analytic_layer_cycles(l, &o->f);
                    resources_layer(n, &tmp, dv, NULL, i, &o->res);
                }
        qsort(ls->opt, (size_t)ls->n, sizeof(fold_option), by_cycles_desc);
        sp->size *= ls->n;
    }
    design_free(&tmp);
    return 0;
}

void space_free(space *sp)
{
    for (int i = 0; i < sp->n; i++)
        free(sp->ls[i].opt);
    free(sp->ls);
    memset(sp, 0, sizeof *sp);
}
