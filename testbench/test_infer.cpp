// Networks on the engine against an outside integer reference: every Conv and Gemm layer of the
// digits CNN (examples/digits), as the engine computed it, equals gemmlowp's
// GemmWithOutputPipeline (bias addition, per-channel fixed-point multiplier and exponent, clamp,
// saturating cast to int8: the double-rounding mode) on the layer's int8 input, lowered here by
// this test's own im2col. Single rounding is checked against the contract's 64-bit formula,
// written out below. Accuracy targets on the held-out split; a subset on the RTL in lockstep.
#include <gemmlowp/public/gemmlowp.h>

#include <catch2/catch.hpp>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "engines.h"
#include "host_driver.h"
#include "lockstep.h"
#include "network.h"
#include "npy.h"
#include "rtl_top.h"

using namespace systolic;
namespace q = systolic::quant;

namespace {

const std::string kDir = std::string(SYSTOLIC_SOURCE_DIR) + "/examples/digits/";

std::vector<std::vector<float>> images(const std::string& file, const infer::Graph& g) {
  const npy::Array a = npy::load(kDir + file);
  const std::vector<float> v = a.as_float32();
  const size_t per = size_t(infer::elements(g.input_shape));
  std::vector<std::vector<float>> xs;
  for (size_t i = 0; i + per <= v.size(); i += per)
    xs.emplace_back(v.begin() + i, v.begin() + i + per);
  return xs;
}

// The test's own lowering of group `gi`: rows (n, y, x), columns (c, ky, kx) over the group's
// input channels, padding = the input zero point.
std::vector<int8_t> lower(const infer::LayerIo& io, const infer::Graph& g, int gi) {
  const infer::Node& nd = g.nodes[size_t(io.node)];
  if (nd.op != infer::Op::kConv) return io.input;
  const infer::Shape& s = g.shapes.at(nd.inputs[0]);
  const int C = int(s[1]), H = int(s[2]), W = int(s[3]);
  const int Cg = C / nd.group;
  const int OH = (H + nd.pad_t + nd.pad_b - nd.kh) / nd.sh + 1;
  const int OW = (W + nd.pad_l + nd.pad_r - nd.kw) / nd.sw + 1;
  std::vector<int8_t> a;
  for (int n = 0; n < s[0]; ++n)
    for (int y = 0; y < OH; ++y)
      for (int x = 0; x < OW; ++x)
        for (int c = gi * Cg; c < (gi + 1) * Cg; ++c)
          for (int ky = 0; ky < nd.kh; ++ky)
            for (int kx = 0; kx < nd.kw; ++kx) {
              const int iy = y * nd.sh + ky - nd.pad_t, ix = x * nd.sw + kx - nd.pad_l;
              const bool in = iy >= 0 && iy < H && ix >= 0 && ix < W;
              a.push_back(in ? io.input[size_t(((n * C + c) * H + iy) * W + ix)]
                             : int8_t(io.zp_in));
            }
  return a;
}

// Group `gi`'s output channels of the engine layer as an M x (N / groups) matrix (conv outputs
// are NCHW).
std::vector<int8_t> as_matrix(const infer::LayerIo& io, const infer::Graph& g, int gi) {
  const infer::Node& nd = g.nodes[size_t(io.node)];
  if (nd.op != infer::Op::kConv) return io.output;
  const infer::Shape& os = nd.out_shape;
  const int64_t O = os[1], HW = os[2] * os[3], Og = O / nd.group;
  std::vector<int8_t> c;
  for (int64_t n = 0; n < os[0]; ++n)
    for (int64_t s = 0; s < HW; ++s)
      for (int64_t o = gi * Og; o < (gi + 1) * Og; ++o)
        c.push_back(io.output[size_t((n * O + o) * HW + s)]);
  return c;
}

// The weights, bias and output stages of group `gi` (N / groups output channels).
infer::LayerQuant slice(const infer::LayerQuant& L, const infer::Node& nd, int gi) {
  const int groups = nd.op == infer::Op::kConv ? nd.group : 1, ng = nd.n / groups;
  infer::LayerQuant s;
  for (int kk = 0; kk < nd.k; ++kk)
    for (int j = gi * ng; j < (gi + 1) * ng; ++j) s.w.push_back(L.w[size_t(kk) * nd.n + j]);
  for (int j = gi * ng; j < (gi + 1) * ng; ++j) {
    s.bias.push_back(L.bias[size_t(j)]);
    s.m0.push_back(L.m0[size_t(j)]);
    s.shift.push_back(L.shift[size_t(j)]);
  }
  return s;
}

// gemmlowp on uint8 storage: an int8 value v is stored as v + 128, so the offsets add -128 back
// and subtract the input zero point; weights are symmetric (zero point 0).
std::vector<int8_t> gemmlowp_layer(const std::vector<int8_t>& a, const infer::LayerQuant& L, int m,
                                   int n, int k, int32_t zp_in, const sim::GemmJob& job) {
  std::vector<uint8_t> au(a.size()), bu(L.w.size());
  for (size_t i = 0; i < a.size(); ++i) au[i] = uint8_t(a[i] + 128);
  for (size_t i = 0; i < L.w.size(); ++i) bu[i] = uint8_t(L.w[i] + 128);
  std::vector<int32_t> exps(L.shift.begin(), L.shift.end());
  const gemmlowp::MatrixMap<const uint8_t, gemmlowp::MapOrder::RowMajor> lhs(au.data(), m, k);
  const gemmlowp::MatrixMap<const uint8_t, gemmlowp::MapOrder::RowMajor> rhs(bu.data(), k, n);
  std::vector<int8_t> c(size_t(m) * n);
  gemmlowp::MatrixMap<int8_t, gemmlowp::MapOrder::RowMajor> res(c.data(), m, n);
  using RowVec = gemmlowp::VectorMap<const int32_t, gemmlowp::VectorShape::Row>;
  gemmlowp::OutputStageBiasAddition<RowVec> bias{RowVec(L.bias.data(), n)};
  gemmlowp::OutputStageScaleInt32ByFixedPointAndExponentPC<gemmlowp::VectorShape::Row> scale{
      RowVec(L.m0.data(), n), RowVec(exps.data(), n), job.q.zp_out};
  gemmlowp::OutputStageClamp clamp{job.q.act_min, job.q.act_max};
  gemmlowp::OutputStageSaturatingCastToInt8 cast;
  const auto pipeline = std::make_tuple(bias, scale, clamp, cast);
  gemmlowp::GemmContext ctx;
  ctx.set_max_num_threads(1);
  gemmlowp::GemmWithOutputPipeline<uint8_t, int8_t, gemmlowp::DefaultL8R8BitDepthParams>(
      &ctx, lhs, rhs, &res, -128 - zp_in, -128, pipeline);
  return c;
}

// The contract's single rounding in 64 bits: acc = sum (a - zp_in) * w + bias (int32 wrap), then
// floor((acc * M0 + 2^(t-1)) / 2^t) with t = 31 - shift, + zp_out, clamped.
std::vector<int8_t> single_rounding_layer(const std::vector<int8_t>& a, const infer::LayerQuant& L,
                                          int m, int n, int k, int32_t zp_in,
                                          const sim::GemmJob& job) {
  std::vector<int8_t> c(size_t(m) * n);
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) {
      int64_t s = L.bias[size_t(j)];
      for (int kk = 0; kk < k; ++kk)
        s += (int64_t(a[size_t(i) * k + kk]) - zp_in) * L.w[size_t(kk) * n + j];
      const int32_t acc = int32_t(uint32_t(uint64_t(s)));
      const int t = 31 - L.shift[size_t(j)];
      const __int128 prod = __int128(acc) * L.m0[size_t(j)] + (__int128(1) << (t - 1));
      const int64_t y = int64_t(prod >> t) + job.q.zp_out;  // arithmetic shift: floor
      c[size_t(i) * n + j] =
          int8_t(std::min<int64_t>(std::max<int64_t>(y, job.q.act_min), job.q.act_max));
    }
  return c;
}

