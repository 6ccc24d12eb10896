#include "os_ctrl.h"

#include <algorithm>

namespace systolic::model {
namespace {

constexpr uint32_t kDimMask = (uint32_t{1} << iface::kDimWidth) - 1;

}  // namespace

OsCtrl::OsCtrl(const OsCtrlParams& p) : p_((p.validate(), p)) {
  tail_len_ = uint32_t(p.Rows + p.Cols + p.RequantDepth);
  out_len_ = uint32_t(p.RequantDepth + 1);
  min_per_ = uint32_t(2 * p.Rows - 1);
  reset();
}

void OsCtrl::reset() {
  r_ = OsCtrlRegs{};
  update_outputs();
}

void OsCtrl::update_outputs() {
  const OsCtrlRegs& r = r_;
  const auto rows = uint32_t(p_.Rows), cols = uint32_t(p_.Cols);
  last_mt_ = r.mrem_q <= rows;
  last_tile_ = last_mt_ && r.nrem_q <= cols;
  mv_ = last_mt_ ? r.mrem_q : rows;
  nv_ = r.nrem_q <= cols ? r.nrem_q : cols;
  beat_ = r.bt_left_q && !r.fl_q && r.pc_q < r.k_q;
  const bool first = r.bt_left_q && r.pc_q == 0;
  o_start_ = r.bt_left_q && !r.fl_q && uint64_t(r.pc_q) + rows == uint64_t(r.per_q) + 2;
  for (int s = 0; s < 2; ++s) o_seq_[s] = r.o_cnt_q[s] != 0 && !r.o_wait_q[s];
  const int seq = o_seq_[0] ? 0 : 1;  // the sequencer tagging (if o_seq_[seq])
  const bool o_seq = o_seq_[0] || o_seq_[1];
  tail_phase_ = r.busy_q && r.tail_q != 0;
  const bool beats_left = r.bt_left_q && !r.fl_q && !(last_tile_ && r.pc_q >= r.k_q);

  OsCtrlOut& o = out_;
  o.busy_o = r.busy_q;
  o.done_o = r.done_q;
  o.x_issue_o = beat_;
  o.x_first_o = first;
  o.x_aaddr_o = beat_ ? iface::addr_add(r.a_tile_q, r.pc_q) : 0;
  o.x_baddr_o = beat_ ? iface::addr_add(r.b_tile_q, r.pc_q) : 0;
  o.x_mv_o = beat_ ? mv_ : 0;
  o.x_nv_o = beat_ ? nv_ : 0;
  o.o_issue_o = o_start_ || o_seq;
  o.o_caddr_o = o_start_ ? r.c_tile_q : o_seq ? r.o_caddr_q[seq] : 0;
  o.o_nt_o = o_start_ ? r.nt_q : o_seq ? r.o_nt_q[seq] : 0;
  o.o_nv_o = o_start_ ? nv_ : o_seq ? r.o_nv_q[seq] : 0;
  o.ph_compute_o = r.busy_q && beat_;
  o.ph_wstall_o = r.busy_q && !beat_ && beats_left;
  o.ph_output_o =
      r.busy_q && !beats_left && !beat_ &&
      (tail_phase_ ? r.tail_q <= out_len_ : !r.bt_left_q && r.o_cnt_q[0] == 0 && r.o_cnt_q[1] == 0);
  o.ph_drain_o = r.busy_q && !beat_ && !beats_left && !o.ph_output_o;
}

void OsCtrl::tick(const OsCtrlIn& in) {
  const OsCtrlRegs& q = r_;
  OsCtrlRegs d = q;
  d.done_q = false;
  const auto rows = uint32_t(p_.Rows), cols = uint32_t(p_.Cols);

  if (q.bt_left_q) {
    if (q.fl_q) {
      d.bt_left_q = false;
      d.fl_q = false;
    } else if (q.pc_q == q.per_q) {
      d.pc_q = 0;
      if (last_tile_) {
        d.fl_q = true;
      } else if (!last_mt_) {
        d.mrem_q = (q.mrem_q - rows) & kDimMask;
        d.a_tile_q = iface::addr_add(q.a_tile_q, q.k_q);
        d.c_tile_q = iface::addr_add(q.c_tile_q, uint64_t(q.nt_num_q) * rows);
      } else {
        d.mrem_q = in.m_i & kDimMask;
        d.a_tile_q = in.a_base_i;
        d.nrem_q = (q.nrem_q - cols) & kDimMask;
        d.nt_q = (q.nt_q + 1) & kDimMask;
        d.b_tile_q = iface::addr_add(q.b_tile_q, q.k_q);
        d.c_nt_q = iface::addr_add(q.c_nt_q, 1);
        d.c_tile_q = iface::addr_add(q.c_nt_q, 1);
      }
    } else {
      d.pc_q = (q.pc_q + 1) & kDimMask;
    }
  }

  for (int s = 0; s < 2; ++s) {
    if (o_start_ && int(q.o_ptr_q) == s) {
      d.o_cnt_q[s] = mv_ - 1;
      d.o_wait_q[s] = true;
      d.o_caddr_q[s] = iface::addr_add(q.c_tile_q, q.nt_num_q);
      d.o_nt_q[s] = q.nt_q;
      d.o_nv_q[s] = nv_;
    } else if (q.o_cnt_q[s] != 0) {
      d.o_wait_q[s] = !q.o_wait_q[s];
      if (!q.o_wait_q[s]) {
        d.o_cnt_q[s] = q.o_cnt_q[s] - 1;
        d.o_caddr_q[s] = iface::addr_add(q.o_caddr_q[s], q.nt_num_q);
      }
    }
  }
  if (o_start_) {
    d.o_ptr_q = !q.o_ptr_q;
    d.o_fin_q = q.o_fin_q || last_tile_;
  }
  // The command's last tag: the last tile's have started and no sequencer has one left.
  const bool last_tag = out_.o_issue_o && (q.o_fin_q || (o_start_ && last_tile_)) &&
                        d.o_cnt_q[0] == 0 && d.o_cnt_q[1] == 0;

  if (last_tag) {
    d.tail_q = tail_len_;
  } else if (tail_phase_) {
    d.tail_q = q.tail_q - 1;
    if (q.tail_q == 1) {
      d.busy_q = false;
      d.done_q = true;
    }
  }

  if (q.busy_q && !q.bt_left_q && q.o_cnt_q[0] == 0 && q.o_cnt_q[1] == 0 && !tail_phase_) {
    d.busy_q = false;
    d.done_q = true;
  }

  if (in.start_i && !q.busy_q) {
    const uint32_t m = in.m_i & kDimMask, n = in.n_i & kDimMask, k = in.k_i & kDimMask;
    d.busy_q = true;
    d.bt_left_q = m != 0 && n != 0 && k != 0;
    d.fl_q = false;
    d.k_q = k;
    // T - 1: K - 1 from 2 Rows - 1 up, else max(K, Rows) rounded up to odd, minus 1.
    d.per_q = k >= min_per_ ? k - 1 : (std::max(k, rows) | 1u) - 1;
    d.pc_q = 0;
    d.nt_num_q = uint32_t((uint64_t(n) + cols - 1) / cols);
    d.mrem_q = m;
    d.nrem_q = n;
    d.nt_q = 0;
    d.a_tile_q = in.a_base_i;
    d.b_tile_q = in.b_base_i;
    d.c_nt_q = in.c_base_i;
    d.c_tile_q = in.c_base_i;
    for (int s = 0; s < 2; ++s) {
      d.o_cnt_q[s] = 0;
      d.o_wait_q[s] = false;
    }
    d.o_ptr_q = false;
    d.o_fin_q = false;
    d.tail_q = 0;
  }
  r_ = d;
  update_outputs();
}

uint64_t OsCtrl::steady_edges() const {
  const OsCtrlRegs& r = r_;
  if (!r.busy_q || !r.bt_left_q || r.fl_q || r.o_cnt_q[0] != 0 || r.o_cnt_q[1] != 0 ||
      r.tail_q != 0 || r.done_q) {
    return 0;
  }
  // The edges that only count pc_q up: before the beats end (pc = K - 1 stays a beat), before the
  // first tag (pc = per + 2 - Rows) and before the period's end (pc = per).
  const uint64_t pc = r.pc_q;
  uint64_t limit = r.per_q;  // the edge at pc = per ends the period
  const uint64_t tag = uint64_t(r.per_q) + 2 - uint64_t(p_.Rows);
  if (pc <= tag) limit = std::min<uint64_t>(limit, tag);
  if (pc < r.k_q) limit = std::min<uint64_t>(limit, r.k_q);
  if (pc == 0) return 0;  // a first beat
  return limit > pc ? limit - pc : 0;
}

void OsCtrl::advance(uint64_t n) {
  if (n == 0) return;
  r_.pc_q = uint32_t((r_.pc_q + n) & kDimMask);
  update_outputs();
}

}  // namespace systolic::model
