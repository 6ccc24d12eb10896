#include "network.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace systolic::infer {
namespace q = systolic::quant;
namespace {

bool is_engine(Op op) { return op == Op::kConv || op == Op::kGemm; }
bool is_activation(Op op) { return op == Op::kRelu || op == Op::kClip; }

int8_t sat8(int64_t v) { return int8_t(std::clamp<int64_t>(v, -128, 127)); }

// Clip bounds [lo, hi] (real) as integer bounds in `p`, inside the activation range `r`.
q::IntRange clip_bounds(const Node& a, const q::QParams& p, q::IntRange r) {
  q::IntRange b = r;
  if (std::isfinite(a.clip_min)) b.min = std::max(r.min, q::quantize(a.clip_min, p, r));
  if (std::isfinite(a.clip_max)) b.max = std::min(r.max, q::quantize(a.clip_max, p, r));
  return b;
}

q::QParams choose(float lo, float hi, q::IntRange r) {
  if (!(lo <= hi)) lo = hi = 0;  // never seen: a tensor of no elements
  if (hi - lo < 1e-6f) hi = lo + 1e-6f;
  return q::choose_asymmetric(lo, hi, r);
}

// Tensors whose parameters come from calibration: the input and the outputs of Conv, Gemm and
// Add (after a fused activation); all others take their input's.
void derive_pass_through(const Graph& g, QuantPlan& p) {
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& nd = g.nodes[i];
    if (p.folded[i] || is_engine(nd.op) || nd.op == Op::kAdd) continue;
    p.act[nd.output] = p.act.at(nd.inputs[0]);
  }
}

// Weights, biases, multipliers and bounds from the activation parameters.
void finish(const Graph& g, QuantPlan& p) {
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& nd = g.nodes[i];
    if (p.folded[i]) continue;
    const q::QParams& po = p.act.at(p.output_of(g, int(i)));
    q::IntRange b = p.act_range();
    if (p.fused[i] >= 0) b = clip_bounds(g.nodes[size_t(p.fused[i])], po, p.act_range());
    if (is_activation(nd.op)) b = clip_bounds(nd, po, p.act_range());
    p.bounds[int(i)] = b;
    if (!is_engine(nd.op)) continue;
    LayerQuant L;
    const q::PerChannel pc = q::quantize_per_channel(nd.w, nd.k, nd.n, p.weight_range());
    L.w.assign(pc.q.begin(), pc.q.end());
    L.w_scale = pc.scales;
    const double s_in = p.act.at(nd.inputs[0]).scale;
    const double zp_in = p.act.at(nd.inputs[0]).zero_point;
    for (int c = 0; c < nd.n; ++c) {
      const double sws = double(L.w_scale[size_t(c)]) * s_in;
      // The int32 bias, with the input zero point folded in later (fold_bias), must fit int32:
      // refused, not clamped (a clamped bias wraps in the fold).
      const double bq = std::round(double(nd.bias[size_t(c)]) / sws);
      double folded = bq;
      for (int k = 0; k < nd.k; ++k) folded -= zp_in * L.w[size_t(k) * size_t(nd.n) + size_t(c)];
      if (std::abs(folded) > 2147483647.0) {
        throw ModelError(fmt::format(
            "{}: node '{}': output channel {}: bias {:g} is {:.4g} at the input's scale {:.4g} "
            "(zero point {} folded in), beyond int32 (calibrate on representative inputs)",
            g.path, nd.name, c, nd.bias[size_t(c)], folded, sws, zp_in));
      }
      L.bias.push_back(int32_t(bq));
      try {
        const q::Multiplier m = q::quantize_multiplier(sws / double(po.scale), p.rounding);
        q::check_multiplier(m.m0, m.shift);
        L.m0.push_back(m.m0);
        L.shift.push_back(m.shift);
      } catch (const std::invalid_argument& e) {
        throw ModelError(
            fmt::format("{}: node '{}': output channel {}: {}", g.path, nd.name, c, e.what()));
      }
    }
    p.layers[int(i)] = std::move(L);
  }
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The float path
// ---------------------------------------------------------------------------------------------

