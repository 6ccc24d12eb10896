#!/usr/bin/env bash
# Synthesizes an RTL top in Yosys (generic gates) and reports cells and logic depth.
#   scripts/synth.sh TOP [Param=Value ...]
# Prints one summary line: "synth: TOP Param=Value ... cells=N depth=D" (depth is the longest
# topological path between flip-flops / ports, in cells), and exits non-zero on any Yosys error.
set -euo pipefail
cd "$(dirname "$0")/.."
top=${1:?usage: scripts/synth.sh TOP [Param=Value ...]}
shift
chparam=""
for kv in "$@"; do
  chparam+="chparam -set ${kv%%=*} ${kv#*=} ${top}; "
done
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! yosys -p "read_verilog -sv rtl/${top}.sv; ${chparam} synth -flatten -top ${top}; ltp -noff; stat" >"$log" 2>&1; then
  grep -E "ERROR" "$log" >&2 || tail -5 "$log" >&2
  echo "synth: FAILED: ${top} $*" >&2
  exit 1
fi
cells=$(grep -E "^ +Number of cells:" "$log" | tail -1 | awk '{print $4}')
depth=$(grep -E "^Longest topological path" "$log" | tail -1 | sed -E 's/.*length=([0-9]+).*/\1/')
echo "synth: ${top} $* cells=${cells} depth=${depth}"
