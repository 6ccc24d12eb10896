// The registry of verilated systolic_top configurations (the generated X-macro of
// cmake/rtl_configs.cmake, systolic_top_configs.h); the traced builds have their own in
// sim/trace/traced_rtl.cpp, so that nothing but tracing links them.
#include "rtl_top.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "engines.h"
#include "rtl_cache.h"
#include "rtl_top_impl.h"
#include "systolic_top_configs.h"

namespace systolic::sim {
namespace {

struct Entry {
  const char* name;
  model::TopParams params;
  std::unique_ptr<RtlTop> (*make)(const model::TopParams&, const char*);
};

// The X-macro lists the parameters in the order of SYSTOLIC_PARAMS (the table's order).
#define SYSTOLIC_TOP_ENTRY(Class, name, ...) \
  Entry{name, model::TopParams{__VA_ARGS__}, &make_rtl_top_impl<Class, false, NoTraceFile>},
const std::vector<Entry>& registry() {
  static const std::vector<Entry> r = {SYSTOLIC_SYSTOLIC_TOP_CONFIGS(SYSTOLIC_TOP_ENTRY)};
  return r;
}
#undef SYSTOLIC_TOP_ENTRY

}  // namespace

// A configuration as SYSTOLIC_RTL_CONFIGS spells it: "RowsxCols[:Param=Value,...]" with the
// parameters that differ from their defaults (rtl/systolic_if.toml).
std::string config_spec(const model::TopParams& p) {
  std::vector<std::string> over;
#define SYSTOLIC_SPEC_PARAM(name, def, lo, hi, key, doc)                               \
  if (std::string(#name) != "Rows" && std::string(#name) != "Cols" && p.name != (def)) \
    over.push_back(fmt::format("{}={}", #name, p.name));
  SYSTOLIC_PARAMS(SYSTOLIC_SPEC_PARAM)
#undef SYSTOLIC_SPEC_PARAM
  return fmt::format("{}x{}{}{}", p.Rows, p.Cols, over.empty() ? "" : ":", fmt::join(over, ","));
}

std::string rtl_build_hint(const std::string& entry, const char* var) {
  std::vector<std::string> specs;
  for (const Entry& e : registry()) specs.push_back(config_spec(e.params));
  return fmt::format(
      "add \"{}\" to the CMake cache variable {} (cmake -S . -B build -D{}=\"{};{}\") and "
      "rebuild; built: {}",
      entry, var, var, fmt::join(specs, ";"), entry, fmt::join(specs, " "));
}

std::vector<std::string> top_rtl_configs() {
  std::vector<std::string> names;
  for (const Entry& e : registry()) names.emplace_back(e.name);
  return names;
}

std::vector<model::TopParams> top_rtl_params() {
  std::vector<model::TopParams> ps;
  for (const Entry& e : registry()) ps.push_back(e.params);
  return ps;
}

bool top_rtl_built(const model::TopParams& p) {
  for (const Entry& e : registry()) {
    if (e.params == p) return true;
  }
  return false;
}

model::TopParams top_rtl_params(int rows, int cols, int weight_banks, int int4, int dataflow) {
  for (const Entry& e : registry()) {
    if (e.params.Rows == rows && e.params.Cols == cols && e.params.WeightBanks == weight_banks &&
        (int4 < 0 || e.params.Int4 == int4) &&
        (dataflow < 0 || (e.params.Dataflow & dataflow) != 0)) {
      return e.params;
    }
  }
  // Built on demand when first made (make_rtl_top): the model's parameters of that size.
  if (rtl_on_demand()) return engine_params(rows, cols, weight_banks, int4, dataflow);
  std::vector<std::string> set;
  if (weight_banks != 2) set.push_back(fmt::format("WeightBanks={}", weight_banks));
  if (int4 == 1) set.push_back("Int4=1");
  if (dataflow == 2) set.push_back("Dataflow=3");
  const std::string entry =
      fmt::format("{}x{}{}{}", rows, cols, set.empty() ? "" : ":", fmt::join(set, ","));
  std::string with;
  if (weight_banks != 2) with += fmt::format(" with WeightBanks = {}", weight_banks);
  if (int4 == 1) with += with.empty() ? " with 4-bit PEs (Int4 = 1)" : " and 4-bit PEs (Int4 = 1)";
  if (dataflow == 2) {
    with += with.empty() ? " with the output-stationary dataflow (Dataflow = 3)"
                         : " and the output-stationary dataflow (Dataflow = 3)";
  }
  throw std::invalid_argument(fmt::format("the RTL was not built for a {}x{} array{}; {}", rows,
                                          cols, with,
                                          rtl_build_hint(entry, "SYSTOLIC_RTL_CONFIGS")));
}

std::unique_ptr<RtlTop> make_rtl_top(const model::TopParams& p, const char* instance) {
  if (rtl_threads() > 1 && !rtl_on_demand()) {
    throw std::invalid_argument(
        "--rtl-threads above 1 needs configurations built on demand (SYSTOLIC_RTL_ON_DEMAND is 0)");
  }
  for (const Entry& e : registry()) {
    if (e.params == p && rtl_threads() == 1) return e.make(p, instance);
  }
  if (rtl_on_demand()) {
    try {
      return load_rtl_top(p, false, instance);
    } catch (const std::runtime_error& e) {
      throw std::invalid_argument(e.what());  // a configuration this program cannot run
    }
  }
  top_rtl_params(p.Rows, p.Cols, p.WeightBanks, p.Int4 == 1 ? 1 : -1);  // none: that message
  throw std::invalid_argument(fmt::format(
      "the RTL was built for {}x{}, but not with these scratchpad and accumulator sizes; add a "
      "configuration such as \"{}x{}:AccWords={}\" to SYSTOLIC_RTL_CONFIGS and rebuild",
      p.Rows, p.Cols, p.Rows, p.Cols, p.AccWords));
}

RtlPort::RtlPort(std::unique_ptr<RtlTop> top) : top_(std::move(top)) { reset(); }

void RtlPort::reset() {
  top_->drive(model::TopIn{});
  top_->reset();
  out_ = top_->sample();
}

const model::TopOut& RtlPort::clock(const model::TopIn& in) {
  top_->drive(in);
  top_->edge();
  ++cycles_;
  out_ = top_->sample();
  return out_;
}

}  // namespace systolic::sim
