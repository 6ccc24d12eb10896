// The host driver, shared by model, RTL and co-simulation runs: packs a quantized GEMM into the
// scratchpads through the host port, splits it into commands that fit, runs them and reads the
// results and the performance counters back (docs/architecture.md §4, "Host driver").
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <vector>

#include "dram.h"
#include "host_port.h"
#include "quant.h"

namespace systolic::sim {

struct GemmJob {
  int M = 0, N = 0, K = 0;
  std::vector<int8_t> a;      // M x K, row-major
  std::vector<int8_t> b;      // K x N, row-major
  std::vector<int32_t> bias;  // N folded biases (empty: zeros)
  quant::GemmQuant q;         // per-column (or broadcast) M0 / shift, zp_out, bounds, rounding
  // w4a4: A and B hold 4-bit values (one per int8, in [-8, 7]); the driver packs them into nibble
  // pairs along K and runs the engine with PRECISION w4a4 on the packed K = ceil(K / 2).
  // w4a8: B holds 4-bit values (packed the same way), A int8 values (a K-tile of a row in an A
  // word pair: 2 x Rows bytes, K padded with a 0 to 2 x ceil(K / 2), also in memory); PRECISION
  // w4a8.
  quant::Precision precision = quant::Precision::kInt8;
  // Output-stationary commands (DATAFLOW = OS; host-port commands only): A in the K-major OS
  // layout, word a_base + mt*K + k holding A[mt*Rows + r][k] in lane r (docs/architecture.md).
  bool os = false;

