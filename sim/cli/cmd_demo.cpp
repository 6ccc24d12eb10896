// systolic demo: the arithmetic tour. It quantizes the seed vectors, derives
// multipliers from three scales, and pushes a small random quantized GEMM through the reference
// library and the verilated requantization unit, checking them against each other.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "cli_util.h"
#include "commands.h"
#include "quant.h"
#include "requant_rtl.h"

namespace systolic::cli {
namespace q = systolic::quant;
namespace {

struct DemoOpts {
  uint64_t seed = 1;
  std::string rounding = "double";
  int m = 8, n = 8, k = 64;
};
DemoOpts g_demo;

void print_seed_vectors() {
  const std::vector<float> seed = {-2.35f, -0.5f, 0.0f, 1.25f, 3.8f};
  fmt::print("1. Quantize the seed vector [{}]\n", fmt::join(seed, ", "));
  const struct {
    int bits;
    float scale;
  } cases[] = {{8, 0.03f}, {4, 0.5f}};
  for (const auto& c : cases) {
    const q::QParams p{c.scale, 0};
    const std::vector<int32_t> qv = q::quantize(seed, p, q::int_range(c.bits));
    fmt::print("   INT{} S={}: q = [{}]  r_hat = [{}]\n", c.bits, c.scale, fmt::join(qv, ", "),
               fmt::join(q::dequantize(qv, p), ", "));
  }
  const q::QParams half{0.5f, 0};
  const int32_t t = q::quantize(-1.25f, half, q::int8_range());
  fmt::print("   INT8 S=0.5: -1.25 -> {} (ties away from zero) -> {}\n", t, q::dequantize(t, half));
}

}  // namespace

void add_demo_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "demo",
      "Seed vectors, a multiplier from three scales, and a random quantized GEMM through "
      "the reference library and the verilated requantization unit");
  cmd->add_option("--seed", g_demo.seed, "Random seed")
      ->check(seed_validator())
      ->capture_default_str();
  cmd->add_option("--rounding", g_demo.rounding, "double | single")
      ->capture_default_str()
      ->check(CLI::IsMember({"double", "single"}));
  cmd->add_option("-M", g_demo.m, "GEMM rows of A and C")->capture_default_str();
  cmd->add_option("-N", g_demo.n, "GEMM columns of B and C")->capture_default_str();
  cmd->add_option("-K", g_demo.k, "GEMM inner dimension")->capture_default_str();
  cmd->callback(run_demo);
}

