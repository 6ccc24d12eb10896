// Checker for whole-engine runs: builds random or directed GEMM jobs, computes the expected C
// with the test's own golden arithmetic (golden_requant.h, per column straight from the job's
// vectors), and the expected cycle counts from the schedule recurrence of docs/architecture.md §4
// and the driver's documented split (written here from the document, independently of the model
// and of the driver).
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "golden_requant.h"
#include "host_driver.h"
#include "quant.h"

namespace systolic::test {

struct ExpectedCycles {
  uint64_t busy = 0, wstall = 0, compute = 0, drain = 0, output = 0, macs = 0;
};

// The doc's tile schedule for one command: tiles nt outer, M-block mb, kt inner; tile i streams
// M_i = min(AccWords, M - mb*AccWords) slots (slot j in accumulator row j). A tile's first slot
// waits a cycle more when it reads (kt > 0) the row the tile before's last slot writes (that
// tile not of the last K-tile): only the K-tiles of a one-row M-block.
inline ExpectedCycles schedule(const model::TopParams& p, int m, int n, int k) {
  const int64_t R = p.Rows, C = p.Cols, D = p.RequantDepth;
  const int kt = (k + p.Rows - 1) / p.Rows, nt = (n + p.Cols - 1) / p.Cols;
  const int mb = (m + p.AccWords - 1) / p.AccWords;
  std::vector<int64_t> wl, s, e;
  for (int t_nt = 0; t_nt < nt; ++t_nt) {
    for (int t_mb = 0; t_mb < mb; ++t_mb) {
      for (int t_kt = 0; t_kt < kt; ++t_kt) {
        const int64_t mi = std::min(p.AccWords, m - t_mb * p.AccWords);
        const size_t i = wl.size();
        int64_t w = i == 0 ? 0 : wl[i - 1] + R;
        const size_t nb = size_t(p.WeightBanks);
        if (i >= nb) w = std::max(w, e[i - nb] + C - 1);
        int64_t st = w + 1;
        // The tile before is this M-block's K-tile t_kt - 1 (not the last): its last slot writes
        // row M_{i-1} - 1, this tile's first slot reads row 0.
        const bool same_row = t_kt > 0 && mi == 1;
        if (i >= 1) st = std::max(st, e[i - 1] + 1 + (same_row ? 1 : 0));
        wl.push_back(w);
        s.push_back(st);
        e.push_back(st + mi - 1);
      }
    }
  }
  ExpectedCycles x;
  x.busy = uint64_t(e.back() + R + C + D + 1);
  x.compute = uint64_t(mb > 0 ? uint64_t(m) * kt * nt : 0);
  x.drain = uint64_t(R + C - 1);
  x.output = uint64_t(D + 1);
  x.wstall = x.busy - x.compute - x.drain - x.output;
  x.macs = uint64_t(m) * n * k;
  return x;
}

// The driver's split of a host-port GEMM (docs/architecture.md, "Host driver"), by search: a
// command takes the most whole N-tiles whose weights (K words each) fit B and whose output-stage
// words fit BIAS/M0/SHIFT (one word each), then the most rows whose A words (KT each; a_pairs:
// an A word pair per K-tile in w4a8, 2 KT) and C words (one per N-tile of the command) fit A and
// C. Returns {rows, columns} per command.
inline std::pair<int, int> documented_split(const model::TopParams& p, int m, int n, int k,
                                            bool a_pairs = false) {
  const int64_t kt = (k + p.Rows - 1) / p.Rows, nt = (n + p.Cols - 1) / p.Cols;
  const int64_t a_words = a_pairs ? 2 * kt : kt;
  int64_t tiles = 0;
  while (tiles < nt && tiles + 1 <= p.QWords && (tiles + 1) * k <= p.BWords) ++tiles;
  int64_t rows = 0;
  while (rows < m && (rows + 1) * a_words <= p.AWords && (rows + 1) * tiles <= p.CWords) ++rows;
  return {int(rows), int(std::min<int64_t>(n, tiles * p.Cols))};
}

// The doc's output-stationary schedule for one command (docs/architecture.md, "Output-stationary
// schedule"): MT x NT tiles of period T (K, at least Rows, made odd while under 2 Rows - 1), beat
// k of tile i in cycle i*T + k; row r of tile i is tagged in cycle (i+1)*T + 1 + 2r - Rows, the
// command's last tag (the last tile's last row, of mv rows, or the tile before's) reaches the
// output stage Rows + Cols later, which takes RequantDepth + 1 cycles.
inline ExpectedCycles os_schedule(const model::TopParams& p, int m, int n, int k) {
  const int64_t R = p.Rows, C = p.Cols, D = p.RequantDepth;
  const int64_t mt = (m + R - 1) / R, nt = (n + C - 1) / C, tiles = mt * nt;
  int64_t per = std::max<int64_t>(k, R);
  if (per < 2 * R - 1 && per % 2 == 0) ++per;
  const int64_t mv = m - (mt - 1) * R;
  int64_t last_tag = tiles * per + 1 + 2 * (mv - 1) - R;
  if (tiles > 1) {  // the tile before: Rows rows, or mv when it is in the same (only) M-tile
    const int64_t mv_before = mt > 1 ? R : mv;
    last_tag = std::max(last_tag, (tiles - 1) * per + 1 + 2 * (mv_before - 1) - R);
  }
  ExpectedCycles x;
  x.busy = uint64_t(last_tag + R + C + D + 1);
  x.compute = uint64_t(tiles * k);
  x.wstall = uint64_t((tiles - 1) * (per - k));
  x.output = uint64_t(D + 1);
  x.drain = x.busy - x.compute - x.wstall - x.output;
  x.macs = uint64_t(m) * n * k;
  return x;
}

// The driver's split of an output-stationary GEMM, by search: the N-tiles as above, then the most
// rows whose tiles of Rows rows (K A words each, word pairs in w4a8) fit A and whose C words fit C.
inline std::pair<int, int> documented_os_split(const model::TopParams& p, int m, int n, int k,
                                               bool a_pairs = false) {
  const int64_t nt = (n + p.Cols - 1) / p.Cols;
  int64_t tiles = 0;
  while (tiles < nt && tiles + 1 <= p.QWords && (tiles + 1) * k <= p.BWords) ++tiles;
  int64_t rows = 0;
  while (rows < m && (rows + p.Rows) / p.Rows * k * (a_pairs ? 2 : 1) <= p.AWords &&
         (rows + 1) * tiles <= p.CWords) {
    ++rows;
  }
  return {int(rows), int(std::min<int64_t>(n, tiles * p.Cols))};
}

// Expected counters of a whole job: the sum over the driver's commands (os: output-stationary).
inline ExpectedCycles job_schedule(const model::TopParams& p, int m, int n, int k,
                                   bool a_pairs = false, bool os = false) {
  const auto [m_rows, n_cols] =
      os ? documented_os_split(p, m, n, k, a_pairs) : documented_split(p, m, n, k, a_pairs);
  ExpectedCycles t;
  for (int n0 = 0; n0 < n; n0 += n_cols) {
    for (int m0 = 0; m0 < m; m0 += m_rows) {
      const int mc = std::min(m_rows, m - m0), nc = std::min(n_cols, n - n0);
      const ExpectedCycles x = os ? os_schedule(p, mc, nc, k) : schedule(p, mc, nc, k);
      t.busy += x.busy;
      t.wstall += x.wstall;
      t.compute += x.compute;
      t.drain += x.drain;
      t.output += x.output;
      t.macs += x.macs;
    }
  }
  return t;
}

// A job of the given precision: A uniform in [-8, 7] for w4a4 (else int8), B in [-8, 7] for w4a4
// and w4a8 (else int8).
inline sim::GemmJob random_job(std::mt19937_64& rng, int m, int n, int k, quant::Precision prec) {
  sim::GemmJob job;
  job.M = m;
  job.N = n;
  job.K = k;
  job.precision = prec;
  const bool a4 = prec == quant::Precision::kW4A4, w4 = prec != quant::Precision::kInt8;
  job.a.resize(size_t(m) * k);
  job.b.resize(size_t(k) * n);
  for (auto& v : job.a) v = a4 ? int8_t(int(rng() % 16) - 8) : int8_t(rng());
  for (auto& v : job.b) v = w4 ? int8_t(int(rng() % 16) - 8) : int8_t(rng());
  job.bias.resize(n);
  for (auto& v : job.bias) v = int32_t(int64_t(rng() % 200001) - 100000);
  std::uniform_int_distribution<int32_t> m0(1 << 30, quant::kMaxM0);
  for (int j = 0; j < n; ++j) {
    job.q.m0.push_back(m0(rng));
    // Mostly outputs spread over int8 for K up to ~1000; one column in 4 anywhere in the
    // contract's range [-31, 30] (right shifts to 31 bits, left shifts that saturate).
    job.q.shift.push_back(rng() % 4 == 0 ? int(rng() % 62) - 31 : -int(rng() % 14) - 1);
  }
  job.q.zp_out = int32_t(rng() % 41) - 20;
  job.q.rounding = (rng() & 1) ? quant::Rounding::kSingle : quant::Rounding::kDouble;
  switch (rng() % 3) {
    case 0:
      break;
    case 1:
      job.q.act_min = job.q.zp_out;
      break;  // ReLU
    case 2:
      job.q.act_min = job.q.zp_out;
      job.q.act_max = std::min(127, job.q.zp_out + 60);
      break;
  }
  return job;
}

// int4: a w4a4 job, A and B uniform in [-8, 7].
inline sim::GemmJob random_job(std::mt19937_64& rng, int m, int n, int k, bool int4 = false) {
  return random_job(rng, m, n, k, int4 ? quant::Precision::kW4A4 : quant::Precision::kInt8);
}

// C of the job from the contract's formulas (golden_requant.h), not the library: int32 sums that
// wrap, each column's bias, M0 and shift read from the job's vectors (one entry: every column).
inline std::vector<int8_t> reference(const sim::GemmJob& j) {
  std::vector<int8_t> c(size_t(j.M) * size_t(j.N));
  const bool single = j.q.rounding == quant::Rounding::kSingle;
  for (int n = 0; n < j.N; ++n) {
    const int32_t m0 = j.q.m0.size() == 1 ? j.q.m0[0] : j.q.m0[size_t(n)];
    const int shift = j.q.shift.size() == 1 ? j.q.shift[0] : j.q.shift[size_t(n)];
    const int32_t bias = j.bias.empty() ? 0 : j.bias[size_t(n)];
    for (int m = 0; m < j.M; ++m) {
      int64_t acc = 0;  // |sum| < 2^63 for K < 2^48
      for (int k = 0; k < j.K; ++k) {
        acc += int64_t(j.a[size_t(m) * size_t(j.K) + size_t(k)]) *
               int64_t(j.b[size_t(k) * size_t(j.N) + size_t(n)]);
      }
      c[size_t(m) * size_t(j.N) + size_t(n)] = int8_t(golden::requantize(
          golden::wrap32(acc), bias, m0, shift, j.q.zp_out, j.q.act_min, j.q.act_max, single));
    }
  }
  return c;
}

// Runs `job` through `port` with the host driver and checks C against the reference GEMM and every
// counter against the schedule; returns the run's statistics. Needs <catch2/catch.hpp> first.
// One host-port access of one cycle; a read returns host_rdata_o after the edge, which
// host_rvalid_o must mark valid.
inline uint32_t host_access(sim::HostPort& port, bool we, uint32_t addr, uint32_t data) {
  model::TopIn in;
  in.host_req_i = true;
  in.host_we_i = we;
  in.host_addr_i = addr;
  in.host_wdata_i = data;
  const model::TopOut& o = port.clock(in);
  if (!we) CHECK(o.host_rvalid_o);
  return o.host_rdata_o;
}

// Two runs that must count alike (timing-only against full, with and without host pokes): every
// counter of `a` equals `b`'s, each named on failure.
inline void check_same_counters(const model::Counters& a, const model::Counters& b) {
  const std::pair<const char*, uint64_t model::Counters::*> fields[] = {
      {"busy", &model::Counters::busy},       {"wstall", &model::Counters::wstall},
      {"compute", &model::Counters::compute}, {"drain", &model::Counters::drain},
      {"output", &model::Counters::output},   {"macs", &model::Counters::macs},
      {"load", &model::Counters::load},       {"store", &model::Counters::store},
      {"dram_rd", &model::Counters::dram_rd}, {"dram_wr", &model::Counters::dram_wr}};
  for (const auto& [name, f] : fields) {
    INFO("counter " << name);
    CHECK(a.*f == b.*f);
  }
  for (int j = 0; j < iface::kNumCnt; ++j) {
    INFO("counter " << iface::kCounterTable[j].name);
    CHECK(a.traffic[j] == b.traffic[j]);
  }
}

// A host that keeps poking while a command runs: in front of another port, in every cycle the
// driver leaves the host port idle while busy_o = 1 (it waits for done) it makes a random access
// of its own: a read or a write, of any register index (assigned or not) or of any region
// (scratchpads and the missing regions 7..15), word and lane. docs/architecture.md: while busy the
// engine ignores host writes to every scratchpad and every register (CTRL starts nothing);
// reads of A, B, BIAS, M0 and SHIFT return 0. The reads are
// checked here; the caller checks that C, the memory and the counters are those of a run without
// the pokes.
class MeddlingPort final : public sim::HostPort {
 public:
  MeddlingPort(sim::HostPort& inner, uint64_t seed) : in_(inner), rng_(seed) {}
  const model::TopParams& params() const override { return in_.params(); }
  void reset() override {
    in_.reset();
    busy_ = false;
  }
  uint64_t cycles() const override { return in_.cycles(); }
  const model::TopOut* reference_out() const override { return in_.reference_out(); }
  const model::TopOut& clock(const model::TopIn& in) override {
    model::TopIn x = in;
    bool zero = false;
    if (busy_ && !in.host_req_i) {
      const model::TopParams& p = in_.params();
      const uint32_t region = uint32_t(rng_() % 4 == 0 ? 0 : rng_() % 16);
      const int most = std::max({p.AWords, p.BWords, p.CWords, p.QWords});
      const uint32_t word = uint32_t(rng_() % 2 ? rng_() % uint64_t(most + 2) : rng_());
      x.host_req_i = true;
      x.host_we_i = rng_() % 2 == 0;
      x.host_addr_i = region == 0
                          ? uint32_t(rng_() % 256)  // host_addr_i[7:0]: every index
                          : model::addr::element(model::addr::Region(region), word,
                                                 uint32_t(rng_() % 2 ? rng_() % 64 : rng_()));
      x.host_wdata_i = uint32_t(rng_());
      const bool operand =
          region == uint32_t(model::addr::kA) || region == uint32_t(model::addr::kB) ||
          (region >= uint32_t(model::addr::kBias) && region <= uint32_t(model::addr::kShift));
      zero = !x.host_we_i && operand;
      ++pokes_;
      writes_ += x.host_we_i;
    }
    const model::TopOut& o = in_.clock(x);
    if (zero) {
      ++zero_reads_;
      CHECK(o.host_rvalid_o);
      CHECK(o.host_rdata_o == 0u);
    }
    busy_ = o.busy_o;
    return o;
  }
  uint64_t pokes() const { return pokes_; }
  uint64_t writes() const { return writes_; }
  uint64_t zero_reads() const { return zero_reads_; }

