// systolic fp: the floating-point ALU model (arith/fp.h) on the command line.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli_util.h"
#include "commands.h"
#include "fp.h"

namespace systolic::cli {
namespace {

// A bit pattern of format f: hex digits with an optional 0x prefix, no wider than the format.
uint32_t parse_bits(const std::string& s, const fp::Format& f, const std::string& what) {
  size_t i = s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X') ? 2 : 0;
  if (i == s.size() ||
      !std::all_of(s.begin() + static_cast<std::ptrdiff_t>(i), s.end(),
                   [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; })) {
    throw UserError(fmt::format("{} '{}' is not a hex bit pattern", what, printable(s)));
  }
  while (i + 1 < s.size() && s[i] == '0') ++i;  // leading zeros do not count
  const std::string digits = s.substr(i);
  const uint64_t v = digits.size() > 8 ? ~uint64_t{0} : std::stoull(digits, nullptr, 16);
  if (v > fp::bit_mask(f)) {
    throw UserError(
        fmt::format("{} {} is wider than {} ({} bits)", what, printable(s), f.name, fp::width(f)));
  }
  return static_cast<uint32_t>(v);
}

}  // namespace

void add_fp_command(CLI::App& app) {
  struct Opts {
    std::string format = "fp32";
    std::string op;
    bool stages = false;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "fp",
      "Read hex bit patterns 'a b' ('a b c' for fma: a*b+c) from stdin, print the result's bits");
  cmd->add_option("--format", opts->format, "fp32 | fp16 | bf16")
      ->capture_default_str()
      ->check(CLI::IsMember({"fp32", "fp16", "bf16"}));
  cmd->add_option("op", opts->op, "add | mul | fma")
      ->required()
      ->check(CLI::IsMember({"add", "mul", "fma"}));
  cmd->add_flag("--stages", opts->stages,
                "After each result, print what every datapath stage produced (unpack .. pack)");
  cmd->callback([opts] {
    const fp::Format f = fp::parse_format(opts->format);
    const fp::Op op = fp::parse_op(opts->op);
    const size_t n = static_cast<size_t>(fp::operand_count(op));
    const int digits = (fp::width(f) + 3) / 4;
    const std::string out = map_stdin_lines([&](const std::vector<std::string>& fields) {
      if (fields.size() != n) {
        throw UserError(fmt::format("expected {} fields '{}', got {}", n, n == 3 ? "a b c" : "a b",
                                    fields.size()));
      }
      const char* names[] = {"a", "b", "c"};
      uint32_t v[3] = {0, 0, 0};
      for (size_t i = 0; i < n; ++i) v[i] = parse_bits(fields[i], f, names[i]);
      fp::Trace trace;
      const uint32_t r = fp::apply(op, f, v[0], v[1], v[2], opts->stages ? &trace : nullptr);
      std::string line = fmt::format("{:0{}x}\n", r, digits);
      for (const auto& [stage, what] : trace.stages)
        line += fmt::format("  {:<13} {}\n", stage, what);
      return line;
    });
    fmt::print("{}", out);
  });
}

}  // namespace systolic::cli
