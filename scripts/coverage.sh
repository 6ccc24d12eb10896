#!/usr/bin/env bash
# Verilator coverage (line, toggle and the RTL's SYS_COVER points) over the ctest suite:
#   scripts/coverage.sh [--no-build] [CTEST_ARGS...]
# Configures build-cov/ (or $SYSTOLIC_COVERAGE_BUILD) with -DSYSTOLIC_COVERAGE=ON (every RTL
# configuration verilated with --coverage; the array configurations of the default build but
# 32x32, whose toggle coverage would dominate the build time), builds it, runs ctest (all tests,
# or those CTEST_ARGS select) with each process writing its counts to coverage/raw/, then
#   - merges them with verilator_coverage: coverage/all.dat, and per systolic_top configuration
#     family coverage/4x4.dat and coverage/16x16.dat;
#   - annotates the sources: coverage/annotated/ (verilator_coverage --annotate, lines run fewer
#     than once marked %000000);
#   - prints the per-module summary (scripts/coverage_report.py): line and toggle coverage per
#     RTL module for all builds, for the 4x4 and the 16x16 systolic_top, and every cover point's
#     count; coverage/summary.md keeps it.
# Exit status 1 when the build, a test, or a target of coverage_report.py fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${SYSTOLIC_COVERAGE_BUILD:-$root/build-cov}
do_build=1
if [ "${1:-}" = "--no-build" ]; then do_build=0; shift; fi
if [ $do_build -eq 1 ]; then
  mkdir -p "$build"
  cmake -S "$root" -B "$build" -G Ninja -DSYSTOLIC_COVERAGE=ON -DSYSTOLIC_BUILD_PYTHON=OFF \
    "-DSYSTOLIC_RTL_CONFIGS=4x4;8x8;16x16;8x16;4x4:WeightBanks=1;8x8:AWords=128,BWords=256,CWords=64,QWords=4" \
    >"$build/configure.log" 2>&1 || { cat "$build/configure.log"; echo "coverage.sh: configure failed" >&2; exit 1; }
  ninja -C "$build" || { echo "coverage.sh: build failed" >&2; exit 1; }
fi
out=$build/coverage
rm -rf "$out"
mkdir -p "$out/raw"
status=0
SYSTOLIC_COVERAGE_DIR=$out/raw ctest --test-dir "$build" --output-on-failure -j2 -LE "fuzz|python" "$@" ||
  { echo "coverage.sh: some tests failed (coverage below counts what ran)" >&2; status=1; }
shopt -s nullglob
all=("$out"/raw/*.dat)
[ ${#all[@]} -gt 0 ] || { echo "coverage.sh: no coverage file was written" >&2; exit 1; }
verilator_coverage --write "$out/all.dat" "${all[@]}"
for fam in 4x4 16x16; do
  files=("$out"/raw/Vsystolic_top_"$fam"-*.dat "$out"/raw/Vsystolic_top_"$fam"_*-*.dat)
  [ ${#files[@]} -gt 0 ] && verilator_coverage --write "$out/$fam.dat" "${files[@]}"
done
verilator_coverage --annotate "$out/annotated" --annotate-min 1 "$out/all.dat" >/dev/null
/usr/bin/python3 "$root/scripts/coverage_report.py" --root "$root" --all "$out/all.dat" \
  --family 4x4="$out/4x4.dat" --family 16x16="$out/16x16.dat" | tee "$out/summary.md" ||
  status=1
exit $status
