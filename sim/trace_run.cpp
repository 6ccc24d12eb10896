#include "trace_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "trace_model.h"
#include "trace_rtl.h"
#include "trace_vcd.h"

namespace systolic::sim {

std::string gtkw_path_for(const std::string& dump) {
  return std::filesystem::path(dump).replace_extension(".gtkw").string();
}

std::string trace_report(const std::string& dump, const std::string& gtkw) {
  return fmt::format(
      "  waveform              {}\n  GTKWave save file     {}\n  view with             gtkwave "
      "{}\n",
      dump, gtkw, gtkw);
}

EngineTrace::EngineTrace(const std::string& engine, const model::TopParams& p,
                         const TraceOptions& o)
    : engine_(engine), p_(p), o_(o) {
  o.validate(p);
  if (engine == "model") {
    raw_ = o.fst() ? o.path + ".tmp.vcd" : o.path;
    auto mp = std::make_unique<ModelPort>(p);
    model_ = std::make_unique<ModelTracer>(p, o, raw_);
    mp->set_observer(model_.get());
    port_ = std::move(mp);
  } else if (engine == "rtl") {
    raw_ = o.fst() ? o.path : o.path + ".tmp.fst";
    auto tp = make_top_rtl_traced(p, o, raw_);
    rtl_ = tp.get();
    port_ = std::move(tp);
  } else {
    throw std::invalid_argument(fmt::format("no trace for engine '{}'", engine));
  }
}

EngineTrace::~EngineTrace() = default;

std::string EngineTrace::finish() {
  uint64_t last = 0;
  if (model_) {
    auto& mp = static_cast<ModelPort&>(*port_);
    model_->finish(mp.top(), mp.last_in(), mp.top().out());
    last = model_->time();
    if (raw_ != o_.path) {
      vcd_to_fst(raw_, o_.path);
      std::remove(raw_.c_str());
    }
  } else {
    rtl_->finish();
    last = port_->cycles();
    if (raw_ != o_.path) {
      fst_to_vcd(raw_, o_.path);
      std::remove(raw_.c_str());
    }
  }
  const std::string gtkw = gtkw_path_for(o_.path);
  const uint64_t from = std::min(o_.from, last), to = std::min(o_.to, last);
  write_gtkw(gtkw, o_.path, p_, o_, {"TOP"}, -1, from, to);
  return trace_report(o_.path, gtkw);
}

}  // namespace systolic::sim
