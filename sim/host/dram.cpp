#include "dram.h"

#include <fmt/format.h>

#include <algorithm>
#include <stdexcept>

namespace systolic::sim {

void DramConfig::validate() const {
  if (!(bytes_per_cycle >= 0) || bytes_per_cycle > 1e6) {
    throw std::invalid_argument(fmt::format(
        "DRAM bandwidth {} bytes/cycle is outside 0 (unlimited) .. 1e6", bytes_per_cycle));
  }
  if (latency < 1 || latency > 100000) {
    throw std::invalid_argument(fmt::format("DRAM latency {} is outside 1 .. 100000", latency));
  }
  if (outstanding < 1 || outstanding > 4096) {
    throw std::invalid_argument(
        fmt::format("DRAM outstanding requests {} is outside 1 .. 4096", outstanding));
  }
  if (!(stall >= 0) || stall > 0.9) {
    throw std::invalid_argument(
        fmt::format("DRAM stall probability {} is outside 0 .. 0.9", stall));
  }
}

Dram::Dram(const DramConfig& c, int beat_bytes) : c_(c), beat_(beat_bytes), rng_(c.seed) {
  c_.validate();
  reset();
}

void Dram::reset() {
  q_.clear();
  rng_.seed(c_.seed);
  credit_ = c_.unlimited() ? 0 : double(beat_);
  now_ = 0;
  stall_req_ = stall_rsp_ = false;
}

bool Dram::req_ready() const {
  return int(q_.size()) < c_.outstanding && !stall_req_ &&
         (c_.unlimited() || credit_ >= double(beat_));
}

bool Dram::rsp_valid() const { return !q_.empty() && q_.front().due <= now_ && !stall_rsp_; }

void Dram::drive(model::TopIn& in) const {
  in.mem_req_ready_i = req_ready();
  in.mem_rsp_valid_i = rsp_valid();
  in.mem_rsp_rdata_i.resize(size_t(beat_));
  if (in.mem_rsp_valid_i && !q_.front().data.empty()) {
    in.mem_rsp_rdata_i = q_.front().data;
  } else {
    std::fill(in.mem_rsp_rdata_i.begin(), in.mem_rsp_rdata_i.end(), 0);
  }
}

void Dram::edge(const model::TopOut& o) {
  const bool take = rsp_valid() && o.mem_rsp_ready_o;
  const bool accept = req_ready() && o.mem_req_valid_o;
  if (take) q_.pop_front();
  if (!c_.unlimited()) {
    credit_ = std::min(credit_ + c_.bytes_per_cycle, double(beat_) + c_.bytes_per_cycle);
  }
  if (accept) {
    if (!c_.unlimited()) credit_ -= double(beat_);
    const uint64_t addr = o.mem_req_addr_o;
    // Byte i of the beat is image byte a + i when the image holds address addr + i.
    const uint64_t a = addr - origin_;
    auto held = [&](int i) { return addr >= origin_ && a + uint64_t(i) < mem_.size(); };
    Rsp r{now_ + uint64_t(c_.latency), {}};
    if (!held(0) || !held(beat_ - 1)) ++outside_;
    if (o.mem_req_we_o) {
      ++writes_;
      for (int i = 0; i < beat_; ++i) {
        if ((o.mem_req_wstrb_o >> i & 1u) && held(i)) {
          mem_[size_t(a) + size_t(i)] = uint8_t(o.mem_req_wdata_o[size_t(i)]);
        }
      }
    } else {
      ++reads_;
      r.data.resize(size_t(beat_));
      for (int i = 0; i < beat_; ++i) r.data[size_t(i)] = held(i) ? mem_[size_t(a) + size_t(i)] : 0;
    }
    q_.push_back(std::move(r));
  }
  ++now_;
  if (c_.stall > 0) {
    std::uniform_real_distribution<double> u(0.0, 1.0);
    stall_req_ = u(rng_) < c_.stall;
    stall_rsp_ = u(rng_) < c_.stall;
  }
}

DramPort::DramPort(HostPort& inner, Dram& dram)
    : inner_(inner), dram_(dram), in_(inner.params()), last_(inner.params()) {}

void DramPort::reset() {
  inner_.reset();
  dram_.reset();
  last_ = model::TopOut(inner_.params());
}

const model::TopOut& DramPort::clock(const model::TopIn& in) {
  in_.host_req_i = in.host_req_i;
  in_.host_we_i = in.host_we_i;
  in_.host_addr_i = in.host_addr_i;
  in_.host_wdata_i = in.host_wdata_i;
  dram_.drive(in_);
  const model::TopOut& o = inner_.clock(in_);
  dram_.edge(last_);
  last_ = o;
  return o;
}

}  // namespace systolic::sim
