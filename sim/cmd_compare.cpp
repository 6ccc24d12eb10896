// systolic compare: the INT8 systolic array (the model engine through the host driver) against
// FP ALUs whose cycle counts come from simulated machines (model/fp_mac.h): one pipelined FMA unit
// like a CPU's FPU, and an FP systolic array of the same geometry, in fp32, fp16 and bf16, on the
// same GEMM shape. Energy and area are estimated from a per-operation table (model/energy.h).
#include <fmt/format.h>

#include <cctype>
#include <cmath>
#include <fstream>
#include <memory>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "cli_util.h"
#include "commands.h"
#include "energy.h"
#include "engines.h"
#include "fp.h"
#include "fp_mac.h"
#include "host_driver.h"
#include "quant.h"

#ifndef SYSTOLIC_DATA_DIR
#define SYSTOLIC_DATA_DIR "data"
#endif

namespace systolic::cli {
namespace {

struct CompareOpts {
  int rows = 16, cols = 16;
  int64_t m = 64, n = 64, k = 64;
  uint64_t seed = 1;
  std::string json_path;
  std::string energy_path = SYSTOLIC_DATA_DIR "/horowitz_45nm.json";
};

constexpr int64_t kMaxDim = 4096;
constexpr int64_t kMaxMacs = int64_t{1} << 24;  // the FP machines simulate every MAC

struct Row {
  std::string id;       // stable JSON key: int8_array, fp32_scalar, fp32_array, ...
  std::string label;    // table label
  std::string format;   // int8 | fp32 | fp16 | bf16
  std::string machine;  // systolic_array | scalar_alu
  int64_t units = 0;    // MAC units (PEs)
  uint64_t cycles = 0;
  uint64_t weight_load_cycles = 0;
  model::OpCost mac;  // per-MAC energy and area
};

// Random numbers of the format: random sign and fraction, |x| in [2^-4, 2).
std::vector<uint32_t> random_fp(const fp::Format& f, size_t count, std::mt19937_64& rng) {
  std::vector<uint32_t> v(count);
  for (uint32_t& x : v) {
    const uint32_t sign = uint32_t(rng() & 1) << (f.exp_bits + f.frac_bits);
    const uint32_t exp = uint32_t(fp::bias(f) - 4 + int(rng() % 5));
    x = sign | (exp << f.frac_bits) | (uint32_t(rng()) & ((1u << f.frac_bits) - 1));
  }
  return v;
}

// The INT8 engine (the C++ model core) through the host driver, as `systolic run --engine model`.
Row run_int8(const CompareOpts& o, std::mt19937_64& rng) {
  sim::GemmJob job;
  job.M = int(o.m);
  job.N = int(o.n);
  job.K = int(o.k);
  job.a.resize(size_t(job.M) * job.K);
  job.b.resize(size_t(job.K) * job.N);
  for (auto& v : job.a) v = int8_t(rng());
  for (auto& v : job.b) v = int8_t(rng());
  // One output scale for all columns, spreading the sums over the int8 range (see cmd_run.cpp).
  const auto mode = quant::Rounding::kDouble;
  const quant::Multiplier mm =
      quant::quantize_multiplier(32.0 / (std::sqrt(double(job.K)) * 73.9 * 73.9), mode);
  job.q.m0 = {mm.m0};
  job.q.shift = {mm.shift};
  job.q.rounding = mode;
  std::unique_ptr<sim::HostPort> port = sim::make_engine("model", o.rows, o.cols);
  sim::HostDriver drv(*port);
  sim::RunStats stats;
  const std::vector<int8_t> c = drv.run(job, stats);
  if (c != sim::reference_gemm(job)) {
    throw UserError("the INT8 engine's result differs from the reference GEMM");
  }
  Row r;
  r.id = "int8_array";
  r.label = fmt::format("INT8 systolic {}x{}", o.rows, o.cols);
  r.format = "int8";
  r.machine = "systolic_array";
  r.units = int64_t(o.rows) * o.cols;
  r.cycles = stats.engine.busy;
  return r;
}

std::string fmt_energy(double pj) {
  if (pj >= 1e6) return fmt::format("{:.2f} uJ", pj / 1e6);
  if (pj >= 1e3) return fmt::format("{:.2f} nJ", pj / 1e3);
  return fmt::format("{:.1f} pJ", pj);
}

void run_compare(const CompareOpts& o) {
  model::TopParams probe;
  probe.Rows = o.rows;
  probe.Cols = o.cols;
  try {
    probe.validate();
  } catch (const std::invalid_argument& e) {
    throw UserError(e.what());
  }
  if (o.rows > 256 || o.cols > 256) {
    throw UserError(fmt::format("--rows {} --cols {}: the FP array model takes at most 256x256",
                                o.rows, o.cols));
  }
  for (auto [name, v] : {std::pair{"M", o.m}, {"N", o.n}, {"K", o.k}}) {
    if (v < 1 || v > kMaxDim) {
      throw UserError(fmt::format("{} = {} must be in 1..{}", name, v, kMaxDim));
    }
  }
  const int64_t macs = o.m * o.n * o.k;
  if (macs > kMaxMacs) {
    throw UserError(
        fmt::format("M*N*K = {} is above {}: the FP machines simulate every MAC", macs, kMaxMacs));
  }
  const model::EnergyTable table = model::load_energy_table(o.energy_path);

  std::mt19937_64 rng(o.seed);
  std::vector<Row> rows;
  rows.push_back(run_int8(o, rng));
  rows.back().mac = table.int8_mac();

  const model::FpMacConfig base;  // one cycle per FMA stage
  const int depth = base.depth();
  std::vector<Row> scalar, array;
  for (const fp::Format& f : {fp::kFp32, fp::kFp16, fp::kBf16}) {
    model::FpMacConfig cfg = base;
    cfg.format = f;
    model::FpGemm g;
    g.M = int(o.m);
    g.N = int(o.n);
    g.K = int(o.k);
    g.a = random_fp(f, size_t(g.M) * g.K, rng);
    g.b = random_fp(f, size_t(g.K) * g.N, rng);
    const model::FpGemmResult rs = model::ScalarFpAlu(cfg).run(g);
    const model::FpGemmResult ra = model::FpSystolicArray(o.rows, o.cols, cfg).run(g);
    if (rs.c != ra.c) {
      throw UserError(fmt::format("{}: the FP scalar ALU and FP array results differ", f.name));
    }
    std::string up = f.name;
    for (char& ch : up) ch = char(std::toupper(static_cast<unsigned char>(ch)));
    Row s;
    s.id = fmt::format("{}_scalar", f.name);
    s.label = fmt::format("{} scalar ALU", up);
    s.format = f.name;
    s.machine = "scalar_alu";
    s.units = 1;
    s.cycles = rs.cycles;
    s.mac = table.fp_mac(f);
    scalar.push_back(s);
    Row a;
    a.id = fmt::format("{}_array", f.name);
    a.label = fmt::format("{} systolic {}x{}", up, o.rows, o.cols);
    a.format = f.name;
    a.machine = "systolic_array";
    a.units = int64_t(o.rows) * o.cols;
    a.cycles = ra.cycles;
    a.weight_load_cycles = ra.weight_load_cycles;
    a.mac = table.fp_mac(f);
    array.push_back(a);
  }
  rows.insert(rows.end(), scalar.begin(), scalar.end());
  rows.insert(rows.end(), array.begin(), array.end());

  const uint64_t int8_cycles = rows[0].cycles;
  fmt::print(
      "GEMM {}x{}x{} (M x N x K, {} MACs), seed {}; FP MAC depth {} cycles ({} stages x 1)\n", o.m,
      o.n, o.k, macs, o.seed, depth, fp::stage_names(fp::Op::kFma).size());
  fmt::print("energy/area: {} ({})\n\n", table.path, table.process);
  fmt::print("{:<22} {:>10} {:>10} {:>12} {:>12} {:>11} {:>14}\n", "machine", "cycles",
             "MACs/cycle", "INT8 speedup", "energy", "area mm^2", "MACs/cyc/mm^2");
  nlohmann::json jrows = nlohmann::json::array();
  bool any_derived = false;
  for (const Row& r : rows) {
    const double mpc = double(macs) / double(r.cycles);
    const double speedup = double(r.cycles) / double(int8_cycles);
    const double energy_pj = double(macs) * r.mac.energy_pj;
    const double area_mm2 = double(r.units) * r.mac.area_um2 / 1e6;
    const double per_area = area_mm2 > 0 ? mpc / area_mm2 : 0.0;
    any_derived = any_derived || r.mac.derived;
    fmt::print("{:<22} {:>10} {:>10.2f} {:>11.1f}x {:>11}{} {:>11.4f} {:>14.1f}\n", r.label,
               r.cycles, mpc, speedup, fmt_energy(energy_pj), r.mac.derived ? "*" : " ", area_mm2,
               per_area);
    jrows.push_back({{"id", r.id},
                     {"format", r.format},
                     {"machine", r.machine},
                     {"mac_units", r.units},
                     {"cycles", r.cycles},
                     {"weight_load_cycles", r.weight_load_cycles},
                     {"macs_per_cycle", mpc},
                     {"int8_speedup", speedup},
                     {"energy_per_mac_pj", r.mac.energy_pj},
                     {"energy_pj", energy_pj},
                     {"area_per_mac_um2", r.mac.area_um2},
                     {"area_mm2", area_mm2},
                     {"macs_per_cycle_per_mm2", per_area},
                     {"derived_cost", r.mac.derived}});
  }
  fmt::print(
      "\nINT8: engine busy cycles of the model core (weight loads double-buffered, host transfers "
      "excluded).\nFP arrays: weight loads ({} rows per tile) not overlapped with streaming; "
      "FP inputs random in [2^-4, 2).\nEnergy: MAC arithmetic only (multiply + add; no SRAM, "
      "registers or wires). Area: MAC units only.\n",
      o.rows);
  if (any_derived) fmt::print("* derived from the table's stated rule, not a published figure\n");
  if (!o.json_path.empty()) {
    nlohmann::json j = {
        {"m", o.m},
        {"n", o.n},
        {"k", o.k},
        {"macs", macs},
        {"rows", o.rows},
        {"cols", o.cols},
        {"seed", o.seed},
        {"fp_mac_depth", depth},
        {"energy_table",
         {{"path", table.path}, {"source", table.source}, {"process", table.process}}},
        {"machines", jrows}};
    std::ofstream f(o.json_path);
    f << j.dump(2) << "\n";
    if (!f) throw UserError(fmt::format("{}: cannot write the JSON report", o.json_path));
    fmt::print("JSON report: {}\n", o.json_path);
  }
}

}  // namespace

void add_compare_command(CLI::App& app) {
  auto o = std::make_shared<CompareOpts>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "INT8 systolic array vs simulated FP machines (scalar FMA ALU, FP systolic array) in fp32, "
      "fp16 and bf16: cycles, throughput, energy and area on one GEMM");
  cmd->add_option("--rows", o->rows, "Array rows (K per tile)")->capture_default_str();
  cmd->add_option("--cols", o->cols, "Array columns (N per tile)")->capture_default_str();
  cmd->add_option("-M", o->m, "Rows of A and C")->capture_default_str();
  cmd->add_option("-N", o->n, "Columns of B and C")->capture_default_str();
  cmd->add_option("-K", o->k, "Columns of A, rows of B")->capture_default_str();
  cmd->add_option("--seed", o->seed, "Seed of the random inputs")->capture_default_str();
  cmd->add_option("--json", o->json_path, "Also write the comparison as JSON");
  cmd->add_option("--energy-table", o->energy_path,
                  "Per-operation energy (pJ) / area (um^2) JSON (format: data/horowitz_45nm.json)")
      ->capture_default_str();
  cmd->callback([o] { run_compare(*o); });
}

}  // namespace systolic::cli
