#!/usr/bin/env bash
# A big array end to end (label heavy; registered with -DSYSTOLIC_HEAVY_TESTS=ON): the RTL lints
# at ROWSxCOLS, is built on demand (about 10 minutes at 64x64 the first time, then cached in
# $SYSTOLIC_CACHE_DIR), and runs a GEMM that fills the array (a partial last tile in K and N)
#   - on the model engine: C equal to the reference, and timing-only cycles equal to the full run's;
#   - on the verilated RTL: C equal to the reference, the RTL's own cycle count equal to the model's
#     (the two share no code);
#   - in co-simulation: model and RTL compared at every port on every cycle, zero mismatches;
# and Yosys's area of the array (hierarchical flow, cached): ROWS x COLS PEs, nothing else.
#   testbench/test_big_array.sh path/to/systolic ROWS COLS
set -u
SYSTOLIC=${1:?usage: test_big_array.sh path/to/systolic ROWS COLS}
R=${2:?rows}
C=${3:?cols}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
unset SYSTOLIC_RTL_ON_DEMAND
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
json() { /usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$@"; }

# Lint (-Wall) at this size: the whole systolic_top, small memories.
if verilator --lint-only -Wall -I"$ROOT/rtl" "$ROOT/rtl/lint.vlt" "$ROOT/rtl/systolic_pkg.sv" \
  $(ls "$ROOT"/rtl/*.sv | grep -v systolic_pkg.sv) --top-module systolic_top \
  -GRows="$R" -GCols="$C" -GAWords=16 -GBWords=16 -GCWords=16 -GQWords=2 -GAccWords=8 \
  > "$tmp/lint" 2>&1; then
  ok
else
  bad "lint at ${R}x${C}: $(head -5 "$tmp/lint")"
fi

G=(--rows "$R" --cols "$C" -M 40 -N $((C + C / 2 + 1)) -K $((R + R / 2 + 1)) --seed 7
  --no-fp-compare --synth off)
echo "GEMM: ${G[*]}"
for e in model rtl cosim; do
  if "$SYSTOLIC" run --engine "$e" "${G[@]}" --json "$tmp/$e.json" > /dev/null 2> "$tmp/$e.err"; then
    ok
  else
    bad "$e run failed: $(tail -3 "$tmp/$e.err")"
  fi
done
"$SYSTOLIC" run --engine model --timing-only "${G[@]}" --json "$tmp/t.json" > /dev/null || bad "timing-only failed"
[ -f "$tmp/model.json" ] || { echo "test_big_array: $pass passed, $((fail + 1)) failed"; exit 1; }
want=$(json "$tmp/model.json" cycles)
echo "model cycles: $want"
[ "$(json "$tmp/t.json" cycles)" = "$want" ] && ok || bad "timing-only cycles differ from $want"
for e in model rtl cosim; do
  [ -f "$tmp/$e.json" ] || continue
  [ "$(json "$tmp/$e.json" matches_reference)" = "True" ] && ok || bad "$e: C differs from the reference"
done
if [ -f "$tmp/rtl.json" ]; then
  [ "$(json "$tmp/rtl.json" cycles)" = "$want" ] && ok || bad "rtl cycles $(json "$tmp/rtl.json" cycles), model $want"
fi
if [ -f "$tmp/cosim.json" ]; then
  [ "$(json "$tmp/cosim.json" mismatches)" = "0" ] && ok || bad "cosim mismatches"
  [ "$(json "$tmp/cosim.json" rtl_cycles)" = "$want" ] && ok || bad "cosim: RTL cycles differ from $want"
  [ "$(json "$tmp/cosim.json" model_cycles)" = "$want" ] && ok || bad "cosim: model cycles differ from $want"
fi

# The same GEMM as a memory command (--dram: the DMA's scratchpad words of up to 4 x Cols bytes):
# the model engine's C against the reference, and the co-simulation's RTL against it at every port.
"$SYSTOLIC" run --dram --engine model "${G[@]}" --json "$tmp/dm.json" > /dev/null 2> "$tmp/dm.err" &&
  ok || bad "memory command on the model failed: $(tail -3 "$tmp/dm.err")"
"$SYSTOLIC" run --dram --engine cosim "${G[@]}" --json "$tmp/dc.json" > /dev/null 2> "$tmp/dc.err" &&
  ok || bad "memory command in co-simulation failed: $(tail -3 "$tmp/dc.err")"
if [ -f "$tmp/dm.json" ] && [ -f "$tmp/dc.json" ]; then
  [ "$(json "$tmp/dm.json" matches_reference)" = "True" ] && ok || bad "memory command: model C differs"
  [ "$(json "$tmp/dc.json" matches_reference)" = "True" ] && ok || bad "memory command: cosim C differs"
  [ "$(json "$tmp/dc.json" mismatches)" = "0" ] && ok || bad "memory command: cosim mismatches"
  [ "$(json "$tmp/dc.json" rtl_cycles)" = "$(json "$tmp/dm.json" cycles)" ] && ok ||
    bad "memory command: RTL cycles differ from the model engine's"
fi

# The array's Yosys area: Rows pe_rows of Cols mac_pe and nothing else.
if "$SYSTOLIC" synth --rows "$R" --cols "$C" --json "$tmp/syn.json" > /dev/null 2> "$tmp/syn.err" &&
   /usr/bin/python3 -c "
import json, sys
s = json.load(open(sys.argv[1]))
assert s['pe_cells'] > 500 and s['array_cells'] == $R * $C * s['pe_cells'], s
assert s['array_depth'] == s['pe_depth'] > 0, s
" "$tmp/syn.json"; then
  ok
else
  bad "synth at ${R}x${C}: $(tail -3 "$tmp/syn.err")"
fi

echo "test_big_array: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
