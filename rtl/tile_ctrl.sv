// tile_ctrl: the tile sequencer of systolic_top (docs/architecture.md section 4, "Tile schedule"
// and "Counters"; C++ twin: model/tile_ctrl.h).
//
// M is walked in M-blocks of AccWords rows (MB = ceil(M / AccWords)). A command has the tiles
// i = 0 .. NT*MB*KT - 1, nt outer, mb (M-block) in the middle, kt inner (KT = ceil(K / Rows),
// NT = ceil(N / Cols)); tile i has M_i = min(AccWords, M - mb*AccWords) slots, and its slot j
// (0 .. M_i - 1, the accumulator row) streams A row m = mb*AccWords + j. Two engines walk the
// tiles in order, each with its own counters:
//   - the weight loader issues the Rows B-row reads of tile i in cycles wl_i .. wl_i + Rows - 1;
//   - the slot streamer issues the M_i A-word reads of tile i in cycles s_i .. e_i = s_i + M_i - 1.
// Issue rules (cycle 0 = the first busy cycle), which give exactly
//   wl_0 = 0, wl_i = max(wl_{i-1} + Rows, e_{i-NB} + Cols - 1) (NB = WeightBanks; the e term
//   only for i >= NB), s_i  = max(wl_i + 1, e_{i-1} + 1 + h_i), h_i = 1 when tile i's first
//   slot reads (not the first K-tile) the accumulator row that tile i-1's last slot writes (not
//   the last K-tile), else 0 (h_i = 1 needs M_{i-1} = 1; it changes s_i only with Cols = 2 and
//   NB = 2, e.g. consecutive K-tiles of a one-row M-block: for Cols >= 3 the bank term already
//   puts wl_i + 1 at e_{i-1} + 2 or later):
//   - the loader starts tile i in the first cycle in which it is idle (the previous load issued
//     its last row in an earlier cycle) and weight bank i mod NB is free. A bank becomes occupied
//     when a load into it starts and free again Cols - 1 cycles after the cycle that issued the
//     last slot of the tile that occupied it (a per-bank countdown); at command start both banks
//     are free. With NB = 1 only bank 0 is used, so a tile's load waits for the previous tile's
//     stream to leave the array (no double-buffering).
//   - the streamer starts tile i in the first cycle in which it is idle (tile i - 1's last slot
//     issued in an earlier cycle; two cycles earlier when h_i = 1, so that acc_stage never reads
//     a row at the edge that writes it: RowApart_A) and tile i's load started in an earlier cycle
//     (a count of loads started but not yet streamed, 0..NB).
// Addresses (word numbers, AddrWidth bits, saturating at AddrSat: systolic_pkg::addr_add; an
// address past every scratchpad stays there and never wraps back in): B row r of tile (nt, mb, kt) is
// b_base + nt*K + kt*Rows + r, or with b_kmajor_i = 1 (memory commands, sampled at start: the
// DMA writes a B row's N-tiles side by side, so that a row's consecutive words are a pair of
// the two B banks) b_base + (kt*Rows + r)*NT + nt (both independent of mb: each M-block reloads
// the same weight tiles); slot j's A word is a_base + m*KT + kt and its C word c_base + m*NT + nt.
// They are kept as running sums (no multiplier): a weight row's B word steps by 1 (k-major: NT)
// per row, the next tile's row 0 follows from the N-tile's row 0 (wl_ntbase: + K, k-major + 1)
// or, k-major with K-tiles outer, from the last row of the K-tile's last N-tile (+ 1); the A and
// C words of slot 0 of the current M-block step by KT and NT per slot, and the next M-block's
// follow from the last slot of a full block (A word + 1, C word + NT, as that slot is row
// AccWords - 1 of the last K-tile). A weight row r >= kv is issued (wl_issue_o = 1) with
// wl_zero_o = 1: it loads zeros and needs no B read (its address steps on all the same).
//
// Cycle behaviour:
//   - kt_outer_i = 1 (memory commands; sampled at start) walks the tiles kt outer, nt inner: tile
//     (nt, kt) follows (nt - 1, kt), and (0, kt + 1) follows (NT - 1, kt). Such a command has one
//     M-block and keeps each N-tile's sums apart (rows nt*M + j below), so that a block's first
//     K-tiles need only the first B rows: the DMA starts a block while its B still loads.
//     The tile schedule above holds in either order (one M-block: every tile has M_i = M).
//   - Gates (memory commands; all ones and 1 otherwise): b_rows_i, the B rows (K indices) of the
//     command loaded so far, and q_ready_i, BIAS / M0 / SHIFT loaded, are registered (one cycle
//     later; while busy and at start). The loader starts a tile only when the rows it reads,
//     kt*Rows + kv, are loaded; the streamer starts a tile of the last K-tile (s_last_o) only with
//     q_ready. Each gate adds its term to the schedule: wl_i >= the first cycle whose registered
//     b_rows covers the tile, s_i >= the first cycle with q_ready registered.
//   - s_first_o (kt = 0) and s_last_o (kt = KT - 1) are masked by the command's acc_first_i and
//     acc_last_i (sampled at start): a memory command's K-chunks add to the accumulators and leave
//     the sums there for the next chunk. Such a command (acc_first_i and acc_last_i not both 1,
//     or kt_outer_i) has one M-block and keeps each N-tile's sums apart: slot j of N-tile nt uses accumulator
//     row s_j_o = nt*M + j (M * NT <= AccWords, asserted); any other command uses row j.
//   - start_i = 1 in a cycle with ready_o = 1 starts a command at the edge ending that cycle:
//     busy_o = 1 from the next cycle (cycle 0). ready_o = 1 while idle, and while busy once the
//     running command's last slot and last weight row have issued (cycle max(e_last + 1,
//     wl_last + Rows)) with no older command's tail still counting (from e_older + TailLen + 1):
//     the next command then starts during that tail (back to back, memory commands'
//     blocks), and only a command with tiles (a start of an empty one there is ignored). An
//     overlapped command keeps the bank countdowns and continues the bank alternation (its tile
//     0 uses the bank after the last tile's); its tile schedule is the one above with cycle 0 its
//     own and the earlier tiles' e terms carried over. The tail of the command before counts on
//     in a second countdown (tail2_q), its done_o one cycle after its X_last + RequantDepth.
//     m_i, n_i, k_i, the bases, acc_first_i, acc_last_i, kt_outer_i and b_kmajor_i must not
//     change from a start until the command's last slot has issued (ready_o = 1 again).
//   - A command with M, N or K = 0 has no tiles: it is busy in cycle 0 only. Any M >= 1 is a
//     normal command (AccWords limits the M-block, not M).
//   - The issue outputs (wl_*, s_*) describe the reads issued in the current cycle; they are
//     functions of the registers only (no path from any input but the stable command inputs).
//   - Busy cycles are classified into exactly one of ph_compute_o (a slot issues), ph_mwait_o (no
//     slot issues and the next one waits for a gate: the streamer's next tile for q_ready, or, with
//     no load started for it, the loader's next tile for b_rows; the DMA counts it as CYC_LOAD),
//     ph_wstall_o (no slot issues, slots remain, no gate waited for), ph_drain_o (after the last slot, before X_last =
//     e_last + Rows + Cols) and ph_output_o (X_last .. X_last + RequantDepth, the last busy
//     cycle; cycle 0 of a command without tiles). All four are 0 while busy_o = 0.
//   - done_o = 1 for the one cycle after each command's last cycle (X_last + RequantDepth):
//     busy_o = 0 then, unless a later command started during its tail.
//   - Reset (rst_ni = 0, asynchronous) clears every register: idle, busy_o = done_o = 0.
`include "systolic_assert.svh"

module tile_ctrl #(
  parameter int Rows         = 4,  // array rows (limits: systolic_pkg::RowsMin .. RowsMax)
  parameter int Cols         = 4,  // array columns
  parameter int AccWords     = 8,  // accumulator rows: the M-block
  parameter int RequantDepth = 3,  // requant latency
  parameter int WeightBanks  = 2   // weight banks per PE: 2 (double-buffered) or 1
) (
  input  logic                      clk_i,
  input  logic                      rst_ni,
  input  logic                      start_i,      // start a command (ignored while busy_o = 1)
  input  logic [systolic_pkg::DimWidth-1:0] m_i,
  input  logic [systolic_pkg::DimWidth-1:0] n_i,
  input  logic [systolic_pkg::DimWidth-1:0] k_i,
  input  logic [systolic_pkg::WordWidth-1:0] a_base_i,
  input  logic [systolic_pkg::WordWidth-1:0] b_base_i,
  input  logic [systolic_pkg::WordWidth-1:0] c_base_i,
  input  logic                      acc_first_i,  // the command starts its accumulators (else adds)
  input  logic                      acc_last_i,   // the command requantizes and writes C
  input  logic                      kt_outer_i,   // K-tiles outer, N-tiles inner (one M-block)
  input  logic                      b_kmajor_i,   // B words k-major: b_base + k*NT + nt
  input  logic [systolic_pkg::DimWidth-1:0] b_rows_i,  // gate: B rows loaded (all ones: all)
  input  logic                      q_ready_i,    // gate: BIAS / M0 / SHIFT loaded
  output logic                      busy_o,
  output logic                      done_o,
  output logic                      ready_o,      // a start this cycle is accepted
  // Weight loader: one B row per cycle
  output logic                      wl_issue_o,   // a weight row issues this cycle
  output logic [systolic_pkg::AddrWidth-1:0] wl_addr_o,    // its B word
  output logic [$clog2(Rows)-1:0]   wl_row_o,     // its array row r
  output logic                      wl_bank_o,    // the bank it loads, tile mod WeightBanks
  output logic                      wl_zero_o,    // r >= kv: load zeros, no B read
  output logic [$clog2(Cols+1)-1:0] wl_nv_o,      // valid columns of the tile, 1..Cols
  // Slot streamer: one A word per cycle
  output logic                      s_issue_o,    // a slot issues this cycle
  output logic [systolic_pkg::AddrWidth-1:0] s_addr_o,     // its A word
  output logic [systolic_pkg::AddrWidth-1:0] s_caddr_o,    // the C word its result goes to
  output logic                      s_bank_o,     // the weight bank it multiplies with
  output logic [$clog2(Rows+1)-1:0] s_kv_o,       // valid rows of the tile, 1..Rows
  output logic [$clog2(Cols+1)-1:0] s_nv_o,       // valid columns of the tile, 1..Cols
  output logic                      s_first_o,    // kt = 0
  output logic                      s_last_o,     // kt = KT - 1
  output logic [((AccWords > 1) ? $clog2(AccWords) : 1)-1:0]
                                    s_j_o,        // its accumulator row (slot j + s_accb)
  output logic [systolic_pkg::DimWidth-1:0] s_nt_o,       // N-tile index nt
  // Counter phases of this busy cycle (one-hot while busy_o = 1)
  output logic                      ph_wstall_o,
  output logic                      ph_mwait_o,
  output logic                      ph_compute_o,
  output logic                      ph_drain_o,
  output logic                      ph_output_o
);

  localparam int AddrWidth = systolic_pkg::AddrWidth;  // word addresses
  localparam int DimWidth  = systolic_pkg::DimWidth;   // M, N, K
  localparam int RowW    = $clog2(Rows);
  localparam int RowsM1  = Rows - 1;                          // a tile's last weight row
  localparam int KvW     = $clog2(Rows + 1);
  localparam int NvW     = $clog2(Cols + 1);
  localparam int CntW    = $clog2(Cols);                      // holds Cols - 2
  localparam int TailLen = Rows + Cols + RequantDepth;        // busy cycles after the last slot
  localparam int OutLen  = RequantDepth + 1;                  // of those, OUTPUT cycles
  localparam int TailW   = $clog2(TailLen + 1);
  localparam int AW      = AddrWidth;
  localparam int DimW1   = DimWidth + 1;
  localparam int MremW   = (DimWidth > 17) ? DimWidth : 17;        // compares rows with AccWords
  localparam int SlotW   = (AccWords > 1) ? $clog2(AccWords) : 1;  // slot index j

  // ---------------------------------------------------------------------------------------------
  // Registers
  // ---------------------------------------------------------------------------------------------
  logic                busy_d, busy_q;
  logic                done_d, done_q;
  logic [DimWidth-1:0] kt_num_d, kt_num_q;        // KT: A word stride of a slot
  logic [DimWidth-1:0] nt_num_d, nt_num_q;        // NT: C word stride of a slot
  // Weight loader
  logic                wl_left_d, wl_left_q;      // some tile's load has not started
  logic                wl_act_d, wl_act_q;        // a load is under way (rows 1 .. Rows-1 next)
  logic [RowW-1:0]     wl_row_d, wl_row_q;        // next row while wl_act_q
  logic                wl_bank_d, wl_bank_q;      // bank of the tile being / to be loaded
  logic [DimWidth-1:0] wl_krem_d, wl_krem_q;      // K - kt*Rows of that tile
  logic [DimWidth-1:0] wl_kdone_d, wl_kdone_q;    // kt*Rows of that tile (its gate)
  logic [DimWidth-1:0] wl_mrem_d, wl_mrem_q;      // M - mb*AccWords of that tile
  logic [DimWidth-1:0] wl_nrem_d, wl_nrem_q;      // N - nt*Cols of that tile
  logic [AW-1:0]       wl_addr_d, wl_addr_q;      // B word of the next row
  logic [AW-1:0]       wl_ntbase_d, wl_ntbase_q;  // b_base + nt*K (k-major: b_base + nt, or
                                                  // with kto_q the tile's row 0)
  // Weight banks
  logic [1:0]          bank_wait_d, bank_wait_q;  // loaded (or loading), last slot not yet issued
  logic [2*CntW-1:0]   bank_cnt_d, bank_cnt_q;    // cycles until free after the last slot
  logic [1:0]          ahead_d, ahead_q;          // loads started minus streams started
  // Slot streamer
  logic                s_left_d, s_left_q;        // some slot has not issued
  logic                s_act_d, s_act_q;          // a stream is under way (slot s_j_q next)
  logic [SlotW-1:0]    s_j_d, s_j_q;
  logic                s_bank_d, s_bank_q;
  logic [DimWidth-1:0] s_krem_d, s_krem_q;        // K - kt*Rows of the tile streamed / to stream
  logic [DimWidth-1:0] s_mrem_d, s_mrem_q;        // M - mb*AccWords
  logic [DimWidth-1:0] s_nrem_d, s_nrem_q;        // N - nt*Cols
  logic [DimWidth-1:0] s_nt_d, s_nt_q;
  logic                s_first_d, s_first_q;      // kt = 0
  logic                acc_first_d, acc_first_q;  // acc_first_i / acc_last_i of the command
  logic                acc_last_d, acc_last_q;
  logic                kto_d, kto_q;              // kt_outer_i of the command
  logic                kmaj_d, kmaj_q;            // b_kmajor_i of the command
  logic [DimWidth-1:0] brows_d, brows_q;          // b_rows_i, registered
  logic                qrdy_d, qrdy_q;            // q_ready_i, registered
  logic [AW-1:0]       s_addr_d, s_addr_q;        // A word of the next slot
  logic [AW-1:0]       s_kbase_d, s_kbase_q;      // A word of slot 0: a_base + mb*AccWords*KT + kt
  logic [AW-1:0]       s_caddr_d, s_caddr_q;      // C word of the next slot
  logic [AW-1:0]       s_cblk_d, s_cblk_q;        // C word of slot 0: c_base + mb*AccWords*NT + nt
  logic [AW-1:0]       s_cbase_d, s_cbase_q;      // c_base + nt
  logic [SlotW-1:0]    s_accb_d, s_accb_q;        // accumulator row of slot 0: K-chunk: nt*M, else 0
  // The slot issued in the cycle before was a tile's last and writes accumulator row s_wrow_q
  // (not of the last K-tile): the next tile's first slot must not read that row in this cycle.
  logic                s_wr_q;
  logic [SlotW-1:0]    s_wrow_q;
  // After the last slot
  logic [TailW-1:0]    tail_d, tail_q;            // busy cycles left (while !s_left_q)
  logic [TailW-1:0]    tail2_d, tail2_q;          // the tail of the command before, 0: none

  // ---------------------------------------------------------------------------------------------
  // Issue decisions of this cycle
  // ---------------------------------------------------------------------------------------------
  logic                cmd_empty;
  logic [DimWidth-1:0] kt_calc, nt_calc;
  logic [1:0]          bank_free;
  logic                wl_start, wl_issue, wl_zero, wl_last_kt, wl_last_mb, wl_last_nt;
  logic                wl_last_row;
  logic [RowW-1:0]     wl_row;
  logic [NvW-1:0]      wl_nv;
  logic                s_start, s_issue, s_last_kt, s_last_mb, s_last_nt, s_tile_end;
  logic [SlotW-1:0]    s_j, s_j_last;
  logic [AW-1:0]       s_addr, s_caddr;
  logic [KvW-1:0]      s_kv;
  logic [NvW-1:0]      s_nv;
  logic                tail_phase;
  logic [DimWidth-1:0] wl_need;                   // B rows the loader's next tile reads
  logic                wl_bok, s_qok, s_rowok, gate_wait;
  logic                ready, start_ok, overlap;  // a start is accepted; while busy

  assign cmd_empty = (m_i == DimWidth'(0)) || (n_i == DimWidth'(0)) || (k_i == DimWidth'(0));
  assign kt_calc   = DimWidth'((DimW1'(k_i) + DimW1'(Rows - 1)) / DimW1'(Rows));
  assign nt_calc   = DimWidth'((DimW1'(n_i) + DimW1'(Cols - 1)) / DimW1'(Cols));
  // Idle, or the running command's slots and weight rows all issued and no older tail counting.
  assign ready     = !busy_q || (!s_left_q && !wl_act_q && (tail2_q == '0));
  assign start_ok  = start_i && ready && (!busy_q || !cmd_empty);
  assign overlap   = start_ok && busy_q;

  always_comb begin
    for (int b = 0; b < 2; b++) begin
      bank_free[b] = !bank_wait_q[b] && (bank_cnt_q[b*CntW +: CntW] == '0);
    end

    // The rows the next tile reads: kt*Rows + kv = kt*Rows + min(krem, Rows).
    wl_need     = wl_kdone_q + ((wl_krem_q >= DimWidth'(Rows)) ? DimWidth'(Rows) : wl_krem_q);
    wl_bok      = wl_need <= brows_q;
    wl_start    = !wl_act_q && wl_left_q && bank_free[wl_bank_q] && wl_bok;
    wl_issue    = wl_act_q || wl_start;
    wl_row      = wl_act_q ? wl_row_q : '0;
    wl_zero     = DimWidth'(wl_row) >= wl_krem_q;
    wl_nv       = (wl_nrem_q >= DimWidth'(Cols)) ? NvW'(Cols) : NvW'(wl_nrem_q);
    wl_last_kt  = wl_krem_q <= DimWidth'(Rows);
    wl_last_mb  = MremW'(wl_mrem_q) <= MremW'(AccWords);
    wl_last_nt  = wl_nrem_q <= DimWidth'(Cols);
    wl_last_row = wl_row == RowW'(Rows - 1);

    s_qok      = qrdy_q || !((s_krem_q <= DimWidth'(Rows)) && acc_last_q);
    // The next tile's first slot (row s_accb_q) reads its accumulator row (not the first K-tile)
    // at the edge the tile before's last slot writes it: wait a cycle (acc_stage RowApart_A).
    s_rowok    = !(s_wr_q && !(s_first_q && acc_first_q) && (s_accb_q == s_wrow_q));
    s_start    = !s_act_q && s_left_q && (ahead_q != 2'd0) && s_qok && s_rowok;
    s_issue    = s_act_q || s_start;
    s_j        = s_act_q ? s_j_q : '0;
    s_addr     = s_act_q ? s_addr_q : s_kbase_q;
    s_caddr    = s_act_q ? s_caddr_q : s_cblk_q;
    s_kv       = (s_krem_q >= DimWidth'(Rows)) ? KvW'(Rows) : KvW'(s_krem_q);
    s_nv       = (s_nrem_q >= DimWidth'(Cols)) ? NvW'(Cols) : NvW'(s_nrem_q);
    s_last_kt  = s_krem_q <= DimWidth'(Rows);
    s_last_mb  = MremW'(s_mrem_q) <= MremW'(AccWords);
    s_last_nt  = s_nrem_q <= DimWidth'(Cols);
    // Last slot of the tile: j = M_i - 1 with M_i = min(AccWords, M - mb*AccWords).
    s_j_last   = s_last_mb ? SlotW'(s_mrem_q - DimWidth'(1)) : SlotW'(AccWords - 1);
    s_tile_end = s_issue && (s_j == s_j_last);

    tail_phase = busy_q && !s_left_q;
    // The next slot waits for memory: its tile is loaded but its BIAS / M0 / SHIFT are not, or its
    // tile's load has not started and the loader waits for B rows.
    gate_wait  = !s_act_q && s_left_q && (((ahead_q != 2'd0) && !s_qok) ||
                                           ((ahead_q == 2'd0) && !wl_act_q && wl_left_q && !wl_bok));
  end

  // ---------------------------------------------------------------------------------------------
  // Next state
  // ---------------------------------------------------------------------------------------------
  always_comb begin
    busy_d      = busy_q;
    done_d      = 1'b0;
    kt_num_d    = kt_num_q;
    nt_num_d    = nt_num_q;
    wl_left_d   = wl_left_q;
    wl_act_d    = wl_act_q;
    wl_row_d    = wl_row_q;
    wl_bank_d   = wl_bank_q;
    wl_krem_d   = wl_krem_q;
    wl_kdone_d  = wl_kdone_q;
    wl_mrem_d   = wl_mrem_q;
    wl_nrem_d   = wl_nrem_q;
    wl_addr_d   = wl_addr_q;
    wl_ntbase_d = wl_ntbase_q;
    bank_wait_d = bank_wait_q;
    bank_cnt_d  = bank_cnt_q;
    ahead_d     = ahead_q + 2'(wl_start) - 2'(s_start);
    s_left_d    = s_left_q;
    s_act_d     = s_act_q;
    s_j_d       = s_j_q;
    s_bank_d    = s_bank_q;
    s_krem_d    = s_krem_q;
    s_mrem_d    = s_mrem_q;
    s_nrem_d    = s_nrem_q;
    s_nt_d      = s_nt_q;
    s_first_d   = s_first_q;
    acc_first_d = acc_first_q;
    acc_last_d  = acc_last_q;
    kto_d       = kto_q;
    kmaj_d      = kmaj_q;
    brows_d     = (busy_q || start_i) ? b_rows_i : brows_q;
    qrdy_d      = (busy_q || start_i) ? q_ready_i : qrdy_q;
    s_addr_d    = s_addr_q;
    s_kbase_d   = s_kbase_q;
    s_caddr_d   = s_caddr_q;
    s_cblk_d    = s_cblk_q;
    s_cbase_d   = s_cbase_q;
    s_accb_d    = s_accb_q;
    tail_d      = tail_q;
    tail2_d     = tail2_q;

    // Bank countdowns.
    for (int b = 0; b < 2; b++) begin
      if (bank_cnt_q[b*CntW +: CntW] != '0) begin
        bank_cnt_d[b*CntW +: CntW] = bank_cnt_q[b*CntW +: CntW] - CntW'(1);
      end
    end

    // Weight loader: one row per cycle, then the next tile (kt, then mb, then nt).
    if (wl_start) begin
      bank_wait_d[wl_bank_q] = 1'b1;
    end
    if (wl_issue) begin
      // The next row's B word: one word on, k-major NT words on (also the next K-tile's row 0
      // of this N-tile, when tiles go kt inner).
      wl_addr_d = systolic_pkg::addr_add(wl_addr_q, kmaj_q ? 40'(nt_num_q) : 40'd1);
      if (wl_last_row) begin
        wl_act_d  = 1'b0;
        wl_row_d  = '0;
        wl_bank_d = (WeightBanks == 2) ? !wl_bank_q : 1'b0;
        if (kto_q) begin
          // K-tiles outer: the next N-tile of this K-tile (its B word K further on), else
          // N-tile 0 of the next K-tile (Rows after this K-tile's).
          if (!wl_last_nt) begin
            wl_nrem_d = wl_nrem_q - DimWidth'(Cols);
            if (kmaj_q) begin
              // k-major: the next N-tile's row 0 is the word after this tile's row 0.
              wl_ntbase_d = systolic_pkg::addr_add(wl_ntbase_q, 40'd1);
              wl_addr_d   = systolic_pkg::addr_add(wl_ntbase_q, 40'd1);
            end else begin
              // (wl_addr_q, this tile's last row, is at least RowsM1 unless saturated.)
              wl_addr_d = (wl_addr_q == systolic_pkg::AddrSat) ? systolic_pkg::AddrSat
                        : systolic_pkg::addr_add(wl_addr_q - AW'(RowsM1), 40'(k_i));
            end
          end else begin
            wl_nrem_d = n_i;
            if (wl_last_kt) begin
              wl_left_d = 1'b0;
            end else begin
              wl_krem_d   = wl_krem_q - DimWidth'(Rows);
              wl_kdone_d  = wl_kdone_q + DimWidth'(Rows);
              if (kmaj_q) begin
                // k-major: N-tile 0 of the next K-tile follows this tile's last row (N-tile
                // NT - 1 of K row kt*Rows + Rows - 1).
                wl_ntbase_d = systolic_pkg::addr_add(wl_addr_q, 40'd1);
                wl_addr_d   = systolic_pkg::addr_add(wl_addr_q, 40'd1);
              end else begin
                wl_ntbase_d = systolic_pkg::addr_add(wl_ntbase_q, 40'(Rows));
                wl_addr_d   = systolic_pkg::addr_add(wl_ntbase_q, 40'(Rows));
              end
            end
          end
        end else if (wl_last_kt) begin
          wl_krem_d  = k_i;
          wl_kdone_d = '0;
          if (wl_last_mb) begin
            wl_mrem_d   = m_i;
            wl_nrem_d   = wl_nrem_q - DimWidth'(Cols);
            wl_ntbase_d = systolic_pkg::addr_add(wl_ntbase_q, kmaj_q ? 40'd1 : 40'(k_i));
            wl_addr_d   = systolic_pkg::addr_add(wl_ntbase_q, kmaj_q ? 40'd1 : 40'(k_i));
            if (wl_last_nt) begin
              wl_left_d = 1'b0;
            end
          end else begin
            // The next M-block reloads this N-tile's weights.
            wl_mrem_d = wl_mrem_q - DimWidth'(AccWords);
            wl_addr_d = wl_ntbase_q;
          end
        end else begin
          wl_krem_d  = wl_krem_q - DimWidth'(Rows);
          wl_kdone_d = wl_kdone_q + DimWidth'(Rows);
        end
      end else begin
        wl_act_d = 1'b1;
        wl_row_d = wl_row + RowW'(1);
      end
    end

    // Slot streamer: one slot per cycle, then the next tile (kt, then mb, then nt).
    if (s_issue) begin
      if (s_tile_end) begin
        s_act_d  = 1'b0;
        s_j_d    = '0;
        s_bank_d = (WeightBanks == 2) ? !s_bank_q : 1'b0;
        for (int b = 0; b < 2; b++) begin
          if (32'(s_bank_q) == b) begin
            bank_wait_d[b]             = 1'b0;
            bank_cnt_d[b*CntW +: CntW] = CntW'(Cols - 2);
          end
        end
        if (kto_q) begin
          // K-tiles outer: the next N-tile (its C word and accumulator rows), else N-tile 0 of
          // the next K-tile (the A word after this K-tile's).
          if (!s_last_nt) begin
            s_nt_d    = s_nt_q + DimWidth'(1);
            s_nrem_d  = s_nrem_q - DimWidth'(Cols);
            s_cbase_d = systolic_pkg::addr_add(s_cbase_q, 40'd1);
            s_cblk_d  = systolic_pkg::addr_add(s_cbase_q, 40'd1);
            s_accb_d  = s_accb_q + SlotW'(m_i);
          end else begin
            s_nt_d    = '0;
            s_nrem_d  = n_i;
            s_cbase_d = AW'(c_base_i);
            s_cblk_d  = AW'(c_base_i);
            s_accb_d  = '0;
            if (s_last_kt) begin
              s_left_d = 1'b0;
              tail_d   = TailW'(TailLen);
            end else begin
              s_krem_d  = s_krem_q - DimWidth'(Rows);
              s_first_d = 1'b0;
              s_kbase_d = systolic_pkg::addr_add(s_kbase_q, 40'd1);
            end
          end
        end else if (s_last_kt) begin
          s_krem_d  = k_i;
          s_first_d = 1'b1;
          if (s_last_mb) begin
            s_mrem_d  = m_i;
            s_kbase_d = AW'(a_base_i);
            s_nt_d    = s_nt_q + DimWidth'(1);
            s_nrem_d  = s_nrem_q - DimWidth'(Cols);
            s_cbase_d = systolic_pkg::addr_add(s_cbase_q, 40'd1);
            s_accb_d  = (acc_first_q && acc_last_q) ? '0 : s_accb_q + SlotW'(m_i);
            s_cblk_d  = systolic_pkg::addr_add(s_cbase_q, 40'd1);
            if (s_last_nt) begin
              s_left_d = 1'b0;
              tail_d   = TailW'(TailLen);
            end
          end else begin
            // A full M-block ends with row AccWords - 1 of the last K-tile: the next block's
            // slot 0 has the A word after this slot's (kt = 0) and the C word NT after it.
            s_mrem_d  = s_mrem_q - DimWidth'(AccWords);
            s_kbase_d = systolic_pkg::addr_add(s_addr, 40'd1);
            s_cblk_d  = systolic_pkg::addr_add(s_caddr, 40'(nt_num_q));
          end
        end else begin
          s_krem_d  = s_krem_q - DimWidth'(Rows);
          s_first_d = 1'b0;
          s_kbase_d = systolic_pkg::addr_add(s_kbase_q, 40'd1);
        end
      end else begin
        s_act_d   = 1'b1;
        s_j_d     = s_j + SlotW'(1);
        s_addr_d  = systolic_pkg::addr_add(s_addr, 40'(kt_num_q));
        s_caddr_d = systolic_pkg::addr_add(s_caddr, 40'(nt_num_q));
      end
    end

    // After the last slot: count down the busy cycles, then done.
    if (tail_phase) begin
      tail_d = tail_q - TailW'(1);
      if (tail_q == TailW'(1)) begin
        busy_d = 1'b0;
        done_d = 1'b1;
      end
    end
    // The tail of the command before an overlapped one (always shorter than tail_q's).
    if (tail2_q != '0) begin
      tail2_d = tail2_q - TailW'(1);
      if (tail2_q == TailW'(1)) begin
        done_d = 1'b1;
      end
    end

    // Command start (while idle, or during the tail: no load or slot is left then).
    if (start_ok) begin
      busy_d      = 1'b1;
      kt_num_d    = kt_calc;
      nt_num_d    = nt_calc;
      wl_left_d   = !cmd_empty;
      wl_act_d    = 1'b0;
      wl_row_d    = '0;
      wl_bank_d   = overlap ? wl_bank_q : 1'b0;  // overlapped: the bank alternation goes on
      wl_krem_d   = k_i;
      wl_kdone_d  = '0;
      wl_mrem_d   = m_i;
      wl_nrem_d   = n_i;
      wl_addr_d   = AW'(b_base_i);
      wl_ntbase_d = AW'(b_base_i);
      if (!overlap) begin
        bank_wait_d = '0;
        bank_cnt_d  = '0;
      end
      ahead_d     = '0;
      s_left_d    = !cmd_empty;
      s_act_d     = 1'b0;
      s_j_d       = '0;
      s_bank_d    = overlap ? s_bank_q : 1'b0;
      s_krem_d    = k_i;
      s_mrem_d    = m_i;
      s_nrem_d    = n_i;
      s_nt_d      = DimWidth'(0);
      s_first_d   = 1'b1;
      acc_first_d = acc_first_i;
      acc_last_d  = acc_last_i;
      kto_d       = kt_outer_i;
      kmaj_d      = b_kmajor_i;
      s_addr_d    = AW'(a_base_i);
      s_kbase_d   = AW'(a_base_i);
      s_caddr_d   = AW'(c_base_i);
      s_cblk_d    = AW'(c_base_i);
      s_cbase_d   = AW'(c_base_i);
      s_accb_d    = '0;
      // Overlapped: the running tail moves to the second countdown (0 if it ended this edge).
      tail2_d     = overlap ? tail_d : '0;
      tail_d      = cmd_empty ? TailW'(1) : '0;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      busy_q      <= 1'b0;
      done_q      <= 1'b0;
      kt_num_q    <= '0;
      nt_num_q    <= '0;
      wl_left_q   <= 1'b0;
      wl_act_q    <= 1'b0;
      wl_row_q    <= '0;
      wl_bank_q   <= 1'b0;
      wl_krem_q   <= '0;
      wl_kdone_q  <= '0;
      wl_mrem_q   <= '0;
      wl_nrem_q   <= '0;
      wl_addr_q   <= '0;
      wl_ntbase_q <= '0;
      bank_wait_q <= '0;
      bank_cnt_q  <= '0;
      ahead_q     <= '0;
      s_left_q    <= 1'b0;
      s_act_q     <= 1'b0;
      s_j_q       <= '0;
      s_bank_q    <= 1'b0;
      s_krem_q    <= '0;
      s_mrem_q    <= '0;
      s_nrem_q    <= '0;
      s_nt_q      <= '0;
      s_first_q   <= 1'b0;
      acc_first_q <= 1'b1;
      acc_last_q  <= 1'b1;
      kto_q       <= 1'b0;
      kmaj_q      <= 1'b0;
      brows_q     <= '0;
      qrdy_q      <= 1'b0;
      s_addr_q    <= '0;
      s_kbase_q   <= '0;
      s_caddr_q   <= '0;
      s_cblk_q    <= '0;
      s_cbase_q   <= '0;
      s_accb_q    <= '0;
      s_wr_q      <= 1'b0;
      s_wrow_q    <= '0;
      tail_q      <= '0;
      tail2_q     <= '0;
    end else begin
      busy_q      <= busy_d;
      done_q      <= done_d;
      kt_num_q    <= kt_num_d;
      nt_num_q    <= nt_num_d;
      wl_left_q   <= wl_left_d;
      wl_act_q    <= wl_act_d;
      wl_row_q    <= wl_row_d;
      wl_bank_q   <= wl_bank_d;
      wl_krem_q   <= wl_krem_d;
      wl_kdone_q  <= wl_kdone_d;
      wl_mrem_q   <= wl_mrem_d;
      wl_nrem_q   <= wl_nrem_d;
      wl_addr_q   <= wl_addr_d;
      wl_ntbase_q <= wl_ntbase_d;
      bank_wait_q <= bank_wait_d;
      bank_cnt_q  <= bank_cnt_d;
      ahead_q     <= ahead_d;
      s_left_q    <= s_left_d;
      s_act_q     <= s_act_d;
      s_j_q       <= s_j_d;
      s_bank_q    <= s_bank_d;
      s_krem_q    <= s_krem_d;
      s_mrem_q    <= s_mrem_d;
      s_nrem_q    <= s_nrem_d;
      s_nt_q      <= s_nt_d;
      s_first_q   <= s_first_d;
      acc_first_q <= acc_first_d;
      acc_last_q  <= acc_last_d;
      kto_q       <= kto_d;
      kmaj_q      <= kmaj_d;
      brows_q     <= brows_d;
      qrdy_q      <= qrdy_d;
      s_addr_q    <= s_addr_d;
      s_kbase_q   <= s_kbase_d;
      s_caddr_q   <= s_caddr_d;
      s_cblk_q    <= s_cblk_d;
      s_cbase_q   <= s_cbase_d;
      s_accb_q    <= s_accb_d;
      s_wr_q      <= s_tile_end && !(s_last_kt && acc_last_q);
      s_wrow_q    <= s_j + s_accb_q;
      tail_q      <= tail_d;
      tail2_q     <= tail2_d;
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Outputs
  // ---------------------------------------------------------------------------------------------
  assign busy_o       = busy_q;
  assign done_o       = done_q;
  assign ready_o      = ready;
  assign wl_issue_o   = wl_issue;
  assign wl_addr_o    = wl_addr_q;
  assign wl_row_o     = wl_row;
  assign wl_bank_o    = wl_bank_q;
  assign wl_zero_o    = wl_zero;
  assign wl_nv_o      = wl_nv;
  assign s_issue_o    = s_issue;
  assign s_addr_o     = s_addr;
  assign s_caddr_o    = s_caddr;
  assign s_bank_o     = s_bank_q;
  assign s_kv_o       = s_kv;
  assign s_nv_o       = s_nv;
  assign s_first_o    = s_first_q && acc_first_q;
  assign s_last_o     = s_last_kt && acc_last_q;
  assign s_j_o        = s_j + s_accb_q;
  assign s_nt_o       = s_nt_q;
  assign ph_compute_o = busy_q && s_issue;
  assign ph_wstall_o  = busy_q && s_left_q && !s_issue && !gate_wait;
  assign ph_mwait_o   = busy_q && s_left_q && !s_issue && gate_wait;
  assign ph_drain_o   = tail_phase && (32'(tail_q) > 32'(OutLen));
  assign ph_output_o  = tail_phase && (32'(tail_q) <= 32'(OutLen));

  // Controller state, for waveforms only (docs/waves.md; GTKWave shows it by name through the
  // filter file systolic_ctrl_state.txt written beside each save file): the counter phase of
  // this cycle, 0 while idle.
  localparam logic [2:0] StIdle = 3'd0, StWstall = 3'd1, StCompute = 3'd2, StDrain = 3'd3,
                         StOutput = 3'd4, StMwait = 3'd5;
  logic [2:0] state;
  logic       unused_state;

  always_comb begin
    state = StIdle;
    if (ph_wstall_o) state = StWstall;
    if (ph_mwait_o) state = StMwait;
    if (ph_compute_o) state = StCompute;
    if (ph_drain_o) state = StDrain;
    if (ph_output_o) state = StOutput;
  end
  assign unused_state = ^state;

  // ---------------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------------
  // Every busy cycle is exactly one phase; an idle cycle none.
  `SYS_ASSERT(PhaseOneHot_A, (32'(ph_wstall_o) + 32'(ph_mwait_o) + 32'(ph_compute_o) +
                              32'(ph_drain_o) + 32'(ph_output_o)) == 32'(busy_q))
  // The gates hold back only what needs them: a weight row is read only once its B row is loaded
  // (zero rows read nothing), a slot of the last K-tile issues only with BIAS / M0 / SHIFT loaded.
  `SYS_ASSERT(GateRows_A, !(wl_issue && !wl_zero) ||
                          ((wl_kdone_q + DimWidth'(wl_row)) < brows_q))
  `SYS_ASSERT(GateQ_A, !(s_issue && s_last_kt && acc_last_q) || qrdy_q)
  // Nothing issues while idle; done while busy only for a command that ended in the tail of an
  // overlapped one (its own countdown, tail2_q, or tail_q in the edge of the overlapped start);
  // an older tail only beside a running command or a longer tail.
`ifndef SYNTHESIS
  logic done_old_q;  // done_q comes from the command before an overlapped one
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) done_old_q <= 1'b0;
    else done_old_q <= (tail2_q == TailW'(1)) || (overlap && (tail_q == TailW'(1)));
  end
`endif
  `SYS_ASSERT(IssueBusy_A, !(wl_issue || s_issue) || busy_q)
  `SYS_ASSERT(DoneIdle_A, !done_q || !busy_q || done_old_q)
  `SYS_ASSERT(TailOrder_A, (tail2_q == '0) || s_left_q || (tail_q > tail2_q))
  // An overlapped start finds every load and slot of the command before issued.
  `SYS_ASSERT(OverlapIdleIssue_A, !overlap || (!wl_left_q && !wl_act_q && !s_act_q &&
                                               (ahead_q == 2'd0) && (bank_wait_q == '0)))
  // The tail countdown never underflows: it counts TailLen .. 1 while the tail lasts (an
  // underflow would wrap it to a large value and keep the command busy).
  `SYS_ASSERT(TailNoUnderflow_A, !tail_phase || (tail_q != '0))
  // Loads started minus streams started: 0 .. WeightBanks.
  `SYS_ASSERT(AheadRange_A, 32'(ahead_q) <= WeightBanks)
  // Bank ownership: a slot streams from a bank that holds its tile (marked since its load
  // started, until its last slot), and a load never starts into a bank still being streamed.
  `SYS_ASSERT(StreamOwnsBank_A, !s_issue || bank_wait_q[s_bank_q])
  `SYS_ASSERT(LoadFreeBank_A, !wl_start || !(s_act_q && (s_bank_q == wl_bank_q)))
  `SYS_ASSERT(OneBankOnly_A, (WeightBanks == 2) || (!wl_bank_q && !s_bank_q))
  // A K-chunk command's accumulator rows nt*M + j stay below AccWords (M * NT <= AccWords).
  // (Checked at the start: the inputs may change in the tail.)
  `SYS_ASSERT(ChunkAccRows_A, !start_ok || (acc_first_i && acc_last_i && !kt_outer_i) ||
                              (64'(m_i) * 64'(nt_calc) <= 64'(AccWords)))

  // ---------------------------------------------------------------------------------------------
  // Cover points (scripts/coverage.sh; the list: docs/architecture.md, "Cover points")
  // ---------------------------------------------------------------------------------------------
`ifndef SYNTHESIS
  logic [2:0] state_q;  // last cycle's phase
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) state_q <= StIdle;
    else state_q <= state;
  end
`endif
  // Every phase transition the schedule has (a command without tiles: idle -> output).
  `SYS_COVER(IdleWstall_C, (state_q == StIdle) && (state == StWstall))
  `SYS_COVER(IdleOutput_C, (state_q == StIdle) && (state == StOutput))
  `SYS_COVER(WstallCompute_C, (state_q == StWstall) && (state == StCompute))
  `SYS_COVER(ComputeWstall_C, (state_q == StCompute) && (state == StWstall))
  `SYS_COVER(ComputeDrain_C, (state_q == StCompute) && (state == StDrain))
  `SYS_COVER(DrainOutput_C, (state_q == StDrain) && (state == StOutput))
  `SYS_COVER(OutputIdle_C, (state_q == StOutput) && (state == StIdle))
  // A tile after the first starts streaming right after a weight-load stall (with two banks: from
  // the other bank than the tile before it).
  `SYS_COVER(StallThenNextTile_C, s_start && (state_q == StWstall) &&
                                  !((s_krem_q == k_i) && (s_mrem_q == m_i) && (s_nrem_q == n_i)))
  // Remainders: a tile with fewer than Rows valid K rows, fewer than Cols valid columns; the last
  // M-block shorter than AccWords after a full one; a tile of a later M-block (the boundary).
  `SYS_COVER(KRemainder_C, s_issue && (32'(s_kv) < Rows))
  `SYS_COVER(NRemainder_C, s_issue && (32'(s_nv) < Cols))
  `SYS_COVER(MRemainder_C, s_start && (s_mrem_q != m_i) && (MremW'(s_mrem_q) < MremW'(AccWords)))
  `SYS_COVER(MBlockBoundary_C, s_start && (s_mrem_q != m_i))
  // A K-chunk command of a memory command (partial sums kept in the accumulators).
  `SYS_COVER(KChunk_C, start_ok && !(acc_first_i && acc_last_i))
  // A K-tiles-outer command; a cycle waiting for a B row or for BIAS / M0 / SHIFT.
  `SYS_COVER(KtOuter_C, start_ok && kt_outer_i)
  `SYS_COVER(GateRows_C, ph_mwait_o && (ahead_q == 2'd0))
  `SYS_COVER(GateQ_C, ph_mwait_o && (ahead_q != 2'd0))
  // A command started during the tail of the one before; the older one's done in the newer one.
  `SYS_COVER(Overlap_C, overlap)
  `SYS_COVER(DoneWhileBusy_C, done_q && busy_q)

  // Illegal parameters stop elaboration (Icarus has no elaboration-time $error: it stops at t=0).
`ifdef __ICARUS__
  initial begin
    if (Rows < systolic_pkg::RowsMin || Rows > systolic_pkg::RowsMax) $fatal(1, "tile_ctrl: bad Rows");
    if (Cols < systolic_pkg::ColsMin || Cols > systolic_pkg::ColsMax) $fatal(1, "tile_ctrl: bad Cols");
    if (AccWords < systolic_pkg::AccWordsMin || AccWords > systolic_pkg::AccWordsMax)
      $fatal(1, "tile_ctrl: bad AccWords");
    if (RequantDepth < systolic_pkg::RequantDepthMin || RequantDepth > systolic_pkg::RequantDepthMax)
      $fatal(1, "tile_ctrl: bad RequantDepth");
    if (WeightBanks < systolic_pkg::WeightBanksMin || WeightBanks > systolic_pkg::WeightBanksMax)
      $fatal(1, "tile_ctrl: bad WeightBanks");
  end
`else
  if (Rows < systolic_pkg::RowsMin || Rows > systolic_pkg::RowsMax) begin : g_bad_rows
    $error("tile_ctrl: Rows outside systolic_pkg::RowsMin..RowsMax");
  end
  if (Cols < systolic_pkg::ColsMin || Cols > systolic_pkg::ColsMax) begin : g_bad_cols
    $error("tile_ctrl: Cols outside systolic_pkg::ColsMin..ColsMax");
  end
  if (AccWords < systolic_pkg::AccWordsMin || AccWords > systolic_pkg::AccWordsMax) begin : g_bad_acc
    $error("tile_ctrl: AccWords outside systolic_pkg::AccWordsMin..AccWordsMax");
  end
  if (RequantDepth < systolic_pkg::RequantDepthMin || RequantDepth > systolic_pkg::RequantDepthMax)
  begin : g_bad_depth
    $error("tile_ctrl: RequantDepth outside systolic_pkg::RequantDepthMin..RequantDepthMax");
  end
  if (WeightBanks < systolic_pkg::WeightBanksMin || WeightBanks > systolic_pkg::WeightBanksMax)
  begin : g_bad_banks
    $error("tile_ctrl: WeightBanks outside systolic_pkg::WeightBanksMin..WeightBanksMax");
  end
`endif

endmodule
