// The engine as the host driver sees it: one clock edge at a time through the host port. The
// model (model/systolic_top.h), a verilated RTL configuration (sim/rtl/), both in lockstep and
// both in a SystemC co-simulation (sim/cosim/) all implement it.
#pragma once

#include <cstdint>
#include <functional>
#include <utility>

#include "systolic_top.h"
#include "top_observer.h"

namespace systolic::sim {

class HostPort {
 public:
  virtual ~HostPort() = default;
  virtual const model::TopParams& params() const = 0;
  virtual void reset() = 0;
  // One rising edge with `in` on the inputs; the output ports after it.
  virtual const model::TopOut& clock(const model::TopIn& in) = 0;
  virtual uint64_t cycles() const = 0;  // edges since construction
  // Clocks with the host port idle until done_o is 1 after an edge, at most max_edges edges;
  // returns whether done_o came. A port may do it faster than edge by edge (the model in
  // timing-only runs, SystolicTop::wait_done) as long as cycles() counts every edge.
  virtual bool wait_done(uint64_t max_edges) {
    for (uint64_t i = 0; i < max_edges; ++i) {
      if (clock(model::TopIn{}).done_o) return true;
    }
    return false;
  }
  // Ports that run two sides (lockstep, co-simulation): clock() returns the RTL's outputs and
  // this the model's, of the same edge, so that a reader can take each side's values from its own
  // port. nullptr for a single engine.
  virtual const model::TopOut* reference_out() const { return nullptr; }
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
  bool wait_done(uint64_t max_edges) override {
    if (observer_) return HostPort::wait_done(max_edges);  // the observer sees every edge
    const uint64_t before = top_.cycle();
    const bool done = top_.wait_done(max_edges);
    cycles_ += top_.cycle() - before;
    return done;
  }
  // Waveform tracing (sim/trace/trace_model.h): sees every edge; not owned.
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

// Any engine with a callback after every edge: the inputs applied, the outputs after the edge and
// the edge's number (cycles() after it). For a user's checker or coverage collector
// (docs/testbench.md); every edge goes through clock(), so wait_done() is edge by edge here.
class CallbackPort final : public HostPort {
 public:
  using Callback =
      std::function<void(const model::TopIn& in, const model::TopOut& out, uint64_t cycle)>;
  CallbackPort(HostPort& inner, Callback cb) : inner_(inner), cb_(std::move(cb)) {}
  const model::TopParams& params() const override { return inner_.params(); }
  void reset() override { inner_.reset(); }
  const model::TopOut& clock(const model::TopIn& in) override {
    const model::TopOut& o = inner_.clock(in);
    cb_(in, o, inner_.cycles());
    return o;
  }
  uint64_t cycles() const override { return inner_.cycles(); }
  const model::TopOut* reference_out() const override { return inner_.reference_out(); }

 private:
  HostPort& inner_;
  Callback cb_;
};

}  // namespace systolic::sim
