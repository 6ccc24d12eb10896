// The Python module `systolic` (pybind11): the engine and the arithmetic library on NumPy arrays,
// for users' own testbenches (docs/testbench.md). Built to build/python/; errors raise ValueError
// with the CLI's one-line message, never abort the interpreter.
#include <fmt/format.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <tuple>
#include <vector>

#include "cli_util.h"
#include "commands.h"
#include "engines.h"
#include "fp.h"
#include "host_driver.h"
#include "lockstep.h"
#include "quant.h"
#include "rtl_top.h"
#include "run_report.h"

namespace py = pybind11;
namespace q = systolic::quant;
using namespace systolic;

namespace {

using I8 = py::array_t<int8_t, py::array::c_style>;
using I32 = py::array_t<int32_t, py::array::c_style>;

[[noreturn]] void fail(const std::string& what) { throw py::value_error(what); }

// A NumPy argument of exactly this dtype (no silent conversion: a float array for an int8 operand
// is an error, as in the CLI).
template <class T>
py::array_t<T, py::array::c_style> exact(const py::handle& h, const char* what, const char* dtype) {
  if (!py::isinstance<py::array>(h))
    fail(fmt::format("{} must be a NumPy array of {}", what, dtype));
  py::array a = py::reinterpret_borrow<py::array>(h);
  if (!a.dtype().is(py::dtype::of<T>())) {
    fail(fmt::format("{} must be {}, not {}", what, dtype, std::string(py::str(a.dtype()))));
  }
  return py::array_t<T, py::array::c_style>::ensure(a);
}

template <class T>
std::vector<T> to_vector(const py::array_t<T, py::array::c_style>& a) {
  return std::vector<T>(a.data(), a.data() + a.size());
}

// Per-column M0 / shift: an int or an int32 array of N.
template <class T>
std::vector<T> per_column(const py::handle& h, const char* what, int64_t n, int64_t lo,
                          int64_t hi) {
  std::vector<T> v;
  if (py::isinstance<py::int_>(h)) {
    const int64_t x = h.cast<int64_t>();
    if (x < lo || x > hi) fail(fmt::format("{} = {} outside [{}, {}]", what, x, lo, hi));
    v.push_back(T(x));
    return v;
  }
  const I32 a = exact<int32_t>(h, what, "int32");
  if (a.ndim() != 1 || a.shape(0) != n)
    fail(fmt::format("{} needs shape ({},) for N = {}", what, n, n));
  for (int64_t i = 0; i < n; ++i) {
    const int32_t x = a.data()[i];
    if (x < lo || x > hi) fail(fmt::format("{} value {} outside [{}, {}]", what, x, lo, hi));
    v.push_back(T(x));
  }
  return v;
}

py::object json_to_py(const nlohmann::json& j) {
  return py::module_::import("json").attr("loads")(j.dump());
}

// Engines are built once per (engine, array, banks) and reset before every run: building the
// model's PE array and scratchpads (or a verilated configuration) costs milliseconds.
struct Engine {
  std::unique_ptr<sim::HostPort> port;
  std::mutex busy;
};

// int4: 1 needs dual-mode PEs (a w4a8 or w4a4 run), -1 takes the first build of the array.
Engine& engine_for(const std::string& engine, int rows, int cols, int weight_banks, int int4) {
  static std::mutex m;
  static std::map<std::tuple<std::string, int, int, int, int>, std::unique_ptr<Engine>> engines;
  std::lock_guard<std::mutex> lock(m);
  std::unique_ptr<Engine>& e = engines[{engine, rows, cols, weight_banks, int4}];
  if (!e) {
    const model::TopParams params = engine == "model"
                                        ? sim::engine_params(rows, cols, weight_banks, int4)
                                        : sim::top_rtl_params(rows, cols, weight_banks, int4);
    auto fresh = std::make_unique<Engine>();
    if (engine == "cosim") {
      fresh->port = std::make_unique<sim::LockstepPort>(params);
    } else {
      fresh->port = sim::make_engine(engine, params);
    }
    e = std::move(fresh);
  }
  return *e;
}

py::tuple run(const py::object& a_obj, const py::object& b_obj, const py::object& bias_obj,
              const py::object& m0_obj, const py::object& shift_obj, int zp_in, int zp_out,
              int act_min, int act_max, const std::string& rounding, const std::string& engine,
              int rows, int cols, int weight_banks, const std::string& precision) {
  try {
    const q::Rounding mode = q::parse_rounding(rounding);
    const q::Precision prec = q::parse_precision(precision);
    if (engine != "model" && engine != "rtl" && engine != "cosim") {
      fail(fmt::format("engine '{}' is not one of model, rtl, cosim", engine));
    }
    const I8 a = exact<int8_t>(a_obj, "A", "int8");
    const I8 b = exact<int8_t>(b_obj, "B", "int8");
    if (a.ndim() != 2 || b.ndim() != 2) fail("A and B must be 2-D matrices");
    if (a.shape(1) != b.shape(0)) {
      fail(
          fmt::format("shape mismatch: A is {}x{} and B is {}x{} (A's columns must equal B's rows)",
                      a.shape(0), a.shape(1), b.shape(0), b.shape(1)));
    }
    const int64_t m = a.shape(0), k = a.shape(1), n = b.shape(1);
    const int64_t max_dim = (int64_t{1} << model::addr::kDimWidth) - 1;
    for (auto [name, v] : {std::pair{"M", m}, {"N", n}, {"K", k}}) {
      if (v < 1 || v > max_dim) fail(fmt::format("{} = {} must be in 1..{}", name, v, max_dim));
    }
    if (zp_in < -128 || zp_in > 127) fail(fmt::format("zp_in = {} outside [-128, 127]", zp_in));
    sim::GemmJob job;
    job.M = int(m);
    job.N = int(n);
    job.K = int(k);
    job.a = to_vector(a);
    job.b = to_vector(b);
    std::vector<int32_t> qb;
    if (!bias_obj.is_none()) {
      const I32 bias = exact<int32_t>(bias_obj, "bias", "int32");
      if (bias.ndim() != 1 || bias.shape(0) != n)
        fail(fmt::format("bias needs shape ({},) for N = {}", n, n));
      qb = to_vector(bias);
    }
    job.bias = q::fold_bias(qb, job.b, job.K, job.N, zp_in);
    job.q.m0 = per_column<int32_t>(m0_obj, "m0", n, 0, q::kMaxM0);
    job.q.shift = per_column<int>(shift_obj, "shift", n, q::kMinShift, q::kMaxShift);
    job.q.zp_out = zp_out;
    job.q.act_min = act_min;
    job.q.act_max = act_max;
    job.q.rounding = mode;
    job.precision = prec;
    q::validate(job.q, job.N);

    Engine& eng =
        engine_for(engine, rows, cols, weight_banks, prec != q::Precision::kInt8 ? 1 : -1);
    std::lock_guard<std::mutex> lock(eng.busy);  // one run at a time per engine
    sim::HostPort* port = eng.port.get();
    port->reset();
    const uint64_t cycles_before = port->cycles();
    sim::RunReport rep;
    rep.engine = engine;
    rep.rows = rows;
    rep.cols = cols;
    rep.weight_banks = weight_banks;
    rep.m = m;
    rep.n = n;
    rep.k = k;
    rep.rounding = q::to_string(mode);
    rep.precision = prec;
    std::vector<int8_t> c;
    const auto t0 = std::chrono::steady_clock::now();
    {
      py::gil_scoped_release unlocked;
      sim::HostDriver drv(*port);
      try {
        c = drv.run(job, rep.stats);
      } catch (const sim::Mismatch& e) {
        py::gil_scoped_acquire locked;
        fail(e.what());
      }
    }
    rep.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    rep.sim_cycles = port->cycles() - cycles_before;
    if (engine == "cosim") {
      rep.rtl_cycles = rep.stats.engine.busy;
      if (rep.stats.reference) rep.model_cycles = rep.stats.reference->busy;
      rep.mismatches = 0;
    }
    const std::vector<int8_t> ref = sim::reference_gemm(job);
    for (size_t i = 0; i < ref.size(); ++i) rep.mismatched_values += ref[i] != c[i];
    rep.matches_reference = rep.mismatched_values == 0;
    I8 out({m, n});
    std::copy(c.begin(), c.end(), out.mutable_data());
    return py::make_tuple(out, json_to_py(rep.json()));
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  } catch (const std::runtime_error& e) {
    if (dynamic_cast<const py::value_error*>(&e)) throw;
    fail(e.what());
  }
}

py::array_t<int32_t> quantize(
    const py::array_t<float, py::array::c_style | py::array::forcecast>& r, float scale,
    int zero_point, int bits, bool narrow) {
  try {
    const q::IntRange range = q::int_range(bits, narrow);
    const q::QParams p{scale, zero_point};
    q::validate(p, range);
    py::array_t<int32_t> out(r.request().shape);
    for (py::ssize_t i = 0; i < r.size(); ++i)
      out.mutable_data()[i] = q::quantize(r.data()[i], p, range);
    return out;
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }
}

py::tuple multiplier(const py::array_t<double, py::array::c_style | py::array::forcecast>& m,
                     const std::string& rounding) {
  try {
    const q::Rounding mode = q::parse_rounding(rounding);
    py::array_t<int32_t> m0(m.request().shape), shift(m.request().shape);
    for (py::ssize_t i = 0; i < m.size(); ++i) {
      const q::Multiplier x = q::quantize_multiplier(m.data()[i], mode);
      q::check_multiplier(x.m0, x.shift);
      m0.mutable_data()[i] = x.m0;
      shift.mutable_data()[i] = x.shift;
    }
    return py::make_tuple(m0, shift);
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }
}

// Element-wise requantization; every argument broadcasts against `acc` (scalars or arrays of
// its shape).
py::array_t<int32_t> requant(const py::object& acc_o, const py::object& bias_o,
                             const py::object& m0_o, const py::object& shift_o,
                             const py::object& zp_o, const py::object& lo_o, const py::object& hi_o,
                             const std::string& rounding) {
  try {
    const q::Rounding mode = q::parse_rounding(rounding);
    const I32 acc = exact<int32_t>(acc_o, "acc", "int32");
    auto arg = [&](const py::object& o, const char* what) {
      if (py::isinstance<py::int_>(o)) {
        const int64_t v = o.cast<int64_t>();
        if (v < INT32_MIN || v > INT32_MAX) fail(fmt::format("{} = {} outside int32", what, v));
        return std::vector<int32_t>(size_t(acc.size()), int32_t(v));
      }
      const I32 a = exact<int32_t>(o, what, "int32");
      if (a.size() != acc.size() || a.ndim() != acc.ndim())
        fail(fmt::format("{} must be a scalar or have acc's shape", what));
      return to_vector(a);
    };
    const std::vector<int32_t> bias = arg(bias_o, "bias"), m0 = arg(m0_o, "m0"),
                               shift = arg(shift_o, "shift"), zp = arg(zp_o, "zp_out"),
                               lo = arg(lo_o, "act_min"), hi = arg(hi_o, "act_max");
    py::array_t<int32_t> out(acc.request().shape);
    for (py::ssize_t i = 0; i < acc.size(); ++i) {
      q::OutputStage s;
      q::check_multiplier(m0[size_t(i)], shift[size_t(i)]);
      s.m0 = m0[size_t(i)];
      s.shift = shift[size_t(i)];
      s.zp_out = zp[size_t(i)];
      s.act_min = lo[size_t(i)];
      s.act_max = hi[size_t(i)];
      s.rounding = mode;
      q::validate(s);
      out.mutable_data()[i] = q::requantize(acc.data()[i], bias[size_t(i)], s);
    }
    return out;
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }
}

enum class FpOp { kAdd, kMul, kFma };

// An array of bit patterns of `f`: unsigned or signed integers, every value within the format's
// width.
std::vector<uint32_t> bit_patterns(const py::object& o, const char* what, const fp::Format& f,
                                   std::vector<py::ssize_t>* shape) {
  if (!py::isinstance<py::array>(o))
    fail(fmt::format("{} must be a NumPy array of bit patterns", what));
  py::array arr = py::reinterpret_borrow<py::array>(o);
  const char kind = arr.dtype().kind();
  if (kind != 'u' && kind != 'i') {
    fail(fmt::format("{} must be an integer array of bit patterns, not {}", what,
                     std::string(py::str(arr.dtype()))));
  }
  const py::array_t<int64_t, py::array::c_style | py::array::forcecast> wide(arr);
  if (kind == 'u' && arr.dtype().itemsize() == 8) {
    const py::array_t<uint64_t, py::array::c_style | py::array::forcecast> u(arr);
    for (py::ssize_t j = 0; j < u.size(); ++j) {
      if (u.data()[j] >> 32)
        fail(fmt::format("{} {:#x} is wider than {} ({} bits)", what, u.data()[j], f.name,
                         fp::width(f)));
    }
  }
  std::vector<uint32_t> v(size_t(wide.size()));
  for (py::ssize_t j = 0; j < wide.size(); ++j) {
    const int64_t x = wide.data()[j];
    if (x < 0 || (uint64_t(x) >> fp::width(f)) != 0) {
      fail(fmt::format("{} {:#x} is wider than {} ({} bits)", what, x, f.name, fp::width(f)));
    }
    v[size_t(j)] = uint32_t(x);
  }
  if (shape) shape->assign(arr.shape(), arr.shape() + arr.ndim());
  return v;
}

py::array_t<uint32_t> fp_op(FpOp op, const py::object& a_o, const py::object& b_o,
                            const py::object& c_o, const std::string& format) {
  try {
    const fp::Format f = fp::parse_format(format);
    std::vector<py::ssize_t> shape, sb, sc;
    const std::vector<uint32_t> a = bit_patterns(a_o, "a", f, &shape);
    const std::vector<uint32_t> b = bit_patterns(b_o, "b", f, &sb);
    std::vector<uint32_t> c;
    if (op == FpOp::kFma) c = bit_patterns(c_o, "c", f, &sc);
    if (sb != shape || (op == FpOp::kFma && sc != shape)) fail("the operands must have one shape");
    py::array_t<uint32_t> out(shape);
    for (size_t j = 0; j < a.size(); ++j) {
      out.mutable_data()[j] = op == FpOp::kAdd   ? fp::add(f, a[j], b[j])
                              : op == FpOp::kMul ? fp::mul(f, a[j], b[j])
                                                 : fp::fma(f, a[j], b[j], c[j]);
    }
    return out;
  } catch (const std::invalid_argument& e) {
    fail(e.what());
  }
}

// One sweep point in this process (the work of `systolic sweep-point`): the request and the
// result as JSON text. The GIL is released while it runs, so sweep threads run in parallel.
std::string sweep_point(const std::string& request) {
  nlohmann::json req;
  try {
    req = nlohmann::json::parse(request);
  } catch (const nlohmann::json::exception& e) {
    fail(fmt::format("sweep-point: the request is not valid JSON: {}", e.what()));
  }
  std::string error;
  std::string result;
  {
    py::gil_scoped_release unlocked;
    try {
      result = cli::sweep_point(req).dump();
    } catch (const std::exception& e) {
      error = e.what();
    }
  }
  if (!error.empty()) fail(error);
  return result;
}

}  // namespace

