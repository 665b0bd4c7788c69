#!/usr/bin/env python3
"""Writes the ImageNet nets of the zoo (configs/nets/*.json) that TF2 lists.

    python3 scripts/zoo/gen_imagenet_nets.py [--out DIR]

Nets: squeezenet1_0, squeezenet1_1, googlenet, googlenet_tf2, resnet50, alexnet, vgg16.
They follow the Caffe definitions (BVLC AlexNet / GoogLeNet, DeepScale SqueezeNet, VGG
ILSVRC-16 layers) with Caffe layer names. Deviations, each for a stated reason:
SqueezeNet uses torchvision's 224x224 input, which the published MAC figures refer to
(Caffe's deploy files say 227); googlenet_tf2 is the variant of TF2's runtime header (3x3 in the
"5x5" branch, BN); ResNet-50 is the v1.5 variant TF2 runs (stride 2 on the 3x3 conv of
a stage's first block). Layers with no MACs and no shape effect (LRN, dropout, softmax)
are left out. Caffe pools round the output size up, so its pools carry "ceil_mode": true.
All layers default to W8A8 (TF2 stores int8 features; see configs/nets/README.md).
Standard library only. The JSON files are committed; rerun this after editing it.
"""
import argparse
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_OUT = os.path.normpath(os.path.join(HERE, "..", "..", "configs", "nets"))


class Net:
    """Collects layers in topological order; `prev` is the last layer added."""

    def __init__(self):
        self.layers = []
        self.prev = "input"

    def add(self, name, op, inputs=None, **kw):
        layer = {"name": name, "op": op}
        src = self.prev if inputs is None else inputs
        # Only write "inputs" when it is not the implicit previous layer.
        implicit = "input" if not self.layers else self.layers[-1]["name"]
        if src != implicit:
            layer["inputs"] = src
        layer.update(kw)
        self.layers.append(layer)
        self.prev = name
        return name

    def conv(self, name, cout, k, stride=1, pad=0, inputs=None, groups=1, bn=False, relu=True,
             bias=True, **kw):
        args = {"cout": cout, "k": k}
        if stride != 1:
            args["stride"] = stride
        if pad:
            args["pad"] = pad
        if groups != 1:
            args["groups"] = groups
        if bn:
            args["bn"] = True
        if relu:
            args["relu"] = True
        if bias:
            args["bias"] = True
        args.update(kw)
        return self.add(name, "conv", inputs, **args)

    def pool(self, name, op, k, stride, pad=0, ceil=True, inputs=None, **kw):
        args = {"k": k, "stride": stride}
        if pad:
            args["pad"] = pad
        if ceil:
            args["ceil_mode"] = True
        args.update(kw)
        return self.add(name, op, inputs, **args)

    def fc(self, name, cout, relu=True, inputs=None, **kw):
        args = {"cout": cout, "bias": True}
        if relu:
            args["relu"] = True
        args.update(kw)
        return self.add(name, "fc", inputs, **args)


# ---------------------------------------------------------------------------- nets

def alexnet():
    n = Net()
    n.conv("conv1", 96, 11, stride=4)
    n.pool("pool1", "maxpool", 3, 2, comment="norm1 (LRN) before it is omitted: no MACs")
    n.conv("conv2", 256, 5, pad=2, groups=2)
    n.pool("pool2", "maxpool", 3, 2, comment="norm2 (LRN) before it is omitted")
    n.conv("conv3", 384, 3, pad=1)
    n.conv("conv4", 384, 3, pad=1, groups=2)
    n.conv("conv5", 256, 3, pad=1, groups=2)
    n.pool("pool5", "maxpool", 3, 2)
    n.fc("fc6", 4096, comment="256x6x6 = 9216 -> 4096")
    n.fc("fc7", 4096)
    n.fc("fc8", 1000, relu=False)
    return {
        "name": "alexnet",
        "description": "AlexNet as in Caffe's bvlc_alexnet (227x227 input, conv2/4/5 in 2 groups, LRN omitted).",
        "source": "Krizhevsky et al., NIPS 2012; Caffe models/bvlc_alexnet/deploy.prototxt. One of the INQ-compressed nets in TF2's README.",
        "input": {"c": 3, "h": 227, "w": 227, "bits": 8},
        "reference": {
            "macs": 724000000,
            "macs_source": "Sze, Chen, Yang, Emer, 'Efficient Processing of Deep Neural Networks: A Tutorial and Survey', Proc. IEEE 2017, Table of DNN models: AlexNet 724M MACs (grouped convs, 227x227)",
        },
        "layers": n.layers,
    }


