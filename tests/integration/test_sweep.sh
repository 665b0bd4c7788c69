#!/usr/bin/env bash
# The main job end to end: tf2sim sweep --net ultranet --dsp 360 writes results.db and
# PNG plots; every stored design is within budget; the printed front is non-dominated
# over the DB and made of stored designs; a re-run adds no duplicate design.
set -euo pipefail
tf2sim=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

"$tf2sim" sweep --net ultranet --dsp 360 > table.txt
grep -q "best design" table.txt
grep -q "Pareto front, fps vs dsp" table.txt
test -s results.db
for png in sweep_ultranet_ultra96v2_fps_dsp.png sweep_ultranet_ultra96v2_fps_bram.png; do
  test -s "$png"
  head -c 8 "$png" | od -An -tx1 | grep -q "89 50 4e 47 0d 0a 1a 0a"   # PNG signature
done

"$tf2sim" sweep --net ultranet --dsp 360 --format json > sweep.json
python3 - "$work/results.db" "$work/sweep.json" <<'PY'
import json, sqlite3, sys
db, js = sys.argv[1], json.load(open(sys.argv[2]))
close = lambda a, b: abs(a - b) <= 1e-12 * max(abs(a), abs(b), 1.0)
con = sqlite3.connect(db)
budget = js["budget"]
assert budget["dsp"] == 360, budget
assert js["designs_evaluated"] >= len(js["front"]) > 3, js["designs_evaluated"]
rows = con.execute("SELECT id, fps, dsp, bram18, lut, ff, interval_cycles, hash FROM designs").fetchall()
assert rows, "no designs stored"
for r in rows:
    assert r[2] <= 360 and r[3] <= budget["bram18"] and r[4] <= budget["lut"] and r[5] <= budget["ff"], r
# Re-running the same sweep added no design: hashes are unique and the second run saw the same set.
hashes = [r[7] for r in rows]
assert len(hashes) == len(set(hashes))
runs = con.execute("SELECT id FROM runs ORDER BY id").fetchall()
assert len(runs) == 2, runs
s1 = set(x for (x,) in con.execute("SELECT design_id FROM run_designs WHERE run_id=?", runs[0]))
s2 = set(x for (x,) in con.execute("SELECT design_id FROM run_designs WHERE run_id=?", runs[1]))
assert s1 == s2 and len(s1) == len(rows), (len(s1), len(s2), len(rows))
assert js["designs_new"] == 0
# The printed front: each point is a stored design, none dominated by any stored design,
# and every stored design is dominated by or equal to some front point.
byid = {r[0]: r for r in rows}
front = js["front"]
for p in front:
    r = byid[p["id"]]
    assert close(r[1], p["fps"]) and r[2] == p["dsp"]
    for q in rows:
        dominated = q[1] >= r[1] and q[2] <= r[2] and (q[1] > r[1] and not close(q[1], r[1]) or q[2] < r[2])
        assert not dominated, (p, q)
for q in rows:
    assert any((p["fps"] >= q[1] or close(p["fps"], q[1])) and p["dsp"] <= q[2] for p in front), q
best = js["best"]
assert close(best["fps"], max(r[1] for r in rows))
assert best["interval_cycles"] == min(r[6] for r in rows)
# No design can beat the packing lower bound.
assert js["bound_cycles"] > 0 and js["bound_ratio"] >= 1.0, (js["bound_cycles"], js["bound_ratio"])
assert close(js["bound_ratio"], best["interval_cycles"] / js["bound_cycles"])
for k in ("fps", "interval_cycles", "dsp", "bram18", "lut", "folding"):
    assert k in best, k
assert len([l for l in best["folding"] if "simd" in l]) == 9
# The per-layer rows add up to the design's totals.
for (did, dsp, bram) in con.execute("SELECT id, dsp, bram18 FROM designs"):
    s = con.execute("SELECT sum(dsp), sum(bram18) FROM layer_results WHERE design_id=?", (did,)).fetchone()
    assert s == (dsp, bram), (did, s, dsp, bram)
