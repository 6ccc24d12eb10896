// A verilated module with its own context: construction, reset pulse and one clock edge, shared by
// every RTL runner (sim/rtl/) and the module tests. Every edge checks the RTL's assertions
// (vl_assert.h).
#pragma once

#include <verilated.h>

#include <cstdint>
#include <memory>

#include "vl_assert.h"
#include "vl_coverage.h"

namespace systolic::sim {

// Verilated::threadContextp(ctx) (vl_context.cpp: out of line, for the sanitizers' sake).
void use_verilated_context(VerilatedContext* ctx);

template <class V>
struct VlDut {
  // trace: the model was verilated with tracing and will be traced. rand_seed = 0: registers and
  // memories start at 0, as in the C++ models; otherwise a model verilated with
  // --x-initial unique starts every variable at a random value drawn from rand_seed (and
  // --x-assign unique draws every X assignment), as testbench/test_reset_x.cpp needs.
  explicit VlDut(const char* name, bool trace = false, uint32_t rand_seed = 0) {
    if (rand_seed == 0) {
      ctx.randReset(0);
    } else {
      ctx.randReset(2);
      ctx.randSeed(int(rand_seed % 0x7fffffffu) + 1);  // never 0, which Verilator makes random
    }
    if (trace) ctx.traceEverOn(true);
    // Verilator's per-thread context pointer names the context that a model's construction and
    // destruction use (the random start values, the scope table); several models, each with its
    // own context, live in one thread here, so it is set around both.
    use_verilated_context(&ctx);
    top = std::make_unique<V>(&ctx, name);
  }
  ~VlDut() {
    use_verilated_context(&ctx);
    top->final();
#ifdef SYSTOLIC_COVERAGE
    coverage_collect(ctx, top->modelName());
#endif
    top.reset();
    use_verilated_context(nullptr);  // never left pointing at a destroyed context
  }
  VlDut(const VlDut&) = delete;
  VlDut& operator=(const VlDut&) = delete;

  // The combinational outputs for the inputs as they are (clock low).
  void settle() {
    use_verilated_context(&ctx);
    top->clk_i = 0;
    top->eval();
  }
  // One rising edge of clk_i with the inputs as they are.
  void edge() {
    use_verilated_context(&ctx);  // what the evaluation's random draws and messages use
    top->clk_i = 0;
    top->eval();
    top->clk_i = 1;
    top->eval();
    ctx.timeInc(1);
    check_rtl_assertions();
  }
  // rst_ni low across one edge, then released.
  void reset() {
    use_verilated_context(&ctx);
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
