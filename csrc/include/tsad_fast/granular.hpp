// Granular balls (GBOC; SPEC 1.2), bit-identical to the NumPy reference
// (tsad_fast/kernels/_numpy/granular.py): the same SplitMix64 streams, squared distances summed
// over dimensions in order, sums over points in index order, ties to the lowest index. Points
// are kept dimension-major (d x n) so the loops vectorise across points without reordering any
// sum; the translation unit is compiled with -ffp-contract=off so no multiply-add is fused.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "tsad_fast/common.hpp"
#include "tsad_fast/distance.hpp"

namespace tsad_fast {
namespace granular {

constexpr int kMaxLloyd = 100;
constexpr std::size_t kBlock = 256;  // points per cache block

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

// Points of one set, dimension-major: x[j * n + i] is coordinate j of point i.
struct Points {
  std::size_t n = 0, d = 0;
  std::vector<double> x;
  double at(std::size_t i, std::size_t j) const { return x[j * n + i]; }
};

inline Points gather(const double* Z, std::size_t d, const std::vector<std::int64_t>& rows) {
  Points p;
  p.n = rows.size();
  p.d = d;
  p.x.resize(p.n * d);
  for (std::size_t i = 0; i < p.n; ++i)
    for (std::size_t j = 0; j < d; ++j) p.x[j * p.n + i] = Z[rows[i] * d + j];
  return p;
}

inline std::vector<std::int64_t> all_rows(std::size_t n) {
  std::vector<std::int64_t> rows(n);
  for (std::size_t i = 0; i < n; ++i) rows[i] = static_cast<std::int64_t>(i);
  return rows;
}

// The listed points of p as a dimension-major set of their own.
inline Points gather_points(const Points& p, const std::vector<std::int64_t>& rows) {
  Points out;
  out.n = rows.size();
  out.d = p.d;
  out.x.resize(out.n * p.d);
  for (std::size_t j = 0; j < p.d; ++j)
    for (std::size_t t = 0; t < out.n; ++t) out.x[j * out.n + t] = p.at(rows[t], j);
  return out;
}

// out[i] = squared distance of points [begin, end) to c, summed over j in order.
TSAD_CPU_CLONES
inline void sq_dist(const Points& p, const double* c, std::size_t begin, std::size_t end,
                    double* out) {
  const std::size_t len = end - begin;
  for (std::size_t i = 0; i < len; ++i) out[i] = 0.0;
  for (std::size_t j = 0; j < p.d; ++j) {
    const double* col = p.x.data() + j * p.n + begin;
    const double cj = c[j];
    for (std::size_t i = 0; i < len; ++i) out[i] = distance::add_sq_diff(out[i], col[i], cj);
  }
}

// Column means over the points with label c, summed in index order; empty clusters keep theirs.
inline void update_centers(const Points& p, const std::vector<std::int64_t>& labels, std::size_t k,
                           std::vector<double>& centers) {
  std::vector<double> sums(k * p.d, 0.0);
  std::vector<std::int64_t> counts(k, 0);
  for (std::size_t i = 0; i < p.n; ++i) ++counts[labels[i]];
  for (std::size_t j = 0; j < p.d; ++j) {
    const double* col = p.x.data() + j * p.n;
    for (std::size_t i = 0; i < p.n; ++i) sums[labels[i] * p.d + j] += col[i];
  }
  for (std::size_t c = 0; c < k; ++c)
    if (counts[c])
      for (std::size_t j = 0; j < p.d; ++j)
        centers[c * p.d + j] = sums[c * p.d + j] / static_cast<double>(counts[c]);
}

// Canonical squared distance of point i to c (the same sum, in the same order, as sq_dist).
inline double sq_point(const Points& p, std::size_t i, const double* c) {
  double acc = 0.0;
  for (std::size_t j = 0; j < p.d; ++j) acc = distance::add_sq_diff(acc, p.at(i, j), c[j]);
  return acc;
}

// Keeps the nearest (ties: lowest index) and the two smallest squared distances of a point
// while centers are visited in increasing index order.
inline void keep_two(double dist, std::int64_t c, double& best, double& second, std::int64_t& arg) {
  if (dist < best) {
    second = best;
    best = dist;
    arg = c;
  } else if (dist < second) {
    second = dist;
  }
}

// Visits every (point, center) pair of points [begin, begin + len) (len <= kBlock) and k
// centers (k x d, row-major) in register tiles of kTileCenters centers x 2 vectors of points,
// in increasing center order, and keeps each point's nearest center (ties: lowest index) and
// its two smallest values: the canonical squared distance (Dot = false: the sum over j in order
// of (x_j - c_j)^2, so the result does not depend on the tiling or the vector width), or the
// dot form ||x||^2 - 2 x.c + ||c||^2 with multiply-adds (Dot = true; xx and cnorm the norms).
constexpr std::size_t kTileCenters = 4;

template <class Isa, bool Dot>
__attribute__((always_inline)) inline void scan_tiles(const Points& p, const double* centers,
                                                      const double* cnorm, const double* xx,
                                                      std::size_t k, std::size_t begin,
                                                      std::size_t len, double* best,
                                                      double* second, std::int64_t* arg) {
  using V = typename Isa::V;
  constexpr std::size_t W = Isa::W, kPoints = 2 * W;
  const std::size_t d = p.d;
  for (std::size_t t = 0; t < len; ++t) {
    best[t] = second[t] = std::numeric_limits<double>::infinity();
    arg[t] = 0;
  }
  double dist[kTileCenters][kPoints];
  for (std::size_t c0 = 0; c0 < k; c0 += kTileCenters) {
    const std::size_t nc = std::min(kTileCenters, k - c0);
    const double* tile = centers + c0 * d;
    for (std::size_t t0 = 0; t0 < len; t0 += kPoints) {
      const std::size_t np = std::min(kPoints, len - t0);
      if (np == kPoints && nc == kTileCenters) {
        V acc[kTileCenters][2] = {};
        for (std::size_t j = 0; j < d; ++j) {
          V x[2];
          const double* col = p.x.data() + j * p.n + begin + t0;
          __builtin_memcpy(&x[0], col, sizeof(V));
          __builtin_memcpy(&x[1], col + W, sizeof(V));
          for (std::size_t c = 0; c < kTileCenters; ++c) {
            const V cj = Isa::splat(tile + c * d + j);
            for (std::size_t v = 0; v < 2; ++v) {
              if constexpr (Dot) {
                acc[c][v] = Isa::mul_add(x[v], cj, acc[c][v]);
              } else {
                const V e = x[v] - cj;
                acc[c][v] += e * e;
              }
            }
          }
        }
        for (std::size_t c = 0; c < kTileCenters; ++c) {
          __builtin_memcpy(dist[c], &acc[c][0], sizeof(V));
          __builtin_memcpy(dist[c] + W, &acc[c][1], sizeof(V));
        }
      } else {
        for (std::size_t c = 0; c < nc; ++c)
          for (std::size_t t = 0; t < np; ++t) {
            if constexpr (Dot) {
              double dot = 0.0;
              for (std::size_t j = 0; j < d; ++j) dot += p.at(begin + t0 + t, j) * tile[c * d + j];
              dist[c][t] = dot;
            } else {
              dist[c][t] = sq_point(p, begin + t0 + t, tile + c * d);
            }
          }
      }
      for (std::size_t t = 0; t < np; ++t)
        for (std::size_t c = 0; c < nc; ++c) {
          double value = dist[c][t];
          if constexpr (Dot) value = distance::sq_from_dot(xx[t0 + t], value, cnorm[c0 + c]);
          keep_two(value, static_cast<std::int64_t>(c0 + c), best[t0 + t], second[t0 + t],
                   arg[t0 + t]);
        }
    }
  }
}

// Exhaustive canonical search: the nearest center and the best and second-best canonical
// squared distances of each point.
template <class Isa>
__attribute__((always_inline)) inline void scan_block_impl(const Points& p, const double* centers,
                                                           std::size_t k, std::size_t begin,
                                                           std::size_t len, double* best,
                                                           double* second, std::int64_t* arg) {
  scan_tiles<Isa, false>(p, centers, nullptr, nullptr, k, begin, len, best, second, arg);
}

using ScanBlock = void (*)(const Points&, const double*, std::size_t, std::size_t, std::size_t,
                           double*, double*, std::int64_t*);

inline void scan_block_base(const Points& p, const double* centers, std::size_t k,
                            std::size_t begin, std::size_t len, double* best, double* second,
                            std::int64_t* arg) {
  scan_block_impl<Vec128>(p, centers, k, begin, len, best, second, arg);
}

#if defined(TSAD_X86_VARIANTS)
// No multiply-add is fused here: the translation unit is built with -ffp-contract=off.
__attribute__((target("avx2,fma"))) inline void scan_block_avx2(
    const Points& p, const double* centers, std::size_t k, std::size_t begin, std::size_t len,
    double* best, double* second, std::int64_t* arg) {
  scan_block_impl<Avx2Fma>(p, centers, k, begin, len, best, second, arg);
}
#endif

inline void scan_block(const Points& p, const double* centers, std::size_t k, std::size_t begin,
                       std::size_t len, double* best, double* second, std::int64_t* arg) {
#if defined(TSAD_X86_VARIANTS)
  static const ScanBlock run = cpu_has_avx2_fma() ? scan_block_avx2 : scan_block_base;
#else
  static const ScanBlock run = scan_block_base;
#endif
  run(p, centers, k, begin, len, best, second, arg);
}

// The same search by the dot form ||x||^2 - 2 x.c + ||c||^2 (one multiply-add per coordinate
// instead of the canonical difference, square and sum), with a certificate: when the
// second-smallest approximate distance exceeds the smallest by more than twice the error bound
// E of both forms, the approximate argmin is the canonical one; otherwise the point is searched
// canonically. On return best/second bound the canonical squared distances (best from above,
// second from below), which is all the bounds of lloyd_bounded need.
// E = 8 u (d + 4) (||x|| + max ||c||)^2 covers the rounding of the dot product, the norms and
// the canonical sum (each below (d + 2) u (||x|| + ||c||)^2).
constexpr double kUnitRoundoff = 0x1.0p-53;

template <class Isa>
__attribute__((always_inline)) inline void certified_scan_impl(
    const Points& p, const double* centers, const double* cnorm, double cmax, std::size_t k,
    std::size_t begin, std::size_t len, double* best, double* second, std::int64_t* arg) {
  const std::size_t d = p.d;
  double xx[kBlock];
  for (std::size_t t = 0; t < len; ++t) xx[t] = 0.0;
  for (std::size_t j = 0; j < d; ++j) {
    const double* col = p.x.data() + j * p.n + begin;
    for (std::size_t t = 0; t < len; ++t) xx[t] += col[t] * col[t];
  }
  scan_tiles<Isa, true>(p, centers, cnorm, xx, k, begin, len, best, second, arg);
  for (std::size_t t = 0; t < len; ++t) {
    const double r = std::sqrt(xx[t]) + cmax;
    const double err = 8.0 * kUnitRoundoff * static_cast<double>(d + 4) * r * r;
    if (second[t] - best[t] > 2.0 * err) {
      best[t] += err;
      second[t] = std::max(second[t] - err, 0.0);
      continue;
    }
    best[t] = second[t] = std::numeric_limits<double>::infinity();  // canonical search
    for (std::size_t c = 0; c < k; ++c)
      keep_two(sq_point(p, begin + t, centers + c * d), static_cast<std::int64_t>(c), best[t],
               second[t], arg[t]);
  }
}

using CertifiedScan = void (*)(const Points&, const double*, const double*, double, std::size_t,
                               std::size_t, std::size_t, double*, double*, std::int64_t*);

inline void certified_scan_base(const Points& p, const double* centers, const double* cnorm,
                                double cmax, std::size_t k, std::size_t begin, std::size_t len,
                                double* best, double* second, std::int64_t* arg) {
  certified_scan_impl<Vec128>(p, centers, cnorm, cmax, k, begin, len, best, second, arg);
}

#if defined(TSAD_X86_VARIANTS)
__attribute__((target("avx2,fma"))) inline void certified_scan_avx2(
    const Points& p, const double* centers, const double* cnorm, double cmax, std::size_t k,
    std::size_t begin, std::size_t len, double* best, double* second, std::int64_t* arg) {
  certified_scan_impl<Avx2Fma>(p, centers, cnorm, cmax, k, begin, len, best, second, arg);
}
#endif

inline void certified_scan(const Points& p, const double* centers, const double* cnorm,
                           double cmax, std::size_t k, std::size_t begin, std::size_t len,
                           double* best, double* second, std::int64_t* arg) {
#if defined(TSAD_X86_VARIANTS)
  static const CertifiedScan run = cpu_has_avx2_fma() ? certified_scan_avx2 : certified_scan_base;
#else
  static const CertifiedScan run = certified_scan_base;
#endif
  run(p, centers, cnorm, cmax, k, begin, len, best, second, arg);
}

// The k-means assignment step on its own: labels (n,) of the rows of X (n x d, row-major)
// among the centers C (k x d), exactly the reference's canonical search.
inline void assign(const double* X, std::size_t n, const double* C, std::size_t k, std::size_t d,
                   std::int64_t* labels) {
  const Points p = gather(X, d, all_rows(n));
  const std::int64_t n_blocks = static_cast<std::int64_t>((n + kBlock - 1) / kBlock);
#pragma omp parallel for schedule(static) if (n * k * d > 200000)
  for (std::int64_t b = 0; b < n_blocks; ++b) {
    const std::size_t begin = static_cast<std::size_t>(b) * kBlock;
    double best[kBlock], second[kBlock];
    scan_block(p, C, k, begin, std::min(n, begin + kBlock) - begin, best, second, labels + begin);
  }
}

// Relative margin by which a bound must separate two distances before it decides an
// assignment; the canonical sums are accurate to ~d * 1e-16, so a decided assignment is the
// one the exhaustive search would make, ties included (a tie is never decided by a bound).
constexpr double kBoundMargin = 1e-9;

// Lloyd's iterations from `centers` with exactly the labels of the exhaustive search
// (tsad_fast/kernels/_numpy/granular.py: assign / lloyd), accelerated by Hamerly's bounds: a
// point keeps its center without any distance computation while an upper bound on its
// distance to it stays below a lower bound on its distance to every other center. Stops when
// the assignment is stable or a step's total squared center shift is <= tol (absolute).
inline std::vector<std::int64_t> lloyd_bounded(const Points& p, std::size_t k,
                                               std::vector<double>& centers, double tol) {
  const std::size_t n = p.n, d = p.d;
  std::vector<std::int64_t> labels(n, 0);
  std::vector<double> upper(n), lower(n);
  // Certified search of the listed points (certified_scan): the labels of the canonical
  // search, and bounds on the best and second-best distances as the new Hamerly bounds.
  std::vector<double> cnorm(k);
  auto full_scan = [&](const std::vector<std::int64_t>& rows) {
    const Points sub = gather_points(p, rows);
    double cmax = 0.0;
    for (std::size_t c = 0; c < k; ++c) {
      double acc = 0.0;
      for (std::size_t j = 0; j < d; ++j) acc += centers[c * d + j] * centers[c * d + j];
      cnorm[c] = acc;
      cmax = std::max(cmax, std::sqrt(acc));
    }
    const std::int64_t n_blocks = static_cast<std::int64_t>((sub.n + kBlock - 1) / kBlock);
#pragma omp parallel for schedule(static) if (sub.n * k * d > 200000)
    for (std::int64_t b = 0; b < n_blocks; ++b) {
      const std::size_t begin = static_cast<std::size_t>(b) * kBlock;
      const std::size_t len = std::min(sub.n, begin + kBlock) - begin;
      double best[kBlock], second[kBlock];
      std::int64_t arg[kBlock];
      certified_scan(sub, centers.data(), cnorm.data(), cmax, k, begin, len, best, second, arg);
      for (std::size_t t = 0; t < len; ++t) {
        const auto i = static_cast<std::size_t>(rows[begin + t]);
        labels[i] = arg[t];
        upper[i] = std::sqrt(best[t]);
        lower[i] = std::sqrt(second[t]);
      }
    }
  };
  full_scan(all_rows(n));
  const std::int64_t nn = static_cast<std::int64_t>(n);
  std::vector<double> previous(k * d), moved(k), half_gap(k);
  for (int it = 0; it < kMaxLloyd; ++it) {
    previous = centers;
    update_centers(p, labels, k, centers);
    double max_moved = 0.0, shift = 0.0;
    for (std::size_t c = 0; c < k; ++c) {
      double acc = 0.0;
      for (std::size_t j = 0; j < d; ++j)
        acc = distance::add_sq_diff(acc, centers[c * d + j], previous[c * d + j]);
      shift += acc;
      moved[c] = std::sqrt(acc) * (1.0 + kBoundMargin);
      max_moved = std::max(max_moved, moved[c]);
    }
    if (max_moved == 0.0) break;  // same centers, same canonical assignment
    for (std::size_t c = 0; c < k; ++c) {
      double nearest = std::numeric_limits<double>::infinity();
      for (std::size_t o = 0; o < k; ++o) {
        if (o == c) continue;
        double acc = 0.0;
        for (std::size_t j = 0; j < d; ++j) {
          const double diff = centers[c * d + j] - centers[o * d + j];
          acc += diff * diff;
        }
        nearest = std::min(nearest, acc);
      }
      half_gap[c] = 0.5 * std::sqrt(nearest) * (1.0 - kBoundMargin);
    }
    std::vector<std::uint8_t> open(n, 0);
#pragma omp parallel for schedule(static) if (n * d > 100000)
    for (std::int64_t ii = 0; ii < nn; ++ii) {
      const auto i = static_cast<std::size_t>(ii);
      const std::size_t a = static_cast<std::size_t>(labels[i]);
      upper[i] += moved[a];
      lower[i] -= max_moved;
      const double bound = std::max(half_gap[a], lower[i]) * (1.0 - kBoundMargin);
      if (upper[i] * (1.0 + kBoundMargin) < bound) continue;
      upper[i] = std::sqrt(sq_point(p, i, centers.data() + a * d));
      open[i] = upper[i] * (1.0 + kBoundMargin) < bound ? 0 : 1;
    }
    std::vector<std::int64_t> rows;
    for (std::size_t i = 0; i < n; ++i)
      if (open[i]) rows.push_back(static_cast<std::int64_t>(i));
    const std::vector<std::int64_t> before = labels;
    full_scan(rows);
    if (labels == before || shift <= tol) break;
  }
  return labels;
}

// Sum over dimensions in order of the squared moves of the centers (the reference's shift).
inline double center_shift(const std::vector<double>& a, const std::vector<double>& b,
                           std::size_t k, std::size_t d) {
  double shift = 0.0;
  for (std::size_t c = 0; c < k; ++c) {
    double acc = 0.0;
    for (std::size_t j = 0; j < d; ++j) acc = distance::add_sq_diff(acc, a[c * d + j], b[c * d + j]);
    shift += acc;
  }
  return shift;
}

// Plain Lloyd (exhaustive assignment every step, serial): the 2-means splits, which run in
// parallel over balls and are too small for bounds to pay off. Same labels as lloyd_bounded.
inline std::vector<std::int64_t> lloyd_plain(const Points& p, std::size_t k,
                                             std::vector<double>& centers, double tol) {
  std::vector<std::int64_t> labels(p.n), next(p.n);
  double best[kBlock], second[kBlock];
  auto assign_all = [&](std::vector<std::int64_t>& out) {
    for (std::size_t begin = 0; begin < p.n; begin += kBlock)
      scan_block(p, centers.data(), k, begin, std::min(p.n, begin + kBlock) - begin, best, second,
                 out.data() + begin);
  };
  assign_all(labels);
  std::vector<double> previous(centers.size());
  for (int it = 0; it < kMaxLloyd; ++it) {
    previous = centers;
    update_centers(p, labels, k, centers);
    const double shift = center_shift(centers, previous, k, p.d);
    if (shift == 0.0) break;  // same centers, same assignment
    assign_all(next);
    if (next == labels) break;
    labels.swap(next);
    if (shift <= tol) break;
  }
  return labels;
}

inline std::vector<std::int64_t> lloyd(const Points& p, std::size_t k, std::vector<double>& centers,
                                       double tol) {
  if (k == 1) return std::vector<std::int64_t>(p.n, 0);
  return k <= 2 ? lloyd_plain(p, k, centers, tol) : lloyd_bounded(p, k, centers, tol);
}

constexpr std::size_t kSeedBlock = 2048;  // points per parallel chunk of the seeding passes

// k-means++ seeding (one candidate per step) and Lloyd; returns labels.
inline std::vector<std::int64_t> kmeans(const Points& p, std::size_t k, SplitMix64 rng, double tol) {
  const std::size_t n = p.n, d = p.d;
  std::vector<double> centers(k * d), d2(n), tmp(n);
  auto set_center = [&](std::size_t c, std::size_t i) {
    for (std::size_t j = 0; j < d; ++j) centers[c * d + j] = p.at(i, j);
  };
  std::size_t first = std::min(static_cast<std::size_t>(rng.uniform() * static_cast<double>(n)), n - 1);
  set_center(0, first);
  sq_dist(p, centers.data(), 0, n, d2.data());
  for (std::size_t c = 1; c < k; ++c) {
    double total = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
      total += d2[i];
      tmp[i] = total;
    }
    const double u = rng.uniform();
    std::size_t index = n - 1;
    if (total > 0) {
      const double target = u * total;
      index = static_cast<std::size_t>(std::upper_bound(tmp.begin(), tmp.end(), target) - tmp.begin());
      index = std::min(index, n - 1);
    } else {
      index = std::min(static_cast<std::size_t>(u * static_cast<double>(n)), n - 1);
    }
    set_center(c, index);
    const std::int64_t n_blocks = static_cast<std::int64_t>((n + kSeedBlock - 1) / kSeedBlock);
#pragma omp parallel for schedule(static) if (n * d > 200000)
    for (std::int64_t b = 0; b < n_blocks; ++b) {
      const std::size_t lo = static_cast<std::size_t>(b) * kSeedBlock;
      const std::size_t hi = std::min(n, lo + kSeedBlock);
      sq_dist(p, centers.data() + c * d, lo, hi, tmp.data() + lo);
      for (std::size_t i = lo; i < hi; ++i) d2[i] = std::min(d2[i], tmp[i]);
    }
  }
  return lloyd(p, k, centers, tol);
}

struct Stats {
  std::vector<double> center;
  double radius = 0.0, dm = 0.0;
};

inline Stats ball_stats(const Points& p) {
  Stats s;
  s.center.assign(p.d, 0.0);
  for (std::size_t j = 0; j < p.d; ++j) {
    const double* col = p.x.data() + j * p.n;
    double acc = 0.0;
    for (std::size_t i = 0; i < p.n; ++i) acc += col[i];
    s.center[j] = acc / static_cast<double>(p.n);
  }
  std::vector<double> dist(p.n);
  sq_dist(p, s.center.data(), 0, p.n, dist.data());
  double total = 0.0;
  for (std::size_t i = 0; i < p.n; ++i) {
    const double r = std::sqrt(dist[i]);
    s.radius = std::max(s.radius, r);
    total += r;
  }
  s.dm = total / static_cast<double>(p.n);
  return s;
}

// The points of p whose label is `which`, in index order.
inline Points subset(const Points& p, const std::vector<std::int64_t>& labels, std::int64_t which) {
  std::vector<std::int64_t> rows;
  for (std::size_t i = 0; i < p.n; ++i)
    if (labels[i] == which) rows.push_back(static_cast<std::int64_t>(i));
  return gather_points(p, rows);
}

struct Ball {
  std::vector<std::int64_t> members;  // ascending point indices
  std::uint64_t id = 0;
  bool final = false;
};

struct Result {
  std::vector<double> centers, radii;
  std::vector<std::int64_t> sizes, labels;
  std::size_t n_before = 0;
};

// Z row-major (n x d), n >= 1. See the reference for the construction.
inline Result build(const double* Z, std::size_t n, std::size_t d, std::size_t min_support,
                    double prune_kappa, std::uint64_t seed, double coarse_tol) {
  const Points points = gather(Z, d, all_rows(n));
  std::size_t k0 = static_cast<std::size_t>(std::sqrt(static_cast<double>(n)));
  while (k0 * k0 > n) --k0;
  while ((k0 + 1) * (k0 + 1) <= n) ++k0;
  const std::vector<std::int64_t> coarse = kmeans(points, std::max<std::size_t>(k0, 1), SplitMix64(seed, 0), coarse_tol);
  std::vector<Ball> balls(std::max<std::size_t>(k0, 1));
  for (std::size_t i = 0; i < n; ++i) balls[coarse[i]].members.push_back(static_cast<std::int64_t>(i));
  balls.erase(std::remove_if(balls.begin(), balls.end(), [](const Ball& b) { return b.members.empty(); }),
              balls.end());
  for (std::size_t b = 0; b < balls.size(); ++b) balls[b].id = b + 1;
  std::uint64_t next_id = balls.size() + 1;
  bool changed = true;
  while (changed) {
    changed = false;
    // every ball's split is independent: decide them in parallel, assemble in order
    std::vector<std::vector<std::int64_t>> split_labels(balls.size());
    const std::int64_t nb = static_cast<std::int64_t>(balls.size());
#pragma omp parallel for schedule(dynamic, 1)
    for (std::int64_t b = 0; b < nb; ++b) {
      const Ball& ball = balls[b];
      if (ball.final || ball.members.size() < 2 * min_support) continue;
      const Points p = gather(Z, d, ball.members);
      std::vector<std::int64_t> labels = kmeans(p, 2, SplitMix64(seed, ball.id), 0.0);
      std::size_t size1 = 0;
      for (auto v : labels) size1 += static_cast<std::size_t>(v);
      const std::size_t size0 = p.n - size1;
      if (std::min(size0, size1) < min_support) continue;
      const double parent = ball_stats(p).dm;
      const double weighted = (static_cast<double>(size0) * ball_stats(subset(p, labels, 0)).dm +
                               static_cast<double>(size1) * ball_stats(subset(p, labels, 1)).dm) /
                              static_cast<double>(p.n);
      if (weighted < parent) split_labels[b] = std::move(labels);
    }
    std::vector<Ball> next;
    next.reserve(balls.size() * 2);
    for (std::size_t b = 0; b < balls.size(); ++b) {
      if (split_labels[b].empty()) {
        balls[b].final = true;
        next.push_back(std::move(balls[b]));
        continue;
      }
      changed = true;
      Ball children[2];
      for (std::size_t t = 0; t < balls[b].members.size(); ++t)
        children[split_labels[b][t]].members.push_back(balls[b].members[t]);
      for (auto& child : children) {
        child.id = next_id++;
        next.push_back(std::move(child));
      }
    }
    balls.swap(next);
  }
  Result r;
  r.n_before = balls.size();
  std::vector<Stats> stats(balls.size());
  const std::int64_t nb = static_cast<std::int64_t>(balls.size());
#pragma omp parallel for schedule(dynamic, 4)
  for (std::int64_t b = 0; b < nb; ++b) stats[b] = ball_stats(gather(Z, d, balls[b].members));
  double total = 0.0;
  for (const auto& s : stats) total += s.radius;
  const double mean_r = total / static_cast<double>(stats.size());
  total = 0.0;
  for (const auto& s : stats) total += (s.radius - mean_r) * (s.radius - mean_r);
  const double limit = mean_r + prune_kappa * std::sqrt(total / static_cast<double>(stats.size()));
  r.labels.assign(n, -1);
  for (std::size_t b = 0; b < balls.size(); ++b) {
    if (!(stats[b].radius <= limit)) continue;
    const auto index = static_cast<std::int64_t>(r.sizes.size());
    for (auto i : balls[b].members) r.labels[i] = index;
    r.centers.insert(r.centers.end(), stats[b].center.begin(), stats[b].center.end());
    r.radii.push_back(stats[b].radius);
    r.sizes.push_back(static_cast<std::int64_t>(balls[b].members.size()));
  }
  return r;
}

}  // namespace granular
}  // namespace tsad_fast