# The run records what was run.
cmd, commit, net, dev = con.execute("SELECT args, git_commit, net, device FROM runs WHERE id=1").fetchone()
assert "sweep --net ultranet --dsp 360" in cmd and net == "ultranet" and dev == "ultra96v2" and commit
print("sweep: %d designs, front %d, best %.1f fps at %d DSP" % (len(rows), len(front), best["fps"], best["dsp"]))
PY

# pareto and plot read the same DB.
"$tf2sim" pareto --db results.db --objectives fps,dsp --format json > pareto.json
python3 -c "
import json,sys; p=json.load(open('pareto.json')); s=json.load(open('sweep.json'))
assert sorted(x['id'] for x in p['front']) == sorted(x['id'] for x in s['front']), 'pareto != sweep front'
"
"$tf2sim" pareto --db results.db --objectives fps,dsp,bram18 --format csv > p3.csv
head -1 p3.csv | grep -q "^id,fps"
"$tf2sim" plot --db results.db --x bram18 --y fps --out "$work/a plot's name.svg" 2>/dev/null
grep -q "<svg" "$work/a plot's name.svg"

# export: the JSON is the stored canonical design; mixq has one SIMD/PE row per conv, as stored.
best_id=$(python3 -c "import json; print(json.load(open('sweep.json'))['best']['id'])")
"$tf2sim" export --db results.db --design "$best_id" --format json --out best.json
mkdir mixq
"$tf2sim" export --db results.db --design "$best_id" --format mixq --out mixq 2>/dev/null
python3 - "$work/results.db" "$best_id" <<'PY'
import json, sqlite3, sys
con = sqlite3.connect(sys.argv[1]); did = int(sys.argv[2])
(canon,) = con.execute("SELECT canonical FROM designs WHERE id=?", (did,)).fetchone()
assert json.load(open("best.json")) == json.loads(canon)
rows = [l.split() for l in open("mixq/config_simd_pe.txt").read().splitlines()[1:]]
want = con.execute("SELECT simd, pe FROM layer_results WHERE design_id=? AND simd IS NOT NULL ORDER BY layer_idx", (did,)).fetchall()
assert [tuple(map(int, r)) for r in rows] == want, (rows, want)
h = open("mixq/config.h").read()
assert "#define CONV_0_SIMD %d" % want[0][0] in h and "#define CONV_8_PE %d" % want[8][1] in h
PY
if "$tf2sim" export --db results.db --design 999999 --format json 2> err.txt; then exit 1; fi
grep -q "no design with id 999999" err.txt

# report: Markdown with the bound, the fronts, the chosen design, and its plots.
mkdir rep
"$tf2sim" report --db results.db --out rep/r.md 2>/dev/null
grep -q "^## Bound" rep/r.md && grep -q "Packing lower bound" rep/r.md && grep -q "^## Chosen design: #$best_id" rep/r.md
for p in r_fps_dsp.png r_fps_bram18.png r_fps_lut.png r_layers.png; do
  grep -q "($p)" rep/r.md && head -c 4 "rep/$p" | od -An -tx1 | grep -q "89 50 4e 47"
done
"$tf2sim" plot --db results.db --layers "$best_id" --out layers.svg 2>/dev/null && grep -q "conv8" layers.svg
"$tf2sim" plot --db results.db --x lut --y fps --colour dsp --out lut.png 2>/dev/null && test -s lut.png

# Other nets and formats run too.
"$tf2sim" sweep --net skynet --device zcu102 --dsp 200 --db sky.db --format csv > sky.csv
head -1 sky.csv | grep -q "^id,fps,interval"
"$tf2sim" sweep --net vggtiny_cifar --device pynq-z2 --bits 2/2 --db v.db --format json | python3 -c "
import json,sys; j=json.load(sys.stdin); assert j['device']=='pynq-z2' and j['best']['dsp'] <= 220"
echo "test_sweep: ok"
