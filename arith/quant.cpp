#include "quant.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace systolic::quant {
namespace {

[[noreturn]] void fail(const std::string& msg) { throw std::invalid_argument(msg); }

// Arithmetic shift right (floor division by 2^n); well defined for negative values in GCC and
// required by C++20.
constexpr int64_t asr(int64_t v, int n) { return v >> n; }

}  // namespace

IntRange int_range(int bits, bool narrow) {
  if (bits < kMinBits || bits > kMaxBits) {
    fail(fmt::format("bits {} outside [{}, {}]", bits, kMinBits, kMaxBits));
  }
  const int32_t max = (int32_t{1} << (bits - 1)) - 1;
  return {narrow ? -max : -max - 1, max};
}

void validate(const QParams& p, IntRange range) {
  if (!(std::isfinite(p.scale) && p.scale > 0.0f)) {
    fail(fmt::format("scale {} must be finite and > 0", p.scale));
  }
  if (p.zero_point < range.min || p.zero_point > range.max) {
    fail(fmt::format("zero point {} outside [{}, {}]", p.zero_point, range.min, range.max));
  }
}

int32_t quantize(float r, const QParams& p, IntRange range) {
  if (std::isnan(r)) fail("cannot quantize NaN");
  const float v = r / p.scale;  // float32 division, as TFLite's quantize op
  // Round and clamp in double so that huge or infinite values saturate instead of overflowing.
  const double t = static_cast<double>(std::round(v)) + p.zero_point;
  return static_cast<int32_t>(std::clamp(t, double(range.min), double(range.max)));
}

float dequantize(int32_t q, const QParams& p) {
  return p.scale * static_cast<float>(q - p.zero_point);
}

std::vector<int32_t> quantize(const std::vector<float>& r, const QParams& p, IntRange range) {
  std::vector<int32_t> q(r.size());
  std::transform(r.begin(), r.end(), q.begin(), [&](float v) { return quantize(v, p, range); });
  return q;
}

std::vector<float> dequantize(const std::vector<int32_t>& q, const QParams& p) {
  std::vector<float> r(q.size());
  std::transform(q.begin(), q.end(), r.begin(), [&](int32_t v) { return dequantize(v, p); });
  return r;
}

QParams choose_symmetric(float min, float max, IntRange range) {
  if (!std::isfinite(min) || !std::isfinite(max)) fail("range bounds must be finite");
  const double amax = std::max(std::fabs(double(min)), std::fabs(double(max)));
  if (amax == 0.0) return {1.0f, 0};
  return {static_cast<float>(amax / range.max), 0};
}

QParams choose_asymmetric(float min, float max, IntRange range) {
  if (!std::isfinite(min) || !std::isfinite(max)) fail("range bounds must be finite");
  if (min > max) fail(fmt::format("range min {} > max {}", min, max));
  const double lo = std::min(0.0, double(min));
  const double hi = std::max(0.0, double(max));
  if (lo == hi) return {1.0f, std::clamp(0, range.min, range.max)};
  const float scale = static_cast<float>((hi - lo) / (double(range.max) - range.min));
  const double z = std::round(range.min - lo / scale);
  return {scale, static_cast<int32_t>(std::clamp(z, double(range.min), double(range.max)))};
}

PerChannel quantize_per_channel(const std::vector<float>& r, int rows, int cols, IntRange range) {
  if (rows <= 0 || cols <= 0 || r.size() != size_t(rows) * size_t(cols)) {
    fail(fmt::format("per-channel data has {} values, expected {} x {}", r.size(), rows, cols));
  }
  PerChannel out;
  out.scales.resize(cols);
  out.q.resize(r.size());
  for (int c = 0; c < cols; ++c) {
    float lo = 0.0f, hi = 0.0f;
    for (int i = 0; i < rows; ++i) {
      lo = std::min(lo, r[size_t(i) * cols + c]);
      hi = std::max(hi, r[size_t(i) * cols + c]);
    }
    const QParams p = choose_symmetric(lo, hi, range);
    out.scales[c] = p.scale;
    for (int i = 0; i < rows; ++i) {
      out.q[size_t(i) * cols + c] = quantize(r[size_t(i) * cols + c], p, range);
    }
  }
  return out;
}

const char* to_string(Rounding r) { return r == Rounding::kDouble ? "double" : "single"; }

Rounding parse_rounding(const std::string& s) {
  if (s == "double") return Rounding::kDouble;
  if (s == "single") return Rounding::kSingle;
  fail(fmt::format("rounding '{}' is not 'double' or 'single'", s));
}

