/* mixq_gen.c: GEN's per-layer configuration with its packing fields (see mixq_gen.h). */
#include "mixq_gen.h"

#include <limits.h>
#include <stdint.h>

#include "numerics/dsp_pack_arith.h"

#define GB_CAP 30 /* 2^gb is only compared with SIMD*KPF; keep it in range */

int mixq_ceil_log2(uint64_t v)
{
    int b = 0;
    while (b < 63 && ((uint64_t)1 << b) < v)
        b++;
    return b;
}

static int imin(int a, int b) { return a < b ? a : b; }

int mixq_largest_divisor_le(int n, long long lim)
{
    int c = 1;
    for (int d = 1; d <= n && d <= lim; d++)
        if (n % d == 0)
            c = d;
    return c;
}

/* dsp_eff_search Filter_Packing for one port assignment: Kp weights on a wport-bit port, Np
 * unsigned activations on an aport-bit port (one bit kept for the sign). INT_MIN when the packs
 * do not fit at GEN's least guard width ceil(log2(min(Kp,Np))) - 1. */
static int fp_gb(int wport, int aport, int w, int a, int kp, int np, int cap)
{
    int pa = aport - 1, free_bits = wport + pa - w - a;
    int gw = kp > 1 ? (wport - w) / (kp - 1) - w - a : free_bits;
    int ga = np > 1 ? (pa - a) / (np - 1) - w - a : free_bits;
    int g = imin(imin(gw, ga), cap);
    return g >= mixq_ceil_log2((uint64_t)imin(kp, np)) - 1 ? g : INT_MIN;
}

/* dsp_eff_search Kernel_Packing for one PACK_FLAG: flag 0 puts the Kp weights on the wide port
 * (spaced Np fields apart) and the Np activations on the narrow one; flag 1 the Np activations
 * on the wide port (spaced Kp fields apart) and the weights on the narrow one. The activation
 * port keeps one bit for the sign. INT_MIN when the packs do not fit at gb -1. */
static int kp_gb(int wide, int narrow, int w, int a, int kp, int np, bool flag, int cap)
{
    int pe = flag ? wide - 1 : wide, pd = flag ? narrow : narrow - 1;
    int eb = flag ? a : w, db = flag ? w : a, ep = flag ? np : kp, dp = flag ? kp : np;
    int free_bits = pe + pd - w - a;
    int gd = dp > 1 ? (pd - db) / (dp - 1) - w - a : free_bits;
    int ge = ep > 1 ? (pe - eb) / (dp * (ep - 1)) - w - a : free_bits;
    int g = imin(imin(ge, gd), cap);
    return g >= -1 ? g : INT_MIN;
}

/* Pack widths at guard bits gb (activations unsigned, so one bit short of a signed port). */
static void pack_widths(const mixq_gen_cfg *c, bool kp_mode, int *wbits, int *abits)
{
    int w = c->w_bits, a = c->a_bits, kp = c->g.kp, np = c->g.np, s = c->prod_bits;
    if (!kp_mode) {
        *wbits = (kp - 1) * s + w;
        *abits = (np - 1) * s + a;
    } else if (c->pack_flag) {
        *wbits = (kp - 1) * s + w;
        *abits = (np - 1) * kp * s + a;
    } else {
        *wbits = (kp - 1) * np * s + w;
        *abits = (np - 1) * s + a;
    }
}

static void packing(mixq_gen_cfg *c, const layer_fold *f, dsp_kind dk)
{
    int wide, narrow, pb;
    dsp_pack_ports(dk, &wide, &narrow, &pb);
    const gen_layer *g = &c->g;
    int w = c->w_bits, a = c->a_bits, kp = g->kp, np = g->np, mkn = imin(kp, np);
    bool kpm = f->sched == SCHED_KP;
    uint64_t acc = (uint64_t)g->k * (uint64_t)(g->dw ? 1 : g->cin);
    int gb = INT_MIN;
    if (kpm) {
        int cap = mixq_ceil_log2(acc);
        int g0 = kp_gb(wide, narrow, w, a, kp, np, false, cap), g1 = kp_gb(wide, narrow, w, a, kp, np, true, cap);
        c->pack_flag = f->pack_flag_set ? f->pack_flag : g1 > g0;
        gb = c->pack_flag ? g1 : g0;
        if (gb == INT_MIN)
            gb = -1;
    } else {
        int cap = mixq_ceil_log2((uint64_t)mkn * acc);
        gb = fp_gb(narrow, wide, w, a, kp, np, cap);
        int other = fp_gb(wide, narrow, w, a, kp, np, cap);
        if (other > gb)
            gb = other;
        if (gb == INT_MIN)
            gb = mixq_ceil_log2((uint64_t)mkn) - 1;
    }
    c->guard_bits = f->gb_set ? f->guard_bits : gb;
    c->prod_bits = w + a + c->guard_bits;
    pack_widths(c, kpm, &c->wpack_bits, &c->apack_bits);
    int simd_eff = g->dw && f->sched == SCHED_FP ? g->kpf : g->simd * g->kpf;
    long long p2 = c->guard_bits < 0 ? 0 : 1LL << (c->guard_bits > GB_CAP ? GB_CAP : c->guard_bits);
    if (kpm) {
        c->overlap = c->guard_bits < 0; /* Opt_KP.hpp KP_Array_bas: Overlap_Flag = GUARD_BIT < 0 */
        c->cascade = c->overlap ? 1 : mixq_largest_divisor_le(simd_eff, p2);
    } else {
        c->overlap = c->guard_bits < 0 || p2 < mkn; /* Opt_FP.hpp FP_Array_bas: Overlap_Flag */
        c->cascade = c->overlap ? 1 : mixq_largest_divisor_le(simd_eff, p2 / mkn);
    }
}

int mixq_gen_config(const net *n, const design *ds, const device *dv, int i, const mixq_params *p,
                    mixq_gen_cfg *c, tf_err *e)
{
    *c = (mixq_gen_cfg){0};
    if (gen_layer_params(n, ds, i, &c->g, e))
        return -1;
    const layer *l = &n->layers[i];
    const layer_fold *f = &ds->fold[i];
    c->w_bits = l->wbits, c->a_bits = l->abits;
    uint64_t kk = (uint64_t)c->g.k * (uint64_t)c->g.k * (uint64_t)(c->g.dw ? 1 : c->g.cin);
    c->m_bits = c->g.head ? 32 : c->w_bits + c->a_bits + mixq_ceil_log2(kk);
    int inc = p && p->inc_bits > 0 ? p->inc_bits : RES_MIXQ_INC_BITS;
    int bias = p && p->bias_bits > 0 ? p->bias_bits : RES_MIXQ_BIAS_BITS;
    c->inc_bits = c->g.head ? 0 : (f->inc_bits ? f->inc_bits : inc);
    c->bias_bits = f->bias_bits ? f->bias_bits : bias;
    c->l_shift = c->g.head ? 0 : GEN_L_SHIFT;
    c->prod_bits = c->w_bits + c->a_bits;
    c->cascade = 1;
    c->packed = !f->lut_mult && (c->g.gen || f->sched == SCHED_DSP6);
    if (c->packed)
        packing(c, f, dv->dsp_type);
    return 0;
}
