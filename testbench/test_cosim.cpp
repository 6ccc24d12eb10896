// The SystemC co-simulation (sim/cosim/cosim.h). SystemC elaborates once per process, so every test
// case here runs one bench; ctest runs each case in its own process.
#include <catch2/catch.hpp>

#include "cosim.h"
#include "engine_check.h"
#include "engines.h"
#include "faulty_model_sc.h"
#include "rtl_top.h"
#include "test_seed.h"

using systolic::sim::RunStats;
namespace t = systolic::test;

TEST_CASE("cosim: model and RTL agree on every port and cycle, and with the reference", "[cosim]") {
  std::mt19937_64 rng(t::test_seed("cosim"));
  const systolic::model::TopParams p = systolic::sim::top_rtl_params().front();
  const systolic::sim::GemmJob job =
      t::random_job(rng, 2 * p.Rows + 3, 2 * p.Cols + 1, 3 * p.Rows - 1);
  RunStats st;
  const systolic::sim::CosimResult r = systolic::sim::run_cosim(p, job, st);
  INFO(r.mismatch_message);
  REQUIRE_FALSE(r.mismatch);
  CHECK(r.c == t::reference(job));
  // Each side's counters through its own host port, both equal to the documented schedule.
  const t::ExpectedCycles x = t::job_schedule(p, job.M, job.N, job.K);
  CHECK(st.engine.busy == x.busy);
  REQUIRE(st.reference.has_value());
  CHECK(st.reference->busy == x.busy);
  CHECK(st.engine.macs == x.macs);
  CHECK(st.reference->macs == x.macs);
  // Edges simulated: the host traffic the driver needs (every scratchpad element and register
  // write, every C read) around the engine's busy cycles.
  CHECK(r.cycles > st.engine.busy + uint64_t(job.M) * job.K + uint64_t(job.K) * job.N);
}

TEST_CASE("cosim: an injected model fault is reported at its cycle and port", "[cosim]") {
  std::mt19937_64 rng(t::test_seed("cosim-fault"));
  const systolic::model::TopParams p = systolic::sim::top_rtl_params().front();
  const systolic::sim::GemmJob job = t::random_job(rng, 6, 5, 7);
  // From edge 100 on the model's host_rdata_o is corrupted (a test-only subclass of the model's
  // SystemC wrapper): the checker must stop right there.
  systolic::sim::CosimOptions o;
  o.make_model = t::faulty_model(100);
  RunStats st;
  const systolic::sim::CosimResult r = systolic::sim::run_cosim(p, job, st, o);
  REQUIRE(r.mismatch);
  CHECK(r.mismatch_port == "host_rdata_o");
  CHECK(r.mismatch_cycle == 100);
  CHECK_THAT(r.mismatch_message, Catch::Contains("cycle 100") && Catch::Contains("host_rdata_o"));
}

TEST_CASE("cosim: the SystemC model wrapper alone equals the plain core", "[cosim][model]") {
  std::mt19937_64 rng(t::test_seed("sc-model"));
  const systolic::model::TopParams p = systolic::sim::engine_params(8, 8);
  const systolic::sim::GemmJob job = t::random_job(rng, 19, 21, 23);
  RunStats sc_stats, core_stats;
  const systolic::sim::CosimResult r = systolic::sim::run_sc_model(p, job, sc_stats);
  systolic::sim::ModelPort core(p);
  systolic::sim::HostDriver drv(core);
  CHECK(r.c == drv.run(job, core_stats));
  CHECK(r.c == t::reference(job));
  CHECK(sc_stats.engine.busy == core_stats.engine.busy);
  CHECK(sc_stats.engine.macs == core_stats.engine.macs);
  // The bench also counts the one edge after reset release that precedes the driver's first.
  CHECK(r.cycles == core.cycles() + 1);
}

namespace {
// The smallest-A configuration built: memory commands in several blocks.
systolic::model::TopParams small_config() {
  systolic::model::TopParams p = systolic::sim::top_rtl_params().front();
  for (const systolic::model::TopParams& q : systolic::sim::top_rtl_params()) {
    if (q.AWords < p.AWords) p = q;
  }
  return p;
}
}  // namespace

