// Tests of the quantization library (arith/quant.h) against docs/arithmetic.md:
// seed vectors, self-check values, every named corner, and random cases against the independent
// 128-bit golden model (golden_requant.h).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>

#include "golden_requant.h"
#include "quant.h"
#include "test_seed.h"

namespace q = systolic::quant;
using q::Rounding;

namespace {

constexpr int32_t kMin32 = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax32 = std::numeric_limits<int32_t>::max();

int32_t lib(int32_t acc, int32_t bias, int32_t m0, int shift, int32_t zp, int32_t lo, int32_t hi,
            Rounding r) {
  q::OutputStage s;
  s.m0 = m0;
  s.shift = shift;
  s.zp_out = zp;
  s.act_min = lo;
  s.act_max = hi;
  s.rounding = r;
  return q::requantize(acc, bias, s);
}

int32_t gold(int32_t acc, int32_t bias, int32_t m0, int shift, int32_t zp, int32_t lo, int32_t hi,
             Rounding r) {
  return systolic::golden::requantize(acc, bias, m0, shift, zp, lo, hi, r == Rounding::kSingle);
}

}  // namespace

TEST_CASE("seed vectors quantize and dequantize exactly", "[quant][seed]") {
  const std::vector<float> r = {-2.35f, -0.5f, 0.0f, 1.25f, 3.8f};

  const q::QParams s8{0.03f, 0};
  CHECK(q::quantize(r, s8, q::int8_range()) == std::vector<int32_t>{-78, -17, 0, 42, 127});
  const std::vector<float> r8 = q::dequantize(std::vector<int32_t>{-78, -17, 0, 42, 127}, s8);
  const std::vector<float> want8 = {-2.34f, -0.51f, 0.0f, 1.26f, 3.81f};
  for (size_t i = 0; i < r8.size(); ++i) CHECK(r8[i] == Approx(want8[i]).margin(1e-6));

  const q::QParams s4{0.5f, 0};
  CHECK(q::quantize(r, s4, q::int4_range()) == std::vector<int32_t>{-5, -1, 0, 3, 7});
  CHECK(q::dequantize(std::vector<int32_t>{-5, -1, 0, 3, 7}, s4) ==
        std::vector<float>{-2.5f, -0.5f, 0.0f, 1.5f, 3.5f});

  // Ties away from zero (numpy's half-to-even would give -2).
  CHECK(q::quantize(-1.25f, s4, q::int8_range()) == -3);
  CHECK(q::quantize(1.25f, s4, q::int8_range()) == 3);
  CHECK(q::dequantize(-3, s4) == -1.5f);

  // A double path gives the same integers on the seed vectors.
  for (float v : r) {
    const double d = std::clamp(std::round(double(v) / 0.03), -128.0, 127.0);
    CHECK(q::quantize(v, s8, q::int8_range()) == int32_t(d));
  }
}

TEST_CASE("integer ranges", "[quant]") {
  CHECK(q::int8_range().min == -128);
  CHECK(q::int8_range().max == 127);
  CHECK(q::int8_range(true).min == -127);
  CHECK(q::int4_range().min == -8);
  CHECK(q::int4_range().max == 7);
  CHECK(q::int_range(16).min == -32768);
  CHECK(q::int_range(2).max == 1);
  CHECK_THROWS_AS(q::int_range(1), std::invalid_argument);
  CHECK_THROWS_AS(q::int_range(17), std::invalid_argument);
  // Narrow range never produces the lowest value.
  CHECK(q::quantize(-1000.0f, {1.0f, 0}, q::int8_range(true)) == -127);
  CHECK(q::quantize(-1000.0f, {1.0f, 0}, q::int8_range()) == -128);
  // Saturation of huge and infinite values, NaN refused.
  CHECK(q::quantize(std::numeric_limits<float>::infinity(), {0.1f, 3}, q::int8_range()) == 127);
  CHECK(q::quantize(-1e30f, {0.1f, 3}, q::int4_range()) == -8);
  CHECK_THROWS_AS(q::quantize(std::nanf(""), {0.1f, 0}, q::int8_range()), std::invalid_argument);
  CHECK_THROWS_AS(q::validate(q::QParams{0.0f, 0}, q::int8_range()), std::invalid_argument);
  CHECK_THROWS_AS(q::validate(q::QParams{0.5f, 200}, q::int8_range()), std::invalid_argument);
}

