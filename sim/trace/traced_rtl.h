// The verilated systolic_top configurations built with FST tracing (SYSTOLIC_TRACE_CONFIGS), for
// `--trace` on the rtl and cosim engines: their own registry, so that only tracing links them.
#pragma once

#include <memory>

#include "rtl_top.h"

namespace systolic::sim {

bool traced_rtl_built(const model::TopParams& p);
// The traced build with exactly these parameters; throws std::invalid_argument saying how to add
// one when there is none (or the RTL engine's message when the configuration is not built at all).
std::unique_ptr<RtlTop> make_traced_rtl_top(const model::TopParams& p,
                                            const char* instance = "TOP");

}  // namespace systolic::sim
