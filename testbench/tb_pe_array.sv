// tb_pe_array: Icarus Verilog (iverilog -g2012) smoke test of rtl/pe_array.sv (and rtl/mac_pe.sv)
// against values computed here, cycle by cycle (docs/architecture.md sections 3 and 4).
//
//   iverilog -g2012 -s tb_pe_array -o tb_pe_array.vvp \
//            rtl/mac_pe.sv rtl/pe_array.sv testbench/tb_pe_array.sv
//   vvp -n tb_pe_array.vvp
//
// Three tiles of M = 5 activation rows each, scheduled as in section 4 (cycle 0 = first cycle
// after reset): tile i uses weight bank i mod 2, its weights are loaded one row per cycle
// (w_load_i[r] in cycle wl_start_i + r) and slot m enters row r in cycle s_i + m + r.
//   - tile 0: bank 0 loaded, then streamed;
//   - tile 1: bank 1 loaded while tile 0 streams (double-buffering), streamed with a_sel = 1 right
//     behind tile 0;
//   - tile 2: bank 0 reloaded while tile 1 streams, as early as section 4 allows: row r of the bank
//     is overwritten at the same edge at which tile 0's last activation uses it in PE (r, Cols-1),
//     which must still see the old weight.
// Idle inputs carry pseudo-random junk (a_i, a_sel_i with a_valid_i = 0, w_row_i and w_bank_i
// with w_load_i = 0) that must not reach any output.
//
// Int4 = 1 builds dual-mode PEs (16-bit activation lanes); prec_i is held at Prec: 2 (w4a4) makes
// every product the sum of the two signed nibble products of the bytes, 1 (w4a8) the sum of the
// activation pair's two signed bytes times the weight's two signed nibbles (docs/architecture.md
// section 2), computed here. With Int4 = 1 the idle junk fills all 16 bits of a lane.
//
// Checks, in every cycle and column: psum_valid_o[c] is 1 exactly in cycle s_i + m + Rows + c, and
// psum_o[c] then equals sum_r A_i[m][r] * B_i[r][c] (0 in every other cycle, as every slot is
// either valid in all rows or in none); no output is ever X or Z. At the end, every PE's w_o holds
// {tile 1 weight, tile 2 weight}. Ends with "tb_pe_array: N passed, 0 failed" and $finish, or
// $fatal.
`timescale 1ns / 1ps

module tb_pe_array #(
  parameter int Rows = 4,
  parameter int Cols = 3,
  parameter int Int4 = 0,  // the PEs: 0 INT8-only, 1 dual-mode
  parameter int Prec = 0   // prec_i throughout: 0 int8, 1 w4a8, 2 w4a4 (1 and 2 need Int4 = 1)
);
  localparam int L = (Int4 == 1) ? 16 : 8;  // activation lane bits

  localparam int M         = 5;   // activation rows (slots) per tile
  localparam int Tiles     = 3;
  localparam int NCyc      = 4 * (Rows + M + Cols) + 8;  // simulated cycles after reset
  localparam int MaxFailed = 10;

  logic               clk = 1'b0;
  logic               rst_n = 1'b0;
  logic [Rows*L-1:0]  a_i = '0;
  logic [Rows-1:0]    a_valid_i = '0;
  logic [Rows-1:0]    a_sel_i = '0;
  logic [Rows-1:0]    w_load_i = '0;
  logic               w_bank_i = 1'b0;
  logic [Cols*8-1:0]  w_row_i = '0;
  logic [Cols*32-1:0] psum_o;
  logic [Cols-1:0]    psum_valid_o;

  pe_array #(
    .Rows(Rows),
    .Cols(Cols),
    .Int4(Int4)
  ) dut (
    .clk_i       (clk),
    .rst_ni      (rst_n),
    .a_i         (a_i),
    .a_valid_i   (a_valid_i),
    .a_sel_i     (a_sel_i),
    .prec_i      (2'(Prec)),
    .w_load_i    (w_load_i),
    .w_bank_i    (w_bank_i),
    .w_row_i     (w_row_i),
    .psum_o      (psum_o),
    .psum_valid_o(psum_valid_o)
  );

  always #5 clk = ~clk;

  // Operands: A[i][m][r] (tile i, slot m, row r) and B[i][r][c].
  int          a_val[Tiles][M][Rows];
  int          b_val[Tiles][Rows][Cols];
  // Schedule (section 4).
  int          wl_start[Tiles], wl_end[Tiles], s_start[Tiles], e_end[Tiles];
  // What to drive in each cycle.
  bit   [15:0] d_a[NCyc][Rows];
  bit          d_valid[NCyc][Rows], d_sel[NCyc][Rows], d_load[NCyc][Rows];
  bit          d_bank[NCyc];
  bit   [7:0]  d_wrow[NCyc][Cols];
  // What each output must be in each cycle.
  bit          x_valid[NCyc][Cols];
  int          x_psum[NCyc][Cols], x_tile[NCyc][Cols], x_slot[NCyc][Cols];

  int          cycle;  // cycle c ends with the rising edge that samples its inputs
  int          passed = 0, failed = 0, results = 0;
  bit   [31:0] rng = 32'h2545_f491;  // xorshift32 state

  function automatic bit [31:0] next_rand();
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
  endfunction

  function automatic int rand_int8();
    bit [7:0] v;
    v = next_rand();
    return $signed(v);
  endfunction

  // Bits 4i+3 .. 4i of the byte x as a signed number.
  function automatic int nibble(input int x, input int i);
    int u;
    u = (x >> (4 * i)) & 15;
    return (u >= 8) ? u - 16 : u;
  endfunction

  // Bits 8i+7 .. 8i of x as a signed number.
  function automatic int sbyte(input int x, input int i);
    int u;
    u = (x >> (8 * i)) & 255;
    return (u >= 128) ? u - 256 : u;
  endfunction

  // One PE's product: a * b (a's low byte), in w4a4 the sum of the nibble products, in w4a8 the
  // activation bytes times the weight nibbles.
  function automatic int product(input int a, input int b);
    if (Prec == 2) return nibble(a, 0) * nibble(b, 0) + nibble(a, 1) * nibble(b, 1);
    if (Prec == 1) return sbyte(a, 0) * nibble(b, 0) + sbyte(a, 1) * nibble(b, 1);
    return sbyte(a, 0) * b;
  endfunction

  function automatic int max2(input int x, input int y);
    return (x > y) ? x : y;
  endfunction

  task automatic fail(input string msg);
    failed++;
    $display("tb_pe_array: MISMATCH at cycle %0d: %s", cycle, msg);
    if (failed >= MaxFailed) begin
      $fatal(1, "tb_pe_array: %0d passed, %0d failed (stopped after %0d failures)", passed,
             failed, MaxFailed);
    end
  endtask

  // Operands, schedule, and the drive and expectation tables.
  task automatic build;
    int sum, cyc;
    for (int i = 0; i < Tiles; i++) begin
      for (int m = 0; m < M; m++)
        for (int r = 0; r < Rows; r++)
          a_val[i][m][r] = (Prec == 1) ? ((rand_int8() & 255) | ((rand_int8() & 255) << 8))
                                       : rand_int8();
      for (int r = 0; r < Rows; r++)
        for (int c = 0; c < Cols; c++) b_val[i][r][c] = rand_int8();
    end
    // Corners: the most negative products, and the largest column sums of both signs.
    for (int r = 0; r < Rows; r++) begin
      a_val[0][0][r] = -128;
      a_val[0][1][r] = 127;
      a_val[1][M-1][r] = -128;
      b_val[0][r][0] = -128;
      b_val[1][r][Cols-1] = 127;
      a_val[2][0][r] = -120;  // 0x88: the nibbles -8, -8 (w4a4's most positive product)
      b_val[2][r][0] = -120;
      b_val[2][r][1] = 119;   // 0x77: 7, 7 (its most negative, with -8)
      if (Prec == 1) begin     // w4a8: the byte pairs (-128, -128) and (127, -128)
        a_val[0][0][r] = 16'h8080;
        a_val[0][1][r] = 16'h807f;
      end
    end

    for (int i = 0; i < Tiles; i++) begin
      wl_start[i] = (i == 0) ? 0 : wl_end[i-1] + 1;
      if (i >= 2) wl_start[i] = max2(wl_start[i], e_end[i-2] + Cols - 1);
      wl_end[i]  = wl_start[i] + Rows - 1;
      s_start[i] = (i == 0) ? wl_end[i] + 1 : max2(wl_end[i] + 1, e_end[i-1] + 1);
      e_end[i]   = s_start[i] + M - 1;
      $display("tb_pe_array: tile %0d bank %0d: load cycles %0d..%0d, slots enter row 0 in %0d..%0d",
               i, i % 2, wl_start[i], wl_end[i], s_start[i], e_end[i]);
    end
    if (wl_start[1] > e_end[0]) $fatal(1, "tb_pe_array: bank 1 is not loaded while tile 0 streams");
    if (e_end[Tiles-1] + Rows + Cols + 4 > NCyc) $fatal(1, "tb_pe_array: NCyc too small");

    // Junk everywhere, nothing valid, nothing loaded.
    for (int t = 0; t < NCyc; t++) begin
      d_bank[t] = next_rand();
      for (int r = 0; r < Rows; r++) begin
        d_a[t][r]     = next_rand();
        d_sel[t][r]   = next_rand();
        d_valid[t][r] = 1'b0;
        d_load[t][r]  = 1'b0;
      end
      for (int c = 0; c < Cols; c++) begin
        d_wrow[t][c]  = next_rand();
        x_valid[t][c] = 1'b0;
        x_psum[t][c]  = 0;
      end
    end

    for (int i = 0; i < Tiles; i++) begin
      // Weight load: row r in cycle wl_start + r, into bank i mod 2.
      for (int r = 0; r < Rows; r++) begin
        cyc = wl_start[i] + r;
        for (int rr = 0; rr < Rows; rr++) begin
          if (d_load[cyc][rr]) $fatal(1, "tb_pe_array: two weight loads in cycle %0d", cyc);
        end
        d_load[cyc][r] = 1'b1;
        d_bank[cyc]    = i % 2;
        for (int c = 0; c < Cols; c++) d_wrow[cyc][c] = b_val[i][r][c];
      end
      // Stream: slot m enters row r in cycle s + m + r; column c's result leaves in s + m + Rows + c.
      for (int m = 0; m < M; m++) begin
        for (int r = 0; r < Rows; r++) begin
          cyc = s_start[i] + m + r;
          if (d_valid[cyc][r]) $fatal(1, "tb_pe_array: two slots in row %0d, cycle %0d", r, cyc);
          d_valid[cyc][r] = 1'b1;
          d_sel[cyc][r]   = i % 2;
          d_a[cyc][r]     = a_val[i][m][r];
        end
        for (int c = 0; c < Cols; c++) begin
          sum = 0;
          for (int r = 0; r < Rows; r++) sum += product(a_val[i][m][r], b_val[i][r][c]);
          cyc = s_start[i] + m + Rows + c;
          x_valid[cyc][c] = 1'b1;
          x_psum[cyc][c]  = sum;
          x_tile[cyc][c]  = i;
          x_slot[cyc][c]  = m;
          results++;
        end
      end
    end
  endtask

  task automatic drive(input int t);
    w_bank_i = d_bank[t];
    for (int r = 0; r < Rows; r++) begin
      a_i[r*L +: L] = L'(d_a[t][r]);
      a_valid_i[r]  = d_valid[t][r];
      a_sel_i[r]    = d_sel[t][r];
      w_load_i[r]   = d_load[t][r];
    end
    for (int c = 0; c < Cols; c++) w_row_i[c*8 +: 8] = d_wrow[t][c];
  endtask

  task automatic drive_idle;
    for (int r = 0; r < Rows; r++) begin
      a_i[r*L +: L] = L'(next_rand());
      a_sel_i[r]    = next_rand();
    end
    a_valid_i = '0;
    w_load_i  = '0;
    w_bank_i  = next_rand();
    w_row_i   = {Cols{next_rand()}};
  endtask

  // Called in the middle of each cycle (falling edge), before the inputs change.
  task automatic check_outputs(input int t);
    int got;
    for (int c = 0; c < Cols; c++) begin
      got = $signed(psum_o[c*32 +: 32]);
      if ($isunknown(psum_valid_o[c]) || $isunknown(psum_o[c*32 +: 32])) begin
        fail($sformatf("column %0d: psum_valid_o = %b, psum_o = %h", c, psum_valid_o[c],
                       psum_o[c*32 +: 32]));
      end else if (psum_valid_o[c] !== x_valid[t][c]) begin
        if (x_valid[t][c]) begin
          fail($sformatf("column %0d: tile %0d slot %0d expected now (%0d), psum_valid_o = 0", c,
                         x_tile[t][c], x_slot[t][c], x_psum[t][c]));
        end else begin
          fail($sformatf("column %0d: psum_valid_o = 1 (psum_o = %0d) with no result due", c,
                         got));
        end
      end else if (got != x_psum[t][c]) begin
        if (x_valid[t][c]) begin
          fail($sformatf("column %0d: tile %0d slot %0d: psum_o = %0d, expected %0d", c,
                         x_tile[t][c], x_slot[t][c], got, x_psum[t][c]));
        end else begin
          fail($sformatf("column %0d: idle psum_o = %0d, expected 0", c, got));
        end
      end else begin
        passed++;
      end
    end
  endtask

  // w_o of every PE: bank 1 holds tile 1's weights, bank 0 tile 2's (it overwrote tile 0's).
  event check_w;
  for (genvar r = 0; r < Rows; r++) begin : g_wr
    for (genvar c = 0; c < Cols; c++) begin : g_wc
      always @(check_w) begin
        if (dut.g_row[r].u_row.g_col[c].u_pe.w_o !== {8'(b_val[1][r][c]), 8'(b_val[2][r][c])}) begin
          fail($sformatf("PE (%0d, %0d): w_o = %h, expected {%h, %h}", r, c,
                         dut.g_row[r].u_row.g_col[c].u_pe.w_o, 8'(b_val[1][r][c]),
                         8'(b_val[2][r][c])));
        end else begin
          passed++;
        end
      end
    end
  end

  int passed_at_end;

  initial begin
    int unsigned seed_arg;
    // +seed=N (run_icarus_tb.sh passes SYSTOLIC_SEED) replaces the default stimulus seed.
    if ($value$plusargs("seed=%d", seed_arg)) rng = (seed_arg == 0) ? 32'd1 : seed_arg;
    $display("tb_pe_array: seed %0d (replay with SYSTOLIC_SEED=%0d)", rng, rng);
    $display("tb_pe_array: Rows=%0d Cols=%0d, %0d tiles of %0d rows", Rows, Cols, Tiles, M);
    build;

    // Reset: every register cleared.
    cycle = -1;
    drive_idle;
    repeat (3) @(negedge clk);
    if (psum_valid_o !== '0 || psum_o !== '0) begin
      fail($sformatf("in reset: psum_valid_o = %b, psum_o = %h", psum_valid_o, psum_o));
    end
    rst_n = 1'b1;

    for (cycle = 0; cycle < NCyc; cycle++) begin
      check_outputs(cycle);
      drive(cycle);
      @(negedge clk);
    end

    passed_at_end = passed;
    ->check_w;
    #1;
    if (passed + failed != NCyc * Cols + Rows * Cols) begin
      fail($sformatf("%0d checks done, expected %0d", passed + failed, NCyc * Cols + Rows * Cols));
    end
    if (failed != 0) $fatal(1, "tb_pe_array: %0d passed, %0d failed", passed, failed);
    $display("tb_pe_array: %0d results on time, %0d idle cycles quiet, %0d PE weight pairs",
             results, NCyc * Cols - results, passed - passed_at_end);
    $display("tb_pe_array: %0d passed, 0 failed", passed);
    $finish;
  end

endmodule
