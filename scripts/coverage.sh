#!/usr/bin/env bash
# Verilator coverage (line, toggle and the RTL's SYS_COVER points) over the ctest suite:
#   scripts/coverage.sh [--no-build] [--rtl-only] [--extreme] [CTEST_ARGS...]
# Configures build-cov/ (or $SYSTOLIC_COVERAGE_BUILD) with -DSYSTOLIC_COVERAGE=ON (Verilator
# --coverage with --coverage-max-width 65536, so that toggle coverage counts every signal;
# every RTL configuration up to 8 rows and columns, or up to $SYSTOLIC_COVERAGE_MAX_DIM, but the
# traced ones verilated with --coverage: the coverage code of a 16x16 array compiles many times
# slower; the larger configurations are built without it, so that every test still runs; with
# SYSTOLIC_COVERAGE_MAX_DIM=16 the 16x16 family is instrumented and reported too, with a 16x16
# of 4-bit PEs and both dataflows and one of small scratchpads beside the default 16x16; a 4x4
# with 4-bit PEs and both dataflows is among them, so that the w4a8 / w4a4 and output-stationary
# cases run, and a 4x4 of small scratchpads whose plans take blocks, K-chunks and the B
# prefetch at sizes the tests reach), builds it, runs ctest (all tests, or those CTEST_ARGS
# select) with each process writing its counts to coverage/raw/, then
#   - merges them with verilator_coverage: coverage/all.dat, and per systolic_top configuration
#     family coverage/4x4.dat, coverage/8x8.dat (and coverage/16x16.dat when instrumented); a
#     family also counts its blocks' lockstep builds with the same parameters (t4x4, t16x16:
#     cmake/rtl_configs.cmake, systolic_top_block_config), whose toggle points are the same;
#   - annotates the sources: coverage/annotated/ (verilator_coverage --annotate, lines run fewer
#     than once marked %000000);
#   - prints the per-module summary (scripts/coverage_report.py): line and toggle coverage per
#     RTL module for all builds, for the 4x4, 8x8 (and 16x16) systolic_top, and every cover point's
#     count; coverage/summary.md keeps it.
# --rtl-only builds and runs only the Catch2 test programs that drive verilated RTL (the engine,
# the blocks, the DMA, the co-simulation, the assertions): the RTL's coverage comes from them, and
# the rest of the suite (CLI, sweeps, Icarus, Yosys, Python) adds little to it.
# --extreme also runs the hidden heavy cases test_engine_rtl "[extreme]" and test_dma
# "[extreme]" (host and memory commands of M, N or K of 2^24 - 1 on the 4x4 and 16x16 builds,
# output-stationary ones on the builds with both dataflows, the 16x16 one with
# SYSTOLIC_COVERAGE_MAX_DIM=16, the memory commands' tensors at the top of the 32-bit memory;
# one process per hidden case and instrumented build, two at a time; hours of CPU at 4x4, many
# more with the 16x16 family),
# whose commands toggle the 24-bit dimension counters, the DMA's walk registers and the address
# bits; and the blocks' hidden cases test_tile_ctrl "[extreme]", test_os_ctrl "[extreme]"
# (commands of 2^24 - 1 columns, rows or K run to their end in lockstep with the twins, once each
# over all their builds) and test_dma_unit "[extreme]" (the t4x4 DMA, and the t16x16 one with the
# 16x16 family, streamed under the model engine's memory commands of that size, one process
# each): minutes to an hour and a half instrumented, where the same counters take many hours in
# a whole engine.
# Exit status 1 when the build, a test, or a target of coverage_report.py fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SYSTOLIC_COVERAGE_BUILD:-$root/build-cov}
do_build=1
if [ "${1:-}" = "--no-build" ]; then do_build=0; shift; fi
rtl_tests=(test_requant test_pe_array test_tile_ctrl test_os_ctrl test_systolic_regs test_acc_stage test_dma_unit
           test_dma test_engine_rtl test_cosim test_assertions)
targets=()
ctest_sel=()
if [ "${1:-}" = "--rtl-only" ]; then
  shift
  targets=("${rtl_tests[@]}")
  ctest_sel=(-R "^($(IFS='|'; echo "${rtl_tests[*]}")):")
fi
extreme=0
if [ "${1:-}" = "--extreme" ]; then extreme=1; shift; fi
max_dim=${SYSTOLIC_COVERAGE_MAX_DIM:-8}
[[ $max_dim =~ ^[0-9]+$ ]] || { echo "coverage.sh: SYSTOLIC_COVERAGE_MAX_DIM must be a number" >&2; exit 2; }
# The 4x4 family: the standard build, one weight bank, 4-bit PEs with both dataflows, and small
# scratchpads whose plans take blocks, K-chunks, both loop orders and the B prefetch (QWords = 8:
# panels of a whole 16-byte beat) at sizes a test reaches.
configs="4x4;8x8;16x16;8x16;4x4:WeightBanks=1;8x8:AWords=128,BWords=256,CWords=64,QWords=4;4x4:Int4=1,Dataflow=3"
configs+=";4x4:AWords=64,BWords=256,CWords=32,QWords=8"
# The 16x16 family as the 4x4 one: its output-stationary / 4-bit ports and its small-scratchpad
# plans (blocks, both loop orders, the B prefetch) have a build to run on.
if [ "$max_dim" -ge 16 ]; then
  configs+=";16x16:Int4=1,Dataflow=3;16x16:AWords=256,BWords=1024,CWords=128,QWords=8"
