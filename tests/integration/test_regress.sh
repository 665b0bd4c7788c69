#!/usr/bin/env bash
# tf2sim regress as a user runs it: the full layer matrix on the Verilator RTL and on the
# SystemC testbench — every case bit-exact and cycle-exact, >= 30 cases, JSON fields — plus
# constrained-random layers, the DB rows, back-pressure (outputs unchanged), layers back to back on one instance
# (double-buffered filters), a VCD window, and that deliberately wrong cases (one output off by one; the
# C cycle count off by 2%) make the command fail. Skipped (exit 77) when tf2sim was built
# with -DTF2SIM_RTL=OFF.
set -euo pipefail
tf2sim=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

set +e
"$tf2sim" regress --case k1_s1_w4a4 > out.txt 2> err.txt
rc=$?
set -e
if [ $rc -eq 2 ] && grep -q "built without the RTL" err.txt; then
  echo "skipped: tf2sim built without the RTL"
  exit 77   # ctest reports it as skipped (SKIP_RETURN_CODE), not as a pass
fi
[ $rc -eq 0 ] || { echo "single case failed (rc $rc)"; cat out.txt err.txt; exit 1; }

for be in verilator systemc; do
  "$tf2sim" regress --backend $be --format json --db regress.db > $be.json
  python3 - $be.json $be <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
cases, t = j["cases"], j["totals"]
assert j["backend"] == sys.argv[2]
assert len(cases) >= 30, len(cases)
names = {c["name"] for c in cases}
assert {"ultranet_conv2", "ultranet_conv3", "ultranet_conv4", "ultranet_conv8"} <= names
for c in cases:
    for k in ("name", "outputs_equal", "c_cycles", "rtl_cycles"):
        assert k in c, (c, k)
    assert c["outputs_equal"] is True, c
    assert c["c_cycles"] == c["rtl_cycles"], c
    assert c["pass"] is True, c
assert t["cases"] == len(cases) and t["failed"] == 0 and t["outputs_equal"] == len(cases)
assert t["cycles_equal"] == len(cases)
assert t["c_cycles"] == t["rtl_cycles"] == sum(c["rtl_cycles"] for c in cases)
print(f'{sys.argv[2]}: {len(cases)} cases bit-exact and cycle-exact, {t["rtl_cycles"]} cycles, RTL {t["rtl_seconds"]:.2f} s')
PY
done

# both runs are in the DB
rows=$(sqlite3 regress.db "SELECT COUNT(*) FROM regression WHERE pass = 1")
n=$(python3 -c "import json; print(len(json.load(open('verilator.json'))['cases']))")
[ "$rows" -eq $((2 * n)) ] || { echo "regression table has $rows passing rows, expected $((2 * n))"; exit 1; }
sqlite3 regress.db "SELECT COUNT(DISTINCT backend) FROM regression" | grep -qx 2

# the table form ends with a summary line
"$tf2sim" regress --case k3_s2_w4a4,dw_k3_s1 | tail -1 | grep -q "2 passed, 0 failed"

# constrained-random layers (any kernel, stride, pad, depthwise, fold, channels, size,
# bits, MAC/SAC, packing, requant/raw): bit-exact and cycle-exact as well
"$tf2sim" regress --random 300 --seed 11 --format json > rand.json
"$tf2sim" regress --random 60 --seed 12 --backend systemc --back-to-back --format json > rand_sc.json
for f in rand.json rand_sc.json; do
  python3 -c "
import json
j = json.load(open('$f'))
t = j['totals']
assert t['failed'] == 0 and t['outputs_equal'] == t['cycles_equal'] == len(j['cases']) >= 60, t
"
done

# back-pressure: input gaps and output stalls on 40% of the cycles change the timing but
# not a single output (every case, both backends)
for be in verilator systemc; do
  "$tf2sim" regress --backend $be --stall 40 --format json > stall_$be.json
  python3 -c "
import json, sys
j = json.load(open('stall_$be.json'))
assert j['totals']['failed'] == 0 and j['totals']['outputs_equal'] == len(j['cases']) >= 30
assert all(c['rtl_cycles'] > c['c_cycles'] for c in j['cases'])
"
done

# the whole matrix as one layer sequence on one RTL instance: each layer's filters load
# into the filter loader's shadow bank while the previous layer runs (the double buffer),
# and every layer is still bit-exact with the same cycles as on a fresh instance
for be in verilator systemc; do
  "$tf2sim" regress --backend $be --back-to-back --format json > b2b_$be.json
  python3 - b2b_$be.json verilator.json <<'PY'
import json, sys
b, one = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
assert b["totals"]["failed"] == 0 and b["totals"]["cycles_equal"] == len(b["cases"]) >= 30
assert [c["rtl_cycles"] for c in b["cases"]] == [c["rtl_cycles"] for c in one["cases"]]
PY
done

# a VCD window
"$tf2sim" regress --case k3_s1_w4a4 --trace --trace-cycles 100 > /dev/null
[ -s regress_k3_s1_w4a4.vcd ] && grep -q "scheduler\|u_sched" regress_k3_s1_w4a4.vcd
rm regress_k3_s1_w4a4.vcd
"$tf2sim" regress --backend systemc --case k3_s1_w4a4 --trace > /dev/null
[ -s regress_k3_s1_w4a4.vcd ] && grep -q "out_valid" regress_k3_s1_w4a4.vcd

# deliberately wrong cases must fail, with exit status 1 and the reason on stderr
for be in verilator systemc; do
  set +e
  "$tf2sim" regress --backend $be --case k3_s1_w4a4 --inject-fault output > f.txt 2> f.err
  rc=$?
  set -e
  [ $rc -eq 1 ] || { echo "$be: off-by-one output was not caught (rc $rc)"; cat f.txt f.err; exit 1; }
  grep -q "1 of 512 outputs differ" f.err
  grep -q "FAIL" f.txt
done
set +e
"$tf2sim" regress --case k3_s1_w4a4 --inject-fault cycles --format json > c.json 2> c.err
rc=$?
set -e
[ $rc -eq 1 ] || { echo "cycle mismatch was not caught (rc $rc)"; exit 1; }
python3 -c "import json; c = json.load(open('c.json'))['cases'][0]; assert c['outputs_equal'] and not c['pass'] and c['c_cycles'] != c['rtl_cycles']"

# bad usage
set +e
"$tf2sim" regress --case nope 2> u.err; rc1=$?
"$tf2sim" regress --backend icarus 2> /dev/null; rc2=$?
set -e
[ $rc1 -eq 2 ] && [ $rc2 -eq 2 ] && grep -q "no case 'nope'" u.err
echo "regress: ok"
