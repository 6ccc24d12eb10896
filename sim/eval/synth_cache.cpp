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
#include <functional>
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

// Per-module cell counts from `stat` (each module's own cells; the hierarchy total is not read)
// and per-module ltp lengths.
struct YosysResult {
  std::vector<std::pair<std::string, int64_t>> module_cells;
  std::vector<std::pair<std::string, int64_t>> module_depth;
};

// ltp: also report the longest paths (skipped for an elaboration check, where ltp would walk
// every bit of the unsynthesized wiring: 30 s and 2 GiB at 32x32).
YosysResult run_yosys(const std::string& script, bool ltp_wanted = true) {
  char dir_tmpl[] = "/tmp/systolic-synth-XXXXXX";
  const char* dir = mkdtemp(dir_tmpl);
  if (!dir) throw std::runtime_error("cannot create a temporary directory for Yosys");
  const std::string d = dir;
  const std::string ys = d + "/run.ys", stat = d + "/stat.txt", ltp = d + "/ltp.txt",
                    log = d + "/yosys.log";
  std::ofstream(ys) << script << (ltp_wanted ? fmt::format("tee -q -o {} ltp -noff\n", ltp) : "")
                    << fmt::format("tee -q -o {} stat\n", stat);
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
      if (!hierarchy && !module.empty()) r.module_cells.emplace_back(module, std::stoll(m[1]));
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
  if (r.module_cells.empty() || (ltp_wanted && r.module_depth.empty())) {
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
          {"int4", int4},
          {"dataflow", dataflow},
          {"mode", mode()},
          {"pe_os_cells", pe_os_cells},
          {"pe_os_depth", pe_os_depth},
          {"pe_both_cells", pe_both_cells},
          {"pe_both_depth", pe_both_depth},
          {"pe_cells", pe_cells},
          {"pe_depth", pe_depth},
          {"pe_int8_cells", pe_int8_cells},
          {"pe_int8_depth", pe_int8_depth},
          {"pe_dual_cells", pe_dual_cells},
          {"pe_dual_depth", pe_dual_depth},
          {"array_cells", array_cells},
          {"array_depth", array_depth},
          {"cached", cached},
          {"yosys_seconds", seconds}};
}

namespace {

struct Sources {
  std::string pkg = std::string(SYSTOLIC_RTL_DIR) + "/systolic_pkg.sv";
  std::string pe = std::string(SYSTOLIC_RTL_DIR) + "/mac_pe.sv";
  std::string row = std::string(SYSTOLIC_RTL_DIR) + "/pe_row.sv";
  std::string arr = std::string(SYSTOLIC_RTL_DIR) + "/pe_array.sv";
  std::string read() const {
    return fmt::format("read_verilog -sv -DSYNTHESIS {} {} {} {}\n", pkg, pe, row, arr);
  }
  // The package and `full`, with the modules in `boxes` read as black boxes (ports only): a
  // module above them is synthesized without synthesizing them again.
  std::string read_boxed(const std::string& full, const std::string& boxes) const {
    return fmt::format("read_verilog -sv -DSYNTHESIS {} {}\nread_verilog -sv -lib -DSYNTHESIS {}\n",
                       pkg, full, boxes);
  }
};

// A JSON object from the cache, or null when the entry is missing or damaged (a damaged entry is
// computed again and overwritten).
nlohmann::json read_entry(const std::string& path) {
  std::ifstream f(path);
  if (!f) return nullptr;
  try {
    return nlohmann::json::parse(f);
  } catch (const std::exception&) {
    return nullptr;
  }
}

void write_entry(const std::string& path, const nlohmann::json& j) {
  std::error_code ec;
  fs::create_directories(fs::path(path).parent_path(), ec);
  const std::string tmp = fmt::format("{}.{}.tmp", path, getpid());
  {
    std::ofstream f(tmp);
    f << j.dump(2) << "\n";
  }
  fs::rename(tmp, path, ec);  // a cache that cannot be written only costs time
  if (ec) fs::remove(tmp, ec);
}

// A cached Yosys result: the entry at `file` when it has the integers `keys`, else `compute()`'s,
// written there with the time it took ("yosys_seconds").
nlohmann::json cached_or(const std::string& file, std::initializer_list<const char*> keys,
                         const std::function<nlohmann::json()>& compute) {
  const nlohmann::json j = read_entry(file);
  if (j.is_object()) {
    bool ok = true;
    for (const char* k : keys) ok = ok && j.contains(k) && j[k].is_number_integer();
    if (ok) return j;
  }
  const auto t0 = std::chrono::steady_clock::now();
  nlohmann::json r = compute();
  r["yosys_seconds"] = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  write_entry(file, r);
  return r;
}

// mac_pe alone, cached per WeightBanks, Int4 and Dataflow: {"pe_cells", "pe_depth"}.
nlohmann::json pe_synth(const Sources& src, int weight_banks, int int4, int dataflow, uint64_t h,
                        const fs::path& dir) {
  return cached_or(
      (dir / fmt::format("mac_pe_wb{}_i{}_d{}_v5_{:016x}.json", weight_banks, int4, dataflow, h))
          .string(),
      {"pe_cells", "pe_depth"}, [&] {
        const YosysResult r = run_yosys(
            fmt::format("read_verilog -sv -DSYNTHESIS {}\n", src.pe) +
            fmt::format("chparam -set DataWidth {} -set AccWidth {} -set WeightBanks {} -set Int4 "
                        "{} -set Dataflow {} mac_pe\nsynth -top mac_pe\n",
                        iface::kDataWidth, iface::kAccWidth, weight_banks, int4, dataflow));
        return nlohmann::json{{"weight_banks", weight_banks},
                              {"int4", int4},
                              {"pe_cells", r.module_cells.front().second},
                              {"pe_depth", r.module_depth.front().second}};
      });
}

}  // namespace

