// A float ONNX model read with ONNX's own protobuf classes (Debian libonnx-dev) into the graph
// `systolic infer` runs: the supported ops with their attributes checked, the float initializers,
// and every tensor's static shape. Anything outside the supported set is one error naming the node
// and the op (docs/inference.md).
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace systolic::infer {

// A malformed or unsupported model: the message is one line for the user.
struct ModelError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

using Shape = std::vector<int64_t>;
int64_t elements(const Shape& s);
std::string to_string(const Shape& s);  // "1x16x8x8"

enum class Op {
  kConv,
  kGemm,  // Gemm and MatMul (alpha = beta = 1, B a constant)
  kRelu,
  kClip,
  kMaxPool,
  kAveragePool,
  kGlobalAveragePool,
  kAdd,
  kReshape,  // Flatten and Reshape: the data in C order, unchanged
};
const char* to_string(Op op);

struct Node {
  std::string name;     // the ONNX node's name (or "node<i>" when it has none)
  std::string onnx_op;  // the ONNX op type, as written
  Op op = Op::kRelu;
  std::vector<std::string> inputs;  // data inputs only (tensor names); constants are below
  std::string output;
  Shape out_shape;
  // Conv and pools: kernel [h, w], strides [h, w], pads [top, left, bottom, right].
  int kh = 1, kw = 1, sh = 1, sw = 1;
  int pad_t = 0, pad_l = 0, pad_b = 0, pad_r = 0;
  bool count_include_pad = false;  // AveragePool
  // Conv and Gemm: weights as a K x N matrix (K = (C/group)*kh*kw for conv, rows in (c, y, x)
  // order within the output channel's group; N = output channels) and the float bias (N, zeros
  // when absent). Conv with group > 1 (depthwise: group = C) runs one GEMM per group: output
  // channels [g*N/group, (g+1)*N/group) from input channels [g*C/group, (g+1)*C/group).
  int group = 1;
  std::vector<float> w;  // K x N row-major
  std::vector<float> bias;
  int k = 0, n = 0;
  // Clip: the bounds (Relu is Clip(0, +inf)).
  float clip_min = 0, clip_max = 0;
};

struct Graph {
  std::string path;
  std::string input;  // the one graph input
  Shape input_shape;  // static, batch included
  std::string output;
  Shape output_shape;
  std::vector<Node> nodes;              // in topological order
  std::map<std::string, Shape> shapes;  // every data tensor's shape
};

// Reads and checks the model: throws ModelError (malformed protobuf, a dynamic or missing input
// shape, an unsupported op or attribute, a non-constant weight, shapes that do not agree).
Graph load_onnx(const std::string& path);

}  // namespace systolic::infer
