// Which builds of a block the blocks' hidden extreme cases (test_tile_ctrl, test_os_ctrl,
// test_dma_unit "[extreme]") run on.
//   SYSTOLIC_EXTREME_CONFIG=NAME  only the block's build NAME (for example "t4x4" or "r3c7",
//                                 the names of cmake/rtl_configs.cmake), so that
//                                 scripts/coverage.sh --extreme runs the builds side by side
//   (unset)                       every build the case takes
// (The same variable names a systolic_top configuration in the engine's programs,
// extreme_select.h.) A NAME that names no build of the block is an error
// (std::invalid_argument naming the built ones), never a silent run of nothing.
#pragma once

#include <fmt/format.h>

#include <cstdlib>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace systolic::test {

// Whether the extreme cases run on the build `name` of a block whose builds are `built`.
inline bool block_extreme_selected(const std::string& name, const std::vector<std::string>& built) {
  const char* env = std::getenv("SYSTOLIC_EXTREME_CONFIG");
  if (env == nullptr) return true;
  const std::string want(env);
  std::string names;
  for (const std::string& b : built) {
    if (b == want) return name == want;
    names += (names.empty() ? "" : " ") + b;
  }
  const std::string shown = want.size() > 180 ? want.substr(0, 180) + "..." : want;
  throw std::invalid_argument(fmt::format(
      "SYSTOLIC_EXTREME_CONFIG='{}' names no build of this block (built: {})", shown, names));
}

// The runners (each with name()) whose builds the extreme cases run on.
template <class R>
std::vector<R*> extreme_runners(const std::vector<std::unique_ptr<R>>& rs) {
  std::vector<std::string> built;
  for (const auto& r : rs) built.push_back(r->name());
  std::vector<R*> kept;
  for (const auto& r : rs)
    if (block_extreme_selected(r->name(), built)) kept.push_back(r.get());
  return kept;
}

}  // namespace systolic::test
