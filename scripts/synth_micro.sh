#!/usr/bin/env bash
# synth_micro.sh: synthesise one small block with yosys (synth_xilinx -flatten, as scripts/synth.sh
# does for the whole unit) and append its DSP/BRAM/LUTRAM/FF/LUT counts to a CSV. The rows pin
# down how yosys maps one multiply and one memory (dse/resources/xilinx_map.c models them).
#
# usage: scripts/synth_micro.sh [--family xcup|xc7] [--out FILE] BLOCK NAME=VALUE ...
#        scripts/synth_micro.sh [--out FILE] --list FILE   (lines: family BLOCK NAME=VALUE ...;
#                               '#' comments; lines whose row is already in --out are skipped)
#   mul     AW BW YW AS BS   y = a*b registered; AS/BS 1 = signed, 0 = unsigned; one signed and one
#                            unsigned operand is written as rtl/pe_array.v does: $signed({1'b0, u})
#   filter  SIMD WBITS WDEPTH  rtl/filter_loader.v with PE=1: one SIMD*WBITS x 2*WDEPTH memory
#   feature CMAX ABITS PDEPTH [LANES LIN]  rtl/feature_loader.v, configuration tied to constants
#                            as rtl/compute_unit_fixed.v does: one CMAX*ABITS x PDEPTH memory, and
#                            the fold offset fold * (LIN*ABITS) (a DSP for some shapes; LIN <=
#                            LANES lanes in use; LANES defaults to CMAX: one fold, no multiply)
#   adder   NFD [NFW]        rtl/adder.v with PE=1: inc_mem and bias_mem, 32 x NFD each, and the
#                            32x32 -> 64-bit BN multiply
# Default --out: configs/resources/yosys_micro.csv. Columns: block, family, params (NAME=VALUE
# separated by spaces), the multiply in the block (aw,as,bw,bs,yw; 0 if none), the memories in the
# block (nmem of width x depth; 0 if none), then dsp, bram18 (RAMB18 + 2 x RAMB36), lutram, ff, lut
# (LUT1..LUT6, without LUTRAM), seconds. Counted as scripts/synth.sh counts them.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
family=xcup
out=$here/configs/resources/yosys_micro.csv
list=""
while [ $# -gt 0 ]; do
  case "$1" in
    --family) family=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --list) list=$2; shift 2 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) break ;;
  esac
done
command -v yosys >/dev/null || { echo "synth_micro.sh: yosys not found" >&2; exit 2; }
header="block,family,params,aw,as,bw,bs,yw,nmem,width,depth,dsp,bram18,lutram,ff,lut,seconds"

if [ -n "$list" ]; then
  [ -r "$list" ] || { echo "synth_micro.sh: cannot read $list" >&2; exit 2; }
  grep -v '^[[:space:]]*\(#\|$\)' "$list" | while read -r fam blk args; do
    # shellcheck disable=SC2086,SC2116 # spaces squeezed as in the params column
    key="$blk,$fam,$(echo $args)"
    if [ -s "$out" ] && grep -qF -- "$key," "$out"; then continue; fi
    # shellcheck disable=SC2086
    "$0" --family "$fam" --out "$out" "$blk" $args < /dev/null
  done
  exit 0
fi

case "$family" in xcup|xc7) ;; *) echo "synth_micro.sh: --family must be xcup or xc7" >&2; exit 2 ;; esac
[ $# -ge 1 ] || { echo "synth_micro.sh: no block given (try --help)" >&2; exit 2; }
block=$1; shift
declare -A P=()
params=""
for a in "$@"; do
  case "$a" in
    *=*) k=${a%%=*}; v=${a#*=}
         case "$v" in (*[!0-9]*|'') echo "synth_micro.sh: $k must be a whole number (got '$v')" >&2; exit 2 ;; esac
         P[$k]=$v; params="$params $k=$v" ;;
    *) echo "synth_micro.sh: bad argument '$a'" >&2; exit 2 ;;
  esac
