// Per-operation energy and area of a process, loaded from a JSON table (data/horowitz_45nm.json:
// M. Horowitz, ISSCC 2014, 45 nm), to estimate the energy and area of the INT8 array and the FP
// machines. The file format: {"source": "...", "process": "...", "operations": {"<name>":
// {"energy_pj": E, "area_um2": A, "derived": bool (optional), "rule": "..." (optional)}, ...}}.
// Required operations: those mac_cost() uses (int8_mult, int32_add, fp32/fp16/bf16 _mult and
// _add); others are loaded too.
#pragma once

#include <map>
#include <string>

#include "fp.h"

namespace systolic::model {

struct OpCost {
  double energy_pj = 0;  // energy of one operation
  double area_um2 = 0;   // area of one operator
  bool derived = false;  // not a figure of the source: derived by the table's stated rule
};

struct EnergyTable {
  std::string path, source, process;
  std::map<std::string, OpCost> ops;

  // Throws std::invalid_argument naming the table when `name` is missing.
  const OpCost& op(const std::string& name) const;
  // One MAC (multiply + add): int8 = int8_mult + int32_add (32-bit accumulator),
  // FP = <format>_mult + <format>_add. `derived` when either part is.
  OpCost int8_mac() const;
  // One MAC of a w4a4 command (derived): a PE makes two int4 products a cycle, adds them (one
  // int8 add) and accumulates once (one int32 add), so a MAC is int4_mult + (int8_add +
  // int32_add) / 2.
  OpCost w4a4_mac() const;
  // One MAC of a w4a8 command (derived, the same rule): int8x4_mult + (int8_add + int32_add) / 2
  // (the pair's 12-bit products are added by an adder charged as int8_add, the nearest entry).
  OpCost w4a8_mac() const;
  OpCost fp_mac(const fp::Format& f) const;
};

// Loads and checks a table. Throws std::runtime_error with a one-line message naming the file
// when it is missing, unreadable, not JSON, or lacks a required field.
EnergyTable load_energy_table(const std::string& path);

}  // namespace systolic::model
