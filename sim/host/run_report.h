// The report of one `systolic run`: what ran, its cycles by phase, throughput, the SCALE-Sim WS
// reference and whether the result matched the reference GEMM. Printed for people, written as
// JSON for tools (the keys are documented in the README and kept stable).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "host_driver.h"

namespace systolic::sim {

struct RunReport {
  std::string engine;  // model | rtl | cosim
  int rows = 0, cols = 0;
  int weight_banks = 2;  // 2: weights double-buffered, 1: not
  int64_t m = 0, n = 0, k = 0;
  std::string rounding;
  quant::Precision precision = quant::Precision::kInt8;  // 4-bit: two MACs per PE, peak x 2
  std::string dataflow = "ws";                           // ws | os: the commands' DATAFLOW
  // --dataflow best: the cycles of each dataflow (model, timing-only) it chose between.
  std::optional<uint64_t> best_ws_cycles, best_os_cycles;
  std::optional<uint64_t> seed;  // random inputs only
  RunStats stats;                // engine counters summed over commands, host cycles
  bool timing_only = false;      // no data simulated: matches_reference is not known
  bool matches_reference = false;
  uint64_t mismatched_values = 0;
  std::optional<double> sqnr_db;  // float inputs only
  double wall_seconds = 0.0;
  uint64_t sim_cycles = 0;  // every simulated edge, host traffic included
  // Memory commands only: the memory's bandwidth (bytes per cycle, 0 unlimited) and latency.
  std::optional<double> dram_bw;
  std::optional<int> dram_latency;
  uint64_t roofline_cycles() const;  // max(ideal, DRAM bytes / bandwidth)
  // Co-simulation only.
  std::optional<uint64_t> model_cycles, rtl_cycles, mismatches;

  uint64_t peak_macs_per_cycle() const;  // Rows * Cols, x 2 in w4a8 and w4a4
  uint64_t ideal_cycles() const;         // ceil(MACs / peak)
  double utilization() const;            // ideal / cycles
  double macs_per_cycle() const;
  uint64_t scalesim_ws_cycles()
      const;  // ceil(K/R) ceil(N/C) (2R + C + M - 2) - 1 (4-bit: K packed)
  uint64_t scalesim_os_cycles() const;  // ceil(M/R) ceil(N/C) (K + R + C - 2) - 1

  std::string text() const;
  nlohmann::json json() const;
  // The shape and cycle keys of json() alone (M, N, K, commands, cycles, cycles_by_phase, macs,
  // ideal_cycles, utilization, macs_per_cycle, scalesim_ws_cycles): one sweep layer's record.
  nlohmann::json cycles_json() const;
  // The memory keys of json() (memory commands only): cycles_by_phase.load / .store,
  // dram_bytes_read, dram_bytes_written, dram_bw, dram_latency, intensity, roofline_cycles,
  // cycles_over_roofline.
  void add_memory_json(nlohmann::json& j) const;
};

// SCALE-Sim's stall-free weight-stationary cycle count for one GEMM.
uint64_t scalesim_ws_cycles(int64_t m, int64_t n, int64_t k, int rows, int cols);
// SCALE-Sim's output-stationary one: ceil(M/R) ceil(N/C) (K + R + C - 2) - 1.
uint64_t scalesim_os_cycles(int64_t m, int64_t n, int64_t k, int rows, int cols);

}  // namespace systolic::sim
