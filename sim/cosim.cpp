#include "cosim.h"

#include <fmt/format.h>
#include <systemc.h>

#include <cstdlib>
#include <memory>
#include <optional>

#include "systolic_top_sc.h"
#include "systolic_top_sc_configs.h"

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
    wait(b_.clk.negedge_event());
  }
  const model::TopOut& clock(const model::TopIn& in) override {
    b_.req.write(in.host_req_i);
    b_.we.write(in.host_we_i);
    b_.addr.write(in.host_addr_i);
    b_.wdata.write(in.host_wdata_i);
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
  }
  SC_HAS_PROCESS(Driver);

  void main() {
    try {
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
    sc_stop();
  }
};

template <class Rtl>
CosimResult run_bench(const model::TopParams& p, const GemmJob& job, RunStats& stats,
                      bool with_rtl) {
  ::setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
  sc_report_handler::set_actions(SC_INFO, SC_DO_NOTHING);
  sc_report_handler::set_actions("/IEEE_Std_1666/deprecated", SC_DO_NOTHING);
  auto bench = std::make_unique<Bench<Rtl>>("bench", p, with_rtl);
  auto driver = std::make_unique<Driver<Bench<Rtl>>>("driver", *bench, job, stats);
  sc_start();
  CosimResult r = std::move(bench->result);
  r.cycles = bench->edges;
  if (!r.mismatch && !driver->finished) {
    throw std::runtime_error(driver->error.empty() ? "co-simulation stopped early" : driver->error);
  }
  return r;
}

struct Entry {
  model::TopParams params;
  CosimResult (*run)(const model::TopParams&, const GemmJob&, RunStats&, bool);
};

#define SYSTOLIC_SC_ENTRY(Class, name, Rows, Cols, AWords, BWords, CWords, QWords, AccWords,  \
                          RequantDepth, WeightBanks)                                          \
  Entry{model::TopParams{Rows, Cols, AWords, BWords, CWords, QWords, AccWords, RequantDepth,  \
                         WeightBanks},                                                        \
        &run_bench<Class>},
const Entry kEntries[] = {SYSTOLIC_SYSTOLIC_TOP_SC_CONFIGS(SYSTOLIC_SC_ENTRY)};
#undef SYSTOLIC_SC_ENTRY

const Entry& find(const model::TopParams& p) {
  for (const Entry& e : kEntries) {
    if (e.params == p) return e;
  }
  // The same message as the RTL engine's.
  make_top_rtl(p);
  throw std::invalid_argument(fmt::format("no co-simulation build for {}x{}", p.Rows, p.Cols));
}

}  // namespace

void cosim_inject_model_fault(uint64_t cycle) { g_fault_cycle = cycle; }

CosimResult run_cosim(const model::TopParams& p, const GemmJob& job, RunStats& stats) {
  return find(p).run(p, job, stats, true);
}

CosimResult run_sc_model(const model::TopParams& p, const GemmJob& job, RunStats& stats) {
  return kEntries[0].run(p, job, stats, false);
}

}  // namespace systolic::sim
