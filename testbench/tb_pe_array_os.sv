// tb_pe_array_os: Icarus Verilog (iverilog -g2012) test of rtl/pe_array.sv (and rtl/mac_pe.sv,
// rtl/pe_row.sv) in the output-stationary dataflow, against values computed here, cycle by cycle
// (docs/architecture.md section 3, "Output-stationary dataflow").
//
// Tiles = 3 tiles of Rows x K_i activations and K_i x Cols operands (K = 2 Rows + 3, 1, Rows),
// streamed skewed: A[i][r][k] on a_i[r] in cycle t_i + k + r, B[i][k][c] on b_i[c] in cycle
// t_i + k + c, a_sel_i[r] with k = 0; tile i + 1 starts in t_{i+1} = t_i + P_i + gap_i, P_i = K_i
// from 2 Rows - 1 up, else the smallest odd number >= max(K_i, Rows) (the shortest periods the
// output chain allows: tiles 0, 1 and 2's sums interleave on it), gaps 0, 0, 2, and a flush
// (a_sel_i without a_valid_i) follows the last tile. Dataflow = 3 with os_i = 1 (Df = 3), or an
// OS-only array (Df = 2). Idle inputs carry pseudo-random junk (a_i, b_i with a_valid_i = 0;
// w_row_i, w_load_i, w_bank_i throughout) that must not reach any output.
//
// Checks: psum_o[c] equals sum_k A[i][r][k] * B[i][k][c] (32-bit wrap) in exactly cycle
// t_{i+1} + 1 + c + 1 + 2r (the first of tile i + 1 enters row 0 in t_{i+1}: f = t_{i+1}) for
// every tile, row and column; no output is ever X or Z. Ends with
// "tb_pe_array_os: N passed, 0 failed" and $finish, or $fatal. SYSTOLIC_SEED (+seed=N) draws the
// operands; the seed is printed.
`timescale 1ns / 1ps

module tb_pe_array_os #(
  parameter int Rows = 4,
  parameter int Cols = 3,
  parameter int Df   = 3   // pe_array Dataflow: 3 both (os_i = 1), 2 output-stationary only
);
  localparam int Tiles     = 3;
  localparam int KMax      = 2 * Rows + 3;
  localparam int MinPer    = 2 * Rows - 1;
  localparam int NCyc      = Tiles * (KMax + MinPer + 3) + 4 * (Rows + Cols) + 8;
  localparam int MaxFailed = 10;

  logic               clk = 1'b0;
  logic               rst_n = 1'b0;
  logic [Rows*8-1:0]  a_i = '0;
  logic [Rows-1:0]    a_valid_i = '0;
  logic [Rows-1:0]    a_sel_i = '0;
  logic [Rows-1:0]    w_load_i = '0;
  logic               w_bank_i = 1'b0;
  logic [Cols*8-1:0]  w_row_i = '0;
  logic [Cols*8-1:0]  b_i = '0;
  logic [Cols*32-1:0] psum_o;
  logic [Cols-1:0]    psum_valid_o;

  pe_array #(
    .Rows    (Rows),
    .Cols    (Cols),
    .Dataflow(Df)
  ) dut (
    .clk_i       (clk),
    .rst_ni      (rst_n),
    .a_i         (a_i),
    .a_valid_i   (a_valid_i),
    .a_sel_i     (a_sel_i),
    .prec_i      (2'd0),
    .w_load_i    (w_load_i),
    .w_bank_i    (w_bank_i),
    .w_row_i     (w_row_i),
    .os_i        (1'b1),
    .b_i         (b_i),
    .psum_o      (psum_o),
    .psum_valid_o(psum_valid_o)
  );

  always #5 clk = ~clk;

  int kk[Tiles];
  int t0[Tiles + 1];  // start cycle of tile i (t0[Tiles]: the flush)
  int a_val[Tiles][Rows][KMax];
  int b_val[Tiles][KMax][Cols];
  int seed = 20261123;
  int passed = 0, failed = 0;

  function automatic int rnd8();
    rnd8 = ($random(seed) % 256 + 256) % 256 - 128;
  endfunction

  // The value psum_o[c] must carry in cycle `cyc`, or 0 with `due` = 0.
  task automatic expect_at(input int cyc, input int c, output bit due, output logic [31:0] v);
    due = 1'b0;
    v = '0;
    for (int i = 0; i < Tiles; i++) begin
      for (int r = 0; r < Rows; r++) begin
        if (cyc == t0[i + 1] + c + 1 + 2 * r) begin
          logic [31:0] s;
          s = '0;
          for (int k = 0; k < kk[i]; k++) s = s + 32'(a_val[i][r][k] * b_val[i][k][c]);
          due = 1'b1;
          v = s;
        end
      end
    end
  endtask

  initial begin
    if ($value$plusargs("seed=%d", seed)) begin
    end
    $display("tb_pe_array_os: seed = %0d (replay with SYSTOLIC_SEED=%0d)", seed, seed);
    kk[0] = KMax;
    kk[1] = 1;
    kk[2] = Rows;
    t0[0] = 2;
    for (int i = 0; i < Tiles; i++) begin
      t0[i + 1] = t0[i] + ((kk[i] >= MinPer) ? kk[i] : (((kk[i] > Rows) ? kk[i] : Rows) | 1)) +
                  ((i == 2) ? 2 : 0);
      for (int r = 0; r < Rows; r++)
        for (int k = 0; k < KMax; k++) a_val[i][r][k] = (i == 2) ? -128 : rnd8();
      for (int k = 0; k < KMax; k++)
        for (int c = 0; c < Cols; c++) b_val[i][k][c] = (i == 2) ? -128 : rnd8();
    end

    for (int cyc = 0; cyc < NCyc; cyc++) begin
      // Drive this cycle's inputs (junk where idle), then check the outputs after the edge.
      for (int r = 0; r < Rows; r++) begin
        a_i[r*8 +: 8]  = 8'($random(seed));
        a_valid_i[r]   = 1'b0;
        a_sel_i[r]     = 1'b0;
        w_load_i[r]    = 1'($random(seed));
        for (int i = 0; i <= Tiles; i++) begin
          if (cyc == t0[i] + r) a_sel_i[r] = 1'b1;
          if (i < Tiles && cyc >= t0[i] + r && cyc < t0[i] + r + kk[i]) begin
            a_i[r*8 +: 8] = 8'(a_val[i][r][cyc - t0[i] - r]);
            a_valid_i[r]  = 1'b1;
          end
        end
      end
      for (int c = 0; c < Cols; c++) begin
        b_i[c*8 +: 8]     = 8'($random(seed));
        w_row_i[c*8 +: 8] = 8'($random(seed));
        for (int i = 0; i < Tiles; i++) begin
          if (cyc >= t0[i] + c && cyc < t0[i] + c + kk[i]) b_i[c*8 +: 8] = 8'(b_val[i][cyc - t0[i] - c][c]);
        end
      end
      w_bank_i = 1'($random(seed));
      if (cyc == 1) rst_n = 1'b1;
      @(posedge clk);
      #1;
      for (int c = 0; c < Cols; c++) begin
        bit due;
        logic [31:0] want;
        expect_at(cyc + 1, c, due, want);
        if ($isunknown(psum_o[c*32 +: 32])) begin
          failed++;
          if (failed <= MaxFailed) $display("FAIL cycle %0d: psum_o[%0d] is X or Z", cyc + 1, c);
        end else if (due) begin
          if (psum_o[c*32 +: 32] === want) begin
            passed++;
          end else begin
            failed++;
            if (failed <= MaxFailed)
              $display("FAIL cycle %0d: psum_o[%0d] = %0d, want %0d", cyc + 1, c,
                       $signed(psum_o[c*32 +: 32]), $signed(want));
          end
        end
      end
    end
    $display("tb_pe_array_os: %0d passed, %0d failed", passed, failed);
    if (failed != 0 || passed != Tiles * Rows * Cols) $fatal(1, "tb_pe_array_os: FAILED");
    $finish;
  end
endmodule
