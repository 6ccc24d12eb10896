// Tests of the requantization unit: the C++ twin (model/requant.h) and every verilated
// configuration of rtl/requant.sv, cycle for cycle against each other and value for value against
// the library and the independent golden model, with latencies checked.
#include <catch2/catch.hpp>
#include <deque>
#include <limits>
#include <random>

#include "golden_requant.h"
#include "quant.h"
#include "requant.h"
#include "requant_rtl.h"
#include "test_seed.h"

namespace q = systolic::quant;
using systolic::model::Requant;
using systolic::model::RequantIn;
using systolic::model::RequantOut;
using systolic::model::RequantParams;

namespace {

constexpr int32_t kMin32 = std::numeric_limits<int32_t>::min();
constexpr int32_t kMax32 = std::numeric_limits<int32_t>::max();

int32_t golden_out(const RequantIn& in, bool single) {
  return systolic::golden::requantize(in.acc_i, in.bias_i, in.m0_i, in.shift_i, in.zp_out_i,
                                      in.act_min_i, in.act_max_i, single);
}

// Random stimulus generator covering the contract: full int32 and small accumulators, M0 over
// the whole non-negative range with its edges, shifts [-31, 30], int8 zero points and bounds.
struct Stimulus {
  explicit Stimulus(uint64_t seed) : rng(seed) {}
  std::mt19937_64 rng;
  RequantIn next(bool valid) {
    RequantIn in;
    in.valid_i = valid;
    in.rounding_i = rng() & 1;
    const uint64_t r = rng();
    in.acc_i = (r & 3) == 0 ? int32_t(rng()) : int32_t(int64_t(rng() % 4000001) - 2000000);
    in.bias_i = (r & 12) == 0 ? int32_t(rng()) : int32_t(int64_t(rng() % 20001) - 10000);
    switch ((r >> 4) % 16) {
      case 0:
        in.m0_i = 0;
        break;
      case 1:
        in.m0_i = 1 << 30;
        break;
      case 2:
        in.m0_i = kMax32;
        break;
      case 3:
        in.m0_i = int32_t(rng() & 0x7fffffff);
        break;
      default:
        in.m0_i = int32_t((1u << 30) + (rng() % (1u << 30)));
        break;
    }
    in.shift_i = (r >> 8) % 4 == 0 ? int(rng() % 62) - 31 : -int(rng() % 20);
    in.zp_out_i = int32_t(rng() % 256) - 128;
    if ((r >> 10) & 1) {
      in.act_min_i = -128;
      in.act_max_i = 127;
    } else {
      int32_t a = int32_t(rng() % 256) - 128, b = int32_t(rng() % 256) - 128;
      in.act_min_i = std::min(a, b);
      in.act_max_i = std::max(a, b);
    }
    return in;
  }
};

std::vector<RequantIn> corner_vectors() {
  std::vector<RequantIn> v;
  for (int32_t acc : {kMin32, -6, -1, 0, 5, kMax32}) {
    for (int32_t bias : {kMin32, 0, kMax32}) {
      for (int32_t m0 : {0, 1 << 30, kMax32}) {
        for (int shift : {-31, -1, 0, 1, 30}) {
          for (bool rnd : {false, true}) {
            RequantIn in;
            in.valid_i = true;
            in.rounding_i = rnd;
            in.acc_i = acc;
            in.bias_i = bias;
            in.m0_i = m0;
            in.shift_i = shift;
            in.zp_out_i = (acc & 1) ? -128 : 127;
            v.push_back(in);
          }
        }
      }
    }
  }
  return v;
}

}  // namespace

TEST_CASE("requant model: latency, hold and reset", "[requant][model]") {
  for (int depth : {1, 2, 3, 5, 8}) {
    INFO("PipeDepth " << depth);
    Requant rq({2, depth});
    RequantIn in;
    in.valid_i = true;
    in.acc_i = 5;
    in.m0_i = 1 << 30;
    in.shift_i = -1;
    // Cycle 0: the sample is presented; it appears exactly `depth` edges later.
    RequantOut out = rq.clock(in);
    int cycle = 1;
    in.valid_i = false;
    in.acc_i = 999;  // must not leak while valid_i = 0
    while (!out.valid_o) {
      REQUIRE(cycle <= depth);
      REQUIRE(out.out_o == 0);
      out = rq.clock(in);
      ++cycle;
    }
    CHECK(cycle == depth);
    CHECK(out.out_o == 2);
    // valid_o is a one-cycle pulse; out_o holds.
    out = rq.clock(in);
    CHECK_FALSE(out.valid_o);
    CHECK(out.out_o == 2);
    // Single rounding through rounding_i.
    in.valid_i = true;
    in.acc_i = 5;
    in.rounding_i = true;
    rq.clock(in);
    in.valid_i = false;
    for (int i = 1; i < depth; ++i) rq.clock(in);
    CHECK(rq.out().valid_o);
    CHECK(rq.out().out_o == 1);
    rq.reset();
    CHECK_FALSE(rq.out().valid_o);
    CHECK(rq.out().out_o == 0);
  }
  CHECK_THROWS_AS(Requant({2, 0}), std::invalid_argument);
  CHECK_THROWS_AS(Requant({3, 1}), std::invalid_argument);
}

