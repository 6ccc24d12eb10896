// A lane port's value (model::TopIn / TopOut: a std::vector<int32_t> of `lanes` elements) as a
// SystemC signal type, so that the memory port's data lanes (mem_req_wdata_o, mem_rsp_rdata_i)
// are ports of both wrappers and compared by the bench like every other port.
#pragma once

#include <systemc.h>

#include <cstdint>
#include <ostream>
#include <string>
#include <vector>

namespace systolic::sim {

struct ScLanes {
  std::vector<int32_t> v;
  bool operator==(const ScLanes& o) const { return v == o.v; }
};

inline std::ostream& operator<<(std::ostream& os, const ScLanes& l) {
  os << '{';
  for (size_t i = 0; i < l.v.size(); ++i) os << (i ? "," : "") << l.v[i];
  return os << '}';
}

// SystemC's own VCD tracing of lane signals is not used (the bench writes its waveforms itself).
inline void sc_trace(sc_core::sc_trace_file*, const ScLanes&, const std::string&) {}

}  // namespace systolic::sim
