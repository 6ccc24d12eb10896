// Tests of the floating-point ALU model (arith/fp.h) against docs/arithmetic.md section
// 5: every stage on its own, the trace, then bit-exact results against the host (FP32: float + and
// *, std::fmaf) and against the independent golden model (golden_fp.h: exact widening to double,
// exact operation, one correct rounding) for FP16 and BF16. Random cases (1,000,000 per operation
// and format), every special value combined with every other (and, for FP16 / BF16, with every bit
// pattern), and directed corner cases.
//
// Built with -ffp-contract=off (testbench/CMakeLists.txt) and never with -ffast-math: the host
// reference must be plain IEEE single precision (x86-64 SSE, no excess precision, no FMA
// contraction, subnormals not flushed).
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "fp.h"
#include "golden_fp.h"
#include "test_seed.h"

namespace fp = systolic::fp;
namespace g = systolic::golden;
using fp::Op;

namespace {

constexpr int kRandomCases = 1000000;  // per operation and format

g::FpFmt gf(const fp::Format& f) { return {f.exp_bits, f.frac_bits}; }

float as_float(uint32_t bits) {
  float v;
  std::memcpy(&v, &bits, sizeof v);
  return v;
}

uint32_t bits_of(float v) {
  uint32_t bits;
  std::memcpy(&bits, &v, sizeof bits);
  return bits;
}

// The host's IEEE single-precision result.
uint32_t host32(Op op, uint32_t a, uint32_t b, uint32_t c) {
  switch (op) {
    case Op::kAdd:
      return bits_of(as_float(a) + as_float(b));
    case Op::kMul:
      return bits_of(as_float(a) * as_float(b));
    case Op::kFma:
      return bits_of(std::fmaf(as_float(a), as_float(b), as_float(c)));
  }
  return 0;
}

uint32_t golden(Op op, const fp::Format& f, uint32_t a, uint32_t b, uint32_t c) {
  switch (op) {
    case Op::kAdd:
      return g::fp_add(gf(f), a, b);
    case Op::kMul:
      return g::fp_mul(gf(f), a, b);
    case Op::kFma:
      return g::fp_fma(gf(f), a, b, c);
  }
  return 0;
}

// The reference: the host for FP32, the golden model for FP16 and BF16.
uint32_t reference(Op op, const fp::Format& f, uint32_t a, uint32_t b, uint32_t c) {
  return f.exp_bits == 8 && f.frac_bits == 23 ? host32(op, a, b, c) : golden(op, f, a, b, c);
}

// A reference NaN accepts the model's NaN (our policy: exactly quiet_nan); anything else must
// match bit for bit.
bool agrees(const fp::Format& f, uint32_t model, uint32_t want) {
  return g::fp_is_nan(gf(f), want) ? model == fp::quiet_nan(f) : model == want;
}

std::string hex(const fp::Format& f, uint32_t v) {
  return fmt::format("{:0{}x}", v, (fp::width(f) + 3) / 4);
}

std::string describe(Op op, const fp::Format& f, uint32_t a, uint32_t b, uint32_t c, uint32_t model,
                     uint32_t want) {
  std::string operands = hex(f, a) + " " + hex(f, b);
  if (op == Op::kFma) operands += " " + hex(f, c);
  return fmt::format("{} {} {}: model {} reference {}", f.name, fp::to_string(op), operands,
                     hex(f, model), hex(f, want));
}

// Counts disagreements between the model and the reference, reporting the first few.
class Checker {
 public:
  Checker(Op op, const fp::Format& f) : op_(op), f_(f) {}
  void check(uint32_t a, uint32_t b, uint32_t c = 0) {
    ++count_;
    const uint32_t model = fp::apply(op_, f_, a, b, c);
    const uint32_t want = reference(op_, f_, a, b, c);
    if (agrees(f_, model, want)) return;
    if (++failures_ <= 8) FAIL_CHECK(describe(op_, f_, a, b, c, model, want));
  }
  long count() const { return count_; }
  long failures() const { return failures_; }

 private:
  Op op_;
  fp::Format f_;
  long count_ = 0;
  long failures_ = 0;
};

// Random operands that make cancellation, ties, sticky bits, subnormals, overflow and underflow
// common, besides uniform bit patterns.
class Operands {
 public:
  Operands(const fp::Format& f, uint64_t seed) : f_(f), rng_(seed) {}

  uint32_t uniform() { return static_cast<uint32_t>(rng_()) & fp::bit_mask(f_); }
  int range(int lo, int hi) {  // uniform in [lo, hi]
    return lo + static_cast<int>(rng_() % static_cast<uint64_t>(hi - lo + 1));
  }
  bool coin() { return (rng_() & 1) != 0; }

