// Bit-field access to Verilated ports of any width: CData/SData/IData/QData (<= 64 bits) and
// VlWide<N> (> 64 bits), so that flattened vector ports (a_i[r*8 +: 8]) are read and written
// the same way whatever the configuration.
#pragma once

#include <verilated.h>

#include <cstdint>
#include <type_traits>

namespace systolic::sim {

template <class T>
inline void set_bits(T& port, int lsb, int width, uint64_t value) {
  static_assert(std::is_integral_v<T>);
  const uint64_t mask = (width >= 64 ? ~uint64_t{0} : ((uint64_t{1} << width) - 1)) << lsb;
  port = static_cast<T>((uint64_t(port) & ~mask) | ((value << lsb) & mask));
}

template <std::size_t N>
inline void set_bits(VlWide<N>& port, int lsb, int width, uint64_t value) {
  for (int i = 0; i < width; ++i) {
    const int bit = lsb + i;
    const EData m = EData{1} << (bit % 32);
    if ((value >> i) & 1) {
      port[bit / 32] |= m;
    } else {
      port[bit / 32] &= ~m;
    }
  }
}

template <class T>
inline uint64_t get_bits(const T& port, int lsb, int width) {
  static_assert(std::is_integral_v<T>);
  const uint64_t v = uint64_t(port) >> lsb;
  return width >= 64 ? v : v & ((uint64_t{1} << width) - 1);
}

template <std::size_t N>
inline uint64_t get_bits(const VlWide<N>& port, int lsb, int width) {
  // Fast path for word-aligned 32-bit fields (psum lanes).
  if (lsb % 32 == 0 && width == 32) return port[lsb / 32];
  uint64_t v = 0;
  for (int i = 0; i < width; ++i) {
    const int bit = lsb + i;
    v |= uint64_t((port[bit / 32] >> (bit % 32)) & 1) << i;
  }
  return v;
}

}  // namespace systolic::sim