FloatTensors run_float(const Graph& g, const std::vector<float>& input) {
  FloatTensors t;
  t[g.input] = input;
  for (const Node& nd : g.nodes) {
    const std::vector<float>& x = t.at(nd.inputs[0]);
    const Shape& is = g.shapes.at(nd.inputs[0]);
    const Shape& os = nd.out_shape;
    std::vector<float> y(size_t(elements(os)));
    switch (nd.op) {
      case Op::kConv: {
        const int64_t C = is[1], H = is[2], W = is[3], O = os[1], OH = os[2], OW = os[3];
        const int64_t Cg = C / nd.group, Og = O / nd.group;  // channels per group
        for (int64_t n = 0; n < os[0]; ++n)
          for (int64_t o = 0; o < O; ++o)
            for (int64_t oy = 0; oy < OH; ++oy)
              for (int64_t ox = 0; ox < OW; ++ox) {
                double acc = nd.bias[size_t(o)];
                const int64_t c0 = (o / Og) * Cg;
                for (int64_t c = 0; c < Cg; ++c)
                  for (int ky = 0; ky < nd.kh; ++ky) {
                    const int64_t iy = oy * nd.sh - nd.pad_t + ky;
                    if (iy < 0 || iy >= H) continue;
                    for (int kx = 0; kx < nd.kw; ++kx) {
                      const int64_t ix = ox * nd.sw - nd.pad_l + kx;
                      if (ix < 0 || ix >= W) continue;
                      const int64_t kk = (c * nd.kh + ky) * nd.kw + kx;
                      acc += double(x[size_t(((n * C + c0 + c) * H + iy) * W + ix)]) *
                             double(nd.w[size_t(kk * O + o)]);
                    }
                  }
                y[size_t(((n * O + o) * OH + oy) * OW + ox)] = float(acc);
              }
        break;
      }
      case Op::kGemm:
        for (int64_t m = 0; m < os[0]; ++m)
          for (int j = 0; j < nd.n; ++j) {
            double acc = nd.bias[size_t(j)];
            for (int k = 0; k < nd.k; ++k)
              acc += double(x[size_t(m * nd.k + k)]) * double(nd.w[size_t(k) * nd.n + j]);
            y[size_t(m * nd.n + j)] = float(acc);
          }
        break;
      case Op::kRelu:
      case Op::kClip:
        for (size_t i = 0; i < y.size(); ++i) y[i] = std::clamp(x[i], nd.clip_min, nd.clip_max);
        break;
      case Op::kMaxPool:
      case Op::kAveragePool:
      case Op::kGlobalAveragePool: {
        const int64_t C = is[1], H = is[2], W = is[3], OH = os[2], OW = os[3];
        const bool gap = nd.op == Op::kGlobalAveragePool;
        for (int64_t n = 0; n < is[0]; ++n)
          for (int64_t c = 0; c < C; ++c)
            for (int64_t oy = 0; oy < OH; ++oy)
              for (int64_t ox = 0; ox < OW; ++ox) {
                double acc = 0;
                float mx = -std::numeric_limits<float>::infinity();
                int count = 0;
                for (int ky = 0; ky < nd.kh; ++ky)
                  for (int kx = 0; kx < nd.kw; ++kx) {
                    const int64_t iy = gap ? ky : oy * nd.sh - nd.pad_t + ky;
                    const int64_t ix = gap ? kx : ox * nd.sw - nd.pad_l + kx;
                    if (iy < 0 || iy >= H || ix < 0 || ix >= W) continue;
                    const float v = x[size_t(((n * C + c) * H + iy) * W + ix)];
                    acc += v;
                    mx = std::max(mx, v);
                    ++count;
                  }
                if (nd.count_include_pad) count = nd.kh * nd.kw;
                y[size_t(((n * C + c) * OH + oy) * OW + ox)] =
                    nd.op == Op::kMaxPool ? mx : float(acc / count);
              }
        break;
      }
      case Op::kAdd: {
        const std::vector<float>& x2 = t.at(nd.inputs[1]);
        for (size_t i = 0; i < y.size(); ++i) y[i] = x[i] + x2[i];
        break;
      }
      case Op::kReshape:
        y = x;
        break;
    }
    t[nd.output] = std::move(y);
  }
  return t;
}

// ---------------------------------------------------------------------------------------------
// Quantization
// ---------------------------------------------------------------------------------------------

QuantPlan plan_fusion(const Graph& g) {
  QuantPlan p;
  const size_t n = g.nodes.size();
  p.fused.assign(n, -1);
  p.folded.assign(n, false);
  std::map<std::string, int> uses;
  for (const Node& nd : g.nodes)
    for (const std::string& in : nd.inputs) ++uses[in];
  for (size_t i = 0; i < n; ++i) {
    const Node& nd = g.nodes[i];
    if (!(is_engine(nd.op) || nd.op == Op::kAdd) || uses[nd.output] != 1 || nd.output == g.output)
      continue;
    for (size_t j = i + 1; j < n; ++j) {
      const Node& a = g.nodes[j];
      if (a.inputs.empty() || a.inputs[0] != nd.output) continue;
      if (is_activation(a.op)) {
        p.fused[i] = int(j);
        p.folded[j] = true;
      }
      break;
    }
  }
  return p;
}

