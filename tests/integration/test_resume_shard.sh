#!/usr/bin/env bash
# A sweep killed (-9) at random points several times and then finished holds exactly the
# designs and front of an uninterrupted run; Ctrl-C saves and says so; two shards merged
# equal the unsharded run, and merging again adds nothing.
set -euo pipefail
tf2sim=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cat > mid.json <<'JSON'
{"name": "mid", "input": {"c": 8, "h": 16, "w": 16}, "defaults": {"wbits": 8, "abits": 8},
 "layers": [
  {"name": "a", "op": "conv", "cout": 16, "k": 3, "pad": 1, "bn": true, "relu": true},
  {"name": "b", "op": "conv", "cout": 8, "k": 1, "bn": true, "relu": true},
  {"name": "c", "op": "conv", "cout": 12, "k": 3, "pad": 1, "bn": true, "relu": true},
  {"name": "d", "op": "conv", "cout": 4, "k": 1}
 ]}
JSON
# Exhaustive over ~310k mvau designs, ~33k of them stored: a second or two per full run.
sweep=(sweep --net ./mid.json --strategy exhaustive --limit 2000000 --dsp 20 --schedules mvau --batch 200 --format json)

summary() {  # hashes of all designs, and of the fps/dsp front over the whole DB
  python3 - "$1" <<'PY'
import json, sqlite3, subprocess, sys, os
db = sys.argv[1]
con = sqlite3.connect(db)
hashes = [h for (h,) in con.execute("SELECT hash FROM designs")]
assert len(hashes) == len(set(hashes)), "duplicate designs"
links = con.execute("SELECT count(*), count(DISTINCT design_id) FROM run_designs").fetchone()
front = json.loads(subprocess.run([os.environ["TF2SIM"], "pareto", "--db", db, "--all", "--format", "json"],
                                  check=True, capture_output=True, text=True).stdout)["front"]
print(json.dumps({"designs": sorted(hashes), "front": sorted(p["hash"] for p in front)}))
PY
}
export TF2SIM=$tf2sim

"$tf2sim" "${sweep[@]}" --db ref.db > ref.json
summary ref.db > ref.sum
n_ref=$(python3 -c "import json; print(len(json.load(open('ref.sum'))['designs']))")
test "$n_ref" -gt 1000

# kill -9 at random moments, three times, then let it finish. Each kill waits until this
# start has saved new designs (so it lands mid-run however fast or loaded the machine is),
# then a random 0..0.29 s more. Only a kill that hits a live sweep counts; a sweep that
# completed first closes its run, so the next starts anew.
saved_now() { sqlite3 killed.db "SELECT count(*) FROM run_designs" 2>/dev/null || echo 0; }
kills=0 completed=0
for i in 1 2 3; do
  before=$(saved_now)
  "$tf2sim" "${sweep[@]}" --db killed.db > /dev/null 2>&1 &
  pid=$!
  for _ in $(seq 1 300); do
    [ "$(saved_now)" -gt "${before:-0}" ] && break
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.02
  done
  sleep "$(printf '0.%02d' $((RANDOM % 30)))"
  state=$(ps -o stat= -p "$pid" 2>/dev/null || true)
  if [ -n "$state" ] && [ "${state#Z}" = "$state" ] && kill -9 "$pid" 2>/dev/null; then
    wait "$pid" 2>/dev/null || true
  else
    wait "$pid" || { echo "FAIL: a sweep to be killed failed on its own"; exit 1; }
  fi
  # a kill counts only if it left the run unfinished (the sweep may have closed its run
  # and been writing plots when the signal came)
  if [ "$(sqlite3 killed.db 'SELECT count(*) FROM runs WHERE finished_at IS NULL')" -gt 0 ]; then
    kills=$((kills + 1))
  else
    completed=$((completed + 1))
  fi
done
test "$kills" -ge 2   # the sweep takes seconds: at least two kills landed mid-run
"$tf2sim" "${sweep[@]}" --db killed.db > killed.json 2> killed.err
summary killed.db > killed.sum
cmp -s ref.sum killed.sum || { echo "FAIL: killed+resumed run differs from the uninterrupted one"; exit 1; }
# Killed runs were resumed rather than started again: one run, plus one per completed sweep.
test "$(sqlite3 killed.db 'SELECT count(*) FROM runs')" -eq $((1 + completed))
test "$(sqlite3 killed.db 'SELECT count(*) FROM runs WHERE finished_at IS NULL')" -eq 0
[ "$completed" -gt 0 ] || grep -q "resuming unfinished run" killed.err

# Ctrl-C: exit 130, says what was saved, and the same command resumes it.
"$tf2sim" "${sweep[@]}" --db int.db > /dev/null 2> int.err &
pid=$!
# Interrupt once the sweep has saved something (however loaded the machine is).
for _ in $(seq 1 300); do
  n=$(sqlite3 int.db "SELECT count(*) FROM run_designs" 2>/dev/null || echo 0)
  [ "${n:-0}" -gt 0 ] && break
  sleep 0.1
done
kill -INT "$pid"
set +e
wait "$pid"
rc=$?
set -e
test "$rc" -eq 130 || { echo "FAIL: Ctrl-C exit $rc"; cat int.err; exit 1; }
grep -q "interrupted after .* designs of run 1 are saved in int.db" int.err
saved=$(sqlite3 int.db "SELECT count(*) FROM run_designs WHERE run_id=1")
test "$saved" -gt 0 && test "$saved" -lt "$n_ref"
"$tf2sim" "${sweep[@]}" --db int.db > /dev/null 2>&1
summary int.db > int.sum
cmp -s ref.sum int.sum || { echo "FAIL: Ctrl-C + resume differs"; exit 1; }

# Two shards, merged, are the unsharded run.
"$tf2sim" "${sweep[@]}" --db s1.db --shard 1/2 > /dev/null
"$tf2sim" "${sweep[@]}" --db s2.db --shard 2/2 > /dev/null
n1=$(sqlite3 s1.db "SELECT count(*) FROM designs"); n2=$(sqlite3 s2.db "SELECT count(*) FROM designs")
test "$n1" -gt 0 && test "$n2" -gt 0 && test $((n1 + n2)) -eq "$n_ref"
"$tf2sim" merge merged.db s1.db s2.db --format json > merge1.json
summary merged.db > merged.sum
cmp -s ref.sum merged.sum || { echo "FAIL: merged shards differ from the unsharded run"; exit 1; }
"$tf2sim" merge merged.db s1.db s2.db --format json > merge2.json
python3 -c "
import json; m = json.load(open('merge2.json'))
assert all(i['new_designs'] == 0 and i['new_runs'] == 0 for i in m['inputs']), m"
test "$(sqlite3 merged.db 'SELECT count(*) FROM layer_results')" -eq "$(sqlite3 ref.db 'SELECT count(*) FROM layer_results')"
echo "test_resume_shard: ok ($n_ref designs, $kills kills)"
