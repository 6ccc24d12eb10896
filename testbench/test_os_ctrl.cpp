// os_ctrl's C++ twin (model/os_ctrl.h) against the verilated rtl/os_ctrl.sv, every output port in
// every cycle, under random commands (remainders in M and N, K below Rows, between Rows and
// 2 Rows - 1 (odd and even) and above, empty
// commands, starts while busy, idle gaps) on every built configuration; and the output-stationary
// schedule, recomputed here from docs/architecture.md ("Output-stationary schedule"), checked
// cycle by cycle against what the twin issues: every beat (cycle, A word, B word, valid rows and
// columns, first), every tag (cycle, C word, N-tile, valid columns), the busy cycles and the
// phase counts.
#include <catch2/catch.hpp>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "block_select.h"
#include "module_lockstep.h"
#include "os_ctrl.h"
#include "os_ctrl_configs.h"
#include "test_seed.h"

using namespace systolic;
using model::OsCtrlIn;
using model::OsCtrlParams;

namespace {

struct Runner {
  virtual ~Runner() = default;
  virtual const OsCtrlParams& params() const = 0;
  virtual const std::string& name() const = 0;  // the build's (cmake/rtl_configs.cmake)
  // The first difference, or "". reset_at: the input indices before which both are reset again.
  virtual std::string run(const std::vector<OsCtrlIn>& ins,
                          const std::vector<size_t>& reset_at = {}) = 0;
  // Streaming use (commands too long to hold as a vector): reset both, then one cycle at a time;
  // step() returns the first difference, rtl_out() the RTL's outputs it sampled.
  virtual void reset() = 0;
  virtual std::optional<std::string> step(const OsCtrlIn& in) = 0;
  virtual const model::OsCtrlOut& rtl_out() const = 0;
};

template <class V>
struct RunnerImpl final : Runner {
  RunnerImpl(const OsCtrlParams& p, std::string name) : p_(p), name_(std::move(name)), ls_(p) {}
  const OsCtrlParams& params() const override { return p_; }
  const std::string& name() const override { return name_; }
  std::string run(const std::vector<OsCtrlIn>& ins,
                  const std::vector<size_t>& reset_at = {}) override {
    return ls_.run(ins, reset_at, [](size_t) {});
  }
  void reset() override { ls_.reset(); }
  std::optional<std::string> step(const OsCtrlIn& in) override { return ls_.step(in); }
  const model::OsCtrlOut& rtl_out() const override { return ls_.rtl_out(); }
  OsCtrlParams p_;
  std::string name_;
  test::ModuleLockstep<V, model::OsCtrl, OsCtrlIn, model::OsCtrlOut, OsCtrlParams> ls_;
};

#define SYSTOLIC_OS_CTRL_RUNNER(Class, name, Rows, Cols, RequantDepth)            \
  [] {                                                                            \
    OsCtrlParams p{Rows, Cols, RequantDepth};                                     \
    return std::unique_ptr<Runner>(std::make_unique<RunnerImpl<Class>>(p, name)); \
  },
std::vector<std::unique_ptr<Runner>> runners() {
  using Make = std::unique_ptr<Runner> (*)();
  const Make makes[] = {SYSTOLIC_OS_CTRL_CONFIGS(SYSTOLIC_OS_CTRL_RUNNER)};
  std::vector<std::unique_ptr<Runner>> r;
  for (Make m : makes) r.push_back(m());
  return r;
}
#undef SYSTOLIC_OS_CTRL_RUNNER

uint64_t cdiv(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

// The documented schedule of one command, from its inputs alone.
struct Beat {
  uint64_t a, b;
  uint32_t mv, nv;
  bool first;
};
struct Tag {
  uint64_t c;
  uint32_t nt, nv;
};
struct Schedule {
  std::map<uint64_t, Beat> beats;   // by cycle (0 = the first busy cycle)
  std::map<uint64_t, bool> firsts;  // cycles with x_first_o (beat 0s and the flush)
  std::map<uint64_t, Tag> tags;
  uint64_t busy = 0, compute = 0, wstall = 0, drain = 0, output = 0;
};

Schedule schedule(const OsCtrlParams& p, const OsCtrlIn& in) {
  Schedule s;
  const uint64_t m = in.m_i, n = in.n_i, k = in.k_i, rows = uint64_t(p.Rows),
                 cols = uint64_t(p.Cols);
  if (m == 0 || n == 0 || k == 0) {
    s.busy = s.output = 1;
    return s;
  }
  const uint64_t mt_n = cdiv(m, rows), nt_n = cdiv(n, cols);
  // The period: K, at least Rows, made odd while under 2 Rows - 1 (the output chain).
  uint64_t per = std::max(k, rows);
  if (per < 2 * rows - 1 && per % 2 == 0) ++per;
  const uint64_t tiles = mt_n * nt_n;
  uint64_t last_tag = 0;
  for (uint64_t nt = 0; nt < nt_n; ++nt) {
    for (uint64_t mt = 0; mt < mt_n; ++mt) {
      const uint64_t i = nt * mt_n + mt;
      const auto mv = uint32_t(std::min(rows, m - mt * rows));
      const auto nv = uint32_t(std::min(cols, n - nt * cols));
      for (uint64_t kk = 0; kk < k; ++kk) {
        s.beats[i * per + kk] =
            Beat{in.a_base_i + mt * k + kk, in.b_base_i + nt * k + kk, mv, nv, kk == 0};
      }
      s.firsts[i * per] = true;
      for (uint64_t r = 0; r < mv; ++r) {
        const uint64_t t = (i + 1) * per + 1 + 2 * r - rows;
        REQUIRE(s.tags.count(t) == 0);  // the schedule never tags two rows in one cycle
        s.tags[t] = Tag{in.c_base_i + (mt * rows + r) * nt_n + nt, uint32_t(nt), nv};
        last_tag = std::max(last_tag, t);
      }
    }
  }
  s.firsts[tiles * per] = true;  // the flush
  const uint64_t x_last = last_tag + rows + cols;
  s.busy = x_last + uint64_t(p.RequantDepth) + 1;
  s.compute = tiles * k;
  const uint64_t last_beat = (tiles - 1) * per + k - 1;
  s.wstall = last_beat + 1 - s.compute;  // gaps before the last tile's beats
  s.output = uint64_t(p.RequantDepth) + 1;
  s.drain = s.busy - s.compute - s.wstall - s.output;
  return s;
}

OsCtrlIn random_command(const OsCtrlParams& p, std::mt19937_64& rng) {
  OsCtrlIn in;
  auto dim = [&](int unit) {
    if (rng() % 16 == 0) return uint32_t(0);
    return uint32_t(1 + rng() % uint64_t(3 * unit + 2));
  };
  in.m_i = dim(p.Rows);
  in.n_i = dim(p.Cols);
  in.k_i = rng() % 3 == 0 ? uint32_t(1 + rng() % 3) : dim(2 * p.Rows);
  in.a_base_i = uint32_t(rng() % 64);
  in.b_base_i = uint32_t(rng() % 64);
  in.c_base_i = uint32_t(rng() % 64);
  return in;
}

}  // namespace

TEST_CASE("os_ctrl twin issues the documented output-stationary schedule", "[os_ctrl][model]") {
  const uint64_t seed = test::test_seed("os-ctrl-schedule");
  std::mt19937_64 rng(seed);
  for (const OsCtrlParams& p : {OsCtrlParams{4, 4, 3}, OsCtrlParams{3, 7, 1}, OsCtrlParams{2, 2, 2},
                                OsCtrlParams{8, 5, 4}, OsCtrlParams{16, 16, 3}}) {
    for (int cmd = 0; cmd < 60; ++cmd) {
      OsCtrlIn in = random_command(p, rng);
      if (cmd == 0) in.k_i = 1;                                     // the shortest period
      if (cmd == 1) in.k_i = uint32_t(2 * p.Rows);                  // one above 2 Rows - 1
      if (cmd == 2) in.m_i = 0;                                     // empty
      if (cmd == 3) in.k_i = uint32_t(p.Rows + 1);                  // between Rows and 2 Rows - 1
      if (cmd == 4) in.k_i = uint32_t(p.Rows + 2);                  // the other parity
      if (cmd == 5) in.k_i = uint32_t(2 * p.Rows - 2);              // the longest even one made odd
      if (cmd == 6) in.m_i = uint32_t(2 * p.Rows + 1), in.k_i = 1;  // last tile's rows end first
      INFO(p.Rows << "x" << p.Cols << " M " << in.m_i << " N " << in.n_i << " K " << in.k_i);
      const Schedule want = schedule(p, in);
      model::OsCtrl c(p);
      in.start_i = true;
      c.tick(in);
      in.start_i = false;
      Schedule got;
      uint64_t t = 0;
      for (; c.out().busy_o; ++t) {
        REQUIRE(t < want.busy + 10);
        const model::OsCtrlOut& o = c.out();
        if (o.x_issue_o) {
          got.beats[t] = Beat{o.x_aaddr_o, o.x_baddr_o, o.x_mv_o, o.x_nv_o, o.x_first_o};
        }
        if (o.x_first_o) got.firsts[t] = true;
        if (o.o_issue_o) got.tags[t] = Tag{o.o_caddr_o, o.o_nt_o, o.o_nv_o};
        got.compute += o.ph_compute_o;
        got.wstall += o.ph_wstall_o;
        got.drain += o.ph_drain_o;
        got.output += o.ph_output_o;
        REQUIRE(o.ph_compute_o + o.ph_wstall_o + o.ph_drain_o + o.ph_output_o == 1);
        c.tick(in);
      }
      CHECK(c.out().done_o);
      CHECK(t == want.busy);
      CHECK(got.compute == want.compute);
      CHECK(got.wstall == want.wstall);
      CHECK(got.drain == want.drain);
      CHECK(got.output == want.output);
      REQUIRE(got.beats.size() == want.beats.size());
      for (const auto& [cyc, b] : want.beats) {
        INFO("beat in cycle " << cyc);
        REQUIRE(got.beats.count(cyc) == 1);
        const Beat& g = got.beats.at(cyc);
        CHECK(g.a == b.a);
        CHECK(g.b == b.b);
        CHECK(g.mv == b.mv);
        CHECK(g.nv == b.nv);
        CHECK(g.first == b.first);
      }
      CHECK(got.firsts == want.firsts);
      REQUIRE(got.tags.size() == want.tags.size());
      for (const auto& [cyc, tg] : want.tags) {
        INFO("tag in cycle " << cyc);
        REQUIRE(got.tags.count(cyc) == 1);
        CHECK(got.tags.at(cyc).c == tg.c);
        CHECK(got.tags.at(cyc).nt == tg.nt);
        CHECK(got.tags.at(cyc).nv == tg.nv);
      }
    }
  }
}

TEST_CASE("os_ctrl fast-forward equals edge by edge", "[os_ctrl][model]") {
  const uint64_t seed = test::test_seed("os-ctrl-advance");
  std::mt19937_64 rng(seed);
  const OsCtrlParams p{4, 4, 3};
  for (int cmd = 0; cmd < 200; ++cmd) {
    OsCtrlIn in = random_command(p, rng);
    in.k_i = uint32_t(1 + rng() % 40);
    model::OsCtrl a(p), b(p);
    in.start_i = true;
    a.tick(in);
    b.tick(in);
    in.start_i = false;
    while (a.out().busy_o) {
      const uint64_t n = a.steady_edges();
      if (n > 1) {
        a.advance(n);
        for (uint64_t i = 0; i < n; ++i) b.tick(in);
      } else {
        a.tick(in);
        b.tick(in);
      }
      REQUIRE(!iface::compare_ports(a.out(), b.out()));
    }
    REQUIRE(!b.out().busy_o);
  }
}

TEST_CASE("os_ctrl RTL equals its C++ twin on every port and cycle", "[os_ctrl][rtl]") {
  const uint64_t seed = test::test_seed("os-ctrl-rtl");
  std::mt19937_64 rng(seed);
  auto rs = runners();
  REQUIRE(!rs.empty());
  for (auto& r : rs) {
    const OsCtrlParams& p = r->params();
    INFO(p.Rows << "x" << p.Cols << " RequantDepth " << p.RequantDepth);
    std::vector<OsCtrlIn> ins;
    for (int cmd = 0; cmd < 80; ++cmd) {
      OsCtrlIn in = random_command(p, rng);
      for (int g = int(rng() % 3); g > 0; --g) ins.push_back(in);  // idle cycles
      const Schedule s = schedule(p, in);
      in.start_i = true;
      ins.push_back(in);
      for (uint64_t t = 0; t < s.busy + 2; ++t) {
        in.start_i = t + 1 < s.busy && rng() % 8 == 0;  // ignored while busy
        ins.push_back(in);
      }
    }
    const std::string diff = r->run(ins);
    INFO(diff);
    CHECK(diff.empty());
  }
}

TEST_CASE("os_ctrl RTL equals its C++ twin at the extremes of its input widths", "[os_ctrl][rtl]") {
  // Commands whose M, N, K (DimWidth bits) and bases (WordWidth bits) take all-ones,
  // alternating, single-bit and random patterns, each run a few hundred cycles and then reset:
  // the widths' arithmetic must wrap or not exactly as the RTL's.
  std::mt19937_64 rng(test::test_seed("os-ctrl-extremes"));
  for (auto& r : runners()) {
    const OsCtrlParams& p = r->params();
    INFO("os_ctrl Rows=" << p.Rows << " Cols=" << p.Cols);
    std::vector<OsCtrlIn> ins;
    std::vector<size_t> resets;
    for (int c = 0; c < 40; ++c) {
      OsCtrlIn in;
      test::extreme_command(rng, in);
      test::append_command(ins, resets, in, 300);
    }
    const std::string diff = r->run(ins, resets);
    INFO(diff);
    REQUIRE(diff.empty());
  }
}

TEST_CASE(
    "os_ctrl RTL equals its C++ twin on commands of 2^24 - 1 rows, columns or K, to their end",
    "[.][os_ctrl][rtl][extreme]") {
  // Hidden (scripts/coverage.sh --extreme runs it): on every os_ctrl build, in lockstep with the
  // twin, commands that walk os_ctrl's 24-bit counters to the top, run to done_o:
  //   - M = Rows, N = 2^24 - 1, K = 1: ceil(N / Cols) N-tiles of the shortest period;
  //   - M = N = 1, K = 2^24 - 1: one tile whose period counts K;
  //   - M = 2^24 - 1, N = 1, K = 1: ceil(M / Rows) M-tiles, the last of M mod Rows rows.
  // Expected from the schedule in rtl/os_ctrl.sv's header, recomputed here (not through the
  // schedule() above, whose maps would hold millions of beats): beat b = (tile i, k) in cycle
  // i*T + k with its A word a_base + mt*K + k and B word b_base + nt*K + k; row r of tile i
  // tagged in cycle (i+1)*T + 1 + 2r - Rows with C word c_base + (mt*Rows + r)*NT + nt (words
  // saturating at 2^21 - 1); busy until X_last + RequantDepth, X_last = the last tag + Rows +
  // Cols, done_o one cycle later. Checked on the RTL's outputs in every cycle.
  constexpr uint64_t kTop = (uint64_t{1} << 21) - 1;
  const auto top = [&](uint64_t a) { return std::min(a, kTop); };
  constexpr uint32_t kMax = (uint32_t{1} << 24) - 1;
  const auto rs = runners();
  int builds = 0;
  for (Runner* r : test::extreme_runners(rs)) {  // (block_select.h)
    ++builds;
    const OsCtrlParams& p = r->params();
    const uint64_t R = uint64_t(p.Rows), C = uint64_t(p.Cols);
    for (int cmd = 0; cmd < 3; ++cmd) {
      OsCtrlIn in;
      in.m_i = cmd == 0 ? uint32_t(R) : cmd == 1 ? 1 : kMax;
      in.n_i = cmd == 0 ? kMax : 1;
      in.k_i = cmd == 1 ? kMax : 1;
      in.a_base_i = 3;
      in.b_base_i = 9;
      in.c_base_i = 6;
      INFO("os_ctrl Rows=" << p.Rows << " Cols=" << p.Cols << ", command " << in.m_i << "x"
                           << in.n_i << "x" << in.k_i);
      const uint64_t m = in.m_i, n = in.n_i, k = in.k_i;
      const uint64_t mt_n = cdiv(m, R), nt_n = cdiv(n, C), tiles = mt_n * nt_n;
      uint64_t per = std::max(k, R);
      if (per < 2 * R - 1 && per % 2 == 0) ++per;
      const auto mv_of = [&](uint64_t i) { return std::min(R, m - (i % mt_n) * R); };
      const auto nv_of = [&](uint64_t i) { return std::min(C, n - (i / mt_n) * C); };
      uint64_t last_tag = 0;
      for (uint64_t i = tiles >= 2 ? tiles - 2 : 0; i < tiles; ++i) {
        last_tag = std::max(last_tag, (i + 1) * per + 1 + 2 * (mv_of(i) - 1) - R);
      }
      const uint64_t busy_want = last_tag + R + C + uint64_t(p.RequantDepth) + 1;
      r->reset();
      uint64_t cyc = 0, busy = 0, beats = 0, tags = 0, done_at = 0, bad = 0;
      std::string first_bad;
      auto note = [&](const char* what, uint64_t got, uint64_t want) {
        if (got == want) return;
        if (bad++ == 0) first_bad = fmt::format("cycle {}: {} {} != {}", cyc, what, got, want);
      };
      OsCtrlIn x = in;
      x.start_i = true;
      for (; cyc < busy_want + 16; ++cyc) {
        if (auto d = r->step(x)) FAIL(*d);
        x.start_i = false;
        const model::OsCtrlOut& o = r->rtl_out();
        if (cyc == 0) continue;      // the start cycle (idle)
        const uint64_t t = cyc - 1;  // cycle 0 is the first busy cycle
        busy += o.busy_o;
        if (o.done_o && done_at == 0) done_at = t;
        if (o.x_issue_o) {
          const uint64_t i = beats / k, kk = beats % k, mt = i % mt_n, nt = i / mt_n;
          note("beat cycle", t, i * per + kk);
          note("x_aaddr_o", o.x_aaddr_o, top(in.a_base_i + mt * k + kk));
          note("x_baddr_o", o.x_baddr_o, top(in.b_base_i + nt * k + kk));
          note("x_first_o", o.x_first_o, kk == 0);
          note("x_mv_o", o.x_mv_o, mv_of(i));
          note("x_nv_o", o.x_nv_o, nv_of(i));
          ++beats;
        }
        if (o.o_issue_o) {
          // Tile i's row r is tagged at (i+1)*T + 1 + 2r - Rows: tile q - 1 or q - 2.
          const uint64_t q = (t + R - 1) / per;
          bool found = false;
          for (uint64_t j = q; j >= 1 && j + 1 >= q && !found; --j) {
            const uint64_t at = j * per + 1;
            if (t + R < at) continue;
            const uint64_t d = t + R - at, i = j - 1;
            if (d % 2 != 0 || d / 2 >= mv_of(i) || i >= tiles) continue;
            found = true;
            const uint64_t mt = i % mt_n, nt = i / mt_n, row = mt * R + d / 2;
            note("o_caddr_o", o.o_caddr_o, top(in.c_base_i + row * nt_n + nt));
            note("o_nt_o", o.o_nt_o, nt);
            note("o_nv_o", o.o_nv_o, nv_of(i));
          }
          note("tag in a scheduled cycle", found, 1);
          ++tags;
        }
      }
      INFO(first_bad);
      CHECK(bad == 0);
      CHECK(beats == tiles * k);
      CHECK(tags == m * nt_n);
      CHECK(busy == busy_want);
      CHECK(done_at == busy_want);
    }
  }
  CHECK(builds >= 1);
}
