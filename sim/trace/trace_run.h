// `systolic run --trace` for the model and RTL engines: the traced port, and after the run the
// conversion to the format the file name asks for, the GTKWave save file and the lines the run
// prints (docs/waves.md).
#pragma once

#include <memory>
#include <string>

#include "files.h"
#include "host_port.h"
#include "trace.h"

namespace systolic::sim {

class ModelTracer;
class RtlTop;

class EngineTrace {
 public:
  // engine: "model" or "rtl". Throws std::invalid_argument for bad options or an RTL
  // configuration without a traced build.
  EngineTrace(const std::string& engine, const model::TopParams& p, const TraceOptions& o);
  ~EngineTrace();
  HostPort& port() { return *port_; }
  // Closes the dump (converting it to VCD if the file name asks for it), writes the save file
  // next to it; returns the lines to print.
  std::string finish();

 private:
  std::string engine_;
  model::TopParams p_;
  TraceOptions o_;
  std::unique_ptr<base::TempFile> raw_;  // the FST the simulator writes, when o_.path is a VCD
  std::unique_ptr<HostPort> port_;
  std::unique_ptr<ModelTracer> model_;
};

// A HostPort over a traced verilated configuration that dumps the RTL in the trace window: at
// time T (edges since reset) the registers after edge T with the inputs of edge T + 1.
class TracedRtlPort final : public HostPort {
 public:
  TracedRtlPort(std::unique_ptr<RtlTop> top, const TraceOptions& o, const std::string& fst_path);
  ~TracedRtlPort() override;
  const model::TopParams& params() const override;
  void reset() override;
  const model::TopOut& clock(const model::TopIn& in) override;
  uint64_t cycles() const override { return cycles_; }
  void finish();  // dumps the last state and closes the file

 private:
  std::unique_ptr<RtlTop> top_;
  TraceOptions o_;
  model::TopOut out_;
  uint64_t cycles_ = 0, time_ = 0;
};

// "dir/run.fst" -> "dir/run.gtkw"
std::string gtkw_path_for(const std::string& dump);

// The lines a traced run prints for a dump and its save file.
std::string trace_report(const std::string& dump, const std::string& gtkw);

}  // namespace systolic::sim
