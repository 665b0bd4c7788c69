/* onnx_import.h: an ONNX model (protobuf, read with protobuf-c through our own minimal schema
 * sim/transform/onnx.proto) -> the net IR plus float weights in the layout of float_ref.h.
 *
 * Mapped ops (default domain only):
 *   Conv (square kernel, equal strides, symmetric pads, dilations 1, any group) -> conv
 *   Gemm (transA 0; alpha, beta, transB folded) and MatMul with a constant matrix -> fc
 *   MaxPool / AveragePool (square windows, symmetric pads, ceil_mode) -> maxpool / avgpool
 *   GlobalAveragePool -> gap;  Add of two tensors -> add;  Concat on axis 1 -> concat
 *   Relu, and Clip with min 0 -> the relu flag of the producer (Clip's upper bound is dropped
 *     and noted in the layer's comment)
 *   BatchNormalization after a Conv/Gemm -> folded into its weights and bias (bn flag set)
 *   Add of a constant after a Conv/Gemm/MatMul -> its bias
 *   Flatten (axis 1), Reshape to [N, C*H*W] -> nothing (our fc flattens C,H,W)
 *   Dropout, Identity -> nothing; Softmax/LogSoftmax feeding only a graph output -> dropped
 * Anything else is an error naming the node and its op type. Shapes are inferred by the net
 * loader from the graph input (N x C x H x W, C/H/W fixed). Compute layers are named after
 * their weight tensor ("conv0.weight" -> conv0), the others after their node. */
#ifndef TF2SIM_ONNX_IMPORT_H
#define TF2SIM_ONNX_IMPORT_H

#include <stddef.h>
#include <stdint.h>

#include "net/error.h"
#include "numerics/float_ref.h"
#include "net/net.h"

typedef struct onnx_result {
    net n;            /* shapes inferred, path = the source file */
    float_weights fw; /* one entry per layer, BN folded */
    char **comments;  /* n.n_layers entries, NULL or a note on what the import did */
    char description[512];
    char source[512];
} onnx_result;

/* `name`: the net name (1..63 chars). `what` names the data in messages (a file name). */
int onnx_import_buffer(const uint8_t *data, size_t len, const char *what, const char *name, onnx_result *r,
                       tf_err *e);
int onnx_import_file(const char *path, const char *name, onnx_result *r, tf_err *e);
void onnx_result_free(onnx_result *r);

#endif
