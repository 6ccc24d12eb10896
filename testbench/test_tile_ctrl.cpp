// tile_ctrl's C++ twin (model/tile_ctrl.h) against the verilated rtl/tile_ctrl.sv, every output
// port in every cycle: under random commands (sizes with remainders, empty commands, starts while
// busy, idle gaps) on every built configuration, and under the exact inputs the engine gives it
// (recorded from the model engine running GEMMs through the host driver).
#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "engine_check.h"
#include "module_lockstep.h"
#include "test_seed.h"
#include "tile_ctrl.h"
#include "tile_ctrl_configs.h"

using namespace systolic;
using model::TileCtrlIn;
using model::TileCtrlParams;

namespace {

struct Runner {
  virtual ~Runner() = default;
  virtual const TileCtrlParams& params() const = 0;
  // Runs the inputs through RTL and twin; the first difference, or "".
  virtual std::string run(const std::vector<TileCtrlIn>& ins) = 0;
  virtual uint64_t busy_cycles() const = 0;
};

template <class V>
struct RunnerImpl final : Runner {
  explicit RunnerImpl(const TileCtrlParams& p) : p_(p), ls_(p) {}
  const TileCtrlParams& params() const override { return p_; }
  std::string run(const std::vector<TileCtrlIn>& ins) override {
    ls_.reset();
    busy_ = 0;
    for (const TileCtrlIn& in : ins) {
      busy_ += ls_.twin().out().busy_o;
      if (auto e = ls_.step(in)) return *e;
    }
    return "";
  }
  uint64_t busy_cycles() const override { return busy_; }
  TileCtrlParams p_;
  test::ModuleLockstep<V, model::TileCtrl, TileCtrlIn, model::TileCtrlOut, TileCtrlParams> ls_;
  uint64_t busy_ = 0;
};

#define SYSTOLIC_TILE_CTRL_RUNNER(Class, name, Rows, Cols, AccWords, RequantDepth, WeightBanks) \
  [] {                                                                                          \
    TileCtrlParams p{Rows, Cols, AccWords, RequantDepth, WeightBanks};                          \
    return std::unique_ptr<Runner>(std::make_unique<RunnerImpl<Class>>(p));                     \
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
// inputs change only while idle (the contract), start_i pulses also while busy (ignored).
std::vector<TileCtrlIn> random_stimulus(const TileCtrlParams& p, std::mt19937_64& rng,
                                        int commands) {
  std::vector<TileCtrlIn> ins;
  TileCtrlIn in;
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
    for (int g = int(rng() % 3); g > 0; --g) ins.push_back(in);  // idle cycles
    in.start_i = true;
    ins.push_back(in);
    in.start_i = false;
    // Enough cycles for the command (each tile takes at most max(M_i, Rows) + Rows + Cols + 1
    // cycles), and a few more; start pulses while busy are ignored.
    const auto cdiv = [](uint64_t a, uint64_t b) { return (a + b - 1) / b; };
    const uint64_t mi = std::min<uint64_t>(in.m_i, uint64_t(p.AccWords));
    const uint64_t tiles = cdiv(in.m_i, uint64_t(p.AccWords)) * cdiv(in.n_i, uint64_t(p.Cols)) *
                           cdiv(in.k_i, uint64_t(p.Rows));
    const uint64_t len = tiles * (std::max<uint64_t>(mi, uint64_t(p.Rows)) + p.Rows + p.Cols + 1) +
                         uint64_t(p.Rows + p.Cols + p.RequantDepth) + 4;
    // Start pulses only while the command is surely still busy: an empty command is busy for one
    // cycle, any other for at least its tail. (A pulse after done would start a command whose
    // inputs then change while it runs, breaking the contract.)
    const bool empty = in.m_i == 0 || in.n_i == 0 || in.k_i == 0;
    const uint64_t surely_busy = empty ? 1 : uint64_t(p.Rows + p.Cols + p.RequantDepth);
    for (uint64_t t = 0; t < len; ++t) {
      in.start_i = t < surely_busy && rng() % 8 == 0;
      ins.push_back(in);
    }
    in.start_i = false;
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
  SYSTOLIC_CMP(wl_mrem_q);
  SYSTOLIC_CMP(wl_nrem_q);
  SYSTOLIC_CMP(wl_addr_q);
  SYSTOLIC_CMP(wl_ntbase_q);
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
  SYSTOLIC_CMP(s_addr_q);
  SYSTOLIC_CMP(s_kbase_q);
  SYSTOLIC_CMP(s_caddr_q);
  SYSTOLIC_CMP(s_cblk_q);
  SYSTOLIC_CMP(s_cbase_q);
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
      if (t > 0 && a.out().busy_o) {  // the stimulus keeps the contract, or the test is void
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
