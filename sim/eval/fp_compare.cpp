// The INT8-vs-FP comparison (see fp_compare.h).
#include "fp_compare.h"

#include <fmt/format.h>

#include <cctype>
#include <random>
#include <stdexcept>

#include "fp.h"

namespace systolic::sim {
namespace {

// Random numbers of the format: random sign and fraction, |x| in [2^-4, 2).
std::vector<uint32_t> random_fp(const fp::Format& f, size_t count, std::mt19937_64& rng) {
  std::vector<uint32_t> v(count);
  for (uint32_t& x : v) {
    const uint32_t sign = uint32_t(rng() & 1) << (f.exp_bits + f.frac_bits);
    const uint32_t exp = uint32_t(fp::bias(f) - 4 + int(rng() % 5));
    x = sign | (exp << f.frac_bits) | (uint32_t(rng()) & ((1u << f.frac_bits) - 1));
  }
  return v;
}

std::string fmt_energy(double pj) {
  if (pj >= 1e6) return fmt::format("{:.2f} uJ", pj / 1e6);
  if (pj >= 1e3) return fmt::format("{:.2f} nJ", pj / 1e3);
  return fmt::format("{:.1f} pJ", pj);
}

std::string upper(std::string s) {
  for (char& c : s) c = char(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

void FpCompareOptions::validate() const {
  if (fp_cycles != "auto" && fp_cycles != "sim" && fp_cycles != "formula") {
    throw std::invalid_argument(
        fmt::format("--fp-cycles '{}' is not auto, sim or formula", fp_cycles));
  }
  if (synth != "hierarchical" && synth != "flat" && synth != "off") {
    throw std::invalid_argument(
        fmt::format("--synth '{}' is not hierarchical, flat or off", synth));
  }
  model::FpMacConfig c;
  c.stage_latency = stage_latency;
  c.validate();
}

std::vector<int> parse_stage_latency(const std::string& spec) {
  const std::vector<std::string>& names = fp::stage_names(fp::Op::kFma);
  const std::string list = fmt::format("{}", fmt::join(names, ", "));
  auto parse_latency = [&](const std::string& v, const std::string& what) {
    size_t used = 0;
    int x = -1;
    try {
      x = std::stoi(v, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != v.size() || v.empty() || x < 0 || x > 64) {
      throw std::invalid_argument(
          fmt::format("--fp-stage-latency: {} '{}' is not a latency in 0..64", what, v));
    }
    return x;
  };
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t i = 0; i <= spec.size(); ++i) {
    if (i == spec.size() || spec[i] == ',') {
      parts.push_back(spec.substr(start, i - start));
      start = i + 1;
    }
  }
  std::vector<int> lat(names.size(), 1);
  if (parts.size() == 1 && parts[0].find('=') == std::string::npos) {
    lat.assign(names.size(), parse_latency(parts[0], "value"));
  } else if (parts[0].find('=') == std::string::npos) {
    if (parts.size() != names.size()) {
      throw std::invalid_argument(fmt::format("--fp-stage-latency: {} values for {} stages ({})",
                                              parts.size(), names.size(), list));
    }
    for (size_t i = 0; i < parts.size(); ++i) lat[i] = parse_latency(parts[i], names[i]);
  } else {
    for (const std::string& p : parts) {
      const size_t eq = p.find('=');
      if (eq == std::string::npos) {
        throw std::invalid_argument(
            fmt::format("--fp-stage-latency: '{}' is not STAGE=LATENCY (stages: {})", p, list));
      }
      const std::string name = p.substr(0, eq);
      size_t i = 0;
      while (i < names.size() && names[i] != name) ++i;
      if (i == names.size()) {
        throw std::invalid_argument(
            fmt::format("--fp-stage-latency: no FMA stage '{}' (stages: {})", name, list));
      }
      lat[i] = parse_latency(p.substr(eq + 1), name);
    }
  }
  model::FpMacConfig c;
  c.stage_latency = lat;
  if (c.depth() < 1) throw std::invalid_argument("--fp-stage-latency: the depth must be >= 1");
  return lat;
}

FpComparison compare_fp(const Int8Run& int8, int64_t m, int64_t n, int64_t k,
                        const FpCompareOptions& o) {
  o.validate();
  if (m < 1 || n < 1 || k < 1) throw std::invalid_argument("the GEMM needs M, N, K >= 1");
  FpComparison cmp;
  cmp.m = m;
  cmp.n = n;
  cmp.k = k;
  cmp.int8 = int8;
  cmp.fp_mac.stage_latency = o.stage_latency;
  if (cmp.fp_mac.stage_latency.empty()) {
    cmp.fp_mac.stage_latency.assign(fp::stage_names(fp::Op::kFma).size(), 1);
  }
  cmp.table = model::load_energy_table(o.energy_path);
  if (o.synth != "off") {
    cmp.synth = array_synth(int8.rows, int8.cols, int8.weight_banks, o.synth == "flat");
  }
  const bool simulate =
      o.fp_cycles == "sim" || (o.fp_cycles == "auto" && cmp.macs() <= o.sim_limit_macs);
  cmp.fp_cycles_from = simulate ? "simulation" : "closed form";
  if (simulate && (m > 65536 || n > 65536 || k > 65536 || cmp.macs() > (uint64_t{1} << 26))) {
    throw std::invalid_argument(
        fmt::format("M*N*K = {} is too large to simulate the FP machines MAC by MAC (at most "
                    "2^26, each dimension at most 65536); use --fp-cycles formula",
                    cmp.macs()));
  }

  FpCompareRow i8;
  i8.id = "int8_array";
  i8.label = fmt::format("INT8 systolic {}x{}", int8.rows, int8.cols);
  i8.format = "int8";
  i8.machine = "systolic_array";
  i8.units = int64_t(int8.rows) * int8.cols;
  i8.cycles = int8.cycles;
  i8.mac = cmp.table.int8_mac();
  cmp.rows.push_back(i8);

  std::mt19937_64 rng(o.seed);
  std::vector<FpCompareRow> scalar, array;
  for (const fp::Format& f : {fp::kFp32, fp::kFp16, fp::kBf16}) {
    model::FpMacConfig cfg = cmp.fp_mac;
    cfg.format = f;
    FpCompareRow s, a;
    s.id = fmt::format("{}_scalar", f.name);
    s.label = fmt::format("{} scalar ALU", upper(f.name));
    s.machine = "scalar_alu";
    s.units = 1;
    a.id = fmt::format("{}_array", f.name);
    a.label = fmt::format("{} systolic {}x{}", upper(f.name), int8.rows, int8.cols);
    a.machine = "systolic_array";
    a.units = int64_t(int8.rows) * int8.cols;
    s.format = a.format = f.name;
    s.mac = a.mac = cmp.table.fp_mac(f);
    if (simulate) {
      model::FpGemm g;
      g.M = int(m);
      g.N = int(n);
      g.K = int(k);
      g.a = random_fp(f, size_t(g.M) * g.K, rng);
      g.b = random_fp(f, size_t(g.K) * g.N, rng);
      const model::FpGemmResult rs = model::ScalarFpAlu(cfg).run(g);
      const model::FpGemmResult ra = model::FpSystolicArray(int8.rows, int8.cols, cfg).run(g);
      if (rs.c != ra.c) {
        throw std::runtime_error(
            fmt::format("{}: the FP scalar ALU and FP array results differ", f.name));
      }
      s.cycles = rs.cycles;
      a.cycles = ra.cycles;
      a.weight_load_cycles = ra.weight_load_cycles;
    } else {
      s.cycles = model::fp_scalar_cycles(cfg, m, n, k);
      a.cycles = model::fp_array_cycles(int8.rows, int8.cols, cfg, m, n, k);
      a.weight_load_cycles = uint64_t((k + int8.rows - 1) / int8.rows) *
                             uint64_t((n + int8.cols - 1) / int8.cols) * uint64_t(int8.rows);
    }
    scalar.push_back(s);
    array.push_back(a);
  }
  cmp.rows.insert(cmp.rows.end(), scalar.begin(), scalar.end());
  cmp.rows.insert(cmp.rows.end(), array.begin(), array.end());
  return cmp;
}

std::string FpComparison::text() const {
  const std::vector<std::string>& names = fp::stage_names(fp::Op::kFma);
  std::string stages;
  for (size_t i = 0; i < names.size(); ++i) {
    stages += fmt::format("{}{} {}", i ? ", " : "", names[i], fp_mac.stage_latency[i]);
  }
  std::string s;
  s += fmt::format(
      "GEMM {}x{}x{} (M x N x K, {} MACs); INT8 cycles from the {} engine, FP cycles from {}\n", m,
      n, k, macs(), int8.engine, fp_cycles_from);
  s += fmt::format("FP MAC: fma pipeline of depth {} cycles ({})\n", fp_mac.depth(), stages);
  s += fmt::format("energy/area: {} ({})\n\n", table.path, table.process);
  s += fmt::format("{:<22} {:>10} {:>10} {:>12} {:>12} {:>11} {:>14}\n", "machine", "cycles",
                   "MACs/cycle", "INT8 speedup", "energy", "area mm^2", "MACs/cyc/mm^2");
  const uint64_t int8_cycles = rows.front().cycles;
  bool any_derived = false;
  for (const FpCompareRow& r : rows) {
    const double mpc = double(macs()) / double(r.cycles);
    const double speedup = double(r.cycles) / double(int8_cycles);
    const double area_mm2 = double(r.units) * r.mac.area_um2 / 1e6;
    any_derived = any_derived || r.mac.derived;
    s += fmt::format("{:<22} {:>10} {:>10.2f} {:>11.1f}x {:>11}{} {:>11.4f} {:>14.1f}\n", r.label,
                     r.cycles, mpc, speedup, fmt_energy(double(macs()) * r.mac.energy_pj),
                     r.mac.derived ? "*" : " ", area_mm2, area_mm2 > 0 ? mpc / area_mm2 : 0.0);
  }
  if (synth) {
    s += fmt::format(
        "\nINT8 RTL in Yosys ({}, generic gates): mac_pe {} cells, depth {}; pe_array {}x{} {} "
        "cells, depth {}{}\n",
        synth->mode(), synth->pe_cells, synth->pe_depth, synth->rows, synth->cols,
        synth->array_cells, synth->array_depth, synth->cached ? " (cached)" : "");
  }
  s += fmt::format(
      "\nINT8: engine busy cycles (weight loads {}, host transfers excluded).\nFP arrays: weight "
      "loads ({} rows per tile) not overlapped with streaming; FP inputs random in [2^-4, 2).\n"
      "Energy: MAC arithmetic only (multiply + add; no SRAM, registers or wires). Area: MAC units "
      "only, from the table.\n",
      int8.weight_banks == 2 ? "double-buffered" : "not double-buffered", int8.rows);
  if (any_derived) s += "* derived from the table's stated rule, not a published figure\n";
  return s;
}

nlohmann::json FpComparison::json() const {
  const uint64_t int8_cycles = rows.front().cycles;
  nlohmann::json jrows = nlohmann::json::array();
  for (const FpCompareRow& r : rows) {
    const double mpc = double(macs()) / double(r.cycles);
    const double area_mm2 = double(r.units) * r.mac.area_um2 / 1e6;
    nlohmann::json j = {{"id", r.id},
                        {"format", r.format},
                        {"machine", r.machine},
                        {"mac_units", r.units},
                        {"cycles", r.cycles},
                        {"weight_load_cycles", r.weight_load_cycles},
                        {"macs_per_cycle", mpc},
                        {"int8_speedup", double(r.cycles) / double(int8_cycles)},
                        {"energy_per_mac_pj", r.mac.energy_pj},
                        {"energy_pj", double(macs()) * r.mac.energy_pj},
                        {"area_per_mac_um2", r.mac.area_um2},
                        {"area_mm2", area_mm2},
                        {"macs_per_cycle_per_mm2", area_mm2 > 0 ? mpc / area_mm2 : 0.0},
                        {"derived_cost", r.mac.derived}};
    if (r.id == "int8_array" && synth) {
      j["yosys_cells"] = synth->array_cells;
      j["yosys_depth"] = synth->array_depth;
    }
    jrows.push_back(j);
  }
  nlohmann::json j = {
      {"m", m},
      {"n", n},
      {"k", k},
      {"macs", macs()},
      {"rows", int8.rows},
      {"cols", int8.cols},
      {"weight_banks", int8.weight_banks},
      {"int8_engine", int8.engine},
      {"fp_cycles_from", fp_cycles_from},
      {"fp_mac_depth", fp_mac.depth()},
      {"fp_stage_latency", nlohmann::json::object()},
      {"energy_table",
       {{"path", table.path}, {"source", table.source}, {"process", table.process}}},
      {"synthesis", synth ? synth->json() : nlohmann::json(nullptr)},
      {"machines", jrows}};
  const std::vector<std::string>& names = fp::stage_names(fp::Op::kFma);
  for (size_t i = 0; i < names.size(); ++i)
    j["fp_stage_latency"][names[i]] = fp_mac.stage_latency[i];
  return j;
}

}  // namespace systolic::sim
