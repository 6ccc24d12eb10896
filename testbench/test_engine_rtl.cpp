// The verilated engine (every built configuration of rtl/systolic_top.sv) against its C++ twin,
// in lockstep: every output port compared after every edge (LockstepPort throws at the first
// difference, naming cycle and port), results against the reference GEMM, and cycle counts
// against the documented schedule.
#include <algorithm>
#include <catch2/catch.hpp>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "engine_check.h"
#include "extreme_select.h"
#include "host_driver.h"
#include "lockstep.h"
#include "rtl_top.h"
#include "test_seed.h"

using systolic::model::TopParams;
using systolic::sim::GemmJob;
using systolic::sim::HostDriver;
using systolic::sim::RunStats;
namespace t = systolic::test;

namespace {

// Every output port is compared after every edge (LockstepPort throws at the first difference).
void check_lockstep(const TopParams& p, const GemmJob& job, const HostDriver::Bases& bases = {}) {
  systolic::sim::LockstepPort port(p);
  const RunStats st = t::run_and_check(port, job, bases);
  // The RTL's counters (the driver reads the RTL's port) and the model's, each from its own port.
  REQUIRE(st.reference.has_value());
  CHECK(st.reference->busy == st.engine.busy);
  CHECK(st.reference->macs == st.engine.macs);
}

using t::host_access;  // on a LockstepPort: both sides compared on every port

// What a read returns of a written word, by the contract's tables: its low `bits`, sign-extended
// when the field is signed.
uint32_t stored(uint32_t v, int bits, bool is_signed) {
  const uint32_t mask = bits >= 32 ? 0xffffffffu : ((1u << bits) - 1);
  uint32_t x = v & mask;
  if (is_signed && bits < 32 && ((x >> (bits - 1)) & 1)) x |= ~mask;
  return x;
}

// The extreme cases' C marker: a value no C write of `job`'s command can hold (the in-range
// outputs, a row whose A reads 0, a column whose B and BIAS/M0/SHIFT read 0).
int8_t free_marker(const GemmJob& job) {
  GemmJob zero_a = job;
  std::fill(zero_a.a.begin(), zero_a.a.end(), int8_t(0));
  const std::vector<int8_t> want = t::reference(job);
  std::set<int> taken(want.begin(), want.end());
  for (int8_t v : t::reference(zero_a)) taken.insert(v);
  taken.insert(std::clamp<int>(job.q.zp_out, job.q.act_min, job.q.act_max));
  int8_t marker = 0x5a;
  while (taken.count(marker)) ++marker;
  return marker;
}

// The extreme cases' sides, each through its own host port: 0 the model, 1 the RTL.
std::unique_ptr<systolic::sim::HostPort> side_port(const TopParams& p, int side) {
  std::unique_ptr<systolic::sim::HostPort> port;
  if (side == 0) {
    port = std::make_unique<systolic::sim::ModelPort>(p);
  } else {
    port = std::make_unique<systolic::sim::RtlPort>(systolic::sim::make_rtl_top(p));
  }
  port->reset();
  return port;
}

}  // namespace

TEST_CASE("engine RTL: directed GEMMs on every built configuration", "[top][rtl]") {
  std::mt19937_64 rng(t::test_seed("engine-rtl-directed"));
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    for (const auto& [name, job] : t::directed_jobs(rng, p.Rows, p.Cols)) {
      INFO("configuration " << p.name() << ": " << name);
      check_lockstep(p, job);
    }
  }
}

TEST_CASE("engine RTL: K large enough that int32 wraps", "[top][rtl]") {
  GemmJob job;
  job.M = 1;
  job.N = 2;
  job.K = 140000;  // 127 * 127 * K > 2^31
  job.a.assign(size_t(job.M) * job.K, 127);
  job.b.assign(size_t(job.K) * job.N, 127);
  job.q.m0 = {1 << 30};
  job.q.shift = {-20};
  int ran = 0;
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    if (p.BWords < job.K) {  // K is never split: it must fit the B scratchpad
      WARN(p.name() << ": B holds " << p.BWords << " words, K = " << job.K << " does not fit");
      continue;
    }
    INFO("configuration " << p.name());
    check_lockstep(p, job);
    // Output-stationary too, where the build has it: each PE sums the whole K (A holds K words
    // per M-tile).
    if (p.Dataflow == 3 && p.AWords >= job.K) {
      GemmJob os = job;
      os.os = true;
      check_lockstep(p, os);
    }
    ++ran;
  }
  CHECK(ran > 0);
}

TEST_CASE("engine RTL: one command walks M in M-blocks beyond the accumulator buffer",
          "[top][rtl]") {
  std::mt19937_64 rng(t::test_seed("engine-rtl-mblocks"));
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    INFO("configuration " << p.name());
    check_lockstep(p, t::random_job(rng, 2 * p.AccWords + 37, p.Cols + 1, 2 * p.Rows + 3));
  }
}

