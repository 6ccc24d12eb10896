// The INT8-vs-FP comparison of one GEMM: the INT8 systolic array's cycles (from whichever engine
// ran it: model, RTL or co-simulation) against the FP machines of arith/fp_mac.h (one pipelined
// FMA unit like a CPU's FPU, and an FP systolic array of the same geometry) in fp32, fp16 and
// bf16, with energy and area from a per-operation table (arith/energy.h) and the INT8 array's
// Yosys cells and depth (sim/eval/synth_cache.h). Printed by `systolic compare` and `systolic run`.
//
// FP cycle counts come from simulating the machines cycle by cycle on random FP data (their C is
// checked against each other) when the GEMM is small enough, otherwise from their closed forms,
// which test_fp_machines proves equal to the simulations; the report says which.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "energy.h"
#include "fp_mac.h"
#include "synth_cache.h"

namespace systolic::sim {

struct FpCompareOptions {
  std::vector<int> stage_latency;  // per FMA stage (fp::stage_names(kFma)); empty: 1 each
  std::string energy_path;         // the per-operation table
  std::string fp_cycles = "auto";  // auto | sim | formula
  uint64_t sim_limit_macs = uint64_t{1} << 21;  // auto: simulate up to this many MACs
  std::string synth = "hierarchical";           // hierarchical | flat | off
  uint64_t seed = 1;                            // the FP machines' random data

  void validate() const;  // throws std::invalid_argument
};

// "1" (every stage), "2,1,1,..." (one per stage) or "align=2,normalize=3" (the rest 1).
// Throws std::invalid_argument naming the stages.
std::vector<int> parse_stage_latency(const std::string& spec);

struct Int8Run {
  std::string engine;  // model | rtl | cosim | sc-model
  int rows = 0, cols = 0, weight_banks = 2;
  uint64_t cycles = 0;  // engine busy cycles (CYC_BUSY summed over commands)
};

struct FpCompareRow {
  std::string id;       // int8_array, fp32_scalar, fp32_array, ...
  std::string label;    // table label
  std::string format;   // int8 | fp32 | fp16 | bf16
  std::string machine;  // systolic_array | scalar_alu
  int64_t units = 0;    // MAC units
  uint64_t cycles = 0;
  uint64_t weight_load_cycles = 0;
  model::OpCost mac;  // per-MAC energy and area from the table
};

struct FpComparison {
  int64_t m = 0, n = 0, k = 0;
  Int8Run int8;
  model::FpMacConfig fp_mac;   // format unset; stage latencies
  std::string fp_cycles_from;  // "simulation" | "closed form"
  model::EnergyTable table;
  std::optional<SynthStats> synth;
  std::vector<FpCompareRow> rows;  // INT8 first, then the scalar ALUs, then the FP arrays

  uint64_t macs() const { return uint64_t(m) * uint64_t(n) * uint64_t(k); }
  std::string text() const;
  nlohmann::json json() const;
};

// Builds the comparison. Throws std::runtime_error / std::invalid_argument with one line.
FpComparison compare_fp(const Int8Run& int8, int64_t m, int64_t n, int64_t k,
                        const FpCompareOptions& o);

}  // namespace systolic::sim
