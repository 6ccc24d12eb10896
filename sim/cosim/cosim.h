// Co-simulation: one SystemC simulation runs the verilated RTL (rtl_sc.h) and the model's
// sc_module (model_sc.h) side by side from one clock and one host-port stimulus. A checker
// compares every output port after every rising edge and stops at the first difference. The host
// driver reads the RTL's ports; each side's counters come from its own host port (RunStats::engine
// the RTL's, RunStats::reference the model's).
// SystemC elaborates once per process: call one of these at most once per process.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "dram.h"
#include "host_driver.h"
#include "model_sc.h"
#include "trace.h"

namespace systolic::sim {

struct CosimResult {
  std::vector<int8_t> c;  // C read back through the RTL's host port
  uint64_t cycles = 0;    // clock edges simulated (out of reset)
  bool mismatch = false;
  std::string mismatch_message;  // cycle, port, model value, RTL value
  uint64_t mismatch_cycle = 0;
  std::string mismatch_port;
  std::string trace_report;  // with tracing: the files written, as the run prints them
};

struct CosimOptions {
  // Waveforms (docs/waves.md): both sides dumped in the trace window (time = edges since reset
  // release, as the mismatch cycle counts them) into trace.path with scopes model.* and rtl.*,
  // and a GTKWave save file next to it with a marker at the mismatch if there is one. For
  // run_sc_model the model side only, scope TOP.
  TraceOptions trace;
  // The model side's module (default: SystolicTopSc). A testbench may substitute a subclass,
  // for instance one that injects a fault into its outputs.
  std::function<std::unique_ptr<SystolicTopSc>(const char* name, const model::TopParams& p)>
      make_model;
  // Memory commands: the GEMM runs from memory to memory through the DMA, the memory model
  // (sim/host/dram.h) answering the bench's memory port; tensors `misalign` bytes past a 64-byte
  // boundary (HostDriver::set_memory).
  std::optional<DramConfig> dram;
  uint32_t misalign = 0;
};

// Throws RtlAssertion when an RTL assertion stops the run, std::invalid_argument when the
// configuration was not built (or not with tracing, when tracing).
CosimResult run_cosim(const model::TopParams& p, const GemmJob& job, RunStats& stats,
                      const CosimOptions& o = {});
// The model's SystemC wrapper alone, driven like the co-simulation (tests the wrapper without RTL).
CosimResult run_sc_model(const model::TopParams& p, const GemmJob& job, RunStats& stats,
                         const CosimOptions& o = {});

}  // namespace systolic::sim
