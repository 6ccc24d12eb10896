// gen_requant_vectors: requantization test vectors for the Icarus testbench (tb_requant.sv).
//
//   gen_requant_vectors --seed S --count N [--rounding double|single|mixed] --out FILE
//
// Writes N random samples followed by the corner vectors of docs/arithmetic.md section 4,
// one sample per line, every field in two's complement hex (read with $fscanf "%h"):
//
//   acc(8) bias(8) m0(8) shift(2, 6-bit) zp_out(2) act_min(2) act_max(2) single(1) expected(2)
//
// `single` is the rounding mode of the sample (0 double, 1 single; "mixed" picks it per sample) and
// `expected` is systolic::quant::requantize of the sample, the reference the RTL must match. The
// seed is printed so that a failing run can be replayed; the output depends only on the arguments
// (the random numbers are mapped by hand, not by std:: distributions, whose output is unspecified).
#include <fmt/format.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "quant.h"

namespace {
namespace q = systolic::quant;

constexpr int32_t kI32Min = std::numeric_limits<int32_t>::min();
constexpr int32_t kI32Max = std::numeric_limits<int32_t>::max();
constexpr int32_t kM0Half = int32_t{1} << 30;  // M0 = 2^30, the multiplier 0.5 * 2^shift

enum class Mode { kDouble, kSingle, kMixed };

struct Sample {
  int32_t acc = 0;
  int32_t bias = 0;
  q::OutputStage stage;
};

class Rng {
 public:
  explicit Rng(uint64_t seed) : gen_(seed) {}
  uint64_t bits() { return gen_(); }
  // Uniform in [lo, hi] (inclusive), by a 128-bit multiply of one raw 64-bit draw.
  int64_t uniform(int64_t lo, int64_t hi) {
    const auto span = static_cast<unsigned __int128>(static_cast<uint64_t>(hi - lo)) + 1;
    const auto off = static_cast<uint64_t>((static_cast<unsigned __int128>(gen_()) * span) >> 64);
    return lo + static_cast<int64_t>(off);
  }
  bool chance(int percent) { return uniform(0, 99) < percent; }