def vgg16():
    n = Net()
    cfg = [(1, 2, 64), (2, 2, 128), (3, 3, 256), (4, 3, 512), (5, 3, 512)]
    for stage, reps, ch in cfg:
        for r in range(1, reps + 1):
            n.conv("conv%d_%d" % (stage, r), ch, 3, pad=1)
        n.pool("pool%d" % stage, "maxpool", 2, 2)
    n.fc("fc6", 4096, comment="512x7x7 = 25088 -> 4096")
    n.fc("fc7", 4096)
    n.fc("fc8", 1000, relu=False)
    return {
        "name": "vgg16",
        "description": "VGG-16 (configuration D), 224x224 input: 13 convs 3x3, 5 maxpools, 3 fc.",
        "source": "Simonyan & Zisserman, ICLR 2015 (configuration D); Caffe VGG_ILSVRC_16_layers_deploy.prototxt. One of the INQ-compressed nets in TF2's README.",
        "input": {"c": 3, "h": 224, "w": 224, "bits": 8},
        "reference": {
            "macs": 15500000000,
            "macs_source": "Sze, Chen, Yang, Emer, 'Efficient Processing of Deep Neural Networks: A Tutorial and Survey', Proc. IEEE 2017, Table of DNN models: VGG-16 15.5G MACs",
        },
        "layers": n.layers,
    }


def _fire(n, idx, squeeze, expand):
    """SqueezeNet fire module: squeeze 1x1, then expand 1x1 and 3x3 concatenated."""
    p = "fire%d/" % idx
    inp = n.prev
    sq = n.conv(p + "squeeze1x1", squeeze, 1, inputs=inp)
    e1 = n.conv(p + "expand1x1", expand, 1, inputs=sq)
    e3 = n.conv(p + "expand3x3", expand, 3, pad=1, inputs=sq)
    n.add(p + "concat", "concat", inputs=[e1, e3])


def squeezenet(version):
    """SqueezeNet with the DeepScale Caffe layer structure at torchvision's 224x224 input
    (Caffe's deploy files say 227x227); see the "source" text written below."""
    n = Net()
    if version == "1_0":
        n.conv("conv1", 96, 7, stride=2)
        n.pool("pool1", "maxpool", 3, 2)
        plan = [(2, 16, 64), (3, 16, 64), (4, 32, 128), "pool4", (5, 32, 128), (6, 48, 192),
                (7, 48, 192), (8, 64, 256), "pool8", (9, 64, 256)]
        conv10_note = ("dropout before it omitted; Caffe's v1.0 deploy pads this 1x1 conv by 1 "
                       "(15x15 out, +28.7M MACs), torchvision and TF2's PyTorch SqueezeNet do not")
    else:
        n.conv("conv1", 64, 3, stride=2)
        n.pool("pool1", "maxpool", 3, 2)
        plan = [(2, 16, 64), (3, 16, 64), "pool3", (4, 32, 128), (5, 32, 128), "pool5",
                (6, 48, 192), (7, 48, 192), (8, 64, 256), (9, 64, 256)]
        conv10_note = "dropout before it omitted"
    for item in plan:
        if isinstance(item, str):
            n.pool(item, "maxpool", 3, 2)
        else:
            _fire(n, *item)
    n.conv("conv10", 1000, 1, comment=conv10_note)
    n.add("pool10", "gap", comment="global average pool 13x13 -> 1x1")
    if version == "1_0":
        ref = {
            "macs": 820000000,
            "macs_source": ("torchvision model docs, squeezenet1_0 (SqueezeNet1_0_Weights.IMAGENET1K_V1): "
                            "GFLOPS 0.82 at 224x224, counted as multiply-adds"),
        }
        desc = ("SqueezeNet v1.0: conv1 7x7/2 96, 8 fire modules (squeeze 1x1, expand 1x1 + 3x3, concat), "
                "ceil-mode maxpools after conv1, fire4 and fire8, conv10 1x1 -> 1000, global average pool; "
                "224x224 input.")
    else:
        ref = {
            "macs": 350000000,
            "macs_source": ("torchvision model docs, squeezenet1_1 (SqueezeNet1_1_Weights.IMAGENET1K_V1): "
                            "GFLOPS 0.35 at 224x224, counted as multiply-adds"),
        }
        desc = ("SqueezeNet v1.1: conv1 3x3/2 64, 8 fire modules, ceil-mode maxpools after conv1, fire3 "
                "and fire5, conv10 1x1 -> 1000, global average pool; 224x224 input.")
    return {
        "name": "squeezenet" + version,
        "description": desc,
        "source": ("Iandola et al., 'SqueezeNet', arXiv:1602.07360; layer structure and names of "
                   "forresti/SqueezeNet SqueezeNet_v%s/deploy.prototxt (there the input is 227x227, giving %s), "
                   "at torchvision's 224x224 input (TF2 brings PyTorch models in through "
                   "TransForm_Kit/ModelConvert/pytorch2caffe; its own SqueezeNet.py is torchvision-style). "
                   "TF2 README: SqueezeNet 1485 fps on F10A (version and input size not stated)."
                   % (version.replace("_", "."), "861.3M MACs with its padded conv10" if version == "1_0"
                      else "387.7M MACs")),
        "input": {"c": 3, "h": 224, "w": 224, "bits": 8},
        "reference": ref,
        "layers": n.layers,
    }