TEST_CASE("zero point: asymmetric ranges represent real 0 exactly", "[quant]") {
  std::mt19937_64 rng(systolic::test::test_seed("asymmetric"));
  std::uniform_real_distribution<float> u(-50.0f, 50.0f);
  for (int bits : {4, 8, 12}) {
    const q::IntRange range = q::int_range(bits);
    for (int i = 0; i < 2000; ++i) {
      float lo = u(rng), hi = u(rng);
      if (lo > hi) std::swap(lo, hi);
      const q::QParams p = q::choose_asymmetric(lo, hi, range);
      q::validate(p, range);
      REQUIRE(q::dequantize(q::quantize(0.0f, p, range), p) == 0.0f);
      // The end points map into range with at most half a step of error (plus clamp).
      const float rmin = std::min(lo, 0.0f), rmax = std::max(hi, 0.0f);
      CHECK(std::fabs(q::dequantize(q::quantize(rmin, p, range), p) - rmin) <= p.scale * 1.01f);
      CHECK(std::fabs(q::dequantize(q::quantize(rmax, p, range), p) - rmax) <= p.scale * 1.01f);
    }
  }
  // Symmetric: Z = 0, S = max|r| / qmax.
  const q::QParams s = q::choose_symmetric(-3.0f, 1.0f, q::int8_range());
  CHECK(s.zero_point == 0);
  CHECK(s.scale == Approx(3.0 / 127));
  CHECK(q::quantize(-3.0f, s, q::int8_range()) == -127);
}

TEST_CASE("per-channel quantization uses one scale per column", "[quant]") {
  // 2 x 3 matrix, columns with very different ranges.
  const std::vector<float> w = {1.0f, -0.015f, 100.0f, -2.0f, 0.02f, 50.0f};
  const q::PerChannel pc = q::quantize_per_channel(w, 2, 3, q::int8_range(true));
  REQUIRE(pc.scales.size() == 3);
  CHECK(pc.scales[0] == Approx(2.0 / 127));
  CHECK(pc.scales[1] == Approx(0.02 / 127));
  CHECK(pc.scales[2] == Approx(100.0 / 127));
  CHECK(pc.q == std::vector<int32_t>{64, -95, 127, -127, 127, 64});
  CHECK_THROWS_AS(q::quantize_per_channel(w, 4, 3, q::int8_range()), std::invalid_argument);
}

TEST_CASE("QuantizeMultiplier: spec examples and rules", "[quant][multiplier]") {
  for (Rounding r : {Rounding::kDouble, Rounding::kSingle}) {
    auto m = q::quantize_multiplier(1.0, r);
    CHECK(m.m0 == (1 << 30));
    CHECK(m.shift == 1);
    m = q::quantize_multiplier(0.003662109375, r);
    CHECK(m.m0 == 2013265920);
    CHECK(m.shift == -8);
    m = q::quantize_multiplier(0.0, r);
    CHECK(m.m0 == 0);
    CHECK(m.shift == 0);
    // A fraction that rounds up to 2^31 becomes 2^30 with the exponent raised.
    m = q::quantize_multiplier(std::ldexp(1.0 - std::ldexp(1.0, -33), -3), r);
    CHECK(m.m0 == (1 << 30));
    CHECK(m.shift == -2);
    // Tiny multipliers flush to zero.
    m = q::quantize_multiplier(std::ldexp(0.75, -32), r);
    CHECK(m.m0 == 0);
    CHECK(m.shift == 0);
    m = q::quantize_multiplier(std::ldexp(0.75, -31), r);
    CHECK(m.m0 == 1610612736);
    CHECK(m.shift == -31);
    CHECK_THROWS_AS(q::quantize_multiplier(-0.5, r), std::invalid_argument);
    CHECK_THROWS_AS(q::quantize_multiplier(std::nan(""), r), std::invalid_argument);
  }
  // Single rounding saturates shifts above 30; double rounding reports them.
  auto m = q::quantize_multiplier(std::ldexp(1.0, 40), Rounding::kSingle);
  CHECK(m.m0 == kMax32);
  CHECK(m.shift == 30);
  m = q::quantize_multiplier(std::ldexp(1.0, 40), Rounding::kDouble);
  CHECK(m.m0 == (1 << 30));
  CHECK(m.shift == 41);
  CHECK_THROWS_AS(q::check_multiplier(m.m0, m.shift), std::invalid_argument);
  CHECK_THROWS_AS(q::check_multiplier(-1, 0), std::invalid_argument);
  CHECK_THROWS_AS(q::check_multiplier(0, -32), std::invalid_argument);
}