PYBIND11_MODULE(systolic, m) {
  m.doc() =
      "The systolic INT8 engine and its arithmetic library on NumPy arrays (docs/testbench.md)";
  m.def("run", &run, py::arg("a"), py::arg("b"), py::arg("bias") = py::none(),
        py::arg("m0") = 1 << 30, py::arg("shift") = 0, py::arg("zp_in") = 0, py::arg("zp_out") = 0,
        py::arg("act_min") = -128, py::arg("act_max") = 127, py::arg("rounding") = "double",
        py::arg("engine") = "model", py::arg("rows") = 16, py::arg("cols") = 16,
        py::arg("weight_banks") = 2, py::arg("precision") = "int8",
        "Runs int8 C = requant(A @ B + bias) on the engine; returns (C, report) with the keys of "
        "`systolic run --json`. precision='w4a4': A and B hold 4-bit values (-8 .. 7) in int8 "
        "arrays; 'w4a8': B does, A is int8; both run two MACs per PE a cycle on dual-mode PEs "
        "(Int4 = 1).");
  m.def("quantize", &quantize, py::arg("r"), py::arg("scale"), py::arg("zero_point") = 0,
        py::arg("bits") = 8, py::arg("narrow") = false,
        "q = clamp(round(r / scale) + zero_point) element-wise (float32, ties away from zero).");
  m.def("multiplier", &multiplier, py::arg("m"), py::arg("rounding") = "double",
        "TFLite's QuantizeMultiplier element-wise: returns (m0, shift) int32 arrays.");
  m.def("requant", &requant, py::arg("acc"), py::arg("bias") = 0, py::arg("m0") = 1 << 30,
        py::arg("shift") = 0, py::arg("zp_out") = 0, py::arg("act_min") = -128,
        py::arg("act_max") = 127, py::arg("rounding") = "double",
        "clamp(MBQM(acc + bias, m0, shift) + zp_out, act_min, act_max) element-wise.");
  m.def("sweep_point", &sweep_point, py::arg("request"),
        "One design-space sweep point (the JSON request and result of `systolic sweep-point`).");
  m.def(
      "fp_add",
      [](const py::object& a, const py::object& b, const std::string& f) {
        return fp_op(FpOp::kAdd, a, b, py::none(), f);
      },
      py::arg("a"), py::arg("b"), py::arg("format") = "fp32",
      "IEEE a + b on bit patterns (round to nearest even; formats fp32, fp16, bf16).");
  m.def(
      "fp_mul",
      [](const py::object& a, const py::object& b, const std::string& f) {
        return fp_op(FpOp::kMul, a, b, py::none(), f);
      },
      py::arg("a"), py::arg("b"), py::arg("format") = "fp32", "IEEE a * b on bit patterns.");
  m.def(
      "fp_fma",
      [](const py::object& a, const py::object& b, const py::object& c, const std::string& f) {
        return fp_op(FpOp::kFma, a, b, c, f);
      },
      py::arg("a"), py::arg("b"), py::arg("c"), py::arg("format") = "fp32",
      "IEEE fused a * b + c on bit patterns (one rounding).");
}
