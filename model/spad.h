// C++ twin of rtl/spad.sv: a scratchpad of Words words of Lanes elements (one ram_1r1w shared by
// the engine and the host element port; docs/architecture.md §4).
//
// The engine side is direct: word() returns a word's elements, so the engine model reads its
// operands where the RTL issues the read (the scratchpads A, B, BIAS, M0 and SHIFT cannot change
// while the engine reads them). The host side keeps the RTL's registers: host_read() captures the
// element at the read edge (before that edge's writes, as the RAM reads first), host_rdata() is
// the spad's host_rdata_o after it, and an engine read clears it as the shared RAM output
// register does. Missing words and lanes read 0 and write nothing.
#pragma once

#include <cstdint>
#include <vector>

namespace systolic::model {

template <class T>
class Spad {
 public:
  // width: bits per element (host_rdata() returns the element's low `width` bits, as the RTL port
  // does).
  Spad(int words, int lanes, int width)
      : words_(uint64_t(words)), lanes_(lanes), mask_(width >= 32 ? ~0u : (1u << width) - 1) {
    mem_.assign(size_t(words) * size_t(lanes), T(0));
  }

  int lanes() const { return lanes_; }
  bool has(uint64_t word) const { return word < words_; }
  // The word's elements (lanes() of them), or nullptr for a missing word.
  const T* word(uint64_t w) const { return w < words_ ? &mem_[size_t(w) * lanes_] : nullptr; }
  T* word(uint64_t w) { return w < words_ ? &mem_[size_t(w) * lanes_] : nullptr; }

  // Engine read port used this cycle: the RAM output no longer holds a host element.
  void engine_read() { host_hit_ = false; }
  // Engine write port: lanes 0 .. nlanes-1 (the RTL's lane mask is always such a prefix).
  template <class V>
  void engine_write(uint64_t w, int nlanes, const V* data) {
    if (T* p = word(w)) {
      for (int l = 0; l < nlanes && l < lanes_; ++l) p[l] = T(data[l]);
    }
  }

  // The DMA's write (the engine write port, every lane): each element keeps its low `width`
  // bits, as the RTL's narrower lanes do.
  void dma_write(uint64_t w, const int32_t* data) {
    if (T* p = word(w)) {
      for (int l = 0; l < lanes_; ++l) p[l] = T(uint32_t(data[l]) & mask_);
    }
  }

  // Host element port: call host_read() before this edge's writes.
  void host_read(uint32_t w, uint32_t lane) {
    host_hit_ = w < words_ && lane < uint32_t(lanes_);
    host_value_ = host_hit_ ? uint32_t(int64_t(mem_[size_t(w) * lanes_ + lane])) & mask_ : 0;
  }
  void host_write(uint32_t w, uint32_t lane, uint32_t value) {
    if (w < words_ && lane < uint32_t(lanes_)) mem_[size_t(w) * lanes_ + lane] = T(value & mask_);
  }
  uint32_t host_rdata() const { return host_hit_ ? host_value_ : 0; }
  void reset() { host_hit_ = false; }  // the hit flags; the memory is not reset

 private:
  uint64_t words_;
  int lanes_;
  uint32_t mask_;
  std::vector<T> mem_;
  bool host_hit_ = false;
  uint32_t host_value_ = 0;
};

}  // namespace systolic::model