  // A fraction: uniform, few bits set (exact ties and short sums), or runs of ones.
  uint32_t frac() {
    const uint32_t mask = (1u << f_.frac_bits) - 1;
    switch (rng_() % 4) {
      case 0:
      case 1:
        return static_cast<uint32_t>(rng_()) & mask;
      case 2: {
        uint32_t v = 0;
        for (int i = range(0, 3); i > 0; --i) v |= 1u << range(0, f_.frac_bits - 1);
        return v;
      }
      default: {
        const int lo = range(0, f_.frac_bits - 1);
        const uint32_t ones = mask >> lo << lo;  // ones from bit lo up
        return coin() ? ones : ones ^ (1u << lo);
      }
    }
  }
  uint32_t make(bool sign, int exp_field, uint32_t frac) const {
    const int top = (1 << f_.exp_bits) - 2;
    const auto e = static_cast<uint32_t>(std::clamp(exp_field, 0, top));
    return (sign ? 1u << (f_.exp_bits + f_.frac_bits) : 0u) | (e << f_.frac_bits) | frac;
  }
  int exp_of(uint32_t x) const {
    return static_cast<int>((x >> f_.frac_bits) & ((1u << f_.exp_bits) - 1));
  }
  uint32_t finite() { return make(coin(), range(0, fp::max_exp(f_)), frac()); }
  uint32_t tiny() { return make(coin(), range(0, 2), frac()); }
  uint32_t huge() { return make(coin(), range(fp::max_exp(f_) - 2, fp::max_exp(f_)), frac()); }
  // Exponent within `spread` of x's, random sign and fraction.
  uint32_t near(uint32_t x, int spread) {
    return make(coin(), exp_of(x) + range(-spread, spread), frac());
  }
  // -x moved by a few ulps (massive cancellation against x); stays finite.
  uint32_t negated_neighbour(uint32_t x, int ulps) {
    const uint32_t sign = 1u << (f_.exp_bits + f_.frac_bits);
    const int64_t max_finite = fp::inf_bits(f_) - 1;
    const int64_t mag =
        std::clamp<int64_t>(int64_t{x & (sign - 1)} + range(-ulps, ulps), 0, max_finite);
    return (x & sign ? 0u : sign) | static_cast<uint32_t>(mag);
  }

  void pair(uint32_t& a, uint32_t& b) {
    const int p = fp::precision(f_);
    switch (rng_() % 10) {
      case 0:
        a = uniform();
        b = uniform();
        break;
      case 1:  // moderate exponents: sums and products in range
        a = make(coin(), fp::bias(f_) + range(-fp::bias(f_) / 2, fp::bias(f_) / 2), frac());
        b = make(coin(), fp::bias(f_) + range(-fp::bias(f_) / 2, fp::bias(f_) / 2), frac());
        break;
      case 2:
      case 3:
        a = finite();
        b = near(a, 2);
        break;
      case 4:
        a = finite();
        b = negated_neighbour(a, 4);
        break;
      case 5:
        a = finite();
        b = near(a, p + 3);
        break;
      case 6:
        a = tiny();
        b = coin() ? tiny() : finite();
        break;
      case 7:
        a = huge();
        b = coin() ? huge() : near(fp::inf_bits(f_) - 1, fp::bias(f_) / 2);
        break;
      case 8:  // exponent difference around p: ties and sticky bits in the add path
        a = finite();
        b = make(coin(), exp_of(a) - p + range(-2, 2), frac());
        break;
      default:  // products near the subnormal boundary
        a = finite();
        b = make(coin(), fp::bias(f_) - exp_of(a) + range(-p - 2, 2), frac());
        break;
    }
    if (coin()) std::swap(a, b);
  }

  void triple(uint32_t& a, uint32_t& b, uint32_t& c) {
    pair(a, b);
    const uint32_t prod = g::fp_mul(gf(f_), a, b);  // the rounded product, for cancellation
    const int p = fp::precision(f_);
    switch (rng_() % 7) {
      case 0:
      case 1:
        c = uniform();
        break;
      case 2:
        c = negated_neighbour(prod, 3);
        break;
      case 3:
        c = near(prod, p + 3);
        break;
      case 4:
        c = tiny();
        break;
      case 5:
        c = near(a, 2);
        break;
      default:  // a product around half an ulp of c: ties decided by the product's low bits
        c = finite();
        a = make(coin(), exp_of(c) - p + range(-2, 1), frac());
        b = make(coin(), fp::bias(f_) + range(-1, 1), frac());
        break;
    }
  }

