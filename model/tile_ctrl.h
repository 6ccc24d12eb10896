// C++ twin of rtl/tile_ctrl.sv: the tile sequencer of the engine (docs/architecture.md §4,
// "Tile schedule" and "Counters"), register for register.
//
// Same parameters (TileCtrlParams), ports (TileCtrlIn / TileCtrlOut, generated from
// rtl/systolic_if.toml) and registers (TileCtrlRegs, named as in the RTL) as the RTL, and the same
// arithmetic at the same widths: every output port equals the RTL's in every cycle, which
// testbench/test_tile_ctrl.cpp checks against the verilated module under random stimulus and
// under the engine's own. The schedule this produces is wl_0 = 0, wl_i = max(wl_{i-1} + Rows,
// e_{i-NB} + Cols - 1), s_i = max(wl_i + 1, e_{i-1} + 1 + h_i) (h_i = 1 when tile i's first slot
// reads the accumulator row tile i-1's last slot writes), e_i = s_i + M_i - 1, each start also
// held by its gate (b_rows_i, q_ready_i, registered); kt_outer_i walks kt outer, nt inner. A
// command may start during the tail of the one before (ready_o): back to back, the bank
// alternation and countdowns carried over, the older tail counting on in tail2_q.
//
// Use: eval(in) gives the outputs of the current cycle (they depend on the registers only);
// tick(in) is the rising edge. reset() is rst_ni = 0.
#pragma once

#include <cstdint>

#include "systolic_if.h"

namespace systolic::model {

using iface::TileCtrlIn;
using iface::TileCtrlOut;
using iface::TileCtrlParams;

// Every register of rtl/tile_ctrl.sv, with its RTL name.
struct TileCtrlRegs {
  bool busy_q = false, done_q = false;
  uint32_t kt_num_q = 0;  // KT: A word stride of a slot
  uint32_t nt_num_q = 0;  // NT: C word stride of a slot
  // Weight loader
  bool wl_left_q = false;    // some tile's load has not started
  bool wl_act_q = false;     // a load is under way (rows 1 .. Rows-1 next)
  uint32_t wl_row_q = 0;     // next row while wl_act_q
  bool wl_bank_q = false;    // bank of the tile being / to be loaded
  uint32_t wl_krem_q = 0;    // K - kt*Rows of that tile
  uint32_t wl_kdone_q = 0;   // kt*Rows of that tile (its gate)
  uint32_t wl_mrem_q = 0;    // M - mb*AccWords of that tile
  uint32_t wl_nrem_q = 0;    // N - nt*Cols of that tile
  uint64_t wl_addr_q = 0;    // B word of the next row
  uint64_t wl_ntbase_q = 0;  // b_base + nt*K
  // Weight banks
  uint32_t bank_wait_q = 0;         // bit b: loaded (or loading), last slot not yet issued
  uint32_t bank_cnt_q[2] = {0, 0};  // cycles until free after the last slot
  uint32_t ahead_q = 0;             // loads started minus streams started
  // Slot streamer
  bool s_left_q = false;  // some slot has not issued
  bool s_act_q = false;   // a stream is under way (slot s_j_q next)
  uint32_t s_j_q = 0;
  bool s_bank_q = false;
  uint32_t s_krem_q = 0;  // K - kt*Rows of the tile streamed / to stream
  uint32_t s_mrem_q = 0;  // M - mb*AccWords
  uint32_t s_nrem_q = 0;  // N - nt*Cols
  uint32_t s_nt_q = 0;
  bool s_first_q = false;                      // kt = 0
  bool acc_first_q = true, acc_last_q = true;  // acc_first_i / acc_last_i of the command
  bool kto_q = false;                          // kt_outer_i of the command
  bool kmaj_q = false;                         // b_kmajor_i of the command
  uint32_t brows_q = 0;                        // b_rows_i, registered
  bool qrdy_q = false;                         // q_ready_i, registered
  uint32_t s_accb_q = 0;                       // accumulator row of slot 0: K-chunk: nt*M, else 0
  uint64_t s_addr_q = 0;                       // A word of the next slot
  uint64_t s_kbase_q = 0;                      // A word of slot 0: a_base + mb*AccWords*KT + kt
  uint64_t s_caddr_q = 0;                      // C word of the next slot
  uint64_t s_cblk_q = 0;                       // C word of slot 0: c_base + mb*AccWords*NT + nt
  uint64_t s_cbase_q = 0;                      // c_base + nt
  bool s_wr_q = false;                         // the last cycle's slot: a tile's last, writing
  uint32_t s_wrow_q = 0;                       // ... the accumulator row it writes
  // After the last slot
  uint32_t tail_q = 0;   // busy cycles left (while !s_left_q)
  uint32_t tail2_q = 0;  // the tail of the command before an overlapped one, 0: none
};

// The controller state drawn in waveforms (rtl/tile_ctrl.sv `state`): the phase of the cycle.
enum class CtrlState : uint32_t {
  kIdle = 0,
  kWstall = 1,
  kCompute = 2,
  kDrain = 3,
  kOutput = 4,
  kMwait = 5
};

class TileCtrl {
 public:
  explicit TileCtrl(const TileCtrlParams& p);

  const TileCtrlParams& params() const { return p_; }
  void reset();
  // The outputs of this cycle (functions of the registers; `in` is not read).
  const TileCtrlOut& eval(const TileCtrlIn&) const { return out_; }
  const TileCtrlOut& out() const { return out_; }
  // The rising edge with `in` on the inputs.
  void tick(const TileCtrlIn& in);

  // Fast-forward (timing-only runs, SystolicTop::wait_done): the number of edges from now in
  // which, with the same inputs and no start, only the positions of a stream and of a weight load
  // advance and the bank countdowns count down: no tile boundary, no load or stream start, no
  // tail, no weight row turning into a zero row (wl_zero_o); only with both gates open (b_rows
  // all ones and q_ready registered, as in a host command). advance(n) applies n <= steady_edges()
  // such edges at once; the registers and outputs then equal those of n calls of tick(), which
  // testbench/test_tile_ctrl.cpp checks.
  uint64_t steady_edges() const;
  void advance(uint64_t n);

  // Observation (waveforms, tests): the registers, and the phase of this cycle.
  const TileCtrlRegs& regs() const { return r_; }
  CtrlState state() const;

 private:
  void update_outputs();  // out_ from r_

  TileCtrlParams p_;
  // Widths and constants of the RTL (localparams).
  int row_w_, kv_w_, nv_w_, cnt_w_, tail_w_, slot_w_;
  uint32_t tail_len_, out_len_;
  uint32_t row_mask_, slot_mask_, cnt_mask_, tail_mask_;
  TileCtrlRegs r_;
  TileCtrlOut out_;
  // Combinational values of this cycle that tick() needs besides the outputs.
  bool wl_start_ = false, wl_last_kt_ = false, wl_last_mb_ = false, wl_last_nt_ = false;
  bool wl_last_row_ = false;
  bool s_start_ = false, s_last_mb_ = false, s_last_nt_ = false, s_tile_end_ = false;
  uint32_t s_j_last_ = 0;  // the slot that ends the tile being streamed
  bool tail_phase_ = false;
  bool ready_ = false;      // ready_o: a start this cycle is accepted
  bool s_last_kt_ = false;  // kt = KT - 1 (s_last_o before the acc_last_q mask)
  bool wl_bok_ = false;     // the loader's next tile's B rows are loaded (its gate)
};

}  // namespace systolic::model
