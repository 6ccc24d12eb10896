#include "run_report.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace systolic::sim {

uint64_t scalesim_ws_cycles(int64_t m, int64_t n, int64_t k, int rows, int cols) {
  const uint64_t kt = uint64_t((k + rows - 1) / rows), nt = uint64_t((n + cols - 1) / cols);
  return kt * nt * uint64_t(2 * rows + cols + m - 2) - 1;
}

uint64_t scalesim_os_cycles(int64_t m, int64_t n, int64_t k, int rows, int cols) {
  const uint64_t mt = uint64_t((m + rows - 1) / rows), nt = uint64_t((n + cols - 1) / cols);
  return mt * nt * uint64_t(k + rows + cols - 2) - 1;
}

uint64_t RunReport::peak_macs_per_cycle() const {
  return uint64_t(rows) * uint64_t(cols) * uint64_t(quant::macs_per_pe(precision));
}

uint64_t RunReport::ideal_cycles() const {
  const uint64_t peak = peak_macs_per_cycle();
  return peak == 0 ? 0 : (stats.engine.macs + peak - 1) / peak;
}

double RunReport::utilization() const {
  return stats.engine.busy == 0 ? 0.0 : double(ideal_cycles()) / double(stats.engine.busy);
}

double RunReport::macs_per_cycle() const {
  return stats.engine.busy == 0 ? 0.0 : double(stats.engine.macs) / double(stats.engine.busy);
}

uint64_t RunReport::scalesim_ws_cycles() const {
  // 4-bit modes: the formula on the packed K (SCALE-Sim has one-byte words only).
  return sim::scalesim_ws_cycles(m, n, quant::engine_k(int(k), precision), rows, cols);
}

uint64_t RunReport::scalesim_os_cycles() const {
  return sim::scalesim_os_cycles(m, n, quant::engine_k(int(k), precision), rows, cols);
}

uint64_t RunReport::roofline_cycles() const {
  const model::Counters& e = stats.engine;
  uint64_t r = ideal_cycles();
  if (dram_bw && *dram_bw > 0) {
    r = std::max(r, uint64_t(std::ceil(double(e.dram_rd + e.dram_wr) / *dram_bw)));
  }
  return r;
}

