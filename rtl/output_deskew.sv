// output_deskew: realigns the columns leaving pe_array (docs/architecture.md section 4; modelled
// inside the C++ twin model/systolic_top.h).
//
// Column c of a slot leaves the array c cycles after column 0; delaying column c by Cols - 1 - c
// cycles makes the whole row of Cols partial sums appear in one cycle.
//
// Cycle behaviour:
//   - psum_o[c] in cycle t is psum_i[c] of cycle t - (Cols - 1 - c). Column Cols - 1 is
//     combinational (no register), column c has Cols - 1 - c registers.
//   - Reset (rst_ni = 0, asynchronous) clears every register: all delayed outputs 0.
module output_deskew #(
  parameter int Cols = 4  // array columns, 2..256
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic [Cols*systolic_pkg::AccWidth-1:0] psum_i,  // psum_i[c*32 +: 32]: from pe_array psum_o
  output logic [Cols*systolic_pkg::AccWidth-1:0] psum_o   // the same columns, aligned
);

  for (genvar c = 0; c < Cols; c++) begin : g_col
    delay_line #(
      .Width(systolic_pkg::AccWidth),
      .Depth(Cols - 1 - c)
    ) u_delay (
      .clk_i (clk_i),
      .rst_ni(rst_ni),
      .d_i   (psum_i[c*systolic_pkg::AccWidth +: systolic_pkg::AccWidth]),
      .q_o   (psum_o[c*systolic_pkg::AccWidth +: systolic_pkg::AccWidth])
    );
  end

  // ---------------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------------
  // Illegal parameters stop elaboration (Icarus has no elaboration-time $error: it stops at t=0).
`ifdef __ICARUS__
  initial begin
    if (Cols < systolic_pkg::ColsMin || Cols > systolic_pkg::ColsMax) $fatal(1, "output_deskew: bad Cols");
  end
`else
  if (Cols < systolic_pkg::ColsMin || Cols > systolic_pkg::ColsMax) begin : g_bad_cols
    $error("output_deskew: Cols outside systolic_pkg::ColsMin..ColsMax");
  end
`endif

endmodule
