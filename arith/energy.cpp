// The energy / area table loader (see energy.h).
#include "energy.h"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace systolic::model {
namespace {

const char* const kRequired[] = {"int8_mult", "int32_add", "fp32_mult", "fp32_add",
                                 "fp16_mult", "fp16_add",  "bf16_mult", "bf16_add"};

OpCost sum(const OpCost& a, const OpCost& b) {
  return OpCost{a.energy_pj + b.energy_pj, a.area_um2 + b.area_um2, a.derived || b.derived};
}

double number(const std::string& path, const std::string& op, const nlohmann::json& j,
              const char* key) {
  if (!j.contains(key) || !j[key].is_number()) {
    throw std::runtime_error(
        fmt::format("{}: operation '{}' needs a number \"{}\"", path, op, key));
  }
  const double v = j[key].get<double>();
  if (!std::isfinite(v) || v < 0) {
    throw std::runtime_error(
        fmt::format("{}: operation '{}': \"{}\" = {} must be >= 0", path, op, key, v));
  }
  return v;
}

}  // namespace

const OpCost& EnergyTable::op(const std::string& name) const {
  const auto it = ops.find(name);
  if (it == ops.end()) {
    throw std::invalid_argument(fmt::format("{}: no operation '{}'", path, name));
  }
  return it->second;
}

OpCost EnergyTable::int8_mac() const { return sum(op("int8_mult"), op("int32_add")); }

OpCost EnergyTable::w4a4_mac() const {
  const OpCost adds = sum(op("int8_add"), op("int32_add"));
  OpCost m = sum(op("int4_mult"), OpCost{adds.energy_pj / 2, adds.area_um2 / 2, adds.derived});
  m.derived = true;  // the rule of the header, not a figure of the source
  return m;
}

OpCost EnergyTable::w4a8_mac() const {
  const OpCost adds = sum(op("int8_add"), op("int32_add"));
  OpCost m = sum(op("int8x4_mult"), OpCost{adds.energy_pj / 2, adds.area_um2 / 2, adds.derived});
  m.derived = true;
  return m;
}

OpCost EnergyTable::fp_mac(const fp::Format& f) const {
  const std::string n = f.name;
  return sum(op(n + "_mult"), op(n + "_add"));
}

EnergyTable load_energy_table(const std::string& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw std::runtime_error(fmt::format("{}: is a directory, not an energy table", path));
  }
  std::ifstream in(path);
  if (!in) throw std::runtime_error(fmt::format("{}: cannot open the energy table", path));
  // Bounded (the path may be a device or a FIFO): a table is a few kilobytes.
  constexpr size_t kMaxBytes = size_t{1} << 20;
  std::string text;
  char buf[1 << 12];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, size_t(in.gcount()));
    if (text.size() > kMaxBytes) {
      throw std::runtime_error(
          fmt::format("{}: larger than {} bytes, not an energy table", path, kMaxBytes));
    }
  }
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    throw std::runtime_error(fmt::format("{}: not a valid JSON energy table: {}", path, e.what()));
  }
  if (!j.is_object() || !j.contains("operations") || !j["operations"].is_object()) {
    throw std::runtime_error(
        fmt::format("{}: not an energy table: no \"operations\" object", path));
  }
  EnergyTable t;
  t.path = path;
  if (j.contains("source") && j["source"].is_string()) t.source = j["source"].get<std::string>();
  if (j.contains("process") && j["process"].is_string()) {
    t.process = j["process"].get<std::string>();
  }
  for (const auto& [name, o] : j["operations"].items()) {
    if (!o.is_object()) {
      throw std::runtime_error(fmt::format("{}: operation '{}' is not an object", path, name));
    }
    OpCost c;
    c.energy_pj = number(path, name, o, "energy_pj");
    c.area_um2 = number(path, name, o, "area_um2");
    c.derived = o.contains("derived") && o["derived"].is_boolean() && o["derived"].get<bool>();
    t.ops[name] = c;
  }
  for (const char* name : kRequired) {
    if (!t.ops.count(name)) {
      throw std::runtime_error(fmt::format("{}: operation '{}' is missing", path, name));
    }
  }
  return t;
}

}  // namespace systolic::model
