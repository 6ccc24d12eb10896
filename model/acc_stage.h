// C++ twin of rtl/acc_stage.sv: the tag pipeline, the accumulator buffer, the requant units and
// the C write of the engine (docs/architecture.md §4, pipeline offsets).
//
// Same parameters, ports (AccStageIn / AccStageOut, generated from rtl/systolic_if.toml) and
// cycle behaviour as the RTL; testbench/test_acc_stage.cpp compares every output port in every
// cycle with the verilated module under random slots. Inside, the tag and C-write delay lines are
// rings of the RTL's depths; the accumulator buffer is read where the RTL's synchronous read
// lands (the value at the start of cycle X; RowApart_A keeps a write at that edge away, and
// tick() throws where the RTL's assertion fires), and the requant units' results
// are computed in X (their inputs are sampled there) and shown in X + RequantDepth.
//
// eval(in) gives this cycle's outputs (functions of the state: q_rd_addr_o uses the q_base_i a
// slot took along at its issue); tick(in) is the rising edge.
#pragma once

#include <cstdint>
#include <vector>

#include "systolic_if.h"

namespace systolic::model {

using iface::AccStageIn;
using iface::AccStageOut;
using iface::AccStageParams;

class AccStage {
 public:
  // A slot's tags, as they travel from issue to the accumulate stage (RTL: u_tag).
  struct Tag {
    bool valid = false, first = false, last = false;
    uint32_t j = 0, qbase = 0, nt = 0, nv = 0;  // qbase: q_base_i at the slot's issue
    uint64_t caddr = 0;
  };

  explicit AccStage(const AccStageParams& p);

  const AccStageParams& params() const { return p_; }
  void reset();
  const AccStageOut& eval(const AccStageIn& in);
  const AccStageOut& out() const { return out_; }
  void tick(const AccStageIn& in);
  // Off: no sums and no requantization (timing-only runs); every port but c_wr_data_o is as
  // usual, c_wr_data_o is 0.
  void set_compute_data(bool on) { compute_data_ = on; }

  // Observation: the slot in the accumulate stage this cycle (RTL: x_*_q), the tags leaving the
  // tag pipeline (RTL: u_tag q_o, cycle X - 1).
  const Tag& x() const { return x_; }
  const Tag& tag_out() const { return tags_[tag_head_]; }
  bool c_write_valid() const { return cw_[cw_head_].valid; }  // c_wr_en_o this cycle

 private:
  struct CWrite {  // one entry of the C-write delay line (RTL: u_ctag and the requant units)
    bool valid = false;
    uint32_t nv = 0;
    uint64_t caddr = 0;
    std::vector<int32_t> data;
  };

  AccStageParams p_;
  bool compute_data_ = true;
  std::vector<Tag> tags_;  // ring of Rows + Cols - 1: tags_[tag_head_] is the oldest (X - 1)
  size_t tag_head_ = 0;
  Tag x_;                     // accumulate stage registers
  std::vector<int32_t> acc_;  // AccWords x Cols
  std::vector<CWrite> cw_;    // ring of RequantDepth: cw_[cw_head_] is shown this cycle
  size_t cw_head_ = 0;
  AccStageOut out_;
  bool data_shown_ = false;  // out_.c_wr_data_o holds nonzero lanes
};

}  // namespace systolic::model
