#include "cosim.h"

#include <fmt/format.h>
#include <systemc.h>

#include <algorithm>
#include <cstdlib>
#include <memory>
#include <optional>

#include "dram.h"
#include "files.h"
#include "lockstep.h"
#include "rtl_sc.h"
#include "trace_model.h"
#include "trace_run.h"
#include "traced_rtl.h"
#include "vl_assert.h"
#include "wave.h"

// libsystemc's own main() refers to sc_main; `systolic` has its own main() and starts the kernel
// itself, so this is never called.
int sc_main(int, char**) { return 1; }

namespace systolic::sim {
namespace {

// One side's output ports as bench signals.
#define SYSTOLIC_SC_SIG(name, type, width) sc_signal<type> name;
#define SYSTOLIC_SC_SIG_L(name, lanes, bits, sgn) sc_signal<ScLanes> name;
#define SYSTOLIC_SC_GET(name, type, width) o.name = name.read();
#define SYSTOLIC_SC_GET_L(name, lanes, bits, sgn) o.name = name.read().v;
struct Outs {
  SYSTOLIC_SYSTOLIC_TOP_OUTPUTS(SYSTOLIC_SC_SIG, SYSTOLIC_SC_SIG_L)
  model::TopOut read() const {
    model::TopOut o;
    SYSTOLIC_SYSTOLIC_TOP_OUTPUTS(SYSTOLIC_SC_GET, SYSTOLIC_SC_GET_L)
    return o;
  }
};

// The bench: clock, stimulus signals, the model, optionally the RTL, and the checker.
SC_MODULE(Bench) {
  sc_clock clk{"clk", 10, SC_NS};
  sc_signal<bool> rst_n{"rst_n"};
  SYSTOLIC_SYSTOLIC_TOP_INPUTS(SYSTOLIC_SC_SIG, SYSTOLIC_SC_SIG_L)
  Outs mo, ro;
  std::unique_ptr<SystolicTopSc> model;
  std::unique_ptr<RtlTopSc> rtl;
  uint64_t edges = 0;  // rising edges out of reset, counted half a cycle later
  CosimResult result;
  // Waveforms: the model's tracer and whether the RTL side dumps.
  TraceOptions trace;
  std::unique_ptr<ModelTracer> model_trace;
  bool rtl_traced = false;

  template <class M>
  void bind(M & m, Outs & o) {
    m.clk_i(clk);
    m.rst_ni(rst_n);
#define SYSTOLIC_SC_BIND_IN(name, type, width) m.name(name);
#define SYSTOLIC_SC_BIND_OUT(name, type, width) m.name(o.name);
#define SYSTOLIC_SC_BIND_IN_L(name, lanes, bits, sgn) m.name(name);
#define SYSTOLIC_SC_BIND_OUT_L(name, lanes, bits, sgn) m.name(o.name);
    SYSTOLIC_SYSTOLIC_TOP_INPUTS(SYSTOLIC_SC_BIND_IN, SYSTOLIC_SC_BIND_IN_L)
    SYSTOLIC_SYSTOLIC_TOP_OUTPUTS(SYSTOLIC_SC_BIND_OUT, SYSTOLIC_SC_BIND_OUT_L)
#undef SYSTOLIC_SC_BIND_IN
#undef SYSTOLIC_SC_BIND_OUT
#undef SYSTOLIC_SC_BIND_IN_L
#undef SYSTOLIC_SC_BIND_OUT_L
  }

  model::TopIn inputs() const {
    model::TopIn o;
    SYSTOLIC_SYSTOLIC_TOP_INPUTS(SYSTOLIC_SC_GET, SYSTOLIC_SC_GET_L)
    return o;
  }

  // The RTL's state after edge `edges` with the inputs of the next one.
  void dump_rtl(const model::TopIn& in) {
    if (!rtl_traced || !trace.in_window(edges)) return;
    rtl->top().drive(in);
    rtl->top().settle();
    rtl->top().trace_dump(edges);
  }
  // The state after the last edge, on both sides.
  void finish_trace() {
    if (model_trace) model_trace->finish(model->core(), inputs(), model->ports());
    if (rtl_traced) {
      dump_rtl(inputs());
      rtl->top().trace_close();
    }
  }

  Bench(sc_module_name n, const model::TopParams& p, std::unique_ptr<SystolicTopSc> m,
        std::unique_ptr<RtlTop> r)
      : sc_module(n), model(std::move(m)) {
    bind(*model, mo);
    if (r) {
      rtl = std::make_unique<RtlTopSc>("rtl", std::move(r));
      bind(*rtl, ro);
    }
    (void)p;
    SC_METHOD(on_negedge);
    sensitive << clk.negedge_event();
    dont_initialize();
  }
  SC_HAS_PROCESS(Bench);

  // Half a cycle after every rising edge every output has settled: count the edge (out of reset)
  // and compare every output port.
  void on_negedge() {
    if (!rst_n.read()) return;
    ++edges;
    if (!rtl || result.mismatch) return;
    if (auto d = iface::compare_ports(mo.read(), ro.read())) {
      result.mismatch = true;
      result.mismatch_cycle = edges;
      result.mismatch_port = d->port;
      result.mismatch_message = mismatch_message("co-simulation", edges, *d);
    }
  }
};

#undef SYSTOLIC_SC_SIG
#undef SYSTOLIC_SC_SIG_L
#undef SYSTOLIC_SC_GET
#undef SYSTOLIC_SC_GET_L

// Thrown into the driver when the checker found a difference, so its thread unwinds and ends.
struct Stopped {};

// HostPort over the bench signals, for the driver thread: drive at the falling edge, let the
// rising edge happen, read the outputs at the next falling edge (the RTL's when it runs, with the
// model's as the reference).
class ScPort final : public HostPort {
 public:
  ScPort(Bench& b, const model::TopParams& p) : b_(b), p_(p) {}
  const model::TopParams& params() const override { return p_; }
  void reset() override {
    b_.rst_n.write(false);
    wait(b_.clk.negedge_event());
    wait(b_.clk.negedge_event());
    b_.rst_n.write(true);
    b_.dump_rtl(model::TopIn{});  // time 0: out of reset, before the first edge
    wait(b_.clk.negedge_event());
  }
  const model::TopOut& clock(const model::TopIn& in) override {
#define SYSTOLIC_SC_PUT(name, type, width) b_.name.write(in.name);
#define SYSTOLIC_SC_PUT_L(name, lanes, bits, sgn) b_.name.write(ScLanes{in.name});
    SYSTOLIC_SYSTOLIC_TOP_INPUTS(SYSTOLIC_SC_PUT, SYSTOLIC_SC_PUT_L)
#undef SYSTOLIC_SC_PUT
#undef SYSTOLIC_SC_PUT_L
    b_.dump_rtl(in);
    wait(b_.clk.negedge_event());
    wait(SC_ZERO_TIME);  // the checker has compared this edge's outputs
    if (b_.result.mismatch) throw Stopped{};
    ++cycles_;
    model_out_ = b_.mo.read();
    out_ = b_.rtl ? b_.ro.read() : model_out_;
    return out_;
  }
  uint64_t cycles() const override { return cycles_; }
  const model::TopOut* reference_out() const override { return b_.rtl ? &model_out_ : nullptr; }

