#!/usr/bin/python3
"""Train the small Fashion-MNIST CNN of configs/nets/fmnist_cnn.json once, on the CPU.

Run with Debian's interpreter (python3-torch, python3-numpy):
    /usr/bin/python3 scripts/train_fmnist.py [--epochs 8] [--out configs/models/fmnist_cnn]
Data: Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist/*-idx?-ubyte.gz).
Input is pixel/255 (no mean/std), layout C,H,W = 1x28x28.
Writes float32 NPY weights in PyTorch layout (conv [cout][cin][3][3], fc [10][576] over a
C,H,W flattening) plus model.json with the float test accuracy. CI never runs this.
"""
import argparse
import gzip
import json
import os
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

DATA = '/usr/share/datasets/fashion-mnist'


def idx(path):
    with gzip.open(path, 'rb') as f:
        raw = f.read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim)]
    return np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim).reshape(dims)


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv0 = nn.Conv2d(1, 16, 3, padding=1)
        self.conv1 = nn.Conv2d(16, 32, 3, padding=1)
        self.conv2 = nn.Conv2d(32, 64, 3, padding=1)
        self.fc = nn.Linear(64 * 3 * 3, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv0(x)), 2)
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc(x.flatten(1))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--epochs', type=int, default=8)
    ap.add_argument('--out', default=os.path.join(os.path.dirname(__file__), '..', 'models', 'fmnist_cnn'))
    ap.add_argument('--threads', type=int, default=2)
    a = ap.parse_args()
    torch.manual_seed(0)
    np.random.seed(0)
    torch.set_num_threads(a.threads)
    xtr = torch.tensor(idx(f'{DATA}/train-images-idx3-ubyte.gz'), dtype=torch.float32).unsqueeze(1) / 255
    ytr = torch.tensor(idx(f'{DATA}/train-labels-idx1-ubyte.gz'), dtype=torch.long)
    xte = torch.tensor(idx(f'{DATA}/t10k-images-idx3-ubyte.gz'), dtype=torch.float32).unsqueeze(1) / 255
    yte = torch.tensor(idx(f'{DATA}/t10k-labels-idx1-ubyte.gz'), dtype=torch.long)
    net = Net()
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, a.epochs)
    t0 = time.time()
    for ep in range(a.epochs):
        net.train()
        perm = torch.randperm(len(xtr))
        for i in range(0, len(xtr), 128):
            b = perm[i:i + 128]
            opt.zero_grad()
            loss = F.cross_entropy(net(xtr[b]), ytr[b])
            loss.backward()
            opt.step()
        sched.step()
        net.eval()
        with torch.no_grad():
            acc = (net(xte).argmax(1) == yte).float().mean().item()
        print(f'epoch {ep + 1}: loss {loss.item():.4f} test top-1 {acc:.4f} ({time.time() - t0:.0f} s)', flush=True)
    os.makedirs(a.out, exist_ok=True)
    for name, mod in [('conv0', net.conv0), ('conv1', net.conv1), ('conv2', net.conv2), ('fc', net.fc)]:
        np.save(os.path.join(a.out, f'{name}_w.npy'), mod.weight.detach().numpy().astype('<f4'))
        np.save(os.path.join(a.out, f'{name}_b.npy'), mod.bias.detach().numpy().astype('<f4'))
    meta = {'net': 'fmnist_cnn', 'float_test_top1': round(acc, 4), 'test_images': len(xte), 'epochs': a.epochs,
            'optimizer': 'Adam lr 1e-3, cosine, batch 128, seed 0', 'input': 'pixel/255, 1x28x28',
            'torch': torch.__version__, 'data': DATA}
    with open(os.path.join(a.out, 'model.json'), 'w') as f:
        json.dump(meta, f, indent=2)
        f.write('\n')
    print(json.dumps(meta))


if __name__ == '__main__':
    main()