TEST_CASE("engine RTL: 200 random shapes and parameters across the built configurations",
          "[top][rtl][random]") {
  const uint64_t seed = t::test_seed("engine-rtl-random");
  std::mt19937_64 rng(seed);
  const std::vector<TopParams> configs = systolic::sim::top_rtl_params();
  for (int i = 0; i < 200; ++i) {
    const TopParams& p = configs[i % configs.size()];
    const int m = 1 + int(rng() % 64), n = 1 + int(rng() % 64), k = 1 + int(rng() % 80);
    // Every other case at random scratchpad bases: each leaves the words the job takes in its
    // scratchpad (A M*KT, B NT*K, C M*NT, Q NT: docs/architecture.md's region table) below the
    // end, so the driver's split and the expected schedule stay as with bases 0.
    HostDriver::Bases b;
    if (i % 2) {
      const int64_t kt = (k + p.Rows - 1) / p.Rows, nt = (n + p.Cols - 1) / p.Cols;
      auto pick = [&](int64_t words, int64_t need) {
        return need <= words ? uint32_t(rng() % uint64_t(words - need + 1)) : 0u;
      };
      b = {pick(p.AWords, m * kt), pick(p.BWords, nt * k), pick(p.CWords, m * nt),
           pick(p.QWords, nt)};
    }
    INFO("case " << i << " (seed " << seed << "): " << p.name() << " M=" << m << " N=" << n << " K="
                 << k << ", bases A " << b.a << " B " << b.b << " C " << b.c << " Q " << b.q);
    check_lockstep(p, t::random_job(rng, m, n, k), b);
  }
}

TEST_CASE(
    "engine RTL: a host poking at registers and scratchpads while commands run changes "
    "nothing",
    "[top][rtl][random]") {
  // In every cycle of every command, a random access of its own (t::MeddlingPort: writes to
  // every register and scratchpad, CTRL starts, reads everywhere, missing regions and indices
  // too): C must still equal the reference GEMM and every counter the documented schedule,
  // reads of A, B, BIAS, M0 and SHIFT must return 0, and both sides stay equal on every port.
  // Per build: a GEMM of several tiles, one the driver splits into commands (A taller than the
  // scratchpad where it is small enough), and w4a8 / output-stationary where the build has them.
  const uint64_t seed = t::test_seed("engine-rtl-meddling");
  std::mt19937_64 rng(seed);
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    uint64_t pokes = 0, writes = 0, zero_reads = 0;
    std::vector<std::pair<std::string, GemmJob>> jobs;
    jobs.emplace_back("random", t::random_job(rng, 1 + int(rng() % 40), 1 + int(rng() % 40),
                                              1 + int(rng() % 70)));
    const int kt = 2, m_split = std::min(p.AWords / kt + 3, p.AccWords + 5);
    jobs.emplace_back("split or M-blocks", t::random_job(rng, m_split, p.Cols + 1, kt * p.Rows));
    if (p.Int4) {
      jobs.emplace_back(
          "w4a8", t::random_job(rng, 9, p.Cols + 2, 3 * p.Rows, systolic::quant::Precision::kW4A8));
    }
    if (p.Dataflow != 1) {
      GemmJob os = t::random_job(rng, 2 * p.Rows + 1, p.Cols + 3, 21);
      os.os = true;
      jobs.emplace_back("output-stationary", os);
    }
    for (const auto& [name, job] : jobs) {
      INFO("configuration " << p.name() << " Int4=" << p.Int4 << " Dataflow=" << p.Dataflow << ": "
                            << name << " M=" << job.M << " N=" << job.N << " K=" << job.K
                            << " (seed " << seed << ")");
      systolic::sim::LockstepPort port(p);
      t::MeddlingPort med(port, rng());
      t::run_and_check(med, job);
      CHECK(med.pokes() > 0);
      pokes += med.pokes();
      writes += med.writes();
      zero_reads += med.zero_reads();
    }
    INFO(p.name() << ": " << pokes << " pokes, " << writes << " writes, " << zero_reads
                  << " reads that must be 0");
    CHECK(writes >= 50);
    CHECK(zero_reads >= 10);
  }
}

TEST_CASE("engine RTL: w4a4 and w4a8 GEMMs on every configuration with 4-bit PEs",
          "[top][rtl][int4]") {
  const uint64_t seed = t::test_seed("engine-rtl-int4");
  std::mt19937_64 rng(seed);
  int ran = 0;
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    if (p.Int4 != 1) continue;
    for (const auto prec : {systolic::quant::Precision::kW4A4, systolic::quant::Precision::kW4A8}) {
      const char* name = systolic::quant::precision_name(prec);
      for (const auto& [what, job] : t::directed_int4_jobs(rng, p.Rows, p.Cols, prec)) {
        INFO("configuration " << p.name() << ": " << what);
        check_lockstep(p, job);
      }
      {  // M-blocks: more rows than the accumulator buffer holds, in one command where A fits
        INFO("configuration " << p.name() << ": " << name << " M-blocks");
        check_lockstep(p,
                       t::random_job(rng, 2 * p.AccWords + 37, p.Cols + 1, 4 * p.Rows + 3, prec));
      }
      for (int i = 0; i < 30; ++i) {
        const int m = 1 + int(rng() % 64), n = 1 + int(rng() % 64), k = 1 + int(rng() % 160);
        INFO("configuration " << p.name() << " " << name << " random case " << i << " (seed "
                              << seed << "): M=" << m << " N=" << n << " K=" << k);
        check_lockstep(p, t::random_job(rng, m, n, k, prec));
      }
    }
    ++ran;
  }
  CHECK(ran > 0);  // the tests build 4x4, 8x16 and 8x8 with Int4 = 1 (cmake/rtl_configs.cmake)
}

