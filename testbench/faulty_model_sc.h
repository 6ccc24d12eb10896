// Test only: the model's SystemC wrapper with a fault in its outputs, so that a test can require
// the co-simulation's checker to stop at exactly that cycle and port. From rising edge `from_edge`
// on, host_rdata_o is XORed with 1 (kHostRdata), or byte 0 of every memory write request's data
// (kMemWdata: mem_req_wdata_o[0] while mem_req_valid_o and mem_req_we_o).
#pragma once

#include <cstdint>
#include <memory>

#include "model_sc.h"

namespace systolic::test {

enum class Fault { kHostRdata, kMemWdata };

struct FaultyModelSc final : sim::SystolicTopSc {
  FaultyModelSc(sc_core::sc_module_name name, const model::TopParams& p, uint64_t from_edge,
                Fault fault)
      : sim::SystolicTopSc(name, p), from_edge_(from_edge), fault_(fault) {}

 protected:
  model::TopOut outputs(const model::TopOut& core_out, uint64_t edge) override {
    model::TopOut o = core_out;
    if (edge < from_edge_) return o;
    if (fault_ == Fault::kHostRdata) {
      o.host_rdata_o ^= 1u;
    } else if (o.mem_req_valid_o && o.mem_req_we_o && !o.mem_req_wdata_o.empty()) {
      o.mem_req_wdata_o[0] ^= 1;
    }
    return o;
  }

 private:
  uint64_t from_edge_;
  Fault fault_;
};

// A CosimOptions::make_model that builds it.
inline auto faulty_model(uint64_t from_edge, Fault fault = Fault::kHostRdata) {
  return [from_edge, fault](const char* name,
                            const model::TopParams& p) -> std::unique_ptr<sim::SystolicTopSc> {
    return std::make_unique<FaultyModelSc>(name, p, from_edge, fault);
  };
}

}  // namespace systolic::test
