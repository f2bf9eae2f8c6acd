// Nearest center, float32 path (tsad_fast/kernels/nearest.py, dtype="float32"): the step after
// the matrix product that a BLAS sgemm computes, as faiss's IndexFlatL2 does it. Per query row:
// d2_j = (q_norm + c_norm_j) - 2 inner_j in float32, clamped at 0, first minimum. Compiled
// without fused multiply-adds (CMakeLists.txt): the NumPy reference's float32 roundings.
// Layouts: inner (b x k) float32 row-major; q_norms (b,), c_norms (k,).
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

namespace tsad_fast {
namespace nearest {

inline void nearest_in_block(const float* inner, std::size_t b, std::size_t k, const float* q_norms,
                             const float* c_norms, float* d2, std::int64_t* indices) {
  const auto bb = static_cast<std::int64_t>(b);
#pragma omp parallel for schedule(static)
  for (std::int64_t i = 0; i < bb; ++i) {
    const float* row = inner + static_cast<std::size_t>(i) * k;
    const float q = q_norms[i];
    float best = std::numeric_limits<float>::infinity();
    std::int64_t where = 0;
    for (std::size_t j = 0; j < k; ++j) {
      float d = (q + c_norms[j]) - 2.0f * row[j];
      d = d < 0.0f ? 0.0f : d;
      if (d < best) {
        best = d;
        where = static_cast<std::int64_t>(j);
      }
    }
    d2[i] = best;
    indices[i] = where;
  }
}

}  // namespace nearest
}  // namespace tsad_fast
