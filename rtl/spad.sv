// spad: a scratchpad of Words words of Lanes elements of Width bits (docs/architecture.md
// section 4; the A, B, C, BIAS, M0 and SHIFT scratchpads of systolic_top; modelled inside the C++
// twin model/systolic_top.h).
//
// Three ports:
//   - engine read:  a whole word, synchronous (1 cycle);
//   - engine write: a whole word with a per-lane write enable;
//   - host element: one lane of one word, combinational read, write at the edge.
// Addresses are unsigned and wider than the memory; a word >= Words (or a host lane >= Lanes) is
// missing: it reads 0 and writes nothing.
//
// Cycle behaviour:
//   - rd_data_o in cycle t + 1 is word rd_addr_i of cycle t (as stored before the edge ending t)
//     if rd_en_i was 1 in cycle t (0 for a missing word); it holds its value while rd_en_i = 0.
//   - At the edge ending cycle t: if wr_en_i, every lane l with wr_lane_en_i[l] of word wr_addr_i
//     takes wr_data_i[l]; if host_we_i, lane host_lane_i of word host_word_i takes host_wdata_i.
//     When both write the same lane of the same word at the same edge, the host write wins.
//   - host_rdata_o is lane host_lane_i of word host_word_i now (combinational; 0 if missing): a
//     read sampled at an edge that also writes the element returns the old value.
//   - Reset (rst_ni = 0, asynchronous) clears rd_data_o only; the memory itself is not reset (its
//     content is undefined until written; Verilator starts it at 0).
module spad #(
  parameter int Words     = 16,  // words, 1 .. 2^20 (the host word field is 20 bits)
  parameter int Lanes     = 4,   // elements per word, 1 .. 256 (the host lane field is 8 bits)
  parameter int Width     = 8,   // bits per element, >= 1
  parameter int AddrWidth = 34   // width of the engine word addresses, 21 .. 63
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,
  // Engine read port
  input  logic                   rd_en_i,
  input  logic [AddrWidth-1:0]   rd_addr_i,
  output logic [Lanes*Width-1:0] rd_data_o,     // lane l at [l*Width +: Width]
  // Engine write port
  input  logic                   wr_en_i,
  input  logic [AddrWidth-1:0]   wr_addr_i,
  input  logic [Lanes-1:0]       wr_lane_en_i,
  input  logic [Lanes*Width-1:0] wr_data_i,
  // Host element port
  input  logic                   host_we_i,
  input  logic [19:0]            host_word_i,
  input  logic [7:0]             host_lane_i,
  input  logic [Width-1:0]       host_wdata_i,
  output logic [Width-1:0]       host_rdata_o
);

  localparam int IdxWidth = (Words > 1) ? $clog2(Words) : 1;
  localparam int LaneW    = (Lanes > 1) ? $clog2(Lanes) : 1;

  // ---------------------------------------------------------------------------------------------
  // Address decode
  // ---------------------------------------------------------------------------------------------
  logic                rd_hit, wr_hit, host_hit;
  logic [IdxWidth-1:0] rd_idx, wr_idx, host_idx;

  assign rd_hit   = 64'(rd_addr_i) < 64'(Words);
  assign wr_hit   = 64'(wr_addr_i) < 64'(Words);
  assign host_hit = (32'(host_word_i) < 32'(Words)) && (32'(host_lane_i) < 32'(Lanes));
  assign rd_idx   = rd_addr_i[IdxWidth-1:0];
  assign wr_idx   = wr_addr_i[IdxWidth-1:0];
  assign host_idx = host_word_i[IdxWidth-1:0];

  // ---------------------------------------------------------------------------------------------
  // Storage: one memory per lane
  // ---------------------------------------------------------------------------------------------
  logic [Lanes*Width-1:0] rd_word;    // word rd_idx, all lanes
  logic [Lanes*Width-1:0] host_word;  // word host_idx, all lanes

  for (genvar l = 0; l < Lanes; l++) begin : g_lane
    logic [Width-1:0] mem [0:Words-1];
    logic             host_we_l, wr_we_l;

    assign host_we_l = host_we_i && host_hit && (32'(host_lane_i) == l);
    assign wr_we_l   = wr_en_i && wr_hit && wr_lane_en_i[l];

    // The host write comes second: it wins a same-element collision.
    always_ff @(posedge clk_i) begin
      if (wr_we_l) begin
        mem[wr_idx] <= wr_data_i[l*Width +: Width];
      end
      if (host_we_l) begin
        mem[host_idx] <= host_wdata_i;
      end
    end

    assign rd_word[l*Width +: Width]   = mem[rd_idx];
    assign host_word[l*Width +: Width] = mem[host_idx];
  end

  // ---------------------------------------------------------------------------------------------
  // Engine read register, host element read
  // ---------------------------------------------------------------------------------------------
  logic [Lanes*Width-1:0] rd_data_d, rd_data_q;

  always_comb begin
    rd_data_d = rd_data_q;
    if (rd_en_i) begin
      rd_data_d = rd_hit ? rd_word : '0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rd_data_q <= '0;
    end else begin
      rd_data_q <= rd_data_d;
    end
  end

  assign rd_data_o = rd_data_q;

  // A lane index >= Lanes (only possible when Lanes is not a power of two) is not a hit.
  logic [LaneW-1:0] host_lane_idx;
  assign host_lane_idx = host_lane_i[LaneW-1:0];
  assign host_rdata_o  = host_hit ? host_word[host_lane_idx*Width +: Width] : '0;

  // ---------------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------------
  // Illegal parameters stop elaboration (Icarus has no elaboration-time $error: it stops at t=0).
`ifdef __ICARUS__
  initial begin
    if (Words < 1 || Words > (1 << 20)) $fatal(1, "spad: Words must be in 1..2^20");
    if (Lanes < 1 || Lanes > 256) $fatal(1, "spad: Lanes must be in 1..256");
    if (Width < 1) $fatal(1, "spad: Width must be >= 1");
    if (AddrWidth < 21 || AddrWidth > 63) $fatal(1, "spad: AddrWidth must be in 21..63");
  end
`else
  if (Words < 1 || Words > (1 << 20)) begin : g_bad_words
    $error("spad: Words must be in 1..2^20 (the host word field is 20 bits)");
  end
  if (Lanes < 1 || Lanes > 256) begin : g_bad_lanes
    $error("spad: Lanes must be in 1..256 (the host lane field is 8 bits)");
  end
  if (Width < 1) begin : g_bad_width
    $error("spad: Width must be >= 1");
  end
  if (AddrWidth < 21 || AddrWidth > 63) begin : g_bad_addr_width
    $error("spad: AddrWidth must be in 21..63");
  end
`endif

endmodule
