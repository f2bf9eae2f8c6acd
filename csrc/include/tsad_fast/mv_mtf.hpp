// MV-MTF (Moon; SPEC 1.1): the bins' quantiles and the binning, transition counts between every
// ordered pair of variables over consecutive timestamps, and the O(c^2 n) field. Which quantiles
// become edges (the entropy choice) is tsad_fast/kernels/_numpy/mv_mtf.py's choose_edges.
// Layouts: X (n x c) float64 and B (n x c) int32 row-major; Q, at_most (L x c); E (c x m) edges
// padded with +inf; W (c x c x q x q) row-major, W[u][k][a][b]; weights (c x c); F (n x c).
// Built without fused multiply-adds (CMakeLists.txt): the quantiles equal NumPy's bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <vector>

#include "tsad_fast/common.hpp"

namespace tsad_fast {
namespace mv_mtf {

// NumPy's linear interpolation between neighbouring order statistics (np.percentile, method
// "linear"): from the nearer end, so that gamma = 1 gives `above`.
TSAD_HD inline double lerp(double below, double above, double gamma) {
  const double step = above - below;
  return gamma >= 0.5 ? above - step * (1.0 - gamma) : below + step * gamma;
}

// Puts the order statistics of ranks[lo, hi) (increasing, inside [first, last)) in place in x.
inline void select_ranks(double* x, std::size_t first, std::size_t last, const std::size_t* ranks,
                         std::size_t lo, std::size_t hi) {
  while (lo < hi) {
    const std::size_t mid = lo + (hi - lo) / 2, r = ranks[mid];
    std::nth_element(x + first, x + r, x + last);
    select_ranks(x, first, r, ranks, lo, mid);
    first = r + 1;
    lo = mid + 1;
  }
}

// Q[l, u]: np.percentile of variable u at 100 * fractions[l] (fractions increasing in [0, 1]);
// at_most[l, u]: how many of its values are <= Q[l, u]. Per variable: a selection of the
// needed order statistics (no full sort), then one pass that buckets every value among the Q.
inline void quantiles(const double* X, std::size_t n, std::size_t c, const double* fractions,
                      std::size_t L, double* Q, std::int64_t* at_most) {
  const auto cc = static_cast<std::int64_t>(c), nn = static_cast<std::int64_t>(n);
  constexpr std::int64_t kRows = 256;  // rows of X read together when transposing it
  std::vector<double> columns(n * c);  // X transposed: one column after the other
#pragma omp parallel
  {
#pragma omp for schedule(static)
    for (std::int64_t start = 0; start < nn; start += kRows)
      for (std::size_t u = 0; u < c; ++u)
        for (std::int64_t t = start; t < std::min(start + kRows, nn); ++t)
          columns[u * n + static_cast<std::size_t>(t)] = X[static_cast<std::size_t>(t) * c + u];
    std::vector<double> sorted_q(L);
    std::vector<std::size_t> ranks, order(L);
    std::vector<std::int64_t> below(L + 1);
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t u = 0; u < cc; ++u) {
      double* column = columns.data() + static_cast<std::size_t>(u) * n;
      ranks.clear();
      for (std::size_t l = 0; l < L; ++l) {
        const double virtual_index = static_cast<double>(n - 1) * fractions[l];
        const auto i = static_cast<std::size_t>(virtual_index);  // floor: virtual_index >= 0
        if (virtual_index >= static_cast<double>(n - 1)) {
          ranks.push_back(n - 1);
        } else {
          ranks.push_back(i);
          ranks.push_back(i + 1);
        }
      }
      std::sort(ranks.begin(), ranks.end());
      ranks.erase(std::unique(ranks.begin(), ranks.end()), ranks.end());
      select_ranks(column, 0, n, ranks.data(), 0, ranks.size());
      for (std::size_t l = 0; l < L; ++l) {
        const double virtual_index = static_cast<double>(n - 1) * fractions[l];
        const auto i = static_cast<std::size_t>(virtual_index);
        Q[l * c + u] = virtual_index >= static_cast<double>(n - 1)
                           ? column[n - 1]
                           : lerp(column[i], column[i + 1], virtual_index - static_cast<double>(i));
      }
      // below[j]: values with exactly j of the sorted Q under them; at_most is their running sum
      for (std::size_t l = 0; l < L; ++l) order[l] = l;
      std::sort(order.begin(), order.end(),
                [&](std::size_t a, std::size_t b) { return Q[a * c + u] < Q[b * c + u]; });
      for (std::size_t j = 0; j < L; ++j) sorted_q[j] = Q[order[j] * c + u];
      std::fill(below.begin(), below.end(), 0);
      for (std::size_t t = 0; t < n; ++t)
        ++below[std::lower_bound(sorted_q.begin(), sorted_q.end(), column[t]) - sorted_q.begin()];
      std::int64_t running = 0;
      for (std::size_t j = 0; j < L; ++j) at_most[order[j] * c + u] = running += below[j];
    }
  }
}

// B[t, u] = the number of edges E[u, :] (increasing, padded with +inf) below X[t, u].
inline void digitize(const double* X, std::size_t n, std::size_t c, const double* E,
                     std::size_t m, std::int32_t* B) {
  const auto nn = static_cast<std::int64_t>(n);
#pragma omp parallel for schedule(static)
  for (std::int64_t t = 0; t < nn; ++t)
    for (std::size_t u = 0; u < c; ++u) {
      const double x = X[t * c + u];
      const double* e = E + u * m;
      std::int32_t bin = 0;
      for (std::size_t j = 0; j < m; ++j) bin += e[j] < x;
      B[t * c + u] = bin;
    }
}

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

// Variables in parallel, each over the timestamps four at a time: the four entries' cross sums
// are independent chains (one entry's sum over k is a chain of dependent additions), each in
// field_entry's order, so the values are field_entry's bit for bit; W[u] stays in cache.
inline void field(const std::int32_t* B, std::size_t n, std::size_t c, const double* W,
                  std::size_t q, const double* weights, double alpha, double scale, double* F) {
  const auto nn = static_cast<std::int64_t>(n), cc = static_cast<std::int64_t>(c),
             qq = static_cast<std::int64_t>(q);
  constexpr std::int64_t kLanes = 4;
#pragma omp parallel for schedule(static)
  for (std::int64_t u = 0; u < cc; ++u) {
    const double* Wu = W + u * cc * qq * qq;
    std::int64_t t = 0;
    for (; t + kLanes <= nn; t += kLanes) {
      const double* rows[kLanes];  // W[u][0][a][0] for each entry's previous bin a
      const std::int32_t* bins[kLanes];
      double cross[kLanes] = {};
      for (std::int64_t l = 0; l < kLanes; ++l) {
        rows[l] = Wu + B[(t + l > 0 ? t + l - 1 : 0) * cc + u] * qq;
        bins[l] = B + (t + l) * cc;
      }
      for (std::int64_t k = 0; k < cc; ++k) {
        if (k == u) continue;
        const double w = weights[u * cc + k];
        for (std::int64_t l = 0; l < kLanes; ++l) cross[l] += w * rows[l][k * qq * qq + bins[l][k]];
      }
      for (std::int64_t l = 0; l < kLanes; ++l)
        F[(t + l) * cc + u] =
            scale * (alpha * rows[l][u * qq * qq + bins[l][u]] + (1.0 - alpha) * cross[l]);
    }
    for (; t < nn; ++t) F[t * cc + u] = field_entry(B, t, u, cc, W, weights, qq, alpha, scale);
  }
}

}  // namespace mv_mtf
}  // namespace tsad_fast
