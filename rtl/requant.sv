// requant: the output stage of one column. int32 accumulator + int32 folded bias -> int8.
//
// Arithmetic (docs/arithmetic.md section 4, TFLite reference exact):
//   a      = acc_i + bias_i                                   int32, wrapping
//   double rounding (Rounding = 0, or 2 with rounding_i = 0):
//     x    = a << max(shift_i, 0)                             int32, wrapping
//     h    = floor((x * m0_i + 2^30) / 2^31)                  INT32_MIN * INT32_MIN saturates
//     y    = h / 2^max(-shift_i, 0), rounded half away from zero
//   single rounding (Rounding = 1, or 2 with rounding_i = 1):
//     y    = floor((a * m0_i + 2^(t-1)) / 2^t), t = 31 - shift_i      exact, up to 62 bits
//          = floor((floor(a * m0_i / 2^(t-1)) + 1) / 2) for t >= 1, and a * m0_i for t = 0:
//            computed so, no intermediate needs more than 64 bits (the sum can reach 2^63)
//   out_o  = clamp(y + zp_out_i, act_min_i, act_max_i)
// The contract covers shift_i in [-31, 30]; m0_i is treated as a signed 32-bit value.
//
// Pipeline: combinational steps with a register after each as PipeDepth allows. Step 3 (the
// rounding shifts and the clamp, the longest path: about twice the multiplier's depth in Yosys
// generic gates) is cut first as the pipeline deepens:
//   step 1   pre-add and left shift                         register if PipeDepth >= 3
//   step 2   32 x 32 signed multiply                        register if PipeDepth >= 2
//   step 3a  SRDHM sum and saturation, the single-rounding  register if PipeDepth >= 5
//            sum, the rounding masks
//   step 3b  the rounding shifts and increments: y          register if PipeDepth >= 4
//   step 3c  add zp, clamp                                  always registered; PipeDepth - 5
//                                                           further output registers
//
// Cycle behaviour:
//   - Latency is exactly PipeDepth cycles: a sample with valid_i = 1 in cycle c (sampled at the
//     rising edge that ends cycle c) appears on out_o with valid_o = 1 in cycle c + PipeDepth.
//   - One sample per cycle, no stalls; valid_o is valid_i delayed by PipeDepth cycles.
//   - Every data register loads only when the valid bit travelling with it is 1, so out_o holds
//     the last result while valid_o = 0.
//   - Reset (rst_ni = 0, asynchronous) clears every register: valid_o = 0, out_o = 0.
`include "systolic_assert.svh"

module requant #(
  parameter int Rounding  = 2,  // 0: double rounding, 1: single rounding, 2: chosen by rounding_i
  parameter int PipeDepth = 3   // latency in cycles, >= 1
) (
  input  logic               clk_i,
  input  logic               rst_ni,
  input  logic               valid_i,
  input  logic               rounding_i,  // 0: double, 1: single; used only when Rounding == 2
  input  logic signed [31:0] acc_i,
  input  logic signed [31:0] bias_i,
  input  logic signed [31:0] m0_i,
  input  logic signed [5:0]  shift_i,
  input  logic signed [7:0]  zp_out_i,
  input  logic signed [7:0]  act_min_i,
  input  logic signed [7:0]  act_max_i,
  output logic               valid_o,
  output logic signed [7:0]  out_o
);

  localparam int OutRegs = (PipeDepth > 5) ? PipeDepth - 4 : 1;

  // ---------------------------------------------------------------------------------------------
  // Step 1: pre-add and left shift
  // ---------------------------------------------------------------------------------------------
  logic               s1_single;
  logic signed [31:0] s1_sum;
  logic signed [31:0] s1_x;

  assign s1_single = (Rounding == 2) ? rounding_i : (Rounding == 1);
  assign s1_sum    = acc_i + bias_i;
  // Double rounding shifts left by max(shift, 0) before the multiply; single rounding does not.
  assign s1_x      = (s1_single || shift_i[5]) ? s1_sum : (s1_sum << shift_i[4:0]);

  // Stage 2 inputs: the step-1 results, registered when PipeDepth >= 3.
  logic               s2_valid;
  logic               s2_single;
  logic signed [31:0] s2_x;
  logic signed [31:0] s2_m0;
  logic signed [5:0]  s2_shift;
  logic signed [7:0]  s2_zp, s2_min, s2_max;

  if (PipeDepth >= 3) begin : g_s2_reg
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        s2_valid  <= 1'b0;
        s2_single <= 1'b0;
        s2_x      <= '0;
        s2_m0     <= '0;
        s2_shift  <= '0;
        s2_zp     <= '0;
        s2_min    <= '0;
        s2_max    <= '0;
      end else begin
        s2_valid <= valid_i;
        if (valid_i) begin
          s2_single <= s1_single;
          s2_x      <= s1_x;
          s2_m0     <= m0_i;
          s2_shift  <= shift_i;
          s2_zp     <= zp_out_i;
          s2_min    <= act_min_i;
          s2_max    <= act_max_i;
        end
      end
    end
  end else begin : g_s2_comb
    assign s2_valid  = valid_i;
    assign s2_single = s1_single;
    assign s2_x      = s1_x;
    assign s2_m0     = m0_i;
    assign s2_shift  = shift_i;
    assign s2_zp     = zp_out_i;
    assign s2_min    = act_min_i;
    assign s2_max    = act_max_i;
  end

  // ---------------------------------------------------------------------------------------------
  // Step 2: the 32 x 32 signed multiply, shared by both rounding modes
  // ---------------------------------------------------------------------------------------------
  logic signed [63:0] s2_prod;
  assign s2_prod = 64'(s2_x) * 64'(s2_m0);

  // Stage 3 inputs, registered when PipeDepth >= 2.
  logic               s3_valid;
  logic               s3_single;
  logic signed [63:0] s3_prod;
  logic signed [5:0]  s3_shift;
  logic signed [7:0]  s3_zp, s3_min, s3_max;

  if (PipeDepth >= 2) begin : g_s3_reg
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        s3_valid  <= 1'b0;
        s3_single <= 1'b0;
        s3_prod   <= '0;
        s3_shift  <= '0;
        s3_zp     <= '0;
        s3_min    <= '0;
        s3_max    <= '0;
      end else begin
        s3_valid <= s2_valid;
        if (s2_valid) begin
          s3_single <= s2_single;
          s3_prod   <= s2_prod;
          s3_shift  <= s2_shift;
          s3_zp     <= s2_zp;
          s3_min    <= s2_min;
          s3_max    <= s2_max;
        end
      end
    end
  end else begin : g_s3_comb
    assign s3_valid  = s2_valid;
    assign s3_single = s2_single;
    assign s3_prod   = s2_prod;
    assign s3_shift  = s2_shift;
    assign s3_zp     = s2_zp;
    assign s3_min    = s2_min;
    assign s3_max    = s2_max;
  end

  // ---------------------------------------------------------------------------------------------
  // Step 3a: the SRDHM sum and its saturation (double), the product's first right shift
  // (single), the masks. Every value fits 64 bits: |x * m0| <= 2^62, so x * m0 + 2^30 < 2^63,
  // R <= 32, and the single path shifts before it adds (see the header). The mask, threshold
  // and remainder are below 2^32 (R <= 32): 32 bits, unsigned.
  // ---------------------------------------------------------------------------------------------
  logic signed [63:0] s3_high_sum;  // double: x * m0 + 2^30
  logic signed [63:0] s3_high;      // double: SRDHM before saturation (33 significant bits)
  logic signed [63:0] s3_h;         // double: SRDHM result, an int32 value
  logic        [5:0]  s3_rshift;    // double: right shift R = max(-shift, 0)
  logic        [31:0] s3_mask;      // double: 2^R - 1
  logic        [31:0] s3_thresh;    // double: (2^R - 1) >> 1, + 1 when h < 0
  logic        [6:0]  s3_t;         // single: total right shift 31 - shift, 0 .. 63
  logic signed [63:0] s3_half;      // single: floor(x * m0 / 2^(t-1)), or x * m0 when t = 0

  always_comb begin
    s3_high_sum = s3_prod + 64'sd1073741824;
    s3_high     = s3_high_sum >>> 31;
    s3_h        = (s3_high > 64'sd2147483647) ? 64'sd2147483647 : s3_high;
    s3_rshift   = s3_shift[5] ? 6'(-s3_shift) : 6'd0;
    s3_mask     = 32'((33'd1 << s3_rshift) - 33'd1);
    s3_thresh   = (s3_mask >> 1) + {31'd0, s3_h < 0};
    s3_t        = 7'd31 - 7'(s3_shift);
    s3_half     = (s3_t == 7'd0) ? s3_prod : (s3_prod >>> (s3_t - 7'd1));
  end

  // Step 3b inputs, registered when PipeDepth >= 5.
  logic               s4_valid, s4_single;
  logic signed [63:0] s4_h, s4_half;
  logic        [31:0] s4_mask, s4_thresh;
  logic        [5:0]  s4_rshift;
  logic        [6:0]  s4_t;
  logic signed [7:0]  s4_zp, s4_min, s4_max;

  if (PipeDepth >= 5) begin : g_s4_reg
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        s4_valid  <= 1'b0;
        s4_single <= 1'b0;
        s4_h      <= '0;
        s4_mask   <= '0;
        s4_thresh <= '0;
        s4_half   <= '0;
        s4_rshift <= '0;
        s4_t      <= '0;
        s4_zp     <= '0;
        s4_min    <= '0;
        s4_max    <= '0;
      end else begin
        s4_valid <= s3_valid;
        if (s3_valid) begin
          s4_single <= s3_single;
          s4_h      <= s3_h;
          s4_mask   <= s3_mask;
          s4_thresh <= s3_thresh;
          s4_half   <= s3_half;
          s4_rshift <= s3_rshift;
          s4_t      <= s3_t;
          s4_zp     <= s3_zp;
          s4_min    <= s3_min;
          s4_max    <= s3_max;
        end
      end
    end
  end else begin : g_s4_comb
    assign s4_valid  = s3_valid;
    assign s4_single = s3_single;
    assign s4_h      = s3_h;
    assign s4_mask   = s3_mask;
    assign s4_thresh = s3_thresh;
    assign s4_half   = s3_half;
    assign s4_rshift = s3_rshift;
    assign s4_t      = s3_t;
    assign s4_zp     = s3_zp;
    assign s4_min    = s3_min;
    assign s4_max    = s3_max;
  end

  // ---------------------------------------------------------------------------------------------
  // Step 3b: the rounding shifts: y
  // ---------------------------------------------------------------------------------------------
  logic        [31:0] s4_rem;  // h mod 2^R (h is an int32 value: its low 32 bits)
  logic signed [63:0] s4_y_double, s4_y_single, s4_y;

  always_comb begin
    s4_rem      = s4_h[31:0] & s4_mask;
    s4_y_double = (s4_h >>> s4_rshift) + ((s4_rem > s4_thresh) ? 64'sd1 : 64'sd0);
    s4_y_single = (s4_t == 7'd0) ? s4_half : ((s4_half + 64'sd1) >>> 1);
    s4_y        = s4_single ? s4_y_single : s4_y_double;
  end

  // Step 3c inputs, registered when PipeDepth >= 4.
  logic               s5_valid;
  logic signed [63:0] s5_y;
  logic signed [7:0]  s5_zp, s5_min, s5_max;

  if (PipeDepth >= 4) begin : g_s5_reg
    always_ff @(posedge clk_i or negedge rst_ni) begin
      if (!rst_ni) begin
        s5_valid <= 1'b0;
        s5_y     <= '0;
        s5_zp    <= '0;
        s5_min   <= '0;
        s5_max   <= '0;
      end else begin
        s5_valid <= s4_valid;
        if (s4_valid) begin
          s5_y   <= s4_y;
          s5_zp  <= s4_zp;
          s5_min <= s4_min;
          s5_max <= s4_max;
        end
      end
    end
  end else begin : g_s5_comb
    assign s5_valid = s4_valid;
    assign s5_y     = s4_y;
    assign s5_zp    = s4_zp;
    assign s5_min   = s4_min;
    assign s5_max   = s4_max;
  end

  // ---------------------------------------------------------------------------------------------
  // Step 3c: output zero point and clamp
  // ---------------------------------------------------------------------------------------------
  logic signed [63:0] s5_sum;  // y + zp: |y| <= 2^62
  logic signed [7:0]  s5_out;

  always_comb begin
    s5_sum = s5_y + 64'(s5_zp);
    if (s5_sum < 64'(s5_min)) begin
      s5_out = s5_min;
    end else if (s5_sum > 64'(s5_max)) begin
      s5_out = s5_max;
    end else begin
      s5_out = s5_sum[7:0];
    end
  end

  // Output registers: the first always, PipeDepth - 5 more when PipeDepth > 5.
  // Register i holds bits [8*i +: 8] of out_data_q; the last one drives out_o.
  logic [OutRegs-1:0]   out_valid_d, out_valid_q;
  logic [8*OutRegs-1:0] out_data_d, out_data_q;

  always_comb begin
    out_valid_d[0]   = s5_valid;
    out_data_d[7:0]  = s5_valid ? s5_out : out_data_q[7:0];
    for (int i = 1; i < OutRegs; i++) begin
      out_valid_d[i]      = out_valid_q[i-1];
      out_data_d[8*i +: 8] = out_valid_q[i-1] ? out_data_q[8*(i-1) +: 8] : out_data_q[8*i +: 8];
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      out_valid_q <= '0;
      out_data_q  <= '0;
    end else begin
      out_valid_q <= out_valid_d;
      out_data_q  <= out_data_d;
    end
  end

  assign valid_o = out_valid_q[OutRegs-1];
  assign out_o   = out_data_q[8*(OutRegs-1) +: 8];

  // Signals a fixed-mode configuration does not read.
  logic unused_rounding;
  assign unused_rounding = rounding_i;

  // ---------------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------------
  // Illegal parameters stop elaboration (Icarus has no elaboration-time $error: it stops at t=0).
`ifdef __ICARUS__
  initial begin
    if (PipeDepth < 1) $fatal(1, "requant: PipeDepth must be >= 1");
    if (Rounding < 0 || Rounding > 2) $fatal(1, "requant: Rounding must be 0, 1 or 2");
  end
