/* mixq_op.h: one DeepBurning-MixQ conv operator (FP_Array / KP_Array with its line buffer, ACTP
 * BN units, width converters and optional fused 2x2 max pool) as GEN's single-operator flow
 * builds it, and its calibrated cost: DSP, BRAM18, LUT, FF and the achieved clock period.
 *
 * The parameters are GEN's config.h values (the columns of the vendor data set,
 * ../shared/data/mixq-vivado/FORMAT.md). Structure gives the DSP of the multiplier array and
 * the BN units and the BRAM18 of the memories; fitted coefficients (configs/resources/
 * mixq_fit.json, `tf2sim calibrate --target mixq-hls --fit`) give the control DSPs, LUT, FF,
 * the BRAM the structure misses and the period, each from named structural features. */
#ifndef TF2SIM_MIXQ_OP_H
#define TF2SIM_MIXQ_OP_H

#include <jansson.h>
#include <stdbool.h>

#include "net/design.h"
#include "net/device.h"
#include "net/net.h"
#include "net/error.h"

#define MIXQ_FIT_FILE "resources/mixq_fit.json" /* under configs/ */
/* The clock target of GEN's flow and of every operator in the data set (4 ns, 250 MHz): the
 * period model predicts what a design synthesised for it achieves. */
#define MIXQ_TARGET_PERIOD_NS 4.0
/* The widest stream between DATAFLOW stages the vendor flow keeps in SRLs (wider: BRAM18). */
#define MIXQ_STREAM_SRL_BITS 512

typedef struct mixq_op {
    bool kp_mode;                     /* KP_Array (kernel packing); else FP_Array (filter packing) */
    int k, in_w, in_h, in_ch, out_ch; /* stride 1, pad (K-1)/2 */
    int in_bit, w_bit, out_bit;
    int in_pe, simd, pe, actp, kp, np, guard_bits, kpf;
    int inc_bits, bias_bits;
    bool pool;                        /* a fused 2x2 max pool follows */
    bool sampled;                     /* one of the data set's sampled operators: Kp = 1 arrays of
                                         24..48 lanes (MQF_KP1_MID_LANES) are costed as Vivado
                                         reported them, most products and some LUTs gone (trimmed,
                                         not moved to LUTs: those rows have fewer LUTs than their
                                         structure, not more); a design's layer (false) is costed
                                         in full, so the search cannot bank on that */
} mixq_op;

/* Features the fits use (one coefficient each per fitted quantity). */
typedef enum mixq_feature {
    MQF_ONE,         /* the operator's control, handshakes, counters */
    MQF_LANES,       /* packed multiplies PE*SIMD*KPF */
    MQF_PACK_BITS,   /* packed operand assembly: lanes x (weight pack + activation pack bits) */
    MQF_SPLIT_BITS,  /* field-split adders and partial-result accumulators (bits) */
    MQF_BN_BITS,     /* ACTP units x (M_BIT + INC_BIT + BIAS_BIT) */
    MQF_CONV_BITS,   /* the two width converters' words */
    MQF_LB_BITS,     /* line-buffer banks' words and its output word */
    MQF_LUTRAM_BITS, /* bits of memories kept in LUTs (ROM/FIFO too small for a BRAM) */
    MQF_POOL_BITS,   /* the 2x2 max pool's comparators (OCH_PF x OUT_BIT) */
    MQF_KP_LANES,    /* KP arrays' extra per-lane logic (lanes when kernel packing, else 0) */
    MQF_BRAM,        /* BRAM18 of the structure (their address and output registers) */
    MQF_ACTP,        /* ACTP */
    MQF_LOG_LANES,   /* log2 lanes: depth of the array's fan-out (period) */
    MQF_LOG_WORD,    /* log2 of the widest word (array output Np*OCH_PF*M_BIT) (period) */
    MQF_PACK_WIDTH,  /* the widest packed operand (period: carry chains past the DSP) */
    MQF_M_BIT,       /* the accumulator width (period) */
    MQF_LOG_IN_W,    /* log2 IN_W: width of the line buffer's address arithmetic */
    MQF_KP1_LANES,   /* lanes of arrays with Kp = 1 (a narrow weight times the activation pack:
                        the vendor flow builds some of those in LUTs) */
    /* period: the packed product is split into FIELDS fields (Kp+Np-1, KP: Kp*Np), each corrected
     * and accumulated; the split and the overlap correction lengthen the path after the DSP, more
     * than linearly in the field count */
    MQF_FIELDS, MQF_FIELDS2, MQF_FIELDS3,
    MQF_NP, MQF_NP2, MQF_NP3,
    MQF_KP,
    MQF_KP_MODE,     /* 1 for KP_Array */
    MQF_KP_MODE_NP,  /* Np of a KP_Array (its activation fields are Kp*PROD_BIT apart) */
    MQF_PROD_BITS,   /* PROD_BIT = W + A + GUARD_BIT, one field */
    MQF_LOG_PE, MQF_LOG_SIMD, /* log2 PE, log2 SIMD*KPF: fan-out of the activation / weight words */
    MQF_INC_BITS, MQF_IN_BIT, MQF_W_BIT, MQF_GUARD_BITS,
    /* DSP: the down-size converter, Activation_Trim and the up-size converter run loops of
     * (constant x reps) iterations (stream_tools.h, function.h: reps is a run-time argument);
     * the number of those constants wider than the DSP's 17 unsigned bits (the product then
     * goes to DSPs instead of LUTs) */
    MQF_WIDE_BOUNDS,
    /* DSP, LUT, FF: lanes of the sampled Kp = 1 arrays with 24..48 lanes, PE >= 2 and SIMD*KPF
     * >= 3 (one narrow weight times the activation pack, each pack shared by PE products): Vivado
     * reports most of their products gone, with fewer LUTs, not more; not above 48 lanes, not
     * with PE 1 or SIMD*KPF <= 2; 0 for a design's layer (mixq_op.sampled) */
    MQF_KP1_MID_LANES,
    /* LUT/FF of FP arrays: lanes x fields (FP_Comp_SIMD's signed decode adds the sign bit below
     * each of the Kp+Np-1 fields), and with KNUM > 1 the PartialRes accumulators indexed by the
     * running res_offset (PE x (Kp*KNUM+Np-1) x M_BIT multiplexed bits); 0 for KP arrays */
    MQF_FP_LANE_FIELDS, MQF_FP_KNUM_MUX,
    MQF__COUNT
} mixq_feature;