TEST_CASE("cosim: memory commands under a stalling memory, every port equal on every cycle",
          "[cosim][dma]") {
  std::mt19937_64 rng(t::test_seed("cosim-dram"));
  const systolic::model::TopParams p = small_config();
  const systolic::sim::GemmJob job = t::random_job(rng, 37, 29, 45);
  systolic::sim::CosimOptions o;
  o.dram = systolic::sim::DramConfig{};
  o.dram->bytes_per_cycle = 3;
  o.dram->latency = 30;
  o.dram->outstanding = 8;
  o.dram->stall = 0.3;
  o.dram->seed = rng();
  o.misalign = 5;
  RunStats st;
  INFO(p.name());
  // The driver checks every guard byte around the tensors after the run (a write outside C
  // throws).
  const systolic::sim::CosimResult r = systolic::sim::run_cosim(p, job, st, o);
  INFO(r.mismatch_message);
  REQUIRE_FALSE(r.mismatch);
  CHECK(r.c == t::reference(job));
  REQUIRE(st.memory);
  REQUIRE(st.reference.has_value());
  // Each side's counters from its own host port: equal, and the bus was used.
  CHECK(st.engine.busy == st.reference->busy);
  CHECK(st.engine.load == st.reference->load);
  CHECK(st.engine.dram_rd == st.reference->dram_rd);
  CHECK(st.engine.dram_wr == st.reference->dram_wr);
  for (int i = 0; i < systolic::iface::kNumCnt; ++i) {
    CHECK(st.engine.traffic[i] == st.reference->traffic[i]);
  }
  // Every byte of A, B and C crossed the port at least once; the stalls cost cycles.
  CHECK(st.engine.dram_rd >= uint64_t(job.M) * job.K + uint64_t(job.K) * job.N);
  CHECK(st.engine.dram_wr >= uint64_t(job.M) * job.N);
  CHECK(st.engine.load > 0);
  CHECK(st.engine.macs == uint64_t(job.M) * job.N * job.K);
}

TEST_CASE("cosim: a fault on the memory port's write data is reported at its port", "[cosim]") {
  std::mt19937_64 rng(t::test_seed("cosim-dram-fault"));
  const systolic::model::TopParams p = small_config();
  const systolic::sim::GemmJob job = t::random_job(rng, 9, 7, 11);
  systolic::sim::CosimOptions o;
  o.dram = systolic::sim::DramConfig{};
  o.make_model = t::faulty_model(1, t::Fault::kMemWdata);
  RunStats st;
  const systolic::sim::CosimResult r = systolic::sim::run_cosim(p, job, st, o);
  REQUIRE(r.mismatch);
  CHECK(r.mismatch_port == "mem_req_wdata_o[0]");
  CHECK_THAT(r.mismatch_message, Catch::Contains("mem_req_wdata_o[0]"));
}

TEST_CASE("cosim: output-stationary commands, every port equal on every cycle", "[cosim][os]") {
  std::mt19937_64 rng(t::test_seed("cosim-os"));
  systolic::model::TopParams p;
  bool found = false;
  for (const systolic::model::TopParams& q : systolic::sim::top_rtl_params()) {
    if (q.Dataflow == 3 && !found) {
      p = q;
      found = true;
    }
  }
  REQUIRE(found);  // the tests build 4x4 and 8x8 with Dataflow = 3 (cmake/rtl_configs.cmake)
  INFO("configuration " << p.name());
  systolic::sim::GemmJob job = t::random_job(rng, 3 * p.Rows + 1, 2 * p.Cols + 1, 2 * p.Rows + 5);
  job.os = true;
  RunStats st;
  const systolic::sim::CosimResult r = systolic::sim::run_cosim(p, job, st);
  INFO(r.mismatch_message);
  REQUIRE_FALSE(r.mismatch);
  CHECK(r.c == t::reference(job));
  const t::ExpectedCycles x = t::job_schedule(p, job.M, job.N, job.K, false, true);
  CHECK(st.engine.busy == x.busy);
  REQUIRE(st.reference.has_value());
  CHECK(st.reference->busy == x.busy);
  CHECK(st.engine.macs == x.macs);
}
