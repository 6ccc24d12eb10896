// Memory commands (rtl/dma.sv and its twin model/dma.h) on every built configuration, RTL and
// model in lockstep behind one memory model (sim/host/dram.h): every port of systolic_top, the
// memory port included, compared on every cycle; C against the reference GEMM; every memory byte
// outside C unchanged (the driver checks the whole image); memory traffic against the beat count
// recomputed here from the documented layout; the compute part of the cycles against the tile
// schedule of docs/architecture.md (engine_check.h), and the load/store parts against bounds.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <random>

#include "dram.h"
#include "engine_check.h"
#include "extreme_select.h"
#include "host_driver.h"
#include "lockstep.h"
#include "rtl_top.h"
#include "test_seed.h"

using systolic::model::TopParams;
using systolic::sim::Dram;
using systolic::sim::DramConfig;
using systolic::sim::DramPort;
using systolic::sim::GemmJob;
using systolic::sim::HostDriver;
using systolic::sim::LockstepPort;
using systolic::sim::RunStats;
namespace t = systolic::test;
namespace a = systolic::model::addr;

namespace {

// The plan of docs/architecture.md ("Memory commands"), recomputed here: blocks of Mb rows and
// Nb columns in one of two orders; the beats each block's transfers move (every tensor at a
// 64-byte boundary plus `mis`, the driver's documented layout); the tile schedule of each block.
struct Plan {
  uint64_t rd = 0, wr = 0;                // bytes (whole beats)
  uint64_t rd_a = 0, rd_b = 0, rd_q = 0;  // ... of the reads of A, B and BIAS/M0/SHIFT
  // Scratchpad words read and written by the engine and the DMA, region A .. SHIFT.
  uint64_t sram_rd[6] = {}, sram_wr[6] = {};
  uint64_t bytes = 0;      // the traffic formula of the chosen order (T_a or T_b)
  t::ExpectedCycles tile;  // summed over the blocks' tile commands
  int blocks = 0;          // tile commands (blocks x K-chunks)
  uint64_t tiles = 0;      // tiles of all tile commands (each may start before its B is in)
  bool a_outer = false, split = false;
  uint64_t mb = 0, nb = 0;  // rows per block, columns per panel
  uint64_t mf = 0;          // rows of the first block (mb, or more with a tall first block)
  bool tall_first = false;  // the first block taller than the others
  bool kto_cut = false;     // blocks cut to run K-tiles outer
  // K-chunks: the N-tiles the bounds allow a panel (NTm), before the panels are balanced.
  uint64_t nt_most = 0;
  bool m_balanced = false;  // without K-chunks: m-blocks balanced (a last one short of Rows)
  bool ilv = false;         // the first block loads A and B interleaved, group by group
  bool started = false;     // K-chunks only for the blocks' start (block 0 waits for its B)
  std::vector<std::array<uint64_t, 3>> cmds;  // each tile command's M, N, K, in order
};
// pairs (w4a8, docs/architecture.md "Precision"): A's rows are 2K bytes in memory, a half of A
// holds AWords / 2 / 2 word pairs, a row of a K-chunk of kc fills ceil(2 kc / Rows) words.
// `pad`: the bytes between rows of A, B and C beyond their length (the leading dimensions are the
// rows' bytes plus these: the driver's HostDriver::RowPad).
Plan plan(const TopParams& p, uint64_t M, uint64_t N, uint64_t K, uint64_t mis, double bw,
          bool pairs = false, const std::array<uint64_t, 3>& pad = {0, 0, 0}) {
  const uint64_t beat = uint64_t{1} << p.MemBytesLog2;
  const uint64_t KA = pairs ? 2 * K : K;  // A bytes of a row
  const uint64_t lda = KA + pad[0], ldb = N + pad[1], ldc = N + pad[2];
  const uint64_t ha = uint64_t(p.AWords / 2) / (pairs ? 2 : 1), hb = uint64_t(p.BWords / 2),
                 hc = uint64_t(p.CWords / 2), hq = uint64_t(p.QWords / 2);
  const uint64_t R = uint64_t(p.Rows), C = uint64_t(p.Cols);
  const uint64_t kt = (K + R - 1) / R, nt = (N + C - 1) / C;
  // The largest blocks; then cut along the dimension whose reloads cost nothing.
  const uint64_t ntbl = std::min({hb / K, nt, hq, hc});
  const uint64_t mbl = std::min({ha / kt, M, ntbl == 0 ? M : hc / ntbl});
  // Blocks without K-chunks.
  uint64_t mb = 0, nb = 0, kc = K;
  if (ntbl != 0 && mbl != 0) {
    const uint64_t npl = (N + std::min(ntbl * C, N) - 1) / std::min(ntbl * C, N);
    const uint64_t mbcl = (M + mbl - 1) / mbl;
    // One panel: blocks of about P = sqrt(M (2 Rows + Cols) / (KT + NTb)) rows (the nearest
    // power of two by its logarithm, at least Rows), as a power-of-two count q whose blocks all
    // hold Rows rows or more.
    const uint64_t ovh = 2 * R + C;
    uint64_t P = 1;
    while (2 * P * P * (kt + ntbl) < M * ovh) P <<= 1;
    const uint64_t qw = (M + std::max(P, R) - 1) / std::max(P, R);
    uint64_t q = 1;
    for (uint64_t c = 2; c <= qw; c *= 2) {
      if (c * (R + c - 1) <= M) q = c;
    }
    mb = npl == 1 ? std::min(mbl, (M + q - 1) / q) : mbl;
    // One m-block: panels of ceil(NT/4) N-tiles, and no more than AccWords / Mb (K-tiles outer).
    const uint64_t ntb =
        npl != 1 && mbcl == 1
            ? std::min({ntbl, (nt + 3) / 4, std::max<uint64_t>(1, uint64_t(p.AccWords) / mbl)})
            : ntbl;
    nb = std::min(ntb * C, N);
  }
  // K-chunks when nothing fits, or when more than one m-block is needed and the estimate
  // (array cycles at max(rows, Rows) per tile against traffic x 16 / min(DRAM_BW, the port's
  // limit)) favours them:
  // blocks of mbs rows and ntbs N-tiles, whose sums fit the accumulator buffer side by side:
  // mbs the most rows, or, when its estimate is the smaller and its memory time at most 3/4 of
  // its array time, the rows that leave room for every N-tile a chunk can hold.
  // The memory's bytes per cycle x 16 (as the driver writes DRAM_BW), at most one beat and one
  // scratchpad word of min(Rows, Cols) bytes per cycle.
  const uint64_t bw_cap = 16 * std::min({beat, R, C});
  const uint64_t bw_reg = bw > 0 ? uint64_t(std::llround(bw * 16)) : 0;
  const uint64_t bw16 = bw_reg == 0 || bw_reg > bw_cap ? bw_cap : bw_reg;
  // Array cycles: each m-block's tiles take max(its rows, Rows) slots, each tile command about
  // 2 Rows + Cols more.
  auto slots = [&](uint64_t rows) {
    uint64_t n = 0;
    for (uint64_t m0 = 0; m0 < M; m0 += rows) n += std::max(std::min(rows, M - m0), R);
    return n;
  };
  struct Est {
    uint64_t most = 0, ntbs = 0, ktc = 0, time = 0;
    bool array_bound = false;
  };
  auto est = [&](uint64_t rows) {
    Est e;
    const uint64_t most = std::min({uint64_t(p.AccWords) / rows, nt, hc / rows, hq, hb / R});
    e.most = most;
    if (most == 0) return e;
    // Panels of equal width: the fewest that `most` N-tiles a panel allow.
    const uint64_t n_panels = nt / most + (nt % most != 0);
    e.ntbs = nt / n_panels + (nt % n_panels != 0);
    e.ktc = std::min({ha / rows, hb / R / e.ntbs, kt});
    if (e.ktc == 0) return e;
    const uint64_t width = std::min(e.ntbs * C, N), panels = (N + width - 1) / width;
    const uint64_t blocks = (M + rows - 1) / rows, chunks = (kt + e.ktc - 1) / e.ktc;
    const uint64_t cyc = kt * nt * slots(rows) + blocks * panels * chunks * (2 * R + C);
    const uint64_t mem = (panels * M * KA + blocks * K * N + 9 * N + M * N) * 16 / bw16;
    e.time = std::max(cyc, mem);
    e.array_bound = 3 * cyc >= 4 * mem;
    return e;
  };
  uint64_t mbs = std::min({M, uint64_t(p.AccWords), hc, ha});
  {
    const uint64_t n_most = std::max<uint64_t>(1, std::min({nt, hq, hb / R}));
    const uint64_t rows1 = std::min(mbs, std::max(R, std::min(uint64_t(p.AccWords), hc) / n_most));
    const Est e0 = est(mbs), e1 = est(rows1);
    if (e1.ktc != 0 && (e1.array_bound || !e0.array_bound) && e1.time < e0.time) mbs = rows1;
  }
  const Est es = est(mbs);
  const uint64_t ntbs = es.ntbs;
  bool split = ntbl == 0 || mbl == 0, started_split = false;
  // (A chunk plan exists only if a K-tile of NTs N-tiles fits half of B.)
  if (!split && mbl < M && es.ktc != 0) {
    const uint64_t mbc0 = (M + mb - 1) / mb, np0 = (N + nb - 1) / nb;
    const uint64_t t_n = std::min((mbc0 > 1 ? np0 : 1) * M * KA + K * N + 9 * N + M * N,
                                  M * KA + (np0 > 1 ? mbc0 : 1) * (K * N + 9 * N) + M * N);
    const uint64_t cyc_n = kt * nt * slots(mb) + mbc0 * np0 * (2 * R + C);
    const uint64_t time_n = std::max(cyc_n, t_n * 16 / bw16);
    // The blocks again, started: block 0 waits for its A and its whole panel's B (with BIAS, M0
    // and SHIFT), then the other blocks' tiles follow; K-chunks win on that only by over 1/16.
    const uint64_t first_in = (mb * KA + (K + 9) * nb) * 16 / bw16;
    const uint64_t first_tiles = kt * ((nb + C - 1) / C) * std::max(mb, R) + 2 * R + C;
    const uint64_t started = first_in + cyc_n - std::min(first_tiles, cyc_n);
    split = es.time < time_n || es.time + es.time / 16 < std::max(time_n, started);
    started_split = split && !(es.time < time_n);
  }
  if (split) {
    mb = mbs;
    kc = std::min(std::min({ha / mb, hb / R / ntbs, kt}) * R, K);
    nb = std::min(ntbs * C, N);
  }
  const uint64_t mbc0 = (M + mb - 1) / mb, np = (N + nb - 1) / nb;
  const uint64_t tb = (mbc0 > 1 ? np : 1) * M * KA + K * N + 9 * N + M * N;
  const uint64_t ta = M * KA + (np > 1 ? mbc0 : 1) * (K * N + 9 * N) + M * N;
  const bool a_outer = !split && ta < tb;
  bool x_kto_cut = false;
  // Panels outer with several m-blocks (or one panel): A's traffic does not depend on their
  // height, so the blocks are made short enough to run K-tiles outer (their sums side by side in
  // the accumulator buffer), at least Rows rows, in equal parts.
  if (!split && !a_outer && (mbc0 > 1 || np == 1)) {
    const uint64_t ntb = (nb + C - 1) / C, cap = uint64_t(p.AccWords) / ntb;
    if (mb * ntb > uint64_t(p.AccWords) && cap >= R) {
      const uint64_t parts = (M + cap - 1) / cap;
      mb = (M + parts - 1) / parts;
      x_kto_cut = true;
    }
  }
  // Without K-chunks, a last m-block of fewer than Rows rows: equal m-blocks instead.
  bool m_balanced = false;
  if (!split && M % mb != 0 && M % mb < R) {
    const uint64_t count = M / mb + 1;
    mb = M / count + (M % count != 0);
    m_balanced = true;
  }
  // A tall first block: with one panel and more than one block, whose sums fit the accumulator
  // side by side, block 0 takes as many rows as half of A and the accumulator hold, and the
  // rest is split as before into equal blocks. Only when the start waits for memory (block 0's
  // and block 1's A, the panel's B and BIAS / M0 / SHIFT take longer than block 0's tiles would)
  // and block 1's tiles would still outlast block 0's C store and block 2's A.
  uint64_t mf = mb;
  bool tall_first = false;
  {
    const uint64_t ntb = (nb + C - 1) / C, acc = uint64_t(p.AccWords);
    const bool one_panel = nb == N, several = M > mb;
    const uint64_t tall = ntb == 0 ? 0 : std::min(mbl, acc / ntb);
    if (!split && one_panel && several && mb <= acc && mb * ntb <= acc && tall > mb && tall < M) {
      const uint64_t rest = M - tall, parts = (rest + mb - 1) / mb;
      const uint64_t other = (rest + parts - 1) / parts;
      const uint64_t start_in = (2 * mb * KA + (K + 9) * nb) * 16 / bw16;
      const uint64_t start_tiles = kt * ntb * std::max(mb, R);
      const uint64_t next_in = (tall * nb + other * KA) * 16 / bw16;
      const uint64_t next_tiles = kt * ntb * std::max(other, R);
      if (other >= R && start_in > start_tiles && next_in <= next_tiles) {
        mf = tall;
        mb = other;
        tall_first = true;
      }
    }
  }
  // m-blocks: the first mf rows, then mb rows each.
  const uint64_t mbc = mf >= M ? 1 : 1 + (M - mf + mb - 1) / mb;
  Plan x;
  // Split: A read once per panel, B once per m-block.
  x.bytes = split ? np * M * KA + mbc * K * N + 9 * N + M * N : std::min(ta, tb);
  x.a_outer = a_outer;
  x.kto_cut = x_kto_cut;
  x.mb = mb;
  x.mf = mf;
  x.tall_first = tall_first;
  x.nb = nb;
  x.split = split;
  x.nt_most = es.most;
  x.m_balanced = m_balanced;
  x.started = started_split;
  // Beats of `rows` rows of `len` bytes, row r at `start + r * ld` (start relative to a 64-byte
  // boundary, which every beat divides).
  auto beats = [&](uint64_t start, uint64_t rows, uint64_t ld, uint64_t len) {
    uint64_t n = 0;
    for (uint64_t r = 0; r < rows; ++r) n += ((start + r * ld) % beat + len + beat - 1) / beat;
    return n;
  };
  uint64_t prev_m = ~uint64_t{0}, prev_n = ~uint64_t{0};
  for (uint64_t i = 0; i < mbc * np; ++i) {
    const uint64_t bm = a_outer ? i / np : i % mbc, bn = a_outer ? i % np : i / mbc;
    const uint64_t m0 = bm == 0 ? 0 : mf + (bm - 1) * mb, n0 = bn * nb;
    const uint64_t mc = std::min(bm == 0 ? mf : mb, M - m0), nc = std::min(nb, N - n0);
    for (uint64_t k0 = 0; k0 < K; k0 += kc) {
      const uint64_t kcc = std::min(kc, K - k0);
      const uint64_t ntc = (nc + C - 1) / C, ktc = (kcc + R - 1) / R;
      // Loads: a row of A fills ceil(kcc / Rows) words, a row of B, BIAS, M0 or SHIFT
      // ceil(nc / Cols) words.
      if (split || m0 != prev_m) {
        const uint64_t a0 = pairs ? 2 * k0 : k0, alen = pairs ? 2 * kcc : kcc;
        // The command's first block loads A and B interleaved, in groups of ag K-tiles (a beat
        // of each A row), unless w4a8 or a B prefetch (panels outer, several panels and blocks).
        const uint64_t ag = (beat + R - 1) / R;
        const bool prefetch = !split && !a_outer && np > 1 && mbc > 1;
        // (and only with at least Rows rows, A's rows starting on beats).
        if (i == 0 && k0 == 0 && !pairs && !prefetch && kcc > ag * R && mc >= R &&
            mis % beat == 0 && lda % beat == 0) {
          x.ilv = true;
          for (uint64_t g0 = 0; g0 < kcc; g0 += ag * R) {
            x.rd_a += beats(mis + m0 * lda + g0, mc, lda, std::min(ag * R, kcc - g0));
          }
        } else {
          x.rd_a += beats(mis + m0 * lda + a0, mc, lda, alen);
        }
        x.sram_wr[0] += mc * ((alen + R - 1) / R);
      }
      if (split || n0 != prev_n) {
        x.rd_b += beats(mis + k0 * ldb + n0, kcc, ldb, nc);
        x.sram_wr[1] += kcc * ntc;
      }
      if (n0 != prev_n) {
        x.rd_q += 2 * beats(mis + 4 * n0, 1, 0, 4 * nc) + beats(mis + n0, 1, 0, nc);
        for (int q = 3; q < 6; ++q) x.sram_wr[q] += ntc;
      }
      // The tile command: each of its ntc x ktc tiles streams mc A words and, once per M-block of
      // AccWords rows, loads its valid weight rows; the last K-chunk reads BIAS / M0 / SHIFT and
      // writes C once per row and N-tile.
      x.sram_rd[0] += ntc * ktc * mc;
      x.sram_rd[1] += ntc * kcc * ((mc + uint64_t(p.AccWords) - 1) / uint64_t(p.AccWords));
      if (k0 + kcc == K) {
        for (int q = 3; q < 6; ++q) x.sram_rd[q] += mc * ntc;
        x.sram_wr[2] += mc * ntc;
      }
      x.cmds.push_back({mc, nc, kcc});
      prev_m = m0;
      prev_n = n0;
      const t::ExpectedCycles s = t::schedule(p, int(mc), int(nc), int(kcc));
      x.tiles += ntc * ktc * ((mc + uint64_t(p.AccWords) - 1) / uint64_t(p.AccWords));
      x.tile.busy += s.busy;
      x.tile.compute += s.compute;
      x.tile.wstall += s.wstall;
      x.tile.drain += s.drain;
      x.tile.output += s.output;
      x.tile.macs += s.macs;
      ++x.blocks;
    }
    if (i + 1 == mbc * np && mc <= uint64_t(p.AccWords)) {
      // The last block stores by columns of g N-tiles (at least a beat), each its own rows.
      const uint64_t g = (beat + C - 1) / C;
      for (uint64_t j = 0; j * C < nc; j += g) {
        x.wr += beats(mis + m0 * ldc + n0 + j * C, mc, ldc, std::min(g * C, nc - j * C));
      }
    } else {
      x.wr += beats(mis + m0 * ldc + n0, mc, ldc, nc);
    }
    x.sram_rd[2] += mc * ((nc + C - 1) / C);  // the store reads the block's C words
  }
  x.rd_a *= beat;
  x.rd_b *= beat;
  x.rd_q *= beat;
  x.rd = x.rd_a + x.rd_b + x.rd_q;
  x.wr *= beat;
  return x;
}

// Whether plan x of an M x N command prefetches the next panel's B (docs/architecture.md,
// "Sequence"): panels outer without K-chunks, several m-blocks and several panels.
bool prefetches(const Plan& x, uint64_t M, uint64_t N) {
  if (x.mb == 0 || x.nb == 0) return false;  // (a refused command)
  return !x.split && !x.a_outer && (M + x.mb - 1) / x.mb >= 2 && (N + x.nb - 1) / x.nb >= 2;
}

struct Case {
  TopParams p;
  int m, n, k;
  DramConfig dc;
  uint32_t misalign;
  bool top = false;               // the tensors at the top of the memory port's address space
  std::array<uint32_t, 3> pad{};  // bytes between rows of A, B, C (HostDriver::RowPad)
};

RunStats run_case(const Case& c, const GemmJob& job, bool lockstep = true) {
  std::unique_ptr<systolic::sim::HostPort> eng;
  if (lockstep) {
    eng = std::make_unique<LockstepPort>(c.p);
  } else {
    eng = std::make_unique<systolic::sim::ModelPort>(c.p);
  }
  Dram dram(c.dc, 1 << c.p.MemBytesLog2);
  DramPort port(*eng, dram);
  HostDriver drv(port);
  drv.set_memory(&dram, c.misalign, c.top);
  drv.set_row_pad({c.pad[0], c.pad[1], c.pad[2]});
  RunStats st;
  const std::vector<int8_t> out = drv.run(job, st);  // throws on a write outside C
  REQUIRE(out == systolic::sim::reference_gemm(job));
  REQUIRE(st.memory);
  // Placed at the top: the last tensor (C) ends within two guard zones of 2^MemAddrWidth.
  if (c.top) {
    CHECK(dram.origin() + dram.image().size() <= uint64_t{1} << a::kMemAddrWidth);
    CHECK(dram.origin() + dram.image().size() + 128 > uint64_t{1} << a::kMemAddrWidth);
  }
  // The memory's own count of beats equals the engine's counters.
  CHECK(st.engine.dram_rd == dram.reads() << c.p.MemBytesLog2);
  CHECK(st.engine.dram_wr == dram.writes() << c.p.MemBytesLog2);
  return st;
}

// The traffic counters: memory bytes by tensor, and every scratchpad's words.
void check_traffic(const systolic::model::Counters& e, const Plan& x) {
  CHECK(e.traffic[a::kCntDramRdA] == x.rd_a);
  CHECK(e.traffic[a::kCntDramRdB] == x.rd_b);
  CHECK(e.traffic[a::kCntDramRdQ] == x.rd_q);
  for (int i = 0; i < 6; ++i) {
    INFO("scratchpad region " << i + 1);
    CHECK(e.traffic[a::kCntSramRdA + i] == x.sram_rd[i]);
    CHECK(e.traffic[a::kCntSramWrA + i] == x.sram_wr[i]);
  }
}

// Every block is one tile_ctrl command on the tile schedule (x.tile: the blocks' schedules
// recomputed one after another). The gates (their schedule is checked exactly by
// test_tile_ctrl) can add one weight-load stall per tile: the slot after a gated load's first
// row. A block started back to back (in the tail of the one before; its schedule, also exactly
// in test_tile_ctrl) turns drain and output cycles of that tail into its own, and its first load
// starts no later than after the whole tail: the tail and stall cycles are at most those of the
// blocks run one after another, and the last block's tail, Rows + Cols - 1 drain and
// RequantDepth + 1 output cycles, is always there.
void check_tiles(const systolic::model::Counters& e, const Plan& x, const TopParams& p) {
  CHECK(e.compute == x.tile.compute);
  CHECK(e.wstall + e.drain + e.output <= x.tile.wstall + x.tiles + x.tile.drain + x.tile.output);
  CHECK(e.drain <= x.tile.drain);
  CHECK(e.output <= x.tile.output);
  CHECK(e.drain >= uint64_t(p.Rows + p.Cols - 1));
  CHECK(e.output >= uint64_t(p.RequantDepth + 1));
}

RunStats check_case(const Case& c, const GemmJob& job) {
  const RunStats st = run_case(c, job);
  const systolic::model::Counters& e = st.engine;
  REQUIRE(st.reference.has_value());
  // Each side's counters from its own host port.
  CHECK(st.reference->busy == e.busy);
  CHECK(st.reference->load == e.load);
  CHECK(st.reference->store == e.store);
  CHECK(st.reference->dram_rd == e.dram_rd);
  CHECK(st.reference->dram_wr == e.dram_wr);
  // w4a4 and w4a8: memory holds B (and in w4a4 A) packed along K, so the command is on
  // K = ceil(K / 2) and MACS counts two per PE product; w4a8's A rows are 2 ceil(K / 2) bytes
  // (docs/architecture.md, "Precision").
  const bool int4 = job.precision != systolic::quant::Precision::kInt8;
  const uint64_t k_engine = int4 ? uint64_t(c.k + 1) / 2 : uint64_t(c.k);
  const Plan x =
      plan(c.p, uint64_t(c.m), uint64_t(c.n), k_engine, c.misalign, c.dc.bytes_per_cycle,
           job.precision == systolic::quant::Precision::kW4A8, {c.pad[0], c.pad[1], c.pad[2]});
  INFO(x.blocks << " blocks");
  CHECK(e.dram_rd == x.rd);
  CHECK(e.dram_wr == x.wr);
  check_traffic(e, x);
  for (int i = 0; i < a::kNumCnt; ++i) CHECK(st.reference->traffic[i] == e.traffic[i]);
  // The traffic formula counts bytes; beats round each row up to whole beats.
  CHECK(e.dram_rd + e.dram_wr >= x.bytes);
  // The blocks' tile commands; the rest of the busy cycles are the array waiting for memory
  // (load: before and between blocks, and while tile_ctrl waits at its gates for a block's B
  // rows and BIAS / M0 / SHIFT) and the last store.
  CHECK(e.busy == e.load + e.store + e.wstall + e.compute + e.drain + e.output);
  check_tiles(e, x, c.p);
  CHECK(e.macs == x.tile.macs * (int4 ? 2 : 1));
  // The first block's operands must arrive before the array starts; the last C leaves after it.
  CHECK(e.load >= uint64_t(c.dc.latency) + 2);
  CHECK(e.store >= uint64_t(c.dc.latency));
  return st;
}

// The built configuration with the smallest A scratchpad (a small-scratchpad build exists for
// the block tests).
TopParams smallest_a_build() {
  TopParams p = systolic::sim::top_rtl_params().front();
  for (const TopParams& q : systolic::sim::top_rtl_params()) {
    if (q.AWords < p.AWords) p = q;
  }
  return p;
}

// Up to `count` shapes of a small grid, fewest MACs first, for which `want(M, N, K)` holds (each
// test's own condition on the plan recomputed here, never the engine's). The tests' fixed shapes
// were chosen for the suite's builds; on a build whose scratchpads leave them short of a kind of
// plan (e.g. a 4x4 with 64 words of A), these make up the difference. `step` scales the grid
// (multiples of the beat where a test needs whole beats).
template <class Want>
std::vector<std::array<int, 3>> shapes_where(size_t count, int step, Want want) {
  static const int kGrid[] = {1, 2, 3, 4, 5, 7, 9, 12, 16, 20, 25, 33, 40, 50, 64, 80, 100};
  std::vector<std::array<int, 3>> all;
  for (int m : kGrid) {
    for (int n : kGrid) {
      for (int k : kGrid) all.push_back({3 * m + 1, step * n, step * k});
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const auto& a, const auto& b) {
    return int64_t{a[0]} * a[1] * a[2] < int64_t{b[0]} * b[1] * b[2];
  });
  std::vector<std::array<int, 3>> got;
  for (const auto& s : all) {
    if (got.size() >= count) break;
    if (want(uint64_t(s[0]), uint64_t(s[1]), uint64_t(s[2]))) got.push_back(s);
  }
  return got;
}

}  // namespace

