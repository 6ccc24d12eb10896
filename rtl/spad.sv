// spad: a scratchpad of Words words of Lanes elements of Width bits (docs/architecture.md
// section 4; the A, B, C, BIAS, M0 and SHIFT scratchpads of systolic_top; C++ twin: model/spad.h).
//
// One ram_1r1w (one read port, one masked write port) shared by two users:
//   - the engine: whole words at AddrWidth-bit word addresses;
//   - the host: one element (lane) of one word at a time.
// The read port serves the engine when rd_en_i = 1, else the host when host_re_i = 1; the write
// port serves the engine when wr_en_i = 1, else the host when host_we_i = 1. An engine and a host
// access to the same port in one cycle is illegal (asserted): systolic_regs grants the host a
// port only while the engine does not use it (the host's scratchpad accesses wait for idle, except
// C reads: the engine never reads C).
// A word >= Words (or a host lane >= Lanes) is missing: it reads 0 and writes nothing.
//
// Cycle behaviour:
//   - rd_data_o in cycle t + 1 is word rd_addr_i of cycle t as stored before the edge ending t
//     (0 for a missing word), if rd_en_i = 1 in cycle t; after a cycle without an engine read it
//     is undefined (the RAM's output register is shared with the host's reads).
//   - host_rdata_o in cycle t + 1 is lane host_lane_i of word host_word_i of cycle t as stored
//     before that edge (0 if missing), if host_re_i = 1 in cycle t; it holds until the next read
//     of either kind.
//   - At the edge ending cycle t: if wr_en_i, every lane l with wr_lane_en_i[l] of word wr_addr_i
//     takes wr_data_i[l]; else if host_we_i, lane host_lane_i of word host_word_i takes
//     host_wdata_i.
//   - Reset (rst_ni = 0, asynchronous) clears the hit flags (both outputs read 0); the memory is
//     not reset (undefined until written; Verilator starts it at 0).
`include "systolic_assert.svh"

module spad #(
  parameter int Words     = 16,  // words, 1 .. 2^WordWidth (the host word field)
  parameter int Lanes     = 4,   // elements per word, 1 .. 2^LaneWidth (the host lane field)
  parameter int Width     = 8,   // bits per element, >= 1
  parameter int AddrWidth = systolic_pkg::AddrWidth  // width of the engine word addresses, > WordWidth
) (
  input  logic                             clk_i,
  input  logic                             rst_ni,
  // Engine read port
  input  logic                             rd_en_i,
  input  logic [AddrWidth-1:0]             rd_addr_i,
  output logic [Lanes*Width-1:0]           rd_data_o,     // lane l at [l*Width +: Width]
  // Engine write port
  input  logic                             wr_en_i,
  input  logic [AddrWidth-1:0]             wr_addr_i,
  input  logic [Lanes-1:0]                 wr_lane_en_i,
  input  logic [Lanes*Width-1:0]           wr_data_i,
  // Host element port
  input  logic                             host_re_i,
  input  logic                             host_we_i,
  input  logic [systolic_pkg::WordWidth-1:0] host_word_i,
  input  logic [systolic_pkg::LaneWidth-1:0] host_lane_i,
  input  logic [Width-1:0]                 host_wdata_i,
  output logic [Width-1:0]                 host_rdata_o
);

  localparam int IdxWidth = (Words > 1) ? $clog2(Words) : 1;
  localparam int LaneW    = (Lanes > 1) ? $clog2(Lanes) : 1;

  // ---------------------------------------------------------------------------------------------
  // Port arbitration and address decode
  // ---------------------------------------------------------------------------------------------
  logic                rd_hit, wr_hit, host_hit;
  logic                ram_re, ram_we;
  logic [IdxWidth-1:0] ram_raddr, ram_waddr;
  logic [Lanes-1:0]    ram_wmask, host_lane_dec;
  logic [Lanes*Width-1:0] ram_wdata, ram_rdata;

  assign rd_hit   = 64'(rd_addr_i) < 64'(Words);
  assign wr_hit   = 64'(wr_addr_i) < 64'(Words);
  assign host_hit = (32'(host_word_i) < 32'(Words)) && (32'(host_lane_i) < 32'(Lanes));

  always_comb begin
    for (int l = 0; l < Lanes; l++) begin
      host_lane_dec[l] = 32'(host_lane_i) == l;
    end
    if (rd_en_i) begin
      ram_re    = rd_hit;
      ram_raddr = rd_addr_i[IdxWidth-1:0];
    end else begin
      ram_re    = host_re_i && host_hit;
      ram_raddr = host_word_i[IdxWidth-1:0];
    end
    if (wr_en_i) begin
      ram_we    = wr_hit;
      ram_waddr = wr_addr_i[IdxWidth-1:0];
      ram_wmask = wr_lane_en_i;
      ram_wdata = wr_data_i;
    end else begin
      ram_we    = host_we_i && host_hit;
      ram_waddr = host_word_i[IdxWidth-1:0];
      ram_wmask = host_lane_dec;
      ram_wdata = {Lanes{host_wdata_i}};
    end
  end

  ram_1r1w #(
    .Words(Words),
    .Lanes(Lanes),
    .Width(Width)
  ) u_ram (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .re_i   (ram_re),
    .raddr_i(ram_raddr),
    .rdata_o(ram_rdata),
    .we_i   (ram_we),
    .waddr_i(ram_waddr),
    .wmask_i(ram_wmask),
    .wdata_i(ram_wdata)
  );

  // ---------------------------------------------------------------------------------------------
  // Read data: which word the RAM's output holds, and for the host which lane
  // ---------------------------------------------------------------------------------------------
  logic             rd_hit_d, rd_hit_q;      // the RAM output holds an engine word that exists
  logic             host_hit_d, host_hit_q;  // ... the word of a host element that exists
  logic [LaneW-1:0] host_lane_d, host_lane_q;

  always_comb begin
    rd_hit_d    = rd_hit_q;
    host_hit_d  = host_hit_q;
    host_lane_d = host_lane_q;
    if (rd_en_i) begin
      rd_hit_d   = rd_hit;
      host_hit_d = 1'b0;
    end else if (host_re_i) begin
      rd_hit_d    = 1'b0;
      host_hit_d  = host_hit;
      host_lane_d = host_lane_i[LaneW-1:0];
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      rd_hit_q    <= 1'b0;
      host_hit_q  <= 1'b0;
      host_lane_q <= '0;
    end else begin
      rd_hit_q    <= rd_hit_d;
      host_hit_q  <= host_hit_d;
      host_lane_q <= host_lane_d;
    end
  end

  assign rd_data_o    = rd_hit_q ? ram_rdata : '0;
  assign host_rdata_o = host_hit_q ? ram_rdata[host_lane_q*Width +: Width] : '0;

  // ---------------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------------
  // The engine and the host never want the same port in the same cycle.
  `SYS_ASSERT(OneReader_A, !(rd_en_i && host_re_i))
  `SYS_ASSERT(OneWriter_A, !(wr_en_i && host_we_i))

  // Illegal parameters stop elaboration (Icarus has no elaboration-time $error: it stops at t=0).
`ifdef __ICARUS__
  initial begin
    if (Words < 1 || Words > (1 << systolic_pkg::WordWidth)) $fatal(1, "spad: Words out of range");
    if (Lanes < 1 || Lanes > (1 << systolic_pkg::LaneWidth)) $fatal(1, "spad: Lanes out of range");
    if (Width < 1) $fatal(1, "spad: Width must be >= 1");
    if (AddrWidth <= systolic_pkg::WordWidth || AddrWidth > 63) $fatal(1, "spad: bad AddrWidth");
  end
`else
  if (Words < 1 || Words > (1 << systolic_pkg::WordWidth)) begin : g_bad_words
    $error("spad: Words must be in 1..2^WordWidth (the host word field)");
  end
  if (Lanes < 1 || Lanes > (1 << systolic_pkg::LaneWidth)) begin : g_bad_lanes
    $error("spad: Lanes must be in 1..2^LaneWidth (the host lane field)");
  end
  if (Width < 1) begin : g_bad_width
    $error("spad: Width must be >= 1");
  end
  if (AddrWidth <= systolic_pkg::WordWidth || AddrWidth > 63) begin : g_bad_addr_width
    $error("spad: AddrWidth must be in WordWidth+1..63");
  end
`endif

endmodule