TEST_CASE("QuantizeMultiplier: random reals within half an M0 step", "[quant][multiplier]") {
  std::mt19937_64 rng(systolic::test::test_seed("multiplier"));
  std::uniform_real_distribution<double> frac(0.5, 1.0);
  std::uniform_int_distribution<int> exp(-30, 30);
  for (int i = 0; i < 100000; ++i) {
    const double m = std::ldexp(frac(rng), exp(rng));
    const q::Multiplier qm = q::quantize_multiplier(m, Rounding::kDouble);
    REQUIRE(qm.m0 >= (1 << 30));
    // |M0 * 2^(shift-31) - m| <= 2^(shift-32): M0 is m's fraction rounded to 31 bits.
    const long double approx = std::ldexp((long double)qm.m0, qm.shift - 31);
    REQUIRE(std::fabs(approx - m) <= std::ldexp(1.0L, qm.shift - 32));
  }
}

TEST_CASE("SRDHM and rounding divide: corners and random vs 128-bit", "[quant][requant]") {
  CHECK(q::srdhm(kMin32, kMin32) == kMax32);
  CHECK(q::srdhm(kMin32, kMax32) == -kMax32);
  CHECK(q::srdhm(kMax32, kMax32) == kMax32 - 1);
  CHECK(q::srdhm(0, kMin32) == 0);
  CHECK(q::rounding_divide_by_pot(5, 1) == 3);
  CHECK(q::rounding_divide_by_pot(-5, 1) == -3);
  CHECK(q::rounding_divide_by_pot(-6, 2) == -2);
  CHECK(q::rounding_divide_by_pot(kMin32, 31) == -1);
  CHECK(q::rounding_divide_by_pot(kMax32, 31) == 1);
  CHECK(q::rounding_divide_by_pot(7, 0) == 7);

  using systolic::golden::floor_div;
  using systolic::golden::i128;
  using systolic::golden::pow2;
  std::mt19937_64 rng(systolic::test::test_seed("srdhm"));
  for (int i = 0; i < 200000; ++i) {
    const auto x = static_cast<int32_t>(rng());
    const auto m = static_cast<int32_t>(rng());
    i128 h = floor_div(i128{x} * m + pow2(30), pow2(31));
    if (h > kMax32) h = kMax32;
    REQUIRE(q::srdhm(x, m) == static_cast<int32_t>(h));
    const int e = int(rng() % 32);
    const i128 mag = x < 0 ? -i128{x} : i128{x};
    const i128 qv = e == 0 ? mag : floor_div(mag + pow2(e - 1), pow2(e));
    REQUIRE(q::rounding_divide_by_pot(x, e) == static_cast<int32_t>(x < 0 ? -qv : qv));
  }
}

TEST_CASE("requantize: spec self-check values", "[quant][requant]") {
  constexpr int32_t k2p30 = 1 << 30;
  CHECK(lib(5, 0, k2p30, -1, 0, -128, 127, Rounding::kDouble) == 2);
  CHECK(lib(5, 0, k2p30, -1, 0, -128, 127, Rounding::kSingle) == 1);
  CHECK(lib(-6, 0, k2p30, -1, 0, -128, 127, Rounding::kDouble) == -2);
  CHECK(lib(-6, 0, k2p30, -1, 0, -128, 127, Rounding::kSingle) == -1);
}

