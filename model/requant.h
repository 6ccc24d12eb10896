// C++ twin of rtl/requant.sv: the output stage of one column, cycle for cycle.
//
// Same parameters (Rounding, PipeDepth) and port names as the RTL. The arithmetic is the reference
// library's (quant.h); this class adds the RTL's cycle behaviour: a result appears PipeDepth clock
// edges after its input, valid_o is valid_i delayed by PipeDepth, out_o holds the last result
// while valid_o = 0, and reset clears everything to 0.
#pragma once

#include <cstdint>
#include <vector>

#include "quant.h"

namespace systolic::model {

struct RequantParams {
  int Rounding = 2;   // 0: double, 1: single, 2: chosen by rounding_i   (RTL parameter Rounding)
  int PipeDepth = 3;  // latency in cycles, >= 1                         (RTL parameter PipeDepth)
};

struct RequantIn {
  bool valid_i = false;
  bool rounding_i = false;  // 0: double, 1: single; read only when Rounding == 2
  int32_t acc_i = 0;
  int32_t bias_i = 0;
  int32_t m0_i = 0;
  int32_t shift_i = 0;   // 6-bit signed port, contract [-31, 30]
  int32_t zp_out_i = 0;  // 8-bit signed ports
  int32_t act_min_i = -128;
  int32_t act_max_i = 127;
};

struct RequantOut {
  bool valid_o = false;
  int32_t out_o = 0;
};

class Requant {
 public:
  explicit Requant(RequantParams p = {});

  const RequantParams& params() const { return params_; }
  // rst_ni = 0: every register cleared.
  void reset();
  // One rising clock edge with `in` on the input ports; returns the outputs after the edge.
  const RequantOut& clock(const RequantIn& in);
  const RequantOut& out() const { return out_; }

  // The rounding mode a sample with this rounding_i uses in this configuration.
  quant::Rounding mode(bool rounding_i) const;

 private:
  struct Slot {
    bool valid = false;  // the valid bit travelling down the pipeline
    int32_t result = 0;  // the step-3 result of that sample
  };
  RequantParams params_;
  std::vector<Slot> pipe_;  // pipe_[i]: the sample i + 1 edges old; pipe_.back() drives out_o
  RequantOut out_;          // valid_o / out_o
};

}  // namespace systolic::model
