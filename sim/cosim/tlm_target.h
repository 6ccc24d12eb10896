// The engine's host port behind a SystemC TLM-2.0 target socket (docs/testbench.md): an
// sc_module that owns an engine (the model, a verilated configuration or both in lockstep, as a
// HostPort) and clocks it itself, one edge per 32-bit word.
//
// Address map: TLM byte address = 4 * host_addr_i (the word addresses of docs/architecture.md);
// a transaction is one or more words at consecutive host addresses (a burst), each one edge:
// a write edge drives host_req_i/host_we_i/host_wdata_i, a read edge host_req_i and returns
// host_rdata_o. Unaligned addresses or lengths, byte enables and streaming widths are errors
// (TLM_ADDRESS_ERROR / TLM_BYTE_ENABLE_ERROR / TLM_BURST_ERROR responses).
//
// Timing: the engine keeps its own time, `period` per edge. A transaction arriving at the
// initiator's local time (sc_time_stamp() + delay) first clocks the engine with an idle host port
// up to that time (a command started earlier keeps running meanwhile), then takes its edges. In
// loosely-timed mode (the default) the target returns at once with the delay annotated up to the
// engine's time after the transaction; in synchronized mode it wait()s that delay itself and
// returns a zero delay.
#pragma once

#include <tlm_utils/simple_target_socket.h>

#include <cstdint>
#include <memory>
#include <systemc>
#include <tlm>

#include "host_port.h"

namespace systolic::sim {

class HostTlmTarget : public sc_core::sc_module {
 public:
  tlm_utils::simple_target_socket<HostTlmTarget> socket;

  HostTlmTarget(sc_core::sc_module_name name, std::unique_ptr<HostPort> engine,
                const sc_core::sc_time& period, bool loosely_timed = true);

  HostPort& engine() { return *engine_; }
  uint64_t edges() const { return edges_; }  // edges clocked so far
  const sc_core::sc_time& engine_time() const { return engine_time_; }

 private:
  void b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay);
  unsigned int transport_dbg(tlm::tlm_generic_payload& gp);

  std::unique_ptr<HostPort> engine_;
  sc_core::sc_time period_;
  bool loosely_timed_;
  sc_core::sc_time engine_time_;
  uint64_t edges_ = 0;
};

}  // namespace systolic::sim