`else
  if (PipeDepth < 1) begin : g_bad_pipe_depth
    $error("requant: PipeDepth must be >= 1");
  end
  if (Rounding < 0 || Rounding > 2) begin : g_bad_rounding
    $error("requant: Rounding must be 0 (double), 1 (single) or 2 (rounding_i)");
  end
`endif

  // ---------------------------------------------------------------------------------------------
  // Cover points (scripts/coverage.sh)
  // ---------------------------------------------------------------------------------------------
  // Saturation at the int8 range on both sides, and the activation bounds clamping inside it.
  `SYS_COVER(SatLow_C, s5_valid && (s5_sum < -64'sd128))
  `SYS_COVER(SatHigh_C, s5_valid && (s5_sum > 64'sd127))
  `SYS_COVER(ClampMin_C, s5_valid && (s5_min > -8'sd128) && (s5_sum < 64'(s5_min)))
  `SYS_COVER(ClampMax_C, s5_valid && (s5_max < 8'sd127) && (s5_sum > 64'(s5_max)))
  // Rounding ties: double rounding's right shift with a remainder of exactly half (rounded away
  // from zero), single rounding's product exactly half-way (x * m0 = 2^(t-1) mod 2^t).
  if (Rounding != 1) begin : g_cover_double
    `SYS_COVER(TieDouble_C, s4_valid && !s4_single && (s4_rshift != 6'd0) &&
                            (s4_rem == (s4_mask >> 1) + 32'd1))
  end
  if (Rounding != 0) begin : g_cover_single
    `SYS_COVER(TieSingle_C, s3_valid && s3_single && (s3_t != 7'd0) &&
                            ((s3_prod & ((64'sd1 <<< s3_t) - 64'sd1)) == (64'sd1 <<< (s3_t - 7'd1))))
  end

endmodule
