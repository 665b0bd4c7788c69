#!/usr/bin/env bash
# Quantised ONNX (QDQ): tests/data/qdq_small.onnx (scripts/make_qdq_onnx.py, python3-onnx's helper API)
# imports with each layer's bits from the graph: conv1 4-bit weights (int8 codes in -8..7) on 8-bit
# inputs (uint8), conv2 2-bit weights (codes -2..1) on 4-bit inputs (uint8 codes clipped to 0..15),
# fc 8-bit weights (float weights through Q/DQ) on 8-bit inputs; the dequantized weights are the
# codes times their per-filter scales; a sweep and a simulation use those bits.
set -euo pipefail
tf2sim=$1
src=${TF2SIM_SRC:-$(dirname "$0")/../..}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fails=0

"$tf2sim" import "$src/tests/data/qdq_small.onnx" --out qdq.json --weights w > /dev/null
"$tf2sim" nets qdq.json --format json > layers.json
mkdir -p plots
"$tf2sim" sweep --net qdq.json --dsp 360 --db qdq.db --out plots --format json > sweep.json
"$tf2sim" sim --net qdq.json --arch engine --device zcu102 --format json > sim.json
python3 - "$src/tests/data/qdq_small_conv1_w.npy" <<'PY' || fails=$((fails + 1))
import json, struct, sys

def npy(path):
    b = open(path, 'rb').read()
    hl = struct.unpack('<H', b[8:10])[0]
    body = b[10 + hl:]
    return struct.unpack(f'<{len(body) // 4}f', body)

info = json.load(open('layers.json'))
info = info[0] if isinstance(info, list) else info
bits = {l['name']: (l['wbits'], l['abits']) for l in info['layer_list'] if l['op'] in ('conv', 'fc')}
print('imported bits (w, a):', bits)
assert bits == {'conv1': (4, 8), 'conv2': (2, 4), 'fc': (8, 8)}, bits
best = json.load(open('sweep.json'))['best']
print(f"sweep best: bitw {best['bitw']} bita {best['bita']} {best['fps']:.0f} fps, {best['dsp']} DSP")
assert (best['bitw'], best['bita']) == ('428', '848'), best
sim = json.load(open('sim.json'))
assert sim['interval_cycles'] > 0
ours, want = npy('w/conv1_w.npy'), npy(sys.argv[1])
assert len(ours) == len(want) == 8 * 27
assert all(a == b for a, b in zip(ours, want)), 'conv1 weights differ from codes x scales'
print('conv1 weights: the int8 codes times their per-filter scales, all', len(ours), 'equal')
PY

[ "$fails" -eq 0 ] && echo "qdq: bits from the graph, used by the sweep"
exit $((fails > 0))
