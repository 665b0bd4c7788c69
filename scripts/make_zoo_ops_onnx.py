#!/usr/bin/python3
"""Writes tests/data/zoo_ops.onnx: a tiny model with every torchvision-zoo op that `tf2sim import`
maps (exported by torch.onnx.export, opset 13, seed 0), small enough to seed the importer's fuzz
target (tests/fuzz/corpus/onnx/). CI never runs this; the output is committed.

    /usr/bin/python3 scripts/make_zoo_ops_onnx.py [--out tests/data]

Blocks: conv+BN+hardswish, a squeeze-excite (torchvision.ops.SqueezeExcitation: avg pool, 1x1
convs, sigmoid, mul), SiLU, chunk(2) + concat + channel_shuffle (shufflenet v2), a dense concat
followed by a stand-alone BN and ReLU (densenet), avg_pool2d with padding (Pad + AveragePool),
a mean over H and W (ReduceMean), and a linear head. zoo_ops_in.npy / zoo_ops_out.npy hold an
input and PyTorch's output for it (the unit test runs tf2sim's float reference on the import).
"""
import argparse
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
from torchvision.models.shufflenetv2 import channel_shuffle
from torchvision.ops import SqueezeExcitation

HERE = os.path.dirname(os.path.abspath(__file__))


class ZooOps(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 8, 3, 2, 1, bias=False), nn.BatchNorm2d(8), nn.Hardswish())
        self.se = SqueezeExcitation(8, 4)
        self.conv = nn.Conv2d(8, 8, 3, 1, 1)
        self.branch = nn.Conv2d(4, 4, 1)
        self.norm = nn.BatchNorm2d(16)
        self.head = nn.Linear(16, 5)

    def forward(self, x):
        x = self.se(self.stem(x))
        x = F.silu(self.conv(x))
        a, b = x.chunk(2, dim=1)
        x = channel_shuffle(torch.cat((a, self.branch(b)), 1), 2)
        x = F.relu(self.norm(torch.cat((x, x), 1)))
        x = F.avg_pool2d(x, 3, 1, 1)
        return self.head(x.mean([2, 3]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--out', default=os.path.join(HERE, '..', 'tests', 'data'))
    out = ap.parse_args().out
    torch.manual_seed(0)
    m = ZooOps().eval()
    path = os.path.join(out, 'zoo_ops.onnx')
    torch.onnx.export(m, torch.zeros(1, 3, 16, 16), path, opset_version=13, input_names=['image'],
                      output_names=['logits'])
    print(f'{path}: {os.path.getsize(path)} bytes')
    import numpy as np  # an input and what PyTorch computes for it, for the unit test
    x = torch.randn(1, 3, 16, 16)
    with torch.no_grad():
        y = m(x)
    np.save(os.path.join(out, 'zoo_ops_in.npy'), x.numpy()[0])
    np.save(os.path.join(out, 'zoo_ops_out.npy'), y.numpy()[0])


if __name__ == '__main__':
    main()
