// systolic sweep: design-space sweeps (docs/sweeps.md). `sweep` checks its command line and execs
// the Python orchestrator (sweep/), which expands the spec's grid and runs points locally or on a
// Dask cluster. Each point is one configuration over every layer of one workload, evaluated in one
// process by the hidden `sweep-point` subcommand (JSON on stdin, JSON on stdout), which also holds
// the one table of grid keys: every key a spec's grid may use, the TopParams field it sets, and how
// its values are checked.
#include <fmt/format.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <iostream>
#include <iterator>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cli_util.h"
#include "commands.h"
#include "engines.h"
#include "fp_mac.h"
#include "host_driver.h"
#include "options.h"
#include "process.h"
#include "quant.h"
#include "rtl_top.h"
#include "run_report.h"
#include "synth_cache.h"
#include "systolic_if.h"

#ifndef SYSTOLIC_SOURCE_DIR
#define SYSTOLIC_SOURCE_DIR "."
#endif

namespace systolic::cli {
namespace {
using nlohmann::json;

// One point's configuration: the engine's parameters and the run options a grid can vary.
struct PointConfig {
  model::TopParams p;
  quant::Rounding rounding = quant::Rounding::kDouble;
  quant::Precision precision = quant::Precision::kInt8;
  // Memory commands through the memory model (dram_bw given: bytes per cycle, 0 = inf), or
  // host-port scratchpad loads and compute-only cycles (dram_bw < 0, the default).
  double dram_bw = -1;
  int dram_latency = 100;
  std::string dataflow = "ws";  // ws | os | best (per layer, the one with fewer cycles)
};

// A grid key: its name in a spec, the TopParams field (= RTL parameter) it sets, if any, and how
// a value is read and shown. `set` throws UserError naming what is wrong with the value.
struct GridKey {
  const char* key;
  const char* field;  // TopParams field and RTL parameter; "" for run options
  const char* doc;
  std::function<void(const json&, PointConfig&)> set;
  std::function<json(const PointConfig&)> get;
};

int64_t int_value(const char* key, const json& v) {
  if (!v.is_number_integer()) {
    throw UserError(fmt::format("grid {}: {} is not an integer", key, v.dump()));
  }
  return v.get<int64_t>();
}

// A grid key that sets a TopParams field, within the field's limits (rtl/systolic_if.toml).
GridKey param_key(const char* key, int model::TopParams::*field, const char* name,
                  const char* doc) {
  return {key, name, doc,
          [key, field, name](const json& v, PointConfig& c) {
            const int64_t x = int_value(key, v);
            try {
              iface::check_param(name, x);
            } catch (const std::invalid_argument& e) {
              throw UserError(fmt::format("grid {}: {}", key, e.what()));
            }
            c.p.*field = int(x);
          },
          [field](const PointConfig& c) { return json(c.p.*field); }};
}

// A run-option key whose value is a name (rounding, precision): `parse` reads it (throwing
// std::invalid_argument), `show` writes it back; `names` says what a non-string should have been.
template <class T, class Parse, class Show>
GridKey name_key(const char* key, const char* names, const char* doc, T PointConfig::*field,
                 Parse parse, Show show) {
  return {key, "", doc,
          [key, names, field, parse](const json& v, PointConfig& c) {
            if (!v.is_string()) {
              throw UserError(fmt::format("grid {}: {} is not {}", key, v.dump(), names));
            }
            try {
              c.*field = parse(v.get<std::string>());
            } catch (const std::invalid_argument& e) {
              throw UserError(fmt::format("grid {}: {}", key, e.what()));
            }
          },
          [field, show](const PointConfig& c) { return json(show(c.*field)); }};
}

// The grid keys: one per systolic_top parameter with a sweep key in rtl/systolic_if.toml (the
// double_buffer key of WeightBanks takes true or false), and the run options.
const std::vector<GridKey>& grid_keys() {
  static const std::vector<GridKey> keys = [] {
    std::vector<GridKey> k;
#define SYSTOLIC_GRID_KEY(name, def, lo, hi, key, doc) \
  if (std::string(key) != "") k.push_back(param_key(key, &model::TopParams::name, #name, doc));
    SYSTOLIC_PARAMS(SYSTOLIC_GRID_KEY)
#undef SYSTOLIC_GRID_KEY
    for (GridKey& g : k) {
      if (std::string(g.field) != "WeightBanks") continue;
      g.set = [key = g.key](const json& v, PointConfig& c) {
        if (!v.is_boolean()) {
          throw UserError(fmt::format("grid {}: {} is not true or false", key, v.dump()));
        }
        c.p.WeightBanks = v.get<bool>() ? 2 : 1;
      };
      g.get = [](const PointConfig& c) { return json(c.p.WeightBanks == 2); };
    }
    k.push_back(name_key("rounding", "double or single",
                         "requantization rounding: double or single", &PointConfig::rounding,
                         quant::parse_rounding,
                         [](quant::Rounding r) { return quant::to_string(r); }));
    k.push_back(name_key("precision", "int8, w4a8 or w4a4",
                         "int8, w4a8 (4-bit B, 8-bit A) or w4a4 (4-bit A and B): the 4-bit modes "
                         "make two MACs per PE on dual-mode PEs (such a point sets int4 to 1, and "
                         "int4: 0 with them is an error)",
                         &PointConfig::precision, quant::parse_precision,
                         [](quant::Precision p) { return std::string(quant::precision_name(p)); }));
    k.push_back(
        {"dataflow", "",
         "ws, os or best: the commands' DATAFLOW (best: per layer the one with fewer cycles, "
         "named in the layer's record); os and best need dataflows 3 (or 2 for os), which such "
         "a point sets unless given",
         [](const json& v, PointConfig& c) {
           if (!v.is_string() || (v.get<std::string>() != "ws" && v.get<std::string>() != "os" &&
                                  v.get<std::string>() != "best")) {
             throw UserError(fmt::format("grid dataflow: {} is not ws, os or best", v.dump()));
           }
           c.dataflow = v.get<std::string>();
         },
         [](const PointConfig& c) { return json(c.dataflow); }});
    k.push_back(
        {"dram_bw", "",
         "memory bandwidth in bytes per cycle, or \"inf\": memory commands, cycles end to "
         "end (absent or \"none\": compute only, operands loaded through the host port)",
         [](const json& v, PointConfig& c) {
           if (v.is_string() && v.get<std::string>() == "inf") {
             c.dram_bw = 0;
           } else if (v.is_string() && v.get<std::string>() == "none") {
             c.dram_bw = -1;
           } else if (v.is_number() && v.get<double>() >= 0.001 && v.get<double>() <= 1e6) {
             c.dram_bw = v.get<double>();
           } else {
             throw UserError(
                 fmt::format("grid dram_bw: {} is not a bandwidth (0.001 .. 1e6 bytes per cycle, "
                             "\"inf\" or \"none\")",
                             v.dump()));
           }
         },
         [](const PointConfig& c) {
           return c.dram_bw < 0 ? json("none") : c.dram_bw == 0 ? json("inf") : json(c.dram_bw);
         }});
    k.push_back({"dram_latency", "", "memory latency in cycles (1 .. 100000; with dram_bw)",
                 [](const json& v, PointConfig& c) {
                   const int64_t x = int_value("dram_latency", v);
                   if (x < 1 || x > 100000) {
                     throw UserError(
                         fmt::format("grid dram_latency: {} is outside 1 .. 100000", x));
                   }
                   c.dram_latency = int(x);
                 },
                 [](const PointConfig& c) { return json(c.dram_latency); }});
    return k;
  }();
  return keys;
}

std::string describe(const json& values) {
  std::string s;
  for (auto it = values.begin(); it != values.end(); ++it) {
    s += fmt::format("{}{}={}", s.empty() ? "" : " ", it.key(),
                     it->is_string() ? it->get<std::string>() : it->dump());
  }
  return s;
}

// A spec configuration ({key: value}) -> the engine's parameters, checked.
PointConfig resolve(const json& values) {
  if (!values.is_object()) throw UserError("a configuration must be a JSON object");
  PointConfig c;
  for (auto it = values.begin(); it != values.end(); ++it) {
    const GridKey* k = nullptr;
    for (const GridKey& g : grid_keys()) {
      if (it.key() == g.key) k = &g;
    }
    if (k == nullptr) {
      std::string known;
      for (const GridKey& g : grid_keys())
        known += fmt::format("{}{}", known.empty() ? "" : ", ", g.key);
      throw UserError(fmt::format("grid: unknown key '{}' (known: {})", it.key(), known));
    }
    k->set(*it, c);
  }
  if (c.precision != quant::Precision::kInt8) {
    if (values.contains("int4") && c.p.Int4 == 0) {
      throw UserError(fmt::format("configuration {}: precision {} needs int4: 1 (dual-mode PEs)",
                                  describe(values), quant::precision_name(c.precision)));
    }
    c.p.Int4 = 1;
  }
  // The dataflow a point runs needs it in the build: set it, or check a given `dataflows`.
  const int need = c.dataflow == "ws" ? 1 : c.dataflow == "os" ? 2 : 3;
  if (values.contains("dataflows")) {
    if ((c.p.Dataflow & need) != need) {
      throw UserError(fmt::format("configuration {}: dataflow {} needs dataflows {}",
                                  describe(values), c.dataflow,
                                  need == 2   ? "2 or 3"
                                  : need == 3 ? "3"
                                              : "1 or 3"));
    }
  } else if (need != 1) {
    c.p.Dataflow = 3;
  }
  if (c.dataflow != "ws" && c.dram_bw >= 0) {
    throw UserError(
        fmt::format("configuration {}: memory commands (dram_bw) run weight-stationary "
                    "only, not dataflow {}",
                    describe(values), c.dataflow));
  }

  try {
    c.p.validate();
  } catch (const std::invalid_argument& e) {
    throw UserError(fmt::format("configuration {}: {}", describe(values), e.what()));
  }
  return c;
}

json params_json(const model::TopParams& p) {
  json j;
#define SYSTOLIC_PARAM_JSON(name, def, lo, hi, key, doc) j[#name] = p.name;
  SYSTOLIC_PARAMS(SYSTOLIC_PARAM_JSON)
#undef SYSTOLIC_PARAM_JSON
  return j;
}

// SYSTOLIC_TOP_PARAMS for a cmake build of exactly this configuration: every systolic_top RTL
// parameter but Rows and Cols, in the table's order.
std::string rtl_top_params(const model::TopParams& p) {
  std::string out;
#define SYSTOLIC_PARAM_CMAKE(name, def, lo, hi, key, doc)                 \
  if (std::string(#name) != "Rows" && std::string(#name) != "Cols") {     \
    out += fmt::format("{}{}={}", out.empty() ? "" : ",", #name, p.name); \
  }
  SYSTOLIC_PARAMS(SYSTOLIC_PARAM_CMAKE)
#undef SYSTOLIC_PARAM_CMAKE
  return out;
}

json read_stdin_json() {
  std::string text((std::istreambuf_iterator<char>(std::cin)), std::istreambuf_iterator<char>());
  try {
    return json::parse(text);
  } catch (const json::parse_error& e) {
    throw UserError(fmt::format("sweep-point: stdin is not valid JSON: {}", e.what()));
  }
}

template <class T>
T field(const json& j, const char* key, const char* what) {
  if (!j.is_object() || !j.contains(key)) {
    throw UserError(fmt::format("sweep-point: {} has no '{}'", what, key));
  }
  try {
    return j.at(key).get<T>();
  } catch (const json::exception&) {
    throw UserError(fmt::format("sweep-point: {}.{} has the wrong type", what, key));
  }
}

// A GEMM dimension: an integer in 1 .. 2^DimWidth - 1, not narrowed through int.
int dim_field(const json& j, const char* key, const char* what) {
  const json v = field<json>(j, key, what);
  constexpr int64_t kMax = (int64_t{1} << iface::kDimWidth) - 1;
  const bool in_range =
      (v.is_number_unsigned() && v.get<uint64_t>() >= 1 && v.get<uint64_t>() <= uint64_t(kMax)) ||
      (v.is_number_integer() && !v.is_number_unsigned() && v.get<int64_t>() >= 1 &&
       v.get<int64_t>() <= kMax);
  if (!in_range) {
    throw UserError(fmt::format("sweep-point: {}.{} = {} is not an integer in 1..{}", what, key,
                                capped(v.dump()), kMax));
  }
  return int(v.get<int64_t>());
}

// --resolve: {"configs": [{key: value}], "shapes": [{"M","N","K","where"}], "engine"} ->
// {"keys": [...], "configs": [{"values": every key, "params", "rtl": {...}}]}. Any bad key, value,
// configuration or layer that cannot run on a configuration is an error naming it.
void run_resolve() {
  const json req = read_stdin_json();
  const auto configs = field<std::vector<json>>(req, "configs", "the request");
  const auto shapes = field<std::vector<json>>(req, "shapes", "the request");
  const std::string engine = field<std::string>(req, "engine", "the request");
  json out = {{"keys", json::array()}, {"configs", json::array()}};
  for (const GridKey& g : grid_keys()) out["keys"].push_back(g.key);
  for (const json& values : configs) {
    const PointConfig c = resolve(values);
    for (const json& s : shapes) {
      const int m = dim_field(s, "M", "shape"), n = dim_field(s, "N", "shape"),
                k = dim_field(s, "K", "shape");
      try {
        // Memory commands chunk K themselves; host commands run the packed K of a 4-bit mode.
        if (c.dram_bw < 0 && c.dataflow != "os") {
          sim::plan_split(c.p, m, n, quant::engine_k(k, c.precision), c.precision);
        }
        if (c.dram_bw < 0 && c.dataflow != "ws") {
          sim::plan_split(c.p, m, n, quant::engine_k(k, c.precision), c.precision, true);
        }
      } catch (const std::invalid_argument& e) {
        throw UserError(fmt::format("configuration {} cannot run {} (M={} N={} K={}): {}",
                                    describe(values), field<std::string>(s, "where", "shape"), m, n,
                                    k, e.what()));
      }
    }
    json all;
    for (const GridKey& g : grid_keys()) all[g.key] = g.get(c);
    out["configs"].push_back({{"values", all},
                              {"params", params_json(c.p)},
                              {"rtl",
                               {{"entry", c.p.name()},
                                {"top_params", rtl_top_params(c.p)},
                                {"builtin", engine == "rtl" && sim::top_rtl_built(c.p)}}}});
  }
  fmt::print("{}\n", out.dump());
}

// The INT8 GEMM job of one layer: random data (RTL engine) or none (model, timing-only).
sim::GemmJob layer_job(int m, int n, int k, quant::Rounding mode, quant::Precision precision,
                       bool with_data, std::mt19937_64& rng) {
  constexpr int64_t kMaxElements = int64_t{1} << 26;
  if (with_data && (int64_t(m) * k > kMaxElements || int64_t(k) * n > kMaxElements ||
                    int64_t(m) * n > kMaxElements)) {
    throw UserError(
        fmt::format("M={} N={} K={} is too large for the rtl engine (more than 2^26 elements in a "
                    "matrix); use the model engine",
                    m, n, k));
  }
  return sim::random_gemm(m, n, k, mode, rng(), with_data, precision);
}

}  // namespace

// One point: {"config", "engine", "seed", "workload", "layers": [{"name","M","N","K"}]} ->
// {"params", "synth", "layers": [...]}. An optional "synth": false leaves Yosys out (no "synth"
// in the result): the benchmarks time the model alone with it.
json sweep_point(const json& req) {
  const PointConfig c = resolve(field<json>(req, "config", "the request"));
  const std::string engine = field<std::string>(req, "engine", "the request");
  if (engine != "model" && engine != "rtl") {
    throw UserError(fmt::format("sweep-point: engine '{}' is not model or rtl", engine));
  }
  const uint64_t seed = field<uint64_t>(req, "seed", "the request");
  const auto layers = field<std::vector<json>>(req, "layers", "the request");
  const bool rtl = engine == "rtl";

  std::unique_ptr<sim::HostPort> port;
  try {
    port = sim::make_engine(engine, c.p);
  } catch (const std::invalid_argument& e) {
    throw UserError(e.what());
  }
  if (!rtl) static_cast<sim::ModelPort&>(*port).top().set_compute_data(false);

  json out = {{"params", params_json(c.p)}, {"engine", engine}, {"layers", json::array()}};
  if (!req.contains("synth") || field<bool>(req, "synth", "the request")) {
    sim::SynthStats syn;
    try {
      syn = sim::array_synth(c.p.Rows, c.p.Cols, c.p.WeightBanks, false, c.p.Int4, c.p.Dataflow);
    } catch (const std::exception& e) {
      throw UserError(e.what());
    }
    out["synth"] = syn.json();
  }

  std::mt19937_64 rng(seed);
  for (const json& l : layers) {
    const std::string name = field<std::string>(l, "name", "layer");
    const int m = dim_field(l, "M", "layer"), n = dim_field(l, "N", "layer"),
              k = dim_field(l, "K", "layer");
    const auto t0 = std::chrono::steady_clock::now();
    sim::GemmJob job = layer_job(m, n, k, c.rounding, c.precision, rtl, rng);
    job.os = c.dataflow == "os";
    sim::RunStats stats;
    std::vector<int8_t> result;
    std::optional<uint64_t> ws_cycles, os_cycles;
    try {
      if (c.dataflow == "best") {
        // Both on the model (timing-only), then the point runs the fewer.
        const sim::DataflowChoice choice = sim::best_dataflow(c.p, job);
        ws_cycles = choice.ws;
        os_cycles = choice.os;
        job.os = choice.os_wins();
      }
      if (c.dram_bw >= 0) {
        sim::DramConfig dc;
        dc.bytes_per_cycle = c.dram_bw;
        dc.latency = c.dram_latency;
        dc.seed = seed;
        sim::Dram dram(dc, 1 << c.p.MemBytesLog2);
        sim::DramPort dport(*port, dram);
        sim::HostDriver drv(dport);
        drv.set_memory(&dram);
        drv.set_timing_only(!rtl);
        result = drv.run(job, stats);
      } else {
        sim::HostDriver drv(*port);
        drv.set_timing_only(!rtl);
        result = drv.run(job, stats);
      }
    } catch (const std::invalid_argument& e) {
      throw UserError(fmt::format("layer {} (M={} N={} K={}): {}", name, m, n, k, e.what()));
    }
    json matches = nullptr;
    if (rtl) {
      const std::vector<int8_t> ref = sim::reference_gemm(job);
      if (ref != result) {
        uint64_t bad = 0;
        for (size_t i = 0; i < ref.size(); ++i) bad += ref[i] != result[i];
        throw UserError(fmt::format(
            "layer {} (M={} N={} K={}): the RTL's result differs from the reference GEMM in {} "
            "of {} values",
            name, m, n, k, bad, ref.size()));
      }
      matches = true;
    }
    const double wall =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    sim::RunReport rep;
    rep.rows = c.p.Rows;
    rep.cols = c.p.Cols;
    rep.m = m;
    rep.n = n;
    rep.k = k;
    rep.precision = c.precision;
    rep.dataflow = job.os ? "os" : "ws";
    rep.stats = stats;
    if (c.dram_bw >= 0) {
      rep.dram_bw = c.dram_bw;
      rep.dram_latency = c.dram_latency;
    }
    json fp;
    for (const fp::Format& f : {fp::kFp32, fp::kFp16, fp::kBf16}) {
      model::FpMacConfig cfg;
      cfg.format = f;
      fp[fmt::format("{}_scalar", f.name)] = model::fp_scalar_cycles(cfg, m, n, k);
      fp[fmt::format("{}_array", f.name)] =
          model::fp_array_cycles(c.p.Rows, c.p.Cols, cfg, m, n, k);
    }
    json layer = rep.cycles_json();
    rep.add_memory_json(layer);
    if (ws_cycles) layer["best_ws_cycles"] = *ws_cycles;
    if (os_cycles) layer["best_os_cycles"] = *os_cycles;
    // The grid's `dataflow` (ws, os or best) stays the point's; the layer says which one ran.
    layer.erase("dataflow");
    layer["dataflow_run"] = job.os ? "os" : "ws";
    layer.update(
        {{"layer", name}, {"fp", fp}, {"matches_reference", matches}, {"wall_seconds", wall}});
    out["layers"].push_back(layer);
  }
  return out;
}

namespace {

void run_point() { fmt::print("{}\n", sweep_point(read_stdin_json()).dump()); }

SweepOpts g_sweep;

// Replaces this process with the Python orchestrator.
void exec_orchestrator(const SweepOpts& o) {
  const std::string python = "/usr/bin/python3";
  const std::string script = SYSTOLIC_SOURCE_DIR "/scripts/sweep.py";
  if (access(script.c_str(), R_OK) != 0) {
    throw UserError(fmt::format("the sweep orchestrator {} is missing", script));
  }
  std::string self;
  try {
    self = base::self_exe();
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
  }
  std::vector<std::string> args = {python, script, o.spec, "--systolic", self};
  if (!o.out.empty()) args.insert(args.end(), {"--out", o.out});
  if (o.jobs > 0) args.insert(args.end(), {"--jobs", std::to_string(o.jobs)});
  if (!o.scheduler.empty()) args.insert(args.end(), {"--scheduler", o.scheduler});
  if (o.no_plots) args.push_back("--no-plots");
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::fflush(stdout);
  execv(python.c_str(), argv.data());
  throw UserError(fmt::format("cannot run {}: {} (scripts/install-deps.sh installs it)", python,
                              std::strerror(errno)));
}

}  // namespace

void add_sweep_point_command(CLI::App& app) {
  CLI::App* point = app.add_subcommand("sweep-point", "");
  point->group("");  // hidden: the sweep orchestrator's interface
  point->add_flag("--resolve", g_sweep.resolve,
                  "Check configurations and layer shapes instead of running a point");
  point->callback([] { g_sweep.resolve ? run_resolve() : run_point(); });
}

void add_sweep_command(CLI::App& app) {
  SweepOpts& o = g_sweep;
  CLI::App* cmd = app.add_subcommand(
      "sweep", "Design-space sweep: a grid of configurations over workloads (docs/sweeps.md)");
  add_sweep_options(cmd, o);
  cmd->callback([] { exec_orchestrator(g_sweep); });
  add_sweep_point_command(app);
}

}  // namespace systolic::cli
