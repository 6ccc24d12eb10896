// The --dram options of `systolic run` and `systolic infer` (memory commands through the DMA and
// the memory model, sim/host/dram.h), declared once.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "dram.h"

namespace systolic::cli {

struct DramOptions {
  bool on = false;        // --dram
  std::string bw = "16";  // bytes per cycle, or "inf"
  int latency = 100;      // cycles
  int outstanding = 128;  // requests in flight
  double stall = 0;       // random stall probability per cycle and channel
  uint32_t misalign = 0;  // bytes past a 64-byte boundary (run only)

  sim::DramConfig config(uint64_t seed) const {
    sim::DramConfig c;
    c.bytes_per_cycle = bw == "inf" ? 0.0 : std::stod(bw);
    c.latency = latency;
    c.outstanding = outstanding;
    c.stall = stall;
    c.seed = seed;
    return c;
  }
};

// `flag_doc` describes --dram for the command; `misalign` adds --dram-misalign.
inline void add_dram_options(CLI::App* cmd, DramOptions& o, const char* flag_doc, bool misalign) {
  cmd->add_flag("--dram", o.on, flag_doc);
  cmd->add_option("--dram-bw", o.bw, "--dram: memory bandwidth in bytes per cycle, or inf")
      ->capture_default_str()
      ->check(CLI::IsMember({"inf"}) | CLI::Range(0.001, 1e6));
  cmd->add_option("--dram-latency", o.latency, "--dram: cycles from request to response")
      ->capture_default_str()
      ->check(CLI::Range(1, 100000));
  cmd->add_option("--dram-outstanding", o.outstanding,
                  "--dram: requests in flight the memory accepts")
      ->capture_default_str()
      ->check(CLI::Range(1, 4096));
  cmd->add_option("--dram-stall", o.stall,
                  "--dram: probability of a random stall per cycle on each channel (seeded by "
                  "--seed)")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 0.9));
  if (misalign) {
    cmd->add_option("--dram-misalign", o.misalign,
                    "--dram: bytes every tensor sits past a 64-byte boundary")
        ->capture_default_str()
        ->check(CLI::Range(0, 63));
  }
}

}  // namespace systolic::cli
