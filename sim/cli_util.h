// Strict text-to-number parsing for the CLI: every failure is one clear line (an exception).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace systolic::cli {

// A user-facing error: main prints "systolic: error: <what>" and exits with status 1.
struct UserError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Whole-string integer in [lo, hi]; `what` names the field in the message.
int64_t parse_int(const std::string& s, int64_t lo, int64_t hi, const std::string& what);
// Whole-string finite or infinite real number; NaN and trailing junk are errors.
double parse_real(const std::string& s, const std::string& what);
// Splits a line on blanks and tabs.
std::vector<std::string> split_fields(const std::string& line);

}  // namespace systolic::cli
