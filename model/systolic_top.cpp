#include "systolic_top.h"

#include <fmt/format.h>

#include <stdexcept>

namespace systolic::model {
namespace {

int32_t sext(uint32_t v, int bits) {
  const uint32_t m = uint32_t{1} << (bits - 1);
  v &= (bits == 32) ? ~uint32_t{0} : ((uint32_t{1} << bits) - 1);
  return static_cast<int32_t>((v ^ m) - m);
}

}  // namespace

void TopParams::validate() const {
  if (Rows < 2 || Rows > 32 || Cols < 2 || Cols > 32) {
    throw std::invalid_argument(
        fmt::format("array {}x{} is not supported: Rows and Cols must be in 2..32", Rows, Cols));
  }
  if (AWords < 1 || BWords < 1 || CWords < 1 || QWords < 1 || AccWords < 1 || AWords > (1 << 20) ||
      BWords > (1 << 20) || CWords > (1 << 20) || QWords > (1 << 20)) {
    throw std::invalid_argument("scratchpad word counts must be in 1..2^20");
  }
  if (RequantDepth < 1) throw std::invalid_argument("RequantDepth must be >= 1");
  if (WeightBanks < 1 || WeightBanks > 2) {
    throw std::invalid_argument("WeightBanks must be 1 (no double-buffering) or 2");
  }
}

std::string TopParams::name() const { return fmt::format("{}x{}", Rows, Cols); }

SystolicTop::SystolicTop(const TopParams& p)
    : p_((p.validate(), p)), ctrl_(p.Rows, p.Cols, p.RequantDepth, p.WeightBanks) {
  a_.assign(size_t(p.AWords) * p.Rows, 0);
  b_.assign(size_t(p.BWords) * p.Cols, 0);
  c_.assign(size_t(p.CWords) * p.Cols, 0);
  bias_.assign(size_t(p.QWords) * p.Cols, 0);
  m0_.assign(size_t(p.QWords) * p.Cols, 0);
  shift_.assign(size_t(p.QWords) * p.Cols, 0);
  acc_.assign(size_t(p.AccWords) * p.Cols, 0);
  // Rows in flight: Rows + Cols between issue and accumulate, RequantDepth after that.
  array_rows_.slots.resize(size_t(p.Rows + p.Cols + 1));
  requant_rows_.slots.resize(size_t(p.RequantDepth + 1));
  for (RowFifo* f : {&array_rows_, &requant_rows_}) {
    for (Row& r : f->slots) r.data.assign(p.Cols, 0);
  }
  reset();
}

void SystolicTop::reset() {
  // Scratchpad contents are not reset (memories), registers are.
  m_ = n_ = k_ = 0;
  a_base_ = b_base_ = c_base_ = q_base_ = 0;
  zp_out_ = 0;
  act_min_ = -128;
  act_max_ = 127;
  rounding_ = false;
  done_flag_ = false;
  ctr_ = Counters{};
  out_ = TopOut{};
  array_rows_.clear();
  requant_rows_.clear();
  tiles_ = 0;
}

uint32_t SystolicTop::read(uint32_t a) const {
  const uint32_t region = a >> 28, word = (a >> 8) & 0xfffffu, lane = a & 0xffu;
  auto lane_ok = [&](uint32_t words, int lanes) { return word < words && lane < uint32_t(lanes); };
  switch (region) {
    case addr::kRegs:
      switch (a & 0xffu) {
        case addr::kStatus:
          return uint32_t(out_.busy_o) | uint32_t(done_flag_) << 1;
        case addr::kM:
          return m_;
        case addr::kN:
          return n_;
        case addr::kK:
          return k_;
        case addr::kABase:
          return a_base_;
        case addr::kBBase:
          return b_base_;
        case addr::kCBase:
          return c_base_;
        case addr::kQBase:
          return q_base_;
        case addr::kZpOut:
          return uint32_t(zp_out_);
        case addr::kActMin:
          return uint32_t(act_min_);
        case addr::kActMax:
          return uint32_t(act_max_);
        case addr::kRounding:
          return uint32_t(rounding_);
        case addr::kCycBusy:
          return uint32_t(ctr_.busy);
        case addr::kCycWstall:
          return uint32_t(ctr_.wstall);
        case addr::kCycCompute:
          return uint32_t(ctr_.compute);
        case addr::kCycDrain:
          return uint32_t(ctr_.drain);
        case addr::kCycOutput:
          return uint32_t(ctr_.output);
        case addr::kMacsLo:
          return uint32_t(ctr_.macs);
        case addr::kMacsHi:
          return uint32_t(ctr_.macs >> 32);
        case addr::kRows:
          return uint32_t(p_.Rows);
        case addr::kCols:
          return uint32_t(p_.Cols);
        default:
          return 0;
      }
    case addr::kA:
      return lane_ok(p_.AWords, p_.Rows) ? uint32_t(int32_t(a_[word * p_.Rows + lane])) : 0;
    case addr::kB:
      return lane_ok(p_.BWords, p_.Cols) ? uint32_t(int32_t(b_[word * p_.Cols + lane])) : 0;
    case addr::kC:
      return lane_ok(p_.CWords, p_.Cols) ? uint32_t(int32_t(c_[word * p_.Cols + lane])) : 0;
    case addr::kBias:
      return lane_ok(p_.QWords, p_.Cols) ? uint32_t(bias_[word * p_.Cols + lane]) : 0;
    case addr::kM0:
      return lane_ok(p_.QWords, p_.Cols) ? uint32_t(m0_[word * p_.Cols + lane]) : 0;
    case addr::kShift:
      return lane_ok(p_.QWords, p_.Cols) ? uint32_t(shift_[word * p_.Cols + lane]) : 0;
    default:
      return 0;
  }
}

void SystolicTop::write(uint32_t a, uint32_t d) {
  const uint32_t region = a >> 28, word = (a >> 8) & 0xfffffu, lane = a & 0xffu;
  auto lane_ok = [&](uint32_t words, int lanes) { return word < words && lane < uint32_t(lanes); };
  const bool busy = out_.busy_o;
  if (region == addr::kC) {  // C stays writable while busy
    if (lane_ok(p_.CWords, p_.Cols)) c_[word * p_.Cols + lane] = int8_t(d);
    return;
  }
  if (busy) return;
  switch (region) {
    case addr::kRegs:
      switch (a & 0xffu) {
        case addr::kM:
          m_ = d & 0xffffffu;
          break;
        case addr::kN:
          n_ = d & 0xffffffu;
          break;
        case addr::kK:
          k_ = d & 0xffffffu;
          break;
        case addr::kABase:
          a_base_ = d & 0xfffffu;
          break;
        case addr::kBBase:
          b_base_ = d & 0xfffffu;
          break;
        case addr::kCBase:
          c_base_ = d & 0xfffffu;
          break;
        case addr::kQBase:
          q_base_ = d & 0xfffffu;
          break;
        case addr::kZpOut:
          zp_out_ = sext(d, 8);
          break;
        case addr::kActMin:
          act_min_ = sext(d, 8);
          break;
        case addr::kActMax:
          act_max_ = sext(d, 8);
          break;
        case addr::kRounding:
          rounding_ = d & 1u;
          break;
        default:
          break;
      }
      break;
    case addr::kA:
      if (lane_ok(p_.AWords, p_.Rows)) a_[word * p_.Rows + lane] = int8_t(d);
      break;
    case addr::kB:
      if (lane_ok(p_.BWords, p_.Cols)) b_[word * p_.Cols + lane] = int8_t(d);
      break;
    case addr::kBias:
      if (lane_ok(p_.QWords, p_.Cols)) bias_[word * p_.Cols + lane] = int32_t(d);
      break;
    case addr::kM0:
      if (lane_ok(p_.QWords, p_.Cols)) m0_[word * p_.Cols + lane] = int32_t(d);
      break;
    case addr::kShift:
      if (lane_ok(p_.QWords, p_.Cols)) shift_[word * p_.Cols + lane] = sext(d, 6);
      break;
    default:
      break;
  }
}

SystolicTop::Tile SystolicTop::tile(int i) const {
  Tile t;
  t.nt = i / (mb_count_ * kt_count_);
  t.mb = (i / kt_count_) % mb_count_;
  t.kt = i % kt_count_;
  t.kv = std::min<int>(p_.Rows, int(k_) - t.kt * p_.Rows);
  t.nv = std::min<int>(p_.Cols, int(n_) - t.nt * p_.Cols);
  t.rows = std::min<int>(p_.AccWords, int(m_) - t.mb * p_.AccWords);
  return t;
}

void SystolicTop::start() {
  ctr_ = Counters{};
  done_flag_ = false;
  cmd_cycle_ = 0;
  const bool empty = m_ == 0 || n_ == 0 || k_ == 0;
  kt_count_ = empty ? 0 : int((k_ + p_.Rows - 1) / p_.Rows);
  nt_count_ = empty ? 0 : int((n_ + p_.Cols - 1) / p_.Cols);
  mb_count_ = empty ? 0 : int((m_ + p_.AccWords - 1) / p_.AccWords);
  tiles_ = kt_count_ * nt_count_ * mb_count_;
  ctrl_.start(tiles_, [this](int i) { return tile(i).rows; });
  array_rows_.clear();
  requant_rows_.clear();
}

void SystolicTop::issue_slot(int i, int j) {
  const Tile t = tile(i);
  const int m = t.mb * p_.AccWords + j;
  ctr_.macs += uint64_t(t.kv) * uint64_t(t.nv);
  if (!compute_data_) return;  // no data: nothing in flight changes a port
  Row& row = array_rows_.push();
  row.due = cmd_cycle_ + p_.Rows + p_.Cols;
  row.m = m;
  row.j = j;
  row.tile = t;
  std::fill(row.data.begin(), row.data.end(), 0);
  const uint64_t a_word = uint64_t(a_base_) + uint64_t(m) * kt_count_ + t.kt;
  if (a_word >= uint64_t(p_.AWords)) return;
  const int8_t* arow = &a_[a_word * p_.Rows];
  int32_t* psum = row.data.data();
  for (int r = 0; r < t.kv; ++r) {
    const uint64_t b_word = uint64_t(b_base_) + uint64_t(t.nt) * k_ + uint64_t(t.kt) * p_.Rows + r;
    if (b_word >= uint64_t(p_.BWords) || arow[r] == 0) continue;
    const int32_t av = arow[r];
    const int8_t* brow = &b_[b_word * p_.Cols];
    for (int c = 0; c < t.nv; ++c) psum[c] += av * int32_t(brow[c]);
  }
}

void SystolicTop::accumulate(Row& row) {
  const Tile& t = row.tile;
  int32_t* acc = &acc_[size_t(row.j) * p_.Cols];
  if (t.kt != kt_count_ - 1) {
    for (int c = 0; c < p_.Cols; ++c) {
      acc[c] = t.kt == 0 ? row.data[c] : quant::wrap_add(acc[c], row.data[c]);
    }
    return;
  }
  const uint64_t q_word = uint64_t(q_base_) + t.nt;
  for (int c = 0; c < t.nv; ++c) {
    const int32_t sum = kt_count_ == 1 ? row.data[c] : quant::wrap_add(acc[c], row.data[c]);
    quant::OutputStage s;
    int32_t bias = 0;
    if (q_word < uint64_t(p_.QWords)) {
      const size_t q = q_word * p_.Cols + c;
      bias = bias_[q];
      s.m0 = m0_[q];
      s.shift = shift_[q];
    } else {
      s.m0 = 0;
      s.shift = 0;
    }
    s.zp_out = zp_out_;
    s.act_min = act_min_;
    s.act_max = act_max_;
    s.rounding = rounding_ ? quant::Rounding::kSingle : quant::Rounding::kDouble;
    if (s.shift < quant::kMinShift || s.shift > quant::kMaxShift) {
      throw std::runtime_error(fmt::format(
          "SHIFT word {} lane {} is {}, outside the contract [-31, 30]", q_word, c, s.shift));
    }
    row.data[c] = compute_data_ ? quant::requantize(sum, bias, s) : 0;
  }
}

void SystolicTop::engine_cycle() {
  const int64_t t = cmd_cycle_;
  // A row leaving the requant units: its C word is written at the end of this cycle.
  if (!requant_rows_.empty() && requant_rows_.front().due == t) {
    const Row& row = requant_rows_.front();
    const uint64_t c_word = uint64_t(c_base_) + uint64_t(row.m) * nt_count_ + row.tile.nt;
    if (c_word < uint64_t(p_.CWords)) {
      for (int c = 0; c < row.tile.nv; ++c) c_[c_word * p_.Cols + c] = int8_t(row.data[c]);
    }
    requant_rows_.pop();
  }
  // A row at the accumulate stage: into the buffer, or on the last K-tile into the requant units.
  if (!array_rows_.empty() && array_rows_.front().due == t) {
    Row& row = array_rows_.front();
    accumulate(row);
    if (row.tile.kt == kt_count_ - 1) {
      Row& next = requant_rows_.push();
      std::swap(next.data, row.data);
      next.m = row.m;
      next.j = row.j;
      next.tile = row.tile;
      next.due = t + p_.RequantDepth;
    }
    array_rows_.pop();
  }

  const TileCtrl::Slot slot = ctrl_.step(t, ctr_);
  if (slot.issue) issue_slot(slot.tile, slot.j);
}

const TopOut& SystolicTop::clock(const TopIn& in) {
  TopOut next = out_;
  next.done_o = false;
  next.host_rvalid_o = in.host_req_i && !in.host_we_i;
  if (next.host_rvalid_o) next.host_rdata_o = read(in.host_addr_i);  // state before the edge

  if (out_.busy_o) {
    engine_cycle();
    if (cmd_cycle_ == ctrl_.end_cycle()) {
      next.busy_o = false;
      next.done_o = true;
      done_flag_ = true;
    } else {
      ++cmd_cycle_;
    }
  }

  if (in.host_req_i && in.host_we_i) {
    if ((in.host_addr_i >> 28) == addr::kRegs && (in.host_addr_i & 0xffu) == addr::kCtrl) {
      if ((in.host_wdata_i & 1u) && !out_.busy_o) {
        start();
        next.busy_o = true;
      }
    } else {
      write(in.host_addr_i, in.host_wdata_i);
    }
  }
  out_ = next;
  return out_;
}

}  // namespace systolic::model
