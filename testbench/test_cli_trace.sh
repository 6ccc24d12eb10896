#!/usr/bin/env bash
# `systolic run --trace` through the CLI (docs/waves.md): every engine writes its dump and save
# file and says where; the co-simulation's combined dump has both sides; an injected model fault
# (faulty_cli_main.cpp, a test build) produces the mismatch waves and names the gtkwave command;
# bad trace options are one-line errors.
systolic=$1
faulty=$2  # the same command line with an injected model fault (faulty_cli_main.cpp)
# shellcheck source=cli_harness.sh
source "$(dirname "$0")/cli_harness.sh"

job=(--rows 4 --cols 4 -M 6 -N 5 -K 7 --seed 3)

for engine in model rtl cosim sc-model; do
  for ext in vcd fst; do
    f="$tmp/$engine.$ext"
    run "" run --engine "$engine" "${job[@]}" --trace "$f"
    problems=()
    [ "$rc" -eq 0 ] || problems+=("expected exit status 0")
    [ -s "$f" ] || problems+=("no dump $f")
    [ -s "$tmp/$engine.gtkw" ] || problems+=("no save file")
    grep -q "waveform *$f" <<<"$out" || problems+=("the run does not print where the dump went")
    grep -q "gtkwave $tmp/$engine.gtkw" <<<"$out" || problems+=("no gtkwave command printed")
    vcd=$f
    if [ "$ext" = fst ]; then
      vcd="$tmp/$engine.fst.vcd"
      fst2vcd -f "$f" -o "$vcd" >/dev/null 2>&1 || problems+=("fst2vcd cannot read $f")
    fi
    grep -q "enddefinitions" "$vcd" || problems+=("the dump has no VCD header")
    grep -q "u_ctrl.state\|module u_ctrl" "$vcd" || problems+=("no controller scope in the dump")
    ls "$tmp"/*.tmp.* >/dev/null 2>&1 && problems+=("temporary files left: $(ls "$tmp"/*.tmp.*)")
    report "$engine --trace $ext" "${problems[@]}"
  done
done

# The co-simulation's dump: both sides under model.* and rtl.*, the save file shows both.
run "" run --engine cosim "${job[@]}" --trace "$tmp/both.vcd"
problems=()
for side in model rtl; do
  grep -q "^\$scope module $side \$end" "$tmp/both.vcd" || problems+=("no scope $side")
  grep -q "^$side.systolic_top.u_ctrl.state" "$tmp/both.gtkw" || problems+=("$side not in the save file")
done
grep -q "^\^1 .*systolic_ctrl_state.txt" "$tmp/both.gtkw" || problems+=("no state translate filter")
grep -q "^3 DRAIN" "$tmp/systolic_ctrl_state.txt" || problems+=("filter file lacks DRAIN")
report "cosim combined dump" "${problems[@]}"

# Under ASan (SYSTOLIC_SANITIZE builds) the CLI's co-simulation mismatch path trips a known false
# positive: SystemC's coroutine stacks confuse ASan's stack bounds (google/sanitizers#189), so a
# later write on the main stack is reported as stack-use-after-scope. The case runs in every other
# build; test_cosim's injected fault (the checker itself) runs under ASan too.
if [ "${SYSTOLIC_SANITIZER_BUILD:-0}" = 1 ]; then
  echo "test_cli_trace: mismatch waves skipped in the sanitizer build"
else
# A model fault at cycle 150: the run fails naming the cycle and one gtkwave command; the waves
# around it exist, with a marker at 150, and differ there on host_rdata_o.
(cd "$tmp" && SYSTOLIC_FAULT_EDGE=150 timeout 60 "$faulty" run --engine cosim "${job[@]}" \
  >"$tmp/out" 2>"$tmp/err")
rc=$?
out=$(cat "$tmp/out")
err=$(cat "$tmp/err")
problems=()
[ "$rc" -eq 1 ] || problems+=("expected exit status 1")
[ "$(wc -l <"$tmp/err")" -eq 1 ] || problems+=("expected one stderr line")
grep -q "mismatch at cycle 150 on port host_rdata_o.*gtkwave cosim-mismatch-cycle150.gtkw" \
  <<<"$err" || problems+=("the error does not name the cycle and the gtkwave command")
[ -s "$tmp/cosim-mismatch-cycle150.fst" ] || problems+=("no mismatch dump")
grep -q "^\*[-0-9.]* 150 " "$tmp/cosim-mismatch-cycle150.gtkw" || problems+=("no marker at 150")
if fst2vcd -f "$tmp/cosim-mismatch-cycle150.fst" -o "$tmp/mm.vcd" >/dev/null 2>&1; then
  /usr/bin/python3 - "$tmp/mm.vcd" <<'PY' || problems+=("host_rdata_o does not differ exactly from 150")
import sys
ids, vals, t = {}, {}, 0
scope = []
for tok_line in open(sys.argv[1]):
    tok = tok_line.split()
    if not tok:
        continue
    if tok[0] == "$scope":
        scope.append(tok[2])
    elif tok[0] == "$upscope":
        scope.pop()
    elif tok[0] == "$var" and tok[4] == "host_rdata_o" and scope[-1] == "systolic_top":
        ids[tok[3]] = scope[0]
    elif tok[0].startswith("#"):
        t = int(tok[0][1:])
    elif tok[0].startswith("b") and len(tok) == 2 and tok[1] in ids:
        vals.setdefault(ids[tok[1]], []).append((t, int(tok[0][1:], 2)))
def at(side, when):
    v = None
    for tt, x in vals[side]:
        if tt <= when:
            v = x
    return v
assert at("model", 149) == at("rtl", 149), "equal before the fault"
assert at("model", 150) != at("rtl", 150), "different at the fault"
PY
else
  problems+=("fst2vcd cannot read the mismatch dump")
fi
report "mismatch waves" "${problems[@]}"
fi

bad "trace extension" "" "--trace .*x.txt: the file name must end in .fst or .vcd" \
  run --engine model "${job[@]}" --trace "$tmp/x.txt"
bad "trace row" "" "--trace-row 4 outside the array's rows 0..3" \
  run --engine model "${job[@]}" --trace "$tmp/x.vcd" --trace-row 4
bad "trace window" "" "--trace-from 9 is after --trace-to 3" \
  run --engine rtl "${job[@]}" --trace "$tmp/x.vcd" --trace-from 9 --trace-to 3
bad "trace timing-only" "" "--trace needs the data" \
  run --engine model "${job[@]}" --trace "$tmp/x.vcd" --timing-only

# A missing directory or a directory in the way is named before the run (it used to name a
# temporary file of the co-simulation's merge).
bad "trace directory missing" "" "--trace $tmp/nowhere/x.vcd: the directory $tmp/nowhere does not exist" \
  run --engine cosim "${job[@]}" --trace "$tmp/nowhere/x.vcd"
mkdir -p "$tmp/dir.vcd"
bad "trace onto a directory" "" "--trace $tmp/dir.vcd: is a directory" \
  run --engine sc-model "${job[@]}" --trace "$tmp/dir.vcd"
if ls "$tmp"/nowhere* "$tmp"/*.tmp.* >/dev/null 2>&1; then
  failed=$((failed + 1)); echo "FAIL: a refused trace left files behind"; fi

echo "test_cli_trace: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