// Every GEMM (one per group) of one engine layer against gemmlowp, or against the
// single-rounding formula.
void check_layer(const infer::LayerIo& io, const infer::Graph& g, const infer::QuantPlan& plan,
                 q::Rounding mode) {
  const infer::Node& nd = g.nodes[size_t(io.node)];
  const int groups = nd.op == infer::Op::kConv ? nd.group : 1, ng = nd.n / groups;
  REQUIRE(io.jobs.size() == size_t(groups));
  for (int gi = 0; gi < groups; ++gi) {
    INFO("group " << gi);
    const sim::GemmJob& job = io.jobs[size_t(gi)];
    const infer::LayerQuant L = slice(plan.layers.at(io.node), nd, gi);
    const std::vector<int8_t> a = lower(io, g, gi);
    const int m = int(a.size() / size_t(nd.k));
    const std::vector<int8_t> want = mode == q::Rounding::kDouble
                                         ? gemmlowp_layer(a, L, m, ng, nd.k, io.zp_in, job)
                                         : single_rounding_layer(a, L, m, ng, nd.k, io.zp_in, job);
    REQUIRE(as_matrix(io, g, gi) == want);
  }
}

struct NetRun {
  int checked_layers = 0;
  int float_ok = 0, int8_ok = 0, count = 0;
};

