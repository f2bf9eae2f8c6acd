// SplitMix64 (Steele et al., 2014): the seeded streams of the k-means++ seeding, one stream per
// (seed, key), identical to tsad_fast/kernels/_numpy/kmeans.py's SplitMix64.
#pragma once

#include <cstdint>

namespace tsad_fast {

struct SplitMix64 {
  std::uint64_t state;
  SplitMix64(std::uint64_t seed, std::uint64_t key)
      : state(seed * 0x9E3779B97F4A7C15ULL + key * 0xBF58476D1CE4E5B9ULL + 1ULL) {}
  std::uint64_t next() {
    state += 0x9E3779B97F4A7C15ULL;
    std::uint64_t z = state;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
  }
  double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
};

}  // namespace tsad_fast