TEST_CASE("requantize: named corners", "[quant][requant]") {
  constexpr int32_t k2p30 = 1 << 30;
  for (Rounding r : {Rounding::kDouble, Rounding::kSingle}) {
    const bool single = r == Rounding::kSingle;
    INFO("rounding " << q::to_string(r));
    // INT32_MIN accumulators, wrapping sums, extreme shifts and multipliers.
    for (int32_t acc : {kMin32, kMin32 + 1, -1, 0, 1, kMax32}) {
      for (int32_t bias : {kMin32, -1, 0, 1, kMax32}) {
        for (int32_t m0 : {0, 1, k2p30, kMax32 - 1, kMax32}) {
          for (int shift : {-31, -30, -8, -1, 0, 1, 8, 29, 30}) {
            for (int32_t zp : {-128, -3, 0, 127}) {
              const int32_t want = gold(acc, bias, m0, shift, zp, -128, 127, r);
              REQUIRE(lib(acc, bias, m0, shift, zp, -128, 127, r) == want);
            }
          }
        }
      }
    }
    // M0 = 0 gives the zero point; the wrapped sum INT32_MIN + INT32_MIN = 0.
    CHECK(lib(123456, -99, 0, 5, 7, -128, 127, r) == 7);
    CHECK(lib(kMin32, kMin32, k2p30, 1, 0, -128, 127, r) == 0);
    // Shift +30 with a small accumulator: double rounding wraps the left shift
    // (4 << 30 == 0 in int32), single rounding does not.
    CHECK(lib(4, 0, k2p30, 30, 0, -128, 127, r) == (single ? 127 : 0));
    // Shift -31 with the largest multiplier.
    CHECK(lib(kMax32, 0, kMax32, -31, 0, -128, 127, r) == 1);
    CHECK(lib(kMin32, 0, kMax32, -31, 0, -128, 127, r) == -1);
  }
  // Double rounding: a wrapped left shift makes x = INT32_MIN (a = 2^30, shift 1);
  // SRDHM(INT32_MIN, 2^30) is -2^30.
  CHECK(q::multiply_by_quantized_multiplier(1 << 30, 1 << 30, 1, Rounding::kDouble) == -(1 << 30));
  // Single rounding keeps y exact even beyond int32: 2^31 - 1 times ~1 times 2^30.
  CHECK(q::multiply_by_quantized_multiplier(kMax32, kMax32, 30, Rounding::kSingle) ==
        int64_t(systolic::golden::mbqm(kMax32, kMax32, 30, true)));
  // Activation bounds.
  CHECK(lib(1000, 0, 1 << 30, 1, -10, -10, 110, Rounding::kDouble) == 110);
  CHECK(lib(-1000, 0, 1 << 30, 1, -10, -10, 110, Rounding::kDouble) == -10);
  const q::IntRange relu6 = q::activation_bounds(q::Activation::kRelu6, -10, 0.05f);
  CHECK(relu6.min == -10);
  CHECK(relu6.max == 110);
  CHECK(q::activation_bounds(q::Activation::kRelu6, 100, 0.05f).max == 127);
  CHECK(q::activation_bounds(q::Activation::kRelu, 5, 1.0f).min == 5);
  CHECK(q::activation_bounds(q::Activation::kNone, 5, 1.0f).min == -128);
  // Shifts outside the contract are refused, not silently computed.
  CHECK_THROWS_AS(q::multiply_by_quantized_multiplier(1, 1, 31, Rounding::kDouble),
                  std::invalid_argument);
  CHECK_THROWS_AS(q::multiply_by_quantized_multiplier(1, 1, -32, Rounding::kSingle),
                  std::invalid_argument);
}

TEST_CASE("requantize: a million random cases vs the 128-bit golden model", "[quant][requant]") {
  std::mt19937_64 rng(systolic::test::test_seed("requant-random"));
  std::uniform_int_distribution<int> shift_d(q::kMinShift, q::kMaxShift);
  std::uniform_int_distribution<int32_t> m0_d(1 << 30, q::kMaxM0);
  std::uniform_int_distribution<int32_t> i8(-128, 127);
  size_t ties = 0, differ = 0;
  for (int i = 0; i < 1'000'000; ++i) {
    const Rounding r = (i & 1) ? Rounding::kSingle : Rounding::kDouble;
    // Mix full-range accumulators with small ones, where rounding decides the int8 result.
    const auto acc = (i % 3 == 0) ? static_cast<int32_t>(rng())
                                  : static_cast<int32_t>(int64_t(rng() % 2000001) - 1000000);
    const auto bias = (i % 5 == 0) ? static_cast<int32_t>(rng())
                                   : static_cast<int32_t>(int64_t(rng() % 20001) - 10000);
    const int32_t m0 = (i % 97 == 0) ? static_cast<int32_t>(rng() & 0x7fffffff) : m0_d(rng);
    const int shift = (i % 4 == 0) ? shift_d(rng) : -int(rng() % 16);
    const int32_t zp = i8(rng);
    int32_t lo = i8(rng), hi = i8(rng);
    if (i % 2 == 0) lo = -128, hi = 127;
    if (lo > hi) std::swap(lo, hi);
    const int32_t want = gold(acc, bias, m0, shift, zp, lo, hi, r);
    const int32_t got = lib(acc, bias, m0, shift, zp, lo, hi, r);
    if (got != want) {
      FAIL(fmt::format("case {}: acc={} bias={} m0={} shift={} zp={} [{}, {}] {}: got {} want {}",
                       i, acc, bias, m0, shift, zp, lo, hi, q::to_string(r), got, want));
    }
    // The two modes differ by at most 1 (before clamping).
    const int32_t a = q::wrap_add(acc, bias);
    if (shift <= 0) {
      const int64_t d = q::multiply_by_quantized_multiplier(a, m0, shift, Rounding::kDouble);
      const int64_t s = q::multiply_by_quantized_multiplier(a, m0, shift, Rounding::kSingle);
      REQUIRE(std::llabs(d - s) <= 1);
      differ += d != s;
    }
    ties += (shift < 0) && ((a & ((int64_t{1} << -shift) - 1)) == 0);
  }
  // The modes do differ on some of these inputs (the spec's +-1), and the sample is not degenerate.
  CHECK(differ > 0);
  CHECK(ties > 0);
}