done
params=${params# }
need() { for k in "$@"; do [ -n "${P[$k]+x}" ] || { echo "synth_micro.sh: $block needs $k=" >&2; exit 2; }; done; }
clog2() { local v=$(( $1 - 1 )) n=0; while [ "$v" -gt 0 ]; do n=$((n + 1)); v=$((v >> 1)); done; echo $n; }
max1() { if [ "$1" -lt 1 ]; then echo 1; else echo "$1"; fi; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rtl=$here/rtl
aw=0 as=0 bw=0 bs=0 yw=0 nmem=0 width=0 depth=0
case "$block" in
  mul)
    need AW BW YW AS BS
    aw=${P[AW]} bw=${P[BW]} yw=${P[YW]} as=${P[AS]} bs=${P[BS]}
    # shellcheck disable=SC2016 # Verilog text
    if [ "$as" = 1 ] && [ "$bs" = 1 ]; then expr='$signed(a) * $signed(b)'
    elif [ "$as" = 1 ]; then expr="\$signed(a) * \$signed({1'b0, b})"
    elif [ "$bs" = 1 ]; then expr="\$signed({1'b0, a}) * \$signed(b)"
    else expr='a * b'; fi
    cat > "$tmp/top.v" <<V
module micro_top (input wire clk, input wire [$((aw - 1)):0] a, input wire [$((bw - 1)):0] b,
                  output reg [$((yw - 1)):0] y);
    wire [$((yw - 1)):0] p = $expr;
    always @(posedge clk) y <= p;
endmodule
V
    read="read_verilog $tmp/top.v"; top=micro_top; chp="" ;;
  filter)
    need SIMD WBITS WDEPTH
    waw=$(max1 "$(clog2 "${P[WDEPTH]}")")
    nmem=1 width=$((P[SIMD] * P[WBITS])) depth=$((2 * P[WDEPTH]))
    read="read_verilog -defer $rtl/filter_loader.v"; top=filter_loader
    chp="chparam -set PE 1 -set SIMD ${P[SIMD]} -set WBITS ${P[WBITS]} -set WAW $waw"
    chp="$chp -set WDEPTH ${P[WDEPTH]} filter_loader" ;;
  feature)
    need CMAX ABITS PDEPTH
    lanes=${P[LANES]:-${P[CMAX]}} lin=${P[LIN]:-${P[LANES]:-${P[CMAX]}}}
    paw=$(max1 "$(clog2 "${P[PDEPTH]}")")
    cfw=$(max1 "$(clog2 $(( (P[CMAX] + lin - 1) / lin )))")
    bow=$(( $(clog2 $((P[CMAX] * P[ABITS]))) + 1 ))
    ABITS=${P[ABITS]}
    nmem=1 width=$((P[CMAX] * ABITS)) depth=${P[PDEPTH]} linbits=$((lin * ABITS))
    # the configuration ports tied to constants, as in rtl/compute_unit_fixed.v
    cat > "$tmp/top.v" <<V
module micro_top (input wire clk, input wire rst, input wire start, input wire in_valid,
    output wire in_ready, input wire [$((width - 1)):0] in_data, input wire [31:0] low_pix,
    input wire rd_en, input wire rd_valid, input wire rd_pad, input wire [$((paw - 1)):0] rd_addr,
    input wire [$((cfw - 1)):0] rd_fold, output wire out_valid,
    output wire [$((lanes * ABITS - 1)):0] out_data, output wire [15:0] rows_done);
    feature_loader #(.LANES($lanes), .ABITS(${P[ABITS]}), .CMAX(${P[CMAX]}), .PAW($paw),
                     .PDEPTH(${P[PDEPTH]}), .CFW($cfw), .BOW($bow)) u (
        .clk(clk), .rst(rst), .start(start), .cfg_h(16'd64), .cfg_w(16'd64),
        .cfg_p(${P[PDEPTH]}), .cfg_linbits($linbits),
        .in_valid(in_valid), .in_ready(in_ready), .in_data(in_data), .rows_done(rows_done),
        .low_pix(low_pix), .rd_en(rd_en), .rd_valid(rd_valid), .rd_pad(rd_pad), .rd_addr(rd_addr),
        .rd_fold(rd_fold), .out_valid(out_valid), .out_data(out_data));
endmodule
V
    read="read_verilog -defer $tmp/top.v $rtl/feature_loader.v"; top=micro_top; chp="" ;;
  adder)
    need NFD
    nfw=${P[NFW]:-$(max1 "$(clog2 "${P[NFD]}")")}
    nmem=2 width=32 depth=${P[NFD]}
    aw=32 as=1 bw=32 bs=1 yw=64
    read="read_verilog -defer $rtl/adder.v"; top=adder
    chp="chparam -set PE 1 -set NFW $nfw -set NFD ${P[NFD]} -set ACCW 32 adder" ;;
  *) echo "synth_micro.sh: unknown block '$block' (mul, filter, feature, adder)" >&2; exit 2 ;;
esac

cat > "$tmp/run.ys" <<YS
$read
$chp
hierarchy -check -top $top
synth_xilinx -family $family -flatten
tee -o $tmp/stat.txt stat
YS
t0=$(date +%s.%N)
if ! yosys -q -l "$tmp/log.txt" "$tmp/run.ys" >/dev/null 2>"$tmp/err.txt"; then
  echo "synth_micro.sh: yosys failed:" >&2; tail -20 "$tmp/log.txt" >&2; exit 1
fi
t1=$(date +%s.%N)
secs=$(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}')
cnt() { awk -v pat="$1" '$1 ~ pat {s += $2} END {print s+0}' "$tmp/stat.txt"; }
dsp=$(cnt '^DSP48E[12]$')
b18=$(cnt '^RAMB18(E1|E2)?$')
b36=$(cnt '^RAMB36(E1|E2)?$')
lut=$(cnt '^LUT[1-6]$')
lutram=$(cnt '^RAM(32|64|128|256)[MX]|^RAM(16|32|64|128|256)X1[SD]|^RAM32M16')
ff=$(cnt '^FD[A-Z]*$')
[ -s "$out" ] || echo "$header" > "$out"
row="$block,$family,$params,$aw,$as,$bw,$bs,$yw,$nmem,$width,$depth,$dsp,$((b18 + 2 * b36)),$lutram,$ff,$lut,$secs"
echo "$row" >> "$out"
echo "$row"
