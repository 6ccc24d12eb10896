#include "systolic_top.h"

#include <algorithm>

#include "mac_pe.h"

namespace systolic::model {

SystolicTop::SystolicTop(const TopParams& p)
    : p_((p.validate(), p)),
      regs_(iface::systolic_regs_params(p)),
      ctrl_(iface::tile_ctrl_params(p)),
      os_(iface::os_ctrl_params(p)),
      dma_(iface::dma_params(p)),
      acc_(iface::acc_stage_params(p)),
      a_(p.AWords, p.Rows, iface::kDataWidth),
      b_(p.BWords, p.Cols, iface::kDataWidth),
      c_(p.CWords, p.Cols, iface::kDataWidth),
      bias_(p.QWords, p.Cols, iface::kBiasWidth),
      m0_(p.QWords, p.Cols, iface::kM0Width),
      shift_(p.QWords, p.Cols, iface::kShiftWidth),
      dma_in_(iface::dma_params(p)),
      acc_in_(iface::acc_stage_params(p)),
      q_next_(iface::acc_stage_params(p)),
      out_(p) {
  c_rd_next_.assign(size_t(p.Cols), 0);
  c_rd1_next_.assign(size_t(p.Cols), 0);
  os_sum_.assign(size_t(p.Cols), 0);
  slots_.resize(size_t(p.Rows + p.Cols + 1));
  cw_due_.resize(size_t(p.Rows + p.Cols + p.RequantDepth + 1));
  for (Slot& s : slots_) s.psum.assign(size_t(p.Cols), 0);
  reset();
}

void SystolicTop::set_compute_data(bool on) {
  compute_data_ = on;
  acc_.set_compute_data(on);
}

void SystolicTop::reset() {
  // Scratchpad contents and the accumulator buffer are not reset (memories), registers are.
  regs_.reset();
  ctrl_.reset();
  os_.reset();
  os_in_ = OsCtrlIn{};
  os_rows_[0] = os_rows_[1] = OsRows{};
  dma_.reset();
  acc_.reset();
  for (Spad<int8_t>* s : {&a_, &b_, &c_}) s->reset();
  for (Spad<int32_t>* s : {&bias_, &m0_, &shift_}) s->reset();
  regs_in_ = SystolicRegsIn{};
  ctrl_in_ = TileCtrlIn{};
  dma_in_ = DmaIn(iface::dma_params(p_));
  std::fill(c_rd_next_.begin(), c_rd_next_.end(), 0);
  std::fill(c_rd1_next_.begin(), c_rd1_next_.end(), 0);
  bank_bbase_[0] = bank_bbase_[1] = 0;
  bank_bstep_[0] = bank_bstep_[1] = 1;
  slot_head_ = slot_count_ = 0;
  cw_head_ = cw_count_ = 0;
  cycle_ = 0;
  acc_ticked_ = false;
  q_next_valid_ = false;
  out_ = TopOut(p_);
  set_mem_outputs();
}

// The memory port: the DMA's outputs (functions of its registers).
void SystolicTop::set_mem_outputs() {
  const DmaOut& d = dma_.out();
  out_.mem_req_valid_o = d.mem_req_valid_o;
  out_.mem_req_we_o = d.mem_req_we_o;
  out_.mem_req_addr_o = d.mem_req_addr_o;
  out_.mem_req_wdata_o = d.mem_req_wdata_o;
  out_.mem_req_wstrb_o = d.mem_req_wstrb_o;
  out_.mem_rsp_ready_o = d.mem_rsp_ready_o;
}

Counters SystolicTop::counters() const {
  const SystolicRegsRegs& r = regs_.regs();
  Counters c{r.cyc_busy_q, r.cyc_wstall_q, r.cyc_compute_q, r.cyc_drain_q, r.cyc_output_q,
             r.macs_q,     r.cyc_load_q,   r.cyc_store_q,   r.dram_rd_q,   r.dram_wr_q};
  std::copy(std::begin(r.cnt_q), std::end(r.cnt_q), std::begin(c.traffic));
  return c;
}

void SystolicTop::issue(const TileCtrlOut& co) {
  // The partial sums of the slot's row: sum over the tile's valid rows r of A[r] * B[b0 + r*bs],
  // b0 the B word of row 0 of the tile in the slot's weight bank and bs its row step (1, k-major
  // NT: bank_bstep_); columns >= nv stay 0 (their weights load as 0), as do missing words. (A
  // plain loop the compiler vectorizes for the baseline x86-64: faster here, measured, than AVX2
  // clones of a fixed-width kernel.)
  size_t tail = slot_head_ + slot_count_++;
  if (tail >= slots_.size()) tail -= slots_.size();
  Slot& s = slots_[tail];
  s.due = cycle_ + uint64_t(p_.Rows + p_.Cols);
  int32_t* psum = s.psum.data();
  std::fill(s.psum.begin(), s.psum.end(), 0);
  const uint64_t b0 = bank_bbase_[co.s_bank_o ? 1 : 0], bs = bank_bstep_[co.s_bank_o ? 1 : 0];
  const int nv = int(co.s_nv_o);
  if (regs_.regs().precision_q == uint32_t(iface::kPrecW4a8)) {
    // w4a8: the slot reads an A word pair (w4a8_pair): array row r takes the pair's bytes 2r and
    // 2r + 1, activations k = 2r and 2r + 1 of the K-tile, and its weight byte holds their two
    // signed nibbles.
    const uint64_t pair = w4a8_pair(co.s_addr_o);
    const int8_t* half[2] = {a_.word(2 * pair), a_.word(2 * pair + 1)};
    const int rows = p_.Rows;
    for (int r = 0; r < int(co.s_kv_o); ++r) {
      const int8_t* brow = b_.word(iface::addr_add(b0, uint64_t(r) * bs));
      if (!brow) continue;
      const int i0 = 2 * r, i1 = 2 * r + 1;  // byte i of the pair: word i / Rows, lane i % Rows
      const int32_t a0 = half[i0 / rows] ? half[i0 / rows][i0 % rows] : 0;
      const int32_t a1 = half[i1 / rows] ? half[i1 / rows][i1 % rows] : 0;
      if (a0 == 0 && a1 == 0) continue;
      for (int c = 0; c < nv; ++c) {
        psum[c] += a0 * MacPe::nibble(brow[c], 0) + a1 * MacPe::nibble(brow[c], 1);
      }
    }
    return;
  }
  const int8_t* arow = a_.word(co.s_addr_o);
  if (!arow) return;
  if (regs_.regs().precision_q == uint32_t(iface::kPrecW4a4)) {
    // w4a4: every byte is a pair of signed nibbles along K (low nibble first), and a PE adds
    // both products (rtl/mac_pe.sv, model/mac_pe.h).
    for (int r = 0; r < int(co.s_kv_o); ++r) {
      const int8_t* brow = b_.word(iface::addr_add(b0, uint64_t(r) * bs));
      if (!brow || arow[r] == 0) continue;
      const int32_t a0 = MacPe::nibble(arow[r], 0), a1 = MacPe::nibble(arow[r], 1);
      for (int c = 0; c < nv; ++c) {
        psum[c] += a0 * MacPe::nibble(brow[c], 0) + a1 * MacPe::nibble(brow[c], 1);
      }
    }
    return;
  }
  for (int r = 0; r < int(co.s_kv_o); ++r) {
    const int8_t* brow = b_.word(iface::addr_add(b0, uint64_t(r) * bs));
    if (!brow || arow[r] == 0) continue;
    const int32_t av = arow[r];
    for (int c = 0; c < nv; ++c) psum[c] += av * int32_t(brow[c]);
  }
}

void SystolicTop::os_issue() {
  // Row r of the tile os_ctrl tags: sum over k < K of A[row r of beat k] * B[beat k][c] for the
  // valid columns, 32-bit wrap-around (each PE's sum, rtl/mac_pe.sv). Row 0's tag comes in the
  // tile's period (os_ctrl's tile registers still name it); the others follow every other cycle
  // from the tile's tag sequencer (two tiles' tags interleave when the period is short).
  const OsCtrlRegs& q = os_.regs();
  OsRows& rows = os_rows_[os_.tag_seq()];
  if (os_.tag_first_row()) rows = OsRows{q.a_tile_q, q.b_tile_q, q.k_q, 0};
  const int r = int(rows.r++);
  const uint64_t os_row_a = rows.a, os_row_b = rows.b, os_row_k = rows.k;
  size_t tail = slot_head_ + slot_count_++;
  if (tail >= slots_.size()) tail -= slots_.size();
  Slot& s = slots_[tail];
  s.due = cycle_ + uint64_t(p_.Rows + p_.Cols);
  std::vector<uint32_t>& sum = os_sum_;
  std::fill(sum.begin(), sum.end(), 0u);
  const int nv = int(os_.out().o_nv_o);
  const auto prec = uint8_t(regs_.regs().precision_q);
  const bool w4a8 = p_.Int4 == 1 && prec == uint8_t(iface::kPrecW4a8);
  for (uint64_t k = 0; k < os_row_k; ++k) {
    uint16_t lane = 0;
    if (w4a8) {  // the pair's bytes 2r and 2r + 1 (rtl/systolic_top.sv, A scratchpad)
      const uint64_t pair = w4a8_pair(os_row_a + k);
      const int8_t* half[2] = {a_.word(2 * pair), a_.word(2 * pair + 1)};
      const int i0 = 2 * r, i1 = 2 * r + 1, rows = p_.Rows;
      const uint8_t b0 = half[i0 / rows] ? uint8_t(half[i0 / rows][i0 % rows]) : 0;
      const uint8_t b1 = half[i1 / rows] ? uint8_t(half[i1 / rows][i1 % rows]) : 0;
      lane = uint16_t(b0 | (b1 << 8));
    } else {
      const int8_t* aw = a_.word(os_row_a + k);
      lane = aw ? uint8_t(aw[r]) : 0;
    }
    const int8_t* bw = b_.word(os_row_b + k);
    if (lane == 0 || !bw) continue;
    for (int c = 0; c < nv; ++c)
      sum[size_t(c)] += uint32_t(MacPe::product(lane, bw[c], p_.Int4, prec));
  }
  for (int c = 0; c < p_.Cols; ++c) s.psum[size_t(c)] = int32_t(sum[size_t(c)]);
}

SystolicTop::Tag SystolicTop::tag() const {
  Tag t;
  if (os_mode()) {
    const OsCtrlOut& o = os_.out();
    t.issue = o.o_issue_o;
    t.first = t.last = true;
    t.nt = o.o_nt_o;
    t.nv = o.o_nv_o;
    t.caddr = o.o_caddr_o;
  } else {
    const TileCtrlOut& c = ctrl_.out();
    t.issue = c.s_issue_o;
    t.first = c.s_first_o;
    t.last = c.s_last_o;
    t.j = c.s_j_o;
    t.nt = c.s_nt_o;
    t.nv = c.s_nv_o;
    t.caddr = c.s_caddr_o;
  }
  return t;
}

uint32_t SystolicTop::dma_base(int region) const {
  const DmaOut& o = dma_.out();
  const bool half = region == iface::kA   ? o.tile_a_half_o
                    : region == iface::kB ? o.tile_b_half_o
                    : region == iface::kC ? o.tile_c_half_o
                                          : o.tile_q_half_o;
  return half ? dma_.half_base(region, regs_.regs().precision_q) : 0;
}

// acc_stage's inputs of this cycle and its outputs.
const AccStageOut& SystolicTop::acc_eval(const Tag& tg, const SystolicRegsOut& ro) {
  AccStageIn& ai = acc_in_;
  ai.s_issue_i = tg.issue;
  ai.s_first_i = tg.first;
  ai.s_last_i = tg.last;
  ai.s_j_i = tg.j;
  ai.s_nt_i = tg.nt;
  ai.s_nv_i = tg.nv;
  ai.s_caddr_i = tg.caddr;
  ai.q_base_i = dma_.busy() ? dma_base(iface::kBias) : ro.q_base_o;
  ai.zp_out_i = ro.zp_out_o;
  ai.act_min_i = ro.act_min_o;
  ai.act_max_i = ro.act_max_o;
  ai.rounding_i = ro.rounding_o;
  // The BIAS / M0 / SHIFT word read in the last cycle (the spads' read data).
  if (q_next_valid_) {
    std::swap(ai.bias_i, q_next_.bias_i);
    std::swap(ai.m0_i, q_next_.m0_i);
    std::swap(ai.shift_i, q_next_.shift_i);
    q_next_valid_ = false;
  }
  // The row of the slot in the accumulate stage (the RTL's de-skewed psum_x).
  if (slot_count_ > 0 && slots_[slot_head_].due == cycle_) {
    std::swap(ai.psum_i, slots_[slot_head_].psum);
    if (++slot_head_ == slots_.size()) slot_head_ = 0;
    --slot_count_;
  }
  return acc_.eval(ai);
}

// acc_stage's edge: its C write, its registers, its BIAS / M0 / SHIFT read.
void SystolicTop::acc_edge(const AccStageOut& ao) {
  if (ao.c_wr_en_o) c_.engine_write(ao.c_wr_addr_o, int(ao.c_wr_lanes_o), ao.c_wr_data_o.data());
  acc_.tick(acc_in_);
  if (ao.q_rd_en_o) {
    bias_.engine_read();
    m0_.engine_read();
    shift_.engine_read();
    // The BIAS / M0 / SHIFT word reaches acc_stage in the next cycle (X): after its edge.
    const int32_t* bw = bias_.word(ao.q_rd_addr_o);
    const int32_t* mw = m0_.word(ao.q_rd_addr_o);
    const int32_t* sw = shift_.word(ao.q_rd_addr_o);
    for (int c = 0; c < p_.Cols; ++c) {
      q_next_.bias_i[size_t(c)] = bw ? bw[c] : 0;
      q_next_.m0_i[size_t(c)] = mw ? mw[c] : 0;
      q_next_.shift_i[size_t(c)] = sw ? sw[c] : 0;
    }
    q_next_valid_ = true;
  }
}

// The engine's scratchpad word accesses of this cycle into systolic_regs' traffic inputs: A and B
// reads from tile_ctrl, the BIAS / M0 / SHIFT reads and C writes from acc_stage. Timing-only runs
// have no acc_stage: a slot of a tile's last K-tile (s_last) counts its BIAS / M0 / SHIFT read and
// its C write at issue, the same totals by the end of the command.
void SystolicTop::engine_traffic(const TileCtrlOut& co, const OsCtrlOut& oo, const AccStageOut* ao,
                                 SystolicRegsIn& ri) const {
  using iface::region_bit;
  constexpr uint32_t q =
      region_bit(iface::kBias) | region_bit(iface::kM0) | region_bit(iface::kShift);
  if (co.wl_issue_o && !co.wl_zero_o) ri.sram_rd_i |= region_bit(iface::kB);
  if (co.s_issue_o) ri.sram_rd_i |= region_bit(iface::kA);
  if (oo.x_issue_o) ri.sram_rd_i |= region_bit(iface::kA) | region_bit(iface::kB);
  if (ao) {
    if (ao->q_rd_en_o) ri.sram_rd_i |= q;
    if (ao->c_wr_en_o) ri.sram_wr_i |= region_bit(iface::kC);
  } else if (!compute_data_ && ((co.s_issue_o && co.s_last_o) || oo.o_issue_o)) {
    ri.sram_rd_i |= q;
    ri.sram_wr_i |= region_bit(iface::kC);
  }
}

bool SystolicTop::wait_done(uint64_t max_edges) {
  const TopIn idle{};
  uint64_t edges = 0;
  while (edges < max_edges) {
    // Timing-only: with the host port idle and its read data settled, a steady stretch of the
    // controller changes nothing but positions, countdowns and counters (no acc_stage here).
    if (!compute_data_ && !regs_.regs().rvalid_q && !dma_.busy()) {
      const bool os = os_mode();
      uint64_t n = std::min(os ? os_.steady_edges() : ctrl_.steady_edges(), max_edges - edges);
      if (n > 1) {
        const TileCtrlOut& co = ctrl_.out();
        const OsCtrlOut& oo = os_.out();
        // The inputs systolic_regs sees in these edges: the host port idle, the phase of the
        // controller (constant in a steady stretch).
        SystolicRegsIn& ri = set_regs_in(idle);
        regs_.eval(ri);
        ri.sram_rd_i = ri.sram_wr_i = ri.sram_rd2_i = ri.sram_wr2_i = 0;
        engine_traffic(co, oo, nullptr, ri);
        // The engine's scratchpad reads in these edges (they clear the RAMs' host read data).
        if ((co.wl_issue_o && !co.wl_zero_o) || oo.x_issue_o) b_.engine_read();
        if (co.s_issue_o || oo.x_issue_o) a_.engine_read();
        regs_.advance_busy(n, ri);
        if (os) {
          os_.advance(n);
        } else {
          ctrl_.advance(n);
        }
        cycle_ += n;
        edges += n;
        acc_ticked_ = false;
        continue;  // busy_o stays 1 and done_o 0: the ports are unchanged
      }
    }
    ++edges;
    if (clock(idle).done_o) return true;
  }
  return false;
}

// systolic_regs' inputs from the host port and the controller's phase outputs (the read data
// are set apart, only when a read answers).
SystolicRegsIn& SystolicTop::set_regs_in(const TopIn& in) {
  const TileCtrlOut& co = ctrl_.out();
  const OsCtrlOut& oo = os_.out();
  const bool os = os_mode();
  SystolicRegsIn& ri = regs_in_;
  ri.host_req_i = in.host_req_i;
  ri.host_we_i = in.host_we_i;
  ri.host_addr_i = in.host_addr_i;
  ri.host_wdata_i = in.host_wdata_i;
  dma_in_.tile_done_i = co.done_o;
  dma_in_.tile_ready_i = co.ready_o;
  const DmaOut& d = dma_.eval(dma_in_);
  ri.busy_i = co.busy_o || oo.busy_o || d.busy_o;
  ri.done_i = ((co.done_o || oo.done_o) && !d.busy_o) || d.done_o;
  ri.dma_busy_i = d.busy_o;
  ri.ph_load_i = d.ph_load_o || co.ph_mwait_o;  // tile_ctrl waiting for the DMA counts as load
  ri.ph_store_i = d.ph_store_o;
  ri.err_i = d.err_o;
  ri.rd_beat_i = d.mem_req_valid_o && in.mem_req_ready_i && !d.mem_req_we_o;
  ri.wr_beat_i = d.mem_req_valid_o && in.mem_req_ready_i && d.mem_req_we_o;
  ri.rd_sp_i = d.mem_req_sp_o;
  ri.ph_wstall_i = co.ph_wstall_o || oo.ph_wstall_o;
  ri.ph_compute_i = co.ph_compute_o || oo.ph_compute_o;
  ri.ph_drain_i = co.ph_drain_o || oo.ph_drain_o;
  ri.ph_output_i = co.ph_output_o || oo.ph_output_o;
  ri.s_kv_i = os ? oo.x_mv_o : co.s_kv_o;
  ri.s_nv_i = os ? oo.x_nv_o : co.s_nv_o;
  return ri;
}

const TopOut& SystolicTop::clock(const TopIn& in) {
  // ---- This cycle's combinational values (the state before the edge) ----
  const TileCtrlOut& co = ctrl_.out();
  SystolicRegsIn& ri = set_regs_in(in);
  if (regs_.regs().rvalid_q) {  // the scratchpads' read data matter only to a read's answer
    ri.a_rdata_i = a_.host_rdata();
    ri.b_rdata_i = b_.host_rdata();
    ri.c_rdata_i = c_.host_rdata();
    ri.bias_rdata_i = bias_.host_rdata();
    ri.m0_rdata_i = m0_.host_rdata();
    ri.shift_rdata_i = shift_.host_rdata();
  }
  const SystolicRegsOut& ro = regs_.eval(ri);

  // ---- The edge: host reads first (the RAMs read before they write), then the engine's
  // scratchpad accesses, the host's writes and every block's registers ----
  const uint32_t spad_re = ro.spad_re_o, spad_we = ro.spad_we_o;
  Spad<int8_t>* const s8[] = {&a_, &b_, &c_};
  Spad<int32_t>* const s32[] = {&bias_, &m0_, &shift_};
  for (int i = 0; spad_re != 0 && i < iface::kSpadRegions; ++i) {
    if (!(spad_re >> i & 1u)) continue;
    if (i < 3) {
      s8[i]->host_read(ro.spad_word_o, ro.spad_lane_o);
    } else {
      s32[i - 3]->host_read(ro.spad_word_o, ro.spad_lane_o);
    }
  }

  const OsCtrlOut& oo = os_.out();
  const bool os = os_mode();
  const bool engine =
      co.busy_o || oo.busy_o || (compute_data_ && (slot_count_ > 0 || acc_.x().valid));
  acc_ticked_ = engine && compute_data_;
  ri.sram_rd_i = ri.sram_wr_i = ri.sram_rd2_i = ri.sram_wr2_i = 0;
  // acc_stage's C write of this cycle (the DMA counts them); timing-only: the one due now.
  bool c_wr = false;
  uint64_t c_wr_addr = 0;
  if (!compute_data_ && cw_count_ > 0 && cw_due_[cw_head_].due == cycle_) {
    c_wr = true;
    c_wr_addr = cw_due_[cw_head_].addr;
    if (++cw_head_ == cw_due_.size()) cw_head_ = 0;
    --cw_count_;
  }
  if (engine) {
    const AccStageOut* ao = compute_data_ ? &acc_eval(tag(), ro) : nullptr;
    if (ao) {
      c_wr = ao->c_wr_en_o;
      c_wr_addr = ao->c_wr_addr_o;
    } else if (co.s_issue_o && co.s_last_o && dma_.busy()) {
      size_t tail = cw_head_ + cw_count_++;
      if (tail >= cw_due_.size()) tail -= cw_due_.size();
      cw_due_[tail] = {cycle_ + uint64_t(p_.Rows + p_.Cols + p_.RequantDepth), co.s_caddr_o};
    }
    engine_traffic(co, oo, ao, ri);
    if (oo.x_issue_o) {
      a_.engine_read();
      b_.engine_read();
    }
    if (oo.o_issue_o && ao) os_issue();
    if (co.wl_issue_o && !co.wl_zero_o) {
      b_.engine_read();
      if (co.wl_row_o == 0) {
        // Row r of the tile is B word b0 + r (k-major, memory commands: b0 + r * NT).
        const TileCtrlRegs& cr = ctrl_.regs();
        bank_bbase_[co.wl_bank_o ? 1 : 0] = co.wl_addr_o;
        bank_bstep_[co.wl_bank_o ? 1 : 0] = cr.kmaj_q ? cr.nt_num_q : 1;
      }
    }
    if (co.s_issue_o) {
      a_.engine_read();
      if (ao) issue(co);
    }
    if (ao) acc_edge(*ao);
  }
  // The DMA's scratchpad accesses: a word written into A, B, BIAS, M0 or SHIFT, a C word read.
  const DmaOut& dout = dma_.out();
  const bool dma_on = dout.busy_o || dout.done_o || ro.mem_start_o;
  if (dma_on) {
    for (int i = 0; dout.wr_en_o != 0 && i < iface::kSpadRegions; ++i) {
      if (!(dout.wr_en_o >> i & 1u)) continue;  // bit i: region 1 + i, as the host's spad_we_o
      if (i < 3) {
        s8[i]->dma_write(dout.wr_addr_o, dout.wr_data_o.data());
      } else {
        s32[i - 3]->dma_write(dout.wr_addr_o, dout.wr_data_o.data());
      }
    }
    ri.sram_wr_i |= dout.wr_en_o;
    // A word pair: the next word of A or B (the other bank) too.
    if (dout.wr_pair_o) {
      const bool to_b = (dout.wr_en_o & iface::region_bit(iface::kB)) != 0;
      (to_b ? b_ : a_).dma_write(uint64_t(dout.wr_addr_o) + 1, dout.wr_data1_o.data());
      ri.sram_wr2_i |= iface::region_bit(to_b ? iface::kB : iface::kA);
    }
    if (dout.c_rd_en_o) {
      ri.sram_rd_i |= iface::region_bit(iface::kC);
      c_.engine_read();
      const int8_t* cw = c_.word(dout.c_rd_addr_o);
      for (int l = 0; l < p_.Cols; ++l) c_rd_next_[size_t(l)] = cw ? cw[l] : 0;
      if (dout.c_rd_pair_o) {
        ri.sram_rd2_i |= iface::region_bit(iface::kC);
        const int8_t* cw1 = c_.word(uint64_t(dout.c_rd_addr_o) + 1);
        for (int l = 0; l < p_.Cols; ++l) c_rd1_next_[size_t(l)] = cw1 ? cw1[l] : 0;
      }
    }
  }
  for (int i = 0; spad_we != 0 && i < iface::kSpadRegions; ++i) {
    if (!(spad_we >> i & 1u)) continue;
    if (i < 3) {
      s8[i]->host_write(ro.spad_word_o, ro.spad_lane_o, ro.spad_wdata_o);
    } else {
      s32[i - 3]->host_write(ro.spad_word_o, ro.spad_lane_o, ro.spad_wdata_o);
    }
  }

  // The DMA's outputs of this cycle that are read after its edge.
  dma_ticked_ = dma_on;
  const bool dma_busy = dout.busy_o, dma_tile_start = dout.tile_start_o, dma_c_rd = dout.c_rd_en_o;
  const bool dma_c_pair = dma_c_rd && dout.c_rd_pair_o;
  const uint32_t dma_m = dout.tile_m_o, dma_n = dout.tile_n_o, dma_k = dout.tile_k_o,
                 dma_a = dma_base(iface::kA), dma_b = dma_base(iface::kB),
                 dma_c = dma_base(iface::kC);
  const bool dma_first = dout.tile_acc_first_o, dma_last = dout.tile_acc_last_o;
  const bool dma_kto = dout.tile_kt_outer_o, dma_qrdy = dout.tile_q_ready_o;
  const uint32_t dma_brows = dout.tile_b_rows_o;
  if (dma_on) {
    DmaIn& di = dma_in_;
    di.start_i = ro.mem_start_o;
    di.m_i = ro.m_o;
    di.n_i = ro.n_o;
    di.k_i = ro.k_o;
    di.dram_a_i = ro.dram_a_o;
    di.dram_b_i = ro.dram_b_o;
    di.dram_c_i = ro.dram_c_o;
    di.dram_bias_i = ro.dram_bias_o;
    di.dram_m0_i = ro.dram_m0_o;
    di.dram_shift_i = ro.dram_shift_o;
    di.ld_a_i = ro.ld_a_o;
    di.ld_b_i = ro.ld_b_o;
    di.ld_c_i = ro.ld_c_o;
    di.dram_bw_i = ro.dram_bw_o;
    di.precision_i = ro.precision_o;
    di.os_i = os;
    di.c_wr_en_i = c_wr;
    di.c_wr_addr_i = c_wr ? c_wr_addr : 0;
    di.mem_req_ready_i = in.mem_req_ready_i;
    di.mem_rsp_valid_i = in.mem_rsp_valid_i;
    if (in.mem_rsp_rdata_i.size() == di.mem_rsp_rdata_i.size()) {
      di.mem_rsp_rdata_i = in.mem_rsp_rdata_i;
    } else {
      std::fill(di.mem_rsp_rdata_i.begin(), di.mem_rsp_rdata_i.end(), 0);
    }
    if (record_dma_) dma_seen_ = di;
    dma_.tick(di);                              // (dout now shows the registers after the edge)
    if (dma_c_rd) di.c_rd_data_i = c_rd_next_;  // the C word read at this edge, seen next cycle
    if (dma_c_pair) di.c_rd_data1_i = c_rd1_next_;
  }
  const bool tile_start = (ro.start_o && !os) || dma_tile_start;
  const bool os_start = ro.start_o && os;
  if (oo.busy_o || oo.done_o || os_start) {
    os_in_.start_i = os_start;
    os_in_.m_i = ro.m_o;
    os_in_.n_i = ro.n_o;
    os_in_.k_i = ro.k_o;
    os_in_.a_base_i = ro.a_base_o;
    os_in_.b_base_i = ro.b_base_o;
    os_in_.c_base_i = ro.c_base_o;
    os_.tick(os_in_);
  }
  if (co.busy_o || tile_start) {
    ctrl_in_.start_i = tile_start;
    ctrl_in_.m_i = dma_busy ? dma_m : ro.m_o;
    ctrl_in_.n_i = dma_busy ? dma_n : ro.n_o;
    ctrl_in_.k_i = dma_busy ? dma_k : ro.k_o;
    ctrl_in_.acc_first_i = dma_busy ? dma_first : true;
    ctrl_in_.acc_last_i = dma_busy ? dma_last : true;
    ctrl_in_.kt_outer_i = dma_busy && dma_kto;
    ctrl_in_.b_kmajor_i = dma_busy;  // memory commands: the DMA writes B k-major
    ctrl_in_.b_rows_i = dma_busy ? dma_brows : (uint32_t{1} << iface::kDimWidth) - 1;
    ctrl_in_.q_ready_i = !dma_busy || dma_qrdy;
    ctrl_in_.a_base_i = dma_busy ? dma_a : ro.a_base_o;
    ctrl_in_.b_base_i = dma_busy ? dma_b : ro.b_base_o;
    ctrl_in_.c_base_i = dma_busy ? dma_c : ro.c_base_o;
    ctrl_.tick(ctrl_in_);
  } else if (co.done_o) {
    ctrl_in_.start_i = false;
    ctrl_.tick(ctrl_in_);  // done_q falls
  }
  regs_.tick(ri);
  ++cycle_;

  // ---- The ports after the edge ----
  const TileCtrlOut& cn = ctrl_.out();
  const OsCtrlOut& on = os_.out();
  const DmaOut& dn = dma_.out();
  out_.busy_o = cn.busy_o || on.busy_o || dn.busy_o;
  out_.done_o = ((cn.done_o || on.done_o) && !dn.busy_o) || dn.done_o;
  if (dma_on) set_mem_outputs();
  out_.host_rvalid_o = regs_.regs().rvalid_q;
  out_.host_rdata_o = out_.host_rvalid_o ? regs_.read_data(a_.host_rdata(), b_.host_rdata(),
                                                           c_.host_rdata(), bias_.host_rdata(),
                                                           m0_.host_rdata(), shift_.host_rdata())
                                         : regs_.regs().hold_q;
  return out_;
}

}  // namespace systolic::model
