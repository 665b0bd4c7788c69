/* net.h: the network IR — a flat array of layers in topological order.
 *
 * Loading (net_load.c) validates everything and infers every shape from the input
 * shape; nothing downstream re-checks the JSON. Derived numbers (MACs, weights) are
 * computed once at load. */
#ifndef TF2SIM_NET_H
#define TF2SIM_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

#define NET_NAME_MAX 64
#define LAYER_MAX_INPUTS 64 /* densenet concats up to 49 maps */
#define NET_MAX_LAYERS 1024

typedef enum op_kind {
    OP_CONV,      /* K×K conv, stride, pad, groups (groups == cin == cout: depthwise) */
    OP_FC,        /* fully connected on the flattened input */
    OP_MAXPOOL,
    OP_AVGPOOL,
    OP_GAP,       /* global average pool to 1×1 */
    OP_REORG,     /* space-to-depth by `stride` (YOLO reorg) */
    OP_CONCAT,    /* channel concat of its inputs */
    OP_ADD,       /* element-wise add of its inputs (residual) */
    OP_ACT,       /* element-wise activation `act` (a LUT unit: sigmoid, hard-sigmoid, hard-swish, SiLU) */
    OP_MUL,       /* element-wise multiply of input 0 by input 1 (same shape, or C x 1 x 1 per channel) */
    OP_BN,        /* stand-alone batch norm: per-channel scale and shift (weights: scale, bias: shift) */
    OP_SLICE,     /* channels [offset, offset + cout) of its input (routing, no arithmetic) */
    OP_SHUFFLE,   /* channel shuffle: out channel j*groups+g = in channel g*(C/groups)+j (PyTorch's) */
    OP__COUNT
} op_kind;

typedef enum act_kind {
    ACT_NONE,
    ACT_SIGMOID,  /* 1 / (1 + e^-x) */
    ACT_HSIGMOID, /* clip(x / 6 + 1/2, 0, 1) (ONNX HardSigmoid alpha 1/6, beta 1/2) */
    ACT_HSWISH,   /* x * hsigmoid(x) */
    ACT_SILU,     /* x * sigmoid(x) */
    ACT__COUNT
} act_kind;

typedef struct layer {
    char name[NET_NAME_MAX];
    op_kind op;
    int n_inputs;
    int inputs[LAYER_MAX_INPUTS]; /* layer indices; -1 is the graph input */

    int cin, hin, win;            /* input shape (concat: sum of inputs' channels) */
    int cout, hout, wout;         /* output shape */
    int k, stride, pad, groups;   /* conv: kernel; pools: window; reorg: stride; shuffle: groups */
    act_kind act;                 /* OP_ACT: the function */
    int offset;                   /* OP_SLICE: first input channel */

    int wbits;                    /* weight bits (compute layers) */
    int abits;                    /* bits of this layer's input activations */
    bool bits_fixed;              /* excluded from --bitw/--bita digit strings */
    bool bn, relu, bias;          /* followed by BN / ReLU; has a bias */
    bool pow2;                    /* power-of-two (INQ) weights */

    uint64_t macs;                /* multiply-accumulates per frame */
    uint64_t weights;             /* weight count (no biases/BN) */
} layer;

typedef struct net {
    char name[NET_NAME_MAX];
    char path[512];               /* file it came from */
    int in_c, in_h, in_w, in_bits;
    int n_layers;
    layer *layers;
    int n_compute;                /* conv + fc layers */
    uint64_t macs, weights;
} net;

const char *op_name(op_kind op);
const char *act_name(act_kind a);
/* Value of activation a at x (float reference; the LUT units tabulate it). */
double act_eval(act_kind a, double x);
/* conv or fc: the layers that carry weights and get a (SIMD, PE) folding. */
static inline bool layer_is_compute(const layer *l) { return l->op == OP_CONV || l->op == OP_FC; }
static inline bool layer_is_depthwise(const layer *l)
{
    return l->op == OP_CONV && l->groups > 1 && l->groups == l->cin && l->cout == l->cin;
}
/* Layers with float parameters (<name>_w.npy, <name>_b.npy): conv, fc and a stand-alone BN. */
static inline bool layer_has_params(const layer *l) { return layer_is_compute(l) || l->op == OP_BN; }
/* Shape of its weight array (fc [cout, cin*h*w], conv [cout, cin/g, k, k], bn scale [c]); returns the rank. */
int layer_weight_shape(const layer *l, int shape[4]);
/* Input channels seen by one output channel (cin / groups; fc: flattened input). */
int layer_cin_per_group(const layer *l);

/* Output size of a KxK/s window over `in` with pad p (ceil_mode: Caffe's rounding up). */
int net_window_out(int in, int k, int s, int p, bool ceil_mode);

/* Loads a net from a JSON file (see configs/nets/README.md for the format). */
int net_load(net *n, const char *path, tf_err *e);
/* The same from text in memory; `name` stands in for the file name in errors. */
int net_parse(net *n, const char *name, const char *text, tf_err *e);
/* Resolves `name_or_path`: an existing file path, or a name in configs/nets/. */
int net_load_named(net *n, const char *name_or_path, tf_err *e);
void net_free(net *n);
/* Index of the layer with this name, or -1. */
int net_find(const net *n, const char *name);
/* Deep copy (for per-design bit overrides). */
int net_clone(net *dst, const net *src, tf_err *e);

/* Sets per-compute-layer bits from digit strings ("844444448"), one digit per
 * non-fixed compute layer; NULL leaves that kind unchanged. `what` names the option. */
int net_apply_bit_digits(net *n, const char *wdigits, const char *adigits, tf_err *e);
/* Sets every non-fixed compute layer to w/a bits (0 leaves unchanged). */
int net_apply_bits(net *n, int wbits, int abits, tf_err *e);
/* Writes the bit vector as digit strings, one digit per non-fixed compute layer, the
 * same digits --bitw/--bita take (for display and the accuracy cache key). */
void net_bit_digits(const net *n, char *wout, char *aout, size_t cap);

/* Bits of the output activation of layer i: the abits of its first compute consumer
 * (through pools/reorg/concat), or 32 for a raw-accumulator head. */
int net_out_bits(const net *n, int i);

#endif
