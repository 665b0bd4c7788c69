#!/usr/bin/env bash
# tf2sim calibrate: the held-out report of the resource model against yosys (DSP and BRAM18
# exact, LUT and FF within 15%, better than the baseline), the fit reproduced by one command
# into the committed coefficients, and one-line errors for bad input.
set -euo pipefail
tf2sim=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
src=$(cd "$(dirname "$0")/../.." && pwd)

"$tf2sim" calibrate --report --format json > rep.json
"$tf2sim" calibrate --fit --coeffs fit.json --format json > refit.json
python3 - "$src/configs/resources/rtl_fit.json" <<'PY'
import json, sys
rep = json.load(open("rep.json"))
n = rep["rows"]
assert n >= 20 and rep["dataset_rows"] >= 100, (n, rep["dataset_rows"])
assert rep["dsp_exact"] == f"{n}/{n}" and rep["bram_exact"] == f"{n}/{n}", rep
assert rep["dsp_mape"] == 0 and rep["bram_mape"] == 0
assert rep["lut_mape"] <= 15 and rep["ff_mape"] <= 15, rep
b = rep["baseline"]
for k in ("dsp_mape", "bram_mape", "lut_mape", "ff_mape"):
    assert rep[k] < b[k], (k, rep[k], b[k])
assert set(rep["families"]) == {"xcup", "xc7"}
assert len(rep["heldout"]) == n
# the fit written by --fit is the committed one (six significant digits), and scores the same
fresh, committed = json.load(open("fit.json")), json.load(open(sys.argv[1]))
assert fresh["families"] == committed["families"], "run tf2sim calibrate --fit and commit the file"
refit = json.load(open("refit.json"))
assert abs(refit["lut_mape"] - rep["lut_mape"]) < 1e-9
PY
"$tf2sim" calibrate > table.txt
grep -q "^model  *0.00%  *0.00%" table.txt
grep -q "^baseline " table.txt

expect_err() {
  local want=$1; shift
  set +e; "$tf2sim" "$@" > /dev/null 2> err.txt; rc=$?; set -e
  test "$rc" -eq 2 || { echo "exit $rc for: $*"; exit 1; }
  grep -qF -- "$want" err.txt || { echo "want '$want' for: $*"; cat err.txt; exit 1; }
  test "$(wc -l < err.txt)" -eq 1
}
expect_err "nosuch.csv: cannot open" calibrate --data nosuch.csv
printf 'family,pe\nxcup,1\n' > short.csv
expect_err "short.csv:1: header has no column 'simd'" calibrate --data short.csv
echo '{"families": {"xcup": {"lut": {"unit": "x"}}}}' > bad.json
expect_err "bad.json:1:" calibrate --coeffs bad.json
expect_err "--seed" calibrate --seed -3
expect_err "--format: 'csv' is not one of table, json" calibrate --format csv
echo "test_calibrate: ok"
