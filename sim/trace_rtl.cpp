#include "trace_rtl.h"

#include <fmt/format.h>
#include <verilated.h>
#include <verilated_fst_c.h>

#include <vector>

#include "systolic_top_tr_configs.h"
#include "top_pins.h"
#include "vl_dut.h"

namespace systolic::sim {

std::vector<std::pair<int, std::string>> rtl_dumpvars(const model::TopParams& p,
                                                      const TraceOptions& o,
                                                      const std::string& root) {
  const std::string top = root + ".systolic_top";
  std::vector<std::pair<int, std::string>> d = {{1, top}, {1, top + ".u_array"}};
  for (const char* sub :
       {"u_ctrl", "u_skew", "u_deskew", "u_tag", "u_ctag", "g_requant", "u_spad_a", "u_spad_b",
        "u_spad_c", "u_spad_bias", "u_spad_m0", "u_spad_shift"}) {
    d.emplace_back(99, top + "." + sub);
  }
  if (o.all_pes(p)) {
    d.emplace_back(99, top + ".u_array");
  } else {
    for (int r = 0; r < p.Rows; ++r) {
      for (int c = 0; c < p.Cols; ++c) {
        if (o.pe_traced(p, r, c)) {
          d.emplace_back(99, fmt::format("{}.u_array.g_row[{}].g_col[{}]", top, r, c));
        }
      }
    }
  }
  return d;
}

namespace {

template <class V>
class TopRtlTraced final : public TracedPort {
 public:
  TopRtlTraced(const model::TopParams& p, const TraceOptions& o, const std::string& path)
      : params_(p), o_(o), dut_("TOP", true) {
    dut_.top->trace(&fst_, 99);
    for (const auto& [level, hier] : rtl_dumpvars(p, o, "TOP")) fst_.dumpvars(level, hier);
    fst_.open(path.c_str());
    if (!fst_.isOpen())
      throw std::runtime_error(fmt::format("{}: cannot write the waveform", path));
    reset();
  }
  ~TopRtlTraced() override { fst_.close(); }
  const model::TopParams& params() const override { return params_; }

  void reset() override {
    drive_top(*dut_.top, model::TopIn{});
    dut_.reset();
    time_ = 0;
    sample();
  }

  const model::TopOut& clock(const model::TopIn& in) override {
    drive_top(*dut_.top, in);
    if (o_.in_window(time_)) {
      dut_.top->eval();
      fst_.dump(time_);
    }
    dut_.edge();
    ++cycles_;
    ++time_;
    sample();
    return out_;
  }
  uint64_t cycles() const override { return cycles_; }

  void finish() override {
    if (o_.in_window(time_)) {
      dut_.top->eval();
      fst_.dump(time_);
    }
    fst_.close();
  }

 private:
  void sample() { sample_top(*dut_.top, out_); }

  model::TopParams params_;
  TraceOptions o_;
  VlDut<V> dut_;
  VerilatedFstC fst_;
  model::TopOut out_;
  uint64_t cycles_ = 0, time_ = 0;
};

struct Entry {
  model::TopParams params;
  std::unique_ptr<TracedPort> (*make)(const model::TopParams&, const TraceOptions&,
                                      const std::string&);
};

template <class V>
std::unique_ptr<TracedPort> make_impl(const model::TopParams& p, const TraceOptions& o,
                                      const std::string& path) {
  return std::make_unique<TopRtlTraced<V>>(p, o, path);
}

#define SYSTOLIC_TR_ENTRY(Class, name, Rows, Cols, AWords, BWords, CWords, QWords, AccWords, \
                          RequantDepth, WeightBanks)                                         \
  Entry{model::TopParams{Rows, Cols, AWords, BWords, CWords, QWords, AccWords, RequantDepth, \
                         WeightBanks},                                                       \
        &make_impl<Class>},
const std::vector<Entry> kEntries = {SYSTOLIC_SYSTOLIC_TOP_TR_CONFIGS(SYSTOLIC_TR_ENTRY)};
#undef SYSTOLIC_TR_ENTRY

}  // namespace

std::unique_ptr<TracedPort> make_top_rtl_traced(const model::TopParams& p, const TraceOptions& o,
                                                const std::string& fst_path) {
  for (const Entry& e : kEntries) {
    if (e.params == p) return e.make(p, o, fst_path);
  }
  make_top_rtl(p);  // throws the RTL engine's message
  throw std::invalid_argument(fmt::format(
      "no traced RTL build for {}x{} (the model engine traces any size); add it to the CMake "
      "cache variable SYSTOLIC_TRACE_CONFIGS and rebuild",
      p.Rows, p.Cols));
}

}  // namespace systolic::sim