/* Which features each fitted quantity uses (bit k = feature k). */
typedef enum mixq_target { MQT_DSP, MQT_BRAM, MQT_LUT, MQT_FF, MQT_PERIOD, MQT__COUNT } mixq_target;

typedef struct mixq_fit {
    char path[512];
    double c[MQT__COUNT][MQF__COUNT];
    /* ROMs (weights, inc, bias) go to BRAM when deeper than rom_min_depth words and larger than
     * rom_min_bits; chosen on the fit rows */
    int rom_min_depth, rom_min_bits;
} mixq_fit;

typedef struct mixq_op_res {
    int array_dsp, bn_dsp;         /* structural DSP */
    int bram18;                    /* structural BRAM18 (line buffer, ROMs and FIFOs the rule puts in BRAM) */
    int lb_bram, rom_bram, fifo_bram;
    double x[MQF__COUNT];          /* features */
    /* with a fit: */
    int dsp, bram18_fit;
    long lut, ff;
    double period_ns;
} mixq_op_res;

const char *mixq_feature_name(mixq_feature f);
const char *mixq_target_name(mixq_target t);
/* Bit mask of the features target t is fitted to. */
unsigned long long mixq_target_features(mixq_target t);

/* GEN's derived widths: M_BIT = IN_BIT + W_BIT + ceil(log2(K*K*IN_CH)). */
int mixq_op_m_bits(const mixq_op *op);

/* Structure and features of op (rom rule from fit, or the default rule when fit is NULL), then
 * the fitted quantities when fit is given. dk: the multiplier kind (DSP48E2 for the data set). */
void mixq_op_eval(const mixq_op *op, dsp_kind dk, const mixq_fit *fit, mixq_op_res *r);

/* The calibrated operator of compute layer i of a mixq-hls design (GEN's configuration,
 * mixq_gen.h): 1 with *op filled when it is an FP/KP packed array with BN (what the data set
 * holds); 2 for a dsp6 or mvau array with BN, *op then the FP operator with the same products per
 * multiplier (Kp 3 x Np 2; 1 x 1) and no pool, for its logic and clock; 0 when the layer is
 * another kind (depthwise, LUT products, raw head, not compute); -1 with a message when GEN
 * cannot build it. */
int mixq_op_of_layer(const net *n, const design *ds, const device *dv, int i, mixq_op *op, tf_err *e);

/* The fit file: load (errors name the file, key and allowed range), write, installation default. */
int mixq_fit_load(mixq_fit *f, const char *path, tf_err *e);
int mixq_fit_parse(mixq_fit *f, const char *name, const char *text, tf_err *e);
json_t *mixq_fit_to_json(const mixq_fit *f, json_t *meta);
const mixq_fit *mixq_fit_default(tf_err *e);

#endif
