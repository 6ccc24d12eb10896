// os_ctrl: the output-stationary tile sequencer of systolic_top (docs/architecture.md section 4,
// "Output-stationary schedule"; C++ twin: model/os_ctrl.h).
//
// An OS command computes C[M x N] in tiles of Rows output rows by Cols output columns: tile i =
// nt*MT + mt (MT = ceil(M / Rows), NT = ceil(N / Cols); N-tiles outer, M-tiles inner) has
// mv = min(Rows, M - mt*Rows) valid rows and nv = min(Cols, N - nt*Cols) valid columns. Each PE
// sums its C[m][n] over the whole K in place (rtl/mac_pe.sv), so there are no K-tiles and no
// accumulator rows. Operands (word numbers, AddrWidth bits, saturating: systolic_pkg::addr_add):
//   - beat k (0 .. K-1) of tile (mt, nt) reads A word a_base + mt*K + k, whose lane r is
//     A[mt*Rows + r][k] (the K-major OS layout), and B word b_base + nt*K + k, the WS layout's
//     B row k of N-tile nt (lane c is B[k][nt*Cols + c]);
//   - output row r (0 .. mv-1) of the tile is C word c_base + (mt*Rows + r)*NT + nt.
// Schedule (cycle 0 = the first busy cycle; the tile period T is K when K >= 2*Rows - 1, else
// the smallest odd number >= max(K, Rows)):
//   - beat k of tile i issues in cycle i*T + k (x_issue_o = 1); x_first_o = 1 with beat 0: the
//     beat starts the PEs' next sums, which moves the previous tile's sums onto the output chain.
//     The cycle NTL*T (NTL = MT*NT tiles) is the flush: x_first_o = 1 with no beat. The chain
//     moves a column's Rows sums out every other cycle, over 2*Rows - 1 cycles (rtl/pe_array.sv);
//     two firsts an even number of cycles below 2*Rows - 1 apart would collide in it, so a period
//     under 2*Rows - 1 is odd (and >= Rows): the next tile's sums leave in the gaps.
//   - the sums of tile i, row r (r < mv) reach acc_stage in X = (i+1)*T + 1 + 2r + Cols; the
//     tag for acc_stage (o_issue_o with the row's C word, nt and nv) issues Rows + Cols cycles
//     earlier, in cycle (i+1)*T + 1 + 2r - Rows (acc_stage's delay), and the row's C word is written
//     at the end of X + RequantDepth. Tile i's tags come from tag sequencer i mod 2 (with T <
//     2*Rows - 1 two tiles' tags interleave, never in the same cycle). The last busy cycle is
//     X_last + RequantDepth, X_last of the command's last tag: the last tile's last row, or the
//     tile before's when T < 2*(Rows - mv_last).
// Cycle behaviour:
//   - start_i = 1 in a cycle with busy_o = 0 starts a command at the edge ending that cycle:
//     busy_o = 1 from the next cycle (cycle 0). m_i, n_i, k_i and the bases must not change
//     while busy_o = 1. A command with M, N or K = 0 has no tiles: it is busy in cycle 0 only.
//   - The outputs are functions of the registers only (no path from any input to any output).
//   - Busy cycles are classified into exactly one of ph_compute_o (a beat issues), ph_wstall_o
//     (no beat issues and a later tile's beats remain: the period waits for the output chain),
//     ph_drain_o (after the last beat, before X_last) and ph_output_o (X_last .. X_last +
//     RequantDepth; cycle 0 of a command without tiles). All four are 0 while busy_o = 0.
//   - done_o = 1 for the one cycle after the last busy cycle (busy_o = 0 then).
//   - Reset (rst_ni = 0, asynchronous) clears every register: idle, busy_o = done_o = 0.
`include "systolic_assert.svh"

module os_ctrl #(
  parameter int Rows         = 4,  // array rows (limits: systolic_pkg::RowsMin .. RowsMax)
  parameter int Cols         = 4,  // array columns
  parameter int RequantDepth = 3   // requant latency
) (
  input  logic                                  clk_i,
  input  logic                                  rst_ni,
  input  logic                                  start_i,   // start a command (ignored while busy)
  input  logic [systolic_pkg::DimWidth-1:0]     m_i,
  input  logic [systolic_pkg::DimWidth-1:0]     n_i,
  input  logic [systolic_pkg::DimWidth-1:0]     k_i,
  input  logic [systolic_pkg::WordWidth-1:0]    a_base_i,
  input  logic [systolic_pkg::WordWidth-1:0]    b_base_i,
  input  logic [systolic_pkg::WordWidth-1:0]    c_base_i,
  output logic                                  busy_o,
  output logic                                  done_o,
  // Beats: one A word and one B word a cycle
  output logic                                  x_issue_o,  // a beat issues this cycle
  output logic                                  x_first_o,  // it starts the tile's sums (or flushes)
  output logic [systolic_pkg::AddrWidth-1:0]    x_aaddr_o,  // its A word
  output logic [systolic_pkg::AddrWidth-1:0]    x_baddr_o,  // its B word
  output logic [$clog2(Rows+1)-1:0]             x_mv_o,     // valid rows of the tile, 1..Rows
  output logic [$clog2(Cols+1)-1:0]             x_nv_o,     // valid columns of the tile, 1..Cols
  // Output rows: the tags acc_stage takes (first and last K-tile, accumulator row 0)
  output logic                                  o_issue_o,  // an output row's tag this cycle
  output logic [systolic_pkg::AddrWidth-1:0]    o_caddr_o,  // its C word
  output logic [systolic_pkg::DimWidth-1:0]     o_nt_o,     // its N-tile
  output logic [$clog2(Cols+1)-1:0]             o_nv_o,     // valid columns
  // Counter phases of this busy cycle (one-hot while busy_o = 1)
  output logic                                  ph_wstall_o,
  output logic                                  ph_compute_o,
  output logic                                  ph_drain_o,
  output logic                                  ph_output_o
);

  localparam int AW      = systolic_pkg::AddrWidth;
  localparam int DimW    = systolic_pkg::DimWidth;
  localparam int DimW1   = DimW + 1;
  localparam int KvW     = $clog2(Rows + 1);
  localparam int NvW     = $clog2(Cols + 1);
  localparam int MinPer  = 2 * Rows - 1;                   // the shortest period of any parity
  localparam int TailLen = Rows + Cols + RequantDepth;     // busy cycles after the last tag
  localparam int OutLen  = RequantDepth + 1;               // of those, OUTPUT cycles
  localparam int TailW   = $clog2(TailLen + 1);

  // ---------------------------------------------------------------------------------------------
  // Registers
  // ---------------------------------------------------------------------------------------------
  logic            busy_d, busy_q, done_d, done_q;
  logic            bt_left_d, bt_left_q;    // a beat or the flush has not issued
  logic            fl_d, fl_q;              // the next period is the flush
  logic [DimW-1:0] k_d, k_q;                // K of the command
  logic [DimW-1:0] per_d, per_q;            // T - 1
  logic [DimW-1:0] pc_d, pc_q;              // cycle in the period (beat k while pc < K)
  logic [DimW-1:0] nt_num_d, nt_num_q;      // NT: C word stride of a row
  logic [DimW-1:0] mrem_d, mrem_q;          // M - mt*Rows of the tile
  logic [DimW-1:0] nrem_d, nrem_q;          // N - nt*Cols
  logic [DimW-1:0] nt_d, nt_q;              // nt
  logic [AW-1:0]   a_tile_d, a_tile_q;      // a_base + mt*K
  logic [AW-1:0]   b_tile_d, b_tile_q;      // b_base + nt*K
  logic [AW-1:0]   c_nt_d, c_nt_q;          // c_base + nt
  logic [AW-1:0]   c_tile_d, c_tile_q;      // c_base + mt*Rows*NT + nt
  // Output-tag sequencers 0 and 1 (rows 1 .. mv-1 of a tile, every other cycle; tile i uses i mod
  // 2), sequencer s in bits [s*W +: W] of each (flat vectors: Yosys reads no 2-D packed arrays)
  logic [2*KvW-1:0]     o_cnt_d, o_cnt_q;   // tags left
  logic [1:0]           o_wait_d, o_wait_q; // the cycle between two tags
  logic [2*AW-1:0]      o_caddr_d, o_caddr_q;
  logic [2*DimW-1:0]    o_nt_d, o_nt_q;
  logic [2*NvW-1:0]     o_nv_d, o_nv_q;
  logic                 o_ptr_d, o_ptr_q;   // the sequencer of the next tile
  logic                 o_fin_d, o_fin_q;   // the command's last tile's tags have started
  logic [TailW-1:0] tail_d, tail_q;         // busy cycles left after the last tag

  // ---------------------------------------------------------------------------------------------
  // This cycle
  // ---------------------------------------------------------------------------------------------
  logic            last_mt, last_tile, beat, first, o_start, o_tag, last_tag;
  logic [1:0]      o_seq;
  logic            tail_phase, beats_left;
  logic [KvW-1:0]  mv;
  logic [NvW-1:0]  nv;
  logic [DimW-1:0] nt_calc, per_calc, k_rows;

  assign nt_calc  = DimW'((DimW1'(n_i) + DimW1'(Cols - 1)) / DimW1'(Cols));
  // T - 1: K - 1 from 2*Rows - 1 up, else max(K, Rows) rounded up to odd, minus 1 (bit 0 cleared).
  assign k_rows   = (32'(k_i) > Rows) ? k_i : DimW'(Rows);
  assign per_calc = (32'(k_i) >= MinPer) ? k_i - DimW'(1) : (k_rows & ~(DimW'(1)));

  assign last_mt    = mrem_q <= DimW'(Rows);
  assign last_tile  = last_mt && (nrem_q <= DimW'(Cols));
  assign mv         = last_mt ? KvW'(mrem_q) : KvW'(Rows);
  assign nv         = (nrem_q <= DimW'(Cols)) ? NvW'(nrem_q) : NvW'(Cols);
  assign beat       = bt_left_q && !fl_q && (pc_q < k_q);
  assign first      = bt_left_q && (pc_q == '0);
  // The tile's first tag: Rows - 1 cycles before the next period.
  assign o_start    = bt_left_q && !fl_q && (DimW1'(pc_q) + DimW1'(Rows) == DimW1'(per_q) + DimW1'(2));
  assign o_seq[0]   = (o_cnt_q[0 +: KvW] != '0) && !o_wait_q[0];
  assign o_seq[1]   = (o_cnt_q[KvW +: KvW] != '0) && !o_wait_q[1];
  assign o_tag      = o_start || (o_seq != '0);
  assign tail_phase = busy_q && (tail_q != '0);
  assign beats_left = bt_left_q && !fl_q && !(last_tile && (pc_q >= k_q));

  // The address steps (saturating, systolic_pkg::addr_add), computed outside the process below:
  // with these calls inside it, Icarus 11 never settled (tb_systolic_top, output-stationary).
  logic [AW-1:0]   a_tile_nx, b_tile_nx, c_tile_nx, c_nt_nx, c_row1, a_beat, b_beat;
  logic [2*AW-1:0] o_caddr_nx;
  assign a_tile_nx = systolic_pkg::addr_add(a_tile_q, 40'(k_q));
  assign b_tile_nx = systolic_pkg::addr_add(b_tile_q, 40'(k_q));
  assign c_tile_nx = systolic_pkg::addr_add(c_tile_q, 40'(nt_num_q) * 40'(Rows));
  assign c_nt_nx   = systolic_pkg::addr_add(c_nt_q, 40'd1);
  assign c_row1    = systolic_pkg::addr_add(c_tile_q, 40'(nt_num_q));
  assign a_beat    = systolic_pkg::addr_add(a_tile_q, 40'(pc_q));
  assign b_beat    = systolic_pkg::addr_add(b_tile_q, 40'(pc_q));
  for (genvar s = 0; s < 2; s++) begin : g_o_caddr_nx
    assign o_caddr_nx[s*AW +: AW] = systolic_pkg::addr_add(o_caddr_q[s*AW +: AW], 40'(nt_num_q));
  end

  // ---------------------------------------------------------------------------------------------
  // Next state
  // ---------------------------------------------------------------------------------------------
  always_comb begin
    busy_d    = busy_q;
    done_d    = 1'b0;
    bt_left_d = bt_left_q;
    fl_d      = fl_q;
    k_d       = k_q;
    per_d     = per_q;
    pc_d      = pc_q;
    nt_num_d  = nt_num_q;
    mrem_d    = mrem_q;
    nrem_d    = nrem_q;
    nt_d      = nt_q;
    a_tile_d  = a_tile_q;
    b_tile_d  = b_tile_q;
    c_nt_d    = c_nt_q;
    c_tile_d  = c_tile_q;
    o_cnt_d   = o_cnt_q;
    o_wait_d  = o_wait_q;
    o_caddr_d = o_caddr_q;
    o_nt_d    = o_nt_q;
    o_nv_d    = o_nv_q;
    o_ptr_d   = o_ptr_q;
    o_fin_d   = o_fin_q;
    tail_d    = tail_q;

    // Periods: beats, the gap, the next tile; after the last tile one flush cycle.
    if (bt_left_q) begin
      if (fl_q) begin
        bt_left_d = 1'b0;
        fl_d      = 1'b0;
      end else if (pc_q == per_q) begin
        pc_d = '0;
        if (last_tile) begin
          fl_d = 1'b1;
        end else if (!last_mt) begin
          mrem_d   = mrem_q - DimW'(Rows);
          a_tile_d = a_tile_nx;
          c_tile_d = c_tile_nx;
        end else begin
          mrem_d   = m_i;
          a_tile_d = AW'(a_base_i);
          nrem_d   = nrem_q - DimW'(Cols);
          nt_d     = nt_q + DimW'(1);
          b_tile_d = b_tile_nx;
          c_nt_d   = c_nt_nx;
          c_tile_d = c_nt_nx;
        end
      end else begin
        pc_d = pc_q + DimW'(1);
      end
    end

    // Output tags: row 0 with o_start, the others every other cycle after it, from the tile's
    // sequencer.
    for (int s = 0; s < 2; s++) begin
      if (o_start && (o_ptr_q == 1'(s))) begin
        o_cnt_d[s*KvW +: KvW]    = mv - KvW'(1);
        o_wait_d[s]              = 1'b1;
        o_caddr_d[s*AW +: AW]    = c_row1;
        o_nt_d[s*DimW +: DimW]   = nt_q;
        o_nv_d[s*NvW +: NvW]     = nv;
      end else if (o_cnt_q[s*KvW +: KvW] != '0) begin
        o_wait_d[s] = !o_wait_q[s];
        if (!o_wait_q[s]) begin
          o_cnt_d[s*KvW +: KvW] = o_cnt_q[s*KvW +: KvW] - KvW'(1);
          o_caddr_d[s*AW +: AW] = o_caddr_nx[s*AW +: AW];
        end
      end
    end
    if (o_start) begin
      o_ptr_d = !o_ptr_q;
      o_fin_d = o_fin_q || last_tile;
    end
    // The command's last tag: the last tile's have started and no sequencer has one left.
    last_tag = o_tag && (o_fin_q || (o_start && last_tile)) && (o_cnt_d == '0);

    // After the last tag: count down the busy cycles, then done.
    if (last_tag) begin
      tail_d = TailW'(TailLen);
    end else if (tail_phase) begin
      tail_d = tail_q - TailW'(1);
      if (tail_q == TailW'(1)) begin
        busy_d = 1'b0;
        done_d = 1'b1;
      end
    end

    // A command without tiles: busy in cycle 0 only.
    if (busy_q && !bt_left_q && (o_cnt_q == '0) && !tail_phase) begin
      busy_d = 1'b0;
      done_d = 1'b1;
    end

    if (start_i && !busy_q) begin
      busy_d    = 1'b1;
      bt_left_d = (m_i != '0) && (n_i != '0) && (k_i != '0);
      fl_d      = 1'b0;
      k_d       = k_i;
      per_d     = per_calc;
      pc_d      = '0;
      nt_num_d  = nt_calc;
      mrem_d    = m_i;
      nrem_d    = n_i;
      nt_d      = '0;
      a_tile_d  = AW'(a_base_i);
      b_tile_d  = AW'(b_base_i);
      c_nt_d    = AW'(c_base_i);
      c_tile_d  = AW'(c_base_i);
      o_cnt_d   = '0;
      o_wait_d  = '0;
      o_ptr_d   = 1'b0;
      o_fin_d   = 1'b0;
      tail_d    = '0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q    <= 1'b0;
      done_q    <= 1'b0;
      bt_left_q <= 1'b0;
      fl_q      <= 1'b0;
      k_q       <= '0;
      per_q     <= '0;
      pc_q      <= '0;
      nt_num_q  <= '0;
      mrem_q    <= '0;
      nrem_q    <= '0;
      nt_q      <= '0;
      a_tile_q  <= '0;
      b_tile_q  <= '0;
      c_nt_q    <= '0;
      c_tile_q  <= '0;
      o_cnt_q   <= '0;
      o_wait_q  <= '0;
      o_caddr_q <= '0;
      o_nt_q    <= '0;
      o_nv_q    <= '0;
      o_ptr_q   <= 1'b0;
      o_fin_q   <= 1'b0;
      tail_q    <= '0;
    end else begin
      busy_q    <= busy_d;
      done_q    <= done_d;
      bt_left_q <= bt_left_d;
      fl_q      <= fl_d;
      k_q       <= k_d;
      per_q     <= per_d;
      pc_q      <= pc_d;
      nt_num_q  <= nt_num_d;
      mrem_q    <= mrem_d;
      nrem_q    <= nrem_d;
      nt_q      <= nt_d;
      a_tile_q  <= a_tile_d;
      b_tile_q  <= b_tile_d;
      c_nt_q    <= c_nt_d;
      c_tile_q  <= c_tile_d;
      o_cnt_q   <= o_cnt_d;
      o_wait_q  <= o_wait_d;
      o_caddr_q <= o_caddr_d;
      o_nt_q    <= o_nt_d;
      o_nv_q    <= o_nv_d;
      o_ptr_q   <= o_ptr_d;
      o_fin_q   <= o_fin_d;
      tail_q    <= tail_d;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Outputs
  // ---------------------------------------------------------------------------------------------
  assign busy_o       = busy_q;
  assign done_o       = done_q;
  assign x_issue_o    = beat;
  assign x_first_o    = first;
  assign x_aaddr_o    = beat ? a_beat : '0;
  assign x_baddr_o    = beat ? b_beat : '0;
  assign x_mv_o       = beat ? mv : '0;
  assign x_nv_o       = beat ? nv : '0;
  assign o_issue_o    = o_tag;
  assign o_caddr_o    = o_start ? c_tile_q : o_seq[0] ? o_caddr_q[0 +: AW] :
                        o_seq[1] ? o_caddr_q[AW +: AW] : '0;
  assign o_nt_o       = o_start ? nt_q : o_seq[0] ? o_nt_q[0 +: DimW] :
                        o_seq[1] ? o_nt_q[DimW +: DimW] : '0;
  assign o_nv_o       = o_start ? nv : o_seq[0] ? o_nv_q[0 +: NvW] :
                        o_seq[1] ? o_nv_q[NvW +: NvW] : '0;
  assign ph_compute_o = busy_q && beat;
  assign ph_wstall_o  = busy_q && !beat && beats_left;
  assign ph_output_o  = busy_q && !beats_left && !beat &&
                        (tail_phase ? (32'(tail_q) <= OutLen) : !bt_left_q && (o_cnt_q == '0));
  assign ph_drain_o   = busy_q && !beat && !beats_left && !ph_output_o;

  // ---------------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------------
  // One phase per busy cycle, none while idle.
  `SYS_ASSERT(OsPhaseOneHot_A, (32'(ph_wstall_o) + 32'(ph_compute_o) + 32'(ph_drain_o) +
                                32'(ph_output_o)) == (busy_q ? 32'd1 : 32'd0))
  // Beats and tags only while busy; a tile's tags never start while its sequencer's last tile's
  // run; one tag a cycle.
  `SYS_ASSERT(OsIssueBusy_A, !(beat || o_tag) || busy_q)
  `SYS_ASSERT(OsTagsApart_A, !(o_start && (o_cnt_q[32'(o_ptr_q)*KvW +: KvW] != '0)))
  `SYS_ASSERT(OsOneTag_A, (32'(o_start) + 32'(o_seq[0]) + 32'(o_seq[1])) <= 32'd1)
  `SYS_ASSERT(OsDoneIdle_A, !done_q || !busy_q)
  // The period: at least 2*Rows - 1, or odd and at least Rows (T - 1 even).
  `SYS_ASSERT(OsPeriod_A, !bt_left_q || (32'(per_q) >= MinPer - 1) ||
                          (!per_q[0] && (32'(per_q) >= Rows - 1)))

  `SYS_COVER(OsShortK_C, start_i && !busy_q && (32'(k_i) < MinPer) && (k_i != '0))
  `SYS_COVER(OsTagsInterleave_C, o_tag && (o_cnt_q[0 +: KvW] != '0) &&
                                 (o_cnt_q[KvW +: KvW] != '0))
  `SYS_COVER(OsMRemainder_C, beat && (32'(mv) < Rows))
  `SYS_COVER(OsNRemainder_C, beat && (32'(nv) < Cols))
  `SYS_COVER(OsFlush_C, first && fl_q)

  // Illegal parameters stop elaboration (Icarus has no elaboration-time $error: it stops at t=0).
`ifdef __ICARUS__
  initial begin
    if (Rows < systolic_pkg::RowsMin || Rows > systolic_pkg::RowsMax) $fatal(1, "os_ctrl: bad Rows");
    if (Cols < systolic_pkg::ColsMin || Cols > systolic_pkg::ColsMax) $fatal(1, "os_ctrl: bad Cols");
  end
`else
  if (Rows < systolic_pkg::RowsMin || Rows > systolic_pkg::RowsMax) begin : g_bad_rows
    $error("os_ctrl: Rows outside systolic_pkg::RowsMin..RowsMax");
  end
  if (Cols < systolic_pkg::ColsMin || Cols > systolic_pkg::ColsMax) begin : g_bad_cols
    $error("os_ctrl: Cols outside systolic_pkg::ColsMin..ColsMax");
  end
`endif

endmodule
