#!/usr/bin/env bash
# `systolic sweep` on bad specs: one "systolic: error: ..." line naming the problem (and the
# file:line for a malformed CSV row), exit 1 or 2, before anything runs (no output directory).
#
#   testbench/test_sweep_errors.sh PATH/systolic
set -uo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 PATH/systolic" >&2
  exit 2
fi
systolic=$1
[ -x "$systolic" ] || { echo "test_sweep_errors: '$systolic' is not an executable" >&2; exit 2; }

# shellcheck source=cli_harness.sh
source "$(dirname "$0")/cli_harness.sh"
export SYSTOLIC_CACHE_DIR=$tmp/cache

printf 'name,M,N,K\nfc,64,32,48\n' >"$tmp/ok.csv"
printf 'name,M,N,K\nfc,64,32,48\nfc2,64,x,48\n' >"$tmp/bad_value.csv"
printf 'name,M,N,K\nfc,64,32\n' >"$tmp/short.csv"
printf 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nConv1,224,224,7,7,3,64,2,\nConv2,5,5,7,7,3,64,1,\n' >"$tmp/conv_big_filter.csv"
printf 'Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,\nConv1,224,224,7,7,3,64,0,\n' >"$tmp/conv_stride0.csv"

# spec NAME CONTENT: writes $tmp/NAME.
spec() { printf '%s\n' "$2" >"$tmp/$1"; }

W='workloads: [{gemm_file: ok.csv}]'
# bad_spec NAME ERE SPEC_TEXT [EXTRA ARGS]: the sweep fails with ERE and creates no output.
bad_spec() {
  local name=$1 ere=$2 text=$3
  shift 3
  spec "$name.yaml" "$text"
  rm -rf "$tmp/sweep_out"
  bad "$name" "" "$ere" sweep "$tmp/$name.yaml" --out "$tmp/sweep_out" "$@"
  if [ -e "$tmp/sweep_out" ]; then
    failed=$((failed + 1))
    echo "FAIL: $name: the output directory was created although the spec is bad"
  fi
}

bad_spec unknown_top_key "unknown key 'grids'" "grids: {rows: [4]}
$W"
# A key with a control character (fuzz_spec's finding): echoed escaped, the error stays one line.
bad_spec control_key "unknown key 'wo\\\\x0dkloads'" "grid: {rows: [4]}
\"wo\\rkloads\": [{gemm_file: ok.csv}]"
bad_spec unknown_grid_key "grid: unknown key 'colz' \(known: rows, cols" "grid: {rows: [4], colz: [4]}
$W"
bad_spec empty_grid "grid must be a non-empty mapping" "grid: {}
$W"
bad_spec no_grid "grid must be a non-empty mapping" "$W"
bad_spec empty_values "grid: cols has no values" "grid: {rows: [4], cols: []}
$W"
bad_spec rows_1 "grid rows: Rows = 1 is outside 2..256" "grid: {rows: [1, 4], cols: [4]}
$W"
bad_spec rows_257 "grid rows: Rows = 257 is outside 2..256" "grid: {rows: [8, 257], cols: [8]}
$W"
bad_spec negative_words "grid a_words: AWords = -5 is outside 1..1048576" \
  "grid: {rows: [4], cols: [4], a_words: [-5]}
$W"
bad_spec float_rows "grid rows: 4.5 is not an integer" "grid: {rows: [4.5], cols: [4]}
$W"
bad_spec bool_rows "grid rows: true is not an integer" "grid: {rows: [true], cols: [4]}
$W"
bad_spec double_buffer_int "grid double_buffer: 2 is not true or false" \
  "grid: {rows: [4], cols: [4], double_buffer: [2]}
$W"
bad_spec rounding_bad "grid rounding: .*nearest" "grid: {rows: [4], cols: [4], rounding: [nearest]}
$W"
bad_spec precision_bad "grid precision: precision 'w8a4' is not int8, w4a8 or w4a4" \
  "grid: {rows: [4], cols: [4], precision: [w8a4]}
$W"
bad_spec precision_int4_0 "precision w4a4 needs int4: 1" \
  "grid: {rows: [4], cols: [4], int4: [0], precision: [w4a4]}
$W"
bad_spec k_does_not_fit "cannot run ok layer fc \(M=64 N=32 K=48\): K = 48 does not fit the B" \
  "grid: {rows: [4], cols: [4], b_words: [16]}
$W"
bad_spec engine_bad "engine 'verilog' is not one of model, rtl" "grid: {rows: [4]}
$W
engine: verilog"
bad_spec no_workloads "workloads must be a non-empty list" "grid: {rows: [4]}
workloads: []"
bad_spec missing_topology "workloads\[0\]: .*/nowhere.csv: no such file" "grid: {rows: [4]}
workloads: [{topology: nowhere.csv}]"
bad_spec malformed_gemm_row "workloads\[0\]: .*/bad_value.csv:3: N 'x' is not an integer" \
  "grid: {rows: [4]}
