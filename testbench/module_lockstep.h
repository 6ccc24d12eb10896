// A verilated module and its C++ twin driven by the same inputs, compared on every output port in
// every cycle (before the edge, so combinational outputs are compared too). The pins come from
// the generated port lists (sim/rtl/ports.h); the comparator is the generated compare_ports().
#pragma once

#include <fmt/format.h>

#include <cstdint>
#include <functional>
#include <iterator>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "host_port.h"
#include "ports.h"
#include "vl_dut.h"

namespace systolic::test {

template <class V, class Twin, class In, class Out, class Params>
class ModuleLockstep {
 public:
  explicit ModuleLockstep(const Params& p) : p_(p), dut_("dut"), twin_(p) { reset(); }

  void reset() {
    sim::drive(*dut_.top, In(p_), p_);
    dut_.reset();
    twin_.reset();
    cycle_ = 0;
  }

  // One cycle: drive `in`, compare every output, then the rising edge on both sides. Returns the
  // first difference as a message naming the cycle, the port and both values.
  std::optional<std::string> step(const In& in) {
    sim::drive(*dut_.top, in, p_);
    dut_.settle();
    sim::sample(*dut_.top, rtl_, p_);
    const Out& model = twin_.eval(in);
    if (auto d = iface::compare_ports(model, rtl_)) {
      return fmt::format("cycle {}: port {}: model {} (0x{:x}), RTL {} (0x{:x})", cycle_, d->port,
                         d->a, d->a, d->b, d->b);
    }
    dut_.edge();
    twin_.tick(in);
    ++cycle_;
    return std::nullopt;
  }

  // Resets both, then steps through `ins`, resetting both again before each input index listed
  // in `reset_at` (ascending); before_step(i) runs before input i is stepped. The first
  // difference as "input i: <step's message>", or "".
  template <class F>
  std::string run(const std::vector<In>& ins, const std::vector<size_t>& reset_at,
                  F&& before_step) {
    reset();
    size_t r = 0;
    for (size_t i = 0; i < ins.size(); ++i) {
      if (r < reset_at.size() && reset_at[r] == i) {
        reset();
        ++r;
      }
      before_step(i);
      if (auto e = step(ins[i])) return fmt::format("input {}: {}", i, *e);
    }
    return "";
  }

  Twin& twin() { return twin_; }
  // The RTL's outputs sampled by the last step() (before its edge).
  const Out& rtl_out() const { return rtl_; }
  uint64_t cycle() const { return cycle_; }

 private:
  Params p_;
  sim::VlDut<V> dut_;
  Twin twin_;
  Out rtl_{p_};
  uint64_t cycle_ = 0;
};

// The engine configuration whose DMA has the parameters p (the other parameters at defaults).
inline model::TopParams top_params_for(const iface::DmaParams& p) {
  model::TopParams t;
  t.Rows = p.Rows;
  t.Cols = p.Cols;
  t.AWords = p.AWords;
  t.BWords = p.BWords;
  t.CWords = p.CWords;
  t.QWords = p.QWords;
  t.AccWords = p.AccWords;
  t.MemBytesLog2 = p.MemBytesLog2;
  return t;
}

// An input value that exercises a port's width: all ones, alternating bits, single bits near the
// top and the bottom, or random, masked to the port's `mask` (0 becomes the mask: all ones).
inline uint32_t extreme_value(std::mt19937_64& rng, uint32_t mask) {
  static constexpr uint32_t kPatterns[] = {0xffffffffu, 0xaaaaaaaau, 0x55555555u, 0x80000000u,
                                           0x00800000u, 0x00400001u, 0x7fffffffu};
  const uint32_t v =
      (rng() % 4 == 0 ? uint32_t(rng()) : kPatterns[rng() % std::size(kPatterns)]) & mask;
  return v == 0 ? mask : v;
}

// A command at the extremes of its widths: M, N, K (DimWidth bits) and the A / B / C bases
// (WordWidth bits) from extreme_value, in that order (tile_ctrl's and os_ctrl's inputs).
template <class In>
void extreme_command(std::mt19937_64& rng, In& in) {
  const uint32_t dim_mask = (uint32_t{1} << iface::kDimWidth) - 1;
  const uint32_t word_mask = (uint32_t{1} << iface::kWordWidth) - 1;
  in.m_i = extreme_value(rng, dim_mask);
  in.n_i = extreme_value(rng, dim_mask);
  in.k_i = extreme_value(rng, dim_mask);
  in.a_base_i = extreme_value(rng, word_mask);
  in.b_base_i = extreme_value(rng, word_mask);
  in.c_base_i = extreme_value(rng, word_mask);
}

// Appends one command to a stimulus of reset-separated commands (ModuleLockstep::run): a reset
// before it, `in` with start_i = 1 for one cycle, then `hold` cycles of it with start_i = 0.
template <class In>
void append_command(std::vector<In>& ins, std::vector<size_t>& reset_at, In in, int hold) {
  reset_at.push_back(ins.size());
  in.start_i = true;
  ins.push_back(in);
  in.start_i = false;
  ins.insert(ins.end(), size_t(hold), in);
}

// The model engine behind a host port that records one module's inputs after every clock: `take`
// returns them when the module was clocked in that cycle. The recording is the stimulus for
// replaying the module against its RTL (the engine's own traffic, not a random one).
template <class In>
class RecordingPort final : public sim::HostPort {
 public:
  using Take = std::function<std::optional<In>(model::SystolicTop&)>;
  RecordingPort(const model::TopParams& p, Take take) : port_(p), take_(std::move(take)) {}
  const model::TopParams& params() const override { return port_.params(); }
  void reset() override { port_.reset(); }
  const model::TopOut& clock(const model::TopIn& in) override {
    const model::TopOut& o = port_.clock(in);
    if (std::optional<In> x = take_(port_.top())) ins_.push_back(*x);
    return o;
  }
  uint64_t cycles() const override { return port_.cycles(); }
  const std::vector<In>& ins() const { return ins_; }

 private:
  sim::ModelPort port_;
  Take take_;
  std::vector<In> ins_;
};

}  // namespace systolic::test
