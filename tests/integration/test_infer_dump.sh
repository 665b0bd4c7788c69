#!/usr/bin/env bash
# tf2sim infer writes a layer in the reference byte layout: conv0 from the reference input
# equals featuremap/conv0_out.bin byte for byte except at the 19 rounding ties FORMAT.md
# lists, the JPEG path with OpenCV's resize gives the same conv0 input, and the decoded box of image 686 is
# close to its ground truth. Bad input: one error line.
set -euo pipefail
tf2sim=$1
shared=${TF2SIM_SHARED:-$(dirname "$0")/../../../shared}
ism=$shared/data/ultranet-ismart
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fails=0

"$tf2sim" infer --net ultranet --weights "$ism/weight_4a4w" --input "$ism/featuremap/conv0_in.bin" \
    --dump-layer conv0 --out "$work/c0.bin" > /dev/null
"$tf2sim" infer --net ultranet --weights "$ism/weight_4a4w" --input "$ism/sample1000_686.jpg" --resize opencv \
    --dump-layer 0 --out "$work/c0j.bin" > "$work/jpg.txt"
"$tf2sim" infer --net ultranet --weights "$ism/weight_4a4w" --input "$ism/featuremap/conv5_in.bin" \
    --dump-layer conv8 --out "$work/head.bin" > /dev/null 2>&1 && { echo "FAIL: wrong-size input accepted"; fails=$((fails+1)); } || true
python3 - "$work" "$ism/featuremap/conv0_out.bin" <<'PY' || fails=$((fails + 1))
import struct, sys
w, ref = sys.argv[1], sys.argv[2]
a, b, c = (open(p, 'rb').read() for p in (w + '/c0.bin', ref, w + '/c0j.bin'))
assert len(a) == len(b) == len(c) == 16 * 160 * 320 * 4, (len(a), len(b))
n = len(a) // 4
diff = sum(1 for i in range(0, len(a), 4) if a[i:i+4] != b[i:i+4])
print(f'conv0 dump vs reference: {diff} of {n} floats differ')
assert diff == 19, diff
assert a == c, 'JPEG path and conv0_in.bin path differ'
PY
grep -q "box (xmin xmax ymin ymax, 640x360 frame): 303 320 170 197" "$work/jpg.txt" || { echo "FAIL: box of 686"; cat "$work/jpg.txt"; fails=$((fails + 1)); }

set +e
"$tf2sim" infer --net ultranet --weights "$ism/weight_4a4w" --input "$ism/boat6_0.bin" > /dev/null 2> "$work/err.txt"
rc=$?
set -e
if [ "$rc" -eq 0 ] || [ "$(wc -l < "$work/err.txt")" -ne 1 ] || ! grep -q "float32 \[3\]\[160\]\[320\] = 614400 bytes" "$work/err.txt"; then
  echo "FAIL: raw input without --raw"; cat "$work/err.txt"; fails=$((fails + 1))
fi
set +e
"$tf2sim" infer --net ultranet --weights "$ism/weight_4a4w" --input "$ism/boat6_0.jpg" --dump-layer conv9 \
    --out "$work/x.bin" > /dev/null 2> "$work/err.txt"
rc=$?
set -e
if [ "$rc" -eq 0 ] || ! grep -q "has no layer 'conv9' (a name or 0..12)" "$work/err.txt"; then
  echo "FAIL: unknown --dump-layer"; cat "$work/err.txt"; fails=$((fails + 1))
fi
[ "$fails" -eq 0 ] && echo "infer_dump: all checks passed"
exit "$fails"