TEST_CASE("memory commands: random shapes, memories and alignments, RTL and model in lockstep",
          "[dma][rtl][random]") {
  const uint64_t seed = t::test_seed("dma-random");
  std::mt19937_64 rng(seed);
  const std::vector<TopParams> configs = systolic::sim::top_rtl_params();
  const double bws[] = {0, 1, 3.5, 8, 16, 64};
  std::mt19937_64 pad_rng(seed + 1);  // the row padding, apart from the shapes' draws
  for (int i = 0; i < 60; ++i) {
    Case c;
    c.p = configs[size_t(i) % configs.size()];
    c.m = 1 + int(rng() % 48);
    c.n = 1 + int(rng() % 48);
    c.k = 1 + int(rng() % 64);
    c.dc.bytes_per_cycle = bws[rng() % 6];
    c.dc.latency = 1 + int(rng() % 120);
    c.dc.outstanding = 1 + int(rng() % 32);
    c.dc.stall = (rng() % 3 == 0) ? 0.3 : 0.0;
    c.dc.seed = rng();
    c.misalign = uint32_t(rng() % 64);
    c.top = i % 3 == 2;  // every third case at the top of the address space
    if (i % 4 == 1) {    // every fourth with rows apart (a multiple of 64 bytes, or any)
      for (uint32_t& v : c.pad) {
        v = uint32_t(pad_rng() % 2 ? 64 * (pad_rng() % 4) : pad_rng() % 200);
      }
    }
    INFO("case " << i << " (seed " << seed << "): " << c.p.name() << " M=" << c.m << " N=" << c.n
                 << " K=" << c.k << " bw=" << c.dc.bytes_per_cycle << " latency=" << c.dc.latency
                 << " outstanding=" << c.dc.outstanding << " stall=" << c.dc.stall
                 << " misalign=" << c.misalign << (c.top ? " at the top" : "") << " row pad "
                 << c.pad[0] << ", " << c.pad[1] << ", " << c.pad[2]);
    check_case(c, t::random_job(rng, c.m, c.n, c.k));
  }
}

