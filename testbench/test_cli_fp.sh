#!/usr/bin/env bash
# Tests of `systolic fp`: exact outputs of add / mul / fma in fp32, fp16 and bf16 on known bit
# patterns (docs/arithmetic.md section 5), and the behaviour on bad input.
#
#   testbench/test_cli_fp.sh PATH/systolic
#
# A good input must exit 0 with exactly the expected stdout and an empty stderr. A bad input must
# exit 1 or 2 (a crash gives >= 128), print nothing on stdout and exactly one line on stderr,
# "systolic: error: ...", that names the problem.
set -uo pipefail

if [ $# -ne 1 ]; then
  echo "usage: $0 PATH/systolic" >&2
  exit 2
fi
systolic=$1
[ -x "$systolic" ] || { echo "test_cli_fp: '$systolic' is not an executable" >&2; exit 2; }

# shellcheck source=cli_harness.sh
source "$(dirname "$0")/cli_harness.sh"

nl=$'\n'

# fp32 (default format): 1+1, a tie to even, overflow, x + -x = +0, inf - inf = the canonical NaN.
ok "fp32 add" "3f800000 3f800000${nl}0x3f800000 0x33800000${nl}7f7fffff 7f7fffff${nl}3f800000 bf800000${nl}7f800000 ff800000${nl}" \
  "40000000${nl}3f800000${nl}7f800000${nl}00000000${nl}7fc00000${nl}" fp add
ok "fp32 add, --format" "3f800000 3f800000${nl}" "40000000${nl}" fp --format fp32 add
# Underflow: min normal / 2 is subnormal, min subnormal / 2 ties to +0, 0 * inf is NaN.
ok "fp32 mul" "00800000 3f000000${nl}00000001 3f000000${nl}0 7f800000${nl}" \
  "00400000${nl}00000000${nl}7fc00000${nl}" fp --format fp32 mul
# One rounding: (1+2^-23)^2 - (1+2^-22) = 2^-46 (0 if the product were rounded first).
ok "fp32 fma" "3f800001 3f800001 bf800002${nl}" "28800000${nl}" fp --format fp32 fma
ok "fp16 mul" "3c00 4000${nl}0x3C00 0X4000${nl}" "4000${nl}4000${nl}" fp --format fp16 mul
ok "fp16 add" "3c00 3c00${nl}7bff 7bff${nl}8000 8000${nl}" "4000${nl}7c00${nl}8000${nl}" \
  fp --format fp16 add
ok "fp16 fma" "3c01 3c01 bc02${nl}0 7c00 3c00${nl}" "0010${nl}7e00${nl}" fp --format fp16 fma
ok "bf16 fma" "3f81 3f81 bf82${nl}" "3880${nl}" fp --format bf16 fma
ok "bf16 add" "3f80 3f80${nl}" "4000${nl}" fp --format bf16 add
ok "bf16 mul" "3f81 3f81${nl}7f7f 4000${nl}" "3f82${nl}7f80${nl}" fp --format bf16 mul
# Comments, blank lines, tabs, leading zeros, a last line without a newline.
ok "comments and blanks" "# a b${nl}${nl}  ${nl}	00003c00	  4000 ${nl}3c00 3c00" "4200${nl}4000${nl}" \
  fp --format fp16 add
ok "empty stdin" "" "" fp --format bf16 fma

# Errors: the line is named, earlier good lines print nothing.
good="3c00 3c00${nl}"
bad "3 fields for add" "${good}3c00 3c00 3c00${nl}" "stdin line 2: expected 2 fields 'a b', got 3" \
  fp --format fp16 add
bad "2 fields for fma" "3c00 3c00 3c00${nl}3c00 3c00${nl}" "stdin line 2: expected 3 fields 'a b c', got 2" \
  fp --format fp16 fma
bad "not hex" "${good}3c00 3g00${nl}" "stdin line 2: b '3g00' is not a hex bit pattern" \
  fp --format fp16 add
bad "prefix only" "${good}0x 3c00${nl}" "stdin line 2: a '0x' is not a hex bit pattern" \
  fp --format fp16 add
bad "negative" "${good}-1 3c00${nl}" "stdin line 2: a '-1' is not a hex bit pattern" \
  fp --format fp16 add
bad "wider than fp16" "${good}3c00 13c00${nl}" "stdin line 2: b 13c00 is wider than fp16 \\(16 bits\\)" \
  fp --format fp16 add
bad "wider than fp32" "3f800000 13f800000${nl}" "stdin line 1: b 13f800000 is wider than fp32" \
  fp add
bad "line number counts comments" "# c${nl}${nl}${good}3c00${nl}" "stdin line 4: " \
  fp --format fp16 add
bad "bad format" "$good" "--format: fp64 not in {fp32,fp16,bf16}" fp --format fp64 add
bad "bad operation" "$good" "op: div not in {add,mul,fma}" fp div
bad "no operation" "$good" "op" fp --format fp16

# --stages: every stage of the datapath, in order, for 1 + (1 + 2^-23) * 2^-24: the smaller operand
# shifts out entirely into G and S (G=1, S=1: above halfway, so RNE rounds up).
ok "stages of an fp32 add" $'3f800000 33800001\n' "3f800001
  unpack        a: + exp=127 sig=0x800000 normal; b: + exp=103 sig=0x800001 normal
  exp_compare   diff=24 swap=no exp=127
  align         + exp=127 sig=0x0 G=1 R=0 S=1 (w=24)
  add           add + exp=127 sig=0x800000 G=1 R=0 S=1 (w=24)
  lzc           lzc=1
  normalize     + exp=127 sig=0x800000 G=1 R=0 S=1 (w=24) shift=0
  round         + exp=127 sig=0x800001 inexact
  pack          0x3f800001
" fp add --stages
run $'3c00 3c00 3c00\n' fp --format fp16 fma --stages
stage_names=$(printf '%s' "$out" | awk 'NR > 1 {print $1}' | tr '\n' ' ')
problems=()
[ "$rc" -eq 0 ] || problems+=("expected exit status 0")
[ "$(printf '%s' "$out" | head -1)" = "4000" ] || problems+=("expected 1 * 1 + 1 = 2 (0x4000)")
[ "$stage_names" = "unpack exp_add sig_mul prenormalize exp_compare align add lzc normalize round pack " ] ||
  problems+=("expected the 11 fma stages in order, got '$stage_names'")
report "stages of an fp16 fma" "${problems[@]}"

echo "test_cli_fp: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
