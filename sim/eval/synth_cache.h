// Yosys area and logic depth of the INT8 PE (rtl/mac_pe.sv) and of a Rows x Cols array
// (rtl/pe_array.sv), cached on disk so that reports and sweeps pay for each configuration once.
//
// Two modes:
//   - hierarchical (default), one level at a time, each with the level below as a black box:
//     mac_pe alone (cached per WeightBanks), a pe_row of Cols PE instances (cached per Cols), and
//     pe_array only elaborated (`hierarchy; proc; opt_clean`) to check that it holds its Rows rows
//     and nothing else (an error otherwise). The array is Rows x (Cols PEs + the row's glue). A
//     few seconds up to 128x128, under a minute at 256x256 (docs/results.md). No optimization
//     crosses a PE boundary, and the PE is the same netlist in every array.
//   - flat: `synth -flatten`, which lets Yosys propagate constants across PEs (the zero partial
//     sums above the top row, for one): fewer cells, but minutes at 16x16 and beyond. The PE's
//     figures are those of the hierarchical mode.
// Cells are Yosys generic gates ($_AND_, $_DFF_..., no technology mapping); depth is `ltp -noff`,
// the longest path in cells between flip-flops and ports. In hierarchical mode the array depth is
// the PE's when pe_row holds nothing but its PEs (checked) and every PE output is a register.
//
// The cache lives in $SYSTOLIC_CACHE_DIR, else $XDG_CACHE_HOME/systolic, else ~/.cache/systolic,
// under synth/; an entry's key holds the parameters, the mode and a hash of the RTL sources and
// the Yosys version, so an edited PE or another Yosys synthesizes afresh. Entries are written
// atomically (concurrent sweep workers may race; both write the same result).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

namespace systolic::sim {

struct SynthStats {
  int rows = 0, cols = 0, weight_banks = 2;
  int int4 = 0;      // the array's PEs: 0 INT8-only, 1 dual-mode (int8, w4a8, w4a4)
  int dataflow = 1;  // the array's PEs: 1 weight-stationary, 2 output-stationary, 3 both
  bool flat = false;
  int64_t pe_cells = 0, pe_depth = 0;  // one mac_pe of the array (its Int4 and Dataflow)
  // The PE of the array's Int4 in the other dataflows: output-stationary only and both.
  int64_t pe_os_cells = 0, pe_os_depth = 0, pe_both_cells = 0, pe_both_depth = 0;
  // Both PEs side by side (same WeightBanks): the INT8-only one and the dual-mode one.
  int64_t pe_int8_cells = 0, pe_int8_depth = 0, pe_dual_cells = 0, pe_dual_depth = 0;
  int64_t array_cells = 0, array_depth = 0;  // the whole pe_array
  bool cached = false;                       // read from the cache (no Yosys run)
  double seconds = 0.0;                      // Yosys wall time when it ran
  std::string cache_file;

  std::string mode() const { return flat ? "flat" : "hierarchical"; }
  nlohmann::json json() const;
};

// Synthesizes (or reads from the cache) a rows x cols array. Throws std::runtime_error with one
// line when Yosys is missing or fails; std::invalid_argument for parameters out of range.
SynthStats array_synth(int rows, int cols, int weight_banks = 2, bool flat = false, int int4 = 0,
                       int dataflow = 1);

}  // namespace systolic::sim