fi
if [ $do_build -eq 1 ]; then
  mkdir -p "$build"
  cmake -S "$root" -B "$build" -G Ninja -DSYSTOLIC_COVERAGE=ON -DSYSTOLIC_BUILD_PYTHON=OFF \
    -DSYSTOLIC_COVERAGE_MAX_DIM="$max_dim" \
    "-DSYSTOLIC_RTL_CONFIGS=$configs" \
    >"$build/configure.log" 2>&1 || { cat "$build/configure.log"; echo "coverage.sh: configure failed" >&2; exit 1; }
  ninja -C "$build" "${targets[@]}" || { echo "coverage.sh: build failed" >&2; exit 1; }
fi
out=$build/coverage
rm -rf "$out"
mkdir -p "$out/raw"
status=0
SYSTOLIC_COVERAGE_DIR=$out/raw ctest --test-dir "$build" --output-on-failure -j2 -LE "fuzz|python" \
  "${ctest_sel[@]}" "$@" ||
  { echo "coverage.sh: some tests failed (coverage below counts what ran)" >&2; status=1; }
if [ $extreme -eq 1 ]; then
  # One process per hidden case, program and instrumented build (SYSTOLIC_EXTREME_CONFIG,
  # testbench/extreme_select.h), two at a time; the builds above max_dim are not instrumented
  # and skipped. A case that does not take a build warns and passes. Logs:
  # coverage/extreme-*.log.
  jobs_=()
  IFS=';' read -ra cfgs <<<"$configs"
  for prog in test_engine_rtl test_dma; do
    mapfile -t names < <("$build/testbench/$prog" --list-test-names-only "[extreme]" |
      grep -v '^$')
    [ ${#names[@]} -gt 0 ] || { echo "coverage.sh: $prog lists no [extreme] case" >&2; exit 1; }
    for cfg in "${cfgs[@]}"; do
      dims=${cfg%%:*}
      if [ "${dims%x*}" -le "$max_dim" ] && [ "${dims#*x}" -le "$max_dim" ]; then
        for i in "${!names[@]}"; do jobs_+=("$prog|$cfg|$i|${names[$i]}"); done
      fi
    done
  done
  run_extreme() {
    local prog cfg i name
    IFS='|' read -r prog cfg i name <<<"$1"
    local log=$out/extreme-$prog-$i-$(tr ':,=' '___' <<<"$cfg").log
    # (a comma in a Catch2 test name separates patterns unless escaped)
    local env_=(SYSTOLIC_COVERAGE_DIR=$out/raw)
    [ -z "$cfg" ] || env_+=(SYSTOLIC_EXTREME_CONFIG=$cfg)
    if env "${env_[@]}" "$build/testbench/$prog" "${name//,/\\,}" >"$log" 2>&1; then
      echo "coverage.sh: $prog \"$name\" on ${cfg:-every build} passed"
    else
      echo "coverage.sh: $prog \"$name\" on ${cfg:-every build} failed (coverage below counts what ran): $log" >&2
      return 1
    fi
  }
  # The blocks' extremes: tile_ctrl's and os_ctrl's on every build in one process (minutes);
  # the DMA's once per family (t4x4, and t16x16 when instrumented), side by side.
  for prog in test_tile_ctrl test_os_ctrl; do jobs_+=("$prog||0|[extreme]"); done
  jobs_+=("test_dma_unit|t4x4|0|[extreme]")
  [ "$max_dim" -lt 16 ] || jobs_+=("test_dma_unit|t16x16|0|[extreme]")
  running=0
  for job in "${jobs_[@]}"; do
    if [ $running -ge 2 ]; then
      wait -n || status=1
      running=$((running - 1))
    fi
    run_extreme "$job" &
    running=$((running + 1))
  done
  while [ $running -gt 0 ]; do
    wait -n || status=1
    running=$((running - 1))
  done
fi
shopt -s nullglob
all=("$out"/raw/*.dat)
[ ${#all[@]} -gt 0 ] || { echo "coverage.sh: no coverage file was written" >&2; exit 1; }
verilator_coverage --write "$out/all.dat" "${all[@]}"
fam_args=()
for fam in 4x4 8x8 16x16; do
  files=("$out"/raw/Vsystolic_top_"$fam"-*.dat "$out"/raw/Vsystolic_top_"$fam"_*-*.dat)
  if [ ${#files[@]} -gt 0 ]; then
    files+=("$out"/raw/V*_t"$fam"-*.dat)
    verilator_coverage --write "$out/$fam.dat" "${files[@]}"
    fam_args+=(--family "$fam=$out/$fam.dat")
  elif [ "$fam" != 16x16 ]; then
    fam_args+=(--family "$fam=$out/$fam.dat")  # missing: coverage_report.py says so and fails
  fi
done
verilator_coverage --annotate "$out/annotated" --annotate-min 1 "$out/all.dat" >/dev/null
/usr/bin/python3 "$root/scripts/coverage_report.py" --root "$root" --all "$out/all.dat" \
  "${fam_args[@]}" | tee "$out/summary.md" ||
  status=1
exit $status
