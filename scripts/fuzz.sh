#!/usr/bin/env bash
# Builds the libFuzzer targets of fuzz/ with clang++ (into build-fuzz/, or $SYSTOLIC_FUZZ_BUILD)
# and runs them from their seed corpora (fuzz/corpus/<target>/); `spec` is the Python fuzzer of the
# sweep's spec and workload loaders (fuzz/fuzz_spec.py, no build).
#   scripts/fuzz.sh [--seconds N] [TARGET ...]   TARGET: npy, cli, onnx, spec (default: all)
# Each target runs N seconds (default 60) on a fresh copy of its corpus in a temporary directory,
# then its line "fuzz_<target>: N runs, N per second, coverage N, corpus N, crashes N[, slow
# units N]" is printed.
# Exit status 1 when a target crashed (the reproducer is kept in build-fuzz/crashes/<target>/) or
# a build failed, 2 on a bad command line.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SYSTOLIC_FUZZ_BUILD:-$root/build-fuzz}
seconds=60
targets=()
while [ $# -gt 0 ]; do
  case $1 in
    --seconds)
      [ $# -ge 2 ] && [[ $2 =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] ||
        { echo "fuzz.sh: --seconds needs a positive integer" >&2; exit 2; }
      seconds=$2
      shift 2
      ;;
    npy | cli | onnx | spec) targets+=("$1"); shift ;;
    *) echo "fuzz.sh: unknown argument '$1' (targets: npy, cli, onnx, spec)" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -gt 0 ] || targets=(npy cli onnx spec)
native=()
for t in "${targets[@]}"; do [ "$t" = spec ] || native+=("fuzz_$t"); done

mkdir -p "$build"
if [ ${#native[@]} -gt 0 ]; then
  command -v clang++ >/dev/null ||
    { echo "fuzz.sh: clang++ missing (scripts/install-deps.sh)" >&2; exit 1; }
  cmake -S "$root/fuzz" -B "$build" -G Ninja -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >"$build/configure.log" 2>&1 ||
    { cat "$build/configure.log"; echo "fuzz.sh: configure failed" >&2; exit 1; }
  ninja -C "$build" "${native[@]}" >"$build/build.log" 2>&1 ||
    { tail -40 "$build/build.log"; echo "fuzz.sh: build failed" >&2; exit 1; }
fi

status=0
for t in "${targets[@]}"; do
  work=$(mktemp -d)
  cp -r "$root/fuzz/corpus/$t" "$work/corpus"
  crashes=$build/crashes/$t
  mkdir -p "$crashes"
  log=$work/log
  rc=0
  # Findings: crash-, leak-, timeout- and oom- artifacts (fuzz_spec: crash-). A slow-unit-
  # artifact (an input that ran over 10 s, on a loaded machine too) is reported apart and re-run
  # below to show its time.
  if [ "$t" = spec ]; then
    # Prints its own line (with its seed; SYSTOLIC_SEED replays one).
    /usr/bin/python3 "$root/fuzz/fuzz_spec.py" --seconds "$seconds" --corpus "$work/corpus" \
      --crashes "$crashes" ${SYSTOLIC_SEED:+--seed "$SYSTOLIC_SEED"} >"$log" 2>&1 || rc=$?
    cat "$log"
    found=$(find "$crashes" -type f | wc -l)
  else
    "$build/fuzz_$t" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 -artifact_prefix="$crashes/" "$work/corpus" >"$log" 2>&1 || rc=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
    speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log")
    cov=$(grep -ao 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
    corpus=$(find "$work/corpus" -type f | wc -l)
    found=$(find "$crashes" -type f ! -name 'slow-unit-*' | wc -l)
    slow=$(find "$crashes" -type f -name 'slow-unit-*' | wc -l)
    echo "fuzz_$t: ${runs:-0} runs, ${speed:-0} per second, coverage ${cov:-0}, corpus $corpus, crashes $found, slow units $slow"
    for s in $(find "$crashes" -type f -name 'slow-unit-*'); do
      t0=$(date +%s%N)
      "$build/fuzz_$t" "$s" >/dev/null 2>&1 || { echo "fuzz.sh: the slow unit $s fails when re-run" >&2; status=1; }
      echo "  slow unit $(basename "$s") re-run alone: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
    done
  fi
  if [ "$rc" -ne 0 ] || [ "$found" -ne 0 ]; then
    grep -aE "ERROR|fuzz_[a-z]+:|SUMMARY|==[0-9]+==" "$log" | head -20
    echo "fuzz.sh: fuzz_$t found a problem (exit $rc); reproducers in $crashes" >&2
    status=1
  fi
  rm -rf "$work"
done
exit $status
