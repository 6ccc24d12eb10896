// A SystemC testbench of a user's own: a loosely-timed TLM-2.0 initiator (with a quantum keeper)
// runs one GEMM on the engine through its TLM target socket (sim::HostTlmTarget), from the host
// address map alone: it writes B, the per-column bias/M0/shift, A and the command registers,
// starts, polls STATUS, reads the cycle counter and C, and checks C against the library's
// reference GEMM.
//   tlm_tb [model|rtl|lockstep] [lt|sync]   (default lockstep: model and RTL compared every
//   cycle; lt: the target annotates its delay, sync: the target waits it out itself)
// Prints "tlm_tb: passed" or exits 1.
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <systemc>
#include <tlm>
#include <vector>

#include "engines.h"
#include "lockstep.h"
#include "quant.h"
#include "rtl_top.h"
#include "systolic_if.h"
#include "tlm_target.h"

using namespace systolic;
namespace a = systolic::model::addr;

namespace {

constexpr int kRows = 4, kCols = 4;
constexpr int M = 13, N = 7, K = 10;

struct Initiator : sc_core::sc_module {
  tlm_utils::simple_initiator_socket<Initiator> socket;
  tlm_utils::tlm_quantumkeeper qk;
  bool passed = false;
  uint64_t busy_cycles = 0;
  int bad_responses = 0;

  SC_HAS_PROCESS(Initiator);
  explicit Initiator(sc_core::sc_module_name n) : sc_core::sc_module(n), socket("socket") {
    tlm_utils::tlm_quantumkeeper::set_global_quantum(sc_core::sc_time(1, sc_core::SC_US));
    qk.reset();
    SC_THREAD(run);
  }