QuantPlan calibrate(const Graph& g, const std::vector<std::vector<float>>& calib,
                    q::Rounding rounding, q::Precision precision) {
  QuantPlan p = plan_fusion(g);
  p.rounding = rounding;
  p.precision = precision;
  std::map<std::string, std::pair<float, float>> range;
  for (const std::vector<float>& x : calib) {
    for (const auto& [name, v] : run_float(g, x)) {
      auto [it, fresh] = range.try_emplace(name, std::numeric_limits<float>::infinity(),
                                           -std::numeric_limits<float>::infinity());
      for (float f : v) {
        it->second.first = std::min(it->second.first, f);
        it->second.second = std::max(it->second.second, f);
      }
    }
  }
  auto set = [&](const std::string& name) {
    const auto& [lo, hi] = range.at(name);
    p.act[name] = choose(lo, hi, p.act_range());
  };
  set(g.input);
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    const Node& nd = g.nodes[i];
    if (!p.folded[i] && (is_engine(nd.op) || nd.op == Op::kAdd)) set(p.output_of(g, int(i)));
  }
  derive_pass_through(g, p);
  finish(g, p);
  return p;
}

nlohmann::json QuantPlan::to_json(const Graph& g) const {
  nlohmann::json j;
  j["format"] = "systolic-qparams-1";
  j["rounding"] = q::to_string(rounding);
  j["precision"] = q::precision_name(precision);
  nlohmann::json t = nlohmann::json::object();
  for (const auto& [name, qp] : act) t[name] = {{"scale", qp.scale}, {"zero_point", qp.zero_point}};
  j["tensors"] = t;
  nlohmann::json ls = nlohmann::json::array();
  for (const auto& [i, L] : layers) {
    ls.push_back({{"name", g.nodes[size_t(i)].name},
                  {"weight_scale", L.w_scale},
                  {"bias", L.bias},
                  {"m0", L.m0},
                  {"shift", L.shift}});
  }
  j["layers"] = ls;  // derived from the tensors' parameters and the model: for reading only
  return j;
}

QuantPlan plan_from_json(const Graph& g, const nlohmann::json& j) {
  QuantPlan p = plan_fusion(g);
  try {
    if (j.at("format") != "systolic-qparams-1") throw ModelError("unknown format");
    p.rounding = q::parse_rounding(j.at("rounding").get<std::string>());
    // Files written before 4-bit modes have no "precision": int8.
    if (j.contains("precision")) {
      p.precision = q::parse_precision(j.at("precision").get<std::string>());
    }
    const nlohmann::json& t = j.at("tensors");
    auto read = [&](const std::string& name) {
      if (!t.contains(name)) throw ModelError(fmt::format("no parameters for tensor '{}'", name));
      q::QParams qp;
      const nlohmann::json& e = t.at(name);
      const double s = e.at("scale").get<double>();
      const int64_t z = e.at("zero_point").get<int64_t>();
      if (!(std::isfinite(s) && s > 0 && s < 1e30) || z < p.act_range().min ||
          z > p.act_range().max) {
        throw ModelError(
            fmt::format("tensor '{}': scale {} or zero point {} out of range", name, s, z));
      }
      qp.scale = float(s);
      qp.zero_point = int32_t(z);
      p.act[name] = qp;
    };
    read(g.input);
    for (size_t i = 0; i < g.nodes.size(); ++i) {
      const Node& nd = g.nodes[i];
      if (!p.folded[i] && (is_engine(nd.op) || nd.op == Op::kAdd)) read(p.output_of(g, int(i)));
    }
  } catch (const nlohmann::json::exception& e) {
    throw ModelError(fmt::format("qparams: {}", e.what()));
  } catch (const std::invalid_argument& e) {
    throw ModelError(fmt::format("qparams: {}", e.what()));
  } catch (const ModelError& e) {
    throw ModelError(fmt::format("qparams: {}", e.what()));
  }
  derive_pass_through(g, p);
  finish(g, p);
  return p;
}

// ---------------------------------------------------------------------------------------------
// The integer path
// ---------------------------------------------------------------------------------------------

