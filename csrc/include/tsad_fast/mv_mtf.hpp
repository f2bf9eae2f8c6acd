// MV-MTF (Moon, section IV-A): the bins' quantiles and the binning, transition counts between every
// ordered pair of variables over consecutive timestamps, and the O(c^2 n) field. Which quantiles
// become edges (the entropy choice) is tsad_fast/kernels/_numpy/mv_mtf.py's choose_edges.
// Layouts: X (n x c) float64 and B (n x c) int32 row-major; Q, at_most (L x c); E (c x m) edges
// padded with +inf; W (c x c x q x q) row-major, W[u][k][a][b]; weights (c x c); F (n x c).
// Built without fused multiply-adds (checked below): the quantiles equal NumPy's bit for bit.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <algorithm>
#include <vector>

#include "tsad_fast/common.hpp"

#if defined(TSAD_UNFUSED_MISSING)
#error "needs -ffp-contract=off -DTSAD_FP_CONTRACT_OFF (CMakeLists.txt): bit-equal to NumPy"
#endif

namespace tsad_fast {
namespace mv_mtf {

// NumPy's linear interpolation between neighbouring order statistics (np.percentile, method
// "linear"): from the nearer end, so that gamma = 1 gives `above`.
TSAD_HD inline double lerp(double below, double above, double gamma) {
  const double step = above - below;
  return gamma >= 0.5 ? above - step * (1.0 - gamma) : below + step * gamma;
}

// Sorts n doubles (no NaN) ascending: an LSD radix sort of their order-preserving 64-bit keys
// (negative values' bits flipped, positive values' sign bit set), 8 bits a pass, every digit's
// histogram from one read, a pass skipped where all keys share its digit. keys and spare are
// scratch (resized to n).
inline void radix_sort(double* x, std::size_t n, std::vector<std::uint64_t>& keys,
                       std::vector<std::uint64_t>& spare) {
  constexpr std::uint64_t kSign = std::uint64_t{1} << 63;
  keys.resize(n);
  spare.resize(n);
  std::size_t count[8][256] = {};
  for (std::size_t i = 0; i < n; ++i) {
    std::uint64_t bits;
    std::memcpy(&bits, x + i, sizeof bits);
    const std::uint64_t key = bits & kSign ? ~bits : bits | kSign;
    keys[i] = key;
    for (int digit = 0; digit < 8; ++digit) ++count[digit][key >> (8 * digit) & 255];
  }
  std::uint64_t *from = keys.data(), *to = spare.data();
  for (int digit = 0; digit < 8; ++digit) {
    const std::size_t* histogram = count[digit];
    if (histogram[from[0] >> (8 * digit) & 255] == n) continue;  // one bucket: order kept
    std::size_t offset[256], running = 0;
    for (int bucket = 0; bucket < 256; ++bucket) offset[bucket] = running, running += histogram[bucket];
    for (std::size_t i = 0; i < n; ++i) to[offset[from[i] >> (8 * digit) & 255]++] = from[i];
    std::swap(from, to);
  }
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t bits = from[i] & kSign ? from[i] & ~kSign : ~from[i];
    std::memcpy(x + i, &bits, sizeof bits);
  }
}

// Q[l, u]: np.percentile of variable u at 100 * fractions[l] (fractions increasing in [0, 1]);
// at_most[l, u]: how many of its values are <= Q[l, u]. Per variable: a radix sort of its
// values, then each quantile from its two neighbouring order statistics and its count by a
// binary search.
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
    std::vector<std::uint64_t> keys, spare;
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t u = 0; u < cc; ++u) {
      double* column = columns.data() + static_cast<std::size_t>(u) * n;
      radix_sort(column, n, keys, spare);
      for (std::size_t l = 0; l < L; ++l) {
        const double virtual_index = static_cast<double>(n - 1) * fractions[l];
        const auto i = static_cast<std::size_t>(virtual_index);  // floor: virtual_index >= 0
        const double q = virtual_index >= static_cast<double>(n - 1)
                             ? column[n - 1]
                             : lerp(column[i], column[i + 1], virtual_index - static_cast<double>(i));
        Q[l * c + u] = q;
        at_most[l * c + u] = std::upper_bound(column, column + n, q) - column;
      }
    }
  }
}

