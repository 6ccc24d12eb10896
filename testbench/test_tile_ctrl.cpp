// tile_ctrl's C++ twin (model/tile_ctrl.h) against the verilated rtl/tile_ctrl.sv, every output
// port in every cycle: under random commands (sizes with remainders, empty commands, starts while
// busy, idle gaps, both tile orders, gates that open late) on every built configuration, and
// under the exact inputs the engine gives it (recorded from the model engine running GEMMs
// through the host driver). The gated schedule of both orders is recomputed here from
// docs/architecture.md and checked cycle by cycle against what the twin issues.
#include <algorithm>
#include <catch2/catch.hpp>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "block_select.h"
#include "engine_check.h"
#include "module_lockstep.h"
#include "test_seed.h"
#include "tile_ctrl.h"
#include "tile_ctrl_configs.h"

using namespace systolic;
using model::TileCtrlIn;
using model::TileCtrlParams;

namespace {

constexpr uint32_t kAll = (uint32_t{1} << iface::kDimWidth) - 1;  // b_rows_i: every row loaded

struct Runner {
  virtual ~Runner() = default;
  virtual const TileCtrlParams& params() const = 0;
  virtual const std::string& name() const = 0;  // the build's (cmake/rtl_configs.cmake)
  // Runs the inputs through RTL and twin; the first difference, or "". reset_at: the input
  // indices before which both are reset (rst_ni = 0) again.
  virtual std::string run(const std::vector<TileCtrlIn>& ins,
                          const std::vector<size_t>& reset_at = {}) = 0;
  virtual uint64_t busy_cycles() const = 0;
  // Streaming use (commands too long to hold as a vector): reset both, then one cycle at a time;
  // step() returns the first difference, rtl_out() the RTL's outputs it sampled.
  virtual void reset() = 0;
  virtual std::optional<std::string> step(const TileCtrlIn& in) = 0;
  virtual const model::TileCtrlOut& rtl_out() const = 0;
};

template <class V>
struct RunnerImpl final : Runner {
  RunnerImpl(const TileCtrlParams& p, std::string name) : p_(p), name_(std::move(name)), ls_(p) {}
  const TileCtrlParams& params() const override { return p_; }
  const std::string& name() const override { return name_; }
  std::string run(const std::vector<TileCtrlIn>& ins,
                  const std::vector<size_t>& reset_at = {}) override {
    busy_ = 0;
    return ls_.run(ins, reset_at, [&](size_t) { busy_ += ls_.twin().out().busy_o; });
  }
  uint64_t busy_cycles() const override { return busy_; }
  void reset() override { ls_.reset(); }
  std::optional<std::string> step(const TileCtrlIn& in) override { return ls_.step(in); }
  const model::TileCtrlOut& rtl_out() const override { return ls_.rtl_out(); }
  TileCtrlParams p_;
  std::string name_;
  test::ModuleLockstep<V, model::TileCtrl, TileCtrlIn, model::TileCtrlOut, TileCtrlParams> ls_;
  uint64_t busy_ = 0;
};

#define SYSTOLIC_TILE_CTRL_RUNNER(Class, name, Rows, Cols, AccWords, RequantDepth, WeightBanks) \
  [] {                                                                                          \
    TileCtrlParams p{Rows, Cols, AccWords, RequantDepth, WeightBanks};                          \
    return std::unique_ptr<Runner>(std::make_unique<RunnerImpl<Class>>(p, name));               \
  },
std::vector<std::unique_ptr<Runner>> runners() {
  using Make = std::unique_ptr<Runner> (*)();
  const Make makes[] = {SYSTOLIC_TILE_CTRL_CONFIGS(SYSTOLIC_TILE_CTRL_RUNNER)};
  std::vector<std::unique_ptr<Runner>> r;
  for (Make m : makes) r.push_back(m());
  return r;
}
#undef SYSTOLIC_TILE_CTRL_RUNNER

// Random commands: small sizes around the array's, zeros now and then, random bases; the command
// inputs change only while idle or at a start (the contract), start_i pulses also while slots
// remain (ignored). About a third of the commands start back to back: in the first cycle in which
// a twin run alongside shows ready_o during the tail of the command before (as the DMA does).
std::vector<TileCtrlIn> random_stimulus(const TileCtrlParams& p, std::mt19937_64& rng,
                                        int commands) {
  std::vector<TileCtrlIn> ins;
  model::TileCtrl tw(p);  // tells when ready_o is up (the stimulus's only use of it)
  auto push = [&](const TileCtrlIn& x) {
    ins.push_back(x);
    tw.tick(x);
  };
  bool b2b = false;  // this command starts back to back (no idle gap)
  TileCtrlIn in;
  in.b_rows_i = kAll;
  in.q_ready_i = true;
  auto dim = [&](int unit) {
    const uint32_t r = uint32_t(rng() % 16);
    if (r == 0) return uint32_t(0);  // an empty command
    return uint32_t(1 + rng() % uint64_t(3 * unit + 2));
  };
  for (int c = 0; c < commands; ++c) {
    in.m_i = dim(std::max(p.AccWords, 2));
    in.n_i = dim(p.Cols);
    in.k_i = dim(p.Rows);
    in.a_base_i = uint32_t(rng() % 64);
    in.b_base_i = uint32_t(rng() % 64);
    in.c_base_i = uint32_t(rng() % 64);
    in.acc_first_i = rng() % 4 != 0;  // memory commands' K-chunks mask the first / last K-tile
    in.acc_last_i = rng() % 4 != 0;
    // A K-chunk command keeps its N-tiles' sums side by side: M * NT <= AccWords.
    if (uint64_t(in.m_i) * ((in.n_i + uint64_t(p.Cols) - 1) / uint64_t(p.Cols)) >
        uint64_t(p.AccWords)) {
      in.acc_first_i = in.acc_last_i = true;
    }
    // K-tiles outer (memory commands): one M-block, the N-tiles' sums side by side.
    in.kt_outer_i = in.acc_first_i && in.acc_last_i && rng() % 3 == 0 &&
                    uint64_t(in.m_i) * ((in.n_i + uint64_t(p.Cols) - 1) / uint64_t(p.Cols)) <=
                        uint64_t(p.AccWords);
    in.b_kmajor_i = rng() % 2 == 0;  // memory commands' B layout, in either tile order
    // Gates (memory commands' first block): B rows arrive one per `step` cycles from `b0`,
    // then all; BIAS / M0 / SHIFT at cycle `tq`.
    const bool gated = rng() % 2 == 0;
    const uint64_t step = 1 + rng() % 4, b0 = rng() % (uint64_t(in.k_i) + 1);
    const uint64_t tq = rng() % (uint64_t(in.k_i) * step + 8);
    auto gate = [&](uint64_t t) {
      if (!gated) return;
      const uint64_t rows = b0 + t / step;
      in.b_rows_i = rows >= in.k_i ? kAll : uint32_t(rows);
      in.q_ready_i = t >= tq;
    };
    if (!b2b) {
      for (int g = int(rng() % 3); g > 0; --g) push(in);  // idle cycles
    }
    in.start_i = true;
    gate(0);
    push(in);
    in.start_i = false;
    // Enough cycles for the command (each tile takes at most max(M_i, Rows) + Rows + Cols + 1
    // cycles), and a few more; start pulses while busy are ignored.
    const auto cdiv = [](uint64_t a, uint64_t b) { return (a + b - 1) / b; };
    const uint64_t mi = std::min<uint64_t>(in.m_i, uint64_t(p.AccWords));
    const uint64_t tiles = cdiv(in.m_i, uint64_t(p.AccWords)) * cdiv(in.n_i, uint64_t(p.Cols)) *
                           cdiv(in.k_i, uint64_t(p.Rows));
    const uint64_t len = tiles * (std::max<uint64_t>(mi, uint64_t(p.Rows)) + p.Rows + p.Cols + 1) +
                         uint64_t(p.Rows + p.Cols + p.RequantDepth) + 4 +
                         (gated ? uint64_t(in.k_i) * step + 8 : 0);
    // Start pulses only while the command surely has slots left (at most one issues per cycle,
    // the first in cycle 1 or later; an empty command is busy in cycle 0 only, and a start of an
    // empty command in a tail is ignored). A pulse later would start a command whose inputs
    // then change while it runs, breaking the contract.
    const bool empty = in.m_i == 0 || in.n_i == 0 || in.k_i == 0;
    const uint64_t surely_busy =
        empty ? 1
              : uint64_t(in.m_i) * cdiv(in.n_i, uint64_t(p.Cols)) * cdiv(in.k_i, uint64_t(p.Rows));
    b2b = !empty && rng() % 3 == 0;
    for (uint64_t t = 0; t < len; ++t) {
      in.start_i = t < surely_busy && rng() % 8 == 0;
      if (b2b && t >= surely_busy && tw.out().busy_o && tw.out().ready_o) break;
      gate(t + 1);
      push(in);
    }
    in.start_i = false;
    in.b_rows_i = kAll;
    in.q_ready_i = true;
  }
  return ins;
}

}  // namespace

