// The `systolic` subcommands. Each registers its options on the CLI11 app and runs from a
// callback; errors are thrown as cli::UserError (or std::invalid_argument from the library).
#pragma once

#include <CLI/CLI.hpp>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fp_compare.h"
#include "systolic_if.h"

#ifndef SYSTOLIC_DATA_DIR
#define SYSTOLIC_DATA_DIR "data"
#endif

namespace systolic::sim {
struct SystolicTopSc;  // sim/cosim/model_sc.h
class HostPort;        // sim/host/host_port.h
}  // namespace systolic::sim

namespace systolic::cli {

// Extension points of the command line: a testbench builds its own `systolic` with these set
// (testbench/faulty_cli_main.cpp substitutes a co-simulation model that injects a fault).
struct CliHooks {
  std::function<std::unique_ptr<sim::SystolicTopSc>(const char*, const iface::TopParams&)>
      make_cosim_model;
  // `soak`: wraps the model side of each lockstep (a fault there is a lockstep mismatch), or the
  // whole lockstep port (a fault there reaches C, which the soak's reference catches).
  std::function<std::unique_ptr<sim::HostPort>(std::unique_ptr<sim::HostPort>)> wrap_soak_model;
  std::function<std::unique_ptr<sim::HostPort>(std::unique_ptr<sim::HostPort>)> wrap_soak_engine;
};

// What every command may need besides its options: the hooks, and the command line as given
// (argv[0] first), for the co-simulation's traced re-run after a mismatch.
struct CliContext {
  CliHooks hooks;
  std::vector<std::string> argv;
};

// The whole command line: parses argv, runs the command, prints errors; returns the exit status.
int cli_main(int argc, char** argv, const CliHooks& hooks = {});

void add_quantize_command(CLI::App& app);
void add_multiplier_command(CLI::App& app);
void add_requant_command(CLI::App& app);
void add_fp_command(CLI::App& app);
void add_demo_command(CLI::App& app);
void run_demo();
void add_run_command(CLI::App& app, const CliContext& ctx);
// INT8 array vs simulated FP machines (sim/cli/cmd_compare.cpp).
void add_compare_command(CLI::App& app);
// The FP comparison's options, shared by `compare` and `run` (sim/cli/cmd_compare.cpp).
struct FpCliOptions {
  std::string energy_path = SYSTOLIC_DATA_DIR "/horowitz_45nm.json";
  std::string stage_latency;  // --fp-stage-latency, parsed by sim::parse_stage_latency
  std::string fp_cycles = "auto";
  std::string synth = "hierarchical";
  sim::FpCompareOptions resolve(uint64_t seed) const;  // throws UserError
};
void add_fp_compare_options(CLI::App* cmd, FpCliOptions& o);
// sim::compare_fp with its errors as UserError.
sim::FpComparison fp_comparison(const sim::Int8Run& int8, int64_t m, int64_t n, int64_t k,
                                const sim::FpCompareOptions& fo);
// Yosys cells and depth of the PE and the array, cached (sim/cli/cmd_synth.cpp).
void add_synth_command(CLI::App& app);
// Design-space sweeps: `sweep` and the hidden `sweep-point` it drives (sim/cli/cmd_sweep.cpp).
void add_sweep_command(CLI::App& app);
void add_sweep_point_command(CLI::App& app);
// One sweep point evaluated in this process (`sweep-point`'s work without its stdin and stdout;
// the Python module's sweep_point): throws UserError naming what is wrong.
nlohmann::json sweep_point(const nlohmann::json& request);
// Networks on the engine: an ONNX model quantized and run with its data (sim/cli/cmd_infer.cpp).
void add_infer_command(CLI::App& app);
// Random GEMMs on the built RTL configurations in lockstep against a reference (cmd_soak.cpp).
void add_soak_command(CLI::App& app, const CliContext& ctx);
// The default job when no subcommand is given: `run` with its defaults (16x16, 256^3, cosim).
void run_default(const CliContext& ctx);

}  // namespace systolic::cli
