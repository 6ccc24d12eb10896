// systolic quantize | multiplier | requant: the quantization library on the command line.
#include <fmt/format.h>

#include <cmath>
#include <cstdint>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli_util.h"
#include "commands.h"
#include "quant.h"

namespace systolic::cli {
namespace q = systolic::quant;

void add_quantize_command(CLI::App& app) {
  struct Opts {
    std::string bits = "8";
    std::string scale;
    std::string zero_point = "0";
    bool narrow = false;
    std::vector<std::string> values;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "quantize", "Quantize reals: prints the integers, then the dequantized values");
  cmd->add_option("--bits", opts->bits, "Signed integer width, 2..16")->capture_default_str();
  cmd->add_option("--scale", opts->scale, "Scale S > 0")->required();
  cmd->add_option("--zero-point", opts->zero_point, "Zero point Z inside the integer range")
      ->capture_default_str();
  cmd->add_flag("--narrow", opts->narrow, "Narrow range: drop the lowest integer");
  cmd->add_option("values", opts->values, "Real values (put them after --)")->required();
  cmd->callback([opts] {
    const auto bits = static_cast<int>(parse_int(opts->bits, q::kMinBits, q::kMaxBits, "--bits"));
    const q::IntRange range = q::int_range(bits, opts->narrow);
    const double scale = parse_real(opts->scale, "--scale");
    if (!(scale > 0.0) || !std::isfinite(static_cast<float>(scale)) ||
        static_cast<float>(scale) == 0.0f) {
      throw UserError(fmt::format("--scale {} must be a finite float32 > 0", opts->scale));
    }
    const q::QParams p{
        static_cast<float>(scale),
        static_cast<int32_t>(parse_int(opts->zero_point, range.min, range.max, "--zero-point"))};
    std::vector<int32_t> ints;
    std::vector<float> reals;
    for (size_t i = 0; i < opts->values.size(); ++i) {
      const double r = parse_real(opts->values[i], fmt::format("value {}", i + 1));
      ints.push_back(q::quantize(static_cast<float>(r), p, range));
      reals.push_back(q::dequantize(ints.back(), p));
    }
    fmt::print("{}\n{}\n", fmt::join(ints, " "), fmt::join(reals, " "));
  });
}

void add_multiplier_command(CLI::App& app) {
  struct Opts {
    std::string rounding = "double";
    std::vector<std::string> reals;
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "multiplier", "Real multiplier m -> 'M0 shift', m = M0 * 2^shift / 2^31, one line per value");
  cmd->add_option("--rounding", opts->rounding, "double | single")
      ->capture_default_str()
      ->check(CLI::IsMember({"double", "single"}));
  cmd->add_option("reals", opts->reals, "Real multipliers >= 0")->required();
  cmd->callback([opts] {
    const q::Rounding mode = q::parse_rounding(opts->rounding);
    std::string out;
    for (size_t i = 0; i < opts->reals.size(); ++i) {
      const std::string what = fmt::format("multiplier {}", i + 1);
      const double m = parse_real(opts->reals[i], what);
      if (!std::isfinite(m) || m < 0.0) {
        throw UserError(fmt::format("{} '{}' must be finite and >= 0", what, opts->reals[i]));
      }
      const q::Multiplier qm = q::quantize_multiplier(m, mode);
      if (qm.shift > q::kMaxShift) {
        throw UserError(
            fmt::format("{} '{}' needs shift {} > {}: too large for the requantization unit "
                        "(single rounding saturates it)",
                        what, opts->reals[i], qm.shift, q::kMaxShift));
      }
      out += fmt::format("{} {}\n", qm.m0, qm.shift);
    }
    fmt::print("{}", out);
  });
}

void add_requant_command(CLI::App& app) {
  struct Opts {
    std::string rounding = "double";
  };
  auto opts = std::make_shared<Opts>();
  CLI::App* cmd = app.add_subcommand(
      "requant",
      "Read 'acc bias M0 shift zp_out [act_min act_max]' lines from stdin, print the int8 output");
  cmd->add_option("--rounding", opts->rounding, "double | single")
      ->capture_default_str()
      ->check(CLI::IsMember({"double", "single"}));
  cmd->callback([opts] {
    q::OutputStage s;
    s.rounding = q::parse_rounding(opts->rounding);
    const std::string out = map_stdin_lines([&](const std::vector<std::string>& f) {
      if (f.size() != 5 && f.size() != 7) {
        throw UserError(fmt::format(
            "expected 5 or 7 fields 'acc bias M0 shift zp_out [act_min act_max]', got {}",
            f.size()));
      }
      const auto acc = static_cast<int32_t>(parse_int(f[0], INT32_MIN, INT32_MAX, "acc"));
      const auto bias = static_cast<int32_t>(parse_int(f[1], INT32_MIN, INT32_MAX, "bias"));
      s.m0 = static_cast<int32_t>(parse_int(f[2], 0, q::kMaxM0, "M0"));
      s.shift = static_cast<int>(parse_int(f[3], q::kMinShift, q::kMaxShift, "shift"));
      s.zp_out = static_cast<int32_t>(parse_int(f[4], -128, 127, "zp_out"));
      s.act_min =
          f.size() == 7 ? static_cast<int32_t>(parse_int(f[5], -128, 127, "act_min")) : -128;
      s.act_max = f.size() == 7 ? static_cast<int32_t>(parse_int(f[6], -128, 127, "act_max")) : 127;
      if (s.act_min > s.act_max) {
        throw UserError(fmt::format("act_min {} > act_max {}", s.act_min, s.act_max));
      }
      return fmt::format("{}\n", q::requantize(acc, bias, s));
    });
    fmt::print("{}", out);
  });
}

}  // namespace systolic::cli
