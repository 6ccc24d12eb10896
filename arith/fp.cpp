#include "fp.h"

#include <fmt/format.h>

#include <stdexcept>

namespace systolic::fp {
namespace {

uint64_t low_mask(int n) { return n >= 64 ? ~uint64_t{0} : (uint64_t{1} << n) - 1; }

// Number of significant bits of v (0 for 0).
int bit_length(uint64_t v) { return v == 0 ? 0 : 64 - __builtin_clzll(v); }

// Records one stage when tracing; the description is only formatted when it is wanted.
template <typename Describe>
void note(Trace* t, const char* stage, Describe&& describe) {
  if (t != nullptr) t->stages.emplace_back(stage, describe());
}

std::string describe_special(const Format& f, const Special& s, uint32_t out) {
  if (!s.active) return fmt::format("0x{:0{}x}", out, (width(f) + 3) / 4);
  return fmt::format("0x{:0{}x} (special: {})", out, (width(f) + 3) / 4,
                     s.nan ? "NaN" : (s.sign ? "-Inf" : "+Inf"));
}

// The common tail of every operation: lzc, normalize, round, pack.
uint32_t finish(const Format& f, const Wide& x, const Special& sp, Trace* t) {
  const int lz = leading_zeros(x);
  note(t, "lzc", [&] { return fmt::format("lzc={}", lz); });
  const Wide n = normalize(f, x, lz);
  note(t, "normalize", [&] {
    return fmt::format("{} shift={}", to_string(n), (x.exp - n.exp));  // + left, - right
  });
  const Rounded r = round_nearest_even(f, n);
  note(t, "round", [&] { return to_string(r); });
  const uint32_t out = pack(f, r, sp);
  note(t, "pack", [&] { return describe_special(f, sp, out); });
  return out;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// Formats
// ---------------------------------------------------------------------------------------------

Format parse_format(const std::string& s) {
  for (const Format& f : {kFp32, kFp16, kBf16}) {
    if (s == f.name) return f;
  }
  throw std::invalid_argument(fmt::format("format '{}' is not fp32, fp16 or bf16", s));
}

void validate(const Format& f) {
  if (f.exp_bits < 2 || f.exp_bits > 8 || f.frac_bits < 1 || f.frac_bits > 23) {
    throw std::invalid_argument(
        fmt::format("float format e{} f{} unsupported: exponent bits must be in [2, 8] and "
                    "fraction bits in [1, 23]",
                    f.exp_bits, f.frac_bits));
  }
}

bool is_nan(const Format& f, uint32_t bits) { return unpack(f, bits).cls == Class::kNan; }

// ---------------------------------------------------------------------------------------------
// Unpack
// ---------------------------------------------------------------------------------------------

const char* to_string(Class c) {
  switch (c) {
    case Class::kZero:
      return "zero";
    case Class::kSubnormal:
      return "subnormal";
    case Class::kNormal:
      return "normal";
    case Class::kInf:
      return "inf";
    case Class::kNan:
      return "nan";
  }
  return "?";
}

Unpacked unpack(const Format& f, uint32_t bits) {
  const int frac_bits = f.frac_bits;
  const uint32_t exp_ones = (uint32_t{1} << f.exp_bits) - 1;
  const uint32_t frac = bits & ((uint32_t{1} << frac_bits) - 1);
  Unpacked u;
  u.sign = ((bits >> (f.exp_bits + frac_bits)) & 1) != 0;
  u.exp_field = (bits >> frac_bits) & exp_ones;
  if (u.exp_field == 0) {
    u.exp = 1;
    u.sig = frac;
    u.cls = frac == 0 ? Class::kZero : Class::kSubnormal;
  } else {
    u.exp = static_cast<int>(u.exp_field);
    u.sig = (uint32_t{1} << frac_bits) | frac;
    u.cls = u.exp_field != exp_ones ? Class::kNormal : frac == 0 ? Class::kInf : Class::kNan;
  }
  return u;
}

std::string to_string(const Unpacked& u) {
  return fmt::format("{} exp={} sig=0x{:x} {}", u.sign ? '-' : '+', u.exp_field, u.sig,
                     to_string(u.cls));
}

// ---------------------------------------------------------------------------------------------
// The datapath word
// ---------------------------------------------------------------------------------------------

std::string to_string(const Wide& x) {
  return fmt::format("{} exp={} sig=0x{:x} G={} R={} S={} (w={})", x.sign ? '-' : '+', x.exp,
                     x.sig >> 3, (x.sig >> 2) & 1, (x.sig >> 1) & 1, x.sig & 1, x.w);
}

Wide to_wide(const Format& f, const Unpacked& u, int w) {
  Wide x;
  x.sign = u.sign;
  x.exp = u.exp;
  x.sig = uint64_t{u.sig} << (w - precision(f) + 3);
  x.w = w;
  return x;
}

// ---------------------------------------------------------------------------------------------
// Add path
// ---------------------------------------------------------------------------------------------

Compared exp_compare(const Wide& a, const Wide& b) {
  if (a.w != b.w) {
    throw std::invalid_argument(fmt::format("exp_compare: widths {} and {} differ", a.w, b.w));
  }
  bool swap;
  if (a.sig == 0 || b.sig == 0) {
    swap = a.sig == 0 && b.sig != 0;
  } else {
    swap = b.exp > a.exp || (b.exp == a.exp && b.sig > a.sig);
  }
  Compared c;
  c.big = swap ? b : a;
  c.small = swap ? a : b;
  c.swapped = swap;
  c.diff = c.small.sig == 0 ? 0 : c.big.exp - c.small.exp;
  return c;
}

Wide align(const Wide& x, int shift) {
  Wide r = x;
  if (shift <= 0) return r;
  r.exp += shift;
  if (shift >= 64) {
    r.sig = x.sig != 0 ? 1 : 0;
  } else {
    const bool lost = (x.sig & low_mask(shift)) != 0;
    r.sig = (x.sig >> shift) | (lost ? 1 : 0);
  }
  return r;
}

Wide add_significands(const Wide& big, const Wide& small) {
  Wide r = big;
  r.sig = big.sign == small.sign ? big.sig + small.sig : big.sig - small.sig;
  if (r.sig == 0) r.sign = big.sign && small.sign;
  return r;
}

int leading_zeros(const Wide& x) { return x.w + 4 - bit_length(x.sig); }

Wide normalize(const Format& /*f*/, const Wide& x, int lzc) {
  Wide r = x;
  if (x.sig == 0) {
    r.exp = 1;
    return r;
  }
  int shift = lzc - 1;                       // left shift to the leading-one position
  if (x.exp - shift < 1) shift = x.exp - 1;  // stop at exponent 1: subnormal / denormalize
  if (shift >= 0) {
    r.sig = x.sig << shift;
    r.exp = x.exp - shift;
  } else {
    r = align(x, -shift);
  }
  return r;
}

Rounded round_nearest_even(const Format& f, const Wide& x) {
  const int p = precision(f);
  const int drop = x.w + 3 - p;  // bits below the kept LSB: at least guard, round and sticky
  uint64_t keep = x.sig >> drop;
  const uint64_t rest = x.sig & low_mask(drop);
  const uint64_t half = uint64_t{1} << (drop - 1);
  Rounded r;
  r.sign = x.sign;
  r.exp = x.exp;
  r.inexact = rest != 0;
  if (rest > half || (rest == half && (keep & 1) != 0)) ++keep;
  if ((keep >> p) != 0) {  // 1.11..1 rounded up to 10.00..0
    keep >>= 1;
    ++r.exp;
  }
  r.sig = static_cast<uint32_t>(keep);
  r.overflow = r.exp > max_exp(f);
  return r;
}

std::string to_string(const Rounded& r) {
  return fmt::format("{} exp={} sig=0x{:x}{}{}", r.sign ? '-' : '+', r.exp, r.sig,
                     r.inexact ? " inexact" : " exact", r.overflow ? " overflow" : "");
}

Special add_special(const Unpacked& a, const Unpacked& b) {
  Special s;
  const bool a_inf = a.cls == Class::kInf, b_inf = b.cls == Class::kInf;
  if (a.cls == Class::kNan || b.cls == Class::kNan || (a_inf && b_inf && a.sign != b.sign)) {
    s.active = s.nan = true;
  } else if (a_inf || b_inf) {
    s.active = true;
    s.sign = a_inf ? a.sign : b.sign;
  }
  return s;
}

Special mul_special(const Unpacked& a, const Unpacked& b) {
  Special s;
  const bool a_inf = a.cls == Class::kInf, b_inf = b.cls == Class::kInf;
  if (a.cls == Class::kNan || b.cls == Class::kNan || (a_inf && b.cls == Class::kZero) ||
      (b_inf && a.cls == Class::kZero)) {
    s.active = s.nan = true;
  } else if (a_inf || b_inf) {
    s.active = true;
    s.sign = a.sign != b.sign;
  }
  return s;
}

Special fma_special(const Unpacked& a, const Unpacked& b, const Unpacked& c) {
  Special s = mul_special(a, b);
  if (s.nan) return s;
  if (c.cls == Class::kNan || (s.active && c.cls == Class::kInf && c.sign != s.sign)) {
    s.active = s.nan = true;
  } else if (!s.active && c.cls == Class::kInf) {
    s.active = true;
    s.sign = c.sign;
  }
  return s;
}

uint32_t pack(const Format& f, const Rounded& r, const Special& s) {
  if (s.active) return s.nan ? quiet_nan(f) : inf_bits(f, s.sign);
  if (r.overflow) return inf_bits(f, r.sign);
  const int fb = f.frac_bits;
  const uint32_t sign = r.sign ? uint32_t{1} << (f.exp_bits + fb) : 0;
  const bool normal = (r.sig >> fb) != 0;  // hidden bit
  const uint32_t exp = normal ? static_cast<uint32_t>(r.exp) : 0;
  return sign | (exp << fb) | (r.sig & ((uint32_t{1} << fb) - 1));
}

// ---------------------------------------------------------------------------------------------
// Multiply
// ---------------------------------------------------------------------------------------------

int exp_add(const Format& f, const Unpacked& a, const Unpacked& b) {
  return a.exp + b.exp - bias(f);
}

Wide sig_mul(const Format& f, const Unpacked& a, const Unpacked& b, int exp) {
  Wide x;
  x.sign = a.sign != b.sign;
  x.exp = exp;
  x.sig = (uint64_t{a.sig} * b.sig) << 3;
  x.w = 2 * precision(f) - 1;
  return x;
}

Wide prenormalize(const Wide& x, int w) {
  if (w < x.w) {
    throw std::invalid_argument(fmt::format("prenormalize: width {} < {}", w, x.w));
  }
  Wide r = x;
  r.w = w;
  r.sig = x.sig << (w - x.w);
  if (r.sig == 0) return r;
  const int lz = leading_zeros(r);
  if (lz == 0) return align(r, 1);  // exact when w > x.w: the widening freed the low bit
  r.sig <<= lz - 1;
  r.exp -= lz - 1;
  return r;
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

const char* to_string(Op op) {
  switch (op) {
    case Op::kAdd:
      return "add";
    case Op::kMul:
      return "mul";
    case Op::kFma:
      return "fma";
  }
  return "?";
}

Op parse_op(const std::string& s) {
  for (const Op op : {Op::kAdd, Op::kMul, Op::kFma}) {
    if (s == to_string(op)) return op;
  }
  throw std::invalid_argument(fmt::format("operation '{}' is not add, mul or fma", s));
}

int operand_count(Op op) { return op == Op::kFma ? 3 : 2; }

const std::vector<std::string>& stage_names(Op op) {
  static const std::vector<std::string> kAdd = {"unpack", "exp_compare", "align", "add",
                                                "lzc",    "normalize",   "round", "pack"};
  static const std::vector<std::string> kMul = {"unpack",    "exp_add", "sig_mul", "lzc",
                                                "normalize", "round",   "pack"};
  static const std::vector<std::string> kFma = {"unpack",      "exp_add", "sig_mul", "prenormalize",
                                                "exp_compare", "align",   "add",     "lzc",
                                                "normalize",   "round",   "pack"};
  switch (op) {
    case Op::kAdd:
      return kAdd;
    case Op::kMul:
      return kMul;
    case Op::kFma:
      return kFma;
  }
  throw std::invalid_argument("stage_names: unknown operation");
}

uint32_t add(const Format& f, uint32_t a, uint32_t b, Trace* trace) {
  validate(f);
  if (trace != nullptr) trace->stages.clear();
  const Unpacked ua = unpack(f, a), ub = unpack(f, b);
  const Special sp = add_special(ua, ub);
  note(trace, "unpack", [&] { return fmt::format("a: {}; b: {}", to_string(ua), to_string(ub)); });
  const int p = precision(f);
  const Compared cmp = exp_compare(to_wide(f, ua, p), to_wide(f, ub, p));
  note(trace, "exp_compare", [&] {
    return fmt::format("diff={} swap={} exp={}", cmp.diff, cmp.swapped ? "yes" : "no", cmp.big.exp);
  });
  const Wide small = align(cmp.small, cmp.diff);
  note(trace, "align", [&] { return to_string(small); });
  const Wide sum = add_significands(cmp.big, small);
  note(trace, "add", [&] {
    return fmt::format("{} {}", cmp.big.sign == small.sign ? "add" : "sub", to_string(sum));
  });
  return finish(f, sum, sp, trace);
}

uint32_t mul(const Format& f, uint32_t a, uint32_t b, Trace* trace) {
  validate(f);
  if (trace != nullptr) trace->stages.clear();
  const Unpacked ua = unpack(f, a), ub = unpack(f, b);
  const Special sp = mul_special(ua, ub);
  note(trace, "unpack", [&] { return fmt::format("a: {}; b: {}", to_string(ua), to_string(ub)); });
  const int exp = exp_add(f, ua, ub);
  note(trace, "exp_add", [&] { return fmt::format("exp={}", exp); });
  const Wide prod = sig_mul(f, ua, ub, exp);
  note(trace, "sig_mul", [&] { return to_string(prod); });
  return finish(f, prod, sp, trace);
}

uint32_t fma(const Format& f, uint32_t a, uint32_t b, uint32_t c, Trace* trace) {
  validate(f);
  if (trace != nullptr) trace->stages.clear();
  const Unpacked ua = unpack(f, a), ub = unpack(f, b), uc = unpack(f, c);
  const Special sp = fma_special(ua, ub, uc);
  note(trace, "unpack", [&] {
    return fmt::format("a: {}; b: {}; c: {}", to_string(ua), to_string(ub), to_string(uc));
  });
  const int exp = exp_add(f, ua, ub);
  note(trace, "exp_add", [&] { return fmt::format("exp={}", exp); });
  const Wide prod = sig_mul(f, ua, ub, exp);
  note(trace, "sig_mul", [&] { return to_string(prod); });
  const int p = precision(f);
  const Wide pn = prenormalize(prod, 2 * p);
  const Wide cn = prenormalize(to_wide(f, uc, p), 2 * p);
  note(trace, "prenormalize",
       [&] { return fmt::format("a*b: {}; c: {}", to_string(pn), to_string(cn)); });
  const Compared cmp = exp_compare(pn, cn);
  note(trace, "exp_compare", [&] {
    return fmt::format("diff={} swap={} exp={}", cmp.diff, cmp.swapped ? "yes" : "no", cmp.big.exp);
  });
  const Wide small = align(cmp.small, cmp.diff);
  note(trace, "align", [&] { return to_string(small); });
  const Wide sum = add_significands(cmp.big, small);
  note(trace, "add", [&] {
    return fmt::format("{} {}", cmp.big.sign == small.sign ? "add" : "sub", to_string(sum));
  });
  return finish(f, sum, sp, trace);
}

uint32_t apply(Op op, const Format& f, uint32_t a, uint32_t b, uint32_t c, Trace* trace) {
  switch (op) {
    case Op::kAdd:
      return add(f, a, b, trace);
    case Op::kMul:
      return mul(f, a, b, trace);
    case Op::kFma:
      return fma(f, a, b, c, trace);
  }
  throw std::invalid_argument("apply: unknown operation");
}

}  // namespace systolic::fp
