// Seeds for random tests: every random test prints its seed and can be replayed with it.
//   SYSTOLIC_SEED=N      replay seed N
//   SYSTOLIC_SEED=random a fresh seed from the clock
//   (unset)              the fixed default, so CI is deterministic
#pragma once

#include <fmt/format.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace systolic::test {

inline uint64_t test_seed(const char* test_name, uint64_t fallback = 20261123) {
  uint64_t seed = fallback;
  if (const char* env = std::getenv("SYSTOLIC_SEED")) {
    const std::string s(env);
    seed = s == "random" ? uint64_t(std::chrono::steady_clock::now().time_since_epoch().count())
                         : std::strtoull(env, nullptr, 10);
  }
  fmt::print("[{}] seed = {} (replay with SYSTOLIC_SEED={})\n", test_name, seed, seed);
  return seed;
}

}  // namespace systolic::test
