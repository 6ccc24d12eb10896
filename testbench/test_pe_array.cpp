// Tests of the PE array: its C++ twin (model/pe_array.h) against the dot products and cycles
// that docs/architecture.md §3 promises, and every verilated configuration of rtl/pe_array.sv
// against the twin, port by port on every cycle; the same for one row (rtl/pe_row.sv,
// model/pe_row.h).
#include <fmt/format.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <functional>
#include <optional>
#include <random>

#include "pe_array.h"
#include "pe_array_rtl.h"
#include "pe_row.h"
#include "pe_row_configs.h"
#include "quant.h"
#include "test_seed.h"
#include "vl_bits.h"
#include "vl_dut.h"

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

// Output-stationary (rtl/pe_array.sv): tiles of Rows x K activations and K x Cols operands
// streamed skewed (a_i[r] carries A[r][k] in cycle t_k + r, b_i[c] carries B[k][c] in cycle
// t_k + c, a_sel_i with k = 0), tile i + 1 (or a flush: a_sel_i without a_valid_i) starting in
// cycle f = t_0 of the next one, at least 2 Rows - 1 cycles after the previous start, or an odd
// number of cycles >= Rows (the output chain then carries two tiles' sums interleaved). Checks
// that psum_o[c] carries tile i's C[r][c] = sum_k A[r][k] B[k][c] (computed here, 32-bit wrap)
// in exactly cycle f + c + 1 + 2r. Returns the number of values checked.
int os_stream_and_check(const Clock& clock, const PeArrayParams& p, std::mt19937_64& rng,
                        int tiles) {
  struct Tile {
    int k = 0, start = 0;
    std::vector<int8_t> a, b;  // a[r * k + kk], b[kk * Cols + c]
  };
  std::vector<Tile> ts(size_t(tiles) + 1);  // the last one is the flush
  int t0 = 1;
  for (int i = 0; i <= tiles; ++i) {
    Tile& t = ts[size_t(i)];
    t.start = t0;
    if (i == tiles) break;
    // K from 1 to 3 Rows, the extremes on the first two tiles.
    t.k = i == 0 ? 1 : i == 1 ? 3 * p.Rows : 1 + int(rng() % uint64_t(3 * p.Rows));
    t.a = random_bytes(rng, size_t(p.Rows) * t.k);
    t.b = random_bytes(rng, size_t(t.k) * p.Cols);
    if (i == 2) std::fill(t.a.begin(), t.a.end(), int8_t(-128));
    if (i == 2) std::fill(t.b.begin(), t.b.end(), int8_t(-128));
    // The start distance: K or more, then odd and >= Rows, or >= 2 Rows - 1 (random gaps).
    int d = std::max(t.k, p.Rows) + int(rng() % 3);
    if (d < 2 * p.Rows - 1 && d % 2 == 0) ++d;
    t0 += d;
  }
  const int cycles = ts.back().start + 2 * p.Rows + p.Cols + 2;
  std::vector<PeArrayIn> ins(size_t(cycles), PeArrayIn{p});
  for (PeArrayIn& in : ins) in.os_i = true;
  for (int i = 0; i <= tiles; ++i) {
    const Tile& t = ts[size_t(i)];
    for (int r = 0; r < p.Rows; ++r) ins[size_t(t.start + r)].a_sel_i[r] = 1;
    for (int kk = 0; kk < t.k; ++kk) {
      for (int r = 0; r < p.Rows; ++r) {
        PeArrayIn& in = ins[size_t(t.start + kk + r)];
        in.a_i[r] = uint8_t(t.a[size_t(r) * t.k + kk]);
        in.a_valid_i[r] = 1;
      }
      for (int c = 0; c < p.Cols; ++c) {
        ins[size_t(t.start + kk + c)].b_i[c] = t.b[size_t(kk) * p.Cols + c];
      }
    }
  }
  // want[cycle][c]: the value psum_o[c] must carry then (or nothing).
  std::vector<std::vector<std::optional<int32_t>>> want(
      size_t(cycles) + 1, std::vector<std::optional<int32_t>>(size_t(p.Cols)));
  for (int i = 0; i < tiles; ++i) {
    const Tile& t = ts[size_t(i)];
    const int f = ts[size_t(i) + 1].start;
    for (int r = 0; r < p.Rows; ++r) {
      for (int c = 0; c < p.Cols; ++c) {
        uint32_t sum = 0;
        for (int kk = 0; kk < t.k; ++kk) {
          sum +=
              uint32_t(int32_t(t.a[size_t(r) * t.k + kk]) * int32_t(t.b[size_t(kk) * p.Cols + c]));
        }
        want[size_t(f + c + 1 + 2 * r)][size_t(c)] = int32_t(sum);
      }
    }
  }
  int checked = 0;
  for (int t = 0; t < cycles; ++t) {
    const PeArrayOut& out = clock(ins[size_t(t)]);
    const int now = t + 1;
    for (int c = 0; c < p.Cols; ++c) {
      if (const auto& w = want[size_t(now)][size_t(c)]) {
        INFO("cycle " << now << " column " << c);
        REQUIRE(out.psum_o[c] == *w);
        ++checked;
      }
    }
  }
  return checked;
}

}  // namespace