 private:
  fp::Format f_;
  std::mt19937_64 rng_;
};

void random_cases(Op op, const fp::Format& f, uint64_t salt) {
  const std::string name = fmt::format("test_fp random {} {}", f.name, fp::to_string(op));
  const uint64_t seed = systolic::test::test_seed(name.c_str());
  Operands gen(f, seed * 0x9e3779b97f4a7c15ull + salt);
  Checker chk(op, f);
  uint32_t a = 0, b = 0, c = 0;
  for (int i = 0; i < kRandomCases; ++i) {
    if (op == Op::kFma) {
      gen.triple(a, b, c);
    } else {
      gen.pair(a, b);
    }
    chk.check(a, b, c);
  }
  INFO(name << ": " << chk.failures() << " of " << chk.count() << " differ");
  CHECK(chk.failures() == 0);
  CHECK(chk.count() == kRandomCases);
}

// ±0, ±min/max subnormal, ±min/max normal, ±1, ±inf, and NaNs (quiet, signalling, negative).
std::vector<uint32_t> special_values(const fp::Format& f) {
  const uint32_t frac_mask = (1u << f.frac_bits) - 1;
  const uint32_t sign = 1u << (f.exp_bits + f.frac_bits);
  const uint32_t inf = fp::inf_bits(f);
  const std::vector<uint32_t> magnitudes = {
      0,   1, frac_mask, frac_mask + 1, inf - 1, static_cast<uint32_t>(fp::bias(f)) << f.frac_bits,
      inf,
  };
  std::vector<uint32_t> out;
  for (const uint32_t m : magnitudes) {
    out.push_back(m);
    out.push_back(m | sign);
  }
  out.push_back(inf | (1u << (f.frac_bits - 1)));              // quiet NaN
  out.push_back(inf | 1u);                                     // signalling NaN
  out.push_back(sign | inf | (1u << (f.frac_bits - 1)) | 1u);  // negative NaN with a payload
  return out;
}

const fp::Format kFormats[] = {fp::kFp32, fp::kFp16, fp::kBf16};

}  // namespace

// ---------------------------------------------------------------------------------------------
// Formats and stages on their own
// ---------------------------------------------------------------------------------------------

TEST_CASE("formats: parse and derived constants", "[fp][stage]") {
  CHECK(fp::parse_format("fp32").frac_bits == 23);
  CHECK(fp::parse_format("fp16").exp_bits == 5);
  CHECK(fp::parse_format("bf16").frac_bits == 7);
  CHECK_THROWS_AS(fp::parse_format("fp64"), std::invalid_argument);
  CHECK_THROWS_AS(fp::parse_format("FP32"), std::invalid_argument);
  CHECK_THROWS_AS(fp::parse_op("div"), std::invalid_argument);
  CHECK(fp::parse_op("fma") == Op::kFma);
  CHECK(fp::bias(fp::kFp32) == 127);
  CHECK(fp::bias(fp::kFp16) == 15);
  CHECK(fp::max_exp(fp::kBf16) == 254);
  CHECK(fp::quiet_nan(fp::kFp32) == 0x7fc00000u);
  CHECK(fp::quiet_nan(fp::kFp16) == 0x7e00u);
  CHECK(fp::quiet_nan(fp::kBf16) == 0x7fc0u);
  CHECK(fp::bit_mask(fp::kFp32) == 0xffffffffu);
  CHECK(fp::bit_mask(fp::kFp16) == 0xffffu);
  CHECK_THROWS_AS(fp::add(fp::Format{9, 23, "e9"}, 0, 0), std::invalid_argument);
  CHECK_THROWS_AS(fp::mul(fp::Format{8, 24, "f24"}, 0, 0), std::invalid_argument);
}

TEST_CASE("stage unpack: fields, hidden bit and class", "[fp][stage]") {
  fp::Unpacked u = fp::unpack(fp::kFp32, 0x3f800000);  // 1.0
  CHECK((!u.sign && u.exp_field == 127 && u.exp == 127 && u.sig == 0x800000));
  CHECK(u.cls == fp::Class::kNormal);
  u = fp::unpack(fp::kFp32, 0x80000001);  // -min subnormal: exponent 1, no hidden bit
  CHECK((u.sign && u.exp_field == 0 && u.exp == 1 && u.sig == 1));
  CHECK(u.cls == fp::Class::kSubnormal);
  CHECK(fp::unpack(fp::kFp16, 0x8000).cls == fp::Class::kZero);
  CHECK(fp::unpack(fp::kFp16, 0x7c00).cls == fp::Class::kInf);
  CHECK(fp::unpack(fp::kFp16, 0x7c01).cls == fp::Class::kNan);
  u = fp::unpack(fp::kBf16, 0xc0c0);  // -6 = -1.5 * 2^2
  CHECK((u.sign && u.exp == 129 && u.sig == 0xc0));
  CHECK(fp::to_string(u) == "- exp=129 sig=0xc0 normal");
}

