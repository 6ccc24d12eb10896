// Tests of the PE array: its C++ twin (model/pe_array.h) against the dot products and cycles
// that docs/architecture.md §3 promises, and every verilated configuration of rtl/pe_array.sv
// against the twin, port by port on every cycle.
#include <fmt/format.h>

#include <catch2/catch.hpp>
#include <functional>
#include <random>

#include "pe_array.h"
#include "pe_array_rtl.h"
#include "quant.h"
#include "test_seed.h"

using systolic::model::PeArray;
using systolic::model::PeArrayIn;
using systolic::model::PeArrayOut;
using systolic::model::PeArrayParams;

namespace {

using Clock = std::function<const PeArrayOut&(const PeArrayIn&)>;

// Loads a Rows x Cols weight tile (row-major) into `bank`, one row per cycle.
void load_weights(const Clock& clock, const PeArrayParams& p, const std::vector<int8_t>& w,
                  bool bank) {
  for (int r = 0; r < p.Rows; ++r) {
    PeArrayIn in(p);
    in.w_load_i[r] = 1;
    in.w_bank_i = bank;
    for (int c = 0; c < p.Cols; ++c) in.w_row_i[c] = w[size_t(r) * p.Cols + c];
    clock(in);
  }
}

// Streams the M x Rows activation rows of `a` skewed (row r of slot m in cycle m + r) with bank
// `sel` and checks that psum_o[c] of slot m appears in exactly cycle m + Rows + c with the dot
// product, and that psum_valid_o is set exactly then. Returns the number of values checked.
int stream_and_check(const Clock& clock, const PeArrayParams& p, const std::vector<int8_t>& a,
                     int m, const std::vector<int8_t>& w, bool sel) {
  const std::vector<int32_t> want = systolic::quant::gemm_acc(a, w, m, p.Cols, p.Rows);
  int checked = 0;
  const int cycles = m + p.Rows + p.Cols + 1;
  for (int t = 0; t < cycles; ++t) {
    PeArrayIn in(p);
    for (int r = 0; r < p.Rows; ++r) {
      const int slot = t - r;
      if (slot >= 0 && slot < m) {
        in.a_i[r] = a[size_t(slot) * p.Rows + r];
        in.a_valid_i[r] = 1;
        in.a_sel_i[r] = sel;
      }
    }
    const PeArrayOut& out = clock(in);
    const int now = t + 1;  // outputs after the edge belong to the next cycle
    for (int c = 0; c < p.Cols; ++c) {
      const int slot = now - p.Rows - c;
      const bool due = slot >= 0 && slot < m;
      REQUIRE(bool(out.psum_valid_o[c]) == due);
      if (due) {
        INFO("slot " << slot << " column " << c << " cycle " << now);
        REQUIRE(out.psum_o[c] == want[size_t(slot) * p.Cols + c]);
        ++checked;
      }
    }
  }
  return checked;
}

std::vector<int8_t> random_bytes(std::mt19937_64& rng, size_t n) {
  std::vector<int8_t> v(n);
  for (auto& x : v) x = int8_t(rng());
  return v;
}

void check_tiles(const Clock& clock, const PeArrayParams& p, uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::vector<int8_t> w0 = random_bytes(rng, size_t(p.Rows) * p.Cols);
  const std::vector<int8_t> w1 = random_bytes(rng, size_t(p.Rows) * p.Cols);
  const int m = 7;
  const std::vector<int8_t> a = random_bytes(rng, size_t(m) * p.Rows);
  load_weights(clock, p, w0, false);
  CHECK(stream_and_check(clock, p, a, m, w0, false) == m * p.Cols);
  load_weights(clock, p, w1, true);
  CHECK(stream_and_check(clock, p, a, m, w1, true) == m * p.Cols);
  // Bank 0 still holds w0.
  CHECK(stream_and_check(clock, p, a, m, w0, false) == m * p.Cols);
  // Extremes: all -128 times -128 over the rows.
  const std::vector<int8_t> neg(size_t(p.Rows) * p.Cols, -128), aneg(size_t(m) * p.Rows, -128);
  load_weights(clock, p, neg, false);
  CHECK(stream_and_check(clock, p, aneg, m, neg, false) == m * p.Cols);
}

}  // namespace