TEST_CASE("pe_array model: output-stationary sums leave the top row on the promised cycles",
          "[pe_array][model]") {
  const uint64_t seed = systolic::test::test_seed("pe-array-model-os");
  std::mt19937_64 rng(seed);
  for (auto [rows, cols] : {std::pair{2, 2}, {4, 3}, {3, 5}, {16, 16}, {8, 32}}) {
    for (int dataflow : {2, 3}) {
      INFO(rows << "x" << cols << " Dataflow " << dataflow);
      PeArray arr({rows, cols, 2, 0, dataflow});
      const int tiles = 5;
      CHECK(os_stream_and_check(
                [&](const PeArrayIn& in) -> const PeArrayOut& { return arr.clock(in); },
                arr.params(), rng, tiles) == tiles * rows * cols);
      if (dataflow == 3) {  // the same array then runs weight-stationary tiles
        check_tiles([&](const PeArrayIn& in) -> const PeArrayOut& { return arr.clock(in); },
                    arr.params(), seed);
      }
    }
  }
  // A WS-only array ignores os_i.
  PeArray ws({4, 4});
  PeArrayIn in(ws.params());
  in.os_i = true;
  in.b_i = {1, 2, 3, 4};
  ws.clock(in);
  CHECK(ws.pe(0, 0).w[0] == 0);
  CHECK_THROWS_AS(PeArray({4, 4, 2, 0, 4}), std::invalid_argument);
}

TEST_CASE("pe_array RTL: output-stationary sums on the promised cycles", "[pe_array][rtl]") {
  const uint64_t seed = systolic::test::test_seed("pe-array-rtl-os");
  std::mt19937_64 rng(seed);
  for (const std::string& name : systolic::sim::pe_array_rtl_configs()) {
    const int rows = std::stoi(name), cols = std::stoi(name.substr(name.find('x') + 1));
    INFO("configuration " << name);
    auto rtl = systolic::sim::make_pe_array_rtl(rows, cols);
    REQUIRE(rtl->params().Dataflow == 3);
    CHECK(os_stream_and_check(
              [&](const PeArrayIn& in) -> const PeArrayOut& { return rtl->clock(in); },
              rtl->params(), rng, 4) == 4 * rows * cols);
  }
}

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
    PeArray model(rtl->params());
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
      in.os_i = (cycle / 100) % 2;  // the dataflow in runs of 100 cycles
      for (int c = 0; c < cols; ++c) {
        in.w_row_i[c] = int8_t(rng());
        in.b_i[c] = int8_t(rng());
      }
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

namespace {

using systolic::model::PeRow;
using systolic::model::PeRowIn;
using systolic::model::PeRowOut;
using systolic::model::PeRowParams;

// One verilated pe_row configuration behind the twin's interface.
struct RowRunner {
  virtual ~RowRunner() = default;
  virtual const PeRowParams& params() const = 0;
  virtual const char* name() const = 0;
  virtual void reset() = 0;
  virtual const PeRowOut& clock(const PeRowIn& in) = 0;
};

template <class V>
struct RowRunnerImpl final : RowRunner {
  RowRunnerImpl(const char* name, PeRowParams p) : name_(name), p_(p), dut_(name) {
    out_.psum_o.assign(p.Cols, 0);
    out_.valid_o.assign(p.Cols, 0);
    out_.b_o.assign(p.Cols, 0);
    out_.o_o.assign(p.Cols, 0);
    reset();
  }
  const PeRowParams& params() const override { return p_; }
  const char* name() const override { return name_; }
  void reset() override {
    drive(PeRowIn(p_));
    dut_.reset();
    sample();
  }
  const PeRowOut& clock(const PeRowIn& in) override {
    drive(in);
    dut_.edge();
    sample();
    return out_;
  }

