// mac_pe: one processing element of the systolic array, weight-stationary (WS), output-stationary
// (OS) or both (docs/architecture.md section 2; C++ twin: model/mac_pe.h).
//
// Holds WeightBanks (2, or 1) weight banks: with two, the next tile's weights can be loaded while
// the current tile's activations stream (double-buffering); with one, a_sel_i and w_bank_i are
// ignored, bank 0 is the only weight register and w[1] reads as 0. An activation multiplies with the bank its a_sel_i names; the product is
// added to the partial sum from above and passed down, the activation is passed right.
//
// Cycle behaviour (every register updates at the rising edge that ends the cycle):
//   - a_o <= a_i, a_valid_o <= a_valid_i, a_sel_o <= a_sel_i (always, also while a_valid_i = 0).
//   - psum_o <= psum_i + (a_valid_i ? prod : 0), AccWidth-bit two's complement wrap-around, where
//     prod = a_i[7:0] * w[a_sel_i], exact (2 * DataWidth bits, sign-extended), or, with Int4 = 1,
//     the sum of two products of the weight's signed nibbles w_lo = w[3:0], w_hi = w[7:4]:
//       prec_i = PrecW4a4: prod = a_i[3:0] * w_lo + a_i[7:4] * w_hi (signed activation nibbles);
//       prec_i = PrecW4a8: prod = a_i[7:0] * w_lo + a_i[15:8] * w_hi (signed activation bytes).
//     The dual-mode PE computes all three with the same two 9 x 5-bit signed multipliers: in int8
//     the weight splits into its signed high and unsigned low nibble, a*w = (a*w_hi << 4) + a*w_lo.
//     With Int4 = 1 the activation lane is 2 * DataWidth bits wide (a_i[15:8] is used by w4a8
//     only and passed on right in every mode); with Int4 = 0 it is DataWidth bits.
//   - if w_load_i: w[w_bank_i] <= w_i. A load and a use of the same bank at the same edge use the
//     old weight (the product reads the bank register before the edge).
//   - w_o = {w[1], w[0]}, the two bank registers (for tracing and tests); w[1] = 0 when
//     WeightBanks = 1.
//   - Latency: one cycle from a_i / a_valid_i / a_sel_i / psum_i to a_o / a_valid_o / a_sel_o /
//     psum_o. No combinational path from any input to any output.
//   - prec_i is a command-long mode (the PRECISION register's code): it is read with a_i, like
//     it. With Int4 = 0 it is ignored (the INT8-only PE has one 8 x 8 multiplier); with Int4 = 1
//     a code other than PrecW4a4 and PrecW4a8 computes int8.
//   - Dataflow (1 WS, 2 OS, 3 both) says which dataflows the PE has; os = 1 when Dataflow = 2, or
//     Dataflow = 3 and os_i = 1 (a command-long mode, like prec_i), else os = 0 (WS, as above).
//     With os = 1 (output-stationary) the PE keeps its own sum of C[m][n] in psum and:
//       - the operand B comes from above on b_i (unregistered) and is passed down: w[0] <= b_i,
//         so b_o = w[0] is b_i one cycle later; the product is a_i * b_i (the same multiplier and
//         precision modes as in WS, b_i in place of the weight bank);
//       - a_sel_i means "first": the activation starts the PE's next sum. psum_o <= (a_sel_i ? 0
//         : psum_o) + (a_valid_i ? prod : 0) (a_sel_i with a_valid_i = 0 just clears the sum);
//       - the finished sums leave upwards on a chain: o_o <= a_sel_i ? psum_o : up_i (up_i is
//         the o_o of the PE below, 0 below the bottom row). o_o follows this rule in WS too
//         (nothing reads it then); WS-only PEs (Dataflow = 1) have no o register (o_o = 0).
//     psum_i is ignored with os = 1, and w_load_i, w_bank_i, w_i and w[1] in OS-only PEs.
//   - Reset (rst_ni = 0, asynchronous) clears every register: all outputs and both banks are 0.
module mac_pe #(
  parameter int DataWidth   = 8,   // activation and weight width (signed)
  parameter int AccWidth    = 32,  // partial-sum width (signed), >= 2 * DataWidth
  parameter int WeightBanks = 2,   // 2: double-buffered weights, 1: a single weight register
  parameter int Int4        = 0,   // 1: dual-mode (int8, w4a8, w4a4; DataWidth = 8), 0: int8
  parameter int Dataflow    = 1    // 1: weight-stationary, 2: output-stationary, 3: both
) (
  input  logic                          clk_i,
  input  logic                          rst_ni,
  input  logic [((Int4 == 1) ? 2 : 1)*DataWidth-1:0] a_i,  // activation (w4a8: a byte pair)
  input  logic                          a_valid_i,
  input  logic                          a_sel_i,    // weight bank the activation multiplies with
  input  logic        [1:0]             prec_i,     // PRECISION code (Int4 = 1 only)
  input  logic signed [AccWidth-1:0]    psum_i,
  input  logic                          w_load_i,   // write w_i into bank w_bank_i at this edge
  input  logic                          w_bank_i,
  input  logic signed [DataWidth-1:0]   w_i,
  input  logic                          os_i,       // output-stationary (Dataflow = 3 only)
  input  logic signed [DataWidth-1:0]   b_i,        // OS: B from above
  input  logic signed [AccWidth-1:0]    up_i,       // OS: the output chain from below
  output logic [((Int4 == 1) ? 2 : 1)*DataWidth-1:0] a_o,
  output logic                          a_valid_o,
  output logic                          a_sel_o,
  output logic signed [AccWidth-1:0]    psum_o,
  output logic        [2*DataWidth-1:0] w_o,        // {bank1, bank0}
  output logic signed [DataWidth-1:0]   b_o,        // OS: B passed down (w[0])
  output logic signed [AccWidth-1:0]    o_o         // OS: the output chain register
);

  localparam int ProdWidth = 2 * DataWidth;
  localparam int ALane     = ((Int4 == 1) ? 2 : 1) * DataWidth;  // activation lane bits

  // ---------------------------------------------------------------------------------------------
  // Registers and their next state (one process: the simulator evaluates each PE once per edge)
  // ---------------------------------------------------------------------------------------------
  logic        [ALane-1:0]     a_q;
  logic                        a_valid_q;
  logic                        a_sel_q;
  logic signed [AccWidth-1:0]  psum_q;
  logic signed [DataWidth-1:0] w0_q;  // weight bank 0
  logic signed [DataWidth-1:0] w1_q;  // weight bank 1 (0 when WeightBanks = 1)

  // The dataflow of this cycle: a parameter unless the PE has both.
  logic os;
  assign os = (Dataflow == 2) || (Dataflow == 3 && os_i);

  // The bank a_sel_i selects, before this edge's load (OS: b_i), and its exact product with a_i.
  logic signed [DataWidth-1:0] w_use;
  logic signed [ProdWidth-1:0] prod;
  assign w_use = os ? b_i : (WeightBanks == 2 && a_sel_i) ? w1_q : w0_q;

  // What the product adds to: the partial sum from above (WS), or the PE's own sum (OS; 0 when
  // the activation starts the next sum).
  logic signed [AccWidth-1:0] add_in;
  assign add_in = !os ? psum_i : a_sel_i ? '0 : psum_q;

  if (Int4 == 1) begin : g_dual
    // Two 9 x 5-bit signed multipliers serve the three modes (DataWidth = 8, asserted below):
    //   int8: x0 = x1 = a[7:0], y0 = {0, w[3:0]} (unsigned), y1 = w[7:4]; prod = p0 + (p1 << 4)
    //   w4a4: x0 = a[3:0], x1 = a[7:4], y0 = w[3:0], y1 = w[7:4] (all signed); prod = p0 + p1
    //   w4a8: x0 = a[7:0], x1 = a[15:8], y0 = w[3:0], y1 = w[7:4] (all signed); prod = p0 + p1
    logic               w4a4, w4a8, nib;
    logic signed [8:0]  x0, x1;
    logic signed [4:0]  y0, y1;
    logic signed [13:0] p0, p1;
    assign w4a4 = prec_i == 2'(systolic_pkg::PrecW4a4);
    assign w4a8 = prec_i == 2'(systolic_pkg::PrecW4a8);
    assign nib  = w4a4 || w4a8;  // the weight is a nibble pair
    assign x0   = w4a4 ? 9'($signed(a_i[3:0])) : 9'($signed(a_i[7:0]));
    assign x1   = w4a4 ? 9'($signed(a_i[7:4]))
                : w4a8 ? 9'($signed(a_i[15:8])) : 9'($signed(a_i[7:0]));
    assign y0   = nib ? 5'($signed(w_use[3:0])) : {1'b0, w_use[3:0]};
    assign y1   = 5'($signed(w_use[7:4]));
    assign p0   = 14'(x0) * 14'(y0);
    assign p1   = 14'(x1) * 14'(y1);
    assign prod = nib ? ProdWidth'(p0) + ProdWidth'(p1)
                      : ProdWidth'(p0) + (ProdWidth'(p1) <<< 4);
  end else begin : g_int8
    logic [1:0] unused_prec;
    assign unused_prec = prec_i;
    assign prod = ProdWidth'($signed(a_i)) * ProdWidth'(w_use);
  end

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
      psum_q    <= a_valid_i ? add_in + AccWidth'(prod) : add_in;
      if (os) begin
        w0_q <= b_i;
      end else if (w_load_i) begin
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
  assign b_o       = w0_q;

  // The output chain (OS): a PE's finished sum is captured when its next sum starts and moves up
  // one PE per cycle.
  if (Dataflow >= 2) begin : g_os
    logic signed [AccWidth-1:0] o_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        o_q <= '0;
      end else begin
        o_q <= a_sel_i ? psum_q : up_i;
      end
    end
    assign o_o = o_q;
  end else begin : g_ws_only
    logic signed [AccWidth-1:0] unused_up;
    assign unused_up = up_i;
    assign o_o       = '0;
  end

  // ---------------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------------
  // Illegal parameters stop elaboration (Icarus has no elaboration-time $error: it stops at t=0).
`ifdef __ICARUS__
  initial begin
    if (DataWidth < 1) $fatal(1, "mac_pe: DataWidth must be >= 1");
    if (AccWidth < 2 * DataWidth) $fatal(1, "mac_pe: AccWidth must be >= 2 * DataWidth");
    if (WeightBanks < 1 || WeightBanks > 2) $fatal(1, "mac_pe: WeightBanks must be 1 or 2");
    if (Int4 < 0 || Int4 > 1 || (Int4 == 1 && DataWidth != 8))
      $fatal(1, "mac_pe: Int4 must be 0 or 1, and 1 needs DataWidth = 8");
    if (Dataflow < 1 || Dataflow > 3) $fatal(1, "mac_pe: Dataflow must be 1, 2 or 3");
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
  if (Int4 < 0 || Int4 > 1 || (Int4 == 1 && DataWidth != 8)) begin : g_bad_int4
    $error("mac_pe: Int4 must be 0 or 1, and 1 needs DataWidth = 8");
  end
  if (Dataflow < 1 || Dataflow > 3) begin : g_bad_dataflow
    $error("mac_pe: Dataflow must be 1 (WS), 2 (OS) or 3 (both)");
  end
`endif

endmodule
