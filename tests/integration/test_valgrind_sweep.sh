#!/usr/bin/env bash
# One full main-job sweep under valgrind memcheck: no invalid access, no leak.
set -euo pipefail
tf2sim=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
valgrind --error-exitcode=9 --leak-check=full --errors-for-leak-kinds=definite,indirect \
  --show-leak-kinds=definite,indirect --trace-children=no \
  "$tf2sim" sweep --net ultranet --dsp 360 --db vg.db --out "$work" > out.txt 2> vg.txt || {
  echo "FAIL: valgrind reported errors"; tail -40 vg.txt; exit 1; }
grep -q "ERROR SUMMARY: 0 errors" vg.txt
grep -q "All heap blocks were freed\|definitely lost: 0 bytes" vg.txt
grep -q "best design" out.txt
echo "test_valgrind_sweep: ok"