 private:
  void drive(const PeRowIn& in) {
    auto& t = *dut_.top;
    t.a_i = in.a_i;  // the port's width (8 bits, 16 with Int4 = 1) keeps the low bits
    t.a_valid_i = in.a_valid_i;
    t.a_sel_i = in.a_sel_i;
    t.prec_i = in.prec_i;
    t.w_load_i = in.w_load_i;
    t.w_bank_i = in.w_bank_i;
    t.os_i = in.os_i;
    for (int c = 0; c < p_.Cols; ++c) {
      systolic::sim::set_bits(t.w_row_i, c * 8, 8, uint8_t(in.w_row_i[c]));
      systolic::sim::set_bits(t.psum_i, c * 32, 32, uint32_t(in.psum_i[c]));
      systolic::sim::set_bits(t.b_i, c * 8, 8, uint8_t(in.b_i[c]));
      systolic::sim::set_bits(t.up_i, c * 32, 32, uint32_t(in.up_i[c]));
    }
  }
  void sample() {
    auto& t = *dut_.top;
    for (int c = 0; c < p_.Cols; ++c) {
      out_.psum_o[c] = int32_t(systolic::sim::get_bits(t.psum_o, c * 32, 32));
      out_.valid_o[c] = uint8_t(systolic::sim::get_bits(t.valid_o, c, 1));
      out_.b_o[c] = int8_t(systolic::sim::get_bits(t.b_o, c * 8, 8));
      out_.o_o[c] = int32_t(systolic::sim::get_bits(t.o_o, c * 32, 32));
    }
    out_.a_o = uint16_t(t.a_o);
    out_.a_valid_o = t.a_valid_o;
    out_.a_sel_o = t.a_sel_o;
  }

  const char* name_;
  PeRowParams p_;
  systolic::sim::VlDut<V> dut_;
  PeRowOut out_;
};

#define SYSTOLIC_PE_ROW_RUNNER(Class, name, Cols, WeightBanks, Int4, Dataflow) \
  [] {                                                                         \
    return std::unique_ptr<RowRunner>(std::make_unique<RowRunnerImpl<Class>>(  \
        name, PeRowParams{Cols, WeightBanks, Int4, Dataflow}));                \
  },
std::vector<std::unique_ptr<RowRunner>> row_runners() {
  using Make = std::unique_ptr<RowRunner> (*)();
  const Make makes[] = {SYSTOLIC_PE_ROW_CONFIGS(SYSTOLIC_PE_ROW_RUNNER)};
  std::vector<std::unique_ptr<RowRunner>> r;
  for (Make m : makes) r.push_back(m());
  return r;
}
#undef SYSTOLIC_PE_ROW_RUNNER

std::string row_ports(const PeRowOut& o) {
  std::string s =
      fmt::format("a_o {} a_valid_o {} a_sel_o {}", int(o.a_o), int(o.a_valid_o), int(o.a_sel_o));
  for (size_t c = 0; c < o.psum_o.size(); ++c) {
    s += fmt::format(" psum_o[{}] {} valid_o[{}] {} b_o[{}] {} o_o[{}] {}", c, o.psum_o[c], c,
                     int(o.valid_o[c]), c, int(o.b_o[c]), c, o.o_o[c]);
  }
  return s;
}

}  // namespace

TEST_CASE("pe_row model: products added to psum_i, the activation one PE right per cycle",
          "[pe_array][model]") {
  // Expectations from the row's stated behaviour (rtl/pe_row.sv header), not from its code.
  PeRow row({3, 2});
  PeRowIn in(row.params());
  in.w_load_i = true;
  in.w_bank_i = true;
  in.w_row_i = {2, -3, 4};  // bank 1
  row.clock(in);
  in = PeRowIn(row.params());
  in.a_i = 5;
  in.a_valid_i = true;
  in.a_sel_i = true;
  in.psum_i = {100, 200, 300};
  const PeRowOut& o1 = row.clock(in);  // PE 0 multiplies 5 * 2 and adds 100
  CHECK(o1.psum_o == std::vector<int32_t>{110, 200, 300});
  CHECK(o1.valid_o == std::vector<uint8_t>{1, 0, 0});
  in.a_i = 0;
  in.a_valid_i = false;
  const PeRowOut& o2 = row.clock(in);  // PE 1 gets the 5 one cycle later: 200 + 5 * -3
  CHECK(o2.psum_o == std::vector<int32_t>{100, 185, 300});
  CHECK(o2.valid_o == std::vector<uint8_t>{0, 1, 0});
  CHECK(!o2.a_valid_o);
  // PE 2: 300 + 5 * 4; the activation, in cycle 0 at the left edge, is at the right edge in
  // cycle Cols = 3, for one cycle.
  const PeRowOut& o3 = row.clock(in);
  CHECK(o3.psum_o == std::vector<int32_t>{100, 200, 320});
  CHECK(o3.valid_o == std::vector<uint8_t>{0, 0, 1});
  CHECK(o3.a_o == 5);
  CHECK(o3.a_valid_o);
  CHECK(o3.a_sel_o);
  const PeRowOut& o4 = row.clock(in);
  CHECK(!o4.a_valid_o);
  CHECK(o4.valid_o == std::vector<uint8_t>{0, 0, 0});
}

