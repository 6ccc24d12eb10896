// C++ twin of rtl/systolic_regs.sv: the host port of the engine (address decode, command
// registers, performance counters, read-data mux), register for register.
//
// Same parameters, ports (SystolicRegsIn / SystolicRegsOut, generated from rtl/systolic_if.toml)
// and registers as the RTL; testbench/test_systolic_regs.cpp compares every output port in every
// cycle with the verilated module. eval(in) gives this cycle's outputs (some are combinational
// functions of the host inputs); tick(in) is the rising edge; reset() is rst_ni = 0.
#pragma once

#include <cstdint>

#include "systolic_if.h"

namespace systolic::model {

using iface::SystolicRegsIn;
using iface::SystolicRegsOut;
using iface::SystolicRegsParams;

// Every register of rtl/systolic_regs.sv, with its RTL name. The 8-bit registers hold their raw
// bits (zp_out_q = 0xff for -1), as the RTL does.
struct SystolicRegsRegs {
  uint32_t m_q = 0, n_q = 0, k_q = 0;
  uint32_t a_base_q = 0, b_base_q = 0, c_base_q = 0, q_base_q = 0;
  uint32_t zp_out_q = 0, act_min_q = 0x80, act_max_q = 0x7f;
  bool rounding_q = false;
  uint32_t dataflow_q = 0;   // DATAFLOW: iface::kDfWs or kDfOs (a dataflow the build has)
  uint32_t precision_q = 0;  // PRECISION: iface::kPrecInt8 or (Int4 = 1) iface::kPrecW4a4
  bool done_flag_q = false;  // STATUS.done after the done_i cycle
  uint64_t cyc_busy_q = 0, cyc_wstall_q = 0, cyc_compute_q = 0, cyc_drain_q = 0, cyc_output_q = 0;
  uint64_t macs_q = 0;
  // Memory commands: descriptors (A, B, C, BIAS, M0, SHIFT; LD A, B, C), the refusal code,
  // load / store cycles and memory bytes.
  uint32_t dram_q[6] = {0, 0, 0, 0, 0, 0};
  uint32_t ld_q[3] = {0, 0, 0};
  uint32_t dram_bw_q = 0;
  uint32_t err_q = 0;
  uint64_t cyc_load_q = 0, cyc_store_q = 0;
  uint64_t dram_rd_q = 0, dram_wr_q = 0;
  uint64_t cnt_q[iface::kNumCnt] = {};  // traffic counters (iface::Counter order)
  bool rvalid_q = false;
  uint32_t src_q = 0;        // what the read of the last cycle reads: 0 regs, 1..6 a region, 7 none
  uint32_t reg_rdata_q = 0;  // the register it read
  uint32_t hold_q = 0;       // host_rdata_o while host_rvalid_o = 0
};

class SystolicRegs {
 public:
  explicit SystolicRegs(const SystolicRegsParams& p);

  const SystolicRegsParams& params() const { return p_; }
  void reset();
  const SystolicRegsOut& eval(const SystolicRegsIn& in);
  const SystolicRegsOut& out() const { return out_; }
  // The rising edge; call eval(in) first with the same `in` (tick uses its outputs).
  void tick(const SystolicRegsIn& in);

  // host_rdata_o for these scratchpad elements (the only outputs that do not depend on the host
  // inputs of the cycle): what the port shows after an edge.
  uint32_t rdata(const SystolicRegsIn& in) const;
  // The same from the scratchpads' element values (a_rdata_i .. shift_rdata_i).
  uint32_t read_data(uint32_t a, uint32_t b, uint32_t c, uint32_t bias, uint32_t m0,
                     uint32_t shift) const;

  const SystolicRegsRegs& regs() const { return r_; }

  // Fast-forward (timing-only runs): n edges without a host access (host_req_i = 0), with
  // rvalid_q = 0, busy_i = 1, done_i = 0 and the other inputs as in `in`: what n calls of tick()
  // would do, which is only counting.
  void advance_busy(uint64_t n, const SystolicRegsIn& in);

 private:
  uint32_t reg_read(uint32_t index, const SystolicRegsIn& in) const;
  // The 64-bit counter whose 32-bit half register `index` is (*lsb = 0 or 32); nullptr if it is
  // not a counter's.
  uint64_t* counter(uint32_t index, int* lsb);
  const uint64_t* counter(uint32_t index, int* lsb) const {
    return const_cast<SystolicRegs*>(this)->counter(index, lsb);
  }
  void update_register_outputs();        // m_o .. rounding_o from the registers
  void count(const SystolicRegsIn& in);  // a busy cycle: the counters
  void count_traffic(const SystolicRegsIn& in, uint64_t n);
  // MACs per PE product of the command: 2 with PRECISION w4a8 or w4a4, else 1.
  uint64_t macs_per_product() const {
    return r_.precision_q == uint32_t(iface::kPrecW4a4) ||
                   r_.precision_q == uint32_t(iface::kPrecW4a8)
               ? 2
               : 1;
  }

  SystolicRegsParams p_;
  SystolicRegsRegs r_;
  SystolicRegsOut out_;
};

}  // namespace systolic::model