Multiplier quantize_multiplier(double m, Rounding mode) {
  if (!std::isfinite(m) || m < 0.0) {
    fail(fmt::format("real multiplier {} must be finite and >= 0", m));
  }
  if (m == 0.0) return {0, 0};
  int e = 0;
  const double q = std::frexp(m, &e);                       // m = q * 2^e, q in [0.5, 1)
  int64_t m0 = std::llround(q * double(int64_t{1} << 31));  // ties away from zero
  if (m0 == (int64_t{1} << 31)) {
    m0 = int64_t{1} << 30;
    ++e;
  }
  if (e < kMinShift) return {0, 0};
  if (mode == Rounding::kSingle && e > kMaxShift) {
    e = kMaxShift;
    m0 = kMaxM0;
  }
  return {static_cast<int32_t>(m0), e};
}

void check_multiplier(int64_t m0, int64_t shift) {
  if (m0 < 0 || m0 > kMaxM0) fail(fmt::format("M0 {} outside [0, {}]", m0, kMaxM0));
  if (shift < kMinShift || shift > kMaxShift) {
    fail(fmt::format("shift {} outside [{}, {}]", shift, kMinShift, kMaxShift));
  }
}

int32_t srdhm(int32_t x, int32_t m0) {
  if (x == std::numeric_limits<int32_t>::min() && m0 == std::numeric_limits<int32_t>::min()) {
    return std::numeric_limits<int32_t>::max();
  }
  const int64_t p = int64_t{x} * int64_t{m0};  // |p| <= 2^62, so p + 2^30 cannot overflow
  return static_cast<int32_t>(asr(p + (int64_t{1} << 30), 31));
}

int32_t rounding_divide_by_pot(int32_t x, int exponent) {
  if (exponent < 0 || exponent > 31) fail(fmt::format("exponent {} outside [0, 31]", exponent));
  const int64_t mask = (int64_t{1} << exponent) - 1;
  const int64_t remainder = int64_t{x} & mask;
  const int64_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return static_cast<int32_t>(asr(x, exponent) + (remainder > threshold ? 1 : 0));
}

int64_t multiply_by_quantized_multiplier(int32_t a, int32_t m0, int shift, Rounding mode) {
  if (shift < kMinShift || shift > kMaxShift) {
    fail(fmt::format("shift {} outside [{}, {}]", shift, kMinShift, kMaxShift));
  }
  if (mode == Rounding::kDouble) {
    const int left = std::max(shift, 0);
    const int right = std::max(-shift, 0);
    const auto x = static_cast<int32_t>(static_cast<uint32_t>(a) << left);  // wraps in int32
    return rounding_divide_by_pot(srdhm(x, m0), right);
  }
  const int t = 31 - shift;                    // 1 .. 62
  const int64_t p = int64_t{a} * int64_t{m0};  // |p| <= 2^62
  return asr(p + (int64_t{1} << (t - 1)), t);  // p + 2^61 < 2^63
}

Activation parse_activation(const std::string& s) {
  if (s == "none") return Activation::kNone;
  if (s == "relu") return Activation::kRelu;
  if (s == "relu6") return Activation::kRelu6;
  fail(fmt::format("activation '{}' is not 'none', 'relu' or 'relu6'", s));
}

const char* to_string(Activation a) {
  switch (a) {
    case Activation::kNone:
      return "none";
    case Activation::kRelu:
      return "relu";
    case Activation::kRelu6:
      return "relu6";
  }
  return "?";
}

void validate(const OutputStage& s) {
  check_multiplier(s.m0, s.shift);
  const IntRange r8 = int8_range();
  auto in8 = [&](int32_t v, const char* what) {
    if (v < r8.min || v > r8.max) fail(fmt::format("{} {} outside [-128, 127]", what, v));
  };
  in8(s.zp_out, "output zero point");
  in8(s.act_min, "act_min");
  in8(s.act_max, "act_max");
  if (s.act_min > s.act_max) fail(fmt::format("act_min {} > act_max {}", s.act_min, s.act_max));
}

IntRange activation_bounds(Activation act, int32_t zp_out, float scale_out) {
  const IntRange r8 = int8_range();
  switch (act) {
    case Activation::kNone:
      return r8;
    case Activation::kRelu:
      return {std::max(zp_out, r8.min), r8.max};
    case Activation::kRelu6: {
      if (!(std::isfinite(scale_out) && scale_out > 0)) fail("ReLU6 needs an output scale > 0");
      const double top = std::min(double(r8.max), zp_out + std::round(6.0 / scale_out));
      return {std::max(zp_out, r8.min), static_cast<int32_t>(top)};
    }
  }
  return r8;
}