 private:
  Bench& b_;
  model::TopParams p_;
  model::TopOut out_, model_out_;
  uint64_t cycles_ = 0;
};

SC_MODULE(Driver) {
  Bench& bench;
  const GemmJob& job;
  RunStats& stats;
  bool finished = false;
  std::string error;

  const CosimOptions& opts;

  Driver(sc_module_name n, Bench & b, const GemmJob& j, RunStats& s, const CosimOptions& o)
      : sc_module(n), bench(b), job(j), stats(s), opts(o) {
    SC_THREAD(main);
    // Verilator's trace dumps run on this thread: more than SystemC's default coroutine stack.
    if (b.trace.on()) set_stack_size(size_t{64} << 20);
  }
  SC_HAS_PROCESS(Driver);

  void main() {
    try {
      const model::TopParams& p = bench.model->core().params();
      ScPort port(bench, p);
      port.reset();
      if (opts.dram) {
        // Memory commands: one memory model answers the bench's memory port (the RTL's outputs
        // when it runs, the model's checked equal to them on every edge).
        Dram dram(*opts.dram, 1 << p.MemBytesLog2);
        DramPort dport(port, dram);
        HostDriver drv(dport);
        drv.set_memory(&dram, opts.misalign);
        bench.result.c = drv.run(job, stats);
      } else {
        HostDriver drv(port);
        bench.result.c = drv.run(job, stats);
      }
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

CosimResult run_bench(const model::TopParams& p, const GemmJob& job, RunStats& stats, bool with_rtl,
                      const CosimOptions& o) {
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  sc_report_handler::set_actions(SC_INFO, SC_DO_NOTHING);
  sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", SC_DO_NOTHING);
  const TraceOptions& trace = o.trace;
  const bool tracing = trace.on();
  if (tracing) trace.validate(p);
  std::unique_ptr<RtlTop> rtl_top;
  if (with_rtl) rtl_top = tracing ? make_traced_rtl_top(p, "TOP") : make_rtl_top(p, "TOP");

  auto model =
      o.make_model ? o.make_model("model", p) : std::make_unique<SystolicTopSc>("model", p);
  auto bench = std::make_unique<Bench>("bench", p, std::move(model), std::move(rtl_top));
  // Waveforms: each side into a temporary FST, merged after the run (one side: written directly).
  std::optional<base::TempFile> model_fst, rtl_fst, out_fst;
  if (tracing) {
    bench->trace = trace;
    if (!trace.fst()) out_fst.emplace(trace.path + ".fst");
    const std::string out = out_fst ? out_fst->name() : trace.path;
    if (with_rtl) {
      model_fst.emplace(trace.path + ".model.fst");
      rtl_fst.emplace(trace.path + ".rtl.fst");
      bench->rtl->top().trace_open(rtl_fst->name(), rtl_dumpvars(p, trace, "TOP"));
      bench->rtl_traced = true;
    }
    bench->model_trace =
        std::make_unique<ModelTracer>(p, trace, with_rtl ? model_fst->name() : out);
    bench->model->set_observer(bench->model_trace.get());
  }
  auto driver = std::make_unique<Driver>("driver", *bench, job, stats, o);
  sc_start();
  if (bench->rtl && !bench->rtl->assertion().empty()) {
    throw RtlAssertion(bench->rtl->assertion());
  }
  CosimResult r = std::move(bench->result);
  r.cycles = bench->edges;
  if (tracing) {
    bench->model->set_observer(nullptr);
    const uint64_t last = bench->edges;
    const std::string gtkw = gtkw_path_for(trace.path);
    const int64_t marker = r.mismatch ? int64_t(r.mismatch_cycle) : -1;
    const uint64_t from = std::min(trace.from, last), to = std::min(trace.to, last);
    const std::string out = out_fst ? out_fst->name() : trace.path;
    if (with_rtl) {
      const WaveData m = read_fst(model_fst->name()), rv = read_fst(rtl_fst->name());
      write_merged_fst(out, {&m, &rv}, {"model", "rtl"});
    }
    if (out_fst) fst_to_vcd(out_fst->name(), trace.path);
    write_gtkw(
        gtkw, trace.path, p, trace,
        with_rtl ? std::vector<std::string>{"model", "rtl"} : std::vector<std::string>{"TOP"},
        marker, from, to);
    r.trace_report = trace_report(trace.path, gtkw);
  }
  if (!r.mismatch && !driver->finished) {
    throw std::runtime_error(driver->error.empty() ? "co-simulation stopped early" : driver->error);
  }
  return r;
}

}  // namespace

CosimResult run_cosim(const model::TopParams& p, const GemmJob& job, RunStats& stats,
                      const CosimOptions& o) {
  return run_bench(p, job, stats, true, o);
}

CosimResult run_sc_model(const model::TopParams& p, const GemmJob& job, RunStats& stats,
                         const CosimOptions& o) {
  return run_bench(p, job, stats, false, o);
}

}  // namespace systolic::sim
