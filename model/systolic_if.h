// Generated from rtl/systolic_if.toml by scripts/gen_interface.py; do not edit.
//
// The engine's interface for C++: widths, host address map, register map, the
// systolic_top parameters with their limits (TopParams), and the port lists of the modules
// whose twins are compared with the RTL at their ports, as X-macros and port structs.
#pragma once
// clang-format off

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace systolic::iface {

constexpr int clog2(int64_t v) {
  int r = 0;
  while ((int64_t{1} << r) < v) ++r;
  return r;
}
constexpr int imax(int a, int b) { return a > b ? a : b; }
constexpr int ipow2(int a) { return 1 << a; }

// The L argument of a port-list X-macro for a reader of scalar ports only.
#define SYSTOLIC_NO_LANES(name, lanes, bits, sgn)

// Widths
inline constexpr int kHostAddrWidth = 32;
inline constexpr int kHostDataWidth = 32;
inline constexpr int kRegionLsb = 28;
inline constexpr int kRegionWidth = 4;
inline constexpr int kWordLsb = 8;
inline constexpr int kWordWidth = 20;
inline constexpr int kLaneWidth = 8;
inline constexpr int kDimWidth = 24;
inline constexpr int kAddrWidth = 21;
inline constexpr int kDataWidth = 8;
inline constexpr int kAccWidth = 32;
inline constexpr int kBiasWidth = 32;
inline constexpr int kM0Width = 32;
inline constexpr int kShiftWidth = 6;
inline constexpr int kCycWidth = 64;
inline constexpr int kMacsWidth = 64;
inline constexpr int kSpadRegions = 6;
inline constexpr int kMemAddrWidth = 32;
inline constexpr int kErrWidth = 3;
inline constexpr int kPrecInt8 = 0;
inline constexpr int kPrecW4a8 = 1;
inline constexpr int kPrecW4a4 = 2;
inline constexpr int kDfWs = 0;
inline constexpr int kDfOs = 1;

// Engine word addresses saturate at kAddrSat (systolic_pkg::addr_add): a sum at or above it,
// or with a saturated operand, is kAddrSat, above every scratchpad word.
inline constexpr uint64_t kAddrSat = (uint64_t{1} << kAddrWidth) - 1;
inline constexpr uint64_t addr_add(uint64_t a, uint64_t b) {
  return (a == kAddrSat || b >= kAddrSat || a + b >= kAddrSat) ? kAddrSat : a + b;
}

// Host address regions (host_addr_i[31:28])
enum Region : uint32_t {
  kRegs = 0,  // registers: host_addr_i[7:0] is the register index
  kA = 1,  // A[m][k]: word a_base + m*KT + k div Rows, lane k mod Rows
  kB = 2,  // B[k][n]: word b_base + (n div Cols)*K + k, lane n mod Cols
  kC = 3,  // C[m][n]: word c_base + m*NT + n div Cols, lane n mod Cols
  kBias = 4,  // folded bias of column n: word q_base + n div Cols, lane n mod Cols
  kM0 = 5,  // requantization multiplier of column n (0 .. 2^31 - 1), addressed like BIAS
  kShift = 6,  // requantization shift of column n (-31 .. 30), addressed like BIAS
};

struct RegionInfo {
  Region region;
  const char* name;
  int bits;         // element width (0: the register region)
  bool is_signed;   // how a read extends the element to 32 bits
  const char* doc;
};
inline constexpr RegionInfo kRegionTable[] = {
    {kRegs, "REGS", 0, false, "registers: host_addr_i[7:0] is the register index"},
    {kA, "A", 8, true, "A[m][k]: word a_base + m*KT + k div Rows, lane k mod Rows"},
    {kB, "B", 8, true, "B[k][n]: word b_base + (n div Cols)*K + k, lane n mod Cols"},
    {kC, "C", 8, true, "C[m][n]: word c_base + m*NT + n div Cols, lane n mod Cols"},
    {kBias, "BIAS", 32, true, "folded bias of column n: word q_base + n div Cols, lane n mod Cols"},
    {kM0, "M0", 32, false, "requantization multiplier of column n (0 .. 2^31 - 1), addressed like BIAS"},
    {kShift, "SHIFT", 6, true, "requantization shift of column n (-31 .. 30), addressed like BIAS"},
};

// Registers of region 0 (host_addr_i[7:0])
enum Reg : uint32_t {
  kCtrl = 0,  // W: bit 0 set: start a command; bit 1 set (bit 0 clear): start a memory command (ignored while busy); bit 2 with either: keep the counters (count on from their values)
  kStatus = 1,  // R: bit 0 busy, bit 1 done (set at done, cleared at start), bits 4:2 the memory command's error
  kM = 2,  // RW: rows of A and C of the command
  kN = 3,  // RW: columns of B and C
  kK = 4,  // RW: columns of A, rows of B
  kABase = 5,  // RW: A word of the command's A[0][0]
  kBBase = 6,  // RW: B word of B[0][0]
  kCBase = 7,  // RW: C word of C[0][0]
  kQBase = 8,  // RW: BIAS / M0 / SHIFT word of column 0
  kZpOut = 9,  // RW: output zero point
  kActMin = 10,  // RW: activation clamp, lower bound
  kActMax = 11,  // RW: activation clamp, upper bound
  kRounding = 12,  // RW: 0 double rounding, 1 single rounding
  kPrecision = 13,  // RW: 0 int8, 1 w4a8 (B nibble pairs, A int8 pairs along K in word pairs), 2 w4a4 (A and B nibble pairs along K); K is the packed K; a mode the build lacks is stored as 0
  kDataflow = 14,  // RW: 0 weight-stationary, 1 output-stationary (A in K-major word layout, see docs/architecture.md); a dataflow the build lacks is stored as the one it has
  kCycBusy = 16,  // RW: cycles of the last command (busy_o = 1)
  kCycWstall = 17,  // RW: of those: no slot issued, some still to issue (waiting for weights; on 2-column arrays also the one-cycle accumulator-row hold)
  kCycCompute = 18,  // RW: of those: a slot issued
  kCycDrain = 19,  // RW: of those: after the last slot, until its row leaves the de-skew
  kCycOutput = 20,  // RW: of those: the rest (requantization and the last C write)
  kMacsLo = 21,  // RW: useful MACs of the last command, bits 31:0
  kMacsHi = 22,  // RW: useful MACs of the last command, bits 63:32
  kRows = 24,  // R: the Rows parameter
  kCols = 25,  // R: the Cols parameter
  kDramA = 32,  // RW: memory address of A[0][0]
  kDramB = 33,  // RW: memory address of B[0][0]
  kDramC = 34,  // RW: memory address of C[0][0]
  kDramBias = 35,  // RW: memory address of bias[0]
  kDramM0 = 36,  // RW: memory address of M0[0]
  kDramShift = 37,  // RW: memory address of shift[0]
  kLdA = 38,  // RW: bytes from A[m][0] to A[m+1][0]
  kLdB = 39,  // RW: bytes from B[k][0] to B[k+1][0]
  kLdC = 40,  // RW: bytes from C[m][0] to C[m+1][0]
  kDramBw = 47,  // RW: the memory's bytes per cycle x 16 (0: unknown, planned as unlimited): the plan's K-chunk choice
  kCycLoad = 41,  // RW: of CYC_BUSY: memory command cycles in which the array waits for memory (DMA stall): tile_ctrl idle, or at a gate (MWAIT)
  kCycStore = 42,  // RW: of CYC_BUSY: memory command cycles after tile_ctrl's last block (the last C stored)
  kDramRdLo = 43,  // RW: memory bytes read by the last command (beats x 2^MemBytesLog2), bits 31:0
  kDramRdHi = 44,  // RW: memory bytes read, bits 63:32
  kDramWrLo = 45,  // RW: memory bytes written by the last command (beats x 2^MemBytesLog2), bits 31:0
  kDramWrHi = 46,  // RW: memory bytes written, bits 63:32
  kCycBusyHi = 48,  // RW: CYC_BUSY, bits 63:32
  kCycWstallHi = 49,  // RW: CYC_WSTALL, bits 63:32
  kCycComputeHi = 50,  // RW: CYC_COMPUTE, bits 63:32
  kCycDrainHi = 51,  // RW: CYC_DRAIN, bits 63:32
  kCycOutputHi = 52,  // RW: CYC_OUTPUT, bits 63:32
  kCycLoadHi = 53,  // RW: CYC_LOAD, bits 63:32
  kCycStoreHi = 54,  // RW: CYC_STORE, bits 63:32
  kDramRdALo = 56,  // RW: memory bytes read for A (beats x 2^MemBytesLog2), bits 31:0
  kDramRdAHi = 57,  // RW: memory bytes read for A (beats x 2^MemBytesLog2), bits 63:32
  kDramRdBLo = 58,  // RW: memory bytes read for B, bits 31:0
  kDramRdBHi = 59,  // RW: memory bytes read for B, bits 63:32
  kDramRdQLo = 60,  // RW: memory bytes read for BIAS, M0 and SHIFT, bits 31:0
  kDramRdQHi = 61,  // RW: memory bytes read for BIAS, M0 and SHIFT, bits 63:32
  kSramRdALo = 62,  // RW: A scratchpad words read (the array's operand rows), bits 31:0
  kSramRdAHi = 63,  // RW: A scratchpad words read (the array's operand rows), bits 63:32
  kSramRdBLo = 64,  // RW: B scratchpad words read (weight rows), bits 31:0
  kSramRdBHi = 65,  // RW: B scratchpad words read (weight rows), bits 63:32
  kSramRdCLo = 66,  // RW: C scratchpad words read (the DMA's stores), bits 31:0
  kSramRdCHi = 67,  // RW: C scratchpad words read (the DMA's stores), bits 63:32
  kSramRdBiasLo = 68,  // RW: BIAS scratchpad words read (the output stage), bits 31:0
  kSramRdBiasHi = 69,  // RW: BIAS scratchpad words read (the output stage), bits 63:32
  kSramRdM0Lo = 70,  // RW: M0 scratchpad words read, bits 31:0
  kSramRdM0Hi = 71,  // RW: M0 scratchpad words read, bits 63:32
  kSramRdShiftLo = 72,  // RW: SHIFT scratchpad words read, bits 31:0
  kSramRdShiftHi = 73,  // RW: SHIFT scratchpad words read, bits 63:32
  kSramWrALo = 74,  // RW: A scratchpad words written (the DMA's loads), bits 31:0
  kSramWrAHi = 75,  // RW: A scratchpad words written (the DMA's loads), bits 63:32
  kSramWrBLo = 76,  // RW: B scratchpad words written, bits 31:0
  kSramWrBHi = 77,  // RW: B scratchpad words written, bits 63:32
  kSramWrCLo = 78,  // RW: C scratchpad words written (the output stage), bits 31:0
  kSramWrCHi = 79,  // RW: C scratchpad words written (the output stage), bits 63:32
  kSramWrBiasLo = 80,  // RW: BIAS scratchpad words written, bits 31:0
  kSramWrBiasHi = 81,  // RW: BIAS scratchpad words written, bits 63:32
  kSramWrM0Lo = 82,  // RW: M0 scratchpad words written, bits 31:0
  kSramWrM0Hi = 83,  // RW: M0 scratchpad words written, bits 63:32
  kSramWrShiftLo = 84,  // RW: SHIFT scratchpad words written, bits 31:0
  kSramWrShiftHi = 85,  // RW: SHIFT scratchpad words written, bits 63:32
};

struct RegInfo {
  Reg index;
  const char* name;    // as in docs/architecture.md (CYC_BUSY, ...)
  const char* access;  // W, R or RW
  int bits;            // stored width
  bool is_signed;      // read sign-extended
  int32_t reset;       // value after reset
  const char* doc;
};
inline constexpr RegInfo kRegTable[] = {
    {kCtrl, "CTRL", "W", 32, false, 0, "bit 0 set: start a command; bit 1 set (bit 0 clear): start a memory command (ignored while busy); bit 2 with either: keep the counters (count on from their values)"},
    {kStatus, "STATUS", "R", 32, false, 0, "bit 0 busy, bit 1 done (set at done, cleared at start), bits 4:2 the memory command's error"},
    {kM, "M", "RW", 24, false, 0, "rows of A and C of the command"},
    {kN, "N", "RW", 24, false, 0, "columns of B and C"},
    {kK, "K", "RW", 24, false, 0, "columns of A, rows of B"},
    {kABase, "A_BASE", "RW", 20, false, 0, "A word of the command's A[0][0]"},
    {kBBase, "B_BASE", "RW", 20, false, 0, "B word of B[0][0]"},
    {kCBase, "C_BASE", "RW", 20, false, 0, "C word of C[0][0]"},
    {kQBase, "Q_BASE", "RW", 20, false, 0, "BIAS / M0 / SHIFT word of column 0"},
    {kZpOut, "ZP_OUT", "RW", 8, true, 0, "output zero point"},
    {kActMin, "ACT_MIN", "RW", 8, true, -128, "activation clamp, lower bound"},
    {kActMax, "ACT_MAX", "RW", 8, true, 127, "activation clamp, upper bound"},
    {kRounding, "ROUNDING", "RW", 1, false, 0, "0 double rounding, 1 single rounding"},
    {kPrecision, "PRECISION", "RW", 2, false, 0, "0 int8, 1 w4a8 (B nibble pairs, A int8 pairs along K in word pairs), 2 w4a4 (A and B nibble pairs along K); K is the packed K; a mode the build lacks is stored as 0"},
    {kDataflow, "DATAFLOW", "RW", 1, false, 0, "0 weight-stationary, 1 output-stationary (A in K-major word layout, see docs/architecture.md); a dataflow the build lacks is stored as the one it has"},
    {kCycBusy, "CYC_BUSY", "RW", 32, false, 0, "cycles of the last command (busy_o = 1)"},
    {kCycWstall, "CYC_WSTALL", "RW", 32, false, 0, "of those: no slot issued, some still to issue (waiting for weights; on 2-column arrays also the one-cycle accumulator-row hold)"},
    {kCycCompute, "CYC_COMPUTE", "RW", 32, false, 0, "of those: a slot issued"},
    {kCycDrain, "CYC_DRAIN", "RW", 32, false, 0, "of those: after the last slot, until its row leaves the de-skew"},
    {kCycOutput, "CYC_OUTPUT", "RW", 32, false, 0, "of those: the rest (requantization and the last C write)"},
    {kMacsLo, "MACS_LO", "RW", 32, false, 0, "useful MACs of the last command, bits 31:0"},
    {kMacsHi, "MACS_HI", "RW", 32, false, 0, "useful MACs of the last command, bits 63:32"},
    {kRows, "ROWS", "R", 32, false, 0, "the Rows parameter"},
    {kCols, "COLS", "R", 32, false, 0, "the Cols parameter"},
    {kDramA, "DRAM_A", "RW", 32, false, 0, "memory address of A[0][0]"},
    {kDramB, "DRAM_B", "RW", 32, false, 0, "memory address of B[0][0]"},
    {kDramC, "DRAM_C", "RW", 32, false, 0, "memory address of C[0][0]"},
    {kDramBias, "DRAM_BIAS", "RW", 32, false, 0, "memory address of bias[0]"},
    {kDramM0, "DRAM_M0", "RW", 32, false, 0, "memory address of M0[0]"},
    {kDramShift, "DRAM_SHIFT", "RW", 32, false, 0, "memory address of shift[0]"},
    {kLdA, "LD_A", "RW", 32, false, 0, "bytes from A[m][0] to A[m+1][0]"},
    {kLdB, "LD_B", "RW", 32, false, 0, "bytes from B[k][0] to B[k+1][0]"},
    {kLdC, "LD_C", "RW", 32, false, 0, "bytes from C[m][0] to C[m+1][0]"},
    {kDramBw, "DRAM_BW", "RW", 32, false, 0, "the memory's bytes per cycle x 16 (0: unknown, planned as unlimited): the plan's K-chunk choice"},
    {kCycLoad, "CYC_LOAD", "RW", 32, false, 0, "of CYC_BUSY: memory command cycles in which the array waits for memory (DMA stall): tile_ctrl idle, or at a gate (MWAIT)"},
    {kCycStore, "CYC_STORE", "RW", 32, false, 0, "of CYC_BUSY: memory command cycles after tile_ctrl's last block (the last C stored)"},
    {kDramRdLo, "DRAM_RD_LO", "RW", 32, false, 0, "memory bytes read by the last command (beats x 2^MemBytesLog2), bits 31:0"},
    {kDramRdHi, "DRAM_RD_HI", "RW", 32, false, 0, "memory bytes read, bits 63:32"},
    {kDramWrLo, "DRAM_WR_LO", "RW", 32, false, 0, "memory bytes written by the last command (beats x 2^MemBytesLog2), bits 31:0"},
    {kDramWrHi, "DRAM_WR_HI", "RW", 32, false, 0, "memory bytes written, bits 63:32"},
    {kCycBusyHi, "CYC_BUSY_HI", "RW", 32, false, 0, "CYC_BUSY, bits 63:32"},
    {kCycWstallHi, "CYC_WSTALL_HI", "RW", 32, false, 0, "CYC_WSTALL, bits 63:32"},
    {kCycComputeHi, "CYC_COMPUTE_HI", "RW", 32, false, 0, "CYC_COMPUTE, bits 63:32"},
    {kCycDrainHi, "CYC_DRAIN_HI", "RW", 32, false, 0, "CYC_DRAIN, bits 63:32"},
    {kCycOutputHi, "CYC_OUTPUT_HI", "RW", 32, false, 0, "CYC_OUTPUT, bits 63:32"},
    {kCycLoadHi, "CYC_LOAD_HI", "RW", 32, false, 0, "CYC_LOAD, bits 63:32"},
    {kCycStoreHi, "CYC_STORE_HI", "RW", 32, false, 0, "CYC_STORE, bits 63:32"},
    {kDramRdALo, "DRAM_RD_A_LO", "RW", 32, false, 0, "memory bytes read for A (beats x 2^MemBytesLog2), bits 31:0"},
    {kDramRdAHi, "DRAM_RD_A_HI", "RW", 32, false, 0, "memory bytes read for A (beats x 2^MemBytesLog2), bits 63:32"},
    {kDramRdBLo, "DRAM_RD_B_LO", "RW", 32, false, 0, "memory bytes read for B, bits 31:0"},
    {kDramRdBHi, "DRAM_RD_B_HI", "RW", 32, false, 0, "memory bytes read for B, bits 63:32"},
    {kDramRdQLo, "DRAM_RD_Q_LO", "RW", 32, false, 0, "memory bytes read for BIAS, M0 and SHIFT, bits 31:0"},
    {kDramRdQHi, "DRAM_RD_Q_HI", "RW", 32, false, 0, "memory bytes read for BIAS, M0 and SHIFT, bits 63:32"},
    {kSramRdALo, "SRAM_RD_A_LO", "RW", 32, false, 0, "A scratchpad words read (the array's operand rows), bits 31:0"},
    {kSramRdAHi, "SRAM_RD_A_HI", "RW", 32, false, 0, "A scratchpad words read (the array's operand rows), bits 63:32"},
    {kSramRdBLo, "SRAM_RD_B_LO", "RW", 32, false, 0, "B scratchpad words read (weight rows), bits 31:0"},
    {kSramRdBHi, "SRAM_RD_B_HI", "RW", 32, false, 0, "B scratchpad words read (weight rows), bits 63:32"},
    {kSramRdCLo, "SRAM_RD_C_LO", "RW", 32, false, 0, "C scratchpad words read (the DMA's stores), bits 31:0"},
    {kSramRdCHi, "SRAM_RD_C_HI", "RW", 32, false, 0, "C scratchpad words read (the DMA's stores), bits 63:32"},
    {kSramRdBiasLo, "SRAM_RD_BIAS_LO", "RW", 32, false, 0, "BIAS scratchpad words read (the output stage), bits 31:0"},
    {kSramRdBiasHi, "SRAM_RD_BIAS_HI", "RW", 32, false, 0, "BIAS scratchpad words read (the output stage), bits 63:32"},
    {kSramRdM0Lo, "SRAM_RD_M0_LO", "RW", 32, false, 0, "M0 scratchpad words read, bits 31:0"},
    {kSramRdM0Hi, "SRAM_RD_M0_HI", "RW", 32, false, 0, "M0 scratchpad words read, bits 63:32"},
    {kSramRdShiftLo, "SRAM_RD_SHIFT_LO", "RW", 32, false, 0, "SHIFT scratchpad words read, bits 31:0"},
    {kSramRdShiftHi, "SRAM_RD_SHIFT_HI", "RW", 32, false, 0, "SHIFT scratchpad words read, bits 63:32"},
    {kSramWrALo, "SRAM_WR_A_LO", "RW", 32, false, 0, "A scratchpad words written (the DMA's loads), bits 31:0"},
    {kSramWrAHi, "SRAM_WR_A_HI", "RW", 32, false, 0, "A scratchpad words written (the DMA's loads), bits 63:32"},
    {kSramWrBLo, "SRAM_WR_B_LO", "RW", 32, false, 0, "B scratchpad words written, bits 31:0"},
    {kSramWrBHi, "SRAM_WR_B_HI", "RW", 32, false, 0, "B scratchpad words written, bits 63:32"},
    {kSramWrCLo, "SRAM_WR_C_LO", "RW", 32, false, 0, "C scratchpad words written (the output stage), bits 31:0"},
    {kSramWrCHi, "SRAM_WR_C_HI", "RW", 32, false, 0, "C scratchpad words written (the output stage), bits 63:32"},
    {kSramWrBiasLo, "SRAM_WR_BIAS_LO", "RW", 32, false, 0, "BIAS scratchpad words written, bits 31:0"},
    {kSramWrBiasHi, "SRAM_WR_BIAS_HI", "RW", 32, false, 0, "BIAS scratchpad words written, bits 63:32"},
    {kSramWrM0Lo, "SRAM_WR_M0_LO", "RW", 32, false, 0, "M0 scratchpad words written, bits 31:0"},
    {kSramWrM0Hi, "SRAM_WR_M0_HI", "RW", 32, false, 0, "M0 scratchpad words written, bits 63:32"},
    {kSramWrShiftLo, "SRAM_WR_SHIFT_LO", "RW", 32, false, 0, "SHIFT scratchpad words written, bits 31:0"},
    {kSramWrShiftHi, "SRAM_WR_SHIFT_HI", "RW", 32, false, 0, "SHIFT scratchpad words written, bits 63:32"},
};

// Traffic counters: counter i is read at kCntFirst + 2i (bits 31:0) and + 1 (bits 63:32)
inline constexpr int kCntFirst = 56;
enum Counter : int {
  kCntDramRdA = 0,  // memory bytes read for A (beats x 2^MemBytesLog2)
  kCntDramRdB = 1,  // memory bytes read for B
  kCntDramRdQ = 2,  // memory bytes read for BIAS, M0 and SHIFT
  kCntSramRdA = 3,  // A scratchpad words read (the array's operand rows)
  kCntSramRdB = 4,  // B scratchpad words read (weight rows)
  kCntSramRdC = 5,  // C scratchpad words read (the DMA's stores)
  kCntSramRdBias = 6,  // BIAS scratchpad words read (the output stage)
  kCntSramRdM0 = 7,  // M0 scratchpad words read
  kCntSramRdShift = 8,  // SHIFT scratchpad words read
  kCntSramWrA = 9,  // A scratchpad words written (the DMA's loads)
  kCntSramWrB = 10,  // B scratchpad words written
  kCntSramWrC = 11,  // C scratchpad words written (the output stage)
  kCntSramWrBias = 12,  // BIAS scratchpad words written
  kCntSramWrM0 = 13,  // M0 scratchpad words written
  kCntSramWrShift = 14,  // SHIFT scratchpad words written
  kNumCnt = 15
};
struct CounterInfo {
  Counter counter;
  const char* name;  // as in docs/architecture.md (SRAM_RD_A, ...)
  const char* key;   // the report's JSON key (sram_rd_a, ...)
  const char* doc;
};
inline constexpr CounterInfo kCounterTable[] = {
    {kCntDramRdA, "DRAM_RD_A", "dram_rd_a", "memory bytes read for A (beats x 2^MemBytesLog2)"},
    {kCntDramRdB, "DRAM_RD_B", "dram_rd_b", "memory bytes read for B"},
    {kCntDramRdQ, "DRAM_RD_Q", "dram_rd_q", "memory bytes read for BIAS, M0 and SHIFT"},
    {kCntSramRdA, "SRAM_RD_A", "sram_rd_a", "A scratchpad words read (the array's operand rows)"},
    {kCntSramRdB, "SRAM_RD_B", "sram_rd_b", "B scratchpad words read (weight rows)"},
    {kCntSramRdC, "SRAM_RD_C", "sram_rd_c", "C scratchpad words read (the DMA's stores)"},
    {kCntSramRdBias, "SRAM_RD_BIAS", "sram_rd_bias", "BIAS scratchpad words read (the output stage)"},
    {kCntSramRdM0, "SRAM_RD_M0", "sram_rd_m0", "M0 scratchpad words read"},
    {kCntSramRdShift, "SRAM_RD_SHIFT", "sram_rd_shift", "SHIFT scratchpad words read"},
    {kCntSramWrA, "SRAM_WR_A", "sram_wr_a", "A scratchpad words written (the DMA's loads)"},
    {kCntSramWrB, "SRAM_WR_B", "sram_wr_b", "B scratchpad words written"},
    {kCntSramWrC, "SRAM_WR_C", "sram_wr_c", "C scratchpad words written (the output stage)"},
    {kCntSramWrBias, "SRAM_WR_BIAS", "sram_wr_bias", "BIAS scratchpad words written"},
    {kCntSramWrM0, "SRAM_WR_M0", "sram_wr_m0", "M0 scratchpad words written"},
    {kCntSramWrShift, "SRAM_WR_SHIFT", "sram_wr_shift", "SHIFT scratchpad words written"},
};

inline constexpr uint32_t reg(Reg r) { return uint32_t(r); }
inline constexpr uint32_t element(Region region, uint32_t word, uint32_t lane) {
  return (uint32_t(region) << kRegionLsb) |
         ((word & ((uint32_t{1} << kWordWidth) - 1)) << kWordLsb) |
         (lane & ((uint32_t{1} << kLaneWidth) - 1));
}
inline constexpr uint32_t region_of(uint32_t addr) { return addr >> kRegionLsb; }
// Bit of a scratchpad region in the per-region masks (spad_re_o, spad_we_o, wr_en_o,
// mem_req_sp_o, sram_rd_i, sram_wr_i): bit i is region 1 + i.
inline constexpr uint32_t region_bit(Region r) { return 1u << (uint32_t(r) - 1); }
inline constexpr uint32_t word_of(uint32_t addr) {
  return (addr >> kWordLsb) & ((uint32_t{1} << kWordWidth) - 1);
}
inline constexpr uint32_t lane_of(uint32_t addr) {
  return addr & ((uint32_t{1} << kLaneWidth) - 1);
}

// systolic_top parameters: X(name, default, min, max, sweep key, doc)
#define SYSTOLIC_PARAMS(X) \
  X(Rows, 16, 2, 256, "rows", "array rows (K per tile)") \
  X(Cols, 16, 2, 256, "cols", "array columns (N per tile)") \
  X(AWords, 524288, 1, 1048576, "a_words", "A scratchpad words of Rows int8 lanes (the host word field is 20 bits)") \
  X(BWords, 262144, 1, 1048576, "b_words", "B scratchpad words of Cols int8 lanes") \
  X(CWords, 262144, 1, 1048576, "c_words", "C scratchpad words of Cols int8 lanes") \
  X(QWords, 64, 1, 1048576, "q_words", "BIAS / M0 / SHIFT scratchpad words of Cols lanes") \
  X(AccWords, 1024, 1, 65536, "acc_words", "accumulator buffer rows of Cols int32 lanes: the M-block a command walks M in") \
  X(RequantDepth, 3, 1, 16, "requant_depth", "pipeline depth (latency) of the requant units") \
  X(WeightBanks, 2, 1, 2, "double_buffer", "weight banks per PE: 2 double-buffers the weights, 1 does not") \
  X(MemBytesLog2, 4, 3, 6, "mem_bytes_log2", "memory port beat of 2^MemBytesLog2 bytes (3 .. 6: a 64- to 512-bit bus)") \
  X(Int4, 0, 0, 1, "int4", "1: dual-mode PEs that also run 4-bit commands (PRECISION w4a8, w4a4), 0: INT8-only PEs") \
  X(Dataflow, 1, 1, 3, "dataflows", "dataflows the array runs: 1 weight-stationary, 2 output-stationary, 3 both (DATAFLOW picks per command)")

struct ParamInfo {
  const char* name;
  int64_t def, min, max;
  const char* sweep_key;
  const char* doc;
};
#define SYSTOLIC_PARAM_INFO(name, def, lo, hi, key, doc) {#name, def, lo, hi, key, doc},
inline constexpr ParamInfo kParamTable[] = {SYSTOLIC_PARAMS(SYSTOLIC_PARAM_INFO)};
#undef SYSTOLIC_PARAM_INFO
#define SYSTOLIC_PARAM_LIMITS(name, def, lo, hi, key, doc) \
  inline constexpr int k##name##Min = lo; \
  inline constexpr int k##name##Max = hi;
SYSTOLIC_PARAMS(SYSTOLIC_PARAM_LIMITS)
#undef SYSTOLIC_PARAM_LIMITS

// A parameter value outside its limits: one line naming it (std::invalid_argument).
inline void check_param(const char* name, int64_t value) {
  for (const ParamInfo& i : kParamTable) {
    if (std::string(i.name) != name) continue;
    if (value < i.min || value > i.max) {
      throw std::invalid_argument(std::string(name) + " = " + std::to_string(value) +
                                  " is outside " + std::to_string(i.min) + ".." +
                                  std::to_string(i.max) + " (" + i.doc + ")");
    }
    return;
  }
  throw std::logic_error(std::string("no parameter ") + name);
}

// A port that differs between two sides: its name (lane ports: name[lane]) and values.
struct PortDiff {
  std::string port;
  uint64_t a = 0, b = 0;
};

// ---- systolic_top (rtl/systolic_top.sv) ------------------------------------
struct TopParams {
  int Rows = 16;  // array rows (K per tile)
  int Cols = 16;  // array columns (N per tile)
  int AWords = 524288;  // A scratchpad words of Rows int8 lanes (the host word field is 20 bits)
  int BWords = 262144;  // B scratchpad words of Cols int8 lanes
  int CWords = 262144;  // C scratchpad words of Cols int8 lanes
  int QWords = 64;  // BIAS / M0 / SHIFT scratchpad words of Cols lanes
  int AccWords = 1024;  // accumulator buffer rows of Cols int32 lanes: the M-block a command walks M in
  int RequantDepth = 3;  // pipeline depth (latency) of the requant units
  int WeightBanks = 2;  // weight banks per PE: 2 double-buffers the weights, 1 does not
  int MemBytesLog2 = 4;  // memory port beat of 2^MemBytesLog2 bytes (3 .. 6: a 64- to 512-bit bus)
  int Int4 = 0;  // 1: dual-mode PEs that also run 4-bit commands (PRECISION w4a8, w4a4), 0: INT8-only PEs
  int Dataflow = 1;  // dataflows the array runs: 1 weight-stationary, 2 output-stationary, 3 both (DATAFLOW picks per command)
  // Every parameter inside its limits, else std::invalid_argument naming it.
  void validate() const {
    check_param("Rows", Rows);
    check_param("Cols", Cols);
    check_param("AWords", AWords);
    check_param("BWords", BWords);
    check_param("CWords", CWords);
    check_param("QWords", QWords);
    check_param("AccWords", AccWords);
    check_param("RequantDepth", RequantDepth);
    check_param("WeightBanks", WeightBanks);
    check_param("MemBytesLog2", MemBytesLog2);
    check_param("Int4", Int4);
    check_param("Dataflow", Dataflow);
  }
  std::string name() const { return std::to_string(Rows) + "x" + std::to_string(Cols); }
  bool operator==(const TopParams& o) const {
    return Rows == o.Rows && Cols == o.Cols && AWords == o.AWords && BWords == o.BWords && CWords == o.CWords && QWords == o.QWords && AccWords == o.AccWords && RequantDepth == o.RequantDepth && WeightBanks == o.WeightBanks && MemBytesLog2 == o.MemBytesLog2 && Int4 == o.Int4 && Dataflow == o.Dataflow;
  }
  bool operator!=(const TopParams& o) const { return !(*this == o); }
};
// X(name, C++ type, width) for scalar ports; L(name, lanes, bits, signed) for lane ports
#define SYSTOLIC_SYSTOLIC_TOP_INPUTS(X, L) \
  X(host_req_i, bool, 1) \
  X(host_we_i, bool, 1) \
  X(host_addr_i, uint32_t, kHostAddrWidth) \
  X(host_wdata_i, uint32_t, kHostDataWidth) \
  X(mem_req_ready_i, bool, 1) \
  X(mem_rsp_valid_i, bool, 1) \
  L(mem_rsp_rdata_i, ipow2(p.MemBytesLog2), 8, false)
// X(name, C++ type, width) for scalar ports; L(name, lanes, bits, signed) for lane ports
#define SYSTOLIC_SYSTOLIC_TOP_OUTPUTS(X, L) \
  X(host_rvalid_o, bool, 1) \
  X(host_rdata_o, uint32_t, kHostDataWidth) \
  X(busy_o, bool, 1) \
  X(done_o, bool, 1) \
  X(mem_req_valid_o, bool, 1) \
  X(mem_req_we_o, bool, 1) \
  X(mem_req_addr_o, uint32_t, kMemAddrWidth) \
  L(mem_req_wdata_o, ipow2(p.MemBytesLog2), 8, false) \
  X(mem_req_wstrb_o, uint64_t, ipow2(p.MemBytesLog2)) \
  X(mem_rsp_ready_o, bool, 1)
struct TopIn {
#define SYSTOLIC_X(name, type, width) type name = 0;
#define SYSTOLIC_L(name, lanes, bits, sgn) std::vector<int32_t> name;
  SYSTOLIC_SYSTOLIC_TOP_INPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  TopIn() = default;
  explicit TopIn(const TopParams& p) {
#define SYSTOLIC_X(name, type, width)
#define SYSTOLIC_L(name, lanes, bits, sgn) name.assign(size_t(lanes), 0);
    SYSTOLIC_SYSTOLIC_TOP_INPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  }
};
struct TopOut {
#define SYSTOLIC_X(name, type, width) type name = 0;
#define SYSTOLIC_L(name, lanes, bits, sgn) std::vector<int32_t> name;
  SYSTOLIC_SYSTOLIC_TOP_OUTPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  TopOut() = default;
  explicit TopOut(const TopParams& p) {
#define SYSTOLIC_X(name, type, width)
#define SYSTOLIC_L(name, lanes, bits, sgn) name.assign(size_t(lanes), 0);
    SYSTOLIC_SYSTOLIC_TOP_OUTPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  }
};
// The first output port that differs between two sides (lane ports lane by lane, within their bits).
inline std::optional<PortDiff> compare_ports(const TopOut& a, const TopOut& b) {
#define SYSTOLIC_X(name, type, width) \
  if (a.name != b.name) return PortDiff{#name, uint64_t(a.name), uint64_t(b.name)};
#define SYSTOLIC_L(name, lanes, bits, sgn)                                          \
  for (size_t i = 0; i < a.name.size() && i < b.name.size(); ++i) {                 \
    const uint64_t m = (uint64_t{1} << (bits)) - 1;                                 \
    if ((uint64_t(uint32_t(a.name[i])) & m) != (uint64_t(uint32_t(b.name[i])) & m)) \
      return PortDiff{std::string(#name) + "[" + std::to_string(i) + "]",          \
                      uint64_t(uint32_t(a.name[i])) & m, uint64_t(uint32_t(b.name[i])) & m}; \
  }
  SYSTOLIC_SYSTOLIC_TOP_OUTPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  return std::nullopt;
}

// ---- tile_ctrl (rtl/tile_ctrl.sv) ------------------------------------------
struct TileCtrlParams {
  int Rows = 16;  // array rows (K per tile)
  int Cols = 16;  // array columns (N per tile)
  int AccWords = 1024;  // accumulator buffer rows of Cols int32 lanes: the M-block a command walks M in
  int RequantDepth = 3;  // pipeline depth (latency) of the requant units
  int WeightBanks = 2;  // weight banks per PE: 2 double-buffers the weights, 1 does not
  // Every parameter inside its limits, else std::invalid_argument naming it.
  void validate() const {
    check_param("Rows", Rows);
    check_param("Cols", Cols);
    check_param("AccWords", AccWords);
    check_param("RequantDepth", RequantDepth);
    check_param("WeightBanks", WeightBanks);
  }
  std::string name() const { return std::to_string(Rows) + "x" + std::to_string(Cols); }
  bool operator==(const TileCtrlParams& o) const {
    return Rows == o.Rows && Cols == o.Cols && AccWords == o.AccWords && RequantDepth == o.RequantDepth && WeightBanks == o.WeightBanks;
  }
  bool operator!=(const TileCtrlParams& o) const { return !(*this == o); }
};
template <class P>
TileCtrlParams tile_ctrl_params(const P& top) {
  TileCtrlParams p;
  p.Rows = top.Rows;
  p.Cols = top.Cols;
  p.AccWords = top.AccWords;
  p.RequantDepth = top.RequantDepth;
  p.WeightBanks = top.WeightBanks;
  return p;
}
// X(name, C++ type, width) for scalar ports; L(name, lanes, bits, signed) for lane ports
#define SYSTOLIC_TILE_CTRL_INPUTS(X, L) \
  X(start_i, bool, 1) \
  X(m_i, uint32_t, kDimWidth) \
  X(n_i, uint32_t, kDimWidth) \
  X(k_i, uint32_t, kDimWidth) \
  X(a_base_i, uint32_t, kWordWidth) \
  X(b_base_i, uint32_t, kWordWidth) \
  X(c_base_i, uint32_t, kWordWidth) \
  X(acc_first_i, bool, 1) \
  X(acc_last_i, bool, 1) \
  X(kt_outer_i, bool, 1) \
  X(b_kmajor_i, bool, 1) \
  X(b_rows_i, uint32_t, kDimWidth) \
  X(q_ready_i, bool, 1)
// X(name, C++ type, width) for scalar ports; L(name, lanes, bits, signed) for lane ports
#define SYSTOLIC_TILE_CTRL_OUTPUTS(X, L) \
  X(busy_o, bool, 1) \
  X(done_o, bool, 1) \
  X(ready_o, bool, 1) \
  X(wl_issue_o, bool, 1) \
  X(wl_addr_o, uint32_t, kAddrWidth) \
  X(wl_row_o, uint32_t, clog2(p.Rows)) \
  X(wl_bank_o, bool, 1) \
  X(wl_zero_o, bool, 1) \
  X(wl_nv_o, uint32_t, clog2(p.Cols + 1)) \
  X(s_issue_o, bool, 1) \
  X(s_addr_o, uint32_t, kAddrWidth) \
  X(s_caddr_o, uint32_t, kAddrWidth) \
  X(s_bank_o, bool, 1) \
  X(s_kv_o, uint32_t, clog2(p.Rows + 1)) \
  X(s_nv_o, uint32_t, clog2(p.Cols + 1)) \
  X(s_first_o, bool, 1) \
  X(s_last_o, bool, 1) \
  X(s_j_o, uint32_t, imax(clog2(p.AccWords), 1)) \
  X(s_nt_o, uint32_t, kDimWidth) \
  X(ph_wstall_o, bool, 1) \
  X(ph_mwait_o, bool, 1) \
  X(ph_compute_o, bool, 1) \
  X(ph_drain_o, bool, 1) \
  X(ph_output_o, bool, 1)
struct TileCtrlIn {
#define SYSTOLIC_X(name, type, width) type name = 0;
#define SYSTOLIC_L(name, lanes, bits, sgn) std::vector<int32_t> name;
  SYSTOLIC_TILE_CTRL_INPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  TileCtrlIn() = default;
  explicit TileCtrlIn(const TileCtrlParams& p) {
    (void)p;
  }
};
struct TileCtrlOut {
#define SYSTOLIC_X(name, type, width) type name = 0;
#define SYSTOLIC_L(name, lanes, bits, sgn) std::vector<int32_t> name;
  SYSTOLIC_TILE_CTRL_OUTPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  TileCtrlOut() = default;
  explicit TileCtrlOut(const TileCtrlParams& p) {
    (void)p;
  }
};
// The first output port that differs between two sides (lane ports lane by lane, within their bits).
inline std::optional<PortDiff> compare_ports(const TileCtrlOut& a, const TileCtrlOut& b) {
#define SYSTOLIC_X(name, type, width) \
  if (a.name != b.name) return PortDiff{#name, uint64_t(a.name), uint64_t(b.name)};
#define SYSTOLIC_L(name, lanes, bits, sgn)                                          \
  for (size_t i = 0; i < a.name.size() && i < b.name.size(); ++i) {                 \
    const uint64_t m = (uint64_t{1} << (bits)) - 1;                                 \
    if ((uint64_t(uint32_t(a.name[i])) & m) != (uint64_t(uint32_t(b.name[i])) & m)) \
      return PortDiff{std::string(#name) + "[" + std::to_string(i) + "]",          \
                      uint64_t(uint32_t(a.name[i])) & m, uint64_t(uint32_t(b.name[i])) & m}; \
  }
  SYSTOLIC_TILE_CTRL_OUTPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  return std::nullopt;
}

// ---- os_ctrl (rtl/os_ctrl.sv) ----------------------------------------------
struct OsCtrlParams {
  int Rows = 16;  // array rows (K per tile)
  int Cols = 16;  // array columns (N per tile)
  int RequantDepth = 3;  // pipeline depth (latency) of the requant units
  // Every parameter inside its limits, else std::invalid_argument naming it.
  void validate() const {
    check_param("Rows", Rows);
    check_param("Cols", Cols);
    check_param("RequantDepth", RequantDepth);
  }
  std::string name() const { return std::to_string(Rows) + "x" + std::to_string(Cols); }
  bool operator==(const OsCtrlParams& o) const {
    return Rows == o.Rows && Cols == o.Cols && RequantDepth == o.RequantDepth;
  }
  bool operator!=(const OsCtrlParams& o) const { return !(*this == o); }
};
template <class P>
OsCtrlParams os_ctrl_params(const P& top) {
  OsCtrlParams p;
  p.Rows = top.Rows;
  p.Cols = top.Cols;
  p.RequantDepth = top.RequantDepth;
  return p;
}
// X(name, C++ type, width) for scalar ports; L(name, lanes, bits, signed) for lane ports
#define SYSTOLIC_OS_CTRL_INPUTS(X, L) \
  X(start_i, bool, 1) \
  X(m_i, uint32_t, kDimWidth) \
  X(n_i, uint32_t, kDimWidth) \
  X(k_i, uint32_t, kDimWidth) \
  X(a_base_i, uint32_t, kWordWidth) \
  X(b_base_i, uint32_t, kWordWidth) \
  X(c_base_i, uint32_t, kWordWidth)
// X(name, C++ type, width) for scalar ports; L(name, lanes, bits, signed) for lane ports
#define SYSTOLIC_OS_CTRL_OUTPUTS(X, L) \
  X(busy_o, bool, 1) \
  X(done_o, bool, 1) \
  X(x_issue_o, bool, 1) \
  X(x_first_o, bool, 1) \
  X(x_aaddr_o, uint32_t, kAddrWidth) \
  X(x_baddr_o, uint32_t, kAddrWidth) \
  X(x_mv_o, uint32_t, clog2(p.Rows + 1)) \
  X(x_nv_o, uint32_t, clog2(p.Cols + 1)) \
  X(o_issue_o, bool, 1) \
  X(o_caddr_o, uint32_t, kAddrWidth) \
  X(o_nt_o, uint32_t, kDimWidth) \
  X(o_nv_o, uint32_t, clog2(p.Cols + 1)) \
  X(ph_wstall_o, bool, 1) \
  X(ph_compute_o, bool, 1) \
  X(ph_drain_o, bool, 1) \
  X(ph_output_o, bool, 1)
struct OsCtrlIn {
#define SYSTOLIC_X(name, type, width) type name = 0;
#define SYSTOLIC_L(name, lanes, bits, sgn) std::vector<int32_t> name;
  SYSTOLIC_OS_CTRL_INPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  OsCtrlIn() = default;
  explicit OsCtrlIn(const OsCtrlParams& p) {
    (void)p;
  }
};
struct OsCtrlOut {
#define SYSTOLIC_X(name, type, width) type name = 0;
#define SYSTOLIC_L(name, lanes, bits, sgn) std::vector<int32_t> name;
  SYSTOLIC_OS_CTRL_OUTPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  OsCtrlOut() = default;
  explicit OsCtrlOut(const OsCtrlParams& p) {
    (void)p;
  }
};
// The first output port that differs between two sides (lane ports lane by lane, within their bits).
inline std::optional<PortDiff> compare_ports(const OsCtrlOut& a, const OsCtrlOut& b) {
#define SYSTOLIC_X(name, type, width) \
  if (a.name != b.name) return PortDiff{#name, uint64_t(a.name), uint64_t(b.name)};
#define SYSTOLIC_L(name, lanes, bits, sgn)                                          \
  for (size_t i = 0; i < a.name.size() && i < b.name.size(); ++i) {                 \
    const uint64_t m = (uint64_t{1} << (bits)) - 1;                                 \
    if ((uint64_t(uint32_t(a.name[i])) & m) != (uint64_t(uint32_t(b.name[i])) & m)) \
      return PortDiff{std::string(#name) + "[" + std::to_string(i) + "]",          \
                      uint64_t(uint32_t(a.name[i])) & m, uint64_t(uint32_t(b.name[i])) & m}; \
  }
  SYSTOLIC_OS_CTRL_OUTPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  return std::nullopt;
}

// ---- systolic_regs (rtl/systolic_regs.sv) ----------------------------------
struct SystolicRegsParams {
  int Rows = 16;  // array rows (K per tile)
  int Cols = 16;  // array columns (N per tile)
  int MemBytesLog2 = 4;  // memory port beat of 2^MemBytesLog2 bytes (3 .. 6: a 64- to 512-bit bus)
  int Int4 = 0;  // 1: dual-mode PEs that also run 4-bit commands (PRECISION w4a8, w4a4), 0: INT8-only PEs
  int Dataflow = 1;  // dataflows the array runs: 1 weight-stationary, 2 output-stationary, 3 both (DATAFLOW picks per command)
  // Every parameter inside its limits, else std::invalid_argument naming it.
  void validate() const {
    check_param("Rows", Rows);
    check_param("Cols", Cols);
    check_param("MemBytesLog2", MemBytesLog2);
    check_param("Int4", Int4);
    check_param("Dataflow", Dataflow);
  }
  std::string name() const { return std::to_string(Rows) + "x" + std::to_string(Cols); }
  bool operator==(const SystolicRegsParams& o) const {
    return Rows == o.Rows && Cols == o.Cols && MemBytesLog2 == o.MemBytesLog2 && Int4 == o.Int4 && Dataflow == o.Dataflow;
  }
  bool operator!=(const SystolicRegsParams& o) const { return !(*this == o); }
};
template <class P>
SystolicRegsParams systolic_regs_params(const P& top) {
  SystolicRegsParams p;
  p.Rows = top.Rows;
  p.Cols = top.Cols;
  p.MemBytesLog2 = top.MemBytesLog2;
  p.Int4 = top.Int4;
  p.Dataflow = top.Dataflow;
  return p;
}
// X(name, C++ type, width) for scalar ports; L(name, lanes, bits, signed) for lane ports
#define SYSTOLIC_SYSTOLIC_REGS_INPUTS(X, L) \
  X(host_req_i, bool, 1) \
  X(host_we_i, bool, 1) \
  X(host_addr_i, uint32_t, kHostAddrWidth) \
  X(host_wdata_i, uint32_t, kHostDataWidth) \
  X(busy_i, bool, 1) \
  X(done_i, bool, 1) \
  X(ph_wstall_i, bool, 1) \
  X(ph_compute_i, bool, 1) \
  X(ph_drain_i, bool, 1) \
  X(ph_output_i, bool, 1) \
  X(s_kv_i, uint32_t, clog2(p.Rows + 1)) \
  X(s_nv_i, uint32_t, clog2(p.Cols + 1)) \
  X(dma_busy_i, bool, 1) \
  X(ph_load_i, bool, 1) \
  X(ph_store_i, bool, 1) \
  X(err_i, uint32_t, kErrWidth) \
  X(rd_beat_i, bool, 1) \
  X(wr_beat_i, bool, 1) \
  X(rd_sp_i, uint32_t, kSpadRegions) \
  X(sram_rd_i, uint32_t, kSpadRegions) \
  X(sram_wr_i, uint32_t, kSpadRegions) \
  X(sram_rd2_i, uint32_t, kSpadRegions) \
  X(sram_wr2_i, uint32_t, kSpadRegions) \
  X(a_rdata_i, uint32_t, kDataWidth) \
  X(b_rdata_i, uint32_t, kDataWidth) \
  X(c_rdata_i, uint32_t, kDataWidth) \
  X(bias_rdata_i, uint32_t, kBiasWidth) \
  X(m0_rdata_i, uint32_t, kM0Width) \
  X(shift_rdata_i, uint32_t, kShiftWidth)
// X(name, C++ type, width) for scalar ports; L(name, lanes, bits, signed) for lane ports
#define SYSTOLIC_SYSTOLIC_REGS_OUTPUTS(X, L) \
  X(host_rvalid_o, bool, 1) \
  X(host_rdata_o, uint32_t, kHostDataWidth) \
  X(start_o, bool, 1) \
  X(mem_start_o, bool, 1) \
  X(m_o, uint32_t, kDimWidth) \
  X(n_o, uint32_t, kDimWidth) \
  X(k_o, uint32_t, kDimWidth) \
  X(a_base_o, uint32_t, kWordWidth) \
  X(b_base_o, uint32_t, kWordWidth) \
  X(c_base_o, uint32_t, kWordWidth) \
  X(q_base_o, uint32_t, kWordWidth) \
  X(dram_a_o, uint32_t, kMemAddrWidth) \
  X(dram_b_o, uint32_t, kMemAddrWidth) \
  X(dram_c_o, uint32_t, kMemAddrWidth) \
  X(dram_bias_o, uint32_t, kMemAddrWidth) \
  X(dram_m0_o, uint32_t, kMemAddrWidth) \
  X(dram_shift_o, uint32_t, kMemAddrWidth) \
  X(ld_a_o, uint32_t, kMemAddrWidth) \
  X(ld_b_o, uint32_t, kMemAddrWidth) \
  X(ld_c_o, uint32_t, kMemAddrWidth) \
  X(dram_bw_o, uint32_t, 32) \
  X(zp_out_o, uint32_t, kDataWidth) \
  X(act_min_o, uint32_t, kDataWidth) \
  X(act_max_o, uint32_t, kDataWidth) \
  X(rounding_o, bool, 1) \
  X(precision_o, uint32_t, 2) \
  X(dataflow_o, bool, 1) \
  X(spad_re_o, uint32_t, kSpadRegions) \
  X(spad_we_o, uint32_t, kSpadRegions) \
  X(spad_word_o, uint32_t, kWordWidth) \
  X(spad_lane_o, uint32_t, kLaneWidth) \
  X(spad_wdata_o, uint32_t, kHostDataWidth)
struct SystolicRegsIn {
#define SYSTOLIC_X(name, type, width) type name = 0;
#define SYSTOLIC_L(name, lanes, bits, sgn) std::vector<int32_t> name;
  SYSTOLIC_SYSTOLIC_REGS_INPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  SystolicRegsIn() = default;
  explicit SystolicRegsIn(const SystolicRegsParams& p) {
    (void)p;
  }
};
struct SystolicRegsOut {
#define SYSTOLIC_X(name, type, width) type name = 0;
#define SYSTOLIC_L(name, lanes, bits, sgn) std::vector<int32_t> name;
  SYSTOLIC_SYSTOLIC_REGS_OUTPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  SystolicRegsOut() = default;
  explicit SystolicRegsOut(const SystolicRegsParams& p) {
    (void)p;
  }
};
// The first output port that differs between two sides (lane ports lane by lane, within their bits).
inline std::optional<PortDiff> compare_ports(const SystolicRegsOut& a, const SystolicRegsOut& b) {
#define SYSTOLIC_X(name, type, width) \
  if (a.name != b.name) return PortDiff{#name, uint64_t(a.name), uint64_t(b.name)};
#define SYSTOLIC_L(name, lanes, bits, sgn)                                          \
  for (size_t i = 0; i < a.name.size() && i < b.name.size(); ++i) {                 \
    const uint64_t m = (uint64_t{1} << (bits)) - 1;                                 \
    if ((uint64_t(uint32_t(a.name[i])) & m) != (uint64_t(uint32_t(b.name[i])) & m)) \
      return PortDiff{std::string(#name) + "[" + std::to_string(i) + "]",          \
                      uint64_t(uint32_t(a.name[i])) & m, uint64_t(uint32_t(b.name[i])) & m}; \
  }
  SYSTOLIC_SYSTOLIC_REGS_OUTPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  return std::nullopt;
}

// ---- acc_stage (rtl/acc_stage.sv) ------------------------------------------
struct AccStageParams {
  int Rows = 16;  // array rows (K per tile)
  int Cols = 16;  // array columns (N per tile)
  int AccWords = 1024;  // accumulator buffer rows of Cols int32 lanes: the M-block a command walks M in
  int RequantDepth = 3;  // pipeline depth (latency) of the requant units
  // Every parameter inside its limits, else std::invalid_argument naming it.
  void validate() const {
    check_param("Rows", Rows);
    check_param("Cols", Cols);
    check_param("AccWords", AccWords);
    check_param("RequantDepth", RequantDepth);
  }
  std::string name() const { return std::to_string(Rows) + "x" + std::to_string(Cols); }
  bool operator==(const AccStageParams& o) const {
    return Rows == o.Rows && Cols == o.Cols && AccWords == o.AccWords && RequantDepth == o.RequantDepth;
  }
  bool operator!=(const AccStageParams& o) const { return !(*this == o); }
};
template <class P>
AccStageParams acc_stage_params(const P& top) {
  AccStageParams p;
  p.Rows = top.Rows;
  p.Cols = top.Cols;
  p.AccWords = top.AccWords;
  p.RequantDepth = top.RequantDepth;
  return p;
}
// X(name, C++ type, width) for scalar ports; L(name, lanes, bits, signed) for lane ports
#define SYSTOLIC_ACC_STAGE_INPUTS(X, L) \
  X(s_issue_i, bool, 1) \
  X(s_first_i, bool, 1) \
  X(s_last_i, bool, 1) \
  X(s_j_i, uint32_t, imax(clog2(p.AccWords), 1)) \
  X(s_nt_i, uint32_t, kDimWidth) \
  X(s_nv_i, uint32_t, clog2(p.Cols + 1)) \
  X(s_caddr_i, uint32_t, kAddrWidth) \
  L(psum_i, p.Cols, kAccWidth, true) \
  X(q_base_i, uint32_t, kWordWidth) \
  X(zp_out_i, uint32_t, kDataWidth) \
  X(act_min_i, uint32_t, kDataWidth) \
  X(act_max_i, uint32_t, kDataWidth) \
  X(rounding_i, bool, 1) \
  L(bias_i, p.Cols, kBiasWidth, true) \
  L(m0_i, p.Cols, kM0Width, true) \
  L(shift_i, p.Cols, kShiftWidth, true)
// X(name, C++ type, width) for scalar ports; L(name, lanes, bits, signed) for lane ports
#define SYSTOLIC_ACC_STAGE_OUTPUTS(X, L) \
  X(q_rd_en_o, bool, 1) \
  X(q_rd_addr_o, uint32_t, kAddrWidth) \
  X(c_wr_en_o, bool, 1) \
  X(c_wr_addr_o, uint32_t, kAddrWidth) \
  X(c_wr_lanes_o, uint32_t, clog2(p.Cols + 1)) \
  L(c_wr_data_o, p.Cols, kDataWidth, true)
struct AccStageIn {
#define SYSTOLIC_X(name, type, width) type name = 0;
#define SYSTOLIC_L(name, lanes, bits, sgn) std::vector<int32_t> name;
  SYSTOLIC_ACC_STAGE_INPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  AccStageIn() = default;
  explicit AccStageIn(const AccStageParams& p) {
#define SYSTOLIC_X(name, type, width)
#define SYSTOLIC_L(name, lanes, bits, sgn) name.assign(size_t(lanes), 0);
    SYSTOLIC_ACC_STAGE_INPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  }
};
struct AccStageOut {
#define SYSTOLIC_X(name, type, width) type name = 0;
#define SYSTOLIC_L(name, lanes, bits, sgn) std::vector<int32_t> name;
  SYSTOLIC_ACC_STAGE_OUTPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  AccStageOut() = default;
  explicit AccStageOut(const AccStageParams& p) {
#define SYSTOLIC_X(name, type, width)
#define SYSTOLIC_L(name, lanes, bits, sgn) name.assign(size_t(lanes), 0);
    SYSTOLIC_ACC_STAGE_OUTPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  }
};
// The first output port that differs between two sides (lane ports lane by lane, within their bits).
inline std::optional<PortDiff> compare_ports(const AccStageOut& a, const AccStageOut& b) {
#define SYSTOLIC_X(name, type, width) \
  if (a.name != b.name) return PortDiff{#name, uint64_t(a.name), uint64_t(b.name)};
#define SYSTOLIC_L(name, lanes, bits, sgn)                                          \
  for (size_t i = 0; i < a.name.size() && i < b.name.size(); ++i) {                 \
    const uint64_t m = (uint64_t{1} << (bits)) - 1;                                 \
    if ((uint64_t(uint32_t(a.name[i])) & m) != (uint64_t(uint32_t(b.name[i])) & m)) \
      return PortDiff{std::string(#name) + "[" + std::to_string(i) + "]",          \
                      uint64_t(uint32_t(a.name[i])) & m, uint64_t(uint32_t(b.name[i])) & m}; \
  }
  SYSTOLIC_ACC_STAGE_OUTPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  return std::nullopt;
}

// ---- dma (rtl/dma.sv) ------------------------------------------------------
struct DmaParams {
  int Rows = 16;  // array rows (K per tile)
  int Cols = 16;  // array columns (N per tile)
  int AWords = 524288;  // A scratchpad words of Rows int8 lanes (the host word field is 20 bits)
  int BWords = 262144;  // B scratchpad words of Cols int8 lanes
  int CWords = 262144;  // C scratchpad words of Cols int8 lanes
  int QWords = 64;  // BIAS / M0 / SHIFT scratchpad words of Cols lanes
  int AccWords = 1024;  // accumulator buffer rows of Cols int32 lanes: the M-block a command walks M in
  int MemBytesLog2 = 4;  // memory port beat of 2^MemBytesLog2 bytes (3 .. 6: a 64- to 512-bit bus)
  // Every parameter inside its limits, else std::invalid_argument naming it.
  void validate() const {
    check_param("Rows", Rows);
    check_param("Cols", Cols);
    check_param("AWords", AWords);
    check_param("BWords", BWords);
    check_param("CWords", CWords);
    check_param("QWords", QWords);
    check_param("AccWords", AccWords);
    check_param("MemBytesLog2", MemBytesLog2);
  }
  std::string name() const { return std::to_string(Rows) + "x" + std::to_string(Cols); }
  bool operator==(const DmaParams& o) const {
    return Rows == o.Rows && Cols == o.Cols && AWords == o.AWords && BWords == o.BWords && CWords == o.CWords && QWords == o.QWords && AccWords == o.AccWords && MemBytesLog2 == o.MemBytesLog2;
  }
  bool operator!=(const DmaParams& o) const { return !(*this == o); }
};
template <class P>
DmaParams dma_params(const P& top) {
  DmaParams p;
  p.Rows = top.Rows;
  p.Cols = top.Cols;
  p.AWords = top.AWords;
  p.BWords = top.BWords;
  p.CWords = top.CWords;
  p.QWords = top.QWords;
  p.AccWords = top.AccWords;
  p.MemBytesLog2 = top.MemBytesLog2;
  return p;
}
// X(name, C++ type, width) for scalar ports; L(name, lanes, bits, signed) for lane ports
#define SYSTOLIC_DMA_INPUTS(X, L) \
  X(start_i, bool, 1) \
  X(m_i, uint32_t, kDimWidth) \
  X(n_i, uint32_t, kDimWidth) \
  X(k_i, uint32_t, kDimWidth) \
  X(dram_a_i, uint32_t, kMemAddrWidth) \
  X(dram_b_i, uint32_t, kMemAddrWidth) \
  X(dram_c_i, uint32_t, kMemAddrWidth) \
  X(dram_bias_i, uint32_t, kMemAddrWidth) \
  X(dram_m0_i, uint32_t, kMemAddrWidth) \
  X(dram_shift_i, uint32_t, kMemAddrWidth) \
  X(ld_a_i, uint32_t, kMemAddrWidth) \
  X(ld_b_i, uint32_t, kMemAddrWidth) \
  X(ld_c_i, uint32_t, kMemAddrWidth) \
  X(dram_bw_i, uint32_t, 32) \
  X(precision_i, uint32_t, 2) \
  X(os_i, bool, 1) \
  X(tile_done_i, bool, 1) \
  X(tile_ready_i, bool, 1) \
  X(c_wr_en_i, bool, 1) \
  X(c_wr_addr_i, uint32_t, kAddrWidth) \
  L(c_rd_data_i, p.Cols, kDataWidth, true) \
  L(c_rd_data1_i, p.Cols, kDataWidth, true) \
  X(mem_req_ready_i, bool, 1) \
  X(mem_rsp_valid_i, bool, 1) \
  L(mem_rsp_rdata_i, ipow2(p.MemBytesLog2), 8, false)
// X(name, C++ type, width) for scalar ports; L(name, lanes, bits, signed) for lane ports
#define SYSTOLIC_DMA_OUTPUTS(X, L) \
  X(busy_o, bool, 1) \
  X(done_o, bool, 1) \
  X(err_o, uint32_t, kErrWidth) \
  X(tile_start_o, bool, 1) \
  X(tile_m_o, uint32_t, kDimWidth) \
  X(tile_n_o, uint32_t, kDimWidth) \
  X(tile_a_half_o, bool, 1) \
  X(tile_b_half_o, bool, 1) \
  X(tile_c_half_o, bool, 1) \
  X(tile_q_half_o, bool, 1) \
  X(tile_k_o, uint32_t, kDimWidth) \
  X(tile_acc_first_o, bool, 1) \
  X(tile_acc_last_o, bool, 1) \
  X(tile_kt_outer_o, bool, 1) \
  X(tile_b_rows_o, uint32_t, kDimWidth) \
  X(tile_q_ready_o, bool, 1) \
  X(ph_load_o, bool, 1) \
  X(ph_store_o, bool, 1) \
  X(wr_en_o, uint32_t, kSpadRegions) \
  X(wr_addr_o, uint32_t, kAddrWidth) \
  L(wr_data_o, imax(p.Rows, p.Cols), 32, true) \
  X(wr_pair_o, bool, 1) \
  L(wr_data1_o, imax(p.Rows, p.Cols), kDataWidth, true) \
  X(c_rd_en_o, bool, 1) \
  X(c_rd_addr_o, uint32_t, kAddrWidth) \
  X(c_rd_pair_o, bool, 1) \
  X(mem_req_valid_o, bool, 1) \
  X(mem_req_we_o, bool, 1) \
  X(mem_req_sp_o, uint32_t, kSpadRegions) \
  X(mem_req_addr_o, uint32_t, kMemAddrWidth) \
  L(mem_req_wdata_o, ipow2(p.MemBytesLog2), 8, false) \
  X(mem_req_wstrb_o, uint64_t, ipow2(p.MemBytesLog2)) \
  X(mem_rsp_ready_o, bool, 1)
struct DmaIn {
#define SYSTOLIC_X(name, type, width) type name = 0;
#define SYSTOLIC_L(name, lanes, bits, sgn) std::vector<int32_t> name;
  SYSTOLIC_DMA_INPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  DmaIn() = default;
  explicit DmaIn(const DmaParams& p) {
#define SYSTOLIC_X(name, type, width)
#define SYSTOLIC_L(name, lanes, bits, sgn) name.assign(size_t(lanes), 0);
    SYSTOLIC_DMA_INPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  }
};
struct DmaOut {
#define SYSTOLIC_X(name, type, width) type name = 0;
#define SYSTOLIC_L(name, lanes, bits, sgn) std::vector<int32_t> name;
  SYSTOLIC_DMA_OUTPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  DmaOut() = default;
  explicit DmaOut(const DmaParams& p) {
#define SYSTOLIC_X(name, type, width)
#define SYSTOLIC_L(name, lanes, bits, sgn) name.assign(size_t(lanes), 0);
    SYSTOLIC_DMA_OUTPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  }
};
// The first output port that differs between two sides (lane ports lane by lane, within their bits).
inline std::optional<PortDiff> compare_ports(const DmaOut& a, const DmaOut& b) {
#define SYSTOLIC_X(name, type, width) \
  if (a.name != b.name) return PortDiff{#name, uint64_t(a.name), uint64_t(b.name)};
#define SYSTOLIC_L(name, lanes, bits, sgn)                                          \
  for (size_t i = 0; i < a.name.size() && i < b.name.size(); ++i) {                 \
    const uint64_t m = (uint64_t{1} << (bits)) - 1;                                 \
    if ((uint64_t(uint32_t(a.name[i])) & m) != (uint64_t(uint32_t(b.name[i])) & m)) \
      return PortDiff{std::string(#name) + "[" + std::to_string(i) + "]",          \
                      uint64_t(uint32_t(a.name[i])) & m, uint64_t(uint32_t(b.name[i])) & m}; \
  }
  SYSTOLIC_DMA_OUTPUTS(SYSTOLIC_X, SYSTOLIC_L)
#undef SYSTOLIC_X
#undef SYSTOLIC_L
  return std::nullopt;
}

}  // namespace systolic::iface
