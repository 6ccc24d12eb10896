#include "tlm_target.h"

#include <cstring>

namespace systolic::sim {

HostTlmTarget::HostTlmTarget(sc_core::sc_module_name name, std::unique_ptr<HostPort> engine,
                             const sc_core::sc_time& period, bool loosely_timed)
    : sc_core::sc_module(name),
      socket("socket"),
      engine_(std::move(engine)),
      period_(period),
      loosely_timed_(loosely_timed),
      engine_time_(sc_core::SC_ZERO_TIME) {
  socket.register_b_transport(this, &HostTlmTarget::b_transport);
  socket.register_transport_dbg(this, &HostTlmTarget::transport_dbg);
  engine_->reset();
}

void HostTlmTarget::b_transport(tlm::tlm_generic_payload& gp, sc_core::sc_time& delay) {
  const uint64_t addr = gp.get_address();
  const unsigned int len = gp.get_data_length();
  if (gp.get_byte_enable_ptr() != nullptr) {
    gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    return;
  }
  if (len == 0 || len % 4 != 0 ||
      (gp.get_streaming_width() != 0 && gp.get_streaming_width() != len)) {
    gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    return;
  }
  if (addr % 4 != 0 || (addr / 4) + len / 4 > (uint64_t{1} << 32)) {
    gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
    return;
  }
  if (!gp.is_read() && !gp.is_write()) {
    gp.set_response_status(tlm::TLM_COMMAND_ERROR_RESPONSE);
    return;
  }
  // Catch the engine up to the initiator's time with the host port idle.
  const sc_core::sc_time now = sc_core::sc_time_stamp() + delay;
  while (engine_time_ + period_ <= now) {
    engine_->clock(model::TopIn{});
    engine_time_ += period_;
    ++edges_;
  }
  unsigned char* data = gp.get_data_ptr();
  for (unsigned int w = 0; w < len / 4; ++w) {
    model::TopIn in;
    in.host_req_i = true;
    in.host_addr_i = uint32_t(addr / 4 + w);
    uint32_t word = 0;
    if (gp.is_write()) {
      std::memcpy(&word, data + 4 * w, 4);
      in.host_we_i = true;
      in.host_wdata_i = word;
    }
    const model::TopOut& o = engine_->clock(in);
    engine_time_ += period_;
    ++edges_;
    if (gp.is_read()) {
      if (!o.host_rvalid_o) {
        gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        return;
      }
      word = o.host_rdata_o;
      std::memcpy(data + 4 * w, &word, 4);
    }
  }
  gp.set_response_status(tlm::TLM_OK_RESPONSE);
  delay = engine_time_ - sc_core::sc_time_stamp();
  if (!loosely_timed_) {
    sc_core::wait(delay);
    delay = sc_core::SC_ZERO_TIME;
  }
}

unsigned int HostTlmTarget::transport_dbg(tlm::tlm_generic_payload& gp) {
  // Debug access has no side effects and takes no time: not possible through a clocked port.
  (void)gp;
  return 0;
}

}  // namespace systolic::sim
