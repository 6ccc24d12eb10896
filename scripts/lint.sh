#!/usr/bin/env bash
# verilator --lint-only -Wall on every RTL top, over the parameter corners it must accept.
# Waivers live in rtl/lint.vlt, one reason per line. Exit status is non-zero on any warning.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
lint() {
  local top=$1; shift
  if ! verilator --lint-only -Wall rtl/lint.vlt "rtl/${top}.sv" --top-module "$top" "$@"; then
    echo "lint: FAILED: ${top} $*" >&2
    status=1
  fi
}
for rounding in 0 1 2; do
  for depth in 1 2 3 5; do
    lint requant -GRounding=$rounding -GPipeDepth=$depth
  done
done
[ $status -eq 0 ] && echo "lint: rtl/ clean under verilator -Wall"
exit $status
