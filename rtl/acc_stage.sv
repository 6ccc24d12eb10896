// acc_stage: the accumulate-and-requantize stage of systolic_top (docs/architecture.md section 4,
// "Tile schedule", pipeline offsets; C++ twin: model/acc_stage.h): the tag pipeline that carries
// each slot from its issue cycle to the accumulate stage, the accumulator buffer, the Cols
// requant units and the C write.
//
// A slot issued in cycle t (s_issue_i = 1, with its tags) reaches the accumulate stage in cycle
// X = t + Rows + Cols, where psum_i holds its de-skewed row of Cols partial sums:
//   - cycle X - 1: on the last K-tile (s_last) q_rd_en_o = 1 with q_rd_addr_o = q_base + nt
//     (saturating: systolic_pkg::addr_add; q_base: q_base_i in the slot's issue cycle, carried
//     in its tag)
//     (the BIAS / M0 / SHIFT word; the spads answer in cycle X on bias_i, m0_i, shift_i). Not on
//     the first K-tile, the accumulator buffer row j is read (synchronous).
//   - cycle X: sum = s_first ? psum : acc[j] + psum (int32, wrapping). Not the last K-tile: acc[j]
//     takes sum at the end of X. Last K-tile: sum enters the requant units (Rounding = 2: the mode
//     is rounding_i; PipeDepth = RequantDepth) with bias_i / m0_i / shift_i, zp_out_i,
//     act_min_i and act_max_i.
//   - cycle X + RequantDepth: c_wr_en_o = 1, c_wr_addr_o = the slot's C word, c_wr_lanes_o = nv
//     (lanes 0 .. nv-1 are written), c_wr_data_o = the requant results of those lanes.
// Every output is 0 in a cycle without its event (q_rd_addr_o without q_rd_en_o, the C-write
// outputs without c_wr_en_o, and c_wr_data_o lanes >= nv). zp_out_i, act_min_i, act_max_i and
// rounding_i must not change while slots are in flight (the command registers); q_base_i may (a
// memory command's next block starts during the tail of the one before, with its own BIAS / M0
// / SHIFT half): each slot takes it along.
// Slots of one accumulator row are never issued in consecutive cycles when the later one reads
// the row (not its first K-tile) and the earlier one writes it (not its last): that read would
// meet the write at the same edge, and there is no forwarding register (Cols x 32 flops that
// systolic_top would never use: tile_ctrl streams a row once per tile and holds a tile's first
// slot a cycle when it would read the row the tile before's last slot writes; os_ctrl's slots
// are all first and last). RowApart_A checks it.
// Reset (rst_ni = 0, asynchronous) empties the pipeline; the accumulator buffer is not reset.
`include "systolic_assert.svh"

module acc_stage #(
  parameter int Rows         = 16,   // array rows: with Cols, the delay from issue to X
  parameter int Cols         = 16,   // array columns: the lanes
  parameter int AccWords     = 1024,  // accumulator buffer rows (the M-block)
  parameter int RequantDepth = 3     // requant latency
) (
  input  logic                                  clk_i,
  input  logic                                  rst_ni,
  // The slot tile_ctrl issues this cycle
  input  logic                                  s_issue_i,
  input  logic                                  s_first_i,
  input  logic                                  s_last_i,
  input  logic [((AccWords > 1) ? $clog2(AccWords) : 1)-1:0] s_j_i,
  input  logic [systolic_pkg::DimWidth-1:0]     s_nt_i,
  input  logic [$clog2(Cols+1)-1:0]             s_nv_i,
  input  logic [systolic_pkg::AddrWidth-1:0]    s_caddr_i,
  // Partial sums from output_deskew (lane c at [c*AccWidth +: AccWidth])
  input  logic [Cols*systolic_pkg::AccWidth-1:0] psum_i,
  // Command registers
  input  logic [systolic_pkg::WordWidth-1:0]    q_base_i,
  input  logic [systolic_pkg::DataWidth-1:0]    zp_out_i,
  input  logic [systolic_pkg::DataWidth-1:0]    act_min_i,
  input  logic [systolic_pkg::DataWidth-1:0]    act_max_i,
  input  logic                                  rounding_i,
  // BIAS / M0 / SHIFT read (cycle X - 1) and data (cycle X)
  output logic                                  q_rd_en_o,
  output logic [systolic_pkg::AddrWidth-1:0]    q_rd_addr_o,
  input  logic [Cols*systolic_pkg::BiasWidth-1:0] bias_i,
  input  logic [Cols*systolic_pkg::M0Width-1:0] m0_i,
  input  logic [Cols*systolic_pkg::ShiftWidth-1:0] shift_i,
  // C write (cycle X + RequantDepth)
  output logic                                  c_wr_en_o,
  output logic [systolic_pkg::AddrWidth-1:0]    c_wr_addr_o,
  output logic [$clog2(Cols+1)-1:0]            c_wr_lanes_o,
  output logic [Cols*systolic_pkg::DataWidth-1:0] c_wr_data_o
);

  localparam int AW      = systolic_pkg::AddrWidth;
  localparam int DimW    = systolic_pkg::DimWidth;
  localparam int AccW    = systolic_pkg::AccWidth;
  localparam int DataW   = systolic_pkg::DataWidth;
  localparam int ShiftW  = systolic_pkg::ShiftWidth;
  localparam int NvW     = $clog2(Cols + 1);
  localparam int AccIdxW = (AccWords > 1) ? $clog2(AccWords) : 1;
  localparam int WordW   = systolic_pkg::WordWidth;
  localparam int TagW    = 3 + AccIdxW + WordW + DimW + NvW + AW;

  // ---------------------------------------------------------------------------------------------
  // Tag pipeline: issue (t) -> X - 1 = t + Rows + Cols - 1. An empty slot carries zeros.
  // ---------------------------------------------------------------------------------------------
  logic [TagW-1:0]    tag_t, tag_q;
  logic               q_valid, q_first, q_last;
  logic [AccIdxW-1:0] q_j;
  logic [WordW-1:0]   q_qbase;  // q_base_i when the slot issued
  logic [DimW-1:0]    q_nt;
  logic [NvW-1:0]     q_nv;
  logic [AW-1:0]      q_caddr;

  assign tag_t = s_issue_i ? {1'b1, s_first_i, s_last_i, s_j_i, q_base_i, s_nt_i, s_nv_i, s_caddr_i}
                           : '0;

  delay_line #(
    .Width(TagW),
    .Depth(Rows + Cols - 1)
  ) u_tag (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .d_i   (tag_t),
    .q_o   (tag_q)
  );

  assign {q_valid, q_first, q_last, q_j, q_qbase, q_nt, q_nv, q_caddr} = tag_q;

  // Cycle X - 1: the BIAS / M0 / SHIFT word of the slot's N-tile (last K-tile only).
  assign q_rd_en_o   = q_valid && q_last;
  assign q_rd_addr_o = q_rd_en_o ? systolic_pkg::addr_add(AW'(q_qbase), 40'(q_nt)) : '0;

  // Accumulate stage registers (cycle X).
  logic               x_valid_d, x_valid_q;
  logic               x_first_d, x_first_q;
  logic               x_last_d, x_last_q;
  logic [AccIdxW-1:0] x_j_d, x_j_q;  // accumulator row: slot j of the M-block
  logic [NvW-1:0]     x_nv_d, x_nv_q;
  logic [AW-1:0]      x_caddr_d, x_caddr_q;

  always_comb begin
    x_valid_d = q_valid;
    x_first_d = q_first;
    x_last_d  = q_last;
    x_j_d     = q_j;
    x_nv_d    = q_nv;
    x_caddr_d = q_caddr;
  end

  // ---------------------------------------------------------------------------------------------
  // Accumulator buffer: AccWords rows of Cols int32, read in X - 1, written at the end of X
  // ---------------------------------------------------------------------------------------------
  logic [Cols*AccW-1:0] acc_rdata, acc_sum;
  logic                 acc_re, acc_we, rq_valid;

  assign acc_re = q_valid && !q_first;

  always_comb begin
    for (int c = 0; c < Cols; c++) begin
      acc_sum[c*AccW +: AccW] = x_first_q ? psum_i[c*AccW +: AccW]
                                          : acc_rdata[c*AccW +: AccW] + psum_i[c*AccW +: AccW];
    end
    acc_we     = x_valid_q && !x_last_q;
    rq_valid   = x_valid_q && x_last_q;
  end

  ram_1r1w #(
    .Words(AccWords),
    .Lanes(1),
    .Width(Cols * AccW)
  ) u_acc (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .re_i   (acc_re),
    .raddr_i(q_j),
    .rdata_o(acc_rdata),
    .we_i   (acc_we),
    .waddr_i(x_j_q),
    .wmask_i(1'b1),
    .wdata_i(acc_sum)
  );

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      x_valid_q  <= 1'b0;
      x_first_q  <= 1'b0;
      x_last_q   <= 1'b0;
      x_j_q      <= '0;
      x_nv_q     <= '0;
      x_caddr_q  <= '0;
    end else begin
      x_valid_q  <= x_valid_d;
      x_first_q  <= x_first_d;
      x_last_q   <= x_last_d;
      x_j_q      <= x_j_d;
      x_nv_q     <= x_nv_d;
      x_caddr_q  <= x_caddr_d;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Output stage: Cols requant units, C write at the end of X + RequantDepth
  // ---------------------------------------------------------------------------------------------
  logic [Cols*DataW-1:0] rq_out;
  logic [Cols-1:0]       rq_valid_o;  // equal to the C-write tag's valid bit

  for (genvar c = 0; c < Cols; c++) begin : g_requant
    requant #(
      .Rounding (2),
      .PipeDepth(RequantDepth)
    ) u_requant (
      .clk_i     (clk_i),
      .rst_ni    (rst_ni),
      .valid_i   (rq_valid),
      .rounding_i(rounding_i),
      .acc_i     (acc_sum[c*AccW +: AccW]),
      .bias_i    (bias_i[c*systolic_pkg::BiasWidth +: systolic_pkg::BiasWidth]),
      .m0_i      (m0_i[c*systolic_pkg::M0Width +: systolic_pkg::M0Width]),
      .shift_i   (shift_i[c*ShiftW +: ShiftW]),
      .zp_out_i  (zp_out_i),
      .act_min_i (act_min_i),
      .act_max_i (act_max_i),
      .valid_o   (rq_valid_o[c]),
      .out_o     (rq_out[c*DataW +: DataW])
    );
  end

  delay_line #(
    .Width(1 + NvW + AW),
    .Depth(RequantDepth)
  ) u_ctag (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .d_i   (rq_valid ? {1'b1, x_nv_q, x_caddr_q} : '0),
    .q_o   ({c_wr_en_o, c_wr_lanes_o, c_wr_addr_o})
  );

  always_comb begin
    for (int c = 0; c < Cols; c++) begin
      c_wr_data_o[c*DataW +: DataW] = 32'(c_wr_lanes_o) > c ? rq_out[c*DataW +: DataW] : '0;
    end
  end

  // The C-write tag carries the slot's valid bit that the requant units also carry.
  logic [Cols-1:0] unused_rq_valid;
  assign unused_rq_valid = rq_valid_o;

  // ---------------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------------
  // The requant units and the C-write tag agree on which cycles write C.
  `SYS_ASSERT(CWriteValid_A, rq_valid_o == {Cols{c_wr_en_o}})
  // A C write writes at least one lane, and only slots of the last K-tile write C.
  `SYS_ASSERT(CWriteLanes_A, !c_wr_en_o || (c_wr_lanes_o != '0))
  // No read of the accumulator row that the slot one cycle ahead writes at the same edge (see the
  // header: the schedules keep one row's slots apart; the RAM has no read-during-write forwarding).
  `SYS_ASSERT(RowApart_A, !(acc_re && acc_we && (x_j_q == q_j)))

  // Illegal parameters stop elaboration (Icarus has no elaboration-time $error: it stops at t=0).
