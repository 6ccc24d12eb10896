// C++ twin of rtl/systolic_top.sv: the whole engine, cycle-exact at its ports
// (docs/architecture.md §4).
//
// The core is plain C++ (no SystemC): clock() is one rising edge. It is built from the twins of
// the RTL's blocks, as the RTL is: SystolicRegs (rtl/systolic_regs.sv), TileCtrl
// (rtl/tile_ctrl.sv), six Spads (rtl/spad.sv) and AccStage (rtl/acc_stage.sv), each compared with
// its RTL module at its ports by its own test. What lies between the controller's issue and the
// accumulate stage (issue-stage registers, input_skew, pe_array, output_deskew) is modelled at
// the granularity of row slots: a slot's row of Cols partial sums is computed when the slot issues
// (the scratchpads cannot change while busy) and handed to AccStage Rows + Cols cycles later, when
// the RTL's de-skewed row arrives, so every port changes on the same cycle as in the RTL while a
// cycle costs one row-times-tile dot product instead of Rows x Cols PE updates. (The PE-level
// twin, model/pe_array.h, is compared with rtl/pe_array.sv on its own.)
#pragma once

#include <cstdint>
#include <vector>

#include "acc_stage.h"
#include "dma.h"
#include "os_ctrl.h"
#include "spad.h"
#include "systolic_if.h"
#include "systolic_regs.h"
#include "tile_ctrl.h"

namespace systolic::model {

namespace addr = iface;  // the host address map: addr::kM, addr::element(addr::kA, w, l), ...
using iface::TopIn;
using iface::TopOut;
using iface::TopParams;

// The performance counters of one command (systolic_top registers CYC_* and MACS).
// Memory commands add load and store cycles (part of busy) and the memory bytes moved.
struct Counters {
  uint64_t busy = 0, wstall = 0, compute = 0, drain = 0, output = 0, macs = 0;
  uint64_t load = 0, store = 0, dram_rd = 0, dram_wr = 0;
  // The traffic counters (DRAM_RD_A .. SRAM_WR_SHIFT), indexed by iface::Counter.
  uint64_t traffic[iface::kNumCnt] = {};

  Counters& operator+=(const Counters& o) {
    busy += o.busy;
    wstall += o.wstall;
    compute += o.compute;
    drain += o.drain;
    output += o.output;
    macs += o.macs;
    load += o.load;
    store += o.store;
    dram_rd += o.dram_rd;
    dram_wr += o.dram_wr;
    for (int i = 0; i < iface::kNumCnt; ++i) traffic[i] += o.traffic[i];
    return *this;
  }
};

class SystolicTop {
 public:
  explicit SystolicTop(const TopParams& p);

  const TopParams& params() const { return p_; }
  // A memory command's tile base of region A, B, C or BIAS (BIAS / M0 / SHIFT): word 0, or the
  // first word of the scratchpad's second half when the DMA's half bit says so (w4a8: A's second
  // half starts at the even word 2 x (AWords / 4); rtl/systolic_top.sv).
  uint32_t dma_base(int region) const;
  // Timing-only runs (sweeps): no dot products, no accumulate stage, no C writes (C keeps what
  // it held), and wait_done() fast-forwards the steady stretches of a command. Every port and
  // counter is unchanged but the C data: testbench/test_systolic_top.cpp checks it.
  void set_compute_data(bool on);

  void reset();                          // rst_ni = 0
  const TopOut& clock(const TopIn& in);  // one rising edge; outputs after it
  // Clocks with the host port idle until done_o is 1 after an edge, at most max_edges edges;
  // returns whether done_o came. The same as calling clock(TopIn{}) in a loop, but in timing-only
  // runs the edges in which only stream and load positions advance and the counters count
  // (TileCtrl::steady_edges) are applied at once.
  bool wait_done(uint64_t max_edges);
  const TopOut& out() const { return out_; }

