// Floating-point ALU model: bit-exact add, multiply and fused multiply-add for FP32 (e8 f23), FP16
// (e5 f10) and BF16 (e8 f7), docs/arithmetic.md section 5.
//
// One implementation, parameterised by the exponent and fraction widths of a Format; no host
// floating-point arithmetic is used. Every operation is composed of the public stage functions
// below, so each stage can be unit-tested and observed (Trace) on its own, and the cycle model can
// map them onto pipeline stages (stage_names).
//
//   add: unpack, exp_compare, align, add, lzc, normalize, round, pack
//   mul: unpack, exp_add, sig_mul, lzc, normalize, round, pack
//   fma: unpack, exp_add, sig_mul, prenormalize, exp_compare, align, add, lzc, normalize, round,
//        pack   (the product is exact; the only rounding is the one `round` stage)
//
// Rounding is IEEE 754 round to nearest, ties to even, with gradual underflow (subnormal inputs
// and outputs); an overflow gives infinity. Signed zeros follow IEEE 754 in round to nearest:
// x + (-x) = +0, (-0) + (-0) = -0, a product's zero has the sign sa ^ sb, and fma(a, b, c) with an
// exact zero result is -0 only when a*b and c are both negative (or -0); a nonzero exact result
// that rounds to zero keeps its sign.
//
// NaN policy: every NaN result is the canonical positive quiet NaN of the format (sign 0, exponent
// all ones, fraction MSB 1, the rest 0): fp32 0x7fc00000, fp16 0x7e00, bf16 0x7fc0. NaN operands,
// quiet or signalling, are not propagated (no payload, no sign). NaN results come from a NaN
// operand, inf - inf, 0 * inf, and fma(0, inf, c) / fma(inf, 0, c) for any c.
//
// Special operands (NaN, Inf) are detected from the unpacked classes beside the datapath (the
// *_special functions); the datapath still runs and pack selects the special result.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace systolic::fp {

// ---------------------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------------------

// A binary interchange format: 1 sign bit, exp_bits exponent bits, frac_bits fraction bits, stored
// in the low 1 + exp_bits + frac_bits bits of a uint32_t. Supported: exp_bits in [2, 8],
// frac_bits in [1, 23] (the operations throw std::invalid_argument otherwise).
struct Format {
  int exp_bits;
  int frac_bits;
  const char* name;
};

inline constexpr Format kFp32{8, 23, "fp32"};
inline constexpr Format kFp16{5, 10, "fp16"};
inline constexpr Format kBf16{8, 7, "bf16"};

// "fp32" | "fp16" | "bf16"; throws std::invalid_argument otherwise.
Format parse_format(const std::string& s);
// Throws std::invalid_argument unless the widths are supported (see Format).
void validate(const Format& f);

inline constexpr int width(const Format& f) { return 1 + f.exp_bits + f.frac_bits; }
inline constexpr int precision(const Format& f) { return f.frac_bits + 1; }  // p, hidden bit too
inline constexpr int bias(const Format& f) { return (1 << (f.exp_bits - 1)) - 1; }
// Largest biased exponent of a finite number (2^E - 2); 2^E - 1 encodes Inf and NaN.
inline constexpr int max_exp(const Format& f) { return (1 << f.exp_bits) - 2; }
inline constexpr uint32_t bit_mask(const Format& f) {
  return width(f) >= 32 ? 0xffffffffu : (uint32_t{1} << width(f)) - 1;
}
inline constexpr uint32_t inf_bits(const Format& f, bool negative = false) {
  return (negative ? uint32_t{1} << (f.exp_bits + f.frac_bits) : 0u) |
         (((uint32_t{1} << f.exp_bits) - 1) << f.frac_bits);
}
// The one NaN every operation returns (see NaN policy above).
inline constexpr uint32_t quiet_nan(const Format& f) {
  return inf_bits(f) | (uint32_t{1} << (f.frac_bits - 1));
}
bool is_nan(const Format& f, uint32_t bits);

// ---------------------------------------------------------------------------------------------
// Stage 1: unpack
// ---------------------------------------------------------------------------------------------

enum class Class { kZero, kSubnormal, kNormal, kInf, kNan };
const char* to_string(Class c);

struct Unpacked {
  bool sign = false;
  uint32_t exp_field = 0;  // biased exponent as stored: 0 for zero/subnormal, 2^E - 1 for Inf/NaN
  int exp = 0;             // biased exponent used by the datapath: exp_field, or 1 if it is 0
  uint32_t sig = 0;        // significand with the hidden bit (F + 1 bits): value = sig * 2^(exp -
                           // bias - F); hidden bit 0 for zero and subnormals
  Class cls = Class::kZero;
};
// Bits above width(f) are ignored.
Unpacked unpack(const Format& f, uint32_t bits);
std::string to_string(const Unpacked& u);

// ---------------------------------------------------------------------------------------------
// The datapath word between the stages
// ---------------------------------------------------------------------------------------------

// A signed significand of w bits with carry and guard/round/sticky bits, in a (w + 4)-bit field:
//   bit w+3      carry (an add or a product >= 2)
//   bits w+2..3  the w significand bits; normalized: leading one at bit w+2
//   bit 2        guard, bit 1 round, bit 0 sticky (OR of every bit shifted out below bit 1)
// value = (-1)^sign * sig * 2^(exp - bias - (w + 2)): exp is the biased exponent of bit w+2. It
// may lie outside [1, max_exp] before the normalize stage (an exact product, a prenormalized
// operand). w is p for add, 2p - 1 for a product, 2p on the FMA add path (w <= 48: 52-bit field).
struct Wide {
  bool sign = false;
  int exp = 0;
  uint64_t sig = 0;
  int w = 0;
};
std::string to_string(const Wide& x);  // e.g. "+ exp=127 sig=0x800000 G=1 R=0 S=1 (w=24)"