TEST_CASE("engine RTL: a w4a8 slot reads A words 2p and 2p + 1, p = (A_BASE >> 1) + m*KT + kt",
          "[top][rtl][int4]") {
  // The register-level contract (docs/architecture.md, "Precision"), by hand rather than through
  // the host driver (which puts A at word 0): A_BASE 6 and 7 read the same pairs (bit 0 is
  // ignored), 10 the pairs two further on. Every port of the model and the RTL is compared on
  // every cycle; C against the reference GEMM.
  namespace iface = systolic::iface;
  std::mt19937_64 rng(t::test_seed("engine-rtl-w4a8-abase"));
  int ran = 0;
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    if (p.Int4 != 1) continue;
    for (const uint32_t a_base : {6u, 7u, 10u}) {
      INFO("configuration " << p.name() << ", A_BASE " << a_base);
      const int R = p.Rows, C = p.Cols, M = 3, N = C + 1, K = 2 * R + 3;
      const int ke = (K + 1) / 2, kt_n = (ke + R - 1) / R, nt_n = (N + C - 1) / C;
      const GemmJob job = t::random_job(rng, M, N, K, systolic::quant::Precision::kW4A8);
      systolic::sim::LockstepPort port(p);
      port.reset();
      auto put = [&](iface::Region r, uint32_t word, uint32_t lane, uint32_t v) {
        host_access(port, true, iface::element(r, word, lane), v);
      };
      for (int m = 0; m < M; ++m) {
        for (int kt = 0; kt < kt_n; ++kt) {
          const uint32_t pair = (a_base >> 1) + uint32_t(m * kt_n + kt);
          for (int i = 0; i < 2 * R; ++i) {
            const int k = 2 * kt * R + i;
            const int8_t v = k < K ? job.a[size_t(m) * K + size_t(k)] : int8_t(0);
            put(iface::kA, 2 * pair + uint32_t(i / R), uint32_t(i % R), uint8_t(v));
          }
        }
      }
      for (int j = 0; j < N; ++j) {
        for (int kk = 0; kk < ke; ++kk) {
          const int lo = job.b[size_t(2 * kk) * N + size_t(j)] & 15;
          const int hi = 2 * kk + 1 < K ? job.b[size_t(2 * kk + 1) * N + size_t(j)] & 15 : 0;
          put(iface::kB, uint32_t(j / C * ke + kk), uint32_t(j % C), uint32_t(lo | hi << 4));
        }
        put(iface::kBias, uint32_t(j / C), uint32_t(j % C), uint32_t(job.bias[size_t(j)]));
        put(iface::kM0, uint32_t(j / C), uint32_t(j % C), uint32_t(job.q.m0[size_t(j)]));
        put(iface::kShift, uint32_t(j / C), uint32_t(j % C), uint32_t(job.q.shift[size_t(j)]) & 63);
      }
      const std::pair<iface::Reg, uint32_t> regs[] = {
          {iface::kM, uint32_t(M)},
          {iface::kN, uint32_t(N)},
          {iface::kK, uint32_t(ke)},
          {iface::kABase, a_base},
          {iface::kZpOut, uint32_t(job.q.zp_out)},
          {iface::kActMin, uint32_t(job.q.act_min)},
          {iface::kActMax, uint32_t(job.q.act_max)},
          {iface::kRounding, job.q.rounding == systolic::quant::Rounding::kSingle ? 1u : 0u},
          {iface::kPrecision, uint32_t(iface::kPrecW4a8)},
          {iface::kCtrl, 1u}};
      for (const auto& [r, v] : regs) host_access(port, true, iface::reg(r), v);
      REQUIRE(port.wait_done(100000));
      std::vector<int8_t> c(size_t(M) * N);
      for (int m = 0; m < M; ++m) {
        for (int j = 0; j < N; ++j) {
          c[size_t(m) * N + size_t(j)] = int8_t(host_access(
              port, false, iface::element(iface::kC, uint32_t(m * nt_n + j / C), uint32_t(j % C)),
              0));
        }
      }
      CHECK(c == t::reference(job));
      ++ran;
    }
  }
  CHECK(ran > 0);
}

TEST_CASE("engine RTL: a w4a4 command on INT8-only PEs is a one-line error", "[top][rtl][int4]") {
  std::mt19937_64 rng(t::test_seed("engine-rtl-int4-refused"));
  int ran = 0;
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    if (p.Int4 != 0) continue;
    INFO("configuration " << p.name());
    systolic::sim::LockstepPort port(p);
    HostDriver drv(port);
    RunStats st;
    CHECK_THROWS_WITH(drv.run(t::random_job(rng, 3, 5, 7, true), st),
                      "this engine has no w4a4 mode (PRECISION reads back 0): it needs 4-bit "
                      "PEs, Int4 = 1");
    CHECK(st.commands == 0);
    ++ran;
  }
  CHECK(ran > 0);
}

TEST_CASE("engine RTL: every RW register reads its reset value, then what was written",
          "[top][rtl][regs]") {
  // Through the host port of the model and the RTL in lockstep (every read compared on the port
  // too), on every built configuration: the reset value, then for each bit a walking one and a
  // walking zero, and all ones / all zeros; the expected read is the written word cut to the
  // register's stored width, sign-extended when the register is signed (the table of
  // rtl/systolic_if.toml, the interface contract). Also toggles every bit of every RW register.
  namespace iface = systolic::iface;
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    systolic::sim::LockstepPort port(p);
    port.reset();
    for (const iface::RegInfo& r : iface::kRegTable) {
      if (std::string(r.access) != "RW") continue;
      INFO("configuration " << p.name() << ", register " << r.name);
      const uint32_t addr = iface::reg(r.index);
      // DATAFLOW resets to the build's one when it has one (DfOs on OS-only builds).
      const uint32_t reset = r.index == iface::kDataflow && p.Dataflow == 2 ? uint32_t(iface::kDfOs)
                                                                            : uint32_t(r.reset);
      CHECK(host_access(port, false, addr, 0) == reset);
      std::vector<uint32_t> patterns = {0xffffffffu, 0u};
      for (int b = 0; b < 32; ++b) {
        patterns.push_back(uint32_t{1} << b);
        patterns.push_back(~(uint32_t{1} << b));
      }
      for (uint32_t v : patterns) {
        host_access(port, true, addr, v);
        // PRECISION keeps only a mode the build has (rtl/systolic_if.toml): w4a8 and w4a4 with
        // Int4 = 1.
        const bool four = v == uint32_t(iface::kPrecW4a4) || v == uint32_t(iface::kPrecW4a8);
        // DATAFLOW keeps bit 0 with both dataflows, else the build's one.
        const uint32_t df = p.Dataflow == 3 ? (v & 1u) : uint32_t(p.Dataflow == 2);
        const uint32_t want = r.index == iface::kPrecision
                                  ? (p.Int4 == 1 && four ? v : uint32_t(iface::kPrecInt8))
                              : r.index == iface::kDataflow ? df
                                                            : stored(v, r.bits, r.is_signed);
        CHECK(host_access(port, false, addr, 0) == want);
      }
    }
  }
}

