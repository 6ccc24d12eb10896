// Which builds the hidden extreme cases ("[extreme]": commands of M, N or K near 2^24) run on.
//   SYSTOLIC_EXTREME_CONFIG=SPEC  only the build SYSTOLIC_RTL_CONFIGS spells SPEC (for example
//                                 "4x4" or "4x4:AWords=64,BWords=256,CWords=32,QWords=8"), so
//                                 that scripts/coverage.sh --extreme runs the builds side by side
//   (unset)                       every build the case takes
// A SPEC that names no built configuration is an error (std::invalid_argument naming the built
// ones), never a silent run of nothing.
#pragma once

#include <fmt/format.h>

#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>

#include "rtl_top.h"

namespace systolic::test {

inline std::optional<std::string> extreme_config() {
  const char* env = std::getenv("SYSTOLIC_EXTREME_CONFIG");
  if (env == nullptr) return std::nullopt;
  const std::string want(env);
  std::string built;
  for (const model::TopParams& p : sim::top_rtl_params()) {
    const std::string spec = sim::config_spec(p);
    if (spec == want) return want;
    built += (built.empty() ? "" : " ") + spec;
  }
  const std::string shown = want.size() > 180 ? want.substr(0, 180) + "..." : want;
  throw std::invalid_argument(fmt::format(
      "SYSTOLIC_EXTREME_CONFIG='{}' names no built configuration (built: {})", shown, built));
}

// Whether the extreme cases run on build p (every build when SYSTOLIC_EXTREME_CONFIG is unset).
inline bool extreme_selected(const model::TopParams& p) {
  const std::optional<std::string> only = extreme_config();
  return !only || sim::config_spec(p) == *only;
}

}  // namespace systolic::test
