// ram_1r1w: Words words of Lanes elements of Width bits, with one synchronous read port and one
// write port with a per-lane write mask (docs/architecture.md section 4, "Memories"). It is the
// only storage array of the engine: every scratchpad (spad) and the accumulator buffer
// (acc_stage) is one instance, in the shape of a two-port (1R1W) SRAM macro with a write mask, so
// a technology flow replaces this module and nothing else. Modelled inside the C++ twins of its
// users (model/spad.h, model/acc_stage.h).
//
// Cycle behaviour:
//   - rdata_o in cycle t + 1 is word raddr_i as stored before the edge ending cycle t, if re_i = 1
//     in cycle t (read-first: a write to the same word at that edge is not seen). rdata_o holds
//     its value while re_i = 0. It is not reset: like an SRAM's output it is undefined until the
//     first read (Verilator starts it at 0).
//   - At the edge ending cycle t, if we_i = 1, every lane l with wmask_i[l] = 1 of word waddr_i
//     takes wdata_i[l*Width +: Width].
//   - Addresses must be below Words (asserted); the users decode missing words themselves.
//   - The memory is not reset (undefined until written; Verilator starts it at 0).
`include "systolic_assert.svh"

module ram_1r1w #(
  parameter int Words = 16,  // words, >= 1
  parameter int Lanes = 4,   // elements per word, >= 1
  parameter int Width = 8    // bits per element, >= 1
) (
  input  logic                   clk_i,
  input  logic                   rst_ni,   // for the assertions only
  input  logic                   re_i,
  input  logic [((Words > 1) ? $clog2(Words) : 1)-1:0] raddr_i,
  output logic [Lanes*Width-1:0] rdata_o,  // lane l at [l*Width +: Width]
  input  logic                   we_i,
  input  logic [((Words > 1) ? $clog2(Words) : 1)-1:0] waddr_i,
  input  logic [Lanes-1:0]       wmask_i,
  input  logic [Lanes*Width-1:0] wdata_i
);

  // One array per lane: a masked write is a plain write to some of them.
  for (genvar l = 0; l < Lanes; l++) begin : g_lane
    // Toggle coverage: off for the storage array (one point per bit of every word, millions in
    // the default scratchpads); the words reach the ports through rdata_q, which is covered.
    /* verilator coverage_off */
    logic [Width-1:0] mem [Words];
    /* verilator coverage_on */
    logic [Width-1:0] rdata_q;

    always_ff @(posedge clk_i) begin
      if (we_i && wmask_i[l]) begin
        mem[waddr_i] <= wdata_i[l*Width +: Width];
      end
    end

    always_ff @(posedge clk_i) begin
      if (re_i) begin
        rdata_q <= mem[raddr_i];
      end
    end

    assign rdata_o[l*Width +: Width] = rdata_q;
  end

  // ---------------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------------
  `SYS_ASSERT(ReadInRange_A, !re_i || (32'(raddr_i) < Words))
  `SYS_ASSERT(WriteInRange_A, !we_i || (32'(waddr_i) < Words))

  // Illegal parameters stop elaboration (Icarus has no elaboration-time $error: it stops at t=0).
`ifdef __ICARUS__
  initial begin
    if (Words < 1 || Lanes < 1 || Width < 1) $fatal(1, "ram_1r1w: Words, Lanes, Width must be >= 1");
  end
`else
  if (Words < 1 || Lanes < 1 || Width < 1) begin : g_bad_params
    $error("ram_1r1w: Words, Lanes and Width must be >= 1");
  end
`endif

endmodule
