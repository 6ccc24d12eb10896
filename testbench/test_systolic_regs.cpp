// systolic_regs' C++ twin (model/systolic_regs.h) against the verilated rtl/systolic_regs.sv,
// every output port in every cycle (combinational ones included): under random host accesses to
// every region and register index, random busy windows with their phases, and random scratchpad
// read data, on every built configuration; and under the exact inputs the engine gives it
// (recorded from the model engine running GEMMs through the host driver).
#include <catch2/catch.hpp>
#include <random>
#include <vector>

#include "engine_check.h"
#include "module_lockstep.h"
#include "systolic_regs.h"
#include "systolic_regs_configs.h"
#include "test_seed.h"

using namespace systolic;
using model::SystolicRegsIn;
using model::SystolicRegsParams;

namespace {

struct Runner {
  virtual ~Runner() = default;
  virtual const SystolicRegsParams& params() const = 0;
  virtual std::string run(const std::vector<SystolicRegsIn>& ins) = 0;
};

template <class V>
struct RunnerImpl final : Runner {
  explicit RunnerImpl(const SystolicRegsParams& p) : p_(p), ls_(p) {}
  const SystolicRegsParams& params() const override { return p_; }
  std::string run(const std::vector<SystolicRegsIn>& ins) override {
    ls_.reset();
    for (const SystolicRegsIn& in : ins) {
      if (auto e = ls_.step(in)) return *e;
    }
    return "";
  }
  SystolicRegsParams p_;
  test::ModuleLockstep<V, model::SystolicRegs, SystolicRegsIn, model::SystolicRegsOut,
                       SystolicRegsParams>
      ls_;
};

#define SYSTOLIC_REGS_RUNNER(Class, name, Rows, Cols, MemBytesLog2, Int4, Dataflow) \
  [] {                                                                              \
    SystolicRegsParams p{Rows, Cols, MemBytesLog2, Int4, Dataflow};                 \
    return std::unique_ptr<Runner>(std::make_unique<RunnerImpl<Class>>(p));         \
  },
std::vector<std::unique_ptr<Runner>> runners() {
  using Make = std::unique_ptr<Runner> (*)();
  const Make makes[] = {SYSTOLIC_SYSTOLIC_REGS_CONFIGS(SYSTOLIC_REGS_RUNNER)};
  std::vector<std::unique_ptr<Runner>> r;
  for (Make m : makes) r.push_back(m());
  return r;
}
#undef SYSTOLIC_REGS_RUNNER

std::vector<SystolicRegsIn> random_stimulus(const SystolicRegsParams& p, std::mt19937_64& rng,
                                            int cycles) {
  std::vector<SystolicRegsIn> ins;
  SystolicRegsIn in;
  int busy_left = 0;
  bool done_next = false;
  for (int t = 0; t < cycles; ++t) {
    // The controller's side: busy windows with one phase per cycle, done after each.
    in.done_i = done_next;
    done_next = false;
    if (busy_left == 0 && !in.done_i && rng() % 40 == 0) busy_left = 1 + int(rng() % 60);
    in.busy_i = busy_left > 0;
    in.ph_wstall_i = in.ph_compute_i = in.ph_drain_i = in.ph_output_i = false;
    in.ph_load_i = in.ph_store_i = false;
    // A memory command's side: the DMA busy in some windows, beats, a refusal code with done.
    if (busy_left == 0) in.dma_busy_i = false;
    if (in.busy_i && rng() % 50 == 0) in.dma_busy_i = !in.dma_busy_i;
    in.err_i = in.done_i ? uint32_t(rng() % 8) : 0;
    in.rd_beat_i = in.busy_i && rng() % 3 == 0;
    in.wr_beat_i = in.busy_i && rng() % 5 == 0;
    // A read beat's tensor: one of A, B, BIAS, M0, SHIFT (bits 0, 1, 3, 4, 5; never C), any
    // bits while no read beat; scratchpad accesses in any combination.
    constexpr uint32_t kReadSp[] = {1u << 0, 1u << 1, 1u << 3, 1u << 4, 1u << 5};
    in.rd_sp_i = in.rd_beat_i ? kReadSp[rng() % 5] : uint32_t(rng() & 0x3f);
    in.sram_rd_i = uint32_t(rng() & 0x3f);
    in.sram_wr_i = uint32_t(rng() & 0x3f);
    if (in.busy_i) {
      switch (rng() % 6) {
        case 4:
          in.ph_load_i = true;
          break;
        case 5:
          in.ph_store_i = true;
          break;
        case 0:
          in.ph_wstall_i = true;
          break;
        case 1:
          in.ph_compute_i = true;
          break;
        case 2:
          in.ph_drain_i = true;
          break;
        default:
          in.ph_output_i = true;
          break;
      }
      if (--busy_left == 0) done_next = true;
    }
    in.s_kv_i = uint32_t(1 + rng() % uint64_t(p.Rows));
    in.s_nv_i = uint32_t(1 + rng() % uint64_t(p.Cols));
    // The scratchpads' read data (any bits of their widths).
    in.a_rdata_i = uint32_t(rng() & 0xff);
    in.b_rdata_i = uint32_t(rng() & 0xff);
    in.c_rdata_i = uint32_t(rng() & 0xff);
    in.bias_rdata_i = uint32_t(rng());
    in.m0_rdata_i = uint32_t(rng());
    in.shift_rdata_i = uint32_t(rng() & 0x3f);
    // The host: a third of the cycles idle, else a read or write of a register (region 0, every
    // index, word bits set too) or an element of any region, missing ones included.
    in.host_req_i = rng() % 3 != 0;
    in.host_we_i = rng() & 1;
    const uint32_t region = rng() % 2 ? 0 : uint32_t(rng() % 9);
    const uint32_t word = uint32_t(rng() % 8 == 0 ? rng() : rng() % 4);
    // (Register indices up to 95: the traffic counters end at kCntFirst + 2 kNumCnt - 1.)
    static_assert(iface::kCntFirst + 2 * iface::kNumCnt <= 96, "reach every counter register");
    const uint32_t lane = region == 0 ? uint32_t(rng() % 96) : uint32_t(rng() % 40);
    in.host_addr_i = (region << 28) | ((word & 0xfffffu) << 8) | lane;
    in.host_wdata_i = uint32_t(rng());
    if (region == 0 && lane == 0 && rng() % 2) in.host_wdata_i |= 1u;      // starts
    if (region == 0 && lane == 0 && rng() % 4 == 0) in.host_wdata_i = 2u;  // memory starts
    // PRECISION: the codes 0 .. 3 half of the time (w4a4 doubles MACS where Int4 = 1).
    if (region == 0 && lane == iface::kPrecision && rng() % 2)
      in.host_wdata_i = uint32_t(rng() % 4);
    ins.push_back(in);
  }
  return ins;
}

}  // namespace

