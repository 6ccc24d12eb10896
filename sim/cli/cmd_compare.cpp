// systolic compare: the INT8 systolic array (the model engine through the host driver) against
// FP ALUs whose cycle counts come from simulated machines (arith/fp_mac.h): one pipelined FMA unit
// like a CPU's FPU, and an FP systolic array of the same geometry, in fp32, fp16 and bf16, on the
// same GEMM shape. Energy and area are estimated from a per-operation table (arith/energy.h), the
// INT8 array's cells and depth come from Yosys (sim/eval/synth_cache.h). The report itself is
// sim/eval/fp_compare.h, which `systolic run` prints too.
#include <fmt/format.h>

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
#include "fp_compare.h"
#include "fp_mac.h"
#include "host_driver.h"
#include "quant.h"

namespace systolic::cli {
namespace {

struct CompareOpts {
  int rows = 16, cols = 16, weight_banks = 2;
  int64_t m = 64, n = 64, k = 64;
  uint64_t seed = 1;
  std::string json_path;
  FpCliOptions fp;
};

constexpr int64_t kMaxDim = 4096;

// The INT8 engine (the C++ model core) through the host driver, as `systolic run --engine model`.
sim::Int8Run run_int8(const CompareOpts& o) {
  const sim::GemmJob job =
      sim::random_gemm(int(o.m), int(o.n), int(o.k), quant::Rounding::kDouble, o.seed);
  std::unique_ptr<sim::HostPort> port =
      sim::make_engine("model", sim::engine_params(o.rows, o.cols, o.weight_banks));
  sim::HostDriver drv(*port);
  sim::RunStats stats;
  const std::vector<int8_t> c = drv.run(job, stats);
  if (c != sim::reference_gemm(job)) {
    throw UserError("the INT8 engine's result differs from the reference GEMM");
  }
  return sim::Int8Run{"model", o.rows, o.cols, o.weight_banks, stats.engine.busy};
}

void run_compare(const CompareOpts& o) {
  for (auto [name, v] : {std::pair{"M", o.m}, {"N", o.n}, {"K", o.k}}) {
    if (v < 1 || v > kMaxDim) {
      throw UserError(fmt::format("{} = {} must be in 1..{}", name, v, kMaxDim));
    }
  }
  const int64_t macs = o.m * o.n * o.k;
  sim::FpCompareOptions fo = o.fp.resolve(o.seed);
  fo.sim_limit_macs = uint64_t{1} << 24;  // compare simulates the FP machines up to 2^24 MACs
  if (fo.fp_cycles != "formula" && uint64_t(macs) > fo.sim_limit_macs) {
    throw UserError(fmt::format(
        "M*N*K = {} is above {}: the FP machines simulate every MAC (or use --fp-cycles formula)",
        macs, fo.sim_limit_macs));
  }
  const sim::FpComparison cmp = fp_comparison(run_int8(o), o.m, o.n, o.k, fo);
  // Every file first: the report reaches stdout only when everything was written.
  if (!o.json_path.empty()) {
    nlohmann::json j = cmp.json();
    j["seed"] = o.seed;
    write_output(o.json_path, j.dump(2) + "\n");
  }
  fmt::print("{}", cmp.text());
  if (!o.json_path.empty()) fmt::print("JSON report: {}\n", o.json_path);
}

}  // namespace

sim::FpCompareOptions FpCliOptions::resolve(uint64_t seed) const {
  sim::FpCompareOptions fo;
  try {
    if (!stage_latency.empty()) fo.stage_latency = sim::parse_stage_latency(stage_latency);
    fo.energy_path = energy_path;
    fo.fp_cycles = fp_cycles;
    fo.synth = synth;
    fo.seed = seed;
    fo.validate();
  } catch (const std::invalid_argument& e) {
    throw UserError(e.what());
  }
  return fo;
}

sim::FpComparison fp_comparison(const sim::Int8Run& int8, int64_t m, int64_t n, int64_t k,
                                const sim::FpCompareOptions& fo) {
  try {
    return sim::compare_fp(int8, m, n, k, fo);
  } catch (const std::exception& e) {
    throw UserError(e.what());
  }
}

void add_compare_command(CLI::App& app) {
  auto o = std::make_shared<CompareOpts>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "INT8 systolic array vs simulated FP machines (scalar FMA ALU, FP systolic array) in fp32, "
      "fp16 and bf16: cycles, throughput, energy and area on one GEMM");
  cmd->add_option("--rows", o->rows, "Array rows (K per tile)")
      ->capture_default_str()
      ->check(param_range("Rows"));
  cmd->add_option("--cols", o->cols, "Array columns (N per tile)")
      ->capture_default_str()
      ->check(param_range("Cols"));
  cmd->add_option("-M", o->m, "Rows of A and C")->capture_default_str();
  cmd->add_option("-N", o->n, "Columns of B and C")->capture_default_str();
  cmd->add_option("-K", o->k, "Columns of A, rows of B")->capture_default_str();
  cmd->add_option("--weight-banks", o->weight_banks, "Weight banks per PE of the INT8 array (1, 2)")
      ->capture_default_str()
      ->check(param_range("WeightBanks"));
  cmd->add_option("--seed", o->seed, "Seed of the random inputs")
      ->check(seed_validator())
      ->capture_default_str();
  cmd->add_option("--json", o->json_path, "Also write the comparison as JSON");
  add_fp_compare_options(cmd, o->fp);
  cmd->callback([o] { run_compare(*o); });
}

}  // namespace systolic::cli