TEST_CASE("tile_ctrl: twin equals RTL on every port under random commands", "[tile_ctrl]") {
  std::mt19937_64 rng(test::test_seed("tile-ctrl-random"));
  for (auto& r : runners()) {
    const TileCtrlParams& p = r->params();
    INFO("tile_ctrl Rows=" << p.Rows << " Cols=" << p.Cols << " AccWords=" << p.AccWords
                           << " RequantDepth=" << p.RequantDepth
                           << " WeightBanks=" << p.WeightBanks);
    const std::vector<TileCtrlIn> ins = random_stimulus(p, rng, 300);
    const std::string diff = r->run(ins);
    INFO(diff);
    REQUIRE(diff.empty());
    CHECK(r->busy_cycles() > ins.size() / 4);  // the stimulus kept it busy most of the time
  }
}

TEST_CASE("tile_ctrl: twin equals RTL at the extremes of its input widths", "[tile_ctrl]") {
  // Commands whose M, N, K (DimWidth bits), bases (WordWidth bits) and B-row gate take all-ones,
  // alternating, single-bit and random patterns: the widths' arithmetic (KT, NT, the gates'
  // sums, the M-block compares, the running addresses) must wrap or not exactly as the RTL's.
  // Each command runs a few hundred cycles (far from its end), then both are reset, so that
  // every register also falls back from those values.
  std::mt19937_64 rng(test::test_seed("tile-ctrl-extremes"));
  for (auto& r : runners()) {
    const TileCtrlParams& p = r->params();
    INFO("tile_ctrl Rows=" << p.Rows << " Cols=" << p.Cols << " AccWords=" << p.AccWords);
    std::vector<TileCtrlIn> ins;
    std::vector<size_t> resets;
    for (int c = 0; c < 40; ++c) {
      TileCtrlIn in;
      test::extreme_command(rng, in);
      in.acc_first_i = in.acc_last_i = true;  // (a K-chunk command needs M * NT <= AccWords)
      in.kt_outer_i = false;
      in.b_kmajor_i = rng() % 2 == 0;
      in.b_rows_i = rng() % 2 == 0 ? kAll : test::extreme_value(rng, kAll);
      in.q_ready_i = rng() % 2 == 0;
      test::append_command(ins, resets, in, 300);
    }
    const std::string diff = r->run(ins, resets);
    INFO(diff);
    REQUIRE(diff.empty());
  }
}

