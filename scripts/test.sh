#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite with ctest (what CI runs):
#   1. Release build with the RTL, every test;
#   2. ASan + UBSan build (no RTL), every test but those labelled `full` (long runs, valgrind),
#      with TF2SIM_ASAN=1 (the long integration scripts run on smaller inputs) and TF2SIM_FMNIST
#      pointing at the first 500 test and 100 training images of Fashion-MNIST.
# Tests labelled `optin` are skipped (exit 77) unless TF2SIM_OPTIN is `all` or a comma list of
# their names (e.g. TF2SIM_OPTIN=slurm). TF2SIM_SKIP_SANITIZE=1 skips stage 2 for a quick local run.
# Each stage's wall time (build + tests) is printed at the end.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
"$root/scripts/setup.sh"

times=""
t0=$(date +%s)
echo "== stage 1: Release build, all tests"
"$root/scripts/build.sh"
ctest --test-dir "${TF2SIM_BUILD:-$root/build}" --output-on-failure -j"$jobs"
times="stage 1 (Release + RTL, all tests): $(( $(date +%s) - t0 )) s"

if [ "${TF2SIM_SKIP_SANITIZE:-0}" != 1 ]; then
  t0=$(date +%s)
  echo "== stage 2: ASan + UBSan build, all tests but labels full and release, small inputs (TF2SIM_ASAN=1)"
  asan=${TF2SIM_ASAN_BUILD:-$root/build-asan}
  TF2SIM_BUILD=$asan "$root/scripts/build.sh" -DTF2SIM_SANITIZE=ON -DTF2SIM_RTL=OFF
  if [ -r /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ]; then
    python3 "$root/tests/integration/fmnist_slice.py" "$asan/fmnist_slice" 500 100
    export TF2SIM_FMNIST=$asan/fmnist_slice
  fi
  TF2SIM_ASAN=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$asan" --output-on-failure -j"$jobs" -LE '^(full|release)$'
  times="$times
stage 2 (ASan + UBSan, -LE full|release): $(( $(date +%s) - t0 )) s"
fi
echo "== wall time"
echo "$times"
