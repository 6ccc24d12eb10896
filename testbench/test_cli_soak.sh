#!/usr/bin/env bash
# `systolic soak`: the log, the JSON, replay, malformed seeds, and the two planted faults of
# testbench/faulty_port.h (systolic-faulty, 4x4 configurations only): a fault on the model side,
# which the lockstep must name (host_rdata_o), and a fault on C as both sides return it, which only
# the soak's own reference can see. The expected mismatching GEMMs are recomputed here from the
# log (the ones that ran on 4x4, and for the C fault only those with host commands).
#   test_cli_soak.sh SYSTOLIC SYSTOLIC_FAULTY
set -uo pipefail
systolic=$1
faulty=$2
source "$(dirname "$0")/cli_harness.sh"
seed=${SYSTOLIC_SEED:-$((RANDOM * 32768 + RANDOM))}
[[ $seed =~ ^[0-9]+$ ]] || { echo "SYSTOLIC_SEED='$seed' is not a non-negative integer" >&2; exit 2; }
echo "test_cli_soak: seed $seed (SYSTOLIC_SEED to replay)"
gemms=14

# json FILE KEY: one top-level value of a JSON file.
json() { /usr/bin/python3 -c 'import json,sys; print(json.dumps(json.load(open(sys.argv[1]))[sys.argv[2]]))' "$1" "$2"; }

# A clean soak: exit 0, one "gemm i seed S config C ... : ok" line per GEMM, the JSON agrees.
# The planted faults below need a GEMM with host commands on 4x4, and the soak should show a w4a4
# GEMM (a third of those drawn on the dual-mode builds): the soak's seed is the first of seed,
# seed + 1, ... whose draw has both (about 3 in 4 draws of 14 GEMMs do).
for attempt in 0 1 2 3 4 5 6 7 8 9; do
  rc=0
  timeout 600 "$systolic" soak --gemms $gemms --seed "$seed" --json "$tmp/clean.json" >"$tmp/log" 2>"$tmp/err" || rc=$?
  grep -qE ' config 4x4[^ ]* .* host (os )?: ' "$tmp/log" && grep -q ' w4a4 ' "$tmp/log" && break
  seed=$((seed + 1))
done
echo "test_cli_soak: soak seed $seed"
out=$(cat "$tmp/log"); err=$(cat "$tmp/err")
problems=()
[ "$rc" -eq 0 ] || problems+=("exit status $rc")
[ -z "$err" ] || problems+=("stderr not empty")
n=$(grep -cE '^gemm [0-9]+ seed [0-9]+ config [0-9]+x[0-9]+[^ ]* M=[0-9]+ N=[0-9]+ K=[0-9]+ .* : ok, [0-9]+ commands, [0-9]+ cycles$' "$tmp/log")
[ "$n" -eq $gemms ] || problems+=("$n GEMM lines of the expected form, not $gemms")
configs=$(sed -n 's/^gemm [0-9]* seed [0-9]* config \([^ ]*\) .*/\1/p' "$tmp/log" | sort -u | wc -l)
[ "$(json "$tmp/clean.json" gemms)" = $gemms ] || problems+=("JSON gemms")
[ "$(json "$tmp/clean.json" configurations)" = "$configs" ] || problems+=("JSON configurations != $configs")
[ "$(json "$tmp/clean.json" mismatches)" = 0 ] || problems+=("JSON mismatches")
[ "$(json "$tmp/clean.json" failed_seeds)" = "[]" ] || problems+=("JSON failed_seeds")
w4=$(grep -cE ' config [^ ]*_int41[_a-z0-9]* M=[0-9]+ N=[0-9]+ K=[0-9]+ w4a4 .* : ok, ' "$tmp/log")
[ "$w4" -gt 0 ] || problems+=("no w4a4 GEMM passed")
[ "$(json "$tmp/clean.json" w4a4_gemms)" = "$w4" ] || problems+=("JSON w4a4_gemms != $w4")
[ "$(grep -c ' w4a4 ' "$tmp/log")" = "$w4" ] || problems+=("a w4a4 GEMM outside a dual-mode build")
# Output-stationary GEMMs (host commands on the builds with Dataflow = 3) are counted in the JSON
# and only drawn on those builds.
os=$(grep -c ' host os : ' "$tmp/log")
[ "$(json "$tmp/clean.json" os_gemms)" = "$os" ] || problems+=("JSON os_gemms != $os")
[ "$(grep -c ' host os : ' "$tmp/log")" = "$(grep -cE ' config [^ ]*_dataflow3 .* host os : ' "$tmp/log")" ] ||
  problems+=("an OS GEMM outside a build with both dataflows")
