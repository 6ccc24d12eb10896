// mac_pe: one weight-stationary processing element of the systolic array
// (docs/architecture.md section 2; C++ twin: model/mac_pe.h).
//
// Holds WeightBanks (2, or 1) weight banks: with two, the next tile's weights can be loaded while
// the current tile's activations stream (double-buffering); with one, a_sel_i and w_bank_i are
// ignored, bank 0 is the only weight register and w[1] reads as 0. An activation multiplies with the bank its a_sel_i names; the product is
// added to the partial sum from above and passed down, the activation is passed right.
//
// Cycle behaviour (every register updates at the rising edge that ends the cycle):
//   - a_o <= a_i, a_valid_o <= a_valid_i, a_sel_o <= a_sel_i (always, also while a_valid_i = 0).
//   - psum_o <= psum_i + (a_valid_i ? a_i * w[a_sel_i] : 0), AccWidth-bit two's complement
//     wrap-around; the product is exact (2 * DataWidth bits, sign-extended).
//   - if w_load_i: w[w_bank_i] <= w_i. A load and a use of the same bank at the same edge use the
//     old weight (the product reads the bank register before the edge).
//   - w_o = {w[1], w[0]}, the two bank registers (for tracing and tests); w[1] = 0 when
//     WeightBanks = 1.
//   - Latency: one cycle from a_i / a_valid_i / a_sel_i / psum_i to a_o / a_valid_o / a_sel_o /
//     psum_o. No combinational path from any input to any output.
//   - Reset (rst_ni = 0, asynchronous) clears every register: all outputs and both banks are 0.
module mac_pe #(
  parameter int DataWidth   = 8,   // activation and weight width (signed)
  parameter int AccWidth    = 32,  // partial-sum width (signed), >= 2 * DataWidth
  parameter int WeightBanks = 2    // 2: double-buffered weights, 1: a single weight register
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,
  input  logic signed [DataWidth-1:0]   a_i,
  input  logic                          a_valid_i,
  input  logic                          a_sel_i,    // weight bank the activation multiplies with
  input  logic signed [AccWidth-1:0]    psum_i,
  input  logic                          w_load_i,   // write w_i into bank w_bank_i at this edge
  input  logic                          w_bank_i,
  input  logic signed [DataWidth-1:0]   w_i,
  output logic signed [DataWidth-1:0]   a_o,
  output logic                          a_valid_o,
  output logic                          a_sel_o,
  output logic signed [AccWidth-1:0]    psum_o,
  output logic        [2*DataWidth-1:0] w_o         // {bank1, bank0}
);

  localparam int ProdWidth = 2 * DataWidth;

  // ---------------------------------------------------------------------------------------------
  // Registers and their next state (one process: the simulator evaluates each PE once per edge)
  // ---------------------------------------------------------------------------------------------
  logic signed [DataWidth-1:0] a_q;
  logic                        a_valid_q;
  logic                        a_sel_q;
  logic signed [AccWidth-1:0]  psum_q;
  logic signed [DataWidth-1:0] w0_q;  // weight bank 0
  logic signed [DataWidth-1:0] w1_q;  // weight bank 1 (0 when WeightBanks = 1)

  // The bank a_sel_i selects, before this edge's load, and its exact product with a_i.
  logic signed [DataWidth-1:0] w_use;
  logic signed [ProdWidth-1:0] prod;
  assign w_use = (WeightBanks == 2 && a_sel_i) ? w1_q : w0_q;
  assign prod  = ProdWidth'(a_i) * ProdWidth'(w_use);

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      a_q       <= '0;
      a_valid_q <= 1'b0;
      a_sel_q   <= 1'b0;
      psum_q    <= '0;
      w0_q      <= '0;
      w1_q      <= '0;
    end else begin
      a_q       <= a_i;
      a_valid_q <= a_valid_i;
      a_sel_q   <= a_sel_i;
      psum_q    <= a_valid_i ? psum_i + AccWidth'(prod) : psum_i;
      if (w_load_i) begin
        if (WeightBanks == 2 && w_bank_i) begin
          w1_q <= w_i;
        end else begin
          w0_q <= w_i;
        end
      end
    end
  end

  assign a_o       = a_q;
  assign a_valid_o = a_valid_q;
  assign a_sel_o   = a_sel_q;
  assign psum_o    = psum_q;
  assign w_o       = {w1_q, w0_q};

  // ---------------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------------
  // Illegal parameters stop elaboration (Icarus has no elaboration-time $error: it stops at t=0).
`ifdef __ICARUS__
  initial begin
    if (DataWidth < 1) $fatal(1, "mac_pe: DataWidth must be >= 1");
    if (AccWidth < 2 * DataWidth) $fatal(1, "mac_pe: AccWidth must be >= 2 * DataWidth");
    if (WeightBanks < 1 || WeightBanks > 2) $fatal(1, "mac_pe: WeightBanks must be 1 or 2");
  end
`else
  if (DataWidth < 1) begin : g_bad_data_width
    $error("mac_pe: DataWidth must be >= 1");
  end
  if (AccWidth < 2 * DataWidth) begin : g_bad_acc_width
    $error("mac_pe: AccWidth must be >= 2 * DataWidth (the product must fit the partial sum)");
  end
  if (WeightBanks < 1 || WeightBanks > 2) begin : g_bad_weight_banks
    $error("mac_pe: WeightBanks must be 1 or 2");
  end
`endif

endmodule