TEST_CASE("engine RTL: CTRL bit 2 counts on from counter presets, across bit 32 and 2^64",
          "[top][rtl][regs]") {
  // Through the host port of the model and the RTL in lockstep, on every built configuration: a
  // GEMM run by the host driver (CTRL = 1) gives each 64-bit counter its count c; the same
  // command started again with CTRL = 5 (bit 2, keep) after presets P (odd counters just below
  // 2^32, the others just below 2^64) must read P + c mod 2^64, carrying into bits 63:32 or
  // wrapping; started once more with CTRL = 1 it reads c again. C is the reference both times.
  namespace iface = systolic::iface;
  std::mt19937_64 rng(t::test_seed("engine-rtl-counter-keep"));
  // Every counter's (bits 31:0, bits 63:32) registers, by the register map.
  std::vector<std::pair<uint32_t, uint32_t>> counters = {
      {iface::kCycBusy, iface::kCycBusyHi},       {iface::kCycWstall, iface::kCycWstallHi},
      {iface::kCycCompute, iface::kCycComputeHi}, {iface::kCycDrain, iface::kCycDrainHi},
      {iface::kCycOutput, iface::kCycOutputHi},   {iface::kCycLoad, iface::kCycLoadHi},
      {iface::kCycStore, iface::kCycStoreHi},     {iface::kMacsLo, iface::kMacsHi},
      {iface::kDramRdLo, iface::kDramRdHi},       {iface::kDramWrLo, iface::kDramWrHi}};
  for (uint32_t i = 0; i < uint32_t(iface::kNumCnt); ++i) {
    counters.push_back({iface::kCntFirst + 2 * i, iface::kCntFirst + 2 * i + 1});
  }
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    INFO("configuration " << p.name());
    systolic::sim::LockstepPort port(p);
    port.reset();
    const int M = 3, N = p.Cols + 1, K = p.Rows + 3, nt_n = (N + p.Cols - 1) / p.Cols;
    const GemmJob job = t::random_job(rng, M, N, K);
    const std::vector<int8_t> want = t::reference(job);
    HostDriver drv(port);
    RunStats st;
    REQUIRE(drv.run(job, st) == want);
    REQUIRE(st.commands == 1);
    auto read_counters = [&] {
      std::vector<uint64_t> v;
      for (const auto& [lo, hi] : counters) {
        v.push_back(uint64_t{host_access(port, false, iface::reg(iface::Reg(lo)), 0)} |
                    uint64_t{host_access(port, false, iface::reg(iface::Reg(hi)), 0)} << 32);
      }
      return v;
    };
    auto run_again = [&](uint32_t ctrl) {
      for (int m = 0; m < M; ++m) {  // clear C, so that the run must write it
        for (int j = 0; j < N; ++j) {
          host_access(
              port, true,
              iface::element(iface::kC, uint32_t(m * nt_n + j / p.Cols), uint32_t(j % p.Cols)), 0);
        }
      }
      host_access(port, true, iface::reg(iface::kCtrl), ctrl);
      REQUIRE(port.wait_done(1000000));
      std::vector<int8_t> c;
      for (int m = 0; m < M; ++m) {
        for (int j = 0; j < N; ++j) {
          c.push_back(int8_t(host_access(
              port, false,
              iface::element(iface::kC, uint32_t(m * nt_n + j / p.Cols), uint32_t(j % p.Cols)),
              0)));
        }
      }
      CHECK(c == want);
    };
    const std::vector<uint64_t> c0 = read_counters();
    CHECK(c0[0] == st.engine.busy);  // CYC_BUSY as the driver read it
    CHECK(c0[0] > 0);
    std::vector<uint64_t> preset;
    for (size_t i = 0; i < counters.size(); ++i) {
      const uint64_t below = 1 + c0[i] / 2;  // a carry (or wrap) half-way through the count
      preset.push_back((i % 2 ? uint64_t{1} << 32 : 0) - below);
      // Bits 63:32 first: a write of bits 31:0 must leave them.
      host_access(port, true, iface::reg(iface::Reg(counters[i].second)),
                  uint32_t(preset.back() >> 32));
      host_access(port, true, iface::reg(iface::Reg(counters[i].first)), uint32_t(preset.back()));
    }
    CHECK(read_counters() == preset);
    run_again(5u);  // start, keep the counters
    const std::vector<uint64_t> kept = read_counters();
    for (size_t i = 0; i < counters.size(); ++i) {
      INFO("counter registers " << counters[i].first << ", " << counters[i].second);
      CHECK(kept[i] == preset[i] + c0[i]);
    }
    run_again(1u);  // start, clear the counters
    CHECK(read_counters() == c0);
  }
}