TEST_CASE("memory commands: w4a4 and w4a8 GEMMs from packed tensors, RTL and model in lockstep",
          "[dma][rtl][int4]") {
  // w4a8: A's rows 2 ceil(K / 2) bytes in memory, loaded into word pairs (also K-chunks: the
  // small 8x8 build's 127 A words hold 31 pairs a half).
  const uint64_t seed = t::test_seed("dma-int4");
  std::mt19937_64 rng(seed);
  std::vector<TopParams> configs;
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    if (p.Int4 == 1) configs.push_back(p);
  }
  REQUIRE(!configs.empty());
  const double bws[] = {0, 3.5, 16};
  std::mt19937_64 pad_rng(seed + 1);  // the row padding, apart from the shapes' draws
  for (const auto prec : {systolic::quant::Precision::kW4A4, systolic::quant::Precision::kW4A8}) {
    for (int i = 0; i < 24; ++i) {
      Case c;
      c.p = configs[size_t(i) % configs.size()];
      c.m = 1 + int(rng() % 40);
      c.n = 1 + int(rng() % 40);
      c.k = 1 + int(rng() % 100);
      if (i % 4 == 3) c.k = 100 + int(rng() % 300);  // more K-tiles than half of A holds
      c.dc.bytes_per_cycle = bws[rng() % 3];
      c.dc.latency = 1 + int(rng() % 100);
      c.dc.outstanding = 1 + int(rng() % 16);
      c.dc.seed = rng();
      c.misalign = uint32_t(rng() % 64);
      if (i % 4 == 1) {  // rows apart (packed rows of w4a4 A and B, w4a8's 2 ceil(K / 2)-byte A)
        for (uint32_t& v : c.pad) v = uint32_t(pad_rng() % 100);
      }
      INFO(systolic::quant::precision_name(prec)
           << " case " << i << " (seed " << seed << "): " << c.p.name() << " M=" << c.m
           << " N=" << c.n << " K=" << c.k << " bw=" << c.dc.bytes_per_cycle
           << " latency=" << c.dc.latency << " misalign=" << c.misalign << " row pad " << c.pad[0]
           << ", " << c.pad[1] << ", " << c.pad[2]);
      check_case(c, t::random_job(rng, c.m, c.n, c.k, prec));
    }
  }
}

TEST_CASE("memory commands: directed corners", "[dma][rtl]") {
  std::mt19937_64 rng(t::test_seed("dma-directed"));
  const TopParams p = systolic::sim::top_rtl_params().front();
  DramConfig slow;
  slow.bytes_per_cycle = 0.25;
  slow.latency = 300;
  slow.outstanding = 1;
  DramConfig fast;
  fast.bytes_per_cycle = 0;
  fast.latency = 1;
  fast.outstanding = 4096;
  const int R = p.Rows, C = p.Cols;
  const int shapes[][3] = {{1, 1, 1},
                           {1, C, R},
                           {R, C, R},
                           {R + 1, C + 1, R + 1},
                           {3, 2 * C - 1, 1},
                           {2, 1, 4 * R},
                           {p.AccWords + 3, 3, 5}};
  for (const DramConfig& dc : {slow, fast}) {
    for (const auto& s : shapes) {
      for (uint32_t mis : {0u, 1u, 63u}) {
        INFO("M=" << s[0] << " N=" << s[1] << " K=" << s[2] << " bw=" << dc.bytes_per_cycle
                  << " misalign=" << mis);
        check_case(Case{p, s[0], s[1], s[2], dc, mis}, t::random_job(rng, s[0], s[1], s[2]));
      }
    }
  }
}

// A beat of two words or more: a load of A writes, and a store reads C, two words of a row in a
// cycle (A and C are two banks by word parity). With one N-tile a block's slots read one A word a
// cycle, and its A and C words are more than its compute cycles: one word a cycle through the
// DMA would make the command last at least as many cycles as the words it moved.
TEST_CASE("memory commands: A and C move word pairs and outrun one word a cycle", "[dma][rtl]") {
  std::mt19937_64 rng(t::test_seed("dma-pairs"));
  const TopParams p = systolic::sim::top_rtl_params().front();
  REQUIRE((1 << p.MemBytesLog2) >= 2 * std::max(p.Rows, p.Cols));
  DramConfig fast;
  fast.bytes_per_cycle = 0;
  fast.latency = 100;
  fast.outstanding = 4096;
  const int m = 512 * p.Rows, n = p.Cols, k = 4 * p.Rows;
  const RunStats st = check_case(Case{p, m, n, k, fast, 0}, t::random_job(rng, m, n, k));
  const systolic::model::Counters& e = st.engine;
  uint64_t words = e.traffic[a::kCntSramRdA + 2];  // C read by the store
  for (int i : {0, 1, 3, 4, 5}) words += e.traffic[a::kCntSramWrA + i];
  INFO("cycles " << e.busy << ", scratchpad words the DMA moved " << words);
  // A: K / Rows words a row; C: one N-tile, a word a row; B: K rows of it; BIAS, M0, SHIFT: a word.
  CHECK(words == uint64_t(m) * uint64_t(k / p.Rows) + uint64_t(m) + uint64_t(k) + 3);
  CHECK(e.busy < words);
}

// The model's DMA port, counted on every edge: B words written, and of them the pairs.
struct BPairCount final : systolic::model::TopObserver {
  uint64_t words = 0, pairs = 0;
  void on_reset(const systolic::model::SystolicTop&) override {}
  void before_edge(const systolic::model::SystolicTop& top, const systolic::model::TopIn&,
                   const systolic::model::TopOut&) override {
    const systolic::iface::DmaOut& o = top.dma().out();
    if ((o.wr_en_o & systolic::iface::region_bit(a::kB)) == 0) return;
    words += o.wr_pair_o ? 2 : 1;
    pairs += o.wr_pair_o;
  }
  void after_edge(const systolic::model::SystolicTop&) override {}
};

// A memory command's B is k-major in the scratchpad (docs/architecture.md, "Memory commands"):
// row k's N-tiles side by side, as tile_ctrl reads them with b_kmajor_i, so that a load of B
// writes two words of a row in a cycle (B is two banks by word parity), as A's. One panel of an
// odd NT (the row's last word alone), behind a fast memory: every row of K's NT words is written
// in at most floor(NT / 2) pairs and a lone word, and a beat of two words or more keeps the
// staging buffer ahead, so most rows make all their pairs. Counted on the model's DMA port, in
// lockstep with the RTL (every port compared on every cycle).
TEST_CASE("memory commands: B moves word pairs, its rows' N-tiles side by side", "[dma][rtl]") {
  std::mt19937_64 rng(t::test_seed("dma-b-pairs"));
  const TopParams p = systolic::sim::top_rtl_params().front();
  REQUIRE((1 << p.MemBytesLog2) >= 2 * p.Cols);
  DramConfig fast;
  fast.bytes_per_cycle = 0;
  fast.latency = 100;
  fast.outstanding = 4096;
  const uint64_t nt = 9, kmax = uint64_t(p.BWords / 2) / nt;
  REQUIRE(kmax >= uint64_t(p.Rows));
  const int m = p.Rows, n = int(nt) * p.Cols,
            k = int(std::min<uint64_t>(kmax, 8 * uint64_t(p.Rows)));
  const Plan x = plan(p, uint64_t(m), uint64_t(n), uint64_t(k), 0, 0.0);
  REQUIRE(x.nb >= uint64_t(n));  // one panel: B loads once, K rows of NT words
  REQUIRE(!x.split);
  auto lock = std::make_unique<LockstepPort>(p);
  BPairCount count;
  dynamic_cast<systolic::sim::ModelPort&>(lock->model()).set_observer(&count);
  Dram dram(fast, 1 << p.MemBytesLog2);
  DramPort port(*lock, dram);
  HostDriver drv(port);
  drv.set_memory(&dram, 0, false);
  const GemmJob job = t::random_job(rng, m, n, k);
  RunStats st;
  REQUIRE(drv.run(job, st) == systolic::sim::reference_gemm(job));
  INFO("B words " << count.words << ", in pairs " << 2 * count.pairs << "; cycles "
                  << st.engine.busy);
  CHECK(count.words == uint64_t(k) * nt);
  CHECK(st.engine.traffic[a::kCntSramWrA + 1] == uint64_t(k) * nt);
  CHECK(count.pairs <= uint64_t(k) * (nt / 2));
  CHECK(4 * count.pairs >= 3 * uint64_t(k) * (nt / 2));
}

// The plan's estimate with the blocks' start (docs/architecture.md, "K-chunks"): at a bandwidth
// where the first block's A and its panel's whole B take longer than its tiles, the blocks
// after it wait; K-chunks, whose first chunk loads a K-slice of A and B, are then taken when
// faster by more than 1/16 even though the blocks without their start are not slower. Shapes
// where only that start decides (the plan recomputed here), in lockstep with the RTL on the
// smallest build: the beats read and written, per tensor, are the K-chunk plan's.
TEST_CASE("memory commands: K-chunks when the first block would wait for its panel's B",
          "[dma][rtl]") {
  std::mt19937_64 rng(t::test_seed("dma-started"));
  // The smallest built scratchpads (a configuration with small ones is built for this: with
  // the others every shape of the grid is one block).
  const TopParams p = smallest_a_build();
  REQUIRE(p.AWords <= 4096);
  int found = 0;
  for (double bw : {4.0, 8.0}) {
    const auto shapes = shapes_where(2, 4, [&](uint64_t m, uint64_t n, uint64_t k) {
      return m >= 2 * uint64_t(p.Rows) && plan(p, m, n, k, 0, bw).started;
    });
    for (const auto& s : shapes) {
      DramConfig dc;
      dc.bytes_per_cycle = bw;
      dc.latency = 20;
      Case c{p, s[0], s[1], s[2], dc, 0};
      INFO("M=" << c.m << " N=" << c.n << " K=" << c.k << " bw " << bw);
      const Plan x = plan(p, uint64_t(c.m), uint64_t(c.n), uint64_t(c.k), 0, bw);
      REQUIRE(x.split);
      check_case(c, t::random_job(rng, c.m, c.n, c.k));
      ++found;
    }
  }
  CHECK(found == 4);
}

