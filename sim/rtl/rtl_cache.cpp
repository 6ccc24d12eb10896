#include "rtl_cache.h"

#include <dlfcn.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "files.h"
#include "process.h"
#include "rtl_plugin.h"

// Defined (as 1) only in the programs that export what a plug-in needs (sim/rtl/plugin_host.cpp).
extern "C" __attribute__((weak)) const int systolic_rtl_plugin_host;

#ifndef SYSTOLIC_SOURCE_DIR
#error "SYSTOLIC_SOURCE_DIR must name the source tree (sim/rtl/CMakeLists.txt)"
#endif

namespace systolic::sim {
namespace fs = std::filesystem;

namespace {

// set_rtl_threads(): Verilator threads of the untraced plug-ins of this process.
int g_rtl_threads = 1;

// The cache entry's name: the spec with its separators spelled out, the tracing or the threads,
// and a hash of the source tree's path (a build directory belongs to one checkout).
std::string entry_name(const model::TopParams& p, bool traced) {
  std::string name = config_spec(p);
  for (char& c : name) {
    if (c == ':' || c == ',') c = '_';
    if (c == '=') c = '-';
  }
  const size_t h = std::hash<std::string>{}(SYSTOLIC_SOURCE_DIR);
  const int threads = traced ? 1 : g_rtl_threads;
  return fmt::format("{}{}{}_{:08x}", name, traced ? "_tr" : "",
                     threads > 1 ? fmt::format("_t{}", threads) : "", uint32_t(h));
}

// The last non-empty line of a log, for a one-line error.
std::string last_line(const std::string& text) {
  size_t end = text.find_last_not_of("\n\r ");
  if (end == std::string::npos) return "";
  const size_t begin = text.rfind('\n', end);
  std::string line = text.substr(begin == std::string::npos ? 0 : begin + 1, end - begin);
  if (line.size() > 200) line = line.substr(0, 200) + "...";
  return line;
}

// Runs one build step, appending its output to the log; throws with the step's last line.
void step(const std::vector<std::string>& argv, const std::string& log, const char* what) {
  const base::ProcessResult r =
      base::run_process(argv, base::Output::kCapture, base::Output::kCapture);
  {
    std::ofstream f(log, std::ios::app);
    f << "$";
    for (const std::string& a : argv) f << ' ' << a;
    f << '\n' << r.out << r.err;
  }
  if (r.status != 0) {
    throw std::runtime_error(
        fmt::format("{} failed: {} (log: {})", what, last_line(r.out + r.err), log));
  }
}

// An open file lock on the entry, released when destroyed.
class EntryLock {
 public:
  explicit EntryLock(const std::string& path)
      : fd_(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644)) {
    if (fd_ < 0 || ::flock(fd_, LOCK_EX) != 0) {
      throw std::runtime_error(fmt::format("cannot lock {}", path));
    }
  }
  ~EntryLock() {
    if (fd_ >= 0) ::close(fd_);
  }
  EntryLock(const EntryLock&) = delete;
  EntryLock& operator=(const EntryLock&) = delete;

 private:
  int fd_;
};

// The cache entry's directory of p (not created).
std::string plugin_dir(const model::TopParams& p, bool traced) {
  return (fs::path(base::cache_dir()) / "rtl-plugins" / entry_name(p, traced)).string();
}

}  // namespace

void set_rtl_threads(int n) {
  if (n < 1) throw std::invalid_argument("RTL threads must be at least 1");
  g_rtl_threads = n;
}

int rtl_threads() { return g_rtl_threads; }

bool rtl_on_demand() {
  const char* v = std::getenv("SYSTOLIC_RTL_ON_DEMAND");
  if (v && std::string(v) == "0") return false;
  return &systolic_rtl_plugin_host != nullptr;
}