 private:
  sim::HostPort& in_;
  std::mt19937_64 rng_;
  bool busy_ = false;
  uint64_t pokes_ = 0, writes_ = 0, zero_reads_ = 0;
};

inline sim::RunStats run_and_check(sim::HostPort& port, const sim::GemmJob& job,
                                   const sim::HostDriver::Bases& bases = {}) {
  const model::TopParams& p = port.params();
  sim::HostDriver drv(port);
  drv.set_bases(bases);
  sim::RunStats st;
  const std::vector<int8_t> c = drv.run(job, st);
  REQUIRE(c == reference(job));
  // w4a4 and w4a8 (docs/architecture.md, "Precision"): the engine runs the packed K = ceil(K / 2),
  // and MACS counts two per PE product.
  const bool four = job.precision != quant::Precision::kInt8;
  ExpectedCycles x = job_schedule(p, job.M, job.N, four ? (job.K + 1) / 2 : job.K,
                                  job.precision == quant::Precision::kW4A8, job.os);
  if (four) x.macs *= 2;
  CHECK(st.engine.busy == x.busy);
  CHECK(st.engine.compute == x.compute);
  CHECK(st.engine.wstall == x.wstall);
  CHECK(st.engine.drain == x.drain);
  CHECK(st.engine.output == x.output);
  CHECK(st.engine.macs == x.macs);
  CHECK(st.engine.busy ==
        st.engine.wstall + st.engine.compute + st.engine.drain + st.engine.output);
  return st;
}

// C = A: B the n x n identity, M0 = 2^30 with shift 1 (a multiplier of exactly 1), no bias, zero
// point or clamp; A random (int8, or 4-bit for a w4a4 job), 7 x n.
inline sim::GemmJob identity_job(std::mt19937_64& rng, int n, quant::Precision prec) {
  sim::GemmJob job = random_job(rng, 7, n, n, prec);
  std::fill(job.b.begin(), job.b.end(), 0);
  for (int i = 0; i < n; ++i) job.b[size_t(i) * n + i] = 1;
  job.bias.assign(n, 0);
  job.q.m0 = {1 << 30};
  job.q.shift = {1};
  job.q.zp_out = 0;
  job.q.act_min = -128;
  job.q.act_max = 127;
  return job;
}

// The directed cases of the engine, for a Rows x Cols array: identity, all -128, all 127, K = 1,
// M = 1, N = 1, sizes just below and above multiples of the array, both rounding modes and every
// activation (none, ReLU, ReLU6-like bounds). Each comes with a name for failure messages.
inline std::vector<std::pair<std::string, sim::GemmJob>> directed_jobs(std::mt19937_64& rng,
                                                                       int rows, int cols) {
  std::vector<std::pair<std::string, sim::GemmJob>> jobs;
  jobs.emplace_back("identity", identity_job(rng, cols + 3, quant::Precision::kInt8));
  for (int8_t v : {int8_t(-128), int8_t(127)}) {
    sim::GemmJob job = random_job(rng, 9, cols + 3, 2 * rows + 1);
    std::fill(job.a.begin(), job.a.end(), v);
    std::fill(job.b.begin(), job.b.end(), v);
    jobs.emplace_back(fmt::format("all {}", v), std::move(job));
  }
  const int shapes[][3] = {{1, cols, rows},
                           {5, 1, 7},
                           {6, 9, 1},
                           {1, 1, 1},
                           {rows - 1, cols - 1, rows - 1},
                           {rows + 1, cols + 1, rows + 1},
                           {2 * rows, 2 * cols, 2 * rows}};
  for (const auto& s : shapes) {
    if (s[0] < 1 || s[1] < 1 || s[2] < 1) continue;
    jobs.emplace_back(fmt::format("M={} N={} K={}", s[0], s[1], s[2]),
                      random_job(rng, s[0], s[1], s[2]));
  }
  for (auto rounding : {quant::Rounding::kDouble, quant::Rounding::kSingle}) {
    for (int act = 0; act < 3; ++act) {
      sim::GemmJob job = random_job(rng, 11, cols + 2, rows + 2);
      job.q.rounding = rounding;
      job.q.act_min = act == 0 ? -128 : job.q.zp_out;
      job.q.act_max = act == 2 ? std::min(127, job.q.zp_out + 30) : 127;
      jobs.emplace_back(fmt::format("{} rounding, activation {}", quant::to_string(rounding), act),
                        std::move(job));
    }
  }
  return jobs;
}

// The directed 4-bit cases (w4a4, or w4a8): the extreme values (w4a4 -8 x -8, 7 x -8, 7 x 7;
// w4a8 -128 x -8, 127 x -8, -128 x 7), odd and even K around the packed tile (2 x Rows), K = 1
// (one value and its zero pad) and the identity; w4a8 also K = Rows and Rows + 1 (the K-tile's
// A word pair half full, and just into its second word).
inline std::vector<std::pair<std::string, sim::GemmJob>> directed_int4_jobs(
    std::mt19937_64& rng, int rows, int cols, quant::Precision prec = quant::Precision::kW4A4) {
  std::vector<std::pair<std::string, sim::GemmJob>> jobs;
  const bool w4a8 = prec == quant::Precision::kW4A8;
  const std::string name = quant::precision_name(prec);
  const std::pair<int, int> extremes[] = {
      {w4a8 ? -128 : -8, -8}, {w4a8 ? 127 : 7, -8}, {w4a8 ? -128 : 7, 7}};
  for (const auto& [va, vb] : extremes) {
    sim::GemmJob job = random_job(rng, 9, cols + 3, 4 * rows + 1, prec);
    std::fill(job.a.begin(), job.a.end(), int8_t(va));
    std::fill(job.b.begin(), job.b.end(), int8_t(vb));
    jobs.emplace_back(fmt::format("{} all {} x {}", name, va, vb), std::move(job));
  }
  jobs.emplace_back(name + " identity", identity_job(rng, cols + 3, prec));
  std::vector<int> ks = {1, 2, 2 * rows - 1, 2 * rows, 2 * rows + 1, 4 * rows + 3};
  if (w4a8) ks.insert(ks.end(), {rows, rows + 1});
  for (const int k : ks) {
    jobs.emplace_back(fmt::format("{} M=5 N={} K={}", name, cols + 1, k),
                      random_job(rng, 5, cols + 1, k, prec));
  }
  return jobs;
}

}  // namespace systolic::test