// Places an unpacked p-bit significand at the top of w >= p significand bits (no carry, GRS 0).
Wide to_wide(const Format& f, const Unpacked& u, int w);

// ---------------------------------------------------------------------------------------------
// Add path stages
// ---------------------------------------------------------------------------------------------

struct Compared {
  Wide big;              // the operand of larger magnitude (a zero is always the smaller)
  Wide small;            // the other one
  int diff = 0;          // big.exp - small.exp: the alignment shift (0 when small is zero)
  bool swapped = false;  // big is the second operand
};
// Exponent compare and swap: orders by (exp, sig). Both operands must have the same w, and the one
// with the larger exponent must be normalized (true for unpacked and prenormalized operands).
Compared exp_compare(const Wide& a, const Wide& b);

// Shifts x right by shift >= 0 places (exp += shift), ORing every bit that leaves bit 0 into the
// sticky bit, so guard and round stay exact. Used to align the smaller operand and by normalize.
Wide align(const Wide& x, int shift);

// Adds (same signs) or subtracts (small from big) the aligned significands; big.exp == small.exp.
// The sign is big's; an exact zero is -0 only when both operands are negative.
Wide add_significands(const Wide& big, const Wide& small);

// Leading zeros of the (w + 4)-bit field, carry bit included: 0 = carry out, 1 = normalized,
// w + 4 = zero.
int leading_zeros(const Wide& x);

// Normalize: shifts the leading one to bit w+2 given its leading-zero count: right by one on a
// carry, left by lzc - 1 after a cancellation or for subnormal inputs, but never below biased
// exponent 1 (the result is then subnormal), and right, with sticky, when exp < 1 (underflow to a
// subnormal or to zero). A zero gets exp 1. Output: exp >= 1 and no carry.
Wide normalize(const Format& f, const Wide& x, int lzc);

struct Rounded {
  bool sign = false;
  int exp = 1;            // biased exponent, 1 for subnormals and zero
  uint32_t sig = 0;       // p bits with the hidden bit; below 2^F: a subnormal or zero
  bool inexact = false;   // bits were discarded
  bool overflow = false;  // the rounded magnitude exceeds the largest finite number: infinity
};
// Round to nearest, ties to even, from a normalize output to p bits; a carry out of the rounding
// increment renormalizes (exp + 1); exp > max_exp is an overflow to infinity. A subnormal that
// rounds up to 2^F becomes the smallest normal.
Rounded round_nearest_even(const Format& f, const Wide& x);
std::string to_string(const Rounded& r);

// The special-operand logic beside the datapath. When active, pack emits quiet_nan(f) (nan) or an
// infinity of the given sign and ignores the datapath result.
struct Special {
  bool active = false;
  bool nan = false;
  bool sign = false;
};
Special add_special(const Unpacked& a, const Unpacked& b);
Special mul_special(const Unpacked& a, const Unpacked& b);
Special fma_special(const Unpacked& a, const Unpacked& b, const Unpacked& c);

// Pack sign, exponent and fraction into the format's bit pattern.
uint32_t pack(const Format& f, const Rounded& r, const Special& s = {});

// ---------------------------------------------------------------------------------------------
// Multiply stages
// ---------------------------------------------------------------------------------------------

// Adds the biased exponents and subtracts the bias: the biased exponent of the product's bit 2p-2.
int exp_add(const Format& f, const Unpacked& a, const Unpacked& b);
// The exact 2p-bit product of the significands, as a Wide of w = 2p - 1 (its top bit on the carry
// position), sign sa ^ sb, exponent exp.
Wide sig_mul(const Format& f, const Unpacked& a, const Unpacked& b, int exp);

// FMA: widens x to w >= x.w significand bits and shifts its leading one to bit w+2 with an
// unbounded exponent. Exact (no bit is lost); a zero is left as it is.
Wide prenormalize(const Wide& x, int w);

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

enum class Op { kAdd, kMul, kFma };
const char* to_string(Op op);
Op parse_op(const std::string& s);  // "add" | "mul" | "fma"; throws std::invalid_argument
int operand_count(Op op);           // 2 or 3

// The stages of each operation in datapath order (see the top of this file).
const std::vector<std::string>& stage_names(Op op);

// One entry per stage, in the order of stage_names, each with a short description of the stage's
// output. An operation clears the trace before it records.
struct Trace {
  std::vector<std::pair<std::string, std::string>> stages;
};

// a + b, a * b and a * b + c (one rounding). Operands and result are bit patterns in the low
// width(f) bits (higher bits ignored). Throws std::invalid_argument for an unsupported format.
uint32_t add(const Format& f, uint32_t a, uint32_t b, Trace* trace = nullptr);
uint32_t mul(const Format& f, uint32_t a, uint32_t b, Trace* trace = nullptr);
uint32_t fma(const Format& f, uint32_t a, uint32_t b, uint32_t c, Trace* trace = nullptr);
// Dispatch on op; c is ignored for add and mul.
uint32_t apply(Op op, const Format& f, uint32_t a, uint32_t b, uint32_t c = 0,
               Trace* trace = nullptr);

}  // namespace systolic::fp
