#!/usr/bin/env bash
# tf2sim generate: a small conv/pool chain becomes a Verilog top that verilator lints clean
# (-Wall), with ROMs sized to each layer and the C model's FIFO depths; folds and nets the
# rtl target or the generator cannot build are refused in one line, exit 2.
set -euo pipefail
tf2sim=$1
src=${TF2SIM_SRC:?}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
net=$src/tests/data/tiny_chain.json fold=$src/tests/data/tiny_chain_fold.json
"$tf2sim" generate --net "$net" --fold "$fold" --out gen > out.txt
grep -q "wrote gen/dataflow_top.v" out.txt
cd gen
verilator --lint-only -Wall --top-module dataflow_top dataflow_top.v layer_unit.v compute_unit_fixed.v compute_unit.v scheduler.v \
  feature_loader.v filter_loader.v pe_array.v adder.v maxpool.v fifo.v
# conv0: 8 outputs / PE 4 = 2 folds x 3x3 x (3 channels / SIMD 3) = 18 ROM words of 4 PE x 3 SIMD x 4 bits
test "$(wc -l < conv0_w.hex)" -eq 18
test "$(head -1 conv0_w.hex | tr -d '\n' | wc -c)" -eq 12
# BN: 2^ceil(log2(2 folds)) words of PE x 64 bits; conv1: 4 folds
test "$(wc -l < conv0_bn.hex)" -eq 2 && test "$(head -1 conv0_bn.hex | tr -d '\n' | wc -c)" -eq 64
test "$(wc -l < conv1_w.hex)" -eq $((4 * 9 * 2))
# FIFO depths as the C model counts them: 16 words of PE 4 lanes over 8 channels = 8 pixels
grep -q "fifo #(.WIDTH(32), .DEPTH(8)) q_pool0" dataflow_top.v
python3 - <<'PY'
import json
j = json.load(open("design.json"))
assert j["output"] == {"c": 6, "h": 6, "w": 8, "bits": 32}, j["output"]
assert [f["depth_pixels"] for f in j["fifos"]] == [16, 8, 8, 4], j["fifos"]
PY
cd ..
# the same design twice (same seed) is the same files; another seed other weights
"$tf2sim" generate --net "$net" --fold "$fold" --out gen2 > /dev/null
cmp gen/conv1_w.hex gen2/conv1_w.hex
"$tf2sim" generate --net "$net" --fold "$fold" --seed 7 --out gen3 > /dev/null
if cmp -s gen/conv1_w.hex gen3/conv1_w.hex; then exit 1; fi
# a stored design: the best of an rtl sweep of the same net, by its id
"$tf2sim" sweep --net "$net" --dsp 200 --target rtl --db s.db --out . --format json > sweep.json
id=$(python3 -c "import json; print(json.load(open('sweep.json'))['best']['id'])")
"$tf2sim" generate --net "$net" --db s.db --design "$id" --out gdb > /dev/null
test "$(grep -c '^    layer_unit' gdb/dataflow_top.v)" -eq 3
# refusals: a DSP6 fold (rtl has mvau lanes only), a net with branches, a bad option
set +e
"$tf2sim" generate --net ultranet --fold ultranet_ismart --out x 2> err1.txt; rc1=$?
"$tf2sim" generate --net "$src/tests/data/tiny_branch.json" --fold "$src/tests/data/tiny_branch_fold.json" --out x \
  2> err2.txt; rc2=$?
"$tf2sim" generate --net "$net" --fold "$fold" 2> err3.txt; rc3=$?
set -e
test $rc1 -eq 2 && grep -q "schedule dsp6 is not built by the RTL compute unit" err1.txt && test "$(wc -l < err1.txt)" -eq 1
test $rc2 -eq 2 && grep -q "layer cat: the generator builds chains" err2.txt && test "$(wc -l < err2.txt)" -eq 1
test $rc3 -eq 2 && grep -q "\-\-out DIR" err3.txt
echo "generate: ok"
