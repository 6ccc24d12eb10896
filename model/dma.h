// C++ twin of rtl/dma.sv: memory commands (check, load A / B / BIAS / M0 / SHIFT, run tile_ctrl,
// store C) through the memory port, register for register (docs/architecture.md §4, "Memory
// commands").
//
// Same parameters (DmaParams), ports (DmaIn / DmaOut, generated from rtl/systolic_if.toml) and
// registers (DmaRegs, named as in the RTL) as the RTL, at the same widths. The engine's lockstep
// tests compare every port of systolic_top, the memory port included, in every cycle.
//
// Use: eval(in) gives the outputs of the current cycle (all functions of the registers but
// ph_store_o, which reads tile_done_i); tick(in) is the rising edge (call eval(in) first);
// reset() is rst_ni = 0.
#pragma once

#include <cstdint>
#include <vector>

#include "systolic_if.h"

namespace systolic::model {

using iface::DmaIn;
using iface::DmaOut;
using iface::DmaParams;

enum class DmaState : uint32_t { kIdle = 0, kCheck, kNext, kXfer, kWait, kTile };
// Transfers, in the order of an iteration (rtl/dma.sv XC .. XShift, XP, XNone).
enum DmaXfer : uint32_t { kXC = 0, kXA, kXB, kXBias, kXM0, kXShift, kXP, kXNone = 7 };

// A block (rtl/dma.sv blk_t).
struct DmaBlock {
  bool valid = false;
  uint32_t m0 = 0, n0 = 0, mc = 0, nc = 0, k0 = 0, kc = 0;
  uint32_t a_row = 0, b_row = 0, c_row = 0;
  bool a_half = false, b_half = false, q_half = false, c_half = false;
  bool load_a = false, load_b = false, load_q = false, kfirst = false, klast = false;
  bool pf = false;     // its iteration loads part pk0 .. of the next panel's B
  uint32_t pk0 = 0;    // that part's first row; with load_b: its own B's first row
  uint32_t p_row = 0;  // the memory address of B[pk0][0] (pf)
};

// Every register of rtl/dma.sv, with its RTL name.
struct DmaRegs {
  DmaState state_q = DmaState::kIdle;
  uint32_t xk_q = kXC;
  bool done_q = false;
  uint32_t err_q = 0;
  uint32_t mb_q = 0, nb_q = 0;
  bool a_outer_q = false;
  uint32_t a_step_q = 0, c_step_q = 0, b_step_q = 0;
  // The first block's rows (taller than mb_q with a tall first block, else mb_q) and its steps.
  uint32_t mf_q = 0, af_step_q = 0, cf_step_q = 0;
  uint32_t kc_q = 0;
  bool split_q = false;
  // Prefetch of the next panel's B: Kp rows a part, kl rows before the panel's first block.
  bool pf_q = false;
  uint32_t kp_q = 0, kl_q = 0;
  uint32_t pstep_q = 0, pl_row_q = 0;  // Kp * LD_B, DRAM_B + kl * LD_B
  DmaBlock nx_q, cu_q, pv_q;
  uint32_t tile_cnt_q = 0;  // tile_ctrl commands started, not done: 0..2
  bool early_q = false;     // cu computes while its B and Q load
  bool tstart_q = false;    // start tile_ctrl (a block started during a load)
  bool ko_q = false;        // tile commands K-tiles outer (Mb * NTb <= AccWords)
  uint32_t x_ld_q = 0, x_rb_q = 0, x_wb_q = 0, x_wpr_q = 0, x_pad_q = 0;
  uint64_t x_rstride_q = 0;
  uint32_t rq_rows_q = 0, rq_row_q = 0, rq_beat_q = 0;
  uint32_t rq_ld_q = 0, rq_rb_q = 0;
  uint32_t rq_x_q = kXNone;  // the request walk's transfer (kXC: a store's writes)
  bool rq_ahead_q = false;
  uint32_t rs_rows_q = 0, rs_row_q = 0, rs_beat_q = 0;
  uint32_t wd_rows_q = 0, wd_j_q = 0;
  uint64_t wd_addr_q = 0, wd_row_q = 0;
  std::vector<uint8_t> buf_q;  // Cap bytes: fill_q at the bottom, zeros above
  uint32_t fill_q = 0;
  bool pend_q = false;
  uint32_t pend_n_q = 0;
  uint32_t wr_out_q = 0;
  // The last block's C by columns: the column being stored, the C words written per half.
  bool col_q = false;
  uint32_t colj_q = 0;
  uint32_t ccnt_q[2] = {0, 0};
  // Block 0's A and B interleaved, group by group (AG K-tiles a group); the current group.
  bool ilv_q = false;
  uint32_t grp_q = 0;
};

class Dma {
 public:
  explicit Dma(const DmaParams& p);

