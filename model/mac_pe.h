// C++ twin of rtl/mac_pe.sv: one weight-stationary processing element (docs/architecture.md §2).
//
// Every member is a register of the RTL, named as its output port. One call of clock() is one
// rising edge: the new state is computed from the inputs and the old state only.
#pragma once

#include <array>
#include <cstdint>

#include "systolic_if.h"

namespace systolic::model {

struct MacPeIn {
  // The activation lane's bits: an int8 in bits 7:0 (the lane is 8 bits with Int4 = 0: the
  // upper bits are dropped), with Int4 = 1 a 16-bit lane (w4a8: a byte pair, low byte first).
  uint16_t a_i = 0;
  bool a_valid_i = false;
  bool a_sel_i = false;  // weight bank the activation multiplies with
  uint8_t prec_i = 0;    // PRECISION code (Int4 = 1 only): kPrecInt8, kPrecW4a8, kPrecW4a4
  int32_t psum_i = 0;
  bool w_load_i = false;
  bool w_bank_i = false;
  int8_t w_i = 0;
};

struct MacPe {
  uint16_t a_o = 0;                  // a_o        (registered a_i, at the lane's width)
  bool a_valid_o = false;            // a_valid_o  (registered a_valid_i)
  bool a_sel_o = false;              // a_sel_o    (registered a_sel_i)
  int32_t psum_o = 0;                // psum_o     (psum_i + a_i * w[a_sel_i] when a_valid_i)
  std::array<int8_t, 2> w = {0, 0};  // w_o = {w[1], w[0]}: the two weight banks

  void reset() { *this = MacPe{}; }

  // Bits 4i+3 .. 4i of x (i = 0, 1) as a signed 4-bit number: moved to the top of a byte, then
  // shifted back with its sign.
  static int32_t nibble(int8_t x, int i) {
    return int32_t(int8_t(uint8_t(uint8_t(x) << (4 - 4 * i)))) >> 4;
  }

  // weight_banks: the RTL parameter WeightBanks. With 1, the selects are ignored (bank 0 only)
  // and w[1] stays 0. int4: the RTL parameter Int4; with 0, prec_i is ignored.
  void clock(const MacPeIn& in, int weight_banks = 2, int int4 = 0) {
    const bool sel = weight_banks == 2 && in.a_sel_i;
    const uint16_t lane = int4 == 1 ? in.a_i : uint16_t(in.a_i & 0xFF);
    const auto a0 = int8_t(uint8_t(lane & 0xFF)), a1 = int8_t(uint8_t(lane >> 8));
    int32_t product = 0;
    if (in.a_valid_i) {
      const int32_t w0 = nibble(w[sel], 0), w1 = nibble(w[sel], 1);
      if (int4 == 1 && in.prec_i == iface::kPrecW4a4) {
        product = nibble(a0, 0) * w0 + nibble(a0, 1) * w1;
      } else if (int4 == 1 && in.prec_i == iface::kPrecW4a8) {
        product = int32_t(a0) * w0 + int32_t(a1) * w1;
      } else {
        product = int32_t(a0) * int32_t(w[sel]);
      }
    }
    psum_o =
        static_cast<int32_t>(static_cast<uint32_t>(in.psum_i) + static_cast<uint32_t>(product));
    a_o = lane;
    a_valid_o = in.a_valid_i;
    a_sel_o = in.a_sel_i;
    if (in.w_load_i) w[weight_banks == 2 && in.w_bank_i] = in.w_i;  // the product used the old w
  }
};

}  // namespace systolic::model