TEST_CASE("engine RTL: every scratchpad element the host reads back is what it wrote",
          "[top][rtl][spad]") {
  // Through the host port of the model and the RTL in lockstep, on every built configuration: in
  // each scratchpad region, words 0, every power of two below the size and the last word, every
  // lane, written with a seeded random value and read back (the element cut to the region's width
  // and sign-extended as rtl/systolic_if.toml's region table says, the interface contract); then
  // one word and one lane past the end, which read 0 and write nothing.
  namespace iface = systolic::iface;
  const uint64_t seed = systolic::test::test_seed("engine-spad");
  std::mt19937_64 rng(seed);
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    systolic::sim::LockstepPort port(p);
    port.reset();
    for (const iface::RegionInfo& r : iface::kRegionTable) {
      if (r.region == iface::kRegs) continue;
      const bool a = r.region == iface::kA;
      const uint32_t lanes = uint32_t(a ? p.Rows : p.Cols);
      const uint32_t words = uint32_t(a                       ? p.AWords
                                      : r.region == iface::kB ? p.BWords
                                      : r.region == iface::kC ? p.CWords
                                                              : p.QWords);
      INFO("configuration " << p.name() << ", region " << r.name << ", seed " << seed);
      std::set<uint32_t> wordset = {0, words - 1};
      for (uint32_t w = 1; w < words; w <<= 1) wordset.insert(w);
      std::vector<std::pair<uint32_t, uint32_t>> written;  // (address, value)
      for (uint32_t w : wordset) {
        for (uint32_t l = 0; l < lanes; ++l) {
          const uint32_t v = uint32_t(rng());
          const uint32_t addr = iface::element(r.region, w, l);
          host_access(port, true, addr, v);
          written.emplace_back(addr, v);
        }
      }
      // Past the end: nothing is stored, and the reads are 0.
      host_access(port, true, iface::element(r.region, words, 0), 0xffffffffu);
      host_access(port, true, iface::element(r.region, 0, lanes), 0xffffffffu);
      CHECK(host_access(port, false, iface::element(r.region, words, 0), 0) == 0u);
      CHECK(host_access(port, false, iface::element(r.region, 0, lanes), 0) == 0u);
      for (const auto& [addr, v] : written) {
        INFO("address 0x" << std::hex << addr);
        CHECK(host_access(port, false, addr, 0) == stored(v, r.bits, r.is_signed));
      }
    }
  }
}

TEST_CASE("engine RTL: bases past every scratchpad read 0, write nothing and keep the schedule",
          "[top][rtl][spad]") {
  // docs/architecture.md, "Host address map": a command's words past a scratchpad read 0 and
  // its C writes there are dropped; word addresses saturate and never wrap. On every built
  // configuration (both dataflows where built), model and RTL in lockstep: a small command with
  // A_BASE, B_BASE, C_BASE and Q_BASE at the top of their 20-bit field, then at random words
  // between each scratchpad's end and that top. Marker words at both ends of C survive, C reads
  // back 0 past the end, and CYC_BUSY is the documented schedule of the command.
  namespace iface = systolic::iface;
  const uint64_t seed = t::test_seed("engine-high-bases");
  std::mt19937_64 rng(seed);
  const uint32_t top = (1u << iface::kWordWidth) - 1;
  int ran = 0;
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    systolic::sim::LockstepPort port(p);
    port.reset();
    const int R = p.Rows, C = p.Cols;
    auto access = [&](bool we, uint32_t addr, uint32_t data) {
      return host_access(port, we, addr, data);
    };
    const uint32_t ends[] = {uint32_t(p.CWords) - 2, uint32_t(p.CWords) - 1, 0, 1};
    for (uint32_t w : ends) {
      for (int l = 0; l < C; ++l) access(true, iface::element(iface::kC, w, uint32_t(l)), 0x5a);
    }
    for (int df = 0; df < 2; ++df) {
      if ((p.Dataflow >> df & 1) == 0) continue;
      for (int draw = 0; draw < 2; ++draw) {
        const int M = 1 + int(rng() % uint64_t(2 * R)), N = 1 + int(rng() % uint64_t(2 * C)),
                  K = 1 + int(rng() % uint64_t(2 * R));
        auto past = [&](int words) {
          return draw == 0 ? top : uint32_t(words) + uint32_t(rng() % (top - uint32_t(words) + 1));
        };
        const uint32_t a_base = past(p.AWords), b_base = past(p.BWords), c_base = past(p.CWords),
                       q_base = past(p.QWords);
        INFO("configuration " << p.name() << (df ? ", OS" : ", WS") << ": M=" << M << " N=" << N
                              << " K=" << K << " bases " << a_base << ", " << b_base << ", "
                              << c_base << ", " << q_base << " (seed " << seed << ")");
        if (p.Dataflow == 3) access(true, iface::reg(iface::kDataflow), uint32_t(df));
        const std::pair<iface::Reg, uint32_t> regs[] = {
            {iface::kM, uint32_t(M)},
            {iface::kN, uint32_t(N)},
            {iface::kK, uint32_t(K)},
            {iface::kABase, a_base},
            {iface::kBBase, b_base},
            {iface::kCBase, c_base},
            {iface::kQBase, q_base},
            {iface::kZpOut, uint32_t(int(rng() % 256) - 128)},
            {iface::kActMin, uint32_t(-128)},
            {iface::kActMax, 127u},
            {iface::kCtrl, 1u}};
        for (const auto& [r, v] : regs) access(true, iface::reg(r), v);
        const t::ExpectedCycles x = df ? t::os_schedule(p, M, N, K) : t::schedule(p, M, N, K);
        REQUIRE(port.wait_done(x.busy + 16));
        CHECK(access(false, iface::reg(iface::kCycBusy), 0) == uint32_t(x.busy));
        CHECK(access(false, iface::reg(iface::kCycBusyHi), 0) == uint32_t(x.busy >> 32));
        for (uint32_t w : ends) {
          for (int l = 0; l < C; ++l) {
            INFO("C word " << w << ", lane " << l);
            CHECK(access(false, iface::element(iface::kC, w, uint32_t(l)), 0) == 0x5au);
          }
        }
        CHECK(access(false, iface::element(iface::kC, c_base, 0), 0) == 0u);
        ++ran;
      }
    }
  }
  CHECK(ran >= 2 * int(systolic::sim::top_rtl_params().size()));
}

