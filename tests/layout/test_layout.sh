#!/usr/bin/env bash
# The source layout check (scripts/check_includes.py) passes on the tree and fails on planted
# violations: an include against the direction, a bare include of another folder's header,
# a folder without a rule, a source file outside a concern folder.
set -euo pipefail
src=${TF2SIM_SRC:?TF2SIM_SRC must name the checkout}
check="python3 $src/scripts/check_includes.py"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

$check "$src"

plant() { # plant NAME: copy the tree's layout, let the caller break it, expect the check to fail
  rm -rf "$work/t"; mkdir -p "$work/t/tests"
  cp -r "$src/sim" "$src/dse" "$work/t/"; cp -r "$src/tests/layout" "$work/t/tests/"
}
expect_violation() { # expect_violation PATTERN
  set +e; $check "$work/t" > "$work/out" 2>&1; rc=$?; set -e
  if [ "$rc" -eq 0 ]; then echo "FAIL: check passed a tree with: $1"; exit 1; fi
  grep -q -- "$1" "$work/out" || { echo "FAIL: no '$1' in:"; cat "$work/out"; exit 1; }
}

plant; printf '#include "search/search.h"\n' >> "$work/t/sim/blocks/fifo.c"
expect_violation 'sim/blocks/fifo.c:[0-9]*: sim/blocks may not include dse/search'
plant; printf '#include "topology/cycle.h"\n' >> "$work/t/sim/numerics/infer.c"
expect_violation 'sim/numerics may not include sim/topology'
plant; printf '#include "net.h"\n' >> "$work/t/sim/blocks/adder.c"
expect_violation 'bare "net.h" is not a header of sim/blocks'
plant; mkdir "$work/t/sim/extra"; printf '# x\n' > "$work/t/sim/extra/README.md"; : > "$work/t/sim/extra/x.c"
expect_violation 'sim/extra: no rule'
plant; : > "$work/t/dse/loose.c"
expect_violation 'dse/loose.c: source file outside a concern folder'
echo "layout: the tree passes, 5 planted violations caught"
