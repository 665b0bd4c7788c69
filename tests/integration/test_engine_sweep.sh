#!/usr/bin/env bash
# Engine (TF2) sweeps: the N/C/OW_VECTOR grid on ResNet-50 (which no dataflow design can
# hold) and GoogLeNet; TF2's own array is a point of the grid; designs are stored without
# per-layer foldings and export as fold files.
set -euo pipefail
tf2sim=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
"$tf2sim" sweep --net resnet50 --arch engine --device f10a --db e.db --format json > r.json
python3 - <<'PY'
import json, sqlite3
j = json.load(open("r.json"))
assert j["arch"] == "engine" and j["bound_cycles"] is None
assert j["designs_evaluated"] == j["space_size"] >= 100
eng = j["best"]["engine"]
assert all(k in eng for k in ("n_vector", "c_vector", "ow_vector", "fw_vector"))
con = sqlite3.connect("e.db")
assert con.execute("SELECT count(*) FROM layer_results WHERE simd IS NOT NULL").fetchone()[0] == 0
# TF2's array (16, 16, 5, 3) is in the grid; fc1000 streams its filters from DDR.
tf2 = [json.loads(c) for (c,) in con.execute("SELECT canonical FROM designs")]
tf2 = [c for c in tf2 if (c["engine"]["n_vector"], c["engine"]["c_vector"], c["engine"]["ow_vector"]) == (16, 16, 5)]
assert len(tf2) == 1, len(tf2)
best = con.execute("SELECT max(fps) FROM designs").fetchone()[0]
assert abs(best - j["best"]["fps"]) < 1e-6 * best
PY
"$tf2sim" export --db e.db --design "$(python3 -c "import json; print(json.load(open('r.json'))['best']['id'])")" \
  --format json --out best.json
grep -q '"arch": "engine"' best.json
"$tf2sim" sweep --net googlenet_tf2 --arch engine --device f10a --db g.db --format json > g.json
python3 -c "
import json; j = json.load(open('g.json')); assert j['best']['fps'] > 306, j['best']['fps']  # TF2's 306 fps is one grid point"
if "$tf2sim" sweep --net resnet50 --arch engine --strategy anneal --db x.db 2> err.txt; then exit 1; fi
grep -q "arch engine searches its whole" err.txt
echo "test_engine_sweep: ok"
