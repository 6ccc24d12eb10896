// `systolic run --trace` for the model and RTL engines: the traced port, and after the run the
// file conversions, the GTKWave save file and the lines the run prints (docs/waves.md).
#pragma once

#include <memory>
#include <string>

#include "host_port.h"
#include "trace.h"

namespace systolic::sim {

class ModelTracer;
class TracedPort;

class EngineTrace {
 public:
  // engine: "model" or "rtl". Throws std::invalid_argument for bad options.
  EngineTrace(const std::string& engine, const model::TopParams& p, const TraceOptions& o);
  ~EngineTrace();
  HostPort& port() { return *port_; }
  // Closes the dump (converting it to the format the file name asks for), writes the save file
  // next to it; returns the lines to print.
  std::string finish();

 private:
  std::string engine_;
  model::TopParams p_;
  TraceOptions o_;
  std::string raw_;  // the file the simulator writes (converted into o_.path if the format differs)
  std::unique_ptr<HostPort> port_;
  std::unique_ptr<ModelTracer> model_;
  TracedPort* rtl_ = nullptr;
};

// "dir/run.fst" -> "dir/run.gtkw"
std::string gtkw_path_for(const std::string& dump);

// The lines a traced run prints for a dump and its save file.
std::string trace_report(const std::string& dump, const std::string& gtkw);

}  // namespace systolic::sim
