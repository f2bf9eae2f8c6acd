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
#include <vector>

#include "tsad_fast/common.hpp"
#include "tsad_fast/distance.hpp"
#include "tsad_fast/points.hpp"

namespace tsad_fast {
namespace kmeans {

constexpr std::size_t kBlock = 256;  // points per cache block

// Per-group minima that a scan keeps beside the nearest center (the Yinyang bounds of
// lloyd_bounded): group[c] is the group of center c; m1 and m2 (G x kBlock, group-major) get
// each point's smallest and second-smallest value among the centers of each group, and err
// (kBlock) the error bound to subtract from them (0 where the point was searched canonically).
// Centers from `real` on are padding (squared norm +inf: never nearest, never a minimum).
struct GroupMinima {
  const std::int32_t* group = nullptr;
  std::size_t G = 0, real = 0;
  double* m1 = nullptr;
  double* m2 = nullptr;
  double* err = nullptr;
};

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
constexpr std::size_t kTileCenters = 4;  // the tile below names its accumulators: keep 4

// With Grouped, the values also go into the per-group minima of `groups`.
template <class Isa, bool Dot, bool Grouped = false>
__attribute__((always_inline)) inline void scan_tiles(const Points& p, const double* centers,
                                                      const double* cnorm, const double* xx,
                                                      std::size_t k, std::size_t begin,
                                                      std::size_t len, double* best,
                                                      double* second, std::int64_t* arg,
                                                      const GroupMinima& groups = {}) {
  using V = typename Isa::V;
  constexpr std::size_t W = Isa::W, kPoints = 2 * W;
  const std::size_t d = p.d;
  for (std::size_t t = 0; t < len; ++t) {
    best[t] = second[t] = std::numeric_limits<double>::infinity();
    arg[t] = 0;
  }
  if constexpr (Grouped)
    for (std::size_t g = 0; g < groups.G; ++g)
      for (std::size_t t = 0; t < len; ++t)
        groups.m1[g * kBlock + t] = groups.m2[g * kBlock + t] =
            std::numeric_limits<double>::infinity();
  double dist[kTileCenters][kPoints];
  for (std::size_t c0 = 0; c0 < k; c0 += kTileCenters) {
    const std::size_t nc = std::min(kTileCenters, k - c0);
    const double* tile = centers + c0 * d;
    for (std::size_t t0 = 0; t0 < len; t0 += kPoints) {
      const std::size_t np = std::min(kPoints, len - t0);
      if (np == kPoints && nc == kTileCenters) {
        // eight named accumulators (center c, vector v: a<c><v>), so that they stay in
        // registers (an array of them was stored back to the stack at every step)
        V a00{}, a01{}, a10{}, a11{}, a20{}, a21{}, a30{}, a31{};
        const double* col = p.x.data() + begin + t0;
        for (std::size_t j = 0; j < d; ++j, col += p.n) {
          V x0, x1;
          __builtin_memcpy(&x0, col, sizeof(V));
          __builtin_memcpy(&x1, col + W, sizeof(V));
#define TSAD_TILE_STEP(c, acc0, acc1)                      \
  {                                                        \
    const V cj = Isa::splat(tile + (c) * d + j);           \
    if constexpr (Dot) {                                   \
      acc0 = Isa::mul_add(x0, cj, acc0);                   \
      acc1 = Isa::mul_add(x1, cj, acc1);                   \
    } else {                                               \
      const V e0 = x0 - cj, e1 = x1 - cj;                  \
      acc0 += e0 * e0;                                     \
      acc1 += e1 * e1;                                     \
    }                                                      \
  }
          TSAD_TILE_STEP(0, a00, a01)
          TSAD_TILE_STEP(1, a10, a11)
          TSAD_TILE_STEP(2, a20, a21)
          TSAD_TILE_STEP(3, a30, a31)
#undef TSAD_TILE_STEP
        }
        for (std::size_t w = 0; w < W; ++w) {  // by element: no accumulator's address taken
          dist[0][w] = a00[w], dist[0][W + w] = a01[w], dist[1][w] = a10[w];
          dist[1][W + w] = a11[w], dist[2][w] = a20[w], dist[2][W + w] = a21[w];
          dist[3][w] = a30[w], dist[3][W + w] = a31[w];
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
      // centers in increasing order for each point, the points side by side: branch-free, so
      // the compiler vectorises it (the same results as keep_two: no value is NaN)
      for (std::size_t c = 0; c < nc; ++c) {
        const auto index = static_cast<std::int64_t>(c0 + c);
        for (std::size_t t = 0; t < np; ++t) {
          double value = dist[c][t];
          if constexpr (Dot) value = distance::sq_from_dot(xx[t0 + t], value, cnorm[c0 + c]);
          dist[c][t] = value;
          double& b = best[t0 + t];
          second[t0 + t] = std::min(second[t0 + t], std::max(value, b));
          arg[t0 + t] = value < b ? index : arg[t0 + t];
          b = std::min(b, value);
        }
        if constexpr (Grouped) {
          const auto g = static_cast<std::size_t>(groups.group[c0 + c]);
          double* m1 = groups.m1 + g * kBlock + t0;
          double* m2 = groups.m2 + g * kBlock + t0;
          for (std::size_t t = 0; t < np; ++t) {
            m2[t] = std::min(m2[t], std::max(dist[c][t], m1[t]));
            m1[t] = std::min(m1[t], dist[c][t]);
          }
        }
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
// No multiply-add is fused here (distance.hpp checks the build).
__attribute__((target("avx2,fma"))) inline void scan_block_avx2(
    const Points& p, const double* centers, std::size_t k, std::size_t begin, std::size_t len,
    double* best, double* second, std::int64_t* arg) {
  scan_block_impl<Avx2Fma>(p, centers, k, begin, len, best, second, arg);
}
#endif

// Centers (k x d) padded with rows of +inf to whole register tiles (kTileCenters): a padding
// center is at +inf from every finite point, so it is never the nearest nor the second, and the
// canonical scan needs no scalar remainder. Returns the padded count.
inline std::size_t pad_centers(const double* centers, std::size_t k, std::size_t d,
                               std::vector<double>& padded) {
  const std::size_t kp = (k + kTileCenters - 1) / kTileCenters * kTileCenters;
  padded.assign(kp * d, std::numeric_limits<double>::infinity());
  std::copy_n(centers, k * d, padded.data());
  return kp;
}

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
    std::size_t begin, std::size_t len, double* best, double* second, std::int64_t* arg,
    const GroupMinima* groups) {
  const std::size_t d = p.d;
  double xx[kBlock];
  for (std::size_t t = 0; t < len; ++t) xx[t] = 0.0;
  for (std::size_t j = 0; j < d; ++j) {
    const double* col = p.x.data() + j * p.n + begin;
    for (std::size_t t = 0; t < len; ++t) xx[t] += col[t] * col[t];
  }
  if (groups)
    scan_tiles<Isa, true, true>(p, centers, cnorm, xx, k, begin, len, best, second, arg, *groups);
  else
    scan_tiles<Isa, true>(p, centers, cnorm, xx, k, begin, len, best, second, arg);
  for (std::size_t t = 0; t < len; ++t) {
    const double r = std::sqrt(xx[t]) + cmax;
    const double err = 8.0 * kUnitRoundoff * static_cast<double>(d + 4) * r * r;
    if (second[t] - best[t] > 2.0 * err) {
      best[t] += err;
      second[t] = std::max(second[t] - err, 0.0);
      if (groups) groups->err[t] = err;
      continue;
    }
    best[t] = second[t] = std::numeric_limits<double>::infinity();  // canonical search
    if (groups) {
      groups->err[t] = 0.0;
      for (std::size_t g = 0; g < groups->G; ++g)
        groups->m1[g * kBlock + t] = groups->m2[g * kBlock + t] =
            std::numeric_limits<double>::infinity();
    }
    for (std::size_t c = 0; c < (groups ? groups->real : k); ++c) {
      const double value = sq_point(p, begin + t, centers + c * d);
      keep_two(value, static_cast<std::int64_t>(c), best[t], second[t], arg[t]);
      if (groups) {
        double& m1 = groups->m1[static_cast<std::size_t>(groups->group[c]) * kBlock + t];
        double& m2 = groups->m2[static_cast<std::size_t>(groups->group[c]) * kBlock + t];
        m2 = std::min(m2, std::max(value, m1));
        m1 = std::min(m1, value);
      }
    }
  }
}

using CertifiedScan = void (*)(const Points&, const double*, const double*, double, std::size_t,
                               std::size_t, std::size_t, double*, double*, std::int64_t*,
                               const GroupMinima*);

inline void certified_scan_base(const Points& p, const double* centers, const double* cnorm,
                                double cmax, std::size_t k, std::size_t begin, std::size_t len,
                                double* best, double* second, std::int64_t* arg,
                                const GroupMinima* groups) {
  certified_scan_impl<Vec128>(p, centers, cnorm, cmax, k, begin, len, best, second, arg, groups);
}

#if defined(TSAD_X86_VARIANTS)
__attribute__((target("avx2,fma"))) inline void certified_scan_avx2(
    const Points& p, const double* centers, const double* cnorm, double cmax, std::size_t k,
    std::size_t begin, std::size_t len, double* best, double* second, std::int64_t* arg,
    const GroupMinima* groups) {
  certified_scan_impl<Avx2Fma>(p, centers, cnorm, cmax, k, begin, len, best, second, arg, groups);
}
#endif

// groups (optional): also the per-group minima and their error bounds (minus err, they bound
// the canonical squared distances from below).
inline void certified_scan(const Points& p, const double* centers, const double* cnorm,
                           double cmax, std::size_t k, std::size_t begin, std::size_t len,
                           double* best, double* second, std::int64_t* arg,
                           const GroupMinima* groups = nullptr) {
#if defined(TSAD_X86_VARIANTS)
  static const CertifiedScan run = cpu_has_avx2_fma() ? certified_scan_avx2 : certified_scan_base;
#else
  static const CertifiedScan run = certified_scan_base;
#endif
  run(p, centers, cnorm, cmax, k, begin, len, best, second, arg, groups);
}
}  // namespace kmeans
}  // namespace tsad_fast
