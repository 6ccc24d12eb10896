// C++ twin of rtl/pe_array.sv: Rows x Cols weight-stationary PEs (docs/architecture.md §3).
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
#include "systolic_if.h"

namespace systolic::model {

struct PeArrayParams {
  int Rows = 4;         // RTL parameter Rows
  int Cols = 4;         // RTL parameter Cols
  int WeightBanks = 2;  // RTL parameter WeightBanks: 2 (double-buffered) or 1
};

struct PeArrayIn {
  std::vector<int8_t> a_i;         // [Rows]
  std::vector<uint8_t> a_valid_i;  // [Rows]
  std::vector<uint8_t> a_sel_i;    // [Rows]
  std::vector<uint8_t> w_load_i;   // [Rows]
  bool w_bank_i = false;
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
  explicit PeArray(PeArrayParams p) : p_(p), pe_(size_t(p.Rows) * p.Cols) {
    iface::check_param("Rows", p.Rows);
    iface::check_param("Cols", p.Cols);
    iface::check_param("WeightBanks", p.WeightBanks);
    out_.psum_o.assign(p.Cols, 0);
    out_.psum_valid_o.assign(p.Cols, 0);
  }

  const PeArrayParams& params() const { return p_; }
  const MacPe& pe(int r, int c) const { return pe_[size_t(r) * p_.Cols + c]; }

  void reset() {
    for (MacPe& pe : pe_) pe.reset();
    refresh_outputs();
  }

  // One rising edge. PEs are visited bottom-right first, so each one still sees its left and
  // upper neighbours' registers from before the edge.
  const PeArrayOut& clock(const PeArrayIn& in) {
    for (int r = p_.Rows - 1; r >= 0; --r) {
      for (int c = p_.Cols - 1; c >= 0; --c) {
        MacPeIn pin;
        if (c == 0) {
          pin.a_i = in.a_i[r];
          pin.a_valid_i = in.a_valid_i[r];
          pin.a_sel_i = in.a_sel_i[r];
        } else {
          const MacPe& left = pe(r, c - 1);
          pin.a_i = left.a_o;
          pin.a_valid_i = left.a_valid_o;
          pin.a_sel_i = left.a_sel_o;
        }
        pin.psum_i = r == 0 ? 0 : pe(r - 1, c).psum_o;
        pin.w_load_i = in.w_load_i[r];
        pin.w_bank_i = in.w_bank_i;
        pin.w_i = in.w_row_i[c];
        pe_[size_t(r) * p_.Cols + c].clock(pin, p_.WeightBanks);
      }
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
  std::vector<MacPe> pe_;  // row-major: pe_[r * Cols + c] is PE (r, c)
  PeArrayOut out_;
};

}  // namespace systolic::model
