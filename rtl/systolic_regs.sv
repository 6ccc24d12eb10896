// systolic_regs: the host port of systolic_top: address decode, the command registers, the
// performance counters and the read-data mux (docs/architecture.md section 4, "Host address map";
// C++ twin: model/systolic_regs.h). Widths, indices and reset values: rtl/systolic_pkg.sv.
//
// Host port (one element or one 32-bit register per access):
//   - host_addr_i[31:28] is the region, [27:8] the word, [7:0] the lane (the register index in
//     region 0, whose word bits are ignored). Regions: 0 registers, 1 A, 2 B, 3 C, 4 BIAS, 5 M0,
//     6 SHIFT; 7..15 are missing (read 0, write nothing).
//   - A read in cycle t (host_req_i = 1, host_we_i = 0) gives host_rvalid_o = 1 in cycle t + 1
//     and host_rdata_o = the register as it was in cycle t, or the scratchpad element as stored
//     before the edge ending t (sign-extended: 8-bit A/B/C, 6-bit SHIFT). host_rdata_o holds its
//     value until the next read; reset value 0.
//   - While busy_i = 1 the engine owns the scratchpads: host writes to every scratchpad and to
//     every register are ignored (CTRL starts nothing), and host reads of A, B, BIAS, M0 and
//     SHIFT return 0 (their one read port streams operands). C reads are served unless
//     dma_busy_i (a memory command's DMA reads C; the engine alone only writes it); a C read in
//     the cycle of an engine write to that word returns the old value.
//   - Register widths: M, N, K DimWidth bits and the bases WordWidth bits (read zero-extended);
//     ZP_OUT, ACT_MIN, ACT_MAX 8 bits (read sign-extended); ROUNDING 1 bit; PRECISION 2 bits,
//     a write of a mode the build lacks (every mode but PrecInt8 when Int4 = 0; the codes other
//     than PrecInt8, PrecW4a8 and PrecW4a4 when Int4 = 1) stores PrecInt8, so the host learns
//     the build's modes by reading it back; DATAFLOW 1 bit, stored only if the build has that
//     dataflow (Dataflow = 3), else it holds the build's one (DfWs with Dataflow = 1, DfOs with
//     Dataflow = 2, also after reset); CTRL and unassigned
//     indices read 0; ROWS, COLS read the parameters; CYC_* are CycWidth-bit (64) counters read
//     as CYC_* (bits 31:0) and CYC_*_HI (bits 63:32), MACS MacsWidth bits (MACS_LO, MACS_HI).
//   - STATUS = {27'b0, err, done, busy}: done is 1 from the cycle of done_i until the next start;
//     err (ErrWidth bits) is err_i of the done_i cycle (a refused memory command's reason).
//   - CTRL bit 0 starts a command (start_o); bit 1 with bit 0 clear a memory command
//     (mem_start_o). DRAM_* and LD_* are MemAddrWidth-bit descriptor registers (rtl/dma.sv).
//     CYC_LOAD / CYC_STORE count ph_load_i / ph_store_i; DRAM_RD / DRAM_WR (64 bits, _LO/_HI)
//     add 2^MemBytesLog2 bytes per rd_beat_i / wr_beat_i; all cleared at either start unless
//     CTRL bit 2 (keep) is set with it: then every counter adds to the value it holds.
//   - Traffic counters (64 bits, NumCnt of them from index CntFirst, each _LO then _HI):
//     DRAM_RD_A / _B / _Q add 2^MemBytesLog2 per rd_beat_i whose rd_sp_i is A / B / one of BIAS,
//     M0, SHIFT; SRAM_RD_x / SRAM_WR_x add sram_rd_i[i] + sram_rd2_i[i] / sram_wr_i[i] +
//     sram_wr2_i[i] (region 1 + i: one word, or a pair of the DMA's in one cycle). Counted
//     and cleared as CYC_*.
//
// Cycle behaviour:
//   - start_o = 1 in a cycle with a CTRL write with bit 0 set while busy_i = 0 (combinational).
//   - spad_re_o[i] / spad_we_o[i] (region 1 + i) and spad_word_o / spad_lane_o / spad_wdata_o
//     are the host access of this cycle, decoded combinationally and gated as above.
//   - Registers 2..14, 32..40 and 47 take host_wdata_i at the edge ending a write cycle with
//     busy_i = 0; so does each 32-bit half of a counter (16..22, 41..46, 48..54 and the traffic
//     counters): a preset, which a start with CTRL bit 2 (keep) counts on from.
//   - Counters, cleared at the edge ending the start cycle (held with keep), then at the end of
//     every cycle with busy_i = 1: CYC_BUSY + 1, each CYC_<phase> + ph_<phase>_i, MACS + s_kv_i * s_nv_i when
//     ph_compute_i (x 2 with PRECISION w4a8 or w4a4: each PE makes two products). A read during a
//     command sees the count up to the previous cycle.
//   - Reset (rst_ni = 0, asynchronous) clears every register, except ACT_MIN = -128 and
//     ACT_MAX = 127.
`include "systolic_assert.svh"

module systolic_regs #(
  parameter int Rows         = 16,  // array rows: read back in ROWS; the width of s_kv_i
  parameter int Cols         = 16,  // array columns: read back in COLS; the width of s_nv_i
  parameter int MemBytesLog2 = 4,   // memory beat: DRAM_RD / DRAM_WR count 2^MemBytesLog2 a beat
  parameter int Int4         = 0,   // 1: PRECISION also takes PrecW4a8, PrecW4a4 (dual-mode PEs)
  parameter int Dataflow     = 1    // dataflows of the build: 1 WS, 2 OS, 3 both (DATAFLOW)
) (
  input  logic                                  clk_i,
  input  logic                                  rst_ni,
  // Host port
  input  logic                                  host_req_i,
  input  logic                                  host_we_i,
  input  logic [systolic_pkg::HostAddrWidth-1:0] host_addr_i,
  input  logic [systolic_pkg::HostDataWidth-1:0] host_wdata_i,
  output logic                                  host_rvalid_o,
  output logic [systolic_pkg::HostDataWidth-1:0] host_rdata_o,
  // From tile_ctrl
  input  logic                                  busy_i,
  input  logic                                  done_i,
  input  logic                                  ph_wstall_i,
  input  logic                                  ph_compute_i,
  input  logic                                  ph_drain_i,
  input  logic                                  ph_output_i,
  input  logic [$clog2(Rows+1)-1:0]             s_kv_i,
  input  logic [$clog2(Cols+1)-1:0]             s_nv_i,
  // From dma (memory commands) and the memory port
  input  logic                                  dma_busy_i,
  input  logic                                  ph_load_i,
  input  logic                                  ph_store_i,
  input  logic [systolic_pkg::ErrWidth-1:0]     err_i,
  input  logic                                  rd_beat_i,
  input  logic                                  wr_beat_i,
  input  logic [systolic_pkg::SpadRegions-1:0]  rd_sp_i,
  input  logic [systolic_pkg::SpadRegions-1:0]  sram_rd_i,
  input  logic [systolic_pkg::SpadRegions-1:0]  sram_wr_i,
  input  logic [systolic_pkg::SpadRegions-1:0]  sram_rd2_i,
  input  logic [systolic_pkg::SpadRegions-1:0]  sram_wr2_i,
  // Command
  output logic                                  start_o,
  output logic                                  mem_start_o,
  output logic [systolic_pkg::DimWidth-1:0]     m_o,
  output logic [systolic_pkg::DimWidth-1:0]     n_o,
  output logic [systolic_pkg::DimWidth-1:0]     k_o,
  output logic [systolic_pkg::WordWidth-1:0]    a_base_o,
  output logic [systolic_pkg::WordWidth-1:0]    b_base_o,
  output logic [systolic_pkg::WordWidth-1:0]    c_base_o,
  output logic [systolic_pkg::WordWidth-1:0]    q_base_o,
  output logic [systolic_pkg::MemAddrWidth-1:0] dram_a_o,
  output logic [systolic_pkg::MemAddrWidth-1:0] dram_b_o,
  output logic [systolic_pkg::MemAddrWidth-1:0] dram_c_o,
  output logic [systolic_pkg::MemAddrWidth-1:0] dram_bias_o,
  output logic [systolic_pkg::MemAddrWidth-1:0] dram_m0_o,
  output logic [systolic_pkg::MemAddrWidth-1:0] dram_shift_o,
  output logic [systolic_pkg::MemAddrWidth-1:0] ld_a_o,
  output logic [systolic_pkg::MemAddrWidth-1:0] ld_b_o,
  output logic [systolic_pkg::MemAddrWidth-1:0] ld_c_o,
  output logic [31:0]                           dram_bw_o,
  output logic [systolic_pkg::DataWidth-1:0]    zp_out_o,
  output logic [systolic_pkg::DataWidth-1:0]    act_min_o,
  output logic [systolic_pkg::DataWidth-1:0]    act_max_o,
  output logic                                  rounding_o,
  output logic [1:0]                            precision_o,  // PRECISION
  output logic                                  dataflow_o,   // DATAFLOW: 1 output-stationary
  // Host accesses to the scratchpads (bit i: region 1 + i: A, B, C, BIAS, M0, SHIFT)
  output logic [systolic_pkg::SpadRegions-1:0]  spad_re_o,
  output logic [systolic_pkg::SpadRegions-1:0]  spad_we_o,
  output logic [systolic_pkg::WordWidth-1:0]    spad_word_o,
  output logic [systolic_pkg::LaneWidth-1:0]    spad_lane_o,
  output logic [systolic_pkg::HostDataWidth-1:0] spad_wdata_o,
  // The element of last cycle's host read of each scratchpad (spad host_rdata_o)
  input  logic [systolic_pkg::DataWidth-1:0]    a_rdata_i,
  input  logic [systolic_pkg::DataWidth-1:0]    b_rdata_i,
  input  logic [systolic_pkg::DataWidth-1:0]    c_rdata_i,
  input  logic [systolic_pkg::BiasWidth-1:0]    bias_rdata_i,
  input  logic [systolic_pkg::M0Width-1:0]      m0_rdata_i,
  input  logic [systolic_pkg::ShiftWidth-1:0]   shift_rdata_i
);

  localparam int DimW   = systolic_pkg::DimWidth;
  localparam int BaseW  = systolic_pkg::WordWidth;
  localparam int DataW  = systolic_pkg::DataWidth;
  localparam int CycW   = systolic_pkg::CycWidth;
  localparam int MacsW  = systolic_pkg::MacsWidth;
  localparam int RegW   = systolic_pkg::RegionWidth;
  localparam int LaneW  = systolic_pkg::LaneWidth;
  localparam int MacW   = $clog2(Rows + 1) + $clog2(Cols + 1);
  localparam int MAW    = systolic_pkg::MemAddrWidth;
  localparam int ErrW   = systolic_pkg::ErrWidth;
  localparam int NumCnt = systolic_pkg::NumCnt;
  localparam int SpR    = systolic_pkg::SpadRegions;
  localparam logic [63:0] Beat = 64'd1 << MemBytesLog2;
  // What traffic counter i adds per event: a beat's bytes (DRAM_RD_*), else one word (SRAM_*).
  function automatic logic [63:0] cnt_weight(int i);
    cnt_weight = (i == systolic_pkg::CntDramRdA || i == systolic_pkg::CntDramRdB ||
                  i == systolic_pkg::CntDramRdQ) ? Beat : 64'd1;
  endfunction
  // Bit i of rd_sp_i / sram_rd_i / sram_wr_i: region 1 + i.
  localparam int SpA    = 32'(systolic_pkg::RegionA) - 1;
  localparam int SpB    = 32'(systolic_pkg::RegionB) - 1;
  localparam int SpC    = 32'(systolic_pkg::RegionC) - 1;
  localparam int SpBias = 32'(systolic_pkg::RegionBias) - 1;
  localparam int SpM0   = 32'(systolic_pkg::RegionM0) - 1;
  localparam int SpShift = 32'(systolic_pkg::RegionShift) - 1;

  // Read source codes, registered with a read: a region, or none (a missing region, or a
  // scratchpad the engine owns).
  localparam logic [2:0] SrcRegs = 3'd0, SrcNone = 3'd7;  // 1 .. 6: the scratchpad regions

  // ---------------------------------------------------------------------------------------------
  // Decode
  // ---------------------------------------------------------------------------------------------
  logic [RegW-1:0]  region;
  logic [LaneW-1:0] index;
  logic             host_wr, host_rd, wr_idle, in_regs;

  assign region  = host_addr_i[systolic_pkg::RegionLsb +: RegW];
  assign index   = host_addr_i[LaneW-1:0];
  assign host_wr = host_req_i && host_we_i;
  assign host_rd = host_req_i && !host_we_i;
  assign wr_idle = host_wr && !busy_i;
  assign in_regs = region == systolic_pkg::RegionRegs;
  assign start_o = wr_idle && in_regs && (index == systolic_pkg::RegCtrl) && host_wdata_i[0];
  assign mem_start_o = wr_idle && in_regs && (index == systolic_pkg::RegCtrl) &&
                       !host_wdata_i[0] && host_wdata_i[1];

  always_comb begin
    for (int i = 0; i < systolic_pkg::SpadRegions; i++) begin
      spad_we_o[i] = wr_idle && (32'(region) == i + 1);
      spad_re_o[i] = host_rd && (32'(region) == i + 1) &&
                     (!busy_i || ((32'(region) == 32'(systolic_pkg::RegionC)) && !dma_busy_i));
    end
  end
  assign spad_word_o  = host_addr_i[systolic_pkg::WordLsb +: systolic_pkg::WordWidth];
  assign spad_lane_o  = index;
  assign spad_wdata_o = host_wdata_i;

  // ---------------------------------------------------------------------------------------------
  // Registers and counters
  // ---------------------------------------------------------------------------------------------
  logic [DimW-1:0]  m_d, m_q, n_d, n_q, k_d, k_q;
  logic [BaseW-1:0] a_base_d, a_base_q, b_base_d, b_base_q, c_base_d, c_base_q, q_base_d, q_base_q;
  logic [DataW-1:0] zp_out_d, zp_out_q, act_min_d, act_min_q, act_max_d, act_max_q;
  logic             rounding_d, rounding_q;
  logic [1:0]       precision_d, precision_q;
  logic             dataflow_d, dataflow_q;
  logic             done_flag_d, done_flag_q;  // STATUS.done after the done_i cycle
  logic [CycW-1:0]  cyc_busy_d, cyc_busy_q, cyc_wstall_d, cyc_wstall_q;
  logic [CycW-1:0]  cyc_compute_d, cyc_compute_q, cyc_drain_d, cyc_drain_q;
  logic [CycW-1:0]  cyc_output_d, cyc_output_q;
  logic [MacsW-1:0] macs_d, macs_q;
  logic [MacW-1:0]  macs_inc;
  // Memory commands: descriptors, the refusal code, load/store cycles, memory bytes.
  logic [MAW-1:0]   dram_a_d, dram_a_q, dram_b_d, dram_b_q, dram_c_d, dram_c_q;
  logic [MAW-1:0]   dram_bias_d, dram_bias_q, dram_m0_d, dram_m0_q, dram_shift_d, dram_shift_q;
  logic [MAW-1:0]   ld_a_d, ld_a_q, ld_b_d, ld_b_q, ld_c_d, ld_c_q;
  logic [31:0]      dram_bw_d, dram_bw_q;
  logic [ErrW-1:0]  err_d, err_q;
  logic [CycW-1:0]  cyc_load_d, cyc_load_q, cyc_store_d, cyc_store_q;
  logic [63:0]      dram_rd_d, dram_rd_q, dram_wr_d, dram_wr_q;
  logic             any_start;
  logic             clear_cnt;  // a start without CTRL bit 2 (keep): every counter restarts at 0
  // Traffic counters and whether each counts this cycle.
  logic [63:0]      cnt_d [NumCnt];
  logic [63:0]      cnt_q [NumCnt];
  logic [NumCnt-1:0] cnt_ev;  // counter i counts this cycle (adds cnt_weight(i))
  logic [NumCnt-1:0] cnt_ev2;  // ... and a second time (a word pair: SRAM_* only)

  assign macs_inc = MacW'(s_kv_i) * MacW'(s_nv_i);
  logic prec_4bit;  // a w4a8 or w4a4 command: two MACs per PE product
  assign prec_4bit = precision_q == 2'(systolic_pkg::PrecW4a4) ||
                     precision_q == 2'(systolic_pkg::PrecW4a8);

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
    precision_d   = precision_q;
    dataflow_d    = dataflow_q;
    done_flag_d   = done_flag_q || done_i;
    cyc_busy_d    = cyc_busy_q;
    cyc_wstall_d  = cyc_wstall_q;
    cyc_compute_d = cyc_compute_q;
    cyc_drain_d   = cyc_drain_q;
    cyc_output_d  = cyc_output_q;
    macs_d        = macs_q;
    dram_a_d = dram_a_q;
    dram_b_d = dram_b_q;
    dram_c_d = dram_c_q;
    dram_bias_d = dram_bias_q;
    dram_m0_d = dram_m0_q;
    dram_shift_d = dram_shift_q;
    ld_a_d = ld_a_q;
    ld_b_d = ld_b_q;
    ld_c_d = ld_c_q;
    dram_bw_d = dram_bw_q;
    err_d         = done_i ? err_i : err_q;
    cyc_load_d    = cyc_load_q;
    cyc_store_d   = cyc_store_q;
    dram_rd_d     = dram_rd_q;
    dram_wr_d     = dram_wr_q;
    for (int i = 0; i < NumCnt; i++) cnt_d[i] = cnt_q[i];

    // Command registers: written only while idle.
    if (wr_idle && in_regs) begin
      case (index)
        systolic_pkg::RegM:        m_d        = host_wdata_i[DimW-1:0];
        systolic_pkg::RegN:        n_d        = host_wdata_i[DimW-1:0];
        systolic_pkg::RegK:        k_d        = host_wdata_i[DimW-1:0];
        systolic_pkg::RegABase:    a_base_d   = host_wdata_i[BaseW-1:0];
        systolic_pkg::RegBBase:    b_base_d   = host_wdata_i[BaseW-1:0];
        systolic_pkg::RegCBase:    c_base_d   = host_wdata_i[BaseW-1:0];
        systolic_pkg::RegQBase:    q_base_d   = host_wdata_i[BaseW-1:0];
        systolic_pkg::RegZpOut:    zp_out_d   = host_wdata_i[DataW-1:0];
        systolic_pkg::RegActMin:   act_min_d  = host_wdata_i[DataW-1:0];
        systolic_pkg::RegActMax:   act_max_d  = host_wdata_i[DataW-1:0];
        systolic_pkg::RegRounding: rounding_d = host_wdata_i[0];
        systolic_pkg::RegPrecision:
          precision_d = (Int4 == 1 && (host_wdata_i == 32'(systolic_pkg::PrecW4a4) ||
                                       host_wdata_i == 32'(systolic_pkg::PrecW4a8)))
                            ? host_wdata_i[1:0] : 2'(systolic_pkg::PrecInt8);
        systolic_pkg::RegDataflow:
          dataflow_d = (Dataflow == 3) ? host_wdata_i[0] : (Dataflow == 2);
        systolic_pkg::RegDramA:     dram_a_d = host_wdata_i;
        systolic_pkg::RegDramB:     dram_b_d = host_wdata_i;
        systolic_pkg::RegDramC:     dram_c_d = host_wdata_i;
        systolic_pkg::RegDramBias:  dram_bias_d = host_wdata_i;
        systolic_pkg::RegDramM0:    dram_m0_d = host_wdata_i;
        systolic_pkg::RegDramShift: dram_shift_d = host_wdata_i;
        systolic_pkg::RegLdA:       ld_a_d = host_wdata_i;
        systolic_pkg::RegLdB:       ld_b_d = host_wdata_i;
        systolic_pkg::RegLdC:       ld_c_d = host_wdata_i;
        systolic_pkg::RegDramBw:    dram_bw_d = host_wdata_i;
        // Counter presets, one 32-bit half at a time (counted on by a start with keep).
        systolic_pkg::RegCycBusy:      cyc_busy_d[31:0]     = host_wdata_i;
        systolic_pkg::RegCycBusyHi:    cyc_busy_d[63:32]    = host_wdata_i;
        systolic_pkg::RegCycWstall:    cyc_wstall_d[31:0]   = host_wdata_i;
        systolic_pkg::RegCycWstallHi:  cyc_wstall_d[63:32]  = host_wdata_i;
        systolic_pkg::RegCycCompute:   cyc_compute_d[31:0]  = host_wdata_i;
        systolic_pkg::RegCycComputeHi: cyc_compute_d[63:32] = host_wdata_i;
        systolic_pkg::RegCycDrain:     cyc_drain_d[31:0]    = host_wdata_i;
        systolic_pkg::RegCycDrainHi:   cyc_drain_d[63:32]   = host_wdata_i;
        systolic_pkg::RegCycOutput:    cyc_output_d[31:0]   = host_wdata_i;
        systolic_pkg::RegCycOutputHi:  cyc_output_d[63:32]  = host_wdata_i;
        systolic_pkg::RegCycLoad:      cyc_load_d[31:0]     = host_wdata_i;
        systolic_pkg::RegCycLoadHi:    cyc_load_d[63:32]    = host_wdata_i;
        systolic_pkg::RegCycStore:     cyc_store_d[31:0]    = host_wdata_i;
        systolic_pkg::RegCycStoreHi:   cyc_store_d[63:32]   = host_wdata_i;
        systolic_pkg::RegMacsLo:       macs_d[31:0]         = host_wdata_i;
        systolic_pkg::RegMacsHi:       macs_d[63:32]        = host_wdata_i;
        systolic_pkg::RegDramRdLo:     dram_rd_d[31:0]      = host_wdata_i;
        systolic_pkg::RegDramRdHi:     dram_rd_d[63:32]     = host_wdata_i;
        systolic_pkg::RegDramWrLo:     dram_wr_d[31:0]      = host_wdata_i;
        systolic_pkg::RegDramWrHi:     dram_wr_d[63:32]     = host_wdata_i;
        default: ;
      endcase
      for (int i = 0; i < NumCnt; i++) begin
        if (32'(index) == systolic_pkg::CntFirst + 2 * i) cnt_d[i][31:0] = host_wdata_i;
        if (32'(index) == systolic_pkg::CntFirst + 2 * i + 1) cnt_d[i][63:32] = host_wdata_i;
      end
    end

    // Counters: cleared at the start edge, then one phase per busy cycle.
    cnt_ev = '0;
    cnt_ev2 = '0;
    cnt_ev[systolic_pkg::CntDramRdA] = rd_beat_i && rd_sp_i[SpA];
    cnt_ev[systolic_pkg::CntDramRdB] = rd_beat_i && rd_sp_i[SpB];
    cnt_ev[systolic_pkg::CntDramRdQ] =
        rd_beat_i && (rd_sp_i[SpBias] || rd_sp_i[SpM0] || rd_sp_i[SpShift]);
    for (int i = 0; i < SpR; i++) begin
      cnt_ev[systolic_pkg::CntSramRdA + i] = sram_rd_i[i];
      cnt_ev[systolic_pkg::CntSramWrA + i] = sram_wr_i[i];
      cnt_ev2[systolic_pkg::CntSramRdA + i] = sram_rd2_i[i];
      cnt_ev2[systolic_pkg::CntSramWrA + i] = sram_wr2_i[i];
    end
    if (clear_cnt) begin
      for (int i = 0; i < NumCnt; i++) cnt_d[i] = '0;
    end else if (busy_i) begin
      for (int i = 0; i < NumCnt; i++) begin
        cnt_d[i] = cnt_q[i] + (cnt_ev[i] ? cnt_weight(i) : '0) + (cnt_ev2[i] ? cnt_weight(i) : '0);
      end
    end
    if (any_start) begin
      err_d       = '0;
      done_flag_d = 1'b0;
    end
    if (clear_cnt) begin
      cyc_load_d  = '0;
      cyc_store_d = '0;
      dram_rd_d   = '0;
      dram_wr_d   = '0;
    end else if (busy_i) begin
      cyc_load_d  = cyc_load_q + CycW'(ph_load_i);
      cyc_store_d = cyc_store_q + CycW'(ph_store_i);
      dram_rd_d   = dram_rd_q + (rd_beat_i ? 64'd1 << MemBytesLog2 : 64'd0);
      dram_wr_d   = dram_wr_q + (wr_beat_i ? 64'd1 << MemBytesLog2 : 64'd0);
    end
    if (clear_cnt) begin
      cyc_busy_d    = '0;
      cyc_wstall_d  = '0;
      cyc_compute_d = '0;
      cyc_drain_d   = '0;
      cyc_output_d  = '0;
      macs_d        = '0;
    end else if (busy_i) begin
      cyc_busy_d    = cyc_busy_q + CycW'(1);
      cyc_wstall_d  = cyc_wstall_q + CycW'(ph_wstall_i);
      cyc_compute_d = cyc_compute_q + CycW'(ph_compute_i);
      cyc_drain_d   = cyc_drain_q + CycW'(ph_drain_i);
      cyc_output_d  = cyc_output_q + CycW'(ph_output_i);
      if (ph_compute_i) begin
        macs_d = macs_q + (MacsW'(macs_inc) << prec_4bit);
      end
    end
  end

  // ---------------------------------------------------------------------------------------------
  // Read data: a register is read in the request cycle, a scratchpad element arrives from the
  // spad one cycle later; both reach host_rdata_o in the cycle after the request.
  // ---------------------------------------------------------------------------------------------
  assign any_start = start_o || mem_start_o;
  assign clear_cnt = any_start && !host_wdata_i[2];

  logic [31:0] reg_rdata, reg_rdata_d, reg_rdata_q, rd_value, hold_d, hold_q;
  logic [2:0]  src_d, src_q;
  logic        rvalid_d, rvalid_q;

  always_comb begin
    reg_rdata = '0;
    case (index)
      systolic_pkg::RegStatus:     reg_rdata = {27'd0, done_i ? err_i : err_q, done_flag_q || done_i,
                                                busy_i};
      systolic_pkg::RegM:          reg_rdata = 32'(m_q);
      systolic_pkg::RegN:          reg_rdata = 32'(n_q);
      systolic_pkg::RegK:          reg_rdata = 32'(k_q);
      systolic_pkg::RegABase:      reg_rdata = 32'(a_base_q);
      systolic_pkg::RegBBase:      reg_rdata = 32'(b_base_q);
      systolic_pkg::RegCBase:      reg_rdata = 32'(c_base_q);
      systolic_pkg::RegQBase:      reg_rdata = 32'(q_base_q);
      systolic_pkg::RegZpOut:      reg_rdata = 32'($signed(zp_out_q));
      systolic_pkg::RegActMin:     reg_rdata = 32'($signed(act_min_q));
      systolic_pkg::RegActMax:     reg_rdata = 32'($signed(act_max_q));
      systolic_pkg::RegRounding:   reg_rdata = 32'(rounding_q);
      systolic_pkg::RegPrecision:  reg_rdata = 32'(precision_q);
      systolic_pkg::RegDataflow:   reg_rdata = 32'(dataflow_q);
      systolic_pkg::RegCycBusy:    reg_rdata = 32'(cyc_busy_q);
      systolic_pkg::RegCycWstall:  reg_rdata = 32'(cyc_wstall_q);
      systolic_pkg::RegCycCompute: reg_rdata = 32'(cyc_compute_q);
      systolic_pkg::RegCycDrain:   reg_rdata = 32'(cyc_drain_q);
      systolic_pkg::RegCycOutput:  reg_rdata = 32'(cyc_output_q);
      systolic_pkg::RegMacsLo:     reg_rdata = macs_q[31:0];
      systolic_pkg::RegMacsHi:     reg_rdata = macs_q[63:32];
      systolic_pkg::RegRows:       reg_rdata = 32'(Rows);
      systolic_pkg::RegCols:       reg_rdata = 32'(Cols);
      systolic_pkg::RegDramA:      reg_rdata = dram_a_q;
      systolic_pkg::RegDramB:      reg_rdata = dram_b_q;
      systolic_pkg::RegDramC:      reg_rdata = dram_c_q;
      systolic_pkg::RegDramBias:   reg_rdata = dram_bias_q;
      systolic_pkg::RegDramM0:     reg_rdata = dram_m0_q;
      systolic_pkg::RegDramShift:  reg_rdata = dram_shift_q;
      systolic_pkg::RegLdA:        reg_rdata = ld_a_q;
      systolic_pkg::RegLdB:        reg_rdata = ld_b_q;
      systolic_pkg::RegLdC:        reg_rdata = ld_c_q;
      systolic_pkg::RegDramBw:     reg_rdata = dram_bw_q;
      systolic_pkg::RegCycLoad:    reg_rdata = 32'(cyc_load_q);
      systolic_pkg::RegCycStore:   reg_rdata = 32'(cyc_store_q);
      systolic_pkg::RegCycBusyHi:    reg_rdata = cyc_busy_q[63:32];
      systolic_pkg::RegCycWstallHi:  reg_rdata = cyc_wstall_q[63:32];
      systolic_pkg::RegCycComputeHi: reg_rdata = cyc_compute_q[63:32];
      systolic_pkg::RegCycDrainHi:   reg_rdata = cyc_drain_q[63:32];
      systolic_pkg::RegCycOutputHi:  reg_rdata = cyc_output_q[63:32];
      systolic_pkg::RegCycLoadHi:    reg_rdata = cyc_load_q[63:32];
      systolic_pkg::RegCycStoreHi:   reg_rdata = cyc_store_q[63:32];
      systolic_pkg::RegDramRdLo:   reg_rdata = dram_rd_q[31:0];
      systolic_pkg::RegDramRdHi:   reg_rdata = dram_rd_q[63:32];
      systolic_pkg::RegDramWrLo:   reg_rdata = dram_wr_q[31:0];
      systolic_pkg::RegDramWrHi:   reg_rdata = dram_wr_q[63:32];
      default:                     reg_rdata = '0;  // CTRL (write only) and unassigned indices
    endcase
    for (int i = 0; i < NumCnt; i++) begin
      if (32'(index) == systolic_pkg::CntFirst + 2 * i) reg_rdata = cnt_q[i][31:0];
      if (32'(index) == systolic_pkg::CntFirst + 2 * i + 1) reg_rdata = cnt_q[i][63:32];
    end

    rvalid_d    = host_rd;
    reg_rdata_d = reg_rdata_q;
    src_d       = src_q;
    if (host_rd) begin
      reg_rdata_d = in_regs ? reg_rdata : '0;
      if (in_regs) begin
        src_d = SrcRegs;
      end else if (|spad_re_o) begin
        src_d = 3'(region);
      end else begin
        src_d = SrcNone;
      end
    end

    case (src_q)
      SrcRegs: rd_value = reg_rdata_q;
      3'(systolic_pkg::RegionA):     rd_value = 32'($signed(a_rdata_i));
      3'(systolic_pkg::RegionB):     rd_value = 32'($signed(b_rdata_i));
      3'(systolic_pkg::RegionC):     rd_value = 32'($signed(c_rdata_i));
      3'(systolic_pkg::RegionBias):  rd_value = 32'(bias_rdata_i);
      3'(systolic_pkg::RegionM0):    rd_value = 32'(m0_rdata_i);
      3'(systolic_pkg::RegionShift): rd_value = 32'($signed(shift_rdata_i));
      default:                       rd_value = '0;
    endcase
    hold_d = rvalid_q ? rd_value : hold_q;
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
      act_min_q     <= systolic_pkg::RegActMinReset;
      act_max_q     <= systolic_pkg::RegActMaxReset;
      rounding_q    <= 1'b0;
      precision_q   <= 2'(systolic_pkg::PrecInt8);
      dataflow_q    <= (Dataflow == 2);
      done_flag_q   <= 1'b0;
      cyc_busy_q    <= '0;
      cyc_wstall_q  <= '0;
      cyc_compute_q <= '0;
      cyc_drain_q   <= '0;
      cyc_output_q  <= '0;
      macs_q        <= '0;
      dram_a_q <= '0;
      dram_b_q <= '0;
      dram_c_q <= '0;
      dram_bias_q <= '0;
      dram_m0_q <= '0;
      dram_shift_q <= '0;
      ld_a_q <= '0;
      ld_b_q <= '0;
      ld_c_q <= '0;
      dram_bw_q <= '0;
      err_q         <= '0;
      cyc_load_q    <= '0;
      cyc_store_q   <= '0;
      dram_rd_q     <= '0;
      dram_wr_q     <= '0;
      for (int i = 0; i < NumCnt; i++) cnt_q[i] <= '0;
      rvalid_q      <= 1'b0;
      src_q         <= SrcRegs;
      reg_rdata_q   <= '0;
      hold_q        <= '0;
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
      precision_q   <= precision_d;
      dataflow_q    <= dataflow_d;
      done_flag_q   <= done_flag_d;
      cyc_busy_q    <= cyc_busy_d;
      cyc_wstall_q  <= cyc_wstall_d;
      cyc_compute_q <= cyc_compute_d;
      cyc_drain_q   <= cyc_drain_d;
      cyc_output_q  <= cyc_output_d;
      macs_q        <= macs_d;
      dram_a_q <= dram_a_d;
      dram_b_q <= dram_b_d;
      dram_c_q <= dram_c_d;
      dram_bias_q <= dram_bias_d;
      dram_m0_q <= dram_m0_d;
      dram_shift_q <= dram_shift_d;
      ld_a_q <= ld_a_d;
      ld_b_q <= ld_b_d;
      ld_c_q <= ld_c_d;
      dram_bw_q <= dram_bw_d;
      err_q         <= err_d;
      cyc_load_q    <= cyc_load_d;
      cyc_store_q   <= cyc_store_d;
      dram_rd_q     <= dram_rd_d;
      dram_wr_q     <= dram_wr_d;
      for (int i = 0; i < NumCnt; i++) cnt_q[i] <= cnt_d[i];
      rvalid_q      <= rvalid_d;
      src_q         <= src_d;
      reg_rdata_q   <= reg_rdata_d;
      hold_q        <= hold_d;
    end
  end

  assign host_rvalid_o = rvalid_q;
  assign host_rdata_o  = rvalid_q ? rd_value : hold_q;
  assign m_o           = m_q;
  assign n_o           = n_q;
  assign k_o           = k_q;
  assign a_base_o      = a_base_q;
  assign b_base_o      = b_base_q;
  assign c_base_o      = c_base_q;
  assign q_base_o      = q_base_q;
  assign zp_out_o      = zp_out_q;
  assign act_min_o     = act_min_q;
  assign act_max_o     = act_max_q;
  assign rounding_o    = rounding_q;
  assign precision_o   = precision_q;
  assign dataflow_o    = dataflow_q;
  assign dram_a_o      = dram_a_q;
  assign dram_b_o      = dram_b_q;
  assign dram_c_o      = dram_c_q;
  assign dram_bias_o   = dram_bias_q;
  assign dram_m0_o     = dram_m0_q;
  assign dram_shift_o  = dram_shift_q;
  assign ld_a_o        = ld_a_q;
  assign ld_b_o        = ld_b_q;
  assign ld_c_o        = ld_c_q;
  assign dram_bw_o     = dram_bw_q;

  // ---------------------------------------------------------------------------------------------
  // Assertions
  // ---------------------------------------------------------------------------------------------
  // Every busy cycle is counted in exactly one phase: this cycle's increments agree (mod
  // 2^CycWidth, as the counters wrap; the counts themselves may start from presets).
  `SYS_ASSERT(CounterSum_A, !busy_i ||
                            cyc_busy_d - cyc_busy_q == (cyc_wstall_d - cyc_wstall_q) +
                                (cyc_compute_d - cyc_compute_q) + (cyc_drain_d - cyc_drain_q) +
                                (cyc_output_d - cyc_output_q) + (cyc_load_d - cyc_load_q) +
                                (cyc_store_d - cyc_store_q))
  // One phase per busy cycle, none while idle.
  `SYS_ASSERT(PhaseOneHot_A, (32'(ph_wstall_i) + 32'(ph_compute_i) + 32'(ph_drain_i) +
                              32'(ph_output_i) + 32'(ph_load_i) + 32'(ph_store_i)) == 32'(busy_i))
  // The reads by tensor add up to DRAM_RD, cycle by cycle; a read beat names one tensor, never C.
  `SYS_ASSERT(DramRdSum_A, !busy_i ||
                           dram_rd_d - dram_rd_q ==
                               (cnt_d[systolic_pkg::CntDramRdA] - cnt_q[systolic_pkg::CntDramRdA]) +
                               (cnt_d[systolic_pkg::CntDramRdB] - cnt_q[systolic_pkg::CntDramRdB]) +
                               (cnt_d[systolic_pkg::CntDramRdQ] - cnt_q[systolic_pkg::CntDramRdQ]))
  `SYS_ASSERT(RdSpOneHot_A, !rd_beat_i || (($countones(rd_sp_i) == 1) && !rd_sp_i[SpC]))
  // A command starts only while idle.
  `SYS_ASSERT(StartIdle_A, !((start_o || mem_start_o) && busy_i))
  // PRECISION holds only a mode the build has: int8, or w4a8 and w4a4 with Int4 = 1.
  `SYS_ASSERT(PrecisionLegal_A, precision_q == 2'(systolic_pkg::PrecInt8) ||
                                (Int4 == 1 && (precision_q == 2'(systolic_pkg::PrecW4a4) ||
                                               precision_q == 2'(systolic_pkg::PrecW4a8))))

  // DATAFLOW holds only a dataflow the build has.
  `SYS_ASSERT(DataflowLegal_A, (Dataflow == 3) || (dataflow_q == (Dataflow == 2)))

  // Cover points (scripts/coverage.sh): a command after an earlier one finished (a GEMM the
  // driver split into several host commands, or one run after another), of either kind.
`ifndef SYNTHESIS
  logic done_seen_q;  // a command finished since reset
  always_ff @(posedge clk_i or negedge rst_ni) begin
    if (!rst_ni) done_seen_q <= 1'b0;
    else if (done_i) done_seen_q <= 1'b1;
  end
`endif
  `SYS_COVER(NextHostCommand_C, start_o && done_seen_q)
  `SYS_COVER(NextMemCommand_C, mem_start_o && done_seen_q)

endmodule
