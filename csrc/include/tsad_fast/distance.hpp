// Per-element distance math shared by the C++ kernels and their CUDA twins (TSAD_HD), so the
// CPU test-suite runs exactly the arithmetic a GPU runs.
#pragma once

#include <cstdint>

#include "tsad_fast/common.hpp"

#if defined(TSAD_UNFUSED_MISSING)
#error "needs -ffp-contract=off -DTSAD_FP_CONTRACT_OFF (CMakeLists.txt): bit-equal to NumPy"
#endif

namespace tsad_fast {
namespace distance {

// One term of the canonical squared distance: acc + (x - c)^2, rounded after the difference,
// the product and the sum (never fused), so that summing the terms over dimensions in order
// gives the same bits on every backend (the NumPy reference, Numba, C++ and CUDA).
TSAD_HD inline double add_sq_diff(double acc, double x, double c) {
#if defined(__CUDA_ARCH__)
  const double diff = __dsub_rn(x, c);
  return __dadd_rn(acc, __dmul_rn(diff, diff));
#else
  const double diff = x - c;  // unfused: the guard above
  return acc + diff * diff;
#endif
}

// Squared distance from ||q||^2 - 2 q.c + ||c||^2 (the nearest-center kernels' form).
TSAD_HD inline double sq_from_dot(double qq, double dot, double cc) { return qq - 2.0 * dot + cc; }

// Running minimum over centers visited in increasing index order: a strictly smaller value
// wins, so ties keep the lowest index.
TSAD_HD inline void keep_nearest(double d2, std::int64_t index, double& best, std::int64_t& arg) {
  if (d2 < best) {
    best = d2;
    arg = index;
  }
}

}  // namespace distance
}  // namespace tsad_fast
