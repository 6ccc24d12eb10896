// The FP GEMM machines (arith/fp_mac.h): C bit for bit against an in-order fp::fma reference in
// fp32, fp16 and bf16, cycle counts against hand-derived expectations, and the energy table
// loader (arith/energy.h).
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>

#include "energy.h"
#include "fp.h"
#include "fp_mac.h"
#include "test_seed.h"

namespace fp = systolic::fp;
using systolic::model::FpGemm;
using systolic::model::FpMacConfig;
using systolic::model::FpSystolicArray;
using systolic::model::ScalarFpAlu;

namespace {

// The golden model: for each output, acc = +0, then acc = fma(a[m][k], b[k][n], acc) for
// k = 0 .. K-1 (the operation order of both machines).
std::vector<uint32_t> reference(const fp::Format& f, const FpGemm& g) {
  std::vector<uint32_t> c(size_t(g.M) * g.N);
  for (int m = 0; m < g.M; ++m) {
    for (int n = 0; n < g.N; ++n) {
      uint32_t acc = 0;
      for (int k = 0; k < g.K; ++k) {
        acc = fp::fma(f, g.a[size_t(m) * g.K + k], g.b[size_t(k) * g.N + n], acc);
      }
      c[size_t(m) * g.N + n] = acc;
    }
  }
  return c;
}

// Random values of the format: mostly normal numbers of magnitude in [2^-3, 2), with some +-0,
// subnormals and tiny normals (products that underflow to -0 exercise the padding bypass).
uint32_t random_value(const fp::Format& f, std::mt19937_64& rng) {
  const uint32_t sign = uint32_t(rng() & 1) << (f.exp_bits + f.frac_bits);
  const uint32_t frac = uint32_t(rng()) & ((1u << f.frac_bits) - 1);
  switch (rng() % 16) {
    case 0:
      return sign;  // +-0
    case 1:
      return sign | (frac | 1u);  // subnormal
    case 2:
      return sign | (1u << f.frac_bits) | frac;  // smallest binade
    default:
      return sign | (uint32_t(fp::bias(f) - 3 + int(rng() % 4)) << f.frac_bits) | frac;
  }
}

FpGemm random_gemm(const fp::Format& f, int m, int n, int k, std::mt19937_64& rng) {
  FpGemm g;
  g.M = m, g.N = n, g.K = k;
  for (int i = 0; i < m * k; ++i) g.a.push_back(random_value(f, rng));
  for (int i = 0; i < k * n; ++i) g.b.push_back(random_value(f, rng));
  return g;
}

FpGemm ones(int m, int n, int k) {  // fp32 ones: values do not matter for the cycle tests
  FpGemm g;
  g.M = m, g.N = n, g.K = k;
  g.a.assign(size_t(m) * k, 0x3f800000u);
  g.b.assign(size_t(k) * n, 0x3f800000u);
  return g;
}

FpMacConfig config(const fp::Format& f, int latency_per_stage = 1) {
  FpMacConfig c;
  c.format = f;
  c.stage_latency.assign(fp::stage_names(fp::Op::kFma).size(), latency_per_stage);
  return c;
}

// A MAC of total depth d (the first stage carries all of it, the others are merged).
FpMacConfig depth_config(int d) {
  FpMacConfig c = config(fp::kFp32, 0);
  c.stage_latency[0] = d;
  return c;
}

std::string temp_file(const std::string& name, const std::string& text) {
  const std::string path = fmt::format("test_fp_machines_{}", name);
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("FP MAC config: depth is the sum of the stage latencies", "[fp_mac]") {
  FpMacConfig c;
  CHECK(c.depth() == int(fp::stage_names(fp::Op::kFma).size()));  // default: 1 per stage
  c = config(fp::kFp16, 2);
  CHECK(c.depth() == 2 * int(fp::stage_names(fp::Op::kFma).size()));
  c.stage_latency[3] = 0;  // merged into the previous stage
  CHECK(c.depth() == 2 * int(fp::stage_names(fp::Op::kFma).size()) - 2);
  CHECK_NOTHROW(c.validate());
  c.stage_latency.pop_back();
  CHECK_THROWS_AS(c.validate(), std::invalid_argument);
  CHECK_THROWS_AS(config(fp::kFp32, 0).validate(), std::invalid_argument);  // depth 0
  c = config(fp::kFp32);
  c.stage_latency[0] = -1;
  CHECK_THROWS_AS(c.validate(), std::invalid_argument);
}

TEST_CASE("FP MAC: a result leaves after depth cycles", "[fp_mac]") {
  systolic::model::FpMac mac(depth_config(3));
  mac.clock(0x3f800000u, 0x40000000u, 0x3f800000u, 7);  // 1 * 2 + 1, cycle 0
  for (int t = 1; t < 3; ++t) {
    CHECK_FALSE(mac.head().valid);
    mac.clock();
  }
  REQUIRE(mac.head().valid);  // at the output in cycle 3 = 0 + D
  CHECK(mac.head().value == 0x40400000u);
  CHECK(mac.head().tag == 7);
}

TEST_CASE("FP machines: C bit-exact against the in-order fma reference", "[fp_mac]") {
  std::mt19937_64 rng(systolic::test::test_seed("fp machines bit-exact"));
  struct Shape {
    int m, n, k, rows, cols;
  };
  const Shape shapes[] = {
      {1, 1, 1, 2, 2},  {1, 1, 13, 4, 4}, {1, 9, 7, 4, 4},   {9, 1, 7, 4, 4}, {5, 6, 10, 4, 4},
      {3, 5, 17, 4, 3}, {8, 8, 8, 4, 4},  {7, 11, 33, 8, 4}, {2, 3, 5, 1, 1}, {4, 4, 9, 3, 5},
  };
  for (const fp::Format& f : {fp::kFp32, fp::kFp16, fp::kBf16}) {
    for (int lat : {1, 2}) {
      const FpMacConfig cfg = config(f, lat);
      for (const Shape& s : shapes) {
        INFO(fmt::format("{} latency/stage {} M={} N={} K={} array {}x{}", f.name, lat, s.m, s.n,
                         s.k, s.rows, s.cols));
        const FpGemm g = random_gemm(f, s.m, s.n, s.k, rng);
        const std::vector<uint32_t> ref = reference(f, g);
        const auto alu = ScalarFpAlu(cfg).run(g);
        CHECK(alu.c == ref);
        CHECK(alu.fma_issued == uint64_t(s.m) * s.n * s.k);
        const auto arr = FpSystolicArray(s.rows, s.cols, cfg).run(g);
        CHECK(arr.c == ref);
        CHECK(arr.fma_issued == uint64_t(s.m) * s.n * s.k);
      }
    }
  }
}

TEST_CASE("FP machines: -0 survives padded rows of the array", "[fp_mac]") {
  // A product that rounds to -0 (the smallest subnormal times -0.5); fma(0, 0, -0) would be +0.
  FpGemm g;
  g.M = 1, g.N = 1, g.K = 1;
  g.a = {0x00000001u};
  g.b = {0xbf000000u};
  const FpMacConfig cfg = config(fp::kFp32);
  REQUIRE(reference(fp::kFp32, g) == std::vector<uint32_t>{0x80000000u});
  CHECK(FpSystolicArray(4, 4, cfg).run(g).c == std::vector<uint32_t>{0x80000000u});
  CHECK(ScalarFpAlu(cfg).run(g).c == std::vector<uint32_t>{0x80000000u});
}

TEST_CASE("Scalar FP ALU: cycle counts", "[fp_mac]") {
  for (int d : {1, 3, 4, 11}) {
    INFO("depth " << d);
    // One output: a dependent chain, each FMA waits for the previous one: K * D, plus the cycle
    // that writes C.
    CHECK(ScalarFpAlu(depth_config(d)).run(ones(1, 1, 5)).cycles == uint64_t(5 * d + 1));
    // A multiple of D independent outputs: the window of D chains issues every cycle, then the
    // last one's latency. (Otherwise the last few outputs run with a partly empty window.)
    const int outs = 2 * d;
    CHECK(ScalarFpAlu(depth_config(d)).run(ones(1, outs, 6)).cycles == uint64_t(outs * 6 + d));
  }
  // Two outputs, depth 4: both chains interleave, each FMA pair takes a 4-cycle round:
  // issues at 0,1 | 4,5 | 8,9, the last result is written in cycle 13.
  CHECK(ScalarFpAlu(depth_config(4)).run(ones(1, 2, 3)).cycles == 14);
  // The default depth (one cycle per FMA stage, 11 stages) on 88 outputs of K = 16.
  CHECK(ScalarFpAlu(config(fp::kFp32)).run(ones(8, 11, 16)).cycles == 8 * 11 * 16 + 11);
  // 3 outputs, depth 2, K = 4: outputs 0 and 1 interleave (issues in cycles 0-7), output 0's
  // last result is written in cycle 8 and output 2 takes its slot and issues in that cycle; it
  // runs alone: issues 8, 10, 12, 14, written in cycle 16: 17 cycles.
  CHECK(ScalarFpAlu(depth_config(2)).run(ones(1, 3, 4)).cycles == 17);
}

TEST_CASE("FP systolic array: cycle counts", "[fp_mac]") {
  // Per tile: Rows weight-load cycles, then M rows stream; the last psum leaves the bottom of the
  // last column M - 1 + (Cols - 1) + Rows * D cycles after the first row entered.
  const auto tile = [](int rows, int cols, int m, int d) { return rows + m + cols - 1 + rows * d; };
  // 2x2, depth 1, one tile.
  auto r = FpSystolicArray(2, 2, depth_config(1)).run(ones(1, 2, 2));
  CHECK(r.cycles == 2 + 1 + 1 + 2);
  CHECK(r.tiles == 1);
  CHECK(r.weight_load_cycles == 2);
  // 4x3, depth 5, K = 10 (3 K tiles, the last padded), N = 7 (3 N tiles), M = 6.
  r = FpSystolicArray(4, 3, depth_config(5)).run(ones(6, 7, 10));
  CHECK(r.tiles == 9);
  CHECK(r.weight_load_cycles == 9 * 4);
  CHECK(r.cycles == uint64_t(9 * tile(4, 3, 6, 5)));
  // Default MAC (D = 11), 16x16, 64^3: 16 tiles.
  r = FpSystolicArray(16, 16, config(fp::kFp32)).run(ones(64, 64, 64));
  CHECK(r.cycles == uint64_t(16 * tile(16, 16, 64, 11)));
}

TEST_CASE("FP machines: the closed-form cycle counts equal the simulated ones", "[fp_mac]") {
  // Sweeps use the closed forms on layers too large to simulate MAC by MAC: they must agree with
  // the machines on every shape, geometry and stage latency, remainders and short windows too.
  const uint64_t seed = systolic::test::test_seed("fp-closed-form");
  std::mt19937_64 rng(seed);
  for (int i = 0; i < 300; ++i) {
    FpMacConfig cfg = config(fp::kFp32, 0);
    for (int& l : cfg.stage_latency) l = int(rng() % 3);  // 0 merges a stage
    if (cfg.depth() == 0) cfg.stage_latency[0] = 1;
    const int m = 1 + int(rng() % 20), n = 1 + int(rng() % 20), k = 1 + int(rng() % 20);
    const int rows = 2 + int(rng() % 7), cols = 2 + int(rng() % 7);
    INFO("case " << i << " (seed " << seed << "): depth " << cfg.depth() << " " << rows << "x"
                 << cols << " M=" << m << " N=" << n << " K=" << k);
    const FpGemm g = ones(m, n, k);
    CHECK(systolic::model::fp_scalar_cycles(cfg, m, n, k) == ScalarFpAlu(cfg).run(g).cycles);
    CHECK(systolic::model::fp_array_cycles(rows, cols, cfg, m, n, k) ==
          FpSystolicArray(rows, cols, cfg).run(g).cycles);
  }
}

TEST_CASE("Energy table: the shipped Horowitz 45 nm table", "[energy]") {
  const auto t = systolic::model::load_energy_table(SYSTOLIC_DATA_DIR "/horowitz_45nm.json");
  CHECK(t.op("int8_mult").energy_pj == Approx(0.2));
  CHECK(t.op("int32_add").area_um2 == Approx(137));
  CHECK(t.op("fp32_mult").energy_pj == Approx(3.7));
  CHECK(t.op("fp16_add").area_um2 == Approx(1360));
  CHECK_FALSE(t.op("fp16_mult").derived);
  CHECK(t.op("bf16_mult").derived);
  CHECK(t.int8_mac().energy_pj == Approx(0.3));
  CHECK(t.fp_mac(fp::kFp32).energy_pj == Approx(4.6));
  CHECK(t.fp_mac(fp::kFp32).area_um2 == Approx(11884));
  CHECK(t.fp_mac(fp::kBf16).derived);
  CHECK_THROWS_AS(t.op("int2_mult"), std::invalid_argument);
  // The derived 4-bit entries, by their stated rules: int8_mult x (4/8)^2, and a w4a4 MAC of one
  // int4 product and half of an int8 and an int32 add: 0.05 + (0.03 + 0.1) / 2 pJ.
  CHECK(t.op("int4_mult").derived);
  CHECK(t.op("int4_mult").energy_pj == Approx(0.05));
  CHECK(t.op("int4_mult").area_um2 == Approx(70.5));
  CHECK(t.w4a4_mac().energy_pj == Approx(0.115));
  CHECK(t.w4a4_mac().area_um2 == Approx(70.5 + (36 + 137) / 2.0));
  CHECK(t.w4a4_mac().derived);
  // w4a8: 0.2 pJ * 8 * 4 / 64 = 0.1, plus (0.03 + 0.1) / 2.
  CHECK(t.op("int8x4_mult").derived);
  CHECK(t.w4a8_mac().energy_pj == Approx(0.165));
  CHECK(t.w4a8_mac().area_um2 == Approx(141 + (36 + 137) / 2.0));
  CHECK(t.w4a8_mac().derived);
}

TEST_CASE("Energy table: bad files are one-line errors", "[energy]") {
  using systolic::model::load_energy_table;
  const auto message = [](const std::string& path) {
    try {
      load_energy_table(path);
    } catch (const std::runtime_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  std::string m = message("no/such/table.json");
  CHECK(m == "no/such/table.json: cannot open the energy table");
  const std::string corrupt = temp_file("corrupt.json", "{\"operations\": {\n\"int8_add\": [");
  m = message(corrupt);
  CHECK(m.find(corrupt + ": not a valid JSON energy table") == 0);
  CHECK(m.find('\n') == std::string::npos);
  const std::string partial = temp_file(
      "partial.json", R"({"operations": {"int8_mult": {"energy_pj": 0.2, "area_um2": 1}}})");
  CHECK(message(partial) == partial + ": operation 'int32_add' is missing");
  const std::string negative = temp_file(
      "negative.json", R"({"operations": {"int8_mult": {"energy_pj": -1, "area_um2": 1}}})");
  CHECK(message(negative).find("must be >= 0") != std::string::npos);
  const std::string no_ops = temp_file("no_ops.json", "[1, 2]");
  CHECK(message(no_ops) == no_ops + ": not an energy table: no \"operations\" object");
  for (const auto& p : {corrupt, partial, negative, no_ops}) std::remove(p.c_str());
}