TEST_CASE("memory commands: 4096 writes in flight behind a latency of 5000 cycles", "[dma][rtl]") {
  // The harness's deepest memory (4096 requests outstanding, unlimited bandwidth) behind a
  // latency longer than a block's C store takes to issue, on the standard 4x4 and 16x16 builds:
  // blocks of 4096 rows (the plan recomputed here says so), each row of C its own beat or more
  // (4096 x 129 x 1 at 4x4: panels of 4 columns, rows 129 bytes apart; 4096 x 1024 x 1 at
  // 16x16: panels of 16), so a block's store has 4096 writes in flight before the first
  // acknowledgement, the DMA's count of them reaches the memory's limit, and the memory's
  // backpressure (ready low at 4096) holds the rest.
  std::mt19937_64 rng(t::test_seed("dma-deep"));
  DramConfig deep;
  deep.bytes_per_cycle = 0;
  deep.latency = 5000;
  deep.outstanding = 4096;
  int ran = 0;
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    // (Only the default builds: with small scratchpads the blocks are short and many, each
    // behind the 5000 cycles.)
    const std::string spec = systolic::sim::config_spec(p);
    if (spec != "4x4" && spec != "16x16") continue;
    const int n = spec == "4x4" ? 129 : 1024;
    INFO(p.name() << ": M=4096 N=" << n << " K=1, latency 5000, 4096 outstanding");
    CHECK(plan(p, 4096, uint64_t(n), 1, 0, 0.0).mb == 4096);
    check_case(Case{p, 4096, n, 1, deep, 0}, t::random_job(rng, 4096, n, 1));
    ++ran;
  }
  CHECK(ran > 0);  // (the suite's builds have both; a coverage build may have only the 4x4)
}

TEST_CASE("memory commands: rows apart (leading dimensions beyond the rows), every build",
          "[dma][rtl]") {
  // LD_A, LD_B and LD_C larger than their rows: tensors inside larger ones (a slice of a wider
  // output, say). C lands in its rows only: the bytes between rows are guard bytes the driver
  // checks unchanged; the traffic is recomputed with the strides (the beats each row straddles).
  // The pads: a few bytes (rows across beats), multiples of 64 (A's rows on beats: the first
  // block interleaves), and strides of 64 KiB to 256 KiB (tens of MB of address space).
  std::mt19937_64 rng(t::test_seed("dma-row-pad"));
  const std::array<uint32_t, 3> pads[] = {{1, 2, 3}, {64 - 5, 128, 61}, {4093, 65536, 262144}};
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    const int shapes[][3] = {{3 * p.Rows + 1, 2 * p.Cols + 3, 5 * p.Rows}, {70, 9, 300}};
    for (const auto& s : shapes) {
      for (const auto& pad : pads) {
        DramConfig dc;
        dc.latency = 20;
        Case c{p, s[0], s[1], s[2], dc, pad[0] == 1 ? 17u : 0u, false, pad};
        INFO(p.name() << " M=" << c.m << " N=" << c.n << " K=" << c.k << " row pad " << pad[0]
                      << ", " << pad[1] << ", " << pad[2]);
        check_case(c, t::random_job(rng, c.m, c.n, c.k));
      }
    }
  }
}

TEST_CASE("memory commands: K-chunks stack four N-tiles of 256 rows in the accumulator buffer",
          "[dma][rtl]") {
  // On the first built configuration (4x4, AccWords 1024): 512 x 16 x 2200 is planned in K-chunks
  // (recomputed here) of 256-row blocks whose four N-tiles' sums lie side by side in the
  // accumulator buffer (rows 0, 256, 512 and 768 for N-tiles 0..3), each K-chunk's tiles K-tiles
  // outer; the other cases' chunks use fewer rows or N-tiles. About 1.2 million cycles.
  std::mt19937_64 rng(t::test_seed("dma-chunk-stack"));
  const TopParams p = systolic::sim::top_rtl_params().front();
  DramConfig fast;
  fast.bytes_per_cycle = 0;
  const Case c{p, 512, 16, 2200, fast, 0};
  const Plan x = plan(p, 512, 16, 2200, 0, 0);
  if (p.AccWords != 1024 || p.Rows != 4 || p.Cols != 4 || !x.split || x.mb != 256) {
    WARN("the first build (" << p.name() << ") does not chunk 512 x 16 x 2200 into "
                             << "256-row blocks of 4 N-tiles; the case runs as planned there");
  }
  check_case(c, t::random_job(rng, c.m, c.n, c.k));
}

TEST_CASE("memory commands: the first block loads A and B interleaved, group by group",
          "[dma][rtl]") {
  // Shapes whose first block has more than one group of K-tiles (a beat of each A row), at
  // least Rows rows and A rows on beats: it computes from its first group on, each weight load
  // behind the B rows written, each group's A columns before its B rows. On a slow memory the
  // array waits at that gate; on a fast one the loads stay ahead.
  std::mt19937_64 rng(t::test_seed("dma-interleave"));
  DramConfig slow;
  slow.bytes_per_cycle = 0.5;
  slow.latency = 40;
  DramConfig fast;
  fast.bytes_per_cycle = 0;
  fast.latency = 1;
  for (const TopParams& p : {systolic::sim::top_rtl_params().front(), smallest_a_build()}) {
    const int R = p.Rows, C = p.Cols;
    std::vector<std::array<int, 3>> shapes = {
        {R, C, 128}, {2 * R + 1, 2 * C + 3, 192}, {3 * R, C - 1, 64 * R}};
    const DramConfig dcs[] = {slow, fast, DramConfig{}};
    auto ilv = [&](uint64_t m, uint64_t n, uint64_t k) {
      int c = 0;
      for (const DramConfig& dc : dcs) c += plan(p, m, n, k, 0, dc.bytes_per_cycle).ilv ? 1 : 0;
      return c;
    };
    int fixed = 0;
    for (const auto& s : shapes) fixed += ilv(uint64_t(s[0]), uint64_t(s[1]), uint64_t(s[2]));
    if (fixed < 5) {  // shapes of this build's plans that interleave on every memory
      for (const auto& s : shapes_where(
               2, 16, [&](uint64_t m, uint64_t n, uint64_t k) { return ilv(m, n, k) == 3; })) {
        shapes.push_back(s);
      }
    }
    int interleaved = 0;  // (the plan decides: e.g. K-chunks may leave the first block short)
    for (const DramConfig& dc : dcs) {
      for (const auto& s : shapes) {
        INFO(p.Rows << "x" << p.Cols << " M=" << s[0] << " N=" << s[1] << " K=" << s[2]
                    << " bw=" << dc.bytes_per_cycle);
        const Plan x =
            plan(p, uint64_t(s[0]), uint64_t(s[1]), uint64_t(s[2]), 0, dc.bytes_per_cycle);
        interleaved += x.ilv;
        check_case(Case{p, s[0], s[1], s[2], dc, 0}, t::random_job(rng, s[0], s[1], s[2]));
      }
    }
    INFO(p.Rows << "x" << p.Cols);
    CHECK(interleaved >= 5);
  }
}

TEST_CASE("memory commands: GEMMs beyond half the scratchpads run in blocks, both orders",
          "[dma][rtl]") {
  std::mt19937_64 rng(t::test_seed("dma-blocks"));
  // The smallest built scratchpads (a configuration with small ones is built for this).
  const TopParams p = smallest_a_build();
  REQUIRE(p.AWords <= 4096);
  int a_outer = 0, b_outer = 0, split = 0;
  std::vector<std::array<int, 3>> shapes = {{90, 40, 30},  {33, 90, 7},  {30, 200, 20},
                                            {120, 9, 100}, {64, 64, 64}, {40, 20, 300},
                                            {20, 9, 130}};
  // Each kind the fixed shapes miss on this build: the smallest shape of the grid with it.
  const DramConfig dc0;
  auto kind = [&](uint64_t m, uint64_t n, uint64_t k) {
    const Plan x = plan(p, m, n, k, 3, dc0.bytes_per_cycle);
    return x.blocks < 2 ? 0 : x.split ? 3 : x.a_outer ? 1 : 2;
  };
  bool have[4] = {};
  for (const auto& sh : shapes)
    have[kind(uint64_t(sh[0]), uint64_t(sh[1]), uint64_t(sh[2]))] = true;
  for (int want = 1; want <= 3; ++want) {
    if (have[want]) continue;
    for (const auto& sh : shapes_where(
             1, 1, [&](uint64_t m, uint64_t n, uint64_t k) { return kind(m, n, k) == want; })) {
      shapes.push_back(sh);
      have[want] = true;
    }
    // (e.g. 4x4 with AWords 64 and QWords 8: its plans never keep A resident in the grid)
    if (!have[want]) {
      WARN(p.name() << ": no shape of the grid plans "
                    << (want == 1   ? "A outer"
                        : want == 2 ? "B outer"
                                    : "K-chunks"));
    }
  }
  for (const auto& sh : shapes) {
    Case c{p, sh[0], sh[1], sh[2], DramConfig{}, 3};
    c.dc.latency = 20;
    c.dc.stall = 0.1;
    INFO(p.name() << " M=" << c.m << " N=" << c.n << " K=" << c.k);
    const Plan x = plan(p, uint64_t(c.m), uint64_t(c.n), uint64_t(c.k), 3, c.dc.bytes_per_cycle);
    CHECK(x.blocks > 1);
    ++(x.a_outer ? a_outer : b_outer);
    split += x.split;
    check_case(c, t::random_job(rng, c.m, c.n, c.k));
  }
  // Both loop orders ran, and K-chunks (each that the build's plans take).
  if (have[1]) CHECK(a_outer > 0);
  if (have[2]) CHECK(b_outer > 0);
  if (have[3]) CHECK(split > 0);
}

TEST_CASE("memory commands: blocks start back to back in the tail of the one before",
          "[dma][rtl]") {
  // One panel, several m-blocks, each block's array time (Mb x KT x NT slots) well above its
  // memory time (its A, and the C of the block before, one scratchpad word per cycle), unlimited
  // bandwidth: every block after the second is ready when the one before issues its last slot
  // (the second may not be: its A loads after the first block's B, which loads while the first
  // computes), and all share one BIAS / M0 / SHIFT half, so each starts during that tail (docs/
  // architecture.md, "Back to back"): of the output stages (RequantDepth + 1 OUTPUT cycles
  // each) at most the first block's and the last block's are left, and the DRAIN cycles are at
  // most those of two tails (Rows + Cols - 1 each) and Rows per other block (the cycles between
  // the last slot and the start: tile_ctrl shows ready_o, the DMA starts it the cycle after;
  // or the rest of the block's last weight load).
  std::mt19937_64 rng(t::test_seed("dma-b2b"));
  const TopParams p = smallest_a_build();
  REQUIRE(p.AWords <= 4096);
  int ran = 0;  // shapes of one panel, 3 or more blocks and no K-chunks (the plan decides)
  const uint64_t lat = 20;
  // The condition above, from the plan recomputed here: a block's slots (max(Mb, Rows) x KT x
  // NT) at least its memory time (Mb x KT words of A, Mb x NT of the C before, a read's and a
  // write's latency).
  auto tail_bound = [&](uint64_t m, uint64_t n, uint64_t k) {
    const Plan x = plan(p, m, n, k, 0, 0);
    const uint64_t R = uint64_t(p.Rows), kt = (k + R - 1) / R,
                   nt = (n + uint64_t(p.Cols) - 1) / uint64_t(p.Cols);
    return x.nb >= n && x.blocks >= 3 && !x.split &&
           std::max(x.mb, R) * kt * nt >= x.mb * (kt + nt) + 2 * lat;
  };
  std::vector<std::array<int, 3>> shapes = {{5 * p.Rows + 3, 2 * p.Cols, 8 * p.Rows},
                                            {9 * p.Rows, 2 * p.Cols - 1, 6 * p.Rows + 1},
                                            {7 * p.Rows + 1, 2 * p.Cols, 3 * p.Rows}};
  const size_t n_fixed = shapes.size();
  size_t fixed = 0;  // fixed shapes that meet the condition
  for (const auto& sh : shapes) {
    fixed += tail_bound(uint64_t(sh[0]), uint64_t(sh[1]), uint64_t(sh[2])) ? 1 : 0;
  }
  if (fixed < 2) {
    for (const auto& sh : shapes_where(2 - fixed, 1, tail_bound)) shapes.push_back(sh);
  }
  const int need = int(std::min<size_t>(2, fixed + (shapes.size() - n_fixed)));
  if (need < 2) WARN(p.name() << ": " << need << " shapes of the grid meet the condition above");
  for (const auto& sh : shapes) {
    Case c{p, sh[0], sh[1], sh[2], DramConfig{}, 0};
    c.dc.bytes_per_cycle = 0;
    c.dc.latency = int(lat);
    INFO(p.name() << " M=" << c.m << " N=" << c.n << " K=" << c.k);
    const Plan x = plan(p, uint64_t(c.m), uint64_t(c.n), uint64_t(c.k), 0, 0);
    if (!tail_bound(uint64_t(c.m), uint64_t(c.n), uint64_t(c.k))) continue;
    ++ran;
    const RunStats st = check_case(c, t::random_job(rng, c.m, c.n, c.k));
    const systolic::model::Counters& e = st.engine;
    CHECK(e.output <= 2 * uint64_t(p.RequantDepth + 1));
    CHECK(e.drain <= 2 * uint64_t(p.Rows + p.Cols - 1) + uint64_t(x.blocks) * uint64_t(p.Rows));
    CHECK(e.drain + e.output < x.tile.drain + x.tile.output);
  }
  INFO(p.name());
  CHECK(ran >= need);
}

