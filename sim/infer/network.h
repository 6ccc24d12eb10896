// A quantized network on the engine (docs/inference.md): the float path that calibrates and
// judges, post-training quantization with the project's library, and the integer path whose
// Conv and Gemm layers run as engine GEMMs (im2col, padding with the input zero point) while
// pooling, Add and reshapes run on the host in TFLite's reference integer arithmetic.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "host_driver.h"
#include "onnx_graph.h"
#include "quant.h"

namespace systolic::infer {

using FloatTensors = std::map<std::string, std::vector<float>>;
using IntTensors = std::map<std::string, std::vector<int8_t>>;

// The float path: every node in float32 data with double accumulation, direct loops (no im2col),
// written apart from the integer path. Returns every tensor, the input included.
FloatTensors run_float(const Graph& g, const std::vector<float>& input);

// The engine layers' weights and output stages (per output channel).
struct LayerQuant {
  std::vector<int8_t> w;       // K x N, per-channel symmetric, narrow range (int8 [-127, 127],
                               // w4a8 and w4a4 [-7, 7])
  std::vector<float> w_scale;  // N
  std::vector<int32_t> bias;   // N, round(b / (S_in * S_w[n])), before zero-point folding
  std::vector<int32_t> m0;     // N
  std::vector<int> shift;      // N
};

struct QuantPlan {
  quant::Rounding rounding = quant::Rounding::kDouble;
  // w4a4: every activation tensor in [-8, 7] (the output stages clamp there), weights in
  // [-7, 7]; w4a8: activations in [-128, 127], weights in [-7, 7]; the engine runs the layers in
  // that precision. int8: [-128, 127] and [-127, 127].
  quant::Precision precision = quant::Precision::kInt8;
  quant::IntRange act_range() const {
    return quant::four_bit_activations(precision) ? quant::int4_range() : quant::int8_range();
  }
  quant::IntRange weight_range() const {
    return quant::four_bit_weights(precision) ? quant::int4_range(true) : quant::int8_range(true);
  }
  std::map<std::string, quant::QParams> act;  // every data tensor (after fusion)
  // Per node: the index of the Relu/Clip fused into its output stage (-1: none), and whether the
  // node is folded into the one before it (a fused activation).
  std::vector<int> fused;
  std::vector<bool> folded;
  std::map<int, LayerQuant> layers;  // Conv and Gemm nodes
  // Activation bounds of a node's output (after a fused Relu/Clip); act_range() without one.
  std::map<int, quant::IntRange> bounds;

  // The tensor node i's result lands in: its fused activation's output, or its own.
  const std::string& output_of(const Graph& g, int i) const {
    return fused[size_t(i)] >= 0 ? g.nodes[size_t(fused[size_t(i)])].output
                                 : g.nodes[size_t(i)].output;
  }

  nlohmann::json to_json(const Graph& g) const;  // the --qparams file
};

// Fusion and the tensors whose quantization follows their input's (pools, reshapes, standalone
// activations): the plan without scales.
QuantPlan plan_fusion(const Graph& g);
// Post-training quantization: activation ranges (min/max) over `calib` float inputs through the
// float path, then weights, biases and multipliers. Throws ModelError when a multiplier cannot
// be represented.
QuantPlan calibrate(const Graph& g, const std::vector<std::vector<float>>& calib,
                    quant::Rounding rounding, quant::Precision precision = quant::Precision::kInt8);
// The same plan from a --qparams file written by to_json (activation parameters and rounding
// from the file; weights, biases and multipliers recomputed from them). Throws ModelError.
QuantPlan plan_from_json(const Graph& g, const nlohmann::json& j);

// One engine GEMM: A, B, the folded bias and the output stage in, C out.
using GemmRunner = std::function<std::vector<int8_t>(const sim::GemmJob&, sim::RunStats&)>;

// What one engine layer saw and produced for one input (the --dump and the tests).
struct LayerIo {
  int node = 0;
  // One GEMM per group (Conv with group > 1), else one: A (im2col for conv), B (the group's
  // weight columns), folded bias, output stage.
  std::vector<sim::GemmJob> jobs;
  std::vector<int8_t> input;   // the layer's int8 input tensor (NCHW or M x K)
  std::vector<int8_t> output;  // the layer's int8 output tensor (NCHW or M x N)
  int32_t zp_in = 0;
  sim::RunStats stats;  // engine counters, host cycles and commands summed over the GEMMs
};

// The integer path for one input: quantizes it with the input tensor's parameters and runs every
// node. Conv/Gemm go through `gemm`; `on_layer` (optional) sees each engine layer.
IntTensors run_int8(const Graph& g, const QuantPlan& plan, const std::vector<float>& input,
                    const GemmRunner& gemm,
                    const std::function<void(const LayerIo&)>& on_layer = {});

// im2col of one NCHW int8 tensor for a Conv node and one of its groups: rows (n, y, x), columns
// (c, ky, kx) over the group's input channels; padding positions hold `pad` (the input zero
// point).
std::vector<int8_t> im2col(const std::vector<int8_t>& x, const Shape& in, const Node& nd,
                           int8_t pad, int group = 0);

// The index of the largest value (the first one on ties).
template <class T>
int argmax(const std::vector<T>& v) {
  int best = 0;
  for (size_t i = 1; i < v.size(); ++i) {
    if (v[i] > v[size_t(best)]) best = int(i);
  }
  return best;
}

}  // namespace systolic::infer
