#!/usr/bin/env bash
# Installs the Debian packages tf2sim needs; idempotent (present packages are skipped).
# Run as root, or with sudo: a non-root user without sudo is told the exact command.
set -euo pipefail

# Why each package is here: README.md, "Dependencies".
PACKAGES=(
  gcc g++ make cmake pkg-config git        # C11 core and the C++17 RTL harness
  libjansson-dev                            # JSON configs (exact 64-bit ints, line:col errors)
  libxxhash-dev                             # XXH3-128 hash: the identity of a design in the store
  libsqlite3-dev sqlite3                    # embedded results store; sqlite3 CLI for tests/users
  libgsl-dev                                # least squares (resource fit), simulated annealing
  gnuplot-nox                               # Pareto plots (PNG via pngcairo, SVG)
  libcmocka-dev                             # unit tests
  verilator libsystemc-dev                  # RTL model of the compute unit and its SystemC harness
  yosys                                     # synthesis counts for the resource model
  libjpeg62-turbo-dev                       # JPEG decoding of the DAC-SDC images
  zlib1g-dev                                # gzip'd IDX files of Fashion-MNIST
  dataset-fashion-mnist                     # real data set for accuracy in the loop
  parallel                                  # sharded sweeps on one machine
  python3                                   # JSON checks in the integration tests
  clang libclang-rt-14-dev                  # libFuzzer + sanitizers for scripts/fuzz.sh
  valgrind                                  # memcheck of a full sweep in the tests
  protobuf-c-compiler libprotobuf-c-dev     # ONNX import: protoc-c turns sim/transform/onnx.proto into C, libprotobuf-c parses
  python3-torchvision python3-onnx          # the torchvision zoo test (exports real models) and the QDQ test model
)

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#PACKAGES[@]} packages present"
  exit 0
fi

install_cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    exec sudo sh -c "$install_cmd"
  fi
  echo "setup: missing packages: ${missing[*]}" >&2
  echo "setup: run as root:  sudo sh -c '$install_cmd'" >&2
  exit 1
fi
echo "setup: installing ${missing[*]}"
sh -c "$install_cmd"