std::string RunReport::text() const {
  const model::Counters& e = stats.engine;
  auto pct = [&](uint64_t v) { return e.busy == 0 ? 0.0 : 100.0 * double(v) / double(e.busy); };
  std::string s;
  const bool os = dataflow == "os";
  s += fmt::format("systolic run: engine {}, array {}x{}{}, GEMM M={} N={} K={}{}, {} rounding{}",
                   engine, rows, cols, weight_banks == 1 ? " (single weight bank)" : "", m, n, k,
                   precision == quant::Precision::kInt8
                       ? std::string()
                       : std::string(" ") + quant::precision_name(precision),
                   rounding, os ? ", output-stationary" : "");
  s += seed ? fmt::format(", seed {}\n", *seed) : "\n";
  if (best_ws_cycles && best_os_cycles) {
    s += fmt::format("  dataflow              {}   (best of ws {} and os {} cycles)\n", dataflow,
                     *best_ws_cycles, *best_os_cycles);
  }
  s += fmt::format("  commands              {}\n", stats.commands);
  s += fmt::format("  cycles                {}   (start to done, summed over commands{})\n", e.busy,
                   stats.memory ? "; memory to memory" : "");
  if (stats.memory) {
    s += fmt::format("    load (DMA in)       {:>10}  {:5.1f} %\n", e.load, pct(e.load));
  }
  s += fmt::format("    {}   {:>10}  {:5.1f} %\n", os ? "output-chain wait" : "weight-load stall",
                   e.wstall, pct(e.wstall));
  s += fmt::format("    compute             {:>10}  {:5.1f} %\n", e.compute, pct(e.compute));
  s += fmt::format("    drain               {:>10}  {:5.1f} %\n", e.drain, pct(e.drain));
  s += fmt::format("    output stage        {:>10}  {:5.1f} %\n", e.output, pct(e.output));
  if (stats.memory) {
    s += fmt::format("    store (DMA out)     {:>10}  {:5.1f} %\n", e.store, pct(e.store));
    s += fmt::format("  memory                {} bytes/cycle, latency {} cycles\n",
                     dram_bw && *dram_bw > 0 ? fmt::format("{:g}", *dram_bw) : "unlimited",
                     dram_latency ? *dram_latency : 0);
    s += fmt::format(
        "  memory bytes          {} read, {} written   ({:.2f} MACs per byte)\n", e.dram_rd,
        e.dram_wr,
        e.dram_rd + e.dram_wr == 0 ? 0.0 : double(e.macs) / double(e.dram_rd + e.dram_wr));
    s += fmt::format(
        "    by tensor           A {} read, B {} read, BIAS/M0/SHIFT {} read, C {} written\n",
        e.traffic[iface::kCntDramRdA], e.traffic[iface::kCntDramRdB], e.traffic[iface::kCntDramRdQ],
        e.dram_wr);
    s += fmt::format(
        "  roofline cycles       {}   (max(MACs / peak, bytes / bandwidth); "
        "ours is {:.3f} of it)\n",
        roofline_cycles(), double(e.busy) / double(std::max<uint64_t>(1, roofline_cycles())));
    s += fmt::format("  host-port cycles      {}   (descriptors and counters, not in cycles)\n",
                     stats.host_cycles);
  } else {
    s += fmt::format("  host-port cycles      {}   (scratchpad loads and reads, not in cycles)\n",
                     stats.host_cycles);
  }
  // Scratchpad words by the engine and the DMA: SRAM_RD_* / SRAM_WR_* in region order.
  std::string rd, wr;
  for (int i = 0; i < iface::kSpadRegions; ++i) {
    const char* name = iface::kRegionTable[i + 1].name;
    rd += fmt::format("{}{} {}", i ? ", " : "", name, e.traffic[iface::kCntSramRdA + i]);
    wr += fmt::format("{}{} {}", i ? ", " : "", name, e.traffic[iface::kCntSramWrA + i]);
  }
  s += fmt::format("  scratchpad reads      {}   (words, engine and DMA)\n", rd);
  s += fmt::format("  scratchpad writes     {}\n", wr);
  s += fmt::format("  MACs                  {}\n", e.macs);
  s += fmt::format(
      "  ideal cycles          {}   (MACs / {})\n", ideal_cycles(),
      quant::macs_per_pe(precision) == 2 ? "(2 * Rows * Cols): two MACs per PE" : "(Rows * Cols)");
  s += fmt::format("  utilization           {:.2f} %\n", 100.0 * utilization());
  s += fmt::format("  MACs/cycle            {:.2f}   (peak {})\n", macs_per_cycle(),
                   peak_macs_per_cycle());
  s += fmt::format(
      "  SCALE-Sim WS cycles   {}   (ceil(K/R) ceil(N/C) (2R + C + M - 2) - 1{}; ours is "
      "{:.3f} of it)\n",
      scalesim_ws_cycles(), quant::four_bit_weights(precision) ? ", K packed: ceil(K/2)" : "",
      double(e.busy) / double(scalesim_ws_cycles()));
  if (os) {
    s += fmt::format(
        "  SCALE-Sim OS cycles   {}   (ceil(M/R) ceil(N/C) (K + R + C - 2) - 1; ours is {:.3f} "
        "of it)\n",
        scalesim_os_cycles(), double(e.busy) / double(scalesim_os_cycles()));
  }
  if (model_cycles) {
    s += fmt::format("  co-simulation         model {} cycles, RTL {} cycles, {} mismatches\n",
                     *model_cycles, *rtl_cycles, *mismatches);
  }
  if (sqnr_db) s += fmt::format("  SQNR vs float GEMM    {:.2f} dB\n", *sqnr_db);
  s += fmt::format("  result                {}\n",
                   timing_only ? std::string("not computed (timing-only run)")
                   : matches_reference
                       ? fmt::format("matches the reference GEMM ({} int8 values)", m * n)
                       : fmt::format("DIFFERS from the reference GEMM in {} of {} values",
                                     mismatched_values, m * n));
  s += fmt::format(
      "  simulation            {} cycles in {:.3f} s ({:.0f} cycles/s); engine busy {} "
      "cycles in {:.3f} s ({:.0f} cycles/s)\n",
      sim_cycles, wall_seconds, wall_seconds > 0 ? double(sim_cycles) / wall_seconds : 0.0, e.busy,
      stats.engine_seconds, stats.engine_seconds > 0 ? double(e.busy) / stats.engine_seconds : 0.0);
  return s;
}