TEST_CASE("stages exp_compare and align: swap, guard, round and sticky", "[fp][stage]") {
  const fp::Format f = fp::kFp32;
  const fp::Wide one = fp::to_wide(f, fp::unpack(f, 0x3f800000), 24);
  CHECK(one.sig == (uint64_t{0x800000} << 3));
  const fp::Wide quarter = fp::to_wide(f, fp::unpack(f, 0x3e800000), 24);  // 0.25
  fp::Compared c = fp::exp_compare(quarter, one);
  CHECK(c.swapped);
  CHECK(c.diff == 2);
  CHECK(c.big.exp == 127);
  // Same exponent: the larger significand is the big one.
  c = fp::exp_compare(one, fp::to_wide(f, fp::unpack(f, 0xbf800001), 24));
  CHECK((c.swapped && c.big.sign && c.diff == 0));
  // A zero is always the small operand, whatever its exponent.
  fp::Wide zero = one;
  zero.sig = 0;
  zero.exp = 500;
  c = fp::exp_compare(zero, quarter);
  CHECK((c.swapped && c.diff == 0 && c.big.exp == 125));

  // 1.0 shifted right by 24, 25, 26 and 30: the hidden bit lands in G, then R, then S.
  CHECK(fp::align(one, 24).sig == 0b100);
  CHECK(fp::align(one, 25).sig == 0b010);
  CHECK(fp::align(one, 26).sig == 0b001);
  CHECK(fp::align(one, 30).sig == 0b001);
  CHECK(fp::align(one, 200).sig == 1);
  CHECK(fp::align(one, 24).exp == 151);
  const fp::Wide x = fp::to_wide(f, fp::unpack(f, 0x3fc00001), 24);  // 1.5 + ulp
  CHECK(fp::align(x, 2).sig == (uint64_t{0xc00001} << 1));           // no bit lost: sticky 0
  // The ulp walks through guard, round and sticky, then stays in sticky.
  CHECK(fp::to_string(fp::align(x, 1)) == "+ exp=128 sig=0x600000 G=1 R=0 S=0 (w=24)");
  CHECK(fp::to_string(fp::align(x, 2)) == "+ exp=129 sig=0x300000 G=0 R=1 S=0 (w=24)");
  CHECK(fp::to_string(fp::align(x, 3)) == "+ exp=130 sig=0x180000 G=0 R=0 S=1 (w=24)");
  CHECK(fp::to_string(fp::align(x, 5)) == "+ exp=132 sig=0x60000 G=0 R=0 S=1 (w=24)");
}

TEST_CASE("stages add, lzc and normalize", "[fp][stage]") {
  const fp::Format f = fp::kFp32;
  const fp::Wide one = fp::to_wide(f, fp::unpack(f, 0x3f800000), 24);
  // 1 + 1: carry out, lzc 0, normalize shifts right once.
  const fp::Wide two = fp::add_significands(one, one);
  CHECK(fp::leading_zeros(two) == 0);
  fp::Wide n = fp::normalize(f, two, 0);
  CHECK((n.exp == 128 && n.sig == (uint64_t{0x800000} << 3)));
  CHECK(fp::leading_zeros(one) == 1);
  // 1.0000001 - 1: massive cancellation, lzc 24, left shift 23.
  fp::Wide neg = one;
  neg.sign = true;
  const fp::Wide diff = fp::add_significands(fp::to_wide(f, fp::unpack(f, 0x3f800001), 24), neg);
  CHECK(diff.sig == 0b1000);
  CHECK(fp::leading_zeros(diff) == 24);
  n = fp::normalize(f, diff, 24);
  CHECK((n.exp == 127 - 23 && n.sig == (uint64_t{0x800000} << 3)));
  // x + (-x) is +0, (-0) + (-0) is -0.
  const fp::Wide zero = fp::add_significands(one, neg);
  CHECK((zero.sig == 0 && !zero.sign));
  CHECK(fp::leading_zeros(zero) == 28);
  fp::Wide nzero = one;
  nzero.sig = 0;
  nzero.sign = true;
  CHECK(fp::add_significands(nzero, nzero).sign);
  // Normalize stops at exponent 1 (subnormal result) ...
  fp::Wide low = one;
  low.exp = 3;
  low.sig >>= 5;  // leading one 5 places down: lzc 6, but only 2 places of exponent left
  n = fp::normalize(f, low, fp::leading_zeros(low));
  CHECK((n.exp == 1 && n.sig == (uint64_t{0x800000} << 3 >> 3)));
  // ... and shifts right, with sticky, below it.
  low = one;
  low.exp = -1;
  n = fp::normalize(f, low, 1);
  CHECK((n.exp == 1 && n.sig == (uint64_t{0x800000} << 1)));
}

TEST_CASE("stages round and pack: ties to even, overflow, subnormals", "[fp][stage]") {
  const fp::Format f = fp::kFp16;  // p = 11: the round point is bit 3 of a w = 11 field
  auto wide = [](int exp, uint64_t sig) {
    fp::Wide x;
    x.exp = exp;
    x.sig = sig;
    x.w = 11;
    return x;
  };
  const uint64_t one = uint64_t{0x400} << 3;
  CHECK(fp::round_nearest_even(f, wide(15, one | 0b100)).sig == 0x400);   // tie, even: down
  CHECK(fp::round_nearest_even(f, wide(15, one | 0b1100)).sig == 0x402);  // tie, odd: up
  CHECK(fp::round_nearest_even(f, wide(15, one | 0b101)).sig == 0x401);   // above the tie
  CHECK(fp::round_nearest_even(f, wide(15, one | 0b011)).sig == 0x400);   // below the tie
  CHECK(fp::round_nearest_even(f, wide(15, one | 0b100)).inexact);
  CHECK_FALSE(fp::round_nearest_even(f, wide(15, one)).inexact);
  // 1.11..1 + half ulp: rounds up into the next binade.
  fp::Rounded r = fp::round_nearest_even(f, wide(15, (uint64_t{0x7ff} << 3) | 0b100));
  CHECK((r.sig == 0x400 && r.exp == 16 && !r.overflow));
  // The same at the largest exponent overflows to infinity.
  r = fp::round_nearest_even(f, wide(30, (uint64_t{0x7ff} << 3) | 0b100));
  CHECK(r.overflow);
  CHECK(fp::pack(f, r) == 0x7c00);
  // A subnormal that rounds up to the smallest normal.
  r = fp::round_nearest_even(f, wide(1, (uint64_t{0x3ff} << 3) | 0b110));
  CHECK((r.sig == 0x400 && r.exp == 1));
  CHECK(fp::pack(f, r) == 0x0400);
  r = fp::round_nearest_even(f, wide(1, (uint64_t{0x3ff} << 3)));
  CHECK(fp::pack(f, r) == 0x03ff);
  r.sign = true;
  CHECK(fp::pack(f, r) == 0x83ff);
  fp::Special nan;
  nan.active = nan.nan = true;
  CHECK(fp::pack(f, r, nan) == 0x7e00);
  fp::Special minf;
  minf.active = minf.sign = true;
  CHECK(fp::pack(f, r, minf) == 0xfc00);
}