NetRun run_digits(sim::HostPort& port, q::Rounding mode, size_t limit,
                  q::Precision precision = q::Precision::kInt8) {
  const infer::Graph g = infer::load_onnx(kDir + "digits_cnn.onnx");
  const std::vector<std::vector<float>> test = images("test_x.npy", g);
  const std::vector<int32_t> labels = npy::load(kDir + "test_y.npy").as_int32();
  const infer::QuantPlan plan = infer::calibrate(g, images("train_x.npy", g), mode, precision);
  const bool w4a4 = precision == q::Precision::kW4A4;
  const bool four = precision != q::Precision::kInt8;
  sim::HostDriver drv(port);
  const infer::GemmRunner gemm = [&](const sim::GemmJob& job, sim::RunStats& st) {
    std::vector<int8_t> c = drv.run(job, st);
    if (st.reference) {  // lockstep: each side's own cycle counter, equal
      REQUIRE(st.reference->busy == st.engine.busy);
      REQUIRE(st.reference->macs == st.engine.macs);
    }
    // Every MAC of the GEMM counted once (4-bit modes: two per PE product, K padded to even).
    REQUIRE(job.precision == precision);
    const uint64_t k = four ? uint64_t(job.K + 1) / 2 * 2 : uint64_t(job.K);
    REQUIRE(st.engine.macs == uint64_t(job.M) * uint64_t(job.N) * k);
    // w4a4: every activation and weight the engine saw is 4-bit, every output in [-8, 7].
    if (w4a4) {
      REQUIRE(q::first_outside_int4(job.a) == -1);
      REQUIRE(q::first_outside_int4(job.b) == -1);
      REQUIRE(q::first_outside_int4(c) == -1);
    }
    // w4a8: every weight is 4-bit; the activations use the int8 range.
    if (precision == q::Precision::kW4A8) REQUIRE(q::first_outside_int4(job.b) == -1);
    return c;
  };
  NetRun r;
  for (size_t i = 0; i < std::min(limit, test.size()); ++i) {
    const infer::IntTensors it =
        infer::run_int8(g, plan, test[i], gemm, [&](const infer::LayerIo& io) {
          INFO("image " << i << ", layer " << g.nodes[size_t(io.node)].name);
          check_layer(io, g, plan, mode);
          ++r.checked_layers;
        });
    const infer::FloatTensors ft = infer::run_float(g, test[i]);
    r.float_ok += infer::argmax(ft.at(g.output)) == labels[i];
    r.int8_ok += infer::argmax(it.at(g.output)) == labels[i];
    ++r.count;
  }
  return r;
}

}  // namespace

TEST_CASE("infer: every digits layer on the model engine equals gemmlowp, all held-out images",
          "[infer]") {
  auto port = sim::make_engine("model", sim::engine_params(16, 16));
  const NetRun r = run_digits(*port, q::Rounding::kDouble, 100000);
  CHECK(r.count == 360);
  CHECK(r.checked_layers == 3 * 360);
  const double f = double(r.float_ok) / r.count, i8 = double(r.int8_ok) / r.count;
  INFO("float top-1 " << f << ", int8 top-1 " << i8);
  CHECK(f >= 0.95);
  CHECK(i8 >= f - 0.01);
}

TEST_CASE("infer: w4a4 digits on the model engine equal gemmlowp per layer, all held-out images",
          "[infer][int4]") {
  // 4-bit activations and weights in every engine layer (the output stages clamp to [-8, 7]);
  // gemmlowp takes the same 4-bit values as 8-bit ones. Measured top-1: 96.67 % against 98.33 %
  // float (docs/results.md); the bound leaves room for a retrained model.
  auto port = sim::make_engine("model", sim::engine_params(16, 16, 2, 1));
  const NetRun r = run_digits(*port, q::Rounding::kDouble, 100000, q::Precision::kW4A4);
  CHECK(r.checked_layers == 3 * 360);
  const double f = double(r.float_ok) / r.count, i4 = double(r.int8_ok) / r.count;
  INFO("float top-1 " << f << ", w4a4 top-1 " << i4);
  CHECK(i4 >= f - 0.04);
}

