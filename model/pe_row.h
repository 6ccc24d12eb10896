// C++ twin of rtl/pe_row.sv: one row of Cols PEs (docs/architecture.md §3).
//
// The activation enters PE 0 at the left edge and moves one PE right per cycle; PE c adds its
// product to psum_i[c] (the row above) and registers it as psum_o[c]; valid_o[c] is PE c's
// registered a_valid. a_o / a_valid_o / a_sel_o are what PE Cols-1 passes on at the right edge.
// Output-stationary (Dataflow 2, or 3 with os_i): PE c takes b_i[c] from above and up_i[c] from
// below and drives b_o[c] and o_o[c] (model/mac_pe.h).
#pragma once

#include <cstdint>
#include <vector>

#include "mac_pe.h"
#include "systolic_if.h"

namespace systolic::model {

struct PeRowParams {
  int Cols = 4;         // RTL parameter Cols
  int WeightBanks = 2;  // RTL parameter WeightBanks: 2 (double-buffered) or 1
  int Int4 = 0;         // RTL parameter Int4: 1 dual-mode PEs (int8, w4a8, w4a4)
  int Dataflow = 1;     // RTL parameter Dataflow: 1 WS, 2 OS, 3 both
};

struct PeRowIn {
  uint16_t a_i = 0;  // activation lane (8 bits, 16 with Int4 = 1: see MacPeIn)
  bool a_valid_i = false;
  bool a_sel_i = false;
  uint8_t prec_i = 0;  // PRECISION code (Int4 = 1 only)
  bool w_load_i = false;
  bool w_bank_i = false;
  std::vector<int8_t> w_row_i;  // [Cols]
  std::vector<int32_t> psum_i;  // [Cols]
  bool os_i = false;            // output-stationary command (Dataflow = 3)
  std::vector<int8_t> b_i;      // [Cols] OS: B from above
  std::vector<int32_t> up_i;    // [Cols] OS: the output chain from below

  explicit PeRowIn(const PeRowParams& p)
      : w_row_i(p.Cols, 0), psum_i(p.Cols, 0), b_i(p.Cols, 0), up_i(p.Cols, 0) {}
};

struct PeRowOut {
  std::vector<int32_t> psum_o;   // [Cols]
  std::vector<uint8_t> valid_o;  // [Cols]
  uint16_t a_o = 0;
  bool a_valid_o = false;
  bool a_sel_o = false;
  std::vector<int8_t> b_o;   // [Cols]
  std::vector<int32_t> o_o;  // [Cols]
};

class PeRow {
 public:
  explicit PeRow(PeRowParams p) : p_(p), pe_(size_t(p.Cols)) {
    iface::check_param("Cols", p.Cols);
    iface::check_param("WeightBanks", p.WeightBanks);
    iface::check_param("Int4", p.Int4);
    iface::check_param("Dataflow", p.Dataflow);
    out_.psum_o.assign(p.Cols, 0);
    out_.valid_o.assign(p.Cols, 0);
    out_.b_o.assign(p.Cols, 0);
    out_.o_o.assign(p.Cols, 0);
  }

  const PeRowParams& params() const { return p_; }
  const MacPe& pe(int c) const { return pe_[size_t(c)]; }

  void reset() {
    for (MacPe& pe : pe_) pe.reset();
    refresh_outputs();
  }

  // One rising edge. psum_i[c] is read before the edge (the caller passes the row above's
  // registered outputs). The PEs are visited right to left, so each one still sees its left
  // neighbour's registers from before the edge.
  const PeRowOut& clock(const PeRowIn& in) {
    clock_pes(in.a_i, in.a_valid_i, in.a_sel_i, in.prec_i, in.w_load_i, in.w_bank_i,
              in.w_row_i.data(), in.psum_i.data(), in.os_i, in.b_i.data(), in.up_i.data());
    refresh_outputs();
    return out_;
  }

  // The same edge with the inputs passed apart, and psum_i[c] = 0 when psum_i is null (the top
  // row), up_i[c] = 0 when up_i is null (the bottom row); the row's outputs are not gathered
  // (pe_array reads its rows' PEs directly).
  void clock_pes(uint16_t a_i, bool a_valid_i, bool a_sel_i, uint8_t prec_i, bool w_load_i,
                 bool w_bank_i, const int8_t* w_row_i, const int32_t* psum_i, bool os_i,
                 const int8_t* b_i, const int32_t* up_i) {
    for (int c = p_.Cols - 1; c >= 0; --c) {
      MacPeIn pin;
      if (c == 0) {
        pin.a_i = a_i;
        pin.a_valid_i = a_valid_i;
        pin.a_sel_i = a_sel_i;
      } else {
        const MacPe& left = pe_[size_t(c) - 1];
        pin.a_i = left.a_o;
        pin.a_valid_i = left.a_valid_o;
        pin.a_sel_i = left.a_sel_o;
      }
      pin.psum_i = psum_i ? psum_i[c] : 0;
      pin.w_load_i = w_load_i;
      pin.w_bank_i = w_bank_i;
      pin.w_i = w_row_i[c];
      pin.prec_i = prec_i;
      pin.os_i = os_i;
      pin.b_i = b_i[c];
      pin.up_i = up_i ? up_i[c] : 0;
      pe_[size_t(c)].clock(pin, p_.WeightBanks, p_.Int4, p_.Dataflow);
    }
  }

 private:
  void refresh_outputs() {
    for (int c = 0; c < p_.Cols; ++c) {
      out_.psum_o[c] = pe_[size_t(c)].psum_o;
      out_.valid_o[c] = pe_[size_t(c)].a_valid_o;
      out_.b_o[c] = pe_[size_t(c)].w[0];
      out_.o_o[c] = pe_[size_t(c)].o_o;
    }
    const MacPe& last = pe_.back();
    out_.a_o = last.a_o;
    out_.a_valid_o = last.a_valid_o;
    out_.a_sel_o = last.a_sel_o;
  }

  PeRowParams p_;
  std::vector<MacPe> pe_;  // pe_[c] is PE c
  PeRowOut out_;
};

}  // namespace systolic::model