std::vector<int8_t> im2col(const std::vector<int8_t>& x, const Shape& in, const Node& nd,
                           int8_t pad, int group) {
  const int64_t Ct = in[1], H = in[2], W = in[3];
  const int64_t C = Ct / nd.group, c0 = int64_t(group) * C;  // this group's input channels
  const int64_t OH = nd.out_shape[2], OW = nd.out_shape[3];
  const int64_t K = C * nd.kh * nd.kw;
  std::vector<int8_t> a(size_t(in[0] * OH * OW * K), pad);
  for (int64_t n = 0; n < in[0]; ++n)
    for (int64_t oy = 0; oy < OH; ++oy)
      for (int64_t ox = 0; ox < OW; ++ox) {
        int8_t* row = &a[size_t(((n * OH + oy) * OW + ox) * K)];
        for (int64_t c = 0; c < C; ++c)
          for (int ky = 0; ky < nd.kh; ++ky) {
            const int64_t iy = oy * nd.sh - nd.pad_t + ky;
            if (iy < 0 || iy >= H) continue;
            for (int kx = 0; kx < nd.kw; ++kx) {
              const int64_t ix = ox * nd.sw - nd.pad_l + kx;
              if (ix < 0 || ix >= W) continue;
              row[(c * nd.kh + ky) * nd.kw + kx] = x[size_t(((n * Ct + c0 + c) * H + iy) * W + ix)];
            }
          }
      }
  return a;
}

