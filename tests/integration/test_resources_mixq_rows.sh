#!/usr/bin/env bash
# mixq-hls against GEN's vendor-synthesised operators (issue 13): `tf2sim resources --target mixq-hls`
# builds a one-conv net (plus its fused pool) of every row of ../shared/data/mixq-vivado with the
# row's fields in the fold, and reports dsp, bram18, lut, ff and period_ns per layer and in total;
# `tf2sim calibrate --target mixq-hls --report --format json` gives the held-out errors beside the
# baseline's. Under ASan (TF2SIM_ASAN=1) every 20th row only.
set -euo pipefail
tf2sim=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=$(cd "$(dirname "$0")/../.." && pwd)
shared=${TF2SIM_SHARED:-$src/../shared}
data=$shared/data/mixq-vivado/operators.tsv
if [ ! -r "$data" ]; then
    echo "no $data: skipped"
    exit 77
fi
step=1
[ "${TF2SIM_ASAN:-}" = 1 ] && step=20
cd "$work"

# one net and fold file per row, the fold carrying GEN's fields
python3 - "$data" "$step" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter="\t"))[:: int(sys.argv[2])]
with open("ids", "w") as ids:
    for r in rows:
        v = {k: (int(float(x)) if k not in ("opt_type",) else x) for k, x in r.items() if k not in ("t_mul", "achieved_period_ns", "target_period_ns")}
        name = f"op{v['id']}"
        layers = [{"name": "conv", "op": "conv", "cout": v["out_ch"], "k": v["k"], "pad": (v["k"] - 1) // 2,
                   "wbits": v["w_bit"], "abits": v["in_bit"], "bn": True, "relu": True}]
        if v["max_pool"]:
            layers.append({"name": "pool", "op": "maxpool", "k": 2})
        json.dump({"name": name, "input": {"c": v["in_ch"], "h": v["in_h"], "w": v["in_w"], "bits": 8},
                   "layers": layers}, open(f"{name}.json", "w"))
        json.dump({"net": name, "target": "mixq-hls", "layers": [{
            "name": "conv", "simd": v["simd"], "pe": v["pe"], "schedule": "kp" if v["opt_type"] == "KP_Opt" else "fp",
            "kp": v["kp"], "np": v["np"], "kpf": v["kpf"], "actp": v["actp"], "in_pe": v["in_pe"],
            "guard_bits": v["guard_bit"], "obits": v["out_bit"], "inc_bits": v["inc_bit"], "bias_bits": v["bias_bit"],
            "pack_flag": bool(v["pack_flag"])}]}, open(f"{name}_fold.json", "w"))
        print(v["id"], file=ids)
PY
n=0
while read -r id; do
    "$tf2sim" resources --net "op$id.json" --fold "op${id}_fold.json" --target mixq-hls --format json > "r$id.json" \
        || { echo "row $id refused"; exit 1; }
    n=$((n + 1))
done < ids
python3 - <<'PY'
import json
ids = [int(x) for x in open("ids")]
for i in ids:
    d = json.load(open(f"r{i}.json"))
    assert d["target"] == "mixq-hls", d
    t = d["total"]
    for k in ("dsp", "bram18", "lut", "ff", "period_ns"):
        assert k in t and t[k] is not None, (i, k, t)
    assert t["dsp"] > 0 and t["bram18"] > 0 and t["lut"] > 0 and t["ff"] > 0, (i, t)
    conv = d["layers"][0]
    assert 1.5 < conv["period_ns"] < 12, (i, conv)
    # the total's period is the slowest layer's
    assert t["period_ns"] == max(l["period_ns"] for l in d["layers"] if l["period_ns"] is not None), (i, d)
print(f"{len(ids)} operators built")
PY
echo "rows: $n"

"$tf2sim" calibrate --target mixq-hls --report --format json > rep.json
python3 - <<'PY'
import json
rep = json.load(open("rep.json"))
assert rep["target"] == "mixq-hls" and rep["dataset_rows"] == 800 and rep["rows"] == 201, rep["rows"]
b = rep["baseline"]
for k in ("dsp_mape", "bram_mape", "lut_mape", "ff_mape", "period_mae_ns"):
    assert rep[k] < b[k], (k, rep[k], b[k])
for k in ("dsp_exact", "bram_exact"):
    assert int(rep[k].split("/")[0]) > int(b[k].split("/")[0]), (k, rep[k], b[k])
assert len(rep["heldout"]) == 201
PY
# a coefficient file that is not one: one line naming the file
printf '{"coefficients": {}}\n' > bad.json
if "$tf2sim" calibrate --target mixq-hls --coeffs bad.json 2> err; then echo "bad coeffs accepted"; exit 1; fi
[ "$(wc -l < err)" -eq 1 ] && grep -q "bad.json" err && grep -q "rom_bram" err
if "$tf2sim" calibrate --target vivado 2> err; then echo "bad target accepted"; exit 1; fi
grep -q "not one of rtl, mixq-hls" err
echo OK
