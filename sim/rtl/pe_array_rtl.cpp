#include "pe_array_rtl.h"

#include <fmt/format.h>
#include <verilated.h>

#include <stdexcept>

#include "pe_array_configs.h"
#include "vl_bits.h"
#include "vl_dut.h"

namespace systolic::sim {
namespace {

template <class V>
class PeArrayRtlImpl final : public PeArrayRtl {
 public:
  PeArrayRtlImpl(std::string name, int rows, int cols, int dataflow)
      : name_(std::move(name)), params_{rows, cols, 2, 0, dataflow}, dut_(name_.c_str()) {
    out_.psum_o.assign(cols, 0);
    out_.psum_valid_o.assign(cols, 0);
    reset();
  }

  const std::string& name() const override { return name_; }
  const model::PeArrayParams& params() const override { return params_; }

  void reset() override {
    drive(model::PeArrayIn(params_));
    dut_.reset();
    sample();
  }

  const model::PeArrayOut& clock(const model::PeArrayIn& in) override {
    drive(in);
    dut_.edge();
    sample();
    return out_;
  }

 private:
  void drive(const model::PeArrayIn& in) {
    for (int r = 0; r < params_.Rows; ++r) {
      set_bits(dut_.top->a_i, r * 8, 8, uint8_t(in.a_i[r]));
      set_bits(dut_.top->a_valid_i, r, 1, in.a_valid_i[r]);
      set_bits(dut_.top->a_sel_i, r, 1, in.a_sel_i[r]);
      set_bits(dut_.top->w_load_i, r, 1, in.w_load_i[r]);
    }
    for (int c = 0; c < params_.Cols; ++c) {
      set_bits(dut_.top->w_row_i, c * 8, 8, uint8_t(in.w_row_i[c]));
      set_bits(dut_.top->b_i, c * 8, 8, uint8_t(in.b_i[c]));
    }
    dut_.top->w_bank_i = in.w_bank_i;
    dut_.top->os_i = in.os_i;
  }
  void sample() {
    for (int c = 0; c < params_.Cols; ++c) {
      out_.psum_o[c] = static_cast<int32_t>(get_bits(dut_.top->psum_o, c * 32, 32));
      out_.psum_valid_o[c] = static_cast<uint8_t>(get_bits(dut_.top->psum_valid_o, c, 1));
    }
  }

  std::string name_;
  model::PeArrayParams params_;
  VlDut<V> dut_;
  model::PeArrayOut out_;
};

struct Entry {
  const char* name;
  int rows, cols, dataflow;
  std::unique_ptr<PeArrayRtl> (*make)(const char*, int, int, int);
};

template <class V>
std::unique_ptr<PeArrayRtl> make_impl(const char* name, int rows, int cols, int dataflow) {
  return std::make_unique<PeArrayRtlImpl<V>>(name, rows, cols, dataflow);
}

#define SYSTOLIC_PE_ARRAY_ENTRY(Class, name, Rows, Cols, Dataflow) \
  Entry{name, Rows, Cols, Dataflow, &make_impl<Class>},
const std::vector<Entry> kEntries = {SYSTOLIC_PE_ARRAY_CONFIGS(SYSTOLIC_PE_ARRAY_ENTRY)};
#undef SYSTOLIC_PE_ARRAY_ENTRY

}  // namespace

std::vector<std::string> pe_array_rtl_configs() {
  std::vector<std::string> names;
  for (const Entry& e : kEntries) names.emplace_back(e.name);
  return names;
}

std::unique_ptr<PeArrayRtl> make_pe_array_rtl(int rows, int cols) {
  for (const Entry& e : kEntries) {
    if (e.rows == rows && e.cols == cols) return e.make(e.name, rows, cols, e.dataflow);
  }
  throw std::invalid_argument(fmt::format(
      "the RTL was not built for a {}x{} array; built: {}. Add it to the CMake cache variable "
      "SYSTOLIC_RTL_CONFIGS (e.g. -DSYSTOLIC_RTL_CONFIGS=\"4x4;8x8;16x16;8x16;{}x{}\") and rebuild",
      rows, cols, fmt::join(pe_array_rtl_configs(), ", "), rows, cols));
}

}  // namespace systolic::sim
