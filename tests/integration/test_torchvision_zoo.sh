#!/usr/bin/env bash
# The torchvision zoo through `tf2sim import`: every classification model that
# scripts/export_torchvision.py exports (torch.onnx.export, opset 13, seeded random weights,
# unmodified) imports, with MACs within 1% of torchvision's published GMACs (or within half a unit
# of the published figure's last digit, which is all a 2-digit figure such as 0.06 says) and
# parameters within 1% of the builders' published num_params (torch folds an eval-mode BN into the
# conv before it exports, so BN's gamma and beta come back as one bias: 0-0.5% fewer). An engine
# sweep of each on the ZCU102 finishes and each simulates at cycle level; squeezenet1_1 also fits a
# dataflow pipeline. Needs Debian's python3-torchvision (scripts/setup.sh installs it); without it
# the test reports itself skipped (77), never passed. The exported .onnx files are cached beside
# the tf2sim binary, keyed by the export script and the torch/torchvision versions.
set -euo pipefail
tf2sim=$1
src=${TF2SIM_SRC:-$(dirname "$0")/../..}
py=/usr/bin/python3
if ! versions=$("$py" -c 'import torch, torchvision; print(torch.__version__, torchvision.__version__)' 2>/dev/null); then
  echo "SKIP: $py cannot import torch and torchvision (apt-get install python3-torchvision)"
  exit 77
fi
key=$( { cat "$src/scripts/export_torchvision.py"; echo "$versions"; } | sha256sum | cut -c1-16)
cache="$(cd "$(dirname "$tf2sim")" && pwd)/zoo_onnx/$key"
mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$py" "$src/scripts/export_torchvision.py" "$cache" > exported.txt 2> export.err || {
  echo "FAIL: export_torchvision.py:"; tail -5 export.err; exit 1; }

# name  published GMACs (torchvision's model documentation, "GFLOPS" column: multiply-adds)
cat > published.txt <<'TXT'
resnet18 1.81
resnet50 4.09
resnext50_32x4d 4.23
vgg11 7.61
squeezenet1_0 0.82
squeezenet1_1 0.35
densenet121 2.83
googlenet 1.50
mobilenet_v2 0.30
mobilenet_v3_large 0.22
mobilenet_v3_small 0.06
mnasnet0_5 0.10
mnasnet1_0 0.31
shufflenet_v2_x1_0 0.14
efficientnet_b0 0.39
regnet_x_400mf 0.41
regnet_y_400mf 0.40
TXT

fails=0
mkdir -p nets plots
while read -r name onnx params; do
  if ! "$tf2sim" import "$onnx" --out "nets/$name.json" > /dev/null 2> err.txt; then
    echo "FAIL: import $name: $(cat err.txt)"; fails=$((fails + 1)); continue
  fi
  "$tf2sim" nets "nets/$name.json" --format json > "nets/$name.layers.json"
  echo "$name $params" >> params.txt
  if ! "$tf2sim" sweep --net "nets/$name.json" --arch engine --device zcu102 --db zoo.db --out plots \
      --format json > "sweep_$name.json" 2> err.txt; then
    echo "FAIL: engine sweep of $name on zcu102: $(cat err.txt)"; fails=$((fails + 1))
  fi
  if ! "$tf2sim" sim --net "nets/$name.json" --arch engine --device zcu102 --format json > "sim_$name.json" \
      2> err.txt; then
    echo "FAIL: engine sim of $name: $(cat err.txt)"; fails=$((fails + 1))
  fi
done < exported.txt

# Dataflow where it fits a board: squeezenet1_1 at 4/4 bits on the ZCU102 (greedy search), swept and
# simulated at cycle level.
if "$tf2sim" sweep --net nets/squeezenet1_1.json --device zcu102 --bits 4/4 --strategy greedy --db df.db \
    --out plots --format json > df.json 2> err.txt &&
   "$tf2sim" sim --net nets/squeezenet1_1.json --device zcu102 --bits 4/4 --db df.db --format json > dfsim.json \
    2>> err.txt; then
  python3 -c "import json; b = json.load(open('df.json'))['best']; s = json.load(open('dfsim.json'))
print(f\"squeezenet1_1 dataflow 4/4 on zcu102: best {b['fps']:.0f} fps, {b['dsp']} DSP; cycle-level {s['fps']:.0f} fps\")
assert b['fps'] > 0 and s['interval_cycles'] > 0" || fails=$((fails + 1))
else
  echo "FAIL: dataflow squeezenet1_1: $(cat err.txt)"; fails=$((fails + 1))
fi

python3 - published.txt params.txt <<'PY' || fails=$((fails + 1))
import json, sys
pub = dict(l.split() for l in open(sys.argv[1]))
params = dict(l.split() for l in open(sys.argv[2]))
bad = 0
for name, g in sorted(pub.items()):
    if name not in params:
        print(f"FAIL: {name} was not imported"); bad += 1; continue
    net = json.load(open(f"nets/{name}.json"))
    info = json.load(open(f"nets/{name}.layers.json"))
    info = info[0] if isinstance(info, list) else info
    # Parameters as PyTorch counts them: weights, biases, and BN's gamma and beta (2 per channel)
    # whether folded into a conv (flag bn) or a layer of its own.
    extra = 0
    for lj, li in zip(net['layers'], info['layer_list']):
        cout = li['out'][0]
        if lj['op'] == 'bn':
            extra += 2 * cout
        elif lj.get('bn'):
            extra += 2 * cout
        elif lj.get('bias'):
            extra += cout
    ours_p = info['weights'] + extra
    want_g, want_p = float(g), int(params[name])
    half_digit = 0.5 * 10 ** -(len(g.split('.')[1]) if '.' in g else 0)
    ours_g = info['macs'] / 1e9
    ok_g = abs(ours_g - want_g) <= max(0.01 * want_g, half_digit)
    ok_p = abs(ours_p - want_p) <= 0.01 * want_p
    sw = json.load(open(f"sweep_{name}.json"))
    best = sw.get('best') or {}
    print(f"{name:20s} GMACs {ours_g:7.4f} (published {g:>5s}) params {ours_p:10d} (published {want_p:10d})"
          f"  engine best {best.get('fps', 0):8.1f} fps")
    if not (ok_g and ok_p):
        print(f"FAIL: {name}: MACs or parameters off"); bad += 1
    if not best or best.get('fps', 0) <= 0:
        print(f"FAIL: {name}: the engine sweep has no best design"); bad += 1
sys.exit(1 if bad else 0)
PY
[ "$fails" -eq 0 ] && echo "torchvision zoo: every model imported, counted, swept and simulated"
exit $((fails > 0))