TEST_CASE("requant model: fixed-mode configurations ignore rounding_i", "[requant][model]") {
  CHECK(Requant({0, 1}).mode(true) == q::Rounding::kDouble);
  CHECK(Requant({1, 1}).mode(false) == q::Rounding::kSingle);
  CHECK(Requant({2, 1}).mode(true) == q::Rounding::kSingle);
}

TEST_CASE("requant RTL equals the model cycle by cycle and the golden model in value",
          "[requant][rtl]") {
  const std::vector<std::string> configs = systolic::sim::requant_rtl_configs();
  REQUIRE(!configs.empty());
  const uint64_t seed = systolic::test::test_seed("requant-rtl");
  // A million random samples in all, shared among the configurations, plus all corners each.
  const size_t per_config = 1'000'000 / configs.size() + 1;
  for (size_t ci = 0; ci < configs.size(); ++ci) {
    auto rtl = systolic::sim::make_requant_rtl(configs[ci]);
    const RequantParams p = rtl->params();
    Requant model(p);
    INFO("configuration " << configs[ci] << " (Rounding=" << p.Rounding
                          << ", PipeDepth=" << p.PipeDepth << ")");
    Stimulus stim(seed + ci);
    std::vector<RequantIn> inputs = corner_vectors();
    std::deque<std::pair<uint64_t, int32_t>> expected;  // (cycle due, golden value)
    uint64_t cycle = 0, checked = 0;
    const size_t total = inputs.size() + per_config;
    size_t sent = 0;
    while (sent < total || !expected.empty()) {
      RequantIn in;
      if (sent < total && (stim.rng() % 8) != 0) {  // about 1 idle cycle in 8
        in = sent < inputs.size() ? inputs[sent] : stim.next(true);
        ++sent;
        // The mode from the documented parameter (0 double, 1 single, 2 rounding_i), not from
        // the model's mode().
        const bool single = p.Rounding == 2 ? in.rounding_i : p.Rounding == 1;
        expected.emplace_back(cycle + p.PipeDepth, golden_out(in, single));
      }
      const RequantOut got = rtl->clock(in);
      const RequantOut want = model.clock(in);
      ++cycle;
      if (got.valid_o != want.valid_o || got.out_o != want.out_o) {
        FAIL(fmt::format("cycle {}: RTL valid_o={} out_o={}, model valid_o={} out_o={}", cycle,
                         got.valid_o, got.out_o, want.valid_o, want.out_o));
      }
      if (!expected.empty() && expected.front().first == cycle) {
        if (!got.valid_o || got.out_o != expected.front().second) {
          FAIL(fmt::format("cycle {}: expected valid_o=1 out_o={}, RTL gives valid_o={} out_o={}",
                           cycle, expected.front().second, got.valid_o, got.out_o));
        }
        expected.pop_front();
        ++checked;
      } else if (got.valid_o) {
        FAIL(fmt::format("cycle {}: valid_o=1 with no result due", cycle));
      }
    }
    CHECK(checked == total);
  }
}

TEST_CASE("requant RTL: reset clears the pipeline", "[requant][rtl]") {
  auto rtl = systolic::sim::make_requant_rtl("rt_p3");
  RequantIn in;
  in.valid_i = true;
  in.acc_i = 1000;
  in.m0_i = 1 << 30;
  in.shift_i = 0;
  rtl->clock(in);
  rtl->clock(in);
  rtl->reset();
  in.valid_i = false;
  for (int i = 0; i < 4; ++i) {
    const RequantOut out = rtl->clock(in);
    CHECK_FALSE(out.valid_o);
    CHECK(out.out_o == 0);
  }
  CHECK_THROWS_AS(systolic::sim::make_requant_rtl("no_such_config"), std::invalid_argument);
}