  uint32_t access(bool write, uint32_t host_addr, uint32_t value) {
    tlm::tlm_generic_payload gp;
    uint32_t word = value;
    gp.set_command(write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    gp.set_address(uint64_t(host_addr) * 4);  // byte address = 4 * host word address
    gp.set_data_ptr(reinterpret_cast<unsigned char*>(&word));
    gp.set_data_length(4);
    gp.set_streaming_width(4);
    sc_core::sc_time delay = qk.get_local_time();
    socket->b_transport(gp, delay);
    qk.set(delay);
    if (qk.need_sync()) qk.sync();
    if (gp.get_response_status() != tlm::TLM_OK_RESPONSE) {
      std::printf("tlm_tb: %s\n", gp.get_response_string().c_str());
      sc_core::sc_stop();
    }
    return word;
  }
  void write(uint32_t addr, uint32_t v) { access(true, addr, v); }
  uint32_t read(uint32_t addr) { return access(false, addr, 0); }

  void run() {
    std::mt19937 rng(7);
    std::vector<int8_t> A(M * K), B(K * N);
    std::vector<int32_t> bias(N);
    for (auto& x : A) x = int8_t(int(rng() % 256) - 128);
    for (auto& x : B) x = int8_t(int(rng() % 256) - 128);
    for (auto& x : bias) x = int32_t(rng() % 20000) - 10000;
    quant::GemmQuant q;
    for (int j = 0; j < N; ++j) {
      q.m0.push_back(int32_t((1u << 30) + rng() % (1u << 29)));
      q.shift.push_back(-8);
    }
    q.zp_out = 3;
    const int kt = (K + kRows - 1) / kRows, ntc = (N + kCols - 1) / kCols;
    for (int k = 0; k < K; ++k)
      for (int j = 0; j < N; ++j)
        write(a::element(a::kB, uint32_t(j / kCols * K + k), j % kCols), uint8_t(B[k * N + j]));
    for (int j = 0; j < N; ++j) {
      write(a::element(a::kBias, j / kCols, j % kCols), uint32_t(bias[j]));
      write(a::element(a::kM0, j / kCols, j % kCols), uint32_t(q.m0[j]));
      write(a::element(a::kShift, j / kCols, j % kCols), uint32_t(q.shift[j]) & 0x3f);
    }
    for (int i = 0; i < M; ++i)
      for (int k = 0; k < K; ++k)
        write(a::element(a::kA, uint32_t(i * kt + k / kRows), k % kRows), uint8_t(A[i * K + k]));
    const std::pair<a::Reg, uint32_t> regs[] = {
        {a::kM, M},        {a::kN, N},       {a::kK, K},
        {a::kABase, 0},    {a::kBBase, 0},   {a::kCBase, 0},
        {a::kQBase, 0},    {a::kZpOut, 3},   {a::kActMin, uint32_t(-128)},
        {a::kActMax, 127}, {a::kRounding, 0}};
    for (const auto& [r, v] : regs) write(a::reg(r), v);
    write(a::reg(a::kCtrl), 1);
    int polls = 0;
    while ((read(a::reg(a::kStatus)) & 2u) == 0) {
      qk.inc(sc_core::sc_time(20, sc_core::SC_NS));  // the initiator's own work between polls
      if (++polls > 100000) {
        std::printf("tlm_tb: the engine never finished\n");
        sc_core::sc_stop();
        return;
      }
    }
    busy_cycles = read(a::reg(a::kCycBusy));
    {  // bad transactions get TLM error responses, not an abort
      tlm::tlm_generic_payload gp;
      uint32_t word = 0;
      gp.set_command(tlm::TLM_READ_COMMAND);
      gp.set_address(6);  // not a multiple of 4
      gp.set_data_ptr(reinterpret_cast<unsigned char*>(&word));
      gp.set_data_length(4);
      gp.set_streaming_width(4);
      sc_core::sc_time delay = qk.get_local_time();
      socket->b_transport(gp, delay);
      bad_responses += gp.get_response_status() == tlm::TLM_ADDRESS_ERROR_RESPONSE;
      gp.set_address(8);
      gp.set_data_length(3);  // not whole words
      gp.set_streaming_width(3);
      socket->b_transport(gp, delay);
      bad_responses += gp.get_response_status() == tlm::TLM_BURST_ERROR_RESPONSE;
      qk.set(delay);
    }
    const std::vector<int8_t> want = quant::gemm_int8(A, B, bias, M, N, K, q);
    int wrong = 0;
    for (int i = 0; i < M; ++i)
      for (int j = 0; j < N; ++j)
        wrong += int8_t(read(a::element(a::kC, uint32_t(i * ntc + j / kCols), j % kCols))) !=
                 want[i * N + j];
    std::printf("tlm_tb: C %s (%d of %d wrong), %d polls, CYC_BUSY %llu\n",
                wrong ? "WRONG" : "equals the reference", wrong, M * N, polls,
                static_cast<unsigned long long>(busy_cycles));
    passed = wrong == 0 && busy_cycles > 0 && bad_responses == 2;
    qk.sync();
    sc_core::sc_stop();
  }
};

}  // namespace

int sc_main(int argc, char** argv) {
  const std::string engine = argc > 1 ? argv[1] : "lockstep";
  std::unique_ptr<sim::HostPort> port;
  try {
    const model::TopParams p =
        engine == "model" ? sim::engine_params(kRows, kCols) : sim::top_rtl_params(kRows, kCols);
    port =
        engine == "lockstep" ? std::make_unique<sim::LockstepPort>(p) : sim::make_engine(engine, p);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "tlm_tb: %s\n", e.what());
    return 2;
  }
  const bool lt = argc <= 2 || std::string(argv[2]) != "sync";
  sim::HostTlmTarget target("engine", std::move(port), sc_core::sc_time(1, sc_core::SC_NS), lt);
  Initiator init("initiator");
  init.socket.bind(target.socket);
  sc_core::sc_start();
  std::printf("tlm_tb: %llu engine edges, simulated time %s\n",
              static_cast<unsigned long long>(target.edges()),
              sc_core::sc_time_stamp().to_string().c_str());
  // Every edge the engine took is simulated time: one period each, none lost or doubled.
  const bool timed =
      target.engine_time() == sc_core::sc_time_stamp() &&
      sc_core::sc_time_stamp() == double(target.edges()) * sc_core::sc_time(1, sc_core::SC_NS);
  const bool ok = init.passed && timed;
  std::printf("tlm_tb: %s\n", ok ? "passed" : "FAILED");
  return ok ? 0 : 1;
}
