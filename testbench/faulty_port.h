// Test only: a HostPort that passes another through with one planted fault, for the soak's tests
// (testbench/test_cli_soak.sh through systolic-faulty). Only 4x4 configurations are wrapped, so a
// soak over several configurations fails exactly on the GEMMs that ran on 4x4.
//   kModelRdata: host_rdata_o bit 0 flipped on every read answer (wrapping the model side of a
//     lockstep: the lockstep must stop at host_rdata_o);
//   kCRead: bit 0 of every answer to a read of the C region flipped (wrapping the whole lockstep
//     port: both sides agree, only a reference of C can see it; memory commands read C from the
//     memory image, so they are untouched).
#pragma once

#include <cstdint>
#include <memory>

#include "host_port.h"

namespace systolic::test {

enum class PortFault { kModelRdata, kCRead };

class FaultyPort final : public sim::HostPort {
 public:
  FaultyPort(std::unique_ptr<sim::HostPort> inner, PortFault f) : inner_(std::move(inner)), f_(f) {}
  const model::TopParams& params() const override { return inner_->params(); }
  void reset() override { inner_->reset(); }
  const model::TopOut& clock(const model::TopIn& in) override {
    out_ = inner_->clock(in);  // a read's answer comes on the edge of its request
    const bool c_read =
        in.host_req_i && !in.host_we_i && iface::region_of(in.host_addr_i) == iface::kC;
    if (out_.host_rvalid_o && (f_ == PortFault::kModelRdata || c_read)) out_.host_rdata_o ^= 1u;
    return out_;
  }
  uint64_t cycles() const override { return inner_->cycles(); }
  const model::TopOut* reference_out() const override { return inner_->reference_out(); }

 private:
  std::unique_ptr<sim::HostPort> inner_;
  PortFault f_;
  model::TopOut out_;
};

// A CliHooks::wrap_soak_* that wraps 4x4 configurations only.
inline auto faulty_port(PortFault f) {
  return [f](std::unique_ptr<sim::HostPort> p) -> std::unique_ptr<sim::HostPort> {
    if (p->params().Rows != 4 || p->params().Cols != 4) return p;
    return std::make_unique<FaultyPort>(std::move(p), f);
  };
}

}  // namespace systolic::test
