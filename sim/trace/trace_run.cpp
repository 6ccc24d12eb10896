#include "trace_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>

#include "trace_model.h"
#include "traced_rtl.h"
#include "wave.h"

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

TracedRtlPort::TracedRtlPort(std::unique_ptr<RtlTop> top, const TraceOptions& o,
                             const std::string& fst_path)
    : top_(std::move(top)), o_(o) {
  top_->trace_open(fst_path, rtl_dumpvars(top_->params(), o, "TOP"));
  reset();
}

TracedRtlPort::~TracedRtlPort() = default;

const model::TopParams& TracedRtlPort::params() const { return top_->params(); }

void TracedRtlPort::reset() {
  top_->drive(model::TopIn{});
  top_->reset();
  time_ = 0;
  out_ = top_->sample();
}

const model::TopOut& TracedRtlPort::clock(const model::TopIn& in) {
  top_->drive(in);
  if (o_.in_window(time_)) {
    top_->settle();
    top_->trace_dump(time_);
  }
  top_->edge();
  ++cycles_;
  ++time_;
  out_ = top_->sample();
  return out_;
}

void TracedRtlPort::finish() {
  if (o_.in_window(time_)) {
    top_->settle();
    top_->trace_dump(time_);
  }
  top_->trace_close();
}

EngineTrace::EngineTrace(const std::string& engine, const model::TopParams& p,
                         const TraceOptions& o)
    : engine_(engine), p_(p), o_(o) {
  o.validate(p);
  if (engine != "model" && engine != "rtl") {
    throw std::invalid_argument(fmt::format("no trace for engine '{}'", engine));
  }
  if (!o.fst()) raw_ = std::make_unique<base::TempFile>(o.path + ".fst");
  const std::string fst = raw_ ? raw_->name() : o.path;
  if (engine == "model") {
    auto mp = std::make_unique<ModelPort>(p);
    model_ = std::make_unique<ModelTracer>(p, o, fst);
    mp->set_observer(model_.get());
    mp->reset();
    port_ = std::move(mp);
  } else {
    port_ = std::make_unique<TracedRtlPort>(make_traced_rtl_top(p), o, fst);
  }
}

EngineTrace::~EngineTrace() = default;

std::string EngineTrace::finish() {
  uint64_t last = 0;
  if (model_) {
    auto& mp = static_cast<ModelPort&>(*port_);
    model_->finish(mp.top(), mp.last_in(), mp.top().out());
    last = model_->time();
  } else {
    static_cast<TracedRtlPort&>(*port_).finish();
    last = port_->cycles();
  }
  if (raw_) fst_to_vcd(raw_->name(), o_.path);
  const std::string gtkw = gtkw_path_for(o_.path);
  const uint64_t from = std::min(o_.from, last), to = std::min(o_.to, last);
  write_gtkw(gtkw, o_.path, p_, o_, {"TOP"}, -1, from, to);
  return trace_report(o_.path, gtkw);
}

}  // namespace systolic::sim
