#!/usr/bin/env bash
# End-to-end tests of `systolic infer` (docs/inference.md): the digits CNN's report and JSON keys,
# --qparams written then read (the same run), --dump re-checked outside the project by
# testbench/check_dump.py (and that checker failing on a flipped value), and every class of bad
# input: one line "systolic: error: ...", exit 1 or 2, nothing on stdout, no --json or --dump left.
#   testbench/test_cli_infer.sh path/to/systolic SOURCE_DIR
set -u
systolic=${1:?usage: test_cli_infer.sh path/to/systolic SOURCE_DIR}
src=${2:?usage: test_cli_infer.sh path/to/systolic SOURCE_DIR}
PY=/usr/bin/python3
# shellcheck source=cli_harness.sh
. "$(dirname "$0")/cli_harness.sh"
D=$src/examples/digits
M=$D/digits_cnn.onnx

check() {  # check NAME COMMAND...: the command must succeed
  local name=$1
  shift
  if "$@" >"$tmp/check.out" 2>&1; then passed=$((passed + 1)); else
    failed=$((failed + 1)); echo "FAIL: $name"; sed 's/^/    /' "$tmp/check.out"; fi
}

# --- a run with labels: report, JSON keys and values ---------------------------------------------
run "" infer "$M" --inputs "$D/test_x.npy" --labels "$D/test_y.npy" --engine model --limit 60 \
  --json "$tmp/r.json" --qparams "$tmp/q.json"
report "digits run" $([ "$rc" -eq 0 ] || echo "exit $rc") \
  $(grep -q "top-1  *float" <<<"$out" || echo "no top-1 line")
check "json keys" $PY -c '
import json, sys
j = json.load(open(sys.argv[1]))
for k in ("engine", "rows", "cols", "inputs", "float_top1", "int8_top1", "argmax_agreement",
          "cycles_per_inference", "layers", "mismatches"):
    assert k in j, k
assert j["inputs"] == 60 and j["engine"] == "model" and j["mismatches"] == 0
assert 0.9 <= j["float_top1"] <= 1 and 0.9 <= j["int8_top1"] <= 1
assert [l["op"] for l in j["layers"]] == ["conv", "conv", "gemm"]
for l in j["layers"]:
    for k in ("name", "op", "M", "N", "K", "cycles", "utilization", "scalesim_ws_cycles", "sqnr_db"):
        assert k in l, k
    assert l["cycles"] > 0 and 0 < l["utilization"] <= 1 and l["sqnr_db"] > 20
assert j["cycles_per_inference"] == sum(l["cycles"] for l in j["layers"])
' "$tmp/r.json"
# The same run reading the parameters back: the same report.
run "" infer "$M" --inputs "$D/test_x.npy" --labels "$D/test_y.npy" --engine model --limit 60 \
  --json "$tmp/r2.json" --qparams "$tmp/q.json"
report "qparams read back" $([ "$rc" -eq 0 ] || echo "exit $rc") \
  $(grep -q "qparams read from" <<<"$out" || echo "did not read the qparams")
check "qparams reproduce the run" $PY -c '
import json, sys
a, b = (json.load(open(p)) for p in sys.argv[1:3])
for j in (a, b): j.pop("wall_seconds")
assert a == b
' "$tmp/r.json" "$tmp/r2.json"
# Other calibration data, then the file's parameters: the file wins.
run "" infer "$M" --inputs "$D/train_x.npy" --engine model --calibration 3 --limit 2 --qparams "$tmp/q.json"
report "qparams file wins over --calibration" $([ "$rc" -eq 0 ] || echo "exit $rc")

# --- w4a4: 4-bit activations and weights; the qparams file says so --------------------------------
run "" infer "$M" --inputs "$D/test_x.npy" --labels "$D/test_y.npy" --engine model --limit 60 \
  --precision w4a4 --json "$tmp/r4.json" --qparams "$tmp/q4.json"
report "w4a4 digits run" $([ "$rc" -eq 0 ] || echo "exit $rc") \
  $(grep -q "w4a4 on the engine" <<<"$out" || echo "no w4a4 top-1 line")
check "w4a4 json and qparams" $PY -c '
import json, sys
j, q, j8 = (json.load(open(p)) for p in sys.argv[1:4])
assert j["precision"] == "w4a4" and q["precision"] == "w4a4", (j["precision"], q["precision"])
# Every activation zero point inside [-8, 7]; 4-bit costs accuracy but stays a classifier.
assert all(-8 <= t["zero_point"] <= 7 for t in q["tensors"].values())
assert 0.8 <= j["int8_top1"] <= 1 and j["fp_comparison"] == []
for l4, l8 in zip(j["layers"], j8["layers"]):
    assert l4["cycles"] <= l8["cycles"] and 8 < l4["sqnr_db"] < l8["sqnr_db"], (l4, l8)
' "$tmp/r4.json" "$tmp/q4.json" "$tmp/r.json"

