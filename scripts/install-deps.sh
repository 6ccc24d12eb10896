#!/usr/bin/env bash
# Installs the Debian 12 packages this project builds and tests with. Idempotent: only what is
# missing is installed. Must run as root (apt-get); otherwise it prints the command to run.
set -euo pipefail

PKGS=(
  build-essential cmake ninja-build ccache pkg-config git
  verilator libsystemc-dev catch2 libfmt-dev libcli11-dev nlohmann-json3-dev
  gtkwave yosys iverilog
  xvfb xauth x11-apps imagemagick  # scripts/gtkwave-screenshot.sh: headless GTKWave pictures
  python3-numpy
  python3-yaml python3-matplotlib python3-distributed  # systolic sweep: specs, plots, Dask
)

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
