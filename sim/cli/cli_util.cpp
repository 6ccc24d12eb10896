#include "cli_util.h"

#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <iostream>
#include <sstream>

#include "files.h"
#include "systolic_if.h"

namespace systolic::cli {
std::string printable(const std::string& s) {
  std::string out;
  for (const char c : s) {
    const auto u = static_cast<unsigned char>(c);
    out += (u < 0x20 || u == 0x7f) ? fmt::format("\\x{:02x}", u) : std::string(1, c);
  }
  return out;
}

int64_t parse_int(const std::string& s, int64_t lo, int64_t hi, const std::string& what) {
  if (s.empty()) throw UserError(fmt::format("{} is empty", what));
  errno = 0;
  char* end = nullptr;
  const long long v = std::strtoll(s.c_str(), &end, 10);
  // The whole string, NUL bytes included, must be the number; no leading blanks.
  if (end != s.c_str() + s.size() || std::isspace(static_cast<unsigned char>(s[0]))) {
    throw UserError(fmt::format("{} '{}' is not an integer", what, printable(s)));
  }
  if (errno == ERANGE || v < lo || v > hi) {
    throw UserError(fmt::format("{} {} outside [{}, {}]", what, s, lo, hi));
  }
  return v;
}

double parse_real(const std::string& s, const std::string& what) {
  if (s.empty()) throw UserError(fmt::format("{} is empty", what));
  char* end = nullptr;
  const double v = std::strtod(s.c_str(), &end);
  if (end != s.c_str() + s.size() || std::isspace(static_cast<unsigned char>(s[0]))) {
    throw UserError(fmt::format("{} '{}' is not a number", what, printable(s)));
  }
  if (std::isnan(v)) throw UserError(fmt::format("{} is NaN", what));
  return v;
}

std::string map_stdin_lines(const std::function<std::string(const std::vector<std::string>&)>& fn) {
  struct stat st {};
  if (fstat(STDIN_FILENO, &st) == 0 && S_ISDIR(st.st_mode)) {
    throw UserError("stdin is a directory, expected lines of text");
  }
  // Bounded: a line of at most kMaxLine bytes, at most kMaxLines lines (stdin may be endless).
  constexpr std::streamsize kMaxLine = 4096;
  constexpr size_t kMaxLines = 10'000'000;
  std::string out;
  std::vector<char> buf(size_t(kMaxLine) + 1);
  size_t lineno = 0;
  while (true) {
    std::cin.getline(buf.data(), kMaxLine + 1);
    if (std::cin.bad()) break;
    if (std::cin.fail() && !std::cin.eof()) {
      throw UserError(fmt::format("stdin line {}: longer than {} bytes", lineno + 1, kMaxLine));
    }
    if (std::cin.gcount() == 0 && std::cin.eof()) break;
    if (++lineno > kMaxLines) throw UserError(fmt::format("stdin: more than {} lines", kMaxLines));
    const std::vector<std::string> fields = split_fields(std::string(buf.data()));
    if (fields.empty() || fields[0][0] == '#') continue;  // blank lines and comments
    try {
      out += fn(fields);
    } catch (const std::exception& e) {
      throw UserError(fmt::format("stdin line {}: {}", lineno, e.what()));
    }
    if (std::cin.eof()) break;  // a last line without a newline
  }
  if (std::cin.bad()) throw UserError(fmt::format("reading stdin failed after line {}", lineno));
  return out;
}

std::vector<std::string> split_fields(const std::string& line) {
  std::vector<std::string> out;
  std::istringstream in(line);
  std::string f;
  while (in >> f) out.push_back(f);
  return out;
}

CLI::Validator param_range(const char* name) {
  for (const iface::ParamInfo& i : iface::kParamTable) {
    if (std::string(i.name) == name) return CLI::Range(i.min, i.max);
  }
  throw std::logic_error(fmt::format("no parameter {}", name));
}

std::string capped(const std::string& message) {
  std::string out;
  size_t i = 0;
  while (i < message.size()) {
    const size_t end = std::min(message.find(' ', i), message.size());
    if (end - i > 200) {
      out.append(message, i, 180);
      out += fmt::format("...({} more)", end - i - 180);
    } else {
      out.append(message, i, end - i);
    }
    if (end < message.size()) out += ' ';
    i = end + 1;
  }
  return out;
}

std::string error_text(const std::string& message) { return capped(printable(message)); }

CLI::Validator seed_validator() {
  return CLI::Validator(
      [](std::string& s) -> std::string {
        const bool digits =
            !s.empty() && s.size() <= 20 && s.find_first_not_of("0123456789") == std::string::npos;
        if (!digits || (s.size() == 20 && s > "18446744073709551615")) {
          return fmt::format("a seed is an integer in 0 .. 18446744073709551615, not '{}'",
                             printable(s));
        }
        return "";
      },
      "SEED");
}

void write_outputs(const std::vector<std::pair<std::string, std::string>>& files) {
  try {
    base::write_files_atomic(files);
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
  }
}

void write_output(const std::string& path, const std::string& content) {
  try {
    base::write_file_atomic(path, content);
  } catch (const std::runtime_error& e) {
    throw UserError(e.what());
  }
}

int dataflow_need(const std::string& dataflow) { return dataflow == "ws" ? 1 : 2; }

void check_dataflow(const std::string& dataflow, bool dram, int build_dataflow, int rows,
                    int cols) {
  if (dataflow != "ws" && dram) {
    throw UserError("--dram: memory commands run weight-stationary only; drop --dataflow " +
                    dataflow);
  }
  if (dataflow == "best" && build_dataflow != 3) {
    throw UserError(fmt::format(
        "--dataflow best needs a build with both dataflows (Dataflow = 3); the {}x{} build has "
        "Dataflow = {}",
        rows, cols, build_dataflow));
  }
}

}  // namespace systolic::cli
