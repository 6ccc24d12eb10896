// Test only: the model's SystemC wrapper with a fault in its outputs, so that a test can require
// the co-simulation's checker to stop at exactly that cycle and port. From rising edge `from_edge`
// on, host_rdata_o is XORed with 1.
#pragma once

#include <cstdint>
#include <memory>

#include "model_sc.h"

namespace systolic::test {

struct FaultyModelSc final : sim::SystolicTopSc {
  FaultyModelSc(sc_core::sc_module_name name, const model::TopParams& p, uint64_t from_edge)
      : sim::SystolicTopSc(name, p), from_edge_(from_edge) {}

 protected:
  model::TopOut outputs(const model::TopOut& core_out, uint64_t edge) override {
    model::TopOut o = core_out;
    if (edge >= from_edge_) o.host_rdata_o ^= 1u;
    return o;
  }

 private:
  uint64_t from_edge_;
};

// A CosimOptions::make_model that builds it.
inline auto faulty_model(uint64_t from_edge) {
  return [from_edge](const char* name,
                     const model::TopParams& p) -> std::unique_ptr<sim::SystolicTopSc> {
    return std::make_unique<FaultyModelSc>(name, p, from_edge);
  };
}

}  // namespace systolic::test
