// dma's C++ twin (model/dma.h) against the verilated rtl/dma.sv alone, every output port in every
// cycle, under the exact inputs the engine gives it: recorded from the model engine running
// memory commands (several blocks, both loop orders, slow, fast and stalling memory, misaligned
// tensors) and refused ones, on every built dma configuration.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "block_select.h"
#include "dma.h"
#include "dma_configs.h"
#include "dram.h"
#include "engine_check.h"
#include "module_lockstep.h"
#include "test_seed.h"

using namespace systolic;
using model::DmaIn;
using model::DmaParams;

namespace {

struct Runner {
  virtual ~Runner() = default;
  virtual const DmaParams& params() const = 0;
  // The first difference, or "". reset_at: the input indices before which both are reset again.
  virtual std::string run(const std::vector<DmaIn>& ins,
                          const std::vector<size_t>& reset_at = {}) = 0;
  virtual uint64_t tile_starts() const = 0;
  virtual const std::string& name() const = 0;
  // Streaming use (runs too long to record): reset both, then one cycle at a time; step()
  // returns the first difference, rtl_out() the RTL's outputs it sampled.
  virtual void reset() = 0;
  virtual std::optional<std::string> step(const DmaIn& in) = 0;
  virtual const model::DmaOut& rtl_out() const = 0;
};

template <class V>
struct RunnerImpl final : Runner {
  RunnerImpl(const DmaParams& p, std::string name) : p_(p), name_(std::move(name)), ls_(p) {}
  const DmaParams& params() const override { return p_; }
  const std::string& name() const override { return name_; }
  void reset() override { ls_.reset(); }
  std::optional<std::string> step(const DmaIn& in) override { return ls_.step(in); }
  const model::DmaOut& rtl_out() const override { return ls_.rtl_out(); }
  std::string run(const std::vector<DmaIn>& ins,
                  const std::vector<size_t>& reset_at = {}) override {
    // tile_start_o of every cycle (the reset state's is 0), the one after the last input too.
    starts_ = 0;
    const std::string diff =
        ls_.run(ins, reset_at, [&](size_t) { starts_ += ls_.twin().out().tile_start_o; });
    starts_ += ls_.twin().out().tile_start_o;
    return diff;
  }
  uint64_t tile_starts() const override { return starts_; }
  DmaParams p_;
  std::string name_;
  test::ModuleLockstep<V, model::Dma, DmaIn, model::DmaOut, DmaParams> ls_;
  uint64_t starts_ = 0;
};

#define SYSTOLIC_DMA_RUNNER(Class, name, Rows, Cols, AWords, BWords, CWords, QWords, AccWords, \
                            MemBytesLog2)                                                      \
  [] {                                                                                         \
    DmaParams p{Rows, Cols, AWords, BWords, CWords, QWords, AccWords, MemBytesLog2};           \
    return std::unique_ptr<Runner>(std::make_unique<RunnerImpl<Class>>(p, name));              \
  },
std::vector<std::unique_ptr<Runner>> runners() {
  using Make = std::unique_ptr<Runner> (*)();
  const Make makes[] = {SYSTOLIC_DMA_CONFIGS(SYSTOLIC_DMA_RUNNER)};
  std::vector<std::unique_ptr<Runner>> r;
  for (Make m : makes) r.push_back(m());
  return r;
}
#undef SYSTOLIC_DMA_RUNNER

}  // namespace

