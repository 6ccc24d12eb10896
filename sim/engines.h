// The engines `systolic run` can drive: the model core, a verilated RTL configuration, or both
// in co-simulation.
#pragma once

#include <memory>
#include <string>

#include "host_port.h"

namespace systolic::sim {

// Parameters for a Rows x Cols engine: those of the built RTL configuration when there is one (so
// model and RTL runs are the same machine), the defaults otherwise.
// weight_banks: 2 (double-buffered weights) or 1; a built configuration with that value is
// preferred, the defaults with it otherwise.
model::TopParams engine_params(int rows, int cols, int weight_banks = 2);

// "model" | "rtl" | "lockstep" (C++ lockstep of model and RTL). Throws std::invalid_argument for
// an unknown engine or an RTL configuration that was not built.
std::unique_ptr<HostPort> make_engine(const std::string& engine, int rows, int cols);
// The same for exactly these parameters (the RTL engines need a configuration built with them).
std::unique_ptr<HostPort> make_engine(const std::string& engine, const model::TopParams& p);

}  // namespace systolic::sim