def _inception(n, name, c1, c3r, c3, c5r, c5, cp, k5=5, bn=False):
    """GoogLeNet inception module: 1x1, 1x1->3x3, 1x1->KxK (K=5 in the paper and Caffe), and
    maxpool 3x3/1 -> 1x1 pool_proj, concatenated. bn: torchvision/TF2 style (BN, no bias)."""
    p = "inception_%s/" % name
    inp = n.prev
    kw = {"bn": True, "bias": False} if bn else {}
    b1 = n.conv(p + "1x1", c1, 1, inputs=inp, **kw)
    n.conv(p + "3x3_reduce", c3r, 1, inputs=inp, **kw)
    b3 = n.conv(p + "3x3", c3, 3, pad=1, **kw)
    n.conv(p + "5x5_reduce", c5r, 1, inputs=inp, **kw)
    extra = {} if k5 == 5 else {"comment": "3x3, not 5x5: as TF2's googlenet.h and torchvision"}
    b5 = n.conv(p + "5x5", c5, k5, pad=k5 // 2, **kw, **extra)
    n.pool(p + "pool", "maxpool", 3, 1, pad=1, inputs=inp)
    bp = n.conv(p + "pool_proj", cp, 1, **kw)
    n.add(p + "output", "concat", inputs=[b1, b3, b5, bp])


INCEPTIONS = [
    ("3a", 64, 96, 128, 16, 32, 32), ("3b", 128, 128, 192, 32, 96, 64), "pool3",
    ("4a", 192, 96, 208, 16, 48, 64), ("4b", 160, 112, 224, 24, 64, 64),
    ("4c", 128, 128, 256, 24, 64, 64), ("4d", 112, 144, 288, 32, 64, 64),
    ("4e", 256, 160, 320, 32, 128, 128), "pool4",
    ("5a", 256, 160, 320, 32, 128, 128), ("5b", 384, 192, 384, 48, 128, 128),
]


def _googlenet_layers(tf2):
    n = Net()
    kw = {"bn": True, "bias": False} if tf2 else {}
    lrn = (lambda c: {}) if tf2 else (lambda c: {"comment": c})
    n.conv("conv1/7x7_s2", 64, 7, stride=2, pad=3, **kw)
    n.pool("pool1/3x3_s2", "maxpool", 3, 2, **lrn("pool1/norm1 (LRN) after it omitted: no MACs"))
    n.conv("conv2/3x3_reduce", 64, 1, **kw)
    n.conv("conv2/3x3", 192, 3, pad=1, **kw, **lrn("conv2/norm2 (LRN) after it omitted"))
    n.pool("pool2/3x3_s2", "maxpool", 3, 2)
    for item in INCEPTIONS:
        if isinstance(item, str):
            n.pool("%s/3x3_s2" % item, "maxpool", 3, 2)
        else:
            _inception(n, *item, k5=3 if tf2 else 5, bn=tf2)
    if tf2:
        n.add("pool5", "gap", comment="7x7 global average pool -> 1024x1x1")
    else:
        n.pool("pool5/7x7_s1", "avgpool", 7, 1, comment="7x7 average pool -> 1024x1x1; dropout after it omitted")
    n.fc("loss3/classifier", 1000, relu=False)
    return n.layers


def googlenet():
    return {
        "name": "googlenet",
        "description": ("GoogLeNet (Inception v1) as in Caffe's bvlc_googlenet deploy net, 224x224: 9 inception "
                        "modules with 1x1, 3x3, 5x5 and pool-proj branches, Caffe ceil-mode pools, LRN omitted, "
                        "no auxiliary classifiers (training only). For the variant TF2's runtime header "
                        "describes see googlenet_tf2."),
        "source": ("Szegedy et al., 'Going deeper with convolutions', CVPR 2015, Table 1; Caffe "
                   "models/bvlc_googlenet/deploy.prototxt. TF2 README: GoogLeNet 306 fps on F10A."),
        "input": {"c": 3, "h": 224, "w": 224, "bits": 8},
        "reference": {
            "macs": 1586000000,
            "macs_source": ("Szegedy et al., CVPR 2015, Table 1: sum of the 'ops' column (118M + 360M + 128M "
                            "+ 304M + 73M + 88M + 100M + 119M + 170M + 54M + 71M + 1M = 1,586M); the text "
                            "rounds it to '1.5 billion multiply-adds'"),
        },
        "layers": _googlenet_layers(False),
    }


def googlenet_tf2():
    return {
        "name": "googlenet_tf2",
        "description": ("GoogLeNet as TF2's runtime header Runtime_Engine/cnn/host/inc/googlenet.h describes it "
                        "(same as torchvision's googlenet): the '5x5' branch of every inception module is a "
                        "3x3 pad-1 conv, convs carry BN and no bias, ceil-mode pools, global average pool, "
                        "fc 1024 -> 1000; 224x224 input. Use it to compare with TF2's cycle tables."),
        "source": ("TF2-Engine/TF2 Runtime_Engine/cnn/host/inc/googlenet.h (kFilterSize/kPadWidth 3/1 for the "
                   "5x5 layers, kBnEnable, kBiasEnable only on fc1000); torchvision.models.googlenet."),
        "input": {"c": 3, "h": 224, "w": 224, "bits": 8},
        "reference": {
            "macs": 1500000000,
            "macs_source": ("torchvision model docs, googlenet (GoogLeNet_Weights.IMAGENET1K_V1, same 3x3 "
                            "'5x5' branch): GFLOPS 1.50, counted as multiply-adds"),
        },
        "layers": _googlenet_layers(True),
    }


def resnet50():
    n = Net()
    n.conv("conv1", 64, 7, stride=2, pad=3, bn=True, bias=False)
    n.pool("pool1", "maxpool", 3, 2, pad=1, ceil=False,
           comment="3x3/2 pad 1 (torchvision); 112 -> 56 as Caffe's unpadded ceil-mode pool")
    stages = [(2, 3, 64), (3, 4, 128), (4, 6, 256), (5, 3, 512)]
    for stage, blocks, width in stages:
        for b in range(blocks):
            tag = "res%d%s" % (stage, chr(ord("a") + b))
            inp = n.prev
            stride = 2 if (b == 0 and stage > 2) else 1
            if b == 0:
                short = n.conv(tag + "_branch1", width * 4, 1, stride=stride, inputs=inp, bn=True,
                               relu=False, bias=False, comment="projection shortcut")
            else:
                short = inp
            n.conv(tag + "_branch2a", width, 1, inputs=inp, bn=True, bias=False)
            n.conv(tag + "_branch2b", width, 3, stride=stride, pad=1, bn=True, bias=False,
                   **({"comment": "v1.5: the stride-2 sits on the 3x3 conv"} if stride == 2 else {}))
            b2c = n.conv(tag + "_branch2c", width * 4, 1, bn=True, relu=False, bias=False)
            n.add(tag, "add", inputs=[b2c, short], relu=True)
    n.add("pool5", "gap", comment="7x7 global average pool -> 2048x1x1")
    n.fc("fc1000", 1000, relu=False)
    return {
        "name": "resnet50",
        "description": ("ResNet-50 as TF2 runs it (v1.5: stride 2 on the 3x3 conv of the first block of stages "
                        "3-5), 224x224, bottleneck blocks with 1x1 projection shortcuts, BN folded into the convs, "
                        "residual adds with ReLU, global average pool, fc 2048 -> 1000."),
        "source": ("He et al., CVPR 2016 (ResNet-50 v1) with the v1.5 stride placement of torchvision; layer "
                   "names as in KaimingHe/deep-residual-networks ResNet-50-deploy.prototxt; TF2 "
                   "TF2_auto_config/examples/resnet50/fpganetwork.bin (tf2-engine.md 3.1)."),
        "input": {"c": 3, "h": 224, "w": 224, "bits": 8},
        "reference": {
            "macs": 4090000000,
            "macs_source": ("torchvision model docs, resnet50 (ResNet50_Weights.IMAGENET1K_V1, v1.5 stride "
                            "placement): GFLOPS 4.09, counted as multiply-adds. He et al. 2016 Table 1's "
                            "3.8 x 10^9 FLOPs is v1 (stride 2 on the first 1x1), not comparable"),
        },
        "layers": n.layers,
    }


def dump(net, path):
    top = {k: net[k] for k in ("name", "description", "source", "input")}
    top["defaults"] = {"wbits": 8, "abits": 8}
    top["reference"] = net["reference"]
    out = ["{"]
    for k, v in top.items():
        out.append("  %s: %s," % (json.dumps(k), json.dumps(v)))
    out.append('  "layers": [')
    out.append(",\n".join("    " + json.dumps(layer) for layer in net["layers"]))
    out.append("  ]")
    out.append("}")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: configs/nets)")
    args = ap.parse_args()
    builders = [lambda: squeezenet("1_0"), lambda: squeezenet("1_1"), googlenet, googlenet_tf2,
                resnet50, alexnet, vgg16]
    for build in builders:
        net = build()
        path = os.path.join(args.out, net["name"] + ".json")
        dump(net, path)
        print("wrote %s (%d layers)" % (path, len(net["layers"])))


if __name__ == "__main__":
    main()