TEST_CASE("pe_row model: w4a4 and w4a8 add two signed products, int8 one byte product",
          "[pe_array][model]") {
  // By hand: the lane 0x0587 holds the bytes (hi 5, lo -121); its low byte 0x87 is the nibbles
  // (hi -8, lo 7). w = 0xd5 is the nibbles (hi -3, lo 5) and the byte -43.
  //   int8 (low byte only): -121 * -43 = 5203
  //   w4a4 (low byte's nibbles): 7 * 5 + (-8) * (-3) = 59
  //   w4a8 (both bytes): -121 * 5 + 5 * (-3) = -620
  // An INT8-only row has an 8-bit lane and ignores prec_i: 5203 in every mode. Code 3 is int8.
  struct Case {
    int int4, prec, want;
  };
  const Case cases[] = {{0, 0, 5203}, {0, 1, 5203}, {0, 2, 5203}, {1, 0, 5203},
                        {1, 1, -620}, {1, 2, 59},   {1, 3, 5203}};
  for (const Case& k : cases) {
    PeRow row({2, 2, k.int4});
    PeRowIn in(row.params());
    in.w_load_i = true;
    in.w_row_i = {int8_t(0xd5), int8_t(0x7f)};  // bank 0
    row.clock(in);
    in = PeRowIn(row.params());
    in.a_i = 0x0587;
    in.a_valid_i = true;
    in.prec_i = uint8_t(k.prec);
    in.psum_i = {1000, 0};
    const PeRowOut& o = row.clock(in);
    INFO("Int4 " << k.int4 << " prec_i " << k.prec);
    CHECK(o.psum_o[0] == 1000 + k.want);
    // The lane moves right at its width.
    in = PeRowIn(row.params());
    const PeRowOut& o2 = row.clock(in);
    CHECK(o2.a_o == (k.int4 == 1 ? 0x0587 : 0x87));
  }
}

TEST_CASE("pe_row RTL equals its C++ twin on every port and cycle", "[pe_array][rtl]") {
  const uint64_t seed = systolic::test::test_seed("pe-row-rtl-random");
  std::mt19937_64 rng(seed);
  auto runners = row_runners();
  REQUIRE(!runners.empty());
  for (auto& rtl : runners) {
    const PeRowParams p = rtl->params();
    PeRow model(p);
    INFO("configuration " << rtl->name());
    bool differs = false;
    for (int cycle = 1; cycle <= 20000 && !differs; ++cycle) {
      PeRowIn in(p);
      const uint64_t bits = rng();
      in.a_i = uint16_t(bits >> 8);
      in.a_valid_i = (bits & 3) != 0;
      in.a_sel_i = (bits >> 2) & 1;
      in.w_load_i = ((bits >> 3) & 7) == 0;
      in.w_bank_i = (bits >> 6) & 1;
      in.prec_i =
          uint8_t((cycle / 64) % 4);  // the mode in runs of 64 cycles (a command's PRECISION)
      in.os_i = (cycle / 128) % 2;    // the dataflow in runs of 128 cycles (DATAFLOW)
      for (int c = 0; c < p.Cols; ++c) {
        in.w_row_i[c] = int8_t(rng());
        in.psum_i[c] = int32_t(uint32_t(rng()));
        in.b_i[c] = int8_t(rng());
        in.up_i[c] = int32_t(uint32_t(rng()));
      }
      if (cycle % 5000 == 0) {
        rtl->reset();
        model.reset();
      }
      const std::string got = row_ports(rtl->clock(in));
      const std::string want = row_ports(model.clock(in));
      if (got != want) {
        differs = true;
        FAIL_CHECK(fmt::format("{}: first difference at cycle {}:\nmodel {}\nRTL   {}", rtl->name(),
                               cycle, want, got));
      }
    }
  }
}
