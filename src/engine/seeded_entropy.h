// Deterministic randomness (SplitMix64) for the in-process runner and tests: the same
// seed gives the same UUIDs, MathRandom values and jitter. Not for secrets.
#pragma once

#include <cstdint>
#include <string_view>

#include "json/path_roots.h"

namespace sg::engine {

class SeededEntropy final : public json::Entropy {
 public:
  explicit SeededEntropy(uint64_t seed) : state_(seed) {}
  static uint64_t seed_from(std::string_view text) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : text) {
      h ^= c;
      h *= 1099511628211ull;
    }
    return h;
  }
  uint64_t next_u64() override {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }

 private:
  uint64_t state_;
};

}  // namespace sg::engine
