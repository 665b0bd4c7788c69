/* space.c: enumerating and costing each layer's legal foldings. */
#include "space.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "analytic/analytic.h"
#include "analytic/gen_stages.h"
#include "numerics/dsp_pack_arith.h"

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

/* Do Kp weights x Np pixels of these bits fit one multiplier of this DSP, in either port
 * order, with fields split after every product? */
static bool pack_fits(const device *dv, dsp_pack_mode mode, int wbits, int abits, int kp, int np)
{
    int wide, narrow, pbits;
    dsp_pack_ports(dv->dsp_type, &wide, &narrow, &pbits);
    for (int order = 0; order < 2; order++) {
        dsp_pack_cfg c = {.wport = order ? narrow : wide, .aport = order ? wide : narrow, .pbits = pbits,
                          .wbits = wbits < 2 ? 2 : wbits, .abits = abits, .kp = kp, .np = np, .n_acc = 1,
                          .mode = mode};
        if (dsp_pack_min_gb(&c) != -999)
            return true;
    }
    return false;
}

typedef struct sched_choice {
    schedule_kind s;
    int kp, np;
} sched_choice;

typedef struct opt_list {
    fold_option *v;
    int n, cap;
} opt_list;

static int push(opt_list *L, const fold_option *o)
{
    if (L->n == L->cap) {
        int cap = L->cap ? 2 * L->cap : 64;
        fold_option *nv = realloc(L->v, sizeof *nv * (size_t)cap);
        if (!nv)
            return -1;
        L->v = nv;
        L->cap = cap;
    }
    L->v[L->n++] = *o;
    return 0;
}

static bool dominates(const fold_option *a, const fold_option *b)
{
    bool no_worse = a->cycles <= b->cycles && a->res.dsp <= b->res.dsp && a->res.bram18 <= b->res.bram18 &&
                    a->res.lut <= b->res.lut && a->res.ff <= b->res.ff;
    bool better = a->cycles < b->cycles || a->res.dsp < b->res.dsp || a->res.bram18 < b->res.bram18 ||
                  a->res.lut < b->res.lut || a->res.ff < b->res.ff;
    return no_worse && better;
}

/* Keeps the options no other option of the layer dominates (equal ones: the first). */
static void prune_dominated(layer_space *ls)
{
    int kept = 0;
    for (int i = 0; i < ls->n; i++) {
        bool drop = false;
        for (int j = 0; j < ls->n && !drop; j++)
            if (j != i && (dominates(&ls->opt[j], &ls->opt[i]) ||
                           (j < i && !dominates(&ls->opt[i], &ls->opt[j]) && ls->opt[j].cycles == ls->opt[i].cycles &&
                            ls->opt[j].res.dsp == ls->opt[i].res.dsp && ls->opt[j].res.bram18 == ls->opt[i].res.bram18 &&
                            ls->opt[j].res.lut == ls->opt[i].res.lut && ls->opt[j].res.ff == ls->opt[i].res.ff)))
                drop = true;
        if (!drop)
            ls->opt[kept++] = ls->opt[i];
    }
    ls->n = kept;
}

/* Variants of one (schedule, Kp, Np) choice: mvau with DSP or LUT products; the packed
 * MixQ arrays with KPF 1 or K (GEN's two FP/KP unroll factors, mixq-dataflow.md 3.3). */
static int n_variants(const sched_choice *c, const layer *l, int mvau_variants)
{
    if (c->s == SCHED_MVAU)
        return mvau_variants;
    if ((c->s == SCHED_FP || c->s == SCHED_KP) && l->op == OP_CONV && l->k > 1)
        return 2;
    return 1;
}

