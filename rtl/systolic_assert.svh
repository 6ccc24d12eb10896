// Runtime assertions, in the spirit of lowRISC's prim_assert.sv: one macro per kind, expanded
// for each tool the project uses.
//
//   `SYS_ASSERT(Name_A, expr)   expr holds at every rising edge of clk_i while rst_ni = 1
//   `SYS_COVER(Name_C, expr)    a cover point: counts the rising edges of clk_i at which expr
//                               holds (rst_ni is not read, so that Verilator sees it only in
//                               asynchronous-reset processes: every cover is written on
//                               registers that reset clears, or on inputs the benches hold idle
//                               in reset, so it cannot count during reset)
//
// The macro is used inside a module that has clk_i and rst_ni, at the bottom under the
// "Assertions" banner; Name_A names the check (the block label, so it appears in the hierarchy).
//   - Verilator (every build verilates with --assert): a failure calls the DPI-C function
//     systolic_assert_failed(where, what) with the hierarchical name and the expression text.
//     The simulators in sim/rtl/ record the first failure and stop the run with an error naming
//     both (sim/rtl/vl_assert.h); nothing is printed by the RTL itself.
//   - Icarus (no DPI here): $error with the same text; the testbenches count it as a failure.
//   - Synthesis (SYNTHESIS defined, as scripts/synth.sh and the Yosys cache do): nothing.
//   - Cover points exist in Verilator builds with --coverage-user (scripts/coverage.sh: each is a
//     user coverage point named after its label, in coverage.dat); elsewhere they are nothing.
// The check samples its signals at the rising edge, with the values they have in the cycle that
// edge ends. rst_ni is read in an asynchronous-reset process like every flip-flop of the design,
// so Verilator sees one reset style (no SYNCASYNCNET).
`ifndef SYSTOLIC_ASSERT_SVH
`define SYSTOLIC_ASSERT_SVH

`ifdef SYNTHESIS

`define SYS_ASSERT(__name, __expr)
`define SYS_COVER(__name, __expr)

`elsif VERILATOR

import "DPI-C" function void systolic_assert_failed(input string where, input string what);

// Coverage excludes the check's own branches (its failure branch runs only on a fault: the
// planted-fault tests of testbench/test_assertions.cpp take it, one per assertion family), so that
// line coverage measures the design, not its checks. Do not use it inside a coverage_off region:
// its coverage_on would end that region.
`define SYS_ASSERT(__name, __expr)                                                   \
  /* verilator coverage_off */                                                       \
  always_ff @(posedge clk_i or negedge rst_ni) begin : __name                        \
    if (rst_ni && !(__expr)) systolic_assert_failed($sformatf("%m"), `"__expr`");   \
  end                                                                                \
  /* verilator coverage_on */

`define SYS_COVER(__name, __expr)                                                    \
  __name: cover property (@(posedge clk_i) (__expr));

`else

`define SYS_ASSERT(__name, __expr)                                                   \
  always @(posedge clk_i or negedge rst_ni) begin : __name                           \
    if (rst_ni && !(__expr)) $error("assertion %m failed: %s", `"__expr`");          \
  end

`define SYS_COVER(__name, __expr)

`endif

`endif  // SYSTOLIC_ASSERT_SVH
