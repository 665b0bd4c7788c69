#!/usr/bin/env bash
# Mixed-precision sweep: on a net with weights and data (fmnist_cnn) the walk visits
# several bit vectors, every design carries its bit vector's top-1, the accuracy cache
# holds one row per vector, and the 3-objective front is non-dominated. On a net without
# data the sweep says so and optimises throughput only.
# Under ASan (TF2SIM_ASAN=1) the walk runs on a slice of Fashion-MNIST: 500 test images
# (probes of 100) and 100 calibration images, and the walk takes one step.
set -euo pipefail
tf2sim=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n_test=10000 probe=500 steps=2
if [ "${TF2SIM_ASAN:-}" = 1 ]; then
  python3 "$(dirname "$0")/fmnist_slice.py" "$work/slice" 500 100
  export TF2SIM_FMNIST=$work/slice
  n_test=500 probe=100 steps=1
fi
cd "$work"
"$tf2sim" sweep --net fmnist_cnn --dsp 150 --mixed --levels 8,4 --max-drop 0.05 --probe-images $probe --max-steps $steps \
  --strategy frontier --db m.db --format json > m.json
python3 - $n_test $steps <<'PY'
import json, sqlite3, sys
n_test, steps = int(sys.argv[1]), int(sys.argv[2])
j = json.load(open("m.json"))
con = sqlite3.connect("m.db")
assert j["mixed"]["bit_vectors"] == steps + 1, j["mixed"]   # the start and each move
rows = con.execute("SELECT bitw, bita, accuracy, fps, dsp FROM designs").fetchall()
assert rows and all(r[2] is not None for r in rows), "a design without accuracy"
vectors = {(r[0], r[1]) for r in rows}
assert len(vectors) == j["mixed"]["bit_vectors"], (vectors, j["mixed"])
assert any("4" in w + a for (w, a) in vectors), vectors          # the walk went below 8 bits
cache = con.execute("SELECT count(*) FROM accuracy_cache WHERE net='fmnist_cnn' AND images = ?", (n_test,)).fetchone()[0]
assert cache == len(vectors), (cache, vectors)
# Accuracy is a property of the bit vector: one value per vector.
for (w, a) in vectors:
    vals = {r[2] for r in rows if (r[0], r[1]) == (w, a)}
    assert len(vals) == 1, (w, a, vals)
best_acc = max(r[2] for r in rows)
assert j["accuracy"]["available"] and abs(j["accuracy"]["max"] - best_acc) < 1e-9
# Within the allowed drop of the 8-bit start.
start = [r[2] for r in rows if set(r[0] + r[1]) == {"8"}]
assert start and min(r[2] for r in rows) >= start[0] - 0.05 - 0.01, (start, min(r[2] for r in rows))
f3 = j["front_accuracy"]
assert f3
for p in f3:
    for q in rows:
        dom = q[3] >= p["fps"] and q[4] <= p["dsp"] and q[2] >= p["accuracy"] and \
              (q[3] > p["fps"] * (1 + 1e-12) or q[4] < p["dsp"] or q[2] > p["accuracy"])
        assert not dom, (p, q)
PY
"$tf2sim" pareto --db m.db --objectives fps,dsp,accuracy --format json > p3.json
python3 -c "
import json; a = json.load(open('p3.json')); b = json.load(open('m.json'))
assert sorted(x['id'] for x in a['front']) == sorted(x['id'] for x in b['front_accuracy'])"
ls sweep_fmnist_cnn_ultra96v2_accuracy_fps.png > /dev/null

# No weights or data: a notice, throughput only, accuracy NULL.
"$tf2sim" sweep --net ultranet --mixed --strategy frontier --db u.db --format json > u.json 2> u.err
grep -q "has no weights and data for accuracy: no mixed-precision walk; optimising throughput only" u.err
python3 -c "
import json; j = json.load(open('u.json'))
assert j['accuracy']['available'] is False and j['mixed']['bit_vectors'] == 0 and j['best']['accuracy'] is None"
test "$(sqlite3 u.db 'SELECT count(*) FROM designs WHERE accuracy IS NOT NULL')" -eq 0
echo "test_mixed: ok"
