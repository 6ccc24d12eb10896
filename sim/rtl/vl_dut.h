// A verilated module with its own context: construction, reset pulse and one clock edge, shared by
// every RTL runner (sim/rtl/) and the module tests. Every edge checks the RTL's assertions
// (vl_assert.h).
#pragma once

#include <verilated.h>

#include <memory>

#include "vl_assert.h"
#include "vl_coverage.h"

namespace systolic::sim {

template <class V>
struct VlDut {
  // trace: the model was verilated with tracing and will be traced.
  explicit VlDut(const char* name, bool trace = false) {
    ctx.randReset(0);  // registers and memories start at 0, as in the C++ models
    if (trace) ctx.traceEverOn(true);
    top = std::make_unique<V>(&ctx, name);
  }
  ~VlDut() {
    top->final();
#ifdef SYSTOLIC_COVERAGE
    coverage_collect(ctx, top->modelName());
#endif
  }
  VlDut(const VlDut&) = delete;
  VlDut& operator=(const VlDut&) = delete;

  // The combinational outputs for the inputs as they are (clock low).
  void settle() {
    top->clk_i = 0;
    top->eval();
  }
  // One rising edge of clk_i with the inputs as they are.
  void edge() {
    top->clk_i = 0;
    top->eval();
    top->clk_i = 1;
    top->eval();
    ctx.timeInc(1);
    check_rtl_assertions();
  }
  // rst_ni low across one edge, then released.
  void reset() {
    top->clk_i = 0;
    top->rst_ni = 0;
    top->eval();
    edge();
    top->rst_ni = 1;
    top->eval();
  }

  VerilatedContext ctx;
  std::unique_ptr<V> top;
};

}  // namespace systolic::sim
