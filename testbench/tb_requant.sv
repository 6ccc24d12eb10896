// tb_requant: Icarus Verilog (iverilog -g2012) testbench of rtl/requant.sv against vectors written
// by gen_requant_vectors (expected outputs from systolic::quant::requantize).
//
//   iverilog -g2012 -P tb_requant.Rounding=0 -P tb_requant.PipeDepth=3 -s tb_requant \
//            -o tb.vvp rtl/requant.sv testbench/tb_requant.sv
//   vvp -n tb.vvp +vectors=FILE [+seed=S]
//
// One vector per line, two's complement hex:
//   acc bias m0 shift(6-bit) zp_out act_min act_max single expected
//
// Drives one sample per cycle with valid_i = 1, with pseudo-random idle cycles (valid_i = 0 and
// random data on every input) interleaved; +seed picks the idle pattern. Checks, in every cycle:
//   - each result equals the expected value and appears exactly PipeDepth cycles after its input
//     (valid_o = 1 only then, results in order, none lost, none extra);
//   - while valid_o = 0, out_o holds the last result (0 after reset);
//   - valid_o and out_o are never X or Z.
// With Rounding = 0 or 1, rounding_i is random (it must be ignored) and every vector must be of that
// mode; with Rounding = 2, rounding_i is the vector's mode.
// Ends with "tb_requant: N passed, 0 failed" and $finish, or $fatal on the first 10 failures
// (also on a malformed vector file).
`timescale 1ns / 1ps

module tb_requant #(
  parameter int Rounding  = 2,
  parameter int PipeDepth = 3
);

  localparam int FifoSize  = 256;  // results in flight: at most PipeDepth
  localparam int MaxFailed = 10;

  logic               clk = 1'b0;
  logic               rst_n = 1'b0;
  logic               valid_i = 1'b0;
  logic               rounding_i = 1'b0;
  logic signed [31:0] acc_i = '0;
  logic signed [31:0] bias_i = '0;
  logic signed [31:0] m0_i = '0;
  logic signed [5:0]  shift_i = '0;
  logic signed [7:0]  zp_out_i = '0;
  logic signed [7:0]  act_min_i = '0;
  logic signed [7:0]  act_max_i = '0;
  logic               valid_o;
  logic signed [7:0]  out_o;

  requant #(
    .Rounding (Rounding),
    .PipeDepth(PipeDepth)
  ) dut (
    .clk_i     (clk),
    .rst_ni    (rst_n),
    .valid_i   (valid_i),
    .rounding_i(rounding_i),
    .acc_i     (acc_i),
    .bias_i    (bias_i),
    .m0_i      (m0_i),
    .shift_i   (shift_i),
    .zp_out_i  (zp_out_i),
    .act_min_i (act_min_i),
    .act_max_i (act_max_i),
    .valid_o   (valid_o),
    .out_o     (out_o)
  );

  always #5 clk = ~clk;

  // Samples in flight: what each result must be, and the cycle its input was sampled in.
  logic [31:0] f_acc[FifoSize], f_bias[FifoSize], f_m0[FifoSize];
  logic [7:0]  f_shift[FifoSize], f_zp[FifoSize], f_min[FifoSize], f_max[FifoSize];
  logic [7:0]  f_exp[FifoSize];
  logic        f_single[FifoSize];
  int          f_line[FifoSize], f_cycle[FifoSize];
  int          wr = 0, rd = 0;  // entries rd .. wr-1 (mod FifoSize) are in flight

  int          cycle = 0;  // cycle c ends with the rising edge that samples its inputs
  int          passed = 0, failed = 0;
  int          idle_cycles = 0;
  logic [7:0]  last_out = 8'h00;  // what out_o must hold while valid_o = 0
  bit [31:0]   rng;               // xorshift32 state of the idle pattern and the junk data

  function automatic bit [31:0] next_rand();
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
  endfunction

  task automatic fail(input string msg);
    failed++;
    $display("tb_requant: MISMATCH at cycle %0d: %s", cycle, msg);
    if (failed >= MaxFailed) begin
      $fatal(1, "tb_requant: %0d passed, %0d failed (stopped after %0d failures)", passed, failed,
             MaxFailed);
    end
  endtask

  function automatic string describe(input int i);
    return $sformatf("vector line %0d (acc %0d bias %0d M0 %0d shift %0d zp %0d bounds [%0d, %0d] %s)",
                     f_line[i], $signed(f_acc[i]), $signed(f_bias[i]), $signed(f_m0[i]),
                     $signed(f_shift[i][5:0]), $signed(f_zp[i]), $signed(f_min[i]),
                     $signed(f_max[i]), f_single[i] ? "single" : "double");
  endfunction

  // Called in the middle of each cycle (falling edge), before the inputs change.
  task automatic check_outputs;
    if ($isunknown(valid_o) || $isunknown(out_o)) begin
      fail($sformatf("valid_o = %b, out_o = %b", valid_o, out_o));
    end else if (valid_o) begin
      if (rd == wr) begin
        fail($sformatf("valid_o = 1 (out_o = %0d) with no sample in flight", out_o));
      end else begin
        if (cycle != f_cycle[rd] + PipeDepth) begin
          fail($sformatf("%s: result after %0d cycles, expected latency %0d", describe(rd),
                         cycle - f_cycle[rd], PipeDepth));
        end else if (out_o !== f_exp[rd]) begin
          fail($sformatf("%s: out_o = %0d, expected %0d", describe(rd), out_o,
                         $signed(f_exp[rd])));
        end else begin
          passed++;
        end
        rd = (rd + 1) % FifoSize;
      end
      last_out = out_o;
    end else begin
      if (rd != wr && cycle >= f_cycle[rd] + PipeDepth) begin
        fail($sformatf("%s: no result %0d cycles after its input", describe(rd),
                       cycle - f_cycle[rd]));
        rd = (rd + 1) % FifoSize;
      end
      if (out_o !== last_out) begin
        fail($sformatf("valid_o = 0 but out_o changed from %0d to %0d", $signed(last_out), out_o));
        last_out = out_o;
      end
    end
  endtask

  // Random data on every input, valid_i = 0: none of it may reach the output.
  task automatic drive_idle;
    idle_cycles++;
    valid_i    = 1'b0;
    rounding_i = next_rand() & 1;
    acc_i      = next_rand();
    bias_i     = next_rand();
    m0_i       = next_rand();
    shift_i    = next_rand();
    zp_out_i   = next_rand();
    act_min_i  = next_rand();
    act_max_i  = next_rand();
  endtask

  string       vec_file;
  int          fd, nread, line, idle_left;
  bit          done;
  int unsigned seed;
  logic [31:0] v_acc, v_bias, v_m0, v_shift, v_zp, v_min, v_max, v_single, v_exp;

  // Drives the vector just read (v_*) with valid_i = 1 and records what its result must be.
  task automatic drive_vector;
    if (Rounding != 2 && v_single != 32'(Rounding == 1)) begin
      $fatal(1, "tb_requant: %s line %0d is %s rounding, the unit is Rounding=%0d", vec_file, line,
             v_single ? "single" : "double", Rounding);
    end
    valid_i    = 1'b1;
    rounding_i = (Rounding == 2) ? v_single[0] : next_rand() & 1;
    acc_i      = v_acc;
    bias_i     = v_bias;
    m0_i       = v_m0;
    shift_i    = v_shift[5:0];
    zp_out_i   = v_zp[7:0];
    act_min_i  = v_min[7:0];
    act_max_i  = v_max[7:0];
    if ((wr + 1) % FifoSize == rd) $fatal(1, "tb_requant: FIFO overflow (testbench bug)");
    f_acc[wr]    = v_acc;
    f_bias[wr]   = v_bias;
    f_m0[wr]     = v_m0;
    f_shift[wr]  = v_shift[7:0];
    f_zp[wr]     = v_zp[7:0];
    f_min[wr]    = v_min[7:0];
    f_max[wr]    = v_max[7:0];
    f_single[wr] = v_single[0];
    f_exp[wr]    = v_exp[7:0];
    f_line[wr]   = line;
    f_cycle[wr]  = cycle;
    wr = (wr + 1) % FifoSize;
  endtask

  initial begin
    if (!$value$plusargs("vectors=%s", vec_file)) $fatal(1, "tb_requant: +vectors=FILE is missing");
    if (!$value$plusargs("seed=%d", seed)) seed = 1;
    rng = (seed == 0) ? 32'h1234_5678 : seed;
    if (Rounding < 0 || Rounding > 2 || PipeDepth < 1 || PipeDepth >= FifoSize) begin
      $fatal(1, "tb_requant: unsupported Rounding=%0d PipeDepth=%0d", Rounding, PipeDepth);
    end
    fd = $fopen(vec_file, "r");
    if (fd == 0) $fatal(1, "tb_requant: cannot open %s", vec_file);
    $display("tb_requant: Rounding=%0d PipeDepth=%0d vectors=%s seed=%0d", Rounding, PipeDepth,
             vec_file, seed);

    // Reset: every register cleared, valid_o = 0 and out_o = 0.
    drive_idle;
    repeat (3) @(negedge clk);
    if (valid_o !== 1'b0 || out_o !== 8'sd0) begin
      fail($sformatf("in reset: valid_o = %b, out_o = %b", valid_o, out_o));
    end
    rst_n = 1'b1;

    line = 0;
    idle_left = 0;
    done = 1'b0;
    while (!done) begin
      @(negedge clk);
      cycle++;
      check_outputs;
      if (idle_left == 0 && next_rand() % 8 == 0) idle_left = 1 + next_rand() % 3;
      if (idle_left > 0) begin
        idle_left--;
        drive_idle;
      end else begin
        nread = $fscanf(fd, "%h %h %h %h %h %h %h %h %h\n", v_acc, v_bias, v_m0, v_shift, v_zp,
                        v_min, v_max, v_single, v_exp);
        if (nread <= 0) begin  // end of file
          done = 1'b1;
          drive_idle;
        end else begin
          line++;
          if (nread != 9) $fatal(1, "tb_requant: %s line %0d is malformed", vec_file, line);
          drive_vector;
        end
      end
    end
    $fclose(fd);
    if (line == 0) $fatal(1, "tb_requant: no vectors in %s", vec_file);

    // Drain: idle until every result is out, and a few cycles more to catch extra valid_o pulses.
    drive_idle;
    repeat (PipeDepth + 4) begin
      @(negedge clk);
      cycle++;
      check_outputs;
      drive_idle;
    end
    if (rd != wr) fail("results still missing at the end");
    if (passed + failed != line) begin
      fail($sformatf("%0d vectors driven, %0d results checked", line, passed + failed));
    end
    if (failed != 0) $fatal(1, "tb_requant: %0d passed, %0d failed", passed, failed);
    $display("tb_requant: %0d cycles, %0d of them idle", cycle, idle_cycles);
    $display("tb_requant: %0d passed, 0 failed", passed);
    $finish;
  end

endmodule
