// systolic infer: a float ONNX model quantized post-training and run with its data through the
// engine (model, RTL, or both in lockstep), against its own float path (docs/inference.md).
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "cli_util.h"
#include "commands.h"
#include "dram_options.h"
#include "energy.h"
#include "engines.h"
#include "files.h"
#include "fp_compare.h"
#include "host_driver.h"
#include "lockstep.h"
#include "network.h"
#include "npy.h"
#include "quant.h"
#include "rtl_top.h"
#include "run_report.h"

namespace systolic::cli {
namespace q = systolic::quant;
namespace fs = std::filesystem;
namespace {

struct InferOpts {
  std::string model;
  std::string inputs, labels;
  std::string engine = "model";
  int rows = 16, cols = 16;
  std::string rounding = "double";
  std::string precision = "int8";
  std::string dataflow = "ws";  // ws | os | best (per layer)
  int calibration = 100;
  std::string qparams, json_path, dump_dir;
  int dump_index = 0;
  int limit = 0;  // 0: every input
  double clock_mhz = 1000;
  std::string energy_path = SYSTOLIC_DATA_DIR "/horowitz_45nm.json";
  DramOptions dram;  // --dram: memory commands through the memory model
};
InferOpts g_infer;

// Per engine layer, summed over the inputs.
struct LayerAcc {
  int node = 0;
  int64_t m = 0, n = 0, k = 0;
  int groups = 1;  // GEMMs per layer (grouped Conv: one per group, N / groups columns each)
  model::Counters engine;
  uint64_t commands = 0;
  double ref2 = 0, err2 = 0;  // SQNR sums against the float layer
  bool os = false;            // the layer ran output-stationary
};

std::vector<std::vector<float>> load_inputs(const InferOpts& o, const infer::Graph& g) {
  const infer::Shape& is = g.input_shape;
  const int64_t per = infer::elements(is);
  std::vector<std::vector<float>> xs;
  if (o.inputs.empty()) {  // one seeded random input in [0, 1)
    std::mt19937_64 rng(1);
    std::uniform_real_distribution<float> u(0.0f, 1.0f);
    std::vector<float> x(static_cast<size_t>(per));
    for (float& v : x) v = u(rng);
    xs.push_back(std::move(x));
    return xs;
  }
  const npy::Array a = npy::load(o.inputs);
  if (a.dtype != npy::DType::kFloat32) {
    throw UserError(
        fmt::format("{}: inputs must be float32, not {}", o.inputs, npy::to_string(a.dtype)));
  }
  // Either exactly the model's input shape, or a stack of inputs when the model's batch is 1.
  infer::Shape stacked = is;
  int64_t count = 1;
  if (a.shape == is) {
    count = 1;
  } else if (is[0] == 1 && a.shape.size() == is.size() &&
             std::equal(a.shape.begin() + 1, a.shape.end(), is.begin() + 1)) {
    count = a.shape[0];
  } else {
    throw UserError(
        fmt::format("{}: inputs of shape {} do not fit the model's input {} (give {} "
                    "or N x {})",
                    o.inputs, infer::to_string(a.shape), infer::to_string(is), infer::to_string(is),
                    infer::to_string(infer::Shape(is.begin() + 1, is.end()))));
  }
  const std::vector<float> v = a.as_float32();
  for (float f : v) {
    if (!std::isfinite(f))
      throw UserError(fmt::format("{}: inputs hold a NaN or infinity", o.inputs));
  }
  for (int64_t i = 0; i < count; ++i)
    xs.emplace_back(v.begin() + i * per, v.begin() + (i + 1) * per);
  return xs;
}

std::vector<int32_t> load_labels(const InferOpts& o, size_t count, int64_t classes) {
  if (o.labels.empty()) return {};
  const npy::Array a = npy::load(o.labels);
  if (a.dtype != npy::DType::kInt32 || a.shape.size() != 1) {
    throw UserError(fmt::format("{}: labels must be a 1-D int32 array", o.labels));
  }
  if (size_t(a.shape[0]) != count) {
    throw UserError(fmt::format("{}: {} labels for {} inputs", o.labels, a.shape[0], count));
  }
  std::vector<int32_t> y = a.as_int32();
  for (int32_t v : y) {
    if (v < 0 || v >= classes) {
      throw UserError(
          fmt::format("{}: label {} outside the model's {} classes", o.labels, v, classes));
    }
  }
  return y;
}

nlohmann::json read_json_file(const std::string& path) {
  std::string text;
  try {
    text = base::read_file_bounded(path, size_t{64} << 20);
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
  }
  try {
    return nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw UserError(fmt::format("{}: not valid JSON ({})", path, e.what()));
  }
}

std::string npy_bytes(const npy::Array& a) {
  const std::vector<uint8_t> b = npy::serialize(a);
  return std::string(b.begin(), b.end());
}

// --dump: every engine layer of one input, written into a fresh directory renamed into place.
void write_dump(const InferOpts& o, const infer::Graph& g, const infer::QuantPlan& plan,
                const std::vector<infer::LayerIo>& ios) {
  std::error_code ec;
  if (fs::exists(o.dump_dir, ec) && !(fs::is_directory(o.dump_dir) && fs::is_empty(o.dump_dir))) {
    throw UserError(fmt::format("--dump {}: exists and is not an empty directory", o.dump_dir));
  }
  const std::string tmp = fmt::format("{}.tmp.{}", o.dump_dir, getpid());
  fs::remove_all(tmp, ec);
  if (!fs::create_directories(tmp, ec))
    throw UserError(fmt::format("--dump {}: cannot create", tmp));
  try {
    nlohmann::json layers = nlohmann::json::array();
    auto put = [&](const std::string& name, const npy::Array& a) {
      base::write_file_atomic(tmp + "/" + name, npy_bytes(a));
      return name;
    };
    for (const infer::LayerIo& io : ios) {
      const infer::Node& nd = g.nodes[size_t(io.node)];
      const infer::LayerQuant& L = plan.layers.at(io.node);
      const bool conv = nd.op == infer::Op::kConv;
      const std::string base = fmt::format("layer{:02d}", io.node);
      const infer::Shape& is = g.shapes.at(nd.inputs[0]);
      nlohmann::json e;
      e["name"] = nd.name;
      e["op"] = conv ? "conv" : "gemm";
      e["input"] = put(base + "_input.npy",
                       conv ? npy::make_int8(io.input, is)
                            : npy::make_int8(io.input, {int64_t(io.jobs[0].M), int64_t(nd.k)}));
      std::vector<int8_t> w(L.w.size());
      if (conv) {  // K x N back to OIHW
        for (int kk = 0; kk < nd.k; ++kk)
          for (int c = 0; c < nd.n; ++c) w[size_t(c) * nd.k + kk] = L.w[size_t(kk) * nd.n + c];
        e["weights"] =
            put(base + "_weights.npy", npy::make_int8(w, {nd.n, is[1] / nd.group, nd.kh, nd.kw}));
      } else {
        e["weights"] = put(base + "_weights.npy", npy::make_int8(L.w, {nd.k, nd.n}));
      }
      e["bias"] = put(base + "_bias.npy", npy::make_int32(L.bias, {nd.n}));
      e["m0"] = put(base + "_m0.npy", npy::make_int32(L.m0, {nd.n}));
      e["shift"] =
          put(base + "_shift.npy",
              npy::make_int32(std::vector<int32_t>(L.shift.begin(), L.shift.end()), {nd.n}));
      e["output"] = put(base + "_output.npy",
                        conv ? npy::make_int8(io.output, nd.out_shape)
                             : npy::make_int8(io.output, {int64_t(io.jobs[0].M), int64_t(nd.n)}));
      const q::QParams& qi = plan.act.at(nd.inputs[0]);
      e["zp_in"] = qi.zero_point;
      e["zp_out"] = io.jobs[0].q.zp_out;
      e["act_min"] = io.jobs[0].q.act_min;
      e["act_max"] = io.jobs[0].q.act_max;
      e["rounding"] = q::to_string(plan.rounding);
      e["scale_in"] = qi.scale;
      e["scale_out"] = plan.act
                           .at(plan.fused[size_t(io.node)] >= 0
                                   ? g.nodes[size_t(plan.fused[size_t(io.node)])].output
                                   : nd.output)
                           .scale;
      e["weight_scale"] = L.w_scale;
      if (conv) {
        e["group"] = nd.group;
        e["stride"] = {nd.sh, nd.sw};
        e["pads"] = {nd.pad_t, nd.pad_l, nd.pad_b, nd.pad_r};
      }
      layers.push_back(e);
    }
    nlohmann::json m;
    m["model"] = o.model;
    m["input_index"] = o.dump_index;
    m["layers"] = layers;
    base::write_file_atomic(tmp + "/manifest.json", m.dump(2) + "\n");
    if (fs::exists(o.dump_dir, ec)) fs::remove(o.dump_dir, ec);  // the empty directory
    fs::rename(tmp, o.dump_dir);
  } catch (...) {
    fs::remove_all(tmp, ec);
    throw;
  }
}

void infer_run(const InferOpts& o) {
  const q::Rounding mode = q::parse_rounding(o.rounding);
  const q::Precision precision = q::parse_precision(o.precision);
  const bool four = precision != q::Precision::kInt8;  // a 4-bit mode: dual-mode PEs
  infer::Graph g;
  try {
    g = infer::load_onnx(o.model);
  } catch (const infer::ModelError& e) {
    throw UserError(e.what());
  }
  const std::vector<std::vector<float>> xs = load_inputs(o, g);
  const int64_t classes = g.output_shape.back();
  const std::vector<int32_t> labels = load_labels(o, xs.size(), classes);
  const size_t count = o.limit > 0 ? std::min(xs.size(), size_t(o.limit)) : xs.size();
  if (!o.dump_dir.empty() && (o.dump_index < 0 || size_t(o.dump_index) >= count)) {
    throw UserError(fmt::format("--dump-index {} outside the {} inputs run", o.dump_index, count));
  }

  model::TopParams params;
  try {
    // w4a8 and w4a4 run on dual-mode PEs (Int4 = 1).
    const int df = dataflow_need(o.dataflow);
    params = o.engine == "model" ? sim::engine_params(o.rows, o.cols, 2, four ? 1 : -1, df)
                                 : sim::top_rtl_params(o.rows, o.cols, 2, four ? 1 : -1, df);
  } catch (const std::invalid_argument& e) {
    throw UserError(e.what());
  }
  check_dataflow(o.dataflow, o.dram.on, params.Dataflow, o.rows, o.cols);
  const model::EnergyTable table = [&] {
    try {
      return model::load_energy_table(o.energy_path);
    } catch (const std::exception& e) {
      throw UserError(e.what());
    }
  }();

  // Quantization parameters: read from --qparams when the file exists, else calibrated (and
  // written to --qparams when given).
  infer::QuantPlan plan;
  bool write_qparams = false;
  try {
    if (!o.qparams.empty() && fs::exists(o.qparams)) {
      plan = infer::plan_from_json(g, read_json_file(o.qparams));
      if (plan.rounding != mode) {
        throw UserError(fmt::format("{}: written for {} rounding, the run asks for {}", o.qparams,
                                    q::to_string(plan.rounding), q::to_string(mode)));
      }
      if (plan.precision != precision) {
        throw UserError(fmt::format("{}: written for precision {}, the run asks for {}", o.qparams,
                                    q::precision_name(plan.precision),
                                    q::precision_name(precision)));
      }
    } else {
      const size_t nc = std::min(xs.size(), size_t(o.calibration));
      plan = infer::calibrate(g, std::vector<std::vector<float>>(xs.begin(), xs.begin() + nc), mode,
                              precision);
      write_qparams = !o.qparams.empty();
    }
  } catch (const infer::ModelError& e) {
    throw UserError(e.what());
  }

  std::unique_ptr<sim::HostPort> port;
  try {
    if (o.engine == "cosim") {
      port = std::make_unique<sim::LockstepPort>(params);
    } else {
      port = sim::make_engine(o.engine, params);
    }
  } catch (const std::invalid_argument& e) {
    throw UserError(e.what());
  }
  // --dram: every GEMM a memory command through one memory model (its image reused per GEMM).
  std::unique_ptr<sim::Dram> dram;
  std::unique_ptr<sim::DramPort> dport;
  if (o.dram.on) {
    const sim::DramConfig dc = o.dram.config(1);
    dram = std::make_unique<sim::Dram>(dc, 1 << params.MemBytesLog2);
    dport = std::make_unique<sim::DramPort>(*port, *dram);
  }
  sim::HostDriver drv(dport ? static_cast<sim::HostPort&>(*dport) : *port);
  if (dram) drv.set_memory(dram.get());
  uint64_t ref_mismatches = 0;
  // The dataflow of each GEMM shape: fixed, or (best) the one with fewer cycles on the model,
  // decided once per shape.
  std::map<std::tuple<int, int, int>, bool> os_of;
  const auto choose = [&](const sim::GemmJob& job) {
    if (o.dataflow != "best") return o.dataflow == "os";
    const auto key = std::make_tuple(job.M, job.N, job.K);
    if (auto it = os_of.find(key); it != os_of.end()) return it->second;
    return os_of[key] = sim::best_dataflow(params, job).os_wins();
  };
  const infer::GemmRunner gemm = [&](const sim::GemmJob& in, sim::RunStats& st) {
    sim::GemmJob job = in;
    job.os = choose(in);
    std::vector<int8_t> c = drv.run(job, st);
    const std::vector<int8_t> ref = sim::reference_gemm(job);
    for (size_t i = 0; i < c.size(); ++i) ref_mismatches += c[i] != ref[i];
    return c;
  };

  std::map<int, LayerAcc> acc;
  std::vector<infer::LayerIo> dump;
  int float_ok = 0, int8_ok = 0, agree = 0;
  const auto t0 = std::chrono::steady_clock::now();
  uint64_t mismatches = 0;
  std::string mismatch_msg;
  size_t done = 0;
  for (size_t idx = 0; idx < count; ++idx) {
    const infer::FloatTensors ft = infer::run_float(g, xs[idx]);
    infer::IntTensors it;
    try {
      it = infer::run_int8(g, plan, xs[idx], gemm, [&](const infer::LayerIo& io) {
        LayerAcc& a = acc[io.node];
        a.node = io.node;
        a.m = io.jobs[0].M;
        a.n = g.nodes[size_t(io.node)].n;
        a.k = io.jobs[0].K;
        a.groups = int(io.jobs.size());
        a.os = choose(io.jobs[0]);
        a.engine += io.stats.engine;
        a.commands += uint64_t(io.stats.commands);
        if (!o.dump_dir.empty() && int(idx) == o.dump_index) dump.push_back(io);
      });
    } catch (const sim::Mismatch& e) {
      mismatches = 1;
      mismatch_msg = e.what();
      break;
    } catch (const std::invalid_argument& e) {
      throw UserError(e.what());
    }
    ++done;
    // SQNR of every engine layer's output against the float path's tensor.
    for (auto& [node, a] : acc) {
      const std::string& name = plan.output_of(g, node);
      const std::vector<float>& ref = ft.at(name);
      const std::vector<int8_t>& qv = it.at(name);
      const q::QParams& qp = plan.act.at(name);
      for (size_t i = 0; i < ref.size(); ++i) {
        const double d = double(ref[i]) - double(q::dequantize(qv[i], qp));
        a.ref2 += double(ref[i]) * ref[i];
        a.err2 += d * d;
      }
    }
    const int pf = infer::argmax(ft.at(g.output));
    const int pi = infer::argmax(it.at(g.output));
    agree += pf == pi;
    if (!labels.empty()) {
      float_ok += pf == labels[idx];
      int8_ok += pi == labels[idx];
    }
  }
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (ref_mismatches != 0) {
    throw UserError(fmt::format("the engine's outputs differ from the reference GEMM in {} values",
                                ref_mismatches));
  }

  // The report.
  nlohmann::json j;
  j["model"] = o.model;
  j["engine"] = o.engine;
  j["rows"] = o.rows;
  j["cols"] = o.cols;
  j["rounding"] = q::to_string(mode);
  j["precision"] = o.precision;
  j["dataflow"] = o.dataflow;
  j["inputs"] = done;
  j["mismatches"] = mismatches;
  uint64_t cycles = 0, macs = 0, dram_bytes = 0;
  nlohmann::json layers = nlohmann::json::array();
  std::string table_txt;
  for (const auto& [node, a] : acc) {
    const infer::Node& nd = g.nodes[size_t(node)];
    const double per = done ? 1.0 / double(done) : 0;
    const uint64_t cyc = done ? a.engine.busy / done : 0;
    // 4-bit modes: SCALE-Sim's formula on the packed K, utilization against 2 MACs per PE.
    const uint64_t ws = uint64_t(a.groups) *
                        sim::scalesim_ws_cycles(a.m, a.n / a.groups,
                                                q::engine_k(int(a.k), precision), o.rows, o.cols);
    const double util = a.engine.busy ? double(a.engine.macs) / (double(a.engine.busy) * o.rows *
                                                                 o.cols * q::macs_per_pe(precision))
                                      : 0;
    const double sqnr = a.err2 > 0 ? 10.0 * std::log10(a.ref2 / a.err2) : INFINITY;
    cycles += cyc;
    macs += done ? a.engine.macs / done : 0;
    dram_bytes += done ? (a.engine.dram_rd + a.engine.dram_wr) / done : 0;
    nlohmann::json l;
    l["name"] = nd.name;
    l["op"] = nd.op == infer::Op::kConv ? "conv" : "gemm";
    l["M"] = a.m;
    l["N"] = a.n;
    l["K"] = a.k;
    l["groups"] = a.groups;
    l["dataflow"] = a.os ? "os" : "ws";
    l["cycles"] = cyc;
    l["cycles_by_phase"] = {{"weight_load_stall", uint64_t(double(a.engine.wstall) * per)},
                            {"compute", uint64_t(double(a.engine.compute) * per)},
                            {"drain", uint64_t(double(a.engine.drain) * per)},
                            {"output_stage", uint64_t(double(a.engine.output) * per)}};
    l["utilization"] = util;
    l["scalesim_ws_cycles"] = ws;
    if (o.dram.on) {
      l["cycles_by_phase"]["load"] = uint64_t(double(a.engine.load) * per);
      l["cycles_by_phase"]["store"] = uint64_t(double(a.engine.store) * per);
      l["dram_bytes_read"] = uint64_t(double(a.engine.dram_rd) * per);
      l["dram_bytes_written"] = uint64_t(double(a.engine.dram_wr) * per);
    }
    // The traffic counters per inference (DRAM bytes by tensor, scratchpad words).
    for (const iface::CounterInfo& c : iface::kCounterTable) {
      l["traffic"][c.key] = uint64_t(double(a.engine.traffic[c.counter]) * per);
    }
    l["sqnr_db"] = std::isfinite(sqnr) ? nlohmann::json(sqnr) : nlohmann::json(nullptr);
    layers.push_back(l);
    table_txt += fmt::format("  {:<16} {:<5} {:>6} {:>5} {:>5} {:>9} {:>7.1f} % {:>9} {:>8.1f}\n",
                             nd.name.size() > 16 ? nd.name.substr(nd.name.size() - 16) : nd.name,
                             l["op"].get<std::string>(), a.m, a.n, a.k, cyc, 100 * util, ws, sqnr);
  }
  j["layers"] = layers;
  j["cycles_per_inference"] = cycles;
  j["macs_per_inference"] = macs;
  if (o.dram.on) {
    j["dram_bw"] =
        o.dram.bw == "inf" ? nlohmann::json("inf") : nlohmann::json(std::stod(o.dram.bw));
    j["dram_latency"] = o.dram.latency;
    j["dram_bytes_per_inference"] = dram_bytes;
  }
  j["clock_mhz"] = o.clock_mhz;
  j["inferences_per_second"] = cycles ? o.clock_mhz * 1e6 / double(cycles) : 0;
  // 4-bit modes: the table's derived MACs (arith/energy.h, w4a4_mac, w4a8_mac).
  const double mac_pj = precision == q::Precision::kW4A4   ? table.w4a4_mac().energy_pj
                        : precision == q::Precision::kW4A8 ? table.w4a8_mac().energy_pj
                                                           : table.int8_mac().energy_pj;
  j["mac_energy_uj_per_inference"] = double(macs) * mac_pj * 1e-6;
  j["argmax_agreement"] = done ? double(agree) / double(done) : 0;
  if (!labels.empty()) {
    j["float_top1"] = done ? double(float_ok) / double(done) : 0;
    j["int8_top1"] = done ? double(int8_ok) / double(done) : 0;
  }
  j["wall_seconds"] = wall;

  // INT8 vs FP per inference: every engine layer's GEMM on the FP machines of `systolic compare`
  // (closed-form FP cycles, no synthesis), summed; INT8 from the engine's own counters.
  struct FpSum {
    std::string label;
    uint64_t cycles = 0;
    double energy_uj = 0;
  };
  std::vector<FpSum> fp_rows;
  try {
    sim::FpCompareOptions fo;
    fo.energy_path = o.energy_path;
    fo.fp_cycles = "formula";
    fo.synth = "off";
    // (The FP machines are compared with the INT8 array: none for a 4-bit run.)
    for (const auto& [node, a] : acc) {
      if (four) break;
      const uint64_t cyc = done ? a.engine.busy / done : 0;
      // A grouped layer: its GEMMs (N / groups columns each) one after the other.
      const sim::FpComparison cmp =
          sim::compare_fp(sim::Int8Run{o.engine, o.rows, o.cols, 2, cyc / uint64_t(a.groups)}, a.m,
                          a.n / a.groups, a.k, fo);
      if (fp_rows.empty()) fp_rows.resize(cmp.rows.size());
      for (size_t r = 0; r < cmp.rows.size(); ++r) {
        fp_rows[r].label = cmp.rows[r].label;
        fp_rows[r].cycles += uint64_t(a.groups) * cmp.rows[r].cycles;
        fp_rows[r].energy_uj +=
            double(a.groups) * double(cmp.macs()) * cmp.rows[r].mac.energy_pj * 1e-6;
      }
    }
  } catch (const std::exception& e) {
    throw UserError(e.what());
  }
  nlohmann::json fpj = nlohmann::json::array();
  for (const FpSum& r : fp_rows) {
    fpj.push_back(
        {{"machine", r.label}, {"cycles_per_inference", r.cycles}, {"mac_energy_uj", r.energy_uj}});
  }
  j["fp_comparison"] = fpj;

  // Files first (each whole or not at all), then stdout.
  if (write_qparams) write_output(o.qparams, plan.to_json(g).dump(2) + "\n");
  if (!dump.empty()) write_dump(o, g, plan, dump);
  if (!o.json_path.empty()) write_output(o.json_path, j.dump(2) + "\n");
  if (mismatches) throw UserError(mismatch_msg);

  fmt::print("systolic infer: {} on engine {}, array {}x{}, {}{} rounding, {} input{}\n", o.model,
             o.engine, o.rows, o.cols,
             four ? fmt::format("{}, ", q::precision_name(precision)) : std::string(),
             q::to_string(mode), done, done == 1 ? "" : "s");
  fmt::print("  {:<16} {:<5} {:>6} {:>5} {:>5} {:>9} {:>9} {:>9} {:>8}\n", "layer", "op", "M", "N",
             "K", "cycles", "util", "SCALE-Sim", "SQNR dB");
  fmt::print("{}", table_txt);
  fmt::print("  cycles per inference  {}   ({:.0f} inferences/s at {} MHz)\n", cycles,
             j["inferences_per_second"].get<double>(), o.clock_mhz);
  fmt::print("  MACs per inference    {}   (MAC energy {:.3f} uJ, {})\n", macs,
             j["mac_energy_uj_per_inference"].get<double>(), table.process);
  if (o.dram.on) {
    fmt::print("  memory per inference  {} bytes at {} B/cycle, latency {} (cycles end to end)\n",
               dram_bytes, o.dram.bw, o.dram.latency);
  }
  if (!labels.empty()) {
    fmt::print("  top-1                 float {:.2f} %, {} on the engine {:.2f} %\n",
               100 * j["float_top1"].get<double>(), o.precision,
               100 * j["int8_top1"].get<double>());
  }
  fmt::print("  argmax agreement      {:.2f} % ({} vs float)\n",
             100 * j["argmax_agreement"].get<double>(), o.precision);
  if (!fp_rows.empty()) {
    fmt::print("  INT8 vs FP per inference (FP cycles in closed form, MAC energy only):\n");
    for (const FpSum& r : fp_rows) {
      fmt::print("    {:<24} {:>12} cycles  {:>7.1f}x  {:>10.3f} uJ\n", r.label, r.cycles,
                 fp_rows[0].cycles ? double(r.cycles) / double(fp_rows[0].cycles) : 0.0,
                 r.energy_uj);
    }
  }
  if (o.engine == "cosim")
    fmt::print("  co-simulation         0 mismatches (model and RTL on every cycle)\n");
  fmt::print("  simulation            {:.2f} s\n", wall);
  if (write_qparams) fmt::print("  qparams written to    {}\n", o.qparams);
  if (!o.qparams.empty() && !write_qparams) fmt::print("  qparams read from     {}\n", o.qparams);
  if (!dump.empty()) fmt::print("  layers dumped to      {}\n", o.dump_dir);
  if (!o.json_path.empty()) fmt::print("  JSON report           {}\n", o.json_path);
}

}  // namespace

void add_infer_command(CLI::App& app) {
  InferOpts& o = g_infer;
  CLI::App* cmd = app.add_subcommand(
      "infer",
      "Quantize a float ONNX model and run its data through the engine (docs/inference.md)");
  cmd->add_option("model", o.model, "The float ONNX model")->required();
  cmd->add_option("--inputs", o.inputs,
                  "float32 .npy: the model's input shape, or N stacked inputs (default: one "
                  "seeded random input)");
  cmd->add_option("--labels", o.labels, "int32 .npy of one class per input: top-1 accuracy");
  cmd->add_option("--engine", o.engine,
                  "model (C++ core) | rtl (verilated) | cosim (both in lockstep, compared every "
                  "cycle)")
      ->capture_default_str()
      ->check(CLI::IsMember({"model", "rtl", "cosim"}));
  cmd->add_option("--rows", o.rows, "Array rows")
      ->capture_default_str()
      ->check(param_range("Rows"));
  cmd->add_option("--cols", o.cols, "Array columns")
      ->capture_default_str()
      ->check(param_range("Cols"));
  cmd->add_option("--rounding", o.rounding, "double | single")
      ->capture_default_str()
      ->check(CLI::IsMember({"double", "single"}));
  cmd->add_option("--precision", o.precision,
                  "int8 | w4a8 (4-bit weights, 8-bit activations) | w4a4 (4-bit weights and "
                  "activations): the 4-bit modes make two MACs per PE on dual-mode PEs")
      ->capture_default_str()
      ->check(CLI::IsMember({"int8", "w4a8", "w4a4"}));
  cmd->add_option("--dataflow", o.dataflow,
                  "ws | os (output-stationary: a build with Dataflow = 2 or 3) | best (per layer, "
                  "the one with fewer cycles on the model; each layer's JSON says which)")
      ->capture_default_str()
      ->check(CLI::IsMember({"ws", "os", "best"}));
  cmd->add_option("--calibration", o.calibration, "Calibrate activations on the first N inputs")
      ->capture_default_str()
      ->check(CLI::Range(1, 1000000));
  cmd->add_option(
      "--qparams", o.qparams,
      "Quantization parameters: read from this JSON when it exists, else written to it");
  cmd->add_option("--json", o.json_path, "Also write the report as JSON");
  add_dram_options(cmd, o.dram,
                   "Every GEMM a memory command through the DMA and a memory model (cycles end "
                   "to end)",
                   false);
  cmd->add_option("--dump", o.dump_dir,
                  "Write every engine layer of one input into this directory");
  cmd->add_option("--dump-index", o.dump_index, "The input --dump writes (default 0)")
      ->capture_default_str();
  cmd->add_option("--limit", o.limit, "Run only the first N inputs (0: all)")
      ->capture_default_str()
      ->check(CLI::Range(0, 100000000));
  cmd->add_option("--clock-mhz", o.clock_mhz, "Clock for inferences/s")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 100000.0));
  cmd->add_option("--energy-table", o.energy_path, "Per-operation energy table (JSON)")
      ->capture_default_str();
  cmd->callback([] { infer_run(g_infer); });
}

}  // namespace systolic::cli