// B[t, u] = the number of edges E[u, :] (increasing, padded with +inf) below X[t, u]. The edges
// are transposed (m x c) and counted in doubles, so that each edge level is compared with a
// whole row of X in vector registers (2x the per-value loop on baseline x86-64).
inline void digitize(const double* X, std::size_t n, std::size_t c, const double* E,
                     std::size_t m, std::int32_t* B) {
  std::vector<double> levels(m * c);
  for (std::size_t u = 0; u < c; ++u)
    for (std::size_t j = 0; j < m; ++j) levels[j * c + u] = E[u * m + j];
  const auto nn = static_cast<std::int64_t>(n);
#pragma omp parallel
  {
    std::vector<double> count(c);
#pragma omp for schedule(static)
    for (std::int64_t t = 0; t < nn; ++t) {
      const double* x = X + t * c;
      std::fill(count.begin(), count.end(), 0.0);
      for (std::size_t j = 0; j < m; ++j) {
        const double* level = levels.data() + j * c;
        for (std::size_t u = 0; u < c; ++u) count[u] += level[u] < x[u] ? 1.0 : 0.0;
      }
      for (std::size_t u = 0; u < c; ++u) B[t * c + u] = static_cast<std::int32_t>(count[u]);
    }
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

// Row-normalised transition counts. Bins that fit a byte (q <= 256): per variable u the codes
// q * B[t-1, u], then per variable k a histogram of code + B[t, k] over t from the bins
// transposed (k-major bytes), two k at a time, in four interleaved sub-histograms each so that
// repeated increments of one bin do not wait for each other; wider bins count into W directly.
// Counts are exact either way, so W is the same.
inline void transitions(const std::int32_t* B, std::size_t n, std::size_t c, std::size_t q,
                        double* W) {
  const auto cc = static_cast<std::int64_t>(c);
  const std::size_t qq = q * q;
  if (q > 256) {
#pragma omp parallel for schedule(dynamic, 1)
    for (std::int64_t u = 0; u < cc; ++u) {
      double* Wu = W + u * c * qq;
      std::fill(Wu, Wu + c * qq, 0.0);
      for (std::size_t t = 1; t < n; ++t) {
        const std::size_t a = static_cast<std::size_t>(B[(t - 1) * c + u]);
        const std::int32_t* row = B + t * c;
        for (std::size_t k = 0; k < c; ++k) Wu[(k * q + a) * q + row[k]] += 1.0;
      }
      for (std::size_t k = 0; k < c; ++k) normalise_rows(Wu + k * qq, static_cast<std::int64_t>(q));
    }
    return;
  }
  std::vector<std::uint8_t> bins(c * n);  // B transposed, one byte a bin
#pragma omp parallel
  {
#pragma omp for schedule(static)
    for (std::int64_t k = 0; k < cc; ++k)
      for (std::size_t t = 0; t < n; ++t)
        bins[static_cast<std::size_t>(k) * n + t] = static_cast<std::uint8_t>(B[t * c + k]);
    std::vector<std::uint32_t> code(n), histogram(8 * qq);
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t u = 0; u < cc; ++u) {
      const std::uint8_t* previous = bins.data() + static_cast<std::size_t>(u) * n;
      for (std::size_t t = 1; t < n; ++t) code[t] = previous[t - 1] * static_cast<std::uint32_t>(q);
      double* Wu = W + u * c * qq;
      // two variables k at a time (they share the codes), four sub-histograms each
      for (std::size_t k = 0; k < c; k += 2) {
        const bool pair = k + 1 < c;
        const std::uint8_t* next0 = bins.data() + k * n;
        const std::uint8_t* next1 = pair ? next0 + n : next0;  // a lone k counts twice, unused
        std::uint32_t *h0 = histogram.data(), *h1 = h0 + 4 * qq;
        std::fill(histogram.begin(), histogram.end(), 0u);
        std::size_t t = 1;
        for (; t + 4 <= n; t += 4)
          for (std::size_t lane = 0; lane < 4; ++lane) {
            const std::uint32_t a = code[t + lane];
            ++h0[lane * qq + a + next0[t + lane]];
            ++h1[lane * qq + a + next1[t + lane]];
          }
        for (; t < n; ++t) ++h0[code[t] + next0[t]], ++h1[code[t] + next1[t]];
        for (std::size_t j = 0; j < (pair ? 2u : 1u); ++j) {
          const std::uint32_t* h = j ? h1 : h0;
          double* block = Wu + (k + j) * qq;
          for (std::size_t i = 0; i < qq; ++i)
            block[i] = static_cast<double>(std::uint64_t{h[i]} + h[qq + i] + h[2 * qq + i] + h[3 * qq + i]);
          normalise_rows(block, static_cast<std::int64_t>(q));
        }
      }
    }
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
