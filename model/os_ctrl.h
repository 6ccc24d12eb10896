// C++ twin of rtl/os_ctrl.sv: the output-stationary tile sequencer (docs/architecture.md §4,
// "Output-stationary schedule"), register for register.
//
// Same parameters (OsCtrlParams), ports (OsCtrlIn / OsCtrlOut, generated from
// rtl/systolic_if.toml) and registers (OsCtrlRegs, named as in the RTL) as the RTL: every output
// port equals the RTL's in every cycle, which testbench/test_os_ctrl.cpp checks against the
// verilated module. Tile i = nt*MT + mt has the period T (K from 2 Rows - 1 up, else the smallest
// odd number >= max(K, Rows)): beat k in cycle i*T + k, the flush in cycle MT*NT*T, output row
// r's tag in (i+1)*T + 1 + 2r - Rows, from tag sequencer i mod 2.
//
// Use: eval(in) gives the outputs of the current cycle (they depend on the registers only);
// tick(in) is the rising edge. reset() is rst_ni = 0.
#pragma once

#include <cstdint>

#include "systolic_if.h"

namespace systolic::model {

using iface::OsCtrlIn;
using iface::OsCtrlOut;
using iface::OsCtrlParams;

// Every register of rtl/os_ctrl.sv, with its RTL name.
struct OsCtrlRegs {
  bool busy_q = false, done_q = false;
  bool bt_left_q = false;  // a beat or the flush has not issued
  bool fl_q = false;       // the next period is the flush
  uint32_t k_q = 0;        // K of the command
  uint32_t per_q = 0;      // T - 1
  uint32_t pc_q = 0;       // cycle in the period
  uint32_t nt_num_q = 0;   // NT
  uint32_t mrem_q = 0;     // M - mt*Rows
  uint32_t nrem_q = 0;     // N - nt*Cols
  uint32_t nt_q = 0;
  uint64_t a_tile_q = 0;  // a_base + mt*K
  uint64_t b_tile_q = 0;  // b_base + nt*K
  uint64_t c_nt_q = 0;    // c_base + nt
  uint64_t c_tile_q = 0;  // c_base + mt*Rows*NT + nt
  // Output-tag sequencers 0 and 1 (tile i uses i mod 2)
  uint32_t o_cnt_q[2] = {0, 0};
  bool o_wait_q[2] = {false, false};
  uint64_t o_caddr_q[2] = {0, 0};
  uint32_t o_nt_q[2] = {0, 0};
  uint32_t o_nv_q[2] = {0, 0};
  bool o_ptr_q = false;  // the sequencer of the next tile
  bool o_fin_q = false;  // the command's last tile's tags have started
  uint32_t tail_q = 0;
};

class OsCtrl {
 public:
  explicit OsCtrl(const OsCtrlParams& p);

  const OsCtrlParams& params() const { return p_; }
  void reset();
  // The outputs of this cycle (functions of the registers; `in` is not read).
  const OsCtrlOut& eval(const OsCtrlIn&) const { return out_; }
  const OsCtrlOut& out() const { return out_; }
  // The rising edge with `in` on the inputs.
  void tick(const OsCtrlIn& in);

  // Fast-forward (timing-only runs): the number of edges from now in which, with the same inputs
  // and no start, nothing happens but the period counter counting (no beat boundary: inside a
  // tile's gap or inside its beats, no tag, no tail); advance(n) applies n <= steady_edges() of
  // them at once (the registers then equal those of n calls of tick()).
  uint64_t steady_edges() const;
  void advance(uint64_t n);

  const OsCtrlRegs& regs() const { return r_; }
  // This cycle's tag (o_issue_o = 1): the sequencer it comes from, and whether it is a tile's row
  // 0 (the tile registers then name the tile).
  int tag_seq() const { return o_start_ ? int(r_.o_ptr_q) : o_seq_[0] ? 0 : 1; }
  bool tag_first_row() const { return o_start_; }

 private:
  void update_outputs();

  OsCtrlParams p_;
  uint32_t tail_len_, out_len_, min_per_;
  OsCtrlRegs r_;
  OsCtrlOut out_;
  // Combinational values of this cycle that tick() needs besides the outputs.
  bool last_mt_ = false, last_tile_ = false, beat_ = false, o_start_ = false;
  bool o_seq_[2] = {false, false};
  bool tail_phase_ = false;
  uint32_t mv_ = 0, nv_ = 0;
};

}  // namespace systolic::model
