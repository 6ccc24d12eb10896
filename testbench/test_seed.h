// Seeds for random tests: every random test prints its seed and can be replayed with it.
//   SYSTOLIC_SEED=N      replay seed N
//   SYSTOLIC_SEED=random a fresh seed from the clock
//   (unset)              the fixed default, so CI is deterministic
#pragma once

#include <fmt/format.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

namespace systolic::test {

inline uint64_t test_seed(const char* test_name, uint64_t fallback = 20261123) {
  uint64_t seed = fallback;
  if (const char* env = std::getenv("SYSTOLIC_SEED")) {
    const std::string s(env);
    if (s == "random") {
      seed = uint64_t(std::chrono::steady_clock::now().time_since_epoch().count());
    } else {
      char* end = nullptr;
      errno = 0;
      seed = std::strtoull(env, &end, 10);
      if (s.empty() || s[0] == '-' || *end != '\0' || errno == ERANGE) {
        throw std::invalid_argument(fmt::format(
            "SYSTOLIC_SEED='{}' is not a seed: give a decimal number below 2^64 or 'random'", s));
      }
    }
  }
  fmt::print("[{}] seed = {} (replay with SYSTOLIC_SEED={})\n", test_name, seed, seed);
  return seed;
}

}  // namespace systolic::test
