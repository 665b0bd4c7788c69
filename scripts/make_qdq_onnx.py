#!/usr/bin/python3
"""Writes tests/data/qdq_small.onnx: a small quantised model in ONNX's QDQ form (QuantizeLinear /
DequantizeLinear pairs, as quantisation toolkits export), built with python3-onnx's helper API.
CI never runs this; the output is committed.

    /usr/bin/python3 scripts/make_qdq_onnx.py [--out tests/data]

The graph (input 1x3x16x16):
  x -> Q/DQ (uint8, scale 1/255)                                      8-bit activations
    -> conv1 3x3, 8 filters: int8 codes in -8..7, a scale per filter   4-bit weights
    -> Relu -> Q (uint8, 0.05) -> Clip(0, 15) on the codes -> DQ      4-bit activations
    -> conv2 3x3/2, 16 filters: int8 codes in -2..1, one scale 0.1     2-bit weights
    -> Relu -> Q/DQ (uint8, 0.1)                                       8-bit activations
    -> GlobalAveragePool -> Flatten
    -> fc 10: float weights through Q/DQ (int8, scale 0.02)            8-bit weights
so `tf2sim import` gives bitw 428, bita 848. Also writes qdq_small_conv1_w.npy: conv1's weights
dequantized here with numpy, (code - 0) * scale, for the test to compare with the import.
"""
import argparse
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(HERE, '..', 'tests', 'data'))
    out = ap.parse_args().out
    rng = np.random.default_rng(0)
    w1 = rng.integers(-8, 8, size=(8, 3, 3, 3)).astype(np.int8)
    w1[0, 0, 0, 0], w1[1, 0, 0, 0] = -8, 7  # the whole 4-bit range is used
    s1 = (0.01 * (1 + np.arange(8))).astype(np.float32)
    w2 = rng.integers(-2, 2, size=(16, 8, 3, 3)).astype(np.int8)
    w2[0, 0, 0, 0], w2[1, 0, 0, 0] = -2, 1
    w3 = rng.normal(0, 0.5, size=(10, 16)).astype(np.float32)
    w3[0, 0], w3[1, 0] = 2.54, -2.56  # codes 127 and -128: all 8 bits used
    b1 = rng.normal(0, 0.1, size=8).astype(np.float32)

    def init(name, arr):
        return numpy_helper.from_array(arr, name)

    inits = [
        init('w1_q', w1), init('w1_s', s1), init('w1_z', np.zeros(8, np.int8)), init('b1', b1),
        init('w2_q', w2), init('w2_s', np.array(0.1, np.float32)), init('w2_z', np.array(0, np.int8)),
        init('w3', w3), init('w3_s', np.array(0.02, np.float32)), init('w3_z', np.array(0, np.int8)),
        init('x_s', np.array(1 / 255, np.float32)), init('x_z', np.array(0, np.uint8)),
        init('a1_s', np.array(0.05, np.float32)), init('a1_z', np.array(0, np.uint8)),
        init('a1_lo', np.array(0, np.uint8)), init('a1_hi', np.array(15, np.uint8)),
        init('a2_s', np.array(0.1, np.float32)), init('a2_z', np.array(0, np.uint8)),
    ]
    N = helper.make_node
    nodes = [
        N('QuantizeLinear', ['x', 'x_s', 'x_z'], ['xq'], name='x/quant'),
        N('DequantizeLinear', ['xq', 'x_s', 'x_z'], ['xd'], name='x/dequant'),
        N('DequantizeLinear', ['w1_q', 'w1_s', 'w1_z'], ['w1'], name='conv1/w_dequant', axis=0),
        N('Conv', ['xd', 'w1', 'b1'], ['y1'], name='conv1', kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        N('Relu', ['y1'], ['r1'], name='relu1'),
        N('QuantizeLinear', ['r1', 'a1_s', 'a1_z'], ['r1q'], name='a1/quant'),
        N('Clip', ['r1q', 'a1_lo', 'a1_hi'], ['r1c'], name='a1/clip4'),
        N('DequantizeLinear', ['r1c', 'a1_s', 'a1_z'], ['r1d'], name='a1/dequant'),
        N('DequantizeLinear', ['w2_q', 'w2_s', 'w2_z'], ['w2'], name='conv2/w_dequant'),
        N('Conv', ['r1d', 'w2'], ['y2'], name='conv2', kernel_shape=[3, 3], pads=[1, 1, 1, 1], strides=[2, 2]),
        N('Relu', ['y2'], ['r2'], name='relu2'),
        N('QuantizeLinear', ['r2', 'a2_s', 'a2_z'], ['r2q'], name='a2/quant'),
        N('DequantizeLinear', ['r2q', 'a2_s', 'a2_z'], ['r2d'], name='a2/dequant'),
        N('GlobalAveragePool', ['r2d'], ['g'], name='gap'),
        N('Flatten', ['g'], ['f'], name='flatten'),
        N('QuantizeLinear', ['w3', 'w3_s', 'w3_z'], ['w3q'], name='fc/w_quant'),
        N('DequantizeLinear', ['w3q', 'w3_s', 'w3_z'], ['w3d'], name='fc/w_dequant'),
        N('Gemm', ['f', 'w3d'], ['logits'], name='fc', transB=1),
    ]
    graph = helper.make_graph(
        nodes, 'qdq_small', [helper.make_tensor_value_info('x', TensorProto.FLOAT, [1, 3, 16, 16])],
        [helper.make_tensor_value_info('logits', TensorProto.FLOAT, [1, 10])], inits)
    model = helper.make_model(graph, producer_name='tf2sim make_qdq_onnx.py',
                              opset_imports=[helper.make_opsetid('', 13)])
    model.ir_version = 7
    onnx.checker.check_model(model)
    path = os.path.join(out, 'qdq_small.onnx')
    onnx.save(model, path)
    w1f = (w1.astype(np.float64) * s1[:, None, None, None].astype(np.float64)).astype(np.float32)
    np.save(os.path.join(out, 'qdq_small_conv1_w.npy'), w1f)
    print(f'{path}: {os.path.getsize(path)} bytes')


if __name__ == '__main__':
    main()