int space_build_sched(space *sp, const net *n, const design *base, const device *dv, unsigned sched_mask,
                      tf_err *e)
{
    memset(sp, 0, sizeof *sp);
    sp->ls = calloc((size_t)n->n_compute, sizeof(layer_space));
    if (!sp->ls)
        return tf_errf(e, "out of memory");
    design tmp;
    if (design_copy(&tmp, base, e)) {
        free(sp->ls);
        sp->ls = NULL;
        return -1;
    }
    sp->size = 1.0;
    enum { DMAX = 512 };
    int ds_simd[DMAX], ds_pe[DMAX];
    int rc = 0;
    for (int i = 0; i < n->n_layers && !rc; i++) {
        const layer *l = &n->layers[i];
        if (!layer_is_compute(l))
            continue;
        int kcin = (l->op == OP_FC ? 1 : l->k) * layer_cin_per_group(l);
        int ns = divisors(kcin, ds_simd, DMAX), np = divisors(l->cout, ds_pe, DMAX);
        layer_space *ls = &sp->ls[sp->n++];
        ls->layer = i;
        opt_list L = {0};
        /* Very low bit products can be built from LUTs instead of DSPs: offer both.
         * 1-bit operands are XNOR logic and always use LUTs. */
        bool forced_lut = l->wbits == 1 || l->abits == 1;
        int variants = (!forced_lut && l->wbits * l->abits <= LUT_MULT_MAX_BITS) ? 2 : 1;
        /* our RTL builds MVAU lanes only, and synthesis (not the fold) decides LUT products */
        bool rtl = base->target == TARGET_RTL;
        if (rtl)
            variants = 1;
        /* The packed schedules this layer allows: (schedule, Kp, Np). */
        sched_choice sched[64];
        int nsched = 0;
        if (sched_mask & (1u << SCHED_MVAU))
            sched[nsched++] = (sched_choice){SCHED_MVAU, 1, 1};
        bool packable = l->op == OP_CONV && l->stride == 1 && !forced_lut && !rtl;
        if (packable && (sched_mask & (1u << SCHED_DSP6)) && l->k == 3 && !layer_is_depthwise(l) &&
            pack_fits(dv, DSP_PACK_FP, l->wbits, l->abits, 3, 2))
            sched[nsched++] = (sched_choice){SCHED_DSP6, 1, 1};
        for (int kp = 1; packable && (sched_mask & (1u << SCHED_FP)) && kp <= l->k && kp <= 4; kp++)
            for (int q = 1; q <= 6 && nsched < 60; q++)
                if ((kp > 1 || q > 1) && pack_fits(dv, DSP_PACK_FP, l->wbits, l->abits, kp, q))
                    sched[nsched++] = (sched_choice){SCHED_FP, kp, q};
        for (int kp = 2; packable && (sched_mask & (1u << SCHED_KP)) && kp <= 4; kp++)
            for (int q = 1; q <= 2 && nsched < 64; q++)
                if (l->cout % kp == 0 && pack_fits(dv, DSP_PACK_KP, l->wbits, l->abits, kp, q))
                    sched[nsched++] = (sched_choice){SCHED_KP, kp, q};
        for (int t = 0; t < nsched && !rc; t++)
            for (int a = 0; a < ns && !rc; a++)
                for (int b = 0; b < np && !rc; b++)
                    for (int v = 0; v < n_variants(&sched[t], l, variants) && !rc; v++) {
                        fold_option o = {0};
                        o.f = base->fold[i];
                        o.f.sched = sched[t].s;
                        o.f.simd = ds_simd[a];
                        o.f.pe = ds_pe[b];
                        o.f.kp = sched[t].kp;
                        o.f.np = sched[t].np;
                        bool packed = sched[t].s == SCHED_FP || sched[t].s == SCHED_KP;
                        o.f.kpf = packed && v == 1 ? l->k : 1; /* KPF: all K kernel columns at once */
                        o.f.lut_mult = !rtl && sched[t].s == SCHED_MVAU && (forced_lut || v == 1);
                        tf_err fe;
                        if (fold_check(&o.f, l, &fe))
                            continue; /* e.g. KP's Kp*PE must divide Cout */
                        tmp.fold[i] = o.f;
                        o.cycles = gen_layer_cycles(n, &tmp, i); /* mixq-hls fp/kp: the slowest GEN stage */
                        if (resources_layer(n, &tmp, dv, NULL, i, &o.res, &fe)) {
                            if (!resource_fit_default(NULL)) { /* no fit file: every option fails alike */
                                rc = tf_errf(e, "%s", fe.msg);
                                break;
                            }
                            continue; /* the target cannot build this fold */
                        }
                        if (push(&L, &o))
                            rc = tf_errf(e, "out of memory");
                    }
        tmp.fold[i] = base->fold[i]; /* the next layers are costed beside the base folding, not this one's last option */
        ls->opt = L.v;
        ls->n = L.n;
        if (!rc && ls->n == 0)
            rc = tf_errf(e, "layer %s: no schedule in the mask fits it (add mvau to --schedules)", l->name);
        if (!rc) {
            prune_dominated(ls);
            qsort(ls->opt, (size_t)ls->n, sizeof(fold_option), by_cycles_desc);
            sp->size *= ls->n;
        }
    }
    design_free(&tmp);
    if (rc)
        space_free(sp);
    return rc;
}

int space_build(space *sp, const net *n, const design *base, const device *dv, tf_err *e)
{
    return space_build_sched(sp, n, base, dv, SCHED_MASK_ALL, e);
}

int space_parse_schedules(const char *list, unsigned *mask, tf_err *e)
{
    char buf[128], *save = NULL;
    snprintf(buf, sizeof buf, "%s", list);
    *mask = 0;
    for (char *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        schedule_kind s;
        if (schedule_parse(tok, &s))
            return tf_errf(e, "--schedules: unknown schedule '%s' (allowed: mvau, dsp6, fp, kp)", tok);
        *mask |= 1u << s;
    }
    if (!*mask)
        return tf_errf(e, "--schedules: give at least one of mvau, dsp6, fp, kp");
    return 0;
}

void space_free(space *sp)
{
    for (int i = 0; i < sp->n; i++)
        free(sp->ls[i].opt);
    free(sp->ls);
    memset(sp, 0, sizeof *sp);
}
