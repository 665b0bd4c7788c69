#!/usr/bin/env bash
# tf2sim import: the committed fmnist_cnn exported to ONNX by scripts/export_fmnist_onnx.py
# (tests/data/fmnist_cnn.onnx) comes back as the same net (layers, shapes, MACs, weights), the
# same float weights byte for byte, and the same top-1 (float and 8/8) as the committed model;
# the hand-built small_mixed.onnx imports; unsupported ops, truncated and foreign files fail with
# one line and leave no output.
set -euo pipefail
tf2sim=$1
src=${TF2SIM_SRC:-$(dirname "$0")/../..}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
cd "$work"

"$tf2sim" import "$src/tests/data/fmnist_cnn.onnx" --out "$work/nets/fmnist_imp.json" --weights "$work/w" \
  --format json > imp.json 2> /dev/null && { echo "FAIL: import into a missing folder succeeded"; fails=$((fails + 1)); }
mkdir -p nets
"$tf2sim" import "$src/tests/data/fmnist_cnn.onnx" --out nets/fmnist_imp.json --weights w --format json > imp.json
"$tf2sim" nets nets/fmnist_imp.json --format json > a.json
"$tf2sim" nets fmnist_cnn --format json > b.json
python3 - a.json b.json imp.json <<'PY' || fails=$((fails + 1))
import json, sys
a, b, imp = (json.load(open(f)) for f in sys.argv[1:4])
a, b = (x[0] if isinstance(x, list) else x for x in (a, b))
print(f"imported: {a['macs']} MACs, {a['weights']} weights; committed: {b['macs']} MACs, {b['weights']} weights")
assert a['name'] == 'fmnist_imp' and imp['net'] == 'fmnist_imp'
for k in ('macs', 'weights', 'layers', 'compute_layers', 'input', 'bitw', 'bita'):
    assert a[k] == b[k], (k, a[k], b[k])
for la, lb in zip(a['layer_list'], b['layer_list']):
    for k in ('op', 'in', 'out', 'k', 'stride', 'pad', 'groups', 'macs', 'weights'):
        assert la[k] == lb[k], (la['name'], k, la[k], lb[k])
PY

# The float weights: the same values as the committed NPY files (payload after the header).
wdir=$(dirname "$(find "$src" -path '*/fmnist_cnn/conv0_w.npy' -not -path '*/build*' -not -path "$work/*" | head -1)")
for f in conv0_w conv0_b conv1_w conv1_b conv2_w conv2_b fc_w fc_b; do
  n=$(( $(stat -c %s "w/$f.npy") - 128 ))
  if ! cmp -s <(tail -c "$n" "w/$f.npy") <(tail -c "$n" "$wdir/$f.npy"); then
    echo "FAIL: w/$f.npy differs from $wdir/$f.npy"; fails=$((fails + 1))
  fi
done

data=/usr/share/datasets/fashion-mnist
n=2000
[ "${TF2SIM_ASAN:-}" = 1 ] && n=300   # ASan stage: fewer images (the equality is per image anyway)
if [ -r "$data/t10k-images-idx3-ubyte.gz" ]; then
  "$tf2sim" accuracy --net nets/fmnist_imp.json --weights w --limit $n --format json > acc_imp.json
  "$tf2sim" accuracy --net fmnist_cnn --limit $n --format json > acc_ref.json
  python3 - acc_imp.json acc_ref.json $n <<'PY' || fails=$((fails + 1))
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
n = int(sys.argv[3])
print(f"top-1 on {a['images']} images: imported float {a['float_top1']:.4f} 8/8 {a['value']:.4f}; "
      f"committed float {b['float_top1']:.4f} 8/8 {b['value']:.4f}")
assert a['images'] == b['images'] == n
assert a['float_top1'] == b['float_top1'] and a['value'] == b['value']
PY
else
  echo "import_onnx: accuracy part SKIPPED ($data missing)"
fi

# The hand-built graph with BN, Clip, Add, Concat, pools, GAP, Flatten, Gemm, MatMul+Add.
"$tf2sim" import "$src/tests/data/small_mixed.onnx" --out small.json --weights sw --format json > small_imp.json
python3 - small_imp.json small.json <<'PY' || fails=$((fails + 1))
import json, sys
r, net = (json.load(open(f)) for f in sys.argv[1:3])
ops = [l['op'] for l in r['layer_list']]
assert r['layers'] == 12 and r['compute_layers'] == 6, r
assert ops.count('add') == 2 and 'concat' in ops and 'gap' in ops and 'avgpool' in ops, ops
bn = [l['name'] for l in net['layers'] if l.get('bn')]
assert bn == ['conv_a', 'conv_b'], bn
PY
[ -f sw/conv_b_b.npy ] || { echo "FAIL: folded BN gave conv_b no bias file"; fails=$((fails + 1)); }

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
}
no_output() {
  for p in "$@"; do
    if [ -e "$p" ]; then echo "FAIL: $p was left behind"; fails=$((fails + 1)); fi
  done
}
expect_error "node 'act_b' (op LeakyRelu): unsupported op" import "$src/tests/data/small_unsupported.onnx" \
  --out bad.json --weights badw
no_output bad.json badw
head -c 60000 "$src/tests/data/fmnist_cnn.onnx" > trunc.onnx
expect_error "trunc.onnx: not an ONNX model (protobuf parse failed: truncated or foreign file)" import trunc.onnx \
  --out bad.json --weights badw
no_output bad.json badw
expect_error "not an ONNX model" import "$src/configs/nets/fmnist_cnn.json" --out bad.json
no_output bad.json
expect_error "no-such.onnx: cannot open" import no-such.onnx --out bad.json
expect_error "import: --out NET.json is required" import "$src/tests/data/small_mixed.onnx"
expect_error "cannot create" import "$src/tests/data/small_mixed.onnx" --out no-dir/x.json --weights w2
no_output w2 no-dir
ls w/*.tmp* 2> /dev/null && { echo "FAIL: temporary files left"; fails=$((fails + 1)); }

[ "$fails" -eq 0 ] && echo "import_onnx: OK"
exit "$fails"
