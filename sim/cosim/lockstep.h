// Model and RTL driven by one stimulus, compared on every output port after every edge (in plain
// C++; the SystemC co-simulation is cosim.h). The first difference throws Mismatch naming the
// cycle, the port and both values.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>

#include "host_port.h"

namespace systolic::sim {

// The one message of every comparator (lockstep, co-simulation, the module tests).
std::string mismatch_message(const char* what, uint64_t cycle, const iface::PortDiff& d,
                             const char* a_name = "model", const char* b_name = "RTL");

struct Mismatch : std::runtime_error {
  Mismatch(uint64_t cycle, const iface::PortDiff& d);
  uint64_t cycle;
  std::string port;
  uint64_t model_value, rtl_value;
};

class LockstepPort final : public HostPort {
 public:
  LockstepPort(std::unique_ptr<HostPort> model, std::unique_ptr<HostPort> rtl);
  // The model and the built RTL configuration with exactly these parameters.
  explicit LockstepPort(const model::TopParams& p);
  const model::TopParams& params() const override { return model_->params(); }
  void reset() override;
  // The RTL's outputs (the design under test); reference_out() is the model's.
  const model::TopOut& clock(const model::TopIn& in) override;
  uint64_t cycles() const override { return model_->cycles(); }
  const model::TopOut* reference_out() const override { return model_out_; }
  HostPort& model() { return *model_; }
  HostPort& rtl() { return *rtl_; }

 private:
  std::unique_ptr<HostPort> model_, rtl_;
  const model::TopOut* model_out_ = nullptr;
};

}  // namespace systolic::sim
