// C++ twin of rtl/pe_array.sv: Rows x Cols PEs (WS, OS or both), Rows pe_row twins stacked
// (model/pe_row.h; docs/architecture.md §3).
//
// Activations enter row r at the left edge (already skewed), move one PE right per cycle;
// partial sums start at 0 on the top row and move one PE down per cycle; the bottom row's
// registered psum_o / a_valid_o are the array's outputs. Weights load one row per edge into the
// bank w_bank_i of the rows whose w_load_i is set. Output-stationary (Dataflow 2, or 3 with os_i):
// B enters the top row on b_i and moves down, the sums move up the output chain and psum_o is
// the top row's chain (rtl/pe_array.sv).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "mac_pe.h"
#include "pe_row.h"
#include "systolic_if.h"

namespace systolic::model {

struct PeArrayParams {
  int Rows = 4;         // RTL parameter Rows
  int Cols = 4;         // RTL parameter Cols
  int WeightBanks = 2;  // RTL parameter WeightBanks: 2 (double-buffered) or 1
  int Int4 = 0;         // RTL parameter Int4: 1 dual-mode PEs (int8, w4a8, w4a4)
  int Dataflow = 1;     // RTL parameter Dataflow: 1 WS, 2 OS, 3 both
};

struct PeArrayIn {
  std::vector<uint16_t> a_i;       // [Rows] activation lanes (8 bits, 16 with Int4 = 1)
  std::vector<uint8_t> a_valid_i;  // [Rows]
  std::vector<uint8_t> a_sel_i;    // [Rows]
  std::vector<uint8_t> w_load_i;   // [Rows]
  bool w_bank_i = false;
  uint8_t prec_i = 0;           // PRECISION code (Int4 = 1 only)
  std::vector<int8_t> w_row_i;  // [Cols]
  bool os_i = false;            // output-stationary command (Dataflow = 3 only)
  std::vector<int8_t> b_i;      // [Cols] OS: B into the top row

  explicit PeArrayIn(const PeArrayParams& p)
      : a_i(p.Rows, 0),
        a_valid_i(p.Rows, 0),
        a_sel_i(p.Rows, 0),
        w_load_i(p.Rows, 0),
        w_row_i(p.Cols, 0),
        b_i(p.Cols, 0) {}
};

struct PeArrayOut {
  std::vector<int32_t> psum_o;        // [Cols]
  std::vector<uint8_t> psum_valid_o;  // [Cols]
};

class PeArray {
 public:
  explicit PeArray(PeArrayParams p)
      : p_(p),
        psum_above_(size_t(p.Cols)),
        b_above_(size_t(p.Cols)),
        o_below_(size_t(p.Cols)),
        o_this_(size_t(p.Cols)) {
    iface::check_param("Rows", p.Rows);
    iface::check_param("Cols", p.Cols);
    iface::check_param("WeightBanks", p.WeightBanks);
    iface::check_param("Int4", p.Int4);
    iface::check_param("Dataflow", p.Dataflow);
    rows_.reserve(size_t(p.Rows));
    for (int r = 0; r < p.Rows; ++r) {
      rows_.emplace_back(PeRowParams{p.Cols, p.WeightBanks, p.Int4, p.Dataflow});
    }
    out_.psum_o.assign(p.Cols, 0);
    out_.psum_valid_o.assign(p.Cols, 0);
    os_ = p.Dataflow == 2;
  }

  const PeArrayParams& params() const { return p_; }
  const MacPe& pe(int r, int c) const { return rows_[size_t(r)].pe(c); }

  void reset() {
    for (PeRow& row : rows_) row.reset();
    os_ = p_.Dataflow == 2;
    refresh_outputs();
  }

  // One rising edge. Rows are visited bottom first, so each one still sees the registers of the
  // row above from before the edge; the output chain of the row below is kept from before its
  // edge (o_below_).
  const PeArrayOut& clock(const PeArrayIn& in) {
    os_ = p_.Dataflow == 2 || (p_.Dataflow == 3 && in.os_i);
    for (int r = p_.Rows - 1; r >= 0; --r) {
      const int32_t* above = nullptr;   // the top row's psum_i is 0
      const int8_t* b = in.b_i.data();  // the top row's B is b_i
      if (r > 0) {
        for (int c = 0; c < p_.Cols; ++c) {
          psum_above_[size_t(c)] = pe(r - 1, c).psum_o;
          b_above_[size_t(c)] = pe(r - 1, c).w[0];
        }
        above = psum_above_.data();
        b = b_above_.data();
      }
      for (int c = 0; c < p_.Cols; ++c) o_this_[size_t(c)] = pe(r, c).o_o;
      rows_[size_t(r)].clock_pes(in.a_i[r], in.a_valid_i[r], in.a_sel_i[r], in.prec_i,
                                 in.w_load_i[r], in.w_bank_i, in.w_row_i.data(), above, in.os_i, b,
                                 r + 1 < p_.Rows ? o_below_.data() : nullptr);
      o_below_.swap(o_this_);
    }
    refresh_outputs();
    return out_;
  }

  const PeArrayOut& out() const { return out_; }

 private:
  void refresh_outputs() {
    for (int c = 0; c < p_.Cols; ++c) {
      out_.psum_o[c] = os_ ? pe(0, c).o_o : pe(p_.Rows - 1, c).psum_o;
      out_.psum_valid_o[c] = pe(p_.Rows - 1, c).a_valid_o;
    }
  }

  PeArrayParams p_;
  std::vector<PeRow> rows_;          // rows_[r] is row r (rtl: g_row[r].u_row)
  std::vector<int32_t> psum_above_;  // the row above's partial sums, before the edge
  std::vector<int8_t> b_above_;      // the row above's B (w[0]), before the edge
  std::vector<int32_t> o_below_;     // the output chain of the row below, before its edge
  std::vector<int32_t> o_this_;
  bool os_ = false;  // the last edge's dataflow (psum_o's source)
  PeArrayOut out_;
};

}  // namespace systolic::model
