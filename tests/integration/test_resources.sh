#!/usr/bin/env bash
# tf2sim resources: per-layer rows add up to the totals, the iSmart design's DSP6 layers
# use one DSP per lane plus one BN multiplier per PE, and bad input is one line.
set -euo pipefail
tf2sim=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$tf2sim" resources --net ultranet --fold ultranet_ismart --format json > r.json
python3 - <<'PY'
import json
j = json.load(open("r.json"))
L, t = j["layers"], j["total"]
for k in ("dsp", "bram18", "lut", "ff"):
    assert sum(l[k] for l in L) == t[k], k
for l in L:
    assert l["bram18"] == l["weight_bram"] + l["linebuf_bram"] + l["fifo_bram"] or l["op"] != "conv", l
c4 = next(l for l in L if l["layer"] == "conv4")
assert c4["dsp"] == 4 * 2 + 2, c4       # iSmart conv4: SIMD 4 x PE 2 DSP6 lanes + 2 BN units
assert j["fits"] is True and t["dsp"] <= j["device_total"]["dsp"]
PY
"$tf2sim" resources --net ultranet --fold ultranet_ismart --format csv > r.csv
head -1 r.csv | grep -q "^layer,op,w/a,simd,pe,schedule,dsp,bram18"
if "$tf2sim" resources --net ultranet --fold nosuchfold 2> err.txt; then exit 1; fi
grep -q "unknown fold 'nosuchfold'" err.txt
test "$(wc -l < err.txt)" -eq 1
echo "test_resources: ok"
