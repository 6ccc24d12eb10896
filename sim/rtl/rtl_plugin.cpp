// An RTL plug-in (sim/rtl/rtl_cache.h): one verilated systolic_top configuration, built by CMake
// with SYSTOLIC_RTL_PLUGIN=ON and the configuration as the only entry of SYSTOLIC_RTL_CONFIGS (or
// of SYSTOLIC_TRACE_CONFIGS when traced). Verilator's runtime and the assertion hooks come from
// the program that loads it.
#include "rtl_plugin.h"

#include "rtl_top_impl.h"
#include "systolic_top_configs.h"
#include "systolic_top_tr_configs.h"
#if SYSTOLIC_PLUGIN_TRACED
#include <verilated_fst_c.h>
#endif

using systolic::model::TopParams;
using systolic::sim::RtlTop;

extern "C" __attribute__((visibility("default"))) RtlTop* systolic_rtl_plugin_make(
    const TopParams* p, const char* instance, bool traced) {
  using systolic::sim::make_rtl_top_impl;
  using systolic::sim::NoTraceFile;
#define SYSTOLIC_PLUGIN_ENTRY(Class, name, ...) \
  if (!traced && TopParams{__VA_ARGS__} == *p)  \
    return make_rtl_top_impl<Class, false, NoTraceFile>(*p, instance).release();
  SYSTOLIC_SYSTOLIC_TOP_CONFIGS(SYSTOLIC_PLUGIN_ENTRY)
#undef SYSTOLIC_PLUGIN_ENTRY
#if SYSTOLIC_PLUGIN_TRACED
#define SYSTOLIC_PLUGIN_TR_ENTRY(Class, name, ...) \
  if (traced && TopParams{__VA_ARGS__} == *p)      \
    return make_rtl_top_impl<Class, true, VerilatedFstC>(*p, instance).release();
  SYSTOLIC_SYSTOLIC_TOP_TR_CONFIGS(SYSTOLIC_PLUGIN_TR_ENTRY)
#undef SYSTOLIC_PLUGIN_TR_ENTRY
#endif
  return nullptr;
}
