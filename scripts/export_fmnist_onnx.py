#!/usr/bin/python3
"""Writes the ONNX test models of `tf2sim import` (tests/data/). CI never runs this; the outputs
are committed.

Run with Debian's interpreter (python3-torch, python3-numpy):
    /usr/bin/python3 scripts/export_fmnist_onnx.py [--out tests/data]

1. fmnist_cnn.onnx: the committed Fashion-MNIST CNN (architecture of scripts/train_fmnist.py and
   configs/nets/fmnist_cnn.json, float weights configs/models/fmnist_cnn/*.npy) exported by
   torch.onnx.export (opset 13; Debian has no `onnx` Python module, torch does not need it).
2. small_mixed.onnx: a small hand-built graph with the ops the fmnist net lacks: Conv with
   BatchNormalization, Clip(0, 6), a residual Add, Concat, MaxPool, AveragePool,
   GlobalAveragePool, Flatten and Gemm (transB = 1), plus a MatMul + Add(bias) head. Written
   with a few lines of protobuf encoding below (standard library only), field numbers from the
   ONNX IR specification. small_mixed_in.npy / small_mixed_out.npy hold an input and the
   output PyTorch computes for it (the unit test compares tf2sim's float reference with it).
3. small_unsupported.onnx: the same graph with one LeakyRelu node named 'act_b' (the error test).
"""
import argparse
import os
import struct
import sys

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, '..'))


# ---- fmnist_cnn through torch.onnx.export ----

def export_fmnist(out):
    sys.path.insert(0, HERE)
    from train_fmnist import Net  # the one definition of the architecture
    net = Net()
    wdir = os.path.join(ROOT, 'models', 'fmnist_cnn')
    with torch.no_grad():
        for name in ('conv0', 'conv1', 'conv2', 'fc'):
            mod = getattr(net, name)
            mod.weight.copy_(torch.from_numpy(np.load(os.path.join(wdir, f'{name}_w.npy'))))
            mod.bias.copy_(torch.from_numpy(np.load(os.path.join(wdir, f'{name}_b.npy'))))
    net.eval()
    path = os.path.join(out, 'fmnist_cnn.onnx')
    torch.onnx.export(net, torch.zeros(1, 1, 28, 28), path, opset_version=13, input_names=['image'],
                      output_names=['logits'], do_constant_folding=True)
    print(f'{path}: {os.path.getsize(path)} bytes')


# ---- a minimal protobuf writer (wire format: varints and length-delimited fields) ----

def varint(n):
    if n < 0:
        n += 1 << 64
    b = bytearray()
    while True:
        x = n & 0x7f
        n >>= 7
        if n:
            b.append(x | 0x80)
        else:
            b.append(x)
            return bytes(b)


def f_varint(field, n):
    return varint(field << 3) + varint(n)


def f_bytes(field, data):
    if isinstance(data, str):
        data = data.encode()
    return varint(field << 3 | 2) + varint(len(data)) + data


def f_float(field, x):
    return varint(field << 3 | 5) + struct.pack('<f', x)


def tensor(name, arr):
    """TensorProto: dims 1, data_type 2, name 8, raw_data 9."""
    arr = np.ascontiguousarray(arr)
    dt = {np.dtype('float32'): 1, np.dtype('int64'): 7}[arr.dtype]
    b = b''.join(f_varint(1, d) for d in arr.shape)
    return b + f_varint(2, dt) + f_bytes(8, name) + f_bytes(9, arr.astype(arr.dtype.newbyteorder('<')).tobytes())


def attr(name, v):
    """AttributeProto: name 1, f 2, i 3, s 4, ints 8, type 20."""
    b = f_bytes(1, name)
    if isinstance(v, float):
        return b + f_float(2, v) + f_varint(20, 1)
    if isinstance(v, int):
        return b + f_varint(3, v) + f_varint(20, 2)
    if isinstance(v, str):
        return b + f_bytes(4, v) + f_varint(20, 3)
    return b + b''.join(f_varint(8, x) for x in v) + f_varint(20, 7)


