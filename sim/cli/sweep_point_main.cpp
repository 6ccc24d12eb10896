// systolic-sweep-point: `systolic sweep-point` alone, for the per-configuration RTL builds of a
// sweep (no SystemC, no other subcommands). Same JSON interface (sim/cli/cmd_sweep.cpp).
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <exception>

#include "cli_util.h"
#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app{"systolic-sweep-point: one sweep point (JSON on stdin and stdout)"};
  systolic::cli::add_sweep_point_command(app);
  app.require_subcommand(1, 1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);
    fmt::print(stderr, "systolic: error: {}\n", systolic::cli::error_text(e.what()));
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "systolic: error: {}\n", systolic::cli::error_text(e.what()));
    return 1;
  }
  return 0;
}
