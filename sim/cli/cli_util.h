// Strict text-to-number parsing for the CLI: every failure is one clear line (an exception).
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace systolic::cli {

// A user-facing error: main prints "systolic: error: <what>" and exits with status 1.
struct UserError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The text as a user can read it in a one-line message: control bytes shown as \xNN.
std::string printable(const std::string& s);

// Whole-string integer in [lo, hi]; `what` names the field in the message.
int64_t parse_int(const std::string& s, int64_t lo, int64_t hi, const std::string& what);
// Whole-string finite or infinite real number; NaN and trailing junk are errors.
double parse_real(const std::string& s, const std::string& what);
// CLI11 validator of a systolic_top parameter's limits (rtl/systolic_if.toml), so --help shows
// them and a value outside them is the same error as everywhere else.
CLI::Validator param_range(const char* name);
// CLI11 validator of a seed: a decimal integer in 0 .. 2^64 - 1 (no sign, no wrap, no saturation).
CLI::Validator seed_validator();

// An error message as printed: every run of more than 200 non-blank characters (an echoed token,
// a path) cut to its first 180 and "...(N more)", so a bad 10 MB argument is not echoed whole.
std::string capped(const std::string& message);
// The error line main prints after "systolic: error: ": capped and printable (control bytes of an
// echoed input shown as \xNN, so the error stays one line and cannot drive the terminal).
std::string error_text(const std::string& message);

// --dataflow ws|os|best: the dataflow a build must have for it (engine_params' `dataflow`: 1 WS,
// 2 OS; best runs either, so it needs OS and then both), and its checks once the build is known:
// memory commands (`dram`) run weight-stationary only, and best needs Dataflow = 3.
int dataflow_need(const std::string& dataflow);
void check_dataflow(const std::string& dataflow, bool dram, int build_dataflow, int rows, int cols);

// Writes an output file whole or not at all (sim/base/files.h), as a UserError naming it.
void write_output(const std::string& path, const std::string& content);
// Several output files, all or none (sim/base/files.h), as a UserError naming the one that failed.
void write_outputs(const std::vector<std::pair<std::string, std::string>>& files);

// Splits a line on blanks and tabs.
std::vector<std::string> split_fields(const std::string& line);

// The line filters' loop: calls `fn` with the fields of every stdin line that is not blank or a
// `#` comment and returns the concatenation of what it returns (printed only once all lines
// passed). An exception from `fn` becomes "stdin line N: <what>"; stdin that is a directory or
// fails to read is an error too.
std::string map_stdin_lines(const std::function<std::string(const std::vector<std::string>&)>& fn);

}  // namespace systolic::cli
