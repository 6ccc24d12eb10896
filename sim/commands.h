// The `systolic` subcommands. Each registers its options on the CLI11 app and runs from a
// callback; errors are thrown as cli::UserError (or std::invalid_argument from the library).
#pragma once

#include <CLI/CLI.hpp>

namespace systolic::cli {

void add_quantize_command(CLI::App& app);
void add_multiplier_command(CLI::App& app);
void add_requant_command(CLI::App& app);
void add_fp_command(CLI::App& app);
void add_demo_command(CLI::App& app);
void run_demo();
void add_run_command(CLI::App& app);
// INT8 array vs simulated FP machines (sim/cmd_compare.cpp).
void add_compare_command(CLI::App& app);
// The default job when no subcommand is given: `run` with its defaults (16x16, 256^3, cosim).
void run_default();

}  // namespace systolic::cli
