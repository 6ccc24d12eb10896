#include "onnx_graph.h"

#include <fmt/format.h>
#include <onnx/onnx_pb.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>
#include <set>

namespace systolic::infer {
namespace {

constexpr int64_t kMaxFileBytes = int64_t{1} << 30;       // 1 GiB
constexpr int64_t kMaxTensorElements = int64_t{1} << 28;  // any one tensor

struct Const {
  Shape dims;
  std::vector<float> f;    // FLOAT tensors
  std::vector<int64_t> i;  // INT64 tensors (Reshape's shape)
  bool is_int = false;
};

[[noreturn]] void fail(const std::string& where, const std::string& what) {
  throw ModelError(fmt::format("{}: {}", where, what));
}

Const read_tensor(const onnx::TensorProto& t, const std::string& where) {
  Const c;
  int64_t n = 1;
  for (int64_t d : t.dims()) {
    if (d < 0 || d > kMaxTensorElements)
      fail(where, fmt::format("tensor '{}' has a bad dimension", t.name()));
    c.dims.push_back(d);
    n *= d;
    if (n > kMaxTensorElements) fail(where, fmt::format("tensor '{}' is too large", t.name()));
  }
  if (t.data_location() == onnx::TensorProto::EXTERNAL) {
    fail(where,
         fmt::format("tensor '{}' keeps its data in an external file (not supported)", t.name()));
  }
  const std::string& raw = t.raw_data();
  if (t.data_type() == onnx::TensorProto::FLOAT) {
    if (!raw.empty()) {
      if (raw.size() != size_t(n) * 4)
        fail(where, fmt::format("tensor '{}': raw data of {} bytes for {} floats", t.name(),
                                raw.size(), n));
      c.f.resize(size_t(n));
      std::memcpy(c.f.data(), raw.data(), raw.size());
    } else {
      if (t.float_data_size() != n)
        fail(where, fmt::format("tensor '{}': {} values for {} elements", t.name(),
                                t.float_data_size(), n));
      c.f.assign(t.float_data().begin(), t.float_data().end());
    }
    for (float x : c.f) {
      if (!std::isfinite(x))
        fail(where, fmt::format("tensor '{}' holds a NaN or infinity", t.name()));
    }
  } else if (t.data_type() == onnx::TensorProto::INT64) {
    c.is_int = true;
    if (!raw.empty()) {
      if (raw.size() != size_t(n) * 8)
        fail(where, fmt::format("tensor '{}': raw data of {} bytes for {} int64", t.name(),
                                raw.size(), n));
      c.i.resize(size_t(n));
      std::memcpy(c.i.data(), raw.data(), raw.size());
    } else {
      if (t.int64_data_size() != n)
        fail(where, fmt::format("tensor '{}': {} values for {} elements", t.name(),
                                t.int64_data_size(), n));
      c.i.assign(t.int64_data().begin(), t.int64_data().end());
    }
  } else {
    fail(where,
         fmt::format("tensor '{}' has element type {} (only float32, and int64 shapes, "
                     "are supported)",
                     t.name(),
                     onnx::TensorProto::DataType_Name(onnx::TensorProto::DataType(t.data_type()))));
  }
  return c;
}

class Attrs {
 public:
  Attrs(const onnx::NodeProto& n, std::string where) : where_(std::move(where)) {
    for (const auto& a : n.attribute()) a_[a.name()] = &a;
  }
  // Every attribute must be one the op's lowering reads.
  void only(std::initializer_list<const char*> names) const {
    std::set<std::string> ok(names.begin(), names.end());
    for (const auto& [k, v] : a_) {
      if (!ok.count(k)) fail(where_, fmt::format("attribute '{}' is not supported", k));
    }
  }
  bool has(const std::string& k) const { return a_.count(k) > 0; }
  int64_t i(const std::string& k, int64_t def) const {
    auto it = a_.find(k);
    if (it == a_.end()) return def;
    if (it->second->type() != onnx::AttributeProto::INT)
      fail(where_, fmt::format("attribute '{}' must be an integer", k));
    return it->second->i();
  }
  float f(const std::string& k, float def) const {
    auto it = a_.find(k);
    if (it == a_.end()) return def;
    if (it->second->type() != onnx::AttributeProto::FLOAT)
      fail(where_, fmt::format("attribute '{}' must be a float", k));
    return it->second->f();
  }
  std::string s(const std::string& k, const std::string& def) const {
    auto it = a_.find(k);
    if (it == a_.end()) return def;
    if (it->second->type() != onnx::AttributeProto::STRING)
      fail(where_, fmt::format("attribute '{}' must be a string", k));
    return it->second->s();
  }
  std::vector<int64_t> ints(const std::string& k, std::vector<int64_t> def) const {
    auto it = a_.find(k);
    if (it == a_.end()) return def;
    if (it->second->type() != onnx::AttributeProto::INTS)
      fail(where_, fmt::format("attribute '{}' must be a list of integers", k));
    return {it->second->ints().begin(), it->second->ints().end()};
  }
  const onnx::AttributeProto* get(const std::string& k) const {
    auto it = a_.find(k);
    return it == a_.end() ? nullptr : it->second;
  }

