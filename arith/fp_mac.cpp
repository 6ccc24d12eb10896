// Pipelined FP MAC and the scalar-ALU and systolic-array FP GEMM machines (see fp_mac.h).
#include "fp_mac.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace systolic::model {

int FpMacConfig::depth() const {
  if (stage_latency.empty()) return int(fp::stage_names(fp::Op::kFma).size());
  int d = 0;
  for (int l : stage_latency) d += l;
  return d;
}

void FpMacConfig::validate() const {
  fp::validate(format);
  const auto& names = fp::stage_names(fp::Op::kFma);
  if (stage_latency.empty()) return;
  if (stage_latency.size() != names.size()) {
    throw std::invalid_argument(
        fmt::format("FP MAC: {} stage latencies given, the FMA has {} stages", stage_latency.size(),
                    names.size()));
  }
  for (size_t i = 0; i < names.size(); ++i) {
    if (stage_latency[i] < 0 || stage_latency[i] > 64) {
      throw std::invalid_argument(fmt::format("FP MAC: latency {} of stage '{}' is not in 0..64",
                                              stage_latency[i], names[i]));
    }
  }
  if (depth() < 1) throw std::invalid_argument("FP MAC: the stage latencies sum to 0 (need >= 1)");
}

FpReg DelayLine::step(const FpReg& in) {
  if (regs_.empty()) return in;
  FpReg out = regs_[head_];
  regs_[head_] = in;
  head_ = (head_ + 1) % regs_.size();
  return out;
}

FpMac::FpMac(const FpMacConfig& cfg) : format_(cfg.format) {
  cfg.validate();
  regs_.resize(size_t(cfg.depth()));
}

void FpMac::push(const FpReg& r) {
  regs_[head_] = r;
  head_ = (head_ + 1) % regs_.size();
}

void FpMac::clock() { push(FpReg{}); }

void FpMac::clock(uint32_t a, uint32_t b, uint32_t c, int tag) {
  push(FpReg{true, fp::fma(format_, a, b, c), tag});
}

void FpMac::clock_bypass(uint32_t c, int tag) { push(FpReg{true, c, tag}); }

void FpGemm::validate() const {
  if (M < 1 || N < 1 || K < 1) {
    throw std::invalid_argument(fmt::format("FP GEMM: M={} N={} K={} must be >= 1", M, N, K));
  }
  if (a.size() != size_t(M) * size_t(K) || b.size() != size_t(K) * size_t(N)) {
    throw std::invalid_argument("FP GEMM: A must hold M*K and B K*N values");
  }
}

// ---------------------------------------------------------------------------------------------
// Scalar ALU
// ---------------------------------------------------------------------------------------------

ScalarFpAlu::ScalarFpAlu(const FpMacConfig& cfg) : cfg_(cfg) { cfg_.validate(); }

