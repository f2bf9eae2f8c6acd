// Exhaustive nearest-center scans of a block of points (at most kBlock) against k centers, in
// register tiles (128-bit vectors, or AVX2+FMA chosen at run time): the canonical search, whose
// labels are those of the NumPy reference bit for bit, and the certified dot-form search, which
// returns the same labels faster and falls back to the canonical search where it cannot
// certify them. Both also return the best and second-best squared distances (bounds for
// Hamerly's Lloyd in kmeans.hpp).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>

#include "tsad_fast/common.hpp"
#include "tsad_fast/distance.hpp"
#include "tsad_fast/points.hpp"

namespace tsad_fast {
namespace kmeans {

constexpr std::size_t kBlock = 256;  // points per cache block

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
}  // namespace kmeans
}  // namespace tsad_fast
