// `systolic run --trace`: what is traced, under which names, in which cycles (docs/waves.md).
//
// Every engine draws the same signals under the same hierarchical names, those of the RTL:
// TOP.systolic_top.<port>, .u_ctrl.<...>, .u_array.<...>,
// .u_array.g_row[r].u_row.g_col[c].u_pe.<...> (trace_signals() lists them). The RTL's dump
// (Verilator's FST) holds more; the model's holds exactly this list. Time unit: one clock cycle;
// the value at time T is the state after T rising edges since reset (registers), with the inputs of
// edge T + 1 and the combinational values of cycle T.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "systolic_top.h"

namespace systolic::sim {

struct TraceOptions {
  std::string path;                                              // empty: no trace; *.vcd or *.fst
  uint64_t from = 0, to = std::numeric_limits<uint64_t>::max();  // cycles, inclusive
  int row = -1, col = -1;  // PE row / column to trace (-1: all PEs up to 8x8, none above)

  bool on() const { return !path.empty(); }
  bool in_window(uint64_t t) const { return t >= from && t <= to; }
  bool fst() const;  // by the file name
  // Throws std::invalid_argument with a message for the user.
  void validate(const model::TopParams& p) const;
  bool pe_traced(const model::TopParams& p, int r, int c) const;
  bool all_pes(const model::TopParams& p) const;  // every PE traced
};

inline constexpr int kAllPesUpTo = 64;  // PEs traced by default: arrays up to 8x8

// The controller state (TOP.systolic_top.u_ctrl.state): the counter phase of the cycle.
using model::CtrlState;
const char* to_string(CtrlState s);

struct TraceSignal {
  std::string name;  // TOP.systolic_top....
  int width;
};
// The signals both the model and the RTL draw, for this configuration and selection.
std::vector<TraceSignal> trace_signals(const model::TopParams& p, const TraceOptions& o);

// Writes `path`.gtkw-style save file for a dump: signal groups (control, inputs per row, partial
// sums per column, output stage, host port), the state translated through a filter file, and a
// marker (cycle >= 0). scopes: "TOP" for one engine's dump, {"model", "rtl"} for the
// co-simulation's combined dump (each signal shown for both sides, model first).
void write_gtkw(const std::string& gtkw_path, const std::string& dump_path,
                const model::TopParams& p, const TraceOptions& o,
                const std::vector<std::string>& scopes, int64_t marker, uint64_t zoom_from,
                uint64_t zoom_to);

// The GTKWave translate filter naming the controller states (written next to the save file).
std::string write_state_filter(const std::string& dir);

// Hierarchies a Verilator trace of systolic_top keeps for these options (dumpvars arguments,
// below `root`, e.g. "TOP").
std::vector<std::pair<int, std::string>> rtl_dumpvars(const model::TopParams& p,
                                                      const TraceOptions& o,
                                                      const std::string& root);
}  // namespace systolic::sim
