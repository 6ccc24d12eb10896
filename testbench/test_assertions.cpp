// The RTL's runtime assertions (rtl/systolic_assert.svh) fire: each planted fault (a copy of an RTL
// source with one line changed, rtl/CMakeLists.txt) stops the simulation with an error naming the
// broken invariant's assertion, in the cycle the invariant breaks; the same stimulus on the real
// RTL runs clean. Every other RTL test runs with the assertions on and would fail on one.
#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "acc_stage_configs.h"
#include "acc_stage_fault_configs.h"
#include "dma_configs.h"
#include "dma_fault2_configs.h"
#include "dma_fault3_configs.h"
#include "dma_fault4_configs.h"
#include "dma_fault5_configs.h"
#include "dma_fault6_configs.h"
#include "dma_fault7_configs.h"
#include "dma_fault8_configs.h"
#include "dma_fault_configs.h"
#include "dram.h"
#include "engine_check.h"
#include "module_lockstep.h"
#include "os_ctrl_configs.h"
#include "os_ctrl_fault_configs.h"
#include "ports.h"
#include "spad_configs.h"
#include "spad_fault_configs.h"
#include "systolic_regs_configs.h"
#include "systolic_regs_fault4_configs.h"
#include "systolic_regs_fault5_configs.h"
#include "systolic_regs_fault_configs.h"
#include "systolic_top_configs.h"
#include "systolic_top_fault_configs.h"
#include "test_seed.h"
#include "tile_ctrl_configs.h"
#include "tile_ctrl_fault2_configs.h"
#include "tile_ctrl_fault3_configs.h"
#include "tile_ctrl_fault4_configs.h"
#include "tile_ctrl_fault_configs.h"
#include "vl_dut.h"

using namespace systolic;

