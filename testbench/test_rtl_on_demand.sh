#!/usr/bin/env bash
# RTL configurations built on demand (sim/rtl/rtl_cache.h): a configuration `systolic` was not
# built with is verilated into a plug-in in the cache the first time a command asks for it (one
# progress line), reused afterwards (no line, no build), built once when two processes ask at the
# same time, traced as well, and with Verilator threads (--rtl-threads); its results are checked
# against the model engine, which shares no code with the RTL. Errors stay one line.
#   testbench/test_rtl_on_demand.sh path/to/systolic
set -u
SYSTOLIC=${1:?usage: test_rtl_on_demand.sh path/to/systolic}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SYSTOLIC_CACHE_DIR=$tmp/cache
unset SYSTOLIC_RTL_ON_DEMAND
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
json() { /usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$@"; }

# 3x2 is in no build list (cmake/rtl_configs.cmake); the model engine gives the expected cycles.
# M = 1025 ends in a one-row M-block whose K-tiles, on 2 columns, would stream in consecutive
# cycles and meet in the accumulator buffer (the RTL stopped on acc_stage's RowApart_A).
G=(--rows 3 --cols 2 -M 1025 -N 5 -K 11 --seed 3 --no-fp-compare)
if ! "$SYSTOLIC" run --engine model "${G[@]}" --json "$tmp/model.json" > /dev/null; then
  bad "model run failed"
fi
want=$(json "$tmp/model.json" cycles)

# Two processes ask for it at once: both succeed, one builds (one progress line in all).
"$SYSTOLIC" run --engine rtl "${G[@]}" --json "$tmp/r1.json" > "$tmp/o1" 2> "$tmp/e1" &
p1=$!
"$SYSTOLIC" run --engine rtl "${G[@]}" --json "$tmp/r2.json" > "$tmp/o2" 2> "$tmp/e2" &
p2=$!
wait $p1; rc1=$?
wait $p2; rc2=$?
if [ $rc1 -ne 0 ] || [ $rc2 -ne 0 ]; then
  bad "first runs exited $rc1, $rc2: $(cat "$tmp/e1" "$tmp/e2")"
else
  ok
fi
lines=$(cat "$tmp/e1" "$tmp/e2" | grep -c "building the RTL of 3x2 on demand, once")
others=$(cat "$tmp/e1" "$tmp/e2" | grep -vc "building the RTL of 3x2 on demand, once")
if [ "$lines" -eq 1 ] && [ "$others" -eq 0 ]; then ok; else
  bad "want one progress line and nothing else on stderr: $(cat "$tmp/e1" "$tmp/e2")"
fi
for j in r1 r2; do
  [ -f "$tmp/$j.json" ] || { bad "$j: no report"; continue; }
  [ "$(json "$tmp/$j.json" matches_reference)" = "True" ] && ok || bad "$j: C differs from the reference"
  [ "$(json "$tmp/$j.json" cycles)" = "$want" ] && ok || bad "$j: cycles $(json "$tmp/$j.json" cycles), model $want"
done
[ -f "$SYSTOLIC_CACHE_DIR"/rtl-plugins/3x2_*/libsystolic_top_plugin.so ] && ok || bad "no plug-in in the cache"

# Reused: no build, nothing on stderr; the co-simulation (model and RTL side by side) too.
if "$SYSTOLIC" run --engine cosim "${G[@]}" --json "$tmp/c.json" > /dev/null 2> "$tmp/e3"; then
  ok
else
  bad "cosim on the cached plug-in failed: $(cat "$tmp/e3")"
fi
[ ! -s "$tmp/e3" ] && ok || bad "a cached configuration printed: $(cat "$tmp/e3")"
[ -f "$tmp/c.json" ] && [ "$(json "$tmp/c.json" mismatches)" = "0" ] && ok || bad "cosim mismatches"
[ -f "$tmp/c.json" ] && [ "$(json "$tmp/c.json" rtl_cycles)" = "$want" ] && ok ||
  bad "cosim: RTL cycles differ from the model engine's $want"

# Traced: its own plug-in, built once, and a waveform with its save file.
if "$SYSTOLIC" run --engine rtl "${G[@]}" --trace "$tmp/w.fst" > /dev/null 2> "$tmp/e4"; then
  ok
else
  bad "traced run failed: $(cat "$tmp/e4")"
fi
grep -q "building the RTL of 3x2 with tracing on demand, once" "$tmp/e4" && ok ||
  bad "traced build: no progress line: $(cat "$tmp/e4")"
[ -s "$tmp/w.fst" ] && [ -s "$tmp/w.gtkw" ] && ok || bad "no waveform or save file"

# Threads (--rtl-threads 2): its own plug-in, verilated with --threads 2 (Verilator's output says so),
# the same C and cycles; a built-in configuration (4x4) is also taken from a threaded plug-in.
for rc in 3x2 4x4; do
  T=(--rows "${rc%x*}" --cols "${rc#*x}" -M 7 -N 5 -K 11 --seed 3 --no-fp-compare)
  "$SYSTOLIC" run --engine model "${T[@]}" --json "$tmp/tm.json" > /dev/null
  if "$SYSTOLIC" run --engine rtl --rtl-threads 2 "${T[@]}" --json "$tmp/t.json" > /dev/null \
      2> "$tmp/e6"; then
    ok
  else
    bad "--rtl-threads 2 at $rc failed: $(cat "$tmp/e6")"
  fi
  grep -q "building the RTL of $rc with 2 threads on demand, once" "$tmp/e6" && ok ||
    bad "threaded build at $rc: no progress line: $(cat "$tmp/e6")"
  grep -q "^set(Vsystolic_top_${rc}_THREADS 2)" \
    "$SYSTOLIC_CACHE_DIR"/rtl-plugins/"$rc"_t2_*/build/rtl/Vsystolic_top_"$rc"/Vsystolic_top_"$rc".cmake &&
    ok || bad "the $rc plug-in was not verilated with --threads 2"
  [ -f "$tmp/t.json" ] && [ "$(json "$tmp/t.json" matches_reference)" = "True" ] &&
    [ "$(json "$tmp/t.json" cycles)" = "$(json "$tmp/tm.json" cycles)" ] && ok ||
    bad "--rtl-threads 2 at $rc: C or cycles differ from the model engine's"
  rm -f "$tmp/t.json"
done
"$SYSTOLIC" run --engine model --rtl-threads 2 "${G[@]}" > "$tmp/o7" 2> "$tmp/e7"
rc=$?
[ $rc -eq 1 ] && [ ! -s "$tmp/o7" ] && [ "$(wc -l < "$tmp/e7")" -eq 1 ] &&
  grep -q "^systolic: error: --rtl-threads needs --engine rtl or cosim" "$tmp/e7" && ok ||
  bad "--rtl-threads on the model: exit $rc, $(cat "$tmp/e7")"

# A memory command on a wide array (4x64: BIAS and M0 words of 256 bytes, which once wrapped the
# DMA's 8-bit word-size registers to 0): model and RTL compared at every port in co-simulation,
# C against the reference, the RTL's own cycle count against the model engine's.
W=(--dram --rows 4 --cols 64 -M 19 -N 97 -K 7 --seed 3 --no-fp-compare)
"$SYSTOLIC" run --engine model "${W[@]}" --json "$tmp/wm.json" > /dev/null 2> "$tmp/e8" ||
  bad "4x64 memory command on the model failed: $(cat "$tmp/e8")"
if "$SYSTOLIC" run --engine cosim "${W[@]}" --json "$tmp/wc.json" > /dev/null 2> "$tmp/e8"; then
  ok
else
  bad "4x64 memory command in co-simulation failed: $(cat "$tmp/e8")"
fi
if [ -f "$tmp/wc.json" ] && [ -f "$tmp/wm.json" ]; then
  [ "$(json "$tmp/wc.json" mismatches)" = "0" ] && ok || bad "4x64 memory command: cosim mismatches"
  [ "$(json "$tmp/wc.json" matches_reference)" = "True" ] && ok || bad "4x64: C differs from the reference"
  [ "$(json "$tmp/wc.json" rtl_cycles)" = "$(json "$tmp/wm.json" cycles)" ] && ok ||
    bad "4x64: RTL cycles $(json "$tmp/wc.json" rtl_cycles), model engine $(json "$tmp/wm.json" cycles)"
fi

# Errors: one line, exit 1 or 2, nothing on stdout, when the cache cannot be created.
SYSTOLIC_CACHE_DIR=/proc/no/cache "$SYSTOLIC" run --engine rtl --rows 3 --cols 2 -M 4 -N 4 -K 4 \
  --no-fp-compare > "$tmp/o5" 2> "$tmp/e5"
rc=$?
if { [ $rc -eq 1 ] || [ $rc -eq 2 ]; } && [ ! -s "$tmp/o5" ] && [ "$(wc -l < "$tmp/e5")" -eq 1 ] &&
  grep -q "^systolic: error: cannot create /proc/no/cache/rtl-plugins/3x2" "$tmp/e5"; then
  ok
else
  bad "unwritable cache: exit $rc, stderr: $(cat "$tmp/e5"), stdout: $(cat "$tmp/o5")"
fi

echo "test_rtl_on_demand: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
