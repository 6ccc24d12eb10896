// A directed testbench of a user's own, against the installed systolic package: one GEMM whose
// result is known by construction (B = 2 * identity, so C = requant(2 * A)), on the model, on the
// RTL and in lockstep, with a callback on every edge (sim::CallbackPort) counting done pulses;
// the cycle counts of the three engines must agree. Prints "directed_tb: passed" or exits 1.
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <vector>

#include "engines.h"
#include "host_driver.h"
#include "lockstep.h"
#include "quant.h"
#include "rtl_top.h"

using namespace systolic;

int main() {
  const int m = 20, n = 8, k = 8;
  sim::GemmJob job;
  job.M = m;
  job.N = n;
  job.K = k;
  for (int i = 0; i < m * k; ++i) job.a.push_back(int8_t(i % 61 - 30));
  job.b.assign(size_t(k) * n, 0);
  for (int i = 0; i < k; ++i) job.b[size_t(i) * n + i] = 2;
  job.q.m0 = {1 << 30};  // M = M0 * 2^shift / 2^31 = 0.5, so C = 0.5 * (2 * A) = A exactly
  job.q.shift = {0};
  int failures = 0;
  uint64_t cycles[3] = {0, 0, 0};
  const char* names[3] = {"model", "rtl", "lockstep"};
  for (int e = 0; e < 3; ++e) {
    const model::TopParams p = e == 0 ? sim::engine_params(4, 4) : sim::top_rtl_params(4, 4);
    std::unique_ptr<sim::HostPort> port =
        e == 2 ? std::make_unique<sim::LockstepPort>(p) : sim::make_engine(names[e], p);
    uint64_t done_edges = 0, last_cycle = 0;
    bool in_order = true;
    sim::CallbackPort watch(*port,
                            [&](const model::TopIn&, const model::TopOut& o, uint64_t cycle) {
                              done_edges += o.done_o;  // the user's own checks on every edge
                              in_order = in_order && cycle == last_cycle + 1;
                              last_cycle = cycle;
                            });
    sim::HostDriver drv(watch);
    sim::RunStats st;
    const std::vector<int8_t> c = drv.run(job, st);
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) {
        const int8_t want = j < k ? job.a[size_t(i) * k + j] : 0;
        if (c[size_t(i) * n + j] != want) ++failures;
      }
    if (done_edges != uint64_t(st.commands) || !in_order) ++failures;
    cycles[e] = st.engine.busy;
    std::printf("%-8s C %s, %llu cycles, %d command(s)\n", names[e], failures ? "WRONG" : "ok",
                static_cast<unsigned long long>(st.engine.busy), st.commands);
  }
  if (cycles[0] != cycles[1] || cycles[1] != cycles[2]) ++failures;
  // Bad input is an exception with the CLI's one-line message, not an abort.
  {
    sim::GemmJob bad = job;
    bad.a.pop_back();
    auto port = sim::make_engine("model", sim::engine_params(4, 4));
    sim::HostDriver drv(*port);
    sim::RunStats st;
    try {
      drv.run(bad, st);
      ++failures;
    } catch (const std::invalid_argument& e) {
      std::printf("bad job   %s\n", e.what());
    }
    try {
      sim::make_engine("rtl", sim::top_rtl_params(5, 7));
      ++failures;
    } catch (const std::invalid_argument& e) {
      std::printf("bad array %s\n", e.what());
    }
  }
  std::printf("directed_tb: %s\n", failures ? "FAILED" : "passed");
  return failures ? 1 : 0;
}