TEST_CASE("dma: twin equals RTL under the engine's own inputs", "[dma][rtl]") {
  std::mt19937_64 rng(test::test_seed("dma-unit-engine"));
  for (auto& r : runners()) {
    const DmaParams& p = r->params();
    // The shipped arrays' own DMAs (t4x4, t16x16: half a million words of A) would take the last
    // shape at K over 2^17 and record millions of cycles: they run the streaming case below.
    if (r->name().front() == 't') continue;
    model::TopParams tp = test::top_params_for(p);
    tp.Int4 = 1;          // the engine around it takes w4a8 (the last shape: A in word pairs)
    uint64_t blocks = 0;  // tile_ctrl's commands in the engine: its done_o pulses
    test::RecordingPort<DmaIn> rec(tp, [&blocks](model::SystolicTop& t) {
      t.record_dma(true);
      blocks += t.ctrl().out().done_o;
      return t.dma_ticked() ? std::optional(t.dma_in()) : std::nullopt;
    });
    // The last: K-chunks (K beyond half of B) of one more N-tile than a panel may hold (half of
    // Q, or the K-tiles of half of B): the panels are balanced where that N-tile count allows.
    const int nt_most = std::min(p.QWords / 2, p.BWords / 2 / p.Rows);
    const int shapes[][3] = {{3 * p.Rows + 1, 4 * p.Cols + 3, 2 * p.Rows + 5},
                             {40, 100, 20},
                             {100, 9, 30},
                             {1, 1, 1},
                             {2, p.Cols * (nt_most + 1), p.BWords / 2 + p.Rows + 1}};
    // (The balanced shape first: the refused commands below keep the registers of the w4a8
    // shape's run, the last, that are not written again.)
    for (int j = 0; j < 6; ++j) {
      const int i = (j + 5) % 6;
      const auto& s = shapes[i < 5 ? i % 4 : 4];
      sim::DramConfig dc;
      dc.bytes_per_cycle = i == 0 ? 3.0 : i == 1 ? 0.0 : 16.0;
      dc.latency = 1 + int(rng() % 60);
      dc.outstanding = 1 + int(rng() % 64);
      dc.stall = i == 2 ? 0.3 : 0.0;
      dc.seed = rng();
      sim::Dram dram(dc, 1 << p.MemBytesLog2);
      sim::DramPort port(rec, dram);
      sim::HostDriver drv(port);
      drv.set_memory(&dram, uint32_t(rng() % 64));
      sim::RunStats st;
      const sim::GemmJob job =
          test::random_job(rng, s[0], s[1], s[2] + (i == 4 ? 3 * p.Rows : 0),
                           i == 4 ? quant::Precision::kW4A8 : quant::Precision::kInt8);
      REQUIRE(drv.run(job, st) == sim::reference_gemm(job));
    }
    // Refused commands (C over A; a tensor past the end of memory) and an empty one, through
    // the host port: the check cycle and the refusal codes.
    for (int bad = 0; bad < 3; ++bad) {
      sim::Dram dram(sim::DramConfig{}, 1 << p.MemBytesLog2);
      sim::DramPort port(rec, dram);
      auto write = [&](model::addr::Reg r, uint32_t v) {
        model::TopIn in;
        in.host_req_i = in.host_we_i = true;
        in.host_addr_i = model::addr::reg(r);
        in.host_wdata_i = v;
        port.clock(in);
      };
      write(model::addr::kM, 4);
      write(model::addr::kN, 4);
      write(model::addr::kK, bad == 2 ? 0 : 4);
      write(model::addr::kDramA, 0);
      write(model::addr::kDramC, bad == 0 ? 8 : 0xfffffff0u);
      write(model::addr::kLdA, 4);
      write(model::addr::kLdC, 4);
      write(model::addr::kCtrl, 2);
      REQUIRE(port.wait_done(100));
    }
    INFO("dma Rows=" << p.Rows << " Cols=" << p.Cols << " MemBytesLog2=" << p.MemBytesLog2 << ", "
                     << rec.ins().size() << " cycles");
    const std::string diff = r->run(rec.ins());
    INFO(diff);
    REQUIRE(diff.empty());
    CHECK(r->tile_starts() == blocks);  // the replay started as many tile commands as the engine
    CHECK(blocks > 4);                  // several blocks per command
  }
}

