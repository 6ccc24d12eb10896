// An observer of the engine core's rising edges, for waveform tracing (sim/trace/trace_model.h).
// Whoever clocks the core (sim::ModelPort, model::SystolicTopSc) calls it around each edge, with
// the port values as that driver presents them, so a wrapper's view of its ports is what is drawn.
#pragma once

#include "systolic_top.h"

namespace systolic::model {

class TopObserver {
 public:
  virtual ~TopObserver() = default;
  virtual void on_reset(const SystolicTop& top) = 0;
  // Before the edge: the inputs it samples, and the outputs as they are (state before the edge).
  virtual void before_edge(const SystolicTop& top, const TopIn& in, const TopOut& ports) = 0;
  virtual void after_edge(const SystolicTop& top) = 0;
};

}  // namespace systolic::model