FpGemmResult ScalarFpAlu::run(const FpGemm& g) const {
  g.validate();
  FpMac mac(cfg_);
  const int64_t outputs = int64_t(g.M) * g.N;
  struct Slot {
    int64_t out = -1;   // output index m * N + n, -1: empty
    int k = 0;          // next k to issue
    uint32_t acc = 0;   // accumulator (+0 at the start)
    bool busy = false;  // its last FMA is in the pipeline
  };
  std::vector<Slot> win(size_t(std::min<int64_t>(mac.depth(), outputs)));
  int64_t next_out = 0, done = 0;
  for (Slot& s : win) s.out = next_out++;

  FpGemmResult res;
  res.c.assign(size_t(outputs), 0);
  size_t rr = 0;  // round-robin pointer: the slot after the last one that issued
  for (uint64_t cycle = 0;; ++cycle) {
    // Write-back: the result at the pipeline output this cycle goes to its slot's accumulator
    // (forwarded: it is an operand of this cycle's issue) or, after the K-th FMA, to C.
    const FpReg& out = mac.head();
    if (out.valid) {
      Slot& s = win[size_t(out.tag)];
      s.acc = out.value;
      s.busy = false;
      if (s.k == g.K) {
        res.c[size_t(s.out)] = s.acc;
        s = Slot{};
        if (next_out < outputs) s.out = next_out++;
        if (++done == outputs) {
          res.cycles = cycle + 1;
          return res;
        }
      }
    }
    // Issue: the first ready slot from the round-robin pointer.
    int pick = -1;
    for (size_t i = 0; i < win.size(); ++i) {
      const size_t s = (rr + i) % win.size();
      if (win[s].out >= 0 && !win[s].busy && win[s].k < g.K) {
        pick = int(s);
        break;
      }
    }
    if (pick >= 0) {
      Slot& s = win[size_t(pick)];
      const int64_t m = s.out / g.N, n = s.out % g.N;
      mac.clock(g.a[size_t(m * g.K + s.k)], g.b[size_t(int64_t(s.k) * g.N + n)], s.acc, pick);
      s.busy = true;
      ++s.k;
      ++res.fma_issued;
      rr = (size_t(pick) + 1) % win.size();
    } else {
      mac.clock();
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Systolic array
// ---------------------------------------------------------------------------------------------

FpSystolicArray::FpSystolicArray(int rows, int cols, const FpMacConfig& cfg)
    : rows_(rows), cols_(cols), cfg_(cfg) {
  if (rows < 1 || cols < 1 || rows > 256 || cols > 256) {
    throw std::invalid_argument(
        fmt::format("FP systolic array: {}x{} is not within 1x1 .. 256x256", rows, cols));
  }
  cfg_.validate();
}

FpGemmResult FpSystolicArray::run(const FpGemm& g) const {
  g.validate();
  const int R = rows_, C = cols_, D = cfg_.depth();
  const int kt_count = (g.K + R - 1) / R, nt_count = (g.N + C - 1) / C;
  FpGemmResult res;
  res.c.assign(size_t(g.M) * g.N, 0);

  std::vector<FpMac> pe(size_t(R) * C, FpMac(cfg_));  // PE (r, c) at r * C + c
  std::vector<FpReg> a_q(size_t(R) * C);              // activation register of each PE
  std::vector<FpReg> w(size_t(R) * C);                // stationary weights; !valid: padding
  std::vector<FpReg> head(size_t(R) * C);             // pipeline outputs of the current cycle
  std::vector<FpReg> a_feed(static_cast<size_t>(R)), p_feed(static_cast<size_t>(C));
  std::vector<uint32_t> acc(size_t(g.M) * C);  // accumulator buffer of one N tile

  for (int nt = 0; nt < nt_count; ++nt) {
    std::fill(acc.begin(), acc.end(), 0u);  // +0
    for (int kt = 0; kt < kt_count; ++kt) {
      ++res.tiles;
      // Weight load: one row per cycle, not overlapped with streaming.
      for (int r = 0; r < R; ++r) {
        const int k = kt * R + r;
        for (int c = 0; c < C; ++c) {
          const int n = nt * C + c;
          const bool v = k < g.K && n < g.N;
          w[size_t(r * C + c)] = FpReg{v, v ? g.b[size_t(int64_t(k) * g.N + n)] : 0u, 0};
        }
        ++res.cycles;
        ++res.weight_load_cycles;
      }
      // Stream: skew delay lines of r * D (activations) and c (partial sums) cycles.
      std::vector<DelayLine> a_skew, p_skew;
      for (int r = 0; r < R; ++r) a_skew.emplace_back(r * D);
      for (int c = 0; c < C; ++c) p_skew.emplace_back(c);
      std::fill(a_q.begin(), a_q.end(), FpReg{});
      int64_t written = 0;
      const int64_t target = int64_t(g.M) * C;
      for (uint64_t t = 0;; ++t) {
        const bool in = t < uint64_t(g.M);
        const int m = int(t);
        for (int r = 0; r < R; ++r) {
          const int k = kt * R + r;
          const uint32_t v = in && k < g.K ? g.a[size_t(int64_t(m) * g.K + k)] : 0u;
          a_feed[size_t(r)] = a_skew[size_t(r)].step(in ? FpReg{true, v, m} : FpReg{});
        }
        for (int c = 0; c < C; ++c) {
          p_feed[size_t(c)] = p_skew[size_t(c)].step(
              in ? FpReg{true, acc[size_t(int64_t(m) * C + c)], m} : FpReg{});
        }
        for (size_t i = 0; i < pe.size(); ++i) head[i] = pe[i].head();
        for (int r = 0; r < R; ++r) {
          for (int c = C - 1; c >= 0; --c) {
            const size_t i = size_t(r * C + c);
            const FpReg a_in = c == 0 ? a_feed[size_t(r)] : a_q[i - 1];
            const FpReg p_in = r == 0 ? p_feed[size_t(c)] : head[i - size_t(C)];
            if (a_in.valid != p_in.valid || (a_in.valid && a_in.tag != p_in.tag)) {
              throw std::logic_error(fmt::format(
                  "FP systolic array: PE ({}, {}) activation and partial sum out of step", r, c));
            }
            if (!a_in.valid) {
              pe[i].clock();
            } else if (w[i].valid) {
              pe[i].clock(a_in.value, w[i].value, p_in.value, a_in.tag);
              ++res.fma_issued;
            } else {
              pe[i].clock_bypass(p_in.value, a_in.tag);
            }
            a_q[i] = a_in;
          }
        }
        bool last = false;
        for (int c = 0; c < C; ++c) {
          const FpReg& o = head[size_t((R - 1) * C + c)];
          if (!o.valid) continue;
          acc[size_t(int64_t(o.tag) * C + c)] = o.value;
          last = ++written == target;
        }
        if (last) {
          res.cycles += t + 1;
          break;
        }
      }
    }
    for (int m = 0; m < g.M; ++m) {
      for (int c = 0; c < C && nt * C + c < g.N; ++c) {
        res.c[size_t(int64_t(m) * g.N + nt * C + c)] = acc[size_t(int64_t(m) * C + c)];
      }
    }
  }
  return res;
}

// ---------------------------------------------------------------------------------------------
// Closed forms (checked against the simulations above by test_fp_machines)
// ---------------------------------------------------------------------------------------------
uint64_t fp_scalar_cycles(const FpMacConfig& cfg, int64_t M, int64_t N, int64_t K) {
  cfg.validate();
  if (M < 1 || N < 1 || K < 1) throw std::invalid_argument("fp_scalar_cycles: M, N, K >= 1");
  const uint64_t D = uint64_t(cfg.depth()), outputs = uint64_t(M) * uint64_t(N);
  const uint64_t W = std::min(D, outputs), q = outputs / W, r = outputs % W;
  const uint64_t kd = uint64_t(K) * D;
  return (r > 0 ? r - 1 + (q + 1) * kd : W - 1 + q * kd) + 1;
}

uint64_t fp_array_cycles(int rows, int cols, const FpMacConfig& cfg, int64_t M, int64_t N,
                         int64_t K) {
  cfg.validate();
  if (rows < 1 || cols < 1 || M < 1 || N < 1 || K < 1) {
    throw std::invalid_argument("fp_array_cycles: rows, cols, M, N, K >= 1");
  }
  const uint64_t tiles = uint64_t((K + rows - 1) / rows) * uint64_t((N + cols - 1) / cols);
  return tiles * (uint64_t(rows) + uint64_t(M) + uint64_t(cols) - 1 +
                  uint64_t(rows) * uint64_t(cfg.depth()));
}

}  // namespace systolic::model