TEST_CASE("systolic_regs: twin equals RTL on every port under random accesses", "[regs]") {
  std::mt19937_64 rng(test::test_seed("regs-random"));
  for (auto& r : runners()) {
    const SystolicRegsParams& p = r->params();
    INFO("systolic_regs Rows=" << p.Rows << " Cols=" << p.Cols);
    const std::string diff = r->run(random_stimulus(p, rng, 200000));
    INFO(diff);
    REQUIRE(diff.empty());
  }
}

TEST_CASE("systolic_regs: twin equals RTL under the engine's own inputs", "[regs]") {
  std::mt19937_64 rng(test::test_seed("regs-engine"));
  for (auto& r : runners()) {
    const SystolicRegsParams& p = r->params();
    model::TopParams tp;
    tp.Rows = p.Rows;
    tp.Cols = p.Cols;
    tp.AWords = tp.BWords = tp.CWords = 4096;
    tp.QWords = 16;
    tp.AccWords = 16;
    test::RecordingPort<SystolicRegsIn> rec(
        tp, [](model::SystolicTop& t) { return std::optional(t.regs_in()); });
    for (auto [m, n, k] : {std::tuple{2 * p.Rows + 1, p.Cols + 3, 3 * p.Rows - 1}, {1, 1, 1}}) {
      sim::HostDriver drv(rec);
      sim::RunStats st;
      const sim::GemmJob job = test::random_job(rng, m, n, k);
      REQUIRE(drv.run(job, st) == test::reference(job));
    }
    // A memory command (descriptors, load/store phases, memory beats, STATUS).
    {
      sim::Dram dram(sim::DramConfig{}, 1 << tp.MemBytesLog2);
      sim::DramPort port(rec, dram);
      sim::HostDriver drv(port);
      drv.set_memory(&dram);
      sim::RunStats st;
      const sim::GemmJob job = test::random_job(rng, 3 * p.Rows, 2 * p.Cols + 1, p.Rows + 3);
      REQUIRE(drv.run(job, st) == test::reference(job));
    }
    INFO("systolic_regs Rows=" << p.Rows << " Cols=" << p.Cols);
    const std::string diff = r->run(rec.ins());
    INFO(diff);
    REQUIRE(diff.empty());
  }
}

TEST_CASE("systolic_regs: the cycle counters are 64 bits wide", "[regs]") {
  // 5e9 busy cycles (a fast-forward: no run of that length fits a test) read back through the
  // host port as CYC_BUSY and CYC_BUSY_HI, CYC_COMPUTE and CYC_COMPUTE_HI.
  model::SystolicRegs regs(SystolicRegsParams{4, 4, 4});
  SystolicRegsIn in;
  in.busy_i = true;
  in.ph_compute_i = true;
  in.s_kv_i = 4;
  in.s_nv_i = 4;
  const uint64_t n = 5000000000ull;
  regs.advance_busy(n, in);
  auto read = [&](model::addr::Reg r) {
    SystolicRegsIn rd;
    rd.host_req_i = true;
    rd.host_addr_i = model::addr::reg(r);
    rd.busy_i = true;
    rd.ph_compute_i = true;
    regs.eval(rd);
    regs.tick(rd);  // counts one more busy cycle after the read
    SystolicRegsIn idle;
    return regs.eval(idle).host_rdata_o;
  };
  const uint64_t busy_lo = read(model::addr::kCycBusy);
  const uint64_t busy_hi = read(model::addr::kCycBusyHi);  // one cycle later
  CHECK((busy_hi << 32 | busy_lo) == n);
  CHECK(busy_hi == (n + 1) >> 32);
  CHECK(regs.regs().cyc_compute_q == n + 2);
  CHECK(regs.regs().macs_q == 16 * n);
}