// Memory commands: the load/store phases, the traffic, the intensity and the roofline.
void RunReport::add_memory_json(nlohmann::json& j) const {
  if (!stats.memory) return;
  const model::Counters& e = stats.engine;
  j["cycles_by_phase"]["load"] = e.load;
  j["cycles_by_phase"]["store"] = e.store;
  j["dram_bytes_read"] = e.dram_rd;
  j["dram_bytes_written"] = e.dram_wr;
  j["dram_bw"] = dram_bw && *dram_bw > 0 ? nlohmann::json(*dram_bw) : nlohmann::json("inf");
  j["dram_latency"] = dram_latency ? *dram_latency : 0;
  j["intensity"] =
      e.dram_rd + e.dram_wr == 0 ? 0.0 : double(e.macs) / double(e.dram_rd + e.dram_wr);
  j["roofline_cycles"] = roofline_cycles();
  j["cycles_over_roofline"] = double(e.busy) / double(std::max<uint64_t>(1, roofline_cycles()));
}

nlohmann::json RunReport::cycles_json() const {
  const model::Counters& e = stats.engine;
  nlohmann::json traffic = nlohmann::json::object();
  for (const iface::CounterInfo& c : iface::kCounterTable) traffic[c.key] = e.traffic[c.counter];
  return {{"M", m},
          {"N", n},
          {"K", k},
          {"commands", stats.commands},
          {"cycles", e.busy},
          {"cycles_by_phase",
           {{"weight_load_stall", e.wstall},
            {"compute", e.compute},
            {"drain", e.drain},
            {"output_stage", e.output}}},
          {"macs", e.macs},
          {"ideal_cycles", ideal_cycles()},
          {"utilization", utilization()},
          {"macs_per_cycle", macs_per_cycle()},
          {"scalesim_ws_cycles", scalesim_ws_cycles()},
          {"scalesim_os_cycles", scalesim_os_cycles()},
          {"dataflow", dataflow},
          {"traffic", traffic}};
}

nlohmann::json RunReport::json() const {
  nlohmann::json j = cycles_json();
  add_memory_json(j);
  j.update({
      {"engine", engine},
      {"rows", rows},
      {"cols", cols},
      {"weight_banks", weight_banks},
      {"rounding", rounding},
      {"precision", quant::precision_name(precision)},
      {"host_cycles", stats.host_cycles},
      {"matches_reference", matches_reference},
      {"mismatched_values", mismatched_values},
      {"sim_cycles", sim_cycles},
      {"wall_seconds", wall_seconds},
      {"engine_seconds", stats.engine_seconds},
  });
  if (timing_only) {
    j["timing_only"] = true;
    j["matches_reference"] = nullptr;
  }
  if (seed) j["seed"] = *seed;
  if (best_ws_cycles) j["best_ws_cycles"] = *best_ws_cycles;
  if (best_os_cycles) j["best_os_cycles"] = *best_os_cycles;
  if (sqnr_db) j["sqnr_db"] = *sqnr_db;
  if (model_cycles) {
    j["model_cycles"] = *model_cycles;
    j["rtl_cycles"] = *rtl_cycles;
    j["mismatches"] = *mismatches;
  }
  return j;
}

}  // namespace systolic::sim
