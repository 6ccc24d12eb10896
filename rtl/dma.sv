// dma: the memory side of systolic_top: runs a memory command (docs/architecture.md section 4,
// "Memory commands"; C++ twin: model/dma.h).
//
// A memory command computes C = requant(A * B + bias) from memory to memory, in blocks that fit
// half of each scratchpad, so that the next block's operands load and the previous block's C
// stores while tile_ctrl computes the current one (double buffering, as Gemmini's loop
// controllers). The command's A_BASE .. Q_BASE registers are not used: each scratchpad is split
// into halves at word 0 and word Words/2 (HalfA = AWords/2, ...).
//
// Check (1 cycle, state SCheck): the command is refused (err_o != 0, nothing read or written) if
//   1 no block fits even with K-chunks: HalfA, HalfC or HalfQ is 0, or HalfB < Rows;
//   2 a tensor leaves the memory or its rows overlap: addr + (rows-1)*ld + row_bytes >
//     2^MemAddrWidth, or rows > 1 and ld < row_bytes (A: M x K, B: K x N, C: M x N int8;
//     BIAS, M0: 4N bytes; SHIFT: N bytes);
//   3 C's extent [dram_c, end) overlaps the extent of A, B, BIAS, M0 or SHIFT (extents, not
//     bytes: a C interleaved between another tensor's rows is refused too).
// In w4a8 (precision_i = PrecW4a8) a slot reads an A word pair (rtl/systolic_top.sv): A's rows
// are 2K bytes in memory (the packed K's activation pairs; LD_A >= 2K), every A size below is in
// word pairs (HalfA counts HalfA / 2 of them, at word 0 and word 2 x (HalfA / 2)), a row of a
// K-chunk takes 2 wpr_kc words, and the traffic formulas count A's M x 2K bytes.
// A command with M, N or K = 0 ends there without error and without memory traffic. Else the
// plan: NTb = min(NT, HalfB div K, HalfQ, HalfC) N-tiles per panel (Nb = min(NTb*Cols, N)
// columns), Mb = min(M, HalfA div KT, HalfC div NTb) rows per block; blocks (m-block, panel) in
// one of two orders, the one with less memory traffic (bytes, a_outer_q = 1 when T_a < T_b):
//   panels outer: T_b = (MBc > 1 ? NP : 1) * M*K + K*N + 9N + M*N
//   m-blocks outer: T_a = M*K + (NP > 1 ? MBc : 1) * (K*N + 9N) + M*N
// (MBc = ceil(M/Mb), NP = ceil(N/Nb)). An operand block is loaded only when it changes from the
// previous block (the resident one stays), into the half the previous one does not use; C blocks
// alternate halves. A GEMM that fits is cut where that costs no traffic (one panel: Mb at most
// ceil(M/q), q the largest power of two <= ceil(M / max(Rows, P)) with q*(Rows + q - 1) <= M
// (every block then has Rows rows or more), P the smallest power of two with
// 2*P*P*(KT + NTb) >= M*CmdOvh (the power of two nearest sqrt(M*CmdOvh / (KT + NTb)) by its
// logarithm: the first block's A and the last one's C, exposed, against a tile command's
// overhead per block); one m-block: NTb at most min(ceil(NT/4), max(1, AccWords div
// Mb)), so that the blocks run K-tiles outer; panels outer with MBc > 1 or NP = 1: blocks
// with Mb * NTb > AccWords cut to ceil(M/q) rows, q = ceil(M / (AccWords div NTb)), when that is
// at least Rows, also to run K-tiles outer; then, when M mod Mb is not 0 and below Rows, Mb to
// ceil(M / MBc): as many m-blocks, the last no longer short of Rows rows). A tall first block
// (fb_plan; mf_q its rows, af_step_q / cf_step_q its steps, the blocks after it from m0 = Mf):
// with one panel, MBc > 1 and blocks K-tiles outer, the first block takes Mf = min(Mb_l,
// AccWords div NTb) rows (Mb_l: the largest block, above) and the other M - Mf rows are cut
// into ceil((M - Mf) / Mb) equal blocks of Mb' rows (Mb' <= Mb), when Mf > Mb, Mf < M,
// Mb' >= Rows, the start waits for memory ((2*Mb*K + (K + 9)*Nb) x 16 / BW, block 0's and
// block 1's A and the panel's B, BIAS, M0, SHIFT, above KT*NTb*max(Mb, Rows), block 0's
// tiles) and block 1's tiles still outlast block 0's C store and block 2's A ((Mf*Nb + Mb'*K) x
// 16 / BW <= KT*NTb*max(Mb', Rows)): more of the array's work then overlaps the start (the
// array-bound blocks after it wait for nothing). Traffic is unchanged (one panel: A, B and C
// move once).
// K-chunks (split_q), when no block fits, or when Mb < M, KTc >= 1 and the estimate favours
// them (each plan's time: the larger of its array cycles (KT*NT times the sum over m-blocks of
// max(rows, Rows), plus 2*Rows + Cols per tile command) and its traffic T x 16 / BW,
// BW = min(DRAM_BW, BwCap), BwCap = 16*min(MB, Rows, Cols) (one scratchpad word per cycle);
// DRAM_BW = 0: BwCap; T_s = NPs*M*K + MBcs*K*N + 9N + M*N), or when their estimate plus 1/16
// of it is below the blocks' with their start (the larger of that and the first block's A and
// its panel's B at BW, (Mb*K + K*Nb + 9Nb) x 16 / BW, plus the array cycles of the blocks after
// the first, the first taking KT*NTb*max(Mb, Rows) + 2*Rows + Cols): blocks of
// Mb = min(M, AccWords, HalfC, HalfA) rows (or min(that, max(Rows, min(AccWords, HalfC) div
// max(1, min(NT, HalfQ, HalfB div Rows)))) when its estimate (chunk_est) is the smaller and its
// traffic time at most 3/4 of its array cycles, or the taller blocks' is not either) and NTs = ceil(NT / ceil(NT / NTm)) N-tiles,
// NTm = min(NT, AccWords div Mb, HalfC div Mb, HalfQ, HalfB div Rows) (as few panels as NTm
// allows, equally wide) (Nb = min(NTs*Cols, N) columns; NPs = ceil(N/Nb) panels,
// MBcs = ceil(M/Mb) m-blocks), each in chunks of Kc = min(KTc*Rows, K) with
// KTc = min(HalfA div Mb, (HalfB div Rows) div NTs, KT); every chunk loads its A and B into the
// free halves, BIAS/M0/SHIFT load once per panel (q_half), C stores after the last chunk; the
// tile command of a chunk has K = its Kc and tile_acc_first_o / tile_acc_last_o only on the
// first / last chunk (the accumulators carry the sums between chunks, N-tile nt of the block in
// rows nt*Mb .. nt*Mb + Mb - 1: tile_ctrl).
//
// Sequence (three block descriptors: nx loading, cu computing, pv storing): an iteration runs,
// one after another, pv's C, nx's A (if it changes), nx's B, BIAS, M0, SHIFT (if its panel
// changes), and a part of the next panel's B (pf: panels outer without K-chunks, NP > 1 and
// MBc > 1): the next panel's K rows of B are cut in parts of Kp = ceil(K / MBc) rows (K-tiles
// outer), else ceil(K / (MBc - 1)); part j (j = 0 .. MBc-2) loads into the next panel's half in
// the iteration of block j + 1 of the panel (pk0 = j*Kp, p_row its memory row), and the
// panel's first block loads only its rows from kl = min(K, (MBc-1)*Kp) (pk0 = kl; its B gate
// starts there), so that a panel's B does not all load while the last, often short, block
// computes. tile_ctrl takes a block (tile_go) when idle, or back to back while cu's tail runs
// (tile_ready_i, one tile command running); a block before cu still in tile_ctrl is pv, and its
// C store (the iteration's first transfer) waits in SNext for its done (c_hold; tile_cnt_q
// counts the tile commands started and not done, 0..2). Once nx's A is written (SNext at XB or
// later) and tile_ctrl takes it, nx starts early (early_q; pv <- cu <- nx <- successor, STile)
// and its remaining B / BIAS / M0 / SHIFT load while it computes (ld_q = cu_q: tile_b_rows_o,
// the rows of its B written so far, and tile_q_ready_o, its SHIFT written, are tile_ctrl's
// gates; else all ones and 1); then the next
// iteration. The same when tile_ctrl can take nx during nx's B / BIAS / M0 / SHIFT load (SXfer,
// early_x): the running load becomes cu's and tile_ctrl starts in the next cycle (tstart_q).
// Block 0 interleaved (ilv_q, set by the check when block 0 has more than one group of AG =
// ceil(MB / Rows) K-tiles, at least Rows rows, DRAM_A and LD_A multiples of MB, no B prefetch
// and not w4a8): it starts at once (early_go in the first SNext), and its A and B load group by
// group (grp_q): XA of group g (the bytes g*AG*Rows .. of each row: its K-tiles' words of the
// row, one beat a row), then XB of the group's B rows, then the next group's XA (its reads
// ahead during this XB), then BIAS, M0, SHIFT as usual. tile_b_rows_o reports the rows of the
// groups whose B is written and the rows of the running XB, never rows whose A columns are
// still loading (IlvGate_A): tile_ctrl's B-rows gate holds a weight load, and so the stream that
// follows it, until its K-tile's A columns are in.
// Otherwise, after the iteration's transfers: wait until tile_ctrl takes nx (tile_go; the last
// block: until it is idle, the cycle of its done_o counting), shift pv <- cu <-
// nx <- successor, start tile_ctrl on cu (STile, 1 cycle: tile_start_o and the tile_* command
// outputs, which hold until the next STile), then one transfer after another: pv's C, nx's A (if
// it changes), nx's B, BIAS, M0, SHIFT (if its panel changes); each transfer is preceded by one
// cycle in SNext. When no block is left, the last block (cu) stores its C by columns (col_q) if
// it has at most AccWords rows (then tile_ctrl writes its final sums N-tile after N-tile), else
// by rows once tile_ctrl is idle, and the command ends when both are done. A column is ColG =
// ceil(MB / Cols) N-tiles (colj_q the first), one transfer of cu.mc rows of min(ColG * Cols,
// the rest of nc) bytes from C + n0 + colj * Cols, words colj .. of each row, read row after
// row as acc_stage writes them: ccnt_q counts acc_stage's C writes into each half of C
// (c_wr_en_i, c_wr_addr_i, while busy; a block's first K-chunk clears its half's count at its
// tile start), acc_stage writes the N-tiles one after another and an N-tile's rows in order, so
// word j of row r (N-tile colj + j) is written after (colj + j) * cu.mc + r + 1 of them (col_word
// gates its read); the column starts (SNext) once its first word is written (col_gate). A
// column ends once its writes are requested (acknowledgements are taken during the next
// column), the last one when all are acknowledged.
// Transfers overlap their memory latency: once the running transfer has issued its last request
// (a store: its last write; a load: its last read), the next transfer of the iteration (always a
// load) issues its reads (`pre`, rq_ahead_q), while the running one still takes its responses;
// the next one takes its own (in order, after them) once it starts. The request walk has its own
// row pitch and length (rq_ld_q, rq_rb_q) and transfer (rq_x_q).
//
// A transfer moves `rows` rows of row_bytes bytes between memory (row r at addr + r*ld) and
// scratchpad words of W bytes (A: Rows lanes, B/C/SHIFT: Cols lanes, BIAS/M0: Cols int32
// lanes): row r's bytes fill wpr = ceil(row_bytes / W) words at sbase + r*rstride + j (A:
// rstride KT; B: rstride wpr, its row k's N-tiles side by side, k-major as tile_ctrl reads them
// with b_kmajor_i; C: rstride wpr, or the block's in its column store), the last word
// of a row padded with zeros (stored: only the row's bytes are written).
//
// Memory port (mem_req_*, mem_rsp_*; one beat of MB = 2^MemBytesLog2 bytes, addresses multiples
// of MB): a request is held (valid, we, addr, wdata, wstrb unchanged) until mem_req_ready_i;
// every request gets one response, in request order (a read's data, a write's acknowledgement),
// taken in a cycle with mem_rsp_valid_i and mem_rsp_ready_o. Any number of requests may be in
// flight (the memory limits them with mem_req_ready_i). mem_req_sp_o names the scratchpad of the
// request's tensor (bit i: region 1 + i; C for a write), held with the request (0 after reset).
//   Load: read requests for the beats that hold each row's bytes, in address order, one per
//   cycle while mem_req_ready_i; each response's bytes of the row go into a staging buffer of
//   Cap = 2*WMax + MB bytes (the last beat of a row adds the row's padding zeros), taken while
//   they fit after this cycle's word; one word of W bytes leaves the buffer per cycle into the
//   scratchpad (wr_en_o, wr_addr_o, wr_data_o), or, in a load of A or B, two (wr_pair_o: the
//   row's next word, at wr_addr_o + 1, from wr_data1_o, its lanes >= W 0; A and B are two banks
//   by word parity) when the buffer holds both and the first is not its row's last. The load
//   ends in the cycle its last word is written.
//   Store: the C words of each row are read in order (c_rd_en_o; data in the next cycle) while
//   the buffer has room, their row bytes appended; two in a cycle (c_rd_pair_o: word
//   c_rd_addr_o + 1 too, data c_rd_data1_i; C is two banks by word parity) while it has room for
//   both, the first is not its row's last and, in the last block's column store, acc_stage has
//   written the second. A write request carries the bytes of one beat
//   of the row (wstrb marks them) once the buffer holds them all. Store ends when every row is
//   written and acknowledged.
// Counters (systolic_regs): a busy cycle in which tile_ctrl is not busy (no tile command of
// ours running but in its done_o cycle) is ph_store_o once no tile_ctrl command is left (the
// last one's done_o cycle included), else ph_load_o (the array waits for memory: before the
// first block and between blocks; systolic_top adds tile_ctrl's ph_mwait_o, block 0 waiting at
// a gate).
// Cycle behaviour: start_i in a cycle with busy_o = 0 starts a command (busy_o = 1 from the next
// cycle); done_o = 1 for the cycle after the last busy cycle, err_o with it (0 otherwise). Every
// output is a function of the registers except ph_load_o and ph_store_o (tile_done_i). The
// block's scratchpad halves leave as one bit each (tile_a_half_o .. tile_q_half_o: word 0 or the
// half's first word, which systolic_top makes the tile command's base; in w4a8 A's second half
// starts at the even word 2 x (AWords/4), a_base2 below). The command inputs must not change
// while busy_o = 1. Reset (rst_ni = 0, asynchronous) clears every register.
`include "systolic_assert.svh"

module dma #(
  parameter int Rows         = 16,
  parameter int Cols         = 16,
  parameter int AWords       = 1024,
  parameter int BWords       = 1024,
  parameter int CWords       = 1024,
  parameter int QWords       = 64,
  parameter int AccWords     = 1024,
  parameter int MemBytesLog2 = 4
) (
  input  logic                                   clk_i,
  input  logic                                   rst_ni,
  input  logic                                   start_i,
  input  logic [systolic_pkg::DimWidth-1:0]      m_i,
  input  logic [systolic_pkg::DimWidth-1:0]      n_i,
  input  logic [systolic_pkg::DimWidth-1:0]      k_i,
  input  logic [systolic_pkg::MemAddrWidth-1:0]  dram_a_i,
  input  logic [systolic_pkg::MemAddrWidth-1:0]  dram_b_i,
  input  logic [systolic_pkg::MemAddrWidth-1:0]  dram_c_i,
  input  logic [systolic_pkg::MemAddrWidth-1:0]  dram_bias_i,
  input  logic [systolic_pkg::MemAddrWidth-1:0]  dram_m0_i,
  input  logic [systolic_pkg::MemAddrWidth-1:0]  dram_shift_i,
  input  logic [systolic_pkg::MemAddrWidth-1:0]  ld_a_i,
  input  logic [systolic_pkg::MemAddrWidth-1:0]  ld_b_i,
  input  logic [systolic_pkg::MemAddrWidth-1:0]  ld_c_i,
  input  logic [31:0]                            dram_bw_i,
  input  logic [1:0]                             precision_i,  // PRECISION (constant while busy)
  input  logic                                   os_i,         // DATAFLOW is OS: refused (code 4)
  input  logic                                   tile_done_i,
  input  logic                                   tile_ready_i,
  input  logic                                   c_wr_en_i,
  input  logic [systolic_pkg::AddrWidth-1:0]     c_wr_addr_i,
  input  logic [Cols*systolic_pkg::DataWidth-1:0] c_rd_data_i,
  input  logic [Cols*systolic_pkg::DataWidth-1:0] c_rd_data1_i,
  input  logic                                   mem_req_ready_i,
  input  logic                                   mem_rsp_valid_i,
  input  logic [8*(2**MemBytesLog2)-1:0]         mem_rsp_rdata_i,
  output logic                                   busy_o,
  output logic                                   done_o,
  output logic [systolic_pkg::ErrWidth-1:0]      err_o,
  output logic                                   tile_start_o,
  output logic [systolic_pkg::DimWidth-1:0]      tile_m_o,
  output logic [systolic_pkg::DimWidth-1:0]      tile_n_o,
  output logic                                   tile_a_half_o,
  output logic                                   tile_b_half_o,
  output logic                                   tile_c_half_o,
  output logic                                   tile_q_half_o,
  output logic [systolic_pkg::DimWidth-1:0]      tile_k_o,
  output logic                                   tile_acc_first_o,
  output logic                                   tile_acc_last_o,
  output logic                                   tile_kt_outer_o,
  output logic [systolic_pkg::DimWidth-1:0]      tile_b_rows_o,
  output logic                                   tile_q_ready_o,
  output logic                                   ph_load_o,
  output logic                                   ph_store_o,
  output logic [systolic_pkg::SpadRegions-1:0]   wr_en_o,
  output logic [systolic_pkg::AddrWidth-1:0]     wr_addr_o,
  output logic [32*((Rows > Cols) ? Rows : Cols)-1:0] wr_data_o,
  output logic                                   wr_pair_o,
  output logic [((Rows > Cols) ? Rows : Cols)*systolic_pkg::DataWidth-1:0] wr_data1_o,
  output logic                                   c_rd_en_o,
  output logic [systolic_pkg::AddrWidth-1:0]     c_rd_addr_o,
  output logic                                   c_rd_pair_o,
  output logic                                   mem_req_valid_o,
  output logic                                   mem_req_we_o,
  output logic [systolic_pkg::SpadRegions-1:0]   mem_req_sp_o,
  output logic [systolic_pkg::MemAddrWidth-1:0]  mem_req_addr_o,
  output logic [8*(2**MemBytesLog2)-1:0]         mem_req_wdata_o,
  output logic [(2**MemBytesLog2)-1:0]           mem_req_wstrb_o,
  output logic                                   mem_rsp_ready_o
);

  localparam int MB    = 2 ** MemBytesLog2;
  localparam int MAW   = systolic_pkg::MemAddrWidth;
  localparam int AW    = systolic_pkg::AddrWidth;
  localparam int DimW  = systolic_pkg::DimWidth;
  localparam int Lanes = (Rows > Cols) ? Rows : Cols;
  localparam int WMax  = (Rows > 4 * Cols) ? Rows : 4 * Cols;  // widest scratchpad word, bytes
  localparam int Cap   = 2 * WMax + MB;                        // staging buffer, bytes
  localparam int CapW  = $clog2(Cap + 1);
  localparam int WbW   = $clog2(WMax + 1);  // a word's bytes, a row's padding (at most WMax)
  localparam int PnW   = $clog2(2 * WMax + 1);  // a store's C bytes read in a cycle (a pair)
  localparam int HdW   = $clog2(MB + 1);    // a beat's bytes (at most MB)
  localparam int LB    = MemBytesLog2;      // a beat address is its index, LB zero bits below
  localparam int BiW   = systolic_pkg::MemAddrWidth - MemBytesLog2;  // a beat's index
  localparam int BufW  = 8 * Cap;
  localparam int OutW  = 16;  // writes in flight
  localparam int HalfA = AWords / 2, HalfB = BWords / 2, HalfC = CWords / 2, HalfQ = QWords / 2;
  localparam int HalfBKt = HalfB / Rows;  // K-tiles of one N-tile in half of B
  localparam int CmdOvh  = 2 * Rows + Cols;  // the plan's estimate: cycles a tile command adds
  localparam int ColG    = (MB + Cols - 1) / Cols;  // N-tiles per column of the last store: a beat
  localparam int AG      = (MB + Rows - 1) / Rows;  // K-tiles per group of block 0's load: a beat
  // The plan's estimate: at most min(MB, Rows, Cols) bytes per cycle (x 16) reach a scratchpad.
  localparam int BwCap = 16 * ((MB < Rows) ? ((MB < Cols) ? MB : Cols) : ((Rows < Cols) ? Rows : Cols));
  // The registers' bounds, from the plan (the header): a block has at most MbMax rows (HalfA div
  // KT and HalfC div NTb, or min(AccWords, HalfC, HalfA) with K-chunks: at most min(HalfA, HalfC);
  // MbBound_A), a panel at most NbMax columns (HalfQ N-tiles: its BIAS, M0, SHIFT fit a half of
  // Q; at most N), so at most NtbMax N-tiles; a transfer's row at most WprMax words (A: KT <=
  // HalfA, w4a8 2 KT <= HalfA; B, C, Q: NtbMax; a group of block 0's A: AG) and RbMax bytes (A:
  // K <= HalfA * Rows; BIAS, M0: 4 * NbMax).
  localparam int MbMax0  = (HalfA < HalfC) ? HalfA : HalfC;
  localparam int MbMax   = (MbMax0 > 0) ? MbMax0 : 1;
  localparam int MbW     = $clog2(MbMax + 1);                       // rows of a block
  localparam int NbMax   = (HalfQ * Cols < (1 << systolic_pkg::DimWidth)) ? HalfQ * Cols
                                                                         : (1 << systolic_pkg::DimWidth) - 1;
  localparam int NbW     = (NbMax > 0) ? $clog2(NbMax + 1) : 1;     // columns of a panel
  localparam int NtbMax  = (NbMax + Cols - 1) / Cols;
  localparam int NtbW    = (NtbMax > 0) ? $clog2(NtbMax + 1) : 1;   // N-tiles of a panel
  localparam int WprMax0 = (HalfA > NtbMax) ? HalfA : NtbMax;
  localparam int WprMax  = (WprMax0 > AG) ? WprMax0 : AG;
  localparam int WprW    = $clog2(WprMax + 1);                      // words of a row
  localparam int RbMax   = (HalfA * Rows > 4 * NbMax) ? HalfA * Rows : 4 * NbMax;
  localparam int RbW     = (RbMax > 0) ? $clog2(RbMax + 1) : 1;     // bytes of a row
  localparam int CcW     = (HalfC > 0) ? $clog2(HalfC + 1) : 1;     // C words of a half
  // A block's K (its K-chunk) has at most KcMax rows: its B, K rows of each of its N-tiles, fits
  // half of B (without K-chunks HalfB div K >= 1; with them KTc <= (HalfB div Rows) div NTs), and
  // its A rows fit half of A (KT <= HalfA, or KTc <= HalfA). So do the prefetch parts and their
  // rows (B prefetch runs without K-chunks); block 0's interleaved load walks at most GrpMax
  // groups of AG K-tiles (their rows below IlvMax). KcBound_A checks the plan against KcMax.
  localparam int KcMaxA  = (HalfA * Rows < (1 << systolic_pkg::DimWidth))
                         ? HalfA * Rows : (1 << systolic_pkg::DimWidth) - 1;
  localparam int KcMax   = (HalfB < KcMaxA) ? HalfB : KcMaxA;
  localparam int KcW     = (KcMax > 0) ? $clog2(KcMax + 1) : 1;     // K rows of a block
  localparam int GrpMax  = (KcMax + AG * Rows - 1) / (AG * Rows);
  localparam int GrpW    = $clog2(GrpMax + 2);                      // a group (and the next)
  localparam int IlvW    = $clog2(KcMax + 2 * AG * Rows + 1);       // a group's K rows
  // A transfer has at most a block's rows (A, C: mc <= MbMax) or its K rows (B: kc - pk0, a
  // prefetch part, a group of block 0's B rows: <= KcMax), or one (BIAS, M0, SHIFT).
  localparam int XrW     = (MbW > KcW) ? MbW : KcW;                 // rows of a transfer
  // Its scratchpad stride between rows is at most WprMax (A: its K-tiles, w4a8 twice, <= HalfA;
  // B, C: the words of a row, or of the block's row in C's column store); a row's words are
  // consecutive.
  localparam int RsW     = WprW;

  // Scratchpad index in wr_en_o (region 1 + i).
  localparam int SpA = 0, SpB = 1, SpC = 2, SpBias = 3, SpM0 = 4, SpShift = 5;

  typedef enum logic [2:0] {SIdle, SCheck, SNext, SXfer, SWait, STile} state_e;
  // Transfers, in the order of an iteration.
  localparam logic [2:0] XC = 3'd0, XA = 3'd1, XB = 3'd2, XBias = 3'd3, XM0 = 3'd4, XShift = 3'd5,
                         XP = 3'd6, XNone = 3'd7;

  // A block: rows m0 .. m0+mc-1, columns n0 .. n0+nc-1, K-chunk k0 .. k0+kc-1; a_row / b_row /
  // c_row the memory address of A[m0][0], B[k0][0], C[m0][0]; halves; whether its A, its B and
  // its BIAS/M0/SHIFT must load; whether it is its output block's first / last K-chunk.
  typedef struct packed {
    logic            valid;
    logic [DimW-1:0] m0, n0;
    logic [MbW-1:0]  mc;
    logic [NbW-1:0]  nc;
    logic [DimW-1:0] k0;
    logic [KcW-1:0]  kc;
    logic [MAW-1:0]  a_row, b_row, c_row;
    logic            a_half, b_half, q_half, c_half, load_a, load_b, load_q, kfirst, klast;
    logic            pf;         // its iteration loads part pk0 .. of the next panel's B
    logic [KcW-1:0]  pk0;        // that part's first row; with load_b: its own B's first row
    logic [MAW-1:0]  p_row;      // the memory address of B[pk0][0] (pf)
  } blk_t;

  state_e               state_q, state_d;
  logic [2:0]           xk_q, xk_d;              // the transfer running (SXfer) / next to try (SNext)
  logic                 done_q, done_d;
  logic [systolic_pkg::ErrWidth-1:0] err_q, err_d;
  // Plan.
  logic [MbW-1:0]       mb_q, mb_d;            // rows per block
  logic [NbW-1:0]       nb_q, nb_d;            // columns per panel
  logic                 a_outer_q, a_outer_d;  // m-blocks outer (A resident across panels)
  logic [MAW-1:0]       a_step_q, a_step_d;    // Mb * LD_A
  logic [MAW-1:0]       c_step_q, c_step_d;    // Mb * LD_C
  // The first block's rows (above mb_q with a tall first block, else mb_q) and its steps.
  logic [MbW-1:0]       mf_q, mf_d;
  logic [MAW-1:0]       af_step_q, af_step_d;  // Mf * LD_A
  logic [MAW-1:0]       cf_step_q, cf_step_d;  // Mf * LD_C
  logic [MAW-1:0]       b_step_q, b_step_d;    // Kc * LD_B (K-chunks)
  logic [KcW-1:0]       kc_q, kc_d;            // K per chunk (K without K-chunks)
  logic                 split_q, split_d;      // K-chunks
  // Prefetch of the next panel's B (pf_q): Kp rows a part, kl rows before the panel's first block.
  logic                 pf_q, pf_d;
  logic [KcW-1:0]       kp_q, kp_d;
  logic [KcW-1:0]       kl_q, kl_d;
  logic [MAW-1:0]       pstep_q, pstep_d;      // Kp * LD_B
  logic [MAW-1:0]       pl_row_q, pl_row_d;    // DRAM_B + kl * LD_B
  blk_t                 nx_q, nx_d, cu_q, cu_d, pv_q, pv_d;
  logic [1:0]           tile_cnt_q, tile_cnt_d;  // tile_ctrl commands started, not done: 0..2
  logic                 early_q, early_d;      // cu computes while its B and Q load
  logic                 tstart_q, tstart_d;    // start tile_ctrl (a block started during a load)
  logic                 ko_q, ko_d;            // tile commands K-tiles outer (Mb * NTb <= AccWords)
  // The transfer of the current phase.
  logic [MAW-1:0]       x_ld_q, x_ld_d;        // bytes between rows
  logic [RbW-1:0]       x_rb_q, x_rb_d;        // bytes per row
  logic [WbW-1:0]       x_wb_q, x_wb_d;        // bytes per scratchpad word (W)
  logic [WprW-1:0]      x_wpr_q, x_wpr_d;      // words per row
  logic [WbW-1:0]       x_pad_q, x_pad_d;      // load: zeros after a row; store: bytes of a row's last word
  logic [RsW-1:0]       x_rstride_q, x_rstride_d;
  // Request walk (load: reads) / beat walk (store: writes): rows left, row start, beat address.
  logic [XrW-1:0]       rq_rows_q, rq_rows_d;
  logic [MAW-1:0]       rq_row_q, rq_row_d;
  logic [BiW-1:0]       rq_beat_q, rq_beat_d;  // (beat indices: address / MB)
  // The request walk's own transfer: bytes between rows and per row, writes (a store), and
  // whether it was started ahead (SXfer: the next transfer's reads, before the running one ends).
  logic [MAW-1:0]       rq_ld_q, rq_ld_d;
  logic [RbW-1:0]       rq_rb_q, rq_rb_d;
  logic [2:0]           rq_x_q, rq_x_d;      // its transfer (XC: a store's writes; XNone at reset)
  logic                 rq_we;
  logic                 rq_ahead_q, rq_ahead_d;
  // Response walk (load): the same over the responses.
  logic [XrW-1:0]       rs_rows_q, rs_rows_d;
  logic [MAW-1:0]       rs_row_q, rs_row_d;
  logic [BiW-1:0]       rs_beat_q, rs_beat_d;
  // Word walk: load: words written; store: words read. Rows left, word in row, word address.
  logic [XrW-1:0]       wd_rows_q, wd_rows_d;
  logic [WprW-1:0]      wd_j_q, wd_j_d;
  logic [AW-1:0]        wd_addr_q, wd_addr_d;
  logic [AW-1:0]        wd_row_q, wd_row_d;    // word address of word 0 of the row
  // Staging buffer: fill_q bytes at the bottom, zeros above.
  logic [BufW-1:0]      buf_q, buf_d;
  logic [CapW-1:0]      fill_q, fill_d;
  // Store: a C word read last cycle (its row bytes), writes awaiting acknowledgement.
  logic                 pend_q, pend_d;
  logic [PnW-1:0]       pend_n_q, pend_n_d;
  logic [OutW-1:0]      wr_out_q, wr_out_d;
  // The last block's C by columns (col_q): the column being stored, and the C words written into
  // each half of C since its block's first K-chunk started (acc_stage's writes: c_wr_en_i).
  logic                 col_q, col_d;
  logic [NtbW-1:0]      colj_q, colj_d;
  logic [CcW-1:0]       ccnt_q [2];
  logic [CcW-1:0]       ccnt_d [2];
  // Block 0's A and B interleaved (ilv_q): group grp_q's A columns (AG K-tiles, a beat of each
  // row), then its B rows, group after group, while block 0 computes from the first.
  logic                 ilv_q, ilv_d;
  logic [GrpW-1:0]      grp_q, grp_d;

  // ---------------------------------------------------------------------------------------------
  // Check and plan (SCheck; 64-bit expressions, each intermediate as wide as its bound)
  // ---------------------------------------------------------------------------------------------
  // Each intermediate is as wide as its bound (the expressions are 64-bit): a dimension or a
  // count of M-blocks, panels, tiles (DimWidth bits), a count bounded by a scratchpad half or the
  // accumulator rows (the *W below), and 64 bits for the traffic and time products only.
  localparam int NtlMax = (HalfB < HalfQ) ? ((HalfB < HalfC) ? HalfB : HalfC)
                                          : ((HalfQ < HalfC) ? HalfQ : HalfC);
  localparam int Nt2Max = (HalfB < HalfQ) ? HalfB : HalfQ;
  localparam int HaW    = (HalfA > 0) ? $clog2(HalfA + 1) : 1;    // A words (or pairs) of a half
  localparam int HbW    = (HalfB > 0) ? $clog2(HalfB + 1) : 1;
  localparam int HqW    = (HalfQ > 0) ? $clog2(HalfQ + 1) : 1;
  localparam int Nt2W   = (Nt2Max > 0) ? $clog2(Nt2Max + 1) : 1;
  localparam int NtlW   = (NtlMax > 0) ? $clog2(NtlMax + 1) : 1;  // N-tiles of a panel
  localparam int AccW   = $clog2(AccWords + 1);                    // rows of a K-chunk block
  localparam int NbcW   = (NtlMax > 0) ? $clog2(NtlMax * Cols + 1) : 1;
  // A K-chunk block's N-tiles (ntbs3 .. ntbs) are at most min(AccWords, HalfQ); a block's N-tiles
  // (ntf) at most NtlMax (ntbs is also bounded by HalfC div mbs and HalfB div Rows).
  localparam int NtsMax = (AccWords < HalfQ) ? AccWords : HalfQ;
  localparam int NtsW   = (NtsMax > 0) ? $clog2(NtsMax + 1) : 1;
  localparam int NbsW   = (NtsMax > 0) ? $clog2(NtsMax * Cols + 1) : 1;
  localparam int NtfW   = NtlW;
  localparam int CmbW   = $clog2(((AccWords > Rows) ? AccWords : Rows) + 1);
  localparam int MbrW   = $clog2(((HalfA > Rows) ? HalfA : Rows) + 1);
  // cut_target doubles P CutIt times at most: m * CmdOvh < 2^(DimW + clog2(CmdOvh)) <= 2^(2 CutIt),
  // so P <= 2^CutIt (kn >= 1 whenever K >= 1). cut_blocks' q has q * (Rows + q - 1) <= m <
  // 2^DimW, so q * q < 2^DimW: q < 2^MqnW (MqnBound_A: q, a power of two, is not 0).
  localparam int CutIt  = (DimW + $clog2(CmdOvh) + 1) / 2;
  localparam int CutW   = CutIt + 1;                               // cut_target: at most 2^CutIt
  localparam int MqnW   = (DimW + 1) / 2;                          // cut_blocks: below 2^MqnW
  localparam int MtrW   = (CutW > $clog2(Rows + 1)) ? CutW : $clog2(Rows + 1);
  localparam int SlW    = DimW + $clog2(Rows + 1) + 1;             // sum of max(rows, Rows)
  localparam int BwW    = $clog2(BwCap + 1);
  localparam int XW     = MAW + DimW + 1;                          // end of A, B or C: < 2^XW
  localparam int XqW    = ((MAW > DimW + 2) ? MAW : DimW + 2) + 1; // end of BIAS, M0, SHIFT
  logic [DimW-1:0] kt, nt, mbcl, npl, mqw, mq, ntq0, mbc, np, ntbsp, kcs, lst_n;
  logic [MqnW-1:0] mqn;
  logic [NbW-1:0]  nbl, nbc;
  logic [DimW-1:0] kq, mqc, mbck, kcf, pf_div, pf_kp, pf_kl;
  logic [HbW-1:0]  ntb0, ntb1;
  logic [Nt2W-1:0] ntb2;
  logic [NtlW-1:0] ntbl, ntb, ntk;
  logic [HaW-1:0]  mb0, mb1, mbl, mb, ktc0, ktc1, ktc;
  logic [CutW-1:0] mtg;
  logic [MtrW-1:0] mtr;
  logic [AccW-1:0] ntq1, ntq, mbs0, mbs1, mbsa, cmb0, cmb, mbs, ntbs0, ntbs1, ntbs2, kcap;
  logic [NtsW-1:0] ntbs3, ntbs4, ntbs;
  logic [NbcW-1:0] nbc0;
  logic [BwW-1:0]  bw_eff;
  logic [HqW-1:0]  cntw0, cntw;
  logic [CmbW-1:0] cmb1;
  logic [NbsW-1:0] nbs0;
  logic [MbrW-1:0] mbr_n;
  logic [SlW-1:0]  sl_n;
  logic [MbW-1:0]  mbq, mqr, mbk, mbf, mff;
  logic [NtfW-1:0] ntf;
  // A tall first block (fb_plan, see the header): its rows (fbh), the other blocks' (fbm).
  logic [HaW-1:0]  fbh;
  logic [63:0]     fb_acc;  // AccWords div NTb: the rows whose sums the accumulator holds
  logic [DimW-1:0] fb_rest, fb_cnt, fbm;
  logic [63:0]     fb_ld, fb_cyc0, fb_mem1, fb_cyc1;
  logic            kto0, fb_plan;
  logic [63:0] t_a, t_b;
  logic [NbW-1:0]  nbs;  // columns of a K-chunk block (at most N)
  logic [65:0] ce0, ce1;
  logic [1:0]  unused_ce0;  // (the first candidate's flags are not needed)
  logic        use1;
  logic [63:0] cyc_n, t_n, mem_n, time_n, time_s, ld0_n, cyc0_n, st_n, time_n0;
  logic        kto;
  logic        pf_plan;        // prefetch the next panel's B in parts (see the header)
  logic        ilv_plan;       // block 0's A and B interleaved (see the header)
  logic        capq;           // panels outer: blocks cut to run K-tiles outer
  // (pf_div, pf_kp, pf_kl: Kp = ceil(K / pf_div), kl = min(K, (MBc - 1) * Kp))
  logic [NbW-1:0]  nbf;
  logic        split;
  // (the clamps, one name per step: no variable is written twice in a block, for Icarus)
  logic [XW-1:0]  xa_end, xb_end, xc_end;
  logic [XqW-1:0] xbias_end, xm0_end, xshift_end;
  logic        zero_dim, bad_spad, bad_mem, bad_overlap;
  logic [systolic_pkg::ErrWidth-1:0] check_err;
  // Rows - 1 of each tensor (DimWidth bits, as the registers).
  logic [DimW-1:0] m_m1, k_m1;
  assign m_m1 = m_i - DimW'(1);
  assign k_m1 = k_i - DimW'(1);
  // w4a8 (see the header): A's capacity of a half (words, or word pairs), its bytes a row, and
  // the word where its second half starts (even in w4a8: a pair's first word is even).
  localparam int HalfAP = HalfA / 2;  // word pairs in half of A
  logic          w4a8;
  logic [DimW:0]   ka;
  // (Excluded from toggle coverage: each is one of two constants, HalfA or its word pairs, chosen
  // by the precision; in a build whose HalfA is even both a_base2 values are equal. Their zero
  // bits cannot toggle whatever the stimulus.)
  /* verilator coverage_off */
  logic [HaW-1:0]  ha;
  logic [AW-1:0] a_base2;
  /* verilator coverage_on */
  assign w4a8    = precision_i == 2'(systolic_pkg::PrecW4a8);
  assign ha      = w4a8 ? HaW'(HalfAP) : HaW'(HalfA);
  assign ka      = w4a8 ? {k_i, 1'b0} : {1'b0, k_i};
  assign a_base2 = w4a8 ? AW'(2 * HalfAP) : AW'(HalfA);

  // A K-chunk plan's estimate with blocks of rows_b rows (the chain in the plan below, computed
  // again): {KTc != 0, memory time <= 3/4 of array time, max(array cycles, memory time)}.
  // Each clamp writes a new name (if / else), not the variable its condition reads: Verilator
  // 5.006 splits `if (x > l) x = l;` into two ifs and tests the condition again after the
  // assignment, so such a clamp's taken side would always count 0 in the line coverage.
  function automatic logic [65:0] chunk_est(input logic [63:0] rows_b, input logic [63:0] nt_,
                                            input logic [63:0] kt_, input logic [63:0] ha_,
                                            input logic [63:0] m, input logic [63:0] n,
                                            input logic [63:0] k, input logic [63:0] ka_,
                                            input logic [63:0] bw);
    logic [63:0] ntb0_, ntb1_, ntb2_, ntb3_, ntb4_, ntbp_, ntbs_, ktc0_, ktc1_, ktc_;
    logic [63:0] nbs_, nps_, mbcs_, kcn_, mbr_, lst_, sl_, cyc_, t_, mem_;
    ntb0_ = (rows_b == 64'd0) ? 64'd0 : 64'(AccWords) / rows_b;
    if (ntb0_ > nt_) ntb1_ = nt_;
    else ntb1_ = ntb0_;
    if ((rows_b != 64'd0) && (ntb1_ > 64'(HalfC) / rows_b)) ntb2_ = 64'(HalfC) / rows_b;
    else ntb2_ = ntb1_;
    if (ntb2_ > 64'(HalfQ)) ntb3_ = 64'(HalfQ);
    else ntb3_ = ntb2_;
    if (ntb3_ > 64'(HalfBKt)) ntb4_ = 64'(HalfBKt);
    else ntb4_ = ntb3_;
    ntbp_ = (ntb4_ == 64'd0) ? 64'd0 : (nt_ + ntb4_ - 64'd1) / ntb4_;  // balanced panels
    ntbs_ = (ntbp_ == 64'd0) ? 64'd0 : (nt_ + ntbp_ - 64'd1) / ntbp_;
    ktc0_ = (rows_b == 64'd0) ? 64'd0 : ha_ / rows_b;
    if (ntbs_ == 64'd0) ktc1_ = 64'd0;
    else if (ktc0_ > 64'(HalfBKt) / ntbs_) ktc1_ = 64'(HalfBKt) / ntbs_;
    else ktc1_ = ktc0_;
    if (ktc1_ > kt_) ktc_ = kt_;
    else ktc_ = ktc1_;
    nbs_  = (ntbs_ * 64'(Cols) > n) ? n : ntbs_ * 64'(Cols);
    nps_  = (nbs_ == 64'd0) ? 64'd0 : (n + nbs_ - 64'd1) / nbs_;
    mbcs_ = (rows_b == 64'd0) ? 64'd0 : (m + rows_b - 64'd1) / rows_b;
    kcn_  = (ktc_ == 64'd0) ? 64'd0 : (kt_ + ktc_ - 64'd1) / ktc_;
    mbr_  = (rows_b > 64'(Rows)) ? rows_b : 64'(Rows);
    lst_  = m - (mbcs_ - 64'd1) * rows_b;
    sl_   = (mbcs_ == 64'd0) ? 64'd0
          : (mbcs_ - 64'd1) * mbr_ + ((lst_ > 64'(Rows)) ? lst_ : 64'(Rows));
    cyc_  = kt_ * nt_ * sl_ + mbcs_ * nps_ * kcn_ * 64'(CmdOvh);
    t_    = nps_ * m * ka_ + mbcs_ * k * n + 64'd9 * n + m * n;
    mem_  = (t_ * 64'd16) / bw;
    chunk_est = {ktc_ != 64'd0, 64'd3 * cyc_ >= 64'd4 * mem_, (cyc_ > mem_) ? cyc_ : mem_};
  endfunction

  // The one-panel cut: P, the smallest power of two with 2*P*P*kn >= m*CmdOvh (CutIt doublings
  // suffice, above), and q, the largest power of two <= q_want with q*(Rows + q - 1) <= m.
  function automatic logic [63:0] cut_target(input logic [63:0] m, input logic [63:0] kn);
    logic [63:0] t;
    t = 64'd1;
    for (int i = 0; i < CutIt; i++) begin
      if (64'd2 * t * t * kn < m * 64'(CmdOvh)) t = t << 1;
    end
    cut_target = t;  // (not `return`: Yosys reads this file too)
  endfunction
  function automatic logic [63:0] cut_blocks(input logic [63:0] m, input logic [63:0] q_want);
    logic [63:0] q;
    q = 64'd1;
    for (int i = 0; i < 24; i++) begin
      if ((q * 64'd2 <= q_want) && (q * 64'd2 * (64'(Rows) + q * 64'd2 - 64'd1) <= m)) q = q << 1;
    end
    cut_blocks = q;
  endfunction

  // The plan's expressions are 64-bit; its narrower intermediates zero-extend into them (the
  // language's rule, which is what each use means), and every assignment narrows by a cast.
  // (CMPCONST: a bound such as mbf <= AccWords is constant in builds whose halves are small.)
  /* verilator lint_off WIDTH */
  /* verilator lint_off CMPCONST */
  always_comb begin
    kt  = DimW'((64'(k_i) + 64'(Rows) - 64'd1) / 64'(Rows));
    nt  = DimW'((64'(n_i) + 64'(Cols) - 64'd1) / 64'(Cols));
    // Panel: N-tiles per panel; block: rows per block (0 when nothing fits).
    ntb0 = HbW'((k_i == '0) ? 64'd0 : 64'(HalfB) / 64'(k_i));
    ntb1 = HbW'((ntb0 > nt) ? nt : ntb0);
    ntb2 = Nt2W'((ntb1 > 64'(HalfQ)) ? 64'(HalfQ) : ntb1);
    ntbl = NtlW'((ntb2 > 64'(HalfC)) ? 64'(HalfC) : ntb2);
    mb0  = HaW'((kt == 64'd0) ? 64'd0 : ha / kt);
    mb1  = HaW'((mb0 > 64'(m_i)) ? 64'(m_i) : mb0);
    mbl  = HaW'(((ntbl != 64'd0) && (mb1 > 64'(HalfC) / ntbl)) ? 64'(HalfC) / ntbl : mb1);
    nbl  = NbW'((ntbl * 64'(Cols) > 64'(n_i)) ? 64'(n_i) : ntbl * 64'(Cols));
    mbcl = DimW'((mbl == 64'd0) ? 64'd0 : (64'(m_i) + mbl - 64'd1) / mbl);
    npl  = DimW'((nbl == 64'd0) ? 64'd0 : (64'(n_i) + nbl - 64'd1) / nbl);
    // Pipelining at no cost in traffic: with one panel (A read once whatever the block height)
    // M is cut into q blocks of ceil(M/q) rows, each at least Rows (its tiles hide their weight
    // loads), about sqrt(M * CmdOvh / (KT + NTb)) (cut_target, cut_blocks); else with one
    // m-block (B read once whatever the panel width) panels to ceil(NT/4) N-tiles, at most
    // AccWords div Mb (K-tiles outer: a block's first tiles need only B's first rows).
    mtg  = CutW'(cut_target(64'(m_i), 64'(kt) + 64'(ntbl)));
    mtr  = MtrW'((mtg < 64'(Rows)) ? 64'(Rows) : mtg);
    mqw  = DimW'((64'(m_i) + mtr - 64'd1) / mtr);
    mqn  = MqnW'(cut_blocks(64'(m_i), 64'(mqw)));
    mq   = DimW'((64'(m_i) + mqn - 64'd1) / mqn);
    ntq0 = DimW'((nt + 64'd3) / 64'd4);
    ntq1 = AccW'((mbl == 64'd0) ? 64'd1 : 64'(AccWords) / mbl);
    ntq  = AccW'((ntq1 == 64'd0) ? 64'd1 : (ntq1 < ntq0) ? ntq1 : ntq0);
    mb   = HaW'(((npl == 64'd1) && (mbl > mq)) ? mq : mbl);
    ntb  = NtlW'(((npl != 64'd1) && (mbcl == 64'd1) && (ntbl > ntq)) ? ntq : ntbl);
    nbc0 = NbcW'(ntb * 64'(Cols));
    nbc  = NbW'((nbc0 > 64'(n_i)) ? 64'(n_i) : nbc0);
    mbc = DimW'((mb == 64'd0) ? 64'd0 : (64'(m_i) + mb - 64'd1) / mb);
    np  = DimW'((nbc == 64'd0) ? 64'd0 : (64'(n_i) + nbc - 64'd1) / nbc);
    // K-chunks: when no block fits (ntbl or mbl 0), or the blocks are shorter than the array
    // (the array would wait for weights): blocks of mbs <= AccWords rows and ntbs N-tiles
    // (mbs * ntbs <= AccWords: each N-tile's partial sums keep their own accumulator rows), K in
    // chunks of kcs (the sums stay in the accumulator buffer between chunks).
    mbs0  = AccW'((64'(m_i) < 64'(AccWords)) ? 64'(m_i) : 64'(AccWords));
    mbs1  = AccW'((mbs0 > 64'(HalfC)) ? 64'(HalfC) : mbs0);
    mbsa  = AccW'((mbs1 > ha) ? ha : mbs1);
    // The second candidate: blocks short enough to hold every N-tile a chunk can (fewer panels
    // and tile commands), taken when its estimate is the smaller and its memory time at most
    // 3/4 of its array time, or the first candidate's is not either (chunk_est); the chain
    // below is the chosen one's.
    bw_eff = BwW'(((dram_bw_i == '0) || (64'(dram_bw_i) > 64'(BwCap))) ? 64'(BwCap) : 64'(dram_bw_i));
    cntw0 = HqW'((nt > 64'(HalfQ)) ? 64'(HalfQ) : nt);
    cntw  = HqW'((cntw0 > 64'(HalfBKt)) ? 64'(HalfBKt) : cntw0);
    cmb0  = AccW'(((64'(AccWords) < 64'(HalfC)) ? 64'(AccWords) : 64'(HalfC)) /
            ((cntw == 64'd0) ? 64'd1 : cntw));
    cmb1  = CmbW'((cmb0 < 64'(Rows)) ? 64'(Rows) : cmb0);
    cmb   = AccW'((cmb1 < mbsa) ? cmb1 : mbsa);
    ce0   = chunk_est(mbsa, nt, kt, ha, 64'(m_i), 64'(n_i), 64'(k_i), ka, bw_eff);
    ce1   = chunk_est(cmb, nt, kt, ha, 64'(m_i), 64'(n_i), 64'(k_i), ka, bw_eff);
    use1  = ce1[65] && (ce1[64] || !ce0[64]) && (ce1[63:0] < ce0[63:0]);
    mbs   = AccW'(use1 ? cmb : mbsa);
    ntbs0 = AccW'((mbs == 64'd0) ? 64'd0 : 64'(AccWords) / mbs);
    ntbs1 = AccW'((ntbs0 > nt) ? nt : ntbs0);
    ntbs2 = AccW'(((mbs != 64'd0) && (ntbs1 > 64'(HalfC) / mbs)) ? 64'(HalfC) / mbs : ntbs1);
    ntbs3 = NtsW'((ntbs2 > 64'(HalfQ)) ? 64'(HalfQ) : ntbs2);
    ntbs4 = NtsW'((ntbs3 > 64'(HalfBKt)) ? 64'(HalfBKt) : ntbs3);
    // Balanced panels: as many as the bounds above need, the N-tiles spread evenly over them.
    ntbsp = DimW'((ntbs4 == 64'd0) ? 64'd0 : (nt + ntbs4 - 64'd1) / ntbs4);
    ntbs  = NtsW'((ntbsp == 64'd0) ? 64'd0 : (nt + ntbsp - 64'd1) / ntbsp);
    ktc0  = HaW'((mbs == 64'd0) ? 64'd0 : ha / mbs);
    ktc1  = HaW'((ntbs == 64'd0) ? 64'd0 : (ktc0 > 64'(HalfBKt) / ntbs) ? 64'(HalfBKt) / ntbs : ktc0);
    ktc   = HaW'((ktc1 < kt) ? ktc1 : kt);
    kcs   = DimW'((ktc * 64'(Rows) < 64'(k_i)) ? ktc * 64'(Rows) : 64'(k_i));
    nbs0  = NbsW'(ntbs * 64'(Cols));
    nbs   = NbW'((nbs0 > 64'(n_i)) ? 64'(n_i) : 64'(nbs0));
    t_b = ((mbc > 64'd1) ? np : 64'd1) * 64'(m_i) * ka + 64'(k_i) * 64'(n_i) +
          64'd9 * 64'(n_i) + 64'(m_i) * 64'(n_i);
    t_a = 64'(m_i) * ka + ((np > 64'd1) ? mbc : 64'd1) * (64'(k_i) * 64'(n_i) +
          64'd9 * 64'(n_i)) + 64'(m_i) * 64'(n_i);
    // Chosen for speed only when the estimate says so: each plan's time is the larger of its
    // array cycles (a tile takes max(block rows, Rows) cycles, every tile command about
    // 2 Rows + Cols more: first weights, drain) and its traffic at DRAM_BW (bw_eff, above: bytes
    // per cycle x 16, at most what the port moves, a beat and one scratchpad word of
    // min(Rows, Cols) bytes per cycle; DRAM_BW = 0: that limit). The K-chunk plan's is
    // chunk_est's, of the chosen candidate.
    mbr_n = MbrW'((mb > 64'(Rows)) ? mb : 64'(Rows));
    lst_n = DimW'(64'(m_i) - (mbc - 64'd1) * mb);      // rows of the last m-block
    sl_n  = SlW'((mbc == 64'd0) ? 64'd0
                                : (mbc - 64'd1) * mbr_n + ((lst_n > 64'(Rows)) ? lst_n : 64'(Rows)));
    cyc_n = kt * nt * sl_n + mbc * np * 64'(CmdOvh);
    t_n   = (t_a < t_b) ? t_a : t_b;
    mem_n = (t_n * 64'd16) / bw_eff;
    time_n = (cyc_n > mem_n) ? cyc_n : mem_n;
    // With its start: the first block computes only once its A and its panel's B are in (ld0_n),
    // and the others after it; K-chunks are taken then too when faster by more than 1/16 (their
    // loads are less even than the estimate assumes).
    ld0_n   = ((64'(mb) * ka + 64'(k_i) * 64'(nbc) + 64'd9 * 64'(nbc)) * 64'd16) / bw_eff;
    cyc0_n  = kt * 64'(ntb) * mbr_n + 64'(CmdOvh);
    st_n    = ld0_n + cyc_n - ((cyc0_n < cyc_n) ? cyc0_n : cyc_n);
    time_n0 = (st_n > time_n) ? st_n : time_n;
    time_s = use1 ? ce1[63:0] : ce0[63:0];
    split = (ntbl == 64'd0) || (mbl == 64'd0) ||
            ((mbl < 64'(m_i)) && (ktc != 64'd0) &&
             ((time_s < time_n) || (time_s + (time_s >> 4) < time_n0)));
    xa_end     = XW'(64'(dram_a_i) + 64'(m_m1) * 64'(ld_a_i) + ka);
    xb_end     = XW'(64'(dram_b_i) + 64'(k_m1) * 64'(ld_b_i) + 64'(n_i));
    xc_end     = XW'(64'(dram_c_i) + 64'(m_m1) * 64'(ld_c_i) + 64'(n_i));
    xbias_end  = XqW'(64'(dram_bias_i) + 64'(n_i) * 64'd4);
    xm0_end    = XqW'(64'(dram_m0_i) + 64'(n_i) * 64'd4);
    xshift_end = XqW'(64'(dram_shift_i) + 64'(n_i));
    zero_dim = (m_i == '0) || (n_i == '0) || (k_i == '0);
    bad_spad = split ? ((mbs == 64'd0) || (ktc == 64'd0) || (HalfQ == 0))
                     : ((ntb == 64'd0) || (mb == 64'd0));
    // Panels outer (A read once per panel however many m-blocks, once in all with one panel):
    // blocks short enough to run K-tiles outer (Mb * NTb <= AccWords) when that leaves Rows
    // rows, balanced (mbk rows, mbck m-blocks): a block's first tiles then need only B's first
    // rows.
    ntk  = NtlW'((64'(nbc) + 64'(Cols) - 64'd1) / 64'(Cols));
    kcap = AccW'((ntk == 64'd0) ? 64'd0 : 64'(AccWords) / ntk);
    capq = !split && !(t_a < t_b) && ((mbc > 64'd1) || (np == 64'd1)) &&
           (kcap >= 64'(Rows)) && (mb > kcap);
    kq   = DimW'((kcap == 64'd0) ? 64'd1 : (64'(m_i) + kcap - 64'd1) / kcap);
    mbq  = MbW'(capq ? (64'(m_i) + kq - 64'd1) / kq : mb);
    // A last m-block shorter than Rows (its tiles would wait for every weight load): the
    // m-blocks balanced instead, as many, equally tall.
    mqc  = DimW'((mbq == 64'd0) ? 64'd0 : (64'(m_i) + mbq - 64'd1) / mbq);
    mqr  = MbW'((mbq == 64'd0) ? 64'd0 : 64'(m_i) % mbq);
    mbk  = MbW'(((mqr != 64'd0) && (mqr < 64'(Rows))) ? (64'(m_i) + mqc - 64'd1) / mqc : mbq);
    mbck = DimW'((mbk == 64'd0) ? 64'd0 : (64'(m_i) + mbk - 64'd1) / mbk);
    nbf = split ? nbs : nbc;
    ntf = NtfW'((64'(nbf) + 64'(Cols) - 64'd1) / 64'(Cols));
    // A tall first block: one panel, m-blocks K-tiles outer, the first as tall as half of A and
    // the accumulator buffer allow (fbh), the others balanced over the rest (fbm, at most mbk),
    // when the start waits for memory (block 0's and block 1's A and the panel's B, fb_ld, take
    // longer than block 0's tiles, fb_cyc0) and block 1's tiles (fb_cyc1) outlast the first
    // block's C store and block 2's A (fb_mem1).
    fb_acc  = 64'(AccWords) / ((ntf == '0) ? 64'd1 : 64'(ntf));
    fbh     = HaW'((fb_acc < 64'(mbl)) ? fb_acc : 64'(mbl));
    fb_rest = DimW'((64'(fbh) < 64'(m_i)) ? 64'(m_i) - 64'(fbh) : 64'd0);
    fb_cnt  = DimW'((mbk == '0) ? 64'd0 : (64'(fb_rest) + 64'(mbk) - 64'd1) / 64'(mbk));
    fbm     = DimW'((fb_cnt == '0) ? 64'd0 : (64'(fb_rest) + 64'(fb_cnt) - 64'd1) / 64'(fb_cnt));
    fb_ld   = ((64'd2 * 64'(mbk) * ka + (64'(k_i) + 64'd9) * 64'(nbf)) * 64'd16) / bw_eff;
    fb_cyc0 = kt * 64'(ntf) * ((64'(mbk) > 64'(Rows)) ? 64'(mbk) : 64'(Rows));
    fb_mem1 = ((64'(fbh) * 64'(nbf) + 64'(fbm) * ka) * 64'd16) / bw_eff;
    fb_cyc1 = kt * 64'(ntf) * ((64'(fbm) > 64'(Rows)) ? 64'(fbm) : 64'(Rows));
    kto0    = (64'(mbk) <= 64'(AccWords)) && (64'(mbk) * 64'(ntf) <= 64'(AccWords));
    fb_plan = !split && (np == 64'd1) && kto0 && (mbck > 64'd1) && (64'(fbh) > 64'(mbk)) &&
              (64'(fbh) < 64'(m_i)) && (64'(fbm) >= 64'(Rows)) && (fb_ld > fb_cyc0) &&
              (fb_mem1 <= fb_cyc1);
    mbf = MbW'(split ? mbs : fb_plan ? 64'(fbm) : 64'(mbk));
    mff = MbW'(fb_plan ? 64'(fbh) : 64'(mbf));  // the first block's rows
    kcf = DimW'(split ? kcs : 64'(k_i));
    // K-tiles outer when a block's sums fit the accumulator buffer side by side.
    kto = (64'(mbf) <= 64'(AccWords)) && (64'(mbf) * 64'(ntf) <= 64'(AccWords));
    pf_plan = !split && !(t_a < t_b) && (np > 64'd1) && (mbck > 64'd1);
    // Block 0's A and B interleaved in groups of AG K-tiles (not w4a8's word pairs, not with a
    // B prefetch): when it has more than one group, at least Rows rows, and A's rows start on
    // beats (a group then reads whole beats of each row).
    ilv_plan = !w4a8 && !pf_plan && (kcf > 64'(AG * Rows)) && (mff >= 64'(Rows)) &&
               ((dram_a_i & MAW'(MB - 1)) == '0) && ((ld_a_i & MAW'(MB - 1)) == '0);
    // Parts: MBc of them when the blocks run K-tiles outer (the panel's first block starts on
    // B's first rows and loads the last part itself), else MBc - 1 (all before it).
    pf_div  = DimW'(kto ? mbck : mbck - 64'd1);
    pf_kp   = DimW'((pf_div == 64'd0) ? 64'd0 : (64'(k_i) + pf_div - 64'd1) / pf_div);
    pf_kl   = DimW'(((mbck - 64'd1) * pf_kp > 64'(k_i)) ? 64'(k_i) : (mbck - 64'd1) * pf_kp);
    bad_mem = (xa_end > (64'd1 << MAW)) || (xb_end > (64'd1 << MAW)) ||
              (xc_end > (64'd1 << MAW)) || (xbias_end > (64'd1 << MAW)) ||
              (xm0_end > (64'd1 << MAW)) || (xshift_end > (64'd1 << MAW)) ||
              ((m_i > DimW'(1)) && (64'(ld_a_i) < ka)) ||
              ((k_i > DimW'(1)) && (ld_b_i < MAW'(n_i))) ||
              ((m_i > DimW'(1)) && (ld_c_i < MAW'(n_i)));
    // [lo1, hi1) and [lo2, hi2) overlap when lo1 < hi2 and lo2 < hi1.
    bad_overlap = ((64'(dram_c_i) < xa_end) && (64'(dram_a_i) < xc_end)) ||
                  ((64'(dram_c_i) < xb_end) && (64'(dram_b_i) < xc_end)) ||
                  ((64'(dram_c_i) < xbias_end) && (64'(dram_bias_i) < xc_end)) ||
                  ((64'(dram_c_i) < xm0_end) && (64'(dram_m0_i) < xc_end)) ||
                  ((64'(dram_c_i) < xshift_end) && (64'(dram_shift_i) < xc_end));
    check_err = os_i ? 3'd4 : bad_spad ? 3'd1 : bad_mem ? 3'd2 : bad_overlap ? 3'd3 : 3'd0;
  end
  /* verilator lint_on CMPCONST */
  /* verilator lint_on WIDTH */

  // ---------------------------------------------------------------------------------------------
  // Blocks: the first, and the one after nx_q
  // ---------------------------------------------------------------------------------------------
  blk_t succ;
  logic [DimW-1:0] s_m0, s_n0, s_k0;
  logic [KcW-1:0]  s_kc;
  logic            s_valid, n_more, m_more, k_more, s_load_a, s_load_b, s_load_q, s_a_half;
  logic            s_b_half, s_q_half, s_c_half;
  logic [MbW-1:0]  s_mc;
  logic [NbW-1:0]  s_nc;
  logic [MAW-1:0]  s_a_row, s_b_row, s_c_row, s_p_row;
  logic            s_pf;
  logic            s_first;  // nx_q is the first block (m0 = 0): mf_q rows, else mb_q
  logic [MbW-1:0]  s_madv;
  logic [KcW-1:0]  s_pk0;
  logic [KcW:0]    s_pk_next;

  // (Continuous assignments: Icarus re-runs an always_comb that reads what it wrote.)
  assign k_more   = split_q && (32'(nx_q.k0) + 32'(nx_q.kc) < 32'(k_i));
  assign n_more   = 32'(nx_q.n0) + 32'(nb_q) < 32'(n_i);
  assign s_first  = nx_q.m0 == '0;
  assign s_madv   = s_first ? mf_q : mb_q;
  assign m_more   = 32'(nx_q.m0) + 32'(s_madv) < 32'(m_i);
  // The next K-chunk of the block; else m-blocks outer: the next panel, else the next m-block
  // from panel 0; panels outer (and K-chunks): the other way round.
  assign s_valid  = nx_q.valid && (k_more || n_more || m_more);
  assign s_k0     = k_more ? nx_q.k0 + DimW'(nx_q.kc) : '0;
  assign s_m0     = k_more ? nx_q.m0
                  : a_outer_q ? (n_more ? nx_q.m0 : m_more ? nx_q.m0 + DimW'(s_madv) : nx_q.m0)
                              : (m_more ? nx_q.m0 + DimW'(s_madv) : n_more ? '0 : nx_q.m0);
  assign s_n0     = k_more ? nx_q.n0
                  : a_outer_q ? (n_more ? nx_q.n0 + DimW'(nb_q) : m_more ? '0 : nx_q.n0)
                              : (m_more ? nx_q.n0 : n_more ? nx_q.n0 + DimW'(nb_q) : nx_q.n0);
  assign s_mc     = (32'(m_i) - 32'(s_m0) < 32'(mb_q)) ? MbW'(m_i - s_m0) : mb_q;
  assign s_nc     = (32'(n_i) - 32'(s_n0) < 32'(nb_q)) ? NbW'(n_i - s_n0) : nb_q;
  assign s_kc     = (32'(k_i) - 32'(s_k0) < 32'(kc_q)) ? KcW'(k_i - s_k0) : kc_q;
  assign s_load_a = split_q || (s_m0 != nx_q.m0);
  assign s_load_b = split_q || (s_n0 != nx_q.n0);
  assign s_load_q = s_n0 != nx_q.n0;
  assign s_a_half = s_load_a ? !nx_q.a_half : nx_q.a_half;
  assign s_b_half = s_load_b ? !nx_q.b_half : nx_q.b_half;
  assign s_q_half = s_load_q ? !nx_q.q_half : nx_q.q_half;
  assign s_c_half = (s_k0 == '0) ? !nx_q.c_half : nx_q.c_half;
  assign s_a_row  = (s_m0 == nx_q.m0) ? nx_q.a_row : (s_m0 == '0) ? dram_a_i
                  : nx_q.a_row + (s_first ? af_step_q : a_step_q);
  // (A panel's first block after prefetched parts loads B from row kl_q: pl_row_q.)
  assign s_b_row  = (s_k0 != '0) ? nx_q.b_row + b_step_q : (pf_q && s_load_b) ? pl_row_q
                                                                             : dram_b_i;
  // Prefetch: the part of a block of the panel after its first: j*Kp (at most K).
  assign s_pk_next = nx_q.load_b ? '0 : (KcW + 1)'(nx_q.pk0) + (KcW + 1)'(kp_q);
  assign s_pk0    = !pf_q ? '0 : s_load_b ? kl_q
                  : (32'(s_pk_next) > 32'(k_i)) ? KcW'(k_i) : KcW'(s_pk_next);
  assign s_pf     = pf_q && !s_load_b && (32'(s_n0) + 32'(nb_q) < 32'(n_i)) && (32'(s_pk0) < 32'(k_i));
  assign s_p_row  = nx_q.load_b ? dram_b_i : nx_q.p_row + pstep_q;
  assign s_c_row  = (s_m0 == nx_q.m0) ? nx_q.c_row : (s_m0 == '0) ? dram_c_i
                  : nx_q.c_row + (s_first ? cf_step_q : c_step_q);
  assign succ = {s_valid, s_m0, s_n0, s_mc, s_nc, s_k0, s_kc, s_a_row, s_b_row, s_c_row,
                 s_a_half, s_b_half, s_q_half, s_c_half, s_load_a, s_load_b, s_load_q,
                 s_k0 == '0, 32'(s_k0) + 32'(s_kc) >= 32'(k_i), s_pf, s_pk0, s_p_row};

  // tile_ctrl's command: block cu_q.
  assign tile_m_o      = DimW'(cu_q.mc);
  assign tile_n_o      = DimW'(cu_q.nc);
  assign tile_a_half_o = cu_q.a_half;
  assign tile_b_half_o = cu_q.b_half;
  assign tile_c_half_o = cu_q.c_half;
  assign tile_q_half_o = cu_q.q_half;
  assign tile_k_o      = DimW'(cu_q.kc);
  assign tile_acc_first_o = cu_q.kfirst;
  assign tile_acc_last_o  = cu_q.klast;
  assign tile_kt_outer_o  = ko_q;
  // The gates of an early block: its B rows written (before its B transfer those prefetched,
  // pk0; all after it),
  // its SHIFT written (the last transfer: xk_q = XShift + 1).
  // (ilv_q: the rows of the groups before grp_q, and those of grp_q's B written so far; a
  // group's A columns are written before its B rows.)
  assign tile_b_rows_o  = (!early_q || !cu_q.load_b) ? '1
                        : ilv_q ? (((state_q == SXfer) && (xk_q == XB)) ? DimW'(ilv_end) - DimW'(wd_rows_q)
                                                                         : DimW'(ilv_k0))
                        : ((state_q == SXfer) && (xk_q == XB)) ? DimW'(cu_q.kc) - DimW'(wd_rows_q)
                        : (xk_q > XB) ? '1 : DimW'(cu_q.pk0);
  assign tile_q_ready_o = !early_q || !cu_q.load_q || (xk_q > XShift);

  // ---------------------------------------------------------------------------------------------
  // The transfer SNext starts: the first of xk_q .. XC that this iteration needs
  // ---------------------------------------------------------------------------------------------
  logic [2:0]      go;
  logic [MAW-1:0]  nx_addr, nx_ld;
  logic [RbW-1:0]  nx_rb;  // (also sizes A's pad)
  logic [XrW-1:0]  nx_rows;
  logic [WprW-1:0] nx_wpr;
  logic [NbW-1:0]  x_nc;
  logic [WbW-1:0]  nx_wb, nx_pad;
  logic [AW-1:0]   nx_sbase;
  logic [RsW-1:0]  nx_rstride;
  logic [NtbW-1:0] wpr_nc;
  logic [WprW-1:0] wpr_kc, wpr_ka;
  logic [DimW-1:0] p_n0;  // XP: the next panel's first column
  logic [KcW-1:0]  p_rows;  // XP: the part's rows
  // The last block's column store (col_q): the column of ColG N-tiles from N-tile colj_q, its
  // width, cu's C words per row, and whether acc_stage has written all of the column (its final
  // pass writes N-tile after N-tile).
  logic [NbW-1:0]  col_nc, col_rem;
  logic [NtbW-1:0] cu_wpr, col_end;
  // ilv_q: the group of the A transfer described (the next one's when its reads start ahead,
  // during the group's B), its first K row and its rows (bytes of an A row, rows of B).
  // (g_sel, g_k0: at most one group past K: GrpW, IlvW bits; g_len may wrap: 64)
  logic [GrpW-1:0] g_sel;
  logic [IlvW-1:0] g_k0;
  logic [63:0]     g_len;
  logic [IlvW-1:0] g_end, ilv_k0, ilv_end;
  logic            ilv_more;   // a group after grp_q
  assign g_sel    = ((state_q == SXfer) && (xk_q == XB)) ? grp_q + GrpW'(1) : grp_q;
  assign g_k0     = IlvW'(64'(g_sel) * 64'(AG * Rows));
  assign g_end    = (64'(g_k0) + 64'(AG * Rows) < 64'(ld_q.kc)) ? IlvW'(64'(g_k0) + 64'(AG * Rows))
                                                                : IlvW'(ld_q.kc);
  assign g_len    = 64'(g_end) - 64'(g_k0);
  assign ilv_k0   = IlvW'(64'(grp_q) * 64'(AG * Rows));
  assign ilv_end  = (64'(ilv_k0) + 64'(AG * Rows) < 64'(ld_q.kc)) ? IlvW'(64'(ilv_k0) + 64'(AG * Rows))
                                                                  : IlvW'(ld_q.kc);
  assign ilv_more = ilv_q && (32'(ilv_end) < 32'(ld_q.kc));
  logic            col_gate, col_word, col_word2;
  assign col_rem  = NbW'(64'(cu_q.nc) - 64'(colj_q) * 64'(Cols));
  assign col_nc   = (64'(col_rem) > 64'(ColG * Cols)) ? NbW'(ColG * Cols) : col_rem;
  assign cu_wpr   = NtbW'((64'(cu_q.nc) + 64'(Cols) - 64'd1) / 64'(Cols));
  assign col_end  = (64'(colj_q) + 64'(ColG) < 64'(cu_wpr)) ? NtbW'(64'(colj_q) + 64'(ColG)) : cu_wpr;
  // The column starts once acc_stage has written its first word (row 0 of N-tile colj); the
  // store reads word j of row r (N-tile colj + j) once it is written: (colj + j) * mc + r + 1
  // writes, r = mc - wd_rows (acc_stage writes an N-tile's rows in order).
  assign col_gate = 64'(ccnt_q[cu_q.c_half]) >= 64'(colj_q) * 64'(cu_q.mc) + 64'd1;
  assign col_word = 64'(ccnt_q[cu_q.c_half]) + 64'(wd_rows_q) >=
                    (64'(colj_q) + 64'(wd_j_q) + 64'd1) * 64'(cu_q.mc) + 64'd1;
  // ... and the word after it (N-tile colj + j + 1: a pair).
  assign col_word2 = 64'(ccnt_q[cu_q.c_half]) + 64'(wd_rows_q) >=
                     (64'(colj_q) + 64'(wd_j_q) + 64'd2) * 64'(cu_q.mc) + 64'd1;

  // The block the loads are for: nx, or cu while it computes before its B / Q are in (early_q).
  blk_t       ld_q;
  logic       unused_ld;  // (its m0, c_row, c_half, kfirst, klast: a load does not read them)
  assign ld_q = early_q ? cu_q : nx_q;
  assign unused_ld = ^ld_q;
  assign unused_ce0 = ce0[65:64];
  logic [6:0] need;  // transfer x is needed in this iteration
  logic [6:0] want;  // ... and not yet started (x >= xk_q)
  logic [6:1] ahead; // ... and after the running one (x > xk_q; never C, the first)
  logic [2:0] go_ahead;  // the transfer after the running one
  always_comb begin
    for (int x = 0; x < 7; x++) begin
      need[x] = ((x == 32'(XC)) && (col_q || (pv_q.valid && pv_q.klast))) ||
                ((x == 32'(XA)) && ld_q.valid && ld_q.load_a) ||
                ((x == 32'(XB)) && ld_q.valid && ld_q.load_b && (ld_q.kc != ld_q.pk0)) ||
                ((x >= 32'(XBias)) && (x <= 32'(XShift)) && ld_q.valid && ld_q.load_q) ||
                ((x == 32'(XP)) && ld_q.valid && ld_q.pf);
      want[x]  = need[x] && (x >= 32'(xk_q));
    end
    for (int x = 1; x < 7; x++) ahead[x] = need[x] && (x > 32'(xk_q));
  end
  assign go = want[0] ? 3'd0 : want[1] ? 3'd1 : want[2] ? 3'd2 : want[3] ? 3'd3 :
              want[4] ? 3'd4 : want[5] ? 3'd5 : want[6] ? 3'd6 : XNone;
  // (ilv_q: after a group's B comes the next group's A.)
  assign go_ahead = (ilv_more && (xk_q == XB)) ? XA :
                    ahead[1] ? 3'd1 : ahead[2] ? 3'd2 : ahead[3] ? 3'd3 : ahead[4] ? 3'd4 :
                    ahead[5] ? 3'd5 : ahead[6] ? 3'd6 : XNone;

  // The descriptor of `go` (SNext: the transfer that starts) or of `go_ahead` (SXfer: the transfer
  // whose read requests may start early).
  logic [2:0] xsel;
  assign xsel = (state_q == SNext) ? go : go_ahead;
  always_comb begin
    p_n0   = ld_q.n0 + DimW'(nb_q);
    p_rows = (32'(ld_q.kc) - 32'(ld_q.pk0) < 32'(kp_q)) ? ld_q.kc - ld_q.pk0 : kp_q;
    x_nc   = (xsel == XC) ? (col_q ? col_nc : pv_q.nc)
           : (xsel == XP) ? ((32'(n_i) - 32'(p_n0) < 32'(nb_q)) ? NbW'(n_i - p_n0) : nb_q)
                          : ld_q.nc;
    wpr_nc = NtbW'((64'(x_nc) + 64'(Cols) - 64'd1) / 64'(Cols));
    wpr_kc = WprW'((64'(ld_q.kc) + 64'(Rows) - 64'd1) / 64'(Rows));
    wpr_ka = w4a8 ? WprW'((64'd2 * 64'(ld_q.kc) + 64'(Rows) - 64'd1) / 64'(Rows)) : wpr_kc;
    nx_addr = '0; nx_ld = '0; nx_rb = '0; nx_rows = '0; nx_wpr = '0; nx_wb = '0; nx_pad = '0;
    nx_sbase = '0; nx_rstride = '0;
    case (xsel)
      XA: if (ilv_q) begin
        // Group g_sel: bytes g_k0 .. g_end-1 of each row, its K-tiles' words of the row.
        nx_addr = ld_q.a_row + MAW'(ld_q.k0) + MAW'(g_k0); nx_ld = ld_a_i;
        nx_rows = XrW'(ld_q.mc); nx_rb = RbW'(g_len); nx_wb = WbW'(Rows);
        nx_wpr = WprW'((g_len + 64'(Rows) - 64'd1) / 64'(Rows));
        nx_pad = WbW'((g_len + 64'(Rows) - 64'd1) / 64'(Rows) * 64'(Rows) - g_len);
        nx_sbase = (ld_q.a_half ? AW'(a_base2) : '0) + AW'(g_sel * 64'(AG));
        nx_rstride = RsW'(wpr_kc);
      end else begin
        // w4a8: 2 kc bytes a row from byte 2 k0, in 2 wpr_kc words (the pairs of its K-tiles).
        nx_addr = ld_q.a_row + (w4a8 ? MAW'(ld_q.k0) << 1 : MAW'(ld_q.k0)); nx_ld = ld_a_i;
        nx_rows = XrW'(ld_q.mc); nx_rb = w4a8 ? RbW'(ld_q.kc) << 1 : RbW'(ld_q.kc); nx_wb = WbW'(Rows);
        nx_wpr = wpr_ka; nx_pad = WbW'(wpr_ka * 64'(Rows) - 64'(nx_rb));
        nx_sbase = ld_q.a_half ? AW'(a_base2) : '0;
        nx_rstride = w4a8 ? RsW'(wpr_kc) << 1 : RsW'(wpr_kc);
      end
      XB: if (ilv_q) begin
        // Group grp_q: rows ilv_k0 .. ilv_end-1 (pk0 = 0: no prefetch with ilv_q).
        nx_addr = ld_q.b_row + MAW'(ld_q.n0) + MAW'(ilv_k0 * 64'(ld_b_i)); nx_ld = ld_b_i;
        nx_rows = XrW'(ilv_end - ilv_k0);
        nx_rb = RbW'(x_nc); nx_wb = WbW'(Cols); nx_wpr = WprW'(wpr_nc);
        nx_pad = WbW'(wpr_nc * 64'(Cols) - 64'(x_nc));
        nx_sbase = (ld_q.b_half ? AW'(HalfB) : '0) + AW'(64'(ilv_k0) * 64'(wpr_nc));
        nx_rstride = RsW'(wpr_nc);
      end else begin
        // From row pk0 (rows 0 .. pk0-1 prefetched while the panel before computed).
        nx_addr = ld_q.b_row + MAW'(ld_q.n0); nx_ld = ld_b_i; nx_rows = XrW'(ld_q.kc) - XrW'(ld_q.pk0);
        nx_rb = RbW'(x_nc); nx_wb = WbW'(Cols); nx_wpr = WprW'(wpr_nc);
        nx_pad = WbW'(wpr_nc * 64'(Cols) - 64'(x_nc));
        nx_sbase = (ld_q.b_half ? AW'(HalfB) : '0) + AW'(64'(ld_q.pk0) * 64'(wpr_nc));
        nx_rstride = RsW'(wpr_nc);
      end
      XP: begin
        // Rows pk0 .. of the next panel's B into the other half (the panel before's, free).
        nx_addr = ld_q.p_row + MAW'(p_n0); nx_ld = ld_b_i; nx_rows = XrW'(p_rows);
        nx_rb = RbW'(x_nc); nx_wb = WbW'(Cols); nx_wpr = WprW'(wpr_nc);
        nx_pad = WbW'(wpr_nc * 64'(Cols) - 64'(x_nc));
        nx_sbase = (ld_q.b_half ? '0 : AW'(HalfB)) + AW'(64'(ld_q.pk0) * 64'(wpr_nc));
        nx_rstride = RsW'(wpr_nc);
      end
      XBias, XM0: begin
        nx_addr = ((xsel == XBias) ? dram_bias_i : dram_m0_i) + MAW'(64'(ld_q.n0) * 64'd4);
        nx_rows = XrW'(1); nx_rb = RbW'(64'(x_nc) * 64'd4);
        nx_wb = WbW'(4 * Cols); nx_wpr = WprW'(wpr_nc);
        nx_pad = WbW'((wpr_nc * 64'(Cols) - 64'(x_nc)) * 64'd4);
        nx_sbase = ld_q.q_half ? AW'(HalfQ) : '0;
      end
      XShift: begin
        nx_addr = dram_shift_i + MAW'(ld_q.n0); nx_rows = XrW'(1); nx_rb = RbW'(x_nc);
        nx_wb = WbW'(Cols); nx_wpr = WprW'(wpr_nc); nx_pad = WbW'(wpr_nc * 64'(Cols) - 64'(x_nc));
        nx_sbase = ld_q.q_half ? AW'(HalfQ) : '0;
      end
      XC: begin
        // x_pad: the bytes of a row's last word. col_q: the column of cu from N-tile colj_q,
        // ColG N-tiles wide (C + n0 + colj * Cols, row pitch LD_C; words colj .. of each row).
        nx_addr = col_q ? cu_q.c_row + MAW'(cu_q.n0) + MAW'(64'(colj_q) * 64'(Cols))
                        : pv_q.c_row + MAW'(pv_q.n0);
        nx_ld = ld_c_i; nx_rows = col_q ? XrW'(cu_q.mc) : XrW'(pv_q.mc);
        nx_rb = RbW'(x_nc); nx_wb = WbW'(Cols); nx_wpr = WprW'(wpr_nc);
        nx_pad = WbW'(64'(x_nc) - (64'(wpr_nc) - 64'd1) * 64'(Cols));
        nx_sbase = col_q ? (cu_q.c_half ? AW'(HalfC) : '0) + AW'(colj_q)
                         : (pv_q.c_half ? AW'(HalfC) : '0);
        nx_rstride = col_q ? RsW'(cu_wpr) : RsW'(wpr_nc);
      end
      default: ;
    endcase
  end

  // ---------------------------------------------------------------------------------------------
  // Datapath of this cycle
  // ---------------------------------------------------------------------------------------------
  logic            loading, storing;
  // The beat at the head of the response walk (load) or of the beat walk (store): its index.
  logic [MAW-1:0]  hd_row, hd_end_off;
  logic [BiW-1:0]  hd_beat;
  logic [HdW-1:0]  hd_lo, hd_hi, hd_n;
  logic            hd_last;                   // the last beat of its row
  logic            emit;                      // load: a word leaves the buffer this cycle
  logic [CapW-1:0] fill_e;                    // fill after this cycle's word / write
  logic [CapW:0]   fill_need;                 // at most Cap + MB + WMax < 2 x Cap
  logic            rsp_take;                  // load: a response enters the buffer
  logic            ack_take;                  // store: a write is acknowledged
  logic            req_fire;                  // a request is accepted
  logic            wr_fire;                   // store: a write request is accepted
  logic            pre;                       // the next transfer's request walk starts
  logic            rq_last;                   // load: the request is its row's last beat
  logic [BufW-1:0] ins;
  logic            c_rd, wd_last;
  // A word pair: a load of A or B writes, or a store reads, the row's next word (at the next
  // word address) in the same cycle, into or from the other bank of A, B or C (systolic_top).
  logic            ld_pair, c_pair, pair, pair_last;
  logic [MB-1:0]   strb;

  assign loading   = (state_q == SXfer) && (xk_q != XC);
  assign storing   = (state_q == SXfer) && (xk_q == XC);

  always_comb begin
    hd_row     = loading ? rs_row_q : rq_row_q;
    hd_beat    = loading ? rs_beat_q : rq_beat_q;
    hd_lo      = (hd_row > {hd_beat, LB'(0)}) ? HdW'(hd_row - {hd_beat, LB'(0)}) : HdW'(0);
    hd_end_off = hd_row + MAW'(x_rb_q) - {hd_beat, LB'(0)};
    hd_last    = hd_end_off <= MAW'(MB);
    hd_hi      = hd_last ? HdW'(hd_end_off) : HdW'(MB);
    hd_n       = hd_hi - hd_lo;
    wd_last    = wd_j_q == x_wpr_q - WprW'(1);
    pair_last  = wd_j_q + WprW'(1) == x_wpr_q - WprW'(1);  // the pair's second word ends the row
  end

  // Load: one word out, one response in.
  always_comb begin
    emit      = loading && (32'(fill_q) >= 32'(x_wb_q));
    ld_pair   = emit && ((xk_q == XA) || (xk_q == XB) || (xk_q == XP)) && !wd_last &&
                (32'(fill_q) >= 2 * 32'(x_wb_q));
    fill_e    = fill_q - (emit ? CapW'(x_wb_q) : CapW'(0)) - (ld_pair ? CapW'(x_wb_q) : CapW'(0));
    fill_need = (CapW + 1)'(fill_e) + (CapW + 1)'(hd_n) + (hd_last ? (CapW + 1)'(x_pad_q) : '0);
  end
  assign mem_rsp_ready_o = (loading && (rs_rows_q != '0) && (32'(fill_need) <= 32'(Cap))) ||
                           (storing && (wr_out_q != '0));
  assign rsp_take        = loading && mem_rsp_ready_o && mem_rsp_valid_i;
  assign ack_take        = storing && mem_rsp_ready_o && mem_rsp_valid_i;

  // Requests: load reads the beats of the rows; store writes a beat once its bytes are buffered.
  // (A store's requests are its own: a read ahead starts only after its last write request.)
  assign rq_we           = rq_x_q == XC;
  assign mem_req_valid_o = (rq_rows_q != '0) && (!rq_we || (32'(fill_q) >= 32'(hd_n)));
  assign mem_req_we_o    = rq_we;
  assign mem_req_addr_o  = {rq_beat_q, LB'(0)};
  // The request's tensor: transfer x loads region 1 + SpX (XC stores C).
  always_comb begin
    mem_req_sp_o = '0;
    case (rq_x_q)
      XC:      mem_req_sp_o[SpC] = 1'b1;
      XA:      mem_req_sp_o[SpA] = 1'b1;
      XB, XP:  mem_req_sp_o[SpB] = 1'b1;
      XBias:   mem_req_sp_o[SpBias] = 1'b1;
      XM0:     mem_req_sp_o[SpM0] = 1'b1;
      XShift:  mem_req_sp_o[SpShift] = 1'b1;
      default: ;
    endcase
  end
  assign req_fire        = mem_req_valid_o && mem_req_ready_i;
  assign wr_fire         = req_fire && rq_we;
  assign rq_last         = rq_row_q + MAW'(rq_rb_q) - {rq_beat_q, LB'(0)} <= MAW'(MB);  // modulo 2^MAW: a row may end at 2^MAW
  // The next transfer of this iteration (a load: C is always the first) requests its beats as
  // soon as the running transfer has requested all of its own.
  assign pre             = (state_q == SXfer) && !rq_ahead_q && (rq_rows_q == '0) &&
                           (go_ahead != XNone);

  logic [8*MB-1:0] wdata_sh;
  assign wdata_sh = (8 * MB)'(buf_q << (32'(hd_lo) * 8));
  always_comb begin
    for (int i = 0; i < MB; i++) begin
      strb[i] = storing && rq_we && (rq_rows_q != '0) && (32'(i) >= 32'(hd_lo)) && (32'(i) < 32'(hd_hi));
      mem_req_wdata_o[8*i +: 8] = strb[i] ? wdata_sh[8*i +: 8] : 8'd0;
    end
  end
  assign mem_req_wstrb_o = strb;

  // Store: C word reads while the buffer has room for one more word.
  assign c_rd      = storing && (wd_rows_q != '0) && (!col_q || col_word) &&
                     (32'(fill_q) + (pend_q ? 32'(pend_n_q) : 32'd0) + 32'(x_wb_q) <= 32'(Cap));
  // ... and the row's next word too while the buffer has room for both (and, in the last block's
  // column store, acc_stage has written it).
  assign c_pair    = c_rd && !wd_last && (!col_q || col_word2) &&
                     (32'(fill_q) + (pend_q ? 32'(pend_n_q) : 32'd0) + 2 * 32'(x_wb_q) <= 32'(Cap));
  assign pair      = ld_pair || c_pair;
  assign c_rd_en_o   = c_rd;
  assign c_rd_addr_o = wd_addr_q;
  assign c_rd_pair_o = c_pair;

  // Scratchpad writes (load): the buffer's first word as lanes.
  logic wide;  // BIAS / M0: int32 lanes
  assign wide = (xk_q == XBias) || (xk_q == XM0);
  always_comb begin
    for (int i = 0; i < systolic_pkg::SpadRegions; i++) begin
      wr_en_o[i] = emit && (((i == SpA) && (xk_q == XA)) ||
                            ((i == SpB) && ((xk_q == XB) || (xk_q == XP))) ||
                            ((i == SpBias) && (xk_q == XBias)) || ((i == SpM0) && (xk_q == XM0)) ||
                            ((i == SpShift) && (xk_q == XShift)));
    end
    for (int l = 0; l < Lanes; l++) begin
      wr_data_o[32*l +: 32] = !emit ? 32'd0
                            : wide ? ((l < Cols) ? buf_q[32*l +: 32] : 32'd0)
                            : (32'(l) < 32'(x_wb_q)) ? 32'($signed(buf_q[8*l +: 8])) : 32'd0;
    end
  end
  assign wr_addr_o = emit ? wd_addr_q : '0;
  assign wr_pair_o = ld_pair;
  always_comb begin
    for (int l = 0; l < Lanes; l++) begin
      wr_data1_o[8*l +: 8] = (ld_pair && (32'(l) < 32'(x_wb_q))) ? buf_q[8*(32'(x_wb_q) + 32'(l)) +: 8]
                                                                : 8'd0;
    end
  end

  // Buffer update (continuous assignments: one value per name, for Icarus).
  logic [8*MB-1:0]        beat_masked;
  logic [8*MB-1:0]        beat_bits;  // the row's bytes of the beat, from bit 0
  logic [16*Cols-1:0]     c_masked;  // the C word (and the pair's second) read last cycle
  logic [BufW-1:0]        buf_sh;
  logic [CapW-1:0]        fill_c;
  always_comb begin
    for (int i = 0; i < MB; i++) begin
      beat_masked[8*i +: 8] = ((32'(i) >= 32'(hd_lo)) && (32'(i) < 32'(hd_hi))) ? mem_rsp_rdata_i[8*i +: 8]
                                                                    : 8'd0;
    end
    for (int i = 0; i < Cols; i++) begin
      c_masked[8*i +: 8] = (32'(i) < 32'(pend_n_q)) ? c_rd_data_i[8*i +: 8] : 8'd0;
      c_masked[8*(Cols+i) +: 8] = (32'(Cols + i) < 32'(pend_n_q)) ? c_rd_data1_i[8*i +: 8] : 8'd0;
    end
  end
  assign beat_bits = beat_masked >> (32'(hd_lo) * 8);
  // The buffer after this cycle's word (load) or beat (store) leaves it, and what enters.
  assign buf_sh = (loading && emit) ? (buf_q >> ((ld_pair ? 32'd2 : 32'd1) * 32'(x_wb_q) * 8))
                : (storing && wr_fire) ? (buf_q >> (32'(hd_n) * 8)) : buf_q;
  assign fill_c = loading ? fill_e : (storing && wr_fire) ? fill_q - CapW'(hd_n) : fill_q;
  assign ins    = (loading && rsp_take) ? (BufW'(beat_bits) << (32'(fill_c) * 8))
                : (storing && pend_q) ? (BufW'(c_masked) << (32'(fill_c) * 8)) : '0;
  assign buf_d  = buf_sh | ins;
  assign fill_d = fill_c + ((loading && rsp_take) ? CapW'(hd_n) + (hd_last ? CapW'(x_pad_q) : '0)
                          : (storing && pend_q) ? CapW'(pend_n_q) : CapW'(0));

  // ---------------------------------------------------------------------------------------------
  // Control
  // ---------------------------------------------------------------------------------------------
  logic xfer_end, col_next, tile_idle, tile_go, c_hold, early_go, early_x;
  // The next block starts computing as soon as tile_ctrl takes it (tile_go) and its A is written
  // (SNext at its B or later, loads of it still to run): its B / Q load behind tile_ctrl's gates.
  assign early_go  = (state_q == SNext) && !early_q && tile_go && nx_q.valid &&
                     ((xk_q >= XB) || ilv_q) &&
                     (go != XNone);
  // ... or during its B / BIAS / M0 / SHIFT load (SXfer): the running load becomes cu's, and
  // tile_ctrl starts in the next cycle (tstart_q).
  assign early_x   = (state_q == SXfer) && !early_q && tile_go && nx_q.valid && (xk_q >= XB);
  assign xfer_end  = (loading && emit && (wd_rows_q == XrW'(1)) && (wd_last || (ld_pair && pair_last))) ||
                     (storing && (rq_ahead_q || (rq_rows_q == '0)) && (wr_out_q == '0));
  // A column of the last block's store ends once its writes are requested (their
  // acknowledgements are taken during the next column's; the last column waits for them all).
  assign col_next  = storing && col_q && (col_end < cu_wpr) && (rq_rows_q == '0);
  assign tile_idle = (tile_cnt_q == 2'd0) || ((tile_cnt_q == 2'd1) && tile_done_i);  // done_o: idle
  // tile_ctrl takes the next block when idle, or back to back in the tail of cu (ready_o; the
  // slots of cu's tail carry their own BIAS / M0 / SHIFT base through acc_stage).
  assign tile_go   = tile_idle || ((tile_cnt_q == 2'd1) && tile_ready_i);
  // pv's C is stored only once its tile command is done (pv started before cu, back to back);
  // a column of the last block's only once acc_stage has written all of it.
  assign c_hold    = (state_q == SNext) && (go == XC) &&
                     (((tile_cnt_q == 2'd2) && !tile_done_i) || (col_q && !col_gate));

  always_comb begin
    state_d    = state_q;
    xk_d       = xk_q;
    done_d     = 1'b0;
    err_d      = err_q;
    mb_d       = mb_q;
    nb_d       = nb_q;
    a_outer_d  = a_outer_q;
    a_step_d   = a_step_q;
    c_step_d   = c_step_q;
    mf_d       = mf_q;
    af_step_d  = af_step_q;
    cf_step_d  = cf_step_q;
    b_step_d   = b_step_q;
    kc_d       = kc_q;
    split_d    = split_q;
    pf_d       = pf_q;
    kp_d       = kp_q;
    kl_d       = kl_q;
    pstep_d    = pstep_q;
    pl_row_d   = pl_row_q;
    nx_d       = nx_q;
    cu_d       = cu_q;
    pv_d       = pv_q;
    // (A host command's done_o, with none of ours running, is not counted.)
    tile_cnt_d = tile_cnt_q - 2'(tile_done_i && (tile_cnt_q != 2'd0)) + 2'(tile_start_o);
    early_d    = early_q;
    ko_d       = ko_q;
    tstart_d   = 1'b0;
    col_d      = col_q;
    colj_d     = colj_q;
    ilv_d      = ilv_q;
    grp_d      = grp_q;
    case (state_q)
      SIdle: if (start_i) begin
        state_d = SCheck;
        err_d   = '0;
        col_d   = 1'b0;
        colj_d  = '0;
      end
      SCheck: begin
        if ((check_err != '0) || zero_dim) begin
          state_d = SIdle;
          done_d  = 1'b1;
          err_d   = zero_dim ? '0 : check_err;
        end else begin
          state_d   = SNext;
          xk_d      = XC;
          mb_d      = mbf;
          nb_d      = nbf;
          kc_d      = KcW'(kcf);
          split_d   = split;
          a_outer_d = !split && (t_a < t_b);
          a_step_d  = MAW'(mbf * 64'(ld_a_i));
          c_step_d  = MAW'(mbf * 64'(ld_c_i));
          mf_d      = mff;
          af_step_d = MAW'(mff * 64'(ld_a_i));
          cf_step_d = MAW'(mff * 64'(ld_c_i));
          b_step_d  = MAW'(kcf * 64'(ld_b_i));
          pf_d      = pf_plan;
          kp_d      = pf_plan ? KcW'(pf_kp) : '0;
          kl_d      = pf_plan ? KcW'(pf_kl) : '0;
          pstep_d   = pf_plan ? MAW'(pf_kp * 64'(ld_b_i)) : '0;
          pl_row_d  = dram_b_i + (pf_plan ? MAW'(pf_kl * 64'(ld_b_i)) : '0);
          // The first block: rows, columns and K from 0 (no signal of its own: its offsets and
          // flags are constants), halves 0, loading A, B and BIAS/M0/SHIFT, the first K-chunk.
          nx_d      = {1'b1, DimW'(0), DimW'(0), mff, nbf, DimW'(0), KcW'(kcf),
                       dram_a_i, dram_b_i, dram_c_i, 1'b0, 1'b0, 1'b0, 1'b0, 1'b1, 1'b1, 1'b1,
                       1'b1, kcf >= k_i, 1'b0, KcW'(0), dram_b_i};
          cu_d      = '0;
          pv_d      = '0;
          ko_d      = kto;
          ilv_d     = ilv_plan;
          grp_d     = '0;
        end
      end
      SNext: begin
        if (early_go) begin
          state_d = STile;
          pv_d    = cu_q;
          cu_d    = nx_q;
          nx_d    = succ;
          early_d = 1'b1;
        end else if (go == XNone) begin
          state_d = SWait;
        end else if (!c_hold) begin
          state_d = SXfer;
          xk_d    = go;
        end
      end
      SXfer: begin
        if (col_next) begin
          state_d = SNext;
          colj_d  = NtbW'(32'(colj_q) + 32'(ColG));
        end else if (xfer_end) begin
          state_d = SNext;
          xk_d    = xk_q + 3'd1;
          if (ilv_q && (xk_q == XB)) begin
            // Block 0's group done: the next group's A, or its loads go on as usual.
            if (ilv_more) begin
              xk_d  = XA;
              grp_d = grp_q + GrpW'(1);
            end else begin
              ilv_d = 1'b0;
            end
          end
        end
        if (early_x) begin
          pv_d     = cu_q;
          cu_d     = nx_q;
          nx_d     = succ;
          early_d  = 1'b1;
          tstart_d = 1'b1;
        end
      end
      SWait: if (early_q) begin
        // The computing block's loads are done: the previous block stores, the next one loads.
        state_d = SNext;
        xk_d    = XC;
        early_d = 1'b0;
      end else if (nx_q.valid) begin
        if (tile_go) begin
          // The next block computes; the one after it loads; the one before stores.
          state_d = STile;
          pv_d    = cu_q;
          cu_d    = nx_q;
          nx_d    = succ;
        end
      // (CMPCONST: mc < 2^MbW is at most AccWords in builds whose MbMax is not larger.)
      /* verilator lint_off CMPCONST */
      end else if (cu_q.valid && !col_q && (64'(cu_q.mc) <= 64'(AccWords))) begin
      /* verilator lint_on CMPCONST */
        // The last block: its C stores column by column (ColG N-tiles, a beat or more), each
        // once written (a block of at most AccWords rows writes its final sums N-tile after
        // N-tile), while it computes.
        state_d = SNext;
        xk_d    = XC;
        col_d   = 1'b1;
        colj_d  = '0;
      end else if (tile_idle) begin
        if (cu_q.valid && !col_q) begin
          // The last block has computed: store it.
          state_d  = SNext;
          xk_d     = XC;
          pv_d     = cu_q;
          cu_d     = '0;
        end else begin
          state_d = SIdle;
          done_d  = 1'b1;
        end
      end
      STile: begin
        state_d    = SNext;
        xk_d       = early_q ? xk_q : XC;  // early: its own B / Q next
      end
      // Coverage: unreachable (state_q holds one of the six states above; its two other encodings
      // are never assigned), kept so that a corrupted state returns to idle.
      /* verilator coverage_off */
      default: state_d = SIdle;
      /* verilator coverage_on */
    endcase
  end

  always_comb begin
    x_ld_d = x_ld_q; x_rb_d = x_rb_q; x_wb_d = x_wb_q; x_wpr_d = x_wpr_q; x_pad_d = x_pad_q;
    x_rstride_d = x_rstride_q;
    rq_rows_d = rq_rows_q; rq_row_d = rq_row_q; rq_beat_d = rq_beat_q;
    rq_ld_d = rq_ld_q; rq_rb_d = rq_rb_q; rq_x_d = rq_x_q; rq_ahead_d = rq_ahead_q;
    rs_rows_d = rs_rows_q; rs_row_d = rs_row_q; rs_beat_d = rs_beat_q;
    wd_rows_d = wd_rows_q; wd_j_d = wd_j_q; wd_addr_d = wd_addr_q; wd_row_d = wd_row_q;
    pend_d = c_rd;
    pend_n_d = c_pair ? PnW'(x_wb_q) + (pair_last ? PnW'(x_pad_q) : PnW'(x_wb_q))
             : wd_last ? PnW'(x_pad_q) : PnW'(x_wb_q);
    wr_out_d = wr_out_q + OutW'(wr_fire) - OutW'(ack_take);
    // Request / beat walk.
    if (req_fire) begin
      if (rq_last) begin
        rq_rows_d = rq_rows_q - XrW'(1);
        rq_row_d  = rq_row_q + rq_ld_q;
        rq_beat_d = BiW'((rq_row_q + rq_ld_q) >> LB);
      end else begin
        rq_beat_d = rq_beat_q + BiW'(1);
      end
    end
    // Response walk.
    if (rsp_take) begin
      if (hd_last) begin
        rs_rows_d = rs_rows_q - XrW'(1);
        rs_row_d  = rs_row_q + x_ld_q;
        rs_beat_d = BiW'((rs_row_q + x_ld_q) >> LB);
      end else begin
        rs_beat_d = rs_beat_q + BiW'(1);
      end
    end
    // Word walk.
    if (emit || c_rd) begin
      if (wd_last || (pair && pair_last)) begin
        wd_rows_d = wd_rows_q - XrW'(1);
        wd_j_d    = '0;
        wd_row_d  = wd_row_q + AW'(x_rstride_q);
        wd_addr_d = wd_row_q + AW'(x_rstride_q);
      end else if (pair) begin
        wd_j_d    = wd_j_q + WprW'(2);
        wd_addr_d = wd_addr_q + AW'(2);
      end else begin
        wd_j_d    = wd_j_q + WprW'(1);
        wd_addr_d = wd_addr_q + AW'(1);
      end
    end
    // The next transfer's reads start ahead: the request walk's descriptor.
    if (pre) begin
      rq_rows_d = nx_rows; rq_row_d = nx_addr; rq_beat_d = BiW'(nx_addr >> LB);
      rq_ld_d = nx_ld; rq_rb_d = nx_rb; rq_x_d = go_ahead; rq_ahead_d = 1'b1;
    end
    // A transfer starts: its descriptor (the request walk's too, unless it started ahead).
    if ((state_q == SNext) && (go != XNone) && !early_go && !c_hold) begin
      x_ld_d = nx_ld; x_rb_d = nx_rb; x_wb_d = nx_wb; x_wpr_d = nx_wpr; x_pad_d = nx_pad;
      x_rstride_d = nx_rstride;
      rq_ahead_d = 1'b0;
      if (!rq_ahead_q) begin
        rq_rows_d = nx_rows; rq_row_d = nx_addr; rq_beat_d = BiW'(nx_addr >> LB);
        rq_ld_d = nx_ld; rq_rb_d = nx_rb; rq_x_d = go;
      end
      rs_rows_d = nx_rows; rs_row_d = nx_addr; rs_beat_d = BiW'(nx_addr >> LB);
      wd_rows_d = nx_rows; wd_j_d = '0; wd_addr_d = nx_sbase; wd_row_d = nx_sbase;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= SIdle;
      xk_q <= XC;
      done_q <= 1'b0;
      err_q <= '0;
      mb_q <= '0; nb_q <= '0; a_outer_q <= 1'b0; a_step_q <= '0; c_step_q <= '0;
      b_step_q <= '0; kc_q <= '0; split_q <= 1'b0;
      mf_q <= '0; af_step_q <= '0; cf_step_q <= '0;
      pf_q <= 1'b0; kp_q <= '0; kl_q <= '0; pstep_q <= '0; pl_row_q <= '0;
      nx_q <= '0; cu_q <= '0; pv_q <= '0;
      tile_cnt_q <= '0;
      early_q <= 1'b0; ko_q <= 1'b0; tstart_q <= 1'b0;
      x_ld_q <= '0; x_rb_q <= '0; x_wb_q <= '0; x_wpr_q <= '0; x_pad_q <= '0;
      x_rstride_q <= '0;
      rq_rows_q <= '0; rq_row_q <= '0; rq_beat_q <= '0;
      rq_ld_q <= '0; rq_rb_q <= '0; rq_x_q <= XNone; rq_ahead_q <= 1'b0;
      rs_rows_q <= '0; rs_row_q <= '0; rs_beat_q <= '0;
      wd_rows_q <= '0; wd_j_q <= '0; wd_addr_q <= '0; wd_row_q <= '0;
      buf_q <= '0; fill_q <= '0;
      pend_q <= 1'b0; pend_n_q <= '0; wr_out_q <= '0;
      col_q <= 1'b0; colj_q <= '0; ccnt_q[0] <= '0; ccnt_q[1] <= '0;
      ilv_q <= 1'b0; grp_q <= '0;
    end else begin
      state_q <= state_d;
      xk_q <= xk_d;
      done_q <= done_d;
      err_q <= err_d;
      mb_q <= mb_d; nb_q <= nb_d; a_outer_q <= a_outer_d; a_step_q <= a_step_d;
      c_step_q <= c_step_d;
      b_step_q <= b_step_d; kc_q <= kc_d; split_q <= split_d;
      mf_q <= mf_d; af_step_q <= af_step_d; cf_step_q <= cf_step_d;
      pf_q <= pf_d; kp_q <= kp_d; kl_q <= kl_d; pstep_q <= pstep_d; pl_row_q <= pl_row_d;
      nx_q <= nx_d; cu_q <= cu_d; pv_q <= pv_d;
      tile_cnt_q <= tile_cnt_d;
      early_q <= early_d; ko_q <= ko_d; tstart_q <= tstart_d;
      x_ld_q <= x_ld_d; x_rb_q <= x_rb_d; x_wb_q <= x_wb_d; x_wpr_q <= x_wpr_d;
      x_pad_q <= x_pad_d; x_rstride_q <= x_rstride_d;
      rq_rows_q <= rq_rows_d; rq_row_q <= rq_row_d; rq_beat_q <= rq_beat_d;
      rq_ld_q <= rq_ld_d; rq_rb_q <= rq_rb_d; rq_x_q <= rq_x_d; rq_ahead_q <= rq_ahead_d;
      rs_rows_q <= rs_rows_d; rs_row_q <= rs_row_d; rs_beat_q <= rs_beat_d;
      wd_rows_q <= wd_rows_d; wd_j_q <= wd_j_d; wd_addr_q <= wd_addr_d; wd_row_q <= wd_row_d;
      buf_q <= buf_d; fill_q <= fill_d;
      pend_q <= pend_d; pend_n_q <= pend_n_d; wr_out_q <= wr_out_d;
      col_q <= col_d; colj_q <= colj_d; ccnt_q[0] <= ccnt_d[0]; ccnt_q[1] <= ccnt_d[1];
      ilv_q <= ilv_d; grp_q <= grp_d;
    end
  end

  // C words written per half while busy; a block's first K-chunk clears its half's count.
  logic c_wr_hi;  // the write is in C's second half
  if (HalfC == 0) begin : g_c_wr_hi0
    logic unused_c_wr_addr;
    assign unused_c_wr_addr = ^c_wr_addr_i;
    assign c_wr_hi = 1'b1;  // (no memory command runs: the check refuses HalfC = 0)
  end else begin : g_c_wr_hi
    assign c_wr_hi = c_wr_addr_i >= AW'(HalfC);
  end
  always_comb begin
    for (int h = 0; h < 2; h++) begin
      ccnt_d[h] = ccnt_q[h];
      if (busy_o && c_wr_en_i && (c_wr_hi == (h == 1))) begin
        ccnt_d[h] = ccnt_q[h] + CcW'(1);
      end
      if (tile_start_o && cu_q.kfirst && (cu_q.c_half == (h == 1))) ccnt_d[h] = '0;
    end
  end

  logic tile_busy, no_tile_left;
  assign tile_busy    = !tile_idle;
  assign no_tile_left = !nx_q.valid && (!cu_q.valid || col_q || tile_done_i);
  assign busy_o       = state_q != SIdle;
  assign done_o       = done_q;
  assign err_o        = done_q ? err_q : '0;
  assign tile_start_o = (state_q == STile) || tstart_q;
  assign ph_store_o   = busy_o && (state_q != SCheck) && !tile_busy && no_tile_left;
  assign ph_load_o    = busy_o && !tile_busy && !ph_store_o;

  // ---------------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------------
  // The staging buffer never overflows; a store never answers more writes than it issued.
  `SYS_ASSERT(BufCap_A, 32'(fill_q) <= 32'(Cap))
  // A word pair is two consecutive words of one row (systolic_top's banks by parity) of A or B
  // in a load or of C in a store, both full (a load's first word leaves a whole word of the row
  // behind it).
  `SYS_ASSERT(PairKind_A, !pair || (ld_pair ? ((xk_q == XA) || (xk_q == XB) || (xk_q == XP))
                                            : (storing && (xk_q == XC))))
  `SYS_ASSERT(PairRow_A, !pair || (32'(wd_j_q) + 32'd1 < 32'(x_wpr_q)))
  `SYS_COVER(LoadPair_C, ld_pair && (xk_q == XA))
  `SYS_COVER(LoadPairB_C, ld_pair && (xk_q == XB))
  `SYS_COVER(PrefetchPair_C, ld_pair && (xk_q == XP))
  `SYS_COVER(StorePair_C, c_pair)
  `SYS_COVER(ColPair_C, c_pair && col_q)
  `SYS_ASSERT(WrOut_A, !(storing && mem_rsp_valid_i && (wr_out_q == '0) && !rq_ahead_q))
  // No response arrives while idle; a response is taken only by a transfer that awaits one.
  `SYS_ASSERT(RspIdle_A, !(mem_rsp_valid_i && !busy_o))
  `SYS_ASSERT(RspTake_A, !(mem_rsp_valid_i && mem_rsp_ready_o &&
                           !((loading && (rs_rows_q != '0)) || (storing && (wr_out_q != '0)))))
  // A request walk started ahead is a load's, and it starts only once the running transfer has
  // requested everything.
  `SYS_ASSERT(AheadRead_A, !(rq_ahead_q && rq_we))
  // The reads started ahead are those of the transfer that starts next.
  `SYS_ASSERT(AheadKind_A, !((state_q == SNext) && (go != XNone) && rq_ahead_q) || (go == rq_x_q))
  // A request names its tensor's scratchpad: one region, C exactly for the writes.
  `SYS_ASSERT(ReqSp_A, !mem_req_valid_o || (($countones(mem_req_sp_o) == 1) &&
                                            (mem_req_sp_o[SpC] == mem_req_we_o)))
  // Requests address whole beats.
  `SYS_ASSERT(MemAligned_A, !mem_req_valid_o || ((mem_req_addr_o & MAW'(MB - 1)) == '0))
`ifndef SYNTHESIS
  // Cover points (scripts/coverage.sh): a memory command that runs several tile commands (blocks
  // or K-chunks), one whose next block loads while a tile computes, and a request held by the
  // memory (mem_req_ready_i low).
  logic tiled_q;  // tile_ctrl started in this command
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) tiled_q <= 1'b0;
    else if (start_i && !busy_o) tiled_q <= 1'b0;
    else if (tile_start_o) tiled_q <= 1'b1;
  end
  `SYS_COVER(SecondTile_C, tile_start_o && tiled_q)
  `SYS_COVER(LoadUnderTile_C, loading && tile_busy)
  `SYS_COVER(ReqHeld_C, mem_req_valid_o && !mem_req_ready_i)
  // A block started while one of its own loads runs (its B or Q behind tile_ctrl's gates).
  `SYS_COVER(StartDuringLoad_C, tstart_q)
  // A block started back to back (in the tail of the one before); pv's C store waiting for it.
  `SYS_COVER(BackToBack_C, tile_start_o && (tile_cnt_q == 2'd1) && !tile_done_i)
  `SYS_COVER(StoreHold_C, c_hold)
  // The last block's C stores by columns while it still computes.
  `SYS_COVER(ColStore_C, storing && col_q && tile_busy)
  // ... a column's read waiting for acc_stage to write its word (the column already started).
  `SYS_COVER(ColWordWait_C, storing && col_q && (wd_rows_q != '0) && !col_word)
  // The handshake: a request not accepted stays up, unchanged, on the next cycle (valid, we,
  // addr, wdata, wstrb and its tensor), as the memory may sample it then.
  logic                  held_q, held_we_q;
  logic [BiW-1:0]        held_beat_q;  // (mem_req_addr_o's beat index)
  logic [8*MB-1:0]       held_wdata_q;
  logic [MB-1:0]         held_wstrb_q;
  logic [systolic_pkg::SpadRegions-1:0] held_sp_q;
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      held_q <= 1'b0; held_we_q <= 1'b0; held_beat_q <= '0; held_wdata_q <= '0;
      held_wstrb_q <= '0; held_sp_q <= '0;
    end else begin
      held_q <= mem_req_valid_o && !mem_req_ready_i;
      held_we_q <= mem_req_we_o; held_beat_q <= rq_beat_q; held_wdata_q <= mem_req_wdata_o;
      held_wstrb_q <= mem_req_wstrb_o; held_sp_q <= mem_req_sp_o;
    end
  end
  `SYS_ASSERT(ReqStable_A, !held_q || (mem_req_valid_o && (mem_req_we_o == held_we_q) &&
                                        (mem_req_addr_o == {held_beat_q, LB'(0)}) &&
                                        (mem_req_wdata_o == held_wdata_q) &&
                                        (mem_req_wstrb_o == held_wstrb_q) &&
                                        (mem_req_sp_o == held_sp_q)))
`endif
  // tile_ctrl starts only when it takes a command (ready_o: idle, or in the tail of the one
  // before), and the halves a transfer writes are not the ones it reads: a load writes nx's
  // halves, never cu's (unless they hold the same resident operand).
  `SYS_ASSERT(TileStartReady_A, !tile_start_o || tile_ready_i)
  // At most two blocks in tile_ctrl (cu, and pv in its tail).
  `SYS_ASSERT(TileCount_A, tile_cnt_q != 2'd3)
  // (Block 0 loads its own B and Q while it computes: early_q, behind tile_ctrl's gates.)
  `SYS_ASSERT(LoadHalfA_A, !(loading && (xk_q == XA) && tile_busy && !ilv_q &&
                             (nx_q.a_half == cu_q.a_half)))
  `SYS_ASSERT(LoadHalfB_A, !(loading && (xk_q == XB) && tile_busy && !early_q &&
                             (nx_q.b_half == cu_q.b_half)))
  `SYS_ASSERT(LoadHalfQ_A, !(loading && (xk_q > XB) && (xk_q <= XShift) && tile_busy &&
                             !early_q && (nx_q.q_half == cu_q.q_half)))
  // A prefetch part goes to the half the computing block's B is not in.
  `SYS_ASSERT(LoadHalfP_A, !(loading && (xk_q == XP) && tile_busy && (ld_q.b_half != cu_q.b_half)))
  // An early block starts only after its A: tile_ctrl is never started before xk_q reaches XB.
  `SYS_ASSERT(EarlyAfterA_A, !(tile_start_o && early_q && (xk_q < XB) && !ilv_q))
  // Block 0 interleaved: its A transfers are its own (early), and the B rows reported never
  // exceed the A columns written (a group's A before its B rows).
  `SYS_ASSERT(IlvOwn_A, !(ilv_q && loading) || early_q)
  `SYS_ASSERT(IlvGate_A, !(ilv_q && early_q && cu_q.load_b) ||
                         (32'(tile_b_rows_o) <= ((xk_q == XB) ? 32'(ilv_end) : 32'(ilv_k0))))
  `SYS_ASSERT(StoreHalfC_A, !(storing && !col_q && tile_busy && (pv_q.c_half == cu_q.c_half)))
  // The last block's column store reads only C words acc_stage has written, of the last block
  // (its last K-chunk): the word's N-tile (colj + wd_j) has its rows up to the word's row
  // (mc - wd_rows) written, and the column is the block's.
  `SYS_ASSERT(ColGate_A, !(storing && col_q && c_rd) ||
                        ((64'(ccnt_q[cu_q.c_half]) > (64'(colj_q) + 64'(wd_j_q)) * 64'(cu_q.mc) +
                                                      64'(cu_q.mc) - 64'(wd_rows_q)) &&
                         (64'(colj_q) + 64'(wd_j_q) < 64'(cu_wpr))))
  // A half's C count stays within the half (CcW bits): acc_stage writes each C word of a block
  // once, and a block's C fits its half.
  // The plan's K per block (24 bits, before it narrows into kc_q) is within KcMax: its B fits
  // half of B and its A half of A, the bounds KcW is sized by.
  `SYS_ASSERT(KcBound_A, !((state_q == SCheck) && (check_err == '0) && !zero_dim) ||
                         (64'(kcf) <= 64'(KcMax)))
  // The plan's rows per block (before they narrow into MbW bits) are within MbMax.
  `SYS_ASSERT(MbBound_A, !((state_q == SCheck) && (check_err == '0) && !zero_dim) ||
                         (64'(split ? 64'(mbs) : 64'(mb)) <= 64'(MbMax)))
  // ... and so are a tall first block's (fbh, before it narrows into mf_q; without one the
  // operand is mb, MbBound_A's, so that the comparison is not constant in the smallest builds).
  `SYS_ASSERT(MfBound_A, !((state_q == SCheck) && (check_err == '0) && !zero_dim) ||
                         (64'(fb_plan ? 64'(fbh) : 64'(mb)) <= 64'(MbMax)))
  // The one-panel cut's block count, a power of two, fits its MqnW bits (narrowed, one that did
  // not would be 0).
  `SYS_ASSERT(MqnBound_A, !(state_q == SCheck) || (mqn != '0))
  // A w4a8 A row's stride, twice its K-tiles, fits RsW bits (its K-tiles are at most HalfA / 2).
  `SYS_ASSERT(RStride_A, !((state_q == SNext) && (go == XA) && w4a8) ||
                         (64'(wpr_kc) * 64'd2 < (64'd1 << RsW)))
  `SYS_ASSERT(CCount_A, !(busy_o && c_wr_en_i && (HalfC != 0) && (32'(ccnt_q[c_wr_hi]) >= 32'(HalfC))))
  `SYS_ASSERT(ColLast_A, !(busy_o && col_q) || (cu_q.valid && cu_q.klast && !nx_q.valid))

endmodule