std::unique_ptr<RtlTop> load_rtl_top(const model::TopParams& p, bool traced, const char* instance) {
  p.validate();
  // One handle per entry and process: a plug-in is loaded once and never unloaded (its objects'
  // code lives in it).
  static std::mutex mu;
  static std::map<std::string, void*> loaded;
  const std::lock_guard<std::mutex> guard(mu);
  const std::string dir = plugin_dir(p, traced);
  void*& handle = loaded[dir];
  if (handle == nullptr) {
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec) throw std::runtime_error(fmt::format("cannot create {}: {}", dir, ec.message()));
    const EntryLock lock(dir + "/.lock");
    const std::string so = dir + "/" + kRtlPluginFile;
    const std::string build = dir + "/build";
    const std::string log = dir + "/build.log";
    const std::string spec = config_spec(p);
    if (!fs::exists(so)) {
      // Measured on 2 cores (docs/results.md): 24x12 in 44 s, 64x64 in 9.5 minutes.
      const int pes = p.Rows * p.Cols;
      const std::string eta =
          pes <= 1024 ? "about a minute"
                      : fmt::format("about {} minutes", std::max(2, int(0.14 * pes / 60.0 + 0.5)));
      const std::string how = traced              ? " with tracing"
                              : g_rtl_threads > 1 ? fmt::format(" with {} threads", g_rtl_threads)
                                                  : "";
      std::fprintf(stderr, "systolic: building the RTL of %s%s on demand, once (%s; log: %s)\n",
                   spec.c_str(), how.c_str(), eta.c_str(), log.c_str());
    }
    if (!fs::exists(build + "/build.ninja")) {
      step({"cmake", "-S", SYSTOLIC_SOURCE_DIR, "-B", build, "-G", "Ninja",
            "-DSYSTOLIC_RTL_PLUGIN=ON", "-DSYSTOLIC_BUILD_TESTS=OFF", "-DSYSTOLIC_BUILD_PYTHON=OFF",
            "-DCMAKE_POSITION_INDEPENDENT_CODE=ON", "-DSYSTOLIC_REQUANT_CONFIGS=",
            "-DSYSTOLIC_RTL_CONFIGS=" + std::string(traced ? "" : spec),
            "-DSYSTOLIC_TRACE_CONFIGS=" + std::string(traced ? spec : ""),
            fmt::format("-DSYSTOLIC_VERILATOR_THREADS={}", traced ? 1 : g_rtl_threads)},
           log, "configuring the RTL build");
    }
    // Also when it was built before: a no-op unless a source changed.
    step({"cmake", "--build", build, "--target", "systolic_top_plugin"}, log, "building the RTL");
    // The loaded copy is the entry's own file, replaced (renamed into place whole, so that a
    // process still running the old one keeps it) only when the build made a newer one.
    const std::string built = build + "/sim/rtl/" + kRtlPluginFile;
    if (!fs::exists(so) || fs::last_write_time(built) > fs::last_write_time(so)) {
      const std::string tmp = so + ".tmp";
      fs::copy_file(built, tmp, fs::copy_options::overwrite_existing, ec);
      if (!ec) fs::rename(tmp, so, ec);
      if (ec) throw std::runtime_error(fmt::format("cannot install {}: {}", so, ec.message()));
    }
    handle = ::dlopen(so.c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      throw std::runtime_error(fmt::format("cannot load the RTL plug-in {}: {}", so, ::dlerror()));
    }
  }
  auto make = reinterpret_cast<RtlPluginMake>(::dlsym(handle, kRtlPluginMakeSymbol));
  if (make == nullptr) {
    throw std::runtime_error(
        fmt::format("the RTL plug-in in {} has no {}", dir, kRtlPluginMakeSymbol));
  }
  std::unique_ptr<RtlTop> top(make(&p, instance, traced));
  if (!top) {
    throw std::runtime_error(fmt::format(
        "the RTL plug-in in {} was built for another configuration than {}", dir, config_spec(p)));
  }
  return top;
}

}  // namespace systolic::sim
