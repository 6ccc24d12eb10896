// The engines a run can drive without SystemC: the model core and a verilated RTL configuration
// (the lockstep of both and the SystemC co-simulation are in sim/cosim/).
#pragma once

#include <memory>
#include <string>

#include "host_port.h"

namespace systolic::sim {

// Parameters for a Rows x Cols engine: those of the built RTL configuration when there is one (so
// model and RTL runs are the same machine), the table's defaults otherwise. weight_banks: 2
// (double-buffered weights) or 1. int4: 1 needs dual-mode PEs (Int4 = 1), -1 takes either.
// Throws std::invalid_argument for parameters out of range.
// dataflow: 1 needs weight-stationary, 2 output-stationary (a build with Dataflow 2 or 3), -1
// either.
model::TopParams engine_params(int rows, int cols, int weight_banks = 2, int int4 = -1,
                               int dataflow = -1);

// "model" | "rtl" for exactly these parameters (the RTL needs a configuration built with them).
// Throws std::invalid_argument for another engine or an RTL configuration that was not built.
std::unique_ptr<HostPort> make_engine(const std::string& engine, const model::TopParams& p);

}  // namespace systolic::sim
