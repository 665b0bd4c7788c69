/* gen_layer.h: the template parameters of a conv as DeepBurning-MixQ's generator (GEN,
 * MatthewLuo7/MixQ_Gen_Accel) builds it, from the net and the fold: a field the fold gives is
 * taken, an absent one gets the value GEN's generator would choose.
 *
 * Sources: GEN Opt_Definition/ConvOpt_{FP,KP,FP_DW,1x1}.py (get_actp, reshape_buffer_constraints,
 * gen_conv_para, gen_increase_bw) and Generator/DAC_SDC/Accelerator_Template.py (write_hls_accel:
 * IN_PE of conv n = OCH_PF of conv n-1, 3 for conv 0). The structure here is what the analytic,
 * cycle-level and resource models and the config.h export all share; the packing fields (guard
 * bits, PACK_FLAG, cascade) and INC/BIAS bits need the device and live in
 * dse/resources/mixq_gen.h. */
#ifndef TF2SIM_GEN_LAYER_H
#define TF2SIM_GEN_LAYER_H

#include <stdbool.h>

#include "design.h"
#include "error.h"
#include "net.h"

/* GEN's fixed BN left shift (Generate_HLS_DP.process_batchnorm: lshift = 8). */
#define GEN_L_SHIFT 8

typedef struct gen_layer {
    int k, cin, cout, hin, win; /* as the templates see them (fc: a 1x1 conv on a 1x1 map) */
    int simd, pe, kpf, kp, np;  /* kp = 3, np = 2 for dsp6; 1, 1 for mvau */
    bool dw, gen;               /* depthwise; a GEN template (fp, kp) rather than the mvau/dsp6 skeleton */
    int in_pe;                  /* IN_PE: channels per input word */
    int opf;                    /* OCH_PF: PE (fp, mvau, dsp6), PE*Kp (kp) */
    int actp;                   /* ACTP */
    int min_actp;               /* get_actp's lower bound: Np*OCH_PF // (KNUM*INFOLD) */
    int obits;                  /* OUT_BIT; 32 on a raw-accumulator head */
    bool head;                  /* raw accumulator out (GEN Conv1x1 head: Bias_Trim, no BN) */
    bool pooled;                /* a 2x2 max pool follows (GEN fuses it into the layer) */
    int pool_layer;             /* that pool's index (-1: none) */
    int knum, infold, row_len;  /* array loops: KNUM, INFOLD, ROW_LEN = (IN_W+K-2)/Np + 1 */
} gen_layer;

/* The parameters of compute layer i under the mixq-hls target; an error (prefixed "mixq-hls:")
 * when GEN's templates cannot build it: stride, kernel, pad, groups, KPF, the reshape buffer's
 * IN_PE/SIMD rules, ACTP. */
int gen_layer_params(const net *n, const design *ds, int i, gen_layer *g, tf_err *e);

/* Layers reading layer i's output; *first gets the first of them. */
int gen_consumers(const net *n, int i, int *first);
/* A 2x2 stride-2 unpadded max pool: the only pool GEN has (pool_reord.hpp max_pool2x2). */
bool gen_is_pool2x2(const layer *l);

#endif
