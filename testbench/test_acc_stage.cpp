// acc_stage's C++ twin (model/acc_stage.h) against the verilated rtl/acc_stage.sv, every output
// port in every cycle: under random slots (back to back, with gaps, the same accumulator row on
// consecutive cycles where the contract allows it: the later slot's first K-tile or the earlier
// one's last, never a read of the row written at the same edge (RowApart_A); first and last
// K-tiles in any order, random partial sums and output-stage parameters in the contract), on
// every built configuration; and under the exact inputs the engine gives it (recorded from the
// model engine running GEMMs through the host driver).
#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "acc_stage.h"
#include "acc_stage_configs.h"
#include "engine_check.h"
#include "module_lockstep.h"
#include "test_seed.h"

using namespace systolic;
using model::AccStageIn;
using model::AccStageParams;

namespace {

struct Runner {
  virtual ~Runner() = default;
  virtual const AccStageParams& params() const = 0;
  virtual std::string run(const std::vector<AccStageIn>& ins) = 0;
  virtual uint64_t c_writes() const = 0;
};

template <class V>
struct RunnerImpl final : Runner {
  explicit RunnerImpl(const AccStageParams& p) : p_(p), ls_(p) {}
  const AccStageParams& params() const override { return p_; }
  std::string run(const std::vector<AccStageIn>& ins) override {
    ls_.reset();
    writes_ = 0;
    for (const AccStageIn& in : ins) {
      if (auto e = ls_.step(in)) return *e;
      writes_ += ls_.twin().out().c_wr_en_o;
    }
    return "";
  }
  uint64_t c_writes() const override { return writes_; }
  AccStageParams p_;
  test::ModuleLockstep<V, model::AccStage, AccStageIn, model::AccStageOut, AccStageParams> ls_;
  uint64_t writes_ = 0;
};

#define SYSTOLIC_ACC_RUNNER(Class, name, Rows, Cols, AccWords, RequantDepth) \
  [] {                                                                       \
    AccStageParams p{Rows, Cols, AccWords, RequantDepth};                    \
    return std::unique_ptr<Runner>(std::make_unique<RunnerImpl<Class>>(p));  \
  },
std::vector<std::unique_ptr<Runner>> runners() {
  using Make = std::unique_ptr<Runner> (*)();
  const Make makes[] = {SYSTOLIC_ACC_STAGE_CONFIGS(SYSTOLIC_ACC_RUNNER)};
  std::vector<std::unique_ptr<Runner>> r;
  for (Make m : makes) r.push_back(m());
  return r;
}
#undef SYSTOLIC_ACC_RUNNER

std::vector<AccStageIn> random_stimulus(const AccStageParams& p, std::mt19937_64& rng, int cycles) {
  std::vector<AccStageIn> ins;
  AccStageIn in(p);
  uint32_t j = 0;
  bool prev_writes = false;  // the slot of the cycle before writes row j (issued, not last)
  for (int t = 0; t < cycles; ++t) {
    if (rng() % 200 == 0) {  // new output-stage parameters now and then
      // Low bases, and bases near the top of the 20-bit field (with a large N-tile the BIAS
      // word q_base + nt saturates at iface::kAddrSat).
      in.q_base_i = rng() % 2 ? uint32_t(rng() % 1024) : uint32_t((1u << 20) - 1 - rng() % 1024);
      in.zp_out_i = (uint32_t(rng() % 41) + 236u) & 0xffu;  // -20 .. 20
      const int lo = -128 + int(rng() % 100);
      in.act_min_i = uint32_t(lo) & 0xffu;
      in.act_max_i = uint32_t(lo + int(rng() % uint64_t(128 - lo))) & 0xffu;
      in.rounding_i = rng() & 1;
    }
    in.s_issue_i = rng() % 4 != 0;
    in.s_first_i = rng() % 3 == 0;
    in.s_last_i = rng() % 2 == 0;
    // Mostly the next row, sometimes the same one again, sometimes any; a slot that would read
    // the row the slot before writes (acc_stage's contract forbids it) takes its first K-tile.
    const uint32_t r = uint32_t(rng() % 8);
    const uint32_t j_before = j;
    j = r == 0   ? j
        : r == 1 ? uint32_t(rng() % uint64_t(p.AccWords))
                 : (j + 1) % uint32_t(p.AccWords);
    if (in.s_issue_i && !in.s_first_i && prev_writes && j == j_before) in.s_first_i = true;
    prev_writes = in.s_issue_i && !in.s_last_i;
    in.s_j_i = j;
    in.s_nt_i = rng() % 8 ? uint32_t(rng() % 16) : uint32_t(rng() % (1u << iface::kDimWidth));
    in.s_nv_i = uint32_t(1 + rng() % uint64_t(p.Cols));
    in.s_caddr_i = uint32_t(rng() % (uint64_t{1} << iface::kAddrWidth));
    for (int c = 0; c < p.Cols; ++c) {
      in.psum_i[size_t(c)] = int32_t(uint32_t(rng()));
      in.bias_i[size_t(c)] = int32_t(int64_t(rng() % 2000001) - 1000000);
      in.m0_i[size_t(c)] = int32_t((1u << 30) + uint32_t(rng() % (1u << 30)));
      in.shift_i[size_t(c)] = int32_t(uint32_t(int(rng() % 62) - 31) & 0x3fu);
    }
    ins.push_back(in);
  }
  return ins;
}

}  // namespace