# --- output-stationary: the same predictions; best per layer says which ran ---------------------
run "" infer "$M" --inputs "$D/test_x.npy" --labels "$D/test_y.npy" --engine model --limit 60 \
  --dataflow os --json "$tmp/ros.json" --qparams "$tmp/q.json"
report "OS digits run" $([ "$rc" -eq 0 ] || echo "exit $rc")
run "" infer "$M" --inputs "$D/test_x.npy" --labels "$D/test_y.npy" --engine model --limit 60 \
  --dataflow best --json "$tmp/rbest.json" --qparams "$tmp/q.json"
report "best digits run" $([ "$rc" -eq 0 ] || echo "exit $rc")
check "OS and best: same predictions, each layer's dataflow, best's cycles the fewer" $PY -c '
import json, sys
ws, os_, best = (json.load(open(p)) for p in sys.argv[1:4])
assert os_["dataflow"] == "os" and best["dataflow"] == "best"
for k in ("int8_top1", "argmax_agreement", "mismatches"):
    assert ws[k] == os_[k] == best[k], k
assert all(l["dataflow"] == "os" for l in os_["layers"]) and all(l["dataflow"] == "ws" for l in ws["layers"])
for lw, lo, lb in zip(ws["layers"], os_["layers"], best["layers"]):
    assert lb["cycles"] == min(lw["cycles"], lo["cycles"]), (lw["cycles"], lo["cycles"], lb["cycles"])
    assert lb["dataflow"] == ("os" if lo["cycles"] < lw["cycles"] else "ws"), lb
' "$tmp/r.json" "$tmp/ros.json" "$tmp/rbest.json"
# The RTL in lockstep with the model, output-stationary (the 4x4 build with both dataflows).
run "" infer "$M" --inputs "$D/test_x.npy" --engine cosim --rows 4 --cols 4 --limit 2 \
  --dataflow os --json "$tmp/rcos.json"
report "OS digits on cosim" $([ "$rc" -eq 0 ] || echo "exit $rc") \
  $($PY -c 'import json,sys; j=json.load(open(sys.argv[1])); sys.exit(not (j["mismatches"] == 0 and all(l["dataflow"] == "os" for l in j["layers"])))' "$tmp/rcos.json" || echo "mismatches or dataflow")

# --- --dump, re-checked outside the project ----------------------------------------------------
run "" infer "$M" --inputs "$D/test_x.npy" --engine model --limit 4 --dump "$tmp/dump" --dump-index 3
report "dump" $([ "$rc" -eq 0 ] || echo "exit $rc")
check "dump equals the contract in NumPy" $PY "$src/testbench/check_dump.py" "$tmp/dump"
run "" infer "$M" --inputs "$D/test_x.npy" --engine model --limit 2 --rounding single --dump "$tmp/dump1"
check "single-rounding dump equals the contract in NumPy" $PY "$src/testbench/check_dump.py" "$tmp/dump1"
$PY -c '
import numpy as np, sys
p = sys.argv[1] + "/layer02_output.npy"; a = np.load(p); a.flat[7] ^= 1; np.save(p, a)' "$tmp/dump"
if $PY "$src/testbench/check_dump.py" "$tmp/dump" >/dev/null 2>&1; then
  failed=$((failed + 1)); echo "FAIL: check_dump.py accepted a flipped output value"
else passed=$((passed + 1)); fi

# --- bad inputs ----------------------------------------------------------------------------------
$PY - "$tmp" "$M" <<'PYEOF'
import sys, numpy as np, onnx
from onnx import helper, TensorProto
d, m = sys.argv[1], sys.argv[2]
open(d + "/garbage.onnx", "wb").write(b"\x08\x07\x12\xff\xff\xff\xff not protobuf")
model = onnx.load(m)
dyn = onnx.load(m); dyn.graph.input[0].type.tensor_type.shape.dim[0].dim_param = "batch"
onnx.save(dyn, d + "/dynamic.onnx")
noshape = onnx.load(m); noshape.graph.input[0].type.tensor_type.ClearField("shape")
onnx.save(noshape, d + "/noshape.onnx")
sm = onnx.load(m)
sm.graph.node.append(helper.make_node("Softmax", ["logits"], ["probs"], name="the_softmax"))
sm.graph.output[0].name = "probs"
onnx.save(sm, d + "/softmax.onnx")
dil = onnx.load(m)
for a in dil.graph.node[0].attribute:
    if a.name == "dilations": a.ints[:] = [2, 2]
onnx.save(dil, d + "/dilated.onnx")
grp = onnx.load(m)
grp.graph.node[2].attribute.append(helper.make_attribute("group", 2))
for a in list(grp.graph.node[2].attribute):
    if a.name == "group" and a.i == 1: grp.graph.node[2].attribute.remove(a)
