// C++ twin of rtl/pe_array.sv: Rows x Cols weight-stationary PEs, Rows pe_row twins stacked
// (model/pe_row.h; docs/architecture.md §3).
//
// Activations enter row r at the left edge (already skewed), move one PE right per cycle;
// partial sums start at 0 on the top row and move one PE down per cycle; the bottom row's
// registered psum_o / a_valid_o are the array's outputs. Weights load one row per edge into the
// bank w_bank_i of the rows whose w_load_i is set.
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
};

struct PeArrayIn {
  std::vector<uint16_t> a_i;       // [Rows] activation lanes (8 bits, 16 with Int4 = 1)
  std::vector<uint8_t> a_valid_i;  // [Rows]
  std::vector<uint8_t> a_sel_i;    // [Rows]
  std::vector<uint8_t> w_load_i;   // [Rows]
  bool w_bank_i = false;
  uint8_t prec_i = 0;           // PRECISION code (Int4 = 1 only)
  std::vector<int8_t> w_row_i;  // [Cols]

  explicit PeArrayIn(const PeArrayParams& p)
      : a_i(p.Rows, 0),
        a_valid_i(p.Rows, 0),
        a_sel_i(p.Rows, 0),
        w_load_i(p.Rows, 0),
        w_row_i(p.Cols, 0) {}
};

struct PeArrayOut {
  std::vector<int32_t> psum_o;        // [Cols]
  std::vector<uint8_t> psum_valid_o;  // [Cols]
};

class PeArray {
 public:
  explicit PeArray(PeArrayParams p) : p_(p), psum_above_(size_t(p.Cols)) {
    iface::check_param("Rows", p.Rows);
    iface::check_param("Cols", p.Cols);
    iface::check_param("WeightBanks", p.WeightBanks);
    iface::check_param("Int4", p.Int4);
    rows_.reserve(size_t(p.Rows));
    for (int r = 0; r < p.Rows; ++r) {
      rows_.emplace_back(PeRowParams{p.Cols, p.WeightBanks, p.Int4});
    }
    out_.psum_o.assign(p.Cols, 0);
    out_.psum_valid_o.assign(p.Cols, 0);
  }

  const PeArrayParams& params() const { return p_; }
  const MacPe& pe(int r, int c) const { return rows_[size_t(r)].pe(c); }

  void reset() {
    for (PeRow& row : rows_) row.reset();
    refresh_outputs();
  }

  // One rising edge. Rows are visited bottom first, so each one still sees the registers of the
  // row above from before the edge.
  const PeArrayOut& clock(const PeArrayIn& in) {
    for (int r = p_.Rows - 1; r >= 0; --r) {
      const int32_t* above = nullptr;  // the top row's psum_i is 0
      if (r > 0) {
        for (int c = 0; c < p_.Cols; ++c) psum_above_[size_t(c)] = pe(r - 1, c).psum_o;
        above = psum_above_.data();
      }
      rows_[size_t(r)].clock_pes(in.a_i[r], in.a_valid_i[r], in.a_sel_i[r], in.prec_i,
                                 in.w_load_i[r], in.w_bank_i, in.w_row_i.data(), above);
    }
    refresh_outputs();
    return out_;
  }

  const PeArrayOut& out() const { return out_; }

 private:
  void refresh_outputs() {
    for (int c = 0; c < p_.Cols; ++c) {
      out_.psum_o[c] = pe(p_.Rows - 1, c).psum_o;
      out_.psum_valid_o[c] = pe(p_.Rows - 1, c).a_valid_o;
    }
  }

  PeArrayParams p_;
  std::vector<PeRow> rows_;          // rows_[r] is row r (rtl: g_row[r].u_row)
  std::vector<int32_t> psum_above_;  // the row above's partial sums, before the edge
  PeArrayOut out_;
};

}  // namespace systolic::model
