#!/usr/bin/env bash
# tf2sim resources: per-layer rows add up to the totals; under the default mixq-hls target the
# iSmart design's DSP6 layers use one DSP per lane plus the DSPs of their ACTP BN units; target
# rtl costs our compute unit; the sweep stores what `resources` says; bad input is one line.
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
# iSmart conv4: SIMD 4 x PE 2 DSP6 lanes, and one ACTP unit (its 2 outputs per 9*64/4 = 144
# cycles need no more) whose acc x inc multiply, (4+4+10) x 16 bits, is one DSP48E2
assert c4["dsp"] == 4 * 2 + 1, c4
assert j["target"] == "mixq-hls", j["target"]
assert j["fits"] is True and t["dsp"] <= j["device_total"]["dsp"]
PY
"$tf2sim" resources --net ultranet --fold ultranet_ismart --format csv > r.csv
head -1 r.csv | grep -q "^layer,op,w/a,simd,pe,schedule,dsp,bram18"
if "$tf2sim" resources --net ultranet --fold nosuchfold 2> err.txt; then exit 1; fi
grep -q "unknown fold 'nosuchfold'" err.txt
test "$(wc -l < err.txt)" -eq 1

# Target rtl: our compute unit. BJUT's conv4 (SIMD 8, PE 2, 4/4 bits) on the xcup family:
# the two PEs share packed multipliers, 8 lanes x 1 DSP (a 14 x 5-bit product fits one
# DSP48E2), plus 2 PEs x 4 DSPs for the 32 x 32-bit re-quantise multiply = 16.
"$tf2sim" resources --net ultranet --fold ultranet_bjut --target rtl --format json > rtl.json
python3 - <<'PY'
import json
j = json.load(open("rtl.json"))
assert j["target"] == "rtl", j["target"]
c4 = next(l for l in j["layers"] if l["layer"] == "conv4")
assert c4["dsp"] == 8 + 2 * 4, c4
for l in j["layers"]:
    if l["op"] == "conv":
        assert l["fifo_bram"] == 0, l      # the unit's input FIFO lives in its feature buffer
# conv8 is the raw head (REQUANT 0): its 8 packed lanes and no 32 x 32 BN multiply
c8 = next(l for l in j["layers"] if l["layer"] == "conv8")
assert c8["dsp"] == 8, c8
PY
# The generated tests/data/tiny_chain design as yosys synthesises it (scripts/synth_design.sh,
# rtl/README.md: Generated designs): 50 DSP48E2, no BRAM (feature buffers of 16/8/4 FIFO pixels)
"$tf2sim" resources --net "$TF2SIM_SRC/tests/data/tiny_chain.json" --fold "$TF2SIM_SRC/tests/data/tiny_chain_fold.json" \
  --format json > tiny.json
python3 -c "import json; t = json.load(open('tiny.json'))['total']; assert (t['dsp'], t['bram18']) == (50, 0), t"
# Schedules the RTL does not build, a target that does not exist, a non-Xilinx device: one line, exit 2.
expect_err() {
  local want=$1; shift
  set +e; "$tf2sim" "$@" > /dev/null 2> err.txt; rc=$?; set -e
  test "$rc" -eq 2 || { echo "exit $rc for: $*"; exit 1; }
  grep -qF -- "$want" err.txt || { echo "want '$want' for: $*"; cat err.txt; exit 1; }
  test "$(wc -l < err.txt)" -eq 1
}
expect_err "layer conv0: schedule fp is not built by the RTL" resources --net ultranet --fold gen_mixed_dp --target rtl
expect_err "layer conv0: the RTL needs SIMD (9) to divide the input channels (3)" resources --net ultranet --fold ultranet_ismart --target rtl
expect_err "--target: 'verilog' is not one of" resources --net ultranet --fold ultranet_bjut --target verilog
expect_err "device f10a is not Xilinx" resources --net ultranet --fold ultranet_bjut --target rtl --device f10a

# The sweep costs designs with the same model: the best design of an rtl sweep, exported and
# costed by `tf2sim resources`, has the DSP/BRAM/LUT/FF the database holds for it.
"$tf2sim" sweep --net ultranet --dsp 360 --target rtl --db rtl.db --out . --format json > sweep.json
id=$(python3 -c 'import json; print(json.load(open("sweep.json"))["best"]["id"])')
"$tf2sim" export --db rtl.db --design "$id" --format json --out best.json
grep -q '"target": *"rtl"' best.json
"$tf2sim" resources --net ultranet --fold best.json --format json > best_res.json
python3 - "$id" <<'PY'
import json, sqlite3, sys
t = json.load(open("best_res.json"))["total"]
row = sqlite3.connect("rtl.db").execute("SELECT dsp, bram18, lut, ff FROM designs WHERE id=?", (int(sys.argv[1]),)).fetchone()
assert tuple(row) == (t["dsp"], t["bram18"], t["lut"], t["ff"]), (row, t)
assert t["dsp"] <= 360
PY
echo "test_resources: ok"
