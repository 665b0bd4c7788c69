#!/usr/bin/env bash
# tf2sim prune on fmnist_cnn: MACs drop, shapes follow (conv -> pool -> conv -> ... -> fc), the
# pruned net loads, is deterministic, keeps a sane top-1 (tf2sim accuracy) and sweeps to a lower
# best interval than the full net; bad ratios/layers fail with one line and write nothing.
set -euo pipefail
tf2sim=$1
src=${TF2SIM_SRC:-$(dirname "$0")/../..}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
cd "$work"
# The committed float weights of fmnist_cnn (wherever the zoo keeps them).
wdir=$(dirname "$(find "$src" -path '*/fmnist_cnn/conv0_w.npy' -not -path '*/build*' -not -path '*/tests/*' | head -1)")

"$tf2sim" prune --net fmnist_cnn --weights "$wdir" --ratio 0.5 --out p50 --format json > p50.json
"$tf2sim" prune --net fmnist_cnn --weights "$wdir" --ratio 0.5 --out p50b --format json > /dev/null
for f in p50/*; do
  cmp -s "$f" "p50b/$(basename "$f")" || { echo "FAIL: $f differs between two runs"; fails=$((fails + 1)); }
done
"$tf2sim" prune --net fmnist_cnn --weights "$wdir" --ratio 0.25 --layers conv1,conv2 --out p25 --name fm25 \
  --format json > p25.json
"$tf2sim" nets p50/fmnist_cnn_p50.json --format json > n50.json
python3 - p50.json p25.json n50.json <<'PY' || fails=$((fails + 1))
import json, sys
p50, p25, n50 = (json.load(open(f)) for f in sys.argv[1:4])
n50 = n50[0] if isinstance(n50, list) else n50
print(f"prune 0.5: MACs {p50['macs_before']} -> {p50['macs_after']}, weights {p50['weights_before']} -> "
      f"{p50['weights_after']}; 0.25 of conv1,conv2: MACs -> {p25['macs_after']}")
assert p50['macs_after'] < p50['macs_before'] * 0.3 and p50['weights_after'] < p50['weights_before'] * 0.35
assert n50['macs'] == p50['macs_after'] and n50['weights'] == p50['weights_after']
shapes = {l['name']: (l['in'], l['out']) for l in n50['layer_list']}
assert shapes['conv0'] == ([1, 28, 28], [8, 28, 28]) and shapes['conv1'] == ([8, 14, 14], [16, 14, 14])
assert shapes['conv2'][1] == [32, 7, 7] and shapes['fc'] == ([32, 3, 3], [10, 1, 1]), shapes
c = {l['layer']: l for l in p25['layers']}
assert c['conv0']['cout_after'] == 16 and not c['conv0']['pruned']
assert c['conv1']['cout_after'] == 24 and c['conv2']['cout_after'] == 48 and p25['pruned_net'] == 'fm25'
PY
[ -f p25/fm25.json ] && [ -f p25/conv2_w.npy ] || { echo "FAIL: p25 files missing"; fails=$((fails + 1)); }

data=/usr/share/datasets/fashion-mnist
n=1000
[ "${TF2SIM_ASAN:-}" = 1 ] && n=300   # ASan stage: fewer images
if [ -r "$data/t10k-images-idx3-ubyte.gz" ]; then
  "$tf2sim" accuracy --net p25/fm25.json --weights p25 --limit $n --format json > a25.json
  "$tf2sim" accuracy --net p50/fmnist_cnn_p50.json --weights p50 --limit $n --format json > a50.json
  "$tf2sim" accuracy --net fmnist_cnn --limit $n --format json > a00.json
  python3 - a00.json a25.json a50.json $n <<'PY' || fails=$((fails + 1))
import json, sys
a0, a25, a50 = (json.load(open(f)) for f in sys.argv[1:4])
n = int(sys.argv[4])
print(f"top-1 ({n} images, float / 8-8): full {a0['float_top1']:.3f}/{a0['value']:.3f}, "
      f"conv1+conv2 0.25 {a25['float_top1']:.3f}/{a25['value']:.3f}, all 0.5 {a50['float_top1']:.3f}/{a50['value']:.3f}")
assert a25['images'] == a50['images'] == n
assert a50['float_top1'] > 0.3 and a25['float_top1'] > 0.6  # one shot, not retrained: lower, well above chance
assert a0['float_top1'] >= a50['float_top1']
PY
else
  echo "prune_fmnist: accuracy part SKIPPED ($data missing)"
fi

"$tf2sim" sweep --net fmnist_cnn --dsp 100 --db full.db --out . --format json > s_full.json
"$tf2sim" sweep --net p50/fmnist_cnn_p50.json --dsp 100 --db pruned.db --out . --format json > s_p50.json
python3 - s_full.json s_p50.json <<'PY' || fails=$((fails + 1))
import json, sys
f, p = (json.load(open(x)) for x in sys.argv[1:3])
fi, pi = f['best']['interval_cycles'], p['best']['interval_cycles']
print(f"sweep --dsp 100: best interval full {fi} cycles ({f['best']['fps']:.0f} fps), pruned {pi} cycles "
      f"({p['best']['fps']:.0f} fps): {fi / pi:.2f}x")
assert pi < fi
PY

expect_error() {
  local pattern=$1; shift
  set +e
  "$tf2sim" "$@" > out.txt 2> err.txt
  local rc=$?
  set -e
  if [ "$rc" -eq 0 ] || [ "$(wc -l < err.txt)" -ne 1 ] || ! grep -q -- "$pattern" err.txt; then
    echo "FAIL: tf2sim $* -> rc=$rc, want /$pattern/:"; cat err.txt
    fails=$((fails + 1))
  fi
  if [ -e bad ]; then echo "FAIL: tf2sim $* left bad/ behind"; fails=$((fails + 1)); rm -rf bad; fi
}
expect_error "must be greater than 0 and less than 1" prune --net fmnist_cnn --weights "$wdir" --ratio 0 --out bad
expect_error "--ratio: must be 0..1" prune --net fmnist_cnn --weights "$wdir" --ratio 1.5 --out bad
expect_error "'fc' is a fc layer; only conv layers are pruned" prune --net fmnist_cnn --weights "$wdir" \
  --ratio 0.5 --layers fc --out bad
expect_error "'conv9' is not a layer of fmnist_cnn" prune --net fmnist_cnn --weights "$wdir" --ratio 0.5 \
  --layers conv9 --out bad
expect_error "prune: no --weights given and no committed weights for net ultranet in .*configs/models/ultranet" prune --net ultranet --ratio 0.5 --out bad
expect_error "conv0_w.npy" prune --net fmnist_cnn --weights "$work" --ratio 0.5 --out bad
# (a net with a residual add: the imported small_mixed graph)
"$tf2sim" import "$src/tests/data/small_mixed.onnx" --out small.json --weights sw > /dev/null
expect_error "layer 'conv_b' cannot be pruned: it feeds add layer 'res_add'" prune --net small.json --weights sw \
  --ratio 0.5 --layers conv_b --out bad
expect_error "no conv layer of small can be pruned (conv_a: it feeds add layer 'res_add'" prune --net small.json \
  --weights sw --ratio 0.5 --out bad

[ "$fails" -eq 0 ] && echo "prune_fmnist: OK"
exit "$fails"