 private:
  std::mt19937_64 gen_;  // its output sequence is fixed by the standard
};

// A signed value of `width` bits (1..32): covers every magnitude evenly on a log scale.
int32_t signed_of_width(Rng& rng, int width) {
  const int64_t half = int64_t{1} << (width - 1);
  return static_cast<int32_t>(rng.uniform(-half, half - 1));
}

int32_t random_int32(Rng& rng) {
  if (rng.chance(30)) return static_cast<int32_t>(rng.uniform(kI32Min, kI32Max));
  return signed_of_width(rng, static_cast<int>(rng.uniform(1, 32)));
}

int32_t random_m0(Rng& rng) {
  const int64_t r = rng.uniform(0, 99);
  if (r < 3) return 0;
  if (r < 6) return kI32Max;
  if (r < 10) return kM0Half;
  // Few significant bits: products land exactly on rounding ties.
  if (r < 16) return kM0Half + static_cast<int32_t>(rng.uniform(0, 1023) << 20);
  return static_cast<int32_t>(rng.uniform(kM0Half, kI32Max));
}

Sample random_sample(Rng& rng, Mode mode) {
  Sample s;
  s.stage.m0 = random_m0(rng);
  const int64_t kind = rng.uniform(0, 99);
  if (kind < 40) {
    // Realistic: a right shift, and an accumulator whose output lands near the int8 range.
    s.stage.shift = static_cast<int>(rng.uniform(q::kMinShift, q::kMaxShift));
    const int want = 9 - s.stage.shift + static_cast<int>(rng.uniform(-3, 2));
    const int width = want < 1 ? 1 : (want > 32 ? 32 : want);
    s.acc = signed_of_width(rng, width);
    s.bias = rng.chance(50) ? 0 : signed_of_width(rng, width > 2 ? width - 2 : 1);
  } else {
    s.stage.shift = rng.chance(50) ? static_cast<int>(rng.uniform(q::kMinShift, q::kMaxShift))
                                   : static_cast<int>(rng.uniform(-15, 2));
    s.acc = random_int32(rng);
    s.bias = rng.chance(20) ? 0 : random_int32(rng);
  }
  s.stage.zp_out = rng.chance(30) ? 0 : static_cast<int32_t>(rng.uniform(-128, 127));
  const int64_t bounds = rng.uniform(0, 99);
  if (bounds < 60) {
    s.stage.act_min = -128;
    s.stage.act_max = 127;
  } else if (bounds < 90) {
    const auto a = static_cast<int32_t>(rng.uniform(-128, 127));
    const auto b = static_cast<int32_t>(rng.uniform(-128, 127));
    s.stage.act_min = a < b ? a : b;
    s.stage.act_max = a < b ? b : a;
  } else {
    s.stage.act_min = s.stage.act_max = static_cast<int32_t>(rng.uniform(-128, 127));
  }
  s.stage.rounding = mode == Mode::kSingle   ? q::Rounding::kSingle
                     : mode == Mode::kDouble ? q::Rounding::kDouble
                     : rng.chance(50)        ? q::Rounding::kSingle
                                             : q::Rounding::kDouble;
  return s;
}

// The corner vectors of the arithmetic contract, in the requested mode(s).
std::vector<Sample> corner_samples(Mode mode) {
  std::vector<q::Rounding> modes;
  if (mode != Mode::kSingle) modes.push_back(q::Rounding::kDouble);
  if (mode != Mode::kDouble) modes.push_back(q::Rounding::kSingle);
  struct Pair {
    int32_t acc, bias;
  };
  const std::vector<Pair> accs = {{kI32Min, 0},
                                  {kI32Min, -1} /* wraps to INT32_MAX */,
                                  {kI32Max, 1} /* wraps to INT32_MIN */,
                                  {kI32Max, 0},
                                  {kI32Min + 1, 0},
                                  {-1, 0},
                                  {0, 0},
                                  {1, 0},
                                  {5, 0},
                                  {-6, 0},
                                  {0, kI32Min},
                                  {1 << 30, 1 << 30} /* wraps to INT32_MIN */};
  const std::vector<int32_t> m0s = {0, 1, kM0Half, kM0Half + 1, kI32Max};
  const std::vector<int> shifts = {-31, -30, -16, -2, -1, 0, 1, 2, 16, 29, 30};
  struct Out {
    int32_t zp, lo, hi;
  };
  const std::vector<Out> outs = {{0, -128, 127}, {-128, -128, 127}, {127, -128, 127}, {5, -3, 9}};
  std::vector<Sample> v;
  for (q::Rounding r : modes) {
    for (const Pair& a : accs) {
      for (int32_t m0 : m0s) {
        for (int shift : shifts) {
          for (const Out& o : outs) {
            Sample s;
            s.acc = a.acc;
            s.bias = a.bias;
            s.stage = {m0, shift, o.zp, o.lo, o.hi, r};
            v.push_back(s);
          }
        }
      }
    }
    // The self-check of section 4: M0 = 2^30, shift -1, acc 5 and -6, with the bias carrying
    // the value too.
    for (const Pair& a : std::vector<Pair>{{5, 0}, {-6, 0}, {0, 5}, {0, -6}, {2, 3}, {-3, -3}}) {
      Sample s;
      s.acc = a.acc;
      s.bias = a.bias;
      s.stage = {kM0Half, -1, 0, -128, 127, r};
      v.push_back(s);
    }
  }
  return v;
}

// The library's answer on the self-check of arithmetic.md, so a wrong reference is caught here.
bool self_check() {
  struct Check {
    int32_t acc;
    q::Rounding mode;
    int32_t want;
  };
  const Check checks[] = {{5, q::Rounding::kDouble, 2},
                          {5, q::Rounding::kSingle, 1},
                          {-6, q::Rounding::kDouble, -2},
                          {-6, q::Rounding::kSingle, -1}};
  bool ok = true;
  for (const Check& c : checks) {
    const q::OutputStage s{kM0Half, -1, 0, -128, 127, c.mode};
    const int32_t got = q::requantize(c.acc, 0, s);
    if (got != c.want) {
      fmt::print(stderr,
                 "gen_requant_vectors: self-check failed: acc {} {} gives {}, spec says {}\n",
                 c.acc, q::to_string(c.mode), got, c.want);
      ok = false;
    }
  }
  return ok;
}

std::string hex_line(const Sample& s, int32_t expected) {
  return fmt::format(
      "{:08x} {:08x} {:08x} {:02x} {:02x} {:02x} {:02x} {:x} {:02x}\n",
      static_cast<uint32_t>(s.acc), static_cast<uint32_t>(s.bias),
      static_cast<uint32_t>(s.stage.m0), static_cast<uint32_t>(s.stage.shift) & 0x3fu,
      static_cast<uint8_t>(s.stage.zp_out), static_cast<uint8_t>(s.stage.act_min),
      static_cast<uint8_t>(s.stage.act_max), s.stage.rounding == q::Rounding::kSingle ? 1 : 0,
      static_cast<uint8_t>(expected));
}

[[noreturn]] void usage(const std::string& problem) {
  fmt::print(stderr,
             "gen_requant_vectors: {}\n"
             "usage: gen_requant_vectors --seed S --count N [--rounding double|single|mixed] "
             "--out FILE\n",
             problem);
  std::exit(2);
}

uint64_t parse_u64(const std::string& s, const char* what) {
  char* end = nullptr;
  errno = 0;
  const unsigned long long v = std::strtoull(s.c_str(), &end, 10);
  if (s.empty() || s[0] == '-' || *end != '\0' || errno == ERANGE) {
    usage(fmt::format("{} '{}' is not a non-negative integer", what, s));
  }
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  std::string seed_s, count_s, out_path, rounding = "double";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (i + 1 >= argc) usage(fmt::format("'{}' needs a value", a));
    const std::string v = argv[++i];
    if (a == "--seed") {
      seed_s = v;
    } else if (a == "--count") {
      count_s = v;
    } else if (a == "--rounding") {
      rounding = v;
    } else if (a == "--out") {
      out_path = v;
    } else {
      usage(fmt::format("unknown option '{}'", a));
    }
  }
  if (seed_s.empty() || count_s.empty() || out_path.empty())
    usage("--seed, --count and --out are required");
  const uint64_t seed = parse_u64(seed_s, "--seed");
  const uint64_t count = parse_u64(count_s, "--count");
  if (count > 10'000'000) usage("--count above 10000000");
  Mode mode;
  if (rounding == "double") {
    mode = Mode::kDouble;
  } else if (rounding == "single") {
    mode = Mode::kSingle;
  } else if (rounding == "mixed") {
    mode = Mode::kMixed;
  } else {
    usage(fmt::format("--rounding '{}' is not double, single or mixed", rounding));
  }
  if (!self_check()) return 1;

