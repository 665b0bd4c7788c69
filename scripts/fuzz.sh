#!/usr/bin/env bash
# Fuzzes the parsers with libFuzzer (Debian clang + libclang-rt), each target for a given
# time, and prints a table. Crashes are written to tests/fuzz/regressions/<target>/, where
# the fuzz_replay_<target> ctest runs them from then on: fix the bug, commit the file.
#   scripts/fuzz.sh [SECONDS-PER-TARGET] [TARGET...]     (default 60 s, all targets)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-60}
shift || true
build=${TF2SIM_FUZZ_BUILD:-$root/build-fuzz}
command -v clang >/dev/null || { echo "fuzz: clang is missing (apt-get install clang libclang-rt-14-dev)" >&2; exit 2; }
CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTF2SIM_FUZZ=ON \
  -DTF2SIM_RTL=OFF >/dev/null
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  for f in "$root"/tests/fuzz/fuzz_*.c; do t=$(basename "$f" .c); targets+=("${t#fuzz_}"); done
fi
for t in "${targets[@]}"; do cmake --build "$build" -j"$(nproc)" --target "fuzz_$t" >/dev/null; done

export TF2SIM_CONFIGS=$root/configs TF2SIM_SHARED=$root/../shared
printf '%-8s %8s %14s %10s %8s\n' target seconds executions exec/s crashes
total_exec=0 total_crash=0
for t in "${targets[@]}"; do
  corpus=$build/corpus/$t
  regress=$root/tests/fuzz/regressions/$t
  mkdir -p "$corpus" "$regress"
  # Seeds: the same folders the replay test uses.
  case $t in
    net) seeds=("$root/configs/nets" "$root/tests/fuzz/corpus/net") ;;
    device) seeds=("$root/configs/devices") ;;
    fold) seeds=("$root/configs/folds" "$root/tests/fuzz/corpus/fold") ;;
    *) seeds=("$root/tests/fuzz/corpus/$t") ;;
  esac
  for s in "${seeds[@]}"; do [ -d "$s" ] && cp -n "$s"/* "$corpus"/ 2>/dev/null || true; done
  before=$(find "$regress" -type f ! -name .keep | wc -l)
  log=$build/fuzz_$t.log
  "$build/tests/fuzz_$t" "$corpus" -max_total_time="$secs" -print_final_stats=1 -max_len=65536 \
    -artifact_prefix="$regress/" -close_fd_mask=3 > "$log" 2>&1 || true
  after=$(find "$regress" -type f ! -name .keep | wc -l)
  execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -oE '[0-9]+$' || echo 0)
  crashes=$((after - before))
  printf '%-8s %8s %14s %10s %8s\n' "$t" "$secs" "$execs" "$((execs / (secs > 0 ? secs : 1)))" "$crashes"
  total_exec=$((total_exec + execs))
  total_crash=$((total_crash + crashes))
done
printf '%-8s %8s %14s %10s %8s\n' total "" "$total_exec" "" "$total_crash"
[ "$total_crash" -eq 0 ] || { echo "new crashes in tests/fuzz/regressions/: see $build/fuzz_*.log" >&2; exit 1; }