  const DmaParams& params() const { return p_; }
  void reset();
  const DmaOut& eval(const DmaIn& in);
  const DmaOut& out() const { return out_; }
  void tick(const DmaIn& in);
  bool busy() const { return r_.state_q != DmaState::kIdle; }
  const DmaRegs& regs() const { return r_; }
  int cap() const { return cap_; }  // staging buffer bytes
  // The first word of the second half of region A, B, C or BIAS (BIAS / M0 / SHIFT), where a
  // block whose half bit (tile_*_half_o) is set sits; A in w4a8 (PRECISION `precision`): the
  // even word 2 x (AWords / 4), a word pair's first word.
  uint32_t half_base(int region, uint32_t precision) const {
    switch (region) {
      case iface::kA:
        return precision == uint32_t(iface::kPrecW4a8) ? 2 * (half_a_ / 2) : half_a_;
      case iface::kB:
        return half_b_;
      case iface::kC:
        return half_c_;
      default:
        return half_q_;
    }
  }

 private:
  void update_outputs();  // out_ from r_ (all but ph_load_o and ph_store_o)
  bool loading() const;
  bool storing() const;
  // rtl/dma.sv `tile_idle`: none of our tile commands runs (its done_o cycle counts as idle).
  bool tile_idle(const DmaIn& in) const;
  uint32_t next_xfer(bool after) const;  // rtl/dma.sv `go` (after: `go_ahead`)
  DmaBlock successor(const DmaIn& in) const;
  // rtl/dma.sv col_gate: acc_stage has written the first word of column colj_q of cu's C;
  // col_word: ... the word the store reads next (word wd_j_q of row mc - wd_rows_q).
  bool col_gate() const;
  bool col_word() const;
  bool col_word2() const;    // ... and the word after it (a pair)
  uint64_t cu_wpr() const;   // cu's C words per row
  uint64_t col_end() const;  // the N-tile after the column being stored (at most cu_wpr())
  // ilv_q: the first K row of group g, and the row after it, of the loading block (rtl/dma.sv).
  uint64_t ilv_k0(uint64_t g) const;
  uint64_t ilv_end(uint64_t g) const;
  bool ilv_more() const;  // a group after grp_q

  DmaParams p_;
  int beat_, cap_, lanes_;  // bytes per beat, staging buffer bytes, lanes of wr_data_o
  int col_g_;               // N-tiles per column of the last block's store (a beat or more)
  int ag_;                  // K-tiles per group of block 0's interleaved load (a beat or more)
  uint32_t half_a_, half_b_, half_c_, half_q_;
  uint32_t cc_mask_;  // the C count's bits (rtl/dma.sv CcW = clog2(HalfC + 1), at least 1)
  uint32_t wb_mask_;  // a word's bytes, a row's padding (rtl/dma.sv WbW = clog2(WMax + 1))
  uint32_t pn_mask_;  // a store's C bytes read in a cycle (rtl/dma.sv PnW = clog2(2 WMax + 1))
  uint32_t hd_mask_;  // a beat's bytes (rtl/dma.sv HdW = clog2(MB + 1))
  int cut_it_;        // the one-panel cut's doublings at most (rtl/dma.sv CutIt)
  // The word where A's second half starts (half_base).
  uint32_t a_base2(const DmaIn& in) const { return half_base(iface::kA, in.precision_i); }
  DmaRegs r_;
  DmaOut out_;
  // Combinational values of this cycle (update_outputs) that tick() needs.
  uint32_t hd_lo_ = 0, hd_hi_ = 0, hd_n_ = 0;
  bool hd_last_ = false, wd_last_ = false, emit_ = false;
  // A word pair (rtl/dma.sv ld_pair, c_pair, pair_last).
  bool ld_pair_ = false, c_pair_ = false, pair_last_ = false;
  uint32_t fill_e_ = 0;
};

}  // namespace systolic::model
