// Generated from rtl/systolic_if.toml by scripts/gen_interface.py; do not edit.
//
// Widths, the host address map, the register map and the parameter limits of the engine
// (docs/architecture.md section 4). Referenced as systolic_pkg::Name (no import: Yosys
// 0.23 reads package-qualified names only).
package systolic_pkg;

  // Widths
  localparam int HostAddrWidth = 32;
  localparam int HostDataWidth = 32;
  localparam int RegionLsb = 28;
  localparam int RegionWidth = 4;
  localparam int WordLsb = 8;
  localparam int WordWidth = 20;
  localparam int LaneWidth = 8;
  localparam int DimWidth = 24;
  localparam int AddrWidth = 21;
  localparam int DataWidth = 8;
  localparam int AccWidth = 32;
  localparam int BiasWidth = 32;
  localparam int M0Width = 32;
  localparam int ShiftWidth = 6;
  localparam int CycWidth = 64;
  localparam int MacsWidth = 64;
  localparam int SpadRegions = 6;
  localparam int MemAddrWidth = 32;
  localparam int ErrWidth = 3;
  localparam int PrecInt8 = 0;
  localparam int PrecW4a8 = 1;
  localparam int PrecW4a4 = 2;
  localparam int DfWs = 0;
  localparam int DfOs = 1;

  // Engine word addresses saturate: AddrSat (all ones) lies above every scratchpad word
  // (2^WordWidth at most). A sum at or above it, or with a saturated operand, is AddrSat: an
  // address that has left the scratchpads stays out, it never wraps back in (C++: addr_add).
  // The step b must be below 2^40.
  localparam logic [AddrWidth-1:0] AddrSat = '1;
  function automatic logic [AddrWidth-1:0] addr_add(input logic [AddrWidth-1:0] a,
                                                    input logic [39:0] b);
    logic [40:0] sum;
    sum = 41'(a) + 41'(b);
    if (a == AddrSat || sum >= 41'(AddrSat)) addr_add = AddrSat;
    else addr_add = sum[AddrWidth-1:0];
  endfunction

  // systolic_top parameters: defaults and limits (inclusive), checked at elaboration
  localparam int RowsDefault = 16;  // array rows (K per tile)
  localparam int RowsMin = 2;
  localparam int RowsMax = 256;
  localparam int ColsDefault = 16;  // array columns (N per tile)
  localparam int ColsMin = 2;
  localparam int ColsMax = 256;
  localparam int AWordsDefault = 524288;  // A scratchpad words of Rows int8 lanes (the host word field is 20 bits)
  localparam int AWordsMin = 1;
  localparam int AWordsMax = 1048576;
  localparam int BWordsDefault = 262144;  // B scratchpad words of Cols int8 lanes
  localparam int BWordsMin = 1;
  localparam int BWordsMax = 1048576;
  localparam int CWordsDefault = 262144;  // C scratchpad words of Cols int8 lanes
  localparam int CWordsMin = 1;
  localparam int CWordsMax = 1048576;
  localparam int QWordsDefault = 64;  // BIAS / M0 / SHIFT scratchpad words of Cols lanes
  localparam int QWordsMin = 1;
  localparam int QWordsMax = 1048576;
  localparam int AccWordsDefault = 1024;  // accumulator buffer rows of Cols int32 lanes: the M-block a command walks M in
  localparam int AccWordsMin = 1;
  localparam int AccWordsMax = 65536;
  localparam int RequantDepthDefault = 3;  // pipeline depth (latency) of the requant units
  localparam int RequantDepthMin = 1;
  localparam int RequantDepthMax = 16;
  localparam int WeightBanksDefault = 2;  // weight banks per PE: 2 double-buffers the weights, 1 does not
  localparam int WeightBanksMin = 1;
  localparam int WeightBanksMax = 2;
  localparam int MemBytesLog2Default = 4;  // memory port beat of 2^MemBytesLog2 bytes (3 .. 6: a 64- to 512-bit bus)
  localparam int MemBytesLog2Min = 3;
  localparam int MemBytesLog2Max = 6;
  localparam int Int4Default = 0;  // 1: dual-mode PEs that also run 4-bit commands (PRECISION w4a8, w4a4), 0: INT8-only PEs
  localparam int Int4Min = 0;
  localparam int Int4Max = 1;
  localparam int DataflowDefault = 1;  // dataflows the array runs: 1 weight-stationary, 2 output-stationary, 3 both (DATAFLOW picks per command)
  localparam int DataflowMin = 1;
  localparam int DataflowMax = 3;

  // Host address regions: host_addr_i[RegionLsb +: RegionWidth]
  localparam logic [RegionWidth-1:0] RegionRegs = 4'd0;  // registers: host_addr_i[7:0] is the register index
  localparam logic [RegionWidth-1:0] RegionA = 4'd1;  // A[m][k]: word a_base + m*KT + k div Rows, lane k mod Rows
  localparam logic [RegionWidth-1:0] RegionB = 4'd2;  // B[k][n]: word b_base + (n div Cols)*K + k, lane n mod Cols
  localparam logic [RegionWidth-1:0] RegionC = 4'd3;  // C[m][n]: word c_base + m*NT + n div Cols, lane n mod Cols
  localparam logic [RegionWidth-1:0] RegionBias = 4'd4;  // folded bias of column n: word q_base + n div Cols, lane n mod Cols
  localparam logic [RegionWidth-1:0] RegionM0 = 4'd5;  // requantization multiplier of column n (0 .. 2^31 - 1), addressed like BIAS
  localparam logic [RegionWidth-1:0] RegionShift = 4'd6;  // requantization shift of column n (-31 .. 30), addressed like BIAS

  // Registers of region 0: host_addr_i[LaneWidth-1:0]
  localparam logic [LaneWidth-1:0] RegCtrl = 8'd0;  // W: bit 0 set: start a command; bit 1 set (bit 0 clear): start a memory command (ignored while busy); bit 2 with either: keep the counters (count on from their values)
  localparam logic [LaneWidth-1:0] RegStatus = 8'd1;  // R: bit 0 busy, bit 1 done (set at done, cleared at start), bits 4:2 the memory command's error
  localparam logic [LaneWidth-1:0] RegM = 8'd2;  // RW: rows of A and C of the command
  localparam logic [LaneWidth-1:0] RegN = 8'd3;  // RW: columns of B and C
  localparam logic [LaneWidth-1:0] RegK = 8'd4;  // RW: columns of A, rows of B
  localparam logic [LaneWidth-1:0] RegABase = 8'd5;  // RW: A word of the command's A[0][0]
  localparam logic [LaneWidth-1:0] RegBBase = 8'd6;  // RW: B word of B[0][0]
  localparam logic [LaneWidth-1:0] RegCBase = 8'd7;  // RW: C word of C[0][0]
  localparam logic [LaneWidth-1:0] RegQBase = 8'd8;  // RW: BIAS / M0 / SHIFT word of column 0
  localparam logic [LaneWidth-1:0] RegZpOut = 8'd9;  // RW: output zero point
  localparam logic [LaneWidth-1:0] RegActMin = 8'd10;  // RW: activation clamp, lower bound
  localparam logic [LaneWidth-1:0] RegActMax = 8'd11;  // RW: activation clamp, upper bound
  localparam logic [LaneWidth-1:0] RegRounding = 8'd12;  // RW: 0 double rounding, 1 single rounding
  localparam logic [LaneWidth-1:0] RegPrecision = 8'd13;  // RW: 0 int8, 1 w4a8 (B nibble pairs, A int8 pairs along K in word pairs), 2 w4a4 (A and B nibble pairs along K); K is the packed K; a mode the build lacks is stored as 0
  localparam logic [LaneWidth-1:0] RegDataflow = 8'd14;  // RW: 0 weight-stationary, 1 output-stationary (A in K-major word layout, see docs/architecture.md); a dataflow the build lacks is stored as the one it has
  localparam logic [LaneWidth-1:0] RegCycBusy = 8'd16;  // RW: cycles of the last command (busy_o = 1)
  localparam logic [LaneWidth-1:0] RegCycWstall = 8'd17;  // RW: of those: no slot issued, some still to issue (waiting for weights; on 2-column arrays also the one-cycle accumulator-row hold)
  localparam logic [LaneWidth-1:0] RegCycCompute = 8'd18;  // RW: of those: a slot issued
  localparam logic [LaneWidth-1:0] RegCycDrain = 8'd19;  // RW: of those: after the last slot, until its row leaves the de-skew
  localparam logic [LaneWidth-1:0] RegCycOutput = 8'd20;  // RW: of those: the rest (requantization and the last C write)
  localparam logic [LaneWidth-1:0] RegMacsLo = 8'd21;  // RW: useful MACs of the last command, bits 31:0
  localparam logic [LaneWidth-1:0] RegMacsHi = 8'd22;  // RW: useful MACs of the last command, bits 63:32
  localparam logic [LaneWidth-1:0] RegRows = 8'd24;  // R: the Rows parameter
  localparam logic [LaneWidth-1:0] RegCols = 8'd25;  // R: the Cols parameter
  localparam logic [LaneWidth-1:0] RegDramA = 8'd32;  // RW: memory address of A[0][0]
  localparam logic [LaneWidth-1:0] RegDramB = 8'd33;  // RW: memory address of B[0][0]
  localparam logic [LaneWidth-1:0] RegDramC = 8'd34;  // RW: memory address of C[0][0]
  localparam logic [LaneWidth-1:0] RegDramBias = 8'd35;  // RW: memory address of bias[0]
  localparam logic [LaneWidth-1:0] RegDramM0 = 8'd36;  // RW: memory address of M0[0]
  localparam logic [LaneWidth-1:0] RegDramShift = 8'd37;  // RW: memory address of shift[0]
  localparam logic [LaneWidth-1:0] RegLdA = 8'd38;  // RW: bytes from A[m][0] to A[m+1][0]
  localparam logic [LaneWidth-1:0] RegLdB = 8'd39;  // RW: bytes from B[k][0] to B[k+1][0]
  localparam logic [LaneWidth-1:0] RegLdC = 8'd40;  // RW: bytes from C[m][0] to C[m+1][0]
  localparam logic [LaneWidth-1:0] RegDramBw = 8'd47;  // RW: the memory's bytes per cycle x 16 (0: unknown, planned as unlimited): the plan's K-chunk choice
  localparam logic [LaneWidth-1:0] RegCycLoad = 8'd41;  // RW: of CYC_BUSY: memory command cycles in which the array waits for memory (DMA stall): tile_ctrl idle, or at a gate (MWAIT)
  localparam logic [LaneWidth-1:0] RegCycStore = 8'd42;  // RW: of CYC_BUSY: memory command cycles after tile_ctrl's last block (the last C stored)
  localparam logic [LaneWidth-1:0] RegDramRdLo = 8'd43;  // RW: memory bytes read by the last command (beats x 2^MemBytesLog2), bits 31:0
  localparam logic [LaneWidth-1:0] RegDramRdHi = 8'd44;  // RW: memory bytes read, bits 63:32
  localparam logic [LaneWidth-1:0] RegDramWrLo = 8'd45;  // RW: memory bytes written by the last command (beats x 2^MemBytesLog2), bits 31:0
  localparam logic [LaneWidth-1:0] RegDramWrHi = 8'd46;  // RW: memory bytes written, bits 63:32
  localparam logic [LaneWidth-1:0] RegCycBusyHi = 8'd48;  // RW: CYC_BUSY, bits 63:32
  localparam logic [LaneWidth-1:0] RegCycWstallHi = 8'd49;  // RW: CYC_WSTALL, bits 63:32
  localparam logic [LaneWidth-1:0] RegCycComputeHi = 8'd50;  // RW: CYC_COMPUTE, bits 63:32
  localparam logic [LaneWidth-1:0] RegCycDrainHi = 8'd51;  // RW: CYC_DRAIN, bits 63:32
  localparam logic [LaneWidth-1:0] RegCycOutputHi = 8'd52;  // RW: CYC_OUTPUT, bits 63:32
  localparam logic [LaneWidth-1:0] RegCycLoadHi = 8'd53;  // RW: CYC_LOAD, bits 63:32
  localparam logic [LaneWidth-1:0] RegCycStoreHi = 8'd54;  // RW: CYC_STORE, bits 63:32
  localparam logic [LaneWidth-1:0] RegDramRdALo = 8'd56;  // RW: memory bytes read for A (beats x 2^MemBytesLog2), bits 31:0
  localparam logic [LaneWidth-1:0] RegDramRdAHi = 8'd57;  // RW: memory bytes read for A (beats x 2^MemBytesLog2), bits 63:32
  localparam logic [LaneWidth-1:0] RegDramRdBLo = 8'd58;  // RW: memory bytes read for B, bits 31:0
  localparam logic [LaneWidth-1:0] RegDramRdBHi = 8'd59;  // RW: memory bytes read for B, bits 63:32
  localparam logic [LaneWidth-1:0] RegDramRdQLo = 8'd60;  // RW: memory bytes read for BIAS, M0 and SHIFT, bits 31:0
  localparam logic [LaneWidth-1:0] RegDramRdQHi = 8'd61;  // RW: memory bytes read for BIAS, M0 and SHIFT, bits 63:32
  localparam logic [LaneWidth-1:0] RegSramRdALo = 8'd62;  // RW: A scratchpad words read (the array's operand rows), bits 31:0
  localparam logic [LaneWidth-1:0] RegSramRdAHi = 8'd63;  // RW: A scratchpad words read (the array's operand rows), bits 63:32
  localparam logic [LaneWidth-1:0] RegSramRdBLo = 8'd64;  // RW: B scratchpad words read (weight rows), bits 31:0
  localparam logic [LaneWidth-1:0] RegSramRdBHi = 8'd65;  // RW: B scratchpad words read (weight rows), bits 63:32
  localparam logic [LaneWidth-1:0] RegSramRdCLo = 8'd66;  // RW: C scratchpad words read (the DMA's stores), bits 31:0
  localparam logic [LaneWidth-1:0] RegSramRdCHi = 8'd67;  // RW: C scratchpad words read (the DMA's stores), bits 63:32
  localparam logic [LaneWidth-1:0] RegSramRdBiasLo = 8'd68;  // RW: BIAS scratchpad words read (the output stage), bits 31:0
  localparam logic [LaneWidth-1:0] RegSramRdBiasHi = 8'd69;  // RW: BIAS scratchpad words read (the output stage), bits 63:32
  localparam logic [LaneWidth-1:0] RegSramRdM0Lo = 8'd70;  // RW: M0 scratchpad words read, bits 31:0
  localparam logic [LaneWidth-1:0] RegSramRdM0Hi = 8'd71;  // RW: M0 scratchpad words read, bits 63:32
  localparam logic [LaneWidth-1:0] RegSramRdShiftLo = 8'd72;  // RW: SHIFT scratchpad words read, bits 31:0
  localparam logic [LaneWidth-1:0] RegSramRdShiftHi = 8'd73;  // RW: SHIFT scratchpad words read, bits 63:32
  localparam logic [LaneWidth-1:0] RegSramWrALo = 8'd74;  // RW: A scratchpad words written (the DMA's loads), bits 31:0
  localparam logic [LaneWidth-1:0] RegSramWrAHi = 8'd75;  // RW: A scratchpad words written (the DMA's loads), bits 63:32
  localparam logic [LaneWidth-1:0] RegSramWrBLo = 8'd76;  // RW: B scratchpad words written, bits 31:0
  localparam logic [LaneWidth-1:0] RegSramWrBHi = 8'd77;  // RW: B scratchpad words written, bits 63:32
  localparam logic [LaneWidth-1:0] RegSramWrCLo = 8'd78;  // RW: C scratchpad words written (the output stage), bits 31:0
  localparam logic [LaneWidth-1:0] RegSramWrCHi = 8'd79;  // RW: C scratchpad words written (the output stage), bits 63:32
  localparam logic [LaneWidth-1:0] RegSramWrBiasLo = 8'd80;  // RW: BIAS scratchpad words written, bits 31:0
  localparam logic [LaneWidth-1:0] RegSramWrBiasHi = 8'd81;  // RW: BIAS scratchpad words written, bits 63:32
  localparam logic [LaneWidth-1:0] RegSramWrM0Lo = 8'd82;  // RW: M0 scratchpad words written, bits 31:0
  localparam logic [LaneWidth-1:0] RegSramWrM0Hi = 8'd83;  // RW: M0 scratchpad words written, bits 63:32
  localparam logic [LaneWidth-1:0] RegSramWrShiftLo = 8'd84;  // RW: SHIFT scratchpad words written, bits 31:0
  localparam logic [LaneWidth-1:0] RegSramWrShiftHi = 8'd85;  // RW: SHIFT scratchpad words written, bits 63:32

  // Traffic counters: counter i is read at CntFirst + 2i (bits 31:0) and + 1 (bits 63:32)
  localparam int CntFirst = 56;
  localparam int NumCnt = 15;
  localparam int CntDramRdA = 0;  // memory bytes read for A (beats x 2^MemBytesLog2)
  localparam int CntDramRdB = 1;  // memory bytes read for B
  localparam int CntDramRdQ = 2;  // memory bytes read for BIAS, M0 and SHIFT
  localparam int CntSramRdA = 3;  // A scratchpad words read (the array's operand rows)
  localparam int CntSramRdB = 4;  // B scratchpad words read (weight rows)
  localparam int CntSramRdC = 5;  // C scratchpad words read (the DMA's stores)
  localparam int CntSramRdBias = 6;  // BIAS scratchpad words read (the output stage)
  localparam int CntSramRdM0 = 7;  // M0 scratchpad words read
  localparam int CntSramRdShift = 8;  // SHIFT scratchpad words read
  localparam int CntSramWrA = 9;  // A scratchpad words written (the DMA's loads)
  localparam int CntSramWrB = 10;  // B scratchpad words written
  localparam int CntSramWrC = 11;  // C scratchpad words written (the output stage)
  localparam int CntSramWrBias = 12;  // BIAS scratchpad words written
  localparam int CntSramWrM0 = 13;  // M0 scratchpad words written
  localparam int CntSramWrShift = 14;  // SHIFT scratchpad words written

  // Register reset values (every other register resets to 0)
  localparam logic [7:0] RegActMinReset = 8'h80;
  localparam logic [7:0] RegActMaxReset = 8'h7f;

endpackage
