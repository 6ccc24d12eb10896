#include "vl_coverage.h"

#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

#ifdef SYSTOLIC_COVERAGE
#include <verilated_cov.h>
#endif

namespace systolic::sim {
namespace {

// Per configuration (model name): coverage point key -> count.
struct CoverageDb {
  std::map<std::string, std::map<std::string, uint64_t>> points;
  ~CoverageDb() {
    const char* dir = std::getenv("SYSTOLIC_COVERAGE_DIR");
    if (!dir || !*dir) return;
    for (const auto& [model, counts] : points) {
      const std::string path =
          std::string(dir) + "/" + model + "-" + std::to_string(::getpid()) + ".dat";
      std::ofstream f(path);
      f << "# SystemC::Coverage-3\n";
      for (const auto& [key, n] : counts) f << "C '" << key << "' " << n << "\n";
      f.close();
      if (!f)
        std::fprintf(stderr, "systolic: warning: coverage file %s not written\n", path.c_str());
    }
  }
};

CoverageDb& db() {
  static CoverageDb d;
  return d;
}

}  // namespace

void coverage_collect([[maybe_unused]] VerilatedContext& ctx, [[maybe_unused]] const char* model) {
#ifdef SYSTOLIC_COVERAGE
  char tmp[] = "/tmp/systolic-cov-XXXXXX";
  const int fd = ::mkstemp(tmp);
  if (fd < 0) throw std::runtime_error("coverage: cannot create a temporary file");
  ::close(fd);
  ctx.coveragep()->write(tmp);
  std::ifstream in(tmp);
  std::map<std::string, uint64_t>& counts = db().points[model];
  std::string line;
  while (std::getline(in, line)) {
    // C '<key>' <count>
    if (line.size() < 4 || line[0] != 'C') continue;
    const size_t open = line.find('\''), close = line.rfind('\'');
    if (open == std::string::npos || close <= open) continue;
    counts[line.substr(open + 1, close - open - 1)] +=
        std::strtoull(line.c_str() + close + 1, nullptr, 10);
  }
  ::unlink(tmp);
#endif
}

}  // namespace systolic::sim