TEST_CASE("bias folding equals subtracting the input zero point", "[quant][gemm]") {
  std::mt19937_64 rng(systolic::test::test_seed("fold-bias"));
  const int m = 7, n = 5, k = 33;
  for (int32_t zp_in : {-128, -77, 0, 1, 127}) {
    std::vector<int8_t> a(m * k), b(k * n);
    std::vector<int32_t> bias(n);
    for (auto& v : a) v = int8_t(rng());
    for (auto& v : b) v = int8_t(rng());
    for (auto& v : bias) v = int32_t(rng() % 100001) - 50000;
    const std::vector<int32_t> folded = q::fold_bias(bias, b, k, n, zp_in);
    const std::vector<int32_t> acc = q::gemm_acc(a, b, m, n, k);
    for (int i = 0; i < m; ++i) {
      for (int j = 0; j < n; ++j) {
        int64_t want = bias[j];
        for (int kk = 0; kk < k; ++kk) want += (int64_t(a[i * k + kk]) - zp_in) * b[kk * n + j];
        REQUIRE(q::wrap_add(acc[i * n + j], folded[j]) == int32_t(want));
      }
    }
  }
  CHECK_THROWS_AS(q::fold_bias({1, 2}, std::vector<int8_t>(6), 2, 3, 0), std::invalid_argument);
}

TEST_CASE("reference GEMM: int32 accumulation wraps", "[quant][gemm]") {
  // 127 * 127 * K exceeds 2^31 for K >= 133144: the sum must wrap modulo 2^32.
  const int k = 140000;
  const std::vector<int8_t> a(k, 127), b(k, 127);
  const std::vector<int32_t> acc = q::gemm_acc(a, b, 1, 1, k);
  CHECK(acc[0] == systolic::golden::wrap32(systolic::golden::i128{127 * 127} * k));
  CHECK(acc[0] < 0);
  const std::vector<int8_t> neg(k, -128);
  CHECK(q::gemm_acc(neg, neg, 1, 1, k)[0] ==
        systolic::golden::wrap32(systolic::golden::i128{16384} * k));
  CHECK_THROWS_AS(q::gemm_acc(a, b, 1, 2, k), std::invalid_argument);
  CHECK_THROWS_AS(q::gemm_acc(a, b, 0, 1, k), std::invalid_argument);
}

