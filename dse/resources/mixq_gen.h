/* mixq_gen.h: the whole per-layer configuration DeepBurning-MixQ's generator (GEN) gives a conv,
 * as its config.h and accelerator.cpp carry it: the structure of gen_layer.h plus the fields that
 * need the device's multiplier (GUARD_BIT, PACK_FLAG, CASCADE) and the BN widths. A field the fold
 * gives is taken as given; an absent one gets GEN's choice:
 *   GUARD_BIT  DSP_explorer/dsp_eff_search.py (Filter_Packing / Kernel_Packing, overlap 1, as
 *              Generate_HLS_DP calls it): the largest guard width at which the Kp weights and Np
 *              activations fit the two multiplier ports (one port bit kept for the unsigned
 *              activations), capped by what the accumulation needs, ceil(log2(min(Kp,Np)*ACC)) for
 *              FP and ceil(log2(ACC)) for KP, ACC = K*IN_CH (K depthwise); the best of both port
 *              assignments. A pack that fits no assignment gets the least guard width GEN allows
 *              (ceil(log2(min(Kp,Np))) - 1 for FP, -1 for KP) and HLS splits the product.
 *   PACK_FLAG  (kp) the assignment with more guard bits; weights on the wide port on a tie.
 *   CASCADE    ConvOpt_FP/KP.find_CASCADE: the largest divisor of SIMD*KPF <= 2^gb / min(Kp,Np)
 *              (FP; 1 when 2^gb < min(Kp,Np)) or <= 2^gb (KP; 1 when gb < 0).
 *   INC_BIT, BIAS_BIT  GEN sets them from the trained BN (1 + bit_length of the largest value);
 *              without weights: the caller's mixq_params, else RES_MIXQ_INC_BITS / _BIAS_BITS.
 *   M_BIT      IN_BIT + W_BIT + ceil(log2(K*K*IN_CH)) (K*K depthwise); 32 on a head. */
#ifndef TF2SIM_MIXQ_GEN_H
#define TF2SIM_MIXQ_GEN_H

#include <stdbool.h>
#include <stdint.h>

#include "net/design.h"
#include "net/device.h"
#include "net/gen_layer.h"
#include "net/net.h"

/* INC_BIT / BIAS_BIT when neither the fold nor the caller gives them. GEN's export sets them
 * to 1 + bit_length(max |x|) of the folded BN (mixq-dataflow.md 1.5/2.2); GEN's mixed_DP has
 * inc 11-14 / bias 13-26 bits (config.h), its operator data set 7..27 / 6..35. 16 keeps
 * M_BIT x INC_BIT in one DSP48E2 for M_BIT <= 27. */
#define RES_MIXQ_INC_BITS 16
#define RES_MIXQ_BIAS_BITS 24

typedef struct mixq_params {
    int inc_bits;  /* 0: RES_MIXQ_INC_BITS (a fold's inc_bits wins) */
    int bias_bits; /* 0: RES_MIXQ_BIAS_BITS (a fold's bias_bits wins) */
} mixq_params;

typedef struct mixq_gen_cfg {
    gen_layer g;        /* structure: geometry, IN_PE, OCH_PF, ACTP, OUT_BIT, loops */
    int w_bits, a_bits; /* W_BIT, IN_BIT */
    int m_bits;         /* M_BIT: the accumulator */
    int inc_bits;       /* 0 on a head (no BN multiply) */
    int bias_bits;
    int l_shift;        /* L_SHIFT (GEN_L_SHIFT; 0 on a head) */
    bool packed;        /* the array packs Kp x Np products per multiplier (fp, kp, dsp6; not LUT) */
    int guard_bits;
    bool pack_flag;     /* kp: activations on the wide port */
    int prod_bits;      /* field spacing W + A + GUARD_BIT */
    int wpack_bits, apack_bits; /* the weight and activation pack widths (activations unsigned) */
    int cascade;
    bool overlap;       /* fields overlap (GEN Overlap_Flag) */
} mixq_gen_cfg;

/* ceil(log2(v)) (0 for v <= 1). */
int mixq_ceil_log2(uint64_t v);
/* The largest divisor of n that is <= lim (1 at least): GEN's find_CASCADE. */
int mixq_largest_divisor_le(int n, long long lim);

/* GEN's configuration of compute layer i of a mixq-hls design (p may be NULL). */
int mixq_gen_config(const net *n, const design *ds, const device *dv, int i, const mixq_params *p,
                    mixq_gen_cfg *c, tf_err *e);

#endif
