// Verilated systolic_top configurations behind HostPort, and the lockstep comparator.
#include <fmt/format.h>
#include <verilated.h>

#include <stdexcept>

#include "host_port.h"
#include "systolic_top_configs.h"
#include "top_pins.h"
#include "vl_dut.h"

namespace systolic::sim {
namespace {

template <class V>
class TopRtl final : public HostPort {
 public:
  TopRtl(const char* name, const model::TopParams& p) : params_(p), dut_(name) { reset(); }
  const model::TopParams& params() const override { return params_; }

  void reset() override {
    drive_top(*dut_.top, model::TopIn{});
    dut_.reset();
    sample();
  }

  const model::TopOut& clock(const model::TopIn& in) override {
    drive_top(*dut_.top, in);
    dut_.edge();
    ++cycles_;
    sample();
    return out_;
  }
  uint64_t cycles() const override { return cycles_; }

 private:
  void sample() { sample_top(*dut_.top, out_); }

  model::TopParams params_;
  VlDut<V> dut_;
  model::TopOut out_;
  uint64_t cycles_ = 0;
};

struct Entry {
  const char* name;
  model::TopParams params;
  std::unique_ptr<HostPort> (*make)(const char*, const model::TopParams&);
};

template <class V>
std::unique_ptr<HostPort> make_impl(const char* name, const model::TopParams& p) {
  return std::make_unique<TopRtl<V>>(name, p);
}

#define SYSTOLIC_TOP_ENTRY(Class, name, Rows, Cols, AWords, BWords, CWords, QWords, AccWords, \
                           RequantDepth, WeightBanks)                                         \
  Entry{name,                                                                                 \
        model::TopParams{Rows, Cols, AWords, BWords, CWords, QWords, AccWords, RequantDepth,  \
                         WeightBanks},                                                        \
        &make_impl<Class>},
const Entry kEntries[] = {SYSTOLIC_SYSTOLIC_TOP_CONFIGS(SYSTOLIC_TOP_ENTRY)};
#undef SYSTOLIC_TOP_ENTRY

const Entry* find_exact(const model::TopParams& p) {
  for (const Entry& e : kEntries) {
    if (e.params == p) return &e;
  }
  return nullptr;
}

const Entry& find(int rows, int cols) {
  for (const Entry& e : kEntries) {
    if (e.params.Rows == rows && e.params.Cols == cols) return e;
  }
  throw std::invalid_argument(fmt::format(
      "the RTL was not built for a {}x{} array; built: {}. Add it to the CMake cache variable "
      "SYSTOLIC_RTL_CONFIGS (cmake -S . -B build -DSYSTOLIC_RTL_CONFIGS=\"{};{}x{}\") and rebuild",
      rows, cols, fmt::join(top_rtl_configs(), ", "), fmt::join(top_rtl_configs(), ";"), rows,
      cols));
}

}  // namespace

std::vector<std::string> top_rtl_configs() {
  std::vector<std::string> names;
  for (const Entry& e : kEntries) names.emplace_back(e.name);
  return names;
}

std::vector<model::TopParams> top_rtl_params() {
  std::vector<model::TopParams> ps;
  for (const Entry& e : kEntries) ps.push_back(e.params);
  return ps;
}

model::TopParams top_rtl_params(int rows, int cols) { return find(rows, cols).params; }

std::unique_ptr<HostPort> make_top_rtl(int rows, int cols) {
  const Entry& e = find(rows, cols);
  return e.make(e.name, e.params);
}

bool top_rtl_built(const model::TopParams& p) { return find_exact(p) != nullptr; }

std::unique_ptr<HostPort> make_top_rtl(const model::TopParams& p) {
  if (const Entry* e = find_exact(p)) return e->make(e->name, e->params);
  find(p.Rows, p.Cols);  // not built at all: the message naming the built configurations
  throw std::invalid_argument(fmt::format(
      "the RTL was built for {}x{}, but not with WeightBanks = {} and these scratchpad sizes; "
      "add a configuration such as \"{}x{}:WeightBanks={}\" to SYSTOLIC_RTL_CONFIGS and rebuild",
      p.Rows, p.Cols, p.WeightBanks, p.Rows, p.Cols, p.WeightBanks));
}

Mismatch::Mismatch(uint64_t cyc, std::string p, uint64_t m, uint64_t r)
    : std::runtime_error(fmt::format(
          "co-simulation mismatch at cycle {} on port {}: model {} (0x{:x}), RTL {} (0x{:x})", cyc,
          p, m, m, r, r)),
      cycle(cyc),
      port(std::move(p)),
      model_value(m),
      rtl_value(r) {}

LockstepPort::LockstepPort(std::unique_ptr<HostPort> model, std::unique_ptr<HostPort> rtl)
    : model_(std::move(model)), rtl_(std::move(rtl)) {}

void LockstepPort::reset() {
  model_->reset();
  rtl_->reset();
}

const model::TopOut& LockstepPort::clock(const model::TopIn& in) {
  const model::TopOut& m = model_->clock(in);
  const model::TopOut& r = rtl_->clock(in);
  const uint64_t cyc = model_->cycles();
  if (m.host_rvalid_o != r.host_rvalid_o)
    throw Mismatch(cyc, "host_rvalid_o", m.host_rvalid_o, r.host_rvalid_o);
  if (m.host_rdata_o != r.host_rdata_o)
    throw Mismatch(cyc, "host_rdata_o", m.host_rdata_o, r.host_rdata_o);
  if (m.busy_o != r.busy_o) throw Mismatch(cyc, "busy_o", m.busy_o, r.busy_o);
  if (m.done_o != r.done_o) throw Mismatch(cyc, "done_o", m.done_o, r.done_o);
  return m;
}

}  // namespace systolic::sim