TEST_CASE("tile_ctrl: word addresses past 2^21 - 1 stop there", "[tile_ctrl]") {
  // docs/architecture.md, "Word addresses": an engine word address at or past 2^21 - 1 reads
  // 2^21 - 1 (above every scratchpad) and stays there until the walk restarts from a base.
  // Expected here, cycle by cycle for the first 400 cycles of commands whose walks leave the
  // field at once, from bases near the top of the 20-bit base registers:
  //   - B row r of tile (nt, mb, kt) is min(b_base + nt*K + kt*Rows + r, 2^21 - 1), or with
  //     b_kmajor_i min(b_base + (kt*Rows + r)*NT + nt, 2^21 - 1);
  //   - the slot of row m in tile (nt, mb, kt) reads A word min(a_base + m*KT + kt, 2^21 - 1)
  //     and writes C word min(c_base + m*NT + nt, 2^21 - 1);
  //   - tile i is (i / (MB*KT), i % (MB*KT) / KT, i % KT) N-tiles outer (M-blocks of AccWords
  //     rows) and (i % NT, 0, i / NT) K-tiles outer.
  // Commands: N-tiles outer, M = 3, N = 2^24 - 1 with K = 2^24 - 1 (A past the top from row 1 on
  // when AccWords >= 2) and with K = 3 * Rows (C past the top from row 1 on); K-tiles outer,
  // M = 1, K = 2^20 + 5, NT = min(3, AccWords) N-tiles (B past the top in N-tiles 1 and 2, back
  // below it in N-tile 0 of the next K-tile); with b_kmajor_i, the first command (B past the top
  // from row 1 on, back below it in each N-tile's row 0) and the third (B below the top). The
  // same inputs run on the RTL in lockstep.
  constexpr uint64_t kTop = (uint64_t{1} << 21) - 1;
  const auto top = [&](uint64_t a) { return std::min(a, kTop); };
  uint64_t tops_all[3] = {0, 0, 0};  // A, B, C
  for (auto& r : runners()) {
    const TileCtrlParams& p = r->params();
    INFO("tile_ctrl Rows=" << p.Rows << " Cols=" << p.Cols << " AccWords=" << p.AccWords);
    const uint64_t R = uint64_t(p.Rows), C = uint64_t(p.Cols), AW = uint64_t(p.AccWords);
    uint64_t tops[3] = {0, 0, 0}, below[3] = {0, 0, 0};
    for (int cmd = 0; cmd < 5; ++cmd) {
      const bool kto = cmd == 2 || cmd == 4, kmaj = cmd >= 3;
      TileCtrlIn in;
      in.m_i = kto ? 1 : 3;
      in.n_i = kto ? uint32_t(std::min<uint64_t>(3, AW) * C) : (1u << 24) - 1;
      in.k_i = cmd == 0 || cmd == 3 ? (1u << 24) - 1 : cmd == 1 ? uint32_t(3 * R) : (1u << 20) + 5;
      in.a_base_i = (1u << 20) - 2;
      in.b_base_i = (1u << 20) - 3;
      in.c_base_i = (1u << 20) - 4;
      in.acc_first_i = in.acc_last_i = true;
      in.kt_outer_i = kto;
      in.b_kmajor_i = kmaj;
      in.b_rows_i = kAll;
      in.q_ready_i = true;
      INFO("command " << in.m_i << "x" << in.n_i << "x" << in.k_i << (kto ? " kt-outer" : "")
                      << (kmaj ? " k-major" : ""));
      std::vector<TileCtrlIn> ins;
      std::vector<size_t> resets;
      test::append_command(ins, resets, in, 400);
      const std::string diff = r->run(ins, resets);
      INFO(diff);
      REQUIRE(diff.empty());

      const uint64_t kt_n = (uint64_t(in.k_i) + R - 1) / R;
      const uint64_t nt_n = (uint64_t(in.n_i) + C - 1) / C;
      const uint64_t mb_n = (uint64_t(in.m_i) + AW - 1) / AW;
      struct Tile {
        uint64_t nt, mb, kt;
      };
      const auto tile = [&](uint64_t i) {
        return kto ? Tile{i % nt_n, 0, i / nt_n}
                   : Tile{i / (mb_n * kt_n), i % (mb_n * kt_n) / kt_n, i % kt_n};
      };
      const auto count = [&](int which, uint64_t want) {
        (want == kTop ? tops : below)[which] += 1;
      };
      model::TileCtrl t(p);
      uint64_t wl_tile = 0, s_tile = 0, slot = 0;
      for (size_t cyc = 0; cyc < ins.size(); ++cyc) {
        const model::TileCtrlOut o = t.out();
        if (o.wl_issue_o) {
          const Tile x = tile(wl_tile);
          const uint64_t k = x.kt * R + o.wl_row_o;
          const uint64_t want =
              top(kmaj ? in.b_base_i + k * nt_n + x.nt : in.b_base_i + x.nt * in.k_i + k);
          CHECK(o.wl_addr_o == want);
          count(1, want);
          if (o.wl_row_o + 1 == uint32_t(p.Rows)) ++wl_tile;
        }
        if (o.s_issue_o) {
          const Tile x = tile(s_tile);
          const uint64_t m = x.mb * AW + slot;
          const uint64_t want_a = top(in.a_base_i + m * kt_n + x.kt);
          const uint64_t want_c = top(in.c_base_i + m * nt_n + x.nt);
          CHECK(o.s_addr_o == want_a);
          CHECK(o.s_caddr_o == want_c);
          count(0, want_a);
          count(2, want_c);
          if (++slot == std::min(AW, in.m_i - x.mb * AW)) {
            slot = 0;
            ++s_tile;
          }
        }
        t.tick(ins[cyc]);
      }
    }
    // Every walk ran, and C's went past the top and back on every build (B's too with
    // AccWords >= 2).
    for (int w = 0; w < 3; ++w) CHECK(below[w] > 8);
    CHECK(tops[2] > 8);
    if (AW >= 2) CHECK(tops[1] > 8);
    for (int w = 0; w < 3; ++w) tops_all[w] += tops[w];
  }
  CHECK(tops_all[0] > 8);
}

TEST_CASE("tile_ctrl: twin equals RTL under the engine's own inputs", "[tile_ctrl]") {
  // Record the controller's inputs cycle by cycle from the model engine (systolic_regs' outputs)
  // while the host driver runs GEMMs, then replay them on the RTL and a fresh twin.
  std::mt19937_64 rng(test::test_seed("tile-ctrl-engine"));
  for (auto& r : runners()) {
    const TileCtrlParams& p = r->params();
    model::TopParams tp;
    tp.Rows = p.Rows;
    tp.Cols = p.Cols;
    tp.AccWords = p.AccWords;
    tp.RequantDepth = p.RequantDepth;
    tp.WeightBanks = p.WeightBanks;
    tp.AWords = tp.BWords = tp.CWords = 4096;
    tp.QWords = 16;
    test::RecordingPort<TileCtrlIn> rec(tp, [](model::SystolicTop& t) {
      const model::SystolicRegsOut& ro = t.regs().out();
      TileCtrlIn c;
      c.start_i = ro.start_o;
      c.m_i = ro.m_o;
      c.n_i = ro.n_o;
      c.k_i = ro.k_o;
      c.a_base_i = ro.a_base_o;
      c.b_base_i = ro.b_base_o;
      c.c_base_i = ro.c_base_o;
      c.acc_first_i = c.acc_last_i = true;  // host commands
      c.kt_outer_i = false;
      c.b_rows_i = (uint32_t{1} << iface::kDimWidth) - 1;  // no gates
      c.q_ready_i = true;
      return std::optional(c);
    });
    uint64_t busy = 0;
    for (auto [m, n, k] : {std::tuple{2 * p.Rows + 1, p.Cols + 3, 3 * p.Rows - 1},
                           {1, 1, 1},
                           {3 * p.AccWords + 2, 2 * p.Cols, p.Rows},
                           {5, 2 * p.Cols + 1, 2 * p.Rows + 1}}) {
      INFO("GEMM " << m << "x" << n << "x" << k);
      sim::HostDriver drv(rec);
      sim::RunStats st;
      const sim::GemmJob job = test::random_job(rng, m, n, k);
      REQUIRE(drv.run(job, st) == test::reference(job));
      busy += st.engine.busy;
    }
    INFO("tile_ctrl Rows=" << p.Rows << " Cols=" << p.Cols << " AccWords=" << p.AccWords);
    const std::string diff = r->run(rec.ins());
    INFO(diff);
    REQUIRE(diff.empty());
    CHECK(r->busy_cycles() == busy);  // the replay ran the commands the engine ran
  }
}

