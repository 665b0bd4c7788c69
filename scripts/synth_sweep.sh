#!/usr/bin/env bash
# synth_sweep.sh: synthesise the RTL compute unit with yosys over a parameter list and write
# the counts as one CSV (the data set `tf2sim calibrate` fits the resource model to).
#
# usage: scripts/synth_sweep.sh [--list FILE] [--out FILE] [--jobs N]
#   --list  configurations, one per line: family then NAME=VALUE (default
#           configs/resources/synth_params.txt; '#' starts a comment)
#   --out   CSV to write (default configs/resources/yosys_rtl.csv); rows in list order
#   --jobs  yosys runs at a time (default: the number of cores)
# Each row is one scripts/synth.sh run; a failed run stops the sweep and leaves --out untouched.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
list=$here/configs/resources/synth_params.txt
out=$here/configs/resources/yosys_rtl.csv
jobs=$(nproc 2>/dev/null || echo 2)
while [ $# -gt 0 ]; do
  case "$1" in
    --list) list=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "synth_sweep.sh: bad argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
[ -r "$list" ] || { echo "synth_sweep.sh: cannot read $list" >&2; exit 2; }
case "$jobs" in (*[!0-9]*|''|0) echo "synth_sweep.sh: --jobs must be a whole number >= 1" >&2; exit 2 ;; esac

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# number the configurations so the rows can be put back in list order
grep -v '^[[:space:]]*\(#\|$\)' "$list" | awk '{print NR, $0}' > "$tmp/jobs"
total=$(wc -l < "$tmp/jobs")
echo "synth_sweep.sh: $total configurations, $jobs at a time" >&2
# one synth.sh per line; each writes its own one-row CSV
xargs -P "$jobs" -L 1 sh -c '
  n=$1; fam=$2; shift 2
  "$0/scripts/synth.sh" --family "$fam" --out "'"$tmp"'/row.$n.csv" "$@" > /dev/null || exit 255
  echo "  [$n] $fam $*" >&2
' "$here" < "$tmp/jobs"
head -1 "$tmp/row.1.csv" > "$tmp/all.csv"
for n in $(seq 1 "$total"); do tail -n +2 "$tmp/row.$n.csv" >> "$tmp/all.csv"; done
mv "$tmp/all.csv" "$out"
echo "wrote $out ($total rows)"