def node(op, inputs, outputs, name, **attrs):
    """NodeProto: input 1, output 2, name 3, op_type 4, attribute 5."""
    b = b''.join(f_bytes(1, i) for i in inputs) + b''.join(f_bytes(2, o) for o in outputs)
    b += f_bytes(3, name) + f_bytes(4, op)
    return b + b''.join(f_bytes(5, attr(k, v)) for k, v in attrs.items())


def value_info(name, dims):
    """ValueInfoProto name 1, type 2 -> TypeProto.tensor_type 1 -> elem_type 1, shape 2 -> dim 1 -> dim_value 1."""
    shape = b''.join(f_bytes(1, f_varint(1, d)) for d in dims)
    return f_bytes(1, name) + f_bytes(2, f_bytes(1, f_varint(1, 1) + f_bytes(2, shape)))


def model(nodes, inits, inp, out, name):
    """GraphProto: node 1, name 2, initializer 5, input 11, output 12; ModelProto: ir_version 1,
    producer_name 2, producer_version 3, graph 7, opset_import 8 (domain 1, version 2)."""
    g = b''.join(f_bytes(1, n) for n in nodes) + f_bytes(2, name)
    g += b''.join(f_bytes(5, tensor(k, v)) for k, v in inits.items())
    g += f_bytes(11, value_info(*inp)) + f_bytes(12, value_info(*out))
    return (f_varint(1, 7) + f_bytes(2, 'tf2sim export_fmnist_onnx.py') + f_bytes(3, '1') + f_bytes(7, g) +
            f_bytes(8, f_bytes(1, '') + f_varint(2, 13)))