namespace {

// Runs one command of M = 6, N = 4, K = 4 on a tile_ctrl build; returns the assertion message,
// or "" when the command finished without one. With `gated`, the command's B rows arrive one
// per 4 cycles (b_rows_i, a memory command's first block).
template <class V>
std::string run_command(const iface::TileCtrlParams& p, bool gated = false) {
  sim::VlDut<V> dut("dut");
  iface::TileCtrlIn in;
  sim::drive(*dut.top, in, p);
  dut.reset();
  in.m_i = 6;
  in.n_i = 4;
  in.k_i = 4;
  in.q_ready_i = true;
  in.start_i = true;
  try {
    for (int t = 0; t < 100; ++t) {
      in.b_rows_i = !gated || t >= 16 ? (uint32_t{1} << iface::kDimWidth) - 1 : uint32_t(t / 4);
      sim::drive(*dut.top, in, p);
      dut.edge();
      in.start_i = false;
    }
  } catch (const sim::RtlAssertion& e) {
    return e.what();
  }
  return "";
}

// Two 1 x 4 x 4 commands (one tile, one slot: the slot issues in cycle 1, the weight load runs
// through cycle 3), the second started in the first cycle with ready_o during the first's tail
// (back to back, as the DMA starts its blocks); the assertion message, or "" (or why the run
// did not go as planned).
template <class V>
std::string run_back_to_back(const iface::TileCtrlParams& p) {
  sim::VlDut<V> dut("dut");
  iface::TileCtrlIn in;
  sim::drive(*dut.top, in, p);
  dut.reset();
  in.m_i = 1;
  in.n_i = 4;
  in.k_i = 4;
  in.b_rows_i = (uint32_t{1} << iface::kDimWidth) - 1;
  in.q_ready_i = true;
  in.start_i = true;
  int starts = 0;
  try {
    for (int t = 0; t < 60; ++t) {
      sim::drive(*dut.top, in, p);
      starts += in.start_i && dut.top->ready_o;
      dut.edge();
      in.start_i = starts < 2 && dut.top->busy_o && dut.top->ready_o;
    }
  } catch (const sim::RtlAssertion& e) {
    return e.what();
  }
  return starts == 2 ? "" : "the second command did not start";
}

// On a whole systolic_top: a 4 x 4 x 4 command from the host port, and a host write to the A
// scratchpad while it runs (which the engine must ignore); the assertion message or "".
template <class V>
std::string write_while_busy() {
  sim::VlDut<V> dut("dut");
  dut.reset();
  auto host_write = [&](uint32_t addr, uint32_t data) {
    dut.top->host_req_i = 1;
    dut.top->host_we_i = 1;
    dut.top->host_addr_i = addr;
    dut.top->host_wdata_i = data;
    dut.edge();
    dut.top->host_req_i = 0;
    dut.top->host_we_i = 0;
  };
  try {
    for (iface::Reg r : {iface::kM, iface::kN, iface::kK}) host_write(iface::reg(r), 4);
    host_write(iface::reg(iface::kCtrl), 1);
    if (!dut.top->busy_o) return "not busy after the start";
    host_write(iface::element(iface::kA, 0, 0), 0x55);
    for (int t = 0; t < 100; ++t) dut.edge();
  } catch (const sim::RtlAssertion& e) {
    return e.what();
  }
  return "";
}

// Runs a busy window with drain cycles on a systolic_regs build; the assertion message or "".
template <class V>
std::string run_drain(const iface::SystolicRegsParams& p) {
  sim::VlDut<V> dut("dut");
  iface::SystolicRegsIn in;
  sim::drive(*dut.top, in, p);
  dut.reset();
  try {
    for (int t = 0; t < 20; ++t) {
      in.busy_i = t < 10;
      in.ph_drain_i = in.busy_i && t >= 5;
      in.ph_compute_i = in.busy_i && t < 5;
      sim::drive(*dut.top, in, p);
      dut.edge();
    }
  } catch (const sim::RtlAssertion& e) {
    return e.what();
  }
  return "";
}

// Replays recorded inputs on a module build; the assertion message, or "".
template <class V, class In, class P>
std::string replay(const P& p, const std::vector<In>& ins) {
  sim::VlDut<V> dut("dut");
  sim::drive(*dut.top, In(p), p);
  dut.reset();
  try {
    for (const In& in : ins) {
      sim::drive(*dut.top, in, p);
      dut.edge();
    }
  } catch (const sim::RtlAssertion& e) {
    return e.what();
  }
  return "";
}

// The inputs the model engine gives its DMA in one memory command (20 x 9 x 11: several blocks,
// stores) under memory `mem`, for replay on the dma builds of configuration r4c4.
const iface::DmaParams kDmaParams{4, 4, 64, 256, 32, 4, 8, 3};
std::vector<iface::DmaIn> record_dma(const iface::DmaParams& p, const sim::DramConfig& mem,
                                     const char* seed_name, int m = 20, int n = 9, int k = 11) {
  test::RecordingPort<iface::DmaIn> rec(test::top_params_for(p), [](model::SystolicTop& t) {
    t.record_dma(true);
    return t.dma_ticked() ? std::optional(t.dma_in()) : std::nullopt;
  });
  std::mt19937_64 rng(test::test_seed(seed_name));
  sim::Dram dram(mem, 1 << p.MemBytesLog2);
  sim::DramPort port(rec, dram);
  sim::HostDriver drv(port);
  drv.set_memory(&dram, 0);
  sim::RunStats st;
  const sim::GemmJob job = test::random_job(rng, m, n, k);
  REQUIRE(drv.run(job, st) == sim::reference_gemm(job));
  return rec.ins();
}

// The recorded inputs `ins` replayed on the real dma (no assertion) and on the planted copy V,
// which an assertion stops: `name`, in dma.
template <class V>
void check_dma_fault(const std::vector<iface::DmaIn>& ins, const char* name) {
  CHECK(replay<Vdma_r4c4>(kDmaParams, ins).empty());
  const std::string msg = replay<V>(kDmaParams, ins);
  INFO(msg);
  CHECK_THAT(msg, Catch::Contains(name) && Catch::Contains("dma"));
}

// One engine-port read of word `addr` on a spad build (Words = 12); the assertion message or "".
template <class V>
std::string spad_read(uint64_t addr) {
  sim::VlDut<V> dut("dut");
  dut.reset();
  try {
    dut.top->rd_en_i = 1;
    dut.top->rd_addr_i = addr;
    dut.edge();
  } catch (const sim::RtlAssertion& e) {
    return e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("assertions: the RAM's address-range check fires on a planted spad fault", "[assert]") {
  // Word 12 of a 12-word scratchpad is missing: the real spad keeps it from the RAM, the planted
  // copy (off by one in its range check) lets it through and ram_1r1w's ReadInRange_A stops it.
  CHECK(spad_read<Vspad_w12>(11).empty());
  CHECK(spad_read<Vspad_w12>(12).empty());
  CHECK(spad_read<Vspad_w12_fault>(11).empty());
  const std::string msg = spad_read<Vspad_w12_fault>(12);
  INFO(msg);
  CHECK_THAT(msg, Catch::Contains("ReadInRange_A") && Catch::Contains("ram"));
}

TEST_CASE("assertions: dma's request-tensor check fires on a planted fault", "[assert]") {
  // The inputs the model engine gives its DMA in one memory command (several blocks, stores),
  // replayed on the real dma (no assertion) and on the planted copy (ReqSp_A at the first write).
  const std::vector<iface::DmaIn> ins = record_dma(kDmaParams, sim::DramConfig{}, "assert-dma");
  check_dma_fault<Vdma_r4c4_fault>(ins, "ReqSp_A");
}

TEST_CASE("assertions: acc_stage's C-write check fires on a planted fault", "[assert]") {
  // The inputs the model engine gives acc_stage in a GEMM, replayed on the real acc_stage (no
  // assertion) and on the copy whose C-write tag lags the requant units (CWriteValid_A).
  const iface::AccStageParams p{4, 4, 8, 3};
  model::TopParams tp;
  tp.Rows = p.Rows;
  tp.Cols = p.Cols;
  tp.AccWords = p.AccWords;
  tp.RequantDepth = p.RequantDepth;
  test::RecordingPort<iface::AccStageIn> rec(tp, [](model::SystolicTop& t) {
    return t.acc_ticked() ? std::optional(t.acc_in()) : std::nullopt;
  });
  std::mt19937_64 rng(test::test_seed("assert-acc-stage"));
  sim::HostDriver drv(rec);
  sim::RunStats st;
  const sim::GemmJob job = test::random_job(rng, 9, 6, 7);
  REQUIRE(drv.run(job, st) == test::reference(job));
  CHECK(replay<Vacc_stage_r4c4>(p, rec.ins()).empty());
  const std::string msg = replay<Vacc_stage_r4c4_fault>(p, rec.ins());
  INFO(msg);
  CHECK_THAT(msg, Catch::Contains("CWriteValid_A") && Catch::Contains("acc_stage"));
}

TEST_CASE("assertions: acc_stage's row-apart check fires when one row's slots come back to back",
          "[assert]") {
  // acc_stage has no read-during-write forwarding: a slot must not read (not its first K-tile)
  // the accumulator row that the slot of the cycle before writes (not its last). Two slots of
  // row 2 in consecutive cycles: the check fires exactly when the second reads and the first
  // writes; a different row, a first K-tile or a last one before it are legal.
  const iface::AccStageParams p{4, 4, 8, 3};
  auto pair = [&p](uint32_t j2, bool first2, bool last1) {
    std::vector<iface::AccStageIn> ins(2, iface::AccStageIn(p));
    for (auto& in : ins) {
      in.s_issue_i = 1;
      in.s_nv_i = 4;
      in.m0_i.assign(4, 1 << 30);
    }
    ins[0].s_first_i = 1;
    ins[0].s_last_i = last1;
    ins[0].s_j_i = 2;
    ins[1].s_first_i = first2;
    ins[1].s_last_i = 1;
    ins[1].s_j_i = j2;
    iface::AccStageIn idle(p);
    idle.m0_i.assign(4, 1 << 30);
    ins.insert(ins.end(), size_t(p.Rows + p.Cols + p.RequantDepth + 4), idle);
    return replay<Vacc_stage_r4c4>(p, ins);
  };
  CHECK(pair(3, false, false).empty());  // another row
  CHECK(pair(2, true, false).empty());   // the same row, its first K-tile: no read
  CHECK(pair(2, false, true).empty());   // the same row after its last K-tile: no write
  const std::string msg = pair(2, false, false);
  INFO(msg);
  CHECK_THAT(msg, Catch::Contains("RowApart_A") && Catch::Contains("acc_stage"));
}

TEST_CASE("assertions: tile_ctrl's phase one-hot check fires on a planted fault", "[assert]") {
  const iface::TileCtrlParams p{4, 4, 8, 3, 2};
  CHECK(run_command<Vtile_ctrl_r4c4>(p).empty());
  const std::string msg = run_command<Vtile_ctrl_r4c4_fault>(p);
  INFO(msg);
  CHECK_THAT(msg, Catch::Contains("PhaseOneHot_A") && Catch::Contains("tile_ctrl"));
}

// Runs one output-stationary command of M = 6, N = 5, K = 3 on an os_ctrl build; the assertion
// message, or "" when it finished without one.
template <class V>
std::string run_os_command(const iface::OsCtrlParams& p) {
  sim::VlDut<V> dut("dut");
  iface::OsCtrlIn in;
  sim::drive(*dut.top, in, p);
  dut.reset();
  in.m_i = 6;
  in.n_i = 5;
  in.k_i = 3;
  in.start_i = true;
  try {
    for (int t = 0; t < 100; ++t) {
      sim::drive(*dut.top, in, p);
      dut.edge();
      in.start_i = false;
    }
  } catch (const sim::RtlAssertion& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("assertions: os_ctrl's phase one-hot check fires on a planted fault", "[assert][os]") {
  const iface::OsCtrlParams p{4, 4, 3};
  CHECK(run_os_command<Vos_ctrl_r4c4>(p).empty());
  const std::string msg = run_os_command<Vos_ctrl_r4c4_fault>(p);
  INFO(msg);
  CHECK_THAT(msg, Catch::Contains("OsPhaseOneHot_A") && Catch::Contains("os_ctrl"));
}

TEST_CASE("assertions: systolic_regs' counter-sum check fires on a planted fault", "[assert]") {
  const iface::SystolicRegsParams p{4, 4};
  CHECK(run_drain<Vsystolic_regs_r4c4>(p).empty());
  const std::string msg = run_drain<Vsystolic_regs_r4c4_fault>(p);
  INFO(msg);
  CHECK_THAT(msg, Catch::Contains("CounterSum_A"));
}

// Writes register `reg` = code on a systolic_regs build, then idles; the assertion message or "".
template <class V>
std::string write_reg(const iface::SystolicRegsParams& p, iface::Reg reg, uint32_t code) {
  sim::VlDut<V> dut("dut");
  iface::SystolicRegsIn in;
  sim::drive(*dut.top, in, p);
  dut.reset();
  try {
    for (int t = 0; t < 4; ++t) {
      in.host_req_i = t == 0;
      in.host_we_i = t == 0;
      in.host_addr_i = iface::reg(reg);
      in.host_wdata_i = code;
      sim::drive(*dut.top, in, p);
      dut.edge();
    }
  } catch (const sim::RtlAssertion& e) {
    return e.what();
  }
  return "";
}

TEST_CASE("assertions: systolic_regs' PRECISION check fires on a planted fault", "[assert]") {
  // The planted register stores any code; the real one keeps int8, w4a8 or w4a4 (Int4 = 1).
  const iface::SystolicRegsParams p{4, 4, 4, 1};
  for (uint32_t code : {0u, 1u, 2u, 3u})
    CHECK(write_reg<Vsystolic_regs_r4c4>(p, iface::kPrecision, code).empty());
  CHECK(write_reg<Vsystolic_regs_r4c4_fault4>(p, iface::kPrecision, 1).empty());
  CHECK(write_reg<Vsystolic_regs_r4c4_fault4>(p, iface::kPrecision, 2).empty());
  const std::string msg = write_reg<Vsystolic_regs_r4c4_fault4>(p, iface::kPrecision, 3);
  INFO(msg);
  CHECK_THAT(msg, Catch::Contains("PrecisionLegal_A"));
}

TEST_CASE("assertions: systolic_regs' DATAFLOW check fires on a planted fault", "[assert][os]") {
  // The planted register of a weight-stationary build (Dataflow = 1) stores an OS request.
  const iface::SystolicRegsParams p{4, 4, 4, 0, 1};
  CHECK(write_reg<Vsystolic_regs_r4c4_fault5>(p, iface::kDataflow, 0).empty());
  const std::string msg = write_reg<Vsystolic_regs_r4c4_fault5>(p, iface::kDataflow, 1);
  INFO(msg);
  CHECK_THAT(msg, Catch::Contains("DataflowLegal_A"));
  // The real registers keep the build's dataflow whatever is written (r4c4: both).
  CHECK(
      write_reg<Vsystolic_regs_r4c4>(iface::SystolicRegsParams{4, 4, 4, 1, 3}, iface::kDataflow, 1)
          .empty());
}

TEST_CASE("assertions: dma's request-handshake check fires on a planted fault", "[assert]") {
  // A memory of 4 bytes per cycle under 8-byte beats holds mem_req_ready_i low every other cycle:
  // the real dma keeps each request until it is taken, the planted copy (its request walk moves
  // on whenever a request is up) changes the address under a waiting request (ReqStable_A).
  sim::DramConfig slow;
  slow.bytes_per_cycle = 4;
  slow.latency = 20;
  const std::vector<iface::DmaIn> ins = record_dma(kDmaParams, slow, "assert-dma-handshake");
  int waits = 0;  // cycles with mem_req_ready_i low
  for (const iface::DmaIn& in : ins) waits += !in.mem_req_ready_i;
  REQUIRE(waits > 0);
  check_dma_fault<Vdma_r4c4_fault2>(ins, "ReqStable_A");
}

TEST_CASE("assertions: dma's column-store check fires on a planted fault", "[assert]") {
  // 5 x 8 x 11: the command's last block stores its C column by column while it computes, a
  // column of two N-tiles (8-byte beats, 4 columns), whose second words acc_stage writes after
  // the first N-tile's rows (a fast memory: the column starts once its first word is in). The
  // real dma reads each C word once acc_stage has written it; the planted copy reads a row's
  // second word before acc_stage has written it (ColGate_A).
  sim::DramConfig fast;
  fast.latency = 2;
  const std::vector<iface::DmaIn> ins = record_dma(kDmaParams, fast, "assert-dma-col", 5, 8, 11);
  int writes = 0;  // acc_stage's C writes the DMA saw
  for (const iface::DmaIn& in : ins) writes += in.c_wr_en_i;
  REQUIRE(writes == 5 * 2);
  check_dma_fault<Vdma_r4c4_fault3>(ins, "ColGate_A");
}

TEST_CASE("assertions: dma's interleaved-load gate check fires on a planted fault", "[assert]") {
  // 20 x 8 x 16: the first block (4 K-tiles, 2 a group at 8-byte beats) loads A and B group by
  // group on a slow memory; the real dma reports the B rows of the groups whose A is written,
  // the planted copy the rows of the group whose A is still loading (IlvGate_A).
  sim::DramConfig slow;
  slow.bytes_per_cycle = 1;
  slow.latency = 20;
  const std::vector<iface::DmaIn> ins = record_dma(kDmaParams, slow, "assert-dma-ilv", 20, 8, 16);
  check_dma_fault<Vdma_r4c4_fault4>(ins, "IlvGate_A");
}

TEST_CASE("assertions: dma's C-count range check fires on a planted fault", "[assert]") {
  // The column-store command's blocks (C halves of 16 words) write 60 C words in all, each block
  // into the half its predecessor does not use; the real dma clears a half's count when a block
  // starts on it, the planted copy never does, so a half's count passes its 16 words (CCount_A).
  sim::DramConfig fast;
  fast.latency = 2;
  const std::vector<iface::DmaIn> ins = record_dma(kDmaParams, fast, "assert-dma-ccount");
  int writes = 0;
  for (const iface::DmaIn& in : ins) writes += in.c_wr_en_i;
  REQUIRE(writes > 2 * 16);
  check_dma_fault<Vdma_r4c4_fault5>(ins, "CCount_A");
}

TEST_CASE("assertions: dma's K-per-block bound check fires on a planted fault", "[assert]") {
  // 1 x 4 x 128 on B halves of 128 words: one N-tile of K = 128 rows fills a half exactly, so
  // the block's K is 128 (no K-chunks: the block is all of M). The real dma's bound is half of B
  // (128, as are A's 32 words x 4 rows), the planted copy's one row less (KcBound_A).
  const std::vector<iface::DmaIn> ins =
      record_dma(kDmaParams, sim::DramConfig{}, "assert-dma-kc", 1, 4, 128);
  REQUIRE(kDmaParams.BWords / 2 == 128);
  check_dma_fault<Vdma_r4c4_fault6>(ins, "KcBound_A");
}

TEST_CASE("assertions: dma's rows-per-block bound check fires on a planted fault", "[assert]") {
  // 16 x 4 x 4 with halves of 32 A and 16 C words and 8 accumulator rows: blocks of 8 rows
  // (K-tiles outer: AccWords), within the real bound min(HalfA, HalfC) = 16, above the planted
  // copy's quarter of it (MbBound_A).
  const std::vector<iface::DmaIn> ins =
      record_dma(kDmaParams, sim::DramConfig{}, "assert-dma-mb", 16, 4, 4);
  REQUIRE((kDmaParams.AWords / 2 == 32 && kDmaParams.CWords / 2 == 16));
  check_dma_fault<Vdma_r4c4_fault7>(ins, "MbBound_A");
}

TEST_CASE("assertions: dma's one-panel cut width check fires on a planted fault", "[assert]") {
  // 256 x 4 x 4: one panel, the cut's P is 64 (the smallest power of two with P x P x 2 >= 256 x
  // 12), so M is cut into q = 4 blocks: within the real MqnW (12 bits), above the planted copy's
  // 2 bits, where the power of two narrows to 0 (MqnBound_A).
  const std::vector<iface::DmaIn> ins =
      record_dma(kDmaParams, sim::DramConfig{}, "assert-dma-mqn", 256, 4, 4);
  REQUIRE((kDmaParams.Rows == 4 && kDmaParams.Cols == 4));
  check_dma_fault<Vdma_r4c4_fault8>(ins, "MqnBound_A");
}

TEST_CASE("assertions: tile_ctrl's tail-countdown check fires on a planted fault", "[assert]") {
  // The planted copy ends the tail at tail_q == 0 instead of 1: the countdown reaches 0 while the
  // tail lasts, which TailNoUnderflow_A forbids (the phases stay one-hot: output).
  const iface::TileCtrlParams p{4, 4, 8, 3, 2};
  CHECK(run_command<Vtile_ctrl_r4c4>(p).empty());
  const std::string msg = run_command<Vtile_ctrl_r4c4_fault2>(p);
  INFO(msg);
  CHECK_THAT(msg, Catch::Contains("TailNoUnderflow_A") && Catch::Contains("tile_ctrl"));
}

TEST_CASE("assertions: tile_ctrl's B-rows gate check fires on a planted fault", "[assert]") {
  // B rows arrive one per 4 cycles: the real loader waits for them; the planted copy ignores the
  // gate and reads a row not yet loaded, which GateRows_A forbids.
  const iface::TileCtrlParams p{4, 4, 8, 3, 2};
  CHECK(run_command<Vtile_ctrl_r4c4>(p, true).empty());
  const std::string msg = run_command<Vtile_ctrl_r4c4_fault3>(p, true);
  INFO(msg);
  CHECK_THAT(msg, Catch::Contains("GateRows_A") && Catch::Contains("tile_ctrl"));
}

TEST_CASE("assertions: tile_ctrl's back-to-back start check fires on a planted fault", "[assert]") {
  // The planted copy shows ready_o as soon as the last slot issued, while the last tile's weight
  // load still runs: the second command's start would cut that load short, which
  // OverlapIdleIssue_A forbids.
  const iface::TileCtrlParams p{4, 4, 8, 3, 2};
  CHECK(run_back_to_back<Vtile_ctrl_r4c4>(p).empty());
  const std::string msg = run_back_to_back<Vtile_ctrl_r4c4_fault4>(p);
  INFO(msg);
  CHECK_THAT(msg, Catch::Contains("OverlapIdleIssue_A") && Catch::Contains("tile_ctrl"));
}

TEST_CASE("assertions: systolic_top's host-write check fires on a planted fault", "[assert]") {
  // A host write to A while a command runs: ignored by the real engine; the planted systolic_regs
  // passes it to the scratchpad, and NoHostWriteBusy_A stops the run.
  CHECK(write_while_busy<Vsystolic_top_4x4>().empty());
  const std::string msg = write_while_busy<Vsystolic_top_4x4_fault>();
  INFO(msg);
  CHECK_THAT(msg, Catch::Contains("NoHostWriteBusy_A") && Catch::Contains("systolic_top"));
}
