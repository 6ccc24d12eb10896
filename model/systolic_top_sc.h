// SystemC wrapper of the model core: an sc_module with the same port names and types as the
// verilated `--sc` systolic_top, so the two drop into one bench. All cycle logic stays in the
// plain C++ core (systolic_top.h); this only moves values between ports and core.
#pragma once

#include <systemc.h>

#include "systolic_top.h"
#include "top_observer.h"

namespace systolic::model {

SC_MODULE(SystolicTopSc) {
  sc_in<bool> clk_i;
  sc_in<bool> rst_ni;
  sc_in<bool> host_req_i;
  sc_in<bool> host_we_i;
  sc_in<uint32_t> host_addr_i;
  sc_in<uint32_t> host_wdata_i;
  sc_out<bool> host_rvalid_o;
  sc_out<uint32_t> host_rdata_o;
  sc_out<bool> busy_o;
  sc_out<bool> done_o;

  SystolicTopSc(sc_module_name name, const TopParams& p) : sc_module(name), core_(p) {
    SC_METHOD(on_edge);
    sensitive << clk_i.pos() << rst_ni.neg();
    dont_initialize();
  }
  SC_HAS_PROCESS(SystolicTopSc);

  SystolicTop& core() { return core_; }
  // Test-only fault: from rising edge `edge` on, host_rdata_o is XORed with 1 (0 disables).
  void inject_rdata_fault_from(uint64_t edge) { fault_edge_ = edge; }
  // Waveform tracing: sees every edge with the ports as this wrapper drives them (not owned).
  void set_observer(TopObserver * o) { observer_ = o; }

 private:
  void on_edge() {
    if (!rst_ni.read()) {
      core_.reset();  // asynchronous, active-low reset
      if (observer_) observer_->on_reset(core_);
    } else if (clk_i.read()) {
      TopIn in;
      in.host_req_i = host_req_i.read();
      in.host_we_i = host_we_i.read();
      in.host_addr_i = host_addr_i.read();
      in.host_wdata_i = host_wdata_i.read();
      if (observer_) observer_->before_edge(core_, in, ports_);
      core_.clock(in);
      ++edges_;
      if (observer_) observer_->after_edge(core_);
    }
    const TopOut& o = core_.out();
    host_rvalid_o.write(o.host_rvalid_o);
    const bool fault = fault_edge_ != 0 && edges_ >= fault_edge_;
    host_rdata_o.write(o.host_rdata_o ^ (fault ? 1u : 0u));
    ports_ = o;
    ports_.host_rdata_o ^= fault ? 1u : 0u;
    busy_o.write(o.busy_o);
    done_o.write(o.done_o);
  }

  SystolicTop core_;
  uint64_t edges_ = 0;
  uint64_t fault_edge_ = 0;
  TopObserver* observer_ = nullptr;
  TopOut ports_;  // the outputs as last driven
};

}  // namespace systolic::model
