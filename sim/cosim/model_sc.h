// SystemC wrapper of the model core: an sc_module whose ports are systolic_top's (written from the
// generated port list, model/systolic_if.h), so that it and the RTL's wrapper (rtl_sc.h) drop
// into one bench. All cycle logic stays in the plain C++ core (model/systolic_top.h); this only
// moves values between ports and core.
#pragma once

#include <systemc.h>

#include "sc_lanes.h"
#include "systolic_top.h"
#include "top_observer.h"

namespace systolic::sim {

SC_MODULE(SystolicTopSc) {
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

  SystolicTopSc(sc_module_name name, const model::TopParams& p) : sc_module(name), core_(p) {
    SC_METHOD(on_edge);
    sensitive << clk_i.pos() << rst_ni.neg();
    dont_initialize();
  }
  SC_HAS_PROCESS(SystolicTopSc);
  ~SystolicTopSc() override = default;

  model::SystolicTop& core() { return core_; }
  // Waveform tracing: sees every edge with the ports as this wrapper drives them (not owned).
  void set_observer(model::TopObserver * o) { observer_ = o; }
  const model::TopOut& ports() const { return ports_; }  // the outputs as last driven

 protected:
  // The outputs this wrapper drives after an edge (a subclass may change them: a test injects a
  // fault there).
  virtual model::TopOut outputs(const model::TopOut& core_out, uint64_t edge) {
    (void)edge;
    return core_out;
  }

 private:
  void on_edge() {
    if (!rst_ni.read()) {
      core_.reset();  // asynchronous, active-low reset
      if (observer_) observer_->on_reset(core_);
    } else if (clk_i.read()) {
      model::TopIn in;
#define SYSTOLIC_SC_READ(name, type, width) in.name = name.read();
#define SYSTOLIC_SC_READ_L(name, lanes, bits, sgn) in.name = name.read().v;
      SYSTOLIC_SYSTOLIC_TOP_INPUTS(SYSTOLIC_SC_READ, SYSTOLIC_SC_READ_L)
#undef SYSTOLIC_SC_READ
#undef SYSTOLIC_SC_READ_L
      if (observer_) observer_->before_edge(core_, in, ports_);
      core_.clock(in);
      ++edges_;
      if (observer_) observer_->after_edge(core_);
    }
    ports_ = outputs(core_.out(), edges_);
#define SYSTOLIC_SC_WRITE(name, type, width) name.write(ports_.name);
#define SYSTOLIC_SC_WRITE_L(name, lanes, bits, sgn) name.write(ScLanes{ports_.name});
    SYSTOLIC_SYSTOLIC_TOP_OUTPUTS(SYSTOLIC_SC_WRITE, SYSTOLIC_SC_WRITE_L)
#undef SYSTOLIC_SC_WRITE
#undef SYSTOLIC_SC_WRITE_L
  }

  model::SystolicTop core_;
  uint64_t edges_ = 0;
  model::TopObserver* observer_ = nullptr;
  model::TopOut ports_;
};

}  // namespace systolic::sim
