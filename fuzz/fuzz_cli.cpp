// libFuzzer target: the command line of quantize, multiplier, requant and fp, as the systolic
// binary builds them (sim/cli), and the options of run, synth and sweep (sim/cli/options.h:
// parsed and validated, their work not started: it simulates, runs Yosys or the orchestrator),
// with the same error handling as cli_main. The first byte picks the mode: even, the rest is the
// argument list (tokens separated by NUL bytes) of one of the seven commands (the second byte
// modulo 7); odd, the rest is the standard input of requant or fp. A crash, a sanitizer report,
// an exception that is not the CLI's, or an error line (as cli_main prints it: error_text, which
// also makes it printable) that is empty or shows a library's internal text such as "stoll" or
// "vector::" not taken from the input is a finding.
#include <CLI/CLI.hpp>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "cli_util.h"
#include "commands.h"
#include "options.h"

namespace cli = systolic::cli;

namespace {
[[noreturn]] void finding(const std::string& what, const std::string& message) {
  std::fprintf(stderr, "fuzz_cli: %s: %s\n", what.c_str(), message.c_str());
  std::abort();
}

std::string g_input;  // this run's arguments and standard input: what a message may echo

void check_message(const std::string& m) {
  if (m.empty()) finding("empty error message", m);
  for (const char* internal : {"stoi", "stol", "stoul", "stod", "basic_", "vector::", "bad_alloc",
                               "std::", "out_of_range"}) {
    if (m.find(internal) != std::string::npos && g_input.find(internal) == std::string::npos) {
      finding("a library's internal text", m);
    }
  }
}

void run(std::vector<std::string> args, const std::string& stdin_text) {
  CLI::App app{"systolic"};
  cli::add_quantize_command(app);
  cli::add_multiplier_command(app);
  cli::add_requant_command(app);
  cli::add_fp_command(app);
  cli::RunOpts run_opts;
  cli::SynthOpts synth_opts;
  cli::SweepOpts sweep_opts;
  cli::add_run_options(app.add_subcommand("run", ""), run_opts);
  cli::add_synth_options(app.add_subcommand("synth", ""), synth_opts);
  cli::add_sweep_options(app.add_subcommand("sweep", ""), sweep_opts);
  app.require_subcommand(1, 1);
  std::istringstream in(stdin_text);
  std::streambuf* old = std::cin.rdbuf(in.rdbuf());
  std::cin.clear();
  std::vector<char*> argv;
  g_input = stdin_text;
  for (std::string& a : args) {
    argv.push_back(a.data());
    g_input += " " + a;
  }
  try {
    app.parse(int(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    if (e.get_exit_code() != 0) check_message(cli::error_text(e.what()));
  } catch (const cli::UserError& e) {
    check_message(cli::error_text(e.what()));
  }
  std::cin.rdbuf(old);
}
}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (!std::freopen("/dev/null", "w", stdout)) std::abort();  // the commands' normal output
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const std::string rest(reinterpret_cast<const char*>(data) + 2, size - 2);
  if (data[0] % 2 == 0) {
    static const char* const kCommands[] = {"quantize", "multiplier", "requant", "fp",
                                            "run",      "synth",      "sweep"};
    std::vector<std::string> args = {"systolic", kCommands[data[1] % 7]};
    std::string tok;
    for (const char c : rest) {
      if (c == '\0') {
        args.push_back(tok);
        tok.clear();
        if (args.size() > 24) break;
      } else {
        tok += c;
      }
    }
    if (!tok.empty()) args.push_back(tok);
    run(args, "");
  } else {
    static const std::vector<std::vector<std::string>> kStdin = {
        {"systolic", "requant"},
        {"systolic", "requant", "--rounding", "single"},
        {"systolic", "fp", "--format", "fp32", "add"},
        {"systolic", "fp", "--format", "fp16", "mul"},
        {"systolic", "fp", "--format", "bf16", "fma", "--stages"}};
    run(kStdin[data[1] % kStdin.size()], rest);
  }
  return 0;
}
