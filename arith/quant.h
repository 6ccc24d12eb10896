// Quantization library: the arithmetic contract of docs/arithmetic.md in plain C++17.
//
// Everything the model, the RTL and the CLI compute is checked against these functions. They follow
// TFLite's reference kernels (quantize op, QuantizeMultiplier, MultiplyByQuantizedMultiplier in
// both rounding modes) bit for bit. Invalid arguments throw std::invalid_argument with a message a
// user can act on; no input is undefined behaviour (int32 wrap-around is done on unsigned values).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace systolic::quant {

// ---------------------------------------------------------------------------------------------
// Integer ranges, quantize and dequantize (spec section 1)
// ---------------------------------------------------------------------------------------------

inline constexpr int kMinBits = 2;
inline constexpr int kMaxBits = 16;

// Inclusive range of a signed N-bit integer; narrow range drops the lowest value.
struct IntRange {
  int32_t min;
  int32_t max;
};
IntRange int_range(int bits, bool narrow = false);  // throws for bits outside [2, 16]
inline IntRange int8_range(bool narrow = false) { return int_range(8, narrow); }
inline IntRange int4_range(bool narrow = false) { return int_range(4, narrow); }

// Affine mapping r = scale * (q - zero_point).
struct QParams {
  float scale = 1.0f;
  int32_t zero_point = 0;
};

// Throws unless scale is finite and > 0 and the zero point lies inside the range.
void validate(const QParams& p, IntRange range);

// q = clamp(round(r / S) + Z, qmin, qmax): float32 division, ties away from zero. NaN throws.
int32_t quantize(float r, const QParams& p, IntRange range);
// r_hat = S * (q - Z), computed in float32 as TFLite's dequantize op does.
float dequantize(int32_t q, const QParams& p);

std::vector<int32_t> quantize(const std::vector<float>& r, const QParams& p, IntRange range);
std::vector<float> dequantize(const std::vector<int32_t>& q, const QParams& p);

// Symmetric (weights): Z = 0, S = max|r| / qmax. An all-zero tensor gets S = 1.
QParams choose_symmetric(float min, float max, IntRange range);
// Asymmetric (activations): range widened to include 0, S = (max - min) / (qmax - qmin),
// Z = round(qmin - min / S) clamped into range, so real 0 is exactly representable.
QParams choose_asymmetric(float min, float max, IntRange range);

// Per-channel symmetric quantization of a row-major rows x cols matrix whose channels are its
// columns (the N axis of a weight matrix B[K x N]): one scale per column, Z = 0.
struct PerChannel {
  std::vector<float> scales;  // one per column
  std::vector<int32_t> q;     // rows * cols, row-major
};
PerChannel quantize_per_channel(const std::vector<float>& r, int rows, int cols, IntRange range);

// ---------------------------------------------------------------------------------------------
// The real multiplier as (M0, shift) (spec section 3)
// ---------------------------------------------------------------------------------------------

enum class Rounding { kDouble, kSingle };
const char* to_string(Rounding r);
Rounding parse_rounding(const std::string& s);  // "double" | "single"; throws otherwise

inline constexpr int kMinShift = -31;
inline constexpr int kMaxShift = 30;
inline constexpr int64_t kMaxM0 = 0x7fffffffLL;

struct Multiplier {
  int32_t m0 = 0;
  int shift = 0;
};

// TFLite's QuantizeMultiplier. In double-rounding mode the shift may exceed kMaxShift for m >=
// 2^30; such a multiplier is not representable by the requantization unit (check_multiplier rejects
// it). Throws for a negative or non-finite m.
Multiplier quantize_multiplier(double m, Rounding mode);
// Throws unless m0 in [0, 2^31-1] and shift in [kMinShift, kMaxShift].
void check_multiplier(int64_t m0, int64_t shift);

// ---------------------------------------------------------------------------------------------
// Requantization (spec section 4)
// ---------------------------------------------------------------------------------------------

// Saturating rounding doubling high multiply: floor((x * m0 + 2^30) / 2^31); the one overflowing
// case x = m0 = INT32_MIN gives INT32_MAX.
int32_t srdhm(int32_t x, int32_t m0);
// x / 2^exponent rounded to nearest, ties away from zero. exponent in [0, 31].
int32_t rounding_divide_by_pot(int32_t x, int exponent);
// y = MBQM(a, M0, shift). Double: x = a * 2^L wraps in int32, srdhm, rounding right shift.
// Single: floor((a * M0 + 2^(t-1)) / 2^t), t = 31 - shift, returned exactly in 64 bits (it can
// exceed int32 for large shifts; TFLite leaves that case undefined, the output clamp saturates it).
int64_t multiply_by_quantized_multiplier(int32_t a, int32_t m0, int shift, Rounding mode);

enum class Activation { kNone, kRelu, kRelu6 };
Activation parse_activation(const std::string& s);  // "none" | "relu" | "relu6"
const char* to_string(Activation a);

// The full output stage of one output channel.
struct OutputStage {
  int32_t m0 = 1 << 30;
  int shift = 0;
  int32_t zp_out = 0;
  int32_t act_min = -128;
  int32_t act_max = 127;
  Rounding rounding = Rounding::kDouble;
};
// Throws unless M0/shift are representable, zp_out and the bounds lie in int8 and min <= max.
void validate(const OutputStage& s);

