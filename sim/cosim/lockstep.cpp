#include "lockstep.h"

#include <fmt/format.h>

#include "rtl_top.h"

namespace systolic::sim {

std::string mismatch_message(const char* what, uint64_t cycle, const iface::PortDiff& d,
                             const char* a_name, const char* b_name) {
  return fmt::format("{} mismatch at cycle {} on port {}: {} {} (0x{:x}), {} {} (0x{:x})", what,
                     cycle, d.port, a_name, d.a, d.a, b_name, d.b, d.b);
}

Mismatch::Mismatch(uint64_t cyc, const iface::PortDiff& d)
    : std::runtime_error(mismatch_message("co-simulation", cyc, d)),
      cycle(cyc),
      port(d.port),
      model_value(d.a),
      rtl_value(d.b) {}

LockstepPort::LockstepPort(std::unique_ptr<HostPort> model, std::unique_ptr<HostPort> rtl)
    : model_(std::move(model)), rtl_(std::move(rtl)) {}

LockstepPort::LockstepPort(const model::TopParams& p)
    : LockstepPort(std::make_unique<ModelPort>(p), std::make_unique<RtlPort>(make_rtl_top(p))) {}

void LockstepPort::reset() {
  model_->reset();
  rtl_->reset();
}

const model::TopOut& LockstepPort::clock(const model::TopIn& in) {
  const model::TopOut& m = model_->clock(in);
  const model::TopOut& r = rtl_->clock(in);
  model_out_ = &m;
  if (auto d = iface::compare_ports(m, r)) throw Mismatch(model_->cycles(), *d);
  return r;
}

}  // namespace systolic::sim
