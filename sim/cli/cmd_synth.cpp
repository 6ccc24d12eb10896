// systolic synth: Yosys cells and logic depth of the INT8 PE and of a Rows x Cols array, from the
// on-disk cache when this configuration was synthesized before (sim/eval/synth_cache.h).
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "cli_util.h"
#include "commands.h"
#include "options.h"
#include "synth_cache.h"

namespace systolic::cli {
namespace {

void run_synth(const SynthOpts& o) {
  sim::SynthStats s;
  try {
    s = sim::array_synth(o.rows, o.cols, o.weight_banks, o.flat, o.int4, o.dataflow);
  } catch (const std::exception& e) {
    throw UserError(e.what());
  }
  // The weight-stationary array of the same size, for the overhead of the other dataflows.
  std::optional<sim::SynthStats> ws;
  if (o.dataflow != 1) {
    try {
      ws = sim::array_synth(o.rows, o.cols, o.weight_banks, o.flat, o.int4, 1);
    } catch (const std::exception& e) {
      throw UserError(e.what());
    }
  }
  // Throughput per area: peak MACs a cycle per 1000 cells of PE, each PE in each of its modes.
  const auto per_kcell = [](int macs, int64_t cells) {
    return cells > 0 ? 1000.0 * macs / double(cells) : 0.0;
  };
  const double t8 = per_kcell(1, s.pe_int8_cells), d8 = per_kcell(1, s.pe_dual_cells),
               d4 = per_kcell(2, s.pe_dual_cells);
  nlohmann::json j = s.json();
  j["peak_macs_per_kcell"] = {
      {"int8_only_pe", t8}, {"dual_pe_int8", d8}, {"dual_pe_w4a8", d4}, {"dual_pe_w4a4", d4}};
  if (ws) {
    j["ws_array_cells"] = ws->array_cells;
    j["ws_array_depth"] = ws->array_depth;
    j["array_over_ws"] = double(s.array_cells) / double(std::max<int64_t>(1, ws->array_cells));
  }
  if (!o.json_path.empty()) write_output(o.json_path, j.dump(2) + "\n");
  static const char* const kDataflow[] = {"", "weight-stationary", "output-stationary",
                                          "both dataflows"};
  fmt::print("synth: pe_array {}x{}, WeightBanks {}, {} PEs, {}, Yosys generic gates, {} ({})\n",
             s.rows, s.cols, s.weight_banks, s.int4 == 1 ? "dual-mode" : "INT8-only",
             kDataflow[s.dataflow], s.mode(),
             s.cached ? "cached" : fmt::format("{:.1f} s", s.seconds));
  fmt::print("  mac_pe INT8-only      {:>9} cells   depth {}\n", s.pe_int8_cells, s.pe_int8_depth);
  fmt::print(
      "  mac_pe dual-mode      {:>9} cells   depth {}   ({:.3f} x the INT8-only PE; "
      "peak MACs/cycle x 2 in w4a8 and w4a4)\n",
      s.pe_dual_cells, s.pe_dual_depth,
      double(s.pe_dual_cells) / double(std::max<int64_t>(1, s.pe_int8_cells)));
  fmt::print(
      "  per 1000 PE cells     {:.3f} peak MACs/cycle INT8-only; dual-mode {:.3f} in int8, "
      "{:.3f} in w4a8 and w4a4\n",
      t8, d8, d4);
  const int64_t pe_ws = s.int4 == 1 ? s.pe_dual_cells : s.pe_int8_cells;
  fmt::print("  mac_pe {} OS-only {:>9} cells   depth {}   ({:.3f} x the WS-only PE)\n",
             s.int4 == 1 ? "dual" : "INT8", s.pe_os_cells, s.pe_os_depth,
             double(s.pe_os_cells) / double(std::max<int64_t>(1, pe_ws)));
  fmt::print("  mac_pe {} WS + OS {:>9} cells   depth {}   ({:.3f} x the WS-only PE)\n",
             s.int4 == 1 ? "dual" : "INT8", s.pe_both_cells, s.pe_both_depth,
             double(s.pe_both_cells) / double(std::max<int64_t>(1, pe_ws)));
  fmt::print("  pe_array {:>5}        {:>9} cells   depth {}\n",
             fmt::format("{}x{}", s.rows, s.cols), s.array_cells, s.array_depth);
  if (ws) {
    fmt::print("  pe_array WS-only      {:>9} cells   depth {}   (this array is {:.3f} x it)\n",
               ws->array_cells, ws->array_depth,
               double(s.array_cells) / double(std::max<int64_t>(1, ws->array_cells)));
  }
  fmt::print("  cache                 {}\n", s.cache_file);
}

}  // namespace

void add_synth_command(CLI::App& app) {
  auto o = std::make_shared<SynthOpts>();
  CLI::App* cmd = app.add_subcommand(
      "synth", "Yosys cells and logic depth of the INT8 PE and a Rows x Cols array (cached)");
  add_synth_options(cmd, *o);
  cmd->callback([o] { run_synth(*o); });
}

}  // namespace systolic::cli