// Activation bounds per spec section 4: none [-128, 127]; ReLU [Z_Y, 127];
// ReLU6 [Z_Y, min(127, Z_Y + round(6 / S_Y))].
IntRange activation_bounds(Activation act, int32_t zp_out, float scale_out);

// out = clamp(MBQM(acc + bias) + zp_out, act_min, act_max), acc + bias wrapping in int32.
int32_t requantize(int32_t acc, int32_t bias, const OutputStage& s);

// ---------------------------------------------------------------------------------------------
// Bias folding and the reference quantized GEMM (spec section 2)
// ---------------------------------------------------------------------------------------------

// int32 add / multiply with two's complement wrap-around.
inline int32_t wrap_add(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) + static_cast<uint32_t>(b));
}
inline int32_t wrap_mul(int32_t a, int32_t b) {
  return static_cast<int32_t>(static_cast<uint32_t>(a) * static_cast<uint32_t>(b));
}

// q_bias[n] = q_b[n] - zp_in * sum_k B[k, n]   (wrapping). B is row-major K x N. An empty bias is
// taken as zeros.
std::vector<int32_t> fold_bias(const std::vector<int32_t>& bias, const std::vector<int8_t>& b,
                               int k, int n, int32_t zp_in);

// Per-output-channel (per column) requantization parameters of a GEMM.
struct GemmQuant {
  std::vector<int32_t> m0;  // N entries (or 1, broadcast)
  std::vector<int> shift;   // N entries (or 1, broadcast)
  int32_t zp_out = 0;
  int32_t act_min = -128;
  int32_t act_max = 127;
  Rounding rounding = Rounding::kDouble;

  OutputStage column(int n) const;  // the output stage of column n
};
void validate(const GemmQuant& q, int n);

// acc[m, n] = sum_k A[m, k] * B[k, n] in int32 with wrap-around. A is M x K, B is K x N, row-major.
std::vector<int32_t> gemm_acc(const std::vector<int8_t>& a, const std::vector<int8_t>& b, int m,
                              int n, int k);
// The reference quantized GEMM: int8 C = requant(A * B + bias) per column.
std::vector<int8_t> gemm_int8(const std::vector<int8_t>& a, const std::vector<int8_t>& b,
                              const std::vector<int32_t>& bias, int m, int n, int k,
                              const GemmQuant& q);
// Its float counterpart: C = A * B + bias (bias may be empty), accumulated in double.
std::vector<float> gemm_float(const std::vector<float>& a, const std::vector<float>& b,
                              const std::vector<float>& bias, int m, int n, int k);

// ---------------------------------------------------------------------------------------------
// Precision modes and 4-bit packing (docs/arithmetic.md, "4-bit operands")
// ---------------------------------------------------------------------------------------------

// int8: 8-bit A and B. w4a4: 4-bit weights and activations, signed, in [-8, 7]; the engine takes
// them as nibble pairs along K (pack_int4_pairs). w4a8: 4-bit weights in [-8, 7] as nibble pairs
// along K, 8-bit activations as byte pairs along K (an A word pair per slot on the engine).
enum class Precision { kInt8, kW4A4, kW4A8 };
const char* precision_name(Precision p);          // "int8", "w4a4", "w4a8"
Precision parse_precision(const std::string& s);  // throws std::invalid_argument
// Weights (B) of 4 bits: w4a4 and w4a8.
inline bool four_bit_weights(Precision p) { return p != Precision::kInt8; }
// Activations (A) of 4 bits: w4a4.
inline bool four_bit_activations(Precision p) { return p == Precision::kW4A4; }
// The K the engine runs for a GEMM of depth k: k, or ceil(k / 2) pairs in the 4-bit modes.
inline int engine_k(int k, Precision p) { return four_bit_weights(p) ? (k + 1) / 2 : k; }
// MACs a PE makes per cycle: 1, or 2 in the 4-bit modes (an array's peak is this x Rows x Cols).
inline int macs_per_pe(Precision p) { return four_bit_weights(p) ? 2 : 1; }

// Packs a row-major rows x cols matrix of 4-bit values (each in [-8, 7], stored one per int8)
// into nibble pairs along `axis` (0: pairs of rows, 1: pairs of columns): element (i, j) of the
// result holds, along axis 1, x(i, 2j) in bits 3:0 and x(i, 2j+1) in bits 7:4 (along axis 0,
// x(2i, j) and x(2i+1, j)). An odd length is padded with a 0 nibble. Throws for a value out of
// range, naming `what`, its index and the value.
std::vector<int8_t> pack_int4_pairs(const std::vector<int8_t>& x, int rows, int cols, int axis,
                                    const std::string& what);
// The inverse: the unpacked rows x cols matrix (rows or cols the original, odd, length).
std::vector<int8_t> unpack_int4_pairs(const std::vector<int8_t>& packed, int rows, int cols,
                                      int axis);
// The first value of x outside [-8, 7] (its index), or -1.
long first_outside_int4(const std::vector<int8_t>& x);

// Signal-to-quantization-noise ratio in dB of `test` against `ref`: 10 log10(sum ref^2 /
// sum (ref - test)^2). Infinite when they are equal.
double sqnr_db(const std::vector<float>& ref, const std::vector<float>& test);

}  // namespace systolic::quant
