// The memory behind systolic_top's memory port (docs/architecture.md §4, "Memory commands"): one
// byte-addressed image and a timing model shared by every engine. DramPort puts it in front of
// any HostPort (model, RTL, lockstep), so both sides of a lockstep see the same memory and their
// memory ports are compared on every cycle.
//
// Timing, per cycle (all outputs are functions of the state, as a registered memory's are):
//   - mem_req_ready_i = 1 when fewer than `outstanding` requests are accepted and unanswered, the
//     bandwidth credit holds a beat (credit grows by bytes_per_cycle a cycle, at most one beat
//     plus bytes_per_cycle; unlimited bandwidth: always) and no random stall holds it back;
//   - a request accepted at the edge ending cycle t is answered from cycle t + latency (reads
//     return the bytes as they were at acceptance; writes apply their strobed bytes then), in
//     order, one response per cycle while mem_rsp_ready_o, each response also subject to a
//     random stall.
// Random stalls (probability `stall` per cycle and channel) come from a generator seeded with
// `seed`: the same run stalls the same way.
#pragma once

#include <cstdint>
#include <deque>
#include <random>
#include <string>
#include <vector>

#include "host_port.h"

namespace systolic::sim {

struct DramConfig {
  double bytes_per_cycle = 16;  // 0: unlimited (the bus beat per cycle)
  int latency = 100;            // cycles from acceptance to the response (>= 1)
  int outstanding = 128;        // requests accepted and not yet answered (1 .. 4096)
  double stall = 0;             // probability of a stall per cycle and channel (0 .. 0.9)
  uint64_t seed = 1;
  // Throws std::invalid_argument naming the bad value.
  void validate() const;
  bool unlimited() const { return bytes_per_cycle <= 0; }
};

class Dram {
 public:
  Dram(const DramConfig& c, int beat_bytes);
  const DramConfig& config() const { return c_; }
  // The image holds the bytes at addresses origin() .. origin() + size - 1; a beat that
  // addresses any byte outside it counts in outside() (its reads give 0, its writes are dropped).
  std::vector<uint8_t>& image() { return mem_; }
  const std::vector<uint8_t>& image() const { return mem_; }
  uint64_t origin() const { return origin_; }
  void set_origin(uint64_t origin) { origin_ = origin; }
  void reset();  // the timing state (the image stays)

  // This cycle's memory-side inputs of the engine.
  void drive(model::TopIn& in) const;
  // The edge ending this cycle, with the engine's outputs during the cycle.
  void edge(const model::TopOut& o);

  uint64_t reads() const { return reads_; }      // beats read
  uint64_t writes() const { return writes_; }    // beats written
  uint64_t outside() const { return outside_; }  // beats addressing bytes past the image
  bool idle() const { return q_.empty(); }

 private:
  struct Rsp {
    uint64_t due;
    std::vector<int32_t> data;  // empty: a write's acknowledgement
  };
  bool req_ready() const;
  bool rsp_valid() const;

  DramConfig c_;
  int beat_;
  std::vector<uint8_t> mem_;
  uint64_t origin_ = 0;
  std::deque<Rsp> q_;
  std::mt19937_64 rng_;
  double credit_ = 0;
  uint64_t now_ = 0;
  bool stall_req_ = false, stall_rsp_ = false;
  uint64_t reads_ = 0, writes_ = 0, outside_ = 0;
};

// Any engine with a Dram on its memory port.
class DramPort final : public HostPort {
 public:
  DramPort(HostPort& inner, Dram& dram);
  const model::TopParams& params() const override { return inner_.params(); }
  void reset() override;
  const model::TopOut& clock(const model::TopIn& in) override;
  uint64_t cycles() const override { return inner_.cycles(); }
  const model::TopOut* reference_out() const override { return inner_.reference_out(); }
  Dram& dram() { return dram_; }

 private:
  HostPort& inner_;
  Dram& dram_;
  model::TopIn in_;
  model::TopOut last_;  // the engine's outputs during the current cycle
};

}  // namespace systolic::sim
