#include "requant_rtl.h"

#include <fmt/format.h>
#include <verilated.h>

#include <stdexcept>

#include "requant_configs.h"
#include "vl_dut.h"

namespace systolic::sim {
namespace {

template <class V>
class RequantRtlImpl final : public RequantRtl {
 public:
  RequantRtlImpl(std::string name, int rounding, int pipe_depth)
      : name_(std::move(name)), params_{rounding, pipe_depth}, dut_(name_.c_str()) {
    reset();
  }

  const std::string& name() const override { return name_; }
  const model::RequantParams& params() const override { return params_; }

  void reset() override {
    dut_.top->valid_i = 0;
    dut_.reset();
  }

  model::RequantOut clock(const model::RequantIn& in) override {
    V* top = dut_.top.get();
    top->valid_i = in.valid_i;
    top->rounding_i = in.rounding_i;
    top->acc_i = static_cast<uint32_t>(in.acc_i);
    top->bias_i = static_cast<uint32_t>(in.bias_i);
    top->m0_i = static_cast<uint32_t>(in.m0_i);
    top->shift_i = static_cast<uint32_t>(in.shift_i) & 0x3fu;
    top->zp_out_i = static_cast<uint32_t>(in.zp_out_i) & 0xffu;
    top->act_min_i = static_cast<uint32_t>(in.act_min_i) & 0xffu;
    top->act_max_i = static_cast<uint32_t>(in.act_max_i) & 0xffu;
    dut_.edge();
    return {top->valid_o != 0, static_cast<int8_t>(top->out_o)};
  }

 private:
  std::string name_;
  model::RequantParams params_;
  VlDut<V> dut_;
};

struct Entry {
  const char* name;
  int rounding;
  int pipe_depth;
  std::unique_ptr<RequantRtl> (*make)(const char*, int, int);
};

template <class V>
std::unique_ptr<RequantRtl> make_impl(const char* name, int rounding, int pipe_depth) {
  return std::make_unique<RequantRtlImpl<V>>(name, rounding, pipe_depth);
}

#define SYSTOLIC_REQUANT_ENTRY(Class, name, Rounding, PipeDepth) \
  Entry{name, Rounding, PipeDepth, &make_impl<Class>},
const std::vector<Entry> kEntries = {SYSTOLIC_REQUANT_CONFIGS(SYSTOLIC_REQUANT_ENTRY)};
#undef SYSTOLIC_REQUANT_ENTRY

}  // namespace

std::vector<std::string> requant_rtl_configs() {
  std::vector<std::string> names;
  for (const Entry& e : kEntries) names.emplace_back(e.name);
  return names;
}

std::unique_ptr<RequantRtl> make_requant_rtl(const model::RequantParams& p) {
  for (const Entry& e : kEntries) {
    if (e.rounding == p.Rounding && e.pipe_depth == p.PipeDepth) {
      return e.make(e.name, e.rounding, e.pipe_depth);
    }
  }
  return nullptr;
}

std::unique_ptr<RequantRtl> make_requant_rtl(const std::string& name) {
  for (const Entry& e : kEntries) {
    if (name == e.name) return e.make(e.name, e.rounding, e.pipe_depth);
  }
  throw std::invalid_argument(fmt::format(
      "requant configuration '{}' was not built; built: {} (add one to SYSTOLIC_REQUANT_CONFIGS)",
      name, fmt::join(requant_rtl_configs(), ", ")));
}

}  // namespace systolic::sim
