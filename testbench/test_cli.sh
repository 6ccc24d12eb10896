#!/usr/bin/env bash
# Tests of the `systolic` command line: exact outputs of quantize / multiplier / requant on the
# vectors of docs/arithmetic.md, and the behaviour on bad input.
#
#   testbench/test_cli.sh PATH/systolic [quantize|multiplier|requant|errors ...]
#
# With no group every group runs. A good input must exit 0 with exactly the expected stdout and an
# empty stderr. A bad input must exit 1 or 2 (a crash gives >= 128), print nothing on stdout and
# exactly one line on stderr, "systolic: error: ...", that names the problem.
set -uo pipefail

if [ $# -lt 1 ]; then
  echo "usage: $0 PATH/systolic [quantize|multiplier|requant|errors ...]" >&2
  exit 2
fi
systolic=$1
shift
groups=("$@")
[ ${#groups[@]} -gt 0 ] || groups=(quantize multiplier requant errors)
[ -x "$systolic" ] || { echo "test_cli: '$systolic' is not an executable" >&2; exit 2; }

# shellcheck source=cli_harness.sh
source "$(dirname "$0")/cli_harness.sh"

nl=$'\n'

group_quantize() {
  # Seed vectors of arithmetic.md section 1.
  ok "seed int8" "" "-78 -17 0 42 127${nl}-2.34 -0.51 0 1.26 3.81${nl}" \
    quantize --bits 8 --scale 0.03 -- -2.35 -0.5 0 1.25 3.8
  ok "seed int4" "" "-5 -1 0 3 7${nl}-2.5 -0.5 0 1.5 3.5${nl}" \
    quantize --bits 4 --scale 0.5 -- -2.35 -0.5 0 1.25 3.8
  ok "seed tie away from zero" "" "-3${nl}-1.5${nl}" quantize --scale 0.5 -- -1.25
  ok "tie away from zero, positive" "" "3${nl}1.5${nl}" quantize --scale 0.5 -- 1.25
  ok "zero point" "" "-128 -1 10 127${nl}-69 -5.5 0 58.5${nl}" \
    quantize --scale 0.5 --zero-point 10 -- -100 -5.5 0 100
  ok "narrow range" "" "-127 127${nl}-127 127${nl}" quantize --narrow --scale 1 -- -200 200
  ok "int16 and infinities" "" "-32768 32767${nl}-32768 32767${nl}" \
    quantize --bits 16 --scale 1 -- -inf inf
}

group_multiplier() {
  # Examples of arithmetic.md section 3.
  ok "spec examples" "" "1073741824 1${nl}2013265920 -8${nl}" multiplier 1.0 0.003662109375
  ok "spec examples, single" "" "1073741824 1${nl}2013265920 -8${nl}" \
    multiplier --rounding single 1.0 0.003662109375
  ok "zero" "" "0 0${nl}" multiplier 0
  ok "flush below 2^-32" "" "1073741824 -31${nl}0 0${nl}" multiplier 2.3283064365386963e-10 1e-12
  ok "largest double-rounding shift" "" "1073741824 30${nl}" multiplier 536870912
}

group_requant() {
  # Self-check of arithmetic.md section 4: M0 = 2^30, shift -1.
  local selfcheck="5 0 1073741824 -1 0${nl}-6 0 1073741824 -1 0${nl}"
  ok "self-check double (default)" "$selfcheck" "2${nl}-2${nl}" requant
  ok "self-check double" "$selfcheck" "2${nl}-2${nl}" requant --rounding double
  ok "self-check single" "$selfcheck" "1${nl}-1${nl}" requant --rounding single
  # Wrapping add, bounds, comments and blank lines (expected values from the spec formulas).
  local more="# acc bias M0 shift zp_out [act_min act_max]${nl}${nl}"
  more+="-2147483648 0 2147483647 0 0${nl}"      # INT32_MIN accumulator
  more+="2147483647 1 1073741824 0 0${nl}"       # acc + bias wraps to INT32_MIN
  more+="100 -20 1073741824 0 10 -3 50${nl}"     # 7 fields: upper bound
  more+="-300 0 1073741824 0 0 0 127${nl}"       # ReLU lower bound
  more+="	3  0	2147483647 30 0${nl}"         # tabs, double blanks; x = 3 << 30 wraps
  more+="1073741824 0 2147483647 -31 0"            # last line without a newline
  ok "corners double" "$more" "-128${nl}-128${nl}50${nl}0${nl}-128${nl}1${nl}" requant
  ok "corners single" "$more" "-128${nl}-128${nl}50${nl}0${nl}127${nl}0${nl}" \
    requant --rounding single
  ok "empty stdin" "" "" requant
  ok "only comments and blank lines" "# nothing${nl}${nl}   ${nl}" "" requant
}

group_errors() {
  # quantize
  bad "value not a number" "" "value 2 'abc'" quantize --scale 0.5 -- 1 abc
  bad "scale not a number" "" "--scale 'abc'" quantize --scale abc -- 1
  bad "scale 0" "" "--scale 0" quantize --scale 0 -- 1
  bad "scale -1" "" "--scale -1" quantize --scale -1 -- 1
  bad "scale nan" "" "--scale.*NaN" quantize --scale nan -- 1
  bad "scale inf" "" "--scale inf" quantize --scale inf -- 1
  bad "scale underflows float32" "" "--scale 1e-50" quantize --scale 1e-50 -- 1
  bad "bits 1" "" "--bits 1 " quantize --bits 1 --scale 1 -- 1
  bad "bits 17" "" "--bits 17 " quantize --bits 17 --scale 1 -- 1
  bad "bits not an integer" "" "--bits" quantize --bits abc --scale 1 -- 1
  bad "value with junk" "" "value 1 '12abc'" quantize --scale 1 -- 12abc
  bad "value nan" "" "value 1.*NaN" quantize --scale 1 -- nan
  bad "zero point outside range" "" "--zero-point 200" quantize --scale 1 --zero-point 200 -- 1
  bad "no values" "" "values" quantize --scale 1
  bad "no scale" "" "--scale" quantize -- 1

  # multiplier
  bad "multiplier -1" "" "multiplier 1 '-1'" multiplier -1
  bad "multiplier -1 after --" "" "multiplier 2 '-1'" multiplier -- 1 -1
  bad "multiplier nan" "" "multiplier 1.*NaN" multiplier nan
  bad "multiplier inf" "" "multiplier 1 'inf'" multiplier inf
  bad "multiplier not a number" "" "multiplier 1 'abc'" multiplier abc
  bad "multiplier with junk" "" "multiplier 1 '12abc'" multiplier 12abc
  bad "multiplier 1e30 double" "" "multiplier 2 '1e30'.*shift 100" multiplier 1 1e30
  bad "multiplier rounds up to shift 31" "" "shift 31" multiplier 1073741823.9
  bad "bad rounding mode" "" "--rounding: half not in {double,single}" multiplier --rounding half 1
  ok "multiplier 1e30 single saturates" "" "2147483647 30${nl}" multiplier --rounding single 1e30

  # requant: the error names the line; earlier good lines print nothing.
  local good="5 0 1073741824 -1 0${nl}"
  bad "shift 31" "${good}5 0 1073741824 31 0${nl}" "line 2: shift 31 " requant
  bad "shift -32" "${good}5 0 1073741824 -32 0${nl}" "line 2: shift -32 " requant
  bad "negative M0" "${good}5 0 -1 0 0${nl}" "line 2: M0 -1 " requant
  bad "M0 2^31" "${good}5 0 2147483648 0 0${nl}" "line 2: M0 2147483648 " requant
  bad "4 fields" "${good}5 0 1073741824 0${nl}" "line 2: expected 5 or 7 fields.*got 4" requant
  bad "6 fields" "${good}5 0 1073741824 0 0 -128${nl}" "line 2: expected 5 or 7 fields.*got 6" \
    requant
  bad "8 fields" "${good}5 0 1073741824 0 0 -128 127 1${nl}" \
    "line 2: expected 5 or 7 fields.*got 8" requant
  bad "act_min > act_max" "${good}5 0 1073741824 0 0 10 -10${nl}" "line 2: act_min 10 > act_max -10" \
    requant
  bad "acc with junk" "${good}12abc 0 1073741824 0 0${nl}" "line 2: acc '12abc'" requant
  bad "acc not a number" "${good}abc 0 1073741824 0 0${nl}" "line 2: acc 'abc'" requant
  bad "acc above int32" "${good}2147483648 0 1073741824 0 0${nl}" "line 2: acc 2147483648 " requant
  bad "zp_out outside int8" "${good}5 0 1073741824 0 128${nl}" "line 2: zp_out 128 " requant
  bad "act_max outside int8" "${good}5 0 1073741824 0 0 -128 128${nl}" "line 2: act_max 128 " \
    requant
  bad "line number counts comments" "# c${nl}${nl}${good}5 0 1073741824 0 0 0${nl}" "line 4: " \
    requant
  bad "bad rounding mode" "$good" "--rounding: half not in {double,single}" requant --rounding half
  bad "unexpected argument" "$good" "extra" requant extra

  # Seeds: a decimal integer in 0 .. 2^64 - 1, neither wrapped nor saturated.
  bad "seed -1" "" "--seed: a seed is an integer in 0 .. 18446744073709551615, not '-1'" \
    run --engine model --seed -1
  bad "seed 2^64" "" "not '18446744073709551616'" run --engine model --seed 18446744073709551616
  bad "seed 1e3" "" "not '1e3'" compare --seed 1e3
  # A 100 kB bad argument is echoed cut to 180 characters.
  local huge
  huge=$(printf '%100000s' '' | tr ' ' 'x')
  bad "huge token echoed capped" "" "not expected: x{180}\.\.\.\(99820 more\)" run "$huge"
  [ "${#err}" -lt 400 ] || report "huge token: stderr under 400 bytes" "stderr is ${#err} bytes"

  # Error lines are printable: an echoed escape byte shows as \x1b (found by fuzz_cli).
  local esc=$'\x1b'
  bad "escape byte echoed printable" "3f80${esc}[2J 4000${nl}" \
    "a '3f80\\\\x1b\\[2J' is not a hex bit pattern" fp --format fp16 add

  # Bounded stdin readers: a line over 4096 bytes, and an endless stdin without a newline, are one
  # error each (an unbounded reader exhausts memory); a last line without a newline still counts.
  local long
  long=$(printf '%4097s' '')
  bad "line over 4096 bytes" "${good}${long}1${nl}" "line 2: longer than 4096 bytes" requant
  bad "fp line over 4096 bytes" "${long}3c00${nl}" "line 1: longer than 4096 bytes" fp --format fp16 add
  ok "last line without a newline" "5 0 1073741824 0 0" "3${nl}" requant  # 5 x 2^30 / 2^31 = 2.5
  local cmd
  for cmd in "requant" "fp --format fp32 add"; do
    rc=0
    # shellcheck disable=SC2086
    timeout 10 "$systolic" $cmd </dev/zero >"$tmp/out" 2>"$tmp/err" || rc=$?
    out=$(cat "$tmp/out")
    err=$(cat "$tmp/err")
    if [ "$rc" -eq 1 ] && [ -z "$out" ] && [ "$(wc -l <"$tmp/err")" -eq 1 ] &&
      grep -q "^systolic: error: stdin line 1: longer than 4096 bytes" "$tmp/err"; then
      report "endless stdin: systolic $cmd"
    else
      report "endless stdin: systolic $cmd" "expected exit 1 and one error line"
    fi
  done
}

for g in "${groups[@]}"; do
  case $g in
    quantize | multiplier | requant | errors) "group_$g" ;;
    *) echo "test_cli: unknown group '$g'" >&2; exit 2 ;;
  esac
done

echo "test_cli (${groups[*]}): $passed passed, $failed failed"
[ "$failed" -eq 0 ]
