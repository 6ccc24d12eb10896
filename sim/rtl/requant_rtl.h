// Runs a verilated configuration of rtl/requant.sv behind the same interface as the C++ twin
// (model/requant.h), so tests, the demo and later the co-simulation drive both alike.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "requant.h"

namespace systolic::sim {

class RequantRtl {
 public:
  virtual ~RequantRtl() = default;
  virtual const std::string& name() const = 0;
  virtual const model::RequantParams& params() const = 0;
  // Holds rst_ni low across one clock edge, then releases it.
  virtual void reset() = 0;
  // Drives the inputs, applies one rising edge, returns the outputs after it.
  virtual model::RequantOut clock(const model::RequantIn& in) = 0;
};

// The names of the verilated requant configurations (SYSTOLIC_REQUANT_CONFIGS).
std::vector<std::string> requant_rtl_configs();
// The first configuration with these parameters, or nullptr when none was built.
std::unique_ptr<RequantRtl> make_requant_rtl(const model::RequantParams& p);
// By name; throws std::invalid_argument naming the built ones when there is none.
std::unique_ptr<RequantRtl> make_requant_rtl(const std::string& name);

}  // namespace systolic::sim
