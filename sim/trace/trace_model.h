// Waveforms of the C++ model under the RTL's names (sim/trace/trace.h, docs/waves.md).
//
// The controller, the registers and the accumulate stage are twins of their RTL modules: their
// signals are read from them through their public observation interfaces (TileCtrl::out(),
// SystolicTop::acc(), ...), cycle by cycle. What the model abstracts (it computes a slot's partial
// sums when the slot issues) is drawn at PE level by a shadow pe_array (model/pe_array.h, the
// PE-level twin compared with rtl/pe_array.sv), fed with what the RTL's pe_array sees: the
// issue-stage registers of systolic_top one cycle after tile_ctrl issues (the weight loader's row
// of B, the streamer's row of A), input_skew's delays, and output_deskew's. Only runs while
// tracing; the shadow costs Rows x Cols PE updates per cycle.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "pe_array.h"
#include "systolic_top.h"
#include "top_observer.h"
#include "trace.h"
#include "wave.h"

namespace systolic::sim {

class ModelTracer final : public model::TopObserver {
 public:
  // Writes an FST to fst_path (the caller converts it to VCD if asked).
  ModelTracer(const model::TopParams& p, const TraceOptions& o, const std::string& fst_path);
  ~ModelTracer() override;

  void on_reset(const model::SystolicTop& top) override;
  void before_edge(const model::SystolicTop& top, const model::TopIn& in,
                   const model::TopOut& ports) override;
  void after_edge(const model::SystolicTop& top) override;
  // The state after the last edge (time = edges since reset), then close the file.
  void finish(const model::SystolicTop& top, const model::TopIn& in, const model::TopOut& ports);
  uint64_t time() const { return time_; }

 private:
  struct Hist {  // per cycle, for the delay lines
    bool valid = false, sel = false;
    std::vector<uint16_t> lanes;  // input_skew's lane_a (zero when invalid or r >= kv)
    std::vector<int8_t> blanes;   // OS: the B skew's lane_a (zero when invalid or c >= nv)
    std::vector<int32_t> psum;    // pe_array psum_o in this cycle
  };
  // Cycle `time_`: draw it (in the window) and, unless `last`, clock the shadow and the stage
  // registers with its values.
  void cycle(const model::SystolicTop& top, const model::TopIn& in, const model::TopOut& ports,
             bool last);
  const Hist* hist(int64_t t) const;  // nullptr before reset (delay lines hold 0)

  model::TopParams p_;
  TraceOptions o_;
  FstWriter wave_;
  std::vector<int> sig_;  // handles, in trace_signals() order
  model::PeArray shadow_;
  std::vector<std::pair<int, int>> pes_;      // the traced PEs (row, col), in trace_signals() order
  std::optional<model::PeArrayIn> last_ain_;  // the shadow's inputs in the previous cycle
  int steady_ = 0;                            // cycles for which they have not changed
  uint64_t time_ = 0;

  // systolic_top's issue-stage registers (one cycle after tile_ctrl issues).
  bool ld_valid_ = false, ld_bank_ = false, ld_zero_ = false;
  int ld_row_ = 0, ld_nv_ = 0;
  std::vector<int8_t> b_rd_;  // u_spad_b rd_data: the B word read
  bool sl_valid_ = false, sl_bank_ = false;
  int sl_kv_ = 0, sl_nv_ = 0;   // sl_nv_: OS, the beat's valid B lanes
  std::vector<uint16_t> a_rd_;  // input_skew's a_i: the A word (w4a8: word pair) read, per lane
  std::deque<Hist> hist_;       // hist_.back() is cycle time_
};

}  // namespace systolic::sim
