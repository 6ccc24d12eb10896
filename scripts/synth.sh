#!/usr/bin/env bash
# Synthesizes an RTL top in Yosys (generic gates) and reports cells and logic depth.
#   scripts/synth.sh TOP [Param=Value ...]
# Reads every rtl/*.sv file, the package first (a top's submodules live in their own files), with
# SYNTHESIS defined (no assertions); SYNTH_SOURCES="a.sv b.sv" reads exactly those files instead.
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
if [ -n "${SYNTH_SOURCES:-}" ]; then
  read -r -a sources <<<"$SYNTH_SOURCES"
else
  sources=(rtl/systolic_pkg.sv)
  for f in rtl/*.sv; do
    [ "$f" = rtl/systolic_pkg.sv ] || sources+=("$f")
  done
fi
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! yosys -p "read_verilog -sv -DSYNTHESIS -Irtl ${sources[*]}; ${chparam} synth -flatten -top ${top}; ltp -noff; stat" >"$log" 2>&1; then
  grep -E "ERROR" "$log" >&2 || tail -5 "$log" >&2
  echo "synth: FAILED: ${top} $*" >&2
  exit 1
fi
cells=$(grep -E "^ +Number of cells:" "$log" | tail -1 | awk '{print $4}')
depth=$(grep -E "^Longest topological path" "$log" | tail -1 | sed -E 's/.*length=([0-9]+).*/\1/')
echo "synth: ${top} $* cells=${cells} depth=${depth}"
