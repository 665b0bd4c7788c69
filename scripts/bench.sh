#!/usr/bin/env bash
# Runs every benchmark (build/benchmarks/bench_*) and times the main sweeps; prints tables.
# Speed targets live here, not in the tests. Record notable results in benchmarks/RESULTS.md.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TF2SIM_BUILD:-$root/build}
"$root/scripts/build.sh" >/dev/null

for b in "$build"/benchmarks/bench_*; do
  [ -x "$b" ] || continue
  echo "== $(basename "$b")"
  "$b"
  echo
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "== sweep wall time (default strategy: frontier + greedy + anneal, cycle-level re-check of the top 3; fresh DB, best of 3)"
python3 - "$build/tf2sim" "$work" <<'PY'
import json, os, subprocess, sys, time
tf2sim, work = sys.argv[1], sys.argv[2]
print("%-46s %9s %9s %11s" % ("command", "seconds", "designs", "designs/s"))
for args in ("--net ultranet --dsp 360", "--net ultranet --dsp 360 --target rtl",
             "--net skynet --device zcu102 --dsp 360", "--net ultranet_bypass --dsp 360",
             "--net resnet50 --arch engine --device f10a", "--net googlenet_tf2 --arch engine --device f10a"):
    best = None
    for _ in range(3):
        for f in os.listdir(work):
            os.unlink(os.path.join(work, f))
        t0 = time.perf_counter()
        out = subprocess.run([tf2sim, "sweep", *args.split(), "--db", work + "/r.db", "--out", work,
                              "--format", "json"], check=True, capture_output=True, text=True).stdout
        t = time.perf_counter() - t0
        best = t if best is None else min(best, t)
    n = json.loads(out)["designs_evaluated"]
    print("%-46s %9.3f %9d %11.0f" % ("sweep " + args, best, n, n / best))
PY
echo
echo "== resource model calibration (tf2sim calibrate --fit on configs/resources/yosys_rtl.csv, best of 3)"
python3 - "$build/tf2sim" "$work" <<'PY'
import subprocess, sys, time
tf2sim, work = sys.argv[1], sys.argv[2]
best = min(
    (lambda t0: (subprocess.run([tf2sim, "calibrate", "--fit", "--coeffs", work + "/fit.json"], check=True,
                                capture_output=True), time.perf_counter() - t0)[1])(time.perf_counter())
    for _ in range(3))
print("calibrate --fit: %.3f s" % best)
PY
echo
echo "== whole UltraNet/BJUT on Verilator vs the C cycle-level model (tf2sim regress --net, 2 frames, iSmart weights)"
python3 - "$build/tf2sim" "$root/../shared" "$build/rtl_cache" <<'PY'
import json, subprocess, sys
tf2sim, shared, cache = sys.argv[1:4]
r = subprocess.run([tf2sim, "regress", "--net", "ultranet", "--fold", "ultranet_bjut", "--weights",
                    shared + "/data/ultranet-ismart/weight_4a4w", "--frames", "2", "--cache", cache,
                    "--format", "json"], capture_output=True, text=True)
if r.returncode > 1:
    sys.exit("regress --net failed: " + r.stderr)
j = json.loads(r.stdout)
rtl_fps, c_fps = j["frames"] / j["rtl"]["seconds"], j["frames"] / j["c"]["seconds"]
print("outputs_equal %s; RTL %.3f frames/s (%.1f s, verilator build %.0f s, 0 when cached), C cycle model %.1f frames/s "
      "(%.3f s), C / RTL %.0fx; interval C %d RTL %d cycles" % (j["outputs_equal"], rtl_fps, j["rtl"]["seconds"],
      j["rtl"]["build_seconds"], c_fps, j["c"]["seconds"], c_fps / rtl_fps, j["c"]["interval_cycles"],
      j["rtl"]["interval_cycles"]))
PY
