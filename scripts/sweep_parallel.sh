#!/usr/bin/env bash
# Runs one sweep as N shards in parallel on this machine (GNU parallel), then merges them.
#   scripts/sweep_parallel.sh N OUT.db [sweep arguments...]
# e.g. scripts/sweep_parallel.sh 2 results.db --net ultranet --dsp 360
# Shard databases are OUT.db.shardK-of-N; re-running resumes unfinished shards and the
# merge is idempotent, so an interrupted run can simply be started again.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 N OUT.db SWEEP-ARGS..." >&2
  exit 2
fi
n=$1 out=$2
shift 2
case $n in ''|*[!0-9]*) echo "sweep_parallel: N must be a whole number >= 1 (got '$n')" >&2; exit 2;; esac
[ "$n" -ge 1 ] || { echo "sweep_parallel: N must be >= 1" >&2; exit 2; }
command -v parallel >/dev/null || { echo "sweep_parallel: GNU parallel is missing (scripts/setup.sh installs it)" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
tf2sim=${TF2SIM:-${TF2SIM_BUILD:-$root/build}/tf2sim}
outdir=$(dirname "$out")
# Each shard writes its own DB; plots go to a scratch folder, the merged DB is what counts.
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
parallel --will-cite --halt now,fail=1 -j "$n" \
  "$tf2sim" sweep "$@" --shard {}/"$n" --db "$out.shard{}-of-$n" --out "$scratch" --format json '>' "$scratch/shard{}.json" \
  ::: $(seq 1 "$n")
shards=()
for k in $(seq 1 "$n"); do shards+=("$out.shard$k-of-$n"); done
"$tf2sim" merge "$out" "${shards[@]}"
echo "merged $n shards into $out (in $outdir); tf2sim pareto --db $out --all shows the front"
