// The RTL's runtime assertions (rtl/systolic_assert.svh) fire: each planted fault (a copy of an RTL
// source with one line changed, rtl/CMakeLists.txt) stops the simulation with an error naming the
// broken invariant's assertion, in the cycle the invariant breaks; the same stimulus on the real
// RTL runs clean. Every other RTL test runs with the assertions on and would fail on one.
#include <catch2/catch.hpp>
#include <string>

#include "ports.h"
#include "systolic_regs_configs.h"
#include "systolic_regs_fault_configs.h"
#include "tile_ctrl_configs.h"
#include "tile_ctrl_fault_configs.h"
#include "vl_dut.h"

using namespace systolic;

namespace {

// Runs one command of M = 6, N = 4, K = 4 on a tile_ctrl build; returns the assertion message,
// or "" when the command finished without one.
template <class V>
std::string run_command(const iface::TileCtrlParams& p) {
  sim::VlDut<V> dut("dut");
  iface::TileCtrlIn in;
  sim::drive(*dut.top, in, p);
  dut.reset();
  in.m_i = 6;
  in.n_i = 4;
  in.k_i = 4;
  in.start_i = true;
  try {
    for (int t = 0; t < 100; ++t) {
      sim::drive(*dut.top, in, p);
      dut.edge();
      in.start_i = false;
    }
  } catch (const sim::RtlAssertion& e) {
    return e.what();
  }
  return "";
}

// Runs a busy window with drain cycles on a systolic_regs build; the assertion message or "".
template <class V>
std::string run_drain(const iface::SystolicRegsParams& p) {
  sim::VlDut<V> dut("dut");
  iface::SystolicRegsIn in;
  sim::drive(*dut.top, in, p);
  dut.reset();
  try {
    for (int t = 0; t < 20; ++t) {
      in.busy_i = t < 10;
      in.ph_drain_i = in.busy_i && t >= 5;
      in.ph_compute_i = in.busy_i && t < 5;
      sim::drive(*dut.top, in, p);
      dut.edge();
    }
  } catch (const sim::RtlAssertion& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("assertions: tile_ctrl's phase one-hot check fires on a planted fault", "[assert]") {
  const iface::TileCtrlParams p{4, 4, 8, 3, 2};
  CHECK(run_command<Vtile_ctrl_r4c4>(p).empty());
  const std::string msg = run_command<Vtile_ctrl_r4c4_fault>(p);
  INFO(msg);
  CHECK_THAT(msg, Catch::Contains("PhaseOneHot_A") && Catch::Contains("tile_ctrl"));
}

TEST_CASE("assertions: systolic_regs' counter-sum check fires on a planted fault", "[assert]") {
  const iface::SystolicRegsParams p{4, 4};
  CHECK(run_drain<Vsystolic_regs_r4c4>(p).empty());
  const std::string msg = run_drain<Vsystolic_regs_r4c4_fault>(p);
  INFO(msg);
  CHECK_THAT(msg, Catch::Contains("CounterSum_A"));
}
