// The pins of a verilated module, driven from and sampled into its twin's port structs
// (model/systolic_if.h), written once from the generated port lists: scalar ports by assignment,
// lane ports lane by lane (vl_bits.h), sign-extended where the table says so.
#pragma once

#include <cstdint>

#include "systolic_if.h"
#include "vl_bits.h"

namespace systolic::sim {

// Defines drive(V&, const <Cname>In&, const <Params>&) and sample(const V&, <Cname>Out&,
// const <Params>&) for the module whose port lists are SYSTOLIC_<MOD>_INPUTS / _OUTPUTS.
#define SYSTOLIC_DEFINE_PINS(MOD, Cname, Params)                              \
  template <class V>                                                          \
  void drive(V& top, const iface::Cname##In& in, const iface::Params& p) {    \
    using namespace iface;                                                    \
    (void)p;                                                                  \
    SYSTOLIC_##MOD##_INPUTS(SYSTOLIC_PIN_DRIVE_X, SYSTOLIC_PIN_DRIVE_L)       \
  }                                                                           \
  template <class V>                                                          \
  void sample(const V& top, iface::Cname##Out& out, const iface::Params& p) { \
    using namespace iface;                                                    \
    (void)p;                                                                  \
    SYSTOLIC_##MOD##_OUTPUTS(SYSTOLIC_PIN_SAMPLE_X, SYSTOLIC_PIN_SAMPLE_L)    \
  }

#define SYSTOLIC_PIN_DRIVE_X(name, type, width) top.name = in.name;
// (A default-constructed port struct has empty lane ports: they drive zeros.)
#define SYSTOLIC_PIN_DRIVE_L(name, lanes, bits, sgn)                     \
  for (int i_ = 0; i_ < int(lanes); ++i_) {                              \
    const size_t j_ = size_t(i_);                                        \
    const uint32_t v_ = j_ < in.name.size() ? uint32_t(in.name[j_]) : 0; \
    set_bits(top.name, i_*(bits), (bits), uint64_t(v_));                 \
  }
#define SYSTOLIC_PIN_SAMPLE_X(name, type, width) out.name = static_cast<type>(top.name);
#define SYSTOLIC_PIN_SAMPLE_L(name, lanes, bits, sgn)                                \
  out.name.resize(size_t(lanes));                                                    \
  for (int i_ = 0; i_ < int(lanes); ++i_) {                                          \
    const uint64_t v_ = get_bits(top.name, i_ * (bits), (bits));                     \
    const uint64_t m_ = (sgn) && (bits) < 64 ? (uint64_t{1} << ((bits)-1)) : 0;      \
    out.name[size_t(i_)] = static_cast<int32_t>(uint32_t(m_ ? (v_ ^ m_) - m_ : v_)); \
  }

SYSTOLIC_DEFINE_PINS(SYSTOLIC_TOP, Top, TopParams)
SYSTOLIC_DEFINE_PINS(TILE_CTRL, TileCtrl, TileCtrlParams)
SYSTOLIC_DEFINE_PINS(OS_CTRL, OsCtrl, OsCtrlParams)
SYSTOLIC_DEFINE_PINS(SYSTOLIC_REGS, SystolicRegs, SystolicRegsParams)
SYSTOLIC_DEFINE_PINS(ACC_STAGE, AccStage, AccStageParams)
SYSTOLIC_DEFINE_PINS(DMA, Dma, DmaParams)

}  // namespace systolic::sim