  try {
    Rng rng(seed);
    std::vector<Sample> samples;
    samples.reserve(count);
    for (uint64_t i = 0; i < count; ++i) samples.push_back(random_sample(rng, mode));
    const std::vector<Sample> corners = corner_samples(mode);
    samples.insert(samples.end(), corners.begin(), corners.end());

    std::string text;
    text.reserve(samples.size() * 40);
    for (const Sample& s : samples) {
      q::validate(s.stage);
      text += hex_line(s, q::requantize(s.acc, s.bias, s.stage));
    }
    std::FILE* f = std::fopen(out_path.c_str(), "w");
    if (f == nullptr) {
      fmt::print(stderr, "gen_requant_vectors: cannot open '{}' for writing\n", out_path);
      return 1;
    }
    const bool written = std::fwrite(text.data(), 1, text.size(), f) == text.size();
    if (std::fclose(f) != 0 || !written) {
      fmt::print(stderr, "gen_requant_vectors: writing '{}' failed\n", out_path);
      return 1;
    }
    fmt::print(
        "gen_requant_vectors: seed {} (replay with --seed {}), rounding {}: {} random + {} "
        "corner = {} vectors -> {}\n",
        seed, seed, rounding, count, corners.size(), samples.size(), out_path);
  } catch (const std::exception& e) {
    fmt::print(stderr, "gen_requant_vectors: {}\n", e.what());
    return 1;
  }
  return 0;
}
