// The verilated engine (every built configuration of rtl/systolic_top.sv) against its C++ twin,
// in lockstep: every output port compared after every edge (LockstepPort throws at the first
// difference, naming cycle and port), results against the reference GEMM, and cycle counts
// against the documented schedule.
#include <catch2/catch.hpp>

#include "engine_check.h"
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
void check_lockstep(const TopParams& p, const GemmJob& job) {
  systolic::sim::LockstepPort port(p);
  const RunStats st = t::run_and_check(port, job);
  // The RTL's counters (the driver reads the RTL's port) and the model's, each from its own port.
  REQUIRE(st.reference.has_value());
  CHECK(st.reference->busy == st.engine.busy);
  CHECK(st.reference->macs == st.engine.macs);
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
    INFO("case " << i << " (seed " << seed << "): " << p.name() << " M=" << m << " N=" << n
                 << " K=" << k);
    check_lockstep(p, t::random_job(rng, m, n, k));
  }
}