TEST_CASE("dma: twin equals RTL on the plans of random and extreme shapes", "[dma][rtl]") {
  // The plan (docs/architecture.md, "Plan": block cuts, loop order, K-chunks and their two block
  // heights, prefetch) is 64-bit arithmetic on M, N, K and the scratchpad halves: commands of
  // random shapes (small ones around the array and the halves, and M, N, K up to DimWidth bits),
  // random bandwidths and both precisions, each run through its check and its first transfer's
  // requests (the memory holds mem_req_ready_i low) and then reset, compared port by port.
  std::mt19937_64 rng(test::test_seed("dma-unit-plans"));
  const uint32_t dim_mask = (uint32_t{1} << iface::kDimWidth) - 1;
  for (auto& r : runners()) {
    const DmaParams& p = r->params();
    INFO("dma Rows=" << p.Rows << " Cols=" << p.Cols << " AWords=" << p.AWords
                     << " AccWords=" << p.AccWords);
    std::vector<DmaIn> ins;
    std::vector<size_t> resets;
    auto dim = [&](int unit) {
      switch (rng() % 4) {
        case 0:
          return uint32_t(1 + rng() % 4);
        case 1:
          return uint32_t(1 + rng() % uint64_t(4 * unit));
        case 2:
          return uint32_t(1 + rng() % 4096);
        default:
          return uint32_t(1 + rng() % dim_mask);
      }
    };
    for (int c = 0; c < 400; ++c) {
      DmaIn in;
      in.m_i = dim(std::max(p.Rows, p.AccWords));
      in.n_i = dim(p.Cols * std::max(1, p.QWords / 2));
      in.k_i = dim(p.Rows * 4);
      in.precision_i = rng() % 4 == 0 ? uint32_t(iface::kPrecW4a8) : uint32_t(iface::kPrecInt8);
      const uint64_t ka = in.precision_i == uint32_t(iface::kPrecW4a8) ? 2 * in.k_i : in.k_i;
      // Row-major tensors one after another (a shape past 2^MemAddrWidth is refused: its check
      // runs too).
      in.ld_a_i = uint32_t(ka);
      in.ld_b_i = in.n_i;
      in.ld_c_i = in.n_i;
      in.dram_a_i = 0;
      in.dram_b_i = uint32_t(uint64_t(in.m_i) * ka);
      in.dram_bias_i = uint32_t(in.dram_b_i + uint64_t(in.k_i) * in.n_i);
      in.dram_m0_i = uint32_t(in.dram_bias_i + 4 * uint64_t(in.n_i));
      in.dram_shift_i = uint32_t(in.dram_m0_i + 4 * uint64_t(in.n_i));
      in.dram_c_i = uint32_t(in.dram_shift_i + uint64_t(in.n_i) + 64);
      in.dram_bw_i = rng() % 3 == 0 ? 0 : uint32_t(1 + rng() % 1024);
      in.tile_ready_i = true;  // tile_ctrl idle (block 0 may start before its A is in)
      test::append_command(ins, resets, in, 6);
    }
    const std::string diff = r->run(ins, resets);
    INFO(diff);
    REQUIRE(diff.empty());
  }
}