SynthStats array_synth(int rows, int cols, int weight_banks, bool flat, int int4, int dataflow) {
  iface::check_param("Rows", rows);
  iface::check_param("Cols", cols);
  iface::check_param("WeightBanks", weight_banks);
  iface::check_param("Int4", int4);
  iface::check_param("Dataflow", dataflow);
  const Sources src;
  const uint64_t h =
      fnv1a(yosys_version(),
            fnv1a(read_file(src.pkg),
                  fnv1a(read_file(src.arr), fnv1a(read_file(src.row), fnv1a(read_file(src.pe))))));
  SynthStats s;
  s.rows = rows;
  s.cols = cols;
  s.weight_banks = weight_banks;
  s.int4 = int4;
  s.dataflow = dataflow;
  s.flat = flat;
  const fs::path dir = fs::path(base::cache_dir()) / "synth";
  s.cache_file = (dir / fmt::format("pe_array_{}x{}_wb{}_i{}_d{}_{}_v5_{:016x}.json", rows, cols,
                                    weight_banks, int4, dataflow, s.mode(), h))
                     .string();
  const nlohmann::json cached = read_entry(s.cache_file);
  if (cached.is_object()) {
    try {
      s.pe_cells = cached.at("pe_cells");
      s.pe_depth = cached.at("pe_depth");
      s.pe_int8_cells = cached.at("pe_int8_cells");
      s.pe_int8_depth = cached.at("pe_int8_depth");
      s.pe_dual_cells = cached.at("pe_dual_cells");
      s.pe_dual_depth = cached.at("pe_dual_depth");
      s.pe_os_cells = cached.at("pe_os_cells");
      s.pe_os_depth = cached.at("pe_os_depth");
      s.pe_both_cells = cached.at("pe_both_cells");
      s.pe_both_depth = cached.at("pe_both_depth");
      s.array_cells = cached.at("array_cells");
      s.array_depth = cached.at("array_depth");
      s.seconds = cached.at("yosys_seconds");
      s.cached = true;
      return s;
    } catch (const std::exception&) {
      // A damaged entry is synthesized again and overwritten.
    }
  }

  const auto t0 = std::chrono::steady_clock::now();
  const std::string params = fmt::format(
      "chparam -set Rows {} -set Cols {} -set WeightBanks {} -set Int4 {} -set Dataflow {} "
      "pe_array\n",
      rows, cols, weight_banks, int4, dataflow);
  const nlohmann::json pe8 = pe_synth(src, weight_banks, 0, 1, h, dir);
  const nlohmann::json pe4 = pe_synth(src, weight_banks, 1, 1, h, dir);
  const nlohmann::json pe_os = pe_synth(src, weight_banks, int4, 2, h, dir);
  const nlohmann::json pe_both = pe_synth(src, weight_banks, int4, 3, h, dir);
  s.pe_int8_cells = pe8.at("pe_cells");
  s.pe_int8_depth = pe8.at("pe_depth");
  s.pe_dual_cells = pe4.at("pe_cells");
  s.pe_dual_depth = pe4.at("pe_depth");
  s.pe_os_cells = pe_os.at("pe_cells");
  s.pe_os_depth = pe_os.at("pe_depth");
  s.pe_both_cells = pe_both.at("pe_cells");
  s.pe_both_depth = pe_both.at("pe_depth");
  const nlohmann::json& pe_ws = int4 == 1 ? pe4 : pe8;
  const nlohmann::json& pe = dataflow == 1 ? pe_ws : dataflow == 2 ? pe_os : pe_both;
  s.pe_cells = pe.at("pe_cells");
  s.pe_depth = pe.at("pe_depth");
  if (flat) {
    const YosysResult arr = run_yosys(src.read() + params + "synth -flatten -top pe_array\n");
    s.array_cells = arr.module_cells.front().second;
    s.array_depth = arr.module_depth.front().second;
  } else {
    // The hierarchical flow, one level at a time, each level with the one below as a black box:
    // the PE (above), a row of Cols PEs (cached per Cols: its own cells, Cols PE instances plus
    // any glue), and pe_array only elaborated: its own cells must be its Rows rows. Cells =
    // Rows * (Cols * PE + row glue). Each level is synthesized once, so the PE's netlist does not
    // depend on the array around it, and a sweep over Rows x Cols synthesizes each Cols once.
    // Running `synth` on the whole hierarchy instead costs minutes at 128x128: its passes walk
    // the Rows x Cols x 32 bits of wiring between the rows some fifteen times.
    const nlohmann::json row = cached_or(
        (dir / fmt::format("pe_row_{}_wb{}_i{}_d{}_v5_{:016x}.json", cols, weight_banks, int4,
                           dataflow, h))
            .string(),
        {"row_own_cells", "row_depth"}, [&] {
          const YosysResult r = run_yosys(
              src.read_boxed(src.row, src.pe) +
              fmt::format("chparam -set Cols {} -set WeightBanks {} -set Int4 {} -set Dataflow {} "
                          "pe_row\nsynth -top pe_row\n",
                          cols, weight_banks, int4, dataflow));
          return nlohmann::json{{"cols", cols},
                                {"weight_banks", weight_banks},
                                {"row_own_cells", find_module(r.module_cells, "pe_row")},
                                {"row_depth", find_module(r.module_depth, "pe_row")}};
        });
    // The array level: elaborated only, unless it has logic of its own (Dataflow = 3: the mux
    // that picks the top row's output chain in OS, Cols x 32 bits), which is synthesized with
    // the rows as black boxes.
    const YosysResult arr =
        run_yosys(src.read_boxed(src.arr, src.row) + params +
                      (dataflow == 3 ? "synth -top pe_array\n"
                                     : "hierarchy -top pe_array\nproc\nopt_clean\n"),
                  false);
    // The array's own cells besides its Rows row instances: none but with both dataflows.
    const int64_t own = find_module(arr.module_cells, "pe_array");
    if (own < rows || (dataflow != 3 && own != rows)) {
      throw std::runtime_error(
          fmt::format("synthesis: pe_array {}x{} has {} cells of its own besides its {} rows; the "
                      "hierarchical flow counts rows only (use --flat)",
                      rows, cols, own - rows, rows));
    }
    const int64_t row_glue = row.at("row_own_cells").get<int64_t>() - cols;
    s.array_cells = int64_t(rows) * (int64_t(cols) * s.pe_cells + row_glue) + (own - rows);
    // ltp counts the PE instances of a row as cells, so its path along the row is not a logic
    // path. When the row holds nothing but its PEs (every PE output is a register), the array's
    // longest path is the PE's; otherwise take the conservative maximum.
    s.array_depth = row_glue == 0 ? s.pe_depth : std::max<int64_t>(s.pe_depth, row.at("row_depth"));
  }
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  write_entry(s.cache_file, s.json());
  return s;
}

}  // namespace systolic::sim