IntTensors run_int8(const Graph& g, const QuantPlan& p, const std::vector<float>& input,
                    const GemmRunner& gemm, const std::function<void(const LayerIo&)>& on_layer) {
  IntTensors t;
  {
    const q::QParams& qi = p.act.at(g.input);
    std::vector<int8_t> x(input.size());
    for (size_t i = 0; i < x.size(); ++i) x[i] = int8_t(q::quantize(input[i], qi, p.act_range()));
    t[g.input] = std::move(x);
  }
  for (size_t i = 0; i < g.nodes.size(); ++i) {
    if (p.folded[i]) continue;
    const Node& nd = g.nodes[i];
    const std::string& out = p.output_of(g, int(i));
    const std::vector<int8_t>& x = t.at(nd.inputs[0]);
    const Shape& is = g.shapes.at(nd.inputs[0]);
    const Shape& os = nd.out_shape;
    const q::QParams& qi = p.act.at(nd.inputs[0]);
    const q::QParams& qo = p.act.at(out);
    const q::IntRange b = p.bounds.at(int(i));
    std::vector<int8_t> y(size_t(elements(os)));
    switch (nd.op) {
      case Op::kConv:
      case Op::kGemm: {
        // One engine GEMM per group (one for Gemm and ordinary Conv): A its im2col (Conv) or the
        // input (Gemm), B its output channels' weight columns with their output stages.
        const LayerQuant& L = p.layers.at(int(i));
        LayerIo io;
        io.node = int(i);
        io.zp_in = qi.zero_point;
        const bool conv = nd.op == Op::kConv;
        const int groups = conv ? nd.group : 1;
        const int ng = nd.n / groups;
        const int64_t M = conv ? os[0] * os[2] * os[3] : os[0];
        for (int gi = 0; gi < groups; ++gi) {
          sim::GemmJob job;
          job.M = int(M);
          job.N = ng;
          job.K = nd.k;
          job.a = conv ? im2col(x, is, nd, int8_t(qi.zero_point), gi) : x;
          job.b.resize(size_t(nd.k) * ng);
          for (int kk = 0; kk < nd.k; ++kk)
            for (int j2 = 0; j2 < ng; ++j2)
              job.b[size_t(kk) * ng + j2] = L.w[size_t(kk) * nd.n + size_t(gi * ng + j2)];
          const auto first = size_t(gi * ng), last = size_t((gi + 1) * ng);
          const std::vector<int32_t> bias(L.bias.begin() + first, L.bias.begin() + last);
          job.bias = q::fold_bias(bias, job.b, nd.k, ng, qi.zero_point);
          job.q.m0.assign(L.m0.begin() + first, L.m0.begin() + last);
          job.q.shift.assign(L.shift.begin() + first, L.shift.begin() + last);
          job.q.zp_out = qo.zero_point;
          job.q.act_min = b.min;
          job.q.act_max = b.max;
          job.q.rounding = p.rounding;
          job.precision = p.precision;
          sim::RunStats st;
          const std::vector<int8_t> c = gemm(job, st);
          if (conv) {  // C is (n, y, x) x channel: back to NCHW
            const int64_t O = os[1], HW = os[2] * os[3];
            for (int64_t n = 0; n < os[0]; ++n)
              for (int64_t j2 = 0; j2 < ng; ++j2)
                for (int64_t s2 = 0; s2 < HW; ++s2)
                  y[size_t((n * O + gi * ng + j2) * HW + s2)] = c[size_t((n * HW + s2) * ng + j2)];
          } else {
            y = c;
          }
          io.stats.engine += st.engine;
          io.stats.host_cycles += st.host_cycles;
          io.stats.commands += st.commands;
          if (on_layer) io.jobs.push_back(std::move(job));
        }
        if (on_layer) {
          io.input = x;
          io.output = y;
          on_layer(io);
        }
        break;
      }
      case Op::kRelu:
      case Op::kClip:
        for (size_t k = 0; k < y.size(); ++k)
          y[k] = int8_t(std::clamp<int32_t>(x[k], b.min, b.max));
        break;
      case Op::kMaxPool:
      case Op::kAveragePool:
      case Op::kGlobalAveragePool: {
        // TFLite's reference kernels: max over the window's valid positions; average as the
        // rounded (half away from zero) quotient of the int32 sum, input and output sharing
        // their parameters. Padded positions count as the zero point with count_include_pad.
        const int64_t C = is[1], H = is[2], W = is[3], OH = os[2], OW = os[3];
        const bool gap = nd.op == Op::kGlobalAveragePool;
        for (int64_t n = 0; n < is[0]; ++n)
          for (int64_t c = 0; c < C; ++c)
            for (int64_t oy = 0; oy < OH; ++oy)
              for (int64_t ox = 0; ox < OW; ++ox) {
                int32_t acc = 0, mx = -128, count = 0, pads = 0;
                for (int ky = 0; ky < nd.kh; ++ky)
                  for (int kx = 0; kx < nd.kw; ++kx) {
                    const int64_t iy = gap ? ky : oy * nd.sh - nd.pad_t + ky;
                    const int64_t ix = gap ? kx : ox * nd.sw - nd.pad_l + kx;
                    if (iy < 0 || iy >= H || ix < 0 || ix >= W) {
                      ++pads;
                      continue;
                    }
                    const int32_t v = x[size_t(((n * C + c) * H + iy) * W + ix)];
                    acc += v;
                    mx = std::max(mx, v);
                    ++count;
                  }
                if (nd.count_include_pad) {
                  acc += pads * qi.zero_point;
                  count += pads;
                }
                int32_t r = mx;
                if (nd.op != Op::kMaxPool)
                  r = acc > 0 ? (acc + count / 2) / count : (acc - count / 2) / count;
                y[size_t(((n * C + c) * OH + oy) * OW + ox)] = sat8(r);
              }
        break;
      }
      case Op::kAdd: {
        // TFLite's reference int8 Add: both inputs to a common scale with a 20-bit left shift
        // and multipliers below one, summed in int32, then the output multiplier.
        const std::vector<int8_t>& x2 = t.at(nd.inputs[1]);
        const q::QParams& q2 = p.act.at(nd.inputs[1]);
        const int left_shift = 20;
        const double twice_max = 2.0 * std::max(double(qi.scale), double(q2.scale));
        const q::Multiplier m1 =
            q::quantize_multiplier(double(qi.scale) / twice_max, q::Rounding::kDouble);
        const q::Multiplier m2 =
            q::quantize_multiplier(double(q2.scale) / twice_max, q::Rounding::kDouble);
        const q::Multiplier mo = q::quantize_multiplier(
            twice_max / (double(1 << left_shift) * double(qo.scale)), q::Rounding::kDouble);
        for (size_t k = 0; k < y.size(); ++k) {
          const int32_t a1 = int32_t(uint32_t(x[k] - qi.zero_point) << left_shift);
          const int32_t a2 = int32_t(uint32_t(x2[k] - q2.zero_point) << left_shift);
          const int64_t s1 =
              q::multiply_by_quantized_multiplier(a1, m1.m0, m1.shift, q::Rounding::kDouble);
          const int64_t s2 =
              q::multiply_by_quantized_multiplier(a2, m2.m0, m2.shift, q::Rounding::kDouble);
          const int64_t r = q::multiply_by_quantized_multiplier(int32_t(s1 + s2), mo.m0, mo.shift,
                                                                q::Rounding::kDouble) +
                            qo.zero_point;
          y[k] = int8_t(std::clamp<int64_t>(r, b.min, b.max));
        }
        break;
      }
      case Op::kReshape:
        y = x;
        break;
    }
    t[out] = std::move(y);
  }
  return t;
}

}  // namespace systolic::infer
