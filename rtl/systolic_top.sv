// systolic_top: the engine (docs/architecture.md section 4; C++ twin: model/systolic_top.h).
//
// C[M x N] = requant(A[M x K] * B[K x N] + bias), weight-stationary on a Rows x Cols pe_array,
// driven through a one-element-per-access host port. Blocks, each in its own file:
//   systolic_regs   host port decode, command registers, performance counters, read-data mux
//   dma             memory commands: descriptors checked, operands loaded, C stored (memory port)
//   tile_ctrl       the tile sequencer: weight-row and slot issue, counter phases, busy/done
//   os_ctrl         the output-stationary tile sequencer (Dataflow >= 2; DATAFLOW = OS commands)
//   spad x 6        scratchpads A, B, C, BIAS, M0, SHIFT (one ram_1r1w each)
//   (here)          the issue-stage registers: weight loader and slot streamer, one cycle after
//                   tile_ctrl issues (alongside the synchronous scratchpad reads)
//   input_skew, pe_array, output_deskew
//   acc_stage       tag pipeline, accumulator buffer, Cols requant units, C write
// Widths, the address map and the parameter limits come from systolic_pkg (generated from
// rtl/systolic_if.toml).
//
// Cycle behaviour at the ports (the host-port details are in systolic_regs):
//   - host_rvalid_o / host_rdata_o: the cycle after a read request, the register or element.
//   - A CTRL write with bit 0 set while busy_o = 0 starts a command: busy_o = 1 from the next
//     cycle (cycle 0 of the command) through cycle X_last + RequantDepth; done_o = 1 in the
//     cycle after (busy_o = 0 then). X_last = e_last + Rows + Cols, e_last the cycle the last slot
//     issues (rtl/tile_ctrl.sv gives the issue schedule). A command with M, N or K = 0 is busy in
//     cycle 0 only and writes nothing.
//   - Pipeline offsets from tile_ctrl's issue cycle t: a weight row's B word is read in t and
//     written into its array row's bank at the end of t + 1 (rows >= kv and columns >= nv as 0);
//     a slot's A word (w4a8: its A word pair, see the A scratchpad below) is read in t and enters
//     array row r in t + 1 + r (lanes >= kv as 0); its
//     de-skewed row of partial sums reaches acc_stage in X = t + Rows + Cols, and its C word is
//     written at the end of X + RequantDepth (acc_stage).
//   - A CTRL write with bit 1 set (bit 0 clear) while busy_o = 0 starts a memory command (dma):
//     busy_o = 1 from the next cycle through the last acknowledged C write, then done_o for one
//     cycle; in between the DMA loads the operands through the memory port (mem_req_*,
//     mem_rsp_*, protocol in rtl/dma.sv), tile_ctrl runs each block as above (its own done_o
//     is internal; a block started before its B or BIAS / M0 / SHIFT are in waits at tile_ctrl's
//     gates, b_rows_i / q_ready_i, and those cycles count as CYC_LOAD) and the DMA stores C. A refused memory command (STATUS[4:2] != 0) is busy in
//     one cycle and touches neither memory nor scratchpads.
//   - Output-stationary (DATAFLOW = DfOs on a build with Dataflow = 3, every command with
//     Dataflow = 2): os_ctrl runs the command (rtl/os_ctrl.sv gives its schedule). A beat issued
//     in cycle t reads its A word (lanes >= mv as 0) and its B word (lanes >= nv as 0) in t; they
//     enter array row r and column c in t + 1 + r and t + 1 + c (input_skew for each). The
//     sums leave the top row (rtl/pe_array.sv) into output_deskew and acc_stage with os_ctrl's
//     tags (first and last K-tile: no accumulator rows). A memory command with DATAFLOW = DfOs
//     is refused (STATUS[4:2] = 4).
//   - Reset (rst_ni = 0, asynchronous) clears every register and stops any command; scratchpads
//     and the accumulator buffer are not reset.
`include "systolic_assert.svh"

module systolic_top #(
  parameter int Rows         = systolic_pkg::RowsDefault,          // array rows
  parameter int Cols         = systolic_pkg::ColsDefault,          // array columns
  parameter int AWords       = systolic_pkg::AWordsDefault,        // A words (Rows int8 lanes)
  parameter int BWords       = systolic_pkg::BWordsDefault,        // B words (Cols int8 lanes)
  parameter int CWords       = systolic_pkg::CWordsDefault,        // C words (Cols int8 lanes)
  parameter int QWords       = systolic_pkg::QWordsDefault,        // BIAS / M0 / SHIFT words
  parameter int AccWords     = systolic_pkg::AccWordsDefault,      // accumulator rows: the M-block
  parameter int RequantDepth = systolic_pkg::RequantDepthDefault,  // requant latency
  parameter int WeightBanks  = systolic_pkg::WeightBanksDefault,   // 2 double-buffered, 1 single
  parameter int MemBytesLog2 = systolic_pkg::MemBytesLog2Default,  // memory beat: 2^MemBytesLog2 bytes
  parameter int Int4         = systolic_pkg::Int4Default,          // 1: dual-mode PEs (w4a8, w4a4)
  parameter int Dataflow     = systolic_pkg::DataflowDefault       // 1 WS, 2 OS, 3 both
) (
  input  logic                                   clk_i,
  input  logic                                   rst_ni,
  input  logic                                   host_req_i,
  input  logic                                   host_we_i,
  input  logic [systolic_pkg::HostAddrWidth-1:0] host_addr_i,
  input  logic [systolic_pkg::HostDataWidth-1:0] host_wdata_i,
  output logic                                   host_rvalid_o,
  output logic [systolic_pkg::HostDataWidth-1:0] host_rdata_o,
  output logic                                   busy_o,
  output logic                                   done_o,
  // Memory port (rtl/dma.sv): requests and in-order responses, valid/ready on both channels.
  output logic                                   mem_req_valid_o,
  input  logic                                   mem_req_ready_i,
  output logic                                   mem_req_we_o,
  output logic [systolic_pkg::MemAddrWidth-1:0]  mem_req_addr_o,
  output logic [8*(2**MemBytesLog2)-1:0]         mem_req_wdata_o,
  output logic [(2**MemBytesLog2)-1:0]           mem_req_wstrb_o,
  input  logic                                   mem_rsp_valid_i,
  output logic                                   mem_rsp_ready_o,
  input  logic [8*(2**MemBytesLog2)-1:0]         mem_rsp_rdata_i
);

  localparam int AW      = systolic_pkg::AddrWidth;
  localparam int DimW    = systolic_pkg::DimWidth;
  localparam int BaseW   = systolic_pkg::WordWidth;
  localparam int DataW   = systolic_pkg::DataWidth;
  localparam int AccW    = systolic_pkg::AccWidth;
  localparam int BiasW   = systolic_pkg::BiasWidth;
  localparam int M0W     = systolic_pkg::M0Width;
  localparam int ShiftW  = systolic_pkg::ShiftWidth;
  localparam int RowW    = $clog2(Rows);
  localparam int KvW     = $clog2(Rows + 1);
  localparam int NvW     = $clog2(Cols + 1);
  localparam int AccIdxW = (AccWords > 1) ? $clog2(AccWords) : 1;
  localparam int ALane   = ((Int4 == 1) ? 2 : 1) * DataW;  // activation lane into pe_array

  // Scratchpad index in the host access vectors (region 1 + i).
  localparam int SpA = 0, SpB = 1, SpC = 2, SpBias = 3, SpM0 = 4, SpShift = 5;

  // ---------------------------------------------------------------------------------------------
  // Host port, registers, counters
  // ---------------------------------------------------------------------------------------------
  localparam int MAW     = systolic_pkg::MemAddrWidth;
  localparam int Lanes   = (Rows > Cols) ? Rows : Cols;

  logic                   start, busy, done;            // tile_ctrl's command
  logic                   mem_start, dma_busy, dma_done, tile_start, top_busy, top_done;
  logic                   ph_load, ph_store;
  logic [systolic_pkg::ErrWidth-1:0] dma_err;
  logic [MAW-1:0]         dram_a_q, dram_b_q, dram_c_q, dram_bias_q, dram_m0_q, dram_shift_q;
  logic [MAW-1:0]         ld_a_q, ld_b_q, ld_c_q;
  logic [31:0]            dram_bw_q;
  // tile_ctrl's command: systolic_regs' registers, or the DMA's block during a memory command.
  logic [DimW-1:0]        dma_tile_m, dma_tile_n, dma_tile_k, tile_m, tile_n, tile_k;
  logic                   dma_acc_first, dma_acc_last, tile_acc_first, tile_acc_last;
  logic                   dma_kt_outer, dma_q_ready, tile_kt_outer, tile_q_ready;
  logic [DimW-1:0]        dma_b_rows, tile_b_rows;
  logic                   dma_tile_a_half, dma_tile_b_half, dma_tile_c_half, dma_tile_q_half;
  logic [BaseW-1:0]       tile_a_base, tile_b_base, tile_c_base, tile_q_base;

  logic                   ph_wstall, ph_mwait, ph_compute, ph_drain, ph_output;
  logic [DimW-1:0]        m_q, n_q, k_q;
  logic [BaseW-1:0]       a_base_q, b_base_q, c_base_q, q_base_q;
  logic [DataW-1:0]       zp_out_q, act_min_q, act_max_q;
  logic                   rounding_q;
  logic [1:0]             precision_q;  // PRECISION: PrecInt8, PrecW4a8 or PrecW4a4 (Int4 = 1)
  logic                   dataflow_q;   // DATAFLOW: DfOs (a build with OS) or DfWs
  logic                   os_mode;      // this command (or the next) is output-stationary
  logic [systolic_pkg::SpadRegions-1:0] spad_re, spad_we;
  // The engine's and the DMA's scratchpad word accesses (bit i: region 1 + i), for the traffic
  // counters, and the tensor of a memory request.
  logic [systolic_pkg::SpadRegions-1:0] sram_rd, sram_wr, sram_rd2, sram_wr2, mem_req_sp;
  logic [BaseW-1:0]       spad_word;
  logic [systolic_pkg::LaneWidth-1:0] spad_lane;
  logic [systolic_pkg::HostDataWidth-1:0] spad_wdata;
  logic [DataW-1:0]       a_host_rdata, b_host_rdata, c_host_rdata;
  logic [BiasW-1:0]       bias_host_rdata;
  logic [M0W-1:0]         m0_host_rdata;
  logic [ShiftW-1:0]      shift_host_rdata;
  logic [KvW-1:0]         s_kv;
  logic [NvW-1:0]         s_nv;

  systolic_regs #(
    .Rows        (Rows),
    .Cols        (Cols),
    .MemBytesLog2(MemBytesLog2),
    .Int4        (Int4),
    .Dataflow    (Dataflow)
  ) u_regs (
    .clk_i        (clk_i),
    .rst_ni       (rst_ni),
    .host_req_i   (host_req_i),
    .host_we_i    (host_we_i),
    .host_addr_i  (host_addr_i),
    .host_wdata_i (host_wdata_i),
    .host_rvalid_o(host_rvalid_o),
    .host_rdata_o (host_rdata_o),
    .busy_i       (top_busy),
    .done_i       (top_done),
    .ph_wstall_i  (ph_wstall),
    .ph_compute_i (ph_compute),
    .ph_drain_i   (ph_drain),
    .ph_output_i  (ph_output),
    .s_kv_i       (s_kv),
    .s_nv_i       (s_nv),
    .dma_busy_i   (dma_busy),
    .ph_load_i    (ph_load || ph_mwait),  // tile_ctrl waiting for the DMA counts as load
    .ph_store_i   (ph_store),
    .err_i        (dma_err),
    .rd_beat_i    (mem_req_valid_o && mem_req_ready_i && !mem_req_we_o),
    .wr_beat_i    (mem_req_valid_o && mem_req_ready_i && mem_req_we_o),
    .rd_sp_i      (mem_req_sp),
    .sram_rd_i    (sram_rd),
    .sram_wr_i    (sram_wr),
    .sram_rd2_i   (sram_rd2),
    .sram_wr2_i   (sram_wr2),
    .start_o      (start),
    .mem_start_o  (mem_start),
    .m_o          (m_q),
    .n_o          (n_q),
    .k_o          (k_q),
    .a_base_o     (a_base_q),
    .b_base_o     (b_base_q),
    .c_base_o     (c_base_q),
    .q_base_o     (q_base_q),
    .dram_a_o     (dram_a_q),
    .dram_b_o     (dram_b_q),
    .dram_c_o     (dram_c_q),
    .dram_bias_o  (dram_bias_q),
    .dram_m0_o    (dram_m0_q),
    .dram_shift_o (dram_shift_q),
    .ld_a_o       (ld_a_q),
    .ld_b_o       (ld_b_q),
    .ld_c_o       (ld_c_q),
    .dram_bw_o    (dram_bw_q),
    .zp_out_o     (zp_out_q),
    .act_min_o    (act_min_q),
    .act_max_o    (act_max_q),
    .rounding_o   (rounding_q),
    .precision_o  (precision_q),
    .dataflow_o   (dataflow_q),
    .spad_re_o    (spad_re),
    .spad_we_o    (spad_we),
    .spad_word_o  (spad_word),
    .spad_lane_o  (spad_lane),
    .spad_wdata_o (spad_wdata),
    .a_rdata_i    (a_host_rdata),
    .b_rdata_i    (b_host_rdata),
    .c_rdata_i    (c_host_rdata),
    .bias_rdata_i (bias_host_rdata),
    .m0_rdata_i   (m0_host_rdata),
    .shift_rdata_i(shift_host_rdata)
  );

  // ---------------------------------------------------------------------------------------------
  // Tile sequencer
  // ---------------------------------------------------------------------------------------------
  logic               wl_issue, wl_bank, wl_zero;
  logic [AW-1:0]      wl_addr;
  logic [RowW-1:0]    wl_row;
  logic [NvW-1:0]     wl_nv;
  logic               s_issue, s_bank, s_first, s_last;
  logic [AW-1:0]      s_addr, s_caddr;
  logic [AccIdxW-1:0] s_j;
  logic [DimW-1:0]    s_nt;
  // tile_ctrl's own outputs that are shared with os_ctrl (the other one's are 0 while it idles).
  logic               ws_busy, ws_done, ws_ready, ws_s_issue, ws_s_first, ws_s_last;
  logic [AW-1:0]      ws_s_addr, ws_s_caddr;
  logic [KvW-1:0]     ws_s_kv;
  logic [NvW-1:0]     ws_s_nv;
  logic [AccIdxW-1:0] ws_s_j;
  logic [DimW-1:0]    ws_s_nt;
  logic               ws_ph_wstall, ws_ph_compute, ws_ph_drain, ws_ph_output;
  // os_ctrl's
  logic               os_busy, os_done, x_issue, x_first, o_issue;
  logic [AW-1:0]      x_aaddr, x_baddr, o_caddr;
  logic [KvW-1:0]     x_mv;
  logic [NvW-1:0]     x_nv, o_nv;
  logic [DimW-1:0]    o_nt;
  logic               os_ph_wstall, os_ph_compute, os_ph_drain, os_ph_output;

  assign os_mode = (Dataflow == 2) || (Dataflow == 3 && dataflow_q);

  tile_ctrl #(
    .Rows        (Rows),
    .Cols        (Cols),
    .AccWords    (AccWords),
    .RequantDepth(RequantDepth),
    .WeightBanks (WeightBanks)
  ) u_ctrl (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .start_i     (tile_start && !(start && os_mode)),
    .m_i         (tile_m),
    .n_i         (tile_n),
    .k_i         (tile_k),
    .a_base_i    (tile_a_base),
    .b_base_i    (tile_b_base),
    .c_base_i    (tile_c_base),
    .acc_first_i (tile_acc_first),
    .acc_last_i  (tile_acc_last),
    .kt_outer_i  (tile_kt_outer),
    .b_kmajor_i  (dma_busy),
    .b_rows_i    (tile_b_rows),
    .q_ready_i   (tile_q_ready),
    .busy_o      (ws_busy),
    .done_o      (ws_done),
    .ready_o     (ws_ready),
    .wl_issue_o  (wl_issue),
    .wl_addr_o   (wl_addr),
    .wl_row_o    (wl_row),
    .wl_bank_o   (wl_bank),
    .wl_zero_o   (wl_zero),
    .wl_nv_o     (wl_nv),
    .s_issue_o   (ws_s_issue),
    .s_addr_o    (ws_s_addr),
    .s_caddr_o   (ws_s_caddr),
    .s_bank_o    (s_bank),
    .s_kv_o      (ws_s_kv),
    .s_nv_o      (ws_s_nv),
    .s_first_o   (ws_s_first),
    .s_last_o    (ws_s_last),
    .s_j_o       (ws_s_j),
    .s_nt_o      (ws_s_nt),
    .ph_wstall_o (ws_ph_wstall),
    .ph_mwait_o  (ph_mwait),
    .ph_compute_o(ws_ph_compute),
    .ph_drain_o  (ws_ph_drain),
    .ph_output_o (ws_ph_output)
  );

  if (Dataflow >= 2) begin : g_os
    os_ctrl #(
      .Rows        (Rows),
      .Cols        (Cols),
      .RequantDepth(RequantDepth)
    ) u_os_ctrl (
      .clk_i       (clk_i),
      .rst_ni      (rst_ni),
      .start_i     (start && os_mode),
      .m_i         (m_q),
      .n_i         (n_q),
      .k_i         (k_q),
      .a_base_i    (a_base_q),
      .b_base_i    (b_base_q),
      .c_base_i    (c_base_q),
      .busy_o      (os_busy),
      .done_o      (os_done),
      .x_issue_o   (x_issue),
      .x_first_o   (x_first),
      .x_aaddr_o   (x_aaddr),
      .x_baddr_o   (x_baddr),
      .x_mv_o      (x_mv),
      .x_nv_o      (x_nv),
      .o_issue_o   (o_issue),
      .o_caddr_o   (o_caddr),
      .o_nt_o      (o_nt),
      .o_nv_o      (o_nv),
      .ph_wstall_o (os_ph_wstall),
      .ph_compute_o(os_ph_compute),
      .ph_drain_o  (os_ph_drain),
      .ph_output_o (os_ph_output)
    );
  end else begin : g_ws_only
    assign os_busy       = 1'b0;
    assign os_done       = 1'b0;
    assign x_issue       = 1'b0;
    assign x_first       = 1'b0;
    assign x_aaddr       = '0;
    assign x_baddr       = '0;
    assign x_mv          = '0;
    assign x_nv          = '0;
    assign o_issue       = 1'b0;
    assign o_caddr       = '0;
    assign o_nt          = '0;
    assign o_nv          = '0;
    assign os_ph_wstall  = 1'b0;
    assign os_ph_compute = 1'b0;
    assign os_ph_drain   = 1'b0;
    assign os_ph_output  = 1'b0;
  end

  // The engine's view of the two sequencers (one of them idles, its outputs 0): busy and done,
  // the phases, the A read (a slot or a beat: s_issue, s_addr), its valid rows and columns for
  // MACS and the skew (s_kv, s_nv), and acc_stage's tags (s_first .. s_caddr; OS: o_issue).
  assign busy       = ws_busy || os_busy;
  assign done       = ws_done || os_done;
  assign ph_wstall  = ws_ph_wstall || os_ph_wstall;
  assign ph_compute = ws_ph_compute || os_ph_compute;
  assign ph_drain   = ws_ph_drain || os_ph_drain;
  assign ph_output  = ws_ph_output || os_ph_output;
  assign s_issue    = ws_s_issue || x_issue;
  assign s_addr     = os_mode ? x_aaddr : ws_s_addr;
  assign s_kv       = os_mode ? x_mv : ws_s_kv;
  assign s_nv       = os_mode ? x_nv : ws_s_nv;
  assign s_first    = os_mode || ws_s_first;
  assign s_last     = os_mode || ws_s_last;
  assign s_j        = os_mode ? '0 : ws_s_j;
  assign s_nt       = os_mode ? o_nt : ws_s_nt;
  assign s_caddr    = os_mode ? o_caddr : ws_s_caddr;

  // ---------------------------------------------------------------------------------------------
  // DMA: memory commands (load A, B, BIAS, M0, SHIFT; run tile_ctrl; store C)
  // ---------------------------------------------------------------------------------------------
  logic [systolic_pkg::SpadRegions-1:0] dma_wr_en;
  logic [AW-1:0]          dma_wr_addr;
  logic [32*Lanes-1:0]    dma_wr_data;
  logic                   dma_c_rd_en, dma_tile_start;
  logic [AW-1:0]          dma_c_rd_addr;
  logic [Rows*DataW-1:0]  dma_a_wdata;
  logic [Rows*DataW-1:0]  dma_a_wdata1;  // a pair's second word (word dma_wr_addr + 1)
  logic [Cols*DataW-1:0]  dma_b_wdata1;
  logic [Lanes*DataW-1:0] dma_wdata1;
  logic                   dma_wr_pair, dma_c_rd_pair;
  logic [Cols*DataW-1:0]  dma_b_wdata;
  logic [Cols*BiasW-1:0]  dma_q_wdata;
  logic [Cols*ShiftW-1:0] dma_shift_wdata;
  logic                   c_wr_en;    // acc_stage's C write (the DMA's column store waits for it)
  logic [AW-1:0]          c_wr_addr;

  dma #(
    .Rows        (Rows),
    .Cols        (Cols),
    .AWords      (AWords),
    .BWords      (BWords),
    .CWords      (CWords),
    .QWords      (QWords),
    .AccWords    (AccWords),
    .MemBytesLog2(MemBytesLog2)
  ) u_dma (
    .clk_i          (clk_i),
    .rst_ni         (rst_ni),
    .start_i        (mem_start),
    .m_i            (m_q),
    .n_i            (n_q),
    .k_i            (k_q),
    .dram_a_i       (dram_a_q),
    .dram_b_i       (dram_b_q),
    .dram_c_i       (dram_c_q),
    .dram_bias_i    (dram_bias_q),
    .dram_m0_i      (dram_m0_q),
    .dram_shift_i   (dram_shift_q),
    .ld_a_i         (ld_a_q),
    .ld_b_i         (ld_b_q),
    .ld_c_i         (ld_c_q),
    .dram_bw_i      (dram_bw_q),
    .precision_i    (precision_q),
    .os_i           (os_mode),
    .tile_done_i    (ws_done),
    .tile_ready_i   (ws_ready),
    .c_wr_en_i      (c_wr_en),
    .c_wr_addr_i    (c_wr_addr),
    .c_rd_data_i    (c_rd_data),
    .c_rd_data1_i   (c_rd_data1),
    .mem_req_ready_i(mem_req_ready_i),
    .mem_rsp_valid_i(mem_rsp_valid_i),
    .mem_rsp_rdata_i(mem_rsp_rdata_i),
    .busy_o         (dma_busy),
    .done_o         (dma_done),
    .err_o          (dma_err),
    .tile_start_o   (dma_tile_start),
    .tile_m_o       (dma_tile_m),
    .tile_n_o       (dma_tile_n),
    .tile_a_half_o  (dma_tile_a_half),
    .tile_b_half_o  (dma_tile_b_half),
    .tile_c_half_o  (dma_tile_c_half),
    .tile_q_half_o  (dma_tile_q_half),
    .tile_k_o       (dma_tile_k),
    .tile_acc_first_o(dma_acc_first),
    .tile_acc_last_o(dma_acc_last),
    .tile_kt_outer_o(dma_kt_outer),
    .tile_b_rows_o  (dma_b_rows),
    .tile_q_ready_o (dma_q_ready),
    .ph_load_o      (ph_load),
    .ph_store_o     (ph_store),
    .wr_en_o        (dma_wr_en),
    .wr_addr_o      (dma_wr_addr),
    .wr_data_o      (dma_wr_data),
    .wr_pair_o      (dma_wr_pair),
    .wr_data1_o     (dma_wdata1),
    .c_rd_en_o      (dma_c_rd_en),
    .c_rd_addr_o    (dma_c_rd_addr),
    .c_rd_pair_o    (dma_c_rd_pair),
    .mem_req_valid_o(mem_req_valid_o),
    .mem_req_we_o   (mem_req_we_o),
    .mem_req_sp_o   (mem_req_sp),
    .mem_req_addr_o (mem_req_addr_o),
    .mem_req_wdata_o(mem_req_wdata_o),
    .mem_req_wstrb_o(mem_req_wstrb_o),
    .mem_rsp_ready_o(mem_rsp_ready_o)
  );

  // The DMA's word lanes at each scratchpad's element width.
  always_comb begin
    for (int l = 0; l < Rows; l++) begin
      dma_a_wdata[l*DataW +: DataW]  = dma_wr_data[32*l +: DataW];
      dma_a_wdata1[l*DataW +: DataW] = dma_wdata1[l*DataW +: DataW];
    end
    for (int l = 0; l < Cols; l++) begin
      dma_b_wdata[l*DataW +: DataW]      = dma_wr_data[32*l +: DataW];
      dma_b_wdata1[l*DataW +: DataW]     = dma_wdata1[l*DataW +: DataW];
      dma_q_wdata[l*BiasW +: BiasW]      = dma_wr_data[32*l +: BiasW];
      dma_shift_wdata[l*ShiftW +: ShiftW] = dma_wr_data[32*l +: ShiftW];
    end
  end

  assign tile_start = start || dma_tile_start;
  // tile_ctrl's and acc_stage's command: the DMA's block during a memory command.
  assign tile_m      = dma_busy ? dma_tile_m : m_q;
  assign tile_n      = dma_busy ? dma_tile_n : n_q;
  assign tile_k      = dma_busy ? dma_tile_k : k_q;
  assign tile_acc_first = dma_busy ? dma_acc_first : 1'b1;
  assign tile_acc_last  = dma_busy ? dma_acc_last : 1'b1;
  assign tile_kt_outer  = dma_busy && dma_kt_outer;
  assign tile_b_rows    = dma_busy ? dma_b_rows : '1;
  assign tile_q_ready   = !dma_busy || dma_q_ready;
  // A memory command's blocks sit at word 0 or at the first word of a scratchpad's second half
  // (rtl/dma.sv; in w4a8 A's second half starts at the even word 2 x (AWords/4)).
  assign tile_a_base = !dma_busy ? a_base_q
                     : !dma_tile_a_half ? '0
                     : (precision_q == 2'(systolic_pkg::PrecW4a8)) ? BaseW'(2 * (AWords / 4))
                     : BaseW'(AWords / 2);
  assign tile_b_base = !dma_busy ? b_base_q : dma_tile_b_half ? BaseW'(BWords / 2) : '0;
  assign tile_c_base = !dma_busy ? c_base_q : dma_tile_c_half ? BaseW'(CWords / 2) : '0;
  assign tile_q_base = !dma_busy ? q_base_q : dma_tile_q_half ? BaseW'(QWords / 2) : '0;
  assign top_busy   = busy || dma_busy;
  assign top_done   = (done && !dma_busy) || dma_done;

  // ---------------------------------------------------------------------------------------------
  // Scratchpads: the engine reads A (slots), B (weight rows) and BIAS/M0/SHIFT (acc_stage) and
  // writes C (acc_stage); the host reaches each through systolic_regs.
  // ---------------------------------------------------------------------------------------------
  logic [Rows*DataW-1:0]  a_rd_data;
  logic [Cols*DataW-1:0]  b_rd_data;
  logic [Cols*DataW-1:0]  c_rd_data;   // the DMA's C word (read last cycle)
  logic [Cols*DataW-1:0]  c_rd_data1;  // ... and its pair's second word
  logic [Cols*BiasW-1:0]  bias_rd_data;
  logic [Cols*M0W-1:0]    m0_rd_data;
  logic [Cols*ShiftW-1:0] shift_rd_data;
  logic                   q_rd_en;
  logic [AW-1:0]          q_rd_addr;
  logic [$clog2(Cols+1)-1:0] c_wr_lanes;    // acc_stage writes lanes 0 .. c_wr_lanes-1
  logic [Cols-1:0]        c_wr_lane_en;  // the same as the C scratchpad's lane mask
  logic [Cols*DataW-1:0]  c_wr_data;
  // The traffic counters' scratchpad accesses: the engine reads A, B and BIAS/M0/SHIFT and writes
  // C, the DMA writes A, B, BIAS, M0, SHIFT and reads C (a word, or a pair of A, B or C).
  always_comb begin
    sram_rd = '0;
    sram_rd[SpA]     = s_issue;
    sram_rd[SpB]     = (wl_issue && !wl_zero) || x_issue;
    sram_rd[SpC]     = dma_c_rd_en;
    sram_rd[SpBias]  = q_rd_en;
    sram_rd[SpM0]    = q_rd_en;
    sram_rd[SpShift] = q_rd_en;
    sram_wr = dma_wr_en;
    sram_wr[SpC] = c_wr_en;
    // The DMA's word pairs: a second word of A or B written, of C read, in the same cycle.
    sram_rd2 = '0;
    sram_wr2 = '0;
    sram_rd2[SpC] = dma_c_rd_en && dma_c_rd_pair;
    sram_wr2[SpA] = dma_wr_en[SpA] && dma_wr_pair;
    sram_wr2[SpB] = dma_wr_en[SpB] && dma_wr_pair;
  end

  // A: two scratchpads of Rows lanes (banks), words 2i and 2i + 1 of A in word i of the even
  // and the odd one: the DMA writes a word pair (wr_pair_o: words w and w + 1, one in each bank)
  // in one cycle, and (Int4 = 1) a w4a8 slot reads a word pair (2 * Rows activations, K pairs
  // for the Rows array rows) in one cycle. A slot of a w4a8 command reads the pair
  // p = (A_BASE >> 1) + (s_addr - A_BASE), i.e. words 2p and 2p + 1: its A row stride is 2 * KT
  // words (A_BASE's bit 0 is ignored). Every other access reaches one word: word w is word w >> 1
  // of the even (w even) or the odd (w odd) bank, and a word >= AWords is missing in both (the
  // even bank has ceil(AWords / 2) words, the odd one AWords / 2).
  logic [Rows*ALane-1:0] a_lanes;  // the slot's A lanes into input_skew (cycle t + 1)

  if (1) begin : g_a_pair
    localparam int AEven = (AWords + 1) / 2;
    localparam int AOdd  = AWords / 2;
    logic                  w4a8, rd_odd_d, rd_odd_q, host_odd_d, host_odd_q;
    logic [AW-1:0]         rd_word;
    logic [Rows*DataW-1:0] rd_even, rd_odd;
    logic [2*Rows*DataW-1:0] rd_pair;
    logic [DataW-1:0]      host_even, host_odd;
    logic [BaseW-1:0]      host_word;
    // The DMA's write: one word into its bank, or a pair (w odd: w + 1 is the even bank's).
    logic                  we_even, we_odd;
    logic [AW-1:0]         waddr_even;
    logic [Rows*DataW-1:0] wdata_even, wdata_odd;

    assign w4a8      = (Int4 == 1) && (precision_q == 2'(systolic_pkg::PrecW4a8));
    assign rd_word   = w4a8 ? AW'(tile_a_base[BaseW-1:1]) + (s_addr - AW'(tile_a_base))
                            : (s_addr >> 1);
    assign host_word = spad_word >> 1;
    assign we_even    = dma_wr_en[SpA] && (!dma_wr_addr[0] || dma_wr_pair);
    assign we_odd     = dma_wr_en[SpA] && (dma_wr_addr[0] || dma_wr_pair);
    assign waddr_even = (dma_wr_addr >> 1) + AW'(dma_wr_addr[0]);
    assign wdata_even = dma_wr_addr[0] ? dma_a_wdata1 : dma_a_wdata;
    assign wdata_odd  = dma_wr_addr[0] ? dma_a_wdata : dma_a_wdata1;
    // Which bank the output registers hold: the engine's word (int8, w4a4) and the host's.
    assign rd_odd_d   = s_issue ? s_addr[0] : rd_odd_q;
    assign host_odd_d = (spad_re[SpA] && !s_issue) ? spad_word[0] : host_odd_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        rd_odd_q   <= 1'b0;
        host_odd_q <= 1'b0;
      end else begin
        rd_odd_q   <= rd_odd_d;
        host_odd_q <= host_odd_d;
      end
    end

    spad #(
      .Words    (AEven),
      .Lanes    (Rows),
      .Width    (DataW),
      .AddrWidth(AW)
    ) u_spad_a (
      .clk_i       (clk_i),
      .rst_ni      (rst_ni),
      .rd_en_i     (s_issue),
      .rd_addr_i   (rd_word),
      .rd_data_o   (rd_even),
      .wr_en_i     (we_even),
      .wr_addr_i   (waddr_even),
      .wr_lane_en_i({Rows{1'b1}}),
      .wr_data_i   (wdata_even),
      .host_re_i   (spad_re[SpA]),
      .host_we_i   (spad_we[SpA] && !spad_word[0]),
      .host_word_i (host_word),
      .host_lane_i (spad_lane),
      .host_wdata_i(spad_wdata[DataW-1:0]),
      .host_rdata_o(host_even)
    );

    if (AOdd > 0) begin : g_odd
      spad #(
        .Words    (AOdd),
        .Lanes    (Rows),
        .Width    (DataW),
        .AddrWidth(AW)
      ) u_spad_a_odd (
        .clk_i       (clk_i),
        .rst_ni      (rst_ni),
        .rd_en_i     (s_issue),
        .rd_addr_i   (rd_word),
        .rd_data_o   (rd_odd),
        .wr_en_i     (we_odd),
        .wr_addr_i   (dma_wr_addr >> 1),
        .wr_lane_en_i({Rows{1'b1}}),
        .wr_data_i   (wdata_odd),
        .host_re_i   (spad_re[SpA]),
        .host_we_i   (spad_we[SpA] && spad_word[0]),
        .host_word_i (host_word),
        .host_lane_i (spad_lane),
        .host_wdata_i(spad_wdata[DataW-1:0]),
        .host_rdata_o(host_odd)
      );
    end else begin : g_no_odd  // AWords = 1: every odd word is missing
      logic                  unused_we_odd;
      logic [Rows*DataW-1:0] unused_wdata_odd;
      assign unused_we_odd    = we_odd;
      assign unused_wdata_odd = wdata_odd;
      assign rd_odd   = '0;
      assign host_odd = '0;
    end

    assign rd_pair      = {rd_odd, rd_even};
    assign a_rd_data    = rd_odd_q ? rd_odd : rd_even;
    assign a_host_rdata = host_odd_q ? host_odd : host_even;
    if (Int4 == 1) begin : g_lanes4
      // Lane r: w4a8 the pair's bytes 2r (bits 7:0) and 2r + 1 (bits 15:8), bytes 0 .. Rows-1
      // from the even word and Rows .. 2*Rows-1 from the odd one; else the word's byte r in bits
      // 7:0.
      always_comb begin
        for (int r = 0; r < Rows; r++) begin
          if (w4a8) begin
            a_lanes[r*ALane +: ALane] = rd_pair[2*r*DataW +: ALane];
          end else begin
            a_lanes[r*ALane +: ALane] = {{(ALane-DataW){1'b0}}, a_rd_data[r*DataW +: DataW]};
          end
        end
      end
    end else begin : g_lanes8
      logic [2*Rows*DataW-1:0] unused_pair;
      assign unused_pair = rd_pair;
      assign a_lanes     = a_rd_data;
    end
  end

  // B: two scratchpads of Cols lanes (banks), word w of B is word w >> 1 of the even (w even) or
  // the odd (w odd) bank, so that the DMA writes a word pair (wr_pair_o: words w and w + 1, a
  // memory row's neighbouring N-tiles, k-major: tile_ctrl) in one cycle. The engine (a weight
  // row, or an OS beat) and the host read one word. A word >= BWords is missing in both.
  if (1) begin : g_b_pair
    localparam int BEven = (BWords + 1) / 2;
    localparam int BOdd  = BWords / 2;
    logic                  rd_en, rd_odd_d, rd_odd_q, host_odd_d, host_odd_q;
    logic [AW-1:0]         rd_addr;
    logic [Cols*DataW-1:0] rd_even, rd_odd;
    logic [DataW-1:0]      host_even, host_odd;
    logic [BaseW-1:0]      host_word;
    logic                  we_even, we_odd;
    logic [AW-1:0]         waddr_even;
    logic [Cols*DataW-1:0] wdata_even, wdata_odd;
    assign rd_en      = (wl_issue && !wl_zero) || x_issue;
    assign rd_addr    = os_mode ? x_baddr : wl_addr;
    assign host_word  = spad_word >> 1;
    // The DMA's write: one word into its bank, or a pair (w odd: w + 1 is the even bank's).
    assign we_even    = dma_wr_en[SpB] && (!dma_wr_addr[0] || dma_wr_pair);
    assign we_odd     = dma_wr_en[SpB] && (dma_wr_addr[0] || dma_wr_pair);
    assign waddr_even = (dma_wr_addr >> 1) + AW'(dma_wr_addr[0]);
    assign wdata_even = dma_wr_addr[0] ? dma_b_wdata1 : dma_b_wdata;
    assign wdata_odd  = dma_wr_addr[0] ? dma_b_wdata : dma_b_wdata1;
    // Which bank the output registers hold: the engine's word and the host's.
    assign rd_odd_d   = rd_en ? rd_addr[0] : rd_odd_q;
    assign host_odd_d = (spad_re[SpB] && !rd_en) ? spad_word[0] : host_odd_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        rd_odd_q   <= 1'b0;
        host_odd_q <= 1'b0;
      end else begin
        rd_odd_q   <= rd_odd_d;
        host_odd_q <= host_odd_d;
      end
    end

    spad #(
      .Words    (BEven),
      .Lanes    (Cols),
      .Width    (DataW),
      .AddrWidth(AW)
    ) u_spad_b (
      .clk_i       (clk_i),
      .rst_ni      (rst_ni),
      .rd_en_i     (rd_en),
      .rd_addr_i   (rd_addr >> 1),
      .rd_data_o   (rd_even),
      .wr_en_i     (we_even),
      .wr_addr_i   (waddr_even),
      .wr_lane_en_i({Cols{1'b1}}),
      .wr_data_i   (wdata_even),
      .host_re_i   (spad_re[SpB]),
      .host_we_i   (spad_we[SpB] && !spad_word[0]),
      .host_word_i (host_word),
      .host_lane_i (spad_lane),
      .host_wdata_i(spad_wdata[DataW-1:0]),
      .host_rdata_o(host_even)
    );

    if (BOdd > 0) begin : g_odd
      spad #(
        .Words    (BOdd),
        .Lanes    (Cols),
        .Width    (DataW),
        .AddrWidth(AW)
      ) u_spad_b_odd (
        .clk_i       (clk_i),
        .rst_ni      (rst_ni),
        .rd_en_i     (rd_en),
        .rd_addr_i   (rd_addr >> 1),
        .rd_data_o   (rd_odd),
        .wr_en_i     (we_odd),
        .wr_addr_i   (dma_wr_addr >> 1),
        .wr_lane_en_i({Cols{1'b1}}),
        .wr_data_i   (wdata_odd),
        .host_re_i   (spad_re[SpB]),
        .host_we_i   (spad_we[SpB] && spad_word[0]),
        .host_word_i (host_word),
        .host_lane_i (spad_lane),
        .host_wdata_i(spad_wdata[DataW-1:0]),
        .host_rdata_o(host_odd)
      );
    end else begin : g_no_odd  // BWords = 1: every odd word is missing
      logic                  unused_we_odd;
      logic [Cols*DataW-1:0] unused_wdata_odd;
      assign unused_we_odd    = we_odd;
      assign unused_wdata_odd = wdata_odd;
      assign rd_odd   = '0;
      assign host_odd = '0;
    end

    assign b_rd_data    = rd_odd_q ? rd_odd : rd_even;
    assign b_host_rdata = host_odd_q ? host_odd : host_even;
  end

  // C: two scratchpads of Cols lanes (banks), word w of C is word w >> 1 of the even (w even) or
  // the odd (w odd) bank, so that the DMA's store reads a word pair (c_rd_pair_o: words w and
  // w + 1) in one cycle while acc_stage writes one word. A word >= CWords is missing in both.
  if (1) begin : g_c_pair
    localparam int CEven = (CWords + 1) / 2;
    localparam int COdd  = CWords / 2;
    logic                  rd_odd_d, rd_odd_q, host_odd_d, host_odd_q;
    logic                  re_even, re_odd;
    logic [AW-1:0]         raddr_even;
    logic [Cols*DataW-1:0] rd_even, rd_odd;
    logic [DataW-1:0]      host_even, host_odd;
    logic [BaseW-1:0]      host_word;
    assign host_word  = spad_word >> 1;
    // The DMA's read: one word from its bank, or a pair (w odd: w + 1 is the even bank's).
    assign re_even    = dma_c_rd_en && (!dma_c_rd_addr[0] || dma_c_rd_pair);
    assign re_odd     = dma_c_rd_en && (dma_c_rd_addr[0] || dma_c_rd_pair);
    assign raddr_even = (dma_c_rd_addr >> 1) + AW'(dma_c_rd_addr[0]);
    // Which bank holds the DMA's first word and the host's element.
    assign rd_odd_d   = dma_c_rd_en ? dma_c_rd_addr[0] : rd_odd_q;
    assign host_odd_d = (spad_re[SpC] && !dma_c_rd_en) ? spad_word[0] : host_odd_q;
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        rd_odd_q   <= 1'b0;
        host_odd_q <= 1'b0;
      end else begin
        rd_odd_q   <= rd_odd_d;
        host_odd_q <= host_odd_d;
      end
    end

    spad #(
      .Words    (CEven),
      .Lanes    (Cols),
      .Width    (DataW),
      .AddrWidth(AW)
    ) u_spad_c (
      .clk_i       (clk_i),
      .rst_ni      (rst_ni),
      .rd_en_i     (re_even),
      .rd_addr_i   (raddr_even),
      .rd_data_o   (rd_even),
      .wr_en_i     (c_wr_en && !c_wr_addr[0]),
      .wr_addr_i   (c_wr_addr >> 1),
      .wr_lane_en_i(c_wr_lane_en),
      .wr_data_i   (c_wr_data),
      .host_re_i   (spad_re[SpC]),
      .host_we_i   (spad_we[SpC] && !spad_word[0]),
      .host_word_i (host_word),
      .host_lane_i (spad_lane),
      .host_wdata_i(spad_wdata[DataW-1:0]),
      .host_rdata_o(host_even)
    );

    if (COdd > 0) begin : g_odd
      spad #(
        .Words    (COdd),
        .Lanes    (Cols),
        .Width    (DataW),
        .AddrWidth(AW)
      ) u_spad_c_odd (
        .clk_i       (clk_i),
        .rst_ni      (rst_ni),
        .rd_en_i     (re_odd),
        .rd_addr_i   (dma_c_rd_addr >> 1),
        .rd_data_o   (rd_odd),
        .wr_en_i     (c_wr_en && c_wr_addr[0]),
        .wr_addr_i   (c_wr_addr >> 1),
        .wr_lane_en_i(c_wr_lane_en),
        .wr_data_i   (c_wr_data),
        .host_re_i   (spad_re[SpC]),
        .host_we_i   (spad_we[SpC] && spad_word[0]),
        .host_word_i (host_word),
        .host_lane_i (spad_lane),
        .host_wdata_i(spad_wdata[DataW-1:0]),
        .host_rdata_o(host_odd)
      );
    end else begin : g_no_odd  // CWords = 1: every odd word is missing
      logic unused_re_odd;
      assign unused_re_odd = re_odd;
      assign rd_odd   = '0;
      assign host_odd = '0;
    end

    assign c_rd_data    = rd_odd_q ? rd_odd : rd_even;
    assign c_rd_data1   = rd_odd_q ? rd_even : rd_odd;
    assign c_host_rdata = host_odd_q ? host_odd : host_even;
  end

  spad #(
    .Words    (QWords),
    .Lanes    (Cols),
    .Width    (BiasW),
    .AddrWidth(AW)
  ) u_spad_bias (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .rd_en_i     (q_rd_en),
    .rd_addr_i   (q_rd_addr),
    .rd_data_o   (bias_rd_data),
    .wr_en_i     (dma_wr_en[SpBias]),
    .wr_addr_i   (dma_wr_addr),
    .wr_lane_en_i({Cols{1'b1}}),
    .wr_data_i   (dma_q_wdata),
    .host_re_i   (spad_re[SpBias]),
    .host_we_i   (spad_we[SpBias]),
    .host_word_i (spad_word),
    .host_lane_i (spad_lane),
    .host_wdata_i(spad_wdata[BiasW-1:0]),
    .host_rdata_o(bias_host_rdata)
  );

  spad #(
    .Words    (QWords),
    .Lanes    (Cols),
    .Width    (M0W),
    .AddrWidth(AW)
  ) u_spad_m0 (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .rd_en_i     (q_rd_en),
    .rd_addr_i   (q_rd_addr),
    .rd_data_o   (m0_rd_data),
    .wr_en_i     (dma_wr_en[SpM0]),
    .wr_addr_i   (dma_wr_addr),
    .wr_lane_en_i({Cols{1'b1}}),
    .wr_data_i   (dma_q_wdata),
    .host_re_i   (spad_re[SpM0]),
    .host_we_i   (spad_we[SpM0]),
    .host_word_i (spad_word),
    .host_lane_i (spad_lane),
    .host_wdata_i(spad_wdata[M0W-1:0]),
    .host_rdata_o(m0_host_rdata)
  );

  spad #(
    .Words    (QWords),
    .Lanes    (Cols),
    .Width    (ShiftW),
    .AddrWidth(AW)
  ) u_spad_shift (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .rd_en_i     (q_rd_en),
    .rd_addr_i   (q_rd_addr),
    .rd_data_o   (shift_rd_data),
    .wr_en_i     (dma_wr_en[SpShift]),
    .wr_addr_i   (dma_wr_addr),
    .wr_lane_en_i({Cols{1'b1}}),
    .wr_data_i   (dma_shift_wdata),
    .host_re_i   (spad_re[SpShift]),
    .host_we_i   (spad_we[SpShift]),
    .host_word_i (spad_word),
    .host_lane_i (spad_lane),
    .host_wdata_i(spad_wdata[ShiftW-1:0]),
    .host_rdata_o(shift_host_rdata)
  );

  // ---------------------------------------------------------------------------------------------
  // Issue stage registers (cycle t -> t + 1, alongside the synchronous scratchpad reads)
  // ---------------------------------------------------------------------------------------------
  // Weight loader: row, bank, zero row and valid columns of the B word being read.
  logic            ld_valid_d, ld_valid_q;
  logic [RowW-1:0] ld_row_d, ld_row_q;
  logic            ld_bank_d, ld_bank_q;
  logic            ld_zero_d, ld_zero_q;
  logic [NvW-1:0]  ld_nv_d, ld_nv_q;
  // Slot streamer: valid, bank and valid rows of the A word being read.
  logic            sl_valid_d, sl_valid_q;
  logic            sl_bank_d, sl_bank_q;
  logic [KvW-1:0]  sl_kv_d, sl_kv_q;
  logic [NvW-1:0]  sl_nv_d, sl_nv_q;   // OS: the beat's valid B lanes

  always_comb begin
    ld_valid_d = wl_issue;
    ld_row_d   = ld_row_q;
    ld_bank_d  = ld_bank_q;
    ld_zero_d  = ld_zero_q;
    ld_nv_d    = ld_nv_q;
    if (wl_issue) begin
      ld_row_d  = wl_row;
      ld_bank_d = wl_bank;
      ld_zero_d = wl_zero;
      ld_nv_d   = wl_nv;
    end
    sl_valid_d = s_issue;
    sl_bank_d  = sl_bank_q;
    sl_kv_d    = sl_kv_q;
    sl_nv_d    = sl_nv_q;
    if (s_issue) begin
      sl_bank_d = s_bank;
      sl_kv_d   = s_kv;
      sl_nv_d   = s_nv;
    end
    if (os_mode) begin
      sl_bank_d = x_first;  // OS: a_sel is "first", one cycle with the beat or the flush
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      ld_valid_q <= 1'b0;
      ld_row_q   <= '0;
      ld_bank_q  <= 1'b0;
      ld_zero_q  <= 1'b0;
      ld_nv_q    <= '0;
      sl_valid_q <= 1'b0;
      sl_bank_q  <= 1'b0;
      sl_kv_q    <= '0;
      sl_nv_q    <= '0;
    end else begin
      ld_valid_q <= ld_valid_d;
      ld_row_q   <= ld_row_d;
      ld_bank_q  <= ld_bank_d;
      ld_zero_q  <= ld_zero_d;
      ld_nv_q    <= ld_nv_d;
      sl_valid_q <= sl_valid_d;
      sl_bank_q  <= sl_bank_d;
      sl_kv_q    <= sl_kv_d;
      sl_nv_q    <= sl_nv_d;
    end
  end

  // Weight row into the array (cycle t + 1): rows >= kv, columns >= nv and cycles without a load
  // as 0 (the B spad's output is only defined the cycle after an engine read).
  logic [Rows-1:0]       w_load;
  logic [Cols*DataW-1:0] w_row;

  always_comb begin
    for (int r = 0; r < Rows; r++) begin
      w_load[r] = ld_valid_q && (32'(ld_row_q) == r);
    end
    for (int c = 0; c < Cols; c++) begin
      w_row[c*DataW +: DataW] = (ld_valid_q && !ld_zero_q && (32'(ld_nv_q) > c))
                                ? b_rd_data[c*DataW +: DataW] : '0;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Input skew, PE array, output de-skew
  // ---------------------------------------------------------------------------------------------
  logic [Rows*ALane-1:0] arr_a;
  logic [Rows-1:0]       arr_valid, arr_sel;
  logic [Cols*AccW-1:0]  arr_psum, psum_x;
  logic [Cols-1:0]       arr_psum_valid;  // acc_stage's tag pipeline carries the slot's valid bit

  input_skew #(
    .Rows (Rows),
    .Width(ALane)
  ) u_skew (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .a_i    (a_lanes),
    .valid_i(sl_valid_q),
    .sel_i  (sl_bank_q),
    .kv_i   (sl_kv_q),
    .a_o    (arr_a),
    .valid_o(arr_valid),
    .sel_o  (arr_sel)
  );

  // OS: the beat's B word, column c entering the top row in cycle t + 1 + c (lanes >= nv as 0).
  logic [Cols*DataW-1:0] arr_b;
  if (Dataflow >= 2) begin : g_bskew
    logic [Cols-1:0] unused_bvalid, unused_bsel;
    input_skew #(
      .Rows (Cols),
      .Width(DataW)
    ) u_bskew (
      .clk_i  (clk_i),
      .rst_ni (rst_ni),
      .a_i    (b_rd_data),
      .valid_i(sl_valid_q && os_mode),
      .sel_i  (1'b0),
      .kv_i   (sl_nv_q),
      .a_o    (arr_b),
      .valid_o(unused_bvalid),
      .sel_o  (unused_bsel)
    );
  end else begin : g_no_bskew
    logic [NvW-1:0] unused_sl_nv;
    assign unused_sl_nv = sl_nv_q;
    assign arr_b        = '0;
  end

  pe_array #(
    .Rows       (Rows),
    .Cols       (Cols),
    .WeightBanks(WeightBanks),
    .Int4       (Int4),
    .Dataflow   (Dataflow)
  ) u_array (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .a_i         (arr_a),
    .a_valid_i   (arr_valid),
    .a_sel_i     (arr_sel),
    .prec_i      (precision_q),
    .w_load_i    (w_load),
    .w_bank_i    (ld_bank_q),
    .w_row_i     (w_row),
    .os_i        (os_mode),
    .b_i         (arr_b),
    .psum_o      (arr_psum),
    .psum_valid_o(arr_psum_valid)
  );

  output_deskew #(
    .Cols(Cols)
  ) u_deskew (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .psum_i(arr_psum),
    .psum_o(psum_x)
  );

  // ---------------------------------------------------------------------------------------------
  // Accumulate, requantize, write C
  // ---------------------------------------------------------------------------------------------
  always_comb begin
    for (int c = 0; c < Cols; c++) c_wr_lane_en[c] = 32'(c_wr_lanes) > c;
  end

  acc_stage #(
    .Rows        (Rows),
    .Cols        (Cols),
    .AccWords    (AccWords),
    .RequantDepth(RequantDepth)
  ) u_acc (
    .clk_i         (clk_i),
    .rst_ni        (rst_ni),
    .s_issue_i     (ws_s_issue || o_issue),
    .s_first_i     (s_first),
    .s_last_i      (s_last),
    .s_j_i         (s_j),
    .s_nt_i        (s_nt),
    .s_nv_i        (os_mode ? o_nv : ws_s_nv),
    .s_caddr_i     (s_caddr),
    .psum_i        (psum_x),
    .q_base_i      (tile_q_base),
    .zp_out_i      (zp_out_q),
    .act_min_i     (act_min_q),
    .act_max_i     (act_max_q),
    .rounding_i    (rounding_q),
    .q_rd_en_o     (q_rd_en),
    .q_rd_addr_o   (q_rd_addr),
    .bias_i        (bias_rd_data),
    .m0_i          (m0_rd_data),
    .shift_i       (shift_rd_data),
    .c_wr_en_o     (c_wr_en),
    .c_wr_addr_o   (c_wr_addr),
    .c_wr_lanes_o  (c_wr_lanes),
    .c_wr_data_o   (c_wr_data)
  );

  assign busy_o = top_busy;
  assign done_o = top_done;

  // Signals nothing reads: acc_stage's tag pipeline carries the slot valid bit that pe_array also
  // carries; the DMA's lanes above the narrower scratchpads' widths.
  logic [Cols-1:0]       unused_psum_valid;
  logic [32*Lanes-1:0]   unused_wr_data;
  assign unused_psum_valid = arr_psum_valid;
  assign unused_wr_data    = dma_wr_data;

  // ---------------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------------
  // While a command runs the host writes no scratchpad (the operands stay what the command
  // reads, and the engine owns C's write port).
  `SYS_ASSERT(NoHostWriteBusy_A, !(top_busy && (spad_we != '0)))
  // A memory command never collides with a host command (the DMA's loads and stores use the
  // scratchpad halves the running tile command does not: dma.sv asserts that).
  `SYS_ASSERT(OneStart_A, !(start && dma_busy))

  // Illegal parameters stop elaboration (Icarus has no elaboration-time $error: it stops at t=0).
`ifdef __ICARUS__
  initial begin
    if (Rows < systolic_pkg::RowsMin || Rows > systolic_pkg::RowsMax) $fatal(1, "systolic_top: bad Rows");
    if (Cols < systolic_pkg::ColsMin || Cols > systolic_pkg::ColsMax) $fatal(1, "systolic_top: bad Cols");
    if (AWords < systolic_pkg::AWordsMin || AWords > systolic_pkg::AWordsMax) $fatal(1, "systolic_top: bad AWords");
    if (BWords < systolic_pkg::BWordsMin || BWords > systolic_pkg::BWordsMax) $fatal(1, "systolic_top: bad BWords");
    if (CWords < systolic_pkg::CWordsMin || CWords > systolic_pkg::CWordsMax) $fatal(1, "systolic_top: bad CWords");
    if (QWords < systolic_pkg::QWordsMin || QWords > systolic_pkg::QWordsMax) $fatal(1, "systolic_top: bad QWords");
    if (AccWords < systolic_pkg::AccWordsMin || AccWords > systolic_pkg::AccWordsMax)
      $fatal(1, "systolic_top: bad AccWords");
    if (RequantDepth < systolic_pkg::RequantDepthMin || RequantDepth > systolic_pkg::RequantDepthMax)
      $fatal(1, "systolic_top: bad RequantDepth");
    if (WeightBanks < systolic_pkg::WeightBanksMin || WeightBanks > systolic_pkg::WeightBanksMax)
      $fatal(1, "systolic_top: bad WeightBanks");
    if (MemBytesLog2 < systolic_pkg::MemBytesLog2Min || MemBytesLog2 > systolic_pkg::MemBytesLog2Max)
      $fatal(1, "systolic_top: bad MemBytesLog2");
    if (Dataflow < systolic_pkg::DataflowMin || Dataflow > systolic_pkg::DataflowMax)
      $fatal(1, "systolic_top: bad Dataflow");
  end
`else
  if (Rows < systolic_pkg::RowsMin || Rows > systolic_pkg::RowsMax) begin : g_bad_rows
    $error("systolic_top: Rows outside systolic_pkg::RowsMin..RowsMax");
  end
  if (Cols < systolic_pkg::ColsMin || Cols > systolic_pkg::ColsMax) begin : g_bad_cols
    $error("systolic_top: Cols outside systolic_pkg::ColsMin..ColsMax");
  end
  if (AWords < systolic_pkg::AWordsMin || AWords > systolic_pkg::AWordsMax) begin : g_bad_a_words
    $error("systolic_top: AWords outside systolic_pkg::AWordsMin..AWordsMax");
  end
  if (BWords < systolic_pkg::BWordsMin || BWords > systolic_pkg::BWordsMax) begin : g_bad_b_words
    $error("systolic_top: BWords outside systolic_pkg::BWordsMin..BWordsMax");
  end
  if (CWords < systolic_pkg::CWordsMin || CWords > systolic_pkg::CWordsMax) begin : g_bad_c_words
    $error("systolic_top: CWords outside systolic_pkg::CWordsMin..CWordsMax");
  end
  if (QWords < systolic_pkg::QWordsMin || QWords > systolic_pkg::QWordsMax) begin : g_bad_q_words
    $error("systolic_top: QWords outside systolic_pkg::QWordsMin..QWordsMax");
  end
  if (AccWords < systolic_pkg::AccWordsMin || AccWords > systolic_pkg::AccWordsMax)
  begin : g_bad_acc_words
    $error("systolic_top: AccWords outside systolic_pkg::AccWordsMin..AccWordsMax");
  end
  if (RequantDepth < systolic_pkg::RequantDepthMin || RequantDepth > systolic_pkg::RequantDepthMax)
  begin : g_bad_requant_depth
    $error("systolic_top: RequantDepth outside systolic_pkg::RequantDepthMin..RequantDepthMax");
  end
  if (WeightBanks < systolic_pkg::WeightBanksMin || WeightBanks > systolic_pkg::WeightBanksMax)
  begin : g_bad_weight_banks
    $error("systolic_top: WeightBanks outside systolic_pkg::WeightBanksMin..WeightBanksMax");
  end
  if (MemBytesLog2 < systolic_pkg::MemBytesLog2Min || MemBytesLog2 > systolic_pkg::MemBytesLog2Max)
  begin : g_bad_mem_bytes_log2
    $error("systolic_top: MemBytesLog2 outside systolic_pkg::MemBytesLog2Min..MemBytesLog2Max");
  end
  if (Dataflow < systolic_pkg::DataflowMin || Dataflow > systolic_pkg::DataflowMax)
  begin : g_bad_dataflow
    $error("systolic_top: Dataflow outside systolic_pkg::DataflowMin..DataflowMax");
  end
`endif

endmodule