def small_mixed(out):
    rng = np.random.default_rng(0)

    def r(*shape, scale=0.3):
        return (rng.standard_normal(shape) * scale).astype(np.float32)

    p = {
        'conv_a.weight': r(8, 3, 3, 3), 'conv_a.bias': r(8),
        'bn_a.scale': (1 + r(8, scale=0.1)), 'bn_a.bias': r(8, scale=0.1), 'bn_a.mean': r(8, scale=0.1),
        'bn_a.var': (0.5 + rng.random(8)).astype(np.float32),
        'conv_b.weight': r(8, 8, 3, 3, scale=0.2),
        'bn_b.scale': (1 + r(8, scale=0.1)), 'bn_b.bias': r(8, scale=0.1), 'bn_b.mean': r(8, scale=0.1),
        'bn_b.var': (0.5 + rng.random(8)).astype(np.float32),
        'conv_c.weight': r(4, 8, 1, 1), 'conv_c.bias': r(4),
        'conv_d.weight': r(12, 3, 2, 2), 'conv_d.bias': r(12),
        'fc1.weight': r(6, 12), 'fc1.bias': r(6),
        'fc2.matrix': r(6, 5), 'fc2.bias': r(5),
        'clip_min': np.array(0.0, np.float32), 'clip_max': np.array(6.0, np.float32),
    }
    nodes = [
        node('Conv', ['x', 'conv_a.weight', 'conv_a.bias'], ['a0'], 'conv_a', kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        node('BatchNormalization', ['a0', 'bn_a.scale', 'bn_a.bias', 'bn_a.mean', 'bn_a.var'], ['a1'], 'bn_a',
             epsilon=1e-5),
        node('Clip', ['a1', 'clip_min', 'clip_max'], ['a2'], 'relu6_a'),
        node('Conv', ['a2', 'conv_b.weight'], ['b0'], 'conv_b', kernel_shape=[3, 3], pads=[1, 1, 1, 1]),
        node('BatchNormalization', ['b0', 'bn_b.scale', 'bn_b.bias', 'bn_b.mean', 'bn_b.var'], ['b1'], 'bn_b'),
        node('Add', ['b1', 'a2'], ['s0'], 'res_add'),
        node('Relu', ['s0'], ['s1'], 'act_b'),
        node('Conv', ['s1', 'conv_c.weight', 'conv_c.bias'], ['c0'], 'conv_c', kernel_shape=[1, 1]),
        node('Concat', ['s1', 'c0'], ['k0'], 'cat', axis=1),
        node('MaxPool', ['k0'], ['m0'], 'pool_max', kernel_shape=[2, 2], strides=[2, 2]),
        node('Conv', ['x', 'conv_d.weight', 'conv_d.bias'], ['d0'], 'conv_d', kernel_shape=[2, 2], strides=[2, 2]),
        node('Add', ['m0', 'd0'], ['m1'], 'skip_add'),
        node('AveragePool', ['m1'], ['v0'], 'pool_avg', kernel_shape=[3, 3], strides=[1, 1], pads=[1, 1, 1, 1],
             count_include_pad=1),
        node('GlobalAveragePool', ['v0'], ['g0'], 'gap'),
        node('Flatten', ['g0'], ['f0'], 'flat', axis=1),
        node('Gemm', ['f0', 'fc1.weight', 'fc1.bias'], ['h0'], 'fc1', transB=1),
        node('Relu', ['h0'], ['h1'], 'fc1_relu'),
        node('MatMul', ['h1', 'fc2.matrix'], ['h2'], 'fc2'),
        node('Add', ['h2', 'fc2.bias'], ['y'], 'fc2_bias'),
    ]
    blob = model(nodes, p, ('x', [1, 3, 16, 16]), ('y', [1, 5]), 'small_mixed')
    with open(os.path.join(out, 'small_mixed.onnx'), 'wb') as f:
        f.write(blob)

    # The same graph in PyTorch, for the expected output.
    t = {k: torch.from_numpy(v) for k, v in p.items()}
    x = torch.from_numpy(rng.random((1, 3, 16, 16)).astype(np.float32))
    with torch.no_grad():
        a = F.conv2d(x, t['conv_a.weight'], t['conv_a.bias'], padding=1)
        a = F.batch_norm(a, t['bn_a.mean'], t['bn_a.var'], t['bn_a.scale'], t['bn_a.bias'], eps=1e-5)
        a = torch.clamp(a, 0, 6)
        b = F.conv2d(a, t['conv_b.weight'], padding=1)
        b = F.batch_norm(b, t['bn_b.mean'], t['bn_b.var'], t['bn_b.scale'], t['bn_b.bias'], eps=1e-5)
        s = F.relu(b + a)
        k = torch.cat([s, F.conv2d(s, t['conv_c.weight'], t['conv_c.bias'])], 1)
        m = F.max_pool2d(k, 2) + F.conv2d(x, t['conv_d.weight'], t['conv_d.bias'], stride=2)
        v = F.avg_pool2d(m, 3, 1, 1, count_include_pad=True)
        h = F.relu(F.linear(v.mean((2, 3)), t['fc1.weight'], t['fc1.bias']))
        y = h @ t['fc2.matrix'] + t['fc2.bias']
    np.save(os.path.join(out, 'small_mixed_in.npy'), x.numpy()[0].astype('<f4'))
    np.save(os.path.join(out, 'small_mixed_out.npy'), y.numpy()[0].astype('<f4'))

    nodes[6] = node('LeakyRelu', ['s0'], ['s1'], 'act_b', alpha=0.1)
    with open(os.path.join(out, 'small_unsupported.onnx'), 'wb') as f:
        f.write(model(nodes, p, ('x', [1, 3, 16, 16]), ('y', [1, 5]), 'small_unsupported'))
    print(f'{out}/small_mixed.onnx: {len(blob)} bytes; expected output {y.numpy()[0]}')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(ROOT, 'tests', 'data'))
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    torch.manual_seed(0)
    export_fmnist(a.out)
    small_mixed(a.out)


if __name__ == '__main__':
    main()
