#!/usr/bin/env bash
# expect_output.sh ERE COMMAND [ARGS...]: runs COMMAND, shows its output, and fails unless it exits
# 0 and some line of its standard output matches the extended regular expression ERE.
# (ctest's PASS_REGULAR_EXPRESSION alone would ignore the exit status.)
set -uo pipefail
if [ $# -lt 2 ]; then
  echo "usage: $0 ERE COMMAND [ARGS...]" >&2
  exit 2
fi
ere=$1
shift
out=$(mktemp)
trap 'rm -f "$out"' EXIT
status=0
"$@" >"$out" || status=$?
cat "$out"
if [ "$status" -ne 0 ]; then
  echo "expect_output: FAILED: '$*' exited with status $status" >&2
  exit 1
fi
if ! grep -Eq -- "$ere" "$out"; then
  echo "expect_output: FAILED: no output line of '$*' matches /$ere/" >&2
  exit 1
fi
