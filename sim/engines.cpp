#include "engines.h"

#include <fmt/format.h>

#include <stdexcept>

namespace systolic::sim {

model::TopParams engine_params(int rows, int cols, int weight_banks) {
  for (const model::TopParams& p : top_rtl_params()) {
    if (p.Rows == rows && p.Cols == cols && p.WeightBanks == weight_banks) return p;
  }
  model::TopParams p;
  p.Rows = rows;
  p.Cols = cols;
  p.WeightBanks = weight_banks;
  p.validate();
  return p;
}

std::unique_ptr<HostPort> make_engine(const std::string& engine, const model::TopParams& p) {
  if (engine == "model") return std::make_unique<ModelPort>(p);
  if (engine == "rtl") return make_top_rtl(p);
  if (engine == "lockstep") {
    return std::make_unique<LockstepPort>(std::make_unique<ModelPort>(p), make_top_rtl(p));
  }
  throw std::invalid_argument(fmt::format("engine '{}' is not 'model', 'rtl' or 'cosim'", engine));
}

std::unique_ptr<HostPort> make_engine(const std::string& engine, int rows, int cols) {
  if (engine == "model") return std::make_unique<ModelPort>(engine_params(rows, cols));
  if (engine == "rtl") return make_top_rtl(rows, cols);
  if (engine == "lockstep") {
    auto rtl = make_top_rtl(rows, cols);
    return std::make_unique<LockstepPort>(std::make_unique<ModelPort>(rtl->params()),
                                          std::move(rtl));
  }
  throw std::invalid_argument(fmt::format("engine '{}' is not 'model', 'rtl' or 'cosim'", engine));
}

}  // namespace systolic::sim
