#include "requant.h"

#include <fmt/format.h>

#include <stdexcept>

namespace systolic::model {

Requant::Requant(RequantParams p) : params_(p) {
  if (p.PipeDepth < 1) throw std::invalid_argument("requant: PipeDepth must be >= 1");
  if (p.Rounding < 0 || p.Rounding > 2) {
    throw std::invalid_argument(fmt::format("requant: Rounding {} must be 0, 1 or 2", p.Rounding));
  }
  pipe_.resize(p.PipeDepth);
}

void Requant::reset() {
  for (Slot& s : pipe_) s = Slot{};
  out_ = RequantOut{};
}

quant::Rounding Requant::mode(bool rounding_i) const {
  const bool single = params_.Rounding == 2 ? rounding_i : params_.Rounding == 1;
  return single ? quant::Rounding::kSingle : quant::Rounding::kDouble;
}

const RequantOut& Requant::clock(const RequantIn& in) {
  for (size_t i = pipe_.size() - 1; i > 0; --i) pipe_[i] = pipe_[i - 1];
  pipe_[0].valid = in.valid_i;
  if (in.valid_i) {
    quant::OutputStage s;
    s.m0 = in.m0_i;
    s.shift = in.shift_i;
    s.zp_out = in.zp_out_i;
    s.act_min = in.act_min_i;
    s.act_max = in.act_max_i;
    s.rounding = mode(in.rounding_i);
    pipe_[0].result = quant::requantize(in.acc_i, in.bias_i, s);
  }
  out_.valid_o = pipe_.back().valid;
  if (out_.valid_o) out_.out_o = pipe_.back().result;
  return out_;
}

}  // namespace systolic::model
