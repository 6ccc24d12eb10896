#include "host_driver.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <random>
#include <stdexcept>
#include <tuple>

namespace systolic::sim {
namespace a = model::addr;

namespace {
int ceil_div(int x, int y) { return (x + y - 1) / y; }

// CYC_BUSY, CYC_WSTALL, CYC_COMPUTE, CYC_DRAIN, CYC_OUTPUT, MACS_LO, MACS_HI as read.
// The counter registers, each a (bits 31:0, bits 63:32) pair, in the order of add_counters.
constexpr std::pair<a::Reg, a::Reg> kCounterRegs[] = {
    {a::kCycBusy, a::kCycBusyHi},       {a::kCycWstall, a::kCycWstallHi},
    {a::kCycCompute, a::kCycComputeHi}, {a::kCycDrain, a::kCycDrainHi},
    {a::kCycOutput, a::kCycOutputHi},   {a::kMacsLo, a::kMacsHi},
    {a::kCycLoad, a::kCycLoadHi},       {a::kCycStore, a::kCycStoreHi},
    {a::kDramRdLo, a::kDramRdHi},       {a::kDramWrLo, a::kDramWrHi}};
constexpr size_t kHostCounters = 6;  // memory commands: all ten
// Then the traffic counters (both kinds of command; DRAM_RD_* read 0 after a host-port command):
// kNumCnt pairs from register kCntFirst on.

void add_counters(model::Counters& c, const std::vector<uint32_t>& v, bool memory) {
  auto at = [&](size_t i) { return uint64_t(v[2 * i]) | uint64_t(v[2 * i + 1]) << 32; };
  const size_t first = memory ? std::size(kCounterRegs) : kHostCounters;
  for (size_t i = 0; i < size_t(a::kNumCnt); ++i) c.traffic[i] += at(first + i);
  c.busy += at(0);
  c.wstall += at(1);
  c.compute += at(2);
  c.drain += at(3);
  c.output += at(4);
  c.macs += at(5);
  if (memory) {
    c.load += at(6);
    c.store += at(7);
    c.dram_rd += at(8);
    c.dram_wr += at(9);
  }
}
constexpr uint8_t kGuard = 0xa5;  // the bytes around every tensor in memory
constexpr uint32_t kGuardBytes = 64;
constexpr int kMaxDim = (1 << model::addr::kDimWidth) - 1;  // the M, N, K registers
}  // namespace

void GemmJob::validate(const model::TopParams& p, bool need_data, bool host_port) const {
  if (M < 1 || N < 1 || K < 1 || M > kMaxDim || N > kMaxDim || K > kMaxDim) {
    throw std::invalid_argument(
        fmt::format("GEMM sizes M={} N={} K={} must be in 1..{}", M, N, K, kMaxDim));
  }
  // The work limit: at most 2^56 MACs, so that no 64-bit counter (MACS, CYC_*: at most a few
  // dozen cycles per MAC at M = N = K = 1) can wrap.
  const unsigned __int128 macs = (unsigned __int128)(M) * unsigned(N) * unsigned(K);
  if (macs > (unsigned __int128)(1) << 56) {
    throw std::invalid_argument(fmt::format(
        "GEMM M={} N={} K={} is {:.3g} MACs, beyond the work limit of 2^56 (the 64-bit counters)",
        M, N, K, double(macs)));
  }
  if (os && p.Dataflow == 1) {
    throw std::invalid_argument(
        "this engine runs weight-stationary only (Dataflow = 1): output-stationary commands need "
        "a build with Dataflow = 2 or 3");
  }
  if (!os && p.Dataflow == 2) {
    throw std::invalid_argument(
        "this engine runs output-stationary only (Dataflow = 2): weight-stationary commands need "
        "a build with Dataflow = 1 or 3");
  }
  if (os && !host_port) {
    throw std::invalid_argument(
        "memory commands run weight-stationary only: drop --dram or use the ws dataflow");
  }
  if (!need_data && a.empty() && b.empty() && bias.empty()) {
    quant::validate(q, N);
    if (host_port) plan_split(p, M, N, quant::engine_k(K, precision), precision, os);
    return;
  }
  if (a.size() != size_t(M) * K) {
    throw std::invalid_argument(
        fmt::format("A has {} values, expected M x K = {} x {}", a.size(), M, K));
  }
  if (b.size() != size_t(K) * N) {
    throw std::invalid_argument(
        fmt::format("B has {} values, expected K x N = {} x {}", b.size(), K, N));
  }
  for (const auto& [t, v, cols, four] :
       {std::tuple{"A", &a, K, quant::four_bit_activations(precision)},
        std::tuple{"B", &b, N, quant::four_bit_weights(precision)}}) {
    const long i = four ? quant::first_outside_int4(*v) : -1;
    if (i >= 0) {
      throw std::invalid_argument(
          fmt::format("{}[{}][{}] = {} is outside the 4-bit range [-8, 7] of precision {}", t,
                      i / cols, i % cols, int((*v)[size_t(i)]), quant::precision_name(precision)));
    }
  }
  if (!bias.empty() && bias.size() != size_t(N)) {
    throw std::invalid_argument(fmt::format("bias has {} values, expected N = {}", bias.size(), N));
  }
  quant::validate(q, N);
  if (host_port) plan_split(p, M, N, quant::engine_k(K, precision), precision, os);
}

namespace {
// The bytes of a row of A of a job in its engine form: K, or 2K in w4a8 (the packed K's
// activation pairs).
uint64_t a_row_bytes(const GemmJob& job) {
  return uint64_t(job.K) * (job.precision == quant::Precision::kW4A8 ? 2 : 1);
}
}  // namespace

GemmJob engine_job(const GemmJob& job) {
  if (job.precision == quant::Precision::kInt8) return job;
  GemmJob e;
  e.M = job.M;
  e.N = job.N;
  e.K = quant::engine_k(job.K, job.precision);
  e.bias = job.bias;
  e.q = job.q;
  e.precision = job.precision;
  e.os = job.os;
  if (!job.b.empty()) e.b = quant::pack_int4_pairs(job.b, job.K, job.N, 0, "B");
  if (job.a.empty()) return e;
  if (job.precision == quant::Precision::kW4A4) {
    e.a = quant::pack_int4_pairs(job.a, job.M, job.K, 1, "A");
  } else {  // w4a8: the int8 rows, each padded to 2K' bytes
    const size_t row = 2 * size_t(e.K);
    e.a.assign(size_t(job.M) * row, 0);
    for (int i = 0; i < job.M; ++i) {
      std::copy_n(job.a.begin() + ptrdiff_t(size_t(i) * job.K), job.K,
                  e.a.begin() + ptrdiff_t(size_t(i) * row));
    }
  }
  return e;
}

Split plan_split(const model::TopParams& p, int m, int n, int k, quant::Precision precision,
                 bool os) {
  // A words a row takes: one per K-tile, two (a word pair) in w4a8.
  const int pair = precision == quant::Precision::kW4A8 ? 2 : 1;
  const int kt = ceil_div(k, p.Rows) * pair;
  const int nt_total = ceil_div(n, p.Cols);
  // N tiles per command: limited by Q words and by B words (each N tile takes K words).
  const int nt = std::min({nt_total, p.QWords, p.BWords / k});
  if (nt < 1) {
    throw std::invalid_argument(fmt::format(
        "K = {} does not fit the B scratchpad ({} words): at most {} for this configuration", k,
        p.BWords, p.BWords));
  }
  // OS: a tile of Rows rows takes K beats of one A word (a pair in w4a8).
  const int rows = os ? std::min({m, p.AWords / (k * pair) * p.Rows, p.CWords / nt})
                      : std::min({m, p.AWords / kt, p.CWords / nt});
  if (rows < 1) {
    throw std::invalid_argument(fmt::format(
        "K = {} does not fit the A scratchpad ({} words of {} lanes)", k, p.AWords, p.Rows));
  }
  return {rows, std::min(n, nt * p.Cols)};
}

uint64_t model_cycles(model::TopParams p, GemmJob job, bool os) {
  p.Dataflow = 3;
  ModelPort port(p);
  port.top().set_compute_data(false);
  HostDriver drv(port);
  drv.set_timing_only(true);
  job.os = os;
  RunStats st;
  drv.run(job, st);
  return st.engine.busy;
}

DataflowChoice best_dataflow(const model::TopParams& p, const GemmJob& job) {
  DataflowChoice c;
  std::string why;
  for (const bool os : {false, true}) {
    try {
      (os ? c.os : c.ws) = model_cycles(p, job, os);
    } catch (const std::invalid_argument& e) {
      why = e.what();
    }
  }
  if (!c.ws && !c.os) throw std::invalid_argument(why);
  return c;
}

std::vector<int8_t> reference_gemm(const GemmJob& j) {
  return quant::gemm_int8(j.a, j.b, j.bias, j.M, j.N, j.K, j.q);
}

GemmJob random_gemm(int m, int n, int k, quant::Rounding mode, uint64_t seed, bool with_data,
                    quant::Precision precision) {
  GemmJob job;
  job.M = m;
  job.N = n;
  job.K = k;
  job.q.rounding = mode;
  job.precision = precision;
  const bool a4 = quant::four_bit_activations(precision), w4 = quant::four_bit_weights(precision);
  std::mt19937_64 rng(seed);
  const double sigma = std::sqrt(double(k)) * (a4 ? 21.5 : w4 ? 340.7 : 73.9 * 73.9);
  std::uniform_real_distribution<double> jitter(0.8, 1.25);
  for (int c = 0; c < n; ++c) {
    const quant::Multiplier mm = quant::quantize_multiplier(32.0 / sigma * jitter(rng), mode);
    job.q.m0.push_back(mm.m0);
    job.q.shift.push_back(mm.shift);
  }
  if (!with_data) return job;
  job.a.resize(size_t(m) * k);
  job.b.resize(size_t(k) * n);
  for (auto& v : job.a) v = a4 ? int8_t(int(rng() % 16) - 8) : int8_t(rng());
  for (auto& v : job.b) v = w4 ? int8_t(int(rng() % 16) - 8) : int8_t(rng());
  job.bias.resize(size_t(n));
  for (auto& v : job.bias) v = int32_t(int64_t(rng() % 32769) - 16384);
  return job;
}

void HostDriver::write(uint32_t addr, uint32_t data) {
  model::TopIn in;
  in.host_req_i = true;
  in.host_we_i = true;
  in.host_addr_i = addr;
  in.host_wdata_i = data;
  port_.clock(in);
}

uint32_t HostDriver::read(uint32_t addr) {
  std::vector<uint32_t> out;
  read_many({addr}, out);
  return out[0];
}

// One read request per cycle; each answer arrives on the next edge.
void HostDriver::read_many(const std::vector<uint32_t>& addrs, std::vector<uint32_t>& out,
                           std::vector<uint32_t>* ref) {
  out.clear();
  out.reserve(addrs.size());
  if (ref) ref->clear();
  model::TopIn in;
  in.host_req_i = true;
  for (uint32_t ad : addrs) {
    in.host_addr_i = ad;
    const model::TopOut& o = port_.clock(in);
    if (!o.host_rvalid_o) throw std::runtime_error("host port: read data not valid after a read");
    out.push_back(o.host_rdata_o);
    if (ref) {
      const model::TopOut* r = port_.reference_out();
      if (!r || !r->host_rvalid_o) {
        throw std::runtime_error("host port: the reference side's read data is not valid");
      }
      ref->push_back(r->host_rdata_o);
    }
  }
}

// The counter registers after a command, each side's from its own host port (the RTL's, and the
// model's when both run).
void HostDriver::read_counters(RunStats& stats, bool memory) {
  std::vector<uint32_t> addrs, data, ref_data;
  const size_t n = memory ? std::size(kCounterRegs) : kHostCounters;
  for (size_t i = 0; i < n; ++i) {
    addrs.push_back(a::reg(kCounterRegs[i].first));
    addrs.push_back(a::reg(kCounterRegs[i].second));
  }
  for (uint32_t i = 0; i < 2 * uint32_t(a::kNumCnt); ++i) {
    addrs.push_back(a::reg(a::Reg(uint32_t(a::kCntFirst) + i)));
  }
  const bool two_sided = port_.reference_out() != nullptr;
  read_many(addrs, data, two_sided ? &ref_data : nullptr);
  add_counters(stats.engine, data, memory);
  if (two_sided) {
    if (!stats.reference) stats.reference = model::Counters{};
    add_counters(*stats.reference, ref_data, memory);
  }
}

void HostDriver::set_precision(quant::Precision precision) {
  const uint32_t code = precision == quant::Precision::kW4A4   ? uint32_t(a::kPrecW4a4)
                        : precision == quant::Precision::kW4A8 ? uint32_t(a::kPrecW4a8)
                                                               : uint32_t(a::kPrecInt8);
  write(a::reg(a::kPrecision), code);
  if (code == uint32_t(a::kPrecInt8)) return;
  const uint32_t got = read(a::reg(a::kPrecision));
  if (got != code) {
    throw std::invalid_argument(fmt::format(
        "this engine has no {} mode (PRECISION reads back {}): it needs 4-bit PEs, Int4 = 1",
        quant::precision_name(precision), got));
  }
}

void HostDriver::set_dataflow(bool os) {
  if (port_.params().Dataflow == 3) write(a::reg(a::kDataflow), os ? a::kDfOs : a::kDfWs);
}

std::vector<int8_t> HostDriver::run(const GemmJob& job, RunStats& stats) {
  const model::TopParams& p = port_.params();
  job.validate(p, !timing_only_, dram_ == nullptr);
  const uint64_t setup_start = port_.cycles();
  set_precision(job.precision);
  set_dataflow(job.os);
  stats.host_cycles += port_.cycles() - setup_start;
  if (job.precision == quant::Precision::kInt8) {
    return dram_ ? run_memory(job, stats) : run_host(job, stats);
  }
  const GemmJob e = engine_job(job);
  return dram_ ? run_memory(e, stats) : run_host(e, stats);
}

model::TopParams room_above(const model::TopParams& p, const HostDriver::Bases& bases) {
  model::TopParams room = p;
  const std::tuple<const char*, uint32_t, int*> spads[] = {
      {"A", bases.a, &room.AWords},
      {"B", bases.b, &room.BWords},
      {"C", bases.c, &room.CWords},
      {"BIAS/M0/SHIFT", bases.q, &room.QWords}};
  for (const auto& [name, base, words] : spads) {
    if (int64_t{base} >= *words) {
      throw std::invalid_argument(fmt::format(
          "the {} base {} is past the end of its scratchpad ({} words)", name, base, *words));
    }
    *words -= int(base);
  }
  return room;
}

// Host-port commands on a job in its engine form (engine_job).
std::vector<int8_t> HostDriver::run_host(const GemmJob& job, RunStats& stats) {
  const model::TopParams& p = port_.params();
  const model::TopParams room = room_above(p, bases_);
  if (job.precision == quant::Precision::kW4A8 && bases_.a % 2 != 0) {
    throw std::invalid_argument(fmt::format(
        "a w4a8 command needs an even A base (A_BASE bit 0 is ignored), not {}", bases_.a));
  }
  const Split split = plan_split(room, job.M, job.N, job.K, job.precision, job.os);
  const int kt = ceil_div(job.K, p.Rows);
  // A bytes of a row: K, or in w4a8 2K (a K-tile's 2 x Rows bytes fill an A word pair, words
  // 2(i*KT + kt) and 2(i*KT + kt) + 1: the row stride is 2 x KT words).
  const bool pairs = job.precision == quant::Precision::kW4A8;
  const int a_row = int(a_row_bytes(job));
  const int a_lanes = pairs ? 2 * p.Rows : p.Rows;  // A bytes per K-tile
  std::vector<int8_t> c(timing_only_ ? 0 : size_t(job.M) * job.N, 0);
  std::vector<uint32_t> addrs, data;

  for (int n0 = 0; n0 < job.N; n0 += split.n_cols) {
    const int nc = std::min(split.n_cols, job.N - n0);
    const int ntc = ceil_div(nc, p.Cols);
    const uint64_t host_start = port_.cycles();
    // B columns n0 .. n0+nc-1 and their output-stage parameters.
    if (timing_only_) stats.host_cycles += uint64_t(job.K) * nc + 3 * uint64_t(nc);
    for (int k = 0; k < job.K && !timing_only_; ++k) {
      for (int j = 0; j < nc; ++j) {
        const uint32_t word = bases_.b + uint32_t(j / p.Cols) * job.K + k;
        write(a::element(a::kB, word, j % p.Cols), uint8_t(job.b[size_t(k) * job.N + n0 + j]));
      }
    }
    for (int j = 0; j < nc && !timing_only_; ++j) {
      const quant::OutputStage s = job.q.column(n0 + j);
      const uint32_t word = bases_.q + j / p.Cols, lane = j % p.Cols;
      write(a::element(a::kBias, word, lane), uint32_t(job.bias.empty() ? 0 : job.bias[n0 + j]));
      write(a::element(a::kM0, word, lane), uint32_t(s.m0));
      write(a::element(a::kShift, word, lane), uint32_t(s.shift) & 0x3fu);
    }
    stats.host_cycles += port_.cycles() - host_start;

    for (int m0 = 0; m0 < job.M; m0 += split.m_rows) {
      const int mc = std::min(split.m_rows, job.M - m0);
      const uint64_t load_start = port_.cycles();
      if (timing_only_) stats.host_cycles += uint64_t(mc) * a_row;
      for (int i = 0; i < mc && !timing_only_; ++i) {
        for (int k = 0; k < a_row; ++k) {
          uint32_t word = 0, lane = 0;
          if (job.os) {
            // OS: beat k' of M-tile mt reads word (pair) mt*K + k'; row i is lane (or pair
            // bytes 2r, 2r + 1) r = i mod Rows of it.
            const uint32_t beat =
                uint32_t(i / p.Rows) * uint32_t(job.K) + uint32_t(k / (pairs ? 2 : 1));
            const uint32_t byte = pairs ? uint32_t(2 * (i % p.Rows) + k % 2) : uint32_t(i % p.Rows);
            word = beat * (pairs ? 2 : 1) + byte / uint32_t(p.Rows);
            lane = byte % uint32_t(p.Rows);
          } else {
            word =
                (uint32_t(i) * kt + k / a_lanes) * (pairs ? 2 : 1) + uint32_t(k % a_lanes / p.Rows);
            lane = uint32_t(k % p.Rows);
          }
          write(a::element(a::kA, bases_.a + word, lane),
                uint8_t(job.a[size_t(m0 + i) * a_row + k]));
        }
      }
      const std::pair<a::Reg, uint32_t> regs[] = {
          {a::kM, uint32_t(mc)},
          {a::kN, uint32_t(nc)},
          {a::kK, uint32_t(job.K)},
          {a::kABase, bases_.a},
          {a::kBBase, bases_.b},
          {a::kCBase, bases_.c},
          {a::kQBase, bases_.q},
          {a::kZpOut, uint32_t(job.q.zp_out)},
          {a::kActMin, uint32_t(job.q.act_min)},
          {a::kActMax, uint32_t(job.q.act_max)},
          {a::kRounding, job.q.rounding == quant::Rounding::kSingle ? 1u : 0u}};
      for (const auto& [r, v] : regs) write(a::reg(r), v);
      stats.host_cycles += port_.cycles() - load_start;

      // Start and wait for done_o. The bound is far above the schedule's worst case.
      const auto t0 = std::chrono::steady_clock::now();
      write(a::reg(a::kCtrl), 1);
      // Each tile takes at most max(M_i, Rows) + Cols cycles; the bound doubles that.
      const uint64_t blocks = uint64_t(ceil_div(mc, p.AccWords));
      const uint64_t tiles = uint64_t(kt) * ntc * blocks;
      // OS: each tile takes at most max(K, 2 Rows - 1) cycles, then the output stage.
      const uint64_t os_tiles = uint64_t(ceil_div(mc, p.Rows)) * ntc;
      const uint64_t limit =
          job.os ? os_tiles * std::max<uint64_t>(job.K, 2 * p.Rows) + 4 * (p.Rows + p.Cols) + 64 +
                       p.RequantDepth
                 : tiles * (uint64_t(std::min(mc, p.AccWords)) + 2 * p.Rows + 2 * p.Cols) + 64 +
                       p.RequantDepth;
      if (!port_.wait_done(limit + 1)) {
        throw std::runtime_error(fmt::format(
            "the engine did not finish a {}x{}x{} command within {} cycles", mc, nc, job.K, limit));
      }
      ++stats.commands;
      stats.engine_seconds +=
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

      const uint64_t read_start = port_.cycles();
      read_counters(stats, false);

      addrs.clear();
      if (timing_only_) {
        stats.host_cycles += port_.cycles() - read_start + uint64_t(mc) * nc;
        continue;
      }
      for (int i = 0; i < mc; ++i) {
        for (int j = 0; j < nc; ++j) {
          addrs.push_back(a::element(a::kC, bases_.c + uint32_t(i) * ntc + j / p.Cols, j % p.Cols));
        }
      }
      read_many(addrs, data);
      for (int i = 0; i < mc; ++i) {
        for (int j = 0; j < nc; ++j) {
          c[size_t(m0 + i) * job.N + n0 + j] = int8_t(data[size_t(i) * nc + j]);
        }
      }
      stats.host_cycles += port_.cycles() - read_start;
    }
  }
  return c;
}

// Memory commands: every tensor in the Dram's image between guard bytes, one memory command for
// the whole GEMM.
std::vector<int8_t> HostDriver::run_memory(const GemmJob& job, RunStats& stats) {
  const model::TopParams& p = port_.params();
  const int kt = ceil_div(job.K, p.Rows);
  const uint64_t M = uint64_t(job.M), N = uint64_t(job.N), K = uint64_t(job.K);
  const uint64_t a_row = a_row_bytes(job);  // rtl/dma.sv: w4a8 reads 2K bytes a row
  // Layout: guard, A, guard, B, guard, BIAS, guard, M0, guard, SHIFT, guard, C, guard; each tensor
  // at a 64-byte boundary plus misalign_; `base` and `at` are offsets into the image, whose first
  // byte is at memory address `origin` (0, or as high as the layout fits). A, B and C have rows
  // `ld` bytes apart (pad_ guard bytes after each row but the last).
  const uint64_t ld[3] = {a_row + pad_.a, N + pad_.b, N + pad_.c};  // LD_A, LD_B, LD_C
  auto span = [](uint64_t rows, uint64_t stride, uint64_t len) {
    return rows == 0 ? 0 : (rows - 1) * stride + len;
  };
  const uint64_t sizes[6] = {span(M, ld[0], a_row), span(K, ld[1], N), 4 * N, 4 * N, N,
                             span(M, ld[2], N)};
  uint64_t base[6];
  uint64_t at = 0;
  for (int t = 0; t < 6; ++t) {
    at = (at + kGuardBytes + 63) / 64 * 64;
    base[t] = at + misalign_;
    at = base[t] + sizes[t];
  }
  const uint64_t total = at + kGuardBytes;
  const uint64_t space = uint64_t{1} << model::addr::kMemAddrWidth;
  if (total > space) {
    throw std::invalid_argument(fmt::format(
        "the GEMM's tensors need {} bytes of memory: more than the 2^{} the memory port addresses",
        total, model::addr::kMemAddrWidth));
  }
  const uint64_t origin = at_top_ ? (space - total) / 64 * 64 : 0;
  dram_->set_origin(origin);
  std::vector<uint8_t>& mem = dram_->image();
  mem.assign(size_t(total), kGuard);
  std::vector<int8_t> c(size_t(M * N), 0);
  if (!timing_only_) {
    for (uint64_t m = 0; m < M; ++m) {
      std::copy_n(job.a.begin() + long(m * a_row), a_row, mem.begin() + long(base[0] + m * ld[0]));
    }
    for (uint64_t k = 0; k < K; ++k) {
      std::copy_n(job.b.begin() + long(k * N), N, mem.begin() + long(base[1] + k * ld[1]));
    }
  }
  for (uint64_t j = 0; j < N; ++j) {
    const quant::OutputStage s = job.q.column(int(j));
    const uint32_t bias = uint32_t(job.bias.empty() ? 0 : job.bias[j]);
    const uint32_t m0 = uint32_t(s.m0);
    for (int b = 0; b < 4; ++b) {
      mem[size_t(base[2] + 4 * j) + size_t(b)] = uint8_t(bias >> (8 * b));
      mem[size_t(base[3] + 4 * j) + size_t(b)] = uint8_t(m0 >> (8 * b));
    }
    mem[size_t(base[4] + j)] = uint8_t(s.shift);
  }
  for (uint64_t m = 0; m < M; ++m) {
    std::fill_n(mem.begin() + long(base[5] + m * ld[2]), N, uint8_t(0x5a));
  }
  const std::vector<uint8_t> before = mem;  // every byte but C's must stay

  // One memory command: the DMA splits the GEMM into blocks that fit half of each scratchpad.
  const uint64_t load_start = port_.cycles();
  const std::pair<a::Reg, uint64_t> regs[] = {
      {a::kM, M},
      {a::kN, N},
      {a::kK, K},
      {a::kZpOut, uint32_t(job.q.zp_out)},
      {a::kActMin, uint32_t(job.q.act_min)},
      {a::kActMax, uint32_t(job.q.act_max)},
      {a::kRounding, job.q.rounding == quant::Rounding::kSingle ? 1u : 0u},
      {a::kDramA, origin + base[0]},
      {a::kDramB, origin + base[1]},
      {a::kDramBias, origin + base[2]},
      {a::kDramM0, origin + base[3]},
      {a::kDramShift, origin + base[4]},
      {a::kDramC, origin + base[5]},
      {a::kLdA, ld[0]},
      {a::kLdB, ld[1]},
      {a::kLdC, ld[2]},
      // The plan's estimate of memory time (bytes per cycle x 16; 0: unlimited).
      {a::kDramBw,
       dram_->config().unlimited()
           ? 0
           : uint64_t(std::min(4294967295.0, std::round(dram_->config().bytes_per_cycle * 16)))}};
  for (const auto& [r, v] : regs) write(a::reg(r), uint32_t(v));
  stats.host_cycles += port_.cycles() - load_start;

  const auto t0 = std::chrono::steady_clock::now();
  write(a::reg(a::kCtrl), 2);
  // A hang detector, far above any schedule: every tile as for host commands, at most one block
  // per row and N-tile and one K-chunk per K-tile, every operand reloaded for every block, each
  // beat at the memory's pace.
  const uint64_t nt = uint64_t(ceil_div(job.N, p.Cols));
  const uint64_t blocks = M * nt;
  const uint64_t tiles = uint64_t(kt) * nt * (uint64_t(ceil_div(job.M, p.AccWords)) + blocks);
  const uint64_t beat = uint64_t{1} << p.MemBytesLog2;
  const DramConfig& dc = dram_->config();
  // Cycles per beat: the bus, the bandwidth, and `outstanding` beats per round trip.
  const double per_beat = std::max({1.0, dc.unlimited() ? 1.0 : double(beat) / dc.bytes_per_cycle,
                                    double(dc.latency + 2) / double(dc.outstanding)}) /
                          (1.0 - dc.stall) / (1.0 - dc.stall);
  const uint64_t cmds = blocks * uint64_t(kt);  // tile commands: blocks x K-chunks, at most
  const uint64_t beats =
      (M * K * nt + K * N * M + 9 * N * M + M * N) / beat + 2 * (2 * M + K + 3) * cmds;
  const uint64_t limit =
      tiles * (uint64_t(p.AccWords) + 2 * p.Rows + 2 * p.Cols) +
      cmds * (64 + uint64_t(p.RequantDepth)) +
      2 * (uint64_t(double(beats) * per_beat) + 6 * cmds * (uint64_t(dc.latency) + 4) +
           4 * (M * nt + uint64_t(kt) * M + nt * (K + 4)) * blocks);
  if (!port_.wait_done(limit + 1)) {
    throw std::runtime_error(fmt::format(
        "the engine did not finish a {}x{}x{} memory command within {} cycles", M, N, K, limit));
  }
  ++stats.commands;
  stats.engine_seconds +=
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const uint64_t read_start = port_.cycles();
  const uint32_t status = read(a::reg(a::kStatus));
  const uint32_t err = status >> 2 & ((1u << model::addr::kErrWidth) - 1);
  if (err == 1) {
    throw CommandRefused(fmt::format(
        "a block does not fit half of the scratchpads (memory commands double-buffer: each "
        "half needs one row of one K-tile: AWords {}, BWords {} (>= 2 x Rows = {}), CWords {}, "
        "QWords {}, all >= 2)",
        p.AWords, p.BWords, 2 * p.Rows, p.CWords, p.QWords));
  }
  if (err != 0) {
    static const char* const why[] = {"", "", "a tensor leaves the memory or its rows overlap",
                                      "C overlaps an input tensor",
                                      "DATAFLOW is output-stationary; memory commands run "
                                      "weight-stationary"};
    throw CommandRefused(fmt::format("the engine refused a memory command (error {}: {})", err,
                                     err < 5 ? why[err] : "unknown"));
  }
  read_counters(stats, true);
  stats.host_cycles += port_.cycles() - read_start;
  stats.memory = true;
  // C from memory; every other byte as it was (inputs, guard bytes, the bytes between C's rows).
  for (uint64_t m = 0; m < M; ++m) {
    for (uint64_t n = 0; n < N; ++n) {
      c[size_t(m * N + n)] = int8_t(mem[size_t(base[5] + m * ld[2] + n)]);
    }
  }
  auto in_c = [&](uint64_t i) {
    return i >= base[5] && i < base[5] + sizes[5] && (i - base[5]) % ld[2] < N;
  };
  for (uint64_t i = 0; i < total; ++i) {
    if (!in_c(i) && mem[size_t(i)] != before[size_t(i)]) {
      throw std::runtime_error(
          fmt::format("memory byte {:#x} outside C was written ({:#04x}, was {:#04x})", origin + i,
                      mem[size_t(i)], before[size_t(i)]));
    }
  }
  if (dram_->outside() != 0) {
    throw std::runtime_error(
        fmt::format("{} memory beats addressed bytes past the memory image", dram_->outside()));
  }
  if (timing_only_) std::fill(c.begin(), c.end(), int8_t(0));
  return c;
}

}  // namespace systolic::sim
