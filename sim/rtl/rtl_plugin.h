// The interface between a program and an RTL plug-in (sim/rtl/rtl_cache.h): the plug-in's file
// name and its one entry point, which makes the verilated configuration it holds.
#pragma once

#include "rtl_top.h"

namespace systolic::sim {

inline constexpr const char* kRtlPluginFile = "libsystolic_top_plugin.so";
inline constexpr const char* kRtlPluginMakeSymbol = "systolic_rtl_plugin_make";
// Returns a new RtlTop of p (traced: with FST tracing), owned by the caller, or nullptr when the
// plug-in holds another configuration.
using RtlPluginMake = RtlTop* (*)(const model::TopParams* p, const char* instance, bool traced);

}  // namespace systolic::sim
