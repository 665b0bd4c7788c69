#!/usr/bin/env bash
# tf2sim sim on bad input: one line on stderr naming the file/field/layer and what is
# allowed, exit code 2 — a folding that does not divide its layer, FIFO depth 0, a net
# the engine cannot run, bad options.
set -euo pipefail
tf2sim=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

expect_fail() { # expect_fail PATTERN ARGS...
  local pat=$1; shift
  set +e
  "$tf2sim" sim "$@" --db none > out.txt 2> err.txt
  local rc=$?
  set -e
  if [ "$rc" -ne 2 ]; then echo "FAIL: tf2sim sim $* exited $rc (want 2)"; cat err.txt; exit 1; fi
  if [ "$(wc -l < err.txt)" -ne 1 ]; then echo "FAIL: tf2sim sim $*: not one line:"; cat err.txt; exit 1; fi
  if ! grep -q -- "$pat" err.txt; then echo "FAIL: tf2sim sim $*: no '$pat' in:"; cat err.txt; exit 1; fi
  [ -s out.txt ] && { echo "FAIL: tf2sim sim $* printed on stdout"; exit 1; }
  return 0
}

# a folding that does not divide its layer (SIMD 5 of conv1's K*Cin = 48), with file:line:col
sed 's/{"name": "conv1", "simd": 16, "pe": 8/{"name": "conv1", "simd": 5, "pe": 8/' \
  "$TF2SIM_CONFIGS/folds/ultranet_bjut.json" > bad_simd.json
expect_fail 'bad_simd.json:[0-9]*:[0-9]*: .*layer conv1: simd 5 must divide K\*Cin/groups = 48' \
  --net ultranet --fold bad_simd.json
sed 's/{"name": "conv2", "simd": 16, "pe": 8/{"name": "conv2", "simd": 16, "pe": 7/' \
  "$TF2SIM_CONFIGS/folds/ultranet_bjut.json" > bad_pe.json
expect_fail 'layer conv2: pe 7 must divide Cout = 64' --net ultranet --fold bad_pe.json
# DSP6 on a 1x1 layer
sed 's/{"name": "conv8", "simd": 4, "pe": 2, "schedule": "mvau"/{"name": "conv8", "simd": 4, "pe": 2, "schedule": "dsp6"/' \
  "$TF2SIM_CONFIGS/folds/ultranet_ismart.json" > bad_sched.json
expect_fail 'layer conv8: schedule dsp6 needs a 3x3 stride-1' --net ultranet --fold bad_sched.json

# FIFO depth 0, on the command line and in a fold file
expect_fail '--fifo-depth: must be 1\.\.' --net ultranet --fold ultranet_bjut --fifo-depth 0
sed 's/"fifo_depth": 128/"fifo_depth": 0/' "$TF2SIM_CONFIGS/folds/ultranet_bjut.json" > fifo0.json
expect_fail 'fifo0.json:[0-9]*:[0-9]*: fifo_depth' --net ultranet --fold fifo0.json

# nets the engine cannot run: which layer and why
expect_fail 'layer conv1: conv stride 4' --net alexnet --arch engine
expect_fail 'layer reorg: reorg' --net ultranet_bypass --arch engine

# bad options and names
expect_fail "--arch: 'systolic' is not one of engine, dataflow" --net ultranet --arch systolic
expect_fail '--frames: must be 1\.\.1000' --net ultranet --frames 0
expect_fail 'fold is for net' --net skynet --fold ultranet_bjut
expect_fail 'engine' --net resnet50 --arch engine --engine no_such_engine
expect_fail 'is a dataflow design but --arch is engine' --net ultranet --arch engine --fold ultranet_bjut
expect_fail '--trace-window' --net ultranet --fold ultranet_bjut --trace-window 5:1
expect_fail '--fold auto searches dataflow foldings' --net resnet50 --arch engine --fold auto
expect_fail "--format: 'xml' is not one of table, json, csv" --net ultranet --fold ultranet_bjut --format xml
expect_fail "unknown fold 'nosuch'" --net ultranet --fold nosuch
expect_fail '--trace: cannot write' --net ultranet --fold ultranet_bjut --trace /no/such/dir/t.vcd
echo "test_sim_errors: ok"
