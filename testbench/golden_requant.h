// Golden model for requantization, written independently of arith/quant.cpp: exact 128-bit
// integer arithmetic with explicit floor division and explicit ties-away-from-zero rounding,
// straight from the formulas of docs/arithmetic.md section 4.
#pragma once

#include <cstdint>

namespace systolic::golden {

using i128 = __int128;

// floor(n / d) for d > 0, by the definition (no shifts).
inline i128 floor_div(i128 n, i128 d) {
  i128 q = n / d;
  if ((n % d != 0) && (n < 0)) --q;
  return q;
}

inline i128 pow2(int e) { return i128{1} << e; }

// Two's complement wrap of an exact integer into int32.
inline int32_t wrap32(i128 v) {
  i128 m = v % pow2(32);
  if (m < 0) m += pow2(32);
  if (m >= pow2(31)) m -= pow2(32);
  return static_cast<int32_t>(m);
}

// y = MBQM(a, m0, shift) exactly as the spec states. `single` selects single rounding.
inline i128 mbqm(int32_t a, int32_t m0, int shift, bool single) {
  if (single) {
    const int t = 31 - shift;
    return floor_div(i128{a} * m0 + pow2(t - 1), pow2(t));
  }
  const int left = shift > 0 ? shift : 0;
  const int right = shift < 0 ? -shift : 0;
  const int32_t x = wrap32(i128{a} * pow2(left));
  i128 h = floor_div(i128{x} * m0 + pow2(30), pow2(31));
  if (h > INT32_MAX) h = INT32_MAX;  // only x = m0 = INT32_MIN gets here
  if (right == 0) return h;
  // Round |h| / 2^R half up, then restore the sign: ties away from zero.
  const i128 mag = h < 0 ? -h : h;
  const i128 q = floor_div(mag + pow2(right - 1), pow2(right));
  return h < 0 ? -q : q;
}

inline int32_t requantize(int32_t acc, int32_t bias, int32_t m0, int shift, int32_t zp,
                          int32_t act_min, int32_t act_max, bool single) {
  const int32_t a = wrap32(i128{acc} + bias);
  i128 v = mbqm(a, m0, shift, single) + zp;
  if (v < act_min) v = act_min;
  if (v > act_max) v = act_max;
  return static_cast<int32_t>(v);
}

}  // namespace systolic::golden
