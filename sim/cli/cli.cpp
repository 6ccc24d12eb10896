// The `systolic` command line: every subcommand, one error line on failure.
#include <fmt/format.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <exception>
#include <stdexcept>

#include "cli_util.h"
#include "commands.h"

namespace systolic::cli {

int cli_main(int argc, char** argv, const CliHooks& hooks) {
  CliContext ctx;
  ctx.hooks = hooks;
  ctx.argv.assign(argv, argv + argc);
  CLI::App app{"systolic: INT8 systolic MAC accelerator - model, RTL and quantization tools"};
  app.set_version_flag("--version", "systolic 0.2.0");
  add_quantize_command(app);
  add_multiplier_command(app);
  add_requant_command(app);
  add_fp_command(app);
  add_run_command(app, ctx);
  add_compare_command(app);
  add_synth_command(app);
  add_demo_command(app);
  add_sweep_command(app);
  add_infer_command(app);
  add_soak_command(app, ctx);
  app.require_subcommand(0, 1);
  try {
    app.parse(argc, argv);
    if (app.get_subcommands().empty()) run_default(ctx);
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() == 0) return app.exit(e);  // --help, --version
    fmt::print(stderr, "systolic: error: {} (see 'systolic --help')\n", error_text(e.what()));
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "systolic: error: {}\n", error_text(e.what()));
    return 1;
  }
  // Output that did not reach its destination (a full disk, a closed pipe) is an error too.
  if (std::fflush(stdout) != 0 || std::ferror(stdout)) {
    fmt::print(stderr, "systolic: error: writing to stdout failed\n");
    return 1;
  }
  return 0;
}

}  // namespace systolic::cli
