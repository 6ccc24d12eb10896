// Pipelined floating-point MAC (an FMA unit: acc = a * b + acc, one rounding) and two cycle-level
// machines built from it that run C[M x N] = A[M x K] * B[K x N] in an FP format, to compare the
// INT8 systolic array against FP ALUs whose cycle counts come from simulation.
//
// FpMac: the stages of fp::stage_names(fp::Op::kFma) (unpack ... pack), each with a latency in
// cycles (default 1; 0 merges the stage into the previous one). The pipeline depth D is their
// sum (>= 1). An operation issued in cycle t is captured by the first register at the end of t;
// its result is at the output of the last (D-th) register during cycle t + D, where it is written
// (to C, an accumulator, the next PE) and can be forwarded as an operand of an operation issued
// in that same cycle. The result bits are those of fp::fma (computed at issue and carried through
// the registers). Cycle counts include the cycle that writes the last result.
//
// ScalarFpAlu: ONE FpMac, like a CPU's FPU. Output C[m][n] is the dependent chain
// acc = fma(a[m][k], b[k][n], acc), k = 0 .. K-1, from acc = +0. An FMA issues only when its
// accumulator has left the pipeline, so the latency is hidden only by interleaving: a window of
// up to D outputs (in row-major order) is in flight, issued round-robin, at most one FMA per
// cycle. Cycles: one output alone takes K * D + 1; when M * N is a multiple of D (the window is
// never short of work) the unit issues every cycle and takes M * N * K + D. Otherwise the last
// M * N mod D outputs run with a partly empty window, as on a CPU.
//
// FpSystolicArray: Rows x Cols weight-stationary, the geometry of the INT8 array
// (docs/architecture.md): K tiled by Rows, N by Cols, remainders padded. PE (r, c) holds
// B[kt*Rows + r][nt*Cols + c] and is one FpMac; the partial sum of C[m][nt*Cols + c] enters the
// top of column c from the accumulator (+0 before the first K tile) and passes one FMA per PE, so
// each PE adds D cycles to the psum path. Activations move right one PE per cycle; row r's input
// is delayed r * D cycles (the skew that matches the psum path) and column c's psum input c cycles.
// A PE whose weight is padding (k >= K) passes the psum through with the same latency (fma(0, 0,
// -0) would turn -0 into +0). Per tile, simulated: a weight load of Rows cycles (one row per
// cycle, NOT overlapped with the previous tile's stream, unlike the INT8 array's double-buffered
// weights), then M activation rows stream in; the tile ends in the cycle the last psum leaves the
// bottom row: Rows + M + Cols - 1 + Rows * D cycles per tile. Tiles run N-tile-major, K tiles in
// order, so C[m][n] accumulates k = 0 .. K-1 in order, exactly as the scalar ALU does.
#pragma once

#include <cstdint>
#include <vector>

#include "fp.h"

namespace systolic::model {

struct FpMacConfig {
  fp::Format format = fp::kFp32;
  // One latency (cycles, >= 0) per stage of fp::stage_names(fp::Op::kFma); empty: all 1.
  std::vector<int> stage_latency;

  int depth() const;      // sum of the stage latencies (all 1 when empty)
  void validate() const;  // throws std::invalid_argument: wrong count, negative, depth 0, format
};

// One value in a pipeline or delay-line register.
struct FpReg {
  bool valid = false;
  uint32_t value = 0;  // bit pattern in the format
  int tag = 0;         // which output (or row of A) the value belongs to
};

// A chain of n >= 0 registers: step(in) returns the value that entered n steps earlier (n = 0:
// `in` itself) and stores `in`.
class DelayLine {
 public:
  explicit DelayLine(int n = 0) : regs_(size_t(n)) {}
  FpReg step(const FpReg& in);

 private:
  std::vector<FpReg> regs_;
  size_t head_ = 0;
};

// The pipelined FMA: head() is the last register's output during this cycle (the operation
// issued D cycles earlier); clock() ends the cycle, issuing fma(a, b, c) (or nothing).
class FpMac {
 public:
  explicit FpMac(const FpMacConfig& cfg);
  const FpReg& head() const { return regs_[head_]; }
  void clock();                                             // nothing issued this cycle
  void clock(uint32_t a, uint32_t b, uint32_t c, int tag);  // issue a * b + c
  void clock_bypass(uint32_t c, int tag);                   // carry c unchanged (padding)
  int depth() const { return int(regs_.size()); }

 private:
  void push(const FpReg& r);
  fp::Format format_;
  std::vector<FpReg> regs_;  // the D pipeline registers, as a ring
  size_t head_ = 0;
};

struct FpGemm {
  int M = 0, N = 0, K = 0;
  std::vector<uint32_t> a;  // M x K bit patterns, row-major
  std::vector<uint32_t> b;  // K x N bit patterns, row-major
  void validate() const;    // throws std::invalid_argument
};

struct FpGemmResult {
  std::vector<uint32_t> c;          // M x N bit patterns, row-major
  uint64_t cycles = 0;              // cycles up to and including the one writing the last result
  uint64_t fma_issued = 0;          // FMAs issued (padding bypasses not counted)
  uint64_t weight_load_cycles = 0;  // systolic array only
  int tiles = 0;                    // systolic array only
};

class ScalarFpAlu {
 public:
  explicit ScalarFpAlu(const FpMacConfig& cfg);
  FpGemmResult run(const FpGemm& g) const;

 private:
  FpMacConfig cfg_;
};

class FpSystolicArray {
 public:
  FpSystolicArray(int rows, int cols, const FpMacConfig& cfg);
  FpGemmResult run(const FpGemm& g) const;
  int rows() const { return rows_; }
  int cols() const { return cols_; }

 private:
  int rows_, cols_;
  FpMacConfig cfg_;
};

// Closed forms of the two machines' cycle counts (FpGemmResult::cycles), for GEMMs too large to
// simulate MAC by MAC (design-space sweeps over whole networks). test_fp_machines checks them
// against the simulated machines on many shapes and stage latencies; the simulation stays the
// definition. Scalar ALU: W = min(D, M*N) outputs in flight, slot s in 0..W-1 issues in cycles
// s, s + D, s + 2D, ... and works through outputs s, s + W, s + 2W, ...; with q = M*N / W and
// r = M*N mod W the last result is written in cycle (r > 0 ? r - 1 + (q + 1) K D : W - 1 + q K D).
// FP array: ceil(K / Rows) * ceil(N / Cols) tiles of Rows + M + Cols - 1 + Rows * D cycles.
uint64_t fp_scalar_cycles(const FpMacConfig& cfg, int64_t M, int64_t N, int64_t K);
uint64_t fp_array_cycles(int rows, int cols, const FpMacConfig& cfg, int64_t M, int64_t N,
                         int64_t K);

}  // namespace systolic::model