TEST_CASE("engine RTL: output-stationary GEMMs on every configuration with both dataflows",
          "[top][rtl][os]") {
  const uint64_t seed = t::test_seed("engine-rtl-os");
  std::mt19937_64 rng(seed);
  int ran = 0;
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    if (p.Dataflow != 3) continue;
    for (auto [what, job] : t::directed_jobs(rng, p.Rows, p.Cols)) {
      INFO("configuration " << p.name() << ": OS " << what);
      job.os = true;
      check_lockstep(p, job);
    }
    if (p.Int4 == 1) {
      for (const auto prec :
           {systolic::quant::Precision::kW4A4, systolic::quant::Precision::kW4A8}) {
        for (auto [what, job] : t::directed_int4_jobs(rng, p.Rows, p.Cols, prec)) {
          INFO("configuration " << p.name() << ": OS " << what);
          job.os = true;
          check_lockstep(p, job);
        }
      }
    }
    {  // more rows (and, on small builds, columns) than one command holds: the driver splits them
      const int k = std::min({200, p.AWords / 2, p.BWords / 2});
      const int rows = p.AWords / k * p.Rows;  // rows a command holds
      const int cols = std::min(p.QWords, p.BWords / k) * p.Cols;
      GemmJob job = t::random_job(rng, 2 * rows + 1, std::min(2 * cols + 1, 40), k);
      job.os = true;
      INFO("configuration " << p.name() << ": OS split M=" << job.M << " N=" << job.N);
      check_lockstep(p, job);
    }
    for (int i = 0; i < 25; ++i) {
      const int m = 1 + int(rng() % 64), n = 1 + int(rng() % 64), k = 1 + int(rng() % 80);
      INFO("configuration " << p.name() << " OS random case " << i << " (seed " << seed
                            << "): M=" << m << " N=" << n << " K=" << k);
      GemmJob job = t::random_job(rng, m, n, k);
      job.os = true;
      check_lockstep(p, job);
    }
    // A weight-stationary GEMM on the same build.
    check_lockstep(p, t::random_job(rng, 13, p.Cols + 2, p.Rows + 3));
    ++ran;
  }
  CHECK(ran > 0);  // the tests build 4x4 and 8x8 with Dataflow = 3 (cmake/rtl_configs.cmake)
}

