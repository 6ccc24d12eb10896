#!/usr/bin/env bash
# verilator --lint-only -Wall on every RTL top, over the parameter corners it must accept.
# Waivers live in rtl/lint.vlt, one reason per line. Exit status is non-zero on any warning.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
# The files a top needs: its own, then those of the modules it instantiates.
sources() {
  case $1 in
    pe_array) echo rtl/pe_array.sv rtl/mac_pe.sv ;;
    *) echo "rtl/$1.sv" ;;
  esac
}
lint() {
  local top=$1; shift
  local files
  read -r -a files <<<"$(sources "$top")"
  if ! verilator --lint-only -Wall rtl/lint.vlt "${files[@]}" --top-module "$top" "$@"; then
    echo "lint: FAILED: ${top} $*" >&2
    status=1
  fi
}
for rounding in 0 1 2; do
  for depth in 1 2 3 5; do
    lint requant -GRounding=$rounding -GPipeDepth=$depth
  done
done
lint mac_pe
for rc in 2x2 4x4 8x8 8x16 16x16 32x32 3x5 2x32 32x2; do
  lint pe_array -GRows=${rc%x*} -GCols=${rc#*x}
done
[ $status -eq 0 ] && echo "lint: rtl/ clean under verilator -Wall"
exit $status
