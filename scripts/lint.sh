#!/usr/bin/env bash
# verilator --lint-only -Wall on every RTL top, over the parameter corners it must accept.
# Waivers live in rtl/lint.vlt, one reason per line. Exit status is non-zero on any warning.
set -euo pipefail
cd "$(dirname "$0")/.."
status=0
# The files a top needs: the package, its own, then those of the modules it instantiates.
sources() {
  local own
  case $1 in
    pe_array) own="rtl/pe_array.sv rtl/pe_row.sv rtl/mac_pe.sv" ;;
    pe_row) own="rtl/pe_row.sv rtl/mac_pe.sv" ;;
    input_skew | output_deskew) own="rtl/$1.sv rtl/delay_line.sv" ;;
    spad) own="rtl/spad.sv rtl/ram_1r1w.sv" ;;
    acc_stage) own="rtl/acc_stage.sv rtl/ram_1r1w.sv rtl/delay_line.sv rtl/requant.sv" ;;
    systolic_top)
      own="rtl/systolic_top.sv rtl/systolic_regs.sv rtl/tile_ctrl.sv rtl/os_ctrl.sv rtl/spad.sv rtl/ram_1r1w.sv \
        rtl/input_skew.sv rtl/output_deskew.sv rtl/delay_line.sv rtl/pe_array.sv rtl/pe_row.sv rtl/mac_pe.sv \
        rtl/acc_stage.sv rtl/requant.sv rtl/dma.sv"
      ;;
    *) own="rtl/$1.sv" ;;
  esac
  echo rtl/systolic_pkg.sv $own
}
lint() {
  local top=$1; shift
  local files
  read -r -a files <<<"$(sources "$top")"
  if ! verilator --lint-only -Wall -Irtl rtl/lint.vlt "${files[@]}" --top-module "$top" "$@"; then
    echo "lint: FAILED: ${top} $*" >&2
    status=1
  fi
}
for rounding in 0 1 2; do
  for depth in 1 2 3 5; do
    lint requant -GRounding=$rounding -GPipeDepth=$depth
  done
done
lint mac_pe
for cols in 2 5 256; do
  lint pe_row -GCols=$cols
done
lint pe_row -GCols=3 -GWeightBanks=1
for rc in 2x2 4x4 8x8 8x16 16x16 32x32 3x5 2x32 32x2; do
  lint pe_array -GRows=${rc%x*} -GCols=${rc#*x}
done
for depth in 0 1 3; do
  lint delay_line -GWidth=5 -GDepth=$depth
done
lint input_skew -GRows=3
lint input_skew -GRows=3 -GWidth=16
# Dual-mode PEs (16-bit activation lanes) and the paired A scratchpad, with AWords odd and 1.
lint pe_row -GCols=3 -GInt4=1
lint pe_array -GRows=3 -GCols=5 -GInt4=1
lint systolic_regs -GRows=3 -GCols=5 -GInt4=1
lint systolic_top -GRows=3 -GCols=5 -GInt4=1 -GAWords=7
lint systolic_top -GRows=2 -GCols=2 -GInt4=1 -GAWords=1 -GBWords=1 -GCWords=3 -GQWords=1 -GAccWords=1
lint output_deskew -GCols=5
# Output-stationary and both dataflows: PEs, arrays, the sequencer, the registers, the engine.
lint mac_pe -GDataflow=2
lint mac_pe -GDataflow=3 -GInt4=1 -GWeightBanks=1
lint pe_row -GCols=3 -GDataflow=3
lint pe_array -GRows=3 -GCols=5 -GDataflow=2
lint pe_array -GRows=4 -GCols=4 -GDataflow=3 -GInt4=1
lint os_ctrl -GRows=3 -GCols=7 -GRequantDepth=1
lint os_ctrl -GRows=256 -GCols=2 -GRequantDepth=16
lint systolic_regs -GRows=3 -GCols=5 -GDataflow=2
lint systolic_regs -GRows=3 -GCols=5 -GDataflow=3
lint systolic_top -GRows=3 -GCols=5 -GDataflow=3 -GInt4=1 -GAWords=7
lint systolic_top -GRows=4 -GCols=4 -GDataflow=2
lint spad -GWords=5 -GLanes=3 -GWidth=6
lint spad -GWords=1 -GLanes=1 -GWidth=1
lint tile_ctrl -GRows=3 -GCols=7 -GAccWords=5 -GRequantDepth=1
lint tile_ctrl -GRows=3 -GCols=7 -GAccWords=5 -GRequantDepth=1 -GWeightBanks=1
lint tile_ctrl -GRows=32 -GCols=2 -GAccWords=65536 -GRequantDepth=16
lint ram_1r1w -GWords=5 -GLanes=3 -GWidth=6
lint ram_1r1w -GWords=1 -GLanes=1 -GWidth=1
lint systolic_regs -GRows=3 -GCols=5
lint systolic_regs -GRows=32 -GCols=32
lint acc_stage -GRows=4 -GCols=4 -GAccWords=8 -GRequantDepth=3
lint acc_stage -GRows=2 -GCols=2 -GAccWords=1 -GRequantDepth=1
lint acc_stage -GRows=3 -GCols=32 -GAccWords=5 -GRequantDepth=16
lint mac_pe -GWeightBanks=1
lint dma -GRows=3 -GCols=5 -GAWords=7 -GBWords=9 -GCWords=5 -GQWords=3 -GMemBytesLog2=3
lint dma -GRows=32 -GCols=32 -GAWords=1048576 -GBWords=1048576 -GCWords=1048576 -GQWords=1048576 \
  -GMemBytesLog2=6
lint dma -GRows=32 -GCols=2 -GAWords=1 -GBWords=1 -GCWords=1 -GQWords=1 -GMemBytesLog2=4
# Small scratchpads keep these quick; the defaults are linted once (16x16) as well.
small="-GAWords=16 -GBWords=16 -GCWords=16 -GQWords=2 -GAccWords=8"
for rc in 4x4 8x16 16x16 2x3 32x32 3x5 32x2; do
  # shellcheck disable=SC2086
  lint systolic_top -GRows=${rc%x*} -GCols=${rc#*x} $small
done
lint systolic_top
lint systolic_top -GRows=2 -GCols=2 -GAWords=5 -GBWords=1 -GCWords=3 -GQWords=1 -GAccWords=1 \
  -GRequantDepth=1
lint systolic_top -GRows=4 -GCols=4 -GAccWords=65536 -GRequantDepth=5 -GAWords=1048576
# shellcheck disable=SC2086
lint systolic_top -GRows=4 -GCols=8 $small -GWeightBanks=1
# A unary operator right before a size cast (~W'(x), !W'(x), -W'(x)): Yosys 0.23 (synth.sh, the
# area figures) reads ~W'(x) as a cast of x to ~W bits, so ~MAW'(15) was 15 there, not its
# complement (Verilator and Icarus read it as the language says). Write ~(W'(x)).
if grep -nE "([~!]|[=(?:,{][[:space:]]*-)[[:space:]]*[A-Za-z0-9_]+'\(" rtl/*.sv rtl/*.svh; then
  echo "lint: FAILED: a unary operator before a size cast (above): write ~(W'(x)) for Yosys" >&2
  status=1
fi
[ $status -eq 0 ] && echo "lint: rtl/ clean under verilator -Wall"
exit $status
