#!/usr/bin/env bash
# Opt-in (TF2SIM_OPTIN=all or a list with ultranet_rtl; ctest label optin): full UltraNet,
# BJUT folding, iSmart 4-bit weights, generated and verilated whole. The last layer's outputs
# equal the C integer model's for 2 frames at the fold's FIFO depth (128) and at depth 4, and
# the boxes decoded from the RTL's outputs equal the FPGA's for three DAC-SDC images. The
# cycle comparison is printed (not yet exact: rtl/README.md, Generated designs).
set -euo pipefail
tf2sim=$1
case ",${TF2SIM_OPTIN:-}," in *,all,*|*,ultranet_rtl,*) ;; *) echo "opt-in: TF2SIM_OPTIN=ultranet_rtl"; exit 77 ;; esac
shared=${TF2SIM_SHARED:?}
export TF2SIM_RTL_CACHE=${TF2SIM_RTL_CACHE:-$(mktemp -d)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
w=$shared/data/ultranet-ismart/weight_4a4w
mkdir img && cp "$shared"/data/dacsdc-sample200/images/{0,5,10}.jpg img/
for depth in 128 4; do
  rc=0
  "$tf2sim" regress --net ultranet --fold ultranet_bjut --weights "$w" --frames 2 --fifo-depth $depth \
    --format json > d$depth.json || rc=$?
  test $rc -le 1
  python3 - d$depth.json <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["outputs_equal"] is True and j["frames"] == 2, (j["mismatches"], j["frames"])
print("%s: outputs equal (36x10x20 x 2 frames); interval C %d RTL %d, latency C %d RTL %d; RTL %.1f s, C %.3f s" % (
      sys.argv[1], j["c"]["interval_cycles"], j["rtl"]["interval_cycles"], j["c"]["latency_cycles"],
      j["rtl"]["latency_cycles"], j["rtl"]["seconds"], j["c"]["seconds"]))
PY
done
rc=0
"$tf2sim" regress --net ultranet --fold ultranet_bjut --weights "$w" --images img \
  --fpga-boxes "$shared/data/ultranet-ismart/fpga_boxes/bbox_PL_1000_sample_4a4w.txt" --format json > boxes.json || rc=$?
test $rc -le 1
python3 - <<'PY'
import json
j = json.load(open("boxes.json"))
assert j["outputs_equal"] is True and len(j["boxes"]) == 3 and j["boxes_equal_fpga"] == 3, j.get("boxes")
for b in j["boxes"]:
    print("%s: RTL %s FPGA %s" % (b["image"], b["rtl"], b["fpga"]))
PY
echo "ultranet_rtl: ok"