void run_demo() {
  const DemoOpts& o = g_demo;
  const q::Rounding mode = q::parse_rounding(o.rounding);
  for (const int v : {o.m, o.n, o.k}) {
    if (v < 1 || v > 4096) throw UserError(fmt::format("GEMM size {} outside [1, 4096]", v));
  }
  fmt::print("systolic demo  (seed {}, {} rounding; rerun with --seed {} to replay)\n\n", o.seed,
             q::to_string(mode), o.seed);
  print_seed_vectors();

  // A random float layer: activations A (M x K), weights B (K x N), bias (N).
  std::mt19937_64 rng(o.seed);
  std::uniform_real_distribution<float> act(-0.5f, 2.0f);
  std::normal_distribution<float> wgt(0.0f, 0.25f);
  std::vector<float> af(size_t(o.m) * o.k), bf(size_t(o.k) * o.n), biasf(o.n);
  for (float& v : af) v = act(rng);
  for (float& v : bf) v = wgt(rng);
  for (float& v : biasf) v = wgt(rng);

  // Quantize: asymmetric activations, per-channel symmetric weights, int32 bias at S_W * S_X.
  const q::IntRange r8 = q::int8_range();
  const auto [amin, amax] = std::minmax_element(af.begin(), af.end());
  const q::QParams px = q::choose_asymmetric(*amin, *amax, r8);
  const std::vector<int32_t> aq32 = q::quantize(af, px, r8);
  const q::PerChannel wq = q::quantize_per_channel(bf, o.k, o.n, q::int8_range(true));
  std::vector<int8_t> a(aq32.begin(), aq32.end()), b(wq.q.begin(), wq.q.end());
  std::vector<int32_t> bias_q(o.n);
  for (int j = 0; j < o.n; ++j) {
    bias_q[j] =
        static_cast<int32_t>(std::lround(double(biasf[j]) / (double(wq.scales[j]) * px.scale)));
  }
  const std::vector<float> cf = q::gemm_float(af, bf, biasf, o.m, o.n, o.k);
  const auto [cmin, cmax] = std::minmax_element(cf.begin(), cf.end());
  const q::QParams py = q::choose_asymmetric(*cmin, *cmax, r8);

  // 2. Multipliers from the three scales S_W[n] * S_X / S_Y.
  q::GemmQuant gq;
  gq.zp_out = py.zero_point;
  gq.rounding = mode;
  for (int j = 0; j < o.n; ++j) {
    const double m = double(wq.scales[j]) * double(px.scale) / double(py.scale);
    const q::Multiplier qm = q::quantize_multiplier(m, mode);
    q::check_multiplier(qm.m0, qm.shift);
    gq.m0.push_back(qm.m0);
    gq.shift.push_back(qm.shift);
    if (j == 0) {
      fmt::print("\n2. Multiplier of column 0 from three scales\n");
      fmt::print("   S_W = {:.6g}  S_X = {:.6g}  S_Y = {:.6g}  ->  m = S_W*S_X/S_Y = {:.9g}\n",
                 wq.scales[j], px.scale, py.scale, m);
      fmt::print("   M0 = {}  shift = {}  (M0 * 2^shift / 2^31 = {:.9g})\n", qm.m0, qm.shift,
                 std::ldexp(double(qm.m0), qm.shift - 31));
    }
  }

  // 3. The quantized GEMM: reference library versus the verilated requantization unit.
  const std::vector<int32_t> folded = q::fold_bias(bias_q, b, o.k, o.n, px.zero_point);
  const std::vector<int8_t> c_ref = q::gemm_int8(a, b, folded, o.m, o.n, o.k, gq);
  const std::vector<int32_t> acc = q::gemm_acc(a, b, o.m, o.n, o.k);

  const model::RequantParams rp{2, 3};
  std::unique_ptr<sim::RequantRtl> rtl = sim::make_requant_rtl(rp);
  if (!rtl) throw UserError("the demo needs the requant configuration Rounding=2, PipeDepth=3");
  std::vector<int8_t> c_rtl;
  c_rtl.reserve(acc.size());
  uint64_t cycles = 0, first_out = 0;
  for (size_t idx = 0; idx < acc.size() || c_rtl.size() < acc.size(); ++idx) {
    model::RequantIn in;
    if (idx < acc.size()) {
      const q::OutputStage s = gq.column(int(idx % o.n));
      in = {true,     mode == q::Rounding::kSingle,
            acc[idx], folded[idx % o.n],
            s.m0,     s.shift,
            s.zp_out, s.act_min,
            s.act_max};
    }
    const model::RequantOut out = rtl->clock(in);
    ++cycles;
    if (out.valid_o) {
      if (c_rtl.empty()) first_out = cycles;
      c_rtl.push_back(static_cast<int8_t>(out.out_o));
    }
  }
  const size_t mismatches =
      size_t(std::inner_product(c_ref.begin(), c_ref.end(), c_rtl.begin(), size_t{0}, std::plus<>(),
                                [](int8_t x, int8_t y) { return size_t(x != y); }));

  std::vector<int32_t> c32(c_ref.begin(), c_ref.end());
  const double sqnr = q::sqnr_db(cf, q::dequantize(c32, py));
  fmt::print("\n3. Quantized GEMM C[{}x{}] = A[{}x{}] * B[{}x{}] + bias\n", o.m, o.n, o.m, o.k, o.k,
             o.n);
  fmt::print("   A: asymmetric int8, S_X = {:.6g}, Z_X = {}; B: per-channel symmetric int8\n",
             px.scale, px.zero_point);
  fmt::print("   bias folded with Z_X; output S_Y = {:.6g}, Z_Y = {}\n", py.scale, py.zero_point);
  fmt::print("   reference library: {} int8 outputs, SQNR vs float GEMM = {:.2f} dB\n",
             c_ref.size(), sqnr);
  fmt::print("   verilated requant ({}, latency {}): {} outputs in {} cycles, first at cycle {}\n",
             rtl->name(), rp.PipeDepth, c_rtl.size(), cycles, first_out);
  const int show = std::min(o.n, 8);
  for (int i = 0; i < std::min(o.m, 4); ++i) {
    std::vector<int> row(c_ref.begin() + size_t(i) * o.n, c_ref.begin() + size_t(i) * o.n + show);
    fmt::print("   C[{}] = [{:4}{}]\n", i, fmt::join(row, " "), show < o.n ? " ..." : "");
  }
  fmt::print("   RTL vs reference: {}\n",
             mismatches == 0 ? "match, bit for bit" : fmt::format("{} MISMATCHES", mismatches));
  if (mismatches != 0)
    throw UserError("the verilated requantization unit differs from the library");
}

}  // namespace systolic::cli