int32_t requantize(int32_t acc, int32_t bias, const OutputStage& s) {
  const int64_t y =
      multiply_by_quantized_multiplier(wrap_add(acc, bias), s.m0, s.shift, s.rounding);
  // Lower bound first, then upper (defined even for act_min > act_max, as the RTL's clamp is).
  const int64_t v = y + s.zp_out;
  if (v < s.act_min) return s.act_min;
  if (v > s.act_max) return s.act_max;
  return static_cast<int32_t>(v);
}

std::vector<int32_t> fold_bias(const std::vector<int32_t>& bias, const std::vector<int8_t>& b,
                               int k, int n, int32_t zp_in) {
  if (!bias.empty() && bias.size() != size_t(n)) {
    fail(fmt::format("bias has {} values, expected N = {}", bias.size(), n));
  }
  if (b.size() != size_t(k) * size_t(n)) {
    fail(fmt::format("B has {} values, expected K x N = {} x {}", b.size(), k, n));
  }
  std::vector<int32_t> out(n);
  for (int j = 0; j < n; ++j) {
    int32_t colsum = 0;
    for (int i = 0; i < k; ++i) colsum = wrap_add(colsum, b[size_t(i) * n + j]);
    out[j] = wrap_add(bias.empty() ? 0 : bias[j], wrap_mul(-zp_in, colsum));
  }
  return out;
}

OutputStage GemmQuant::column(int n) const {
  OutputStage s;
  s.m0 = m0.size() == 1 ? m0[0] : m0.at(n);
  s.shift = shift.size() == 1 ? shift[0] : shift.at(n);
  s.zp_out = zp_out;
  s.act_min = act_min;
  s.act_max = act_max;
  s.rounding = rounding;
  return s;
}

void validate(const GemmQuant& q, int n) {
  if (q.m0.size() != 1 && q.m0.size() != size_t(n)) {
    fail(fmt::format("M0 has {} values, expected 1 or N = {}", q.m0.size(), n));
  }
  if (q.shift.size() != 1 && q.shift.size() != size_t(n)) {
    fail(fmt::format("shift has {} values, expected 1 or N = {}", q.shift.size(), n));
  }
  for (int j = 0; j < n; ++j) validate(q.column(j));
}

std::vector<int32_t> gemm_acc(const std::vector<int8_t>& a, const std::vector<int8_t>& b, int m,
                              int n, int k) {
  if (m <= 0 || n <= 0 || k <= 0)
    fail(fmt::format("GEMM sizes M={} N={} K={} must be > 0", m, n, k));
  if (a.size() != size_t(m) * size_t(k)) {
    fail(fmt::format("A has {} values, expected M x K = {} x {}", a.size(), m, k));
  }
  if (b.size() != size_t(k) * size_t(n)) {
    fail(fmt::format("B has {} values, expected K x N = {} x {}", b.size(), k, n));
  }
  std::vector<uint32_t> acc(size_t(m) * size_t(n), 0u);
  for (int i = 0; i < m; ++i) {
    uint32_t* row = &acc[size_t(i) * n];
    for (int kk = 0; kk < k; ++kk) {
      const auto av = static_cast<uint32_t>(int32_t{a[size_t(i) * k + kk]});
      const int8_t* brow = &b[size_t(kk) * n];
      for (int j = 0; j < n; ++j) row[j] += av * static_cast<uint32_t>(int32_t{brow[j]});
    }
  }
  std::vector<int32_t> out(acc.size());
  std::transform(acc.begin(), acc.end(), out.begin(), [](uint32_t v) { return int32_t(v); });
  return out;
}

std::vector<int8_t> gemm_int8(const std::vector<int8_t>& a, const std::vector<int8_t>& b,
                              const std::vector<int32_t>& bias, int m, int n, int k,
                              const GemmQuant& q) {
  validate(q, n);
  if (!bias.empty() && bias.size() != size_t(n)) {
    fail(fmt::format("bias has {} values, expected N = {}", bias.size(), n));
  }
  const std::vector<int32_t> acc = gemm_acc(a, b, m, n, k);
  std::vector<OutputStage> cols(n);
  for (int j = 0; j < n; ++j) cols[j] = q.column(j);
  std::vector<int8_t> c(acc.size());
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) {
      const size_t idx = size_t(i) * n + j;
      c[idx] = static_cast<int8_t>(requantize(acc[idx], bias.empty() ? 0 : bias[j], cols[j]));
    }
  }
  return c;
}

