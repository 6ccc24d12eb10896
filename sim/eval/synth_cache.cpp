// Yosys cells and depth of mac_pe / pe_array, cached (see synth_cache.h).
#include "synth_cache.h"

#include <fmt/format.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>

#include "files.h"
#include "process.h"
#include "systolic_if.h"

#ifndef SYSTOLIC_RTL_DIR
#define SYSTOLIC_RTL_DIR "rtl"
#endif

namespace systolic::sim {
namespace fs = std::filesystem;
namespace {

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(fmt::format("{}: cannot read the RTL source", path));
  std::ostringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

uint64_t fnv1a(const std::string& s, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// Part of every cache key; asked once per process.
std::string yosys_version() {
  static const std::string version = [] {
    base::ProcessResult r;
    try {
      r = base::run_process({"yosys", "-V"});
    } catch (const std::runtime_error&) {
      r.status = 127;
    }
    const std::string& v = r.out;
    if (r.status != 0 || v.empty()) {
      throw std::runtime_error(
          "yosys was not found: install it with scripts/install-deps.sh (Debian package yosys)");
    }
    return v.substr(0, v.find('\n'));
  }();
  return version;
}

// Per-module cell counts from `stat`, the hierarchy total, and per-module ltp lengths.
struct YosysResult {
  std::vector<std::pair<std::string, int64_t>> module_cells;
  int64_t hierarchy_cells = -1;
  std::vector<std::pair<std::string, int64_t>> module_depth;
};

YosysResult run_yosys(const std::string& script) {
  char dir_tmpl[] = "/tmp/systolic-synth-XXXXXX";
  const char* dir = mkdtemp(dir_tmpl);
  if (!dir) throw std::runtime_error("cannot create a temporary directory for Yosys");
  const std::string d = dir;
  const std::string ys = d + "/run.ys", stat = d + "/stat.txt", ltp = d + "/ltp.txt",
                    log = d + "/yosys.log";
  std::ofstream(ys) << script
                    << fmt::format("tee -q -o {} ltp -noff\ntee -q -o {} stat\n", ltp, stat);
  const int status =
      base::run_process({"yosys", "-q", "-l", log, "-s", ys}, base::Output::kDiscard).status;
  YosysResult r;
  if (status != 0) {
    std::string err = "yosys failed";
    std::ifstream lf(log);
    for (std::string line; std::getline(lf, line);) {
      if (line.find("ERROR") != std::string::npos) {
        err = line;
        break;
      }
    }
    fs::remove_all(d);
    throw std::runtime_error(fmt::format("synthesis failed: {}", err));
  }
  std::ifstream sf(stat);
  std::string module;
  bool hierarchy = false;
  const std::regex mod_re(R"(^=== (.*) ===$)"), cells_re(R"(^\s+Number of cells:\s+(\d+))");
  for (std::string line; std::getline(sf, line);) {
    std::smatch m;
    if (std::regex_match(line, m, mod_re)) {
      module = m[1];
      hierarchy = module == "design hierarchy";
    } else if (std::regex_search(line, m, cells_re)) {
      const int64_t n = std::stoll(m[1]);
      if (hierarchy) {
        r.hierarchy_cells = n;
      } else if (!module.empty()) {
        r.module_cells.emplace_back(module, n);
      }
      module.clear();  // the first count of a section is the module's total
    }
  }
  std::ifstream lt(ltp);
  const std::regex ltp_re(R"(^Longest topological path in (.*) \(length=(\d+)\))");
  for (std::string line; std::getline(lt, line);) {
    std::smatch m;
    if (std::regex_search(line, m, ltp_re)) r.module_depth.emplace_back(m[1], std::stoll(m[2]));
  }
  fs::remove_all(d);
  if (r.module_cells.empty() || r.module_depth.empty()) {
    throw std::runtime_error("synthesis: no cell count or path length in Yosys's report");
  }
  return r;
}

bool ends_with(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

int64_t find_module(const std::vector<std::pair<std::string, int64_t>>& v, const char* name) {
  for (const auto& [mod, n] : v) {
    if (mod == name || ends_with(mod, std::string("\\") + name)) return n;
  }
  throw std::runtime_error(fmt::format("synthesis: module {} missing from Yosys's report", name));
}

}  // namespace

nlohmann::json SynthStats::json() const {
  return {{"rows", rows},
          {"cols", cols},
          {"weight_banks", weight_banks},
          {"mode", mode()},
          {"pe_cells", pe_cells},
          {"pe_depth", pe_depth},
          {"array_cells", array_cells},
          {"array_depth", array_depth},
          {"cached", cached},
          {"yosys_seconds", seconds}};
}

SynthStats array_synth(int rows, int cols, int weight_banks, bool flat) {
  iface::check_param("Rows", rows);
  iface::check_param("Cols", cols);
  iface::check_param("WeightBanks", weight_banks);
  const std::string pkg_src = std::string(SYSTOLIC_RTL_DIR) + "/systolic_pkg.sv";
  const std::string pe_src = std::string(SYSTOLIC_RTL_DIR) + "/mac_pe.sv";
  const std::string arr_src = std::string(SYSTOLIC_RTL_DIR) + "/pe_array.sv";
  const uint64_t h =
      fnv1a(yosys_version(),
            fnv1a(read_file(pkg_src), fnv1a(read_file(arr_src), fnv1a(read_file(pe_src)))));
  SynthStats s;
  s.rows = rows;
  s.cols = cols;
  s.weight_banks = weight_banks;
  s.flat = flat;
  const fs::path dir = fs::path(base::cache_dir()) / "synth";
  s.cache_file = (dir / fmt::format("pe_array_{}x{}_wb{}_{}_v2_{:016x}.json", rows, cols,
                                    weight_banks, s.mode(), h))
                     .string();
  {
    std::ifstream f(s.cache_file);
    if (f) {
      try {
        const nlohmann::json j = nlohmann::json::parse(f);
        s.pe_cells = j.at("pe_cells");
        s.pe_depth = j.at("pe_depth");
        s.array_cells = j.at("array_cells");
        s.array_depth = j.at("array_depth");
        s.seconds = j.at("yosys_seconds");
        s.cached = true;
        return s;
      } catch (const std::exception&) {
        // A damaged entry is synthesized again and overwritten.
      }
    }
  }

  const auto t0 = std::chrono::steady_clock::now();
  const std::string read =
      fmt::format("read_verilog -sv -DSYNTHESIS {} {} {}\n", pkg_src, pe_src, arr_src);
  const std::string params = fmt::format(
      "chparam -set Rows {} -set Cols {} -set WeightBanks {} "
      "pe_array\n",
      rows, cols, weight_banks);
  if (flat) {
    const YosysResult arr = run_yosys(read + params + "synth -flatten -top pe_array\n");
    const YosysResult pe =
        run_yosys(read + fmt::format("chparam -set WeightBanks {} mac_pe\nsynth -top mac_pe\n",
                                     weight_banks));
    s.array_cells = arr.module_cells.front().second;
    s.array_depth = arr.module_depth.front().second;
    s.pe_cells = pe.module_cells.front().second;
    s.pe_depth = pe.module_depth.front().second;
  } else {
    const YosysResult r = run_yosys(read + params + "synth -top pe_array\n");
    s.pe_cells = find_module(r.module_cells, "mac_pe");
    s.pe_depth = find_module(r.module_depth, "mac_pe");
    s.array_cells = r.hierarchy_cells;
    if (s.array_cells < 0) throw std::runtime_error("synthesis: no design hierarchy in the report");
    // ltp counts the PE instances of pe_array as cells, so its path through the grid is not a
    // logic path. When pe_array holds nothing but its Rows * Cols PEs (every PE output is a
    // register), the array's longest path is the PE's; otherwise take the conservative maximum.
    const int64_t glue = find_module(r.module_cells, "pe_array") - int64_t(rows) * cols;
    s.array_depth = s.pe_depth;
    if (glue != 0) {
      for (const auto& [mod, d] : r.module_depth) s.array_depth = std::max(s.array_depth, d);
    }
  }
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  std::error_code ec;
  fs::create_directories(dir, ec);
  const std::string tmp = fmt::format("{}.{}.tmp", s.cache_file, getpid());
  {
    std::ofstream f(tmp);
    f << s.json().dump(2) << "\n";
  }
  fs::rename(tmp, s.cache_file, ec);  // a cache that cannot be written only costs time
  if (ec) fs::remove(tmp, ec);
  return s;
}

}  // namespace systolic::sim
