#include "cosim.h"

#include <fmt/format.h>
#include <systemc.h>
#include <verilated.h>
#include <verilated_fst_c.h>

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <optional>
#include <vector>

#include "systolic_top_sc.h"
#include "systolic_top_sc_configs.h"
#include "systolic_top_sc_tr_configs.h"
#include "trace_model.h"
#include "trace_rtl.h"
#include "trace_run.h"
#include "trace_vcd.h"

// libsystemc's own main() refers to sc_main; `systolic` has its own main() and starts the kernel
// itself, so this is never called.
int sc_main(int, char**) { return 1; }

namespace systolic::sim {
namespace {

uint64_t g_fault_cycle = 0;

// The bench's view of one side's output ports.
struct Outs {
  explicit Outs(const std::string& side)
      : host_rvalid_o((side + "_host_rvalid_o").c_str()),
        host_rdata_o((side + "_host_rdata_o").c_str()),
        busy_o((side + "_busy_o").c_str()),
        done_o((side + "_done_o").c_str()) {}
  sc_signal<bool> host_rvalid_o;
  sc_signal<uint32_t> host_rdata_o;
  sc_signal<bool> busy_o;
  sc_signal<bool> done_o;
};

template <class Dut>
void bind(Dut& d, sc_clock& clk, sc_signal<bool>& rst, sc_signal<bool>& req, sc_signal<bool>& we,
          sc_signal<uint32_t>& addr, sc_signal<uint32_t>& wdata, Outs& o) {
  d.clk_i(clk);
  d.rst_ni(rst);
  d.host_req_i(req);
  d.host_we_i(we);
  d.host_addr_i(addr);
  d.host_wdata_i(wdata);
  d.host_rvalid_o(o.host_rvalid_o);
  d.host_rdata_o(o.host_rdata_o);
  d.busy_o(o.busy_o);
  d.done_o(o.done_o);
}

// The bench: clock, stimulus signals, the model, optionally the RTL, and the checker.
// Without the RTL (with_rtl = false) it runs the model wrapper alone.
template <class Rtl>
SC_MODULE(Bench) {
  sc_clock clk{"clk", 10, SC_NS};
  sc_signal<bool> rst_n{"rst_n"}, req{"req"}, we{"we"};
  sc_signal<uint32_t> addr{"addr"}, wdata{"wdata"};
  Outs mo{"model"}, ro{"rtl"};
  model::SystolicTopSc model;
  std::unique_ptr<Rtl> rtl;
  uint64_t edges = 0;  // rising edges out of reset, counted half a cycle later
  CosimResult result;
  // Waveforms (run_bench with tracing): the model's tracer, and the RTL's dump at a time.
  TraceOptions trace;
  std::unique_ptr<ModelTracer> model_trace;
  std::function<void()> rtl_trace_open;
  std::function<void(uint64_t)> rtl_dump;
  std::function<void()> rtl_trace_close;

  void dump_rtl(uint64_t t) {
    if (rtl_dump && trace.in_window(t)) rtl_dump(t);
  }
  // The state after the last edge, on both sides.
  void finish_trace() {
    if (model_trace) {
      model::TopIn in;
      in.host_req_i = req.read();
      in.host_we_i = we.read();
      in.host_addr_i = addr.read();
      in.host_wdata_i = wdata.read();
      model::TopOut o;
      o.host_rvalid_o = mo.host_rvalid_o.read();
      o.host_rdata_o = mo.host_rdata_o.read();
      o.busy_o = mo.busy_o.read();
      o.done_o = mo.done_o.read();
      model_trace->finish(model.core(), in, o);
    }
    dump_rtl(edges);
    if (rtl_trace_close) rtl_trace_close();
  }

  Bench(sc_module_name n, const model::TopParams& p, bool with_rtl)
      : sc_module(n), model("model", p) {
    bind(model, clk, rst_n, req, we, addr, wdata, mo);
    if (with_rtl) {
      rtl = std::make_unique<Rtl>("rtl");
      bind(*rtl, clk, rst_n, req, we, addr, wdata, ro);
    }
    SC_METHOD(on_negedge);
    sensitive << clk.negedge_event();
    dont_initialize();
    if (g_fault_cycle) model.inject_rdata_fault_from(g_fault_cycle);
  }
  SC_HAS_PROCESS(Bench);

  // Half a cycle after every rising edge every output has settled: count the edge (out of reset)
  // and compare every output port.
  void on_negedge() {
    if (!rst_n.read()) return;
    ++edges;
    if (!rtl || result.mismatch) return;
    auto cmp = [&](const char* port, uint64_t m, uint64_t r) {
      if (m == r || result.mismatch) return;
      result.mismatch = true;
      result.mismatch_cycle = edges;
      result.mismatch_port = port;
      result.mismatch_message = fmt::format(
          "co-simulation mismatch at cycle {} on port {}: model {} (0x{:x}), RTL {} (0x{:x})",
          edges, port, m, m, r, r);
    };
    cmp("host_rvalid_o", mo.host_rvalid_o.read(), ro.host_rvalid_o.read());
    cmp("host_rdata_o", mo.host_rdata_o.read(), ro.host_rdata_o.read());
    cmp("busy_o", mo.busy_o.read(), ro.busy_o.read());
    cmp("done_o", mo.done_o.read(), ro.done_o.read());
  }
};

// HostPort over the bench signals, for the driver thread: drive at the falling edge, let the
// rising edge happen, read the (model's) outputs at the next falling edge.
// Thrown into the driver when the checker found a difference, so its thread unwinds and ends.
struct Stopped {};

template <class B>
class ScPort final : public HostPort {
 public:
  ScPort(B& b, const model::TopParams& p) : b_(b), p_(p) {}
  const model::TopParams& params() const override { return p_; }
  void reset() override {
    b_.rst_n.write(false);
    wait(b_.clk.negedge_event());
    wait(b_.clk.negedge_event());
    b_.rst_n.write(true);
    if (b_.rtl_dump) {  // time 0: out of reset, before the first edge
      wait(SC_ZERO_TIME);
      wait(SC_ZERO_TIME);
      b_.dump_rtl(0);
    }
    wait(b_.clk.negedge_event());
  }
  const model::TopOut& clock(const model::TopIn& in) override {
    b_.req.write(in.host_req_i);
    b_.we.write(in.host_we_i);
    b_.addr.write(in.host_addr_i);
    b_.wdata.write(in.host_wdata_i);
    if (b_.rtl_dump) {  // the state after edge `edges` with the inputs of the next one
      wait(SC_ZERO_TIME);
      wait(SC_ZERO_TIME);
      b_.dump_rtl(b_.edges);
    }
    wait(b_.clk.negedge_event());
    wait(SC_ZERO_TIME);  // the checker has compared this edge's outputs
    if (b_.result.mismatch) throw Stopped{};
    ++cycles_;
    out_.host_rvalid_o = b_.mo.host_rvalid_o.read();
    out_.host_rdata_o = b_.mo.host_rdata_o.read();
    out_.busy_o = b_.mo.busy_o.read();
    out_.done_o = b_.mo.done_o.read();
    return out_;
  }
  uint64_t cycles() const override { return cycles_; }

