#!/usr/bin/env python3
"""Writes the first N_TEST test and N_TRAIN training images (and labels) of Debian's
Fashion-MNIST to OUT as gzipped IDX files, for tests that point TF2SIM_FMNIST at a small set
(the ASan stage: TF2SIM_ASAN=1).
usage: fmnist_slice.py OUT N_TEST N_TRAIN [SRC]"""
import gzip
import os
import struct
import sys


def cut(src, dst, count):
    with gzip.open(src, 'rb') as f:
        data = f.read()
    magic, n = struct.unpack('>II', data[:8])
    ndim = magic & 0xff
    dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    item = 1
    for d in dims[1:]:
        item *= d
    count = min(count, n)
    head = struct.pack('>I', magic) + struct.pack('>' + 'I' * ndim, count, *dims[1:])
    body = data[4 + 4 * ndim:4 + 4 * ndim + count * item]
    with gzip.open(dst, 'wb', compresslevel=1) as f:
        f.write(head + body)


def main():
    out, n_test, n_train = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    src = sys.argv[4] if len(sys.argv) > 4 else '/usr/share/datasets/fashion-mnist'
    os.makedirs(out, exist_ok=True)
    for prefix, count in (('t10k', n_test), ('train', n_train)):
        for kind in ('images-idx3', 'labels-idx1'):
            name = f'{prefix}-{kind}-ubyte.gz'
            cut(os.path.join(src, name), os.path.join(out, name), count)


if __name__ == '__main__':
    main()