std::vector<float> gemm_float(const std::vector<float>& a, const std::vector<float>& b,
                              const std::vector<float>& bias, int m, int n, int k) {
  if (m <= 0 || n <= 0 || k <= 0)
    fail(fmt::format("GEMM sizes M={} N={} K={} must be > 0", m, n, k));
  if (a.size() != size_t(m) * size_t(k) || b.size() != size_t(k) * size_t(n) ||
      (!bias.empty() && bias.size() != size_t(n))) {
    fail("float GEMM operand sizes do not match M, N, K");
  }
  std::vector<float> c(size_t(m) * size_t(n));
  std::vector<double> row(n);
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) row[j] = bias.empty() ? 0.0 : bias[j];
    for (int kk = 0; kk < k; ++kk) {
      const double av = a[size_t(i) * k + kk];
      for (int j = 0; j < n; ++j) row[j] += av * b[size_t(kk) * n + j];
    }
    for (int j = 0; j < n; ++j) c[size_t(i) * n + j] = static_cast<float>(row[j]);
  }
  return c;
}

double sqnr_db(const std::vector<float>& ref, const std::vector<float>& test) {
  if (ref.size() != test.size()) fail("SQNR operands differ in size");
  double signal = 0.0, noise = 0.0;
  for (size_t i = 0; i < ref.size(); ++i) {
    signal += double(ref[i]) * ref[i];
    const double d = double(ref[i]) - test[i];
    noise += d * d;
  }
  if (noise == 0.0) return std::numeric_limits<double>::infinity();
  return 10.0 * std::log10(signal / noise);
}

const char* precision_name(Precision p) {
  switch (p) {
    case Precision::kW4A4:
      return "w4a4";
    case Precision::kW4A8:
      return "w4a8";
    case Precision::kInt8:
      break;
  }
  return "int8";
}

Precision parse_precision(const std::string& s) {
  if (s == "int8") return Precision::kInt8;
  if (s == "w4a8") return Precision::kW4A8;
  if (s == "w4a4") return Precision::kW4A4;
  throw std::invalid_argument("precision '" + s.substr(0, 40) + "' is not int8, w4a8 or w4a4");
}

long first_outside_int4(const std::vector<int8_t>& x) {
  for (size_t i = 0; i < x.size(); ++i) {
    if (x[i] < -8 || x[i] > 7) return long(i);
  }
  return -1;
}

std::vector<int8_t> pack_int4_pairs(const std::vector<int8_t>& x, int rows, int cols, int axis,
                                    const std::string& what) {
  if (rows < 0 || cols < 0 || x.size() != size_t(rows) * size_t(cols) || (axis != 0 && axis != 1)) {
    throw std::invalid_argument("pack_int4_pairs: " + what + " is not a rows x cols matrix");
  }
  const long bad = first_outside_int4(x);
  if (bad >= 0) {
    throw std::invalid_argument(
        what + "[" + std::to_string(bad / cols) + "][" + std::to_string(bad % cols) +
        "] = " + std::to_string(int(x[size_t(bad)])) + " is outside the 4-bit range [-8, 7]");
  }
  const int pr = axis == 0 ? (rows + 1) / 2 : rows;
  const int pc = axis == 1 ? (cols + 1) / 2 : cols;
  std::vector<int8_t> out(size_t(pr) * size_t(pc), 0);
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < cols; ++j) {
      const int oi = axis == 0 ? i / 2 : i, oj = axis == 1 ? j / 2 : j;
      const int high = axis == 0 ? i % 2 : j % 2;
      uint8_t& o = reinterpret_cast<uint8_t&>(out[size_t(oi) * size_t(pc) + size_t(oj)]);
      const uint8_t nib = uint8_t(x[size_t(i) * size_t(cols) + size_t(j)]) & 0xfu;
      o = uint8_t(o | (high ? nib << 4 : nib));
    }
  }
  return out;
}

std::vector<int8_t> unpack_int4_pairs(const std::vector<int8_t>& packed, int rows, int cols,
                                      int axis) {
  const int pr = axis == 0 ? (rows + 1) / 2 : rows;
  const int pc = axis == 1 ? (cols + 1) / 2 : cols;
  if (rows < 0 || cols < 0 || packed.size() != size_t(pr) * size_t(pc)) {
    throw std::invalid_argument("unpack_int4_pairs: the packed matrix has the wrong size");
  }
  std::vector<int8_t> out(size_t(rows) * size_t(cols));
  for (int i = 0; i < rows; ++i) {
    for (int j = 0; j < cols; ++j) {
      const int oi = axis == 0 ? i / 2 : i, oj = axis == 1 ? j / 2 : j;
      const int high = axis == 0 ? i % 2 : j % 2;
      const int b = uint8_t(packed[size_t(oi) * size_t(pc) + size_t(oj)]);
      const int nib = (high ? b >> 4 : b) & 0xf;
      out[size_t(i) * size_t(cols) + size_t(j)] = int8_t(nib >= 8 ? nib - 16 : nib);
    }
  }
  return out;
}

}  // namespace systolic::quant
