// Runs a verilated configuration of rtl/pe_array.sv behind the interface of its C++ twin
// (model/pe_array.h).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "pe_array.h"

namespace systolic::sim {

class PeArrayRtl {
 public:
  virtual ~PeArrayRtl() = default;
  virtual const std::string& name() const = 0;
  virtual const model::PeArrayParams& params() const = 0;
  virtual void reset() = 0;
  virtual const model::PeArrayOut& clock(const model::PeArrayIn& in) = 0;
};

// Names ("RxC") of the verilated pe_array configurations (SYSTOLIC_RTL_CONFIGS).
std::vector<std::string> pe_array_rtl_configs();
// Throws std::invalid_argument naming the built configurations when rows x cols was not built.
std::unique_ptr<PeArrayRtl> make_pe_array_rtl(int rows, int cols);

}  // namespace systolic::sim