// The memory read requests an engine's port accepts, in order (addresses).
class RecordPort final : public systolic::sim::HostPort {
 public:
  explicit RecordPort(systolic::sim::HostPort& inner) : inner_(inner) {}
  const TopParams& params() const override { return inner_.params(); }
  void reset() override {
    inner_.reset();
    last_ = nullptr;
  }
  const systolic::model::TopOut& clock(const systolic::model::TopIn& in) override {
    if (last_ && last_->mem_req_valid_o && !last_->mem_req_we_o && in.mem_req_ready_i) {
      reads.push_back(last_->mem_req_addr_o);
    }
    last_ = &inner_.clock(in);
    return *last_;
  }
  uint64_t cycles() const override { return inner_.cycles(); }
  const systolic::model::TopOut* reference_out() const override { return inner_.reference_out(); }
  std::vector<uint64_t> reads;

 private:
  systolic::sim::HostPort& inner_;
  const systolic::model::TopOut* last_ = nullptr;
};

TEST_CASE("memory commands: the next panel's B loads in parts while the panel computes",
          "[dma][rtl]") {
  // docs/architecture.md, "Sequence": panels outer without K-chunks, MBc m-blocks and NP panels;
  // the next panel's B in parts of Kp = ceil(K / MBc) rows (K-tiles outer) or ceil(K / (MBc -
  // 1)), part j after block j + 1's A; the panel's first block then reads B from row
  // kl = min(K, (MBc - 1) Kp). Checked on the order of the accepted read requests (rows and
  // panels aligned to beats: K, N and Nb multiples of the beat, no misalignment), on the RTL and
  // model in lockstep.
  std::mt19937_64 rng(t::test_seed("dma-prefetch"));
  const TopParams p = smallest_a_build();
  const uint64_t beat = uint64_t{1} << p.MemBytesLog2;
  int ran = 0;
  // (A read of B counts for the panel of its beat's first column: panels of whole beats.)
  auto prefetching = [&](uint64_t M, uint64_t N, uint64_t K) {
    if (K % beat != 0 || N % beat != 0) return false;
    const Plan x = plan(p, M, N, K, 0, 16.0);
    return prefetches(x, M, N) && x.nb % beat == 0;
  };
  std::vector<std::array<int, 3>> shapes = {
      {50, 48, 32}, {70, 32, 16}, {90, 64, 48}, {45, 80, 32}, {100, 48, 16}};
  const size_t n_fixed = shapes.size();
  size_t fixed = 0;  // fixed shapes that prefetch
  for (const auto& sh : shapes) {
    fixed += prefetching(uint64_t(sh[0]), uint64_t(sh[1]), uint64_t(sh[2])) ? 1 : 0;
  }
  if (fixed < 2) {
    for (const auto& sh : shapes_where(2 - fixed, int(beat), prefetching)) shapes.push_back(sh);
  }
  // (A build whose panels are narrower than a beat has none: e.g. 4x4 with QWords = 4.)
  const int need = int(std::min<size_t>(2, fixed + (shapes.size() - n_fixed)));
  if (need < 2) WARN(p.name() << ": " << need << " prefetching shapes of whole beats in the grid");
  for (const auto& sh : shapes) {
    const uint64_t M = uint64_t(sh[0]), N = uint64_t(sh[1]), K = uint64_t(sh[2]);
    if (!prefetching(M, N, K)) continue;
    const Plan x = plan(p, M, N, K, 0, 16.0);
    const uint64_t mbc = (M + x.mb - 1) / x.mb, np = (N + x.nb - 1) / x.nb;
    INFO(p.name() << " M=" << M << " N=" << N << " K=" << K << ": Mb " << x.mb << ", Nb " << x.nb);
    const uint64_t ntb = (x.nb + uint64_t(p.Cols) - 1) / uint64_t(p.Cols);
    const bool kt_outer = x.mb <= uint64_t(p.AccWords) && x.mb * ntb <= uint64_t(p.AccWords);
    const uint64_t parts = kt_outer ? mbc : mbc - 1, kp = (K + parts - 1) / parts;
    const uint64_t kl = std::min(K, (mbc - 1) * kp);
    // The expected runs of reads: ('A', m-block), ('B', panel, first row, last row), ('Q').
    using Run = std::array<uint64_t, 4>;
    std::vector<Run> want;
    for (uint64_t pn = 0; pn < np; ++pn) {
      for (uint64_t j = 0; j < mbc; ++j) {
        want.push_back({'A', j, 0, 0});
        if (j == 0) {
          const uint64_t k0 = pn == 0 ? 0 : kl;
          if (k0 < K) want.push_back({'B', pn, k0, K - 1});
          want.push_back({'Q', 0, 0, 0});
        } else if (pn + 1 < np && (j - 1) * kp < K) {
          want.push_back({'B', pn + 1, (j - 1) * kp, std::min(K, j * kp) - 1});
        }
      }
    }
    Case c{p, int(M), int(N), int(K), DramConfig{}, 0};
    c.dc.latency = 30;
    LockstepPort eng(p);
    RecordPort rec(eng);
    Dram dram(c.dc, 1 << p.MemBytesLog2);
    DramPort port(rec, dram);
    HostDriver drv(port);
    drv.set_memory(&dram, 0);
    RunStats st;
    const GemmJob job = t::random_job(rng, c.m, c.n, c.k);
    REQUIRE(drv.run(job, st) == systolic::sim::reference_gemm(job));
    // The reads as runs. The first read is A's row 0 (block 0's A loads first), the first one
    // past A's M x K bytes B's row 0 (then its B); the tensors lie apart (A, B, then BIAS, M0,
    // SHIFT: 'Q').
    REQUIRE(!rec.reads.empty());
    const uint64_t a0 = rec.reads.front();
    uint64_t b0 = ~uint64_t{0};
    std::vector<Run> got;
    for (const uint64_t addr : rec.reads) {
      Run r{'Q', 0, 0, 0};
      if (addr >= a0 && addr < a0 + M * K) {
        r = {'A', (addr - a0) / K / x.mb, 0, 0};
      } else {
        if (b0 == ~uint64_t{0}) b0 = addr;
        if (addr >= b0 && addr < b0 + K * N) {
          const uint64_t row = (addr - b0) / N, col = (addr - b0) % N;
          r = {'B', col / x.nb, row, row};
        }
      }
      if (!got.empty() && got.back()[0] == r[0] && got.back()[1] == r[1] &&
          (r[0] != 'B' || r[2] >= got.back()[3])) {
        got.back()[3] = std::max(got.back()[3], r[3]);
      } else {
        got.push_back(r);
      }
    }
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < want.size(); ++i) {
      INFO("run " << i << ": " << char(want[i][0]) << " " << want[i][1] << " rows " << want[i][2]
                  << ".." << want[i][3]);
      CHECK(got[i] == want[i]);
    }
    ++ran;
  }
  CHECK(ran >= need);
}

TEST_CASE(
    "memory commands: the default scratchpads walk panels, m-blocks, K-chunks and the prefetch",
    "[dma][rtl]") {
  // The block tests above run on the small-scratchpad builds; these shapes take the same walks
  // on the builds with the default scratchpads (4x4 and 16x16 here), at a few hundred thousand
  // cycles each: several panels (N beyond 32 N-tiles, HalfQ), m-blocks with panels inner (A
  // resident), K-chunks (a 1024-row block holds 256 K-tiles of A), K-chunks over several
  // m-blocks and panels, and at 16x16 the next panel's B prefetched (panels outer over 32-row
  // blocks). What each shape does is read off the plan recomputed here; each is checked as every
  // case of this file is (check_case: lockstep on every port, C, guard bytes, traffic, tiles).
  std::mt19937_64 rng(t::test_seed("dma-default-walks"));
  const TopParams d;
  // Shapes with: panels, A resident (m-blocks x panels), K-chunks, chunks x m-blocks, prefetch.
  int seen[5] = {};
  int ran = 0, ran16 = 0;
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    if (p.Rows != p.Cols || (p.Rows != 4 && p.Rows != 16) || p.AWords != d.AWords ||
        p.BWords != d.BWords || p.CWords != d.CWords || p.QWords != d.QWords ||
        p.AccWords != d.AccWords || p.WeightBanks != 2 || p.Int4 != 0 || p.Dataflow != 1) {
      continue;
    }
    const std::vector<std::array<int, 3>> shapes =
        p.Rows == 4
            ? std::vector<std::array<int, 3>>{{1, 136, 1},
                                              {4274, 136, 1},
                                              {727, 1, 1478},
                                              {1037, 1, 1037},
                                              {357, 10, 3376}}
            : std::vector<std::array<int, 3>>{
                  {1, 574, 1}, {4274, 574, 2}, {510, 1, 8671}, {1167, 1, 4274}, {4274, 818, 2}};
    for (const auto& s : shapes) {
      const uint64_t M = uint64_t(s[0]), N = uint64_t(s[1]), K = uint64_t(s[2]);
      const Plan x = plan(p, M, N, K, 0, 16.0);
      const uint64_t mbc = (M + x.mb - 1) / x.mb, np = (N + x.nb - 1) / x.nb;
      uint64_t chunks = 0;
      for (const auto& cmd : x.cmds) chunks += cmd[2] < K ? 1 : 0;
      INFO(p.name() << " M=" << M << " N=" << N << " K=" << K << ": Mb " << x.mb << ", Nb " << x.nb
                    << ", " << (x.split ? "K-chunks" : "whole K") << ", "
                    << (x.a_outer ? "m-blocks outer" : "panels outer"));
      seen[0] += np > 1 ? 1 : 0;
      seen[1] += (x.a_outer && np > 1 && mbc > 1) ? 1 : 0;
      seen[2] += chunks > 1 ? 1 : 0;
      seen[3] += (chunks > 1 && mbc > 1) ? 1 : 0;
      seen[4] += prefetches(x, M, N) ? 1 : 0;
      check_case(Case{p, s[0], s[1], s[2], DramConfig{}, 0}, t::random_job(rng, s[0], s[1], s[2]));
      ++ran;
      ran16 += p.Rows == 16 ? 1 : 0;
    }
  }
  if (ran == 0) {
    WARN("no 4x4 or 16x16 build with the default scratchpads: nothing ran");
    return;
  }
  INFO("panels " << seen[0] << ", A resident " << seen[1] << ", K-chunks " << seen[2]
                 << ", chunks x m-blocks " << seen[3] << ", prefetch " << seen[4]);
  CHECK(seen[0] >= 2);
  CHECK(seen[1] >= 1);
  CHECK(seen[2] >= 2);
  CHECK(seen[3] >= 1);
  if (ran16 > 0) CHECK(seen[4] >= 1);  // (unreachable at 4x4 with these scratchpads)
}

TEST_CASE(
    "memory commands: panels outer, blocks cut to run K-tiles outer (model, small "
    "accumulator buffer)",
    "[dma][model]") {
  // The built engines share AccWords = 1024, where this cut does not arise at these sizes: the
  // model engine with a 16-row accumulator buffer, checked against the plan recomputed here
  // (traffic by tensor, scratchpad words, the blocks' tile schedules).
  std::mt19937_64 rng(t::test_seed("dma-kto-cut"));
  TopParams p;
  p.Rows = p.Cols = 4;
  p.AWords = 256;
  p.BWords = 512;
  p.CWords = 256;
  p.QWords = 8;
  p.AccWords = 16;
  p.validate();
  int cut = 0;
  for (const auto& sh : std::vector<std::array<int, 3>>{{40, 24, 12}, {37, 30, 20}, {60, 16, 8}}) {
    Case c{p, sh[0], sh[1], sh[2], DramConfig{}, 0};
    c.dc.latency = 10;
    INFO("M=" << c.m << " N=" << c.n << " K=" << c.k);
    const Plan x = plan(p, uint64_t(c.m), uint64_t(c.n), uint64_t(c.k), 0, c.dc.bytes_per_cycle);
    cut += x.kto_cut;
    const GemmJob job = t::random_job(rng, c.m, c.n, c.k);
    const RunStats st = run_case(c, job, false);
    const systolic::model::Counters& e = st.engine;
    CHECK(e.dram_rd == x.rd);
    CHECK(e.dram_wr == x.wr);
    check_traffic(e, x);
    check_tiles(e, x, p);
    CHECK(e.macs == x.tile.macs);
  }
  CHECK(cut >= 2);
}

// The tile commands the DMA starts (tile_start_o, with tile_m_o / tile_n_o / tile_k_o), in order.
class TileCmdLog final : public systolic::model::TopObserver {
 public:
  void on_reset(const systolic::model::SystolicTop&) override {}
  void before_edge(const systolic::model::SystolicTop& top, const systolic::model::TopIn&,
                   const systolic::model::TopOut&) override {
    const auto& o = top.dma().out();
    if (o.tile_start_o) cmds.push_back({o.tile_m_o, o.tile_n_o, o.tile_k_o});
  }
  void after_edge(const systolic::model::SystolicTop&) override {}
  std::vector<std::array<uint64_t, 3>> cmds;
};

// Case c on the model engine: C against the reference GEMM, every tile command (in order) and
// the traffic counters against x, the plan recomputed here.
static void run_model_against_plan(const Case& c, const GemmJob& job, const Plan& x) {
  systolic::sim::ModelPort eng(c.p);
  TileCmdLog log;
  eng.set_observer(&log);
  Dram dram(c.dc, 1 << c.p.MemBytesLog2);
  DramPort port(eng, dram);
  HostDriver drv(port);
  drv.set_memory(&dram, c.misalign);
  RunStats st;
  REQUIRE(drv.run(job, st) == systolic::sim::reference_gemm(job));
  CHECK(log.cmds == x.cmds);
  check_traffic(st.engine, x);
}

