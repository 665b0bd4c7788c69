#!/usr/bin/env bash
# synth_sweep.sh: re-create rtl/synth_results.csv from the default parameter list below
# (each row is one scripts/synth.sh run). usage: scripts/synth_sweep.sh [--out FILE]
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
out=$here/rtl/synth_results.csv
[ "${1:-}" = "--out" ] && out=$2
rm -f "$out"
while read -r fam args; do
  [ -z "$fam" ] && continue
  case "$fam" in \#*) continue ;; esac
  "$here/scripts/synth.sh" --family "$fam" --out "$out" $args
done <<'LIST'
xcup PE=2 SIMD=4 WBITS=4 ABITS=4 K=3
xcup PE=4 SIMD=8 WBITS=4 ABITS=4 K=3
xcup PE=4 SIMD=8 WBITS=4 ABITS=4 K=3 PACK=1
xcup PE=8 SIMD=8 WBITS=4 ABITS=4 K=3
xcup PE=8 SIMD=8 WBITS=4 ABITS=4 K=3 PACK=1
xcup PE=4 SIMD=8 WBITS=2 ABITS=2 K=3
xcup PE=4 SIMD=8 WBITS=8 ABITS=8 K=3
xcup PE=4 SIMD=8 WBITS=8 ABITS=8 K=3 PACK=1
xcup PE=4 SIMD=8 WBITS=8 ABITS=8 K=3 MODE=1
xcup PE=4 SIMD=16 WBITS=4 ABITS=4 K=1 CIN=64 COUT=64 H=16 W=16
xcup PE=4 SIMD=4 WBITS=4 ABITS=4 K=5 CIN=16 COUT=16
xcup PE=4 SIMD=1 WBITS=4 ABITS=4 K=3 DW=1 CIN=32 COUT=32
xcup PE=2 SIMD=4 WBITS=4 ABITS=4 K=3 CIN=64 COUT=64 H=10 W=20
xcup PE=4 SIMD=8 WBITS=4 ABITS=4 K=3 STRIDE=2
xc7 PE=2 SIMD=4 WBITS=4 ABITS=4 K=3
xc7 PE=4 SIMD=8 WBITS=4 ABITS=4 K=3
xc7 PE=4 SIMD=8 WBITS=4 ABITS=4 K=3 PACK=1
xc7 PE=4 SIMD=8 WBITS=8 ABITS=8 K=3
LIST
echo "wrote $out"
