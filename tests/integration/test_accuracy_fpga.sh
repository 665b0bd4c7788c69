#!/usr/bin/env bash
# The bit-accurate UltraNet model against the real FPGA builds' boxes on the 200 DAC-SDC
# images of ../shared/data/dacsdc-sample200, for both iSmart weight sets and both resizes
# (the FPGA's rounding, the default, and OpenCV's):
#   agreement (all four coordinates within 2 px of the FPGA box) >= 75% of the images, and
#   mean IoU vs ground truth within 0.01 of the FPGA boxes' own mean IoU.
# Also: the JSON form gives metric/value, and bad weight directories fail with one line.
# Under ASan (TF2SIM_ASAN=1) on the first 20 images with the FPGA's resize only (exact >= 19;
# OpenCV's agreement and IoU bars are statistical, over the 200, and stay with stage 1).
set -euo pipefail
tf2sim=$1
shared=${TF2SIM_SHARED:-$(dirname "$0")/../../../shared}
data=$shared/data/dacsdc-sample200
ism=$shared/data/ultranet-ismart
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0
n=200 limit=() resizes='fpga opencv'
if [ "${TF2SIM_ASAN:-}" = 1 ]; then n=20 limit=(--limit 20) resizes=fpga; fi

for set in 4a4w 8lastfirst; do
  wdir=$ism/weight_4a4w
  [ "$set" = 8lastfirst ] && wdir=${wdir}8lastfirst
  for resize in $resizes; do
    out=$work/$set-$resize.json
    "$tf2sim" accuracy --net ultranet --weights "$wdir" --data "$data" --resize "$resize" "${limit[@]}" \
        --compare "$ism/fpga_boxes/bbox_PL_1000_sample_$set.txt" --format json > "$out"
    # The issue's bars for both resizes; with the FPGA's rounding the boxes are the FPGA's own
    # (200/200 identical when this was written; 198 leaves room for libm/libjpeg differences).
    min_exact=0
    [ "$resize" = fpga ] && min_exact=$((n == 200 ? 198 : n - 1))
    if ! python3 - "$out" "$set/$resize" "$min_exact" "$n" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
c = j["compare"]
print(f'{sys.argv[2]}: bitw {j["bitw"]} images {j["images"]} mean IoU {j["value"]:.4f} '
      f'FPGA IoU {c["mean_iou"]:.4f} within 2 px {c["within_2px"]}/{c["images"]} exact {c["exact"]}')
n = int(sys.argv[4])
ok = (j["metric"] == "mean_iou" and j["images"] == n and c["images"] == n
      and c["agreement"] >= 0.75 and abs(j["value"] - c["mean_iou"]) <= 0.01
      and c["exact"] >= int(sys.argv[3]))
sys.exit(0 if ok else 1)
PY
    then
      echo "FAIL: $set ($resize resize) misses the FPGA agreement / IoU bars"; cat "$out"
      fails=$((fails + 1))
    fi
  done
done

# The 8-bit first/last set is detected (conv0 and conv8 widened to 8 bits: S=23, /1905).
grep -q '"bitw": "844444448"' "$work/8lastfirst-fpga.json" || { echo "FAIL: 8lastfirst bitw"; fails=$((fails + 1)); }

# Bad weight directories: one stderr line naming the file and the expected size.
mkdir "$work/short"
cp "$ism"/weight_4a4w/*.bin "$work/short/"
head -c 1000 "$ism/weight_4a4w/conv_3_w.bin" > "$work/short/conv_3_w.bin"
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
expect_error "conv_3_w.bin: file too short: has 1000 bytes, expected 147456" \
  accuracy --net ultranet --weights "$work/short" --data "$data"
rm "$work/short/conv_5_inc.bin"
cp "$ism/weight_4a4w/conv_3_w.bin" "$work/short/"
expect_error "conv_5_inc.bin: cannot open.*expected 512 bytes" accuracy --net ultranet --weights "$work/short" --data "$data"
expect_error "conv_0_w.bin: weights reach |127| but conv0 has 4-bit weights" \
  accuracy --net ultranet --weights "$ism/weight_4a4w8lastfirst" --data "$data" --bitw 444444444
expect_error "each digit must be 1..8" accuracy --net ultranet --weights "$ism/weight_4a4w" --data "$data" --bitw 944444444
expect_error "neither ground_truth_plain.txt (detection) nor t10k-images" accuracy --net ultranet --weights "$ism/weight_4a4w" --data "$work"

[ "$fails" -eq 0 ] && echo "accuracy_fpga: all checks passed"
exit "$fails"