TEST_CASE("engine: M, N or K of 2^24 - 1 reads 0 past each scratchpad and never wraps an address",
          "[.][top][rtl][extreme]") {
  // The largest command each DimWidth register takes, one huge dimension at a time, on the 4x4
  // and 16x16 builds, the model and the RTL each through its own host port; then N of 2^24 - Cols
  // and K of 2^24 - Rows, whose 2^24 / Cols - 1 N-tiles and 2^24 / Rows - 1 K-tiles set every
  // bit of tile_ctrl's NT and KT below their top one (2^24 - 1 gives exactly 2^22 tiles at 4x4,
  // 2^20 at 16x16: one bit set). The operands are put
  // at the end of their scratchpads (a few words in range, the rest of the command's words past
  // the end), so the contract (docs/architecture.md, "Host address map": missing words read 0,
  // C writes to them are dropped, addresses never wrap) gives C from the in-range part alone:
  // the reference GEMM of that part. Marker words at the start of C must survive (a C address
  // that wrapped would write them). CYC_BUSY is the documented schedule of the one command.
  // About 17 million cycles a run (M slots, or KT or NT tiles of Rows cycles), 20 runs: a hidden
  // test (tag [.]), run by hand with test_engine_rtl "[extreme]" or as the heavy ctest
  // engine_extreme (README, "Tests").
  namespace iface = systolic::iface;
  const uint64_t seed = t::test_seed("engine-extreme");
  std::mt19937_64 rng(seed);
  const int kMax = (1 << iface::kDimWidth) - 1;
  int ran = 0, builds = 0;
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    if ((p.name() != "4x4" && p.name() != "16x16") || p.WeightBanks != 2 || p.Int4 != 0 ||
        p.Dataflow != 1 || !t::extreme_selected(p)) {
      continue;
    }
    ++builds;
    const int R = p.Rows, C = p.Cols;
    for (int run = 0; run < 5; ++run) {
      const int dim = run < 3 ? run : run - 2;  // the huge dimension: M, N, K, N, K
      const int huge = run < 3 ? kMax : (1 << iface::kDimWidth) - (dim == 1 ? C : R);
      const int M = dim == 0 ? huge : 1, N = dim == 1 ? huge : 1, K = dim == 2 ? huge : 1;
      // The in-range part and where each operand starts.
      const int mi = dim == 0 ? 6 : 1, ni = dim == 1 ? 3 * C : 1, ki = dim == 2 ? 5 : 1;
      const uint32_t a_base = uint32_t(dim == 1 ? 0 : p.AWords - (dim == 0 ? mi : 3));
      const uint32_t b_base = uint32_t(dim == 0 ? 0 : p.BWords - (dim == 1 ? 3 : ki));
      const uint32_t q_base = uint32_t(dim == 1 ? p.QWords - 3 : 0);
      const uint32_t c_base = uint32_t(dim == 2 ? 0 : p.CWords - (dim == 0 ? mi : 3));
      const GemmJob job = t::random_job(rng, mi, ni, ki);
      const std::vector<int8_t> want = t::reference(job);
      const int8_t marker = free_marker(job);
      const uint32_t first_marker = dim == 2 ? 1 : 0;  // C word 0 is K's output
      const t::ExpectedCycles x = t::schedule(p, M, N, K);
      uint64_t busy[2] = {0, 0};
      for (int side = 0; side < 2; ++side) {
        INFO("configuration " << p.name() << ", "
                              << "MNK"[dim] << " = " << huge << ", " << (side ? "RTL" : "model")
                              << " (seed " << seed << ")");
        const std::unique_ptr<systolic::sim::HostPort> port = side_port(p, side);
        auto access = [&](bool we, uint32_t addr, uint32_t data) {
          return host_access(*port, we, addr, data);
        };
        auto put = [&](iface::Region r, uint32_t word, uint32_t lane, uint32_t v) {
          access(true, iface::element(r, word, lane), v);
        };
        // A[m][k]: word a_base + m*KT + k/R (KT = 1 unless K is the huge one: then one row).
        for (int m = 0; m < mi; ++m) {
          for (int k = 0; k < ki; ++k) {
            put(iface::kA, a_base + uint32_t(m + k / R), uint32_t(k % R),
                uint8_t(job.a[size_t(m) * ki + k]));
          }
        }
        // B[k][n]: word b_base + (n/C)*K + k, K = 1 unless K is the huge one (then N = 1).
        for (int k = 0; k < ki; ++k) {
          for (int n = 0; n < ni; ++n) {
            put(iface::kB, b_base + uint32_t(n / C + k), uint32_t(n % C),
                uint8_t(job.b[size_t(k) * ni + n]));
          }
        }
        for (int n = 0; n < ni; ++n) {
          const systolic::quant::OutputStage s = job.q.column(n);
          const uint32_t w = q_base + uint32_t(n / C), l = uint32_t(n % C);
          put(iface::kBias, w, l, uint32_t(job.bias[size_t(n)]));
          put(iface::kM0, w, l, uint32_t(s.m0));
          put(iface::kShift, w, l, uint32_t(s.shift) & 63u);
        }
        for (uint32_t w = first_marker; w < first_marker + 8; ++w) {
          for (int l = 0; l < C; ++l) put(iface::kC, w, uint32_t(l), uint8_t(marker));
        }
        const std::pair<iface::Reg, uint32_t> regs[] = {
            {iface::kM, uint32_t(M)},
            {iface::kN, uint32_t(N)},
            {iface::kK, uint32_t(K)},
            {iface::kABase, a_base},
            {iface::kBBase, b_base},
            {iface::kCBase, c_base},
            {iface::kQBase, q_base},
            {iface::kZpOut, uint32_t(job.q.zp_out)},
            {iface::kActMin, uint32_t(job.q.act_min)},
            {iface::kActMax, uint32_t(job.q.act_max)},
            {iface::kRounding, job.q.rounding == systolic::quant::Rounding::kSingle ? 1u : 0u},
            {iface::kCtrl, 1u}};
        for (const auto& [r, v] : regs) access(true, iface::reg(r), v);
        REQUIRE(port->wait_done(x.busy + 16));
        busy[side] = uint64_t{access(false, iface::reg(iface::kCycBusy), 0)} |
                     uint64_t{access(false, iface::reg(iface::kCycBusyHi), 0)} << 32;
        CHECK(busy[side] == x.busy);
        std::vector<int8_t> c;
        for (int m = 0; m < mi; ++m) {
          for (int n = 0; n < ni; ++n) {
            c.push_back(int8_t(access(
                false, iface::element(iface::kC, c_base + uint32_t(m + n / C), uint32_t(n % C)),
                0)));
          }
        }
        CHECK(c == want);
        for (uint32_t w = first_marker; w < first_marker + 8; ++w) {
          for (int l = 0; l < C; ++l) {
            INFO("C word " << w << ", lane " << l);
            CHECK(int8_t(access(false, iface::element(iface::kC, w, uint32_t(l)), 0)) == marker);
          }
        }
      }
      CHECK(busy[0] == busy[1]);
      ++ran;
    }
  }
  CHECK(ran == 5 * builds);
  // The suite's 4x4 and 16x16 both, unless SYSTOLIC_EXTREME_CONFIG picks one (extreme_select.h).
  if (!t::extreme_config()) CHECK(builds == 2);
  if (builds == 0) WARN("SYSTOLIC_EXTREME_CONFIG names a build this case does not run on");
}

