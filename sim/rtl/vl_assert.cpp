#include "vl_assert.h"

#include <fmt/format.h>

namespace {
// The first failure since the last check (one simulation thread per process at a time; SystemC
// runs its processes on one thread as well).
thread_local bool g_failed = false;
thread_local std::string g_message;
}  // namespace

// Called by the verilated code (DPI-C import in rtl/systolic_assert.svh).
extern "C" void systolic_assert_failed(const char* where, const char* what) {
  if (g_failed) return;
  g_failed = true;
  g_message = fmt::format("RTL assertion {} failed: {}", where ? where : "?", what ? what : "?");
}

namespace systolic::sim {

void check_rtl_assertions() {
  if (!g_failed) return;
  g_failed = false;
  throw RtlAssertion(g_message);
}

}  // namespace systolic::sim
