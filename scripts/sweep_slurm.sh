#!/usr/bin/env bash
# Submits one sweep as a Slurm job array of N shards plus a merge job that runs after all
# of them succeed.
#   scripts/sweep_slurm.sh N OUT.db [sweep arguments...]
# e.g. scripts/sweep_slurm.sh 64 results.db --net skynet --dsp 360
# Shard k writes OUT.db.shardK-of-N; a failed or pre-empted task can be resubmitted
# (a sweep resumes its unfinished run) and the merge is idempotent.
# Options for sbatch (partition, account, time) come from SBATCH_* environment variables
# or are added to the two sbatch lines below.
set -euo pipefail
if [ $# -lt 3 ]; then
  echo "usage: $0 N OUT.db SWEEP-ARGS..." >&2
  exit 2
fi
n=$1 out=$2
shift 2
case $n in ''|*[!0-9]*) echo "sweep_slurm: N must be a whole number >= 1 (got '$n')" >&2; exit 2;; esac
command -v sbatch >/dev/null || { echo "sweep_slurm: sbatch not found (run on a Slurm login node)" >&2; exit 2; }
root=$(cd "$(dirname "$0")/.." && pwd)
tf2sim=${TF2SIM:-${TF2SIM_BUILD:-$root/build}/tf2sim}
out=$(realpath -m "$out")
[ -x "$tf2sim" ] || { echo "sweep_slurm: $tf2sim not found (build first, or set TF2SIM)" >&2; exit 2; }
args=$(printf '%q ' "$@")
logs="$(dirname "$out")/slurm-logs"
mkdir -p "$logs"
# The job scripts are shell lines: every path is quoted (%q) so spaces survive.
qt=$(printf '%q' "$tf2sim") qo=$(printf '%q' "$out") ql=$(printf '%q' "$logs")

array_id=$(sbatch --parsable --array=1-"$n" --cpus-per-task=1 --job-name=tf2sim-sweep \
  --output="$logs/shard-%a.out" --wrap \
  "$qt sweep $args --shard \${SLURM_ARRAY_TASK_ID}/$n --db $qo.shard\${SLURM_ARRAY_TASK_ID}-of-$n --out $ql --format json")
array_id=${array_id%%;*}   # --parsable prints "id;cluster" on multi-cluster setups
shards=""
for k in $(seq 1 "$n"); do shards="$shards $(printf '%q' "$out.shard$k-of-$n")"; done
merge_id=$(sbatch --parsable --dependency=afterok:"$array_id" --job-name=tf2sim-merge \
  --output="$logs/merge.out" --wrap "$qt merge $qo $shards")
merge_id=${merge_id%%;*}
echo "submitted shards as job array $array_id and the merge as job $merge_id; logs in $logs"
