// pe_row: one row of the systolic array, Cols mac_pe in a chain
// (docs/architecture.md section 3; C++ twin: model/pe_row.h).
//
// pe_array stacks Rows of these. The row is a level of hierarchy so that the synthesis of a big
// array works on one row of Cols PEs and then on Rows rows, never on Rows x Cols instances in one
// module (Yosys's time grows faster than the instance count of a module; docs/results.md).
// Every vector port is flattened, element c at [c*W +: W]: w_row_i[c*8 +: 8], psum_i[c*32 +: 32],
// psum_o[c*32 +: 32].
//
// Cycle behaviour (every register is inside a mac_pe; see rtl/mac_pe.sv):
//   - PE c = 0 takes a_i, a_valid_i, a_sel_i; PE c > 0 takes the registered a, a_valid, a_sel of
//     PE c-1, i.e. the row's inputs delayed by c cycles.
//   - PE c takes psum_i[c] (the row above, or 0 above the top row); psum_o[c] is its registered
//     partial sum: one cycle from psum_i[c] to psum_o[c].
//   - a_o, a_valid_o, a_sel_o are the registered a, a_valid, a_sel of PE Cols-1 (the row's inputs
//     delayed by Cols cycles).
//   - valid_o[c] is the registered a_valid of PE c: it says psum_o[c] carries a product of this
//     row (pe_array's psum_valid_o is valid_o of the bottom row).
//   - Weights: if w_load_i, every PE c writes w_row_i[c] into bank w_bank_i at this edge. A load
//     and a use of the same bank in the same PE at the same edge use the old weight.
//   - prec_i (the command's PRECISION code; Int4 = 1 only) goes to every PE unregistered: it is
//     constant while a command runs. With Int4 = 1 an activation lane is 16 bits (a byte pair
//     in w4a8, the byte in bits 7:0 otherwise), with Int4 = 0 8 bits.
//   - Dataflow (1 WS, 2 OS, 3 both) and os_i (Dataflow = 3: this command is output-stationary)
//     go to every PE: PE c takes b_i[c] and up_i[c] (the rows above and below) and drives
//     b_o[c] (B passed down, registered) and o_o[c] (its output-chain register; rtl/mac_pe.sv).
//   - No combinational path from any input to any output.
//   - Reset (rst_ni = 0, asynchronous) clears every register of every PE.
module pe_row #(
  parameter int Cols        = 4,  // PEs in the row (the N dimension of a tile), 2..256
  parameter int WeightBanks = 2,  // weight banks per PE: 2 (double-buffered) or 1 (see mac_pe)
  parameter int Int4        = 0,  // 1: dual-mode PEs (int8, w4a8, w4a4), 0: INT8-only (see mac_pe)
  parameter int Dataflow    = 1   // 1: weight-stationary, 2: output-stationary, 3: both
) (
  input  logic                                   clk_i,
  input  logic                                   rst_ni,
  input  logic [((Int4 == 1) ? 2 : 1)*systolic_pkg::DataWidth-1:0] a_i,  // activation entering PE 0
  input  logic                                   a_valid_i,
  input  logic                                   a_sel_i,    // weight bank it multiplies with
  input  logic [1:0]                             prec_i,     // PRECISION code (Int4 = 1 only)
  input  logic                                   w_load_i,   // load w_row_i into bank w_bank_i
  input  logic                                   w_bank_i,
  input  logic [Cols*systolic_pkg::DataWidth-1:0] w_row_i,    // w_row_i[c*8 +: 8]: PE c's weight
  input  logic [Cols*systolic_pkg::AccWidth-1:0]  psum_i,     // psum_i[c*32 +: 32]: from above
  input  logic                                   os_i,       // output-stationary (Dataflow = 3)
  input  logic [Cols*systolic_pkg::DataWidth-1:0] b_i,        // OS: B from above, b_i[c*8 +: 8]
  input  logic [Cols*systolic_pkg::AccWidth-1:0]  up_i,       // OS: output chain from below
  output logic [Cols*systolic_pkg::DataWidth-1:0] b_o,        // OS: PE c's B, passed down
  output logic [Cols*systolic_pkg::AccWidth-1:0]  o_o,        // OS: PE c's output-chain register
  output logic [Cols*systolic_pkg::AccWidth-1:0]  psum_o,     // psum_o[c*32 +: 32]: PE c's psum
  output logic [Cols-1:0]                        valid_o,    // PE c's registered a_valid
  output logic [((Int4 == 1) ? 2 : 1)*systolic_pkg::DataWidth-1:0] a_o,        // what PE Cols-1 passes right
  output logic                                   a_valid_o,
  output logic                                   a_sel_o
);

  localparam int DataWidth = systolic_pkg::DataWidth;
  localparam int AccWidth  = systolic_pkg::AccWidth;
  localparam int ALane     = ((Int4 == 1) ? 2 : 1) * DataWidth;  // activation lane bits

  // One net per PE port, in unpacked arrays (per-element nets keep Icarus and Verilator fast).
  // Position c: the input of PE c for c < Cols, the right edge (output of PE Cols-1) for c = Cols.
  logic [ALane-1:0]     a_h       [Cols+1];
  logic                 a_valid_h [Cols+1];
  logic                 a_sel_h   [Cols+1];

  assign a_h[0]       = a_i;
  assign a_valid_h[0] = a_valid_i;
  assign a_sel_h[0]   = a_sel_i;

  for (genvar c = 0; c < Cols; c++) begin : g_col
    // w_o exists for tracing and tests (g_col[c].u_pe.w_o); nothing here reads it.
    logic [2*DataWidth-1:0] unused_w;

    mac_pe #(
      .DataWidth  (DataWidth),
      .AccWidth   (AccWidth),
      .WeightBanks(WeightBanks),
      .Int4       (Int4),
      .Dataflow   (Dataflow)
    ) u_pe (
      .clk_i    (clk_i),
      .rst_ni   (rst_ni),
      .a_i      (a_h[c]),
      .a_valid_i(a_valid_h[c]),
      .a_sel_i  (a_sel_h[c]),
      .prec_i   (prec_i),
      .psum_i   (psum_i[c*AccWidth +: AccWidth]),
      .w_load_i (w_load_i),
      .w_bank_i (w_bank_i),
      .w_i      (w_row_i[c*DataWidth +: DataWidth]),
      .os_i     (os_i),
      .b_i      (b_i[c*DataWidth +: DataWidth]),
      .up_i     (up_i[c*AccWidth +: AccWidth]),
      .a_o      (a_h[c+1]),
      .a_valid_o(a_valid_h[c+1]),
      .a_sel_o  (a_sel_h[c+1]),
      .psum_o   (psum_o[c*AccWidth +: AccWidth]),
      .w_o      (unused_w),
      .b_o      (b_o[c*DataWidth +: DataWidth]),
      .o_o      (o_o[c*AccWidth +: AccWidth])
    );

    assign valid_o[c] = a_valid_h[c+1];
  end

  assign a_o       = a_h[Cols];
  assign a_valid_o = a_valid_h[Cols];
  assign a_sel_o   = a_sel_h[Cols];

  // ---------------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------------
  // Illegal parameters stop elaboration (Icarus has no elaboration-time $error: it stops at t=0).
`ifdef __ICARUS__
  initial begin
    if (Cols < systolic_pkg::ColsMin || Cols > systolic_pkg::ColsMax) $fatal(1, "pe_row: bad Cols");
  end
`else
  if (Cols < systolic_pkg::ColsMin || Cols > systolic_pkg::ColsMax) begin : g_bad_cols
    $error("pe_row: Cols outside systolic_pkg::ColsMin..ColsMax");
  end
`endif

endmodule
