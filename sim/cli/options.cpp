// The options of `run`, `synth` and `sweep` (sim/cli/options.h), and the FP comparison's options
// that `run` shares with `compare`.
#include "options.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli_util.h"
#include "fp_mac.h"

namespace systolic::cli {

void add_fp_compare_options(CLI::App* cmd, FpCliOptions& o) {
  cmd->add_option("--energy-table", o.energy_path,
                  "Per-operation energy (pJ) / area (um^2) JSON (format: data/horowitz_45nm.json)")
      ->capture_default_str();
  cmd->add_option(
      "--fp-stage-latency", o.stage_latency,
      "FP MAC stage latencies: N (all stages), one per stage, or STAGE=N,... (stages: " +
          fmt::format("{}", fmt::join(fp::stage_names(fp::Op::kFma), ", ")) + "; default 1 each)");
  cmd->add_option("--fp-cycles", o.fp_cycles,
                  "FP machine cycles: sim (simulated), formula (closed form, equal by test) or "
                  "auto (simulate small GEMMs)")
      ->capture_default_str();
  cmd->add_option("--synth", o.synth,
                  "INT8 array area in Yosys: hierarchical (fast), flat (slow, cross-PE "
                  "optimization) or off; cached")
      ->capture_default_str();
}

void add_run_options(CLI::App* cmd, RunOpts& o) {
  cmd->add_option("--engine", o.engine,
                  "model (C++ core) | rtl (verilated) | cosim (both in SystemC, compared every "
                  "cycle) | sc-model (the model's SystemC wrapper alone)")
      ->capture_default_str()
      ->check(CLI::IsMember({"model", "rtl", "cosim", "sc-model"}));
  cmd->add_option("--rtl-threads", o.rtl_threads,
                  "Verilator threads of the RTL (rtl, cosim): above 1, the configuration is "
                  "verilated with --threads N on demand, once, into its own cache entry")
      ->capture_default_str()
      ->check(CLI::Range(1, 16));
  cmd->add_option("--rows", o.rows, "Array rows (K per tile)")
      ->capture_default_str()
      ->check(param_range("Rows"));
  cmd->add_option("--cols", o.cols, "Array columns (N per tile)")
      ->capture_default_str()
      ->check(param_range("Cols"));
  cmd->add_option("--weight-banks", o.weight_banks,
                  "Weight banks per PE: 2 double-buffers the weights, 1 does not")
      ->capture_default_str()
      ->check(param_range("WeightBanks"));
  cmd->add_option("-M", o.m, "Rows of A and C")
      ->capture_default_str()
      ->each([&](const std::string&) { o.m_set = true; });
  cmd->add_option("-N", o.n, "Columns of B and C")
      ->capture_default_str()
      ->each([&](const std::string&) { o.n_set = true; });
  cmd->add_option("-K", o.k, "Columns of A, rows of B")
      ->capture_default_str()
      ->each([&](const std::string&) { o.k_set = true; });
  cmd->add_option("--seed", o.seed, "Seed of the random inputs")
      ->check(seed_validator())
      ->capture_default_str();
  cmd->add_option("--rounding", o.rounding, "double | single")
      ->capture_default_str()
      ->check(CLI::IsMember({"double", "single"}));
  cmd->add_option("--precision", o.precision,
                  "int8 | w4a8 (4-bit B, 8-bit A) | w4a4 (4-bit A and B): the 4-bit modes make "
                  "two MACs per PE and need Int4 = 1 PEs")
      ->capture_default_str()
      ->check(CLI::IsMember({"int8", "w4a8", "w4a4"}));
  cmd->add_option("--dataflow", o.dataflow,
                  "ws (weight-stationary) | os (output-stationary: a build with Dataflow = 2 or "
                  "3) | best (the one with fewer cycles, from the model)")
      ->capture_default_str()
      ->check(CLI::IsMember({"ws", "os", "best"}));
  cmd->add_option("--json", o.json_path, "Also write the report as JSON");
  cmd->add_option("--a", o.a_path, "A (M x K) .npy, int8 or float32");
  cmd->add_option("--b", o.b_path, "B (K x N) .npy, int8 or float32 (same dtype as A)");
  cmd->add_option("--bias", o.bias_path,
                  "bias (N) .npy: int32 with int8 inputs, float32 with float");
  cmd->add_option("--m0", o.m0, "int8 inputs: M0 for all columns, or an int32 .npy of N");
  cmd->add_option("--shift", o.shift, "int8 inputs: shift for all columns, or an int32 .npy of N");
  cmd->add_option("--zp-in", o.zp_in, "int8 inputs: zero point of A, folded into the bias")
      ->capture_default_str()
      ->check(CLI::Range(-128, 127));
  cmd->add_option("--zp-out", o.zp_out, "Output zero point (int8 inputs)")->capture_default_str();
  cmd->add_option("--act-min", o.act_min, "Activation clamp lower bound")->capture_default_str();
  cmd->add_option("--act-max", o.act_max, "Activation clamp upper bound")->capture_default_str();
  cmd->add_option("--out", o.out_path, "Write C (M x N int8) to this .npy");
  cmd->add_flag("--fp-compare,!--no-fp-compare", o.fp_compare,
                "Print the INT8-vs-FP comparison of this GEMM (default on)");
  add_fp_compare_options(cmd, o.fp);
  cmd->add_flag("--timing-only", o.timing_only,
                "Model engine without data: cycles only (equal to a full run's, by test)");
  cmd->add_option(
      "--trace", o.trace.path,
      "Write waveforms: FILE.fst or FILE.vcd, and FILE.gtkw for GTKWave (docs/waves.md)");
  cmd->add_option("--trace-from", o.trace.from, "First cycle dumped (default 0)");
  cmd->add_option("--trace-to", o.trace.to, "Last cycle dumped (default: the end)");
  cmd->add_option("--trace-row", o.trace.row,
                  "Trace the PEs of this array row (default: every PE up to 8x8, none above)");
  cmd->add_option("--trace-col", o.trace.col, "Trace the PEs of this array column");
  add_dram_options(cmd, o.dram,
                   "Memory commands: operands from memory and C back through the DMA, cycles end "
                   "to end (docs/architecture.md)",
                   true);
}

void add_synth_options(CLI::App* cmd, SynthOpts& o) {
  cmd->add_option("--rows", o.rows, "Array rows")
      ->capture_default_str()
      ->check(param_range("Rows"));
  cmd->add_option("--cols", o.cols, "Array columns")
      ->capture_default_str()
      ->check(param_range("Cols"));
  cmd->add_option("--weight-banks", o.weight_banks, "Weight banks per PE (1 or 2)")
      ->capture_default_str()
      ->check(param_range("WeightBanks"));
  cmd->add_option("--int4", o.int4,
                  "The array's PEs: 0 INT8-only, 1 dual-mode (int8, w4a8 and w4a4)")
      ->capture_default_str()
      ->check(param_range("Int4"));
  cmd->add_option("--dataflows", o.dataflow,
                  "The array's PEs: 1 weight-stationary, 2 output-stationary, 3 both (the "
                  "overhead over 1 is reported)")
      ->capture_default_str()
      ->check(param_range("Dataflow"));
  cmd->add_flag("--flat", o.flat,
                "Flatten before synthesis (cross-PE optimization; minutes at 16x16 and up)");
  cmd->add_option("--json", o.json_path, "Also write the numbers as JSON");
}

void add_sweep_options(CLI::App* cmd, SweepOpts& o) {
  cmd->add_option("spec", o.spec, "Sweep spec, YAML or JSON")->required();
  cmd->add_option("--out", o.out, "Output directory (default: sweep-<spec name>)");
  cmd->add_option("--jobs", o.jobs, "Points run in parallel locally (default: the cores)")
      ->check(CLI::Range(1, 4096));
  cmd->add_option("--scheduler", o.scheduler,
                  "Run the points on this Dask scheduler, e.g. tcp://127.0.0.1:8786");
  cmd->add_flag("--no-plots", o.no_plots, "Skip the PNG plots");
}

}  // namespace systolic::cli
