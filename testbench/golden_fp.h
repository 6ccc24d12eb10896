// Golden model for the floating-point ALU (arith/fp.h), written independently of arith/fp.cpp:
// operands are widened exactly to double, the operation is computed exactly as an unevaluated
// sum hi + lo of two doubles, and the result is rounded ONCE to the format by explicit
// round-half-even on the scaled significand (frexp / ldexp / floor), as arithmetic.md section 5
// asks ("exact widening, exact operation, one correct rounding back").
//
// Why each step is exact (p <= 24 significand bits, biased exponents as in any e <= 8 format):
//  * widening: an operand is an integer of at most 24 bits times 2^k with k >= -149 (FP32's
//    smallest subnormal; FP16 2^-24, BF16 2^-133), a double holds it exactly.
//  * product: at most 48 significant bits, magnitude in [2^-298, 2^256]: exact in double (53
//    bits, normal down to 2^-1022). No rounding at all.
//  * sum: a + b (or a*b + c) is NOT always exact in double: BF16 1e38 + 1e-40 spans 260 bits, and
//    even FP16's fma(2^-24, 2^-24, 2^15) = 2^15 + 2^-48 needs 64 bits (so the double result of
//    a*b+c is not exact for FP16 either, and an 80-bit long double would not be for FP16 or BF16).
//    We use Knuth's TwoSum instead: hi = fl(x + y), lo = (x - (hi - t)) + (y - t) with t = hi - x,
//    which is exact (x + y = hi + lo) for any doubles under round-to-nearest without overflow (the
//    magnitudes here stay below 2^257).
//  * rounding hi + lo: |lo| is at most half a double ulp of hi, so lo can only matter when hi lies
//    exactly on a midpoint of the target grid (every midpoint has <= 25 significant bits, so it is
//    a double, and a hi that is not a midpoint is at least one double ulp away from it). There lo
//    breaks the tie: towards lo's side; lo == 0 is a true tie, to even.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace systolic::golden {

struct FpFmt {
  int exp_bits;
  int frac_bits;
};

inline bool fp_is_nan(FpFmt f, uint32_t bits) {
  const uint32_t ones = (1u << f.exp_bits) - 1;
  return ((bits >> f.frac_bits) & ones) == ones && (bits & ((1u << f.frac_bits) - 1)) != 0;
}

// Exact value of a bit pattern.
inline double fp_to_double(FpFmt f, uint32_t bits) {
  const int bias = (1 << (f.exp_bits - 1)) - 1;
  const uint32_t ones = (1u << f.exp_bits) - 1;
  const bool negative = ((bits >> (f.exp_bits + f.frac_bits)) & 1) != 0;
  const uint32_t e = (bits >> f.frac_bits) & ones;
  const uint32_t m = bits & ((1u << f.frac_bits) - 1);
  double v;
  if (e == ones) {
    v = m != 0 ? std::nan("") : HUGE_VAL;
  } else if (e == 0) {
    v = std::ldexp(static_cast<double>(m), 1 - bias - f.frac_bits);
  } else {
    v = std::ldexp(static_cast<double>(m + (1u << f.frac_bits)),
                   static_cast<int>(e) - bias - f.frac_bits);
  }
  return negative ? -v : v;
}

// The format's value nearest to hi + lo (ties to even), |lo| <= half an ulp of hi. NaN gives the
// pattern exponent-all-ones, fraction MSB (any NaN is accepted by the tests).
inline uint32_t fp_round(FpFmt f, double hi, double lo = 0.0) {
  const int fb = f.frac_bits;
  const uint32_t ones = (1u << f.exp_bits) - 1;
  const uint32_t sign = std::signbit(hi) ? 1u << (f.exp_bits + fb) : 0u;
  if (std::isnan(hi)) return (ones << fb) | (1u << (fb - 1));
  if (std::isinf(hi)) return sign | (ones << fb);
  if (hi == 0.0) return sign;  // TwoSum: hi == 0 implies lo == 0, an exact (signed) zero
  const int bias = (1 << (f.exp_bits - 1)) - 1;
  const int emin = 1 - bias;  // exponent of the smallest normal
  const int emax = bias;      // exponent of the largest finite binade
  const double mag = std::fabs(hi);
  int e = 0;
  std::frexp(mag, &e);                            // mag in [2^(e-1), 2^e)
  const int k = std::max(e - 1, emin);            // exponent of the target grid's leading bit
  const double scaled = std::ldexp(mag, fb - k);  // mag / ulp, < 2^(fb+1); exact
  double n = std::floor(scaled);
  const double frac = scaled - n;  // exact
  bool up;
  if (frac > 0.5) {
    up = true;
  } else if (frac < 0.5) {
    up = false;
  } else if (lo != 0.0) {
    up = (lo > 0.0) == (hi > 0.0);  // the exact magnitude lies above the midpoint
  } else {
    up = std::fmod(n, 2.0) != 0.0;  // a true tie: to even
  }
  if (up) n += 1.0;
  int exp = k;
  if (n == std::ldexp(1.0, fb + 1)) {  // rounded up into the next binade
    n /= 2.0;
    ++exp;
  }
  if (exp > emax) return sign | (ones << fb);  // overflow: infinity
  const auto sig = static_cast<uint32_t>(n);
  if (sig < (1u << fb)) return sign | sig;  // subnormal or zero (exp == emin)
  return sign | (static_cast<uint32_t>(exp + bias) << fb) | (sig - (1u << fb));
}

// Knuth's TwoSum: hi + lo == x + y exactly.
inline void two_sum(double x, double y, double& hi, double& lo) {
  hi = x + y;
  const double t = hi - x;
  lo = (x - (hi - t)) + (y - t);
}

inline uint32_t fp_add(FpFmt f, uint32_t a, uint32_t b) {
  const double x = fp_to_double(f, a), y = fp_to_double(f, b);
  double hi = 0, lo = 0;
  two_sum(x, y, hi, lo);
  if (!std::isfinite(hi)) return fp_round(f, hi);  // Inf / NaN operands: IEEE rules of double
  return fp_round(f, hi, lo);
}

inline uint32_t fp_mul(FpFmt f, uint32_t a, uint32_t b) {
  return fp_round(f, fp_to_double(f, a) * fp_to_double(f, b));  // exact product
}

inline uint32_t fp_fma(FpFmt f, uint32_t a, uint32_t b, uint32_t c) {
  const double p = fp_to_double(f, a) * fp_to_double(f, b);  // exact product
  const double z = fp_to_double(f, c);
  double hi = 0, lo = 0;
  two_sum(p, z, hi, lo);
  if (!std::isfinite(hi)) return fp_round(f, hi);
  return fp_round(f, hi, lo);
}

}  // namespace systolic::golden