 private:
  B& b_;
  model::TopParams p_;
  model::TopOut out_;
  uint64_t cycles_ = 0;
};

template <class B>
SC_MODULE(Driver) {
  B& bench;
  const GemmJob& job;
  RunStats& stats;
  bool finished = false;
  std::string error;

  Driver(sc_module_name n, B & b, const GemmJob& j, RunStats& s)
      : sc_module(n), bench(b), job(j), stats(s) {
    SC_THREAD(main);
    // Verilator's trace dumps run on this thread: more than SystemC's default coroutine stack.
    if (b.trace.on()) set_stack_size(size_t{64} << 20);
  }
  SC_HAS_PROCESS(Driver);

  void main() {
    try {
      if (bench.rtl_trace_open) bench.rtl_trace_open();
      ScPort<B> port(bench, bench.model.core().params());
      port.reset();
      HostDriver drv(port);
      bench.result.c = drv.run(job, stats);
      bench.result.model_busy_cycles = stats.engine.busy;
      bench.result.rtl_busy_cycles = stats.engine.busy;  // read through the compared port
      finished = true;
    } catch (const Stopped&) {
      // The checker recorded the first difference.
    } catch (const std::exception& e) {
      error = e.what();
    }
    if (bench.trace.on()) bench.finish_trace();
    sc_stop();
  }
};

template <class Rtl, bool kTraced = false>
CosimResult run_bench(const model::TopParams& p, const GemmJob& job, RunStats& stats, bool with_rtl,
                      const TraceOptions* trace = nullptr) {
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  sc_report_handler::set_actions(SC_INFO, SC_DO_NOTHING);
  sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", SC_DO_NOTHING);
  if constexpr (kTraced) Verilated::traceEverOn(true);
  auto bench = std::make_unique<Bench<Rtl>>("bench", p, with_rtl);
  // Waveforms: the model's VCD and the RTL's FST side by side, merged after the run.
  const bool tracing = trace && trace->on();
  const std::string model_vcd = tracing ? trace->path + ".model.tmp.vcd" : "";
  const std::string rtl_fst = tracing ? trace->path + ".rtl.tmp.fst" : "";
  std::unique_ptr<VerilatedFstC> fst;
  if (tracing) {
    trace->validate(p);
    bench->trace = *trace;
    const std::string path = with_rtl ? model_vcd : trace->path + ".tmp.vcd";
    bench->model_trace = std::make_unique<ModelTracer>(p, *trace, path);
    bench->model.set_observer(bench->model_trace.get());
    if constexpr (kTraced) {
      if (with_rtl) {
        fst = std::make_unique<VerilatedFstC>();
        Bench<Rtl>* b = bench.get();
        VerilatedFstC* f = fst.get();
        bench->rtl_trace_open = [b, f, rtl_fst] {
          b->rtl->trace(f, 99);
          // No dumpvars here: the SystemC model's scope is "bench.rtl", a name with a dot that
          // dumpvars cannot match; the PE selection is applied when the two sides are merged.
          f->open(rtl_fst.c_str());
        };
        bench->rtl_dump = [f](uint64_t t) { f->dump(t); };
        bench->rtl_trace_close = [f] { f->close(); };
      }
    }
  }
  auto driver = std::make_unique<Driver<Bench<Rtl>>>("driver", *bench, job, stats);
  sc_start();
  CosimResult r = std::move(bench->result);
  r.cycles = bench->edges;
  if (tracing) {
    bench->model.set_observer(nullptr);
    const uint64_t last = bench->edges;
    const std::string gtkw = gtkw_path_for(trace->path);
    const int64_t marker = r.mismatch ? int64_t(r.mismatch_cycle) : -1;
    uint64_t from = std::min(trace->from, last), to = std::min(trace->to, last);
    if (with_rtl) {
      const std::string rtl_vcd = trace->path + ".rtl.tmp.vcd";
      fst_to_vcd(rtl_fst, rtl_vcd);
      const VcdData m = read_vcd(model_vcd), rv = read_vcd(rtl_vcd);
      const std::string merged = trace->fst() ? trace->path + ".tmp.vcd" : trace->path;
      write_merged_vcd(merged, {&m, &rv}, {"model", "rtl"}, [&](const std::string& name) {
        int r = 0, c = 0;
        const auto at = name.find(".u_array.g_row[");
        if (at == std::string::npos) return true;
        return std::sscanf(name.c_str() + at, ".u_array.g_row[%d].g_col[%d]", &r, &c) != 2 ||
               trace->pe_traced(p, r, c);
      });
      if (merged != trace->path) {
        vcd_to_fst(merged, trace->path);
        std::remove(merged.c_str());
      }
      for (const std::string& f : {model_vcd, rtl_fst, rtl_vcd}) std::remove(f.c_str());
      write_gtkw(gtkw, trace->path, p, *trace, {"model", "rtl"}, marker, from, to);
    } else {
      const std::string raw = trace->path + ".tmp.vcd";
      if (trace->fst()) {
        vcd_to_fst(raw, trace->path);
      } else {
        std::rename(raw.c_str(), trace->path.c_str());
      }
      std::remove(raw.c_str());
      write_gtkw(gtkw, trace->path, p, *trace, {"TOP"}, marker, from, to);
    }
    r.trace_report = trace_report(trace->path, gtkw);
  }
  if (!r.mismatch && !driver->finished) {
    throw std::runtime_error(driver->error.empty() ? "co-simulation stopped early" : driver->error);
  }
  return r;
}

struct Entry {
  model::TopParams params;
  CosimResult (*run)(const model::TopParams&, const GemmJob&, RunStats&, bool, const TraceOptions*);
};

#define SYSTOLIC_SC_ENTRY(Class, name, Rows, Cols, AWords, BWords, CWords, QWords, AccWords, \
                          RequantDepth, WeightBanks)                                         \
  Entry{model::TopParams{Rows, Cols, AWords, BWords, CWords, QWords, AccWords, RequantDepth, \
                         WeightBanks},                                                       \
        &run_bench<Class>},
const Entry kEntries[] = {SYSTOLIC_SYSTOLIC_TOP_SC_CONFIGS(SYSTOLIC_SC_ENTRY)};
#undef SYSTOLIC_SC_ENTRY

// The same configurations verilated with tracing (--trace).
#define SYSTOLIC_SC_TR_ENTRY(Class, name, Rows, Cols, AWords, BWords, CWords, QWords, AccWords, \
                             RequantDepth, WeightBanks)                                         \
  Entry{model::TopParams{Rows, Cols, AWords, BWords, CWords, QWords, AccWords, RequantDepth,    \
                         WeightBanks},                                                          \
        &run_bench<Class, true>},
