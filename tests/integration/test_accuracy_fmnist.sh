#!/usr/bin/env bash
# Fashion-MNIST accuracy in the loop: the C float reference reproduces the committed model's
# float top-1 (configs/models/fmnist_cnn/model.json), post-training 8/8 is within 0.5 points of it,
# 4-bit and pow2 weights stay sane, and bad bit widths / missing weights fail with one line.
# Skips (exit 0 with a note) when Debian's dataset-fashion-mnist is not installed.
# Under ASan (TF2SIM_ASAN=1, the second stage of scripts/test.sh) on a slice of the set: the
# first 500 test images (200 for the lower widths) and 100 calibration images; the float and
# 8/8 bars are then looser (the trained model's top-1 is for all 10,000).
set -euo pipefail
tf2sim=$1
data=/usr/share/datasets/fashion-mnist
if [ ! -r "$data/t10k-images-idx3-ubyte.gz" ]; then
  echo "accuracy_fmnist: SKIP ($data missing: apt-get install dataset-fashion-mnist)"
  exit 0
fi
src=${TF2SIM_SRC:-$(dirname "$0")/../..}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
n_full=10000 n_low=2000 tol_float=0.0005 tol_88=0.005
if [ "${TF2SIM_ASAN:-}" = 1 ]; then
  python3 "$(dirname "$0")/fmnist_slice.py" "$work/slice" 500 100
  export TF2SIM_FMNIST=$work/slice
  n_full=500 n_low=200 tol_float=0.02 tol_88=0.01
fi

# The whole (test) set for float and 8/8 (one run prints both); the lower widths on fewer images.
"$tf2sim" accuracy --net fmnist_cnn --bitw 8 --bita 8 --format json > "$work/88.json"
"$tf2sim" accuracy --net fmnist_cnn --bitw 4 --bita 8 --limit $n_low --format json > "$work/48.json"
"$tf2sim" accuracy --net fmnist_cnn --bitw 4 --bita 8 --pow2 --limit $n_low --format json > "$work/48p.json"
"$tf2sim" accuracy --net fmnist_cnn --engine tf2 --limit $n_low --format json > "$work/tf2.json"
python3 - "$work" "$src/configs/models/fmnist_cnn/model.json" $n_full $n_low $tol_float $tol_88 <<'PY' || fails=$((fails + 1))
import json, sys
w = sys.argv[1]
ref = json.load(open(sys.argv[2]))['float_test_top1']
n_full, n_low, tol_float, tol_88 = int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
a88, a48, p48, t2 = (json.load(open(f'{w}/{n}.json')) for n in ('88', '48', '48p', 'tf2'))
print(f"float {a88['float_top1']:.4f} (model.json {ref}), 8/8 {a88['value']:.4f}; on {n_low} images: float "
      f"{a48['float_top1']:.4f}, 4/8 {a48['value']:.4f}, pow2 4/8 {p48['value']:.4f}, TF2 engine {t2['value']:.4f}")
assert a88['metric'] == 'top1' and a88['images'] == n_full
assert abs(a88['float_top1'] - ref) <= tol_float, 'C float reference differs from the trained model'
assert abs(a88['value'] - a88['float_top1']) <= tol_88, '8/8 not within tolerance of float'
assert a88['bits'] == '8888/8888' and a48['bits'] == '4444/8888' and p48['pow2'] is True
for r in (a48, p48, t2):
    assert r['images'] == n_low
assert a48['value'] > a48['float_top1'] - 0.03 and p48['value'] > p48['float_top1'] - 0.05
assert t2['value'] > t2['float_top1'] - 0.05
PY

expect_error() {
  local pattern=$1; shift
  set +e
  "$tf2sim" "$@" > "$work/out.txt" 2> "$work/err.txt"
  local rc=$?
  set -e
  if [ "$rc" -eq 0 ] || [ "$(wc -l < "$work/err.txt")" -ne 1 ] || ! grep -q -- "$pattern" "$work/err.txt"; then
    echo "FAIL: tf2sim $* -> rc=$rc, want /$pattern/:"; cat "$work/err.txt"
    fails=$((fails + 1))
  fi
}
expect_error "--bitw: '9': bits must be 1..8" accuracy --net fmnist_cnn --bitw 9
expect_error "each digit must be 1..8" accuracy --net fmnist_cnn --bitw 4449
expect_error "has 3 digits; net fmnist_cnn needs 4" accuracy --net fmnist_cnn --bita 444
expect_error "1-bit weights are not supported" accuracy --net fmnist_cnn --bitw 1 --limit 10
expect_error "--engine tf2 fixes the bits" accuracy --net fmnist_cnn --engine tf2 --bitw 4
mkdir "$work/w"
cp "$src"/configs/models/fmnist_cnn/*.npy "$work/w/"
head -c 2000 "$src/configs/models/fmnist_cnn/conv2_w.npy" > "$work/w/conv2_w.npy"
expect_error "conv2_w.npy: file too short: .* of 18432 float32 values" accuracy --net fmnist_cnn --weights "$work/w"
rm "$work/w/fc_b.npy"
cp "$src/configs/models/fmnist_cnn/conv2_w.npy" "$work/w/"
expect_error "fc_b.npy: cannot open .*expected a float32 .npy of shape \[10\]" accuracy --net fmnist_cnn --weights "$work/w"
cp "$src/configs/models/fmnist_cnn/conv1_w.npy" "$work/w/fc_b.npy"
expect_error "fc_b.npy: shape \[32,16,3,3\], expected \[10\]" accuracy --net fmnist_cnn --weights "$work/w"

[ "$fails" -eq 0 ] && echo "accuracy_fmnist: all checks passed"
exit "$fails"
