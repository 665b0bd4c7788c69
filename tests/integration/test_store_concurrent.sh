#!/usr/bin/env bash
# Two sweeps writing one database at the same time both succeed, lose nothing, and leave
# it intact; so do two copies of the same sweep.
set -euo pipefail
tf2sim=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
sweep() { "$tf2sim" sweep --net "$1" --device zcu102 --dsp 360 --strategy "$2" --batch 20 --db "$3" --format json > "$4"; }
# Alone, for reference.
sweep skynet anneal a.db a.json
sweep ultranet_bypass anneal b.db b.json
# Together, into one file.
sweep skynet anneal both.db x.json & p1=$!
sweep ultranet_bypass anneal both.db y.json & p2=$!
wait $p1
wait $p2
na=$(sqlite3 a.db "SELECT count(*) FROM designs"); nb=$(sqlite3 b.db "SELECT count(*) FROM designs")
test "$(sqlite3 both.db 'SELECT count(*) FROM designs')" -eq $((na + nb))
test "$(sqlite3 both.db 'PRAGMA integrity_check')" = ok
test "$(sqlite3 both.db 'SELECT count(*) FROM runs WHERE finished_at IS NOT NULL')" -eq 2
# The same sweep twice at once: one set of designs, no duplicates.
sweep skynet frontier same.db s1.json & p1=$!
sweep skynet frontier same.db s2.json & p2=$!
wait $p1
wait $p2
"$tf2sim" sweep --net skynet --device zcu102 --dsp 360 --strategy frontier --db ref.db --format json > ref.json
test "$(sqlite3 same.db 'SELECT count(*) FROM designs')" -eq "$(sqlite3 ref.db 'SELECT count(*) FROM designs')"
test "$(sqlite3 same.db 'SELECT count(DISTINCT hash) FROM designs')" -eq "$(sqlite3 same.db 'SELECT count(*) FROM designs')"
echo "test_store_concurrent: ok ($na + $nb designs)"
