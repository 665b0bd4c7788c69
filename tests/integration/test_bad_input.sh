#!/usr/bin/env bash
# Bad input gets one line on stderr naming what is wrong, a non-zero exit, and leaves
# nothing half-written.
set -euo pipefail
tf2sim=$1
work=$(mktemp -d)
trap 'chmod -R u+w "$work"; rm -rf "$work"' EXIT
cd "$work"
fails=0

# expect_error "pattern" args...: non-zero exit, exactly one stderr line matching pattern, no stdout.
expect_error() {
  local pattern=$1; shift
  set +e
  "$tf2sim" "$@" > out.txt 2> err.txt
  local rc=$?
  set -e
  local lines
  lines=$(wc -l < err.txt)
  if [ "$rc" -eq 0 ] || [ "$lines" -ne 1 ] || ! grep -q -- "$pattern" err.txt || [ -s out.txt ]; then
    echo "FAIL: tf2sim $* -> rc=$rc, $lines stderr lines, want /$pattern/:"; cat err.txt; cat out.txt
    fails=$((fails + 1))
  fi
}

expect_error "unknown net 'nosuch' (known: .*ultranet" sweep --net nosuch --dsp 360
expect_error "unknown device 'zcu999' (known: .*ultra96v2" sweep --net ultranet --device zcu999
expect_error "--dsp: must be 1..10000000 (got 0)" sweep --net ultranet --dsp 0
expect_error "--dsp: must be 1..10000000 (got -5)" sweep --net ultranet --dsp -5
expect_error "--dsp: 'lots' is not a whole number" sweep --net ultranet --dsp lots
expect_error "--bram: must be 1..10000000 (got 0)" sweep --net ultranet --bram 0
expect_error "--bits: weight and activation bits must be 1..8 (got 9/4)" sweep --net ultranet --bits 9/4
expect_error "--bits: weight and activation bits must be 1..8 (got 4/0)" sweep --net ultranet --bits 4/0
expect_error "--bitw: '84444444' has 8 digits; net ultranet needs 9" sweep --net ultranet --bitw 84444444
expect_error "--bita: '844444440': each digit must be 1..8" sweep --net ultranet --bita 844444440
expect_error "--clock: must be 1..2000" sweep --net ultranet --clock 0
expect_error "--strategy: 'best' is not one of" sweep --net ultranet --strategy best
expect_error "--net is required" sweep --dsp 360
expect_error "unknown or incomplete option '--frobnicate'" sweep --net ultranet --frobnicate
expect_error "no design of ultranet fits the budget" sweep --net ultranet --dsp 3
test ! -e results.db || { echo "FAIL: an empty sweep left results.db"; fails=$((fails + 1)); }

expect_error "/nonexistent/dir/r.db: cannot open results database" sweep --net ultranet --db /nonexistent/dir/r.db
mkdir ro && chmod a-w ro
if [ "$(id -u)" -ne 0 ]; then   # root ignores permissions
  expect_error "ro/r.db: cannot open results database" sweep --net ultranet --db ro/r.db
  expect_error "--out: folder 'ro' is not writable" sweep --net ultranet --out ro
fi
test -z "$(ls ro)" || { echo "FAIL: files written into ro/"; fails=$((fails + 1)); }
expect_error "--out: 'nodir' is not an existing folder" sweep --net ultranet --out nodir

# Malformed and invalid JSON: file:line:col and the field.
printf '{\n  "name": "x",\n  "input": {"c": 3, "h": 8, "w": 8},\n  "layers": [\n    {"name": "a", "op": "conv", "cout": 4 "k": 3}\n  ]\n}\n' > bad.json
expect_error "bad.json:5:45: malformed JSON" nets ./bad.json
expect_error "bad.json:5:45: malformed JSON" sweep --net ./bad.json
printf '{\n  "name": "x",\n  "input": {"c": 3, "h": 8, "w": 8},\n  "layers": [\n    {"name": "a", "op": "conv", "cout": 4, "k": 99}\n  ]\n}\n' > k.json
expect_error "k.json:5:49: layers\[0\].k: must be in 1..15 (got 99)" nets ./k.json
printf '{"name": "x", "input": {"c": 3, "h": 8, "w": 8}, "layers": []}' > empty_layers.json
expect_error "layers: missing or empty" nets ./empty_layers.json
: > empty.json
expect_error "empty.json:1:1: empty file" nets ./empty.json
expect_error "nope.json: no such net file" nets ./nope.json
printf '{"name":"d","dsp":10,"dsp_type":"DSP99","bram18":4,"lut":10,"ff":10,"clock_mhz":100,"ddr_gbps":1}' > dev.json
expect_error "dev.json:1:33: dsp_type: unknown 'DSP99'" sweep --net ultranet --device ./dev.json

# A DB that is not ours is refused and left untouched.
echo "not a database, just text......................................................." > foreign.db
cp foreign.db foreign.orig
expect_error "foreign.db: .*not a" sweep --net ultranet --db foreign.db
cmp -s foreign.db foreign.orig || { echo "FAIL: foreign.db was modified"; fails=$((fails + 1)); }
expect_error "foreign.db: not a tf2sim results database" pareto --db foreign.db
expect_error "missing.db: cannot open results database" pareto --db missing.db
test ! -e missing.db || { echo "FAIL: pareto created missing.db"; fails=$((fails + 1)); }
expect_error "--objectives: unknown objective 'speed'" pareto --db foreign.orig --objectives speed,dsp
expect_error "unknown command 'swep' (commands: .*sweep, .*pareto" swep

echo "$((28 - fails)) passed, $fails failed"
[ "$fails" -eq 0 ]
