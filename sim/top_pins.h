// The host-port pins of a verilated systolic_top (any configuration, traced or not): drive the
// inputs from a model::TopIn, sample the outputs into a model::TopOut.
#pragma once

#include "systolic_top.h"

namespace systolic::sim {

template <class V>
void drive_top(V& top, const model::TopIn& in) {
  top.host_req_i = in.host_req_i;
  top.host_we_i = in.host_we_i;
  top.host_addr_i = in.host_addr_i;
  top.host_wdata_i = in.host_wdata_i;
}

template <class V>
void sample_top(const V& top, model::TopOut& out) {
  out.host_rvalid_o = top.host_rvalid_o;
  out.host_rdata_o = top.host_rdata_o;
  out.busy_o = top.busy_o;
  out.done_o = top.done_o;
}

}  // namespace systolic::sim
