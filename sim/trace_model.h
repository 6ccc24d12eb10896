// Waveforms of the C++ model under the RTL's names (sim/trace.h, docs/waves.md).
//
// The model works at row-slot granularity; the RTL's registers it does not hold are derived here,
// cycle by cycle, from its state and its issue decisions:
//   - tile_ctrl's registers and issue outputs from the model's TileCtrl (which tile and slot is
//     next, where the weight loader is) and the counter phase of each busy cycle;
//   - every PE register from a shadow pe_array (model/pe_array.h, the PE-level twin) fed with the
//     inputs the RTL's pe_array sees: the weight loader stage (one cycle after the B read, w_row_i
//     holding its last value), and input_skew (lane r of a slot issued in cycle t in cycle
//     t + 1 + r, zero when invalid, a_sel holding the last slot's bank);
//   - the output de-skew (column c of psum_o delayed Cols - 1 - c cycles) and the tag pipeline
//     (x_valid_q, c_wr_en) from histories of the above.
// Only runs while tracing; the shadow costs Rows x Cols PE updates per cycle.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "pe_array.h"
#include "systolic_top.h"
#include "top_observer.h"
#include "trace.h"
#include "trace_vcd.h"

namespace systolic::sim {

class ModelTracer final : public model::TopObserver {
 public:
  // Writes a VCD to vcd_path (the caller converts to FST if asked).
  ModelTracer(const model::TopParams& p, const TraceOptions& o, const std::string& vcd_path);
  ~ModelTracer() override;

  void on_reset(const model::SystolicTop& top) override;
  void before_edge(const model::SystolicTop& top, const model::TopIn& in,
                   const model::TopOut& ports) override;
  void after_edge(const model::SystolicTop& top) override;
  // The state after the last edge (time = edges since reset), then close the file.
  void finish(const model::SystolicTop& top, const model::TopIn& in, const model::TopOut& ports);
  uint64_t time() const { return time_; }

 private:
  struct Regs {  // tile_ctrl registers (and outputs that are functions of them only)
    bool busy = false, done = false;
    uint32_t s_nt = 0;
    bool s_bank = false, wl_bank = false, s_first = false, s_last = false;
  };
  struct Comb {  // the issue decisions of the cycle
    CtrlState state = CtrlState::kIdle;
    bool s_issue = false, wl_issue = false;
    int s_tile = 0, s_j = 0, wl_tile = 0, wl_row = 0;
  };
  struct Hist {  // per cycle, for the delay lines
    bool valid = false, sel = false, last = false;
    std::vector<int8_t> lanes;  // input_skew's lane_a (zero when invalid or r >= kv)
    std::vector<int32_t> psum;  // pe_array psum_o in this cycle
  };

  Regs regs(const model::SystolicTop& top) const;
  Comb decide(const model::SystolicTop& top, const model::Counters& before) const;
  Comb peek(const model::SystolicTop& top) const;  // decisions of the coming cycle, not taken
  void cycle(const model::SystolicTop& top, const Comb& comb, bool emit_only);
  const Hist* hist(int64_t t) const;  // nullptr before reset (delay lines hold 0)

  model::TopParams p_;
  TraceOptions o_;
  VcdWriter vcd_;
  std::vector<int> sig_;  // handles, in trace_signals() order
  model::PeArray shadow_;
  uint64_t time_ = 0;
  bool started_ = false;  // a command started since reset

  // Sampled before the edge.
  model::TopIn in_;
  model::TopOut ports_;
  Regs regs_;
  model::Counters ctr_before_;
  int s_tile_before_ = 0, s_slot_before_ = 0;
  bool busy_before_ = false;

  // Stage registers of the RTL between tile_ctrl and pe_array.
  bool ld_valid_ = false, ld_bank_ = false, ld_zero_ = false;
  int ld_row_ = 0, ld_nv_ = 0;
  std::vector<int8_t> b_rd_;  // u_spad_b rd_data (holds between reads)
  bool sl_valid_ = false, sl_bank_ = false;
  int sl_kv_ = 0;
  std::vector<int8_t> a_rd_;     // u_spad_a rd_data
  std::deque<Hist> hist_;        // hist_.back() is the cycle being emitted
  std::deque<bool> issue_hist_;  // s_issue per cycle, aligned with hist_
};

}  // namespace systolic::sim
