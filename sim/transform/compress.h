/* compress.h: INQ-style power-of-two weight quantisation with TF2's rules
 * (../shared/reference/tf2-engine.md §2.1) and its 4-bit storage (§2.2), over the net IR.
 *
 * Per compute layer: max_exp = floor(log2(4·max|w|/3)); the partition schedule 0.3, 0.6, 0.8,
 * 0.9, 1.0 freezes the largest remaining weights portion by portion (tf2_inq_partition), each
 * rounded to ±2^e with e = floor(log2(4|w|/3)) and zeroed below 0.75·2^min_exp, min_exp =
 * max_exp − (levels − 1); steps after the first take max_exp = round(log2(max|frozen|)) as TF2
 * does. INQ retrains the unfrozen weights between steps; this transform does not (there is no
 * training here), so the schedule only fixes the order in which weights are frozen and the
 * result equals quantising every weight at once with the first step's max_exp.
 *
 * The packed file: per compute layer, in net order, a weight record
 *   int8 min_exp, int8 datatype 0, int16 N, C, H, W (little-endian; fc: C = inputs, H = W = 1)
 *   then the 4-bit codes (sign 1 = positive, 3-bit index: ±2^(min_exp+idx); 0111 zero) of the
 *   [N][C] kernels packed into 16-bit words by tf2_pack_codes (k=1: 4 per word, 3x3: 3 per word,
 *   rows of larger kernels in words of 3 + rest; unused nibbles 1111), little-endian;
 * and for a layer with a bias a record with datatype 1: N = cout, C = H = W = 1, float32 values
 * (biases stay float: the engine adds them as bias·2^(15+Q)). */
#ifndef TF2SIM_COMPRESS_H
#define TF2SIM_COMPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "net/error.h"
#include "net/net.h"

#define INQ_STEPS 5
extern const double INQ_SCHEDULE[INQ_STEPS];

typedef struct inq_layer {
    bool done;                /* a compute layer */
    size_t n, zeros;
    int max_exp, min_exp;     /* min_exp = max_exp - (levels - 1); both 0 for an all-zero layer */
    int e_lo, e_hi;           /* exponents present among non-zero weights (e_lo > e_hi: none) */
    size_t frozen[INQ_STEPS]; /* weights frozen at each step */
    int step_max_exp[INQ_STEPS];
    size_t hist[8];           /* codes by magnitude index 0..6, [7] zeros */
    float *q;                 /* the power-of-two weights, same layout as the input */
} inq_layer;

typedef struct inq_result {
    int n_layers, levels;
    inq_layer *l;
    uint8_t *file; /* the packed file */
    size_t file_len;
} inq_result;

/* w[i]: float weights of compute layer i ([cout][cin/groups][k][k], fc [cout][cin*h*w]);
 * b[i]: its bias or NULL (b may be NULL). levels 1..7. */
int inq_compress(const net *n, float *const *w, float *const *b, int levels, inq_result *r, tf_err *e);
void inq_result_free(inq_result *r);

/* 16-bit words that tf2_pack_codes makes of `kernels` k x k kernels. */
size_t inq_packed_words(size_t kernels, int k);

/* Reads a packed file back: for every compute layer of n, the decoded weights into out[i]
 * (n->layers[i].weights floats, allocated; NULL for other layers). Checks every record header
 * against the net; on failure nothing stays allocated. */
int inq_read_file(const net *n, const uint8_t *file, size_t len, float **out, tf_err *e);

#endif