TEST_CASE("memory commands: balanced panels and m-blocks (model, small scratchpads)",
          "[dma][model]") {
  // Every tile command (M, N, K of each block's K-chunk, in order) is the plan recomputed here.
  // K beyond half of B: K-chunks. Half of Q (4 words) lets a panel hold 4 N-tiles; 5 and 6
  // N-tiles then make 2 panels, balanced to 3 + 2 and 3 + 3 N-tiles (not 4 + 1 and 4 + 2).
  // Without K-chunks, a last m-block of fewer than Rows rows: the m-blocks balanced.
  // (rtl/dma.sv computes the same plan; test_dma_unit compares it with the twin on such shapes.)
  std::mt19937_64 rng(t::test_seed("dma-balanced-panels"));
  TopParams p;
  p.Rows = p.Cols = 4;
  p.AWords = 256;
  p.BWords = 128;
  p.CWords = 256;
  p.QWords = 8;
  p.validate();
  int balanced = 0, m_balanced = 0;
  for (const auto& sh : std::vector<std::array<int, 3>>{
           {2, 20, 70}, {3, 24, 90}, {1, 17, 66}, {19, 4, 60}, {108, 19, 21}, {74, 1, 26}}) {
    Case c{p, sh[0], sh[1], sh[2], DramConfig{}, 0};
    c.dc.latency = 10;
    INFO("M=" << c.m << " N=" << c.n << " K=" << c.k);
    const Plan x = plan(p, uint64_t(c.m), uint64_t(c.n), uint64_t(c.k), 0, c.dc.bytes_per_cycle);
    m_balanced += x.m_balanced;
    const uint64_t nt = uint64_t(c.n + p.Cols - 1) / uint64_t(p.Cols);
    balanced += x.split && (nt % x.nt_most != 0) && x.nb < x.nt_most * uint64_t(p.Cols);
    const GemmJob job = t::random_job(rng, c.m, c.n, c.k);
    run_model_against_plan(c, job, x);
  }
  CHECK(balanced == 3);
  CHECK(m_balanced == 3);
}

// A tall first block (docs/architecture.md, "A tall first block"): when the start waits for
// memory (block 1 cannot start before its A, loaded after block 0's A and the panel's B) and
// the blocks after it are array-bound, block 0 takes as many rows as half of A and the
// accumulator buffer allow, so that more of the array's work overlaps the start. Shapes where
// the plan recomputed here takes one, on the smallest build: every tile command (the rows of
// each block) on the model against that plan, then the model in lockstep with the RTL (the
// beats per tensor, the scratchpad counts and the tile schedules against the plan too).
TEST_CASE("memory commands: a tall first block when the start waits for memory", "[dma][rtl]") {
  std::mt19937_64 rng(t::test_seed("dma-tall-first"));
  const TopParams p = smallest_a_build();
  REQUIRE(p.AWords <= 4096);
  int found = 0;
  for (double bw : {5.0, 6.0, 8.0}) {
    const auto shapes = shapes_where(2, 4, [&](uint64_t m, uint64_t n, uint64_t k) {
      return plan(p, m, n, k, 0, bw).tall_first;
    });
    for (const auto& s : shapes) {
      DramConfig dc;
      dc.bytes_per_cycle = bw;
      dc.latency = 20;
      Case c{p, s[0], s[1], s[2], dc, 0};
      const Plan x = plan(p, uint64_t(c.m), uint64_t(c.n), uint64_t(c.k), 0, bw);
      INFO("M=" << c.m << " N=" << c.n << " K=" << c.k << " bw " << bw << ": first block " << x.mf
                << " rows, then " << x.mb);
      REQUIRE(x.mf > x.mb);
      const GemmJob job = t::random_job(rng, c.m, c.n, c.k);
      run_model_against_plan(c, job, x);
      check_case(c, job);
      ++found;
    }
  }
  CHECK(found == 6);
}

// The layer the rule is for: ResNet-50's CB3a_1 (M = 841, N = 128, K = 256) on the benchmark's
// 32x32 configuration (A and C 64 KiB, B 2 x 4608 words, 64 B beats) at 16 B/cycle: a first
// block of 128 rows (the most of half of A at K = 256), then 7 of 102. On the model: every tile
// command against the plan recomputed here, C against the reference.
TEST_CASE("memory commands: CB3a_1's tall first block at 32x32 (model)", "[dma][model]") {
  std::mt19937_64 rng(t::test_seed("dma-tall-first-cb3a"));
  TopParams p;
  p.Rows = p.Cols = 32;
  p.AWords = p.CWords = 2048;
  p.BWords = 2 * 4608;
  p.QWords = 64;
  p.MemBytesLog2 = 6;
  p.validate();
  DramConfig dc;
  dc.bytes_per_cycle = 16;
  dc.latency = 100;
  Case c{p, 841, 128, 256, dc, 0};
  const Plan x = plan(p, 841, 128, 256, 0, 16);
  REQUIRE(x.tall_first);
  CHECK(x.mf == 128);
  CHECK(x.mb == 102);
  REQUIRE(x.cmds.size() == 8);
  run_model_against_plan(c, t::random_job(rng, c.m, c.n, c.k), x);
}

TEST_CASE("memory commands: arrays up to 256x256, rows and columns independent (model)",
          "[dma][model]") {
  // A scratchpad word of 64 bytes or more (BIAS and M0 of 4 x Cols bytes from 64 columns, A of
  // 256 rows) once wrapped the DMA's 8-bit word and padding registers to 0: the model refused a
  // SHIFT outside the contract or wrote a wrong C. Each shape has a partial last tile in K and N
  // and a last BIAS / M0 / SHIFT word partly padded; C against the reference GEMM, the tile
  // commands and the traffic against the plan recomputed here.
  std::mt19937_64 rng(t::test_seed("dma-big-arrays"));
  for (auto [rows, cols] :
       {std::pair{256, 256}, {256, 5}, {3, 256}, {64, 128}, {8, 64}, {97, 33}}) {
    TopParams p;
    p.Rows = rows;
    p.Cols = cols;
    p.AWords = p.BWords = p.CWords = 512;
    p.QWords = 4;
    p.validate();
    const int m = 19, n = cols + cols / 2 + 1, k = rows + rows / 2 + 1;
    INFO(rows << "x" << cols << ": M=" << m << " N=" << n << " K=" << k);
    Case c{p, m, n, k, DramConfig{}, 0};
    const Plan x = plan(p, uint64_t(m), uint64_t(n), uint64_t(k), 0, c.dc.bytes_per_cycle);
    const GemmJob job = t::random_job(rng, m, n, k);
    run_model_against_plan(c, job, x);
  }
}

TEST_CASE("memory commands: one-row blocks on 2 columns (model)", "[dma][model]") {
  // On a 2-column array two tiles' single slots of one accumulator row could stream in
  // consecutive cycles, the second reading the row at the edge the first writes it: the model
  // stopped on acc_stage's RowApart_A (found by a random run over parameters). Blocks of at most
  // AccWords rows, the last of one row (36 = 5 x 7 + 1; AccWords = 1: every block one row).
  std::mt19937_64 rng(t::test_seed("dma-two-columns"));
  for (auto [rows, acc, m, n, k] :
       {std::array<int, 5>{7, 7, 36, 41, 429}, {37, 1, 21, 27, 69}, {2, 3, 7, 3, 9}}) {
    TopParams p;
    p.Rows = rows;
    p.Cols = 2;
    p.AWords = 2655;
    p.BWords = 1951;
    p.CWords = 580;
    p.QWords = 9;
    p.AccWords = acc;
    p.validate();
    INFO(rows << "x2, AccWords " << acc << ": M=" << m << " N=" << n << " K=" << k);
    Case c{p, m, n, k, DramConfig{}, 0};
    const Plan x = plan(p, uint64_t(m), uint64_t(n), uint64_t(k), 0, c.dc.bytes_per_cycle);
    const GemmJob job = t::random_job(rng, m, n, k);
    run_model_against_plan(c, job, x);
  }
}

TEST_CASE("memory commands: timing-only model runs count the same cycles and bytes",
          "[dma][model]") {
  std::mt19937_64 rng(t::test_seed("dma-timing-only"));
  for (int i = 0; i < 160; ++i) {  // shapes x bandwidths x latencies (the issue asks >= 150)
    Case c;
    c.p = TopParams{};
    if (i % 2 == 1) {  // small scratchpads: blocks
      c.p.AWords = 256;
      c.p.BWords = 1024;
      c.p.CWords = 96;
      c.p.QWords = 6;
    }
    c.p.Rows = 4 << (i % 3);
    c.p.Cols = 4 << (i / 3 % 3);
    c.p.MemBytesLog2 = 3 + i % 4;
    c.m = 1 + int(rng() % 200);
    c.n = 1 + int(rng() % 100);
    c.k = 1 + int(rng() % 240);
    c.dc.bytes_per_cycle = double(1 + rng() % 64);
    c.dc.latency = 1 + int(rng() % 200);
    c.dc.stall = i % 4 == 3 ? 0.3 : 0.0;
    c.misalign = uint32_t(rng() % 64);
    // Every fifth case in w4a8 (dual-mode PEs; A in word pairs, K packed).
    const bool w4a8 = i % 5 == 4;
    c.p.Int4 = w4a8 ? 1 : 0;
    INFO("case " << i << ": " << c.p.name() << " MemBytesLog2=" << c.p.MemBytesLog2 << " M=" << c.m
                 << " N=" << c.n << " K=" << c.k << (w4a8 ? " w4a8" : ""));
    const GemmJob job =
        t::random_job(rng, c.m, c.n, c.k,
                      w4a8 ? systolic::quant::Precision::kW4A8 : systolic::quant::Precision::kInt8);
    const RunStats full = run_case(c, job, false);
    systolic::sim::ModelPort eng(c.p);
    eng.top().set_compute_data(false);
    Dram dram(c.dc, 1 << c.p.MemBytesLog2);
    DramPort port(eng, dram);
    HostDriver drv(port);
    drv.set_memory(&dram, c.misalign);
    drv.set_timing_only(true);
    RunStats st;
    drv.run(job, st);
    // Every counter; the traffic counters too: timing-only counts a slot's C write and
    // BIAS/M0/SHIFT reads at its issue, the same totals; both equal the plan's.
    t::check_same_counters(st.engine, full.engine);
    const Plan x =
        plan(c.p, uint64_t(c.m), uint64_t(c.n), w4a8 ? uint64_t(c.k + 1) / 2 : uint64_t(c.k),
             c.misalign, c.dc.bytes_per_cycle, w4a8);
    check_traffic(full.engine, x);
  }
}

namespace {

// One memory command from raw register values through the host port; returns STATUS after done.
struct Raw {
  uint32_t m = 4, n = 4, k = 4;
  uint32_t a_base = 0, b_base = 0, c_base = 0, q_base = 0;
  uint32_t dram[6] = {0, 1024, 4096, 2048, 2560, 3072};  // A, B, C, BIAS, M0, SHIFT
  uint32_t ld[3] = {4, 4, 4};
  uint32_t precision = 0, dataflow = 0, dram_bw = 0;
};

uint32_t raw_command(systolic::sim::HostPort& port, const Raw& r, uint64_t& busy) {
  auto write = [&](uint32_t addr, uint32_t v) {
    systolic::model::TopIn in;
    in.host_req_i = true;
    in.host_we_i = true;
    in.host_addr_i = addr;
    in.host_wdata_i = v;
    port.clock(in);
  };
  auto read = [&](uint32_t addr) {
    systolic::model::TopIn in;
    in.host_req_i = true;
    in.host_addr_i = addr;
    return port.clock(in).host_rdata_o;
  };
  write(a::reg(a::kM), r.m);
  write(a::reg(a::kN), r.n);
  write(a::reg(a::kK), r.k);
  write(a::reg(a::kABase), r.a_base);
  write(a::reg(a::kBBase), r.b_base);
  write(a::reg(a::kCBase), r.c_base);
  write(a::reg(a::kQBase), r.q_base);
  for (int i = 0; i < 6; ++i) write(a::reg(a::Reg(a::kDramA + i)), r.dram[i]);
  for (int i = 0; i < 3; ++i) write(a::reg(a::Reg(a::kLdA + i)), r.ld[i]);
  write(a::reg(a::kPrecision), r.precision);
  write(a::reg(a::kDataflow), r.dataflow);
  write(a::reg(a::kDramBw), r.dram_bw);
  write(a::reg(a::kCtrl), 2);
  REQUIRE(port.wait_done(100000));
  busy = read(a::reg(a::kCycBusy));
  return read(a::reg(a::kStatus));
}

}  // namespace

