#!/usr/bin/env bash
# Names from outside are data: a net, layer or device name holding a path, quotes, a newline or
# gnuplot's system(...) is refused where it is read, with one line naming the file and field and
# exit 2, before anything is stored or drawn; legal names (Caffe's "fire2/squeeze1x1") still load,
# and the imported ONNX names ("/features/features.0/Conv") become safe layer names.
set -euo pipefail
tf2sim=$1
src=${TF2SIM_SRC:-$(dirname "$0")/../..}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fails=0

# Every planted file in one python run: netI.json (bad net name), layerI.json (bad layer name),
# devI.json (bad device name), slashI.json (bad layer path), good.json (legal names).
python3 - "$src" <<'PY'
import json, sys
src = sys.argv[1]
bad = ['../../../tmp/x', 'a"; system("touch /tmp/tf2sim_names_pwned"); "', 'two\nlines', "it's", '.hidden', 'a b']
slash = ['a/../b', '/abs', 'a//b', 'a/']
def net(name, layer, out):
    j = json.load(open(f'{src}/configs/nets/fmnist_cnn.json'))
    j['name'] = name
    j['layers'][0]['name'] = layer
    j['layers'][1]['inputs'] = layer
    json.dump(j, open(out, 'w'))
for i, b in enumerate(bad, 1):
    net(b, 'conv0', f'net{i}.json')
    net(f'ok{i}', b, f'layer{i}.json')
    d = json.load(open(f'{src}/configs/devices/zcu102.json'))
    d['name'] = b
    json.dump(d, open(f'dev{i}.json', 'w'))
for i, b in enumerate(slash, 1):
    net('ok', b, f'slash{i}.json')
net('my-net_v1.2+q', 'fire2/squeeze1x1', 'good.json')
PY

# refuse FILE FIELD CMD...: exit 2, one stderr line naming the file and field, no DB, no plot.
refuse() {
  local file=$1 field=$2; shift 2
  set +e
  "$tf2sim" "$@" --db names.db --out plots > out.txt 2> err.txt
  local rc=$?
  set -e
  if [ "$rc" -ne 2 ] || [ "$(wc -l < err.txt)" -ne 1 ] || ! grep -qF "$file" err.txt || ! grep -qF "$field" err.txt \
     || [ -e names.db ] || [ -n "$(ls plots 2>/dev/null)" ] || [ -e /tmp/tf2sim_names_pwned ]; then
    echo "FAIL: $* -> rc=$rc, want exit 2 naming $file and $field:"; cat err.txt
    fails=$((fails + 1))
  fi
  rm -rf names.db plots; mkdir plots
}

mkdir -p plots
for i in 1 2 3 4 5 6; do
  refuse "net$i.json" "name" sweep --net "net$i.json" --dsp 360
  refuse "layer$i.json" "layers[0].name" sweep --net "layer$i.json" --dsp 360
  refuse "dev$i.json" "name" sweep --net fmnist_cnn --dsp 360 --device "dev$i.json"
done
# Parts of a layer path must be names too.
for i in 1 2 3 4; do
  refuse "slash$i.json" "layers[0].name" sweep --net "slash$i.json" --dsp 360
done

# Legal names load; a slash inside a layer name is fine (it never becomes a path by itself).
"$tf2sim" nets good.json > /dev/null || { echo "FAIL: legal names refused"; fails=$((fails + 1)); }
"$tf2sim" nets squeezenet1_1 > /dev/null || { echo "FAIL: squeezenet1_1 (Caffe names) refused"; fails=$((fails + 1)); }

# import --name is a net name: the same rule.
set +e
"$tf2sim" import "$src/tests/data/fmnist_cnn.onnx" --out imp.json --name '../evil' > out.txt 2> err.txt
rc=$?
set -e
if [ "$rc" -ne 2 ] || ! grep -q -- "--name" err.txt || [ -e imp.json ]; then
  echo "FAIL: import --name ../evil -> rc=$rc"; cat err.txt; fails=$((fails + 1))
fi

[ "$fails" -eq 0 ] && echo "names: every unsafe name refused, legal ones load"
exit $((fails > 0))
