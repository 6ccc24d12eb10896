// input_skew: the activation skew in front of pe_array (docs/architecture.md section 4; modelled
// inside the C++ twin model/systolic_top.h).
//
// Takes one A word (Rows lanes of Width bits: an int8, or with 4-bit PEs an int8 or byte pair in
// 16 bits) per cycle, with its slot valid bit, weight bank select and
// the tile's number of valid rows kv, and delays lane r by r cycles so that it enters array row r
// one cycle after row r - 1. Lanes r >= kv enter as 0 (their activation slot stays valid: the
// weights of those rows are 0 as well), and so does every lane of an invalid slot.
//
// Cycle behaviour:
//   - a_o[r], valid_o[r], sel_o[r] in cycle t are (kv_i > r && valid_i ? a_i[r] : 0), valid_i,
//     sel_i of cycle t - r. Row 0 is combinational (no register), row r has r registers.
//   - Reset (rst_ni = 0, asynchronous) clears every register: all delayed outputs 0.
module input_skew #(
  parameter int Rows  = 4,                       // array rows (lanes of an A word), 2..256
  parameter int Width = systolic_pkg::DataWidth  // bits per lane (2 * DataWidth with Int4 = 1)
) (
  input  logic                       clk_i,
  input  logic                       rst_ni,
  input  logic [Rows*Width-1:0]      a_i,      // a_i[r*Width +: Width]: activation of lane r
  input  logic                       valid_i,  // the slot is occupied
  input  logic                       sel_i,    // weight bank of the slot's tile
  input  logic [$clog2(Rows+1)-1:0]  kv_i,     // valid rows of the tile, 1..Rows
  output logic [Rows*Width-1:0]      a_o,      // to pe_array a_i
  output logic [Rows-1:0]            valid_o,  // to pe_array a_valid_i
  output logic [Rows-1:0]            sel_o     // to pe_array a_sel_i
);

  localparam int KvWidth = $clog2(Rows + 1);

  for (genvar r = 0; r < Rows; r++) begin : g_row
    logic       lane_on;
    logic [Width-1:0] lane_a;

    assign lane_on = valid_i && (kv_i > KvWidth'(r));
    assign lane_a  = lane_on ? a_i[r*Width +: Width] : '0;

    delay_line #(
      .Width(Width + 2),
      .Depth(r)
    ) u_delay (
      .clk_i (clk_i),
      .rst_ni(rst_ni),
      .d_i   ({lane_a, valid_i, sel_i}),
      .q_o   ({a_o[r*Width +: Width], valid_o[r], sel_o[r]})
    );
  end

  // ---------------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------------
  // Illegal parameters stop elaboration (Icarus has no elaboration-time $error: it stops at t=0).
`ifdef __ICARUS__
  initial begin
    if (Rows < systolic_pkg::RowsMin || Rows > systolic_pkg::RowsMax) $fatal(1, "input_skew: bad Rows");
  end
`else
  if (Rows < systolic_pkg::RowsMin || Rows > systolic_pkg::RowsMax) begin : g_bad_rows
    $error("input_skew: Rows outside systolic_pkg::RowsMin..RowsMax");
  end
`endif

endmodule
