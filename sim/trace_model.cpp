#include "trace_model.h"

#include <algorithm>

namespace systolic::sim {
namespace {

model::PeArrayParams pe_params(const model::TopParams& p) {
  model::PeArrayParams q;
  q.Rows = p.Rows;
  q.Cols = p.Cols;
  q.WeightBanks = p.WeightBanks;
  return q;
}

// Packs n fields of `bits` each (field i at [i*bits +: bits]) into 32-bit words.
template <class F>
std::vector<uint32_t> pack(int n, int bits, F field) {
  std::vector<uint32_t> w(size_t((n * bits + 31) / 32), 0);
  for (int i = 0; i < n; ++i) {
    const uint64_t v = uint64_t(field(i)) & ((bits == 64) ? ~0ull : ((1ull << bits) - 1));
    for (int b = 0; b < bits; ++b) {
      if (v >> b & 1u) {
        const int pos = i * bits + b;
        w[size_t(pos / 32)] |= 1u << (pos % 32);
      }
    }
  }
  return w;
}

}  // namespace

ModelTracer::ModelTracer(const model::TopParams& p, const TraceOptions& o,
                         const std::string& vcd_path)
    : p_(p), o_(o), vcd_(vcd_path), shadow_(pe_params(p)) {
  for (const TraceSignal& s : trace_signals(p, o)) sig_.push_back(vcd_.add(s.name, s.width));
  b_rd_.assign(size_t(p.Cols), 0);
  a_rd_.assign(size_t(p.Rows), 0);
}

ModelTracer::~ModelTracer() = default;

void ModelTracer::on_reset(const model::SystolicTop&) {
  shadow_.reset();
  time_ = 0;
  started_ = false;
  ld_valid_ = ld_bank_ = ld_zero_ = false;
  ld_row_ = ld_nv_ = 0;
  std::fill(b_rd_.begin(), b_rd_.end(), 0);
  sl_valid_ = sl_bank_ = false;
  sl_kv_ = 0;
  std::fill(a_rd_.begin(), a_rd_.end(), 0);
  hist_.clear();
  issue_hist_.clear();
}

ModelTracer::Regs ModelTracer::regs(const model::SystolicTop& top) const {
  Regs r;
  r.busy = top.out_.busy_o;
  r.done = top.out_.done_o;
  if (!started_) {
    r.s_last = true;  // s_krem_q = 0 <= Rows
    return r;
  }
  const model::TileCtrl& ctrl = top.ctrl_;
  const bool two = p_.WeightBanks == 2;
  r.s_bank = two && (ctrl.s_tile_ & 1);
  // wl_bank_q toggles after a load's last row, the model's loader counts tiles at its first row.
  const bool loading = top.out_.busy_o && ctrl.wl_tile_ > 0 && top.cmd_cycle_ < ctrl.wl_free_at_;
  r.wl_bank = two && ((ctrl.wl_tile_ - (loading ? 1 : 0)) & 1);
  uint32_t krem = top.k_;
  if (top.tiles_ == 0) {
    r.s_nt = 0;
    r.s_first = true;
  } else if (ctrl.s_tile_ >= top.tiles_) {
    r.s_nt = uint32_t(top.nt_count_) & 0xffffffu;
    r.s_first = true;
  } else {
    const auto t = top.tile(ctrl.s_tile_);
    r.s_nt = uint32_t(t.nt);
    r.s_first = t.kt == 0;
    krem = top.k_ - uint32_t(t.kt) * uint32_t(p_.Rows);
  }
  r.s_last = (krem & 0xffffffu) <= uint32_t(p_.Rows);
  return r;
}

void ModelTracer::before_edge(const model::SystolicTop& top, const model::TopIn& in,
                              const model::TopOut& ports) {
  in_ = in;
  ports_ = ports;
  regs_ = regs(top);
  ctr_before_ = top.ctr_;
  s_tile_before_ = top.ctrl_.s_tile_;
  s_slot_before_ = top.ctrl_.s_slot_;
  busy_before_ = top.out_.busy_o;
}

namespace {
struct Decision {
  bool busy;
  int64_t t;  // busy cycle
  model::Counters before, after;
  int s_tile, s_slot;  // next slot before the step
  int wl_tile_after;   // loader state after the step
  int64_t wl_free_after;
};
}  // namespace

static void fill_comb(const Decision& d, int rows, CtrlState& state, bool& s_issue, int& s_tile,
                      int& s_j, bool& wl_issue, int& wl_tile, int& wl_row) {
  state = CtrlState::kIdle;
  s_issue = wl_issue = false;
  s_tile = s_j = wl_tile = wl_row = 0;
  if (!d.busy) return;
  if (d.after.compute != d.before.compute) {
    state = CtrlState::kCompute;
    s_issue = true;
    s_tile = d.s_tile;
    s_j = d.s_slot;
  } else if (d.after.wstall != d.before.wstall) {
    state = CtrlState::kWstall;
  } else if (d.after.drain != d.before.drain) {
    state = CtrlState::kDrain;
  } else {
    state = CtrlState::kOutput;
  }
  if (d.wl_tile_after > 0 && d.t >= d.wl_free_after - rows && d.t < d.wl_free_after) {
    wl_issue = true;
    wl_tile = d.wl_tile_after - 1;
    wl_row = int(d.t - (d.wl_free_after - rows));
  }
}

ModelTracer::Comb ModelTracer::decide(const model::SystolicTop& top,
                                      const model::Counters& before) const {
  Decision d{
      busy_before_,         0, before, top.ctr_, s_tile_before_, s_slot_before_, top.ctrl_.wl_tile_,
      top.ctrl_.wl_free_at_};
  // The busy cycle just processed: the command's cycle counter advanced past it unless it was
  // the last one.
  d.t = int64_t(top.ctr_.busy) - 1;
  Comb c;
  fill_comb(d, p_.Rows, c.state, c.s_issue, c.s_tile, c.s_j, c.wl_issue, c.wl_tile, c.wl_row);
  return c;
}

ModelTracer::Comb ModelTracer::peek(const model::SystolicTop& top) const {
  Comb c;
  if (!top.out_.busy_o) return c;
  model::TileCtrl ctrl = top.ctrl_;  // a copy: the real one is not stepped
  model::Counters ctr = top.ctr_;
  Decision d{true, top.cmd_cycle_, ctr, ctr, ctrl.s_tile_, ctrl.s_slot_, 0, 0};
  ctrl.step(top.cmd_cycle_, ctr);
  d.after = ctr;
  d.wl_tile_after = ctrl.wl_tile_;
  d.wl_free_after = ctrl.wl_free_at_;
  fill_comb(d, p_.Rows, c.state, c.s_issue, c.s_tile, c.s_j, c.wl_issue, c.wl_tile, c.wl_row);
  return c;
}

const ModelTracer::Hist* ModelTracer::hist(int64_t t) const {
  // hist_ holds cycles time_ - hist_.size() + 1 .. time_ (the current one pushed last).
  const int64_t first = int64_t(time_) + 1 - int64_t(hist_.size());
  if (t < first || t > int64_t(time_)) return nullptr;
  return &hist_[size_t(t - first)];
}

void ModelTracer::after_edge(const model::SystolicTop& top) {
  const Comb comb = decide(top, ctr_before_);
  cycle(top, comb, false);
  if (!busy_before_ && top.out_.busy_o) started_ = true;
}

void ModelTracer::finish(const model::SystolicTop& top, const model::TopIn& in,
                         const model::TopOut& ports) {
  before_edge(top, in, ports);
  cycle(top, peek(top), true);
  vcd_.close();
}

void ModelTracer::cycle(const model::SystolicTop& top, const Comb& comb, bool emit_only) {
  const int R = p_.Rows, C = p_.Cols;
  const int64_t T = int64_t(time_);
  // This cycle's history entry: input_skew's inputs, the array's bottom row, the issue tag.
  Hist h;
  h.valid = sl_valid_;
  h.sel = sl_bank_;
  h.lanes.assign(size_t(R), 0);
  for (int r = 0; r < R; ++r) {
    if (sl_valid_ && r < sl_kv_) h.lanes[size_t(r)] = a_rd_[size_t(r)];
  }
  h.psum = shadow_.out().psum_o;
  h.last = comb.s_issue && regs_.s_last;
  const bool issue_now = comb.s_issue;
  hist_.push_back(std::move(h));
  const size_t keep = size_t(R + C + p_.RequantDepth + 2);
  while (hist_.size() > keep) hist_.pop_front();
  issue_hist_.push_back(issue_now);
  while (issue_hist_.size() > keep) issue_hist_.pop_front();

  // pe_array inputs in cycle T.
  model::PeArrayIn in(pe_params(p_));
  for (int r = 0; r < R; ++r) {
    if (const Hist* hr = hist(T - r)) {
      in.a_i[size_t(r)] = hr->lanes[size_t(r)];
      in.a_valid_i[size_t(r)] = hr->valid;
      in.a_sel_i[size_t(r)] = hr->sel;
    }
    in.w_load_i[size_t(r)] = ld_valid_ && ld_row_ == r;
  }
  in.w_bank_i = ld_bank_;
  for (int c = 0; c < C; ++c)
    in.w_row_i[size_t(c)] = (!ld_zero_ && c < ld_nv_) ? b_rd_[size_t(c)] : 0;

  if (o_.in_window(uint64_t(T))) {
    auto issued = [&](int64_t t) {
      const int64_t first = T + 1 - int64_t(issue_hist_.size());
      return t >= first && t <= T && issue_hist_[size_t(t - first)];
    };
    auto last_at = [&](int64_t t) {
      const Hist* hh = hist(t);
      return hh && hh->last;
    };
    size_t k = 0;
    auto put = [&](uint64_t v) { vcd_.set(sig_[k++], v); };
    auto put_words = [&](const std::vector<uint32_t>& w) { vcd_.set_words(sig_[k++], w); };
    put(1);  // rst_ni
    put(in_.host_req_i);
    put(in_.host_we_i);
    put(in_.host_addr_i);
    put(in_.host_wdata_i);
    put(ports_.host_rvalid_o);
    put(ports_.host_rdata_o);
    put(ports_.busy_o);
    put(ports_.done_o);
    put_words(pack(C, 32, [&](int c) {
      const Hist* hh = hist(T - (C - 1 - c));
      return hh ? uint32_t(hh->psum[size_t(c)]) : 0u;
    }));
    put(issued(T - R - C));                                                            // x_valid_q
    put(issued(T - p_.RequantDepth - R - C) && last_at(T - p_.RequantDepth - R - C));  // c_wr_en
    put(uint32_t(comb.state));
    put(regs_.busy);
    put(regs_.done);
    put(comb.wl_issue);
    put(uint32_t(comb.wl_row));
    put(regs_.wl_bank);
    put(comb.s_issue);
    put(uint32_t(comb.s_j));
    put(regs_.s_nt);
    put(regs_.s_bank);
    put(regs_.s_first);
    put(regs_.s_last);
    put_words(pack(R, 8, [&](int r) { return uint8_t(in.a_i[size_t(r)]); }));
    put_words(pack(R, 1, [&](int r) { return in.a_valid_i[size_t(r)]; }));
    put_words(pack(R, 1, [&](int r) { return in.a_sel_i[size_t(r)]; }));
    put_words(pack(R, 1, [&](int r) { return in.w_load_i[size_t(r)]; }));
    put(in.w_bank_i);
    put_words(pack(C, 8, [&](int c) { return uint8_t(in.w_row_i[size_t(c)]); }));
    put_words(pack(C, 32, [&](int c) { return uint32_t(shadow_.out().psum_o[size_t(c)]); }));
    put_words(pack(C, 1, [&](int c) { return shadow_.out().psum_valid_o[size_t(c)]; }));
    for (int r = 0; r < R; ++r) {
      for (int c = 0; c < C; ++c) {
        if (!o_.pe_traced(p_, r, c)) continue;
        const model::MacPe& pe = shadow_.pe(r, c);
        if (c == 0) {
          put(uint8_t(in.a_i[size_t(r)]));
          put(in.a_valid_i[size_t(r)]);
          put(in.a_sel_i[size_t(r)]);
        } else {
          const model::MacPe& left = shadow_.pe(r, c - 1);
          put(uint8_t(left.a_o));
          put(left.a_valid_o);
          put(left.a_sel_o);
        }
        put(uint8_t(pe.a_o));
        put(pe.a_valid_o);
        put(pe.a_sel_o);
        put(uint32_t(pe.psum_o));
        put(uint8_t(pe.w[0]));
        put(uint8_t(pe.w[1]));
      }
    }
    vcd_.dump(uint64_t(T));
  }
  if (emit_only) return;

  shadow_.clock(in);

  // Stage registers for cycle T + 1 from this cycle's issue decisions.
  const bool two = p_.WeightBanks == 2;
  ld_valid_ = comb.wl_issue;
  if (comb.wl_issue) {
    const auto t = top.tile(comb.wl_tile);
    ld_row_ = comb.wl_row;
    ld_bank_ = two && (comb.wl_tile & 1);
    ld_zero_ = comb.wl_row >= t.kv;
    ld_nv_ = t.nv;
    if (!ld_zero_) {
      const uint64_t word = uint64_t(top.b_base_) + uint64_t(t.nt) * top.k_ +
                            uint64_t(t.kt) * uint64_t(R) + uint64_t(comb.wl_row);
      for (int c = 0; c < C; ++c) {
        b_rd_[size_t(c)] = word < uint64_t(p_.BWords) ? top.b_[word * C + c] : 0;
      }
    }
  }
  sl_valid_ = comb.s_issue;
  if (comb.s_issue) {
    const auto t = top.tile(comb.s_tile);
    sl_bank_ = two && (comb.s_tile & 1);
    sl_kv_ = t.kv;
    const uint64_t m = uint64_t(t.mb) * uint64_t(p_.AccWords) + uint64_t(comb.s_j);
    const uint64_t word = uint64_t(top.a_base_) + m * uint64_t(top.kt_count_) + uint64_t(t.kt);
    for (int r = 0; r < R; ++r) {
      a_rd_[size_t(r)] = word < uint64_t(p_.AWords) ? top.a_[word * R + r] : 0;
    }
  }
  ++time_;
}

}  // namespace systolic::sim
