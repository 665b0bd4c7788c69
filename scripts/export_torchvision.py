#!/usr/bin/python3
"""Exports torchvision classification models to ONNX for `tf2sim import` (the zoo test).

Run with Debian's interpreter (python3-torchvision, python3-torch):
    /usr/bin/python3 scripts/export_torchvision.py OUTDIR [MODEL...]

Each model is built unmodified by its torchvision builder with random weights (seed 0: nothing
is downloaded), put in eval mode and exported by torch.onnx.export at opset 13 with a 1x3xHxW
input (299x299 for inception_v3, 224x224 otherwise). inception_v3 is not in the default list: its
1x7 / 7x1 convolutions need non-square kernels, which the net IR does not have (`tf2sim import`
names the first such node). One process exports all of them, and a
model whose file is already there is skipped, so a test can cache OUTDIR between runs.
Prints one line per model: name, file, and the parameter count torchvision publishes for it
(the model builder's weights meta, `num_params`: data, nothing is downloaded).
"""
import os
import sys

import torch
import torchvision

MODELS = [
    'resnet18', 'resnet50', 'resnext50_32x4d', 'vgg11', 'squeezenet1_0', 'squeezenet1_1',
    'densenet121', 'googlenet', 'mobilenet_v2', 'mobilenet_v3_large',
    'mobilenet_v3_small', 'mnasnet0_5', 'mnasnet1_0', 'shufflenet_v2_x1_0', 'efficientnet_b0',
    'regnet_x_400mf', 'regnet_y_400mf',
]


def export(name, out):
    path = os.path.join(out, name + '.onnx')
    torch.manual_seed(0)
    kw = {'weights': None}
    if name in ('googlenet', 'inception_v3'):
        kw['aux_logits'] = False  # the aux heads only run in training: the eval graph is the same
        kw['init_weights'] = True  # the builder's own default without weights, said out loud
    model = getattr(torchvision.models, name)(**kw).eval()
    params = torchvision.models.get_model_weights(name).DEFAULT.meta['num_params']
    if not os.path.exists(path):
        side = 299 if name == 'inception_v3' else 224
        tmp = path + '.tmp'
        with torch.no_grad():
            torch.onnx.export(model, torch.zeros(1, 3, side, side), tmp, opset_version=13,
                              input_names=['image'], output_names=['logits'], do_constant_folding=True)
        os.replace(tmp, path)
    print(f'{name} {path} {params}', flush=True)


def main():
    if len(sys.argv) < 2:
        sys.exit('usage: export_torchvision.py OUTDIR [MODEL...]')
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    names = sys.argv[2:] or MODELS
    for n in names:
        if n not in MODELS + ['inception_v3']:
            sys.exit(f'export_torchvision.py: unknown model {n!r} (allowed: {", ".join(MODELS)}, inception_v3)')
        export(n, out)


if __name__ == '__main__':
    main()
