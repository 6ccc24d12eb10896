// C++ twin of rtl/tile_ctrl.sv: the tile sequencer of the engine (docs/architecture.md §4,
// "Tile schedule" and "Counters").
//
// step(t) makes the decisions of busy cycle t of a command: whether the next tile starts its
// weight load (Rows cycles of B reads) and whether a slot issues, and which phase counter the
// cycle adds to. Tiles run nt outer, M-block mb, kt inner; tile i streams M_i slots. The issue
// rules give wl_0 = 0, wl_i = max(wl_{i-1} + Rows, e_{i-NB} + Cols - 1) (NB = WeightBanks, the
// e term for i >= NB only), s_i = max(wl_i + 1, e_{i-1} + 1), e_i = s_i + M_i - 1.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace systolic::sim {
class ModelTracer;  // sim/trace_model.h: reads the loader and streamer state for waveforms
}

namespace systolic::model {

// The performance counters of one command (systolic_top registers 16..22).
struct Counters {
  uint64_t busy = 0, wstall = 0, compute = 0, drain = 0, output = 0, macs = 0;
};

class TileCtrl {
 public:
  TileCtrl(int rows, int cols, int requant_depth, int weight_banks = 2)
      : rows_(rows), cols_(cols), depth_(requant_depth), banks_(weight_banks) {}

  // A command of `tiles` tiles; tile i streams slots(i) slots. No tiles: busy in cycle 0 only.
  // `slots` must stay valid until the command ends.
  void start(int tiles, std::function<int(int)> slots) {
    tiles_ = tiles;
    slots_ = std::move(slots);
    wl_tile_ = 0;
    wl_free_at_ = 0;
    wl_start_.assign(tiles, -1);
    e_.assign(tiles, -1);
    s_tile_ = s_slot_ = 0;
    x_last_ = -1;
    end_cycle_ = tiles == 0 ? 0 : -1;
  }

  struct Slot {
    bool issue = false;  // a slot issues this cycle
    int tile = 0;        // its tile, and its index j within the tile's M-block
    int j = 0;
  };

  // Busy cycle t (0, 1, 2, ... in order): the issue decisions, and its phase counted in `ctr`.
  Slot step(int64_t t, Counters& ctr) {
    // Weight loader: starts tile wl_tile_ when idle and the tile's bank (shared with tile - NB)
    // is no longer read: Cols - 1 cycles after tile - NB's last slot issued.
    if (wl_tile_ < tiles_ && t >= wl_free_at_) {
      const int i = wl_tile_;
      if (i < banks_ || (e_[i - banks_] >= 0 && t >= e_[i - banks_] + cols_ - 1)) {
        wl_start_[i] = t;
        wl_free_at_ = t + rows_;
        ++wl_tile_;
      }
    }
    // Streamer: the next slot of tile s_tile_, once that tile's weight load began earlier.
    Slot s;
    if (s_tile_ < tiles_ && (s_slot_ > 0 || (wl_start_[s_tile_] >= 0 && t > wl_start_[s_tile_]))) {
      if (s_slot_ == 0) {
        s_count_ = slots_(s_tile_);
        e_[s_tile_] = t + s_count_ - 1;
      }
      s = {true, s_tile_, s_slot_};
      if (++s_slot_ == s_count_) {
        s_slot_ = 0;
        if (++s_tile_ == tiles_) {
          x_last_ = t + rows_ + cols_;
          end_cycle_ = x_last_ + depth_;
        }
      }
    }
    ++ctr.busy;
    if (s.issue) {
      ++ctr.compute;
    } else if (s_tile_ < tiles_) {
      ++ctr.wstall;
    } else if (t < x_last_) {
      ++ctr.drain;
    } else {
      ++ctr.output;
    }
    return s;
  }

  // The last busy cycle, once known (-1 before the last slot issues).
  int64_t end_cycle() const { return end_cycle_; }

 private:
  friend class sim::ModelTracer;
  int rows_, cols_, depth_, banks_;
  int tiles_ = 0;
  std::function<int(int)> slots_;  // slots of tile i
  int s_count_ = 0;                // slots of the tile being streamed
  int wl_tile_ = 0;                // next tile whose weight load has not started
  int64_t wl_free_at_ = 0;         // first cycle the loader is idle
  std::vector<int64_t> wl_start_;  // per tile: cycle its load started (-1: not yet)
  std::vector<int64_t> e_;         // per tile: cycle of its last slot (-1: not yet known)
  int s_tile_ = 0, s_slot_ = 0;    // next slot to issue
  int64_t x_last_ = -1;            // accumulate cycle of the command's last slot
  int64_t end_cycle_ = -1;
};

}  // namespace systolic::model