TEST_CASE("stages exp_add, sig_mul and prenormalize", "[fp][stage]") {
  const fp::Format f = fp::kBf16;                                           // p = 8
  const fp::Unpacked a = fp::unpack(f, 0x3fc0), b = fp::unpack(f, 0xc040);  // 1.5, -3
  const int e = fp::exp_add(f, a, b);
  CHECK(e == 127 + 128 - 127);
  const fp::Wide prod = fp::sig_mul(f, a, b, e);
  CHECK((prod.sign && prod.w == 15 && prod.sig == (uint64_t{0xc0} * 0xc0) << 3));
  CHECK(fp::leading_zeros(prod) == 0);  // 1.5 * 1.5 >= 2: carry
  const fp::Wide pn = fp::prenormalize(prod, 16);
  CHECK((pn.exp == e + 1 && pn.sig == (uint64_t{0xc0} * 0xc0) << 3 && pn.w == 16));
  CHECK(fp::leading_zeros(pn) == 1);
  // A subnormal addend is prenormalized below exponent 1, exactly.
  const fp::Wide c = fp::prenormalize(fp::to_wide(f, fp::unpack(f, 0x0001), 8), 16);
  CHECK((c.exp == 1 - 7 && c.sig == uint64_t{1} << 18));
  CHECK_THROWS_AS(fp::prenormalize(prod, 8), std::invalid_argument);
}

TEST_CASE("special-operand logic", "[fp][stage]") {
  const fp::Format f = fp::kFp32;
  auto u = [&](uint32_t v) { return fp::unpack(f, v); };
  const uint32_t pinf = 0x7f800000, ninf = 0xff800000, nan = 0x7fc00000, one = 0x3f800000;
  CHECK(fp::add_special(u(pinf), u(ninf)).nan);
  CHECK_FALSE(fp::add_special(u(pinf), u(pinf)).nan);
  CHECK(fp::add_special(u(one), u(ninf)).sign);
  CHECK_FALSE(fp::add_special(u(one), u(one)).active);
  CHECK(fp::mul_special(u(0), u(pinf)).nan);
  CHECK(fp::mul_special(u(0x80000000), u(pinf)).nan);
  CHECK(fp::mul_special(u(ninf), u(one)).sign);
  CHECK(fp::mul_special(u(nan), u(one)).nan);
  CHECK(fp::fma_special(u(0), u(pinf), u(one)).nan);
  CHECK(fp::fma_special(u(one), u(pinf), u(ninf)).nan);
  CHECK_FALSE(fp::fma_special(u(one), u(pinf), u(pinf)).nan);
  CHECK(fp::fma_special(u(one), u(one), u(ninf)).sign);
  CHECK(fp::fma_special(u(one), u(one), u(nan)).nan);
  CHECK_FALSE(fp::fma_special(u(one), u(one), u(one)).active);
}