 private:
  std::string where_;
  std::map<std::string, const onnx::AttributeProto*> a_;
};

// Kernel, strides and pads of a 2-D Conv or pool; dilations 1, no auto_pad.
void window(const Attrs& at, const std::string& where, Node& nd, int kh_def, int kw_def) {
  if (at.s("auto_pad", "NOTSET") != "NOTSET")
    fail(where, "auto_pad is not supported (write explicit pads)");
  for (int64_t d : at.ints("dilations", {1, 1})) {
    if (d != 1) fail(where, "dilations other than 1 are not supported");
  }
  const std::vector<int64_t> k = at.ints("kernel_shape", {kh_def, kw_def});
  const std::vector<int64_t> s = at.ints("strides", {1, 1});
  const std::vector<int64_t> p = at.ints("pads", {0, 0, 0, 0});
  if (k.size() != 2 || s.size() != 2 || p.size() != 4)
    fail(where, "only 2-D windows are supported");
  for (int64_t v : k)
    if (v < 1 || v > 64) fail(where, "kernel size outside 1..64");
  for (int64_t v : s)
    if (v < 1 || v > 64) fail(where, "stride outside 1..64");
  for (int64_t v : p)
    if (v < 0 || v > 64) fail(where, "padding outside 0..64");
  nd.kh = int(k[0]);
  nd.kw = int(k[1]);
  nd.sh = int(s[0]);
  nd.sw = int(s[1]);
  nd.pad_t = int(p[0]);  // ONNX: [x1_begin, x2_begin, x1_end, x2_end]
  nd.pad_l = int(p[1]);
  nd.pad_b = int(p[2]);
  nd.pad_r = int(p[3]);
}

Shape window_out(const Node& nd, const Shape& in, int64_t channels, const std::string& where) {
  const int64_t h = in[2] + nd.pad_t + nd.pad_b, w = in[3] + nd.pad_l + nd.pad_r;
  if (h < nd.kh || w < nd.kw) fail(where, "the window is larger than the padded input");
  return {in[0], channels, (h - nd.kh) / nd.sh + 1, (w - nd.kw) / nd.sw + 1};
}

}  // namespace

int64_t elements(const Shape& s) {
  int64_t n = 1;
  for (int64_t d : s) n *= d;
  return n;
}

std::string to_string(const Shape& s) { return fmt::format("{}", fmt::join(s, "x")); }

const char* to_string(Op op) {
  switch (op) {
    case Op::kConv:
      return "conv";
    case Op::kGemm:
      return "gemm";
    case Op::kRelu:
      return "relu";
    case Op::kClip:
      return "clip";
    case Op::kMaxPool:
      return "maxpool";
    case Op::kAveragePool:
      return "avgpool";
    case Op::kGlobalAveragePool:
      return "globalavgpool";
    case Op::kAdd:
      return "add";
    case Op::kReshape:
      return "reshape";
  }
  return "?";
}

Graph load_onnx(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw ModelError(fmt::format("{}: cannot open", path));
  f.seekg(0, std::ios::end);
  const std::streamoff size = f.tellg();
  if (size < 0) throw ModelError(fmt::format("{}: cannot read (is it a directory?)", path));
  if (size > kMaxFileBytes) throw ModelError(fmt::format("{}: larger than 1 GiB", path));
  f.seekg(0);
  std::string bytes(size_t(size), '\0');
  if (!f.read(bytes.data(), size)) throw ModelError(fmt::format("{}: cannot read", path));

  onnx::ModelProto m;
  if (bytes.empty() || !m.ParseFromString(bytes)) {
    throw ModelError(fmt::format("{}: not an ONNX model (the protobuf does not parse)", path));
  }
  if (!m.has_graph()) throw ModelError(fmt::format("{}: the model has no graph", path));
  const onnx::GraphProto& g = m.graph();

  Graph gr;
  gr.path = path;
  std::map<std::string, Const> consts;
  for (const auto& t : g.initializer()) consts[t.name()] = read_tensor(t, path);

  for (const auto& in : g.input()) {
    if (consts.count(in.name())) continue;  // older exporters list initializers as inputs
    if (!gr.input.empty())
      throw ModelError(
          fmt::format("{}: more than one graph input ('{}', '{}')", path, gr.input, in.name()));
    gr.input = in.name();
    const auto& tt = in.type().tensor_type();
    if (!in.type().has_tensor_type() || tt.elem_type() != onnx::TensorProto::FLOAT) {
      throw ModelError(fmt::format("{}: input '{}' must be a float32 tensor", path, in.name()));
    }
    if (!tt.has_shape() || tt.shape().dim_size() == 0) {
      throw ModelError(fmt::format("{}: input '{}' has no shape", path, in.name()));
    }
    for (const auto& d : tt.shape().dim()) {
      if (!d.has_dim_value() || d.dim_value() < 1) {
        throw ModelError(
            fmt::format("{}: input '{}' has a dynamic or empty dimension ('{}'); "
                        "export the model with a fixed shape",
                        path, in.name(), d.dim_param()));
      }
      if (d.dim_value() > 65535)
        throw ModelError(
            fmt::format("{}: input '{}' has a dimension above 65535", path, in.name()));
      gr.input_shape.push_back(d.dim_value());
    }
  }
  if (gr.input.empty()) throw ModelError(fmt::format("{}: the graph has no input", path));
  if (elements(gr.input_shape) > kMaxTensorElements)
    throw ModelError(fmt::format("{}: the input is too large", path));
  if (g.output_size() != 1)
    throw ModelError(fmt::format("{}: the graph must have exactly one output", path));
  gr.output = g.output(0).name();
  gr.shapes[gr.input] = gr.input_shape;

  for (int ni = 0; ni < g.node_size(); ++ni) {
    const onnx::NodeProto& n = g.node(ni);
    Node nd;
    nd.name = n.name().empty() ? fmt::format("node{}", ni) : n.name();
    nd.onnx_op = n.op_type();
    const std::string where = fmt::format("{}: node '{}' ({})", path, nd.name, n.op_type());
    if (!n.domain().empty() && n.domain() != "ai.onnx")
      fail(where, fmt::format("domain '{}' is not supported", n.domain()));
    const Attrs at(n, where);
    auto data = [&](int i) -> const Shape& {
      if (i >= n.input_size() || n.input(i).empty())
        fail(where, fmt::format("input {} is missing", i));
      auto it = gr.shapes.find(n.input(i));
      if (it == gr.shapes.end()) {
        if (consts.count(n.input(i)))
          fail(where,
               fmt::format(
                   "input '{}' is a constant where a data tensor is expected (not supported)",
                   n.input(i)));
        fail(where, fmt::format("input '{}' is not produced before this node", n.input(i)));
      }
      nd.inputs.push_back(n.input(i));
      return it->second;
    };
    auto constant = [&](int i) -> const Const* {
      if (i >= n.input_size() || n.input(i).empty()) return nullptr;
      auto it = consts.find(n.input(i));
      if (it == consts.end())
        fail(where, fmt::format("input '{}' must be a constant (an initializer)", n.input(i)));
      return &it->second;
    };
    if (n.output_size() != 1) fail(where, "nodes with more than one output are not supported");
    nd.output = n.output(0);
    const std::string& op = n.op_type();

    if (op == "Constant") {
      at.only({"value"});
      const onnx::AttributeProto* v = at.get("value");
      if (!v || v->type() != onnx::AttributeProto::TENSOR) fail(where, "needs a tensor 'value'");
      consts[nd.output] = read_tensor(v->t(), where);
      continue;  // not a node of the run
    }
    if (op == "Conv") {
      at.only({"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"});
      const Shape& x = data(0);
      if (x.size() != 4) fail(where, fmt::format("input must be 4-D NCHW, not {}", to_string(x)));
      const Const* w = constant(1);
      if (!w || w->is_int || w->dims.size() != 4)
        fail(where, "the weight must be a constant 4-D float tensor");
      const int64_t group = at.i("group", 1);
      if (group < 1 || x[1] % group != 0 || w->dims[0] % group != 0) {
        fail(where, fmt::format("group = {} does not divide the {} input and {} output channels",
                                group, x[1], w->dims[0]));
      }
      if (w->dims[1] * group != x[1]) {
        fail(where, fmt::format("weight has {} input channels per group, the input {} in {} "
                                "group(s)",
                                w->dims[1], x[1], group));
      }
      nd.group = int(group);
      window(at, where, nd, int(w->dims[2]), int(w->dims[3]));
      if (nd.kh != w->dims[2] || nd.kw != w->dims[3])
        fail(where, "kernel_shape differs from the weight's");
      nd.op = Op::kConv;
      const int64_t o = w->dims[0], c = w->dims[1];
      nd.n = int(o);
      nd.k = int(c * nd.kh * nd.kw);
      nd.w.resize(size_t(nd.k) * nd.n);
      for (int64_t oc = 0; oc < o; ++oc) {
        for (int64_t kk = 0; kk < nd.k; ++kk)
          nd.w[size_t(kk) * nd.n + oc] = w->f[size_t(oc * nd.k + kk)];
      }
      nd.bias.assign(size_t(o), 0.0f);
      if (const Const* b = constant(2)) {
        if (b->is_int || b->f.size() != size_t(o))
          fail(where, "the bias must be a float vector of one value per output channel");
        nd.bias = b->f;
      }
      nd.out_shape = window_out(nd, x, o, where);
    } else if (op == "Gemm" || op == "MatMul") {
      const Shape& a = data(0);
      if (a.size() != 2) fail(where, fmt::format("input A must be 2-D, not {}", to_string(a)));
      bool trans_b = false;
      if (op == "Gemm") {
        at.only({"alpha", "beta", "transA", "transB"});
        if (at.f("alpha", 1) != 1.0f || at.f("beta", 1) != 1.0f)
          fail(where, "alpha and beta other than 1 are not supported");
        if (at.i("transA", 0) != 0) fail(where, "transA = 1 is not supported");
        trans_b = at.i("transB", 0) != 0;
      } else {
        at.only({});
      }
      const Const* b = constant(1);
      if (!b || b->is_int || b->dims.size() != 2)
        fail(where, "B must be a constant 2-D float tensor");
      const int64_t k = trans_b ? b->dims[1] : b->dims[0], nn = trans_b ? b->dims[0] : b->dims[1];
      if (k != a[1]) fail(where, fmt::format("A is {} but B gives K = {}", to_string(a), k));
      nd.op = Op::kGemm;
      nd.k = int(k);
      nd.n = int(nn);
      nd.w.resize(size_t(k * nn));
      for (int64_t kk = 0; kk < k; ++kk) {
        for (int64_t j = 0; j < nn; ++j) {
          nd.w[size_t(kk * nn + j)] =
              trans_b ? b->f[size_t(j * k + kk)] : b->f[size_t(kk * nn + j)];
        }
      }
      nd.bias.assign(size_t(nn), 0.0f);
      if (op == "Gemm") {
        if (const Const* c = constant(2)) {
          if (c->is_int || c->f.size() != size_t(nn))
            fail(where, "C must be a float vector of N values (no other broadcast is supported)");
          nd.bias = c->f;
        }
      }
      nd.out_shape = {a[0], nn};
    } else if (op == "Relu") {
      at.only({});
      nd.out_shape = data(0);
      nd.op = Op::kRelu;
      nd.clip_min = 0;
      nd.clip_max = std::numeric_limits<float>::infinity();
    } else if (op == "Clip") {
      nd.out_shape = data(0);
      nd.op = Op::kClip;
      nd.clip_min = -std::numeric_limits<float>::infinity();
      nd.clip_max = std::numeric_limits<float>::infinity();
      if (n.input_size() > 1) {  // opset >= 11: min and max are inputs
        at.only({});
        for (int i : {1, 2}) {
          const Const* c = constant(i);
          if (!c) continue;
          if (c->is_int || c->f.size() != 1) fail(where, "min and max must be float scalars");
          (i == 1 ? nd.clip_min : nd.clip_max) = c->f[0];
        }
      } else {
        at.only({"min", "max"});
        nd.clip_min = at.f("min", nd.clip_min);
        nd.clip_max = at.f("max", nd.clip_max);
      }
      if (!(nd.clip_min <= 0.0f && nd.clip_max > 0.0f)) {
        fail(where, "only bounds with min <= 0 < max are supported (an activation clamp)");
      }
    } else if (op == "MaxPool" || op == "AveragePool") {
      const Shape& x = data(0);
      if (x.size() != 4) fail(where, fmt::format("input must be 4-D NCHW, not {}", to_string(x)));
      if (op == "MaxPool") {
        at.only({"auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order",
                 "strides"});
        if (at.i("storage_order", 0) != 0) fail(where, "storage_order = 1 is not supported");
      } else {
        at.only({"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"});
        nd.count_include_pad = at.i("count_include_pad", 0) != 0;
      }
      if (!at.has("kernel_shape")) fail(where, "kernel_shape is required");
      if (at.i("ceil_mode", 0) != 0) fail(where, "ceil_mode = 1 is not supported");
      window(at, where, nd, 1, 1);
      nd.op = op == "MaxPool" ? Op::kMaxPool : Op::kAveragePool;
      nd.out_shape = window_out(nd, x, x[1], where);
    } else if (op == "GlobalAveragePool") {
      at.only({});
      const Shape& x = data(0);
      if (x.size() != 4) fail(where, fmt::format("input must be 4-D NCHW, not {}", to_string(x)));
      nd.op = Op::kGlobalAveragePool;
      nd.kh = int(x[2]);
      nd.kw = int(x[3]);
      nd.out_shape = {x[0], x[1], 1, 1};
    } else if (op == "Add") {
      at.only({});
      const Shape a = data(0);
      const Shape b = data(1);
      if (a != b)
        fail(where,
             fmt::format("inputs of different shapes ({} and {}): broadcasting is not supported",
                         to_string(a), to_string(b)));
      nd.op = Op::kAdd;
      nd.out_shape = a;
    } else if (op == "Flatten") {
      at.only({"axis"});
      const Shape& x = data(0);
      const int64_t axis = at.i("axis", 1);
      if (axis < 0 || axis > int64_t(x.size())) fail(where, "axis out of range");
      int64_t outer = 1, inner = 1;
      for (size_t i = 0; i < x.size(); ++i) (int64_t(i) < axis ? outer : inner) *= x[i];
      nd.op = Op::kReshape;
      nd.out_shape = {outer, inner};
    } else if (op == "Reshape") {
      at.only({"allowzero"});
      if (at.i("allowzero", 0) != 0) fail(where, "allowzero = 1 is not supported");
      const Shape& x = data(0);
      const Const* s = constant(1);
      if (!s || !s->is_int || s->dims.size() != 1)
        fail(where, "the shape must be a constant int64 vector");
      Shape out;
      int infer_at = -1;
      int64_t known = 1;
      for (size_t i = 0; i < s->i.size(); ++i) {
        int64_t d = s->i[i];
        if (d == 0) {
          if (i >= x.size()) fail(where, "shape entry 0 has no input dimension to copy");
          d = x[i];
        }
        if (d == -1) {
          if (infer_at >= 0) fail(where, "more than one -1 in the shape");
          infer_at = int(i);
          out.push_back(1);
          continue;
        }
        if (d < 1) fail(where, fmt::format("shape entry {} is not supported", s->i[i]));
        known *= d;
        out.push_back(d);
      }
      if (infer_at >= 0) {
        if (known == 0 || elements(x) % known != 0)
          fail(where, "the shape does not divide the input");
        out[size_t(infer_at)] = elements(x) / known;
      }
      if (elements(out) != elements(x))
        fail(where, fmt::format("cannot reshape {} into {}", to_string(x), to_string(out)));
      nd.op = Op::kReshape;
      nd.out_shape = out;
    } else {
      fail(where, fmt::format("op {} is not supported (supported: Conv, Gemm, MatMul, Relu, Clip, "
                              "MaxPool, AveragePool, GlobalAveragePool, Add, Flatten, Reshape)",
                              op));
    }
    if (gr.shapes.count(nd.output))
      fail(where, fmt::format("output '{}' is written twice", nd.output));
    if (elements(nd.out_shape) > kMaxTensorElements) fail(where, "the output is too large");
    gr.shapes[nd.output] = nd.out_shape;
    gr.nodes.push_back(std::move(nd));
  }
  auto it = gr.shapes.find(gr.output);
  if (it == gr.shapes.end())
    throw ModelError(
        fmt::format("{}: the graph output '{}' is not computed by any node", path, gr.output));
  gr.output_shape = it->second;
  if (gr.nodes.empty()) throw ModelError(fmt::format("{}: the graph has no nodes", path));
  return gr;
}

}  // namespace systolic::infer
