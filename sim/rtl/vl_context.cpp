// Verilator's per-thread context pointer (vl_dut.h), set out of line: GCC 12's UBSan null check
// reports the address of Verilator's thread_local Verilated::t_s as 0 where the setter is inlined
// (the TLS wrapper's weak init function is null, the variable is not), so this one file is built
// without that check under the sanitizers (sim/rtl/CMakeLists.txt).
#include <verilated.h>

#include "vl_dut.h"

namespace systolic::sim {

void use_verilated_context(VerilatedContext* ctx) { Verilated::threadContextp(ctx); }

}  // namespace systolic::sim
