#!/usr/bin/env bash
# Icarus Verilog run of rtl/requant.sv: generate vectors, compile tb_requant.sv, simulate, and
# fail unless every vector passed.
#
#   testbench/run_icarus.sh --gen PATH/gen_requant_vectors --workdir DIR \
#       --rounding double|single|mixed --rounding-param 0|1|2 --pipe-depth N --count N --seed S
#
# SYSTOLIC_SEED=N (or =random) overrides --seed, as for the Catch2 tests. The seed is printed;
# rerun with it to replay a failure. Files are left in --workdir (vectors.hex, tb.vvp, vvp.log).
set -euo pipefail

die() {
  echo "run_icarus: FAILED: $*" >&2
  exit 1
}

gen="" workdir="" rounding="" rparam="" depth="" count="" seed=""
while [ $# -gt 0 ]; do
  [ $# -ge 2 ] || die "option $1 needs a value"
  case $1 in
    --gen) gen=$2 ;;
    --workdir) workdir=$2 ;;
    --rounding) rounding=$2 ;;
    --rounding-param) rparam=$2 ;;
    --pipe-depth) depth=$2 ;;
    --count) count=$2 ;;
    --seed) seed=$2 ;;
    *) die "unknown option $1" ;;
  esac
  shift 2
done
for v in gen workdir rounding rparam depth count seed; do
  [ -n "${!v}" ] || die "missing option for ${v} (see the header of $0)"
done
if [ -n "${SYSTOLIC_SEED:-}" ]; then
  if [ "$SYSTOLIC_SEED" = random ]; then seed=$(( (RANDOM << 15) | RANDOM )); else seed=$SYSTOLIC_SEED; fi
fi
[[ $seed =~ ^[0-9]+$ ]] || die "seed '$seed' is not a non-negative integer"

root=$(cd "$(dirname "$0")/.." && pwd)
command -v iverilog >/dev/null || die "iverilog not found (scripts/install-deps.sh installs it)"
command -v vvp >/dev/null || die "vvp not found (scripts/install-deps.sh installs iverilog)"
[ -x "$gen" ] || die "vector generator '$gen' not found: build it first (cmake --build build)"

mkdir -p "$workdir"
vectors=$workdir/vectors.hex
vvp_image=$workdir/tb.vvp
log=$workdir/vvp.log
rm -f "$vectors" "$vvp_image" "$log"

# 1. Vectors, with the expected outputs of systolic::quant::requantize.
"$gen" --seed "$seed" --count "$count" --rounding "$rounding" --out "$vectors" ||
  die "gen_requant_vectors exited with status $?"
total=$(wc -l <"$vectors")
[ "$total" -ge "$count" ] && [ "$total" -gt 0 ] || die "$vectors has $total lines, expected >= $count"

# 2. Compile. Icarus 11 prints a harmless "sorry: constant selects in always_* processes" note
#    about the sensitivity of requant's always_comb; real errors make iverilog exit non-zero.
iverilog -g2012 -o "$vvp_image" -s tb_requant -I "$root/rtl" \
  -P "tb_requant.Rounding=${rparam}" -P "tb_requant.PipeDepth=${depth}" \
  "$root/rtl/requant.sv" "$root/testbench/tb_requant.sv" ||
  die "iverilog failed (Rounding=${rparam} PipeDepth=${depth})"

# 3. Simulate. vvp may exit 0 after $fatal, so the verdict is the "passed" line.
status=0
timeout 300 vvp -n "$vvp_image" "+vectors=${vectors}" "+seed=${seed}" >"$log" 2>&1 || status=$?
cat "$log"
[ "$status" -eq 0 ] || die "vvp exited with status $status (seed ${seed})"
if grep -Eq "MISMATCH|FATAL|ERROR|[Ee]rror" "$log"; then
  die "the simulation reported errors (seed ${seed}, vectors in ${vectors})"
fi
grep -qx "tb_requant: ${total} passed, 0 failed" "$log" ||
  die "no 'tb_requant: ${total} passed, 0 failed' line (seed ${seed}, vectors in ${vectors})"
echo "run_icarus: PASS: Rounding=${rparam} PipeDepth=${depth} ${rounding} rounding, ${total} vectors, seed ${seed}"
