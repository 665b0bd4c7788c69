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
total=0
expect_error() {
  total=$((total + 1))
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
expect_error "ultranet on ultra96v2: nothing fits; the cheapest design needs dsp" sweep --net ultranet --dsp 3
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

# More of the catalogue: net files. net_json NAME 'LAYERS-JSON' [INPUT-JSON] writes NAME.
net_json() {
  printf '{\n  "name": "x",\n  "input": %s,\n  "layers": [\n    %s\n  ]\n}\n' "${3:-{\"c\": 4, \"h\": 8, \"w\": 8\}}" "$2" > "$1"
}
net_json groups.json '{"name": "a", "op": "conv", "cout": 6, "k": 3, "groups": 4}'
expect_error "groups.json:5:.*layers\[0\].groups: groups 4 must divide cin 4 and cout 6" nets ./groups.json
net_json cycle.json '{"name": "a", "op": "conv", "cout": 4, "k": 1, "inputs": "b"}, {"name": "b", "op": "conv", "cout": 4, "k": 1, "inputs": "a"}'
expect_error "cycle.json:5:.*layers\[0\].inputs: 'b' is not an earlier layer (cycle" nets ./cycle.json
net_json self.json '{"name": "a", "op": "conv", "cout": 4, "k": 1, "inputs": "a"}'
expect_error "self.json:5:.*'a' is not an earlier layer" nets ./self.json
net_json missing_in.json '{"name": "a", "op": "conv", "cout": 4, "k": 1, "inputs": "ghost"}'
expect_error "missing_in.json:5:.*unknown layer 'ghost'" nets ./missing_in.json
net_json empty_in.json '{"name": "a", "op": "conv", "cout": 4, "k": 1, "inputs": []}'
expect_error "empty_in.json:5:.*inputs: must be a layer name or a non-empty array" nets ./empty_in.json
net_json op.json '{"name": "a", "op": "lstm", "cout": 4}'
expect_error "op.json:5:.*layers\[0\].op: unknown op 'lstm' (allowed:" nets ./op.json
net_json wb0.json '{"name": "a", "op": "conv", "cout": 4, "k": 1, "wbits": 0}'
expect_error "wb0.json:5:.*layers\[0\].wbits: must be in 1..8 (got 0)" nets ./wb0.json
net_json ab9.json '{"name": "a", "op": "conv", "cout": 4, "k": 1, "abits": 9}'
expect_error "ab9.json:5:.*layers\[0\].abits: must be in 1..8 (got 9)" nets ./ab9.json
net_json cout0.json '{"name": "a", "op": "conv", "cout": 0, "k": 1}'
expect_error "cout0.json:5:.*layers\[0\].cout: must be in 1..65536 (got 0)" nets ./cout0.json
net_json huge.json '{"name": "a", "op": "conv", "cout": 1000000000, "k": 1}'
expect_error "huge.json:5:.*layers\[0\].cout: must be in 1..65536 (got 1000000000)" nets ./huge.json
net_json h0.json '{"name": "a", "op": "conv", "cout": 4, "k": 1}' '{"c": 4, "h": 0, "w": 8}'
expect_error "h0.json:3:.*input.h: must be in 1..65536 (got 0)" nets ./h0.json
net_json kbig.json '{"name": "a", "op": "conv", "cout": 4, "k": 11}'
expect_error "kbig.json:5:.*layers\[0\].k: window 11 larger than the padded input 8x8" nets ./kbig.json
net_json reorg.json '{"name": "a", "op": "conv", "cout": 4, "k": 1}, {"name": "r", "op": "reorg", "stride": 3}'
expect_error "reorg.json:.*layers\[1\].stride: stride 3 must divide the input 8x8" nets ./reorg.json
net_json add.json '{"name": "a", "op": "conv", "cout": 4, "k": 1}, {"name": "b", "op": "conv", "cout": 8, "k": 1, "inputs": "input"}, {"name": "s", "op": "add", "inputs": ["a", "b"]}'
expect_error "add.json:.*layers\[2\].inputs: input 1 is 8x8x8 but input 0 is 4x8x8 (add needs equal shapes)" nets ./add.json
net_json dup.json '{"name": "a", "op": "conv", "cout": 4, "k": 1}, {"name": "a", "op": "conv", "cout": 4, "k": 1}'
expect_error "dup.json:.*layers\[1\].name: 'a' is used by an earlier layer" nets ./dup.json
net_json type.json '{"name": "a", "op": "conv", "cout": 4, "k": 1, "bn": "yes"}'
expect_error "type.json:5:.*layers\[0\].bn: must be true or false" nets ./type.json
net_json nocompute.json '{"name": "p", "op": "maxpool", "k": 2}'
expect_error "nocompute.json:.*layers: no conv or fc layer" nets ./nocompute.json
printf '[1, 2, 3]\n' > array.json
expect_error "array.json:1:1: top level must be a JSON object" nets ./array.json
printf '{"name": "x", "input": {"c": 3, "h": 8, "w": 8}, "layers": [{"name": "a", "op": "conv", "cout": 4, "k": 1}], "extra": 1}' > unknown.json
expect_error "unknown.json:1:.*extra: unknown field (allowed:" nets ./unknown.json
printf '\x89PNG\r\n\x1a\n binary' > binary.json
expect_error "binary.json:1:.*malformed JSON" nets ./binary.json

# Devices, budgets and options.
printf '{"name":"d","dsp":0,"dsp_type":"DSP48E2","bram18":4,"lut":10,"ff":10,"clock_mhz":100,"ddr_gbps":1}' > dsp0.json
expect_error "dsp0.json:1:.*dsp: must be in 1..100000 (got 0)" sweep --net ultranet --device ./dsp0.json
printf '{"name":"d","dsp":10,"dsp_type":"DSP48E2","bram18":4,"m20k":4,"lut":10,"ff":10,"clock_mhz":100,"ddr_gbps":1}' > both.json
expect_error "both.json:1:.*give exactly one of bram18 (Xilinx) or m20k (Intel)" sweep --net ultranet --device ./both.json
expect_error -- "--lut: must be 1..1000000000 (got 0)" sweep --net ultranet --lut 0
expect_error -- "--shard: '3/2' must be K/N with 1 <= K <= N" sweep --net ultranet --shard 3/2
expect_error -- "--shard: '0/2' must be K/N" sweep --net ultranet --shard 0/2
expect_error -- "--limit: must be 1..100000000 (got 0)" sweep --net ultranet --limit 0
expect_error -- "--format: 'xml' is not one of table, json, csv" sweep --net ultranet --format xml
expect_error "--strategy exhaustive: the space has .* designs, more than the limit" sweep --net ultranet --strategy exhaustive --db ex.db
test ! -e ex.db || { echo "FAIL: a refused exhaustive sweep left ex.db"; fails=$((fails + 1)); }
expect_error "skynet on pynq-z2: nothing fits; the cheapest design needs dsp" sweep --net skynet --device pynq-z2 --bram 10 --db tiny.db
test ! -e tiny.db || { echo "FAIL: an empty sweep left tiny.db"; fails=$((fails + 1)); }

# Databases: a real SQLite file of something else, a damaged one, a version we do not read.
sqlite3 other.db "CREATE TABLE customers(id INTEGER); INSERT INTO customers VALUES(1);"
cp other.db other.orig
expect_error "other.db: not a tf2sim results database (an SQLite file without tf2sim's meta table)" sweep --net ultranet --db other.db
cmp -s other.db other.orig || { echo "FAIL: other.db was modified"; fails=$((fails + 1)); }
"$tf2sim" sweep --net ultranet --db good.db > /dev/null
sqlite3 good.db "UPDATE meta SET value='0' WHERE key='schema_version'"
expect_error "good.db: meta.schema_version is missing or not a version (this tf2sim reads 1.." pareto --db good.db
sqlite3 good.db "UPDATE meta SET value='7' WHERE key='schema_version'"
expect_error "good.db: meta.schema_version 7 is from a newer tf2sim" sweep --net ultranet --db good.db
expect_error "good.db: meta.schema_version 7 is from a newer tf2sim" merge m.db good.db
"$tf2sim" sweep --net skynet --device zcu102 --db dmg.db > /dev/null
python3 -c "
import os; f = open('dmg.db', 'r+b'); n = os.path.getsize('dmg.db'); f.seek(4096); f.write(b'\xa5' * (n - 4096))"
expect_error "dmg.db: .*\(damaged results database\|malformed\|not a\)" pareto --db dmg.db
expect_error "merge: input m.db is the output database" merge m.db m.db
expect_error -- "--design: no design with id 424242" export --db other.orig --design 424242 --format json
expect_error -- "--out: 'rep.txt' must end in .md" report --db good.db --out rep.txt
expect_error "plot output must end in .png or .svg" plot --db other.orig --out x.gif

# Resource targets and the calibration files.
expect_error -- "--target: 'hls' is not one of mixq-hls, rtl" sweep --net ultranet --target hls
expect_error -- "--target: 'vhdl' is not one of mixq-hls, rtl" sim --net ultranet --target vhdl --db none
printf '{"net": "ultranet", "target": "hls", "layers": []}' > badtarget.json
expect_error "badtarget.json:1:[0-9]*: target: must be mixq-hls or rtl (got 'hls')" resources --net ultranet --fold badtarget.json
expect_error "layer conv0: the RTL needs SIMD (9) to divide the input channels (3)" resources --net ultranet --fold ultranet_ismart --target rtl
mkdir -p nofit && cp -r "$(dirname "$0")/../../configs/nets" "$(dirname "$0")/../../configs/devices" "$(dirname "$0")/../../configs/folds" nofit/
TF2SIM_CONFIGS=$work/nofit expect_error "nofit/resources/rtl_fit.json: cannot open" sweep --net ultranet --db nofit.db
test ! -e nofit.db || { echo "FAIL: a sweep without the fit file left nofit.db"; fails=$((fails + 1)); }
mkdir -p nofit/resources && echo '{"families": {"xcup": {"lut": {}}}}' > nofit/resources/rtl_fit.json
TF2SIM_CONFIGS=$work/nofit expect_error "rtl_fit.json:1:[0-9]*: families.xcup.lut.unit: missing required field" resources --net ultranet --fold ultranet_bjut

echo "$((total - fails)) passed, $fails failed"
[ "$total" -ge 40 ] || { echo "FAIL: the catalogue has only $total cases"; exit 1; }
[ "$fails" -eq 0 ]
