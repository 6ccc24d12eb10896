// tb_systolic_top: Icarus Verilog (iverilog -g2012) test of rtl/systolic_top.sv through its host
// port, against values and cycles computed here from docs/architecture.md section 4.
//
//   iverilog -g2012 -s tb_systolic_top -o tb_systolic_top.vvp rtl/*.sv \
//            testbench/tb_systolic_top.sv
//   vvp -n tb_systolic_top.vvp
//
// Rows = Cols = 4, RequantDepth = 3 by default (parameters: Rows, Cols 2..8, e.g.
// -P tb_systolic_top.Rows=3), small scratchpads. Every command is loaded through the host
// port only (A word a_base + m*KT + kt lane k mod Rows, B word b_base + nt*K + k lane n mod Cols,
// BIAS/M0/SHIFT word q_base + nt), with junk in every A lane k >= K and every B row k >= K of the
// last N-tile and in every lane n >= N, and a sentinel (unreachable through the clamp bounds) in
// every C element around and inside the result. Requantization uses M0 = 2^30 and shift 1
// (y = a exactly) or 0 (y = floor((a + 1) / 2)) per column, in both rounding modes, so that
// C[m][n] = clamp(y(dot(A[m], B[:, n]) + bias[n]) + zp_out, act_min, act_max) is computed here.
//
// Checks:
//   - every C element, and the sentinel in every C element the command must not write;
//   - the tile schedule: tiles nt outer, M-block mb (AccWords rows) in the middle, kt inner, tile
//     i with M_i = min(AccWords, M - mb*AccWords) slots; wl_i, s_i, e_i = s_i + M_i - 1 from the
//     doc's recurrences, compared in every cycle with the weight-row issues (row, B word), the
//     slot issues (accumulator row j, A word of row m = mb*AccWords + j) and the C writes (word)
//     inside the DUT (white box), and busy_o = 1 exactly in cycles 0 .. X_last + RequantDepth,
//     done_o = 1 exactly in the next cycle; commands with M > AccWords (several M-blocks: full
//     and partial last blocks, a last block of one row, an exact multiple of AccWords);
//   - CYC_BUSY, and each of CYC_WSTALL, CYC_COMPUTE, CYC_DRAIN, CYC_OUTPUT (whose sum must be
//     CYC_BUSY), MACS_LO = M*N*K, MACS_HI = 0;
//   - host port: reset values, 1-cycle read latency and holding rdata, sign extension, missing
//     regions / words / lanes, writes ignored while busy (registers, A, C, start), A reads 0 while
//     busy, a C read in the cycle of the engine write returns the old value, commands
//     without tiles (M = 0, N = 0, K = 0: busy for cycle 0 only).
// With Dataflow = 3 (-P tb_systolic_top.Dataflow=3) three output-stationary commands follow
// (DATAFLOW = 1, A loaded K-major: word a_base + mt*K + k, lane m mod Rows, junk in the lanes of
// rows >= M): every C element, and CYC_BUSY, the phases and MACS against the OS schedule of
// docs/architecture.md ("Output-stationary schedule"), computed here.
// Ends with "tb_systolic_top: N passed, 0 failed" and $finish, or $fatal.
`timescale 1ns / 1ps

module tb_systolic_top #(
  parameter int Rows         = 4,  // 2..8 (the commands below are sized for these)
  parameter int Cols         = 4,  // 2..8
  parameter int RequantDepth = 3,
  parameter int WeightBanks  = 2,  // 1: every tile's load waits for the previous tile's stream
  parameter int Dataflow     = 1   // 3: also output-stationary commands at the end
);

  localparam int AWords   = 64;
  localparam int BWords   = 64;
  localparam int CWords   = 64;
  localparam int QWords   = 8;
  localparam int AccWords = 8;

  localparam int MaxM      = 19;
  localparam int MaxN      = 16;
  localparam int MaxK      = 48;  // the memory command's K = 40 runs in K-chunks
  localparam int MaxTiles  = ((MaxN + Cols - 1) / Cols) * ((MaxM + AccWords - 1) / AccWords) *
                             ((MaxK + Rows - 1) / Rows);
  localparam int MaxCyc    = 512;
  localparam int MaxFailed = 10;
  localparam int Sentinel  = -120;  // below every ACT_MIN used: never an engine result
  localparam int Junk      = 8'h55;

  logic        clk = 1'b0;
  logic        rst_n = 1'b0;
  logic        host_req = 1'b0;
  logic        host_we = 1'b0;
  logic [31:0] host_addr = '0;
  logic [31:0] host_wdata = '0;
  logic        host_rvalid;
  logic [31:0] host_rdata;
  logic        busy, done;

  systolic_top #(
    .Rows        (Rows),
    .Cols        (Cols),
    .AWords      (AWords),
    .BWords      (BWords),
    .CWords      (CWords),
    .QWords      (QWords),
    .AccWords    (AccWords),
    .RequantDepth(RequantDepth),
    .WeightBanks (WeightBanks),
    .Dataflow    (Dataflow)
  ) dut (
    .clk_i        (clk),
    .rst_ni       (rst_n),
    .host_req_i   (host_req),
    .host_we_i    (host_we),
    .host_addr_i  (host_addr),
    .host_wdata_i (host_wdata),
    .host_rvalid_o(host_rvalid),
    .host_rdata_o (host_rdata),
    .busy_o       (busy),
    .done_o       (done),
    // The memory port: the behavioural memory below (memory commands at the end).
    .mem_req_valid_o(mreq_valid),
    .mem_req_ready_i(mreq_ready),
    .mem_req_we_o   (mreq_we),
    .mem_req_addr_o (mreq_addr),
    .mem_req_wdata_o(mreq_wdata),
    .mem_req_wstrb_o(mreq_wstrb),
    .mem_rsp_valid_i(mrsp_valid),
    .mem_rsp_ready_o(mrsp_ready),
    .mem_rsp_rdata_i(mrsp_rdata)
  );

  // ---------------------------------------------------------------------------------------------
  // A behavioural memory on the memory port: 8 KiB, requests accepted in pseudo-random cycles,
  // answered in order 3 cycles later. Writes apply their strobed bytes; a write outside the
  // window [wr_lo, wr_hi) counts as a failure.
  // ---------------------------------------------------------------------------------------------
  localparam int MB = 2 ** systolic_pkg::MemBytesLog2Default;
  localparam int MemBytes = 8192, RspDepth = 64, Latency = 3;
  logic              mreq_valid, mreq_we, mrsp_ready;
  logic [31:0]       mreq_addr;
  logic [8*MB-1:0]   mreq_wdata;
  logic [8*MB-1:0]   mrsp_rdata = '0;
  logic [MB-1:0]     mreq_wstrb;
  logic              mreq_ready = 1'b0;
  logic              mrsp_valid = 1'b0;
  logic [7:0]        mem [MemBytes];
  logic [8*MB-1:0]   rsp_data [RspDepth];
  int                rsp_due [RspDepth];
  int                rsp_head = 0, rsp_count = 0;
  int                wr_lo = 0, wr_hi = 0, stray_writes = 0, mem_beats = 0;


  always @(posedge clk) begin
    int tail;
    logic [8*MB-1:0] beat;
    mreq_ready <= (next_rand() % 4) != 0;
    if (mrsp_valid && mrsp_ready) begin
      rsp_head = (rsp_head + 1) % RspDepth;
      rsp_count = rsp_count - 1;
    end
    if (mreq_valid && mreq_ready) begin
      mem_beats++;
      beat = '0;
      for (int i = 0; i < MB; i++) begin
        if (mreq_we && mreq_wstrb[i]) begin
          if (int'(mreq_addr) + i < wr_lo || int'(mreq_addr) + i >= wr_hi) stray_writes++;
          mem[int'(mreq_addr) + i] = mreq_wdata[8*i +: 8];
        end
        beat[8*i +: 8] = mem[int'(mreq_addr) + i];
      end
      tail = (rsp_head + rsp_count) % RspDepth;
      rsp_data[tail] = beat;
      rsp_due[tail] = cyc + Latency;
      rsp_count = rsp_count + 1;
    end
    // The response of the next cycle (cyc is its number minus one here).
    mrsp_valid <= rsp_count > 0 && rsp_due[rsp_head] <= cyc + 1;
    mrsp_rdata <= rsp_data[rsp_head];
  end

  always #5 clk = ~clk;

  // Cycle count: incremented by every rising edge; the main thread and the monitor act at falling
  // edges, in the middle of cycle `cyc`.
  int cyc = 0;
  always @(posedge clk) cyc <= cyc + 1;

  int passed = 0, failed = 0;
  bit [31:0] rng = 32'h1234_5678;

  function automatic bit [31:0] next_rand();
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
  endfunction

  // A value in lo .. hi.
  function automatic int rand_range(input int lo, input int hi);
    return lo + int'(next_rand() % (hi - lo + 1));
  endfunction

  function automatic int max2(input int x, input int y);
    return (x > y) ? x : y;
  endfunction

  function automatic int ceil_div(input int x, input int y);
    return (x + y - 1) / y;
  endfunction

  function automatic bit [31:0] haddr(input int region, input int word, input int lane);
    return {4'(region), 20'(word), 8'(lane)};
  endfunction

  task automatic fail(input string msg);
    failed++;
    $display("tb_systolic_top: MISMATCH at cycle %0d: %s", cyc, msg);
    if (failed >= MaxFailed) begin
      $fatal(1, "tb_systolic_top: %0d passed, %0d failed (stopped after %0d failures)", passed,
             failed, MaxFailed);
    end
  endtask

  task automatic check(input bit ok, input string msg);
    if (ok) passed++;
    else fail(msg);
  endtask

  // ---------------------------------------------------------------------------------------------
  // Host port (called at a falling edge; returns at the falling edge one cycle later)
  // ---------------------------------------------------------------------------------------------
  task automatic host_write(input bit [31:0] addr, input bit [31:0] data);
    host_req   = 1'b1;
    host_we    = 1'b1;
    host_addr  = addr;
    host_wdata = data;
    @(negedge clk);
    host_req   = 1'b0;
    host_we    = 1'b0;
    host_wdata = next_rand();  // junk while idle
  endtask

  task automatic host_read(input bit [31:0] addr, output bit [31:0] data);
    host_req  = 1'b1;
    host_we   = 1'b0;
    host_addr = addr;
    @(negedge clk);
    host_req  = 1'b0;
    check(host_rvalid === 1'b1, $sformatf("host_rvalid_o = %b after a read of %h", host_rvalid,
                                          addr));
    data = host_rdata;
  endtask

  task automatic expect_read(input bit [31:0] addr, input bit [31:0] expected, input string what);
    bit [31:0] got;
    host_read(addr, got);
    check(got === expected, $sformatf("%s (address %h): read %h, expected %h", what, addr, got,
                                      expected));
  endtask

  localparam int RegCtrl = 0, RegStatus = 1, RegM = 2, RegN = 3, RegK = 4, RegABase = 5;
  localparam int RegBBase = 6, RegCBase = 7, RegQBase = 8, RegZpOut = 9, RegActMin = 10;
  localparam int RegActMax = 11, RegRounding = 12, RegCycBusy = 16, RegCycWstall = 17;
  localparam int RegCycCompute = 18, RegCycDrain = 19, RegCycOutput = 20, RegMacsLo = 21;
  localparam int RegMacsHi = 22, RegRows = 24, RegCols = 25;

  function automatic bit [31:0] reg_addr(input int idx);
    return haddr(0, 0, idx);
  endfunction

  // ---------------------------------------------------------------------------------------------
  // The command under test and its expected schedule
  // ---------------------------------------------------------------------------------------------
  int cm, cn, ck, ckt, cnt_n, cmb, a_base, b_base, c_base, q_base, zp, act_min, act_max;
  int rounding;
  int a_val[MaxM][MaxK];
  int b_val[MaxK][MaxN];
  int bias[MaxN], shift[MaxN];
  int tiles, busy_len;
  int wl[MaxTiles], s_start[MaxTiles], e_end[MaxTiles], m_i[MaxTiles];
  // Per cycle of the command (relative to cycle 0): what the DUT must issue / write.
  bit exp_wl[MaxCyc], exp_s[MaxCyc], exp_cwr[MaxCyc];
  int exp_wl_row[MaxCyc], exp_wl_word[MaxCyc], exp_wl_kv[MaxCyc];
  int exp_s_j[MaxCyc], exp_s_word[MaxCyc], exp_cwr_word[MaxCyc];
  int exp_wstall, exp_compute, exp_drain, exp_output;

  int c0 = 1 << 30;   // cycle 0 of the running command
  bit mon_on = 1'b0;  // the monitor checks the schedule
  int done_pulses = 0;

  task automatic build_schedule;
    int x_last, nt, mb, kt, kv, m;
    tiles = cm * cn * ck == 0 ? 0 : cnt_n * cmb * ckt;
    for (int t = 0; t < MaxCyc; t++) begin
      exp_wl[t]  = 1'b0;
      exp_s[t]   = 1'b0;
      exp_cwr[t] = 1'b0;
    end
    if (tiles == 0) begin
      busy_len    = 1;
      exp_wstall  = 0;
      exp_compute = 0;
      exp_drain   = 0;
      exp_output  = 1;
    end
    exp_compute = 0;
    // Tiles nt outer, M-block mb in the middle, kt inner; tile i streams M_i slots.
    for (int i = 0; i < tiles; i++) begin
      nt     = i / (cmb * ckt);
      mb     = (i / ckt) % cmb;
      kt     = i % ckt;
      kv     = (ck - kt * Rows < Rows) ? ck - kt * Rows : Rows;
      m_i[i] = (cm - mb * AccWords < AccWords) ? cm - mb * AccWords : AccWords;
      if (i == 0) wl[i] = 0;
      else if (i < WeightBanks) wl[i] = wl[i-1] + Rows;
      else wl[i] = max2(wl[i-1] + Rows, e_end[i-WeightBanks] + Cols - 1);
      s_start[i] = max2(wl[i] + 1, (i == 0) ? 1 : e_end[i-1] + 1);
      e_end[i]   = s_start[i] + m_i[i] - 1;
      $display("tb_systolic_top:  tile %0d (nt %0d, mb %0d, kt %0d, M_i %0d): wl %0d s %0d e %0d",
               i, nt, mb, kt, m_i[i], wl[i], s_start[i], e_end[i]);
      for (int r = 0; r < Rows; r++) begin
        exp_wl[wl[i] + r]      = 1'b1;
        exp_wl_row[wl[i] + r]  = r;
        exp_wl_word[wl[i] + r] = b_base + nt * ck + kt * Rows + r;  // independent of mb
        exp_wl_kv[wl[i] + r]   = kv;
      end
      for (int j = 0; j < m_i[i]; j++) begin
        m = mb * AccWords + j;
        exp_s[s_start[i] + j]      = 1'b1;
        exp_s_j[s_start[i] + j]    = j;
        exp_s_word[s_start[i] + j] = a_base + m * ckt + kt;
        if (kt == ckt - 1) begin
          exp_cwr[s_start[i] + j + Rows + Cols + RequantDepth]      = 1'b1;
          exp_cwr_word[s_start[i] + j + Rows + Cols + RequantDepth] = c_base + m * cnt_n + nt;
        end
      end
      exp_compute += m_i[i];
    end
    if (tiles > 0) begin
      x_last      = e_end[tiles-1] + Rows + Cols;
      busy_len    = x_last + RequantDepth + 1;
      exp_wstall  = e_end[tiles-1] + 1 - exp_compute;
      exp_drain   = x_last - e_end[tiles-1] - 1;
      exp_output  = RequantDepth + 1;
    end
    if (busy_len + 2 > MaxCyc) $fatal(1, "tb_systolic_top: MaxCyc too small");
  endtask

  // Every cycle around a command: ports and the issue decisions inside the DUT.
  always @(negedge clk) begin
    int t;
    if (mon_on) begin
      t = cyc - c0;
      if (busy !== (t >= 0 && t < busy_len)) begin
        fail($sformatf("command cycle %0d: busy_o = %b (busy cycles 0 .. %0d)", t, busy,
                       busy_len - 1));
      end else if (done !== (t == busy_len)) begin
        fail($sformatf("command cycle %0d: done_o = %b (done cycle %0d)", t, done, busy_len));
      end else if (t >= 0 && t < MaxCyc) begin
        if (dut.wl_issue !== exp_wl[t] ||
            (exp_wl[t] && 32'(dut.wl_row) !== 32'(exp_wl_row[t]))) begin
          fail($sformatf("command cycle %0d: weight row issue %b row %0d, expected %b row %0d", t,
                         dut.wl_issue, dut.wl_row, exp_wl[t], exp_wl_row[t]));
        end else if (exp_wl[t] && exp_wl_row[t] < exp_wl_kv[t] &&
                     (dut.wl_zero !== 1'b0 || 64'(dut.wl_addr) !== 64'(exp_wl_word[t]))) begin
          fail($sformatf("command cycle %0d: weight row %0d zero %b B word %0d, expected 0 %0d", t,
                         dut.wl_row, dut.wl_zero, dut.wl_addr, exp_wl_word[t]));
        end else if (exp_wl[t] && exp_wl_row[t] >= exp_wl_kv[t] && dut.wl_zero !== 1'b1) begin
          fail($sformatf("command cycle %0d: weight row %0d >= kv %0d is not a zero row", t,
                         dut.wl_row, exp_wl_kv[t]));
        end else if (dut.s_issue !== exp_s[t] ||
                     (exp_s[t] && (32'(dut.s_j) !== 32'(exp_s_j[t]) ||
                                   64'(dut.s_addr) !== 64'(exp_s_word[t])))) begin
          fail($sformatf("command cycle %0d: slot issue %b j %0d A word %0d, expected %b j %0d %0d",
                         t, dut.s_issue, dut.s_j, dut.s_addr, exp_s[t], exp_s_j[t],
                         exp_s_word[t]));
        end else if (dut.c_wr_en !== exp_cwr[t] ||
                     (exp_cwr[t] && 64'(dut.c_wr_addr) !== 64'(exp_cwr_word[t]))) begin
          fail($sformatf("command cycle %0d: C write %b word %0d, expected %b word %0d", t,
                         dut.c_wr_en, dut.c_wr_addr, exp_cwr[t], exp_cwr_word[t]));
        end else begin
          passed++;
        end
      end else begin
        passed++;
      end
    end
    if (done === 1'b1) done_pulses++;
  end

  task automatic wait_cycle(input int t);  // until the middle of command cycle t
    while (cyc < c0 + t) @(negedge clk);
    if (cyc != c0 + t) $fatal(1, "tb_systolic_top: cycle %0d is already past", t);
  endtask

  // ---------------------------------------------------------------------------------------------
  // Operands, loading, expected results
  // ---------------------------------------------------------------------------------------------
  function automatic int expected_c(input int m, input int n);
    int acc, y, v;
    acc = bias[n];
    for (int k = 0; k < ck; k++) acc += a_val[m][k] * b_val[k][n];
    // M0 = 2^30: shift 1 gives y = a; shift 0 gives floor((a + 1) / 2) (either rounding mode).
    y = (shift[n] == 1) ? acc : ((acc + 1) >>> 1);
    v = y + zp;
    if (v < act_min) v = act_min;
    if (v > act_max) v = act_max;
    return v;
  endfunction

  task automatic setup_command(input int m, input int n, input int k, input int ab, input int bb,
                               input int cb, input int qb, input int rnd);
    cm = m; cn = n; ck = k; a_base = ab; b_base = bb; c_base = cb; q_base = qb;
    rounding = rnd;
    ckt   = ceil_div(k, Rows);
    cnt_n = ceil_div(n, Cols);
    cmb   = ceil_div(m, AccWords);
    zp      = rand_range(-5, 5);
    act_min = -100;
    act_max = 110;
    for (int i = 0; i < MaxM; i++)
      for (int j = 0; j < MaxK; j++) a_val[i][j] = rand_range(-8, 7);
    for (int i = 0; i < MaxK; i++)
      for (int j = 0; j < MaxN; j++) b_val[i][j] = rand_range(-8, 7);
    for (int j = 0; j < MaxN; j++) begin
      bias[j]  = rand_range(-30, 30);
      shift[j] = j % 2 == 0 ? 1 : 0;
    end
    // Corners: a full-scale positive and negative row (clamped at both bounds).
    if (m > 1) begin
      for (int j = 0; j < k; j++) begin
        a_val[0][j] = -8;
        a_val[1][j] = 7;
      end
      for (int i = 0; i < k; i++) b_val[i][0] = 7;
    end
    $display({"tb_systolic_top: command M=%0d N=%0d K=%0d (KT=%0d NT=%0d MB=%0d) bases %0d %0d",
              " %0d %0d, rounding %0d"},
             m, n, k, ckt, cnt_n, cmb, ab, bb, cb, qb, rnd);
  endtask

  // Registers and scratchpads, through the host port (the engine is idle).
  task automatic load_command;
    host_write(reg_addr(RegM), cm);
    host_write(reg_addr(RegN), cn);
    host_write(reg_addr(RegK), ck);
    host_write(reg_addr(RegABase), a_base);
    host_write(reg_addr(RegBBase), b_base);
    host_write(reg_addr(RegCBase), c_base);
    host_write(reg_addr(RegQBase), q_base);
    host_write(reg_addr(RegZpOut), zp);
    host_write(reg_addr(RegActMin), act_min);
    host_write(reg_addr(RegActMax), act_max);
    host_write(reg_addr(RegRounding), rounding);
    if (cm > 0 && cn > 0 && ck > 0) load_operands;
  endtask

  task automatic load_operands;
    // A: word a_base + m*KT + kt, lane k mod Rows; junk in lanes k >= K.
    for (int m = 0; m < cm; m++)
      for (int kt = 0; kt < ckt; kt++)
        for (int l = 0; l < Rows; l++)
          host_write(haddr(1, a_base + m * ckt + kt, l),
                     (kt * Rows + l < ck) ? a_val[m][kt*Rows+l] : Junk + l);
    // B: word b_base + nt*K + k, lane n mod Cols; junk in lanes n >= N and in the rows
    // k = K .. KT*Rows - 1 after the last N-tile (the next N-tile's rows for the others).
    for (int nt = 0; nt < cnt_n; nt++)
      for (int k = 0; k < ((nt == cnt_n - 1) ? ckt * Rows : ck); k++)
        for (int l = 0; l < Cols; l++)
          host_write(haddr(2, b_base + nt * ck + k, l),
                     (k < ck && nt * Cols + l < cn) ? b_val[k][nt*Cols+l] : Junk - l);
    // BIAS, M0, SHIFT: word q_base + nt, lane n mod Cols (junk parameters for n >= N).
    for (int nt = 0; nt < cnt_n; nt++)
      for (int l = 0; l < Cols; l++) begin
        host_write(haddr(4, q_base + nt, l), (nt * Cols + l < cn) ? bias[nt*Cols+l] : 12345);
        host_write(haddr(5, q_base + nt, l), 32'h4000_0000);
        host_write(haddr(6, q_base + nt, l), (nt * Cols + l < cn) ? shift[nt*Cols+l] : -3);
      end
  endtask

  // C: the sentinel in every lane of the result words and of one word on either side.
  task automatic fill_c;
    for (int w = c_base - 1; w <= c_base + cm * cnt_n; w++)
      for (int l = 0; l < Cols; l++)
        if (w >= 0 && w < CWords) host_write(haddr(3, w, l), Sentinel);
  endtask

  task automatic check_c;
    for (int w = c_base - 1; w <= c_base + cm * cnt_n; w++) begin
      for (int l = 0; l < Cols; l++) begin
        int m, nt, n, exp_v;
        if (w >= 0 && w < CWords) begin
          m  = (w - c_base) / (cnt_n > 0 ? cnt_n : 1);
          nt = (w - c_base) % (cnt_n > 0 ? cnt_n : 1);
          n  = nt * Cols + l;
          if (tiles > 0 && w >= c_base && w < c_base + cm * cnt_n && n < cn) begin
            exp_v = expected_c(m, n);
          end else begin
            exp_v = Sentinel;
          end
          expect_read(haddr(3, w, l), exp_v, $sformatf("C word %0d lane %0d (m %0d, n %0d)", w,
                                                        l, m, n));
        end
      end
    end
  endtask

  task automatic check_counters;
    bit [31:0] v[5];
    bit [31:0] lo, hi;
    host_read(reg_addr(RegCycBusy), v[0]);
    host_read(reg_addr(RegCycWstall), v[1]);
    host_read(reg_addr(RegCycCompute), v[2]);
    host_read(reg_addr(RegCycDrain), v[3]);
    host_read(reg_addr(RegCycOutput), v[4]);
    host_read(reg_addr(RegMacsLo), lo);
    host_read(reg_addr(RegMacsHi), hi);
    $display({"tb_systolic_top:   CYC_BUSY %0d = WSTALL %0d + COMPUTE %0d + DRAIN %0d +",
              " OUTPUT %0d, MACS %0d"},
             v[0], v[1], v[2], v[3], v[4], {hi, lo});
    check(v[0] == busy_len, $sformatf("CYC_BUSY = %0d, expected %0d", v[0], busy_len));
    check(v[1] + v[2] + v[3] + v[4] == v[0],
          "CYC_WSTALL + CYC_COMPUTE + CYC_DRAIN + CYC_OUTPUT != CYC_BUSY");
    check(v[1] == exp_wstall, $sformatf("CYC_WSTALL = %0d, expected %0d", v[1], exp_wstall));
    check(v[2] == exp_compute, $sformatf("CYC_COMPUTE = %0d, expected %0d", v[2], exp_compute));
    check(v[3] == exp_drain, $sformatf("CYC_DRAIN = %0d, expected %0d", v[3], exp_drain));
    check(v[4] == exp_output, $sformatf("CYC_OUTPUT = %0d, expected %0d", v[4], exp_output));
    check(lo == (tiles > 0 ? cm * cn * ck : 0), $sformatf("MACS_LO = %0d, expected %0d", lo,
                                                            tiles > 0 ? cm * cn * ck : 0));
    check(hi == 0, $sformatf("MACS_HI = %0d, expected 0", hi));
  endtask

  // A memory command (docs/architecture.md, "Memory commands"): the operands of setup_command in
  // memory with row pitches wider than the rows, C written there; every C element checked, every
  // other byte unchanged (the pitch gaps of C are checked as written nowhere).
  task automatic memory_command(input int m, input int n, input int k);
    localparam int DA = 64, DB = 1024, DBias = 2048, DM0 = 2304, DShift = 2560, DC = 3072;
    int lda, ldb, ldc, t;
    bit [31:0] status;
    lda = k + 3;
    ldb = n + 1;
    ldc = n + 5;
    setup_command(m, n, k, 0, 0, 0, 0, 0);
    for (int i = 0; i < MemBytes; i++) mem[i] = 8'ha5;
    for (int i = 0; i < m; i++)
      for (int j = 0; j < k; j++) mem[DA + i * lda + j] = 8'(a_val[i][j]);
    for (int i = 0; i < k; i++)
      for (int j = 0; j < n; j++) mem[DB + i * ldb + j] = 8'(b_val[i][j]);
    for (int j = 0; j < n; j++) begin
      for (int b = 0; b < 4; b++) begin
        mem[DBias + 4 * j + b] = 8'(bias[j] >>> (8 * b));
        mem[DM0 + 4 * j + b] = 8'(32'h4000_0000 >> (8 * b));
      end
      mem[DShift + j] = 8'(shift[j]);
    end
    for (int i = 0; i < m; i++)
      for (int j = 0; j < n; j++) mem[DC + i * ldc + j] = 8'h5a;
    wr_lo = DC;
    wr_hi = DC + (m - 1) * ldc + n;
    stray_writes = 0;
    mem_beats = 0;
    host_write(reg_addr(RegM), m);
    host_write(reg_addr(RegN), n);
    host_write(reg_addr(RegK), k);
    host_write(reg_addr(RegZpOut), zp);
    host_write(reg_addr(RegActMin), act_min);
    host_write(reg_addr(RegActMax), act_max);
    host_write(reg_addr(RegRounding), 0);
    host_write(reg_addr(systolic_pkg::RegDramA), DA);
    host_write(reg_addr(systolic_pkg::RegDramB), DB);
    host_write(reg_addr(systolic_pkg::RegDramC), DC);
    host_write(reg_addr(systolic_pkg::RegDramBias), DBias);
    host_write(reg_addr(systolic_pkg::RegDramM0), DM0);
    host_write(reg_addr(systolic_pkg::RegDramShift), DShift);
    host_write(reg_addr(systolic_pkg::RegLdA), lda);
    host_write(reg_addr(systolic_pkg::RegLdB), ldb);
    host_write(reg_addr(systolic_pkg::RegLdC), ldc);
    host_write(reg_addr(RegCtrl), 32'h2);
    t = 0;
    @(negedge clk);
    while (busy === 1'b1 && t < 200000) begin
      @(negedge clk);
      t++;
    end
    check(t < 200000, "memory command: busy_o never fell");
    host_read(reg_addr(RegStatus), status);
    check(status == 32'h2, $sformatf("memory command: STATUS %h, expected 2 (done, no error)",
                                     status));
    for (int i = 0; i < m; i++) begin
      for (int j = 0; j < n; j++) begin
        check($signed(mem[DC + i * ldc + j]) == expected_c(i, j),
              $sformatf("memory command C[%0d][%0d] = %0d, expected %0d", i, j,
                        $signed(mem[DC + i * ldc + j]), expected_c(i, j)));
      end
      for (int j = n; j < ldc && i < m - 1; j++) begin
        check(mem[DC + i * ldc + j] == 8'ha5,
              $sformatf("memory command: byte %0d of C's pitch gap written", j));
      end
    end
    check(stray_writes == 0, $sformatf("memory command: %0d bytes written outside C",
                                       stray_writes));
    check(mem_beats > 0, "memory command: no memory traffic");
    $display("tb_systolic_top: memory command M=%0d N=%0d K=%0d: %0d cycles, %0d beats", m, n, k,
             t, mem_beats);
  endtask

  // Start (at the current cycle), then wait for done_o; probes() runs while busy.
  // An output-stationary command (Dataflow = 3): the operands of setup_command with A K-major, the
  // cycles of the OS schedule: T = K, at least Rows, made odd while under 2 Rows - 1; MT*NT
  // tiles; busy until the last tag (the last tile's last row or the tile before's) + Rows + Cols
  // + RequantDepth.
  task automatic os_command(input int m, input int n, input int k, input int ab, input int bb,
                            input int cb, input int qb, input int rnd);
    int per, mt_n, mv_last, mv_prev, end_last, end_prev;
    setup_command(m, n, k, ab, bb, cb, qb, rnd);
    host_write(reg_addr(systolic_pkg::RegDataflow), 1);
    expect_read(reg_addr(systolic_pkg::RegDataflow), 1, "DATAFLOW keeps OS");
    load_command;
    mt_n = ceil_div(m, Rows);
    for (int mt = 0; mt < mt_n; mt++)
      for (int kk = 0; kk < k; kk++)
        for (int l = 0; l < Rows; l++)
          host_write(haddr(1, ab + mt * k + kk, l),
                     (mt * Rows + l < m) ? a_val[mt*Rows+l][kk] : Junk + l);
    fill_c;
    per         = max2(k, Rows);
    if (per < 2 * Rows - 1 && per % 2 == 0) per = per + 1;
    tiles       = mt_n * cnt_n;
    mv_last     = m - (mt_n - 1) * Rows;
    mv_prev     = (mt_n > 1) ? Rows : mv_last;
    end_last    = tiles * per + 2 * mv_last;
    end_prev    = (tiles > 1) ? (tiles - 1) * per + 2 * mv_prev : 0;
    busy_len    = max2(end_last, end_prev) + Cols + RequantDepth;
    exp_compute = tiles * k;
    exp_wstall  = (tiles - 1) * (per - k);
    exp_output  = RequantDepth + 1;
    exp_drain   = busy_len - exp_compute - exp_wstall - exp_output;
    c0 = cyc + 1;
    host_write(reg_addr(RegCtrl), 32'h1);
    finish_command;
    check_counters;
    check_c;
    host_write(reg_addr(systolic_pkg::RegDataflow), 0);
  endtask

  task automatic start_command;
    int pulses_before;
    build_schedule;
    c0 = cyc + 1;
    mon_on = 1'b1;
    pulses_before = done_pulses;
    host_write(reg_addr(RegCtrl), 32'h1);
  endtask

  task automatic finish_command;
    int pulses_before;
    pulses_before = done_pulses;
    wait_cycle(busy_len);
    check(done === 1'b1, "done_o is not 1 in the done cycle");
    // STATUS in the done cycle: busy 0, done 1.
    expect_read(reg_addr(RegStatus), 32'h2, "STATUS in the done cycle");
    repeat (2) @(negedge clk);
    mon_on = 1'b0;
    check(done_pulses == pulses_before + 1, $sformatf("%0d done_o cycles, expected 1",
                                                      done_pulses - pulses_before));
    expect_read(reg_addr(RegStatus), 32'h2, "STATUS after done");
  endtask

  // ---------------------------------------------------------------------------------------------
  // The tests
  // ---------------------------------------------------------------------------------------------
  initial begin
    bit [31:0] v;
    int w1, w_last, word, lane, probe_word;
    int unsigned seed_arg;
    // +seed=N (run_icarus_tb.sh passes SYSTOLIC_SEED) replaces the default stimulus seed.
    if ($value$plusargs("seed=%d", seed_arg)) rng = (seed_arg == 0) ? 32'd1 : seed_arg;
    $display("tb_systolic_top: seed %0d (replay with SYSTOLIC_SEED=%0d)", rng, rng);
    $display("tb_systolic_top: Rows=%0d Cols=%0d RequantDepth=%0d AccWords=%0d", Rows, Cols,
             RequantDepth, AccWords);
    if (Rows < 2 || Rows > 8 || Cols < 2 || Cols > 8) begin
      $fatal(1, "tb_systolic_top: Rows and Cols must be in 2..8");
    end

    // Reset.
    repeat (3) @(negedge clk);
    check(host_rvalid === 1'b0 && host_rdata === 32'd0 && busy === 1'b0 && done === 1'b0,
          "outputs in reset");
    rst_n = 1'b1;
    @(negedge clk);

    // Register reset values and the configuration.
    expect_read(reg_addr(RegActMin), 32'hffff_ff80, "ACT_MIN after reset");
    check(host_rdata === 32'hffff_ff80, "host_rdata_o holds its value");
    @(negedge clk);
    check(host_rvalid === 1'b0 && host_rdata === 32'hffff_ff80,
          "host_rvalid_o = 0 and host_rdata_o held in a cycle without a read");
    expect_read(reg_addr(RegActMax), 32'd127, "ACT_MAX after reset");
    expect_read(reg_addr(RegM), 32'd0, "M after reset");
    expect_read(reg_addr(RegZpOut), 32'd0, "ZP_OUT after reset");
    expect_read(reg_addr(RegStatus), 32'd0, "STATUS after reset");
    expect_read(reg_addr(RegCycBusy), 32'd0, "CYC_BUSY after reset");
    expect_read(reg_addr(RegRows), Rows, "ROWS");
    expect_read(reg_addr(RegCols), Cols, "COLS");

    // Register widths, sign extension, missing addresses.
    host_write(reg_addr(RegM), 32'hdead_0007);
    expect_read(reg_addr(RegM), 32'h00ad_0007, "M is 24 bits");
    host_write(reg_addr(RegZpOut), 32'h0000_01f0);
    expect_read(reg_addr(RegZpOut), 32'hffff_fff0, "ZP_OUT is int8");
    host_write(reg_addr(RegABase), 32'h8765_4321);
    expect_read(reg_addr(RegABase), 32'h0005_4321, "A_BASE is 20 bits");
    host_write(haddr(1, 3, 1), 32'h0000_0080);
    expect_read(haddr(1, 3, 1), 32'hffff_ff80, "A element sign-extended");
    host_write(haddr(1, 3 + AWords, 1), 32'h11);     // missing word: no write, no alias
    host_write(haddr(1, 3, Rows), 32'h22);            // missing lane
    expect_read(haddr(1, 3, 1), 32'hffff_ff80, "A element after writes to missing addresses");
    expect_read(haddr(1, 3 + AWords, 1), 32'd0, "A missing word reads 0");
    expect_read(haddr(1, 3, Rows), 32'd0, "A missing lane reads 0");
    expect_read(haddr(7, 0, 0), 32'd0, "missing region reads 0");
    host_write(haddr(6, 1, 1), 32'h0000_0021);
    expect_read(haddr(6, 1, 1), 32'hffff_ffe1, "SHIFT is 6-bit signed");
    host_write(haddr(5, 1, 1), 32'h8000_0001);
    expect_read(haddr(5, 1, 1), 32'h8000_0001, "M0 is 32 bits");
    expect_read(reg_addr(13), 32'd0, "unassigned register reads 0");
    expect_read(reg_addr(RegCtrl), 32'd0, "CTRL reads 0");

    // ---- Command 1: M = 5, K = 6, N = 7 (KT = 2, NT = 2), with probes while busy ----
    setup_command(5, 7, 6, 3, 5, 7, 1, 0);
    load_command;
    fill_c;
    start_command;
    // A STATUS read while busy.
    wait_cycle(2);
    expect_read(reg_addr(RegStatus), 32'h1, "STATUS while busy");
    // Writes while busy: a register, an A element and a second start are ignored.
    wait_cycle(4);
    host_write(reg_addr(RegM), 3);
    host_write(haddr(1, a_base, 0), 99);
    host_write(reg_addr(RegCtrl), 1);
    // Host C writes while busy are ignored (the engine owns C's write port): into a lane the
    // engine does not write (n >= N) the sentinel stays; into a lane it writes, its value.
    if (cn % Cols != 0) begin
      host_write(haddr(3, c_base + 4 * cnt_n + cnt_n - 1, cn % Cols), 77);  // m = 4, lane >= nv
    end
    host_write(haddr(3, c_base + 3 * cnt_n + cnt_n - 1, 0), 66);
    // While busy, A (like B, BIAS, M0, SHIFT) reads as 0: its read port streams the operands.
    expect_read(haddr(1, a_base, 0), 0, "A read while busy");
    // A C read in the cycle of the engine write returns the old value, the next one the new value.
    // Slot 0 of the last K-tile of N-tile 0 writes word c_base.
    w1 = s_start[ckt-1] + Rows + Cols + RequantDepth;
    wait_cycle(w1);
    expect_read(haddr(3, c_base, 1), Sentinel, "C read in the cycle of its engine write");
    expect_read(haddr(3, c_base, 1), expected_c(0, 1), "C read after its engine write");
    // A host C write in the cycle of the last engine C write is ignored as well.
    w_last = busy_len - 1;
    wait_cycle(w_last);
    host_write(haddr(3, c_base + 4 * cnt_n + cnt_n - 1, 0), 55);
    finish_command;
    expect_read(reg_addr(RegM), 5, "M after a write while busy");
    expect_read(haddr(1, a_base, 0), a_val[0][0], "A after a write while busy");
    check_counters;
    check_c;

    // ---- Command 2: M = 2 (weight-load stalls), N = 8, K = 3 (KT = 1), single rounding ----
    setup_command(2, 8, 3, 0, 9, 20, 2, 1);
    load_command;
    fill_c;
    start_command;
    finish_command;
    check_counters;
    check_c;

    // ---- Command 3: M = AccWords (one tile when Rows, Cols >= 4) ----
    setup_command(AccWords, 4, 4, 16, 0, 3, 0, 0);
    load_command;
    fill_c;
    start_command;
    finish_command;
    if (tiles == 1) begin
      check(busy_len == AccWords + Rows + Cols + RequantDepth + 1, "single-tile busy cycles");
    end
    check_counters;
    check_c;

    // ---- Command 4: M = 4, N = 5, K = 8 (KT = 2 full, NT = 2), back to back after command 3 ----
    setup_command(4, 5, 8, 1, 2, 12, 1, 0);
    load_command;
    fill_c;
    start_command;
    finish_command;
    check_counters;
    check_c;

    // ---- Commands with M > AccWords: several M-blocks in one command ----
    // M = 19 (blocks of 8, 8, 3 rows), KT = 2 (last K-tile partial), NT = 2 (last N-tile partial).
    setup_command(19, 2 * Cols - 1, 2 * Rows - 1, 5, 3, 20, 1, 1);
    load_command;
    fill_c;
    start_command;
    finish_command;
    check(tiles == 2 * ceil_div(19, AccWords) * 2, $sformatf("M = 19: %0d tiles, expected %0d",
                                                             tiles, 4 * ceil_div(19, AccWords)));
    check_counters;
    check_c;
    // M = 9 (blocks of 8 and 1 row: the one-row block waits for its weights), KT = 1, NT = 2.
    setup_command(9, Cols + 1, Rows, 2, 7, 6, 0, 0);
    load_command;
    fill_c;
    start_command;
    finish_command;
    check(tiles == 2 * ceil_div(9, AccWords), $sformatf("M = 9: %0d tiles, expected %0d", tiles,
                                                        2 * ceil_div(9, AccWords)));
    check_counters;
    check_c;
    // M = 2*AccWords (two full blocks), KT = 2 (full), NT = 1.
    setup_command(2 * AccWords, Cols, 2 * Rows, 0, 1, 9, 3, 0);
    load_command;
    fill_c;
    start_command;
    finish_command;
    check_counters;
    check_c;

    // ---- Commands without tiles: M = 0, N = 0, K = 0 ----
    for (int i = 0; i < 3; i++) begin
      setup_command(i == 0 ? 0 : 3, i == 1 ? 0 : 4, i == 2 ? 0 : 4, 0, 0, 24, 0, 0);
      load_command;
      fill_c;
      start_command;
      finish_command;
      check_counters;
      check_c;
    end

    // ---- Memory commands: blocks over M and N; then K = 40 beyond half of B: K-chunks ----
    memory_command(7, 9, 13);
    memory_command(5, 6, 40);

    // ---- Output-stationary commands (Dataflow = 3): K below 2 Rows - 1 (short odd periods:
    // two tiles' sums interleave on the output chain), M, N and K remainders, K = 1 ----
    if (Dataflow == 3) begin
      os_command(5, 7, 6, 3, 5, 7, 1, 0);
      os_command(2 * Rows + 1, 2 * Cols + 1, 2 * Rows + 3, 0, 2, 9, 2, 1);
      os_command(Rows, Cols, 1, 4, 0, 1, 0, 0);
      os_command(2 * Rows + 1, Cols + 1, 1, 2, 1, 3, 1, 1);
    end
    if (done_pulses != 12 + (Dataflow == 3 ? 4 : 0)) begin
      fail($sformatf("%0d done_o pulses in total, expected %0d", done_pulses,
                     12 + (Dataflow == 3 ? 4 : 0)));
    end
    if (failed != 0) $fatal(1, "tb_systolic_top: %0d passed, %0d failed", passed, failed);
    $display("tb_systolic_top: %0d passed, 0 failed", passed);
    $finish;
  end

  initial begin
    #2_000_000;
    $fatal(1, "tb_systolic_top: timeout");
  end

endmodule
