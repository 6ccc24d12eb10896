#include "systolic_regs.h"

namespace systolic::model {
namespace {

constexpr uint32_t kDimMask = (uint32_t{1} << iface::kDimWidth) - 1;
constexpr uint32_t kBaseMask = (uint32_t{1} << iface::kWordWidth) - 1;
constexpr uint32_t kSrcNone = 7;

uint32_t sext(uint32_t v, int bits) {
  const uint32_t m = uint32_t{1} << (bits - 1);
  v &= (bits >= 32) ? ~uint32_t{0} : ((uint32_t{1} << bits) - 1);
  return (v ^ m) - m;
}

}  // namespace

SystolicRegs::SystolicRegs(const SystolicRegsParams& p) : p_((p.validate(), p)) { reset(); }

void SystolicRegs::reset() {
  r_ = SystolicRegsRegs{};
  for (const iface::RegInfo& i : iface::kRegTable) {
    const uint32_t v =
        uint32_t(i.reset) & (i.bits >= 32 ? ~uint32_t{0} : (uint32_t{1} << i.bits) - 1);
    if (i.index == iface::kActMin) r_.act_min_q = v;
    if (i.index == iface::kActMax) r_.act_max_q = v;
  }
  r_.dataflow_q = uint32_t(p_.Dataflow == 2);
  out_ = SystolicRegsOut{};
  update_register_outputs();
}

uint64_t* SystolicRegs::counter(uint32_t index, int* lsb) {
  // Each counter's registers of bits 31:0 and 63:32 (the traffic counters: below).
  using R = SystolicRegsRegs;
  static constexpr struct {
    uint32_t lo, hi;
    uint64_t R::*q;
  } kMap[] = {{iface::kCycBusy, iface::kCycBusyHi, &R::cyc_busy_q},
              {iface::kCycWstall, iface::kCycWstallHi, &R::cyc_wstall_q},
              {iface::kCycCompute, iface::kCycComputeHi, &R::cyc_compute_q},
              {iface::kCycDrain, iface::kCycDrainHi, &R::cyc_drain_q},
              {iface::kCycOutput, iface::kCycOutputHi, &R::cyc_output_q},
              {iface::kCycLoad, iface::kCycLoadHi, &R::cyc_load_q},
              {iface::kCycStore, iface::kCycStoreHi, &R::cyc_store_q},
              {iface::kMacsLo, iface::kMacsHi, &R::macs_q},
              {iface::kDramRdLo, iface::kDramRdHi, &R::dram_rd_q},
              {iface::kDramWrLo, iface::kDramWrHi, &R::dram_wr_q}};
  for (const auto& c : kMap) {
    if (index == c.lo || index == c.hi) {
      *lsb = index == c.hi ? 32 : 0;
      return &(r_.*c.q);
    }
  }
  if (index >= uint32_t(iface::kCntFirst) &&
      index < uint32_t(iface::kCntFirst + 2 * iface::kNumCnt)) {
    *lsb = int((index - uint32_t(iface::kCntFirst)) % 2) * 32;
    return &r_.cnt_q[(index - uint32_t(iface::kCntFirst)) / 2];
  }
  *lsb = 0;
  return nullptr;
}

uint32_t SystolicRegs::reg_read(uint32_t index, const SystolicRegsIn& in) const {
  const SystolicRegsRegs& r = r_;
  switch (index) {
    case iface::kStatus:
      return uint32_t(in.busy_i) | uint32_t(r.done_flag_q || in.done_i) << 1 |
             (in.done_i ? in.err_i : r.err_q) << 2;
    case iface::kM:
      return r.m_q;
    case iface::kN:
      return r.n_q;
    case iface::kK:
      return r.k_q;
    case iface::kABase:
      return r.a_base_q;
    case iface::kBBase:
      return r.b_base_q;
    case iface::kCBase:
      return r.c_base_q;
    case iface::kQBase:
      return r.q_base_q;
    case iface::kZpOut:
      return sext(r.zp_out_q, iface::kDataWidth);
    case iface::kActMin:
      return sext(r.act_min_q, iface::kDataWidth);
    case iface::kActMax:
      return sext(r.act_max_q, iface::kDataWidth);
    case iface::kRounding:
      return uint32_t(r.rounding_q);
    case iface::kPrecision:
      return r.precision_q;
    case iface::kDataflow:
      return r.dataflow_q;
    case iface::kRows:
      return uint32_t(p_.Rows);
    case iface::kCols:
      return uint32_t(p_.Cols);
    case iface::kDramA:
    case iface::kDramB:
    case iface::kDramC:
    case iface::kDramBias:
    case iface::kDramM0:
    case iface::kDramShift:
      return r.dram_q[index - iface::kDramA];
    case iface::kLdA:
    case iface::kLdB:
    case iface::kLdC:
      return r.ld_q[index - iface::kLdA];
    case iface::kDramBw:
      return r.dram_bw_q;
    default:
      if (int lsb = 0; const uint64_t* c = counter(index, &lsb)) return uint32_t(*c >> lsb);
      return 0;  // CTRL (write only) and unassigned indices
  }
}

uint32_t SystolicRegs::read_data(uint32_t a, uint32_t b, uint32_t c, uint32_t bias, uint32_t m0,
                                 uint32_t shift) const {
  if (!r_.rvalid_q) return r_.hold_q;
  switch (r_.src_q) {
    case 0:
      return r_.reg_rdata_q;
    case iface::kA:
      return sext(a, iface::kDataWidth);
    case iface::kB:
      return sext(b, iface::kDataWidth);
    case iface::kC:
      return sext(c, iface::kDataWidth);
    case iface::kBias:
      return bias;
    case iface::kM0:
      return m0;
    case iface::kShift:
      return sext(shift, iface::kShiftWidth);
    default:
      return 0;
  }
}

uint32_t SystolicRegs::rdata(const SystolicRegsIn& in) const {
  return read_data(in.a_rdata_i, in.b_rdata_i, in.c_rdata_i, in.bias_rdata_i, in.m0_rdata_i,
                   in.shift_rdata_i);
}

const SystolicRegsOut& SystolicRegs::eval(const SystolicRegsIn& in) {
  SystolicRegsOut& o = out_;
  o.host_rvalid_o = r_.rvalid_q;
  o.host_rdata_o = rdata(in);
  if (!in.host_req_i) {  // no access: nothing to decode but the address fields
    o.start_o = o.mem_start_o = false;
    o.spad_re_o = o.spad_we_o = 0;
    o.spad_word_o = iface::word_of(in.host_addr_i);
    o.spad_lane_o = iface::lane_of(in.host_addr_i);
    o.spad_wdata_o = in.host_wdata_i;
    return o;
  }
  const uint32_t region = iface::region_of(in.host_addr_i);
  const uint32_t index = iface::lane_of(in.host_addr_i);
  const bool host_wr = in.host_req_i && in.host_we_i;
  const bool host_rd = in.host_req_i && !in.host_we_i;
  const bool wr_idle = host_wr && !in.busy_i;
  const bool ctrl = wr_idle && region == iface::kRegs && index == iface::kCtrl;
  o.start_o = ctrl && (in.host_wdata_i & 1);
  o.mem_start_o = ctrl && !(in.host_wdata_i & 1) && (in.host_wdata_i & 2);
  o.spad_re_o = 0;
  o.spad_we_o = 0;
  if (region >= 1 && region <= uint32_t(iface::kSpadRegions)) {
    const uint32_t bit = 1u << (region - 1);
    if (wr_idle) o.spad_we_o = bit;
    if (host_rd && (!in.busy_i || (region == iface::kC && !in.dma_busy_i))) o.spad_re_o = bit;
  }
  o.spad_word_o = iface::word_of(in.host_addr_i);
  o.spad_lane_o = index;
  o.spad_wdata_o = in.host_wdata_i;
  // The register outputs (m_o .. rounding_o) follow the registers: update_register_outputs().
  return o;
}

void SystolicRegs::update_register_outputs() {
  SystolicRegsOut& o = out_;
  o.m_o = r_.m_q;
  o.n_o = r_.n_q;
  o.k_o = r_.k_q;
  o.a_base_o = r_.a_base_q;
  o.b_base_o = r_.b_base_q;
  o.c_base_o = r_.c_base_q;
  o.q_base_o = r_.q_base_q;
  o.zp_out_o = r_.zp_out_q;
  o.act_min_o = r_.act_min_q;
  o.act_max_o = r_.act_max_q;
  o.rounding_o = r_.rounding_q;
  o.precision_o = r_.precision_q;
  o.dataflow_o = r_.dataflow_q;
  o.dram_a_o = r_.dram_q[0];
  o.dram_b_o = r_.dram_q[1];
  o.dram_c_o = r_.dram_q[2];
  o.dram_bias_o = r_.dram_q[3];
  o.dram_m0_o = r_.dram_q[4];
  o.dram_shift_o = r_.dram_q[5];
  o.ld_a_o = r_.ld_q[0];
  o.ld_b_o = r_.ld_q[1];
  o.ld_c_o = r_.ld_q[2];
  o.dram_bw_o = r_.dram_bw_q;
}

void SystolicRegs::tick(const SystolicRegsIn& in) {
  const SystolicRegsOut& o = out_;
  SystolicRegsRegs& r = r_;
  const uint32_t region = iface::region_of(in.host_addr_i);
  const uint32_t index = iface::lane_of(in.host_addr_i);
  const bool host_wr = in.host_req_i && in.host_we_i;
  const bool host_rd = in.host_req_i && !in.host_we_i;
  const bool in_regs = region == iface::kRegs;
  const uint32_t w = in.host_wdata_i;

  // Read data first: it reads the registers as they are in this cycle.
  const uint32_t rd_value = o.host_rdata_o;  // eval(in) computed it
  if (!in.host_req_i) {                      // no access: the read port holds, the counters count
    r.hold_q = r.rvalid_q ? rd_value : r.hold_q;
    r.rvalid_q = false;
    r.done_flag_q = r.done_flag_q || in.done_i;
    if (in.done_i) r.err_q = in.err_i;
    if (in.busy_i) count(in);
    return;
  }
  if (host_rd) {
    r.reg_rdata_q = in_regs ? reg_read(index, in) : 0;
    r.src_q = in_regs ? 0 : (o.spad_re_o != 0 ? region : kSrcNone);
  }
  r.hold_q = r.rvalid_q ? rd_value : r.hold_q;
  r.rvalid_q = host_rd;

  const bool done_flag = r.done_flag_q || in.done_i;
  // Command registers: written only while idle.
  if (host_wr && !in.busy_i && in_regs) {
    switch (index) {
      case iface::kM:
        r.m_q = w & kDimMask;
        break;
      case iface::kN:
        r.n_q = w & kDimMask;
        break;
      case iface::kK:
        r.k_q = w & kDimMask;
        break;
      case iface::kABase:
        r.a_base_q = w & kBaseMask;
        break;
      case iface::kBBase:
        r.b_base_q = w & kBaseMask;
        break;
      case iface::kCBase:
        r.c_base_q = w & kBaseMask;
        break;
      case iface::kQBase:
        r.q_base_q = w & kBaseMask;
        break;
      case iface::kZpOut:
        r.zp_out_q = w & 0xffu;
        break;
      case iface::kActMin:
        r.act_min_q = w & 0xffu;
        break;
      case iface::kActMax:
        r.act_max_q = w & 0xffu;
        break;
      case iface::kRounding:
        r.rounding_q = w & 1u;
        break;
      case iface::kPrecision:  // a mode the build lacks is stored as int8
        r.precision_q =
            (p_.Int4 == 1 && (w == uint32_t(iface::kPrecW4a4) || w == uint32_t(iface::kPrecW4a8)))
                ? w
                : uint32_t(iface::kPrecInt8);
        break;
      case iface::kDataflow:  // a dataflow the build lacks: the one it has
        r.dataflow_q = p_.Dataflow == 3 ? (w & 1u) : uint32_t(p_.Dataflow == 2);
        break;
      case iface::kDramA:
      case iface::kDramB:
      case iface::kDramC:
      case iface::kDramBias:
      case iface::kDramM0:
      case iface::kDramShift:
        r.dram_q[index - iface::kDramA] = w;
        break;
      case iface::kLdA:
      case iface::kLdB:
      case iface::kLdC:
        r.ld_q[index - iface::kLdA] = w;
        break;
      case iface::kDramBw:
        r.dram_bw_q = w;
        break;
      default:  // a counter's half: a preset (a start with CTRL bit 2 counts on from it)
        if (int lsb = 0; uint64_t* c = counter(index, &lsb)) {
          *c = (*c & ~(uint64_t{0xffffffffu} << lsb)) | uint64_t{w} << lsb;
        }
        break;
    }
    update_register_outputs();
  }
  // Counters: cleared at the start edge (kept with CTRL bit 2), then one phase per busy cycle.
  r.done_flag_q = done_flag;
  if (in.done_i) r.err_q = in.err_i;
  if (o.start_o || o.mem_start_o) {
    r.done_flag_q = false;
    r.err_q = 0;
  }
  if ((o.start_o || o.mem_start_o) && !(w & 4u)) {
    r.cyc_busy_q = r.cyc_wstall_q = r.cyc_compute_q = r.cyc_drain_q = r.cyc_output_q = 0;
    r.macs_q = 0;
    r.cyc_load_q = r.cyc_store_q = 0;
    r.dram_rd_q = r.dram_wr_q = 0;
    for (uint64_t& c : r.cnt_q) c = 0;
  } else if (in.busy_i) {
    count(in);
  }
}

void SystolicRegs::count(const SystolicRegsIn& in) {
  SystolicRegsRegs& r = r_;
  ++r.cyc_busy_q;
  r.cyc_wstall_q += uint64_t(in.ph_wstall_i);
  r.cyc_compute_q += uint64_t(in.ph_compute_i);
  r.cyc_drain_q += uint64_t(in.ph_drain_i);
  r.cyc_output_q += uint64_t(in.ph_output_i);
  if (in.ph_compute_i) r.macs_q += macs_per_product() * uint64_t(in.s_kv_i) * uint64_t(in.s_nv_i);
  r.cyc_load_q += uint64_t(in.ph_load_i);
  r.cyc_store_q += uint64_t(in.ph_store_i);
  if (in.rd_beat_i) r.dram_rd_q += uint64_t{1} << p_.MemBytesLog2;
  if (in.wr_beat_i) r.dram_wr_q += uint64_t{1} << p_.MemBytesLog2;
  count_traffic(in, 1);
}

// The traffic counters over n cycles with these inputs.
void SystolicRegs::count_traffic(const SystolicRegsIn& in, uint64_t n) {
  SystolicRegsRegs& r = r_;
  if (in.rd_beat_i) {
    const uint64_t bytes = n << p_.MemBytesLog2;
    if (in.rd_sp_i & iface::region_bit(iface::kA)) r.cnt_q[iface::kCntDramRdA] += bytes;
    if (in.rd_sp_i & iface::region_bit(iface::kB)) r.cnt_q[iface::kCntDramRdB] += bytes;
    if (in.rd_sp_i & (iface::region_bit(iface::kBias) | iface::region_bit(iface::kM0) |
                      iface::region_bit(iface::kShift))) {
      r.cnt_q[iface::kCntDramRdQ] += bytes;
    }
  }
  // The scratchpads accessed (most busy cycles: one or two bits, often none), and a second word
  // of a region in the same cycle (the DMA's word pairs).
  auto count = [&](uint32_t regions, size_t first) {
    for (uint32_t b = regions; b != 0; b &= b - 1) r.cnt_q[first + size_t(__builtin_ctz(b))] += n;
  };
  count(in.sram_rd_i, iface::kCntSramRdA);
  count(in.sram_wr_i, iface::kCntSramWrA);
  count(in.sram_rd2_i, iface::kCntSramRdA);
  count(in.sram_wr2_i, iface::kCntSramWrA);
}

static_assert(iface::kCycWidth == 64 && iface::kMacsWidth == 64,
              "the counter registers are uint64_t");

void SystolicRegs::advance_busy(uint64_t n, const SystolicRegsIn& in) {
  // The counters wrap at 64 bits: uint64_t arithmetic does it.
  SystolicRegsRegs& r = r_;
  r.cyc_busy_q += n;
  r.cyc_wstall_q += in.ph_wstall_i ? n : 0;
  r.cyc_compute_q += in.ph_compute_i ? n : 0;
  r.cyc_drain_q += in.ph_drain_i ? n : 0;
  r.cyc_output_q += in.ph_output_i ? n : 0;
  if (in.ph_compute_i) {
    r.macs_q += macs_per_product() * n * uint64_t(in.s_kv_i) * uint64_t(in.s_nv_i);
  }
  r.cyc_load_q += in.ph_load_i ? n : 0;
  r.cyc_store_q += in.ph_store_i ? n : 0;
  // No memory beats in a fast-forward (SystolicTop::wait_done skips only tile_ctrl's stretches).
  count_traffic(in, n);
}

}  // namespace systolic::model
