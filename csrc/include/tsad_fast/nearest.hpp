// Nearest center (SPEC 1.3): for each query the squared distance ||q||^2 - 2 q.c + ||c||^2
// to every center, accumulated in float64, clamped at 0, first minimum (lowest index). Fused:
// a few queries at a time against all centers, so memory is O(m + k) beyond the inputs; no
// m x k matrix is formed. Centers are transposed once (d x k) so a register tile of queries x
// centers accumulates in vector registers.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

#include "tsad_fast/common.hpp"
#include "tsad_fast/distance.hpp"
#include "tsad_fast/interrupt.hpp"

namespace tsad_fast {
namespace nearest {

constexpr std::size_t kQueries = 4;  // queries per register tile
constexpr std::size_t kTile = 8;     // centers per register tile

// dots[q * kt + c] = Q[q] . C[c] for kQueries queries (row-major, zero-padded, d columns) and
// the kt centers of CT (d x kt, zero-padded to a multiple of kTile): a register tile of
// kQueries x kTile accumulators in vectors of V (W doubles), eight centers loaded per dimension.
template <class Isa>
__attribute__((always_inline)) inline void tile_dots_impl(const double* Q, std::size_t d,
                                                          const double* CT, std::size_t stride,
                                                          std::size_t kt, double* dots) {
  using V = typename Isa::V;
  constexpr std::size_t W = Isa::W, kVecs = kTile / W;
  for (std::size_t g = 0; g < kt; g += kTile) {
    V acc[kQueries][kVecs] = {};
    for (std::size_t j = 0; j < d; ++j) {
      V cv[kVecs];
      for (std::size_t v = 0; v < kVecs; ++v)
        __builtin_memcpy(&cv[v], CT + j * stride + g + v * W, sizeof(V));
      for (std::size_t q = 0; q < kQueries; ++q) {
        const V qv = Isa::splat(Q + q * d + j);
        for (std::size_t v = 0; v < kVecs; ++v) acc[q][v] = Isa::mul_add(qv, cv[v], acc[q][v]);
      }
    }
    for (std::size_t q = 0; q < kQueries; ++q)
      for (std::size_t v = 0; v < kVecs; ++v)
        __builtin_memcpy(dots + q * kt + g + v * W, &acc[q][v], sizeof(V));
  }
}

// Query blocks of kBlockTiles tiles share each chunk of kChunk centers while it is in cache.
constexpr std::size_t kBlockTiles = 16, kChunk = 256;
constexpr std::size_t kBlockQueries = kBlockTiles * kQueries;

// Nearest centers of nq <= kBlockQueries queries (qbuf: kBlockQueries x d, zero-padded)
// against CT (d x kt). Written once, inlined into each instruction-set variant below.
template <class Isa>
__attribute__((always_inline)) inline void block_search(const double* qbuf, std::size_t nq,
                                                        std::size_t d, const double* CT,
                                                        std::size_t kt, const double* cc,
                                                        std::size_t k, double* dots,
                                                        double* distances,
                                                        std::int64_t* indices) {
  double qq[kBlockQueries], best[kBlockQueries];
  std::int64_t arg[kBlockQueries];
  for (std::size_t q = 0; q < nq; ++q) {
    double acc = 0.0;
    for (std::size_t j = 0; j < d; ++j) acc += qbuf[q * d + j] * qbuf[q * d + j];
    qq[q] = acc;
    best[q] = std::numeric_limits<double>::infinity();
    arg[q] = 0;
  }
  for (std::size_t c0 = 0; c0 < kt; c0 += kChunk) {
    const std::size_t width = std::min(kChunk, kt - c0);
    const std::size_t valid = std::min(width, k > c0 ? k - c0 : 0);
    for (std::size_t t = 0; t * kQueries < nq; ++t) {
      tile_dots_impl<Isa>(qbuf + t * kQueries * d, d, CT + c0, kt, width, dots);
      for (std::size_t r = 0; r < kQueries && t * kQueries + r < nq; ++r) {
        const std::size_t q = t * kQueries + r;
        const double norm = qq[q];
        const double* row = dots + r * width;
        const double* col_norm = cc + c0;
        double b = best[q];
        std::int64_t a = arg[q];
        for (std::size_t c = 0; c < valid; ++c)
          distance::keep_nearest(distance::sq_from_dot(norm, row[c], col_norm[c]),
                                 static_cast<std::int64_t>(c0 + c), b, a);
        best[q] = b;
        arg[q] = a;
      }
    }
  }
  for (std::size_t q = 0; q < nq; ++q) {
    distances[q] = std::sqrt(std::max(best[q], 0.0));
    indices[q] = arg[q];
  }
}

using BlockSearch = void (*)(const double*, std::size_t, std::size_t, const double*, std::size_t,
                             const double*, std::size_t, double*, double*, std::int64_t*);

inline void block_search_base(const double* qbuf, std::size_t nq, std::size_t d, const double* CT,
                              std::size_t kt, const double* cc, std::size_t k, double* dots,
                              double* distances, std::int64_t* indices) {
  block_search<Vec128>(qbuf, nq, d, CT, kt, cc, k, dots, distances, indices);
}

#if defined(TSAD_X86_VARIANTS)
__attribute__((target("avx2,fma"))) inline void block_search_avx2(
    const double* qbuf, std::size_t nq, std::size_t d, const double* CT, std::size_t kt,
    const double* cc, std::size_t k, double* dots, double* distances, std::int64_t* indices) {
  block_search<Avx2Fma>(qbuf, nq, d, CT, kt, cc, k, dots, distances, indices);
}
#endif

// The widest variant this CPU runs: AVX2+FMA where present, else 128-bit vectors.
inline BlockSearch pick_block_search() {
#if defined(TSAD_X86_VARIANTS)
  if (cpu_has_avx2_fma()) return block_search_avx2;
#endif
  return block_search_base;
}

// Q (m x d), C (k x d) row-major, k >= 1.
// Interrupted (stop), the outputs are unspecified.
inline void nearest_center(const double* Q, std::size_t m, const double* C, std::size_t k,
                           std::size_t d, double* distances, std::int64_t* indices,
                           Stop& stop = no_stop()) {
  const std::size_t kt = (k + kTile - 1) / kTile * kTile;
  std::vector<double> CT(d * kt, 0.0), cc(k, 0.0);
  for (std::size_t c = 0; c < k; ++c)
    for (std::size_t j = 0; j < d; ++j) {
      CT[j * kt + c] = C[c * d + j];
      cc[c] += C[c * d + j] * C[c * d + j];
    }
  static const BlockSearch run = pick_block_search();
  const std::int64_t n_blocks = static_cast<std::int64_t>((m + kBlockQueries - 1) / kBlockQueries);
#pragma omp parallel
  {
    std::vector<double> dots(kQueries * kChunk), qbuf(kBlockQueries * d);
#pragma omp for schedule(static)
    for (std::int64_t b = 0; b < n_blocks; ++b) {
      if (stop.poll()) continue;
      const std::size_t q0 = static_cast<std::size_t>(b) * kBlockQueries;
      const std::size_t nq = std::min(kBlockQueries, m - q0);
      std::fill(qbuf.begin(), qbuf.end(), 0.0);
      std::copy(Q + q0 * d, Q + (q0 + nq) * d, qbuf.begin());
      run(qbuf.data(), nq, d, CT.data(), kt, cc.data(), k, dots.data(), distances + q0,
          indices + q0);
    }
  }
}

}  // namespace nearest
}  // namespace tsad_fast