  // Observation (waveforms, tests): the blocks, as they are between edges.
  const SystolicRegs& regs() const { return regs_; }
  const TileCtrl& ctrl() const { return ctrl_; }
  const OsCtrl& os_ctrl() const { return os_; }
  // The dataflow of the next (or running) command: DATAFLOW on a build with both, else the
  // build's one (rtl/systolic_top.sv os_mode).
  bool os_mode() const {
    return p_.Dataflow == 2 || (p_.Dataflow == 3 && regs_.regs().dataflow_q != 0);
  }
  const Dma& dma() const { return dma_; }
  const AccStage& acc() const { return acc_; }
  const Spad<int8_t>& spad_a() const { return a_; }
  // The A word pair a w4a8 slot at word s_addr reads, words 2p and 2p + 1:
  // p = (A_BASE >> 1) + (s_addr - A_BASE), A_BASE the tile command's (rtl/systolic_top.sv).
  uint64_t w4a8_pair(uint64_t s_addr) const {
    const uint64_t base = dma_.busy() ? dma_base(iface::kA) : regs_.regs().a_base_q;
    return (base >> 1) + (s_addr - base);
  }
  const Spad<int8_t>& spad_b() const { return b_; }
  const Spad<int8_t>& spad_c() const { return c_; }
  Counters counters() const;                 // the counter registers now
  uint64_t cycle() const { return cycle_; }  // edges since reset
  // The inputs the blocks saw in the last cycle (tile_ctrl's are systolic_regs' outputs, regs()
  // .out()). acc_stage is clocked only while the engine works: acc_ticked() says whether it was.
  const SystolicRegsIn& regs_in() const { return regs_in_; }
  const AccStageIn& acc_in() const { return acc_in_; }
  // The DMA's inputs of the last cycle in which it was clocked (record_dma(true) first; off by
  // default: a copy per cycle), and whether it was clocked in the last cycle.
  void record_dma(bool on) { record_dma_ = on; }
  const DmaIn& dma_in() const { return dma_seen_; }
  bool dma_ticked() const { return dma_ticked_; }
  bool acc_ticked() const { return acc_ticked_; }

 private:
  struct Slot {        // a slot's row between issue and the accumulate stage
    uint64_t due = 0;  // its accumulate cycle X
    std::vector<int32_t> psum;
  };
  void issue(const TileCtrlOut& co);  // the slot tile_ctrl issues this cycle
  // The tag acc_stage takes this cycle (tile_ctrl's slot, or os_ctrl's output row).
  struct Tag {
    bool issue = false, first = false, last = false;
    uint32_t j = 0, nt = 0, nv = 0;
    uint64_t caddr = 0;
  };
  Tag tag() const;
  void os_issue();  // the output row os_ctrl tags this cycle: its sums, into the slot ring
  SystolicRegsIn& set_regs_in(const TopIn& in);
  void engine_traffic(const TileCtrlOut& co, const OsCtrlOut& oo, const AccStageOut* ao,
                      SystolicRegsIn& ri) const;
  void set_mem_outputs();
  const AccStageOut& acc_eval(const Tag& tg, const SystolicRegsOut& ro);
  void acc_edge(const AccStageOut& ao);

  TopParams p_;
  bool compute_data_ = true;
  SystolicRegs regs_;
  TileCtrl ctrl_;
  OsCtrl os_;
  OsCtrlIn os_in_;
  // The tile whose rows os_ctrl tags (its A and B words of beat 0, K) and the next row's index.
  // Per os_ctrl tag sequencer: the tile its tags name (A and B words, K) and the next row.
  struct OsRows {
    uint64_t a = 0, b = 0;
    uint32_t k = 0, r = 0;
  };
  OsRows os_rows_[2];
  std::vector<uint32_t> os_sum_;  // os_issue's column sums (a buffer, not state)
  Dma dma_;
  AccStage acc_;
  Spad<int8_t> a_, b_, c_;
  Spad<int32_t> bias_, m0_, shift_;
  SystolicRegsIn regs_in_;
  TileCtrlIn ctrl_in_;
  DmaIn dma_in_;
  DmaIn dma_seen_;
  bool record_dma_ = false, dma_ticked_ = false;
  std::vector<int32_t> c_rd_next_;   // the C word the DMA reads this cycle (c_rd_data_i next)
  std::vector<int32_t> c_rd1_next_;  // ... and its pair's second (c_rd_data1_i next)
  // Timing-only (no acc_stage): the C writes of the last K-tile's slots, due Rows + Cols +
  // RequantDepth cycles after their issue (acc_stage's latency), for the DMA's column store.
  struct CWriteDue {
    uint64_t due = 0, addr = 0;
  };
  std::vector<CWriteDue> cw_due_;  // a ring (at most one slot issues a cycle)
  size_t cw_head_ = 0, cw_count_ = 0;
  AccStageIn acc_in_;
  AccStageIn q_next_;  // the BIAS / M0 / SHIFT words acc_stage receives in the next cycle
  bool q_next_valid_ = false;
  uint64_t bank_bbase_[2] = {0, 0};  // B word of row 0 of the tile each weight bank holds
  uint64_t bank_bstep_[2] = {1, 1};  // ... and between its rows (k-major B: NT; tile_ctrl)
  uint64_t cycle_ = 0;
  bool acc_ticked_ = false;
  // Slots in flight, in issue order (at most Rows + Cols): a ring.
  std::vector<Slot> slots_;
  size_t slot_head_ = 0, slot_count_ = 0;
  TopOut out_;
};

}  // namespace systolic::model
