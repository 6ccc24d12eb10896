#include "dma.h"

#include <algorithm>
#include <cstring>

namespace systolic::model {
namespace {

constexpr uint32_t kDimMask = (uint32_t{1} << iface::kDimWidth) - 1;
constexpr uint64_t kAddrMask = (uint64_t{1} << iface::kAddrWidth) - 1;
constexpr uint32_t kOutMask = 0xffff;  // wr_out_q: 16 bits
static_assert(iface::kMemAddrWidth == 32, "memory addresses are uint32_t (wrapping as the RTL's)");

// The RTL's scratchpad index in wr_en_o (region 1 + i).
constexpr uint32_t kSpA = 0, kSpB = 1, kSpBias = 3, kSpM0 = 4, kSpShift = 5;

// All ones in the fewest bits that hold n (at least one): clog2(n + 1) bits.
uint32_t count_mask(uint32_t n) {
  uint32_t m = 1;
  while (m < n) m = m << 1 | 1;
  return m;
}

// rtl/dma.sv CutIt: the one-panel cut's doublings, (DimWidth + clog2(2 Rows + Cols) + 1) / 2.
int cut_iterations(int rows, int cols) {
  int lg = 0;
  while ((1 << lg) < 2 * rows + cols) ++lg;
  return (iface::kDimWidth + lg + 1) / 2;
}

uint64_t extent_end(uint32_t addr, uint32_t rows, uint32_t ld, uint64_t rb) {
  const uint32_t rm1 = (rows - 1) & kDimMask;
  return uint64_t(addr) + uint64_t(rm1) * uint64_t(ld) + rb;
}
bool rows_overlap(uint32_t rows, uint32_t ld, uint64_t rb) { return rows > 1 && uint64_t(ld) < rb; }
bool overlaps(uint32_t lo1, uint64_t hi1, uint32_t lo2, uint64_t hi2) {
  return uint64_t(lo1) < hi2 && uint64_t(lo2) < hi1;
}

// The transfer a phase runs (rtl/dma.sv nx_*).
struct Xfer {
  uint32_t addr = 0, ld = 0, rb = 0, rows = 0, wpr = 0, wb = 0, pad = 0;
  uint64_t sbase = 0, rstride = 0;  // a row's words are consecutive
};

}  // namespace

Dma::Dma(const DmaParams& p)
    : p_((p.validate(), p)),
      beat_(1 << p.MemBytesLog2),
      cap_(2 * std::max(p.Rows, 4 * p.Cols) + (1 << p.MemBytesLog2)),
      lanes_(std::max(p.Rows, p.Cols)),
      col_g_(((1 << p.MemBytesLog2) + p.Cols - 1) / p.Cols),
      ag_(((1 << p.MemBytesLog2) + p.Rows - 1) / p.Rows),
      half_a_(uint32_t(p.AWords / 2)),
      half_b_(uint32_t(p.BWords / 2)),
      half_c_(uint32_t(p.CWords / 2)),
      half_q_(uint32_t(p.QWords / 2)),
      cc_mask_(count_mask(half_c_)),
      wb_mask_(count_mask(uint32_t(std::max(p.Rows, 4 * p.Cols)))),
      pn_mask_(count_mask(2 * uint32_t(std::max(p.Rows, 4 * p.Cols)))),
      hd_mask_(count_mask(uint32_t(1) << p.MemBytesLog2)),
      cut_it_(cut_iterations(p.Rows, p.Cols)),
      out_(p) {
  reset();
}

void Dma::reset() {
  r_ = DmaRegs{};
  r_.buf_q.assign(size_t(cap_), 0);
  out_ = DmaOut(p_);
  update_outputs();
}

bool Dma::loading() const { return r_.state_q == DmaState::kXfer && r_.xk_q != kXC; }
bool Dma::storing() const { return r_.state_q == DmaState::kXfer && r_.xk_q == kXC; }

bool Dma::tile_idle(const DmaIn& in) const {
  return r_.tile_cnt_q == 0 || (r_.tile_cnt_q == 1 && in.tile_done_i);
}

uint32_t Dma::next_xfer(bool after) const {
  const DmaRegs& r = r_;
  // The block the loads are for: nx, or cu while it computes before its B / Q are in (early_q).
  const DmaBlock& ld = r.early_q ? r.cu_q : r.nx_q;
  for (uint32_t x = kXC; x <= kXP; ++x) {
    if (after ? x <= r.xk_q : x < r.xk_q) continue;
    if ((x == kXC && (r.col_q || (r.pv_q.valid && r.pv_q.klast))) ||
        (x == kXA && ld.valid && ld.load_a) ||
        (x == kXB && ld.valid && ld.load_b && ld.kc != ld.pk0) ||
        (x >= kXBias && x <= kXShift && ld.valid && ld.load_q) || (x == kXP && ld.valid && ld.pf)) {
      return x;
    }
  }
  return kXNone;
}

uint64_t Dma::cu_wpr() const {
  return (uint64_t(r_.cu_q.nc) + uint64_t(p_.Cols) - 1) / uint64_t(p_.Cols);
}

uint64_t Dma::ilv_k0(uint64_t g) const { return g * uint64_t(ag_ * p_.Rows); }

uint64_t Dma::ilv_end(uint64_t g) const {
  const DmaBlock& ld = r_.early_q ? r_.cu_q : r_.nx_q;
  return std::min(ilv_k0(g) + uint64_t(ag_ * p_.Rows), uint64_t(ld.kc));
}

bool Dma::ilv_more() const {
  const DmaBlock& ld = r_.early_q ? r_.cu_q : r_.nx_q;
  return r_.ilv_q && ilv_end(r_.grp_q) < uint64_t(ld.kc);
}

uint64_t Dma::col_end() const { return std::min(uint64_t(r_.colj_q) + uint64_t(col_g_), cu_wpr()); }

bool Dma::col_gate() const {
  const DmaRegs& r = r_;
  return uint64_t(r.ccnt_q[r.cu_q.c_half ? 1 : 0]) >= uint64_t(r.colj_q) * uint64_t(r.cu_q.mc) + 1;
}

bool Dma::col_word2() const {
  const DmaRegs& r = r_;
  return uint64_t(r.ccnt_q[r.cu_q.c_half ? 1 : 0]) + uint64_t(r.wd_rows_q) >=
         (uint64_t(r.colj_q) + uint64_t(r.wd_j_q) + 2) * uint64_t(r.cu_q.mc) + 1;
}

bool Dma::col_word() const {
  const DmaRegs& r = r_;
  return uint64_t(r.ccnt_q[r.cu_q.c_half ? 1 : 0]) + uint64_t(r.wd_rows_q) >=
         (uint64_t(r.colj_q) + uint64_t(r.wd_j_q) + 1) * uint64_t(r.cu_q.mc) + 1;
}

DmaBlock Dma::successor(const DmaIn& in) const {
  const DmaRegs& r = r_;
  const DmaBlock& nx = r.nx_q;
  const bool k_more = r.split_q && nx.k0 + nx.kc < in.k_i;
  const bool n_more = nx.n0 + r.nb_q < in.n_i;
  // (The first block, m0 = 0, is mf_q rows tall; the others mb_q.)
  const bool first = nx.m0 == 0;
  const uint32_t madv = first ? r.mf_q : r.mb_q;
  const bool m_more = nx.m0 + madv < in.m_i;
  uint32_t m0 = nx.m0, n0 = nx.n0, k0 = 0;
  if (k_more) {
    k0 = (nx.k0 + nx.kc) & kDimMask;
  } else if (r.a_outer_q) {
    if (n_more) {
      n0 = (nx.n0 + r.nb_q) & kDimMask;
    } else if (m_more) {
      m0 = (nx.m0 + madv) & kDimMask;
      n0 = 0;
    }
  } else {
    if (m_more) {
      m0 = (nx.m0 + madv) & kDimMask;
    } else if (n_more) {
      n0 = (nx.n0 + r.nb_q) & kDimMask;
      m0 = 0;
    }
  }
  DmaBlock s;
  s.valid = nx.valid && (k_more || n_more || m_more);
  s.m0 = m0;
  s.n0 = n0;
  s.k0 = k0;
  s.mc = in.m_i - m0 < r.mb_q ? (in.m_i - m0) & kDimMask : r.mb_q;
  s.nc = in.n_i - n0 < r.nb_q ? (in.n_i - n0) & kDimMask : r.nb_q;
  s.kc = in.k_i - k0 < r.kc_q ? (in.k_i - k0) & kDimMask : r.kc_q;
  s.load_a = r.split_q || m0 != nx.m0;
  s.load_b = r.split_q || n0 != nx.n0;
  s.load_q = n0 != nx.n0;
  s.a_half = s.load_a ? !nx.a_half : nx.a_half;
  s.b_half = s.load_b ? !nx.b_half : nx.b_half;
  s.q_half = s.load_q ? !nx.q_half : nx.q_half;
  s.c_half = k0 == 0 ? !nx.c_half : nx.c_half;
  s.a_row = m0 == nx.m0 ? nx.a_row
            : m0 == 0   ? in.dram_a_i
                        : nx.a_row + (first ? r.af_step_q : r.a_step_q);
  // (A panel's first block after prefetched parts loads B from row kl_q: pl_row_q.)
  s.b_row = k0 != 0 ? nx.b_row + r.b_step_q : r.pf_q && s.load_b ? r.pl_row_q : in.dram_b_i;
  // Prefetch: the part of a block of the panel after its first, j * Kp (at most K).
  const uint64_t pk_next = nx.load_b ? 0 : uint64_t(nx.pk0) + r.kp_q;
  s.pk0 = !r.pf_q ? 0 : s.load_b ? r.kl_q : uint32_t(std::min<uint64_t>(pk_next, in.k_i));
  s.pf = r.pf_q && !s.load_b && uint64_t(n0) + r.nb_q < in.n_i && s.pk0 < in.k_i;
  s.p_row = nx.load_b ? in.dram_b_i : nx.p_row + r.pstep_q;
  s.c_row = m0 == nx.m0 ? nx.c_row
            : m0 == 0   ? in.dram_c_i
                        : nx.c_row + (first ? r.cf_step_q : r.c_step_q);
  s.kfirst = k0 == 0;
  s.klast = uint64_t(k0) + s.kc >= in.k_i;
  return s;
}

void Dma::update_outputs() {
  const DmaRegs& r = r_;
  DmaOut& o = out_;
  const bool ld = loading(), st = storing();
  const uint32_t hd_row = ld ? r.rs_row_q : r.rq_row_q;
  const uint32_t hd_beat = ld ? r.rs_beat_q : r.rq_beat_q;
  hd_lo_ = hd_row > hd_beat ? (hd_row - hd_beat) & hd_mask_ : 0;
  const uint32_t end_off = hd_row + r.x_rb_q - hd_beat;
  hd_last_ = end_off <= uint32_t(beat_);
  hd_hi_ = hd_last_ ? end_off & hd_mask_ : uint32_t(beat_);
  hd_n_ = (hd_hi_ - hd_lo_) & hd_mask_;
  wd_last_ = r.wd_j_q == ((r.x_wpr_q - 1) & kDimMask);
  pair_last_ = ((r.wd_j_q + 1) & kDimMask) == ((r.x_wpr_q - 1) & kDimMask);
  emit_ = ld && r.fill_q >= r.x_wb_q;
  ld_pair_ = emit_ && (r.xk_q == kXA || r.xk_q == kXB || r.xk_q == kXP) && !wd_last_ &&
             r.fill_q >= 2 * r.x_wb_q;
  fill_e_ = r.fill_q - (emit_ ? r.x_wb_q : 0) - (ld_pair_ ? r.x_wb_q : 0);
  const uint32_t need = fill_e_ + hd_n_ + (hd_last_ ? r.x_pad_q : 0);

  o.mem_rsp_ready_o = (ld && r.rs_rows_q != 0 && need <= uint32_t(cap_)) || (st && r.wr_out_q != 0);
  const bool rq_we = r.rq_x_q == kXC;
  o.mem_req_valid_o = r.rq_rows_q != 0 && (!rq_we || r.fill_q >= hd_n_);
  o.mem_req_we_o = rq_we;
  o.mem_req_addr_o = r.rq_beat_q;
  // The request's tensor: bit i is region 1 + i; transfer x (C, A, B, BIAS, M0, SHIFT) maps to
  // region C, A, B, BIAS, M0, SHIFT.
  constexpr uint32_t kSp[] = {iface::region_bit(iface::kC),  iface::region_bit(iface::kA),
                              iface::region_bit(iface::kB),  iface::region_bit(iface::kBias),
                              iface::region_bit(iface::kM0), iface::region_bit(iface::kShift)};
  o.mem_req_sp_o = r.rq_x_q <= kXShift ? kSp[r.rq_x_q] : r.rq_x_q == kXP ? kSp[kXB] : 0;
  uint64_t strb = 0;
  const bool wr = st && rq_we && r.rq_rows_q != 0;
  for (int i = 0; i < beat_; ++i) {
    const bool on = wr && uint32_t(i) >= hd_lo_ && uint32_t(i) < hd_hi_;
    strb |= uint64_t(on) << i;
    o.mem_req_wdata_o[size_t(i)] = on ? r.buf_q[size_t(i) - hd_lo_] : 0;
  }
  o.mem_req_wstrb_o = strb;

  const bool c_rd = st && r.wd_rows_q != 0 && (!r.col_q || col_word()) &&
                    r.fill_q + (r.pend_q ? r.pend_n_q : 0) + r.x_wb_q <= uint32_t(cap_);
  o.c_rd_en_o = c_rd;
  o.c_rd_addr_o = r.wd_addr_q;
  c_pair_ = c_rd && !wd_last_ && (!r.col_q || col_word2()) &&
            r.fill_q + (r.pend_q ? r.pend_n_q : 0) + 2 * r.x_wb_q <= uint32_t(cap_);
  o.c_rd_pair_o = c_pair_;

  o.wr_en_o = 0;
  o.wr_addr_o = emit_ ? r.wd_addr_q : 0;
  std::fill(o.wr_data_o.begin(), o.wr_data_o.end(), 0);
  o.wr_pair_o = ld_pair_;
  for (int l = 0; l < std::max(p_.Rows, p_.Cols); ++l) {
    o.wr_data1_o[size_t(l)] =
        ld_pair_ && uint32_t(l) < r.x_wb_q ? int8_t(r.buf_q[size_t(r.x_wb_q) + size_t(l)]) : 0;
  }
  if (emit_) {
    const uint32_t x = r.xk_q;
    o.wr_en_o = x == kXA               ? 1u << kSpA
                : x == kXB || x == kXP ? 1u << kSpB
                : x == kXBias          ? 1u << kSpBias
                : x == kXM0            ? 1u << kSpM0
                : x == kXShift         ? 1u << kSpShift
                                       : 0u;
    if (x == kXBias || x == kXM0) {
      for (int l = 0; l < p_.Cols; ++l) {
        uint32_t v;
        std::memcpy(&v, &r.buf_q[size_t(4 * l)], 4);  // little-endian host (x86-64)
        o.wr_data_o[size_t(l)] = int32_t(v);
      }
    } else {
      for (int l = 0; l < lanes_ && uint32_t(l) < r.x_wb_q; ++l) {
        o.wr_data_o[size_t(l)] = int8_t(r.buf_q[size_t(l)]);
      }
    }
  }
  o.busy_o = r.state_q != DmaState::kIdle;
  o.done_o = r.done_q;
  o.err_o = r.done_q ? r.err_q : 0;
  o.tile_start_o = r.state_q == DmaState::kTile || r.tstart_q;
  o.tile_m_o = r.cu_q.mc;
  o.tile_n_o = r.cu_q.nc;
  o.tile_a_half_o = r.cu_q.a_half;
  o.tile_b_half_o = r.cu_q.b_half;
  o.tile_c_half_o = r.cu_q.c_half;
  o.tile_q_half_o = r.cu_q.q_half;
  o.tile_k_o = r.cu_q.kc;
  o.tile_acc_first_o = r.cu_q.kfirst;
  o.tile_acc_last_o = r.cu_q.klast;
  o.tile_kt_outer_o = r.ko_q;
  // The gates of an early block: its B rows written (before its B transfer those prefetched,
  // pk0; all after it),
  // its SHIFT written (the last transfer: xk_q = XShift + 1).
  o.tile_b_rows_o =
      !r.early_q || !r.cu_q.load_b ? kDimMask
      : r.ilv_q
          ? uint32_t(r.state_q == DmaState::kXfer && r.xk_q == kXB ? ilv_end(r.grp_q) - r.wd_rows_q
                                                                   : ilv_k0(r.grp_q)) &
                kDimMask
      : r.state_q == DmaState::kXfer && r.xk_q == kXB ? (r.cu_q.kc - r.wd_rows_q) & kDimMask
      : r.xk_q > kXB                                  ? kDimMask
                                                      : r.cu_q.pk0;
  o.tile_q_ready_o = !r.early_q || !r.cu_q.load_q || r.xk_q > kXShift;
}

const DmaOut& Dma::eval(const DmaIn& in) {
  const DmaRegs& r = r_;
  const bool busy = r.state_q != DmaState::kIdle;
  const bool tile_busy = !tile_idle(in);
  const bool no_tile_left = !r.nx_q.valid && (!r.cu_q.valid || r.col_q || in.tile_done_i);
  out_.ph_store_o = busy && r.state_q != DmaState::kCheck && !tile_busy && no_tile_left;
  out_.ph_load_o = busy && !tile_busy && !out_.ph_store_o;
  return out_;
}

void Dma::tick(const DmaIn& in) {
  DmaRegs& r = r_;
  const DmaOut& o = out_;
  // Idle without a start: no register that reaches a port changes (the RTL reloads pend_n_q every
  // cycle, but it matters only in the cycle after a C read).
  if (r.state_q == DmaState::kIdle && !in.start_i && !r.done_q) return;

  const bool ld = loading(), st = storing();
  const bool req_fire = o.mem_req_valid_o && in.mem_req_ready_i;
  const bool wr_fire = req_fire && r.rq_x_q == kXC;
  const bool rsp_take = ld && o.mem_rsp_ready_o && in.mem_rsp_valid_i;
  const bool ack_take = st && o.mem_rsp_ready_o && in.mem_rsp_valid_i;
  const bool c_rd = o.c_rd_en_o;
  const uint32_t beat = uint32_t(beat_);
  const uint32_t beat_mask = ~(beat - 1);
  uint8_t* buf = r.buf_q.data();
  const size_t cap = size_t(cap_);

  // ---- Staging buffer ----
  if (ld) {
    if (emit_) {
      const size_t out = size_t(r.x_wb_q) * (ld_pair_ ? 2 : 1);
      std::memmove(buf, buf + out, cap - out);
      std::memset(buf + cap - out, 0, out);
    }
    if (rsp_take) {
      for (uint32_t i = hd_lo_; i < hd_hi_; ++i) {
        buf[fill_e_ + i - hd_lo_] = uint8_t(in.mem_rsp_rdata_i[i]);
      }
    }
    r.fill_q = fill_e_ + (rsp_take ? hd_n_ + (hd_last_ ? r.x_pad_q : 0) : 0);
  } else if (st) {
    uint32_t fill = r.fill_q;
    if (wr_fire) {
      std::memmove(buf, buf + hd_n_, cap - hd_n_);
      std::memset(buf + cap - hd_n_, 0, hd_n_);
      fill -= hd_n_;
    }
    if (r.pend_q) {
      for (uint32_t i = 0; i < r.pend_n_q && i < uint32_t(p_.Cols); ++i) {
        buf[fill + i] = uint8_t(in.c_rd_data_i[i]);
      }
      for (uint32_t i = uint32_t(p_.Cols); i < r.pend_n_q && i < 2 * uint32_t(p_.Cols); ++i) {
        buf[fill + i] = uint8_t(in.c_rd_data1_i[i - uint32_t(p_.Cols)]);
      }
      fill += r.pend_n_q;
    }
    r.fill_q = fill;
  }

  // ---- Next state ----
  DmaState next = r.state_q;
  uint32_t xk = r.xk_q;
  bool done = false;
  uint32_t err = r.err_q;
  const uint32_t m = in.m_i, n = in.n_i, k = in.k_i;
  const uint64_t kt = (uint64_t(k) + uint64_t(p_.Rows) - 1) / uint64_t(p_.Rows);
  const bool w4a8 = in.precision_i == uint32_t(iface::kPrecW4a8);
  const bool xfer_end =
      (ld && emit_ && r.wd_rows_q == 1 && (wd_last_ || (ld_pair_ && pair_last_))) ||
      (st && (r.rq_ahead_q || r.rq_rows_q == 0) && r.wr_out_q == 0);
  const bool tile_idle = Dma::tile_idle(in);
  // tile_ctrl takes the next block when idle, or back to back in cu's tail (ready_o; the slots
  // of cu's tail carry their own BIAS / M0 / SHIFT base through acc_stage).
  const bool tile_go = tile_idle || (r.tile_cnt_q == 1 && in.tile_ready_i);
  const uint32_t tile_cnt =
      (r.tile_cnt_q - uint32_t(in.tile_done_i && r.tile_cnt_q != 0) + uint32_t(o.tile_start_o)) &
      3u;
  bool early = r.early_q, tstart = false;
  // The next block starts computing as soon as tile_ctrl takes it and its A is written (kNext at
  // its B or later, loads of it still to run): no transfer starts in that cycle.
  const uint32_t go_next = r.state_q == DmaState::kNext ? next_xfer(false) : kXNone;
  const bool early_go = r.state_q == DmaState::kNext && !r.early_q && tile_go && r.nx_q.valid &&
                        (r.xk_q >= kXB || r.ilv_q) && go_next != kXNone;
  // pv's C is stored only once its tile command is done (pv started before cu, back to back);
  // a column of the last block's once acc_stage has written its first word (col_word gates
  // each read).
  const bool c_hold = r.state_q == DmaState::kNext && go_next == kXC &&
                      ((r.tile_cnt_q == 2 && !in.tile_done_i) || (r.col_q && !col_gate()));
  // A column of the last block's store ends once its writes are requested.
  const bool col_next = st && r.col_q && col_end() < cu_wpr() && r.rq_rows_q == 0;
  const uint32_t go = early_go || c_hold ? kXNone : go_next;
  // ... or during its B / BIAS / M0 / SHIFT load: the running load becomes cu's, and tile_ctrl
  // starts in the next cycle (tstart_q).
  const bool early_x =
      r.state_q == DmaState::kXfer && !r.early_q && tile_go && r.nx_q.valid && r.xk_q >= kXB;
  // The next transfer's reads start as soon as the running transfer has requested everything.
  // (ilv_q: after a group's B comes the next group's A.)
  const uint32_t go_ahead = r.state_q != DmaState::kXfer  ? kXNone
                            : ilv_more() && r.xk_q == kXB ? kXA
                                                          : next_xfer(true);
  const bool pre =
      r.state_q == DmaState::kXfer && !r.rq_ahead_q && r.rq_rows_q == 0 && go_ahead != kXNone;
  DmaBlock nx = r.nx_q, cu = r.cu_q, pv = r.pv_q;
  bool col = r.col_q;
  uint32_t colj = r.colj_q;
  bool ilv = r.ilv_q;
  uint32_t grp = r.grp_q;
  switch (r.state_q) {
    case DmaState::kIdle:
      if (in.start_i) {
        next = DmaState::kCheck;
        err = 0;
        col = false;
        colj = 0;
      }
      break;
    case DmaState::kCheck: {
      const uint64_t nt = (uint64_t(n) + uint64_t(p_.Cols) - 1) / uint64_t(p_.Cols);
      uint64_t ntbl = k == 0 ? 0 : uint64_t(half_b_) / uint64_t(k);
      ntbl = std::min({ntbl, nt, uint64_t(half_q_), uint64_t(half_c_)});
      // w4a8 (rtl/dma.sv): A's sizes in word pairs, its rows 2K bytes.
      const uint64_t ha = w4a8 ? half_a_ / 2 : half_a_, ka = w4a8 ? 2 * uint64_t(k) : k;
      uint64_t mbl = kt == 0 ? 0 : ha / kt;
      mbl = std::min(mbl, uint64_t(m));
      if (ntbl != 0) mbl = std::min(mbl, uint64_t(half_c_) / ntbl);
      const uint64_t nbl = std::min(ntbl * uint64_t(p_.Cols), uint64_t(n));
      const uint64_t mbcl = mbl == 0 ? 0 : (uint64_t(m) + mbl - 1) / mbl;
      const uint64_t npl = nbl == 0 ? 0 : (uint64_t(n) + nbl - 1) / nbl;
      // Pipelining at no cost in traffic (rtl/dma.sv, the same loops): one panel, M in q blocks.
      const uint64_t rows = uint64_t(p_.Rows), ovh = uint64_t(2 * p_.Rows + p_.Cols);
      uint64_t tgt = 1;
      for (int i = 0; i < cut_it_; ++i) {
        if (2 * tgt * tgt * (kt + ntbl) < uint64_t(m) * ovh) tgt *= 2;
      }
      tgt = std::max(tgt, rows);
      const uint64_t q_want = (uint64_t(m) + tgt - 1) / tgt;
      uint64_t mq_n = 1;
      for (int i = 0; i < 24; ++i) {
        if (mq_n * 2 <= q_want && mq_n * 2 * (rows + mq_n * 2 - 1) <= uint64_t(m)) mq_n *= 2;
      }
      const uint64_t mq = (uint64_t(m) + mq_n - 1) / mq_n;
      // One m-block: panels of at most ceil(NT/4) N-tiles, and AccWords div Mb (K-tiles outer).
      const uint64_t ntq =
          std::min((nt + 3) / 4, std::max<uint64_t>(1, mbl == 0 ? 1 : uint64_t(p_.AccWords) / mbl));
      const uint64_t mb = npl == 1 && mbl > mq ? mq : mbl;
      const uint64_t ntb = npl != 1 && mbcl == 1 && ntbl > ntq ? ntq : ntbl;
      const uint64_t nbc = std::min(ntb * uint64_t(p_.Cols), uint64_t(n));
      const uint64_t mbc = mb == 0 ? 0 : (uint64_t(m) + mb - 1) / mb;
      const uint64_t np = nbc == 0 ? 0 : (uint64_t(n) + nbc - 1) / nbc;
      // K-chunks (rtl/dma.sv): two candidate block heights, the larger (rows up to AccWords)
      // and one short enough that a block holds every N-tile it can (fewer panels, fewer tile
      // commands); the one with the smaller estimate below.
      bool split = false;  // below, after the K-chunk plan
      const uint64_t M = m, N = n, K = k, R = uint64_t(p_.Rows);
      const uint64_t half_bkt = uint64_t(half_b_ / uint32_t(p_.Rows));
      const auto slots = [&](uint64_t rows, uint64_t cnt) {
        return cnt == 0 ? 0 : (cnt - 1) * std::max(rows, R) + std::max(M - (cnt - 1) * rows, R);
      };
      // Bytes per cycle x 16: DRAM_BW, at most what the port moves (a beat, and one scratchpad
      // word of min(Rows, Cols) bytes per cycle); DRAM_BW = 0: that limit.
      const uint64_t bwcap = 16 * uint64_t(std::min({beat_, p_.Rows, p_.Cols}));
      const uint64_t bw = in.dram_bw_i == 0 || in.dram_bw_i > bwcap ? bwcap : in.dram_bw_i;
      struct Chunks {
        uint64_t mbs = 0, ntbs = 0, ktc = 0, kcs = 0, nbs = 0, nps = 0, time = 0;
        bool array_bound = false;
      };
      const auto chunks = [&](uint64_t mbs) {
        Chunks c;
        c.mbs = mbs;
        c.ntbs = mbs == 0 ? 0
                          : std::min({uint64_t(p_.AccWords) / mbs, nt, uint64_t(half_c_) / mbs,
                                      uint64_t(half_q_), half_bkt});
        // Balanced panels: as many as those bounds need, the N-tiles spread evenly over them.
        if (c.ntbs != 0) {
          const uint64_t panels = (nt + c.ntbs - 1) / c.ntbs;
          c.ntbs = (nt + panels - 1) / panels;
        }
        c.ktc = c.ntbs == 0 ? 0 : std::min({ha / mbs, half_bkt / c.ntbs, kt});
        c.kcs = std::min(c.ktc * R, K);
        c.nbs = std::min(c.ntbs * uint64_t(p_.Cols), N);
        c.nps = c.nbs == 0 ? 0 : (N + c.nbs - 1) / c.nbs;
        const uint64_t mbcs = mbs == 0 ? 0 : (M + mbs - 1) / mbs;
        const uint64_t kcn = c.ktc == 0 ? 0 : (kt + c.ktc - 1) / c.ktc;
        const uint64_t cyc = kt * nt * slots(mbs, mbcs) + mbcs * c.nps * kcn * ovh;
        const uint64_t t = c.nps * M * ka + mbcs * K * N + 9 * N + M * N;
        c.time = std::max(cyc, t * 16 / bw);
        c.array_bound = 3 * cyc >= 4 * (t * 16 / bw);  // with a margin: memory at most 3/4
        return c;
      };
      const uint64_t mbs0 = std::min({M, uint64_t(p_.AccWords), uint64_t(half_c_), ha});
      const uint64_t ntw = std::min({nt, uint64_t(half_q_), half_bkt});
      const uint64_t mbs1 =
          std::min(mbs0, std::max(R, std::min(uint64_t(p_.AccWords), uint64_t(half_c_)) /
                                         std::max<uint64_t>(ntw, 1)));
      const Chunks c0 = chunks(mbs0), c1 = chunks(mbs1);
      // The shorter blocks when faster, with a margin (array-bound) unless the taller lack it too.
      const Chunks& cs =
          c1.ktc != 0 && (c1.array_bound || !c0.array_bound) && c1.time < c0.time ? c1 : c0;
      const uint64_t mbs = cs.mbs, ktc = cs.ktc, kcs = cs.kcs, nbs = cs.nbs;
      // K-chunks chosen for speed when the estimate says so (rtl/dma.sv).
      {
        const uint64_t cyc_n = kt * nt * slots(mb, mbc) + mbc * np * ovh;
        const uint64_t t_n = std::min((mbc > 1 ? np : 1) * M * ka + K * N + 9 * N + M * N,
                                      M * ka + (np > 1 ? mbc : 1) * (K * N + 9 * N) + M * N);
        const uint64_t time_n = std::max(cyc_n, t_n * 16 / bw);
        // The first block computes only once its A and its panel's B are in: with that start,
        // K-chunks are taken too when faster by more than 1/16 (their loads are less even).
        const uint64_t ld0 = (mb * ka + K * nbc + 9 * nbc) * 16 / bw;
        const uint64_t cyc0 = kt * ntb * std::max(mb, R) + ovh;
        const uint64_t time_n0 = std::max(time_n, ld0 + cyc_n - std::min(cyc_n, cyc0));
        split = ntbl == 0 || mbl == 0 ||
                (mbl < M && ktc != 0 && (cs.time < time_n || cs.time + cs.time / 16 < time_n0));
      }
      const uint64_t t_b = (mbc > 1 ? np : 1) * M * ka + K * N + 9 * N + M * N;
      const uint64_t t_a = M * ka + (np > 1 ? mbc : 1) * (K * N + 9 * N) + M * N;
      // Panels outer: blocks short enough to run K-tiles outer, balanced (rtl/dma.sv).
      const uint64_t ntk = (nbc + uint64_t(p_.Cols) - 1) / uint64_t(p_.Cols);
      const uint64_t kcap = ntk == 0 ? 0 : uint64_t(p_.AccWords) / ntk;
      const bool capq =
          !split && !(t_a < t_b) && (mbc > 1 || np == 1) && kcap >= uint64_t(p_.Rows) && mb > kcap;
      const uint64_t kq = kcap == 0 ? 1 : (uint64_t(m) + kcap - 1) / kcap;
      const uint64_t mbq = capq ? (uint64_t(m) + kq - 1) / kq : mb;
      // A last m-block shorter than Rows (its tiles would wait for every weight load): the
      // m-blocks balanced instead, as many, equally tall (rtl/dma.sv).
      const uint64_t mq_cnt = mbq == 0 ? 0 : (uint64_t(m) + mbq - 1) / mbq;
      const bool short_last = mbq != 0 && uint64_t(m) % mbq != 0 && uint64_t(m) % mbq < rows;
      const uint64_t mbk = short_last ? (uint64_t(m) + mq_cnt - 1) / mq_cnt : mbq;
      const uint64_t mbck = mbk == 0 ? 0 : (uint64_t(m) + mbk - 1) / mbk;
      const uint32_t nbf = uint32_t(split ? nbs : nbc) & kDimMask;
      const uint64_t ntf = (uint64_t(nbf) + uint64_t(p_.Cols) - 1) / uint64_t(p_.Cols);  // N-tiles
      // A tall first block (rtl/dma.sv fb_plan): one panel, m-blocks K-tiles outer, the first as
      // tall as half of A and the accumulator buffer allow (fbh), the rest balanced (fbm), when
      // the start waits for memory (block 0's and block 1's A and the panel's B take longer than
      // block 0's tiles) and block 1's tiles outlast the first store and block 2's A.
      const uint64_t fbh = std::min(mbl, uint64_t(p_.AccWords) / std::max<uint64_t>(ntf, 1));
      const uint64_t fb_rest = uint64_t(m) - std::min(fbh, uint64_t(m));
      const uint64_t fb_cnt = mbk == 0 ? 0 : (fb_rest + mbk - 1) / mbk;
      const uint64_t fbm = fb_cnt == 0 ? 0 : (fb_rest + fb_cnt - 1) / fb_cnt;
      const uint64_t fb_ld = (2 * mbk * ka + (uint64_t(k) + 9) * nbf) * 16 / bw;
      const uint64_t fb_cyc0 = kt * ntf * std::max(mbk, rows);
      const uint64_t fb_mem1 = (fbh * nbf + fbm * ka) * 16 / bw;
      const uint64_t fb_cyc1 = kt * ntf * std::max(fbm, rows);
      const bool kto0 = mbk <= uint64_t(p_.AccWords) && mbk * ntf <= uint64_t(p_.AccWords);
      const bool fb = !split && np == 1 && kto0 && mbck > 1 && fbh > mbk && fbh < uint64_t(m) &&
                      fbm >= rows && fb_ld > fb_cyc0 && fb_mem1 <= fb_cyc1;
      const uint64_t mbf = split ? mbs : fb ? fbm : mbk;
      const uint64_t mff = fb ? fbh : mbf;  // the first block's rows
      const uint64_t kcf = split ? kcs : k;
      const bool zero_dim = m == 0 || n == 0 || k == 0;
      const uint64_t top = uint64_t{1} << iface::kMemAddrWidth;
      const uint64_t xa = extent_end(in.dram_a_i, m, in.ld_a_i, ka);
      const uint64_t xb = extent_end(in.dram_b_i, k, in.ld_b_i, n);
      const uint64_t xc = extent_end(in.dram_c_i, m, in.ld_c_i, n);
      const uint64_t xbias = uint64_t(in.dram_bias_i) + uint64_t(n) * 4;
      const uint64_t xm0 = uint64_t(in.dram_m0_i) + uint64_t(n) * 4;
      const uint64_t xshift = uint64_t(in.dram_shift_i) + uint64_t(n);
      const bool bad_spad = split ? (mbs == 0 || ktc == 0 || half_q_ == 0) : (ntb == 0 || mb == 0);
      const bool bad_mem = xa > top || xb > top || xc > top || xbias > top || xm0 > top ||
                           xshift > top || rows_overlap(m, in.ld_a_i, ka) ||
                           rows_overlap(k, in.ld_b_i, n) || rows_overlap(m, in.ld_c_i, n);
      const bool bad_overlap = overlaps(in.dram_c_i, xc, in.dram_a_i, xa) ||
                               overlaps(in.dram_c_i, xc, in.dram_b_i, xb) ||
                               overlaps(in.dram_c_i, xc, in.dram_bias_i, xbias) ||
                               overlaps(in.dram_c_i, xc, in.dram_m0_i, xm0) ||
                               overlaps(in.dram_c_i, xc, in.dram_shift_i, xshift);
      const uint32_t check_err = in.os_i ? 4 : bad_spad ? 1 : bad_mem ? 2 : bad_overlap ? 3 : 0;
      if (check_err != 0 || zero_dim) {
        next = DmaState::kIdle;
        done = true;
        err = zero_dim ? 0 : check_err;
      } else {
        next = DmaState::kNext;
        xk = kXC;
        r.mb_q = uint32_t(mbf) & kDimMask;
        r.nb_q = nbf;
        r.kc_q = uint32_t(kcf) & kDimMask;
        r.split_q = split;
        r.a_outer_q = !split && t_a < t_b;
        r.a_step_q = uint32_t(mbf * uint64_t(in.ld_a_i));
        r.c_step_q = uint32_t(mbf * uint64_t(in.ld_c_i));
        r.mf_q = uint32_t(mff) & kDimMask;
        r.af_step_q = uint32_t(mff * uint64_t(in.ld_a_i));
        r.cf_step_q = uint32_t(mff * uint64_t(in.ld_c_i));
        r.b_step_q = uint32_t(kcf * uint64_t(in.ld_b_i));
        // K-tiles outer when a block's sums fit the accumulator buffer side by side.
        r.ko_q = mbf <= uint64_t(p_.AccWords) && mbf * ntf <= uint64_t(p_.AccWords);
        // Prefetch of the next panel's B: MBc parts K-tiles outer (the panel's first block loads
        // the last), else MBc - 1 (rtl/dma.sv).
        const bool pf = !split && !(t_a < t_b) && np > 1 && mbck > 1;
        const uint64_t div = r.ko_q ? mbck : mbck - 1;
        const uint64_t kp = div == 0 ? 0 : (K + div - 1) / div;
        const uint64_t kl = std::min(K, (mbck - 1) * kp);
        r.pf_q = pf;
        // Block 0's A and B interleaved when it has more than one group (rtl/dma.sv ilv_plan).
        r.ilv_q = !w4a8 && !pf && kcf > uint64_t(ag_ * p_.Rows) && mff >= uint64_t(p_.Rows) &&
                  (in.dram_a_i & (beat - 1)) == 0 && (in.ld_a_i & (beat - 1)) == 0;
        r.grp_q = 0;
        r.kp_q = pf ? uint32_t(kp) & kDimMask : 0;
        r.kl_q = pf ? uint32_t(kl) & kDimMask : 0;
        r.pstep_q = pf ? uint32_t(kp * uint64_t(in.ld_b_i)) : 0;
        r.pl_row_q = in.dram_b_i + (pf ? uint32_t(kl * uint64_t(in.ld_b_i)) : 0);
        nx = DmaBlock{};
        nx.valid = true;
        nx.mc = uint32_t(mff) & kDimMask;
        nx.nc = nbf;
        nx.kc = uint32_t(kcf) & kDimMask;
        nx.a_row = in.dram_a_i;
        nx.b_row = in.dram_b_i;
        nx.p_row = in.dram_b_i;
        nx.c_row = in.dram_c_i;
        nx.load_a = nx.load_b = nx.load_q = nx.kfirst = true;
        nx.klast = kcf >= k;
        cu = pv = DmaBlock{};
      }
      break;
    }
    case DmaState::kNext:
      if (early_go) {
        next = DmaState::kTile;
        pv = r.cu_q;
        cu = r.nx_q;
        nx = successor(in);
        early = true;
      } else if (c_hold) {
        // (stays in kNext)
      } else if (go == kXNone) {
        next = DmaState::kWait;
      } else {
        next = DmaState::kXfer;
        xk = go;
      }
      break;
    case DmaState::kXfer:
      if (col_next) {
        next = DmaState::kNext;
        colj = (r.colj_q + uint32_t(col_g_)) & kDimMask;
      } else if (xfer_end) {
        next = DmaState::kNext;
        xk = (r.xk_q + 1) & 7u;
        if (r.ilv_q && r.xk_q == kXB) {
          // Block 0's group done: the next group's A, or its loads go on as usual.
          if (ilv_more()) {
            xk = kXA;
            grp = (r.grp_q + 1) & kDimMask;
          } else {
            ilv = false;
          }
        }
      }
      if (early_x) {
        pv = r.cu_q;
        cu = r.nx_q;
        nx = successor(in);
        early = true;
        tstart = true;
      }
      break;
    case DmaState::kWait:
      if (r.early_q) {
        // The computing block's loads are done: the previous block stores, the next one loads.
        next = DmaState::kNext;
        xk = kXC;
        early = false;
      } else if (r.nx_q.valid) {
        if (tile_go) {
          next = DmaState::kTile;
          pv = r.cu_q;
          cu = r.nx_q;
          nx = successor(in);
        }
      } else if (r.cu_q.valid && !r.col_q && uint64_t(r.cu_q.mc) <= uint64_t(p_.AccWords)) {
        // The last block: its C stores column by column (col_g_ N-tiles), each once written.
        next = DmaState::kNext;
        xk = kXC;
        col = true;
        colj = 0;
      } else if (tile_idle) {
        if (r.cu_q.valid && !r.col_q) {
          next = DmaState::kNext;
          xk = kXC;
          pv = r.cu_q;
          cu = DmaBlock{};
        } else {
          next = DmaState::kIdle;
          done = true;
        }
      }
      break;
    case DmaState::kTile:
      next = DmaState::kNext;
      xk = r.early_q ? r.xk_q : kXC;  // early: its own B / Q next
      break;
  }

  // ---- Walks ----
  const uint32_t pend_n = c_pair_    ? r.x_wb_q + (pair_last_ ? r.x_pad_q : r.x_wb_q)
                          : wd_last_ ? r.x_pad_q
                                     : r.x_wb_q;
  r.wr_out_q = (r.wr_out_q + uint32_t(wr_fire) - uint32_t(ack_take)) & kOutMask;
  if (req_fire) {
    const bool rq_last = r.rq_row_q + r.rq_rb_q - r.rq_beat_q <= beat;
    if (rq_last) {
      r.rq_rows_q = (r.rq_rows_q - 1) & kDimMask;
      r.rq_beat_q = (r.rq_row_q + r.rq_ld_q) & beat_mask;
      r.rq_row_q = r.rq_row_q + r.rq_ld_q;
    } else {
      r.rq_beat_q += beat;
    }
  }
  if (rsp_take) {
    if (hd_last_) {
      r.rs_rows_q = (r.rs_rows_q - 1) & kDimMask;
      r.rs_beat_q = (r.rs_row_q + r.x_ld_q) & beat_mask;
      r.rs_row_q = r.rs_row_q + r.x_ld_q;
    } else {
      r.rs_beat_q += beat;
    }
  }
  const bool pair = ld_pair_ || c_pair_;
  if (emit_ || c_rd) {
    if (wd_last_ || (pair && pair_last_)) {
      r.wd_rows_q = (r.wd_rows_q - 1) & kDimMask;
      r.wd_j_q = 0;
      r.wd_row_q = (r.wd_row_q + r.x_rstride_q) & kAddrMask;
      r.wd_addr_q = r.wd_row_q;
    } else if (pair) {
      r.wd_j_q = (r.wd_j_q + 2) & kDimMask;
      r.wd_addr_q = (r.wd_addr_q + 2) & kAddrMask;
    } else {
      r.wd_j_q = (r.wd_j_q + 1) & kDimMask;
      r.wd_addr_q = (r.wd_addr_q + 1) & kAddrMask;
    }
  }
  r.pend_q = c_rd;
  r.pend_n_q = pend_n & pn_mask_;

  // The descriptor of the transfer whose walks start this edge (only then: not every cycle).
  const uint32_t xsel = pre ? go_ahead : go;
  if (xsel != kXNone) {
    // (col_q: the store is column colj_q of cu, the last block.)
    const bool colx = xsel == kXC && r.col_q;
    const DmaBlock& bx = xsel == kXC ? (r.col_q ? r.cu_q : r.pv_q) : r.early_q ? r.cu_q : r.nx_q;
    // XP: the next panel's columns.
    const uint32_t p_n0 = (bx.n0 + r.nb_q) & kDimMask;
    const uint64_t col_rem = uint64_t(bx.nc) - uint64_t(r.colj_q) * uint64_t(p_.Cols);
    const uint32_t nc = colx ? uint32_t(std::min<uint64_t>(col_rem, uint64_t(col_g_ * p_.Cols)))
                        : xsel != kXP            ? bx.nc
                        : in.n_i - p_n0 < r.nb_q ? in.n_i - p_n0
                                                 : r.nb_q;
    const uint64_t wpr = (uint64_t(nc) + uint64_t(p_.Cols) - 1) / uint64_t(p_.Cols);
    const uint64_t cols = uint64_t(p_.Cols);
    const uint64_t wkc = (uint64_t(bx.kc) + uint64_t(p_.Rows) - 1) / uint64_t(p_.Rows);
    const uint32_t rows = uint32_t(p_.Rows), c32 = uint32_t(p_.Cols);
    Xfer x;
    switch (xsel) {
      case kXA: {
        if (r.ilv_q) {
          // Group g: bytes ilv_k0 .. ilv_end-1 of each row (the next group's when its reads
          // start ahead, during this group's B).
          const uint64_t g = r.state_q == DmaState::kXfer && r.xk_q == kXB ? r.grp_q + 1 : r.grp_q;
          const uint64_t k0 = ilv_k0(g), len = ilv_end(g) - k0;
          const uint64_t w = (len + uint64_t(p_.Rows) - 1) / uint64_t(p_.Rows);
          x = {bx.a_row + bx.k0 + uint32_t(k0),
               in.ld_a_i,
               uint32_t(len),
               bx.mc,
               uint32_t(w),
               rows,
               uint32_t(w * rows - len) & wb_mask_,
               (bx.a_half ? a_base2(in) : 0) + g * uint64_t(ag_),
               wkc};
          break;
        }
        // w4a8: 2 kc bytes a row from byte 2 k0, in 2 wkc words (rtl/dma.sv).
        const uint32_t rb = w4a8 ? 2 * bx.kc : bx.kc;
        const uint64_t wka = (uint64_t(rb) + uint64_t(p_.Rows) - 1) / uint64_t(p_.Rows);
        x = {bx.a_row + (w4a8 ? 2 * bx.k0 : bx.k0),
             in.ld_a_i,
             rb,
             bx.mc,
             uint32_t(wka),
             rows,
             uint32_t(wka * rows - rb) & wb_mask_,
             bx.a_half ? a_base2(in) : 0,
             w4a8 ? 2 * wkc : wkc};
        break;
      }
      case kXB:         // from row pk0 (rows 0 .. pk0-1 prefetched while the panel before computed)
        if (r.ilv_q) {  // group grp_q's rows (pk0 = 0)
          const uint64_t k0 = ilv_k0(r.grp_q);
          x = {bx.b_row + bx.n0 + uint32_t(k0 * uint64_t(in.ld_b_i)),
               in.ld_b_i,
               nc,
               uint32_t(ilv_end(r.grp_q) - k0),
               uint32_t(wpr),
               c32,
               uint32_t(wpr * cols - nc) & wb_mask_,
               (bx.b_half ? half_b_ : 0) + k0 * wpr,
               wpr};
          break;
        }
        x = {bx.b_row + bx.n0,
             in.ld_b_i,
             nc,
             (bx.kc - bx.pk0) & kDimMask,
             uint32_t(wpr),
             c32,
             uint32_t(wpr * cols - nc) & wb_mask_,
             (bx.b_half ? half_b_ : 0) + uint64_t(bx.pk0) * wpr,
             wpr};
        break;
      case kXP:  // rows pk0 .. of the next panel's B into the other half
        x = {bx.p_row + p_n0,
             in.ld_b_i,
             nc,
             std::min(bx.kc - bx.pk0, r.kp_q),
             uint32_t(wpr),
             c32,
             uint32_t(wpr * cols - nc) & wb_mask_,
             (bx.b_half ? 0 : half_b_) + uint64_t(bx.pk0) * wpr,
             wpr};
        break;
      case kXBias:
      case kXM0:
        x = {(xsel == kXBias ? in.dram_bias_i : in.dram_m0_i) + uint32_t(uint64_t(bx.n0) * 4),
             0,
             uint32_t(uint64_t(nc) * 4),
             1,
             uint32_t(wpr),
             4 * c32,
             uint32_t((wpr * cols - nc) * 4) & wb_mask_,
             bx.q_half ? half_q_ : 0,
             0};
        break;
      case kXShift:
        x = {in.dram_shift_i + bx.n0,
             0,
             nc,
             1,
             uint32_t(wpr),
             c32,
             uint32_t(wpr * cols - nc) & wb_mask_,
             bx.q_half ? half_q_ : 0,
             0};
        break;
      default:  // kXC (col_q: the column of cu from N-tile colj_q, col_g_ N-tiles wide)
        x = {bx.c_row + bx.n0 + (colx ? uint32_t(uint64_t(r.colj_q) * cols) : 0u),
             in.ld_c_i,
             nc,
             bx.mc,
             uint32_t(wpr),
             c32,
             uint32_t(uint64_t(nc) - (wpr - 1) * cols) & wb_mask_,
             (bx.c_half ? half_c_ : 0) + (colx ? uint64_t(r.colj_q) : 0),
             colx ? cu_wpr() : wpr};
        break;
    }
    // The request walk: the next transfer's reads ahead (pre), or the starting transfer's unless
    // they started ahead.
    if (pre || (go != kXNone && !r.rq_ahead_q)) {
      r.rq_rows_q = x.rows & kDimMask;
      r.rq_row_q = x.addr;
      r.rq_beat_q = x.addr & beat_mask;
      r.rq_ld_q = x.ld;
      r.rq_rb_q = x.rb;
      r.rq_x_q = pre ? go_ahead : go;
    }
    if (go != kXNone) {
      r.x_ld_q = x.ld;
      r.x_rb_q = x.rb;
      r.x_wb_q = x.wb & wb_mask_;
      r.x_wpr_q = x.wpr & kDimMask;
      r.x_pad_q = x.pad;
      r.x_rstride_q = x.rstride & kAddrMask;
      r.rs_rows_q = r.wd_rows_q = x.rows & kDimMask;
      r.rs_row_q = x.addr;
      r.rs_beat_q = x.addr & beat_mask;
      r.wd_j_q = 0;
      r.wd_addr_q = r.wd_row_q = x.sbase & kAddrMask;
    }
  }
  if (pre) r.rq_ahead_q = true;
  if (go != kXNone) r.rq_ahead_q = false;
  // C words written per half while busy (rtl/dma.sv ccnt_q, cc_mask_: CcW bits); a block's
  // first K-chunk clears its half's count.
  for (uint32_t h = 0; h < 2; ++h) {
    if (r.state_q != DmaState::kIdle && in.c_wr_en_i &&
        (in.c_wr_addr_i >= uint64_t(half_c_)) == (h == 1)) {
      r.ccnt_q[h] = (r.ccnt_q[h] + 1) & cc_mask_;
    }
    if (o.tile_start_o && r.cu_q.kfirst && r.cu_q.c_half == (h == 1)) r.ccnt_q[h] = 0;
  }
  r.col_q = col;
  r.colj_q = colj;
  if (r.state_q != DmaState::kCheck) {  // (kCheck sets them with the plan)
    r.ilv_q = ilv;
    r.grp_q = grp;
  }
  r.state_q = next;
  r.xk_q = xk;
  r.done_q = done;
  r.err_q = err;
  r.nx_q = nx;
  r.cu_q = cu;
  r.pv_q = pv;
  r.tile_cnt_q = tile_cnt;
  r.early_q = early;
  r.tstart_q = tstart;
  update_outputs();
}

}  // namespace systolic::model