TEST_CASE("infer: w4a8 digits on the model engine equal gemmlowp per layer, all held-out images",
          "[infer][int4]") {
  // 4-bit weights in [-7, 7], 8-bit activations. Measured top-1: 97.78 % against 98.33 % float
  // and 96.67 % in w4a4 (docs/results.md); the bound leaves room for a retrained model.
  auto port = sim::make_engine("model", sim::engine_params(16, 16, 2, 1));
  const NetRun r = run_digits(*port, q::Rounding::kDouble, 100000, q::Precision::kW4A8);
  CHECK(r.checked_layers == 3 * 360);
  const double f = double(r.float_ok) / r.count, i48 = double(r.int8_ok) / r.count;
  INFO("float top-1 " << f << ", w4a8 top-1 " << i48);
  CHECK(i48 >= f - 0.03);
}

TEST_CASE("infer: single rounding equals the contract's 64-bit formula, all held-out images",
          "[infer]") {
  auto port = sim::make_engine("model", sim::engine_params(8, 8));
  const NetRun r = run_digits(*port, q::Rounding::kSingle, 100000);
  CHECK(r.checked_layers == 3 * 360);
}

TEST_CASE("infer: the RTL in lockstep with the model equals gemmlowp on a subset", "[infer][rtl]") {
  for (auto [rows, cols] : {std::pair{4, 4}, std::pair{8, 8}}) {
    INFO(rows << "x" << cols);
    sim::LockstepPort port(sim::top_rtl_params(rows, cols));
    const NetRun r = run_digits(port, q::Rounding::kDouble, 8);
    CHECK(r.checked_layers == 3 * 8);
  }
  // w4a4 on the 4x4 build with dual-mode PEs.
  sim::LockstepPort port(sim::top_rtl_params(4, 4, 2, 1));
  REQUIRE(port.params().Int4 == 1);
  const NetRun r = run_digits(port, q::Rounding::kDouble, 8, q::Precision::kW4A4);
  CHECK(r.checked_layers == 3 * 8);
  // And w4a8 on the same build.
  sim::LockstepPort port8(sim::top_rtl_params(4, 4, 2, 1));
  const NetRun r8 = run_digits(port8, q::Rounding::kDouble, 8, q::Precision::kW4A8);
  CHECK(r8.checked_layers == 3 * 8);
}

TEST_CASE("infer: every ResNet-style layer on the model engine equals gemmlowp", "[infer]") {
  // 14 Conv (32 to 256 channels, 32x32 input, stride 2 downsampling, a depthwise one: 256 GEMMs
  // of one column), 4 residual Adds on the host, GlobalAveragePool, Gemm: two inputs, every
  // engine GEMM against gemmlowp.
  const std::string dir = SYSTOLIC_RESNET_DIR;
  const infer::Graph g = infer::load_onnx(dir + "/resnet_style.onnx");
  const npy::Array a = npy::load(dir + "/inputs.npy");
  const std::vector<float> v = a.as_float32();
  const size_t per = size_t(infer::elements(g.input_shape));
  std::vector<std::vector<float>> xs;
  for (size_t i = 0; i + per <= v.size(); i += per)
    xs.emplace_back(v.begin() + i, v.begin() + i + per);
  REQUIRE(xs.size() == 8);
  const infer::QuantPlan plan = infer::calibrate(g, xs, q::Rounding::kDouble);
  auto port = sim::make_engine("model", sim::engine_params(16, 16));
  sim::HostDriver drv(*port);
  const infer::GemmRunner gemm = [&](const sim::GemmJob& job, sim::RunStats& st) {
    return drv.run(job, st);
  };
  int checked = 0, agree = 0;
  for (size_t i = 0; i < 2; ++i) {
    const infer::IntTensors it =
        infer::run_int8(g, plan, xs[i], gemm, [&](const infer::LayerIo& io) {
          INFO("input " << i << ", layer " << g.nodes[size_t(io.node)].name);
          check_layer(io, g, plan, q::Rounding::kDouble);
          ++checked;
        });
    agree +=
        infer::argmax(it.at(g.output)) == infer::argmax(infer::run_float(g, xs[i]).at(g.output));
  }
  CHECK(checked == 2 * 15);
  CHECK(agree == 2);
}