# Host-port GEMMs run at random scratchpad bases (word 0 only when a command would not fit).
hosts=$(grep -cE ' host( os)? : ' "$tmp/log")
based=$(awk '/ host( os)? : ok, / && / bases A [0-9]+ B [0-9]+ C [0-9]+ Q [0-9]+ / &&
             !/ bases A 0 B 0 C 0 Q 0 /' "$tmp/log" | wc -l)
[ "$hosts" -eq 0 ] || [ "$based" -gt 0 ] || problems+=("no host-port GEMM at nonzero scratchpad bases")
grep -q "^soak: $gemms GEMMs on $configs configurations, [0-9]* cycles in .* s, 0 mismatches$" "$tmp/log" ||
  problems+=("summary line")
report "clean soak of $gemms GEMMs" "${problems[@]}"

# The same seed draws the same GEMMs; --replay runs one of them alone and prints its line.
line=$(grep '^gemm 3 ' "$tmp/log")
s3=$(sed -n 's/^gemm 3 seed \([0-9]*\) .*/\1/p' <<<"$line")
ok "replay of GEMM 3" "" "${line#gemm 3 }
" soak --replay "$s3"
rc=0
timeout 600 "$systolic" soak --gemms 3 --seed "$seed" >"$tmp/log2" 2>/dev/null || rc=$?
problems=()
[ "$rc" -eq 0 ] || problems+=("exit status $rc")
diff <(grep '^gemm' "$tmp/log2") <(grep -E '^gemm [123] ' "$tmp/log") >/dev/null || problems+=("different GEMMs")
report "the same seed draws the same GEMMs" "${problems[@]}"

# Malformed seeds and limits: one line, exit 2, nothing on stdout.
for s in abc -1 1.5 18446744073709551616 " 7" ""; do
  bad "seed '$s'" "" "seed" soak --gemms 1 --seed "$s"
  bad "replay '$s'" "" "replay" soak --replay "$s"
done
bad "minutes 0" "" "minutes" soak --minutes 0
bad "gemms 0" "" "gemms" soak --gemms 0

# faulted KIND: runs systolic-faulty with SYSTOLIC_SOAK_FAULT=KIND; sets rc, flog, ferr.
faulted() {
  rc=0
  SYSTOLIC_SOAK_FAULT=$1 timeout 600 "$faulty" soak --gemms $gemms --seed "$seed" \
    --json "$tmp/$1.json" >"$tmp/$1.log" 2>"$tmp/$1.err" || rc=$?
}
# expect_failures KIND WHAT FILTER: the mismatching GEMMs are exactly those of the clean log that
# match FILTER (an ERE), each with WHAT in its message; the JSON and the error line agree.
expect_failures() {
  local kind=$1 what=$2 filter=$3 problems=() want got k
  want=$(grep -E "$filter" "$tmp/log" | sed -n 's/^gemm [0-9]* seed \([0-9]*\) .*/\1/p' | paste -sd,)
  got=$(grep 'MISMATCH' "$tmp/$kind.log" | sed -n 's/^gemm [0-9]* seed \([0-9]*\) .*/\1/p' | paste -sd,)
  k=$(grep -cE "$filter" "$tmp/log")
  [ "$got" = "$want" ] || problems+=("mismatching seeds [$got], expected [$want]")
  [ "$(json "$tmp/$kind.json" failed_seeds | tr -d '[] ')" = "$want" ] || problems+=("JSON failed_seeds")
  [ "$(json "$tmp/$kind.json" mismatches)" = "$k" ] || problems+=("JSON mismatches != $k")
  if [ "$k" -gt 0 ]; then
    [ "$rc" -eq 1 ] || problems+=("exit status $rc, expected 1")
    grep -q "^systolic: error: soak: $k of $gemms GEMMs mismatched; replay with --replay ${want%%,*}$" \
      "$tmp/$kind.err" || problems+=("error line: $(cat "$tmp/$kind.err")")
    [ "$(grep 'MISMATCH' "$tmp/$kind.log" | grep -vc -- "$what")" -eq 0 ] || problems+=("a message without '$what'")
  else
    problems+=("no GEMM of the clean log matches '$filter': the fault was not exercised")
  fi
  report "planted fault $kind: $k mismatching GEMMs" "${problems[@]}"
}
faulted model
expect_failures model "on port host_rdata_o" ' config 4x4[^ ]* '
faulted c-read
expect_failures c-read ", the reference " ' config 4x4[^ ]* .* host (os )?: '

# Replaying a failing seed fails again; on the product binary it passes.
first=$(json "$tmp/model.json" failed_seeds | tr -d '[] ' | cut -d, -f1)
if [ -n "$first" ]; then
  rc=0
  SYSTOLIC_SOAK_FAULT=model "$faulty" soak --replay "$first" >/dev/null 2>"$tmp/rerr" || rc=$?
  problems=()
  [ "$rc" -eq 1 ] || problems+=("exit status $rc, expected 1")
  grep -q "^systolic: error: soak: seed $first: co-simulation mismatch at cycle [0-9]* on port host_rdata_o" \
    "$tmp/rerr" || problems+=("error line")
  report "replay of a failing seed" "${problems[@]}"
  ok "replay of that seed on the product" "" "$(grep "seed $first " "$tmp/log" | sed 's/^gemm [0-9]* //')
" soak --replay "$first"
fi

echo "test_cli_soak: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
