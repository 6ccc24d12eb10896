// The engines `systolic run` can drive: the model core, a verilated RTL configuration, or both
// in co-simulation.
#pragma once

#include <memory>
#include <string>

#include "host_port.h"

namespace systolic::sim {

// Parameters for a Rows x Cols engine: those of the built RTL configuration when there is one (so
// model and RTL runs are the same machine), the defaults otherwise.
model::TopParams engine_params(int rows, int cols);

// "model" | "rtl" | "lockstep" (C++ lockstep of model and RTL). Throws std::invalid_argument for
// an unknown engine or an RTL configuration that was not built.
std::unique_ptr<HostPort> make_engine(const std::string& engine, int rows, int cols);

}  // namespace systolic::sim
