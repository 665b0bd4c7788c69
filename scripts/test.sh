#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite with ctest (what CI runs):
#   1. Release build with the RTL, every test;
#   2. ASan + UBSan build (no RTL), every unit and integration test again
#      (the valgrind test is left to stage 1: valgrind and ASan do not mix).
# TF2SIM_SKIP_SANITIZE=1 skips stage 2 for a quick local run.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
jobs=$(nproc)
"$root/scripts/setup.sh"

echo "== stage 1: Release build, all tests"
"$root/scripts/build.sh"
ctest --test-dir "${TF2SIM_BUILD:-$root/build}" --output-on-failure -j"$jobs"

if [ "${TF2SIM_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== stage 2: ASan + UBSan build, unit and integration tests"
  asan=${TF2SIM_ASAN_BUILD:-$root/build-asan}
  TF2SIM_BUILD=$asan "$root/scripts/build.sh" -DTF2SIM_SANITIZE=ON -DTF2SIM_RTL=OFF
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir "$asan" --output-on-failure -j"$jobs" -E 'valgrind'
fi
