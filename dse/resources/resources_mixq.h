/* resources_mixq.h: the `mixq-hls` resource target — a dataflow design as the DeepBurning-MixQ
 * generator (MatthewLuo7/MixQ_Gen_Accel, "GEN" in mixq-dataflow.md) builds it in Vivado HLS.
 *
 * One conv layer is GEN's operator chain (Opt_Definition/ConvOpt_{FP,KP,FP_DW,1x1}.py):
 *   reshape_buffer (K+1-row line buffer, RAM_S2P_BRAM) -> FP_Array / KP_Array / FP_Array_DW
 *   -> StreamingDataWidthConverter -> Activation_Trim (ACTP BN units; Bias_Trim / Trim for the
 *   raw head) -> StreamingDataWidthConverter into a FIFO of CONV_DEPTH words (-> max_pool2x2 ->
 *   FIFO of POOL_DEPTH words when a 2x2 pool follows).
 * Weights, inc and bias are on-chip ROMs partitioned on their first dimension (PE or ACTP).
 * Memories map to BRAM18 (M20K on Intel devices) by aspect ratio (bram.h), small ROMs/FIFOs to
 * LUTRAM/SRL by bram.h's rule; the line buffer is pinned to BRAM by its RESOURCE pragma. GEN
 * asks for no URAM and HLS does not map arrays to URAM unless told, so UltraRAM is never used.
 *
 * DSP: packed arrays (fp, kp) are one DSP per (PE, SIMD*KPF) lane (GEN pins the packed product to
 * DSP48 with a RESOURCE pragma) holding Kp weights x Np pixels, or the DSP tiles of the oversize
 * product when the packs fit no multiplier at GEN's least guard width; dsp6 one per (PE, SIMD)
 * lane; mvau lanes / packing factor, or LUTs when lut_mult or the product is narrow
 * (wbits*abits <= RES_MIXQ_LUT_PRODUCT_BITS). BN: ACTP units, each an M_BIT x INC_BIT signed
 * multiply split into DSP tiles.
 *
 * schedules mvau and dsp6 are not GEN templates: they are modelled as the same operator skeleton
 * around BJUT's MVAU / iSmart's conv2d_DSPopt array and weight layout.
 *
 * LUT/FF: left 0 except LUTRAM-built memories (exact); the structure goes to res_features for
 * the fitted LUT/FF model, per layer:
 *   RF_UNIT        1 (one operator chain; a 2x2 pool is its own unit)
 *   RF_LUTMUL_BITS LUT products (lut_mult: PE*SIMD*KPF*Kp*Np products, Opt_FP_LUT; mvau lanes) x w*a
 *   RF_SUM_BITS    split fields x ACC_BIT (W+A+SIMD_BIT) + PartialRes updates x M_BIT; pool comparators
 *   RF_SAC_BITS    0
 *   RF_PACK_BITS   fields split per cycle x PROD_BIT (+1 with overlap correction) + the weight-pack
 *                  adders PE*SIMD*KPF*(Kp-1) x WPACK_BIT (GEN packs weights at run time)
 *   RF_PE          ACTP (BN / bias units)
 *   RF_MUX_BITS    the two width converters, the line buffer's output word, the FP weight shifter
 *                  and PartialRes index when KNUM > 1
 *   RF_MEM_MUX_BITS read muxes of memories deeper than one RAM cell (word x extra cells) */
#ifndef TF2SIM_RESOURCES_MIXQ_H
#define TF2SIM_RESOURCES_MIXQ_H

#include "net/design.h"
#include "net/device.h"
#include "net/net.h"
#include "mixq_gen.h"
#include "res_features.h"
#include "resources.h"

/* An unpacked mvau product w x a is built in LUTs when w*a <= this: <= 8 partial-product bits
 * is a handful of LUT6 (BJUT's HLS MVAU leaves the choice to HLS, simd_mul), and GEN's data set
 * shows HLS putting products with a 2-bit weight operand in LUTs (data_s0_n5000 Sample_11). */
#define RES_MIXQ_LUT_PRODUCT_BITS 8

/* The template parameters a compute layer gets (for tests and reports). */
typedef struct mixq_layer_info {
    int k, cin, cout, hin, win;  /* as the template sees them (fc: a 1x1 conv on 1x1) */
    int in_pe;                   /* channels per input word: the producer's OCH_PF, or in_c */
    int opf;                     /* OCH_PF: PE (fp, dw, mvau, dsp6) or PE*Kp (kp) */
    int actp;                    /* BN / bias units */
    int m_bits, inc_bits, bias_bits, out_bits;
    int kp, np, gb, prod_bits, cascade;
    int dsp_per_mult;            /* DSP tiles per packed product (1 when the packs fit the ports) */
    int knum, infold, row_len;
    int array_dsp, bn_dsp;       /* dsp = array_dsp + bn_dsp */
    int lb_banks, lb_width, lb_depth;       /* line buffer: banks of width x depth */
    int w_mems, w_width, w_depth;           /* weight ROMs */
    int fifo_width, fifo_depth;             /* conv_out / layer_out FIFO (0: none) */
    int pooled;                             /* a 2x2 max pool follows */
} mixq_layer_info;

/* Resources of compute or streaming layer i of a dataflow design as the MixQ HLS flow builds it. */
int resources_mixq_layer(const net *n, const design *ds, const device *dv, int i, layer_res *lr, res_features *x,
                         tf_err *e);

/* The same with explicit INC_BIT/BIAS_BIT (p may be NULL) and, for compute layers, the derived
 * template parameters (info may be NULL). */
int resources_mixq_layer_ex(const net *n, const design *ds, const device *dv, int i, const mixq_params *p,
                            layer_res *lr, res_features *x, mixq_layer_info *info, tf_err *e);

/* GEN's input stage (Accelerator_Template.py compute_pipeline: ExtractPixels, two width
 * converters, input_quant), which belongs to no layer: FIFOs 256x64, 256x192, 512x(8*in_c),
 * 512x(in_bits*in_c). Add it once per design. */
void resources_mixq_input_stage(const net *n, const device *dv, layer_res *lr, res_features *x);

/* DSP tiles of a signed a_bits x b_bits multiply on DSP kind k (27x18 for DSP48E2): the wide
 * operand in chunks of the wide port, the other in chunks of the narrow port, lower chunks one bit
 * short (unsigned), best orientation. */
int mixq_mult_dsps(int a_bits, int b_bits, dsp_kind k);

#endif
