// systolic_top: the engine (docs/architecture.md section 4; C++ twin: model/systolic_top.h).
//
// C[M x N] = requant(A[M x K] * B[K x N] + bias), weight-stationary on a Rows x Cols pe_array,
// driven through a one-element-per-access host port. Blocks: host port decode and registers,
// the scratchpads (spad: A, B, C, BIAS, M0, SHIFT), the tile sequencer (tile_ctrl), the weight
// loader stage, input_skew, pe_array, output_deskew, a tag pipeline, the accumulator buffer
// (AccWords x Cols int32), Cols requant units (Rounding = 2, PipeDepth = RequantDepth) and the
// performance counters.
//
// Host port (every access moves one element or one 32-bit register):
//   - host_addr_i[31:28] region, [27:8] word, [7:0] lane (register index in region 0; the word
//     bits are ignored there). Regions: 0 registers, 1 A, 2 B, 3 C, 4 BIAS, 5 M0, 6 SHIFT.
//   - A read in cycle t (host_req_i = 1, host_we_i = 0) gives host_rvalid_o = 1 and host_rdata_o
//     = the element (sign-extended: 8-bit A/B/C, 6-bit SHIFT) or register as it is in cycle t,
//     in cycle t + 1. host_rdata_o holds its value until the next read; reset value 0.
//   - A write takes effect at the edge ending its cycle. Writes to registers 2..12 and to A, B,
//     BIAS, M0, SHIFT are ignored while busy_o = 1; C writes are always accepted (a host C write
//     wins over an engine write to the same element at the same edge). A C read in the cycle of
//     an engine write to that word returns the old value.
//   - Missing regions (7..15), words (>= the scratchpad's Words), lanes (>= Rows for A, >= Cols
//     otherwise) and register indices read 0 and write nothing. Register widths: M, N, K 24 bits
//     (wdata[23:0], read zero-extended); bases 20 bits like the host word field (wdata[19:0],
//     read zero-extended); ZP_OUT, ACT_MIN, ACT_MAX 8 bits (wdata[7:0], read sign-extended);
//     ROUNDING 1 bit (wdata[0]); CTRL reads 0; ROWS, COLS read the parameters; CYC_* are 32-bit
//     counters (wrapping), MACS 64 bits.
//   - Reset values: every register 0 except ACT_MIN = -128 and ACT_MAX = 127. Scratchpads and
//     the accumulator buffer are not reset (undefined until written; Verilator starts them at 0).
//   - STATUS = {30'b0, done, busy}: done is 1 from the cycle of done_o until the next start.
//
// Command (cycle 0 = the first cycle with busy_o = 1, the one after the edge that accepted a
// CTRL write with bit 0 set while busy_o = 0):
//   - M is walked in M-blocks of AccWords rows: tiles (nt outer, M-block mb, kt inner), their
//     M_i = min(AccWords, M - mb*AccWords) slots and issue cycles wl_i / s_i / e_i: see
//     rtl/tile_ctrl.sv and the doc. Slot j of an M-block streams A row m = mb*AccWords + j and
//     uses accumulator row j.
//   - weight row r issued in cycle t (B read) is written into bank i mod WeightBanks of array row
//     r at the end of cycle t + 1 (rows >= kv and columns >= nv load 0);
//   - slot m issued in cycle t (A read) enters array row r in cycle t + 1 + r (lanes >= kv as 0);
//     its de-skewed row of Cols partial sums reaches the accumulate stage in X = t + Rows + Cols;
//     the BIAS/M0/SHIFT word q_base + nt is read in cycle X - 1;
//   - in cycle X: not the last K-tile: accumulator row j <= (kt = 0 ? psum : acc[j] + psum) at
//     the end of the cycle; last K-tile: (KT = 1 ? psum : acc[j] + psum) enters the requant
//     units; their results are written to C word c_base + m*NT + nt, lanes < nv, at the end of
//     cycle X + RequantDepth.
//   - busy_o = 1 in cycles 0 .. X_last + RequantDepth, done_o = 1 in cycle X_last +
//     RequantDepth + 1. Any M >= 1 is a normal command (M is not limited by AccWords). A command
//     with M, N or K = 0 has no tiles: busy_o = 1 in cycle 0 only, done_o = 1 in cycle 1,
//     nothing is written, its one busy cycle counts as OUTPUT.
//   - Counters, cleared at the start edge, updated at the end of each busy cycle: CYC_BUSY +1;
//     exactly one of CYC_COMPUTE (a slot issues), CYC_WSTALL (no slot issues, slots remain),
//     CYC_DRAIN (after the last slot, before X_last), CYC_OUTPUT (X_last .. end) +1; MACS + kv*nv
//     per slot issued.
//   - Reset (rst_ni = 0, asynchronous) clears every register (as above) and stops any command.
module systolic_top #(
  parameter int Rows         = 16,     // array rows, 2..32
  parameter int Cols         = 16,     // array columns, 2..32
  parameter int AWords       = 524288,  // A scratchpad words (Rows int8 lanes), 1..2^20
  parameter int BWords       = 262144,  // B scratchpad words (Cols int8 lanes), 1..2^20
  parameter int CWords       = 262144,  // C scratchpad words (Cols int8 lanes), 1..2^20
  parameter int QWords       = 64,      // BIAS / M0 / SHIFT words (Cols lanes), 1..2^20
  parameter int AccWords     = 1024,    // accumulator rows: the M-block, 1..65536
  parameter int RequantDepth = 3,       // PipeDepth of the requant units, >= 1
  parameter int WeightBanks  = 2        // weight banks per PE: 2 double-buffered, 1 single
) (
  input  logic        clk_i,
  input  logic        rst_ni,
  input  logic        host_req_i,
  input  logic        host_we_i,
  input  logic [31:0] host_addr_i,
  input  logic [31:0] host_wdata_i,
  output logic        host_rvalid_o,
  output logic [31:0] host_rdata_o,
  output logic        busy_o,
  output logic        done_o
);

  localparam int DimWidth = 24;  // M, N, K registers
  localparam int AW      = 50;  // engine word addresses (2^20 + 2^24 * 2^24 < 2^49), no wrap
  localparam int RowW    = $clog2(Rows);
  localparam int KvW     = $clog2(Rows + 1);
  localparam int NvW     = $clog2(Cols + 1);
  localparam int AccIdxW = (AccWords > 1) ? $clog2(AccWords) : 1;  // slot j: accumulator row
  localparam int MacW    = KvW + NvW;

  // Host register indices (region 0).
  localparam logic [7:0] RegCtrl = 8'd0, RegStatus = 8'd1, RegM = 8'd2, RegN = 8'd3,
                         RegK = 8'd4, RegABase = 8'd5, RegBBase = 8'd6, RegCBase = 8'd7,
                         RegQBase = 8'd8, RegZpOut = 8'd9, RegActMin = 8'd10,
                         RegActMax = 8'd11, RegRounding = 8'd12, RegCycBusy = 8'd16,
                         RegCycWstall = 8'd17, RegCycCompute = 8'd18, RegCycDrain = 8'd19,
                         RegCycOutput = 8'd20, RegMacsLo = 8'd21, RegMacsHi = 8'd22,
                         RegRows = 8'd24, RegCols = 8'd25;
  localparam logic [3:0] RegionRegs = 4'd0, RegionA = 4'd1, RegionB = 4'd2, RegionC = 4'd3,
                         RegionBias = 4'd4, RegionM0 = 4'd5, RegionShift = 4'd6;

  // ---------------------------------------------------------------------------------------------
  // Host port decode
  // ---------------------------------------------------------------------------------------------
  logic       busy;
  logic       done;
  logic [3:0] host_region;
  logic [19:0] host_word;
  logic [7:0] host_lane;  // lane, or register index in region 0
  logic       host_wr, host_rd, host_wr_idle, start;

  assign host_region  = host_addr_i[31:28];
  assign host_word    = host_addr_i[27:8];
  assign host_lane    = host_addr_i[7:0];
  assign host_wr      = host_req_i && host_we_i;
  assign host_rd      = host_req_i && !host_we_i;
  assign host_wr_idle = host_wr && !busy;
  assign start        = host_wr_idle && (host_region == RegionRegs) && (host_lane == RegCtrl) &&
                        host_wdata_i[0];

  // ---------------------------------------------------------------------------------------------
  // Tile sequencer
  // ---------------------------------------------------------------------------------------------
  logic [DimWidth-1:0] m_q, n_q, k_q;
  logic [19:0]     a_base_q, b_base_q, c_base_q, q_base_q;
  logic            wl_issue, wl_bank, wl_zero;
  logic [AW-1:0]   wl_addr;
  logic [RowW-1:0] wl_row;
  logic [NvW-1:0]  wl_nv;
  logic            s_issue, s_bank, s_first, s_last;
  logic [AW-1:0]   s_addr, s_caddr;
  logic [KvW-1:0]  s_kv;
  logic [NvW-1:0]  s_nv;
  logic [AccIdxW-1:0] s_j;
  logic [DimWidth-1:0] s_nt;
  logic            ph_wstall, ph_compute, ph_drain, ph_output;

  tile_ctrl #(
    .Rows        (Rows),
    .Cols        (Cols),
    .AccWords    (AccWords),
    .RequantDepth(RequantDepth),
    .WeightBanks (WeightBanks),
    .AddrWidth   (AW),
    .DimWidth    (DimWidth)
  ) u_ctrl (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .start_i     (start),
    .m_i         (m_q),
    .n_i         (n_q),
    .k_i         (k_q),
    .a_base_i    (a_base_q),
    .b_base_i    (b_base_q),
    .c_base_i    (c_base_q),
    .busy_o      (busy),
    .done_o      (done),
    .wl_issue_o  (wl_issue),
    .wl_addr_o   (wl_addr),
    .wl_row_o    (wl_row),
    .wl_bank_o   (wl_bank),
    .wl_zero_o   (wl_zero),
    .wl_nv_o     (wl_nv),
    .s_issue_o   (s_issue),
    .s_addr_o    (s_addr),
    .s_caddr_o   (s_caddr),
    .s_bank_o    (s_bank),
    .s_kv_o      (s_kv),
    .s_nv_o      (s_nv),
    .s_first_o   (s_first),
    .s_last_o    (s_last),
    .s_j_o       (s_j),
    .s_nt_o      (s_nt),
    .ph_wstall_o (ph_wstall),
    .ph_compute_o(ph_compute),
    .ph_drain_o  (ph_drain),
    .ph_output_o (ph_output)
  );

  // ---------------------------------------------------------------------------------------------
  // Scratchpads
  // ---------------------------------------------------------------------------------------------
  logic [Rows*8-1:0]  a_rd_data;
  logic [Cols*8-1:0]  b_rd_data;
  logic [Cols*8-1:0]  c_rd_data;  // the engine never reads C
  logic [Cols*32-1:0] bias_rd_data, m0_rd_data;
  logic [Cols*6-1:0]  shift_rd_data;
  logic [7:0]         a_host_rdata, b_host_rdata, c_host_rdata;
  logic [31:0]        bias_host_rdata, m0_host_rdata;
  logic [5:0]         shift_host_rdata;
  logic               q_rd_en;
  logic [AW-1:0]      q_rd_addr;
  logic               c_wr_en;
  logic [AW-1:0]      c_wr_addr;
  logic [Cols-1:0]    c_wr_lane_en;
  logic [Cols*8-1:0]  c_wr_data;

  spad #(
    .Words    (AWords),
    .Lanes    (Rows),
    .Width    (8),
    .AddrWidth(AW)
  ) u_spad_a (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .rd_en_i     (s_issue),
    .rd_addr_i   (s_addr),
    .rd_data_o   (a_rd_data),
    .wr_en_i     (1'b0),
    .wr_addr_i   ({AW{1'b0}}),
    .wr_lane_en_i({Rows{1'b0}}),
    .wr_data_i   ({Rows*8{1'b0}}),
    .host_we_i   (host_wr_idle && (host_region == RegionA)),
    .host_word_i (host_word),
    .host_lane_i (host_lane),
    .host_wdata_i(host_wdata_i[7:0]),
    .host_rdata_o(a_host_rdata)
  );

  spad #(
    .Words    (BWords),
    .Lanes    (Cols),
    .Width    (8),
    .AddrWidth(AW)
  ) u_spad_b (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .rd_en_i     (wl_issue && !wl_zero),
    .rd_addr_i   (wl_addr),
    .rd_data_o   (b_rd_data),
    .wr_en_i     (1'b0),
    .wr_addr_i   ({AW{1'b0}}),
    .wr_lane_en_i({Cols{1'b0}}),
    .wr_data_i   ({Cols*8{1'b0}}),
    .host_we_i   (host_wr_idle && (host_region == RegionB)),
    .host_word_i (host_word),
    .host_lane_i (host_lane),
    .host_wdata_i(host_wdata_i[7:0]),
    .host_rdata_o(b_host_rdata)
  );

  spad #(
    .Words    (CWords),
    .Lanes    (Cols),
    .Width    (8),
    .AddrWidth(AW)
  ) u_spad_c (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .rd_en_i     (1'b0),
    .rd_addr_i   ({AW{1'b0}}),
    .rd_data_o   (c_rd_data),
    .wr_en_i     (c_wr_en),
    .wr_addr_i   (c_wr_addr),
    .wr_lane_en_i(c_wr_lane_en),
    .wr_data_i   (c_wr_data),
    .host_we_i   (host_wr && (host_region == RegionC)),
    .host_word_i (host_word),
    .host_lane_i (host_lane),
    .host_wdata_i(host_wdata_i[7:0]),
    .host_rdata_o(c_host_rdata)
  );

  spad #(
    .Words    (QWords),
    .Lanes    (Cols),
    .Width    (32),
    .AddrWidth(AW)
  ) u_spad_bias (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .rd_en_i     (q_rd_en),
    .rd_addr_i   (q_rd_addr),
    .rd_data_o   (bias_rd_data),
    .wr_en_i     (1'b0),
    .wr_addr_i   ({AW{1'b0}}),
    .wr_lane_en_i({Cols{1'b0}}),
    .wr_data_i   ({Cols*32{1'b0}}),
    .host_we_i   (host_wr_idle && (host_region == RegionBias)),
    .host_word_i (host_word),
    .host_lane_i (host_lane),
    .host_wdata_i(host_wdata_i),
    .host_rdata_o(bias_host_rdata)
  );

  spad #(
    .Words    (QWords),
    .Lanes    (Cols),
    .Width    (32),
    .AddrWidth(AW)
  ) u_spad_m0 (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .rd_en_i     (q_rd_en),
    .rd_addr_i   (q_rd_addr),
    .rd_data_o   (m0_rd_data),
    .wr_en_i     (1'b0),
    .wr_addr_i   ({AW{1'b0}}),
    .wr_lane_en_i({Cols{1'b0}}),
    .wr_data_i   ({Cols*32{1'b0}}),
    .host_we_i   (host_wr_idle && (host_region == RegionM0)),
    .host_word_i (host_word),
    .host_lane_i (host_lane),
    .host_wdata_i(host_wdata_i),
    .host_rdata_o(m0_host_rdata)
  );

  spad #(
    .Words    (QWords),
    .Lanes    (Cols),
    .Width    (6),
    .AddrWidth(AW)
  ) u_spad_shift (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .rd_en_i     (q_rd_en),
    .rd_addr_i   (q_rd_addr),
    .rd_data_o   (shift_rd_data),
    .wr_en_i     (1'b0),
    .wr_addr_i   ({AW{1'b0}}),
    .wr_lane_en_i({Cols{1'b0}}),
    .wr_data_i   ({Cols*6{1'b0}}),
    .host_we_i   (host_wr_idle && (host_region == RegionShift)),
    .host_word_i (host_word),
    .host_lane_i (host_lane),
    .host_wdata_i(host_wdata_i[5:0]),
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
    if (s_issue) begin
      sl_bank_d = s_bank;
      sl_kv_d   = s_kv;
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
    end else begin
      ld_valid_q <= ld_valid_d;
      ld_row_q   <= ld_row_d;
      ld_bank_q  <= ld_bank_d;
      ld_zero_q  <= ld_zero_d;
      ld_nv_q    <= ld_nv_d;
      sl_valid_q <= sl_valid_d;
      sl_bank_q  <= sl_bank_d;
      sl_kv_q    <= sl_kv_d;
    end
  end

  // Weight row into the array (cycle t + 1): rows >= kv and columns >= nv as 0.
  logic [Rows-1:0]   w_load;
  logic [Cols*8-1:0] w_row;

  always_comb begin
    for (int r = 0; r < Rows; r++) begin
      w_load[r] = ld_valid_q && (32'(ld_row_q) == r);
    end
    for (int c = 0; c < Cols; c++) begin
      w_row[c*8 +: 8] = (!ld_zero_q && (32'(ld_nv_q) > c)) ? b_rd_data[c*8 +: 8] : 8'd0;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Input skew, PE array, output de-skew
  // ---------------------------------------------------------------------------------------------
  logic [Rows*8-1:0]  arr_a;
  logic [Rows-1:0]    arr_valid, arr_sel;
  logic [Cols*32-1:0] arr_psum, psum_x;
  logic [Cols-1:0]    arr_psum_valid;  // the tag pipeline carries the slot's valid bit instead

  input_skew #(
    .Rows(Rows)
  ) u_skew (
    .clk_i  (clk_i),
    .rst_ni (rst_ni),
    .a_i    (a_rd_data),
    .valid_i(sl_valid_q),
    .sel_i  (sl_bank_q),
    .kv_i   (sl_kv_q),
    .a_o    (arr_a),
    .valid_o(arr_valid),
    .sel_o  (arr_sel)
  );

  pe_array #(
    .Rows       (Rows),
    .Cols       (Cols),
    .WeightBanks(WeightBanks)
  ) u_array (
    .clk_i       (clk_i),
    .rst_ni      (rst_ni),
    .a_i         (arr_a),
    .a_valid_i   (arr_valid),
    .a_sel_i     (arr_sel),
    .w_load_i    (w_load),
    .w_bank_i    (ld_bank_q),
    .w_row_i     (w_row),
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
  // Tag pipeline: what each slot needs downstream, from its issue cycle t to X - 1 = t + Rows +
  // Cols - 1 (Q read), X (accumulate) and X + RequantDepth (C write)
  // ---------------------------------------------------------------------------------------------
  localparam int TagW = 3 + AccIdxW + DimWidth + NvW + AW;

  logic [TagW-1:0]    tag_t, tag_q;  // at issue, at X - 1
  logic               q_valid, q_first, q_last;
  logic [AccIdxW-1:0] q_j;
  logic [DimWidth-1:0] q_nt;
  logic [NvW-1:0]     q_nv;
  logic [AW-1:0]      q_caddr;

  assign tag_t = {s_issue, s_first, s_last, s_j, s_nt, s_nv, s_caddr};

  delay_line #(
    .Width(TagW),
    .Depth(Rows + Cols - 1)
  ) u_tag (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .d_i   (tag_t),
    .q_o   (tag_q)
  );

  assign {q_valid, q_first, q_last, q_j, q_nt, q_nv, q_caddr} = tag_q;

  // Cycle X - 1: read the BIAS / M0 / SHIFT word of the slot's N-tile (last K-tile only).
  assign q_rd_en   = q_valid && q_last;
  assign q_rd_addr = AW'(q_base_q) + AW'(q_nt);

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

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      x_valid_q <= 1'b0;
      x_first_q <= 1'b0;
      x_last_q  <= 1'b0;
      x_j_q     <= '0;
      x_nv_q    <= '0;
      x_caddr_q <= '0;
    end else begin
      x_valid_q <= x_valid_d;
      x_first_q <= x_first_d;
      x_last_q  <= x_last_d;
      x_j_q     <= x_j_d;
      x_nv_q    <= x_nv_d;
      x_caddr_q <= x_caddr_d;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Accumulator buffer: AccWords rows of Cols int32, combinational read, write at the end of X
  // ---------------------------------------------------------------------------------------------
  logic [Cols*32-1:0] acc_mem [0:AccWords-1];
  logic [Cols*32-1:0] acc_rd, acc_sum;
  logic               acc_we, rq_valid;

  assign acc_rd = acc_mem[x_j_q];

  always_comb begin
    for (int c = 0; c < Cols; c++) begin
      acc_sum[c*32 +: 32] = x_first_q ? psum_x[c*32 +: 32]
                                      : acc_rd[c*32 +: 32] + psum_x[c*32 +: 32];
    end
    acc_we   = x_valid_q && !x_last_q;
    rq_valid = x_valid_q && x_last_q;
  end

  always_ff @(posedge clk_i) begin
    if (acc_we) begin
      acc_mem[x_j_q] <= acc_sum;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Output stage: Cols requant units, C write at the end of X + RequantDepth
  // ---------------------------------------------------------------------------------------------
  logic [7:0]    zp_out_q, act_min_q, act_max_q;
  logic          rounding_q;
  logic [Cols-1:0] rq_valid_o;  // equal to the C-write tag's valid bit

  for (genvar c = 0; c < Cols; c++) begin : g_requant
    requant #(
      .Rounding (2),
      .PipeDepth(RequantDepth)
    ) u_requant (
      .clk_i     (clk_i),
      .rst_ni    (rst_ni),
      .valid_i   (rq_valid),
      .rounding_i(rounding_q),
      .acc_i     (acc_sum[c*32 +: 32]),
      .bias_i    (bias_rd_data[c*32 +: 32]),
      .m0_i      (m0_rd_data[c*32 +: 32]),
      .shift_i   (shift_rd_data[c*6 +: 6]),
      .zp_out_i  (zp_out_q),
      .act_min_i (act_min_q),
      .act_max_i (act_max_q),
      .valid_o   (rq_valid_o[c]),
      .out_o     (c_wr_data[c*8 +: 8])
    );
  end

  logic [NvW-1:0] c_nv;

  delay_line #(
    .Width(1 + NvW + AW),
    .Depth(RequantDepth)
  ) u_ctag (
    .clk_i (clk_i),
    .rst_ni(rst_ni),
    .d_i   ({rq_valid, x_nv_q, x_caddr_q}),
    .q_o   ({c_wr_en, c_nv, c_wr_addr})
  );

  always_comb begin
    for (int c = 0; c < Cols; c++) begin
      c_wr_lane_en[c] = 32'(c_nv) > c;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Registers, counters, host read data
  // ---------------------------------------------------------------------------------------------
  logic [DimWidth-1:0] m_d, n_d, k_d;
  logic [19:0]       a_base_d, b_base_d, c_base_d, q_base_d;
  logic [7:0]        zp_out_d, act_min_d, act_max_d;
  logic              rounding_d;
  logic              done_flag_d, done_flag_q;  // STATUS.done after the done_o cycle
  logic [31:0]       cyc_busy_d, cyc_busy_q;
  logic [31:0]       cyc_wstall_d, cyc_wstall_q;
  logic [31:0]       cyc_compute_d, cyc_compute_q;
  logic [31:0]       cyc_drain_d, cyc_drain_q;
  logic [31:0]       cyc_output_d, cyc_output_q;
  logic [63:0]       macs_d, macs_q;
  logic              rvalid_d, rvalid_q;
  logic [31:0]       rdata_d, rdata_q;
  logic [MacW-1:0]   macs_inc;
  logic [31:0]       reg_rdata, host_rd_value;

  assign macs_inc = MacW'(s_kv) * MacW'(s_nv);

  always_comb begin
    m_d           = m_q;
    n_d           = n_q;
    k_d           = k_q;
    a_base_d      = a_base_q;
    b_base_d      = b_base_q;
    c_base_d      = c_base_q;
    q_base_d      = q_base_q;
    zp_out_d      = zp_out_q;
    act_min_d     = act_min_q;
    act_max_d     = act_max_q;
    rounding_d    = rounding_q;
    done_flag_d   = done_flag_q || done;
    cyc_busy_d    = cyc_busy_q;
    cyc_wstall_d  = cyc_wstall_q;
    cyc_compute_d = cyc_compute_q;
    cyc_drain_d   = cyc_drain_q;
    cyc_output_d  = cyc_output_q;
    macs_d        = macs_q;

    // Command registers: written only while idle.
    if (host_wr_idle && (host_region == RegionRegs)) begin
      case (host_lane)
        RegM:        m_d        = host_wdata_i[DimWidth-1:0];
        RegN:        n_d        = host_wdata_i[DimWidth-1:0];
        RegK:        k_d        = host_wdata_i[DimWidth-1:0];
        RegABase:    a_base_d   = host_wdata_i[19:0];
        RegBBase:    b_base_d   = host_wdata_i[19:0];
        RegCBase:    c_base_d   = host_wdata_i[19:0];
        RegQBase:    q_base_d   = host_wdata_i[19:0];
        RegZpOut:    zp_out_d   = host_wdata_i[7:0];
        RegActMin:   act_min_d  = host_wdata_i[7:0];
        RegActMax:   act_max_d  = host_wdata_i[7:0];
        RegRounding: rounding_d = host_wdata_i[0];
        default: ;
      endcase
    end

    // Counters: cleared at the start edge, then one phase per busy cycle.
    if (start) begin
      done_flag_d   = 1'b0;
      cyc_busy_d    = '0;
      cyc_wstall_d  = '0;
      cyc_compute_d = '0;
      cyc_drain_d   = '0;
      cyc_output_d  = '0;
      macs_d        = '0;
    end else if (busy) begin
      cyc_busy_d    = cyc_busy_q + 32'(1);
      cyc_wstall_d  = cyc_wstall_q + 32'(ph_wstall);
      cyc_compute_d = cyc_compute_q + 32'(ph_compute);
      cyc_drain_d   = cyc_drain_q + 32'(ph_drain);
      cyc_output_d  = cyc_output_q + 32'(ph_output);
      if (ph_compute) begin
        macs_d = macs_q + 64'(macs_inc);
      end
    end

    // Host read: the element or register as it is in this cycle.
    reg_rdata = '0;
    case (host_lane)
      RegStatus:     reg_rdata = {30'd0, done_flag_q || done, busy};
      RegM:          reg_rdata = 32'(m_q);
      RegN:          reg_rdata = 32'(n_q);
      RegK:          reg_rdata = 32'(k_q);
      RegABase:      reg_rdata = {12'd0, a_base_q};
      RegBBase:      reg_rdata = {12'd0, b_base_q};
      RegCBase:      reg_rdata = {12'd0, c_base_q};
      RegQBase:      reg_rdata = {12'd0, q_base_q};
      RegZpOut:      reg_rdata = {{24{zp_out_q[7]}}, zp_out_q};
      RegActMin:     reg_rdata = {{24{act_min_q[7]}}, act_min_q};
      RegActMax:     reg_rdata = {{24{act_max_q[7]}}, act_max_q};
      RegRounding:   reg_rdata = {31'd0, rounding_q};
      RegCycBusy:    reg_rdata = cyc_busy_q;
      RegCycWstall:  reg_rdata = cyc_wstall_q;
      RegCycCompute: reg_rdata = cyc_compute_q;
      RegCycDrain:   reg_rdata = cyc_drain_q;
      RegCycOutput:  reg_rdata = cyc_output_q;
      RegMacsLo:     reg_rdata = macs_q[31:0];
      RegMacsHi:     reg_rdata = macs_q[63:32];
      RegRows:       reg_rdata = 32'(Rows);
      RegCols:       reg_rdata = 32'(Cols);
      default:       reg_rdata = '0;  // CTRL (write only) and unassigned indices
    endcase
    case (host_region)
      RegionRegs:  host_rd_value = reg_rdata;
      RegionA:     host_rd_value = {{24{a_host_rdata[7]}}, a_host_rdata};
      RegionB:     host_rd_value = {{24{b_host_rdata[7]}}, b_host_rdata};
      RegionC:     host_rd_value = {{24{c_host_rdata[7]}}, c_host_rdata};
      RegionBias:  host_rd_value = bias_host_rdata;
      RegionM0:    host_rd_value = m0_host_rdata;
      RegionShift: host_rd_value = {{26{shift_host_rdata[5]}}, shift_host_rdata};
      default:     host_rd_value = '0;
    endcase
    rvalid_d = host_rd;
    rdata_d  = host_rd ? host_rd_value : rdata_q;
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      m_q           <= '0;
      n_q           <= '0;
      k_q           <= '0;
      a_base_q      <= '0;
      b_base_q      <= '0;
      c_base_q      <= '0;
      q_base_q      <= '0;
      zp_out_q      <= '0;
      act_min_q     <= 8'h80;  // -128
      act_max_q     <= 8'h7f;  // 127
      rounding_q    <= 1'b0;
      done_flag_q   <= 1'b0;
      cyc_busy_q    <= '0;
      cyc_wstall_q  <= '0;
      cyc_compute_q <= '0;
      cyc_drain_q   <= '0;
      cyc_output_q  <= '0;
      macs_q        <= '0;
      rvalid_q      <= 1'b0;
      rdata_q       <= '0;
    end else begin
      m_q           <= m_d;
      n_q           <= n_d;
      k_q           <= k_d;
      a_base_q      <= a_base_d;
      b_base_q      <= b_base_d;
      c_base_q      <= c_base_d;
      q_base_q      <= q_base_d;
      zp_out_q      <= zp_out_d;
      act_min_q     <= act_min_d;
      act_max_q     <= act_max_d;
      rounding_q    <= rounding_d;
      done_flag_q   <= done_flag_d;
      cyc_busy_q    <= cyc_busy_d;
      cyc_wstall_q  <= cyc_wstall_d;
      cyc_compute_q <= cyc_compute_d;
      cyc_drain_q   <= cyc_drain_d;
      cyc_output_q  <= cyc_output_d;
      macs_q        <= macs_d;
      rvalid_q      <= rvalid_d;
      rdata_q       <= rdata_d;
    end
  end

  assign host_rvalid_o = rvalid_q;
  assign host_rdata_o  = rdata_q;
  assign busy_o        = busy;
  assign done_o        = done;

  // Signals nothing reads: the engine never reads C; the tag pipeline carries the slot valid bit
  // that pe_array and requant also carry.
  logic [Cols*8-1:0] unused_c_rd_data;
  logic [Cols-1:0]   unused_psum_valid, unused_rq_valid;
  assign unused_c_rd_data  = c_rd_data;
  assign unused_psum_valid = arr_psum_valid;
  assign unused_rq_valid   = rq_valid_o;

  // ---------------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------------
  // Illegal parameters stop elaboration (Icarus has no elaboration-time $error: it stops at t=0).
`ifdef __ICARUS__
  initial begin
    if (Rows < 2 || Rows > 32) $fatal(1, "systolic_top: Rows must be in 2..32");
    if (Cols < 2 || Cols > 32) $fatal(1, "systolic_top: Cols must be in 2..32");
    if (AWords < 1 || AWords > (1 << 20)) $fatal(1, "systolic_top: AWords must be in 1..2^20");
    if (BWords < 1 || BWords > (1 << 20)) $fatal(1, "systolic_top: BWords must be in 1..2^20");
    if (CWords < 1 || CWords > (1 << 20)) $fatal(1, "systolic_top: CWords must be in 1..2^20");
    if (QWords < 1 || QWords > (1 << 20)) $fatal(1, "systolic_top: QWords must be in 1..2^20");
    if (AccWords < 1 || AccWords > 65536) $fatal(1, "systolic_top: AccWords must be in 1..65536");
    if (RequantDepth < 1) $fatal(1, "systolic_top: RequantDepth must be >= 1");
    if (WeightBanks < 1 || WeightBanks > 2) $fatal(1, "systolic_top: WeightBanks must be 1 or 2");
  end
`else
  if (Rows < 2 || Rows > 32) begin : g_bad_rows
    $error("systolic_top: Rows must be in 2..32");
  end
  if (Cols < 2 || Cols > 32) begin : g_bad_cols
    $error("systolic_top: Cols must be in 2..32");
  end
  if (AWords < 1 || AWords > (1 << 20)) begin : g_bad_a_words
    $error("systolic_top: AWords must be in 1..2^20 (the host word field is 20 bits)");
  end
  if (BWords < 1 || BWords > (1 << 20)) begin : g_bad_b_words
    $error("systolic_top: BWords must be in 1..2^20 (the host word field is 20 bits)");
  end
  if (CWords < 1 || CWords > (1 << 20)) begin : g_bad_c_words
    $error("systolic_top: CWords must be in 1..2^20 (the host word field is 20 bits)");
  end
  if (QWords < 1 || QWords > (1 << 20)) begin : g_bad_q_words
    $error("systolic_top: QWords must be in 1..2^20 (the host word field is 20 bits)");
  end
  if (AccWords < 1 || AccWords > 65536) begin : g_bad_acc_words
    $error("systolic_top: AccWords must be in 1..65536 (the M-block of the accumulator buffer)");
  end
  if (WeightBanks < 1 || WeightBanks > 2) begin : g_bad_weight_banks
    $error("systolic_top: WeightBanks must be 1 or 2");
  end
  if (RequantDepth < 1) begin : g_bad_requant_depth
    $error("systolic_top: RequantDepth must be >= 1");
  end
`endif

endmodule