namespace {

// Every register of the twin, field by field (the struct has padding: no memcmp).
std::string regs_diff(const model::TileCtrlRegs& a, const model::TileCtrlRegs& b) {
#define SYSTOLIC_CMP(f)                                                                \
  do {                                                                                 \
    if (a.f != b.f) return fmt::format(#f ": {} vs {}", uint64_t(a.f), uint64_t(b.f)); \
  } while (0)
  SYSTOLIC_CMP(busy_q);
  SYSTOLIC_CMP(done_q);
  SYSTOLIC_CMP(kt_num_q);
  SYSTOLIC_CMP(nt_num_q);
  SYSTOLIC_CMP(wl_left_q);
  SYSTOLIC_CMP(wl_act_q);
  SYSTOLIC_CMP(wl_row_q);
  SYSTOLIC_CMP(wl_bank_q);
  SYSTOLIC_CMP(wl_krem_q);
  SYSTOLIC_CMP(wl_kdone_q);
  SYSTOLIC_CMP(wl_mrem_q);
  SYSTOLIC_CMP(wl_nrem_q);
  SYSTOLIC_CMP(wl_addr_q);
  SYSTOLIC_CMP(wl_ntbase_q);
  SYSTOLIC_CMP(kmaj_q);
  SYSTOLIC_CMP(bank_wait_q);
  SYSTOLIC_CMP(bank_cnt_q[0]);
  SYSTOLIC_CMP(bank_cnt_q[1]);
  SYSTOLIC_CMP(ahead_q);
  SYSTOLIC_CMP(s_left_q);
  SYSTOLIC_CMP(s_act_q);
  SYSTOLIC_CMP(s_j_q);
  SYSTOLIC_CMP(s_bank_q);
  SYSTOLIC_CMP(s_krem_q);
  SYSTOLIC_CMP(s_mrem_q);
  SYSTOLIC_CMP(s_nrem_q);
  SYSTOLIC_CMP(s_nt_q);
  SYSTOLIC_CMP(s_first_q);
  SYSTOLIC_CMP(acc_first_q);
  SYSTOLIC_CMP(acc_last_q);
  SYSTOLIC_CMP(kto_q);
  SYSTOLIC_CMP(brows_q);
  SYSTOLIC_CMP(qrdy_q);
  SYSTOLIC_CMP(s_addr_q);
  SYSTOLIC_CMP(s_kbase_q);
  SYSTOLIC_CMP(s_caddr_q);
  SYSTOLIC_CMP(s_cblk_q);
  SYSTOLIC_CMP(s_cbase_q);
  SYSTOLIC_CMP(tail2_q);
  SYSTOLIC_CMP(s_accb_q);
  SYSTOLIC_CMP(tail_q);
#undef SYSTOLIC_CMP
  return "";
}

}  // namespace

TEST_CASE("tile_ctrl: a fast-forward equals the edges it skips", "[tile_ctrl][timing]") {
  // advance(n) for n = steady_edges() against n calls of tick() with the stimulus's own inputs,
  // from every cycle of random commands: registers and outputs equal. (Timing-only runs use it.)
  std::mt19937_64 rng(test::test_seed("tile-ctrl-advance"));
  std::vector<TileCtrlParams> params;
  for (auto& r : runners()) params.push_back(r->params());
  params.push_back({16, 16, 64, 3, 2});
  params.push_back({8, 4, 16, 3, 1});
  params.push_back({4, 8, 5, 4, 2});
  params.push_back({32, 32, 256, 3, 2});
  params.push_back({2, 2, 1, 1, 2});
  for (const TileCtrlParams& p : params) {
    INFO("tile_ctrl Rows=" << p.Rows << " Cols=" << p.Cols << " AccWords=" << p.AccWords
                           << " RequantDepth=" << p.RequantDepth
                           << " WeightBanks=" << p.WeightBanks);
    const std::vector<TileCtrlIn> ins = random_stimulus(p, rng, 60);
    model::TileCtrl a(p);
    uint64_t busy = 0, steady = 0;
    for (size_t t = 0; t < ins.size(); ++t) {
      const uint64_t n = a.steady_edges();
      if (n > 0 && n <= ins.size() - t) {
        model::TileCtrl jump = a, step = a;
        jump.advance(n);
        for (uint64_t i = 0; i < n; ++i) step.tick(ins[t + i]);
        INFO("cycle " << t << ", " << n << " steady edges");
        REQUIRE(regs_diff(jump.regs(), step.regs()) == "");
        const auto d = iface::compare_ports(jump.out(), step.out());
        INFO((d ? d->port : ""));
        REQUIRE(!d);
        if (n > 1) {  // a shorter jump from here too
          model::TileCtrl half = a, half_step = a;
          half.advance(n / 2);
          for (uint64_t i = 0; i < n / 2; ++i) half_step.tick(ins[t + i]);
          REQUIRE(regs_diff(half.regs(), half_step.regs()) == "");
        }
      }
      // The stimulus keeps the contract (inputs unchanged while slots remain), or the test is
      // void.
      if (t > 0 && a.out().busy_o && !a.out().ready_o) {
        REQUIRE((ins[t].m_i == ins[t - 1].m_i && ins[t].n_i == ins[t - 1].n_i &&
                 ins[t].k_i == ins[t - 1].k_i && ins[t].a_base_i == ins[t - 1].a_base_i &&
                 ins[t].b_base_i == ins[t - 1].b_base_i && ins[t].c_base_i == ins[t - 1].c_base_i));
      }
      busy += a.out().busy_o;
      steady += n > 0;
      a.tick(ins[t]);
    }
    INFO("busy cycles " << busy << ", cycles with steady edges ahead " << steady);
    // The fast-forward covers much of a command where tiles are many slots long.
    if (p.AccWords >= 8) CHECK(steady > busy / 4);
  }
}

namespace {

// One command of M x N x K (one M-block) with gates: the B rows loaded by input cycle t (t = 0:
// the start cycle) and the first input cycle with q_ready_i.
struct GatedCmd {
  uint32_t m, n, k;
  bool kt_outer, acc_last, kmaj;
  std::vector<uint32_t> rows;  // b_rows_i per input cycle (the last value holds after)
  uint64_t tq;
};

// docs/architecture.md, "Tile schedule" with the gates: tile i (in the command's order) reads B
// rows kt*Rows .. kt*Rows + kv - 1; b_rows_i and q_ready_i are registered, so command cycle c
// (c = 0: the first busy cycle) sees the inputs of input cycle c (input cycle 0 = the start
// cycle, the edge ending it is the first sample). Recurrence:
//   wl_i = max(wl_{i-1} + Rows, e_{i-NB} + Cols - 1, gb_i),  gb_i = first c with rows[c] >= need_i
//   s_i  = max(wl_i + 1, e_{i-1} + 1 + h_i, gq_i),  gq_i = tq for a last-K-tile with acc_last,
//          else 0; h_i = 1 when tile i's first slot reads (kt > 0) the accumulator row that tile
//          i-1's last slot writes (not a last K-tile with acc_last): rows nt*M + j with the N-tiles
//          side by side (kt-outer or acc_last = 0), else j
//   e_i  = s_i + M - 1
// and a cycle before s_j that issues nothing is MWAIT when tile j's load started earlier and its
// q gate is closed, or its load has not started, the loader is idle and its b gate is closed.
struct GatedTile {
  int64_t wl, s, e;
  uint32_t nt, kt;
  uint64_t need;  // B rows the tile reads: kt*Rows + kv
};
struct GatedSchedule {
  std::vector<GatedTile> tiles;
  uint64_t busy = 0, mwait = 0, wstall = 0;
};
GatedSchedule gated_schedule(const TileCtrlParams& p, const GatedCmd& c) {
  const int64_t R = p.Rows, C = p.Cols, M = c.m;
  const uint32_t kt_n = (c.k + uint32_t(p.Rows) - 1) / uint32_t(p.Rows);
  const uint32_t nt_n = (c.n + uint32_t(p.Cols) - 1) / uint32_t(p.Cols);
  auto rows_at = [&](int64_t t) {
    return c.rows[size_t(std::min<int64_t>(t, int64_t(c.rows.size()) - 1))];
  };
  GatedSchedule g;
  for (uint32_t a = 0; a < (c.kt_outer ? kt_n : nt_n); ++a) {
    for (uint32_t b = 0; b < (c.kt_outer ? nt_n : kt_n); ++b) {
      const uint32_t nt = c.kt_outer ? b : a, kt = c.kt_outer ? a : b;
      const uint64_t need = uint64_t(kt) * R + std::min<uint64_t>(R, c.k - uint64_t(kt) * R);
      int64_t gb = 0;
      while (rows_at(gb) < need) ++gb;
      const size_t i = g.tiles.size();
      int64_t w = std::max<int64_t>(i == 0 ? 0 : g.tiles[i - 1].wl + R, gb);
      if (i >= size_t(p.WeightBanks)) w = std::max(w, g.tiles[i - size_t(p.WeightBanks)].e + C - 1);
      const int64_t gq = kt + 1 == kt_n && c.acc_last ? int64_t(c.tq) : 0;
      int64_t st = std::max(w + 1, gq);
      if (i >= 1) {
        const GatedTile& pt = g.tiles[i - 1];
        const bool side = c.kt_outer || !c.acc_last;
        const int64_t first_row = side ? int64_t(nt) * M : 0;
        const int64_t prev_last_row = (side ? int64_t(pt.nt) * M : 0) + M - 1;
        const bool prev_writes = !(pt.kt + 1 == kt_n && c.acc_last);
        const bool h = kt > 0 && prev_writes && prev_last_row == first_row;
        st = std::max(st, pt.e + 1 + (h ? 1 : 0));
      }
      g.tiles.push_back({w, st, st + M - 1, nt, kt, need});
    }
  }
  for (size_t j = 0; j < g.tiles.size(); ++j) {
    const GatedTile& t = g.tiles[j];
    const int64_t from = j == 0 ? 0 : g.tiles[j - 1].e + 1;
    const int64_t idle_from = j == 0 ? 0 : g.tiles[j - 1].wl + R;  // the loader free again
    for (int64_t cyc = from; cyc < t.s; ++cyc) {
      const bool q_wait =
          t.wl < cyc && cyc < t.s && t.kt + 1 == kt_n && c.acc_last && cyc < int64_t(c.tq);
      const bool b_wait = t.wl >= cyc && cyc >= idle_from && rows_at(cyc) < t.need;
      (q_wait || b_wait ? g.mwait : g.wstall) += 1;
    }
  }
  g.busy = uint64_t(g.tiles.back().e + R + C + p.RequantDepth + 1);
  return g;
}

}  // namespace

TEST_CASE("tile_ctrl: the gates and the K-tiles-outer order follow the documented schedule",
          "[tile_ctrl]") {
  std::mt19937_64 rng(test::test_seed("tile-ctrl-gates"));
  std::vector<TileCtrlParams> params;
  for (auto& r : runners()) params.push_back(r->params());
  params.push_back({8, 4, 64, 3, 1});
  params.push_back({4, 8, 64, 5, 2});
  int gated_waits = 0, q_waits_seen = 0;
  for (const TileCtrlParams& p : params) {
    for (int rep = 0; rep < 40; ++rep) {
      GatedCmd c;
      c.k = 1 + uint32_t(rng() % uint64_t(4 * p.Rows));
      // N-tiles' sums side by side: NT <= AccWords, M * NT <= AccWords.
      c.n = 1 + uint32_t(rng() % uint64_t(std::min(3, p.AccWords) * p.Cols));
      const uint32_t nt = (c.n + uint32_t(p.Cols) - 1) / uint32_t(p.Cols);
      c.m = 1 + uint32_t(rng() % uint64_t(std::max<uint32_t>(1, uint32_t(p.AccWords) / nt)));
      c.kt_outer = rng() % 2 == 0;
      c.acc_last = rng() % 4 != 0;
      c.kmaj = rng() % 2 == 0;
      const uint64_t step = rng() % 5, b0 = rng() % (c.k + 1);
      for (uint64_t t = 0;; ++t) {
        const uint64_t r = step == 0 ? c.k : b0 + t / step;
        c.rows.push_back(r >= c.k ? kAll : uint32_t(r));
        if (r >= c.k) break;
      }
      c.tq = rng() % (uint64_t(c.k) * 3 + 20);
      INFO("tile_ctrl Rows=" << p.Rows << " Cols=" << p.Cols << " AccWords=" << p.AccWords
                             << " WeightBanks=" << p.WeightBanks << "; " << c.m << "x" << c.n << "x"
                             << c.k << (c.kt_outer ? " kt-outer" : " nt-outer")
                             << (c.kmaj ? " k-major" : "") << " b step " << step << " from " << b0
                             << ", q at " << c.tq);
      const GatedSchedule g = gated_schedule(p, c);
      model::TileCtrl t(p);
      TileCtrlIn in;
      in.m_i = c.m;
      in.n_i = c.n;
      in.k_i = c.k;
      in.a_base_i = 3;
      in.b_base_i = 5;
      in.c_base_i = 7;
      in.acc_first_i = true;
      in.acc_last_i = c.acc_last;
      in.kt_outer_i = c.kt_outer;
      in.b_kmajor_i = c.kmaj;
      in.start_i = true;
      uint64_t busy = 0, mwait = 0, wstall = 0, compute = 0;
      size_t wl_tile = 0, s_tile = 0;
      uint32_t slot = 0;
      const uint32_t kt_n = (c.k + uint32_t(p.Rows) - 1) / uint32_t(p.Rows);
      for (uint64_t cyc = 0; cyc < g.busy + 8 * c.rows.size() + 400; ++cyc) {
        in.b_rows_i = c.rows[std::min<size_t>(cyc, c.rows.size() - 1)];
        in.q_ready_i = cyc >= c.tq;
        const model::TileCtrlOut o = t.out();
        if (cyc > 0 && o.busy_o) {
          const int64_t cc = int64_t(cyc) - 1;  // command cycle
          ++busy;
          mwait += o.ph_mwait_o;
          wstall += o.ph_wstall_o;
          compute += o.ph_compute_o;
          if (o.wl_issue_o) {
            if (o.wl_row_o == 0) {
              REQUIRE(wl_tile < g.tiles.size());
              CHECK(cc == g.tiles[wl_tile++].wl);
            }
            // B row r of tile (nt, kt), K row k = kt*Rows + r: b_base + nt*K + k, k-major
            // b_base + k*NT + nt (zero rows too).
            const GatedTile& x = g.tiles[wl_tile - 1];
            const uint64_t k = uint64_t(x.kt) * p.Rows + o.wl_row_o;
            const uint64_t ntn = (c.n + uint64_t(p.Cols) - 1) / uint64_t(p.Cols);
            CHECK(o.wl_addr_o == (c.kmaj ? 5 + k * ntn + x.nt : 5 + uint64_t(x.nt) * c.k + k));
          }
          if (o.s_issue_o) {
            REQUIRE(s_tile < g.tiles.size());
            const GatedTile& x = g.tiles[s_tile];
            if (slot == 0) CHECK(cc == x.s);
            // Slot j: A word a_base + j*KT + kt, C word c_base + j*NT + nt, accumulator row
            // nt*M + j in the K-tiles-outer order or without acc_last (N-tiles' sums side by
            // side), j otherwise.
            const uint32_t ntn = (c.n + uint32_t(p.Cols) - 1) / uint32_t(p.Cols);
            CHECK(o.s_addr_o == 3 + uint64_t(slot) * kt_n + x.kt);
            CHECK(o.s_caddr_o == 7 + uint64_t(slot) * ntn + x.nt);
            CHECK(o.s_nt_o == x.nt);
            CHECK(o.s_j_o == (c.kt_outer || !c.acc_last ? x.nt * c.m : 0) + slot);
            CHECK(o.s_first_o == (x.kt == 0));
            CHECK(o.s_last_o == (x.kt + 1 == kt_n && c.acc_last));
            if (++slot == c.m) {
              slot = 0;
              ++s_tile;
            }
          }
        }
        t.tick(in);
        in.start_i = false;
      }
      CHECK(wl_tile == g.tiles.size());
      CHECK(s_tile == g.tiles.size());
      CHECK(busy == g.busy);
      CHECK(compute == uint64_t(c.m) * g.tiles.size());
      CHECK(mwait == g.mwait);
      CHECK(wstall == g.wstall);
      gated_waits += mwait > 0;
      q_waits_seen += c.acc_last && c.tq > 0 && mwait > 0;
    }
  }
  // The stimulus exercised the gates (else the test is void).
  CHECK(gated_waits > 20);
  CHECK(q_waits_seen > 5);
}

namespace {

// One command of a back-to-back run (no gates).
struct B2bCmd {
  uint32_t m, n, k, a_base, b_base, c_base;
  bool acc_first, acc_last, kt_outer, kmaj;
};
struct B2bTile {
  size_t cmd;
  uint32_t nt, mb, kt, mi;  // mi: the tile's slots, M_i
  int64_t wl = 0, s = 0, e = 0;
};

}  // namespace

TEST_CASE("tile_ctrl: back-to-back commands follow the documented schedule", "[tile_ctrl]") {
  // docs/architecture.md, "Tile schedule" and "Back to back": each command is started in the
  // first cycle with ready_o = 1 after the one before started (the DMA's blocks). Recomputed
  // here: command c+1's start cycle r_{c+1} = max(e_c + 1, wl_c + Rows, e_{c-1} + TailLen + 1)
  // (e_c, wl_c: command c's last slot and last load; its own cycle 0 is r_{c+1} + 1; the last
  // term: at most one older tail counts), its tiles continue the
  // recurrence wl_i = max(wl_{i-1} + Rows, e_{i-NB} + Cols - 1, its cycle 0), s_i = max(wl_i + 1,
  // e_{i-1} + 1 + h_i), e_i = s_i + M_i - 1 over the tiles of all commands (the banks alternate
  // on; h_i = 1 when tile i's first slot reads the accumulator row tile i-1's last slot writes,
  // the tiles of one command or of two), and command c's done_o is in cycle e_c + TailLen + 1.
  std::mt19937_64 rng(test::test_seed("tile-ctrl-b2b"));
  std::vector<TileCtrlParams> params;
  for (auto& r : runners()) params.push_back(r->params());
  params.push_back({8, 4, 64, 3, 1});
  params.push_back({4, 8, 16, 5, 2});
  const auto cdiv = [](uint64_t a, uint64_t b) { return (a + b - 1) / b; };
  int overlaps_seen = 0, short_seen = 0;
  for (const TileCtrlParams& p : params) {
    const int64_t R = p.Rows, C = p.Cols, tail_len = R + C + p.RequantDepth;
    const int64_t out_len = p.RequantDepth + 1;
    for (int rep = 0; rep < 25; ++rep) {
      std::vector<B2bCmd> cmds;
      const int count = 2 + int(rng() % 4);
      for (int c = 0; c < count; ++c) {
        B2bCmd x;
        x.k = 1 + uint32_t(rng() % uint64_t(3 * p.Rows));
        x.n = 1 + uint32_t(rng() % uint64_t(3 * p.Cols));
        const uint64_t nt = cdiv(x.n, uint64_t(p.Cols));
        x.acc_first = rng() % 4 != 0;
        x.acc_last = rng() % 4 != 0;
        x.kt_outer = x.acc_first && x.acc_last && rng() % 2 == 0;
        const bool side = x.kt_outer || !(x.acc_first && x.acc_last);  // N-tiles side by side
        if (side && nt > uint64_t(p.AccWords)) x.n = uint32_t(p.Cols), x.kt_outer = false;
        const uint64_t ntn = cdiv(x.n, uint64_t(p.Cols));
        const uint64_t mmax =
            side ? std::max<uint64_t>(1, uint64_t(p.AccWords) / ntn) : uint64_t(2 * p.AccWords + 3);
        // Short commands now and then (one slot), whose tail outlasts the next one's slots.
        x.m = rng() % 4 == 0 ? 1 : 1 + uint32_t(rng() % mmax);
        if (rng() % 4 == 0)
          x.k = std::min<uint32_t>(x.k, uint32_t(p.Rows)),
          x.n = std::min<uint32_t>(x.n, uint32_t(p.Cols));
        x.a_base = uint32_t(rng() % 32);
        x.b_base = uint32_t(rng() % 32);
        x.c_base = uint32_t(rng() % 32);
        x.kmaj = rng() % 2 == 0;
        cmds.push_back(x);
      }
      // The expected schedule.
      std::vector<B2bTile> tiles;
      std::vector<int64_t> cyc0(cmds.size()), e_last(cmds.size()), done_at(cmds.size());
      std::vector<int64_t> wl_last(cmds.size());
      for (size_t c = 0; c < cmds.size(); ++c) {
        const B2bCmd& x = cmds[c];
        if (c == 0) {
          cyc0[c] = 0;
        } else {
          int64_t r = std::max(e_last[c - 1] + 1, wl_last[c - 1] + R);
          if (c >= 2) r = std::max(r, e_last[c - 2] + tail_len + 1);
          cyc0[c] = r + 1;
        }
        const uint32_t kt_n = uint32_t(cdiv(x.k, uint64_t(p.Rows)));
        const uint32_t nt_n = uint32_t(cdiv(x.n, uint64_t(p.Cols)));
        const uint32_t mb_n = uint32_t(cdiv(x.m, uint64_t(p.AccWords)));
        std::vector<B2bTile> mine;
        if (x.kt_outer) {
          for (uint32_t kt = 0; kt < kt_n; ++kt)
            for (uint32_t nt = 0; nt < nt_n; ++nt) mine.push_back({c, nt, 0, kt, x.m});
        } else {
          for (uint32_t nt = 0; nt < nt_n; ++nt)
            for (uint32_t mb = 0; mb < mb_n; ++mb)
              for (uint32_t kt = 0; kt < kt_n; ++kt)
                mine.push_back(
                    {c, nt, mb, kt,
                     std::min<uint32_t>(uint32_t(p.AccWords), x.m - mb * uint32_t(p.AccWords))});
        }
        for (B2bTile t : mine) {
          const size_t i = tiles.size();
          int64_t w = cyc0[c];
          if (i >= 1) w = std::max(w, tiles[i - 1].wl + R);
          if (i >= size_t(p.WeightBanks))
            w = std::max(w, tiles[i - size_t(p.WeightBanks)].e + C - 1);
          int64_t st = w + 1;
          if (i >= 1) {
            // Accumulator rows: nt*M + j with the N-tiles side by side, else j of the M-block; a
            // slot reads its row unless of kt = 0 with acc_first, writes it unless of the last
            // K-tile with acc_last.
            const B2bTile& pt = tiles[i - 1];
            const B2bCmd& px = cmds[pt.cmd];
            const auto base = [&](const B2bCmd& y, const B2bTile& u) {
              const bool side = y.kt_outer || !(y.acc_first && y.acc_last);
              return side ? int64_t(u.nt) * int64_t(y.m) : 0;
            };
            const uint32_t pkt_n = uint32_t(cdiv(px.k, uint64_t(p.Rows)));
            const bool prev_writes = !(pt.kt + 1 == pkt_n && px.acc_last);
            const bool reads = !(t.kt == 0 && x.acc_first);
            const bool h = prev_writes && reads && base(px, pt) + int64_t(pt.mi) - 1 == base(x, t);
            st = std::max(st, pt.e + 1 + (h ? 1 : 0));
          }
          t.wl = w;
          t.s = st;
          t.e = st + int64_t(t.mi) - 1;
          tiles.push_back(t);
        }
        e_last[c] = tiles.back().e;
        wl_last[c] = tiles.back().wl;
        done_at[c] = e_last[c] + tail_len + 1;
      }
      const int64_t busy_end = e_last.back() + tail_len;  // the last busy cycle
      // Run the twin, starting each command in the first cycle after the one before started in
      // which ready_o = 1; check every issue and phase against the schedule.
      std::string desc;
      for (const B2bCmd& x : cmds) {
        desc += fmt::format(" {}x{}x{}{}{}{}", x.m, x.n, x.k, x.kt_outer ? " kt-outer" : "",
                            x.acc_first ? "" : " add", x.acc_last ? "" : " keep");
      }
      INFO("tile_ctrl Rows=" << p.Rows << " Cols=" << p.Cols << " AccWords=" << p.AccWords
                             << " WeightBanks=" << p.WeightBanks << ", commands" << desc);
      model::TileCtrl t(p);
      TileCtrlIn in;
      in.b_rows_i = kAll;
      in.q_ready_i = true;
      size_t next = 0, wl_tile = 0, s_tile = 0, dones = 0;
      uint32_t slot = 0;
      std::vector<int64_t> started;
      for (int64_t g = -1; g <= busy_end + 3; ++g) {  // g: global cycle (0: command 0's cycle 0)
        const model::TileCtrlOut o = t.out();
        if (g >= 0) {
          INFO("cycle " << g);
          CHECK(o.busy_o == (g <= busy_end));
          if (o.done_o) {
            REQUIRE(dones < cmds.size());
            CHECK(g == done_at[dones]);
            ++dones;
          }
          if (o.wl_issue_o) {
            if (o.wl_row_o == 0) {
              REQUIRE(wl_tile < tiles.size());
              CHECK(g == tiles[wl_tile++].wl);
            }
            const B2bTile& x = tiles[wl_tile - 1];
            const B2bCmd& cx = cmds[x.cmd];
            CHECK(o.wl_bank_o == (p.WeightBanks == 2 && (wl_tile - 1) % 2 == 1));
            // K row k = kt*Rows + r: b_base + nt*K + k, k-major b_base + k*NT + nt.
            const uint64_t k = uint64_t(x.kt) * p.Rows + o.wl_row_o;
            const uint64_t ntn = cdiv(cx.n, uint64_t(p.Cols));
            CHECK(o.wl_addr_o ==
                  (cx.kmaj ? cx.b_base + k * ntn + x.nt : cx.b_base + uint64_t(x.nt) * cx.k + k));
          }
          bool slot_cycle = false;
          if (o.s_issue_o) {
            REQUIRE(s_tile < tiles.size());
            const B2bTile& x = tiles[s_tile];
            const B2bCmd& cx = cmds[x.cmd];
            const uint64_t ktn = cdiv(cx.k, uint64_t(p.Rows)), ntn = cdiv(cx.n, uint64_t(p.Cols));
            const uint64_t m = uint64_t(x.mb) * p.AccWords + slot;
            if (slot == 0) CHECK(g == x.s);
            CHECK(o.s_addr_o == cx.a_base + m * ktn + x.kt);
            CHECK(o.s_caddr_o == cx.c_base + m * ntn + x.nt);
            const bool side = cx.kt_outer || !(cx.acc_first && cx.acc_last);
            CHECK(o.s_j_o == (side ? x.nt * cx.m : 0) + slot);
            CHECK(o.s_first_o == (x.kt == 0 && cx.acc_first));
            CHECK(o.s_last_o == (x.kt + 1 == ktn && cx.acc_last));
            slot_cycle = true;
            if (++slot == x.mi) {
              slot = 0;
              ++s_tile;
            }
          }
          // The phase: a slot (COMPUTE); no slot while a command has slots left (WSTALL); else
          // the tail of the last command whose slots all issued (DRAIN, OUTPUT).
          if (g <= busy_end) {
            size_t cur = 0;  // the latest command started by now (its cycle 0 <= g)
            for (size_t c = 0; c < cmds.size(); ++c) {
              if (cyc0[c] <= g) cur = c;
            }
            const bool slots_left = g <= e_last[cur];
            CHECK(o.ph_compute_o == slot_cycle);
            CHECK(o.ph_wstall_o == (!slot_cycle && slots_left));
            const int64_t tail = slots_left ? 0 : tail_len - (g - e_last[cur] - 1);
            CHECK(o.ph_drain_o == (!slots_left && tail > out_len));
            CHECK(o.ph_output_o == (!slots_left && tail <= out_len));
          }
        }
        // Start command `next` in the first cycle (after the one before started) with ready_o.
        in.start_i = false;
        if (next < cmds.size() && o.ready_o) {
          const B2bCmd& x = cmds[next];
          in.start_i = true;
          in.m_i = x.m;
          in.n_i = x.n;
          in.k_i = x.k;
          in.a_base_i = x.a_base;
          in.b_base_i = x.b_base;
          in.c_base_i = x.c_base;
          in.acc_first_i = x.acc_first;
          in.acc_last_i = x.acc_last;
          in.kt_outer_i = x.kt_outer;
          in.b_kmajor_i = x.kmaj;
          INFO("start of command " << next);
          CHECK(g + 1 == cyc0[next]);
          started.push_back(g + 1);
          overlaps_seen += next > 0;
          short_seen += next >= 2 && e_last[next - 2] + tail_len + 1 >
                                         std::max(e_last[next - 1] + 1, wl_last[next - 1] + R);
          ++next;
        }
        t.tick(in);
      }
      CHECK(next == cmds.size());
      CHECK(wl_tile == tiles.size());
      CHECK(s_tile == tiles.size());
      CHECK(dones == cmds.size());
    }
  }
  // The runs had overlaps, and starts held back by an older tail (else the test is void).
  CHECK(overlaps_seen > 50);
  CHECK(short_seen > 5);
}

TEST_CASE("tile_ctrl: commands of 2^24 - 1 columns or rows of K run to their end",
          "[.][tile_ctrl][extreme]") {
  // Hidden (scripts/coverage.sh --extreme runs it): on every tile_ctrl build, in lockstep with
  // the twin, host commands that walk tile_ctrl's 24-bit counters to the top, run to done_o:
  //   - M = 1, N = 2^24 - 1, K = Rows: ceil(N / Cols) N-tiles (2^20 on t16x16, 2^22 on t4x4);
  //   - M = 1, N = Cols, K = 2^24 - 1: ceil(K / Rows) K-tiles, the last of K mod Rows rows.
  // Expected from docs/architecture.md ("Tile schedule"), recomputed here tile by tile:
  // wl_0 = 0, wl_i = max(wl_{i-1} + Rows, e_{i-NB} + Cols - 1), s_i = max(wl_i + 1,
  // e_{i-1} + 1 + h_i), e_i = s_i + M_i - 1 (h_i = 1 between consecutive K-tiles of the one-row
  // M-block), and the command busy until e_last + Rows + Cols + RequantDepth, done_o one cycle
  // later; every slot's A word a_base + m*KT + kt, C word c_base + m*NT + nt and N-tile nt, and
  // every weight row's B word b_base + nt*K + kt*Rows + r, all saturating at 2^21 - 1, checked on
  // the RTL's outputs in every cycle.
  constexpr uint64_t kTop = (uint64_t{1} << 21) - 1;
  const auto top = [&](uint64_t a) { return std::min(a, kTop); };
  const auto cdiv = [](uint64_t a, uint64_t b) { return (a + b - 1) / b; };
  constexpr uint32_t kMax = (uint32_t{1} << 24) - 1;
  const auto rs = runners();
  int builds = 0;
  for (Runner* r : test::extreme_runners(rs)) {  // (block_select.h)
    ++builds;
    const TileCtrlParams& p = r->params();
    const uint64_t R = uint64_t(p.Rows), C = uint64_t(p.Cols), NB = uint64_t(p.WeightBanks);
    for (int cmd = 0; cmd < 2; ++cmd) {
      TileCtrlIn in;
      in.m_i = 1;
      in.n_i = cmd == 0 ? kMax : uint32_t(C);
      in.k_i = cmd == 0 ? uint32_t(R) : kMax;
      in.a_base_i = 5;
      in.b_base_i = 7;
      in.c_base_i = 11;
      in.acc_first_i = in.acc_last_i = true;
      in.kt_outer_i = false;
      in.b_rows_i = kAll;
      in.q_ready_i = true;
      INFO("tile_ctrl Rows=" << p.Rows << " Cols=" << p.Cols << " WeightBanks=" << p.WeightBanks
                             << ", command 1x" << in.n_i << "x" << in.k_i);
      const uint64_t kt_n = cdiv(in.k_i, R), nt_n = cdiv(in.n_i, C), tiles = kt_n * nt_n;
      // The expected schedule: the last slot's cycle (e of the last tile).
      int64_t e_last = 0;
      {
        std::vector<int64_t> e(NB + 1, 0);  // e_{i-1} .. e_{i-NB} as a ring
        int64_t wl = 0;
        for (uint64_t i = 0; i < tiles; ++i) {
          if (i > 0) {
            wl += int64_t(R);
            if (i >= NB) wl = std::max(wl, e[(i - NB) % (NB + 1)] + int64_t(C) - 1);
          }
          const int64_t h = (i > 0 && kt_n > 1) ? 1 : 0;  // one-row M-block, K-tiles in a row
          const int64_t s_i = i == 0 ? wl + 1 : std::max(wl + 1, e[(i - 1) % (NB + 1)] + 1 + h);
          e[i % (NB + 1)] = s_i;  // M_i = 1
          e_last = s_i;
        }
      }
      const uint64_t busy_want = uint64_t(e_last) + R + C + uint64_t(p.RequantDepth) + 1;
      r->reset();
      uint64_t cyc = 0, busy = 0, slots = 0, rows = 0, done_at = 0, bad = 0;
      int64_t last_slot = -1;
      std::string first_bad;
      auto note = [&](const char* what, uint64_t got, uint64_t want) {
        if (got == want) return;
        if (bad++ == 0) first_bad = fmt::format("cycle {}: {} {} != {}", cyc, what, got, want);
      };
      TileCtrlIn x = in;
      x.start_i = true;
      const uint64_t limit = busy_want + 16;
      for (; cyc < limit; ++cyc) {
        if (auto d = r->step(x)) FAIL(*d);
        x.start_i = false;
        const model::TileCtrlOut& o = r->rtl_out();
        if (cyc == 0) continue;  // the start cycle (idle)
        busy += o.busy_o;
        if (o.done_o && done_at == 0) done_at = cyc;
        if (o.wl_issue_o) {
          const uint64_t t = rows / R, nt = t / kt_n, kt = t % kt_n;
          note("wl_addr_o", o.wl_addr_o, top(in.b_base_i + nt * in.k_i + kt * R + o.wl_row_o));
          note("wl_row_o", o.wl_row_o, rows % R);
          ++rows;
        }
        if (o.s_issue_o) {
          const uint64_t nt = slots / kt_n, kt = slots % kt_n;  // one slot a tile (M = 1)
          note("s_addr_o", o.s_addr_o, top(in.a_base_i + kt));
          note("s_caddr_o", o.s_caddr_o, top(in.c_base_i + nt));
          note("s_nt_o", o.s_nt_o, nt);
          last_slot = int64_t(cyc) - 1;  // cycle 0 is the first busy cycle
          ++slots;
        }
      }
      INFO(first_bad);
      CHECK(bad == 0);
      CHECK(slots == tiles);
      CHECK(rows == tiles * R);
      CHECK(last_slot == e_last);
      CHECK(busy == busy_want);
      CHECK(done_at == busy_want + 1);  // (cyc counts the start cycle: cycle 0 is cyc 1)
    }
  }
  CHECK(builds >= 1);
}
