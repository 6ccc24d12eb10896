// systolic run: one GEMM through the engine (model, RTL or co-simulation), from random data or
// .npy files, with the cycle report.
#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "cli_util.h"
#include "commands.h"
#include "cosim.h"
#include "dram_options.h"
#include "engines.h"
#include "files.h"
#include "host_driver.h"
#include "lockstep.h"
#include "npy.h"
#include "options.h"
#include "process.h"
#include "quant.h"
#include "rtl_cache.h"
#include "rtl_top.h"
#include "run_report.h"
#include "trace_run.h"

namespace systolic::cli {
namespace q = systolic::quant;
namespace {

RunOpts g_run;

constexpr int64_t kMaxDim = (int64_t{1} << model::addr::kDimWidth) - 1;
constexpr int64_t kMaxElements = int64_t{1} << 28;

void check_size(const char* what, int64_t v) {
  if (v < 1 || v > kMaxDim)
    throw UserError(fmt::format("{} = {} must be in 1..{}", what, v, kMaxDim));
}

// --m0 / --shift: one integer for all columns, or an int32 .npy with one value per column.
template <class T>
std::vector<T> per_column(const std::string& arg, const char* what, int64_t n, int64_t lo,
                          int64_t hi) {
  std::vector<T> v;
  if (arg.size() > 4 && arg.substr(arg.size() - 4) == ".npy") {
    const npy::Array a = npy::load(arg);
    if (a.dtype != npy::DType::kInt32) {
      throw UserError(
          fmt::format("{}: {} must be int32, not {}", arg, what, npy::to_string(a.dtype)));
    }
    if (a.shape.size() != 1 || a.shape[0] != n) {
      throw UserError(fmt::format("{}: {} needs shape ({},) for N = {}", arg, what, n, n));
    }
    for (int32_t x : a.as_int32()) {
      if (x < lo || x > hi)
        throw UserError(fmt::format("{}: {} value {} outside [{}, {}]", arg, what, x, lo, hi));
      v.push_back(T(x));
    }
  } else {
    v.push_back(T(parse_int(arg, lo, hi, what)));
  }
  return v;
}

npy::Array load_matrix(const std::string& path, const char* what) {
  npy::Array a = npy::load(path);
  if (a.shape.size() != 2) {
    throw UserError(
        fmt::format("{}: {} must be a 2-D matrix, not {}-D", path, what, a.shape.size()));
  }
  if (a.dtype == npy::DType::kInt32) {
    throw UserError(fmt::format("{}: {} must be int8 or float32, not int32", path, what));
  }
  if (a.size() > kMaxElements) throw UserError(fmt::format("{}: {} is too large", path, what));
  return a;
}

struct Inputs {
  sim::GemmJob job;
  std::optional<uint64_t> seed;
  // Float inputs: the float reference and the output scale, for the SQNR.
  std::vector<float> c_float;
  q::QParams out_params;
  bool is_float = false;
};

Inputs random_inputs(const RunOpts& o, q::Rounding mode) {
  if (!o.timing_only &&
      (o.m * o.k > kMaxElements || o.k * o.n > kMaxElements || o.m * o.n > kMaxElements)) {
    throw UserError("GEMM is too large for one run (more than 2^28 elements in a matrix)");
  }
  Inputs in;
  in.seed = o.seed;
  in.job = sim::random_gemm(int(o.m), int(o.n), int(o.k), mode, o.seed, !o.timing_only,
                            q::parse_precision(o.precision));
  return in;
}

Inputs file_inputs(const RunOpts& o, q::Rounding mode) {
  if (o.a_path.empty() || o.b_path.empty()) throw UserError("--a and --b go together");
  const npy::Array a = load_matrix(o.a_path, "A");
  const npy::Array b = load_matrix(o.b_path, "B");
  if (a.dtype != b.dtype) {
    throw UserError(fmt::format("A is {} but B is {}: both must be int8 or both float32",
                                npy::to_string(a.dtype), npy::to_string(b.dtype)));
  }
  if (a.shape[1] != b.shape[0]) {
    throw UserError(
        fmt::format("shape mismatch: A is {}x{} and B is {}x{} (A's columns must equal "
                    "B's rows)",
                    a.shape[0], a.shape[1], b.shape[0], b.shape[1]));
  }
  Inputs in;
  sim::GemmJob& j = in.job;
  j.precision = q::parse_precision(o.precision);
  const bool a4 = q::four_bit_activations(j.precision), w4 = q::four_bit_weights(j.precision);
  const int64_t m = a.shape[0], k = a.shape[1], n = b.shape[1];
  check_size("M", m);
  check_size("N", n);
  check_size("K", k);
  if ((o.m_set && o.m != m) || (o.n_set && o.n != n) || (o.k_set && o.k != k)) {
    throw UserError(
        fmt::format("shape mismatch: the files give M={} N={} K={}, the options differ", m, n, k));
  }
  if (m * n > kMaxElements) throw UserError("C would be too large");
  j.M = int(m);
  j.N = int(n);
  j.K = int(k);

  std::optional<npy::Array> bias;
  if (!o.bias_path.empty()) {
    bias = npy::load(o.bias_path);
    if (bias->shape.size() != 1 || bias->shape[0] != n) {
      throw UserError(fmt::format("{}: bias needs shape ({},) for N = {}", o.bias_path, n, n));
    }
  }

  if (a.dtype == npy::DType::kInt8) {
    if (o.m0.empty() || o.shift.empty()) {
      throw UserError("int8 inputs need the requantization parameters --m0 and --shift");
    }
    j.a = a.as_int8();
    j.b = b.as_int8();
    std::vector<int32_t> qb;
    if (bias) {
      if (bias->dtype != npy::DType::kInt32) {
        throw UserError(fmt::format("{}: bias must be int32 with int8 inputs, not {}", o.bias_path,
                                    npy::to_string(bias->dtype)));
      }
      qb = bias->as_int32();
    }
    j.bias = q::fold_bias(qb, j.b, j.K, j.N, o.zp_in);
    j.q.m0 = per_column<int32_t>(o.m0, "--m0", n, 0, q::kMaxM0);
    j.q.shift = per_column<int>(o.shift, "--shift", n, q::kMinShift, q::kMaxShift);
    return in;
  }

  // float32: quantize with the library (asymmetric activations, per-channel symmetric weights,
  // int32 bias at S_W * S_X), pick the output scale from the float result's range.
  if (!o.m0.empty() || !o.shift.empty()) {
    throw UserError("--m0 and --shift are derived from the data for float32 inputs; drop them");
  }
  in.is_float = true;
  const std::vector<float> af = a.as_float32(), bf = b.as_float32();
  for (const auto* v : {&af, &bf}) {
    for (float x : *v) {
      if (!std::isfinite(x)) throw UserError("float inputs must be finite (no NaN or Inf)");
    }
  }
  std::vector<float> biasf;
  if (bias) {
    if (bias->dtype != npy::DType::kFloat32) {
      throw UserError(fmt::format("{}: bias must be float32 with float32 inputs", o.bias_path));
    }
    biasf = bias->as_float32();
  }
  // 4-bit activations (w4a4) asymmetric in [-8, 7], 4-bit weights (w4a8, w4a4) per-channel
  // symmetric in [-7, 7].
  const q::IntRange r8 = q::int8_range();
  const q::IntRange ra = a4 ? q::int4_range() : r8;
  const auto [amin, amax] = std::minmax_element(af.begin(), af.end());
  const q::QParams px = q::choose_asymmetric(*amin, *amax, ra);
  const std::vector<int32_t> aq = q::quantize(af, px, ra);
  const q::PerChannel wq =
      q::quantize_per_channel(bf, j.K, j.N, w4 ? q::int4_range(true) : q::int8_range(true));
  j.a.assign(aq.begin(), aq.end());
  j.b.assign(wq.q.begin(), wq.q.end());
  in.c_float = q::gemm_float(af, bf, biasf, j.M, j.N, j.K);
  for (size_t i = 0; i < in.c_float.size(); ++i) {
    if (!std::isfinite(in.c_float[i])) {
      throw UserError(
          fmt::format("the float GEMM overflows float32: C[{}][{}] = {} (scale the inputs down)",
                      i / size_t(j.N), i % size_t(j.N), in.c_float[i]));
    }
  }
  const auto [cmin, cmax] = std::minmax_element(in.c_float.begin(), in.c_float.end());
  in.out_params = q::choose_asymmetric(*cmin, *cmax, r8);
  std::vector<int32_t> qb(j.N, 0);
  for (int c = 0; c < j.N; ++c) {
    const double sws = double(wq.scales[c]) * px.scale;
    // The int32 bias at S_W * S_X, with the activation zero point folded in (fold_bias), must fit
    // int32: refused, not clamped (a clamped bias wraps in the fold and gives a wrong C).
    const double bq = biasf.empty() ? 0.0 : std::round(double(biasf[size_t(c)]) / sws);
    double folded = bq;
    for (int k = 0; k < j.K; ++k) folded -= double(px.zero_point) * wq.q[size_t(k) * j.N + c];
    if (std::abs(folded) > 2147483647.0) {
      throw UserError(fmt::format(
          "{}column {}: the int32 bias ({:.4g} at the inputs' scale S_A x S_W = {:.4g}, the "
          "activation zero point {} folded in) is beyond int32; scale the bias or the inputs down",
          o.bias_path.empty()
              ? std::string()
              : fmt::format("{}: bias[{}] = {:g}, ", o.bias_path, c, biasf[size_t(c)]),
          c, folded, sws, px.zero_point));
    }
    if (!biasf.empty()) qb[c] = int32_t(bq);
    const q::Multiplier mm = q::quantize_multiplier(sws / in.out_params.scale, mode);
    q::check_multiplier(mm.m0, mm.shift);
    j.q.m0.push_back(mm.m0);
    j.q.shift.push_back(mm.shift);
  }
  j.bias = q::fold_bias(qb, j.b, j.K, j.N, px.zero_point);
  j.q.zp_out = in.out_params.zero_point;
  return in;
}

// After a co-simulation mismatch: the same command once more in a child process (SystemC
// elaborates once per process), started without a shell, dumping both sides around the first
// differing cycle. Returns the error message's tail naming the save file, or why there are none.
std::string mismatch_waves(const CliContext& ctx, uint64_t cycle) {
  if (ctx.argv.empty()) return "";
  std::vector<std::string> args = ctx.argv;
  if (args.size() < 2 || args[1] != "run") args.insert(args.begin() + 1, "run");  // the default
  try {
    args[0] = base::self_exe();
  } catch (const std::runtime_error&) {
    return "; no waveforms (cannot find this program to re-run it)";
  }
  const std::string dump = fmt::format("cosim-mismatch-cycle{}.fst", cycle);
  const uint64_t from = cycle > 100 ? cycle - 100 : 0;
  for (std::string a :
       {std::string("--trace"), dump, std::string("--trace-from"), std::to_string(from),
        std::string("--trace-to"), std::to_string(cycle + 10)}) {
    args.push_back(a);
  }
  try {
    base::run_process(args, base::Output::kDiscard, base::Output::kDiscard);
  } catch (const std::runtime_error&) {
    return "; no waveforms (cannot re-run)";
  }
  const std::string gtkw = sim::gtkw_path_for(dump);
  if (::access(gtkw.c_str(), R_OK) != 0) {
    return "; the traced re-run wrote no waveforms (is this configuration in "
           "SYSTOLIC_TRACE_CONFIGS?)";
  }
  return fmt::format("; waves of cycles {}..{}: gtkwave {}", from, cycle + 10, gtkw);
}

void run(const RunOpts& o, const CliContext& ctx) {
  const q::Rounding mode = q::parse_rounding(o.rounding);
  if (o.rtl_threads > 1 && o.engine != "rtl" && o.engine != "cosim") {
    throw UserError("--rtl-threads needs --engine rtl or cosim");
  }
  if (o.rtl_threads > 1 && o.trace.on()) {
    throw UserError("--rtl-threads: traced RTL runs are single-threaded; drop --trace");
  }
  sim::set_rtl_threads(o.rtl_threads);
  // A 4-bit mode runs on dual-mode PEs (Int4 = 1): the model takes them, the RTL needs a build.
  const int int4 = o.precision == "int8" ? -1 : 1;
  const int need = dataflow_need(o.dataflow);
  model::TopParams params;
  try {
    params = sim::engine_params(o.rows, o.cols, o.weight_banks, int4, need);
    if (o.engine == "rtl" || o.engine == "cosim") {
      params = sim::top_rtl_params(o.rows, o.cols, o.weight_banks, int4, need);
    }
  } catch (const std::invalid_argument& e) {
    throw UserError(e.what());
  }
  check_dataflow(o.dataflow, o.dram.on, params.Dataflow, o.rows, o.cols);
  for (auto [name, v] : {std::pair{"M", o.m}, {"N", o.n}, {"K", o.k}}) check_size(name, v);

  const bool from_files = !o.a_path.empty() || !o.b_path.empty();
  if (o.timing_only && o.engine != "model") {
    throw UserError("--timing-only needs --engine model (the RTL always simulates its data)");
  }
  if (o.timing_only && (from_files || !o.out_path.empty())) {
    throw UserError("--timing-only runs without data: drop --a, --b and --out");
  }
  const sim::FpCompareOptions fp_opts = o.fp.resolve(o.seed);  // bad options fail before the run
  if (!from_files && (!o.bias_path.empty() || !o.m0.empty() || !o.shift.empty())) {
    throw UserError("--bias, --m0 and --shift need --a and --b");
  }
  Inputs in = from_files ? file_inputs(o, mode) : random_inputs(o, mode);
  sim::GemmJob& job = in.job;
  job.os = o.dataflow == "os";
  job.q.rounding = mode;
  if (!in.is_float) job.q.zp_out = o.zp_out;
  job.q.act_min = o.act_min;
  job.q.act_max = o.act_max;
  try {
    q::validate(job.q, job.N);
  } catch (const std::invalid_argument& e) {
    throw UserError(e.what());
  }

  sim::RunReport rep;
  rep.engine = o.engine;
  rep.rows = o.rows;
  rep.cols = o.cols;
  rep.weight_banks = o.weight_banks;
  rep.m = job.M;
  rep.n = job.N;
  rep.k = job.K;
  rep.rounding = q::to_string(mode);
  rep.precision = job.precision;
  rep.seed = in.seed;
  if (o.dataflow == "best") {
    sim::DataflowChoice c;
    try {
      c = sim::best_dataflow(params, job);
    } catch (const std::invalid_argument& e) {
      throw UserError(e.what());
    }
    rep.best_ws_cycles = c.ws;
    rep.best_os_cycles = c.os;
    job.os = c.os_wins();
  }
  rep.dataflow = job.os ? "os" : "ws";

  if (o.trace.on()) {
    if (o.timing_only) throw UserError("--trace needs the data: drop --timing-only");
    try {
      o.trace.validate(params);
    } catch (const std::invalid_argument& e) {
      throw UserError(e.what());
    }
  }
  std::string trace_lines;  // where the waveforms went

  const auto t0 = std::chrono::steady_clock::now();
  std::vector<int8_t> c;
  try {
    if (o.dram.on && o.engine != "sc-model" && o.engine != "cosim") {
      // --trace: the traced engine's port (model or rtl).
      std::unique_ptr<sim::EngineTrace> traced;
      std::unique_ptr<sim::HostPort> owned;
      if (o.trace.on()) {
        traced = std::make_unique<sim::EngineTrace>(o.engine, params, o.trace);
      } else {
        owned = sim::make_engine(o.engine, params);
      }
      sim::HostPort* port = traced ? &traced->port() : owned.get();
      const sim::DramConfig dc = o.dram.config(o.seed);
      sim::Dram dram(dc, 1 << params.MemBytesLog2);
      sim::DramPort dport(*port, dram);
      sim::HostDriver drv(dport);
      drv.set_memory(&dram, o.dram.misalign);
      if (o.timing_only) {
        static_cast<sim::ModelPort&>(*port).top().set_compute_data(false);
        drv.set_timing_only(true);
      }
      c = drv.run(job, rep.stats);
      rep.sim_cycles = port->cycles();
      if (traced) trace_lines = traced->finish();
      rep.dram_bw = dc.bytes_per_cycle;
      rep.dram_latency = dc.latency;
    } else if (o.engine == "sc-model" || o.engine == "cosim") {
      sim::CosimOptions co;
      co.trace = o.trace;
      co.make_model = ctx.hooks.make_cosim_model;
      if (o.dram.on) {
        // Memory commands in the SystemC bench: one memory model on the memory port.
        co.dram = o.dram.config(o.seed);
        co.misalign = o.dram.misalign;
        rep.dram_bw = co.dram->bytes_per_cycle;
        rep.dram_latency = co.dram->latency;
      }
      const bool both = o.engine == "cosim";
      sim::CosimResult cr = both ? sim::run_cosim(params, job, rep.stats, co)
                                 : sim::run_sc_model(params, job, rep.stats, co);
      c = std::move(cr.c);
      rep.sim_cycles = cr.cycles;
      trace_lines = cr.trace_report;
      if (both) {
        // Each side's busy cycles from its own CYC_BUSY, read through its own host port.
        rep.rtl_cycles = rep.stats.engine.busy;
        if (rep.stats.reference) rep.model_cycles = rep.stats.reference->busy;
        rep.mismatches = cr.mismatch ? 1 : 0;
      }
      if (cr.mismatch) {
        rep.wall_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (!o.json_path.empty()) write_output(o.json_path, rep.json().dump(2) + "\n");
        if (o.trace.on()) throw UserError(cr.mismatch_message + "; waves: " + o.trace.path);
        throw UserError(cr.mismatch_message + mismatch_waves(ctx, cr.mismatch_cycle));
      }
    } else if (o.trace.on()) {
      sim::EngineTrace tr(o.engine, params, o.trace);
      sim::HostDriver drv(tr.port());
      c = drv.run(job, rep.stats);
      rep.sim_cycles = tr.port().cycles();
      trace_lines = tr.finish();
    } else {
      std::unique_ptr<sim::HostPort> port = sim::make_engine(o.engine, params);
      sim::HostDriver drv(*port);
      if (o.timing_only) {
        static_cast<sim::ModelPort&>(*port).top().set_compute_data(false);
        drv.set_timing_only(true);
      }
      c = drv.run(job, rep.stats);
      rep.sim_cycles = port->cycles();
    }
  } catch (const std::invalid_argument& e) {
    throw UserError(e.what());
  }
  rep.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  rep.timing_only = o.timing_only;
  if (!o.timing_only) {
    const std::vector<int8_t> ref = sim::reference_gemm(job);
    for (size_t i = 0; i < ref.size(); ++i) rep.mismatched_values += ref[i] != c[i];
    rep.matches_reference = rep.mismatched_values == 0;
  }
  if (in.is_float) {
    rep.sqnr_db = q::sqnr_db(
        in.c_float, q::dequantize(std::vector<int32_t>(c.begin(), c.end()), in.out_params));
  }
  std::optional<sim::FpComparison> cmp;
  if (o.fp_compare && o.precision == "int8") {  // the FP machines are compared with INT8
    // INT8 cycles from the engine that ran: on rtl and cosim runs the RTL's own counter.
    cmp =
        fp_comparison(sim::Int8Run{o.engine, o.rows, o.cols, o.weight_banks, rep.stats.engine.busy},
                      job.M, job.N, job.K, fp_opts);
  }
  // Every output file first, all or none, then the report: a failed write leaves no file and
  // nothing on stdout.
  std::vector<std::pair<std::string, std::string>> files;
  if (!o.json_path.empty()) {
    nlohmann::json j = rep.json();
    if (cmp) j["fp_comparison"] = cmp->json();
    files.emplace_back(o.json_path, j.dump(2) + "\n");
  }
  if (!o.out_path.empty()) {
    const npy::Array a = npy::make_int8(c, {job.M, job.N});
    const std::vector<uint8_t> bytes = npy::serialize(a);
    files.emplace_back(o.out_path, std::string(bytes.begin(), bytes.end()));
  }
  write_outputs(files);
  fmt::print("{}", rep.text());
  fmt::print("{}", trace_lines);
  if (!o.json_path.empty()) fmt::print("  JSON report           {}\n", o.json_path);
  if (!o.out_path.empty()) fmt::print("  C written to          {}\n", o.out_path);
  if (cmp) fmt::print("\nINT8 vs FP on this GEMM\n{}", cmp->text());
  if (!o.timing_only && !rep.matches_reference) {
    throw UserError("the engine's result differs from the reference GEMM");
  }
}

}  // namespace

void add_run_command(CLI::App& app, const CliContext& ctx) {
  RunOpts& o = g_run;
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Run a GEMM on the engine and report its cycles (the default job: 16x16, 256^3, cosim)");
  add_run_options(cmd, o);
  cmd->callback([&ctx] { run(g_run, ctx); });
}

void run_default(const CliContext& ctx) { run(g_run, ctx); }

}  // namespace systolic::cli
