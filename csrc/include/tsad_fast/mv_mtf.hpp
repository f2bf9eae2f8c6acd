// MV-MTF (Moon; SPEC 1.1): transition counts between every ordered pair of variables over
// consecutive timestamps, and the O(c^2 n) field. Bins come from tsad_fast/kernels/mv_mtf.py.
// Layouts: B (n x c) int32 row-major; W (c x c x q x q) row-major, W[u][k][a][b];
// weights (c x c); F (n x c).
#pragma once

#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <vector>

#include "tsad_fast/common.hpp"

namespace tsad_fast {
namespace mv_mtf {

// F[t, u] (host and device): the bin of u at t - 1 (t = 0: at 0) selects a row of every W[u][k].
TSAD_HD inline double field_entry(const std::int32_t* B, std::int64_t t, std::int64_t u,
                                  std::int64_t c, const double* W, const double* weights,
                                  std::int64_t q, double alpha, double scale) {
  const std::int64_t a = B[(t > 0 ? t - 1 : 0) * c + u];
  const std::int32_t* row = B + t * c;
  const double* Wu = W + u * c * q * q + a * q;  // W[u][0][a][0]
  double cross = 0.0;
  for (std::int64_t k = 0; k < c; ++k)
    if (k != u) cross += weights[u * c + k] * Wu[k * q * q + row[k]];
  return scale * (alpha * Wu[u * q * q + row[u]] + (1.0 - alpha) * cross);
}

// Row-normalises the counts of one (u, k) block in place: each row sums to 1, empty rows stay 0.
TSAD_HD inline void normalise_rows(double* block, std::int64_t q) {
  for (std::int64_t a = 0; a < q; ++a) {
    double total = 0.0;
    for (std::int64_t b = 0; b < q; ++b) total += block[a * q + b];
    if (total > 0)
      for (std::int64_t b = 0; b < q; ++b) block[a * q + b] /= total;
  }
}

inline void transitions(const std::int32_t* B, std::size_t n, std::size_t c, std::size_t q,
                        double* W) {
  const auto cc = static_cast<std::int64_t>(c);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t u = 0; u < cc; ++u) {
    double* Wu = W + u * c * q * q;
    std::fill(Wu, Wu + c * q * q, 0.0);
    for (std::size_t t = 1; t < n; ++t) {
      const std::size_t a = static_cast<std::size_t>(B[(t - 1) * c + u]);
      const std::int32_t* row = B + t * c;
      for (std::size_t k = 0; k < c; ++k) Wu[(k * q + a) * q + row[k]] += 1.0;
    }
    for (std::size_t k = 0; k < c; ++k) normalise_rows(Wu + k * q * q, static_cast<std::int64_t>(q));
  }
}

inline void field(const std::int32_t* B, std::size_t n, std::size_t c, const double* W,
                  std::size_t q, const double* weights, double alpha, double scale, double* F) {
  const auto nn = static_cast<std::int64_t>(n), cc = static_cast<std::int64_t>(c),
             qq = static_cast<std::int64_t>(q);
#pragma omp parallel for schedule(static)
  for (std::int64_t t = 0; t < nn; ++t)
    for (std::int64_t u = 0; u < cc; ++u)
      F[t * cc + u] = field_entry(B, t, u, cc, W, weights, qq, alpha, scale);
}

}  // namespace mv_mtf
}  // namespace tsad_fast
