#!/usr/bin/env bash
# Sets up, builds and runs the whole test suite with ctest (what CI runs).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
ctest --test-dir "${TF2SIM_BUILD:-$root/build}" --output-on-failure -j"$(nproc)"
