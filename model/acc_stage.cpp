#include "acc_stage.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

#include "quant.h"

namespace systolic::model {
namespace {

int32_t sext(uint32_t v, int bits) {
  const uint32_t m = uint32_t{1} << (bits - 1);
  v &= (bits >= 32) ? ~uint32_t{0} : ((uint32_t{1} << bits) - 1);
  return static_cast<int32_t>((v ^ m) - m);
}

}  // namespace

AccStage::AccStage(const AccStageParams& p) : p_((p.validate(), p)), out_(p) {
  tags_.resize(size_t(p.Rows + p.Cols - 1));
  acc_.assign(size_t(p.AccWords) * p.Cols, 0);
  cw_.resize(size_t(p.RequantDepth));
  for (CWrite& w : cw_) w.data.assign(size_t(p.Cols), 0);
  reset();
}

void AccStage::reset() {
  // The accumulator buffer is a memory: not reset.
  std::fill(tags_.begin(), tags_.end(), Tag{});
  tag_head_ = 0;
  x_ = Tag{};
  for (CWrite& w : cw_) w.valid = false;
  cw_head_ = 0;
  out_.q_rd_en_o = out_.c_wr_en_o = false;
  out_.q_rd_addr_o = out_.c_wr_addr_o = 0;
  out_.c_wr_lanes_o = 0;
  std::fill(out_.c_wr_data_o.begin(), out_.c_wr_data_o.end(), 0);
  data_shown_ = false;
}

// The outputs are functions of the registers (the inputs are not read).
const AccStageOut& AccStage::eval(const AccStageIn& /*in*/) {
  const Tag& q = tags_[tag_head_];
  out_.q_rd_en_o = q.valid && q.last;
  out_.q_rd_addr_o = out_.q_rd_en_o ? iface::addr_add(uint64_t(q.qbase), q.nt) : 0;
  const CWrite& w = cw_[cw_head_];
  out_.c_wr_en_o = w.valid;
  if (w.valid) {
    out_.c_wr_addr_o = w.caddr;
    out_.c_wr_lanes_o = uint32_t(w.nv);
    std::copy(w.data.begin(), w.data.end(), out_.c_wr_data_o.begin());
    data_shown_ = true;
  } else {
    out_.c_wr_addr_o = 0;
    out_.c_wr_lanes_o = 0;
    if (data_shown_) {
      std::fill(out_.c_wr_data_o.begin(), out_.c_wr_data_o.end(), 0);
      data_shown_ = false;
    }
  }
  return out_;
}

void AccStage::tick(const AccStageIn& in) {
  const int cols = p_.Cols;
  // Accumulate stage (cycle X): into the buffer, or on the last K-tile into the requant units,
  // whose results the C-write delay line shows RequantDepth cycles later.
  CWrite& cw = cw_[cw_head_];  // the oldest entry: replaced at this edge
  cw.valid = false;
  if (x_.valid) {
    int32_t* acc = &acc_[size_t(x_.j) * cols];
    if (!x_.last) {
      if (compute_data_) {
        for (int c = 0; c < cols; ++c) {
          acc[c] = x_.first ? in.psum_i[c] : quant::wrap_add(acc[c], in.psum_i[c]);
        }
      }
    } else {
      cw.valid = true;
      cw.nv = x_.nv;
      cw.caddr = x_.caddr;
      std::fill(cw.data.begin(), cw.data.end(), 0);
      if (compute_data_) {
        quant::OutputStage s;
        s.zp_out = sext(in.zp_out_i, iface::kDataWidth);
        s.act_min = sext(in.act_min_i, iface::kDataWidth);
        s.act_max = sext(in.act_max_i, iface::kDataWidth);
        s.rounding = in.rounding_i ? quant::Rounding::kSingle : quant::Rounding::kDouble;
        for (int c = 0; c < int(x_.nv) && c < cols; ++c) {
          const int32_t sum = x_.first ? in.psum_i[c] : quant::wrap_add(acc[c], in.psum_i[c]);
          s.m0 = in.m0_i[c];
          s.shift = sext(uint32_t(in.shift_i[c]), iface::kShiftWidth);
          if (s.shift < quant::kMinShift || s.shift > quant::kMaxShift) {
            throw std::runtime_error(fmt::format(
                "SHIFT of column lane {} is {}, outside the contract [-31, 30]", c, s.shift));
          }
          cw.data[c] = quant::requantize(sum, in.bias_i[c], s);
        }
      }
    }
  }
  if (++cw_head_ == cw_.size()) cw_head_ = 0;  // (no division: this runs every cycle)

  // The tag pipeline: the oldest tag enters the accumulate stage, this cycle's slot enters.
  Tag& t = tags_[tag_head_];
  // RowApart_A (rtl/acc_stage.sv): the next slot must not read the row this one writes at this
  // edge (the RAM has no forwarding; the schedules keep one row's slots apart).
  if (x_.valid && !x_.last && t.valid && !t.first && t.j == x_.j) {
    throw std::logic_error(fmt::format(
        "acc_stage: accumulator row {} read at the edge the slot before writes it (RowApart_A)",
        t.j));
  }
  x_ = t;
  if (in.s_issue_i) {
    t.valid = true;
    t.first = in.s_first_i;
    t.last = in.s_last_i;
    t.j = in.s_j_i;
    t.qbase = in.q_base_i;
    t.nt = in.s_nt_i;
    t.nv = in.s_nv_i;
    t.caddr = in.s_caddr_i;
  } else {
    t = Tag{};
  }
  if (++tag_head_ == tags_.size()) tag_head_ = 0;
}

}  // namespace systolic::model
