// pe_array: Rows x Cols mac_pe grid (weight-stationary, output-stationary or both), Rows pe_row
// stacked
// (docs/architecture.md section 3; C++ twin: model/pe_array.h).
//
// PE (r, c) is g_row[r].u_row.g_col[c].u_pe. Activations (with their valid bit and weight-bank
// select) enter row r at the left edge and move one PE right per cycle; partial sums start at 0
// above the top row and move one PE down per cycle. The bottom row's partial sums are the outputs.
// Every vector port is flattened, element i at [i*W +: W]: a_i[r*L +: L] (L = 8, or 16 with
// Int4 = 1), w_row_i[c*8 +: 8], psum_o[c*32 +: 32]. No port is wider than Cols x 32 bits: the PE accumulators are not exported.
//
// Cycle behaviour (every register is inside a mac_pe; see rtl/mac_pe.sv and rtl/pe_row.sv):
//   - PE (r, 0) takes a_i[r], a_valid_i[r], a_sel_i[r]; PE (r, c) with c > 0 takes the registered
//     a, a_valid, a_sel of PE (r, c-1), i.e. the row-r inputs delayed by c cycles.
//   - PE (0, c) takes psum_i = 0; PE (r, c) with r > 0 takes the registered psum of PE (r-1, c).
//   - Weights: if w_load_i[r], every PE (r, c) writes w_row_i[c] into its bank w_bank_i at this
//     edge (one bank select for the whole array; with WeightBanks = 1 the selects are ignored). A
//     load and a use of the same bank in the same PE at the same edge use the old weight.
//   - psum_o[c] and psum_valid_o[c] are the registered psum and a_valid of PE (Rows-1, c).
//   - Timing: if a_i[r] carries A[m][r] with a_valid_i[r] = 1 in cycle t + r for every r, then
//     psum_o[c] = sum_r A[m][r] * w_r,c[a_sel] (32-bit wrap-around) with psum_valid_o[c] = 1 in
//     cycle t + Rows + c. No combinational path from any input to any output.
//   - prec_i (Int4 = 1: the command's PRECISION code) reaches every PE unregistered; in w4a4 and
//     w4a8 each PE adds the two products of its weight's nibbles with the activation's nibble or
//     byte pair (rtl/mac_pe.sv). Constant during a command.
//   - Output-stationary (Dataflow = 2, or 3 with os_i = 1; constant during a command): B enters
//     the top row on b_i[c] and moves one PE down per cycle (PE (r, c) takes PE (r-1, c)'s b_o),
//     a_sel means "first" (rtl/mac_pe.sv), each PE keeps its own sum, and psum_o[c] is the
//     output-chain register of PE (0, c): the finished sums move up one PE per cycle (PE (r, c)
//     takes PE (r+1, c)'s o_o, 0 below the bottom row). Timing: if a_i[r] carries A[m_r][k]
//     in cycle t_k + r and b_i[c] carries B[k][n_c] in cycle t_k + c for k = 0 .. K-1, the first
//     of them (k = 0) with a_sel_i[r] = 1 and no other with it, and a first (a_sel_i = 1, valid
//     or not) follows in cycle f + r (f >= t_{K-1} + 1), then PE (r, c) holds sum_k A[m_r][k] *
//     B[k][n_c] (32-bit wrap-around) and psum_o[c] carries it in cycle f + c + 1 + 2r, provided
//     no later first comes an even number of cycles from 2 to 2 Rows - 2 after f (+ r on row r):
//     the chain moves the Rows sums of a column out every other cycle, over 2 Rows - 1 cycles, and
//     such a first would overwrite a sum passing by. Consecutive firsts at least 2 Rows - 1, or
//     an odd number >= Rows, cycles apart qualify (odd: the next sums leave in the gaps).
//     psum_valid_o is not defined for OS (the tile sequencer knows when the sums leave). psum_o's
//     source follows os_i combinationally (the one such path: os_i is constant during a command).
//   - Reset (rst_ni = 0, asynchronous) clears every register in every PE: outputs and weights 0.
module pe_array #(
  parameter int Rows        = 4,  // PE rows (the K dimension of a tile), 2..256
  parameter int Cols        = 4,  // PE columns (the N dimension of a tile), 2..256
  parameter int WeightBanks = 2,  // weight banks per PE: 2 (double-buffered) or 1 (see mac_pe)
  parameter int Int4        = 0,  // 1: dual-mode PEs (int8, w4a8, w4a4), 0: INT8-only
  parameter int Dataflow    = 1   // 1: weight-stationary, 2: output-stationary, 3: both
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic [Rows*((Int4 == 1) ? 2 : 1)*systolic_pkg::DataWidth-1:0] a_i,  // a_i[r*L +: L]: row r's activation
  input  logic [Rows-1:0]    a_valid_i,
  input  logic [Rows-1:0]    a_sel_i,       // weight bank each row's activation multiplies with
  input  logic [1:0]         prec_i,        // PRECISION code (Int4 = 1 only)
  input  logic [Rows-1:0]    w_load_i,      // row r loads w_row_i into bank w_bank_i this edge
  input  logic               w_bank_i,
  input  logic [Cols*systolic_pkg::DataWidth-1:0] w_row_i,       // w_row_i[c*8 +: 8]: signed weight for column c
  input  logic               os_i,          // output-stationary command (Dataflow = 3 only)
  input  logic [Cols*systolic_pkg::DataWidth-1:0] b_i,           // OS: b_i[c*8 +: 8], B into the top row
  output logic [Cols*systolic_pkg::AccWidth-1:0] psum_o,        // psum_o[c*32 +: 32]: signed sum leaving column c
  output logic [Cols-1:0]    psum_valid_o
);

  localparam int DataWidth = systolic_pkg::DataWidth;
  localparam int AccWidth  = systolic_pkg::AccWidth;
  localparam int ALane     = ((Int4 == 1) ? 2 : 1) * DataWidth;  // activation lane bits
  localparam int RowBits   = Cols * AccWidth;  // one row's partial sums

  // ---------------------------------------------------------------------------------------------
  // Inter-row nets
  // ---------------------------------------------------------------------------------------------
  // psum_v[r*RowBits +: RowBits] is the psum output of row r, the input of row r + 1 (row 0 takes
  // 0: a constant in its port connection, no net holds it). A packed vector, not an unpacked
  // array of rows: Yosys turns an unpacked array of wide nets into a memory and back, which takes
  // minutes at 128x128.
  logic [Rows*RowBits-1:0] psum_v;
  // OS: b_v[r*BRowBits +: BRowBits] is the B input of row r (b_i for r = 0), o_v[r*RowBits +:
  // RowBits] the output-chain registers of row r (the bottom row takes 0 from below).
  localparam int BRowBits = Cols * DataWidth;
  logic [(Rows+1)*BRowBits-1:0] b_v;
  logic [Rows*RowBits-1:0]      o_v;
  logic                         os;
  assign os = (Dataflow == 2) || (Dataflow == 3 && os_i);
  assign b_v[BRowBits-1:0]               = b_i;
  // What each row passes on at its right edge, and its per-column valid bits: only the bottom
  // row's valid bits leave the array.
  logic [Rows*(ALane+2)-1:0]     unused_right;
  logic [Rows*Cols-1:0]          row_valid;

  // ---------------------------------------------------------------------------------------------
  // The rows
  // ---------------------------------------------------------------------------------------------
  for (genvar r = 0; r < Rows; r++) begin : g_row
    // The rows above and below (an index in range; at the edges the constant 0 is taken instead).
    localparam int Above = (r == 0) ? 0 : r - 1;
    localparam int Below = (r == Rows - 1) ? r : r + 1;
    localparam bit Top = r == 0, Bottom = r == Rows - 1;
    pe_row #(
      .Cols       (Cols),
      .WeightBanks(WeightBanks),
      .Int4       (Int4),
      .Dataflow   (Dataflow)
    ) u_row (
      .clk_i    (clk_i),
      .rst_ni   (rst_ni),
      .a_i      (a_i[r*ALane +: ALane]),
      .a_valid_i(a_valid_i[r]),
      .a_sel_i  (a_sel_i[r]),
      .prec_i   (prec_i),
      .w_load_i (w_load_i[r]),
      .w_bank_i (w_bank_i),
      .w_row_i  (w_row_i),
      .psum_i   (Top ? RowBits'(0) : psum_v[Above*RowBits +: RowBits]),
      .psum_o   (psum_v[r*RowBits +: RowBits]),
      .os_i     (os_i),
      .b_i      (b_v[r*BRowBits +: BRowBits]),
      .up_i     (Bottom ? RowBits'(0) : o_v[Below*RowBits +: RowBits]),
      .b_o      (b_v[(r+1)*BRowBits +: BRowBits]),
      .o_o      (o_v[r*RowBits +: RowBits]),
      .valid_o  (row_valid[r*Cols +: Cols]),
      .a_o      (unused_right[r*(ALane+2)+2 +: ALane]),
      .a_valid_o(unused_right[r*(ALane+2)+1]),
      .a_sel_o  (unused_right[r*(ALane+2)])
    );
  end

  // ---------------------------------------------------------------------------------------------
  // Bottom edge
  // ---------------------------------------------------------------------------------------------
  assign psum_o       = os ? o_v[RowBits-1:0] : psum_v[(Rows-1)*RowBits +: RowBits];
  assign psum_valid_o = row_valid[(Rows-1)*Cols +: Cols];

  // The rows above the bottom one drive valid bits nothing reads (their partial sums go on down).
  logic [(Rows-1)*Cols-1:0] unused_valid;
  assign unused_valid = row_valid[(Rows-1)*Cols-1:0];
  // The bottom row passes B on to nothing, and WS-only arrays read no output chain.
  logic [BRowBits-1:0] unused_b;
  assign unused_b = b_v[Rows*BRowBits +: BRowBits];

  // ---------------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------------
  // Illegal parameters stop elaboration (Icarus has no elaboration-time $error: it stops at t=0).
`ifdef __ICARUS__
  initial begin
    if (Rows < systolic_pkg::RowsMin || Rows > systolic_pkg::RowsMax) $fatal(1, "pe_array: bad Rows");
    if (Cols < systolic_pkg::ColsMin || Cols > systolic_pkg::ColsMax) $fatal(1, "pe_array: bad Cols");
  end
`else
  if (Rows < systolic_pkg::RowsMin || Rows > systolic_pkg::RowsMax) begin : g_bad_rows
    $error("pe_array: Rows outside systolic_pkg::RowsMin..RowsMax");
  end
  if (Cols < systolic_pkg::ColsMin || Cols > systolic_pkg::ColsMax) begin : g_bad_cols
    $error("pe_array: Cols outside systolic_pkg::ColsMin..ColsMax");
  end
`endif

endmodule
