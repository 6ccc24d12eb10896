// SystemC wrapper of a verilated systolic_top configuration (sim/rtl/rtl_top.h): the same ports as
// the model's wrapper (model_sc.h), written from the generated port list. On every rising edge of
// clk_i it drives the inputs into the verilated model and evaluates the edge (an edge with rst_ni
// low resets it); a falling rst_ni resets it asynchronously, as in the RTL.
#pragma once

#include <systemc.h>

#include <memory>
#include <string>

#include "rtl_top.h"
#include "sc_lanes.h"
#include "vl_assert.h"

namespace systolic::sim {

SC_MODULE(RtlTopSc) {
  sc_in<bool> clk_i;
  sc_in<bool> rst_ni;
#define SYSTOLIC_SC_IN(name, type, width) sc_in<type> name;
#define SYSTOLIC_SC_OUT(name, type, width) sc_out<type> name;
#define SYSTOLIC_SC_IN_L(name, lanes, bits, sgn) sc_in<ScLanes> name;
#define SYSTOLIC_SC_OUT_L(name, lanes, bits, sgn) sc_out<ScLanes> name;
  SYSTOLIC_SYSTOLIC_TOP_INPUTS(SYSTOLIC_SC_IN, SYSTOLIC_SC_IN_L)
  SYSTOLIC_SYSTOLIC_TOP_OUTPUTS(SYSTOLIC_SC_OUT, SYSTOLIC_SC_OUT_L)
#undef SYSTOLIC_SC_IN
#undef SYSTOLIC_SC_OUT
#undef SYSTOLIC_SC_IN_L
#undef SYSTOLIC_SC_OUT_L

  RtlTopSc(sc_module_name name, std::unique_ptr<RtlTop> top)
      : sc_module(name), top_(std::move(top)) {
    SC_METHOD(on_edge);
    sensitive << clk_i.pos() << rst_ni.neg();
    dont_initialize();
  }
  SC_HAS_PROCESS(RtlTopSc);

  RtlTop& top() { return *top_; }
  // An RTL assertion that failed (the edge it failed in stopped the simulation), or empty.
  const std::string& assertion() const { return assertion_; }

 private:
  void on_edge() {
    model::TopIn in;
#define SYSTOLIC_SC_READ(name, type, width) in.name = name.read();
#define SYSTOLIC_SC_READ_L(name, lanes, bits, sgn) in.name = name.read().v;
    SYSTOLIC_SYSTOLIC_TOP_INPUTS(SYSTOLIC_SC_READ, SYSTOLIC_SC_READ_L)
#undef SYSTOLIC_SC_READ
#undef SYSTOLIC_SC_READ_L
    top_->drive(in);
    const bool rst_n = rst_ni.read();
    if (rst_n != rst_n_) {  // the reset pin changes rarely: evaluate only then
      top_->set_rst_n(rst_n);
      rst_n_ = rst_n;
    }
    // A rising edge with rst_ni low resets the flops, as in the RTL (the verilated model starts
    // with rst_ni = 0, so it sees no falling edge of it at the bench's first reset).
    if (clk_i.read()) {
      try {
        top_->edge();
      } catch (const RtlAssertion& e) {
        assertion_ = e.what();
        sc_stop();
      }
    }
    const model::TopOut o = top_->sample();
#define SYSTOLIC_SC_WRITE(name, type, width) name.write(o.name);
#define SYSTOLIC_SC_WRITE_L(name, lanes, bits, sgn) name.write(ScLanes{o.name});
    SYSTOLIC_SYSTOLIC_TOP_OUTPUTS(SYSTOLIC_SC_WRITE, SYSTOLIC_SC_WRITE_L)
#undef SYSTOLIC_SC_WRITE
#undef SYSTOLIC_SC_WRITE_L
  }

  std::unique_ptr<RtlTop> top_;
  std::string assertion_;
  bool rst_n_ = false;  // the value last driven on rst_ni (a verilated model starts with 0)
};

}  // namespace systolic::sim
