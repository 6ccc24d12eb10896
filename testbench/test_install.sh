#!/usr/bin/env bash
# The installed testbench kit: `cmake --install` into a fresh prefix, then the out-of-tree example
# (examples/testbench-cpp) configured with find_package(systolic), built and run.
#   testbench/test_install.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=${1:?usage: test_install.sh BUILD_DIR SOURCE_DIR}
src=${2:?usage: test_install.sh BUILD_DIR SOURCE_DIR}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cmake --install "$build" --prefix "$tmp/prefix" >"$tmp/install.log"
test -f "$tmp/prefix/lib/cmake/systolic/systolicConfig.cmake"
test -f "$tmp/prefix/include/systolic/host_driver.h"
cmake -S "$src/examples/testbench-cpp" -B "$tmp/tb" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$tmp/prefix" >"$tmp/configure.log"
cmake --build "$tmp/tb" >"$tmp/build.log" || { cat "$tmp/build.log"; exit 1; }
"$tmp/tb/directed_tb"
cmake -S "$src/examples/testbench-systemc" -B "$tmp/tlm" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$tmp/prefix" >"$tmp/configure2.log"
cmake --build "$tmp/tlm" >"$tmp/build2.log" || { cat "$tmp/build2.log"; exit 1; }
for run in "model lt" "rtl lt" "lockstep lt" "lockstep sync"; do
  # shellcheck disable=SC2086
  "$tmp/tlm/tlm_tb" $run | tee "$tmp/tlm.log"
  grep -q "tlm_tb: passed" "$tmp/tlm.log"
done
echo "test_install: passed"
