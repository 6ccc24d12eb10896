// dma: the memory side of systolic_top: runs a memory command (docs/architecture.md section 4,
// "Memory commands"; C++ twin: model/dma.h).
//
// A memory command computes C = requant(A * B + bias) from memory to memory: it checks the
// descriptors, loads A, B, BIAS, M0 and SHIFT from memory into the scratchpads, starts tile_ctrl
// on them, waits for its done_o and stores C back. Phases, in this order (state_q):
//   Check      1 cycle: refuse the command (err_o != 0, nothing read or written) when
//              1 a scratchpad range does not fit: a_base + M*KT > AWords, b_base + NT*K > BWords,
//                c_base + M*NT > CWords or q_base + NT > QWords (KT = ceil(K/Rows),
//                NT = ceil(N/Cols));
//              2 a tensor leaves the memory or its rows overlap: addr + (rows-1)*ld + row_bytes
//                > 2^MemAddrWidth, or rows > 1 and ld < row_bytes;
//              3 C's extent [dram_c, end) overlaps the extent of A, B, BIAS, M0 or SHIFT (extents,
//                not bytes: a C interleaved between another tensor's rows is refused too).
//              A command with M, N or K = 0 ends here without error and without memory traffic.
//   LoadA .. LoadShift   one transfer each (below), in the order A, B, BIAS, M0, SHIFT.
//   Tile       1 cycle: tile_start_o = 1.
//   Compute    until tile_ctrl's done_o.
//   Store      C from the C scratchpad to memory, until every write is acknowledged.
// A transfer moves `rows` rows of row_bytes bytes (A: M x K, B: K x N, C: M x N int8; BIAS, M0:
// 1 x 4N bytes of little-endian int32; SHIFT: 1 x N int8) between memory (row r at addr + r*ld)
// and scratchpad words of W bytes (A: Rows lanes, B/C/SHIFT: Cols lanes, BIAS/M0: Cols int32
// lanes): row r's bytes fill words wpr = ceil(row_bytes / W) words at sbase + r*rstride +
// j*cstride (A: rstride KT, cstride 1; B: rstride 1, cstride K; C: rstride NT, cstride 1), the
// last word of a row padded with zeros (stored: only the row's bytes are written).
//
// Memory port (mem_req_*, mem_rsp_*; one beat of MB = 2^MemBytesLog2 bytes, addresses multiples
// of MB): a request is held (valid, we, addr, wdata, wstrb unchanged) until mem_req_ready_i;
// every request gets one response, in request order (a read's data, a write's acknowledgement),
// taken in a cycle with mem_rsp_valid_i and mem_rsp_ready_o. Any number of requests may be in
// flight (the memory limits them with mem_req_ready_i).
//   Load: read requests for the beats that hold each row's bytes, in address order, one per
//   cycle while mem_req_ready_i; each response's bytes of the row go into a staging buffer of
//   Cap = 2*WMax + MB bytes (the last beat of a row adds the row's padding zeros), taken while
//   they fit after this cycle's word; one word of W bytes leaves the buffer per cycle into the
//   scratchpad (wr_en_o, wr_addr_o, wr_data_o). The load ends in the cycle its last word is
//   written; the next phase starts in the next cycle.
//   Store: the C words of each row are read in order (c_rd_en_o; data in the next cycle) while
//   the buffer has room, their row bytes appended; a write request carries the bytes of one beat
//   of the row (wstrb marks them) once the buffer holds them all. Store ends when every row is
//   written and acknowledged.
// Counters (systolic_regs): ph_load_o = busy cycles before the Compute phase (Check, loads,
// Tile); ph_store_o = the Store cycles and the Compute cycle of tile_ctrl's done_o. tile_ctrl is
// busy in every other busy cycle of a memory command.
// Cycle behaviour: start_i in a cycle with busy_o = 0 starts a command (busy_o = 1 from the next
// cycle); done_o = 1 for the cycle after the last busy cycle, err_o with it (0 otherwise). Every output is a function of the registers (no combinational path from an input).
// The command inputs must not change while busy_o = 1. Reset (rst_ni = 0, asynchronous) clears
// every register.
`include "systolic_assert.svh"

module dma #(
  parameter int Rows         = 16,
  parameter int Cols         = 16,
  parameter int AWords       = 1024,
  parameter int BWords       = 1024,
  parameter int CWords       = 1024,
  parameter int QWords       = 64,
  parameter int MemBytesLog2 = 4
) (
  input  logic                                   clk_i,
  input  logic                                   rst_ni,
  input  logic                                   start_i,
  input  logic [systolic_pkg::DimWidth-1:0]      m_i,
  input  logic [systolic_pkg::DimWidth-1:0]      n_i,
  input  logic [systolic_pkg::DimWidth-1:0]      k_i,
  input  logic [systolic_pkg::WordWidth-1:0]     a_base_i,
  input  logic [systolic_pkg::WordWidth-1:0]     b_base_i,
  input  logic [systolic_pkg::WordWidth-1:0]     c_base_i,
  input  logic [systolic_pkg::WordWidth-1:0]     q_base_i,
  input  logic [systolic_pkg::MemAddrWidth-1:0]  dram_a_i,
  input  logic [systolic_pkg::MemAddrWidth-1:0]  dram_b_i,
  input  logic [systolic_pkg::MemAddrWidth-1:0]  dram_c_i,
  input  logic [systolic_pkg::MemAddrWidth-1:0]  dram_bias_i,
  input  logic [systolic_pkg::MemAddrWidth-1:0]  dram_m0_i,
  input  logic [systolic_pkg::MemAddrWidth-1:0]  dram_shift_i,
  input  logic [systolic_pkg::MemAddrWidth-1:0]  ld_a_i,
  input  logic [systolic_pkg::MemAddrWidth-1:0]  ld_b_i,
  input  logic [systolic_pkg::MemAddrWidth-1:0]  ld_c_i,
  input  logic                                   tile_done_i,
  input  logic [Cols*systolic_pkg::DataWidth-1:0] c_rd_data_i,
  input  logic                                   mem_req_ready_i,
  input  logic                                   mem_rsp_valid_i,
  input  logic [8*(2**MemBytesLog2)-1:0]         mem_rsp_rdata_i,
  output logic                                   busy_o,
  output logic                                   done_o,
  output logic [systolic_pkg::ErrWidth-1:0]      err_o,
  output logic                                   tile_start_o,
  output logic                                   ph_load_o,
  output logic                                   ph_store_o,
  output logic [systolic_pkg::SpadRegions-1:0]   wr_en_o,
  output logic [systolic_pkg::AddrWidth-1:0]     wr_addr_o,
  output logic [32*((Rows > Cols) ? Rows : Cols)-1:0] wr_data_o,
  output logic                                   c_rd_en_o,
  output logic [systolic_pkg::AddrWidth-1:0]     c_rd_addr_o,
  output logic                                   mem_req_valid_o,
  output logic                                   mem_req_we_o,
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
  localparam int BufW  = 8 * Cap;
  localparam int OutW  = 16;  // writes in flight

  // Scratchpad index in wr_en_o (region 1 + i).
  localparam int SpA = 0, SpB = 1, SpBias = 3, SpM0 = 4, SpShift = 5;

  typedef enum logic [3:0] {
    SIdle, SCheck, SLoadA, SLoadB, SLoadBias, SLoadM0, SLoadShift, STile, SCompute, SStore
  } state_e;

  state_e               state_q, state_d;
  logic                 done_q, done_d;
  logic [systolic_pkg::ErrWidth-1:0] err_q, err_d;
  // The transfer of the current phase.
  logic [MAW-1:0]       x_ld_q, x_ld_d;        // bytes between rows
  logic [MAW-1:0]       x_rb_q, x_rb_d;        // bytes per row
  logic [7:0]           x_wb_q, x_wb_d;        // bytes per scratchpad word (W)
  logic [DimW-1:0]      x_wpr_q, x_wpr_d;      // words per row
  logic [7:0]           x_pad_q, x_pad_d;      // load: zeros after a row; store: bytes of a row's last word
  logic [AW-1:0]        x_rstride_q, x_rstride_d;
  logic [AW-1:0]        x_cstride_q, x_cstride_d;
  // Request walk (load: reads) / beat walk (store: writes): rows left, row start, beat address.
  logic [DimW-1:0]      rq_rows_q, rq_rows_d;
  logic [MAW-1:0]       rq_row_q, rq_row_d;
  logic [MAW-1:0]       rq_beat_q, rq_beat_d;
  // Response walk (load): the same over the responses.
  logic [DimW-1:0]      rs_rows_q, rs_rows_d;
  logic [MAW-1:0]       rs_row_q, rs_row_d;
  logic [MAW-1:0]       rs_beat_q, rs_beat_d;
  // Word walk: load: words written; store: words read. Rows left, word in row, word address.
  logic [DimW-1:0]      wd_rows_q, wd_rows_d;
  logic [DimW-1:0]      wd_j_q, wd_j_d;
  logic [AW-1:0]        wd_addr_q, wd_addr_d;
  logic [AW-1:0]        wd_row_q, wd_row_d;    // word address of word 0 of the row
  // Staging buffer: fill_q bytes at the bottom, zeros above.
  logic [BufW-1:0]      buf_q, buf_d;
  logic [CapW-1:0]      fill_q, fill_d;
  // Store: a C word read last cycle (its row bytes), writes awaiting acknowledgement.
  logic                 pend_q, pend_d;
  logic [7:0]           pend_n_q, pend_n_d;
  logic [OutW-1:0]      wr_out_q, wr_out_d;

  // ---------------------------------------------------------------------------------------------
  // Check: tile counts, ranges and extents (64-bit arithmetic: no operand exceeds 58 bits)
  // ---------------------------------------------------------------------------------------------
  logic [63:0] kt, nt, a_end, b_end, c_end, q_end;
  logic [63:0] xa_end, xb_end, xc_end, xbias_end, xm0_end, xshift_end;
  logic        zero_dim, bad_spad, bad_mem, bad_overlap;
  logic [systolic_pkg::ErrWidth-1:0] check_err;

  // Rows - 1 of each tensor (DimWidth bits, as the registers) and its extent's end.
  logic [DimW-1:0] m_m1, k_m1;
  assign m_m1 = m_i - DimW'(1);
  assign k_m1 = k_i - DimW'(1);

  always_comb begin
    kt = (64'(k_i) + 64'(Rows) - 64'd1) / 64'(Rows);
    nt = (64'(n_i) + 64'(Cols) - 64'd1) / 64'(Cols);
    a_end = 64'(a_base_i) + 64'(m_i) * kt;
    b_end = 64'(b_base_i) + nt * 64'(k_i);
    c_end = 64'(c_base_i) + 64'(m_i) * nt;
    q_end = 64'(q_base_i) + nt;
    xa_end     = 64'(dram_a_i) + 64'(m_m1) * 64'(ld_a_i) + 64'(k_i);
    xb_end     = 64'(dram_b_i) + 64'(k_m1) * 64'(ld_b_i) + 64'(n_i);
    xc_end     = 64'(dram_c_i) + 64'(m_m1) * 64'(ld_c_i) + 64'(n_i);
    xbias_end  = 64'(dram_bias_i) + 64'(n_i) * 64'd4;
    xm0_end    = 64'(dram_m0_i) + 64'(n_i) * 64'd4;
    xshift_end = 64'(dram_shift_i) + 64'(n_i);
    zero_dim = (m_i == '0) || (n_i == '0) || (k_i == '0);
    bad_spad = (a_end > 64'(AWords)) || (b_end > 64'(BWords)) || (c_end > 64'(CWords)) ||
               (q_end > 64'(QWords));
    bad_mem = (xa_end > (64'd1 << MAW)) || (xb_end > (64'd1 << MAW)) ||
              (xc_end > (64'd1 << MAW)) || (xbias_end > (64'd1 << MAW)) ||
              (xm0_end > (64'd1 << MAW)) || (xshift_end > (64'd1 << MAW)) ||
              ((m_i > DimW'(1)) && (ld_a_i < MAW'(k_i))) ||
              ((k_i > DimW'(1)) && (ld_b_i < MAW'(n_i))) ||
              ((m_i > DimW'(1)) && (ld_c_i < MAW'(n_i)));
    // [lo1, hi1) and [lo2, hi2) overlap when lo1 < hi2 and lo2 < hi1.
    bad_overlap = ((64'(dram_c_i) < xa_end) && (64'(dram_a_i) < xc_end)) ||
                  ((64'(dram_c_i) < xb_end) && (64'(dram_b_i) < xc_end)) ||
                  ((64'(dram_c_i) < xbias_end) && (64'(dram_bias_i) < xc_end)) ||
                  ((64'(dram_c_i) < xm0_end) && (64'(dram_m0_i) < xc_end)) ||
                  ((64'(dram_c_i) < xshift_end) && (64'(dram_shift_i) < xc_end));
    check_err = bad_spad ? 3'd1 : bad_mem ? 3'd2 : bad_overlap ? 3'd3 : 3'd0;
  end

  // ---------------------------------------------------------------------------------------------
  // The transfer a phase runs
  // ---------------------------------------------------------------------------------------------
  logic [MAW-1:0]  nx_addr, nx_ld, nx_rb;
  logic [DimW-1:0] nx_rows, nx_wpr;
  logic [7:0]      nx_wb, nx_pad;
  logic [AW-1:0]   nx_sbase, nx_rstride, nx_cstride;

  always_comb begin
    nx_addr = '0; nx_ld = '0; nx_rb = '0; nx_rows = '0; nx_wpr = '0; nx_wb = '0; nx_pad = '0;
    nx_sbase = '0; nx_rstride = '0; nx_cstride = '0;
    unique case (state_d)
      SLoadA: begin
        nx_addr = dram_a_i; nx_ld = ld_a_i; nx_rows = m_i; nx_rb = MAW'(k_i);
        nx_wb = 8'(Rows); nx_wpr = DimW'(kt); nx_pad = 8'(kt * 64'(Rows) - 64'(k_i));
        nx_sbase = AW'(a_base_i); nx_rstride = AW'(kt); nx_cstride = AW'(1);
      end
      SLoadB: begin
        nx_addr = dram_b_i; nx_ld = ld_b_i; nx_rows = k_i; nx_rb = MAW'(n_i);
        nx_wb = 8'(Cols); nx_wpr = DimW'(nt); nx_pad = 8'(nt * 64'(Cols) - 64'(n_i));
        nx_sbase = AW'(b_base_i); nx_rstride = AW'(1); nx_cstride = AW'(k_i);
      end
      SLoadBias, SLoadM0: begin
        nx_addr = (state_d == SLoadBias) ? dram_bias_i : dram_m0_i;
        nx_rows = DimW'(1); nx_rb = MAW'(64'(n_i) * 64'd4);
        nx_wb = 8'(4 * Cols); nx_wpr = DimW'(nt); nx_pad = 8'((nt * 64'(Cols) - 64'(n_i)) * 64'd4);
        nx_sbase = AW'(q_base_i); nx_cstride = AW'(1);
      end
      SLoadShift: begin
        nx_addr = dram_shift_i; nx_rows = DimW'(1); nx_rb = MAW'(n_i);
        nx_wb = 8'(Cols); nx_wpr = DimW'(nt); nx_pad = 8'(nt * 64'(Cols) - 64'(n_i));
        nx_sbase = AW'(q_base_i); nx_cstride = AW'(1);
      end
      SStore: begin
        // x_pad: the bytes of a row's last word.
        nx_addr = dram_c_i; nx_ld = ld_c_i; nx_rows = m_i; nx_rb = MAW'(n_i);
        nx_wb = 8'(Cols); nx_wpr = DimW'(nt); nx_pad = 8'(64'(n_i) - (nt - 64'd1) * 64'(Cols));
        nx_sbase = AW'(c_base_i); nx_rstride = AW'(nt); nx_cstride = AW'(1);
      end
      default: ;
    endcase
  end

  // ---------------------------------------------------------------------------------------------
  // Datapath of this cycle
  // ---------------------------------------------------------------------------------------------
  logic            loading, storing;
  logic [MAW-1:0]  beat_mask;                 // ~(MB - 1)
  // The beat at the head of the response walk (load) or of the beat walk (store).
  logic [MAW-1:0]  hd_row, hd_beat, hd_end_off;
  logic [7:0]      hd_lo, hd_hi, hd_n;
  logic            hd_last;                   // the last beat of its row
  logic            emit;                      // load: a word leaves the buffer this cycle
  logic [CapW-1:0] fill_e;                    // fill after this cycle's word / write
  logic [CapW+8:0] fill_need;
  logic            rsp_take;                  // load: a response enters the buffer
  logic            req_fire;                  // a request is accepted
  logic            rq_last;                   // load: the request is its row's last beat
  logic [BufW-1:0] ins, beat_bits, c_bits;
  logic            c_rd, wd_last;
  logic [MB-1:0]   strb;

  assign loading   = (state_q == SLoadA) || (state_q == SLoadB) || (state_q == SLoadBias) ||
                     (state_q == SLoadM0) || (state_q == SLoadShift);
  assign storing   = state_q == SStore;
  assign beat_mask = ~MAW'(MB - 1);

  always_comb begin
    hd_row     = loading ? rs_row_q : rq_row_q;
    hd_beat    = loading ? rs_beat_q : rq_beat_q;
    hd_lo      = (hd_row > hd_beat) ? 8'(hd_row - hd_beat) : 8'd0;
    hd_end_off = hd_row + x_rb_q - hd_beat;
    hd_last    = hd_end_off <= MAW'(MB);
    hd_hi      = hd_last ? 8'(hd_end_off) : 8'(MB);
    hd_n       = hd_hi - hd_lo;
    wd_last    = wd_j_q == x_wpr_q - DimW'(1);
  end

  // Load: one word out, one response in.
  always_comb begin
    emit      = loading && (32'(fill_q) >= 32'(x_wb_q));
    fill_e    = fill_q - (emit ? CapW'(x_wb_q) : CapW'(0));
    fill_need = (CapW + 9)'(fill_e) + (CapW + 9)'(hd_n) + (hd_last ? (CapW + 9)'(x_pad_q) : '0);
  end
  assign mem_rsp_ready_o = (loading && (rs_rows_q != '0) && (32'(fill_need) <= 32'(Cap))) ||
                           storing;
  assign rsp_take        = loading && mem_rsp_ready_o && mem_rsp_valid_i;

  // Requests: load reads the beats of the rows; store writes a beat once its bytes are buffered.
  assign mem_req_valid_o = (loading && (rq_rows_q != '0)) ||
                           (storing && (rq_rows_q != '0) && (32'(fill_q) >= 32'(hd_n)));
  assign mem_req_we_o    = storing;
  assign mem_req_addr_o  = rq_beat_q;
  assign req_fire        = mem_req_valid_o && mem_req_ready_i;
  assign rq_last         = rq_row_q + x_rb_q - rq_beat_q <= MAW'(MB);  // modulo 2^MAW: a row may end at 2^MAW

  always_comb begin
    strb = '0;
    for (int i = 0; i < MB; i++) strb[i] = storing && (8'(i) >= hd_lo) && (8'(i) < hd_hi);
    mem_req_wstrb_o = strb;
    mem_req_wdata_o = '0;
    if (storing) mem_req_wdata_o = (8 * MB)'(buf_q << (32'(hd_lo) * 8));
    for (int i = 0; i < MB; i++) if (!strb[i]) mem_req_wdata_o[8*i +: 8] = 8'd0;
  end

  // Store: C word reads while the buffer has room for one more word.
  assign c_rd      = storing && (wd_rows_q != '0) &&
                     (32'(fill_q) + (pend_q ? 32'(pend_n_q) : 32'd0) + 32'(x_wb_q) <= 32'(Cap));
  assign c_rd_en_o   = c_rd;
  assign c_rd_addr_o = wd_addr_q;

  // Scratchpad writes (load): the buffer's first word as lanes.
  always_comb begin
    wr_en_o = '0;
    if (emit) begin
      unique case (state_q)
        SLoadA:     wr_en_o[SpA] = 1'b1;
        SLoadB:     wr_en_o[SpB] = 1'b1;
        SLoadBias:  wr_en_o[SpBias] = 1'b1;
        SLoadM0:    wr_en_o[SpM0] = 1'b1;
        SLoadShift: wr_en_o[SpShift] = 1'b1;
        default: ;
      endcase
    end
    wr_data_o = '0;
    for (int l = 0; l < Lanes; l++) begin
      if ((state_q == SLoadBias) || (state_q == SLoadM0)) begin
        if (l < Cols) wr_data_o[32*l +: 32] = buf_q[32*l +: 32];
      end else if (32'(l) < 32'(x_wb_q)) begin
        wr_data_o[32*l +: 32] = 32'($signed(buf_q[8*l +: 8]));
      end
    end
    if (!emit) wr_data_o = '0;
  end
  assign wr_addr_o = emit ? wd_addr_q : '0;

  // Buffer update.
  always_comb begin
    beat_bits = '0;
    for (int i = 0; i < MB; i++) begin
      if ((8'(i) >= hd_lo) && (8'(i) < hd_hi)) beat_bits[8*i +: 8] = mem_rsp_rdata_i[8*i +: 8];
    end
    beat_bits = beat_bits >> (32'(hd_lo) * 8);
    c_bits = '0;
    for (int i = 0; i < Cols; i++) begin
      if (8'(i) < pend_n_q) c_bits[8*i +: 8] = c_rd_data_i[8*i +: 8];
    end
    ins    = '0;
    buf_d  = buf_q;
    fill_d = fill_q;
    if (loading) begin
      buf_d  = emit ? (buf_q >> (32'(x_wb_q) * 8)) : buf_q;
      ins    = rsp_take ? (beat_bits << (32'(fill_e) * 8)) : '0;
      buf_d  = buf_d | ins;
      fill_d = fill_e + (rsp_take ? CapW'(hd_n) + (hd_last ? CapW'(x_pad_q) : '0) : CapW'(0));
    end else if (storing) begin
      buf_d  = req_fire ? (buf_q >> (32'(hd_n) * 8)) : buf_q;
      fill_d = fill_q - (req_fire ? CapW'(hd_n) : CapW'(0));
      ins    = pend_q ? (c_bits << (32'(fill_d) * 8)) : '0;
      buf_d  = buf_d | ins;
      fill_d = fill_d + (pend_q ? CapW'(pend_n_q) : CapW'(0));
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Control
  // ---------------------------------------------------------------------------------------------
  logic load_end;
  assign load_end = loading && emit && (wd_rows_q == DimW'(1)) && wd_last;

  always_comb begin
    state_d = state_q;
    done_d  = 1'b0;
    err_d   = err_q;
    unique case (state_q)
      SIdle: if (start_i) begin
        state_d = SCheck;
        err_d   = '0;
      end
      SCheck: begin
        if (check_err != '0 || zero_dim) begin
          state_d = SIdle;
          done_d  = 1'b1;
          err_d   = zero_dim ? '0 : check_err;
        end else begin
          state_d = SLoadA;
        end
      end
      SLoadA:     if (load_end) state_d = SLoadB;
      SLoadB:     if (load_end) state_d = SLoadBias;
      SLoadBias:  if (load_end) state_d = SLoadM0;
      SLoadM0:    if (load_end) state_d = SLoadShift;
      SLoadShift: if (load_end) state_d = STile;
      STile:      state_d = SCompute;
      SCompute:   if (tile_done_i) state_d = SStore;
      SStore: if ((rq_rows_q == '0) && (wr_out_q == '0)) begin
        state_d = SIdle;
        done_d  = 1'b1;
      end
      default: state_d = SIdle;
    endcase
  end

  always_comb begin
    x_ld_d = x_ld_q; x_rb_d = x_rb_q; x_wb_d = x_wb_q; x_wpr_d = x_wpr_q; x_pad_d = x_pad_q;
    x_rstride_d = x_rstride_q; x_cstride_d = x_cstride_q;
    rq_rows_d = rq_rows_q; rq_row_d = rq_row_q; rq_beat_d = rq_beat_q;
    rs_rows_d = rs_rows_q; rs_row_d = rs_row_q; rs_beat_d = rs_beat_q;
    wd_rows_d = wd_rows_q; wd_j_d = wd_j_q; wd_addr_d = wd_addr_q; wd_row_d = wd_row_q;
    pend_d = c_rd;
    pend_n_d = wd_last ? x_pad_q : x_wb_q;
    wr_out_d = wr_out_q + OutW'(storing && req_fire) - OutW'(storing && mem_rsp_valid_i);
    // Request / beat walk.
    if (req_fire) begin
      if (rq_last) begin
        rq_rows_d = rq_rows_q - DimW'(1);
        rq_row_d  = rq_row_q + x_ld_q;
        rq_beat_d = (rq_row_q + x_ld_q) & beat_mask;
      end else begin
        rq_beat_d = rq_beat_q + MAW'(MB);
      end
    end
    // Response walk.
    if (rsp_take) begin
      if (hd_last) begin
        rs_rows_d = rs_rows_q - DimW'(1);
        rs_row_d  = rs_row_q + x_ld_q;
        rs_beat_d = (rs_row_q + x_ld_q) & beat_mask;
      end else begin
        rs_beat_d = rs_beat_q + MAW'(MB);
      end
    end
    // Word walk.
    if (emit || c_rd) begin
      if (wd_last) begin
        wd_rows_d = wd_rows_q - DimW'(1);
        wd_j_d    = '0;
        wd_row_d  = wd_row_q + x_rstride_q;
        wd_addr_d = wd_row_q + x_rstride_q;
      end else begin
        wd_j_d    = wd_j_q + DimW'(1);
        wd_addr_d = wd_addr_q + x_cstride_q;
      end
    end
    // A new phase: its transfer.
    if (state_d != state_q) begin
      x_ld_d = nx_ld; x_rb_d = nx_rb; x_wb_d = nx_wb; x_wpr_d = nx_wpr; x_pad_d = nx_pad;
      x_rstride_d = nx_rstride; x_cstride_d = nx_cstride;
      rq_rows_d = nx_rows; rq_row_d = nx_addr; rq_beat_d = nx_addr & beat_mask;
      rs_rows_d = nx_rows; rs_row_d = nx_addr; rs_beat_d = nx_addr & beat_mask;
      wd_rows_d = nx_rows; wd_j_d = '0; wd_addr_d = nx_sbase; wd_row_d = nx_sbase;
    end
  end

  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) begin
      state_q <= SIdle;
      done_q <= 1'b0;
      err_q <= '0;
      x_ld_q <= '0; x_rb_q <= '0; x_wb_q <= '0; x_wpr_q <= '0; x_pad_q <= '0;
      x_rstride_q <= '0; x_cstride_q <= '0;
      rq_rows_q <= '0; rq_row_q <= '0; rq_beat_q <= '0;
      rs_rows_q <= '0; rs_row_q <= '0; rs_beat_q <= '0;
      wd_rows_q <= '0; wd_j_q <= '0; wd_addr_q <= '0; wd_row_q <= '0;
      buf_q <= '0; fill_q <= '0;
      pend_q <= 1'b0; pend_n_q <= '0; wr_out_q <= '0;
    end else begin
      state_q <= state_d;
      done_q <= done_d;
      err_q <= err_d;
      x_ld_q <= x_ld_d; x_rb_q <= x_rb_d; x_wb_q <= x_wb_d; x_wpr_q <= x_wpr_d;
      x_pad_q <= x_pad_d; x_rstride_q <= x_rstride_d; x_cstride_q <= x_cstride_d;
      rq_rows_q <= rq_rows_d; rq_row_q <= rq_row_d; rq_beat_q <= rq_beat_d;
      rs_rows_q <= rs_rows_d; rs_row_q <= rs_row_d; rs_beat_q <= rs_beat_d;
      wd_rows_q <= wd_rows_d; wd_j_q <= wd_j_d; wd_addr_q <= wd_addr_d; wd_row_q <= wd_row_d;
      buf_q <= buf_d; fill_q <= fill_d;
      pend_q <= pend_d; pend_n_q <= pend_n_d; wr_out_q <= wr_out_d;
    end
  end

  assign busy_o       = state_q != SIdle;
  assign done_o       = done_q;
  assign err_o        = done_q ? err_q : '0;
  assign tile_start_o = state_q == STile;
  assign ph_load_o    = (state_q == SCheck) || loading || (state_q == STile);
  assign ph_store_o   = storing || ((state_q == SCompute) && tile_done_i);

  // ---------------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------------
  // The staging buffer never overflows; a store never answers more writes than it issued.
  `SYS_ASSERT(BufCap_A, 32'(fill_q) <= 32'(Cap))
  `SYS_ASSERT(WrOut_A, !(storing && mem_rsp_valid_i && (wr_out_q == '0)))
  // A load takes no response beyond the rows it requested.
  `SYS_ASSERT(RspOrder_A, !(loading && mem_rsp_valid_i && (rs_rows_q == '0)))
  // Requests address whole beats.
  `SYS_ASSERT(MemAligned_A, !mem_req_valid_o || ((mem_req_addr_o & MAW'(MB - 1)) == '0))

endmodule