  // Throws std::invalid_argument. Without `need_data` A, B and the bias may be empty. With
  // `host_port` (host commands) the GEMM must also split into commands that fit the scratchpads
  // (memory commands block and chunk it themselves).
  void validate(const model::TopParams& p, bool need_data = true, bool host_port = true) const;
};

// A job in its engine form: for w4a4, A and B packed into nibble pairs along K (quant::
// pack_int4_pairs) and K = ceil(K / 2); for w4a8, B packed so, A as M x 2K' bytes (K' = the
// packed K, the odd K's last pair padded with 0); an int8 job as it is. Throws (naming the
// tensor, index and value) for a 4-bit value out of range.
// The A scratchpad words a row of A takes per K-tile: 1, or an A word pair in w4a8.
GemmJob engine_job(const GemmJob& job);

// The engine refused a memory command at its start (STATUS error bits): the message names why.
struct CommandRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct RunStats {
  model::Counters engine;  // summed over commands: busy = cycles from start to done
  // With a two-sided port (HostPort::reference_out): the same counters as the model's own host
  // port delivered them (engine: the RTL's).
  std::optional<model::Counters> reference;
  uint64_t host_cycles = 0;  // cycles spent loading and reading scratchpads and registers
  bool memory = false;       // memory commands: operands from and C to the Dram
  int commands = 0;
  double engine_seconds = 0;  // wall time spent simulating commands (start write to done_o)
};

// How a GEMM is split: rows of A (and C) and columns of B (and C) per command.
struct Split {
  int m_rows = 0, n_cols = 0;
};
// k: the engine's (packed) K; precision w4a8 takes two A words per K-tile of a row (OS: per beat
// of a tile of Rows rows); os: output-stationary commands (K * ceil(rows / Rows) A words).
Split plan_split(const model::TopParams& p, int m, int n, int k,
                 quant::Precision precision = quant::Precision::kInt8,
                 bool os = false);  // throws when K cannot fit

// The cycles (CYC_BUSY summed over commands) of `job` in one dataflow (os) on the model engine,
// timing-only, with these parameters and both dataflows (Dataflow = 3): what `--dataflow best`
// compares. Throws std::invalid_argument when the job cannot run so.
uint64_t model_cycles(model::TopParams p, GemmJob job, bool os);

// `--dataflow best` for one GEMM: model_cycles in each dataflow; one whose commands cannot fit
// (std::invalid_argument) drops out. Throws the last such error when neither can run.
struct DataflowChoice {
  std::optional<uint64_t> ws, os;
  bool os_wins() const { return !ws || (os && *os < *ws); }
};
DataflowChoice best_dataflow(const model::TopParams& p, const GemmJob& job);

// The reference quantized GEMM of the job (quant::gemm_int8).
std::vector<int8_t> reference_gemm(const GemmJob& job);

// The random M x N x K job of `systolic run` (and of sweep points and `compare`): per-column
// output scales that spread the sums over the int8 range (a sum of K uniform int8 products has a
// standard deviation of about sqrt(K) * 73.9^2, of uniform int4 products sqrt(K) * 21.5, of int8
// by int4 sqrt(K) * 340.7) with a jitter of 0.8 .. 1.25, then uniform A and B (int8, or int4 for
// the 4-bit operands of w4a4 and w4a8) and a bias in
// [-16384, 16384], all from `seed`. with_data = false: the shape and the requantization
// parameters only, for timing-only runs.
GemmJob random_gemm(int m, int n, int k, quant::Rounding mode, uint64_t seed, bool with_data = true,
                    quant::Precision precision = quant::Precision::kInt8);

class HostDriver {
 public:
  explicit HostDriver(HostPort& port) : port_(port) {}
  // Runs the whole GEMM; returns C (M x N int8) and adds to `stats`.
  std::vector<int8_t> run(const GemmJob& job, RunStats& stats);
  // Timing only: scratchpad loads and C reads are counted in host_cycles but not simulated, and
  // the job needs no data; commands, registers and counters run as usual. Use with an engine
  // whose cycles do not depend on the data (the model with compute_data off); C is all zeros.
  void set_timing_only(bool on) { timing_only_ = on; }
  // Memory commands (docs/architecture.md §4): the job's tensors are placed in `dram`'s image
  // (the port must be a DramPort on it), each command loads its operands and stores C through the
  // memory port, and C is read back from the image. `misalign` offsets every tensor's address by
  // that many bytes from a 64-byte boundary; guard bytes around every tensor are checked after
  // the run (a write outside C's rows throws). `at_top` places the layout at the top of the
  // memory port's 2^MemAddrWidth bytes instead of at address 0 (its origin, a multiple of 64, as
  // high as the layout allows), the Dram's image covering the layout alone (Dram::origin()).
  void set_memory(Dram* dram, uint32_t misalign = 0, bool at_top = false) {
    dram_ = dram;
    misalign_ = misalign;
    at_top_ = at_top;
  }
  // Memory commands: rows of A, B and C `pad` bytes apart beyond their length (LD_A = A's row
  // bytes + a, LD_B = N + b, LD_C = N + c); the bytes between rows are guard bytes, checked
  // unchanged after the run like the others (default: rows packed, 0).
  struct RowPad {
    uint32_t a = 0, b = 0, c = 0;
  };
  void set_row_pad(const RowPad& pad) { pad_ = pad; }
  // Host commands: the scratchpad words at which the driver puts A, B, C and BIAS / M0 / SHIFT
  // (A_BASE .. Q_BASE; default 0). Commands are split to fit the words from each base up; a
  // base at or past its scratchpad's end, or an odd A base in w4a8 (A_BASE bit 0 is ignored
  // there), is an std::invalid_argument. Memory commands place their own.
  struct Bases {
    uint32_t a = 0, b = 0, c = 0, q = 0;
  };
  void set_bases(const Bases& bases) { bases_ = bases; }

 private:
  void write(uint32_t addr, uint32_t data);
  uint32_t read(uint32_t addr);
  // One read per cycle; `ref` (if not null) gets the reference side's answers (reference_out).
  void read_many(const std::vector<uint32_t>& addrs, std::vector<uint32_t>& out,
                 std::vector<uint32_t>* ref = nullptr);

  std::vector<int8_t> run_host(const GemmJob& job, RunStats& stats);
  std::vector<int8_t> run_memory(const GemmJob& job, RunStats& stats);
  // Writes PRECISION (before the commands of every run) and, for a 4-bit mode, reads it back: an
  // engine without the mode stores int8 (the register's rule), and that is a one-line error, not a
  // wrong result.
  void set_precision(quant::Precision precision);
  // Writes DATAFLOW on a build with both dataflows (the others have one: validate() checks it).
  void set_dataflow(bool os);
  void read_counters(RunStats& stats, bool memory);

  HostPort& port_;
  bool timing_only_ = false;
  Dram* dram_ = nullptr;
  uint32_t misalign_ = 0;
  bool at_top_ = false;
  RowPad pad_;
  Bases bases_;
};

// `p` with each scratchpad's words cut to those from its base up (what a host command may use);
// std::invalid_argument for a base at or past its scratchpad's end.
model::TopParams room_above(const model::TopParams& p, const HostDriver::Bases& bases);

}  // namespace systolic::sim