TEST_CASE("stage names and the trace: every stage observed in order", "[fp][stage][trace]") {
  CHECK(fp::stage_names(Op::kAdd) == std::vector<std::string>{"unpack", "exp_compare", "align",
                                                              "add", "lzc", "normalize", "round",
                                                              "pack"});
  CHECK(fp::stage_names(Op::kMul) == std::vector<std::string>{"unpack", "exp_add", "sig_mul", "lzc",
                                                              "normalize", "round", "pack"});
  CHECK(fp::stage_names(Op::kFma).size() == 11);
  for (const fp::Format& f : kFormats) {
    for (const Op op : {Op::kAdd, Op::kMul, Op::kFma}) {
      for (const uint32_t a : special_values(f)) {
        fp::Trace t;
        const uint32_t with_trace = fp::apply(op, f, a, a, a, &t);
        CHECK(with_trace == fp::apply(op, f, a, a, a));  // tracing changes nothing
        std::vector<std::string> names;
        for (const auto& s : t.stages) {
          names.push_back(s.first);
          CHECK_FALSE(s.second.empty());
        }
        CHECK(names == fp::stage_names(op));
      }
    }
  }
  // What the stages report for 1 + 2^-24 (a tie: the hidden bit of the small operand in G).
  fp::Trace t;
  CHECK(fp::add(fp::kFp32, 0x3f800000, 0x33800000, &t) == 0x3f800000);
  REQUIRE(t.stages.size() == 8);
  CHECK(t.stages[1].second == "diff=24 swap=no exp=127");
  CHECK(t.stages[2].second == "+ exp=127 sig=0x0 G=1 R=0 S=0 (w=24)");
  CHECK(t.stages[4].second == "lzc=1");
  CHECK(t.stages[6].second == "+ exp=127 sig=0x800000 inexact");
  CHECK(t.stages[7].second == "0x3f800000");
  // A massive cancellation: lzc and the normalize shift.
  CHECK(fp::add(fp::kFp32, 0x3f800001, 0xbf800000, &t) == 0x34000000);
  CHECK(t.stages[4].second == "lzc=24");
  CHECK(t.stages[5].second == "+ exp=104 sig=0x800000 G=0 R=0 S=0 (w=24) shift=23");
  // A special result names itself in the pack stage.
  CHECK(fp::mul(fp::kFp16, 0x7c00, 0x0000, &t) == 0x7e00);
  CHECK(t.stages.back().second == "0x7e00 (special: NaN)");
}

// ---------------------------------------------------------------------------------------------
// The golden model against the host, so that FP16 / BF16 checks stand on a verified reference
// ---------------------------------------------------------------------------------------------

TEST_CASE("golden model equals the host on FP32", "[fp][golden]") {
  const uint64_t seed = systolic::test::test_seed("test_fp golden vs host");
  Operands gen(fp::kFp32, seed ^ 0x60d);
  long failures = 0;
  uint32_t a = 0, b = 0, c = 0;
  for (int i = 0; i < 200000; ++i) {
    gen.triple(a, b, c);
    for (const Op op : {Op::kAdd, Op::kMul, Op::kFma}) {
      const uint32_t want = host32(op, a, b, c);
      const uint32_t got = golden(op, fp::kFp32, a, b, c);
      const bool ok =
          g::fp_is_nan(gf(fp::kFp32), want) ? g::fp_is_nan(gf(fp::kFp32), got) : got == want;
      if (!ok && ++failures <= 8) {
        FAIL_CHECK("golden: " << describe(op, fp::kFp32, a, b, c, got, want));
      }
    }
  }
  CHECK(failures == 0);
}

// ---------------------------------------------------------------------------------------------
// Random operands: 1,000,000 per operation and format
// ---------------------------------------------------------------------------------------------

TEST_CASE("random fp32 add", "[fp][random]") { random_cases(Op::kAdd, fp::kFp32, 1); }
TEST_CASE("random fp32 mul", "[fp][random]") { random_cases(Op::kMul, fp::kFp32, 2); }
TEST_CASE("random fp32 fma", "[fp][random]") { random_cases(Op::kFma, fp::kFp32, 3); }
TEST_CASE("random fp16 add", "[fp][random]") { random_cases(Op::kAdd, fp::kFp16, 4); }
TEST_CASE("random fp16 mul", "[fp][random]") { random_cases(Op::kMul, fp::kFp16, 5); }
TEST_CASE("random fp16 fma", "[fp][random]") { random_cases(Op::kFma, fp::kFp16, 6); }
TEST_CASE("random bf16 add", "[fp][random]") { random_cases(Op::kAdd, fp::kBf16, 7); }
TEST_CASE("random bf16 mul", "[fp][random]") { random_cases(Op::kMul, fp::kBf16, 8); }
TEST_CASE("random bf16 fma", "[fp][random]") { random_cases(Op::kFma, fp::kBf16, 9); }

// ---------------------------------------------------------------------------------------------
// Special values combined pairwise (every triple for fma)
// ---------------------------------------------------------------------------------------------

TEST_CASE("special values, every pair and triple", "[fp][special]") {
  for (const fp::Format& f : kFormats) {
    const std::vector<uint32_t> v = special_values(f);
    Checker add(Op::kAdd, f), mul(Op::kMul, f), fma(Op::kFma, f);
    for (const uint32_t a : v) {
      for (const uint32_t b : v) {
        add.check(a, b);
        mul.check(a, b);
        for (const uint32_t c : v) fma.check(a, b, c);
      }
    }
    CHECK(add.failures() + mul.failures() + fma.failures() == 0);
    CHECK(fma.count() == static_cast<long>(v.size() * v.size() * v.size()));
  }
}

// Every FP16 / BF16 bit pattern against every special value, in both operand orders.
TEST_CASE("fp16 and bf16: every bit pattern against every special value", "[fp][special]") {
  for (const fp::Format& f : {fp::kFp16, fp::kBf16}) {
    const std::vector<uint32_t> v = special_values(f);
    Checker add(Op::kAdd, f), mul(Op::kMul, f), fma(Op::kFma, f);
    for (uint32_t x = 0; x <= 0xffff; ++x) {
      for (const uint32_t s : v) {
        add.check(x, s);
        add.check(s, x);
        mul.check(x, s);
        mul.check(s, x);
        fma.check(x, s, s);
        fma.check(s, s, x);
      }
    }
    CHECK(add.failures() + mul.failures() + fma.failures() == 0);
  }
}

