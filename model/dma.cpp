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
  uint64_t sbase = 0, rstride = 0, cstride = 0;
};

}  // namespace

Dma::Dma(const DmaParams& p)
    : p_((p.validate(), p)),
      mb_(1 << p.MemBytesLog2),
      cap_(2 * std::max(p.Rows, 4 * p.Cols) + (1 << p.MemBytesLog2)),
      lanes_(std::max(p.Rows, p.Cols)),
      out_(p) {
  reset();
}

void Dma::reset() {
  r_ = DmaRegs{};
  r_.buf_q.assign(size_t(cap_), 0);
  tmp_.assign(size_t(cap_), 0);
  out_ = DmaOut(p_);
  update_outputs();
}

bool Dma::loading() const {
  const DmaState s = r_.state_q;
  return s == DmaState::kLoadA || s == DmaState::kLoadB || s == DmaState::kLoadBias ||
         s == DmaState::kLoadM0 || s == DmaState::kLoadShift;
}

void Dma::update_outputs() {
  const DmaRegs& r = r_;
  DmaOut& o = out_;
  const bool ld = loading(), st = r.state_q == DmaState::kStore;
  const uint32_t hd_row = ld ? r.rs_row_q : r.rq_row_q;
  const uint32_t hd_beat = ld ? r.rs_beat_q : r.rq_beat_q;
  hd_lo_ = hd_row > hd_beat ? (hd_row - hd_beat) & 0xffu : 0;
  const uint32_t end_off = hd_row + r.x_rb_q - hd_beat;
  hd_last_ = end_off <= uint32_t(mb_);
  hd_hi_ = hd_last_ ? end_off & 0xffu : uint32_t(mb_);
  hd_n_ = (hd_hi_ - hd_lo_) & 0xffu;
  wd_last_ = r.wd_j_q == ((r.x_wpr_q - 1) & kDimMask);
  emit_ = ld && r.fill_q >= r.x_wb_q;
  fill_e_ = r.fill_q - (emit_ ? r.x_wb_q : 0);
  const uint32_t need = fill_e_ + hd_n_ + (hd_last_ ? r.x_pad_q : 0);

  o.mem_rsp_ready_o = (ld && r.rs_rows_q != 0 && need <= uint32_t(cap_)) || st;
  o.mem_req_valid_o = (ld && r.rq_rows_q != 0) || (st && r.rq_rows_q != 0 && r.fill_q >= hd_n_);
  o.mem_req_we_o = st;
  o.mem_req_addr_o = r.rq_beat_q;
  uint64_t strb = 0;
  for (int i = 0; i < mb_; ++i) {
    const bool on = st && uint32_t(i) >= hd_lo_ && uint32_t(i) < hd_hi_;
    strb |= uint64_t(on) << i;
    o.mem_req_wdata_o[size_t(i)] = on ? r.buf_q[size_t(i) - hd_lo_] : 0;
  }
  o.mem_req_wstrb_o = strb;

  const bool c_rd =
      st && r.wd_rows_q != 0 && r.fill_q + (r.pend_q ? r.pend_n_q : 0) + r.x_wb_q <= uint32_t(cap_);
  o.c_rd_en_o = c_rd;
  o.c_rd_addr_o = r.wd_addr_q;

  o.wr_en_o = 0;
  o.wr_addr_o = emit_ ? r.wd_addr_q : 0;
  std::fill(o.wr_data_o.begin(), o.wr_data_o.end(), 0);
  if (emit_) {
    const DmaState s = r.state_q;
    o.wr_en_o = 1u << (s == DmaState::kLoadA      ? kSpA
                       : s == DmaState::kLoadB    ? kSpB
                       : s == DmaState::kLoadBias ? kSpBias
                       : s == DmaState::kLoadM0   ? kSpM0
                                                  : kSpShift);
    if (s == DmaState::kLoadBias || s == DmaState::kLoadM0) {
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
  o.tile_start_o = r.state_q == DmaState::kTile;
  o.ph_load_o = r.state_q == DmaState::kCheck || ld || r.state_q == DmaState::kTile;
  o.ph_store_o = st;
}

const DmaOut& Dma::eval(const DmaIn& in) {
  out_.ph_store_o =
      r_.state_q == DmaState::kStore || (r_.state_q == DmaState::kCompute && in.tile_done_i);
  return out_;
}

void Dma::tick(const DmaIn& in) {
  DmaRegs& r = r_;
  const DmaOut& o = out_;
  if (r.state_q == DmaState::kIdle && !in.start_i && !r.done_q) return;  // nothing changes

  const bool ld = loading(), st = r.state_q == DmaState::kStore;
  const bool req_fire = o.mem_req_valid_o && in.mem_req_ready_i;
  const bool rsp_take = ld && o.mem_rsp_ready_o && in.mem_rsp_valid_i;
  const bool c_rd = o.c_rd_en_o;
  const uint32_t mb = uint32_t(mb_);
  const uint32_t beat_mask = ~(mb - 1);
  uint8_t* buf = r.buf_q.data();
  const size_t cap = size_t(cap_);

  // ---- Staging buffer ----
  if (ld) {
    if (emit_) {
      std::memmove(buf, buf + r.x_wb_q, cap - r.x_wb_q);
      std::memset(buf + cap - r.x_wb_q, 0, r.x_wb_q);
    }
    if (rsp_take) {
      for (uint32_t i = hd_lo_; i < hd_hi_; ++i) {
        buf[fill_e_ + i - hd_lo_] = uint8_t(in.mem_rsp_rdata_i[i]);
      }
    }
    r.fill_q = fill_e_ + (rsp_take ? hd_n_ + (hd_last_ ? r.x_pad_q : 0) : 0);
  } else if (st) {
    uint32_t fill = r.fill_q;
    if (req_fire) {
      std::memmove(buf, buf + hd_n_, cap - hd_n_);
      std::memset(buf + cap - hd_n_, 0, hd_n_);
      fill -= hd_n_;
    }
    if (r.pend_q) {
      for (uint32_t i = 0; i < r.pend_n_q && i < uint32_t(p_.Cols); ++i) {
        buf[fill + i] = uint8_t(in.c_rd_data_i[i]);
      }
      fill += r.pend_n_q;
    }
    r.fill_q = fill;
  }

  // ---- Next state ----
  DmaState next = r.state_q;
  bool done = false;
  uint32_t err = r.err_q;
  const uint32_t m = in.m_i, n = in.n_i, k = in.k_i;
  const uint64_t kt = (uint64_t(k) + uint64_t(p_.Rows) - 1) / uint64_t(p_.Rows);
  const uint64_t nt = (uint64_t(n) + uint64_t(p_.Cols) - 1) / uint64_t(p_.Cols);
  const bool load_end = ld && emit_ && r.wd_rows_q == 1 && wd_last_;
  switch (r.state_q) {
    case DmaState::kIdle:
      if (in.start_i) {
        next = DmaState::kCheck;
        err = 0;
      }
      break;
    case DmaState::kCheck: {
      const bool zero_dim = m == 0 || n == 0 || k == 0;
      const uint64_t top = uint64_t{1} << iface::kMemAddrWidth;
      const uint64_t xa = extent_end(in.dram_a_i, m, in.ld_a_i, k);
      const uint64_t xb = extent_end(in.dram_b_i, k, in.ld_b_i, n);
      const uint64_t xc = extent_end(in.dram_c_i, m, in.ld_c_i, n);
      const uint64_t xbias = uint64_t(in.dram_bias_i) + uint64_t(n) * 4;
      const uint64_t xm0 = uint64_t(in.dram_m0_i) + uint64_t(n) * 4;
      const uint64_t xshift = uint64_t(in.dram_shift_i) + uint64_t(n);
      const bool bad_spad = uint64_t(in.a_base_i) + uint64_t(m) * kt > uint64_t(p_.AWords) ||
                            uint64_t(in.b_base_i) + nt * uint64_t(k) > uint64_t(p_.BWords) ||
                            uint64_t(in.c_base_i) + uint64_t(m) * nt > uint64_t(p_.CWords) ||
                            uint64_t(in.q_base_i) + nt > uint64_t(p_.QWords);
      const bool bad_mem = xa > top || xb > top || xc > top || xbias > top || xm0 > top ||
                           xshift > top || rows_overlap(m, in.ld_a_i, k) ||
                           rows_overlap(k, in.ld_b_i, n) || rows_overlap(m, in.ld_c_i, n);
      const bool bad_overlap = overlaps(in.dram_c_i, xc, in.dram_a_i, xa) ||
                               overlaps(in.dram_c_i, xc, in.dram_b_i, xb) ||
                               overlaps(in.dram_c_i, xc, in.dram_bias_i, xbias) ||
                               overlaps(in.dram_c_i, xc, in.dram_m0_i, xm0) ||
                               overlaps(in.dram_c_i, xc, in.dram_shift_i, xshift);
      const uint32_t check_err = bad_spad ? 1 : bad_mem ? 2 : bad_overlap ? 3 : 0;
      if (check_err != 0 || zero_dim) {
        next = DmaState::kIdle;
        done = true;
        err = zero_dim ? 0 : check_err;
      } else {
        next = DmaState::kLoadA;
      }
      break;
    }
    case DmaState::kLoadA:
      if (load_end) next = DmaState::kLoadB;
      break;
    case DmaState::kLoadB:
      if (load_end) next = DmaState::kLoadBias;
      break;
    case DmaState::kLoadBias:
      if (load_end) next = DmaState::kLoadM0;
      break;
    case DmaState::kLoadM0:
      if (load_end) next = DmaState::kLoadShift;
      break;
    case DmaState::kLoadShift:
      if (load_end) next = DmaState::kTile;
      break;
    case DmaState::kTile:
      next = DmaState::kCompute;
      break;
    case DmaState::kCompute:
      if (in.tile_done_i) next = DmaState::kStore;
      break;
    case DmaState::kStore:
      if (r.rq_rows_q == 0 && r.wr_out_q == 0) {
        next = DmaState::kIdle;
        done = true;
      }
      break;
  }

  // ---- Walks ----
  const uint32_t pend_n = wd_last_ ? r.x_pad_q : r.x_wb_q;
  r.wr_out_q =
      (r.wr_out_q + uint32_t(st && req_fire) - uint32_t(st && in.mem_rsp_valid_i)) & kOutMask;
  if (req_fire) {
    const bool rq_last = r.rq_row_q + r.x_rb_q - r.rq_beat_q <= mb;
    if (rq_last) {
      r.rq_rows_q = (r.rq_rows_q - 1) & kDimMask;
      r.rq_beat_q = (r.rq_row_q + r.x_ld_q) & beat_mask;
      r.rq_row_q = r.rq_row_q + r.x_ld_q;
    } else {
      r.rq_beat_q += mb;
    }
  }
  if (rsp_take) {
    if (hd_last_) {
      r.rs_rows_q = (r.rs_rows_q - 1) & kDimMask;
      r.rs_beat_q = (r.rs_row_q + r.x_ld_q) & beat_mask;
      r.rs_row_q = r.rs_row_q + r.x_ld_q;
    } else {
      r.rs_beat_q += mb;
    }
  }
  if (emit_ || c_rd) {
    if (wd_last_) {
      r.wd_rows_q = (r.wd_rows_q - 1) & kDimMask;
      r.wd_j_q = 0;
      r.wd_row_q = (r.wd_row_q + r.x_rstride_q) & kAddrMask;
      r.wd_addr_q = r.wd_row_q;
    } else {
      r.wd_j_q = (r.wd_j_q + 1) & kDimMask;
      r.wd_addr_q = (r.wd_addr_q + r.x_cstride_q) & kAddrMask;
    }
  }
  r.pend_q = c_rd;
  r.pend_n_q = pend_n & 0xffu;

  if (next != r.state_q) {
    Xfer x;
    switch (next) {
      case DmaState::kLoadA:
        x = {in.dram_a_i,
             in.ld_a_i,
             k,
             m,
             uint32_t(kt),
             uint32_t(p_.Rows),
             uint32_t(kt * uint64_t(p_.Rows) - k) & 0xffu,
             in.a_base_i,
             kt,
             1};
        break;
      case DmaState::kLoadB:
        x = {in.dram_b_i,
             in.ld_b_i,
             n,
             k,
             uint32_t(nt),
             uint32_t(p_.Cols),
             uint32_t(nt * uint64_t(p_.Cols) - n) & 0xffu,
             in.b_base_i,
             1,
             k};
        break;
      case DmaState::kLoadBias:
      case DmaState::kLoadM0:
        x = {next == DmaState::kLoadBias ? in.dram_bias_i : in.dram_m0_i,
             0,
             uint32_t(uint64_t(n) * 4),
             1,
             uint32_t(nt),
             uint32_t(4 * p_.Cols),
             uint32_t((nt * uint64_t(p_.Cols) - n) * 4) & 0xffu,
             in.q_base_i,
             0,
             1};
        break;
      case DmaState::kLoadShift:
        x = {in.dram_shift_i,
             0,
             n,
             1,
             uint32_t(nt),
             uint32_t(p_.Cols),
             uint32_t(nt * uint64_t(p_.Cols) - n) & 0xffu,
             in.q_base_i,
             0,
             1};
        break;
      case DmaState::kStore:
        x = {in.dram_c_i,
             in.ld_c_i,
             n,
             m,
             uint32_t(nt),
             uint32_t(p_.Cols),
             uint32_t(uint64_t(n) - (nt - 1) * uint64_t(p_.Cols)) & 0xffu,
             in.c_base_i,
             nt,
             1};
        break;
      default:
        break;
    }
    r.x_ld_q = x.ld;
    r.x_rb_q = x.rb;
    r.x_wb_q = x.wb & 0xffu;
    r.x_wpr_q = x.wpr & kDimMask;
    r.x_pad_q = x.pad;
    r.x_rstride_q = x.rstride & kAddrMask;
    r.x_cstride_q = x.cstride & kAddrMask;
    r.rq_rows_q = r.rs_rows_q = r.wd_rows_q = x.rows & kDimMask;
    r.rq_row_q = r.rs_row_q = x.addr;
    r.rq_beat_q = r.rs_beat_q = x.addr & beat_mask;
    r.wd_j_q = 0;
    r.wd_addr_q = r.wd_row_q = x.sbase & kAddrMask;
  }
  r.state_q = next;
  r.done_q = done;
  r.err_q = err;
  update_outputs();
}

}  // namespace systolic::model
