#!/usr/bin/env bash
# tf2sim compress --pow2: fmnist_cnn's float weights and UltraNet's iSmart 4-bit set become INQ
# power-of-two weights in TF2's 4-bit packed file, with a report of exponent ranges and zeros;
# deterministic; the pow2 fmnist model keeps its top-1 (float activations and the integer
# model); bad options fail with one line and write nothing.
set -euo pipefail
tf2sim=$1
src=${TF2SIM_SRC:-$(dirname "$0")/../..}
shared=${TF2SIM_SHARED:-$src/../shared}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
cd "$work"
wdir=$(dirname "$(find "$src" -path '*/fmnist_cnn/conv0_w.npy' -not -path '*/build*' -not -path '*/tests/*' | head -1)")

"$tf2sim" compress --net fmnist_cnn --pow2 --weights "$wdir" --out c7 --format json > c7.json
"$tf2sim" compress --net fmnist_cnn --pow2 --weights "$wdir" --out c7b > /dev/null
for f in c7/*; do
  cmp -s "$f" "c7b/$(basename "$f")" || { echo "FAIL: $f differs between two runs"; fails=$((fails + 1)); }
done
"$tf2sim" compress --net fmnist_cnn --pow2 --levels 3 --weights "$wdir" --out c3 --name fm3 --format json > c3.json
python3 - c7.json c3.json c7/fmnist_cnn_pow2_inq.json c7/fmnist_cnn_pow2.json "$(stat -c %s c7/fmnist_cnn_pow2.inq4)" <<'PY' || fails=$((fails + 1))
import json, sys
c7, c3, rep, net = (json.load(open(f)) for f in sys.argv[1:5])
size = int(sys.argv[5])
assert c7 == rep and c7['file_bytes'] == size and c7['retrained'] is False
assert c7['schedule'] == [0.3, 0.6, 0.8, 0.9, 1.0] and c7['levels'] == 7
for l in c7['layers']:
    assert l['min_exp'] == l['max_exp'] - 6 and sum(l['frozen_per_step']) == l['weights']
    assert l['min_exp'] <= l['exp_used'][0] <= l['exp_used'][1] <= l['max_exp']
    assert sum(l['exp_histogram'].values()) + l['zeros'] == l['weights']
    print(f"  {l['layer']}: exponents {l['exp_used'][0]}..{l['exp_used'][1]} (max_exp {l['max_exp']}), "
          f"zeros {100 * l['zero_fraction']:.1f}%")
assert [l['max_exp'] for l in c7['layers']] == [0, -1, -1, -2]
for a, b in zip(c7['layers'], c3['layers']):
    assert b['min_exp'] == b['max_exp'] - 2 and b['zeros'] > a['zeros']
assert all(l.get('pow2') for l in net['layers'] if l['op'] in ('conv', 'fc'))
PY

data=/usr/share/datasets/fashion-mnist
if [ -r "$data/t10k-images-idx3-ubyte.gz" ]; then
  "$tf2sim" accuracy --net c7/fmnist_cnn_pow2.json --weights c7 --float --limit 1000 --format json > a_f.json
  "$tf2sim" accuracy --net c7/fmnist_cnn_pow2.json --weights c7 --bitw 4 --bita 8 --pow2 --limit 1000 \
    --format json > a_q.json
  "$tf2sim" accuracy --net fmnist_cnn --float --limit 1000 --format json > a_ref.json
  python3 - a_ref.json a_f.json a_q.json <<'PY' || fails=$((fails + 1))
import json, sys
ref, f, q = (json.load(open(x)) for x in sys.argv[1:4])
print(f"top-1 on 1000 images: float weights {ref['value']:.4f}; INQ pow2 (7 levels) float activations "
      f"{f['value']:.4f}, integer 4/8 pow2 {q['value']:.4f}")
assert f['value'] > ref['value'] - 0.02 and q['value'] > ref['value'] - 0.03
PY
fi

ultra=$shared/data/ultranet-ismart/weight_4a4w
if [ -r "$ultra/conv_0_w.bin" ]; then
  "$tf2sim" compress --net ultranet --pow2 --weights "$ultra" --out cu --format json > cu.json
  python3 - cu.json "$(stat -c %s cu/ultranet_pow2.inq4)" <<'PY' || fails=$((fails + 1))
import json, sys
r = json.load(open(sys.argv[1]))
assert r['file_bytes'] == int(sys.argv[2]) and len(r['layers']) == 9
for l in r['layers']:
    assert l['max_exp'] == 3 and l['exp_used'] == [0, 3], l  # 4-bit integers +-7 -> 1, 2, 4, 8
print('  ultranet: ' + ', '.join(f"{l['layer']} {100 * l['zero_fraction']:.1f}%" for l in r['layers']) + ' zeros')
PY
  [ ! -e cu/ultranet_pow2.json ] || { echo "FAIL: an iSmart set has no float model to write"; fails=$((fails + 1)); }
else
  echo "compress_pow2: ultranet part SKIPPED ($ultra missing)"
fi

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
expect_error "compress: --pow2 is required" compress --net fmnist_cnn --weights "$wdir" --out bad
expect_error "--levels: must be 1..7 (got 8)" compress --net fmnist_cnn --pow2 --levels 8 --weights "$wdir" --out bad
expect_error "compress: no --weights given and no committed weights for net skynet in .*configs/models/skynet" compress --net skynet --pow2 --out bad
expect_error "conv0_w.npy" compress --net fmnist_cnn --pow2 --weights "$work" --out bad
expect_error "conv_0_w.bin\|conv_1_w.bin\|expected" compress --net fmnist_cnn --pow2 --weights "$ultra" --out bad

[ "$fails" -eq 0 ] && echo "compress_pow2: OK"
exit "$fails"
