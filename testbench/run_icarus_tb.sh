#!/usr/bin/env bash
# Compiles one self-checking SystemVerilog testbench with every RTL file in Icarus (-g2012), runs
# it, and passes only if the compile succeeds, vvp exits 0 and prints "<tb>: N passed, 0 failed".
# The image is rebuilt from scratch each time (a failed compile never runs an old image).
# SYSTOLIC_SEED=N (0 .. 2^32-1, or =random) replaces the testbench's default stimulus seed (+seed);
# the testbench prints the seed it used.
#   testbench/run_icarus_tb.sh TB WORKDIR [-P TB.Param=Value ...]
set -euo pipefail
tb=${1:?usage: run_icarus_tb.sh TB WORKDIR [iverilog options]}
work=${2:?usage: run_icarus_tb.sh TB WORKDIR [iverilog options]}
shift 2
root=$(cd "$(dirname "$0")/.." && pwd)
seed_args=()
if [ -n "${SYSTOLIC_SEED:-}" ]; then
  seed=$SYSTOLIC_SEED
  [ "$seed" = random ] && seed=$(( (RANDOM << 15) | RANDOM ))
  if ! [[ $seed =~ ^[0-9]{1,10}$ ]] || [ "$seed" -gt 4294967295 ]; then
    echo "run_icarus_tb: SYSTOLIC_SEED '$SYSTOLIC_SEED' is not an integer in 0 .. 4294967295"
    exit 2
  fi
  seed_args=("+seed=$seed")
fi
mkdir -p "$work"
rm -f "$work/$tb.vvp"
# The package first (the modules refer to systolic_pkg::), then every module.
sources=("$root/rtl/systolic_pkg.sv")
for f in "$root"/rtl/*.sv; do
  [ "$f" = "$root/rtl/systolic_pkg.sv" ] || sources+=("$f")
done
# Icarus 11 says "sorry" about constant selects in always_* processes it handles anyway; that
# line is filtered from the log, everything else is shown, and its exit status decides.
if ! iverilog -g2012 -I "$root/rtl" -o "$work/$tb.vvp" -s "$tb" "$@" "${sources[@]}" \
    "$root/testbench/$tb.sv" >"$work/iverilog.log" 2>&1; then
  sed "/sorry: constant selects in always_\* processes/d" "$work/iverilog.log"
  echo "run_icarus_tb: $tb did not compile"
  exit 1
fi
sed "/sorry: constant selects in always_\* processes/d" "$work/iverilog.log"
out=$(cd "$work" && vvp -n "$tb.vvp" "${seed_args[@]}" 2>&1) || { echo "$out"; echo "run_icarus_tb: vvp failed"; exit 1; }
grep -m1 "seed" <<<"$out" || echo "run_icarus_tb: $tb printed no seed line"
echo "$out" | tail -5
if grep -q "assertion .* failed" <<<"$out"; then
  echo "run_icarus_tb: an RTL assertion failed"
  exit 1
fi
grep -Eq "^$tb: [0-9]+ passed, 0 failed$" <<<"$out" || { echo "run_icarus_tb: no pass line"; exit 1; }