TEST_CASE("memory commands: descriptors out of range or overlapping are refused at start",
          "[dma][rtl]") {
  const TopParams p = systolic::sim::top_rtl_params().front();
  struct Bad {
    const char* what;
    uint32_t err;
    Raw r;
  };
  std::vector<Bad> bad;
  auto add = [&](const char* what, uint32_t err, auto edit) {
    Raw r;
    edit(r);
    bad.push_back({what, err, r});
  };
  add("a valid command", 0, [](Raw&) {});
  add("M, N or K zero: nothing to do", 0, [](Raw& r) { r.k = 0; });
  add("A past the end of memory", 2, [](Raw& r) { r.dram[0] = 0xffffffffu - 8; });
  add("C past the end of memory", 2, [](Raw& r) {
    r.dram[2] = 0xfffffff0u;
    r.ld[2] = 8;
  });
  add("SHIFT past the end of memory", 2, [](Raw& r) { r.dram[5] = 0xfffffffeu; });
  add("A's rows overlap (ld < K)", 2, [](Raw& r) { r.ld[0] = 3; });
  add("C's rows overlap (ld < N)", 2, [](Raw& r) { r.ld[2] = 1; });
  add("C over A", 3, [](Raw& r) { r.dram[2] = 8; });
  add("C over B's last row", 3, [](Raw& r) { r.dram[2] = 1024 + 12; });
  add("C over BIAS", 3, [](Raw& r) { r.dram[2] = 2048 - 15; });
  add("C over SHIFT", 3, [](Raw& r) { r.dram[2] = 3072 + 3; });
  for (const Bad& b : bad) {
    INFO(b.what);
    LockstepPort eng(p);
    DramConfig dc;
    dc.latency = 5;
    Dram dram(dc, 1 << p.MemBytesLog2);
    dram.image().assign(8192, 0x33);
    DramPort port(eng, dram);
    uint64_t busy = 0;
    const uint32_t status = raw_command(port, b.r, busy);
    CHECK((status >> 2 & 7u) == b.err);
    CHECK((status & 3u) == 2u);  // done, not busy
    if (b.err != 0 || b.r.k == 0) {
      // Refused (or empty): one busy cycle, no memory traffic, memory untouched.
      CHECK(busy == 1);
      CHECK(dram.reads() == 0);
      CHECK(dram.writes() == 0);
      CHECK(std::count(dram.image().begin(), dram.image().end(), 0x33) == 8192);
    } else {
      CHECK(dram.reads() > 0);
      CHECK(dram.writes() > 0);
    }
  }
}

TEST_CASE(
    "memory commands: a host poking at registers and scratchpads while they run changes "
    "nothing",
    "[dma][rtl]") {
  // t::MeddlingPort makes a random host access in every cycle of every memory command (writes
  // to the descriptor registers, counters and scratchpads, CTRL starts, reads everywhere):
  // C, the rest of the memory (the driver checks every byte outside C), the memory traffic and
  // every cycle count must equal a run without it, and reads of A, B, BIAS, M0 and SHIFT return
  // 0; RTL and model in lockstep throughout.
  std::mt19937_64 rng(t::test_seed("dma-meddling"));
  uint64_t writes = 0;
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    const int shapes[][3] = {{3 * p.Rows + 1, 2 * p.Cols + 3, 5 * p.Rows}, {70, 9, 300}};
    for (const auto& s : shapes) {
      INFO(p.name() << " AWords=" << p.AWords << " M=" << s[0] << " N=" << s[1] << " K=" << s[2]);
      const GemmJob job = t::random_job(rng, s[0], s[1], s[2]);
      const uint64_t med_seed = rng();  // the pokes, from the printed seed too
      DramConfig dc;
      dc.latency = 7;
      dc.stall = 0.1;
      auto run = [&](bool meddle) {
        LockstepPort eng(p);
        Dram dram(dc, 1 << p.MemBytesLog2);
        DramPort port(eng, dram);
        t::MeddlingPort med(port, med_seed);
        HostDriver drv(meddle ? static_cast<systolic::sim::HostPort&>(med) : port);
        drv.set_memory(&dram, 5);
        RunStats st;
        REQUIRE(drv.run(job, st) == systolic::sim::reference_gemm(job));
        writes += med.writes();
        if (meddle) CHECK(med.zero_reads() > 0);
        return st;
      };
      const RunStats quiet = run(false), noisy = run(true);
      t::check_same_counters(noisy.engine, quiet.engine);
    }
  }
  CHECK(writes > 1000);
}

TEST_CASE("memory commands: random and extreme descriptors are checked alike, every build",
          "[dma][rtl]") {
  // Descriptors drawn to hit every check (dimensions up to 2^24 - 1, addresses and leading
  // dimensions up to 2^32 - 1, tensors ending exactly at 2^32 or one byte past, leading
  // dimensions one byte short, C next to or over each other tensor, both precisions and
  // dataflows where the build has them) on every built configuration, RTL and model in
  // lockstep. The expected refusal code is recomputed here from docs/architecture.md ("Check"):
  // M, N or K = 0 ends without error; else 4 for an output-stationary DATAFLOW; 2 for a tensor
  // past 2^32 or rows that overlap (ld < row bytes); 3 for C's extent over another's. A draw the
  // check would accept is drawn again (its run is the other cases' business), so each command
  // must take one busy cycle and touch no memory.
  std::mt19937_64 rng(t::test_seed("dma-check-random"));
  const uint64_t top = uint64_t{1} << 32;
  auto pick = [&](uint64_t n) { return rng() % n; };
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    INFO("config " << p.name() << " Int4=" << p.Int4 << " Dataflow=" << p.Dataflow);
    LockstepPort eng(p);
    Dram dram(DramConfig{}, 1 << p.MemBytesLog2);
    dram.image().assign(4096, 0x5a);
    DramPort port(eng, dram);
    // A dimension: around the array, up to 4096, 2^24 - 1, or any 24-bit value.
    const uint64_t around = uint64_t(4 * std::max(p.Rows, p.Cols));
    auto dim = [&] {
      const uint64_t c = pick(8);
      return uint32_t(c == 0   ? 1 + pick(4)
                      : c < 3  ? 1 + pick(around)
                      : c == 3 ? 1 + pick(4096)
                      : c == 4 ? (1u << 24) - 1
                               : 1 + pick((1u << 24) - 1));
    };
    std::map<uint32_t, int> codes;
    for (int c = 0; c < 250; ++c) {
      Raw r;
      uint32_t want = 0;
      for (int attempt = 0;; ++attempt) {
        REQUIRE(attempt < 10000);
        // Compact draws (small shapes and leading dimensions, every tensor in the first 2^18
        // bytes) pass the range checks, so that C's overlaps decide.
        const bool compact = pick(2) == 0;
        r.m = compact ? uint32_t(1 + pick(64)) : dim();
        r.n = compact ? uint32_t(1 + pick(64)) : dim();
        r.k = compact ? uint32_t(1 + pick(64)) : dim();
        if (pick(16) == 0) (pick(3) == 0 ? r.m : pick(2) ? r.n : r.k) = 0;
        r.precision = uint32_t(pick(3));
        r.dataflow = uint32_t(pick(4) == 0);
        r.dram_bw = pick(2) ? uint32_t(rng()) : uint32_t(pick(2048));
        // What the registers keep: a mode or dataflow the build lacks is stored as the one it has.
        const uint32_t prec = p.Int4 ? r.precision : 0;
        const bool os = p.Dataflow == 2 || (p.Dataflow == 3 && r.dataflow == 1);
        const uint64_t ka = prec == 1 ? 2 * uint64_t(r.k) : r.k;  // w4a8: A rows of 2K bytes
        // Rows, row bytes and leading dimension of A, B, C, BIAS, M0, SHIFT.
        const uint64_t rows[6] = {r.m, r.k, r.m, 1, 1, 1};
        const uint64_t rb[6] = {ka, r.n, r.n, 4 * uint64_t(r.n), 4 * uint64_t(r.n), r.n};
        for (int i = 0; i < 3; ++i) {
          const uint64_t c = compact ? 3 : pick(5);
          r.ld[i] = uint32_t(c == 0   ? rb[i]
                             : c == 1 ? rb[i] - 1  // one byte short: the rows overlap
                             : c == 2 ? rng()
                                      : rb[i] + pick(256));
        }
        const uint64_t ld[6] = {r.ld[0], r.ld[1], r.ld[2], 0, 0, 0};
        auto extent = [&](int i) { return rows[i] == 0 ? 0 : (rows[i] - 1) * ld[i] + rb[i]; };
        for (int i = 0; i < 6; ++i) {
          const uint64_t c = compact ? 3 : pick(4), ext = std::min(extent(i), top);
          r.dram[i] = uint32_t(c == 0   ? rng()
                               : c == 1 ? top - ext + pick(2)  // ends at 2^32, or one byte past
                               : c == 2 ? top - 1 - pick(65536)
                                        : pick(1u << 18));
        }
        if (pick(compact ? 2 : 4) == 0) {  // C right after, or inside, another tensor
          constexpr int kOthers[] = {0, 1, 3, 4, 5};
          const int o = kOthers[pick(5)];
          const uint64_t ext = extent(o);
          r.dram[2] = uint32_t(r.dram[o] + (pick(2) ? ext : pick(std::max<uint64_t>(ext, 1))));
        }
        const bool zero = r.m == 0 || r.n == 0 || r.k == 0;
        bool bad_mem = false, overlap = false;
        uint64_t end[6];
        for (int i = 0; i < 6; ++i) {
          end[i] = r.dram[i] + extent(i);
          bad_mem = bad_mem || end[i] > top || (i < 3 && rows[i] > 1 && ld[i] < rb[i]);
        }
        for (int i = 0; i < 6; ++i) {
          overlap = overlap || (i != 2 && r.dram[2] < end[i] && r.dram[i] < end[2]);
        }
        want = zero ? 0 : os ? 4 : bad_mem ? 2 : overlap ? 3 : 0;
        if (zero || want != 0) break;
      }
      INFO("command " << c << ": M=" << r.m << " N=" << r.n << " K=" << r.k << " A@" << r.dram[0]
                      << " B@" << r.dram[1] << " C@" << r.dram[2] << " BIAS@" << r.dram[3] << " M0@"
                      << r.dram[4] << " SHIFT@" << r.dram[5] << " ld " << r.ld[0] << " " << r.ld[1]
                      << " " << r.ld[2] << " precision " << r.precision << " dataflow "
                      << r.dataflow);
      uint64_t busy = 0;
      const uint32_t status = raw_command(port, r, busy);
      REQUIRE((status >> 2 & 7u) == want);
      REQUIRE((status & 3u) == 2u);  // done, not busy
      REQUIRE(busy == 1);
      ++codes[want];
    }
    CHECK(dram.reads() == 0);
    CHECK(dram.writes() == 0);
    CHECK(std::count(dram.image().begin(), dram.image().end(), 0x5a) == 4096);
    // Every outcome drawn often enough to mean something (4 only where a build runs OS).
    CHECK(codes[0] >= 5);
    CHECK(codes[2] >= 20);
    CHECK(codes[3] >= 20);
    if (p.Dataflow != 1) CHECK(codes[4] >= 20);
  }
}

TEST_CASE("memory commands: a scratchpad too small for any block is refused (model)", "[dma]") {
  // QWords = 1 leaves no half for BIAS/M0/SHIFT: refusal code 1 (no built RTL configuration has
  // scratchpads that small; the RTL's check is the same expression, compared in test_dma_unit).
  TopParams p;
  p.Rows = p.Cols = 4;
  p.AWords = p.BWords = p.CWords = 64;
  p.QWords = 1;
  systolic::sim::ModelPort eng(p);
  Dram dram(DramConfig{}, 1 << p.MemBytesLog2);
  dram.image().assign(8192, 0x33);
  DramPort port(eng, dram);
  uint64_t busy = 0;
  const uint32_t status = raw_command(port, Raw{}, busy);
  CHECK((status >> 2 & 7u) == 1u);
  CHECK(busy == 1);
  CHECK(dram.reads() == 0);
  // And the driver's line for it.
  HostDriver drv(port);
  drv.set_memory(&dram);
  RunStats st;
  std::mt19937_64 rng(1);
  CHECK_THROWS_WITH(drv.run(t::random_job(rng, 4, 4, 4), st), Catch::Contains("does not fit"));
  // A refusal like the others (the soak counts it as refused; it once ended the whole soak as an
  // exception it did not expect).
  CHECK_THROWS_AS(drv.run(t::random_job(rng, 4, 4, 4), st), systolic::sim::CommandRefused);
}

// The heavy cases: the per_build Cases make(p) gives for each 4x4 and 16x16 build of two weight
// banks, INT8 and WS only (the suite's standard ones; with scripts/coverage.sh also the
// small-scratchpad ones), or for the one SYSTOLIC_EXTREME_CONFIG names (extreme_select.h), each
// checked as every case of this file (check_case). Without that variable the suite's two
// standard builds must both run (unfiltered_builds); with it, the named one when the case takes
// it (a WARN when not).
template <class Make>
void run_heavy(const char* seed_name, int per_build, int unfiltered_builds, Make make) {
  const uint64_t seed = t::test_seed(seed_name);
  std::mt19937_64 rng(seed);
  int ran = 0, builds = 0;
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    if ((p.name() != "4x4" && p.name() != "16x16") || p.WeightBanks != 2 || p.Int4 != 0 ||
        p.Dataflow != 1 || !t::extreme_selected(p)) {
      continue;
    }
    ++builds;
    for (const Case& c : make(p)) {
      INFO("configuration " << p.name() << ": M=" << c.m << " N=" << c.n << " K=" << c.k
                            << " row pad " << c.pad[0] << ", " << c.pad[1] << ", " << c.pad[2]
                            << " (seed " << seed << ")");
      check_case(c, t::random_job(rng, c.m, c.n, c.k));
      ++ran;
    }
  }
  CHECK(ran == per_build * builds);
  if (t::extreme_config()) {
    if (builds == 0) WARN("SYSTOLIC_EXTREME_CONFIG names a build this case does not run on");
  } else {
    CHECK(builds == unfiltered_builds);
  }
}

