#include "traced_rtl.h"

#include <fmt/format.h>
#include <verilated_fst_c.h>

#include <stdexcept>
#include <vector>

#include "rtl_cache.h"
#include "rtl_top_impl.h"
#include "systolic_top_tr_configs.h"

namespace systolic::sim {
namespace {

struct Entry {
  const char* name;
  model::TopParams params;
  std::unique_ptr<RtlTop> (*make)(const model::TopParams&, const char*);
};

#define SYSTOLIC_TOP_TR_ENTRY(Class, name, ...) \
  Entry{name, model::TopParams{__VA_ARGS__}, &make_rtl_top_impl<Class, true, VerilatedFstC>},
const std::vector<Entry>& registry() {
  static const std::vector<Entry> r = {SYSTOLIC_SYSTOLIC_TOP_TR_CONFIGS(SYSTOLIC_TOP_TR_ENTRY)};
  return r;
}
#undef SYSTOLIC_TOP_TR_ENTRY

}  // namespace

bool traced_rtl_built(const model::TopParams& p) {
  for (const Entry& e : registry()) {
    if (e.params == p) return true;
  }
  return false;
}

std::unique_ptr<RtlTop> make_traced_rtl_top(const model::TopParams& p, const char* instance) {
  for (const Entry& e : registry()) {
    if (e.params == p) return e.make(p, instance);
  }
  if (rtl_on_demand()) {
    try {
      return load_rtl_top(p, true, instance);
    } catch (const std::runtime_error& e) {
      throw std::invalid_argument(e.what());
    }
  }
  make_rtl_top(p);  // not built at all: the RTL engine's message
  const std::string entry = fmt::format("{}x{}", p.Rows, p.Cols);
  throw std::invalid_argument(
      fmt::format("no traced RTL build for {} (the model engine traces any size); {}", entry,
                  rtl_build_hint(entry, "SYSTOLIC_TRACE_CONFIGS")));
}

}  // namespace systolic::sim
