// The verilated systolic_top configurations: one registry of what CMake built (plain and, for
// SYSTOLIC_TRACE_CONFIGS, with FST tracing), behind one interface (RtlTop) that the RTL engine,
// the lockstep runs, the co-simulation's SystemC wrapper and the waveform dumps all use.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "host_port.h"

namespace systolic::sim {

// One verilated systolic_top, clocked by hand.
class RtlTop {
 public:
  virtual ~RtlTop() = default;
  virtual const model::TopParams& params() const = 0;
  virtual void drive(const model::TopIn& in) = 0;  // the input pins, for the next edge
  virtual void edge() = 0;                         // one rising edge (checks the assertions)
  virtual void reset() = 0;                        // rst_ni low across one edge
  virtual void settle() = 0;                       // evaluate with the clock low
  virtual void set_rst_n(bool v) = 0;              // drive rst_ni (asynchronous) and evaluate
  virtual model::TopOut sample() const = 0;        // the output pins now
  // Tracing (traced builds only, else std::logic_error): open an FST with the hierarchies
  // `dumpvars` keeps ({level, scope below the top}, empty: everything), dump the current values
  // at time t, close.
  virtual bool traced() const = 0;
  virtual void trace_open(const std::string& path,
                          const std::vector<std::pair<int, std::string>>& dumpvars) = 0;
  virtual void trace_dump(uint64_t t) = 0;
  virtual void trace_close() = 0;
};

// Names ("RxC[_...]") and parameters of the built configurations.
std::vector<std::string> top_rtl_configs();
std::vector<model::TopParams> top_rtl_params();
bool top_rtl_built(const model::TopParams& p);
// The built configuration with exactly these parameters; throws std::invalid_argument naming the
// built ones and how to add one when there is none. (The traced builds: sim/trace/traced_rtl.h.)
std::unique_ptr<RtlTop> make_rtl_top(const model::TopParams& p, const char* instance = "TOP");
// A configuration as SYSTOLIC_RTL_CONFIGS spells it: "RowsxCols[:Param=Value,...]" with the
// parameters that differ from their defaults (rtl/systolic_if.toml).
std::string config_spec(const model::TopParams& p);
// How to add a configuration entry to the CMake list `var`, and which are built.
std::string rtl_build_hint(const std::string& entry, const char* var);
// Parameters of the built configuration rows x cols with this many weight banks (the same error
// when there is none). int4: 1 needs dual-mode PEs (Int4 = 1), -1 takes either.
// dataflow: 1 needs weight-stationary (Dataflow 1 or 3), 2 output-stationary (2 or 3), -1 either.
model::TopParams top_rtl_params(int rows, int cols, int weight_banks = 2, int int4 = -1,
                                int dataflow = -1);

// The RTL engine: a verilated configuration behind the host port.
class RtlPort final : public HostPort {
 public:
  explicit RtlPort(std::unique_ptr<RtlTop> top);
  const model::TopParams& params() const override { return top_->params(); }
  void reset() override;
  const model::TopOut& clock(const model::TopIn& in) override;
  uint64_t cycles() const override { return cycles_; }
  RtlTop& top() { return *top_; }

 private:
  std::unique_ptr<RtlTop> top_;
  model::TopOut out_;
  uint64_t cycles_ = 0;
};

}  // namespace systolic::sim
