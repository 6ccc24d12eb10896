#include "engines.h"

#include <fmt/format.h>

#include <stdexcept>

#include "rtl_top.h"

namespace systolic::sim {

model::TopParams engine_params(int rows, int cols, int weight_banks, int int4, int dataflow) {
  for (const model::TopParams& p : top_rtl_params()) {
    if (p.Rows == rows && p.Cols == cols && p.WeightBanks == weight_banks &&
        (int4 < 0 || p.Int4 == int4) && (dataflow < 0 || (p.Dataflow & dataflow) != 0)) {
      return p;
    }
  }
  model::TopParams p;
  p.Rows = rows;
  p.Cols = cols;
  p.WeightBanks = weight_banks;
  if (int4 >= 0) p.Int4 = int4;
  if (dataflow == 2) p.Dataflow = 3;  // both: the model runs either
  p.validate();
  return p;
}

std::unique_ptr<HostPort> make_engine(const std::string& engine, const model::TopParams& p) {
  if (engine == "model") return std::make_unique<ModelPort>(p);
  if (engine == "rtl") return std::make_unique<RtlPort>(make_rtl_top(p));
  throw std::invalid_argument(fmt::format("engine '{}' is not 'model' or 'rtl'", engine));
}

}  // namespace systolic::sim
