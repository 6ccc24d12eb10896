// delay_line: a Width-bit shift register of Depth stages (docs/architecture.md section 4; used by
// input_skew, output_deskew and the tag pipeline of systolic_top; modelled inside the C++ twin
// model/systolic_top.h).
//
// Cycle behaviour:
//   - q_o in cycle t is d_i of cycle t - Depth (Depth registers, no enable, every edge shifts).
//   - Depth = 0: q_o = d_i, a wire (clk_i and rst_ni are then unused).
//   - Reset (rst_ni = 0, asynchronous) clears every stage: q_o = 0 for the first Depth cycles.
module delay_line #(
  parameter int Width = 1,  // bits per stage, >= 1
  parameter int Depth = 1   // stages (cycles of delay), >= 0
) (
  input  logic             clk_i,
  input  logic             rst_ni,
  input  logic [Width-1:0] d_i,
  output logic [Width-1:0] q_o
);

  if (Depth == 0) begin : g_wire
    assign q_o = d_i;

    logic unused_clk;
    assign unused_clk = clk_i ^ rst_ni;
  end else begin : g_regs
    // Stage s (0 = youngest) at [s*Width +: Width].
    logic [Depth*Width-1:0] stage_d, stage_q;

    always_comb begin
      stage_d = stage_q;
      stage_d[0 +: Width] = d_i;
      for (int s = 1; s < Depth; s++) begin
        stage_d[s*Width +: Width] = stage_q[(s-1)*Width +: Width];
      end
    end

    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        stage_q <= '0;
      end else begin
        stage_q <= stage_d;
      end
    end

    assign q_o = stage_q[(Depth-1)*Width +: Width];
  end

  // ---------------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------------
  // Illegal parameters stop elaboration (Icarus has no elaboration-time $error: it stops at t=0).
`ifdef __ICARUS__
  initial begin
    if (Width < 1) $fatal(1, "delay_line: Width must be >= 1");
    if (Depth < 0) $fatal(1, "delay_line: Depth must be >= 0");
  end
`else
  if (Width < 1) begin : g_bad_width
    $error("delay_line: Width must be >= 1");
  end
  if (Depth < 0) begin : g_bad_depth
    $error("delay_line: Depth must be >= 0");
  end
`endif

endmodule
