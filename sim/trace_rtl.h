// Waveforms of the verilated RTL (Verilator's FST, built with --trace-fst; sim/trace.h).
#pragma once

#include <memory>
#include <string>

#include "host_port.h"
#include "trace.h"

namespace systolic::sim {

// A HostPort that dumps the RTL in the trace window: at time T (edges since reset) the registers
// after edge T with the inputs of edge T + 1. finish() dumps the last state and closes the file.
class TracedPort : public HostPort {
 public:
  virtual void finish() = 0;
};

// The traced build of exactly these parameters (the RTL engine's error when there is none).
// Writes FST to fst_path; traces TOP.systolic_top's own signals, u_ctrl, the skew, de-skew, tags,
// requant units and scratchpad ports, and the PEs TraceOptions selects.
std::unique_ptr<TracedPort> make_top_rtl_traced(const model::TopParams& p, const TraceOptions& o,
                                                const std::string& fst_path);

// Hierarchies a Verilator trace of systolic_top keeps for these options (dumpvars arguments,
// below `root`, e.g. "TOP").
std::vector<std::pair<int, std::string>> rtl_dumpvars(const model::TopParams& p,
                                                      const TraceOptions& o,
                                                      const std::string& root);

}  // namespace systolic::sim
