/* numerics_tf2.h: the TF2 engine's arithmetic (../shared/reference/tf2-engine.md §2, §8).
 *
 * INQ power-of-two weights: 7 magnitudes + zero per layer, stored as 4-bit codes (sign bit,
 * 1 = positive, plus a 3-bit magnitude index; 0111 = zero, 1111 = N/A) packed into 16-bit
 * words. On chip each weight is a byte: bit 7 sign, bit 6 zero flag, bits 4..0 a left shift
 * that folds the weight exponent and the input/output feature scales together, so a
 * multiply is a shift-accumulate (SAC) of int8 features into an int32 accumulator. The
 * output stage applies bias, BN (alpha/2^20, beta), rounds back to int8, saturates, then
 * ReLU. Feature scales are per-channel powers of two, int8 = x * 2^Q. */
#ifndef TF2SIM_NUMERICS_TF2_H
#define TF2SIM_NUMERICS_TF2_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "net/error.h"
#include "net/net.h"
#include "net/tensor.h"

#define TF2_INFLAT 15          /* fractional bits of the accumulator at the output scale */
#define TF2_INQ_LEVELS 7       /* magnitudes per sign */
#define TF2_CODE_ZERO 0x7      /* 0111 */
#define TF2_CODE_NA 0xF        /* 1111: unused nibble */
#define TF2_WZERO 0x40         /* on-chip weight byte: zero flag */

/* ---- INQ (TransForm_Kit compress_core.py) ---- */
/* max_exp = floor(log2(4 * max|w| / 3)); a layer of zeros gives INT32_MIN. */
int tf2_inq_max_exp(const float *w, size_t n);
/* Nearest power of two in the linear domain (boundary 0.75 * 2^k): e = floor(log2(4|w|/3));
 * ±2^e if e >= max_exp - 6, else 0. The exponent is not clipped at max_exp. */
float tf2_inq_quantize1(float w, int max_exp);
void tf2_inq_quantize(const float *w, size_t n, int max_exp, float *out);
/* One INQ partition step: among weights with mask[i] set (not yet quantised), quantise and
 * freeze (mask 0) the largest-magnitude ones so that an accumulated portion `cur` of the
 * layer is frozen (after `prev`). Returns how many were frozen now. */
size_t tf2_inq_partition(float *w, unsigned char *mask, size_t n, double prev, double cur, int max_exp);

/* ---- 4-bit storage codes ---- */
/* Code of a power-of-two weight: value = ±2^(min_exp + idx), idx 0..6, or 0. -1 if the value
 * is not representable (not a power of two in range). */
int tf2_code_encode(float w, int min_exp);
/* Value of a code; NaN for 1111 (N/A). */
float tf2_code_decode(int code, int min_exp);
/* Packs codes of [n_filters][k][k] kernels into 16-bit words the TF2 way: k=1: 4 per word,
 * k=2: 2 per word, k=3: 3 per word, k>3: each kernel row in words of 3 plus one word for
 * the k mod 3 rest. Unused nibbles are 1111. Nibble order (undocumented upstream): the first
 * code in the low nibble. Returns the number of words written; with words NULL it only
 * counts, and codes may be NULL too. */
size_t tf2_pack_codes(const uint8_t *codes, int n_filters, int k, uint16_t *words);
/* Inverse of tf2_pack_codes; returns the number of words consumed, or 0 on an N/A code
 * where a weight was expected. */
size_t tf2_unpack_codes(const uint16_t *words, size_t n_words, int n_filters, int k, uint8_t *codes);

/* ---- on-chip weight byte and SAC (pe.cl MUL, model_loader.cpp Get_real) ---- */
/* s = 15 + Q_out - Q_in - v for |w| = 2^-v (v in 0..14 matched within 1%, else v = 0),
 * clamped at 0 (not zeroed) and masked to 5 bits; |w| < 1e-5 gives the zero flag. */
uint8_t tf2_weight_byte(float w, int q_in, int q_out);
/* SAC(x, w): 0 if zero flag, else ±x << s in 32-bit two's complement. */
static inline int32_t tf2_sac(int8_t x, uint8_t wb)
{
    if (wb & TF2_WZERO)
        return 0;
    int32_t v = (wb & 0x80) ? -(int32_t)x : (int32_t)x;
    return (int32_t)((uint32_t)v << (wb & 0x1f));
}

/* ---- output stage (pe.cl) ---- */
typedef struct tf2_out_params {
    int32_t bias_int;  /* (int)(bias * 2^(15+Q_out)) — the accumulator's start value */
    int32_t alpha_int; /* (int)(a * 2^20); 2^20 without BN */
    int32_t beta_int;  /* round_half_away(b * 2^(15+Q_out)); 0 without BN */
} tf2_out_params;

/* BN a = gamma / sqrt(var/sf + 1e-5), b = beta - a*mean/sf folded with the bias. */
tf2_out_params tf2_out_params_make(double bias, bool bn, double gamma, double beta, double mean, double var,
                                   double sf, int q_out);
/* t = (acc * alpha) >> 20; y = (((t + beta) >> 14) + 1) >> 1; saturate to int8; then ReLU. */
static inline int8_t tf2_output(int32_t acc, const tf2_out_params *p, bool relu)
{
    int64_t t = ((int64_t)acc * p->alpha_int) >> 20;
    int64_t y = (((t + p->beta_int) >> 14) + 1) >> 1;
    if (y > 127)
        y = 127;
    if (y < -128)
        y = -128;
    if (relu && y < 0)
        y = 0;
    return (int8_t)y;
}

/* ---- feature Q (Quantization/quantization.py) ---- */
/* One channel: Q = log2(127/max|a|), floor if < 0 else round; decrement while
 * max*2^Q > 127 or min*2^Q < -128. amax = 0 gives INT32_MIN (decided by the layer mean). */
int tf2_q_channel(double amin, double amax);
/* A layer: per-channel Q from min/max, then clamp toward the layer mean (Q > 0 and
 * Q > mean -> floor(mean); Q < 0 and Q < mean -> ceil(mean)). */
void tf2_q_layer(const double *amin, const double *amax, int n, int *q);
/* int8 = clamp(round_half_away(x * 2^Q)). */
int8_t tf2_quantize_feature(double x, int q);

/* ---- layers on int8 tensors (codes stored in int32 tensors) ---- */
/* conv: acc = bias_int[o] + sum SAC(x, wb) ; then the output stage. Weight bytes are
 * [cout][cin/groups][k][k] and already fold Q_in/Q_out. */
int tf2_conv(const layer *l, const tensor *in, const uint8_t *wbytes, const tf2_out_params *op, bool relu,
             tensor *out, tf_err *e);
/* Residual: sat8(a + b), optional ReLU (both operands at the same Q). */
int tf2_add(const tensor *a, const tensor *b, bool relu, tensor *out, tf_err *e);
/* Global average pool: (((sum * M) >> 14) + 1) >> 1, M = round(2^15 / (h*w)) (669 for 7x7). */
int tf2_gap(const tensor *in, tensor *out, tf_err *e);
int tf2_gap_mult(int hw);

#endif