`ifdef __ICARUS__
  initial begin
    if (Rows < systolic_pkg::RowsMin || Rows > systolic_pkg::RowsMax) $fatal(1, "acc_stage: bad Rows");
    if (Cols < systolic_pkg::ColsMin || Cols > systolic_pkg::ColsMax) $fatal(1, "acc_stage: bad Cols");
    if (AccWords < systolic_pkg::AccWordsMin || AccWords > systolic_pkg::AccWordsMax)
      $fatal(1, "acc_stage: bad AccWords");
    if (RequantDepth < systolic_pkg::RequantDepthMin || RequantDepth > systolic_pkg::RequantDepthMax)
      $fatal(1, "acc_stage: bad RequantDepth");
  end
`else
  if (Rows < systolic_pkg::RowsMin || Rows > systolic_pkg::RowsMax) begin : g_bad_rows
    $error("acc_stage: Rows outside systolic_pkg::RowsMin..RowsMax");
  end
  if (Cols < systolic_pkg::ColsMin || Cols > systolic_pkg::ColsMax) begin : g_bad_cols
    $error("acc_stage: Cols outside systolic_pkg::ColsMin..ColsMax");
  end
  if (AccWords < systolic_pkg::AccWordsMin || AccWords > systolic_pkg::AccWordsMax) begin : g_bad_acc
    $error("acc_stage: AccWords outside systolic_pkg::AccWordsMin..AccWordsMax");
  end
  if (RequantDepth < systolic_pkg::RequantDepthMin || RequantDepth > systolic_pkg::RequantDepthMax)
  begin : g_bad_depth
    $error("acc_stage: RequantDepth outside systolic_pkg::RequantDepthMin..RequantDepthMax");
  end
`endif

endmodule