const std::vector<Entry> kTracedEntries = {
    SYSTOLIC_SYSTOLIC_TOP_SC_TR_CONFIGS(SYSTOLIC_SC_TR_ENTRY)};
#undef SYSTOLIC_SC_TR_ENTRY

const Entry& find(const model::TopParams& p, bool traced = false) {
  if (traced) {
    for (const Entry& e : kTracedEntries) {
      if (e.params == p) return e;
    }
    make_top_rtl(p);  // not built at all: the RTL engine's message
    throw std::invalid_argument(
        fmt::format("no traced co-simulation build for {}x{}; add it to the CMake cache variable "
                    "SYSTOLIC_TRACE_CONFIGS and rebuild",
                    p.Rows, p.Cols));
  }
  for (const Entry& e : kEntries) {
    if (e.params == p) return e;
  }
  // The same message as the RTL engine's.
  make_top_rtl(p);
  throw std::invalid_argument(fmt::format("no co-simulation build for {}x{}", p.Rows, p.Cols));
}

}  // namespace

void cosim_inject_model_fault(uint64_t cycle) { g_fault_cycle = cycle; }

void cosim_fault_from_env() {
  if (const char* v = std::getenv("SYSTOLIC_TEST_COSIM_FAULT")) {
    g_fault_cycle = std::strtoull(v, nullptr, 10);
  }
}

CosimResult run_cosim(const model::TopParams& p, const GemmJob& job, RunStats& stats) {
  return find(p).run(p, job, stats, true, nullptr);
}

CosimResult run_sc_model(const model::TopParams& p, const GemmJob& job, RunStats& stats) {
  return kEntries[0].run(p, job, stats, false, nullptr);
}

CosimResult run_cosim(const model::TopParams& p, const GemmJob& job, RunStats& stats,
                      const TraceOptions& trace) {
  if (!trace.on()) return run_cosim(p, job, stats);
  return find(p, true).run(p, job, stats, true, &trace);
}

CosimResult run_sc_model(const model::TopParams& p, const GemmJob& job, RunStats& stats,
                         const TraceOptions& trace) {
  if (!trace.on()) return run_sc_model(p, job, stats);
  return kEntries[0].run(p, job, stats, false, &trace);
}

}  // namespace systolic::sim
