#!/usr/bin/env bash
# Compiles one self-checking SystemVerilog testbench with every RTL file in Icarus (-g2012), runs
# it, and passes only if vvp exits 0 and prints "<tb>: N passed, 0 failed".
#   testbench/run_icarus_tb.sh TB WORKDIR [-P TB.Param=Value ...]
set -euo pipefail
tb=${1:?usage: run_icarus_tb.sh TB WORKDIR [iverilog options]}
work=${2:?usage: run_icarus_tb.sh TB WORKDIR [iverilog options]}
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$work"
iverilog -g2012 -o "$work/$tb.vvp" -s "$tb" "$@" "$root"/rtl/*.sv "$root/testbench/$tb.sv" 2>&1 |
  grep -v "sorry: constant selects in always_\* processes" || true
[ -f "$work/$tb.vvp" ] || { echo "run_icarus_tb: $tb did not compile"; exit 1; }
out=$(cd "$work" && vvp -n "$tb.vvp" 2>&1) || { echo "$out"; echo "run_icarus_tb: vvp failed"; exit 1; }
echo "$out" | tail -5
echo "$out" | grep -Eq "^$tb: [0-9]+ passed, 0 failed$" || { echo "run_icarus_tb: no pass line"; exit 1; }
