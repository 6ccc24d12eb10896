// C++ twin of rtl/systolic_top.sv: the whole engine, cycle-exact at its ports
// (docs/architecture.md §4).
//
// The core is plain C++ (no SystemC): clock() is one rising edge. It is written from the
// architecture document at the granularity of row slots: a slot's row of partial sums is computed
// when the slot issues (the scratchpads cannot change while busy) and travels through fixed delay
// lines to the accumulate stage (Rows + Cols cycles later) and the C write (RequantDepth after
// that), so every port value, counter and scratchpad word changes on the same cycle as in the RTL,
// while a cycle costs one row-times-tile dot product instead of Rows x Cols PE updates.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "quant.h"
#include "tile_ctrl.h"

namespace systolic::sim {
class ModelTracer;  // sim/trace_model.h: reads the state below to draw the RTL's signals
}

namespace systolic::model {

struct TopParams {
  int Rows = 16;         // RTL parameter Rows
  int Cols = 16;         // RTL parameter Cols
  int AWords = 524288;   // A scratchpad words of Rows int8 lanes
  int BWords = 262144;   // B scratchpad words of Cols int8 lanes
  int CWords = 262144;   // C scratchpad words of Cols int8 lanes
  int QWords = 64;       // BIAS / M0 / SHIFT words of Cols lanes
  int AccWords = 1024;   // accumulator rows: the largest M of one command
  int RequantDepth = 3;  // PipeDepth of the requant units
  int WeightBanks = 2;   // weight banks per PE: 2 (double-buffered weights) or 1

  void validate() const;     // throws std::invalid_argument
  std::string name() const;  // "RowsxCols"
  bool operator==(const TopParams& o) const {
    return Rows == o.Rows && Cols == o.Cols && AWords == o.AWords && BWords == o.BWords &&
           CWords == o.CWords && QWords == o.QWords && AccWords == o.AccWords &&
           RequantDepth == o.RequantDepth && WeightBanks == o.WeightBanks;
  }
  bool operator!=(const TopParams& o) const { return !(*this == o); }
};

struct TopIn {
  bool host_req_i = false;
  bool host_we_i = false;
  uint32_t host_addr_i = 0;
  uint32_t host_wdata_i = 0;
};

struct TopOut {
  bool host_rvalid_o = false;
  uint32_t host_rdata_o = 0;
  bool busy_o = false;
  bool done_o = false;
};

// Host address map (docs/architecture.md §4).
namespace addr {
enum Region : uint32_t { kRegs = 0, kA = 1, kB = 2, kC = 3, kBias = 4, kM0 = 5, kShift = 6 };
enum Reg : uint32_t {
  kCtrl = 0,
  kStatus = 1,
  kM = 2,
  kN = 3,
  kK = 4,
  kABase = 5,
  kBBase = 6,
  kCBase = 7,
  kQBase = 8,
  kZpOut = 9,
  kActMin = 10,
  kActMax = 11,
  kRounding = 12,
  kCycBusy = 16,
  kCycWstall = 17,
  kCycCompute = 18,
  kCycDrain = 19,
  kCycOutput = 20,
  kMacsLo = 21,
  kMacsHi = 22,
  kRows = 24,
  kCols = 25
};
inline uint32_t reg(Reg r) { return uint32_t(r); }
inline uint32_t element(Region region, uint32_t word, uint32_t lane) {
  return (uint32_t(region) << 28) | ((word & 0xfffffu) << 8) | (lane & 0xffu);
}
}  // namespace addr

class SystolicTop {
 public:
  explicit SystolicTop(const TopParams& p);

  const TopParams& params() const { return p_; }
  // Skips the dot products (timing-only runs: every port but C data is unchanged).
  void set_compute_data(bool on) { compute_data_ = on; }

  void reset();                          // rst_ni = 0
  const TopOut& clock(const TopIn& in);  // one rising edge; outputs after it
  const TopOut& out() const { return out_; }
  const Counters& counters() const { return ctr_; }

 private:
  friend class sim::ModelTracer;
  struct Tile {
    int nt = 0, mb = 0, kt = 0;    // N-tile, M-block, K-tile
    int kv = 0, nv = 0, rows = 0;  // valid rows (K), valid columns (N), slots (M rows) of the tile
  };
  struct Row {        // a slot's row between issue and the C write
    int64_t due = 0;  // cycle of its next stage
    int m = 0;        // row of A and C
    int j = 0;        // row of the accumulator buffer (m within its M-block)
    Tile tile;
    std::vector<int32_t> data;  // Cols partial sums, later the int8 results
  };

  uint32_t read(uint32_t a) const;
  void write(uint32_t a, uint32_t d);
  void start();
  void engine_cycle();  // the busy cycle cmd_cycle_ happens
  Tile tile(int i) const;
  void issue_slot(int i, int j);
  void accumulate(Row& row);

  TopParams p_;
  bool compute_data_ = true;

  // Scratchpads (RTL: spad instances), row-major words of lanes.
  std::vector<int8_t> a_, b_, c_;
  std::vector<int32_t> bias_, m0_, shift_;
  std::vector<int32_t> acc_;  // accumulator buffer, AccWords x Cols

  // Registers 2..12 and STATUS.done.
  uint32_t m_ = 0, n_ = 0, k_ = 0;
  uint32_t a_base_ = 0, b_base_ = 0, c_base_ = 0, q_base_ = 0;
  int32_t zp_out_ = 0, act_min_ = -128, act_max_ = 127;
  bool rounding_ = false;
  bool done_flag_ = false;
  Counters ctr_;
  TopOut out_;

  // Command state.
  TileCtrl ctrl_;          // RTL: tile_ctrl
  int64_t cmd_cycle_ = 0;  // cycle number of the command's current busy cycle
  int tiles_ = 0, kt_count_ = 0, nt_count_ = 0, mb_count_ = 0;
  // Rows in flight, in issue order, so only a FIFO's front can be due: between slot issue and the
  // accumulate stage (RTL: input_skew, pe_array, output_deskew, tag delay_line), and in the
  // requant units between the accumulate stage and the C write.
  struct RowFifo {
    std::vector<Row> slots;
    size_t head = 0, count = 0;
    Row& front() { return slots[head]; }
    Row& push() { return slots[(head + count++) % slots.size()]; }
    void pop() { head = (head + 1) % slots.size(), --count; }
    bool empty() const { return count == 0; }
    void clear() { head = count = 0; }
  };
  RowFifo array_rows_;    // at most Rows + Cols
  RowFifo requant_rows_;  // at most RequantDepth
};

}  // namespace systolic::model