TEST_CASE("pe_array model: dot products on the promised cycles, both banks", "[pe_array][model]") {
  const uint64_t seed = systolic::test::test_seed("pe-array-model");
  for (auto [rows, cols] : {std::pair{2, 2}, {4, 3}, {3, 5}, {16, 16}, {32, 8}}) {
    INFO(rows << "x" << cols);
    PeArray arr({rows, cols});
    check_tiles([&](const PeArrayIn& in) -> const PeArrayOut& { return arr.clock(in); },
                arr.params(), seed);
  }
  CHECK_THROWS_AS(PeArray({1, 4}), std::invalid_argument);
  CHECK_THROWS_AS(PeArray({4, 257}), std::invalid_argument);
}

TEST_CASE("pe_array model: a load and a use of one bank at the same edge use the old weight",
          "[pe_array][model]") {
  PeArray arr({2, 2});
  PeArrayIn in(arr.params());
  in.w_load_i = {1, 1};
  in.w_row_i = {3, 3};
  arr.clock(in);  // both rows, bank 0 := 3
  in = PeArrayIn(arr.params());
  in.a_i[0] = 2;
  in.a_valid_i[0] = 1;
  in.w_load_i[0] = 1;
  in.w_row_i = {5, 5};  // row 0 bank 0 := 5 at the same edge as the product
  arr.clock(in);
  CHECK(arr.pe(0, 0).psum_o == 6);
  CHECK(arr.pe(0, 0).w[0] == 5);
}

TEST_CASE("pe_array RTL: dot products on the promised cycles", "[pe_array][rtl]") {
  const uint64_t seed = systolic::test::test_seed("pe-array-rtl-tiles");
  for (const std::string& name : systolic::sim::pe_array_rtl_configs()) {
    const int rows = std::stoi(name), cols = std::stoi(name.substr(name.find('x') + 1));
    INFO("configuration " << name);
    auto rtl = systolic::sim::make_pe_array_rtl(rows, cols);
    check_tiles([&](const PeArrayIn& in) -> const PeArrayOut& { return rtl->clock(in); },
                rtl->params(), seed);
  }
}

TEST_CASE("pe_array RTL equals its C++ twin on every port and cycle", "[pe_array][rtl]") {
  const uint64_t seed = systolic::test::test_seed("pe-array-rtl-random");
  std::mt19937_64 rng(seed);
  for (const std::string& name : systolic::sim::pe_array_rtl_configs()) {
    const int rows = std::stoi(name), cols = std::stoi(name.substr(name.find('x') + 1));
    auto rtl = systolic::sim::make_pe_array_rtl(rows, cols);
    PeArray model({rows, cols});
    INFO("configuration " << name);
    // Unconstrained random stimulus: any load, bank, valid and select pattern on any cycle.
    for (int cycle = 1; cycle <= 20000; ++cycle) {
      PeArrayIn in(model.params());
      for (int r = 0; r < rows; ++r) {
        in.a_i[r] = int8_t(rng());
        const uint64_t bits = rng();
        in.a_valid_i[r] = (bits & 3) != 0;
        in.a_sel_i[r] = (bits >> 2) & 1;
        in.w_load_i[r] = ((bits >> 3) & 7) == 0;
      }
      in.w_bank_i = rng() & 1;
      for (int c = 0; c < cols; ++c) in.w_row_i[c] = int8_t(rng());
      if (cycle % 5000 == 0) {
        rtl->reset();
        model.reset();
      }
      const PeArrayOut& got = rtl->clock(in);
      const PeArrayOut& want = model.clock(in);
      for (int c = 0; c < cols; ++c) {
        if (got.psum_o[c] != want.psum_o[c] || got.psum_valid_o[c] != want.psum_valid_o[c]) {
          FAIL(
              fmt::format("{}: first difference at cycle {}, port psum_o[{}]/psum_valid_o[{}]: "
                          "model {}/{}, RTL {}/{}",
                          name, cycle, c, c, want.psum_o[c], want.psum_valid_o[c], got.psum_o[c],
                          got.psum_valid_o[c]));
        }
      }
    }
  }
}