TEST_CASE("reference GEMM: SQNR of a random quantized layer", "[quant][gemm]") {
  // Bound: the int8 output alone, quantized over the full output range (about +-4.5 sigma for a
  // near-Gaussian sum of K products), has noise step D = 9 sigma / 255 and SQNR
  // 10 log10(12 * 255^2 / 81) = 39.8 dB; the int8 inputs add noise of the same order, so a
  // correct pipeline lands near 36-40 dB. 30 dB leaves 6 dB (4x noise power) of margin, and any
  // bias-folding, zero-point or per-channel scale error drops it far below (to ~0-15 dB).
  std::mt19937_64 rng(systolic::test::test_seed("sqnr"));
  const int m = 64, n = 48, k = 256;
  std::uniform_real_distribution<float> act(-0.5f, 2.0f);
  std::normal_distribution<float> wgt(0.0f, 0.1f);
  std::vector<float> af(m * k), bf(k * n), biasf(n);
  for (auto& v : af) v = act(rng);
  for (auto& v : bf) v = wgt(rng);
  for (auto& v : biasf) v = wgt(rng);
  const q::IntRange r8 = q::int8_range();
  const auto [amin, amax] = std::minmax_element(af.begin(), af.end());
  const q::QParams px = q::choose_asymmetric(*amin, *amax, r8);
  const std::vector<int32_t> aq = q::quantize(af, px, r8);
  const q::PerChannel wq = q::quantize_per_channel(bf, k, n, q::int8_range(true));
  const std::vector<float> cf = q::gemm_float(af, bf, biasf, m, n, k);
  const auto [cmin, cmax] = std::minmax_element(cf.begin(), cf.end());
  const q::QParams py = q::choose_asymmetric(*cmin, *cmax, r8);
  q::GemmQuant gq;
  gq.zp_out = py.zero_point;
  std::vector<int32_t> qb(n);
  for (int j = 0; j < n; ++j) {
    const q::Multiplier mm =
        q::quantize_multiplier(double(wq.scales[j]) * px.scale / py.scale, Rounding::kDouble);
    gq.m0.push_back(mm.m0);
    gq.shift.push_back(mm.shift);
    qb[j] = int32_t(std::lround(biasf[j] / (double(wq.scales[j]) * px.scale)));
  }
  const std::vector<int8_t> a(aq.begin(), aq.end()), b(wq.q.begin(), wq.q.end());
  for (Rounding r : {Rounding::kDouble, Rounding::kSingle}) {
    gq.rounding = r;
    const std::vector<int8_t> c =
        q::gemm_int8(a, b, q::fold_bias(qb, b, k, n, px.zero_point), m, n, k, gq);
    const double sqnr = q::sqnr_db(cf, q::dequantize(std::vector<int32_t>(c.begin(), c.end()), py));
    fmt::print("SQNR ({} rounding) = {:.2f} dB\n", q::to_string(r), sqnr);
    CHECK(sqnr > 30.0);
  }
  // Without bias folding the zero point error ruins it: the test can fail.
  gq.rounding = Rounding::kDouble;
  const std::vector<int8_t> bad = q::gemm_int8(a, b, qb, m, n, k, gq);
  CHECK(q::sqnr_db(cf, q::dequantize(std::vector<int32_t>(bad.begin(), bad.end()), py)) < 15.0);
}

TEST_CASE("4-bit packing: nibble pairs along either axis, odd lengths padded, range checked",
          "[quant][int4]") {
  // By hand: the 2 x 3 matrix [[1, -2, 7], [-8, 3, 0]].
  const std::vector<int8_t> x = {1, -2, 7, -8, 3, 0};
  // Along columns: (1, -2) -> 0xe1, (7, pad 0) -> 0x07; (-8, 3) -> 0x38, (0, 0) -> 0x00.
  const std::vector<int8_t> cols = q::pack_int4_pairs(x, 2, 3, 1, "X");
  CHECK(cols == std::vector<int8_t>{int8_t(0xe1), 0x07, 0x38, 0x00});
  // Along rows: (1, -8) -> 0x81, (-2, 3) -> 0x3e, (7, 0) -> 0x07.
  const std::vector<int8_t> rows = q::pack_int4_pairs(x, 2, 3, 0, "X");
  CHECK(rows == std::vector<int8_t>{int8_t(0x81), 0x3e, 0x07});
  CHECK(q::unpack_int4_pairs(cols, 2, 3, 1) == x);
  CHECK(q::unpack_int4_pairs(rows, 2, 3, 0) == x);
  // Every value of the range survives a round trip, at odd and even lengths.
  std::vector<int8_t> all;
  for (int v = -8; v <= 7; ++v) all.push_back(int8_t(v));
  all.push_back(-8);  // 17 values
  for (int axis : {0, 1}) {
    const int r = axis == 0 ? 17 : 1, c = axis == 0 ? 1 : 17;
    CHECK(q::unpack_int4_pairs(q::pack_int4_pairs(all, r, c, axis, "X"), r, c, axis) == all);
  }
  CHECK_THROWS_WITH(q::pack_int4_pairs({0, 0, 0, 8}, 2, 2, 0, "B"),
                    "B[1][1] = 8 is outside the 4-bit range [-8, 7]");
  CHECK_THROWS_WITH(q::pack_int4_pairs({-9}, 1, 1, 1, "A"),
                    "A[0][0] = -9 is outside the 4-bit range [-8, 7]");
  CHECK(q::first_outside_int4({-8, 7, 0}) == -1);
  CHECK(q::parse_precision("w4a4") == q::Precision::kW4A4);
  CHECK_THROWS(q::parse_precision("int4"));
}
