#!/usr/bin/env bash
# synth_design.sh: synthesise a generated dataflow design (tf2sim generate --out DIR) with yosys.
#
# usage: scripts/synth_design.sh DIR [--family xcup|xc7] [--timeout SECONDS]
#   Runs synth_xilinx -family F -flatten on DIR/dataflow_top.v and the rtl/ blocks copied beside
#   it (in DIR, so that $readmemh finds the ROM files), and writes DIR/synth_stat.txt (yosys' stat)
#   and DIR/synth_counts.csv: family, dsp, bram18 (RAMB18 + 2 x RAMB36), uram, lut (LUT1..LUT6 +
#   LUTRAM), lutram, ff, carry, srl, cells, yosys version, seconds. Prints the row.
#   --timeout: give up after that many seconds (default 7200), exit 124.
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,10p' "$0"; exit 2; }
case "$1" in -h|--help) sed -n '2,10p' "$0"; exit 0 ;; esac
dir=$1; shift
family=xcup
timeout_s=7200
while [ $# -gt 0 ]; do
  case "$1" in
    --family) family=$2; shift 2 ;;
    --timeout) timeout_s=$2; shift 2 ;;
    *) echo "synth_design.sh: bad argument '$1' (try --help)" >&2; exit 2 ;;
  esac
done
case "$family" in xcup|xc7) ;; *) echo "synth_design.sh: --family must be xcup or xc7" >&2; exit 2 ;; esac
[ -f "$dir/dataflow_top.v" ] || { echo "synth_design.sh: $dir/dataflow_top.v: no such file (run tf2sim generate --out $dir)" >&2; exit 2; }
command -v yosys >/dev/null || { echo "synth_design.sh: yosys not found" >&2; exit 2; }
cd "$dir"
cat > synth.ys <<YS
read_verilog -defer dataflow_top.v layer_unit.v compute_unit_fixed.v compute_unit.v scheduler.v feature_loader.v filter_loader.v pe_array.v adder.v maxpool.v fifo.v
hierarchy -check -top dataflow_top
synth_xilinx -family $family -flatten
tee -o synth_stat.txt stat
YS
t0=$(date +%s.%N)
set +e
timeout "$timeout_s" yosys -q -l synth_log.txt synth.ys > /dev/null 2> synth_err.txt
rc=$?
set -e
if [ $rc -eq 124 ]; then echo "synth_design.sh: yosys timed out after $timeout_s s" >&2; exit 124; fi
if [ $rc -ne 0 ]; then echo "synth_design.sh: yosys failed:" >&2; tail -20 synth_log.txt >&2; exit 1; fi
t1=$(date +%s.%N)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')
cnt() { awk -v pat="$1" '$1 ~ pat {s += $2} END {print s+0}' synth_stat.txt; }
dsp=$(cnt '^DSP48E[12]$')
b18=$(cnt '^RAMB18(E1|E2)?$')
b36=$(cnt '^RAMB36(E1|E2)?$')
uram=$(cnt '^URAM288')
lut=$(cnt '^LUT[1-6]$')
lutram=$(cnt '^RAM(32|64|128|256)[MX]|^RAM(16|32|64|128|256)X1[SD]|^RAM32M16')
ff=$(cnt '^FD[A-Z]*$')
carry=$(cnt '^CARRY[48]$')
srl=$(cnt '^SRL')
cells=$(awk '/Number of cells:/ {print $4; exit}' synth_stat.txt)
ver=$(yosys -V | awk '{print $2}')
row="$family,$dsp,$((b18 + 2 * b36)),$uram,$((lut + lutram)),$lutram,$ff,$carry,$srl,$cells,$ver,$secs"
echo "family,dsp,bram18,uram,lut,lutram,ff,carry,srl,cells,yosys,seconds" > synth_counts.csv
echo "$row" >> synth_counts.csv
echo "$row"
