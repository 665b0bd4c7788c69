#!/usr/bin/env bash
# Configures and builds tf2sim (Release) into build/ at the project root.
# Extra arguments go to cmake's configure step (e.g. -DTF2SIM_SANITIZE=ON).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TF2SIM_BUILD:-$root/build}
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build "$build" -j"$(nproc)"