TEST_CASE("acc_stage: twin equals RTL on every port under random slots", "[acc_stage]") {
  std::mt19937_64 rng(test::test_seed("acc-stage-random"));
  for (auto& r : runners()) {
    const AccStageParams& p = r->params();
    INFO("acc_stage Rows=" << p.Rows << " Cols=" << p.Cols << " AccWords=" << p.AccWords
                           << " RequantDepth=" << p.RequantDepth);
    const std::string diff = r->run(random_stimulus(p, rng, 50000));
    INFO(diff);
    REQUIRE(diff.empty());
    CHECK(r->c_writes() > 10000);  // the random slots wrote C often
  }
}

TEST_CASE("acc_stage: twin equals RTL under the engine's own inputs", "[acc_stage]") {
  std::mt19937_64 rng(test::test_seed("acc-stage-engine"));
  for (auto& r : runners()) {
    const AccStageParams& p = r->params();
    model::TopParams tp;
    tp.Rows = p.Rows;
    tp.Cols = p.Cols;
    tp.AccWords = p.AccWords;
    tp.RequantDepth = p.RequantDepth;
    tp.AWords = tp.BWords = tp.CWords = 4096;
    tp.QWords = 16;
    test::RecordingPort<AccStageIn> rec(tp, [](model::SystolicTop& t) {
      return t.acc_ticked() ? std::optional(t.acc_in()) : std::nullopt;
    });
    uint64_t rows_written = 0;
    for (auto [m, n, k] : {std::tuple{2 * p.Rows + 1, p.Cols + 3, 3 * p.Rows - 1},
                           {3 * p.AccWords + 1, 2, 2 * p.Rows + 1},
                           {1, 1, 1}}) {
      sim::HostDriver drv(rec);
      sim::RunStats st;
      const sim::GemmJob job = test::random_job(rng, m, n, k);
      REQUIRE(drv.run(job, st) == test::reference(job));
      rows_written += uint64_t(m) * uint64_t((n + p.Cols - 1) / p.Cols);
    }
    INFO("acc_stage Rows=" << p.Rows << " Cols=" << p.Cols << " AccWords=" << p.AccWords);
    const std::string diff = r->run(rec.ins());
    INFO(diff);
    REQUIRE(diff.empty());
    CHECK(r->c_writes() == rows_written);  // one C write per row of C per N-tile
  }
}

TEST_CASE("acc_stage: the twin refuses a read of the row written at the same edge", "[acc_stage]") {
  // The twin's mirror of RowApart_A (test_assertions: the RTL's): two slots of row 2 in
  // consecutive cycles, the first writing it (not its last K-tile), the second reading it (not
  // its first). Legal neighbours (another row, a first K-tile, a last one before) run through.
  const AccStageParams p{4, 4, 8, 3};
  auto run = [&p](uint32_t j2, bool first2, bool last1) {
    model::AccStage acc(p);
    AccStageIn in(p);
    in.m0_i.assign(4, 1 << 30);
    in.s_nv_i = 4;
    for (int t = 0; t < p.Rows + p.Cols + p.RequantDepth + 6; ++t) {
      in.s_issue_i = t < 2;
      in.s_first_i = t == 0 || first2;
      in.s_last_i = t == 0 ? last1 : true;
      in.s_j_i = t == 0 ? 2 : j2;
      acc.eval(in);
      acc.tick(in);
    }
  };
  CHECK_NOTHROW(run(3, false, false));
  CHECK_NOTHROW(run(2, true, false));
  CHECK_NOTHROW(run(2, false, true));
  CHECK_THROWS_WITH(run(2, false, false), Catch::Contains("RowApart_A"));
}
