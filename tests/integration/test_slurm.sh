#!/usr/bin/env bash
# Opt-in (TF2SIM_OPTIN=slurm or all; ctest label optin): scripts/sweep_slurm.sh on a real,
# single-node Slurm started in a temporary folder. The test generates a munge key and a
# slurm.conf pointing at temp dirs (SlurmUser=root, proctrack/linuxproc, task/none, no
# accounting), starts munged, slurmctld and slurmd itself and stops them after; submits a
# 4-shard UltraNet sweep; waits for the merge job; and checks that the merged database holds
# exactly the designs (hash and every stored number) and the fps-vs-DSP front of the
# unsharded run. Needs root and Debian's Slurm and munge:
#   apt-get install --no-install-recommends slurmctld slurmd slurm-client munge
set -euo pipefail
tf2sim=$1
case ",${TF2SIM_OPTIN:-}," in *,all,*|*,slurm,*) ;; *) echo "opt-in: TF2SIM_OPTIN=slurm"; exit 77 ;; esac
for b in munged mungekey slurmctld slurmd sbatch squeue scontrol sqlite3; do
  command -v "$b" > /dev/null || {
    echo "slurm: $b not found; apt-get install --no-install-recommends slurmctld slurmd slurm-client munge sqlite3"
    exit 77
  }
done
[ "$(id -u)" = 0 ] || { echo "slurm: needs root (slurmd runs the jobs as SlurmUser=root)"; exit 77; }
src=${TF2SIM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
tf2sim=$(realpath "$tf2sim")

work=$(mktemp -d)
pids=()
stop_all() {
  for p in "${pids[@]}"; do kill "$p" 2> /dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2> /dev/null || true; done
  rm -rf "$work"
}
trap stop_all EXIT
mkdir -p "$work"/{munge,state,spool,log,run,"out dir"}
chmod 755 "$work/munge"

# munge: our own key, socket, pid, log and seed files
mungekey --create --keyfile="$work/munge/munge.key"
sock=$work/munge/munge.socket
munged --foreground --force --socket="$sock" --key-file="$work/munge/munge.key" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" --seed-file="$work/munge/seed" \
  > "$work/munge/munged.out" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || { echo "FAIL: munged did not start"; cat "$work/munge/munged.log"; exit 1; }

read -r port_ctld port_d < <(python3 -c '
import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))')
host=$(hostname -s)
export SLURM_CONF=$work/slurm.conf
cat > "$SLURM_CONF" <<CONF
ClusterName=tf2simtest
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
SlurmdUser=root
SlurmctldPort=$port_ctld
SlurmdPort=$port_d
AuthType=auth/munge
AuthInfo=socket=$sock
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/run/slurmctld.pid
SlurmdPidFile=$work/run/slurmd.pid
SlurmctldLogFile=$work/log/slurmctld.log
SlurmdLogFile=$work/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
NodeName=$host NodeAddr=127.0.0.1 CPUs=$(nproc) State=UNKNOWN
PartitionName=tf2sim Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -D -i -f "$SLURM_CONF" > "$work/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" > "$work/log/slurmd.out" 2>&1 &
pids+=($!)
logs() { tail -20 "$work"/log/*.log "$work"/log/*.out 2> /dev/null || true; }
ready=0
for _ in $(seq 100); do
  if sinfo -h -o '%T' 2> /dev/null | grep -qE '^(idle|mixed|allocated)'; then ready=1; break; fi
  sleep 0.3
done
[ "$ready" = 1 ] || { echo "FAIL: the Slurm node did not come up"; sinfo || true; logs; exit 1; }

# The 4-shard sweep through the cluster script, and the unsharded run to compare with.
args=(--net ultranet --dsp 360 --strategy frontier)
"$src/scripts/sweep_slurm.sh" 4 "$work/out dir/merged.db" "${args[@]}" | tee "$work/submit.txt"
merge_id=$(sed -n 's/.*the merge as job \([0-9]*\).*/\1/p' "$work/submit.txt")
[ -n "$merge_id" ] || { echo "FAIL: sweep_slurm.sh did not report the merge job"; exit 1; }
(cd "$work" && "$tf2sim" sweep "${args[@]}" --db "$work/ref.db" --out "$work" --format json > ref.json)

# Wait for the merge job to end (or to be stuck behind a failed shard: DependencyNeverSatisfied).
state="" reason=""
for _ in $(seq 600); do
  info=$(scontrol show job "$merge_id" 2> /dev/null || true)
  state=$(sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' <<< "$info")
  reason=$(sed -n 's/.*Reason=\([A-Za-z_]*\).*/\1/p' <<< "$info")
  case $state in COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY) break ;; esac
  [ "$reason" = DependencyNeverSatisfied ] && break
  sleep 0.5
done
if [ "$state" != COMPLETED ] || [ ! -s "$work/out dir/merged.db" ]; then
  echo "FAIL: merge job $merge_id: $state ($reason)"; squeue || true
  tail -5 "$work/out dir"/slurm-logs/*.out 2> /dev/null; logs; exit 1
fi
for k in 1 2 3 4; do
  [ -s "$work/out dir/merged.db.shard$k-of-4" ] || { echo "FAIL: shard $k wrote no database"; exit 1; }
done

fails=0
q="SELECT hash, interval_cycles, latency_cycles, fps, dsp, bram18, lut, ff, bitw, bita FROM designs ORDER BY hash"
sqlite3 "$work/ref.db" "$q" > "$work/ref.txt"
sqlite3 "$work/out dir/merged.db" "$q" > "$work/merged.txt"
if ! cmp -s "$work/ref.txt" "$work/merged.txt" || [ ! -s "$work/ref.txt" ]; then
  echo "FAIL: merged designs differ from the unsharded run's"; diff "$work/ref.txt" "$work/merged.txt" | head
  fails=$((fails + 1))
fi
lq="SELECT d.hash, l.layer_idx, l.cycles, l.dsp, l.bram18, l.simd, l.pe, l.schedule FROM layer_results l
    JOIN designs d ON d.id = l.design_id ORDER BY d.hash, l.layer_idx"
if [ "$(sqlite3 "$work/ref.db" "$lq" | md5sum)" != "$(sqlite3 "$work/out dir/merged.db" "$lq" | md5sum)" ]; then
  echo "FAIL: merged per-layer rows differ"; fails=$((fails + 1))
fi
shard_runs=$(sqlite3 "$work/out dir/merged.db" "SELECT count(*) FROM runs WHERE finished_at IS NOT NULL")
[ "$shard_runs" = 4 ] || { echo "FAIL: merged DB has $shard_runs finished runs, want the 4 shards"; fails=$((fails + 1)); }
front() { "$tf2sim" pareto --db "$1" --all --format json | python3 -c '
import json, sys; print("\n".join(sorted(r["hash"] for r in json.load(sys.stdin)["front"])))'; }
front "$work/ref.db" > "$work/ref.front"
front "$work/out dir/merged.db" > "$work/merged.front"
if ! cmp -s "$work/ref.front" "$work/merged.front"; then
  echo "FAIL: fps-vs-DSP fronts differ"; diff "$work/ref.front" "$work/merged.front" | head; fails=$((fails + 1))
fi
echo "slurm: $(wc -l < "$work/merged.txt") designs from 4 shards (jobs of array $(sed -n 's/.*job array \([0-9]*\).*/\1/p' "$work/submit.txt"), merge job $merge_id) = the unsharded run's $(wc -l < "$work/ref.txt"); front $(wc -l < "$work/ref.front") designs, equal"
[ "$fails" -eq 0 ] && echo "slurm: all checks passed"
exit "$fails"
