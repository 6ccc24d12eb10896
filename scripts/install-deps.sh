#!/usr/bin/env bash
# Installs the Debian 12 packages this project builds and tests with. Idempotent: only what is
# missing is installed. Must run as root (apt-get); otherwise it prints the command to run.
#   scripts/install-deps.sh            build, test and benchmark
#   scripts/install-deps.sh --models   also python3-torch and python3-sklearn, to re-train the
#                                      digits CNN (scripts/make_digits_model.py)
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build ccache pkg-config git
  verilator libsystemc-dev catch2 libfmt-dev libcli11-dev nlohmann-json3-dev
  gtkwave yosys iverilog
  xvfb xauth x11-apps imagemagick  # scripts/gtkwave-screenshot.sh: headless GTKWave pictures
  python3-numpy
  python3-yaml python3-matplotlib python3-distributed  # systolic sweep: specs, plots, Dask
  libonnx-dev libprotobuf-dev python3-onnx  # systolic infer: ONNX's reader; the ResNet-style model
  libgemmlowp-dev  # the outside integer reference of the inference tests
  python3-pybind11 pybind11-dev python3-dev python3-pytest  # the Python module and its tests
  clang libclang-rt-14-dev  # scripts/fuzz.sh: libFuzzer targets of fuzz/
)
if [ "${1:-}" = "--models" ]; then
  PKGS+=(python3-torch python3-sklearn)
elif [ $# -gt 0 ]; then
  echo "usage: scripts/install-deps.sh [--models]" >&2
  exit 2
fi

missing=()
for p in "${PKGS[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#PKGS[@]} packages present"
  exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages: ${missing[*]}" >&2
  echo "install-deps: run as root: apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
