/* dsp_pack_arith.h: bit-exact arithmetic of low-bit products packed into one DSP multiplier.
 *
 * Kp signed wbits-bit weights go on one signed multiplier port as A = sum_i w_i 2^(oa_i), Np
 * unsigned abits-bit activations on the other as B = sum_j x_j 2^(ob_j); the product (and
 * a sum of n_acc such products in the P accumulator) holds the partial sums in fields:
 *   filter packing (FP, mixq-dataflow.md §2.4; iSmart conv2d_DSPopt): oa_i = i*s, ob_j = j*s,
 *     field m = sum_{i+j=m} w_i x_j  (Kp+Np-1 FIR partial sums per multiply);
 *   kernel packing (KP, iSmart conv0/conv8): oa_i = i*s, ob_j = j*Kp*s, every product has
 *     its own field (Kp*Np fields).
 * The field spacing is s = wbits + abits + gb (gb guard bits). Fields are split with the
 * signed correction: f_m = sext(low s bits of r), r = (r - f_m) >> s, which is exact when
 * every field lies in [-2^(s-1), 2^(s-1)) and the last one fits what is left of P.
 * dsp_pack_check proves that from the operand ranges (or says which constraint fails). */
#ifndef TF2SIM_DSP_PACK_ARITH_H
#define TF2SIM_DSP_PACK_ARITH_H

#include <stdbool.h>
#include <stdint.h>

#include "net/device.h"
#include "net/error.h"

#define DSP_PACK_MAX 8      /* operands per port */
#define DSP_PACK_FIELDS 64

typedef enum dsp_pack_mode { DSP_PACK_FP, DSP_PACK_KP } dsp_pack_mode;

typedef struct dsp_pack_cfg {
    int wport, aport;   /* signed widths of the ports carrying the weight pack / activation pack */
    int pbits;          /* accumulator width (48 for DSP48) */
    int wbits, abits;   /* signed weights (2..8), unsigned activations (1..8) */
    int kp, np;         /* weights / activations per multiply (1..DSP_PACK_MAX) */
    int gb;             /* guard bits (may be negative: overlapped fields) */
    int n_acc;          /* products summed in P before the fields are split (>= 1) */
    bool wsym;          /* weights limited to ±(2^(wbits-1)-1) (no -2^(wbits-1)) */
    dsp_pack_mode mode;
} dsp_pack_cfg;

/* Port widths of a DSP kind: 27x18 (DSP48E2), 25x18 (DSP48E1), 18x19 (Arria 10); P 48 / 64. */
void dsp_pack_ports(dsp_kind k, int *wide, int *narrow, int *pbits);

static inline int dsp_pack_spacing(const dsp_pack_cfg *c) { return c->wbits + c->abits + c->gb; }
int dsp_pack_nfields(const dsp_pack_cfg *c);

/* 0 if every packed value fits its port, every sum fits P, and every field is recoverable
 * for all operands in range; otherwise -1 naming the first violated constraint. */
int dsp_pack_check(const dsp_pack_cfg *c, tf_err *e);
/* Smallest gb (from -(wbits+abits-1)) for which dsp_pack_check passes; -999 if none does. */
int dsp_pack_min_gb(const dsp_pack_cfg *c);

/* The filter packing dsp_fp_search (dsp_packing.h) picks for a K x K conv on DSP kind dk,
 * made exact for n_acc accumulated products: the same Kp x Np with the guard bits raised to
 * the smallest exact width (either port assignment) -> returns 0. If no guard width makes
 * that choice exact within the ports, the exact packing with the best throughput
 * K*Np/ceil(K/Kp) is taken instead -> returns 1. -1 if not even 1 x 1 fits. */
int dsp_pack_from_search(dsp_kind dk, int wbits, int abits, int k, int n_acc, dsp_pack_cfg *cfg);
/* Products per cycle of a filter packing for a K x K kernel row: K*Np/ceil(K/Kp). */
double dsp_pack_throughput(const dsp_pack_cfg *c, int k);

/* Operand packs (values are not range-checked here; dsp_pack_check covers the ranges). */
int64_t dsp_pack_weights(const dsp_pack_cfg *c, const int *w);
int64_t dsp_pack_acts(const dsp_pack_cfg *c, const int *x);
/* One multiply-accumulate as the DSP does it: P = (P + A*B) wrapped to pbits, two's complement. */
int64_t dsp_pack_mac(const dsp_pack_cfg *c, int64_t p, int64_t a, int64_t b);
/* Splits P into dsp_pack_nfields fields (lowest first) with the signed correction. */
void dsp_pack_extract(const dsp_pack_cfg *c, int64_t p, int64_t *fields);

/* The same sums computed plainly: w is [n_acc][kp], x is [n_acc][np]. */
void dsp_pack_reference(const dsp_pack_cfg *c, const int *w, const int *x, int64_t *fields);
/* Packed path end to end: pack each of the n_acc operand sets, MAC, extract. */
void dsp_pack_compute(const dsp_pack_cfg *c, const int *w, const int *x, int64_t *fields);

/* One output row of a K-tap correlation summed over channels, the way a filter-packed DSP
 * array computes it (iSmart conv2d_DSPopt): out[t] = sum_c sum_kx w[c][kx] * x[c][t + kx],
 * t in [0, n_out). Each multiply takes one channel's K = c->kp weights (reversed on the port)
 * and c->np consecutive pixels; c->n_acc channels are summed in P before the fields are
 * split; field m of the block starting at pixel q is a partial sum of output q + m - (K-1).
 * x[c] holds n_out + K - 1 (already padded) pixels. out is overwritten. */
void dsp_fp_correlate(const dsp_pack_cfg *c, int channels, const int *w, const int *const *x, int n_out,
                      int64_t *out);

#endif
