/* dsp_packing.c: DSP packing factors (tables for DSP48E2, rule-derived otherwise). */
#include "dsp_packing.h"

/* AnyPackingNet factors_k11/k33/k55 for DSP48E2, indexed [wbits-2][abits-2]. */
static const double K11[7][7] = {
    {12, 8, 8, 6, 6, 4, 4}, {10, 8, 6, 6, 4, 4, 4}, {8, 6, 6, 4, 4, 4, 3}, {6, 6, 4, 4, 4, 4, 2},
    {6, 4, 4, 4, 2, 2, 2},  {4, 4, 4, 4, 2, 2, 2},  {4, 4, 3, 2, 2, 2, 2}};
static const double K33[7][7] = {
    {18, 15, 12, 7.5, 7.5, 6, 6}, {15, 12, 7.5, 6, 6, 6, 3}, {12, 7.5, 6, 6, 6, 6, 3},
    {9, 6, 6, 6, 6, 3, 3},        {7.5, 6, 6, 4.5, 3, 3, 3}, {6, 6, 4.5, 3, 3, 3, 2.25},
    {6, 3, 3, 3, 3, 3, 2}};
static const double K55[7][7] = {
    {20, 15, 10, 7.5, 7.5, 5, 5},       {12.5, 10, 6.67, 5, 5, 5, 3.33}, {10, 7.5, 5, 5, 5, 5, 3.33},
    {7.5, 6.67, 5, 5, 5, 3.33, 3.33},   {6.67, 5, 5, 5, 3.33, 2.5, 2.5}, {5, 5, 5, 3.33, 2.5, 2.5, 2.5},
    {5, 3.33, 3.33, 3.33, 2.5, 2.5, 2}};

static int ceil_div(int a, int b) { return (a + b - 1) / b; }

static int ceil_log2(int x)
{
    int r = 0;
    while ((1 << r) < x)
        r++;
    return r;
}

/* One port assignment: weights (signed) on wport, activations (unsigned) on aport;
 * the "-1" on the activation port keeps an unsigned pack positive in a signed port. */
static double fp_one(int wport, int aport, int w, int a, int k, int *kp, int *np, int *gb)
{
    double best = 1.0;
    *kp = *np = 1;
    *gb = 0;
    for (int ov = 0; ov <= 1; ov++) {
        int step = w + a - ov;
        int kp_max = (wport - w) / step + 1;
        if (kp_max > k)
            kp_max = k;
        int np_max = (aport - 1 - a) / step + 1;
        for (int K = 1; K <= kp_max; K++)
            for (int N = 1; N <= np_max; N++) {
                if (K == 1 && N == 1)
                    continue;
                int lim_w = K > 1 ? (wport - w) / (K - 1) - w - a : 1 << 20;
                int lim_a = N > 1 ? (aport - 1 - a) / (N - 1) - w - a : 1 << 20;
                int g = lim_w < lim_a ? lim_w : lim_a;
                int need = ceil_log2(K < N ? K : N) - ov;
                if (g < need || g < 0)
                    continue;
                double t = (double)k * N / ceil_div(k, K);
                if (t > best) {
                    best = t;
                    *kp = K;
                    *np = N;
                    *gb = g;
                }
            }
    }
    return best;
}

double dsp_fp_search(int a_port, int b_port, int wbits, int abits, int k, int *kp, int *np, int *gb)
{
    int k1, n1, g1, k2, n2, g2;
    double t1 = fp_one(a_port, b_port, wbits, abits, k, &k1, &n1, &g1);
    double t2 = fp_one(b_port, a_port, wbits, abits, k, &k2, &n2, &g2);
    if (t2 > t1) {
        *kp = k2; *np = n2; *gb = g2;
        return t2;
    }
    *kp = k1; *np = n1; *gb = g1;
    return t1;
}

double dsp_packing_factor(dsp_kind dk, int wbits, int abits, int k)
{
    /* 1-bit operands pack at least as well as 2-bit ones. */
    int w = wbits < 2 ? 2 : (wbits > 8 ? 8 : wbits);
    int a = abits < 2 ? 2 : (abits > 8 ? 8 : abits);
    if (dk == DSP48E2) {
        if (k <= 1)
            return K11[w - 2][a - 2];
        if (k <= 4)
            return K33[w - 2][a - 2];
        return K55[w - 2][a - 2];
    }
    int aport = dk == DSP48E1 ? 25 : 18, bport = dk == DSP48E1 ? 18 : 19;
    int kp, np, gb;
    return dsp_fp_search(aport, bport, w, a, k < 1 ? 1 : (k > 5 ? 5 : k), &kp, &np, &gb);
}
