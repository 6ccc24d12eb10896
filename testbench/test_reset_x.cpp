// Verilator's --x-assign fast and --x-initial fast (cmake/rtl_configs.cmake: every build of the
// engine uses them) start every variable at 0 and give every X assignment one fixed value. That is
// safe only if nothing the engine does after reset depends on a value before reset or on an X
// assignment. This test shows it on a 4x4 engine verilated with --x-assign unique and
// --x-initial unique instead (rtl/CMakeLists.txt, suffix _xrand): every register and memory word
// starts at a random value drawn from a seed (SYSTOLIC_SEED), and every X assignment draws one.
// From reset on, that build runs in lockstep with the model (every output port after every edge):
// every register read, GEMMs with remainders from the host port, and the same shapes as memory
// commands. A copy with one register left out of reset (_xrand_fault) must fail the same run.
#include <catch2/catch.hpp>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "dram.h"
#include "engine_check.h"
#include "host_driver.h"
#include "lockstep.h"
#include "rtl_top.h"
#include "rtl_top_impl.h"
#include "systolic_top_xrand_configs.h"
#include "systolic_top_xrand_fault_configs.h"
#include "test_seed.h"

using systolic::model::TopParams;
namespace sim = systolic::sim;
namespace iface = systolic::iface;
namespace t = systolic::test;

namespace {

#define XRAND_PARAMS(Class, name, ...) \
  TopParams { __VA_ARGS__ }
const TopParams kP = SYSTOLIC_SYSTOLIC_TOP_XRAND_CONFIGS(XRAND_PARAMS);
const TopParams kPFault = SYSTOLIC_SYSTOLIC_TOP_XRAND_FAULT_CONFIGS(XRAND_PARAMS);
#undef XRAND_PARAMS

template <class V>
std::unique_ptr<sim::RtlTop> make_top(const TopParams& p, uint32_t rand_seed) {
  return sim::make_rtl_top_random_start<V>(p, "dut", rand_seed);
}

// The model and a randomly initialized RTL, compared on every port after every edge.
template <class V>
std::unique_ptr<sim::LockstepPort> lockstep(const TopParams& p, uint32_t rand_seed) {
  return std::make_unique<sim::LockstepPort>(
      std::make_unique<sim::ModelPort>(p),
      std::make_unique<sim::RtlPort>(make_top<V>(p, rand_seed)));
}

// One host read through the lockstep (the port comparison checks host_rdata_o on both sides).
uint32_t host_read(sim::HostPort& port, uint32_t addr) {
  systolic::model::TopIn in;
  in.host_req_i = true;
  in.host_addr_i = addr;
  return port.clock(in).host_rdata_o;
}

// After reset: every register read once (each RW register must hold its reset value), then GEMMs.
// Throws sim::Mismatch at the first port that differs.
void run_after_reset(sim::LockstepPort& port, uint64_t seed) {
  port.reset();
  for (const iface::RegInfo& r : iface::kRegTable) {
    INFO("register " << r.name);
    const uint32_t v = host_read(port, iface::reg(r.index));
    if (std::string(r.access) == "RW") CHECK(v == uint32_t(r.reset));
  }
  std::mt19937_64 rng(seed);
  const int shapes[][3] = {{5, 7, 9}, {9, 4, 3}, {1, 6, 11}};
  for (const auto& s : shapes) {
    INFO("host-port GEMM " << s[0] << "x" << s[1] << "x" << s[2]);
    t::run_and_check(port, t::random_job(rng, s[0], s[1], s[2]));
  }
  // Memory commands: operands from memory, C back through the DMA.
  sim::DramConfig dc;
  dc.latency = 7;
  sim::Dram dram(dc, 1 << port.params().MemBytesLog2);
  sim::DramPort mem(port, dram);
  sim::HostDriver drv(mem);
  drv.set_memory(&dram, 0);
  for (const auto& s : shapes) {
    INFO("memory GEMM " << s[0] << "x" << s[1] << "x" << s[2]);
    const sim::GemmJob job = t::random_job(rng, s[0], s[1], s[2]);
    sim::RunStats st;
    REQUIRE(drv.run(job, st) == sim::reference_gemm(job));
  }
}

}  // namespace

TEST_CASE("reset: the random-start build really starts at random values", "[top][rtl][reset]") {
  // Before reset, the outputs of the _xrand build come from random register values: across a few
  // seeds, some output port differs from the zero-started build of the same RTL. Without this,
  // a build that ignored --x-initial unique would pass the test below without showing anything.
  const uint64_t seed = t::test_seed("reset-x-start");
  std::mt19937_64 rng(seed);
  auto zero = make_top<Vsystolic_top_4x4_xrand>(kP, 0);
  zero->drive(systolic::model::TopIn{});
  zero->settle();
  const systolic::model::TopOut z = zero->sample();
  int differ = 0;
  for (int i = 0; i < 4; ++i) {
    auto r = make_top<Vsystolic_top_4x4_xrand>(kP, uint32_t(rng()) | 1u);
    r->drive(systolic::model::TopIn{});
    r->settle();
    if (iface::compare_ports(z, r->sample())) ++differ;
  }
  INFO("seed " << seed);
  CHECK(differ > 0);
}

TEST_CASE("reset: from random register and memory values, the engine equals the model",
          "[top][rtl][reset]") {
  const uint64_t seed = t::test_seed("reset-x");
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 3; ++i) {
    const uint32_t rand_seed = uint32_t(rng()) | 1u;
    INFO("seed " << seed << ", Verilator random-reset seed " << rand_seed);
    auto port = lockstep<Vsystolic_top_4x4_xrand>(kP, rand_seed);
    REQUIRE_NOTHROW(run_after_reset(*port, rng()));
  }
}

TEST_CASE("reset: a register left out of reset fails the random-start run", "[top][rtl][reset]") {
  // The planted copy of systolic_regs does not reset A_BASE (32 bits): it reads as its random
  // start value, which the model's reset value 0 shows.
  const uint64_t seed = t::test_seed("reset-x-fault");
  std::mt19937_64 rng(seed);
  int caught = 0;
  for (int i = 0; i < 3; ++i) {
    const uint32_t rand_seed = uint32_t(rng()) | 1u;
    auto port = lockstep<Vsystolic_top_4x4_xrand_fault>(kPFault, rand_seed);
    try {
      run_after_reset(*port, rng());
    } catch (const sim::Mismatch& e) {
      INFO(e.what());
      CHECK(e.port == "host_rdata_o");
      ++caught;
    }
  }
  INFO("seed " << seed);
  CHECK(caught == 3);
}