// ---------------------------------------------------------------------------------------------
// Directed cases with known results
// ---------------------------------------------------------------------------------------------

namespace {

struct Directed {
  fp::Format f;
  Op op;
  uint32_t a, b, c;
  uint32_t want;
  const char* what;
};

const Directed kDirected[] = {
    // FP32
    {fp::kFp32, Op::kAdd, 0x3f800000, 0x3f800000, 0, 0x40000000, "1 + 1"},
    {fp::kFp32, Op::kAdd, 0x3f800000, 0x33800000, 0, 0x3f800000, "1 + 2^-24: tie, to even (down)"},
    {fp::kFp32, Op::kAdd, 0x3f800001, 0x33800000, 0, 0x3f800002, "tie, to even (up)"},
    {fp::kFp32, Op::kAdd, 0x3f800000, 0x33800001, 0, 0x3f800001, "just above the tie"},
    {fp::kFp32, Op::kAdd, 0x3f800000, 0xb3800000, 0, 0x3f7fffff,
     "1 - 2^-24: exact, one binade down"},
    {fp::kFp32, Op::kAdd, 0x3f800000, 0xb2800000, 0, 0x3f800000, "1 - 2^-26 rounds back to 1"},
    {fp::kFp32, Op::kAdd, 0x7f7fffff, 0x7f7fffff, 0, 0x7f800000, "max + max: overflow"},
    {fp::kFp32, Op::kAdd, 0x7f7fffff, 0x73000000, 0, 0x7f800000, "max + half ulp: tie to inf"},
    {fp::kFp32, Op::kAdd, 0x7f7fffff, 0x72ffffff, 0, 0x7f7fffff, "max + just under half ulp"},
    {fp::kFp32, Op::kAdd, 0x3f800001, 0xbf800000, 0, 0x34000000, "massive cancellation"},
    {fp::kFp32, Op::kAdd, 0x00800000, 0x807fffff, 0, 0x00000001, "min normal - max subnormal"},
    {fp::kFp32, Op::kAdd, 0x007fffff, 0x00000001, 0, 0x00800000, "subnormal sum becomes normal"},
    {fp::kFp32, Op::kAdd, 0x3f800000, 0xbf800000, 0, 0x00000000, "x + -x = +0"},
    {fp::kFp32, Op::kAdd, 0x80000000, 0x80000000, 0, 0x80000000, "-0 + -0 = -0"},
    {fp::kFp32, Op::kAdd, 0x00000000, 0x80000000, 0, 0x00000000, "+0 + -0 = +0"},
    {fp::kFp32, Op::kAdd, 0x7f800000, 0xff800000, 0, 0x7fc00000, "inf - inf = NaN"},
    {fp::kFp32, Op::kMul, 0x00800000, 0x3f000000, 0, 0x00400000, "min normal / 2: subnormal"},
    {fp::kFp32, Op::kMul, 0x00000001, 0x3f000000, 0, 0x00000000, "min subnormal / 2: tie to 0"},
    {fp::kFp32, Op::kMul, 0x80000001, 0x3f000000, 0, 0x80000000, "... keeps its sign: -0"},
    {fp::kFp32, Op::kMul, 0x00000001, 0x3f400000, 0, 0x00000001, "min subnormal * 0.75"},
    {fp::kFp32, Op::kMul, 0x00000003, 0x3f000000, 0, 0x00000002, "1.5 min subnormal: to even"},
    {fp::kFp32, Op::kMul, 0x00000001, 0x00000001, 0, 0x00000000, "underflow to zero"},
    {fp::kFp32, Op::kMul, 0x00000001, 0x4b000000, 0, 0x00800000, "subnormal * 2^23: normal"},
    {fp::kFp32, Op::kMul, 0x7f7fffff, 0x40000000, 0, 0x7f800000, "max * 2: overflow"},
    {fp::kFp32, Op::kMul, 0x3f800001, 0x3f800001, 0, 0x3f800002, "(1+u)^2 rounds"},
    {fp::kFp32, Op::kMul, 0x00000000, 0xff800000, 0, 0x7fc00000, "0 * inf = NaN"},
    {fp::kFp32, Op::kMul, 0x80000000, 0x3f800000, 0, 0x80000000, "-0 * 1 = -0"},
    {fp::kFp32, Op::kFma, 0x3f800001, 0x3f800001, 0xbf800002, 0x28800000,
     "(1+u)^2 - (1+2u) = u^2: one rounding"},
    {fp::kFp32, Op::kFma, 0x00000000, 0xbf800000, 0x00000000, 0x00000000, "-0 + +0 = +0"},
    {fp::kFp32, Op::kFma, 0x00000000, 0xbf800000, 0x80000000, 0x80000000, "-0 + -0 = -0"},
    {fp::kFp32, Op::kFma, 0x00000001, 0x00000001, 0x80000000, 0x00000000,
     "tiny positive product + -0: +0"},
    {fp::kFp32, Op::kFma, 0x00000001, 0x80000001, 0x00000000, 0x80000000,
     "tiny negative product + +0: -0"},
    {fp::kFp32, Op::kFma, 0x3f800000, 0x3f800000, 0xbf800000, 0x00000000, "1*1 - 1 = +0"},
    {fp::kFp32, Op::kFma, 0x7f7fffff, 0x40000000, 0xff7fffff, 0x7f7fffff,
     "max*2 - max: no intermediate overflow"},
    {fp::kFp32, Op::kFma, 0x00000000, 0x7f800000, 0x7fc00000, 0x7fc00000, "0 * inf + NaN"},
    {fp::kFp32, Op::kFma, 0x3f800000, 0x7f800000, 0xff800000, 0x7fc00000, "inf - inf"},
    {fp::kFp32, Op::kFma, 0x00800000, 0x3f000000, 0x00000001, 0x00400001,
     "subnormal product + subnormal"},
    {fp::kFp32, Op::kFma, 0x3f800000, 0x33800000, 0x3f800000, 0x3f800000,
     "1 + 2^-24 through fma: tie to even"},
    {fp::kFp32, Op::kFma, 0x33800000, 0x3f800001, 0x3f800000, 0x3f800001,
     "1 + 2^-24 + 2^-47: the product's last bit only in sticky breaks the tie"},
    // FP16
    {fp::kFp16, Op::kAdd, 0x3c00, 0x3c00, 0, 0x4000, "1 + 1"},
    {fp::kFp16, Op::kMul, 0x3c00, 0x4000, 0, 0x4000, "1 * 2"},
    {fp::kFp16, Op::kAdd, 0x3c00, 0x1000, 0, 0x3c00, "1 + 2^-11: tie, to even"},
    {fp::kFp16, Op::kAdd, 0x3c01, 0x1000, 0, 0x3c02, "tie, to even (up)"},
    {fp::kFp16, Op::kAdd, 0x7bff, 0x7bff, 0, 0x7c00, "max + max: overflow"},
    {fp::kFp16, Op::kAdd, 0x7bff, 0x4c00, 0, 0x7c00, "max + half ulp (2^4): tie to inf"},
    {fp::kFp16, Op::kMul, 0x0001, 0x3800, 0, 0x0000, "min subnormal / 2: tie to 0"},
    {fp::kFp16, Op::kMul, 0x0400, 0x3800, 0, 0x0200, "min normal / 2"},
    {fp::kFp16, Op::kMul, 0x5c00, 0x5c00, 0, 0x7c00, "256 * 256: overflow"},
    {fp::kFp16, Op::kMul, 0x5bff, 0x5bff, 0, 0x7bfe, "255.875^2 = 65472: no overflow"},
    {fp::kFp16, Op::kFma, 0x3c01, 0x3c01, 0xbc02, 0x0010, "(1+u)^2 - (1+2u) = u^2 = 2^-20"},
    {fp::kFp16, Op::kFma, 0x0001, 0x0001, 0x7800, 0x7800, "2^15 + 2^-48: sticky only"},
    {fp::kFp16, Op::kAdd, 0x8000, 0x8000, 0, 0x8000, "-0 + -0"},
    // BF16
    {fp::kBf16, Op::kAdd, 0x3f80, 0x3f80, 0, 0x4000, "1 + 1"},
    {fp::kBf16, Op::kAdd, 0x7f7f, 0x0001, 0, 0x7f7f, "max + min subnormal: 260 bits apart"},
    {fp::kBf16, Op::kAdd, 0x3f80, 0x3b80, 0, 0x3f80, "1 + 2^-8: tie, to even"},
    {fp::kBf16, Op::kMul, 0x3f81, 0x3f81, 0, 0x3f82, "(1+u)^2"},
    {fp::kBf16, Op::kMul, 0x0001, 0x3f00, 0, 0x0000, "min subnormal / 2: tie to 0"},
    {fp::kBf16, Op::kFma, 0x3f81, 0x3f81, 0xbf82, 0x3880, "(1+u)^2 - (1+2u) = u^2 = 2^-14"},
    {fp::kBf16, Op::kFma, 0x7f7f, 0x7f7f, 0xff7f, 0x7f80, "overflow from the product"},
};

}  // namespace

TEST_CASE("directed cases: ties, overflow, underflow, cancellation, signed zero",
          "[fp][directed]") {
  for (const Directed& d : kDirected) {
    INFO(d.what);
    const uint32_t model = fp::apply(d.op, d.f, d.a, d.b, d.c);
    const uint32_t ref = reference(d.op, d.f, d.a, d.b, d.c);
    INFO(describe(d.op, d.f, d.a, d.b, d.c, model, ref));
    CHECK(hex(d.f, model) == hex(d.f, d.want));
    CHECK(agrees(d.f, model, ref));
    CHECK(agrees(d.f, golden(d.op, d.f, d.a, d.b, d.c), ref));
  }
}
