// The one implementation of RtlTop for a verilated systolic_top class V, plain or traced (FST);
// the registries of plain (rtl_top.cpp) and traced (sim/trace/traced_rtl.cpp) configurations
// instantiate it.
#pragma once

#include <fmt/format.h>
#include <verilated.h>

#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "ports.h"
#include "rtl_top.h"
#include "vl_dut.h"

namespace systolic::sim {

struct NoTraceFile {};

// With kTraced, TraceFile is VerilatedFstC (its header included by the traced registry).
template <class V, bool kTraced, class TraceFile = NoTraceFile>
class RtlTopImpl final : public RtlTop {
 public:
  // rand_seed: see VlDut (0: every variable starts at 0).
  RtlTopImpl(const model::TopParams& p, const char* instance, uint32_t rand_seed = 0)
      : params_(p), dut_(instance, kTraced, rand_seed) {}
  ~RtlTopImpl() override {
    if constexpr (kTraced) trace_close();
  }
  const model::TopParams& params() const override { return params_; }
  void drive(const model::TopIn& in) override { sim::drive(*dut_.top, in, params_); }
  void edge() override { dut_.edge(); }
  void reset() override { dut_.reset(); }
  void settle() override { dut_.settle(); }
  void set_rst_n(bool v) override {
    dut_.top->rst_ni = v;
    dut_.top->eval();
  }
  model::TopOut sample() const override {
    model::TopOut o;
    sim::sample(*dut_.top, o, params_);
    return o;
  }
  bool traced() const override { return kTraced; }
  void trace_open(const std::string& path,
                  const std::vector<std::pair<int, std::string>>& dumpvars) override {
    if constexpr (kTraced) {
      fst_ = std::make_unique<TraceFile>();
      dut_.top->trace(fst_.get(), 99);
      for (const auto& [level, hier] : dumpvars) fst_->dumpvars(level, hier);
      fst_->open(path.c_str());
      if (!fst_->isOpen()) {
        fst_.reset();
        throw std::runtime_error(fmt::format("{}: cannot write the waveform", path));
      }
    } else {
      throw std::logic_error("trace_open on an untraced RTL build");
    }
  }
  void trace_dump(uint64_t t) override {
    if constexpr (kTraced) {
      if (fst_) fst_->dump(t);
    }
  }
  void trace_close() override {
    if constexpr (kTraced) {
      if (fst_) fst_->close();
      fst_.reset();
    }
  }

 private:
  model::TopParams params_;
  VlDut<V> dut_;
  std::unique_ptr<TraceFile> fst_;
};

template <class V, bool kTraced, class TraceFile>
std::unique_ptr<RtlTop> make_rtl_top_impl(const model::TopParams& p, const char* instance) {
  return std::make_unique<RtlTopImpl<V, kTraced, TraceFile>>(p, instance);
}

// The same, started from random values (see VlDut; the model must be verilated with
// --x-initial unique for rand_seed to matter).
template <class V>
std::unique_ptr<RtlTop> make_rtl_top_random_start(const model::TopParams& p, const char* instance,
                                                  uint32_t rand_seed) {
  return std::make_unique<RtlTopImpl<V, false, NoTraceFile>>(p, instance, rand_seed);
}

}  // namespace systolic::sim
