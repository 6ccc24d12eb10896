// Co-simulation: one SystemC simulation runs the verilated RTL (`--sc`) and the model's
// sc_module side by side from one clock and one host-port stimulus. A checker compares every
// output port after every rising edge and stops at the first difference.
// SystemC elaborates once per process: call one of these at most once per process.
#pragma once

#include <string>
#include <vector>

#include "host_driver.h"
#include "trace.h"

namespace systolic::sim {

struct CosimResult {
  std::vector<int8_t> c;           // C read back (through the compared host port)
  uint64_t cycles = 0;             // clock edges simulated
  uint64_t model_busy_cycles = 0;  // each side's own CYC_BUSY counters, summed over commands
  uint64_t rtl_busy_cycles = 0;
  bool mismatch = false;
  std::string mismatch_message;  // cycle, port, model value, RTL value
  uint64_t mismatch_cycle = 0;
  std::string mismatch_port;
  std::string trace_report;  // with tracing: the files written, as the run prints them
};

// Test-only fault injection: from this host-port cycle on, the model's host_rdata_o is XORed
// with 1 (0 disables).
void cosim_inject_model_fault(uint64_t cycle);

CosimResult run_cosim(const model::TopParams& p, const GemmJob& job, RunStats& stats);
// With waveforms (docs/waves.md): both sides dumped in the trace window (time = edges since reset
// release, as the mismatch cycle counts them), merged into trace.path with scopes model.* and
// rtl.*, and a GTKWave save file next to it showing both side by side, with a marker at the
// mismatch if there is one. Also for run_sc_model (the model side only, scope TOP).
CosimResult run_cosim(const model::TopParams& p, const GemmJob& job, RunStats& stats,
                      const TraceOptions& trace);
CosimResult run_sc_model(const model::TopParams& p, const GemmJob& job, RunStats& stats,
                         const TraceOptions& trace);

// Test-only: SYSTOLIC_TEST_COSIM_FAULT=N in the environment has the effect of
// cosim_inject_model_fault(N) (so a CLI test, and the mismatch re-run in a child process, see
// the same fault).
void cosim_fault_from_env();

// The SystemC model wrapper alone, driven like the co-simulation (tests the wrapper without RTL).
CosimResult run_sc_model(const model::TopParams& p, const GemmJob& job, RunStats& stats);

}  // namespace systolic::sim
