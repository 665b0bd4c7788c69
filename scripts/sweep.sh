#!/usr/bin/env bash
# Sets up, builds, and runs the main job in the current folder:
#   tf2sim sweep --net ultranet --dsp 360   (results.db and the Pareto PNGs land here)
# Any arguments replace the default sweep arguments.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
if [ $# -eq 0 ]; then set -- --net ultranet --dsp 360; fi
exec "${TF2SIM_BUILD:-$root/build}/tf2sim" sweep "$@"