// The largest memory command each DimWidth register takes, one huge dimension at a time (dim: 0
// M, 1 N, 2 K), on the 4x4 and 16x16 builds, its tensors at the top of the 32-bit memory (the
// last guard byte within 64 bytes of 2^32): thousands of blocks or K-chunks, the walk registers
// and memory addresses over their whole range. Checked as every case of this file is
// (check_case): each port of systolic_top on every cycle against the model, C against the
// reference GEMM, every other memory byte unchanged, the traffic counters and the tile schedule
// against the plan recomputed here. Hidden tests (tag [.]), run with test_dma "[extreme]" or as
// the heavy ctest dma_extreme; one case per dimension, so that scripts/coverage.sh runs them side
// by side; about 180 MB of memory image for N = 2^24 - 1 (BIAS and M0 4 bytes a column).
static void run_huge_dim(int dim) {
  const int kMax = (1 << systolic::iface::kDimWidth) - 1;
  const char* names[] = {"dma-extreme-m", "dma-extreme-n", "dma-extreme-k"};
  run_heavy(names[dim], 1, 2, [&](const TopParams& p) {
    return std::vector<Case>{Case{p, dim == 0 ? kMax : 1, dim == 1 ? kMax : 1, dim == 2 ? kMax : 1,
                                  DramConfig{}, uint32_t(dim * 7), true}};
  });
}

TEST_CASE("memory commands: M of 2^24 - 1 at the top of the memory, RTL and model in lockstep",
          "[.][dma][rtl][extreme]") {
  run_huge_dim(0);
}

TEST_CASE("memory commands: N of 2^24 - 1 at the top of the memory, RTL and model in lockstep",
          "[.][dma][rtl][extreme]") {
  run_huge_dim(1);
}

TEST_CASE("memory commands: K of 2^24 - 1 at the top of the memory, RTL and model in lockstep",
          "[.][dma][rtl][extreme]") {
  run_huge_dim(2);
}

TEST_CASE("memory commands: Rows rows of K = 2^24 - 1 on beats load interleaved, at the top",
          "[.][dma][rtl][extreme]") {
  // M = Rows, N = 1, K = 2^24 - 1 with LD_A = 2^24 (A's rows on beats): the first K-chunk loads A
  // and B interleaved, group by group (a beat of each A row, then those K rows of B), its group
  // counter over most of its range; on the 4x4 and 16x16 builds, checked as above (64 and 256 MB
  // of A).
  const int kMax = (1 << systolic::iface::kDimWidth) - 1;
  run_heavy("dma-extreme-ilv", 1, 2, [&](const TopParams& p) {
    const Case c{p, p.Rows, 1, kMax, DramConfig{}, 0, true, {1, 0, 0}};
    // The plan recomputed here interleaves it.
    CHECK(plan(p, uint64_t(c.m), 1, uint64_t(kMax), 0, 16, false, {1, 0, 0}).ilv);
    return std::vector<Case>{c};
  });
}

TEST_CASE("memory commands: rows 2^30 - 1 bytes apart, 3 GiB of the memory, at the top",
          "[.][dma][rtl][extreme]") {
  // LD_A, LD_B and LD_C of 2^30 - 1 (every bit below 30 set): A, B and C of two rows each span
  // 3 GiB of the memory's 4 (a 3 GiB image and its copy for the check: about 6.5 GB of RAM, a
  // minute a build). The leading dimensions' and the block steps' high bits, on the 4x4 and
  // 16x16 builds, checked as above.
  const uint32_t far = (1u << 30) - 1;
  run_heavy("dma-extreme-far", 1, 2, [&](const TopParams& p) {
    return std::vector<Case>{Case{p, 2, 3, 2, DramConfig{}, 0, true, {far - 2, far - 3, far - 3}}};
  });
}

TEST_CASE("memory commands: the next panel's B prefetched from rows 2^30 - 1 bytes apart",
          "[.][dma][rtl][extreme]") {
  // On every build (of those SYSTOLIC_EXTREME_CONFIG keeps) whose plan, recomputed here, prefetches
  // the next panel's B (panels outer without K-chunks, several panels and m-blocks) for a shape of
  // K <= 3: LD_B = 2^30 - 1, so that B's rows span up to 3 GiB and the prefetch's step (Kp x LD_B)
  // and its parts' memory rows run over address bits 29 .. 31, the tensors at the top of the
  // memory. Shapes: 4274 x 818 x 2 (the default 16x16 scratchpads), 5 x 19 x 3 (the coverage's
  // small 4x4), else the first of the grid. Checked as above (check_case), about 6.5 GB of RAM.
  const uint32_t far = (1u << 30) - 1;
  const uint64_t seed = t::test_seed("dma-extreme-pf-far");
  std::mt19937_64 rng(seed);
  int ran = 0;
  for (const TopParams& p : systolic::sim::top_rtl_params()) {
    if (!t::extreme_selected(p)) continue;
    auto prefetching = [&](uint64_t M, uint64_t N, uint64_t K) {
      return K <= 3 && prefetches(plan(p, M, N, K, 0, 16.0, false, {0, far - N, 0}), M, N);
    };
    auto want = [&](const std::array<int, 3>& sh) {
      return prefetching(uint64_t(sh[0]), uint64_t(sh[1]), uint64_t(sh[2]));
    };
    std::vector<std::array<int, 3>> shapes = {{4274, 818, 2}, {5, 19, 3}};
    if (std::none_of(shapes.begin(), shapes.end(), want)) shapes = shapes_where(1, 1, prefetching);
    const auto sh = std::find_if(shapes.begin(), shapes.end(), want);
    if (sh == shapes.end()) {
      WARN(systolic::sim::config_spec(p) << ": no shape of K <= 3 prefetches (none run)");
      continue;
    }
    const Case c{
        p, (*sh)[0], (*sh)[1], (*sh)[2], DramConfig{}, 0, true, {0, far - uint32_t((*sh)[1]), 0}};
    INFO("configuration " << systolic::sim::config_spec(p) << ": M=" << c.m << " N=" << c.n
                          << " K=" << c.k << ", LD_B " << far << " (seed " << seed << ")");
    check_case(c, t::random_job(rng, c.m, c.n, c.k));
    ++ran;
  }
  // Unfiltered, the suite's builds include the default 16x16 and a small-scratchpad build.
  CHECK((ran > 0 || t::extreme_config().has_value()));
}

TEST_CASE("memory commands: one block of K = half of B, A's row 2^21 - 1 bytes long",
          "[.][dma][rtl][extreme]") {
  // M = N = 1 and K = HalfB - 4 rows (131,068 on the default 4x4 and 16x16 scratchpads): the
  // tallest B a block holds without K-chunks (HalfB div K = 1), so the K registers (the block's
  // kc, the B walk's rows, the tile command's K) and the A row's words (32,767 at 4x4) reach their
  // high bits, which the K = 2^24 - 1 case (K-chunks of a few hundred rows) does not; LD_A =
  // 2^21 - 1 (every bit below 21 set) for the row stride. Checked as above, at the top of memory.
  run_heavy("dma-extreme-kc", 1, 2, [&](const TopParams& p) {
    const int k = p.BWords / 2 - 4;
    const uint32_t pad_a = (1u << 21) - 1 - uint32_t(k);
    const Plan x = plan(p, 1, 1, uint64_t(k), 0, 16.0, false, {pad_a, 0, 0});
    // The plan recomputed here takes it in one block.
    CHECK((!x.split && x.blocks == 1));
    return std::vector<Case>{Case{p, 1, 1, k, DramConfig{}, 0, true, {pad_a, 0, 0}}};
  });
}

TEST_CASE("memory commands: the next panel's B prefetched in parts of hundreds of rows",
          "[.][dma][rtl][extreme]") {
  // The first shape of the list whose plan, recomputed here, prefetches the next panel's B with
  // K >= 4095 (513 x 256 x 4095 at 4x4: 17 m-blocks, parts of 241 rows; 1025 x 1023 x 4095 at
  // 16x16), so that the prefetch's part registers (its rows, the part's first row, the rows
  // before the panel's first block) reach their high bits; the suite's prefetch cases have parts
  // of a few rows. About 3.4 x 10^7 cycles at 4x4. Checked as above, at the top of memory.
  run_heavy("dma-extreme-pf-tall", 1, 2, [&](const TopParams& p) {
    const std::array<std::array<int, 3>, 3> shapes = {
        {{513, 256, 4095}, {1025, 1023, 4095}, {1025, 128, 8191}}};
    for (const auto& s : shapes) {
      if (prefetches(plan(p, uint64_t(s[0]), uint64_t(s[1]), uint64_t(s[2]), 0, 16.0),
                     uint64_t(s[0]), uint64_t(s[1]))) {
        return std::vector<Case>{Case{p, s[0], s[1], s[2], DramConfig{}, 0, true}};
      }
    }
    FAIL_CHECK(p.name() << ": none of the shapes prefetches");
    return std::vector<Case>{};
  });
}

TEST_CASE("memory commands: K-chunks of thousands of rows, their offsets over bits 2 to 16",
          "[.][dma][rtl][extreme]") {
  // M = 4, K = 131,100 (no block holds all of K: K-chunks), N = 31 N-tiles: a chunk is
  // (half of B's K-tiles div 31) K-tiles, 4228 rows at 4x4 (an odd 1057 K-tiles) and 4224 at
  // 16x16, so the 32 chunks' first rows (the blocks' K offsets) set bits 2 to 16 at 4x4 (7 to 16
  // at 16x16); the suite's K offsets at 4x4 stay below 4096, the K = 2^24 - 1 case's are
  // multiples of 2^17.
  // About 4 x 10^6 cycles a build. Checked as above, at the top of memory.
  run_heavy("dma-extreme-kchunks", 1, 2, [&](const TopParams& p) {
    const int n = 31 * p.Cols, k = 131100;
    const Plan x = plan(p, 4, uint64_t(n), uint64_t(k), 0, 16.0);
    // The plan recomputed here: K-chunks of more than 4096 rows, at least 31 of them.
    CHECK((x.split && x.blocks >= 31 && x.cmds.front()[2] > 4096));
    return std::vector<Case>{Case{p, 4, n, k, DramConfig{}, 0, true}};
  });
}

TEST_CASE("memory commands: blocks of 4096 rows, m-blocks outer", "[.][dma][rtl][extreme]") {
  // M = 3 x 4096 + 3048, K = Rows, N = 65 N-tiles: A is read once with m-blocks outer, and a
  // block holds half of C div 32 N-tiles = 4096 rows on the default scratchpads (the one-panel
  // cut and the K-tiles-outer cut keep the suite's blocks to about a thousand rows); the last
  // m-block has 3048 rows (bit 11), and the blocks of 32 N-tiles fill half of C (131,072 words)
  // in either half, so the C counts reach their top bit. About 10^6 cycles a build. Checked as
  // above, at the top of memory.
  run_heavy("dma-extreme-mb4096", 1, 2, [&](const TopParams& p) {
    const int m = 3 * 4096 + 3048, n = 65 * p.Cols, k = p.Rows;
    const Plan x = plan(p, uint64_t(m), uint64_t(n), uint64_t(k), 0, 16.0);
    // The plan recomputed here: m-blocks outer, blocks of 4096 rows.
    CHECK((x.a_outer && !x.split && x.mb == 4096));
    return std::vector<Case>{Case{p, m, n, k, DramConfig{}, 0, true}};
  });
}

TEST_CASE("memory commands: two blocks of K = half of B, the first interleaved",
          "[.][dma][rtl][extreme]") {
  // K = half of B (131,072 rows on the default scratchpads), N = 1, M = two blocks of
  // half of A div K-tiles rows: the first loads A and B interleaved over 8192 (4x4) or 2048
  // (16x16) groups, and the second block moves the first's K of 2^17 rows into the descriptor
  // of the block that stores C (the one-block K = half of B case has no second block). About
  // 5 x 10^5 cycles a build. Checked as above, at the top of memory.
  run_heavy("dma-extreme-kc2", 1, 2, [&](const TopParams& p) {
    const int k = p.BWords / 2, m = 2 * (p.AWords / 2) / (k / p.Rows), pad = (16 - k % 16) % 16;
    const Plan x = plan(p, uint64_t(m), 1, uint64_t(k), 0, 16.0, false, {uint32_t(pad), 0, 0});
    // The plan recomputed here: two blocks of all of K, the first interleaved.
    CHECK((!x.split && x.blocks == 2 && x.ilv));
    return std::vector<Case>{Case{p, m, 1, k, DramConfig{}, 0, true, {uint32_t(pad), 0, 0}}};
  });
}
