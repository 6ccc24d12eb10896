# Shared harness of the CLI shell tests (sourced; needs $systolic set): run, ok, bad, report,
# and the counters passed/failed. The caller prints its "N passed, M failed" line.
# shellcheck shell=bash

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0
failed=0

# run STDIN ARGS...: runs systolic with STDIN (a string, given exactly; "" = empty) on its standard
# input; sets rc, out and err.
run() {
  local input=$1
  shift
  printf '%s' "$input" >"$tmp/in"
  rc=0
  timeout 10 "$systolic" "$@" <"$tmp/in" >"$tmp/out" 2>"$tmp/err" || rc=$?
  out=$(cat "$tmp/out"; echo x)  # keep trailing newlines
  out=${out%x}
  err=$(cat "$tmp/err"; echo x)
  err=${err%x}
}

report() {  # report NAME PROBLEM...; empty PROBLEM = pass
  local name=$1
  shift
  if [ $# -eq 0 ]; then
    passed=$((passed + 1))
    return
  fi
  failed=$((failed + 1))
  echo "FAIL: $name"
  local p
  for p in "$@"; do echo "    $p"; done
  printf '    exit status: %s\n    stdout: %q\n    stderr: %q\n' "$rc" "$out" "$err"
}

# ok NAME STDIN EXPECTED_STDOUT ARGS...: exit 0, stdout exactly EXPECTED_STDOUT, stderr empty.
ok() {
  local name=$1 input=$2 want=$3
  shift 3
  run "$input" "$@"
  local problems=()
  [ "$rc" -eq 0 ] || problems+=("expected exit status 0")
  [ "$out" = "$want" ] || problems+=("expected stdout $(printf '%q' "$want")")
  [ -z "$err" ] || problems+=("expected an empty stderr")
  report "$name: systolic $*" "${problems[@]}"
}

# bad NAME STDIN ERE ARGS...: exit 1 or 2, empty stdout, one stderr line "systolic: error: ..."
# matching the extended regular expression ERE.
bad() {
  local name=$1 input=$2 ere=$3
  shift 3
  run "$input" "$@"
  local problems=()
  if [ "$rc" -eq 0 ]; then
    problems+=("expected a failure exit status, got 0")
  elif [ "$rc" -ge 124 ]; then
    problems+=("crashed, hung or was killed (exit status $rc), expected 1 or 2")
  elif [ "$rc" -ne 1 ] && [ "$rc" -ne 2 ]; then
    problems+=("expected exit status 1 or 2")
  fi
  [ -z "$out" ] || problems+=("expected an empty stdout")
  local lines
  lines=$(printf '%s' "$err" | wc -l)
  if [ "$lines" -ne 1 ] || [ "${err: -1}" != $'\n' ]; then
    problems+=("expected exactly one line on stderr")
  fi
  [[ $err == "systolic: error: "* ]] || problems+=("expected stderr to start with 'systolic: error: '")
  grep -Eq -- "$ere" <<<"$err" || problems+=("expected stderr to match /$ere/")
  report "$name: systolic $*" "${problems[@]}"
}