TEST_CASE("engine: an output-stationary M, N or K of 2^24 - 1 reads 0 past each scratchpad",
          "[.][top][rtl][extreme][os]") {
  // The WS case above for output-stationary commands (docs/architecture.md, "Output-stationary
  // schedule": A word a_base + mt*K + k holds A[mt*Rows + r][k] in lane r, B word b_base + nt*K + k
  // holds B[k][nt*Cols + c] in lane c, row m's C word is c_base + m*NT + nt), on the builds with
  // both dataflows of at most 256 PEs (the suite's 4x4 and 8x8; the 16x16 of scripts/coverage.sh
  // with SYSTOLIC_COVERAGE_MAX_DIM=16): one huge dimension at a time, the operands at the end of
  // their scratchpads, so that C is the reference GEMM of the in-range part; marker words at the
  // start of C survive, and CYC_BUSY is the documented schedule. K = 2^24 - 1 is one tile of
  // that period (the beat counter and the A and B words walk past the top of the word
  // addresses, 2^21 - 1); M or N = 2^24 - 1 is 2^24 / Rows or 2^24 / Cols tiles. About 60
  // million cycles per build and side at 4x4.
  namespace iface = systolic::iface;
  const uint64_t seed = t::test_seed("engine-extreme-os");
  std::mt19937_64 rng(seed);
  const int kMax = (1 << iface::kDimWidth) - 1;
  int ran = 0, builds = 0;
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    if (p.Dataflow != 3 || p.Rows * p.Cols > 256 || !t::extreme_selected(p)) continue;
    ++builds;
    const int R = p.Rows, C = p.Cols;
    for (int dim = 0; dim < 3; ++dim) {
      const int M = dim == 0 ? kMax : 1, N = dim == 1 ? kMax : 1, K = dim == 2 ? kMax : 1;
      // The in-range part: two M-tiles, three N-tiles, or five K beats.
      const int mi = dim == 0 ? 2 * R : 1, ni = dim == 1 ? 3 * C : 1, ki = dim == 2 ? 5 : 1;
      const int nt_n = (N + C - 1) / C;
      const uint32_t a_base = uint32_t(dim == 1 ? 0 : p.AWords - (dim == 0 ? 2 : ki));
      const uint32_t b_base = uint32_t(dim == 0 ? 0 : p.BWords - (dim == 1 ? 3 : ki));
      const uint32_t q_base = uint32_t(dim == 1 ? p.QWords - 3 : 0);
      const uint32_t c_base = uint32_t(dim == 1 ? p.CWords - 3 : dim == 0 ? p.CWords - mi : 0);
      const GemmJob job = t::random_job(rng, mi, ni, ki);
      const std::vector<int8_t> want = t::reference(job);
      const int8_t marker = free_marker(job);
      const uint32_t first_marker = dim == 2 ? 1 : 0;  // C word 0 is K's output
      const t::ExpectedCycles x = t::os_schedule(p, M, N, K);
      uint64_t busy[2] = {0, 0};
      for (int side = 0; side < 2; ++side) {
        INFO("configuration " << p.name() << ", OS "
                              << "MNK"[dim] << " = " << kMax << ", " << (side ? "RTL" : "model")
                              << " (seed " << seed << ")");
        const std::unique_ptr<systolic::sim::HostPort> port = side_port(p, side);
        auto access = [&](bool we, uint32_t addr, uint32_t data) {
          return host_access(*port, we, addr, data);
        };
        auto put = [&](iface::Region r, uint32_t word, uint32_t lane, uint32_t v) {
          access(true, iface::element(r, word, lane), v);
        };
        for (int m = 0; m < mi; ++m) {
          for (int k = 0; k < ki; ++k) {
            put(iface::kA, a_base + uint32_t((m / R) * K + k), uint32_t(m % R),
                uint8_t(job.a[size_t(m) * ki + k]));
          }
        }
        for (int k = 0; k < ki; ++k) {
          for (int n = 0; n < ni; ++n) {
            put(iface::kB, b_base + uint32_t((n / C) * K + k), uint32_t(n % C),
                uint8_t(job.b[size_t(k) * ni + n]));
          }
        }
        for (int n = 0; n < ni; ++n) {
          const systolic::quant::OutputStage s = job.q.column(n);
          const uint32_t w = q_base + uint32_t(n / C), l = uint32_t(n % C);
          put(iface::kBias, w, l, uint32_t(job.bias[size_t(n)]));
          put(iface::kM0, w, l, uint32_t(s.m0));
          put(iface::kShift, w, l, uint32_t(s.shift) & 63u);
        }
        for (uint32_t w = first_marker; w < first_marker + 8; ++w) {
          for (int l = 0; l < C; ++l) put(iface::kC, w, uint32_t(l), uint8_t(marker));
        }
        const std::pair<iface::Reg, uint32_t> regs[] = {
            {iface::kM, uint32_t(M)},
            {iface::kN, uint32_t(N)},
            {iface::kK, uint32_t(K)},
            {iface::kABase, a_base},
            {iface::kBBase, b_base},
            {iface::kCBase, c_base},
            {iface::kQBase, q_base},
            {iface::kZpOut, uint32_t(job.q.zp_out)},
            {iface::kActMin, uint32_t(job.q.act_min)},
            {iface::kActMax, uint32_t(job.q.act_max)},
            {iface::kRounding, job.q.rounding == systolic::quant::Rounding::kSingle ? 1u : 0u},
            {iface::kDataflow, 1u},
            {iface::kCtrl, 1u}};
        for (const auto& [r, v] : regs) access(true, iface::reg(r), v);
        REQUIRE(port->wait_done(x.busy + 16));
        busy[side] = uint64_t{access(false, iface::reg(iface::kCycBusy), 0)} |
                     uint64_t{access(false, iface::reg(iface::kCycBusyHi), 0)} << 32;
        CHECK(busy[side] == x.busy);
        std::vector<int8_t> c;
        for (int m = 0; m < mi; ++m) {
          for (int n = 0; n < ni; ++n) {
            const uint32_t w = c_base + uint32_t(m * nt_n + n / C);
            c.push_back(int8_t(access(false, iface::element(iface::kC, w, uint32_t(n % C)), 0)));
          }
        }
        CHECK(c == want);
        for (uint32_t w = first_marker; w < first_marker + 8; ++w) {
          for (int l = 0; l < C; ++l) {
            INFO("C word " << w << ", lane " << l);
            CHECK(int8_t(access(false, iface::element(iface::kC, w, uint32_t(l)), 0)) == marker);
          }
        }
      }
      CHECK(busy[0] == busy[1]);
      ++ran;
    }
  }
  CHECK(ran == 3 * builds);
  // At least one build unless SYSTOLIC_EXTREME_CONFIG picks one (extreme_select.h).
  if (!t::extreme_config()) CHECK(builds >= 1);
  if (builds == 0) WARN("SYSTOLIC_EXTREME_CONFIG names a build this case does not run on");
}