onnx.save(grp, d + "/grouped.onnx")
from onnx import numpy_helper
W = numpy_helper.from_array(np.full((4, 3), 0.01, np.float32), "W")
B = numpy_helper.from_array(np.full(3, 1e9, np.float32), "B")
g = helper.make_graph([helper.make_node("Gemm", ["x", "W", "B"], ["y"], name="fc")], "g",
                      [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
                      [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])], [W, B])
onnx.save(helper.make_model(g, opset_imports=[helper.make_opsetid("", 13)]), d + "/bigbias.onnx")
np.save(d + "/x_shape.npy", np.zeros((3, 1, 7, 8), np.float32))
np.save(d + "/x_dtype.npy", np.zeros((3, 1, 8, 8), np.int8))
np.save(d + "/x_nan.npy", np.full((2, 1, 8, 8), np.nan, np.float32))
np.save(d + "/x.npy", np.random.default_rng(3).standard_normal((3, 1, 8, 8)).astype(np.float32))
np.save(d + "/x0.npy", np.zeros((3, 1, 8, 8), np.float32))  # a degenerate calibration
np.save(d + "/y4.npy", np.zeros(4, np.int32))
np.save(d + "/y_range.npy", np.array([0, 1, 10], np.int32))
open(d + "/q_bad.json", "w").write('{"format": "systolic-qparams-1", "rounding": "double", "tensors": {}}')
open(d + "/q_junk.json", "w").write('{"format": ')
PYEOF
mkdir -p "$tmp/full" && touch "$tmp/full/x"
X=(--inputs "$tmp/x.npy" --engine model)
bad "missing model" "" "nope.onnx: cannot open" infer "$tmp/nope.onnx"
bad "zero inputs: bias beyond int32" "" "output channel 0: bias .* beyond int32 \(calibrate on representative inputs\)" \
  infer "$M" --inputs "$tmp/x0.npy" --engine model
bad "bias beyond int32" "" "node 'fc': output channel 0: bias 1e\+09 is .* beyond int32" \
  infer "$tmp/bigbias.onnx" --engine model
bad "endless qparams" "" "/dev/zero: larger than 67108864 bytes" infer "$M" --engine model \
  --qparams /dev/zero
bad "not protobuf" "" "not an ONNX model" infer "$tmp/garbage.onnx" --json "$tmp/j1.json"
bad "dynamic shape" "" "dynamic or empty dimension \('batch'\)" infer "$tmp/dynamic.onnx"
bad "no shape" "" "has no shape" infer "$tmp/noshape.onnx"
bad "unsupported op" "" "node 'the_softmax' \(Softmax\): op Softmax is not supported" infer "$tmp/softmax.onnx" --dump "$tmp/d1"
bad "unsupported attribute" "" "\(Conv\): dilations other than 1" infer "$tmp/dilated.onnx"
bad "grouped conv, weights of another group count" "" "16 input channels per group, the input 16 in 2 group" infer "$tmp/grouped.onnx"
bad "inputs of another shape" "" "do not fit the model's input 1x1x8x8" infer "$M" --inputs "$tmp/x_shape.npy"
bad "inputs of another dtype" "" "inputs must be float32, not int8" infer "$M" --inputs "$tmp/x_dtype.npy"
bad "NaN inputs" "" "NaN or infinity" infer "$M" --inputs "$tmp/x_nan.npy"
bad "labels of another count" "" "4 labels for 3 inputs" infer "$M" "${X[@]}" --labels "$tmp/y4.npy" --json "$tmp/j2.json"
bad "label out of range" "" "label 10 outside the model's 10 classes" infer "$M" "${X[@]}" --labels "$tmp/y_range.npy"
bad "qparams without a tensor" "" "qparams: no parameters for tensor 'input'" infer "$M" "${X[@]}" --qparams "$tmp/q_bad.json"
bad "qparams not JSON" "" "q_junk.json: not valid JSON" infer "$M" "${X[@]}" --qparams "$tmp/q_junk.json"
bad "qparams of another rounding" "" "written for double rounding" infer "$M" "${X[@]}" --qparams "$tmp/q.json" --rounding single
bad "qparams of another precision" "" "written for precision int8, the run asks for w4a4" infer "$M" "${X[@]}" --qparams "$tmp/q.json" --precision w4a4
bad "dump into a full directory" "" "exists and is not an empty directory" infer "$M" "${X[@]}" --dump "$tmp/full" --json "$tmp/j3.json"
bad "dump index" "" "--dump-index 5 outside the 3 inputs" infer "$M" "${X[@]}" --dump "$tmp/d2" --dump-index 5
bad "bad engine" "" "engine" infer "$M" --engine fpga
bad "rows out of range" "" "rows" infer "$M" --rows 257
for f in j1.json j2.json j3.json d1 d2; do
  if [ -e "$tmp/$f" ]; then failed=$((failed + 1)); echo "FAIL: a failed run left $f"; else passed=$((passed + 1)); fi
done
if ls "$tmp"/*.tmp.* >/dev/null 2>&1; then failed=$((failed + 1)); echo "FAIL: temporary files left"; fi

echo "test_cli_infer: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
