#!/usr/bin/env bash
# The GNU parallel runner: 2 shards on this machine, merged, equal the unsharded sweep.
set -euo pipefail
tf2sim=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
export TF2SIM=$tf2sim
"$TF2SIM_SRC/scripts/sweep_parallel.sh" 2 par.db --net skynet --device zcu102 --dsp 360 > par.out
grep -q "merged 2 shards into par.db" par.out
"$tf2sim" sweep --net skynet --device zcu102 --dsp 360 --db one.db --format json > one.json
a=$(sqlite3 par.db "SELECT hash FROM designs ORDER BY hash" | md5sum)
b=$(sqlite3 one.db "SELECT hash FROM designs ORDER BY hash" | md5sum)
test "$a" = "$b" || { echo "FAIL: parallel shards differ from the single run"; exit 1; }
test "$(sqlite3 par.db 'SELECT count(*) FROM runs')" -eq 2
test "$(sqlite3 par.db.shard1-of-2 'SELECT count(*) FROM designs')" -gt 0
test "$(sqlite3 par.db.shard2-of-2 'SELECT count(*) FROM designs')" -gt 0
# Started again: the shards' runs are finished, so they run anew, the merge adds nothing new.
n_before=$(sqlite3 par.db "SELECT count(*) FROM designs")
"$TF2SIM_SRC/scripts/sweep_parallel.sh" 2 par.db --net skynet --device zcu102 --dsp 360 > /dev/null
test "$(sqlite3 par.db 'SELECT count(*) FROM designs')" -eq "$n_before"
# Bad N is refused with one line.
if "$TF2SIM_SRC/scripts/sweep_parallel.sh" x par.db --net skynet --device zcu102 2> err.txt; then exit 1; fi
grep -q "N must be a whole number" err.txt
echo "test_parallel: ok"
