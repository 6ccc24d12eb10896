#include "tile_ctrl.h"

#include <algorithm>

namespace systolic::model {
namespace {

constexpr uint32_t kDimMask = (uint32_t{1} << iface::kDimWidth) - 1;

uint32_t mask(int bits) { return bits >= 32 ? ~uint32_t{0} : (uint32_t{1} << bits) - 1; }

}  // namespace

TileCtrl::TileCtrl(const TileCtrlParams& p) : p_((p.validate(), p)) {
  row_w_ = iface::clog2(p.Rows);
  kv_w_ = iface::clog2(p.Rows + 1);
  nv_w_ = iface::clog2(p.Cols + 1);
  cnt_w_ = iface::clog2(p.Cols);
  tail_len_ = uint32_t(p.Rows + p.Cols + p.RequantDepth);
  out_len_ = uint32_t(p.RequantDepth + 1);
  tail_w_ = iface::clog2(tail_len_ + 1);
  slot_w_ = p.AccWords > 1 ? iface::clog2(p.AccWords) : 1;
  row_mask_ = mask(row_w_);
  slot_mask_ = mask(slot_w_);
  cnt_mask_ = mask(cnt_w_);
  tail_mask_ = mask(tail_w_);
  reset();
}

void TileCtrl::reset() {
  r_ = TileCtrlRegs{};
  update_outputs();
}

CtrlState TileCtrl::state() const {
  if (out_.ph_output_o) return CtrlState::kOutput;
  if (out_.ph_drain_o) return CtrlState::kDrain;
  if (out_.ph_compute_o) return CtrlState::kCompute;
  if (out_.ph_wstall_o) return CtrlState::kWstall;
  if (out_.ph_mwait_o) return CtrlState::kMwait;
  return CtrlState::kIdle;
}

// The "Issue decisions of this cycle" block and the output assigns of the RTL.
void TileCtrl::update_outputs() {
  const TileCtrlRegs& r = r_;
  const uint32_t rows = uint32_t(p_.Rows), cols = uint32_t(p_.Cols);
  const uint32_t acc_words = uint32_t(p_.AccWords);

  const bool bank_free =
      !((r.bank_wait_q >> unsigned(r.wl_bank_q)) & 1u) && (r.bank_cnt_q[r.wl_bank_q ? 1 : 0] == 0);
  // The rows the loader's next tile reads: kt*Rows + kv = kt*Rows + min(krem, Rows).
  const uint32_t wl_need = (r.wl_kdone_q + std::min(r.wl_krem_q, rows)) & kDimMask;
  wl_bok_ = wl_need <= r.brows_q;
  wl_start_ = !r.wl_act_q && r.wl_left_q && bank_free && wl_bok_;
  const bool wl_issue = r.wl_act_q || wl_start_;
  const uint32_t wl_row = r.wl_act_q ? r.wl_row_q : 0;
  wl_last_kt_ = r.wl_krem_q <= rows;
  wl_last_mb_ = r.wl_mrem_q <= acc_words;
  wl_last_nt_ = r.wl_nrem_q <= cols;
  wl_last_row_ = wl_row == ((rows - 1) & row_mask_);

  const bool s_qok = r.qrdy_q || !(r.s_krem_q <= rows && r.acc_last_q);
  // The next tile's first slot must not read its accumulator row (not the first K-tile) at the
  // edge the tile before's last slot writes it (acc_stage RowApart_A).
  const bool s_rowok = !(r.s_wr_q && !(r.s_first_q && r.acc_first_q) && r.s_accb_q == r.s_wrow_q);
  s_start_ = !r.s_act_q && r.s_left_q && r.ahead_q != 0 && s_qok && s_rowok;
  const bool s_issue = r.s_act_q || s_start_;
  const uint32_t s_j = r.s_act_q ? r.s_j_q : 0;
  const bool s_last_kt = r.s_krem_q <= rows;
  s_last_mb_ = r.s_mrem_q <= acc_words;
  s_last_nt_ = r.s_nrem_q <= cols;
  s_j_last_ =
      s_last_mb_ ? ((r.s_mrem_q - 1) & kDimMask & slot_mask_) : ((acc_words - 1) & slot_mask_);
  s_tile_end_ = s_issue && s_j == s_j_last_;
  tail_phase_ = r.busy_q && !r.s_left_q;
  ready_ = !r.busy_q || (!r.s_left_q && !r.wl_act_q && r.tail2_q == 0);
  const bool gate_wait =
      !r.s_act_q && r.s_left_q &&
      ((r.ahead_q != 0 && !s_qok) || (r.ahead_q == 0 && !r.wl_act_q && r.wl_left_q && !wl_bok_));

  TileCtrlOut& o = out_;
  o.busy_o = r.busy_q;
  o.done_o = r.done_q;
  o.ready_o = ready_;
  o.wl_issue_o = wl_issue;
  o.wl_addr_o = r.wl_addr_q;
  o.wl_row_o = wl_row;
  o.wl_bank_o = r.wl_bank_q;
  o.wl_zero_o = wl_row >= r.wl_krem_q;
  o.wl_nv_o = r.wl_nrem_q >= cols ? cols : r.wl_nrem_q;
  o.s_issue_o = s_issue;
  o.s_addr_o = r.s_act_q ? r.s_addr_q : r.s_kbase_q;
  o.s_caddr_o = r.s_act_q ? r.s_caddr_q : r.s_cblk_q;
  o.s_bank_o = r.s_bank_q;
  o.s_kv_o = r.s_krem_q >= rows ? rows : r.s_krem_q;
  o.s_nv_o = r.s_nrem_q >= cols ? cols : r.s_nrem_q;
  o.s_first_o = r.s_first_q && r.acc_first_q;
  o.s_last_o = s_last_kt && r.acc_last_q;
  s_last_kt_ = s_last_kt;
  o.s_j_o = (s_j + r.s_accb_q) & slot_mask_;
  o.s_nt_o = r.s_nt_q;
  o.ph_compute_o = r.busy_q && s_issue;
  o.ph_wstall_o = r.busy_q && r.s_left_q && !s_issue && !gate_wait;
  o.ph_mwait_o = r.busy_q && r.s_left_q && !s_issue && gate_wait;
  o.ph_drain_o = tail_phase_ && r.tail_q > out_len_;
  o.ph_output_o = tail_phase_ && r.tail_q <= out_len_;
}

// The "Next state" block of the RTL, updating the registers in place: every value read after a
// register was written this edge is taken before the write (the RTL reads only *_q values, or the
// outputs, which update_outputs() computed from them).
void TileCtrl::tick(const TileCtrlIn& in) {
  TileCtrlRegs& r = r_;
  const TileCtrlOut& o = out_;
  const uint32_t rows = uint32_t(p_.Rows), cols = uint32_t(p_.Cols);
  const uint32_t acc_words = uint32_t(p_.AccWords);
  const bool two_banks = p_.WeightBanks == 2;
  const bool empty = in.m_i == 0 || in.n_i == 0 || in.k_i == 0;
  // Accepted while ready_o; during a tail (overlap) only a command with tiles.
  const bool start = in.start_i && ready_ && (!r.busy_q || !empty);
  const bool overlap = start && r.busy_q;

  r.done_q = false;
  if (r.busy_q || start) {
    r.brows_q = in.b_rows_i;
    r.qrdy_q = in.q_ready_i;
  }
  r.ahead_q = (r.ahead_q + uint32_t(wl_start_) - uint32_t(s_start_)) & 3u;

  // Bank countdowns.
  for (uint32_t& cnt : r.bank_cnt_q) {
    if (cnt != 0) cnt = (cnt - 1) & cnt_mask_;
  }

  // Weight loader: one row per cycle, then the next tile (kt, then mb, then nt).
  if (wl_start_) r.bank_wait_q |= 1u << unsigned(r.wl_bank_q);
  if (o.wl_issue_o) {
    // The next row's B word: one word on, k-major NT words on.
    r.wl_addr_q = iface::addr_add(r.wl_addr_q, r.kmaj_q ? r.nt_num_q : 1);
    if (wl_last_row_) {
      r.wl_act_q = false;
      r.wl_row_q = 0;
      r.wl_bank_q = two_banks ? !r.wl_bank_q : false;
      if (r.kto_q) {
        // K-tiles outer: the next N-tile of this K-tile (its B word K further on), else N-tile 0
        // of the next K-tile (Rows after this K-tile's).
        if (!wl_last_nt_) {
          r.wl_nrem_q = (r.wl_nrem_q - cols) & kDimMask;
          if (r.kmaj_q) {
            // k-major: the next N-tile's row 0 is the word after this tile's row 0.
            r.wl_ntbase_q = iface::addr_add(r.wl_ntbase_q, 1);
            r.wl_addr_q = r.wl_ntbase_q;
          } else {
            // (The tile's last row, o.wl_addr_o, is at least rows - 1 unless saturated.)
            r.wl_addr_q = o.wl_addr_o == iface::kAddrSat
                              ? iface::kAddrSat
                              : iface::addr_add(o.wl_addr_o - (rows - 1), in.k_i);
          }
        } else {
          r.wl_nrem_q = in.n_i;
          if (wl_last_kt_) {
            r.wl_left_q = false;
          } else {
            r.wl_krem_q = (r.wl_krem_q - rows) & kDimMask;
            r.wl_kdone_q = (r.wl_kdone_q + rows) & kDimMask;
            // k-major: N-tile 0 of the next K-tile follows this tile's last row.
            const uint64_t kbase =
                r.kmaj_q ? iface::addr_add(o.wl_addr_o, 1) : iface::addr_add(r.wl_ntbase_q, rows);
            r.wl_ntbase_q = kbase;
            r.wl_addr_q = kbase;
          }
        }
      } else if (wl_last_kt_) {
        r.wl_krem_q = in.k_i;
        r.wl_kdone_q = 0;
        if (wl_last_mb_) {
          r.wl_mrem_q = in.m_i;
          r.wl_nrem_q = (r.wl_nrem_q - cols) & kDimMask;
          const uint64_t ntbase = iface::addr_add(r.wl_ntbase_q, r.kmaj_q ? 1 : in.k_i);
          r.wl_ntbase_q = ntbase;
          r.wl_addr_q = ntbase;
          if (wl_last_nt_) r.wl_left_q = false;
        } else {
          // The next M-block reloads this N-tile's weights.
          r.wl_mrem_q = (r.wl_mrem_q - acc_words) & kDimMask;
          r.wl_addr_q = r.wl_ntbase_q;
        }
      } else {
        r.wl_krem_q = (r.wl_krem_q - rows) & kDimMask;
        r.wl_kdone_q = (r.wl_kdone_q + rows) & kDimMask;
      }
    } else {
      r.wl_act_q = true;
      r.wl_row_q = (o.wl_row_o + 1) & row_mask_;
    }
  }

  // The row the slot written in this cycle writes, if it is a tile's last slot and writes.
  r.s_wr_q = s_tile_end_ && !o.s_last_o;
  r.s_wrow_q = o.s_j_o;
  // Slot streamer: one slot per cycle, then the next tile (kt, then mb, then nt).
  if (o.s_issue_o) {
    if (s_tile_end_) {
      const int b = r.s_bank_q ? 1 : 0;
      r.s_act_q = false;
      r.s_j_q = 0;
      r.s_bank_q = two_banks ? !r.s_bank_q : false;
      r.bank_wait_q &= ~(1u << b);
      r.bank_cnt_q[b] = (cols - 2) & cnt_mask_;
      if (r.kto_q) {
        // K-tiles outer: the next N-tile (its C word and accumulator rows), else N-tile 0 of the
        // next K-tile (the A word after this K-tile's).
        if (!s_last_nt_) {
          r.s_nt_q = (r.s_nt_q + 1) & kDimMask;
          r.s_nrem_q = (r.s_nrem_q - cols) & kDimMask;
          const uint64_t cbase = iface::addr_add(r.s_cbase_q, 1);
          r.s_cbase_q = cbase;
          r.s_cblk_q = cbase;
          r.s_accb_q = (r.s_accb_q + in.m_i) & slot_mask_;
        } else {
          r.s_nt_q = 0;
          r.s_nrem_q = in.n_i;
          r.s_cbase_q = in.c_base_i;
          r.s_cblk_q = in.c_base_i;
          r.s_accb_q = 0;
          if (s_last_kt_) {
            r.s_left_q = false;
            r.tail_q = tail_len_ & tail_mask_;
          } else {
            r.s_krem_q = (r.s_krem_q - rows) & kDimMask;
            r.s_first_q = false;
            r.s_kbase_q = iface::addr_add(r.s_kbase_q, 1);
          }
        }
      } else if (s_last_kt_) {
        r.s_krem_q = in.k_i;
        r.s_first_q = true;
        if (s_last_mb_) {
          r.s_mrem_q = in.m_i;
          r.s_kbase_q = in.a_base_i;
          r.s_nt_q = (r.s_nt_q + 1) & kDimMask;
          r.s_nrem_q = (r.s_nrem_q - cols) & kDimMask;
          const uint64_t cbase = iface::addr_add(r.s_cbase_q, 1);
          r.s_cbase_q = cbase;
          r.s_cblk_q = cbase;
          r.s_accb_q = r.acc_first_q && r.acc_last_q ? 0 : (r.s_accb_q + in.m_i) & slot_mask_;
          if (s_last_nt_) {
            r.s_left_q = false;
            r.tail_q = tail_len_ & tail_mask_;
          }
        } else {
          // A full M-block ends with row AccWords - 1 of the last K-tile: the next block's slot 0
          // has the A word after this slot's (kt = 0) and the C word NT after it.
          r.s_mrem_q = (r.s_mrem_q - acc_words) & kDimMask;
          r.s_kbase_q = iface::addr_add(o.s_addr_o, 1);
          r.s_cblk_q = iface::addr_add(o.s_caddr_o, r.nt_num_q);
        }
      } else {
        r.s_krem_q = (r.s_krem_q - rows) & kDimMask;
        r.s_first_q = false;
        r.s_kbase_q = iface::addr_add(r.s_kbase_q, 1);
      }
    } else {
      r.s_act_q = true;
      r.s_j_q = ((r.s_act_q ? r.s_j_q : 0) + 1) & slot_mask_;
      r.s_addr_q = iface::addr_add(o.s_addr_o, r.kt_num_q);
      r.s_caddr_q = iface::addr_add(o.s_caddr_o, r.nt_num_q);
    }
  }

  // After the last slot: count down the busy cycles, then done. (The streamer never issues in the
  // tail, so it did not set tail_q above in the same edge.)
  if (tail_phase_) {
    const uint32_t tail = r.tail_q;
    r.tail_q = (tail - 1) & tail_mask_;
    if (tail == 1) {
      r.busy_q = false;
      r.done_q = true;
    }
  }
  // The tail of the command before an overlapped one (always shorter than tail_q's).
  if (r.tail2_q != 0) {
    if (r.tail2_q == 1) r.done_q = true;
    r.tail2_q = (r.tail2_q - 1) & tail_mask_;
  }

  // Command start (while idle, or during the tail: no load or slot is left then).
  if (start) {
    r.busy_q = true;
    r.kt_num_q = ((in.k_i + rows - 1) / rows) & kDimMask;
    r.nt_num_q = ((in.n_i + cols - 1) / cols) & kDimMask;
    r.wl_left_q = !empty;
    r.wl_act_q = false;
    r.wl_row_q = 0;
    if (!overlap) r.wl_bank_q = false;  // overlapped: the bank alternation goes on
    r.wl_krem_q = in.k_i;
    r.wl_kdone_q = 0;
    r.wl_mrem_q = in.m_i;
    r.wl_nrem_q = in.n_i;
    r.wl_addr_q = in.b_base_i;
    r.wl_ntbase_q = in.b_base_i;
    if (!overlap) {
      r.bank_wait_q = 0;
      r.bank_cnt_q[0] = r.bank_cnt_q[1] = 0;
    }
    r.ahead_q = 0;
    r.s_left_q = !empty;
    r.s_act_q = false;
    r.s_j_q = 0;
    if (!overlap) r.s_bank_q = false;
    r.s_krem_q = in.k_i;
    r.s_mrem_q = in.m_i;
    r.s_nrem_q = in.n_i;
    r.s_nt_q = 0;
    r.s_first_q = true;
    r.acc_first_q = in.acc_first_i;
    r.acc_last_q = in.acc_last_i;
    r.kto_q = in.kt_outer_i;
    r.kmaj_q = in.b_kmajor_i;
    r.s_addr_q = in.a_base_i;
    r.s_kbase_q = in.a_base_i;
    r.s_caddr_q = in.c_base_i;
    r.s_cblk_q = in.c_base_i;
    r.s_cbase_q = in.c_base_i;
    r.s_accb_q = 0;
    // Overlapped: the running tail (counted down above) moves to the second countdown.
    r.tail2_q = overlap ? r.tail_q : 0;
    r.tail_q = empty ? 1 : 0;
  }
  update_outputs();
}

uint64_t TileCtrl::steady_edges() const {
  const TileCtrlRegs& r = r_;
  constexpr uint64_t kAny = ~uint64_t{0};
  if (!r.busy_q || tail_phase_ || r.tail2_q != 0) return 0;
  // Not right after a tile's last slot (s_wr_q may hold the next tile's start for a cycle).
  if (r.s_wr_q) return 0;
  // Only with both gates open (a host command: b_rows_i all ones, q_ready_i 1): the gate
  // registers follow their inputs, which a memory command's DMA changes.
  if (r.brows_q != kDimMask || !r.qrdy_q) return 0;
  // Streamer: slots before the tile's last one, or waiting for a load (s_start_ needs ahead_q to
  // grow, which only a load start does: not in the window).
  uint64_t ns = kAny;
  if (r.s_act_q) {
    ns = r.s_j_q < s_j_last_ ? s_j_last_ - r.s_j_q : 0;
  } else if (s_start_) {
    return 0;
  }
  // Loader: rows before the tile's last one, or waiting for its bank: a bank still owned by a
  // stream is released only at that stream's tile end (not in the window); a countdown frees it
  // after bank_cnt_q edges.
  uint64_t nw = kAny;
  if (r.wl_act_q) {
    const uint32_t last_row = uint32_t(p_.Rows - 1) & row_mask_;
    nw = r.wl_row_q < last_row ? last_row - r.wl_row_q : 0;
    // ... and before its first zero row (wl_zero_o stays as it is: the weight reads it counts).
    if (r.wl_row_q < r.wl_krem_q) nw = std::min<uint64_t>(nw, r.wl_krem_q - r.wl_row_q);
  } else if (wl_start_) {
    return 0;
  } else if (r.wl_left_q && !((r.bank_wait_q >> unsigned(r.wl_bank_q)) & 1u)) {
    nw = r.bank_cnt_q[r.wl_bank_q ? 1 : 0];
  }
  // Neither moves (cannot happen in a legal command): no fast-forward, let tick() show it.
  if (ns == kAny && nw == kAny) return 0;
  return ns < nw ? ns : nw;
}

void TileCtrl::advance(uint64_t n) {
  TileCtrlRegs& r = r_;
  r.done_q = false;
  for (uint32_t& cnt : r.bank_cnt_q) cnt = cnt > n ? uint32_t(cnt - n) : 0;
  if (r.wl_act_q) {
    r.wl_row_q = uint32_t(r.wl_row_q + n) & row_mask_;
    r.wl_addr_q = iface::addr_add(r.wl_addr_q, n * (r.kmaj_q ? r.nt_num_q : 1));
  }
  if (r.s_act_q) {
    r.s_j_q = uint32_t(r.s_j_q + n) & slot_mask_;
    r.s_addr_q = iface::addr_add(r.s_addr_q, n * r.kt_num_q);
    r.s_caddr_q = iface::addr_add(r.s_caddr_q, n * r.nt_num_q);
  }
  update_outputs();
}

}  // namespace systolic::model
