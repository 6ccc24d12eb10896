// The engine as the host driver sees it: one clock edge at a time through the host port. The
// model (model/systolic_top.h), a verilated RTL configuration, and both in lockstep all implement
// it.
#pragma once

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "systolic_top.h"
#include "top_observer.h"

namespace systolic::sim {

class HostPort {
 public:
  virtual ~HostPort() = default;
  virtual const model::TopParams& params() const = 0;
  virtual void reset() = 0;
  virtual const model::TopOut& clock(const model::TopIn& in) = 0;
  virtual uint64_t cycles() const = 0;  // edges since construction
};

// The C++ model core.
class ModelPort final : public HostPort {
 public:
  explicit ModelPort(const model::TopParams& p) : top_(p) {}
  const model::TopParams& params() const override { return top_.params(); }
  void reset() override {
    top_.reset();
    if (observer_) observer_->on_reset(top_);
  }
  const model::TopOut& clock(const model::TopIn& in) override {
    ++cycles_;
    if (!observer_) return top_.clock(in);
    observer_->before_edge(top_, in, top_.out());
    top_.clock(in);
    observer_->after_edge(top_);
    last_in_ = in;
    return top_.out();
  }
  // Waveform tracing (sim/trace_model.h): sees every edge; not owned.
  void set_observer(model::TopObserver* o) { observer_ = o; }
  const model::TopIn& last_in() const { return last_in_; }
  uint64_t cycles() const override { return cycles_; }
  model::SystolicTop& top() { return top_; }

 private:
  model::SystolicTop top_;
  uint64_t cycles_ = 0;
  model::TopObserver* observer_ = nullptr;
  model::TopIn last_in_;
};

// Names ("RxC") of the verilated systolic_top configurations, and their parameters.
std::vector<std::string> top_rtl_configs();
std::vector<model::TopParams> top_rtl_params();
// A verilated configuration; throws std::invalid_argument naming the built ones when
// rows x cols was not built.
std::unique_ptr<HostPort> make_top_rtl(int rows, int cols);
// Parameters of the built configuration rows x cols (same error when there is none).
model::TopParams top_rtl_params(int rows, int cols);
// The verilated configuration with exactly these parameters (the same error when there is none).
std::unique_ptr<HostPort> make_top_rtl(const model::TopParams& p);
bool top_rtl_built(const model::TopParams& p);

// Model and RTL driven by one stimulus, compared on every output port after every edge.
// The first difference throws Mismatch naming the cycle, the port and both values.
struct Mismatch : std::runtime_error {
  Mismatch(uint64_t cycle, std::string port, uint64_t model, uint64_t rtl);
  uint64_t cycle;
  std::string port;
  uint64_t model_value, rtl_value;
};

class LockstepPort final : public HostPort {
 public:
  LockstepPort(std::unique_ptr<HostPort> model, std::unique_ptr<HostPort> rtl);
  const model::TopParams& params() const override { return model_->params(); }
  void reset() override;
  const model::TopOut& clock(const model::TopIn& in) override;
  uint64_t cycles() const override { return model_->cycles(); }
  HostPort& model() { return *model_; }
  HostPort& rtl() { return *rtl_; }

 private:
  std::unique_ptr<HostPort> model_, rtl_;
};

}  // namespace systolic::sim
