#!/usr/bin/env bash
# synth.sh: synthesise the RTL compute unit with yosys and append its resource counts.
#
# usage: scripts/synth.sh [--family xcup|xc7] [--out FILE] [NAME=VALUE ...]
#   NAME is a parameter of rtl/compute_unit_fixed.v: PE SIMD WBITS ABITS K MODE PACK
#   CIN COUT H W STRIDE DW OBIT SHIFT (defaults as in that file).
#   Appends one CSV row (header written if the file is new) to FILE (default
#   configs/resources/yosys_rtl.csv, the data set scripts/synth_sweep.sh re-creates whole):
#   family, every parameter, then DSP, BRAM18 (RAMB18 + 2 x RAMB36), URAM, LUT (LUT1..LUT6 +
#   LUTRAM), LUTRAM, FF, CARRY, SRL, cell count, yosys version, seconds.
# Needs yosys (0.23 tested); runs synth_xilinx -flatten on the layer wrapper.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
family=xcup
out=$here/configs/resources/yosys_rtl.csv
declare -A P=([PE]=4 [SIMD]=8 [WBITS]=4 [ABITS]=4 [K]=3 [MODE]=0 [PACK]=0 [CIN]=32 [COUT]=32
              [H]=32 [W]=32 [STRIDE]=1 [DW]=0 [OBIT]=4 [SHIFT]=15)
ORDER="PE SIMD WBITS ABITS K MODE PACK CIN COUT H W STRIDE DW OBIT SHIFT"
while [ $# -gt 0 ]; do
  case "$1" in
    --family) family=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *=*) k=${1%%=*}; v=${1#*=}
         if [ -z "${P[$k]+x}" ]; then echo "synth.sh: unknown parameter $k (known: $ORDER)" >&2; exit 2; fi
         case "$v" in (*[!0-9]*|'') echo "synth.sh: $k must be a whole number (got '$v')" >&2; exit 2 ;; esac
         P[$k]=$v; shift ;;
    *) echo "synth.sh: bad argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
case "$family" in xcup|xc7|xcu|xc7s) ;; *) echo "synth.sh: --family must be xcup or xc7" >&2; exit 2 ;; esac
command -v yosys >/dev/null || { echo "synth.sh: yosys not found" >&2; exit 2; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chp=""
for k in $ORDER; do chp="$chp -set $k ${P[$k]}"; done
rtl=$here/rtl
cat > "$tmp/run.ys" <<YS
read_verilog -defer $rtl/compute_unit_fixed.v $rtl/compute_unit.v $rtl/scheduler.v $rtl/feature_loader.v $rtl/filter_loader.v $rtl/pe_array.v $rtl/adder.v
chparam$chp compute_unit_fixed
hierarchy -check -top compute_unit_fixed
synth_xilinx -family $family -flatten
tee -o $tmp/stat.txt stat
YS
t0=$(date +%s.%N)
if ! yosys -q -l "$tmp/log.txt" "$tmp/run.ys" >/dev/null 2>"$tmp/err.txt"; then
  echo "synth.sh: yosys failed:" >&2; tail -20 "$tmp/log.txt" >&2; exit 1
fi
t1=$(date +%s.%N)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')

# cell counts from the flattened top's stat
cnt() { awk -v pat="$1" '$1 ~ pat {s += $2} END {print s+0}' "$tmp/stat.txt"; }
dsp=$(cnt '^DSP48E[12]$')
b18=$(cnt '^RAMB18(E1|E2)?$')
b36=$(cnt '^RAMB36(E1|E2)?$')
uram=$(cnt '^URAM288')
lut=$(cnt '^LUT[1-6]$')
lutram=$(cnt '^RAM(32|64|128|256)[MX]|^RAM(16|32|64|128|256)X1[SD]|^RAM32M16')
ff=$(cnt '^FD[A-Z]*$')
carry=$(cnt '^CARRY[48]$')
srl=$(cnt '^SRL')
cells=$(awk '/Number of cells:/ {print $4; exit}' "$tmp/stat.txt")
bram18=$((b18 + 2 * b36))

if [ ! -s "$out" ]; then
  echo "family,$(echo $ORDER | tr ' ' ',' | tr 'A-Z' 'a-z'),dsp,bram18,uram,lut,lutram,ff,carry,srl,cells,yosys,seconds" > "$out"
fi
row=$family
for k in $ORDER; do row="$row,${P[$k]}"; done
ver=$(yosys -V | awk '{print $2}')
row="$row,$dsp,$bram18,$uram,$((lut + lutram)),$lutram,$ff,$carry,$srl,$cells,$ver,$secs"
echo "$row" >> "$out"
echo "$row"
