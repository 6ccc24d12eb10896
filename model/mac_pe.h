// C++ twin of rtl/mac_pe.sv: one processing element, weight-stationary, output-stationary or both
// (docs/architecture.md §2).
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
  bool os_i = false;  // output-stationary command (Dataflow = 3 only)
  int8_t b_i = 0;     // OS: B from above
  int32_t up_i = 0;   // OS: the output chain from below
};

struct MacPe {
  uint16_t a_o = 0;                  // a_o        (registered a_i, at the lane's width)
  bool a_valid_o = false;            // a_valid_o  (registered a_valid_i)
  bool a_sel_o = false;              // a_sel_o    (registered a_sel_i)
  int32_t psum_o = 0;                // psum_o     (psum_i + a_i * w[a_sel_i] when a_valid_i)
  std::array<int8_t, 2> w = {0, 0};  // w_o = {w[1], w[0]}: the two weight banks (b_o = w[0])
  int32_t o_o = 0;                   // o_o        (OS output chain; 0 with Dataflow = 1)

  void reset() { *this = MacPe{}; }

  // Bits 4i+3 .. 4i of x (i = 0, 1) as a signed 4-bit number: moved to the top of a byte, then
  // shifted back with its sign.
  static int32_t nibble(int8_t x, int i) {
    return int32_t(int8_t(uint8_t(uint8_t(x) << (4 - 4 * i)))) >> 4;
  }

  // The PE's product of one activation lane and one weight (or B) byte, as the RTL's multipliers
  // make it (int4: the RTL parameter Int4; prec: the PRECISION code).
  static int32_t product(uint16_t lane, int8_t w, int int4, uint8_t prec) {
    const auto a0 = int8_t(uint8_t(lane & 0xFF)), a1 = int8_t(uint8_t(lane >> 8));
    const int32_t w0 = nibble(w, 0), w1 = nibble(w, 1);
    if (int4 == 1 && prec == iface::kPrecW4a4) return nibble(a0, 0) * w0 + nibble(a0, 1) * w1;
    if (int4 == 1 && prec == iface::kPrecW4a8) return int32_t(a0) * w0 + int32_t(a1) * w1;
    return int32_t(a0) * int32_t(w);
  }

  // weight_banks: the RTL parameter WeightBanks. With 1, the selects are ignored (bank 0 only)
  // and w[1] stays 0. int4: the RTL parameter Int4; with 0, prec_i is ignored. dataflow: the RTL
  // parameter Dataflow (1 WS, 2 OS, 3 both: os_i chooses).
  void clock(const MacPeIn& in, int weight_banks = 2, int int4 = 0, int dataflow = 1) {
    const bool os = dataflow == 2 || (dataflow == 3 && in.os_i);
    const bool sel = weight_banks == 2 && in.a_sel_i;
    const int8_t w_use = os ? in.b_i : w[sel];
    const uint16_t lane = int4 == 1 ? in.a_i : uint16_t(in.a_i & 0xFF);
    const int32_t prod = in.a_valid_i ? product(lane, w_use, int4, in.prec_i) : 0;
    // OS: the PE's own sum (0 when the activation starts the next one); WS: the sum from above.
    const int32_t add_in = !os ? in.psum_i : in.a_sel_i ? 0 : psum_o;
    if (dataflow >= 2) o_o = in.a_sel_i ? psum_o : in.up_i;  // before psum_o changes
    psum_o = static_cast<int32_t>(static_cast<uint32_t>(add_in) + static_cast<uint32_t>(prod));
    a_o = lane;
    a_valid_o = in.a_valid_i;
    a_sel_o = in.a_sel_i;
    if (os) {
      w[0] = in.b_i;  // B passed down
    } else if (in.w_load_i) {
      w[weight_banks == 2 && in.w_bank_i] = in.w_i;  // the product used the old w
    }
  }
};

}  // namespace systolic::model
