// Waveforms (sim/trace*.h, docs/waves.md): the model's and the RTL's dumps of one job agree on
// every shared signal at every cycle; expected values at cycles the schedule of
// docs/architecture.md fixes; windowing; the FST path parses.
#include <fmt/format.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <random>

#include "engine_check.h"
#include "engines.h"
#include "host_driver.h"
#include "rtl_top.h"
#include "test_seed.h"
#include "trace.h"
#include "trace_run.h"
#include "vcd_reader.h"
#include "wave.h"

namespace fs = std::filesystem;
using namespace systolic;
using sim::TraceOptions;
using sim::WaveData;

namespace {

// A random job (engine_check.h) from its own seed.
sim::GemmJob random_job(int m, int n, int k, uint64_t seed) {
  std::mt19937_64 rng(seed);
  return test::random_job(rng, m, n, k);
}

// This process's scratch directory, removed when the process ends.
struct TmpDir {
  fs::path dir = fs::temp_directory_path() / fmt::format("systolic_trace_{}", ::getpid());
  ~TmpDir() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

std::string tmp_path(const std::string& name) {
  static TmpDir tmp;
  fs::create_directories(tmp.dir);
  return (tmp.dir / name).string();
}

// Runs the job on `engine` with tracing; returns the dump read back (FST through libfst, VCD
// through the test's reader).
// memory: as a memory command through a memory model (latency 9, stalls, misaligned).
WaveData traced_run(const std::string& engine, const model::TopParams& p, const sim::GemmJob& job,
                    TraceOptions o, bool memory = false) {
  {
    sim::EngineTrace tr(engine, p, o);
    sim::DramConfig dc;
    dc.latency = 9;
    dc.stall = 0.2;
    sim::Dram dram(dc, 1 << p.MemBytesLog2);
    sim::DramPort dport(tr.port(), dram);
    sim::HostDriver drv(memory ? static_cast<sim::HostPort&>(dport) : tr.port());
    if (memory) drv.set_memory(&dram, 5);
    sim::RunStats stats;
    const std::vector<int8_t> c = drv.run(job, stats);
    REQUIRE(c == sim::reference_gemm(job));
    tr.finish();
  }
  REQUIRE(fs::exists(sim::gtkw_path_for(o.path)));
  return o.fst() ? sim::read_fst(o.path) : test::read_vcd(o.path);
}

// Every signal of the model's dump exists in the RTL's with the same width and value at every
// time either dump has a change. Returns the number of (signal, time) pairs compared.
size_t require_equal(const WaveData& m, const WaveData& r) {
  std::vector<uint64_t> times = m.times();
  const std::vector<uint64_t> rt = r.times();
  times.insert(times.end(), rt.begin(), rt.end());
  std::sort(times.begin(), times.end());
  times.erase(std::unique(times.begin(), times.end()), times.end());
  size_t compared = 0;
  for (const WaveData::Var& v : m.vars) {
    const WaveData::Var* rv = r.find(v.name);
    INFO(v.name);
    REQUIRE(rv != nullptr);
    REQUIRE(rv->width == v.width);
    for (uint64_t t : times) {
      const std::string a = m.value_at(v, t), b = r.value_at(*rv, t);
      if (a != b) FAIL(fmt::format("{} at cycle {}: model {} RTL {}", v.name, t, a, b));
      ++compared;
    }
  }
  return compared;
}

}  // namespace

TEST_CASE("model and RTL waveforms agree on a memory command, the memory port included",
          "[trace]") {
  const uint64_t seed = test::test_seed("trace memory command");
  const model::TopParams p = sim::top_rtl_params(4, 4);
  const sim::GemmJob job = random_job(9, 7, 11, seed);
  TraceOptions o;
  o.path = tmp_path("mem_m.vcd");
  const WaveData m = traced_run("model", p, job, o, true);
  o.path = tmp_path("mem_r.fst");
  const WaveData r = traced_run("rtl", p, job, o, true);
  const WaveData::Var* v = m.find("TOP.systolic_top.mem_req_valid_o");
  REQUIRE(v != nullptr);
  CHECK(require_equal(m, r) > 1000);
}

TEST_CASE("model and RTL waveforms agree on w4a4 and w4a8 commands, every PE", "[trace][int4]") {
  // The model's PE-level waves come from its shadow pe_array: in the 4-bit modes each PE adds two
  // products, as the RTL's dual-mode PEs do; in w4a8 its 16-bit lanes carry A's byte pairs.
  std::mt19937_64 rng(test::test_seed("trace w4a4"));
  const model::TopParams p = sim::top_rtl_params(4, 4, 2, 1);
  REQUIRE(p.Int4 == 1);
  for (const auto prec : {quant::Precision::kW4A4, quant::Precision::kW4A8}) {
    const std::string name = quant::precision_name(prec);
    INFO(name);
    const sim::GemmJob job = test::random_job(rng, 9, 7, 21, prec);
    TraceOptions o;
    o.path = tmp_path(name + "_m.vcd");
    const WaveData m = traced_run("model", p, job, o);
    o.path = tmp_path(name + "_r.fst");
    const WaveData r = traced_run("rtl", p, job, o);
    CHECK(require_equal(m, r) > 1000);
    // A PE's activation register is 16 bits on both sides.
    for (const WaveData* w : {&m, &r}) {
      const WaveData::Var* a = nullptr;
      const std::string leaf = ".u_array.g_row[1].u_row.g_col[2].u_pe.a_q";
      for (const WaveData::Var& v : w->vars) {
        if (v.name.size() >= leaf.size() &&
            v.name.compare(v.name.size() - leaf.size(), leaf.size(), leaf) == 0) {
          a = &v;
        }
      }
      REQUIRE(a != nullptr);
      CHECK(a->width == 16);
    }
  }
}

TEST_CASE("model and RTL waveforms agree on output-stationary commands, every PE", "[trace][os]") {
  // The model's shadow pe_array runs os_ctrl's beats (B through its skew, a_sel the first) and its
  // PEs' output chains; the OS signals are named as in the RTL: os_i, b_i, os_ctrl's issues, o_q.
  std::mt19937_64 rng(test::test_seed("trace os"));
  const model::TopParams p = sim::top_rtl_params(4, 4, 2, 1, 2);
  REQUIRE(p.Dataflow == 3);
  for (const auto prec : {quant::Precision::kInt8, quant::Precision::kW4A8}) {
    INFO(quant::precision_name(prec));
    sim::GemmJob job = test::random_job(rng, 9, 7, 5, prec);
    job.os = true;
    TraceOptions o;
    o.path = tmp_path(std::string("os_") + quant::precision_name(prec) + "_m.vcd");
    const WaveData m = traced_run("model", p, job, o);
    o.path = tmp_path(std::string("os_") + quant::precision_name(prec) + "_r.fst");
    const WaveData r = traced_run("rtl", p, job, o);
    CHECK(require_equal(m, r) > 1000);
    for (const char* name :
         {"TOP.systolic_top.g_os.u_os_ctrl.x_issue_o", "TOP.systolic_top.u_array.b_i",
          "TOP.systolic_top.u_array.g_row[3].u_row.g_col[1].u_pe.g_os.o_q"}) {
      INFO(name);
      const WaveData::Var* v = m.find(name);
      REQUIRE(v != nullptr);
      CHECK(r.find(name) != nullptr);
    }
    // The beats' first flags and the output chain moved: os_i was 1 on both sides.
    const WaveData::Var* os_i = r.find("TOP.systolic_top.u_array.os_i");
    REQUIRE(os_i != nullptr);
    bool on = false;
    for (uint64_t t : r.times()) on = on || r.value_at(*os_i, t) == "1";
    CHECK(on);
  }
}

TEST_CASE("RTL waveforms hold the A, B and C scratchpads' even and odd RAMs", "[trace]") {
  // rtl_dumpvars names the A, B and C scratchpads by their generate blocks (g_a_pair, g_b_pair,
  // g_c_pair): their RAMs' read addresses are in the dump.
  std::mt19937_64 rng(test::test_seed("trace spad a"));
  for (const int int4 : {0, 1}) {
    const model::TopParams p = sim::top_rtl_params(4, 4, 2, int4);
    REQUIRE(p.Int4 == int4);
    TraceOptions o;
    o.path = tmp_path(fmt::format("spad_a_{}.fst", int4));
    const WaveData r = traced_run("rtl", p, test::random_job(rng, 3, 4, 5), o);
    const std::vector<std::string> want = {
        ".g_a_pair.u_spad_a.u_ram.raddr_i", ".g_a_pair.g_odd.u_spad_a_odd.u_ram.raddr_i",
        ".g_b_pair.u_spad_b.u_ram.raddr_i", ".g_b_pair.g_odd.u_spad_b_odd.u_ram.raddr_i",
        ".g_c_pair.u_spad_c.u_ram.raddr_i", ".g_c_pair.g_odd.u_spad_c_odd.u_ram.raddr_i"};
    for (const std::string& leaf : want) {
      INFO("Int4 " << int4 << ": " << leaf);
      bool found = false;
      for (const WaveData::Var& v : r.vars) {
        found = found || (v.name.size() >= leaf.size() &&
                          v.name.compare(v.name.size() - leaf.size(), leaf.size(), leaf) == 0);
      }
      CHECK(found);
    }
  }
}

TEST_CASE("model and RTL waveforms agree on every shared signal and cycle", "[trace]") {
  const uint64_t seed = test::test_seed("trace model vs rtl");
  struct Case {
    int rows, cols, m, n, k;
    int row, col;  // PE selection (-1: default)
    uint64_t from, to;
  };
  const Case cases[] = {
      {4, 4, 9, 7, 11, -1, -1, 0, ~0ull},       // every PE, whole run, several tiles
      {8, 8, 13, 17, 19, -1, -1, 0, ~0ull},     // every PE, whole run
      {16, 16, 20, 33, 40, 5, -1, 0, ~0ull},    // one row of a 16x16
      {16, 16, 20, 33, 40, -1, 3, 1500, 2600},  // one column, a window
  };
  for (const Case& cs : cases) {
    DYNAMIC_SECTION(fmt::format("{}x{} M={} N={} K={} row {} col {}", cs.rows, cs.cols, cs.m, cs.n,
                                cs.k, cs.row, cs.col)) {
      const model::TopParams p = sim::top_rtl_params(cs.rows, cs.cols);
      const sim::GemmJob job = random_job(cs.m, cs.n, cs.k, seed);
      TraceOptions o;
      o.row = cs.row;
      o.col = cs.col;
      o.from = cs.from;
      o.to = cs.to;
      o.path = tmp_path(fmt::format("m{}x{}.vcd", cs.rows, cs.cols));
      const WaveData m = traced_run("model", p, job, o);
      o.path = tmp_path(fmt::format("r{}x{}.fst", cs.rows, cs.cols));
      const WaveData r = traced_run("rtl", p, job, o);
      // The model's dump holds exactly the shared list.
      REQUIRE(m.vars.size() == sim::trace_signals(p, o).size());
      const size_t n = require_equal(m, r);
      CHECK(n > 1000);
      // PE selection: the RTL dump has the selected PEs and no others.
      for (int rr = 0; rr < p.Rows; ++rr) {
        for (int cc = 0; cc < p.Cols; ++cc) {
          const std::string psum =
              fmt::format("TOP.systolic_top.u_array.g_row[{}].u_row.g_col[{}].u_pe.psum_q", rr, cc);
          CHECK((r.find(psum) != nullptr) == o.pe_traced(p, rr, cc));
        }
      }
    }
  }
}

TEST_CASE("waveforms show the schedule of docs/architecture.md", "[trace]") {
  // One tile on 4x4 (K = Rows, N = Cols, M = 3): busy for M + Rows + Cols + RequantDepth + 1
  // cycles; cycle 0 is a weight-load stall, slots issue in cycles 1..3; row r of weights is
  // written at the end of busy cycle r + 1; C is written M times.
  const model::TopParams p = sim::top_rtl_params(4, 4);
  const sim::GemmJob job = random_job(3, 4, 4, test::test_seed("trace-small"));
  for (const char* engine : {"model", "rtl"}) {
    DYNAMIC_SECTION(engine) {
      TraceOptions o;
      o.path = tmp_path(fmt::format("sched_{}.vcd", engine));
      const WaveData d = traced_run(engine, p, job, o);
      const std::string top = "TOP.systolic_top";
      // First busy cycle.
      uint64_t start = 0;
      while (d.value_u64(top + ".busy_o", start) == 0) ++start;
      const uint64_t busy_len = 3 + 4 + 4 + uint64_t(p.RequantDepth) + 1;
      for (uint64_t t = start; t < start + busy_len; ++t) {
        CHECK(d.value_u64(top + ".busy_o", t) == 1);
        CHECK(d.value_u64(top + ".done_o", t) == 0);
      }
      CHECK(d.value_u64(top + ".busy_o", start + busy_len) == 0);
      CHECK(d.value_u64(top + ".done_o", start + busy_len) == 1);
      CHECK(d.value_u64(top + ".u_ctrl.state", start - 1) == 0);  // IDLE
      CHECK(d.value_u64(top + ".u_ctrl.state", start) == 1);      // WSTALL
      for (uint64_t t = start + 1; t <= start + 3; ++t) {
        CHECK(d.value_u64(top + ".u_ctrl.state", t) == 2);  // COMPUTE
        CHECK(d.value_u64(top + ".u_ctrl.s_issue_o", t) == 1);
        CHECK(d.value_u64(top + ".u_ctrl.s_j_o", t) == t - start - 1);
      }
      // X_last = 3 + Rows + Cols = 11: DRAIN in 4..10, OUTPUT in 11..14.
      CHECK(d.value_u64(top + ".u_ctrl.state", start + 4) == 3);
      CHECK(d.value_u64(top + ".u_ctrl.state", start + 10) == 3);
      CHECK(d.value_u64(top + ".u_ctrl.state", start + 11) == 4);
      CHECK(d.value_u64(top + ".u_ctrl.state", start + busy_len - 1) == 4);
      // Weights: PE (r, c) holds B[r][c] in bank 0 from busy cycle r + 2 on.
      for (int r = 0; r < 4; ++r) {
        for (int c = 0; c < 4; ++c) {
          const std::string w =
              fmt::format("{}.u_array.g_row[{}].u_row.g_col[{}].u_pe.w0_q", top, r, c);
          CHECK(d.value_u64(w, start + uint64_t(r) + 1) == 0);
          CHECK(int8_t(d.value_u64(w, start + uint64_t(r) + 2)) == job.b[size_t(r) * 4 + c]);
        }
      }
      // Slot m's activation A[m][r] is in PE (r, 0)'s register in busy cycle 1 + m + 1 + r + 1.
      for (int m = 0; m < 3; ++m) {
        for (int r = 0; r < 4; ++r) {
          const std::string a = fmt::format("{}.u_array.g_row[{}].u_row.g_col[0].u_pe.a_q", top, r);
          CHECK(int8_t(d.value_u64(a, start + 3 + uint64_t(m + r))) == job.a[size_t(m) * 4 + r]);
        }
      }
      // C writes: one per slot, at X + RequantDepth = 1 + m + 8 + 3.
      for (uint64_t t = start; t < start + busy_len; ++t) {
        const bool want = t >= start + 12 && t <= start + 14;
        CHECK(d.value_u64(top + ".u_acc.c_wr_en_o", t) == uint64_t(want));
      }
    }
  }
}

TEST_CASE("the trace window limits the dump", "[trace]") {
  const model::TopParams p = sim::top_rtl_params(4, 4);
  const sim::GemmJob job = random_job(40, 12, 9, test::test_seed("trace-window"));
  for (const char* engine : {"model", "rtl"}) {
    DYNAMIC_SECTION(engine) {
      TraceOptions o;
      o.from = 300;
      o.to = 420;
      o.path = tmp_path(fmt::format("win_{}.fst", engine));
      const WaveData d = traced_run(engine, p, job, o);
      const std::vector<uint64_t> times = d.times();
      REQUIRE(!times.empty());
      CHECK(times.front() == 300);
      CHECK(times.back() <= 420);
      CHECK(d.value_at(*d.find("TOP.systolic_top.busy_o"), 300) != "");
      o.path = tmp_path(fmt::format("full_{}.fst", engine));
      o.from = 0;
      o.to = ~0ull;
      traced_run(engine, p, job, o);
      CHECK(fs::file_size(tmp_path(fmt::format("win_{}.fst", engine))) < fs::file_size(o.path) / 4);
    }
  }
}

TEST_CASE("trace options are checked", "[trace]") {
  const model::TopParams p = sim::top_rtl_params(16, 16);
  TraceOptions o;
  o.path = "x.txt";
  CHECK_THROWS_WITH(o.validate(p), Catch::Contains(".fst or .vcd"));
  o.path = "x.vcd";
  o.row = 16;
  CHECK_THROWS_WITH(o.validate(p), Catch::Contains("--trace-row 16"));
  o.row = -1;
  o.from = 10;
  o.to = 5;
  CHECK_THROWS_WITH(o.validate(p), Catch::Contains("--trace-from"));
  o.from = 0;
  o.to = ~0ull;
  CHECK_NOTHROW(o.validate(p));
  CHECK_FALSE(o.all_pes(p));
  CHECK(o.all_pes(sim::top_rtl_params(8, 8)));
}