TEST_CASE("infer: the host ops: Add within one output step of the real sum, pools exact",
          "[infer]") {
  // X [1, 3, 5, 5] -> Conv 1x1 (3 -> 3) = C; S = Add(X, C) (different scales); A = AveragePool
  // 3x3, pad 1 (padding not counted); P = MaxPool 2x2 stride 2. Checked against this test's own
  // arithmetic on the integer tensors of the run.
  std::mt19937_64 rng(7);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  infer::Graph g;
  g.path = "synthetic";
  g.input = "X";
  g.input_shape = {1, 3, 5, 5};
  g.shapes["X"] = g.input_shape;
  infer::Node conv;
  conv.name = "conv";
  conv.op = infer::Op::kConv;
  conv.inputs = {"X"};
  conv.output = "C";
  conv.k = 3;
  conv.n = 3;
  for (int i = 0; i < 9; ++i) conv.w.push_back(2.5f * u(rng));
  conv.bias = {0.1f, -0.2f, 0.3f};
  conv.out_shape = {1, 3, 5, 5};
  infer::Node add;
  add.name = "add";
  add.op = infer::Op::kAdd;
  add.inputs = {"X", "C"};
  add.output = "S";
  add.out_shape = {1, 3, 5, 5};
  infer::Node avg;
  avg.name = "avg";
  avg.op = infer::Op::kAveragePool;
  avg.inputs = {"S"};
  avg.output = "A";
  avg.kh = avg.kw = 3;
  avg.pad_t = avg.pad_l = avg.pad_b = avg.pad_r = 1;
  avg.out_shape = {1, 3, 5, 5};
  infer::Node mx;
  mx.name = "max";
  mx.op = infer::Op::kMaxPool;
  mx.inputs = {"A"};
  mx.output = "P";
  mx.kh = mx.kw = mx.sh = mx.sw = 2;
  mx.out_shape = {1, 3, 2, 2};
  g.nodes = {conv, add, avg, mx};
  for (const infer::Node& nd : g.nodes) g.shapes[nd.output] = nd.out_shape;
  g.output = "P";
  g.output_shape = mx.out_shape;

  std::vector<std::vector<float>> xs(20, std::vector<float>(75));
  for (auto& x : xs)
    for (float& f : x) f = u(rng);
  const infer::QuantPlan plan = infer::calibrate(g, xs, q::Rounding::kDouble);
  const infer::GemmRunner gemm = [](const sim::GemmJob& job, sim::RunStats&) {
    return sim::reference_gemm(job);
  };
  const q::QParams px = plan.act.at("X"), pc = plan.act.at("C"), ps = plan.act.at("S");
  REQUIRE(px.scale != pc.scale);
  int checked = 0;
  for (const auto& x : xs) {
    const infer::IntTensors t = infer::run_int8(g, plan, x, gemm);
    const auto &X = t.at("X"), &C = t.at("C"), &S = t.at("S"), &A = t.at("A"), &P = t.at("P");
    for (size_t i = 0; i < S.size(); ++i) {
      const double real =
          double(px.scale) * (X[i] - px.zero_point) + double(pc.scale) * (C[i] - pc.zero_point);
      const double lo = ps.scale * (-128.0 - ps.zero_point),
                   hi = ps.scale * (127.0 - ps.zero_point);
      const double want = std::min(std::max(real, lo), hi);
      INFO("element " << i << ": real " << real);
      REQUIRE(std::abs(double(ps.scale) * (S[i] - ps.zero_point) - want) <= 1.0 * ps.scale);
    }
    for (int c = 0; c < 3; ++c)
      for (int y = 0; y < 5; ++y)
        for (int xx = 0; xx < 5; ++xx) {
          long sum = 0, n = 0;
          for (int dy = -1; dy <= 1; ++dy)
            for (int dx = -1; dx <= 1; ++dx) {
              const int iy = y + dy, ix = xx + dx;
              if (iy < 0 || iy > 4 || ix < 0 || ix > 4) continue;
              sum += S[size_t((c * 5 + iy) * 5 + ix)];
              ++n;
            }
          REQUIRE(int(A[size_t((c * 5 + y) * 5 + xx)]) ==
                  int(std::lround(double(sum) / double(n))));
        }
    for (int c = 0; c < 3; ++c)
      for (int y = 0; y < 2; ++y)
        for (int xx = 0; xx < 2; ++xx) {
          int m = -128;
          for (int dy = 0; dy < 2; ++dy)
            for (int dx = 0; dx < 2; ++dx)
              m = std::max<int>(m, A[size_t((c * 5 + 2 * y + dy) * 5 + 2 * xx + dx)]);
          REQUIRE(int(P[size_t((c * 2 + y) * 2 + xx)]) == m);
        }
    ++checked;
  }
  CHECK(checked == 20);
}