TEST_CASE("dma: twin equals RTL, streamed, under memory commands of 2^24 - 1 rows, columns or K",
          "[.][dma][rtl][extreme]") {
  // Hidden (scripts/coverage.sh --extreme runs it): on the DMA builds with the parameters of a
  // shipped systolic_top (t4x4, t16x16: their scratchpads), the model engine runs memory
  // commands whose blocks walk the DMA's 24-bit offsets and address registers to the top, and in
  // every cycle the engine clocks its DMA, the same inputs step the RTL and a fresh twin in
  // lockstep (streamed, not recorded: tens of millions of cycles). The shapes, tensors at the
  // top of the memory: M, N or K of 2^24 - 1 (the others 1); Rows rows of K = 2^24 - 1 with LD_A
  // one byte longer (A and B loaded interleaved); 1025 x 1023 x 4095 on t16x16, 513 x 256 x 4095
  // on t4x4 (the next panel's B prefetched in parts of hundreds of rows). C against the reference
  // GEMM; the tile commands the RTL starts against the blocks the engine's tile_ctrl finished.
  std::mt19937_64 rng(test::test_seed("dma-unit-extreme"));
  constexpr int kMax = (1 << iface::kDimWidth) - 1;
  const auto rs = runners();
  // One section per shape (Catch2's -c "NAME" runs one, so that shapes can run side by side),
  // each on every selected build.
  const char* const kinds[] = {"M of 2^24 - 1", "N of 2^24 - 1", "K of 2^24 - 1",
                               "Rows rows of K = 2^24 - 1 interleaved",
                               "the next panel's B prefetched"};
  for (int kind = 0; kind < 5; ++kind) {
    DYNAMIC_SECTION(kinds[kind]) {
      int builds = 0;
      for (Runner* r : test::extreme_runners(rs)) {  // (block_select.h)
        const DmaParams& p = r->params();
        if (r->name().front() != 't') continue;
        ++builds;
        const model::TopParams tp = test::top_params_for(p);
        // The prefetching shape, chosen against the plan (docs/architecture.md, "Plan"; CHECK(pf)
        // below confirms it): two panels of B (a panel holds 32 N-tiles at K = 4095: QWords/2)
        // and m-blocks of at most (AWords/2) div KT rows (1,024 at 16x16, 256 at 4x4), with
        // panels outer where B's two panels cost less than A read twice: 1025 x 1023 on t16x16;
        // 513 x 256 (three m-blocks) on the others.
        struct Shape {
          int m, n, k;
          uint32_t pad_a;
        };
        const Shape shapes[] = {
            {kMax, 1, 1, 0},
            {1, kMax, 1, 0},
            {1, 1, kMax, 0},
            {p.Rows, 1, kMax, 1},
            p.Rows >= 16 ? Shape{1025, 1023, 4095, 0} : Shape{513, 256, 4095, 0}};
        const auto [m, n, k, pad_a] = shapes[kind];
        INFO("dma " << r->name() << ": M=" << m << " N=" << n << " K=" << k << " A row pad "
                    << pad_a);
        uint64_t blocks = 0, starts = 0, steps = 0;
        bool ilv = false, pf = false;  // the engine's DMA interleaved block 0; prefetched B
        std::string diff;
        r->reset();
        test::RecordingPort<DmaIn> eng(tp, [&](model::SystolicTop& t) -> std::optional<DmaIn> {
          t.record_dma(true);
          blocks += t.ctrl().out().done_o;
          ilv |= t.dma().regs().ilv_q;
          pf |= t.dma().regs().pf_q;
          if (t.dma_ticked() && diff.empty()) {
            if (auto d = r->step(t.dma_in())) diff = *d;
            starts += r->rtl_out().tile_start_o;
            ++steps;
          }
          return std::nullopt;
        });
        sim::Dram dram(sim::DramConfig{}, 1 << p.MemBytesLog2);
        sim::DramPort port(eng, dram);
        sim::HostDriver drv(port);
        drv.set_memory(&dram, 0, true);
        drv.set_row_pad({pad_a, 0, 0});
        sim::RunStats st;
        const sim::GemmJob job = test::random_job(rng, m, n, k);
        const std::vector<int8_t> out = drv.run(job, st), ref = sim::reference_gemm(job);
        // (Compared here, not in the assertion: Catch would print millions of elements.)
        const auto bad = std::mismatch(out.begin(), out.end(), ref.begin(), ref.end());
        INFO(steps << " DMA cycles; C has " << out.size() << " of " << ref.size()
                   << " bytes, the first difference at byte " << (bad.first - out.begin()));
        INFO(diff);
        CHECK(diff.empty());
        REQUIRE((out.size() == ref.size() && bad.first == out.end()));
        CHECK(starts == blocks);
        CHECK(blocks >= 1);
        // The shapes reach the paths they are here for (a condition on the stimulus).
        if (kind == 3) CHECK(ilv);
        if (kind == 4) CHECK(pf);
      }
      // (SYSTOLIC_EXTREME_CONFIG may name a build of the DMA this case does not take)
      if (builds == 0 && std::getenv("SYSTOLIC_EXTREME_CONFIG") != nullptr)
        WARN("SYSTOLIC_EXTREME_CONFIG names a build this case does not run on");
      else
        CHECK(builds >= 1);
    }
  }
}