workloads: [{gemm_file: bad_value.csv}]"
bad_spec short_gemm_row "short.csv:2: a GEMM row has 4 fields like the header" "grid: {rows: [4]}
workloads: [{gemm_file: short.csv}]"
bad_spec conv_filter "conv_big_filter.csv:3: the 7x7 filter is larger than the 5x5 input" \
  "grid: {rows: [4]}
workloads: [{topology: conv_big_filter.csv}]"
bad_spec conv_stride "conv_stride0.csv:2: Strides = 0 must be at least 1" "grid: {rows: [4]}
workloads: [{topology: conv_stride0.csv}]"
bad_spec gemm_inline "gemm: K must be an integer" "grid: {rows: [4]}
workloads: [{gemm: {name: x, M: 4, N: 4}}]"
bad_spec gemm_huge "gemm: M = 16777216 must be in 1..16777215" "grid: {rows: [4]}
workloads: [{gemm: {M: 16777216, N: 4, K: 4}}]"
bad_spec workload_kind "workloads\[0\]: unknown key 'onnx'" "grid: {rows: [4]}
workloads: [{onnx: model.onnx}]"
bad_spec duplicate_names "two workloads are named 'ok'" "grid: {rows: [4]}
workloads: [{gemm_file: ok.csv}, {gemm_file: ok.csv}]"
bad_spec yaml_syntax "yaml_syntax.yaml:[0-9]+: not valid YAML: " "grid: {rows: [4]
workloads: ["
bad_spec not_mapping "a spec is a mapping" "- just a list"
# A grid of more than 100,000 configurations is refused before it is built (6 keys x 40 values
# took over 4 GB); a key of 50,000 values is checked in linear time (the harness allows 10 s).
bad_spec huge_grid "grid has 4096000000 configurations, more than 100000" "grid: {rows: [$(seq -s, 2 41)], cols: [$(seq -s, 2 41)], a_words: [$(seq -s, 1 40)], b_words: [$(seq -s, 1 40)], c_words: [$(seq -s, 1 40)], q_words: [$(seq -s, 1 40)]}
$W"
bad_spec long_key "grid rows: Rows = 0 is outside 2..256" "grid: {rows: [$(seq -s, 0 49999)]}
$W"
# Bounded reads: an endless workload file or spec is refused at 16 MiB (no traceback, no hang).
bad_spec endless_csv "workloads\[0\]: /dev/zero: larger than 16777216 characters" "grid: {rows: [4]}
workloads: [{gemm_file: /dev/zero}]"
bad endless_spec "" "/dev/zero: larger than 16777216 characters" sweep /dev/zero --out "$tmp/sweep_out"
spec bad_json.json '{"grid": {"rows": [4]}, "workloads": [}'
bad json_syntax "" "bad_json.json:1: not valid JSON" sweep "$tmp/bad_json.json" --out "$tmp/sweep_out"
bad missing_spec "" "nowhere.yaml: no such spec file" sweep "$tmp/nowhere.yaml"
# sweep-point's GEMM dimensions are checked, not narrowed through int (2^40 became 0).
point='{"config": {"rows": 4, "cols": 4}, "engine": "model", "seed": 1, "workload": "w", "layers": [{"name": "x", "M": 1099511627776, "N": 4, "K": 4}]}'
bad point_dim_2_40 "$point" "sweep-point: layer.M = 1099511627776 is not an integer in 1..16777215" \
  sweep-point
bad point_dim_float "${point/1099511627776/2.5}" "layer.M = 2.5 is not an integer" sweep-point
# "synth": false leaves Yosys out of a point (the benchmarks time the model alone); not a boolean:
# an error.
bad point_synth_type "${point/\"layers\"/\"synth\": \"no\", \"layers\"}" \
  "sweep-point: the request.synth has the wrong type" sweep-point
nosynth=${point/\"layers\"/\"synth\": false, \"layers\"}
if out=$(SYSTOLIC_CACHE_DIR="$tmp/nosynth_cache" "$systolic" sweep-point <<< "${nosynth/1099511627776/4}") &&
  [[ $out == *'"layers"'* && $out != *'"synth"'* ]] && [ ! -e "$tmp/nosynth_cache/synth" ]; then
  passed=$((passed + 1))
else
  failed=$((failed + 1))
  echo "FAIL: point_no_synth: $out"
fi
bad jobs_zero "" "--jobs" sweep "$tmp/unknown_top_key.yaml" --jobs 0
bad no_spec "" "spec is required" sweep
spec ok_spec.yaml "grid: {rows: [4], cols: [4]}
$W"
bad unreachable_scheduler "" "cannot reach the Dask scheduler at tcp://127.0.0.1:9" \
  sweep "$tmp/ok_spec.yaml" --out "$tmp/out_sched" --scheduler tcp://127.0.0.1:9

echo "test_sweep_errors: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
