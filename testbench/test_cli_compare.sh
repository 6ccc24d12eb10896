#!/usr/bin/env bash
# Tests of `systolic compare`: the table's rows, the JSON report's keys, and the behaviour on bad
# input (one "systolic: error: ..." line, exit 1 or 2).
#
#   testbench/test_cli_compare.sh PATH/systolic
set -uo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 PATH/systolic" >&2
  exit 2
fi
systolic=$1
[ -x "$systolic" ] || { echo "test_cli_compare: '$systolic' is not an executable" >&2; exit 2; }

# shellcheck source=cli_harness.sh
source "$(dirname "$0")/cli_harness.sh"

# compare_ok NAME ARGS...: exit 0, empty stderr, every table row present with 7 columns of numbers.
compare_ok() {
  local name=$1
  shift
  run "" compare "$@"
  local problems=()
  [ "$rc" -eq 0 ] || problems+=("expected exit status 0")
  [ -z "$err" ] || problems+=("expected an empty stderr")
  local label
  for label in "INT8 systolic" "FP32 scalar ALU" "FP16 scalar ALU" "BF16 scalar ALU" \
    "FP32 systolic" "FP16 systolic" "BF16 systolic"; do
    grep -Eq "^$label( [0-9]+x[0-9]+)? +[0-9]+ +[0-9.]+ +[0-9.]+x +[0-9.]+ [pnu]J\*? +[0-9.]+ +[0-9.]+$" <<<"$out" ||
      problems+=("expected a table row '$label'")
  done
  grep -q "^machine .*cycles.*MACs/cycle.*INT8 speedup.*energy.*area" <<<"$out" ||
    problems+=("expected the table header")
  report "$name: systolic compare $*" "${problems[@]}"
}

small=(--rows 4 --cols 4 -M 5 -N 7 -K 9)
compare_ok "defaults"
compare_ok "small shape" "${small[@]}"
compare_ok "M = N = 1" --rows 2 --cols 3 -M 1 -N 1 -K 5

# The JSON report: stable keys, one entry per machine in table order, consistent numbers.
run "" compare "${small[@]}" --seed 7 --json "$tmp/cmp.json"
problems=()
[ "$rc" -eq 0 ] || problems+=("expected exit status 0")
check=$(python3 - "$tmp/cmp.json" <<'PY' 2>&1
import json, sys
d = json.load(open(sys.argv[1]))
top = {"m", "n", "k", "macs", "rows", "cols", "seed", "fp_mac_depth", "energy_table", "machines"}
assert top <= d.keys(), sorted(top - d.keys())
assert (d["m"], d["n"], d["k"], d["macs"], d["seed"]) == (5, 7, 9, 315, 7), d
ids = [m["id"] for m in d["machines"]]
assert ids == ["int8_array", "fp32_scalar", "fp16_scalar", "bf16_scalar", "fp32_array",
               "fp16_array", "bf16_array"], ids
keys = {"id", "format", "machine", "mac_units", "cycles", "weight_load_cycles", "macs_per_cycle",
        "int8_speedup", "energy_per_mac_pj", "energy_pj", "area_per_mac_um2", "area_mm2",
        "macs_per_cycle_per_mm2", "derived_cost"}
for m in d["machines"]:
    assert keys <= m.keys(), (m["id"], sorted(keys - m.keys()))
    assert m["cycles"] > 0 and abs(m["macs_per_cycle"] - 315 / m["cycles"]) < 1e-9, m
i8 = d["machines"][0]
assert i8["int8_speedup"] == 1 and i8["mac_units"] == 16 and abs(i8["energy_per_mac_pj"] - 0.3) < 1e-9
assert d["machines"][1]["mac_units"] == 1 and d["machines"][4]["mac_units"] == 16
assert d["machines"][3]["derived_cost"] and not d["machines"][1]["derived_cost"]
print("ok")
PY
)
[ "$check" = "ok" ] || problems+=("JSON check: $check")
grep -q "^JSON report: $tmp/cmp.json$" <<<"$out" || problems+=("expected the JSON path line")
report "json keys: systolic compare ${small[*]} --json" "${problems[@]}"

# A user's own table.
sed 's/"energy_pj": 3.7/"energy_pj": 7.4/' "$(dirname "$0")/../data/horowitz_45nm.json" >"$tmp/mine.json"
run "" compare "${small[@]}" --energy-table "$tmp/mine.json" --json "$tmp/mine_out.json"
problems=()
[ "$rc" -eq 0 ] || problems+=("expected exit status 0")
python3 -c "import json,sys; d=json.load(open(sys.argv[1])); assert abs(d['machines'][1]['energy_per_mac_pj'] - 8.3) < 1e-9" \
  "$tmp/mine_out.json" 2>/dev/null || problems+=("expected fp32 MAC energy 7.4 + 0.9 from the user's table")
report "own energy table" "${problems[@]}"

# The FP cycle counts from simulation and from the closed forms agree; the INT8 array's Yosys
# numbers are in the report (hierarchical: Rows * Cols PEs).
run "" compare "${small[@]}" --fp-cycles sim --json "$tmp/sim.json"
run "" compare "${small[@]}" --fp-cycles formula --json "$tmp/formula.json"
problems=()
[ "$rc" -eq 0 ] || problems+=("expected exit status 0")
grep -Eq "^INT8 RTL in Yosys \(hierarchical, generic gates\): mac_pe [0-9]+ cells, depth [0-9]+; pe_array 4x4 [0-9]+ cells, depth [0-9]+" <<<"$out" ||
  problems+=("expected the Yosys line")
check=$(python3 - "$tmp/sim.json" "$tmp/formula.json" <<'PY' 2>&1
import json, sys
s, f = (json.load(open(p)) for p in sys.argv[1:3])
assert s["fp_cycles_from"] == "simulation" and f["fp_cycles_from"] == "closed form"
assert [m["cycles"] for m in s["machines"]] == [m["cycles"] for m in f["machines"]]
y = s["synthesis"]
assert y["mode"] == "hierarchical" and y["array_cells"] == 16 * y["pe_cells"] and y["pe_depth"] > 0
assert s["machines"][0]["yosys_cells"] == y["array_cells"]
print("ok")
PY
)
[ "$check" = "ok" ] || problems+=("JSON check: $check")
report "fp cycles: simulation = closed form; Yosys numbers" "${problems[@]}"

# Errors.
printf '{"operations": {"int8_mult": ' >"$tmp/corrupt.json"
bad "missing table" "" "no/such.json: cannot open the energy table" compare --energy-table no/such.json
bad "corrupt table" "" "corrupt.json: not a valid JSON energy table" compare "${small[@]}" --energy-table "$tmp/corrupt.json"
bad "directory table" "" "is a directory" compare --energy-table "$tmp"
bad "M = 0" "" "M = 0 must be in 1..4096" compare -M 0
bad "K not a number" "" "K" compare -K x
bad "too many MACs" "" "M\\*N\\*K = 33554432 is above" compare -M 4096 -N 4096 -K 2
compare_ok "too many MACs to simulate: closed form" -M 4096 -N 4096 -K 2 --fp-cycles formula --synth off
bad "array too small" "" "--rows: Value 1 not in range 2 to 256" compare --rows 1 --cols 4
bad "unknown stage" "" "no FMA stage 'fma'" compare --fp-stage-latency fma=1
bad "bad fp-cycles" "" "is not auto, sim or formula" compare --fp-cycles maybe

echo "test_cli_compare: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
