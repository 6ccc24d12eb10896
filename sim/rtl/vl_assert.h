// The RTL's runtime assertions (rtl/systolic_assert.svh) as C++ errors: a failing `SYS_ASSERT
// calls the DPI-C function systolic_assert_failed(where, what), defined here, which records the
// first failure; the runners check after every edge and throw RtlAssertion naming it, so a run
// stops at the cycle the invariant broke with one clear message (nothing is printed by the RTL).
#pragma once

#include <stdexcept>
#include <string>

namespace systolic::sim {

struct RtlAssertion : std::runtime_error {
  explicit RtlAssertion(const std::string& what) : std::runtime_error(what) {}
};

// Throws RtlAssertion if an assertion failed since the last call (and clears it).
void check_rtl_assertions();

}  // namespace systolic::sim
