// RTL configurations built on demand. A binary carries the systolic_top configurations CMake
// built into it (SYSTOLIC_RTL_CONFIGS, SYSTOLIC_TRACE_CONFIGS); any other one is verilated and
// compiled the first time a command asks for it, into a plug-in (a shared object holding that
// one verilated configuration) in the cache, $SYSTOLIC_CACHE_DIR/rtl-plugins/<config>/, and
// loaded from there afterwards (docs/build.md, "Configurations on demand").
//
// The plug-in is built by CMake from this source tree (target systolic_top_plugin, the build
// directory inside the cache entry, its log in build.log); every later use runs the same build
// again, which is a no-op unless a source changed. Concurrent processes asking for one
// configuration wait on a lock in the entry. The plug-in resolves Verilator's runtime and the
// assertion hooks from the program that loads it (linked whole and exported: `systolic`).
//
// SYSTOLIC_RTL_ON_DEMAND=0 turns this off: a configuration that was not built in is then an
// error naming the CMake variable to add it to.
#pragma once

#include <memory>
#include <string>

#include "rtl_top.h"

namespace systolic::sim {

// False when SYSTOLIC_RTL_ON_DEMAND is "0", or when this program cannot load plug-ins (it was
// not linked with the runtime exported).
bool rtl_on_demand();

// Verilator threads of the untraced plug-ins this process builds and loads (`systolic run
// --rtl-threads N`): 1 by default. With N > 1 every untraced RTL configuration comes from a plug-in
// verilated with --threads N (its own cache entry, suffix _tN), never from those built in.
void set_rtl_threads(int n);
int rtl_threads();

// The configuration p (traced: with FST tracing) from its plug-in, built first if needed (one
// progress line on stderr). Throws std::runtime_error with one line (naming the build log) when
// the build or the load fails.
std::unique_ptr<RtlTop> load_rtl_top(const model::TopParams& p, bool traced, const char* instance);

}  // namespace systolic::sim
