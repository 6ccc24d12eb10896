// The options of `run`, `synth` and `sweep`, declared apart from their work (which links the RTL,
// SystemC, Yosys or the Python orchestrator), so that fuzz/fuzz_cli parses these command lines
// exactly as the systolic binary does (sim/cli/options.cpp).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "commands.h"
#include "dram_options.h"
#include "trace.h"

namespace systolic::cli {

struct RunOpts {
  std::string engine = "cosim";
  int rtl_threads = 1;
  int rows = 16, cols = 16;
  int weight_banks = 2;
  int64_t m = 256, n = 256, k = 256;
  bool m_set = false, n_set = false, k_set = false;
  uint64_t seed = 1;
  std::string rounding = "double";
  std::string precision = "int8";
  std::string dataflow = "ws";  // ws | os | best
  std::string json_path;
  std::string a_path, b_path, bias_path, out_path;
  std::string m0 = "", shift = "";
  int zp_in = 0, zp_out = 0;
  int act_min = -128, act_max = 127;
  bool timing_only = false;
  bool fp_compare = true;  // --fp-compare (default on)
  FpCliOptions fp;
  sim::TraceOptions trace;  // --trace FILE, --trace-from/-to, --trace-row/-col (docs/waves.md)
  DramOptions dram;         // --dram: memory commands (docs/architecture.md §4)
};
// `run`'s options on `cmd` (the subcommand), stored into `o`.
void add_run_options(CLI::App* cmd, RunOpts& o);

struct SynthOpts {
  int rows = 16, cols = 16, weight_banks = 2, int4 = 0;
  int dataflow = 1;  // the array's PEs: 1 weight-stationary, 2 output-stationary, 3 both
  bool flat = false;
  std::string json_path;
};
void add_synth_options(CLI::App* cmd, SynthOpts& o);

struct SweepOpts {
  std::string spec, out, scheduler;
  int jobs = 0;
  bool no_plots = false;
  bool resolve = false;  // sweep-point --resolve
};
void add_sweep_options(CLI::App* cmd, SweepOpts& o);

}  // namespace systolic::cli
