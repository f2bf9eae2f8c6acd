// Nearest center: for each query the squared distance ||q||^2 - 2 q.c + ||c||^2
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
#include <type_traits>
#include <vector>

#include "tsad_fast/common.hpp"
#include "tsad_fast/interrupt.hpp"

namespace tsad_fast {
namespace nearest {

constexpr std::size_t kQueries = 4;  // queries per register tile
constexpr std::size_t kTile = 16;    // centers a tile pads to (the float AVX2 tile: 16)

// Writes vector v (passed by value) to p.
template <class T, class V>
__attribute__((always_inline)) inline void store(T* p, V v) {
  __builtin_memcpy(p, &v, sizeof(V));
}

// dots[q * kt + c] = Q[q] . C[c] for kQueries queries (row-major, zero-padded, d columns) and
// the kt centers of CT (d x kt, zero-padded to a multiple of kTile): a register tile of
// kQueries x 2 vectors of V (2 W centers: 8 with AVX2) of named accumulators, so that they stay
// in registers (an array of them was stored back to the stack at every step).
template <class Isa, class T = typename Isa::T>
__attribute__((always_inline)) inline void tile_dots_impl(const T* Q, std::size_t d,
                                                          const T* CT, std::size_t stride,
                                                          std::size_t kt, T* dots) {
  static_assert(kQueries == 4, "the tile names four queries' accumulators");
  using V = typename Isa::V;
  constexpr std::size_t W = Isa::W;
  static_assert(kTile % (2 * W) == 0, "kTile must be a multiple of the tile's centers");
  for (std::size_t g = 0; g < kt; g += 2 * W) {
    V a00{}, a01{}, a10{}, a11{}, a20{}, a21{}, a30{}, a31{};
    for (std::size_t j = 0; j < d; ++j) {
      V c0, c1;
      __builtin_memcpy(&c0, CT + j * stride + g, sizeof(V));
      __builtin_memcpy(&c1, CT + j * stride + g + W, sizeof(V));
      const V q0 = Isa::splat(Q + j), q1 = Isa::splat(Q + d + j);
      const V q2 = Isa::splat(Q + 2 * d + j), q3 = Isa::splat(Q + 3 * d + j);
      a00 = Isa::mul_add(q0, c0, a00), a01 = Isa::mul_add(q0, c1, a01);
      a10 = Isa::mul_add(q1, c0, a10), a11 = Isa::mul_add(q1, c1, a11);
      a20 = Isa::mul_add(q2, c0, a20), a21 = Isa::mul_add(q2, c1, a21);
      a30 = Isa::mul_add(q3, c0, a30), a31 = Isa::mul_add(q3, c1, a31);
    }
    // stored through copies: no accumulator's address is taken
    store(dots + g, a00), store(dots + g + W, a01);
    store(dots + kt + g, a10), store(dots + kt + g + W, a11);
    store(dots + 2 * kt + g, a20), store(dots + 2 * kt + g + W, a21);
    store(dots + 3 * kt + g, a30), store(dots + 3 * kt + g + W, a31);
  }
}

// The running nearest (b, a) of one query updated with the centers c0 .. c0 + valid - 1 from
// their dot products row[c] and squared norms cc[c]: first minimum (ties: lowest index), the
// lanes of a vector each keeping their own first minimum, merged at the end.
template <class Isa, class T = typename Isa::T>
__attribute__((always_inline)) inline void nearest_in_row(T norm, const T* row, const T* cc,
                                                          std::size_t valid, std::size_t c0,
                                                          T& b, std::int64_t& a) {
  using V = typename Isa::V;
  constexpr std::size_t W = Isa::W;
  const std::size_t full = valid / W * W;
  if (full) {
    // indices ride along as T: exact below 2^24 centers a chunk (kChunk)
    V lane_best = V{} + std::numeric_limits<T>::infinity(), lane_index = V{}, index{};
    for (std::size_t w = 0; w < W; ++w) index[w] = static_cast<T>(w);
    const V two = V{} + T(2), step = V{} + static_cast<T>(W), qq = V{} + norm;
    for (std::size_t c = 0; c < full; c += W) {
      V dot, cn;
      __builtin_memcpy(&dot, row + c, sizeof(V));
      __builtin_memcpy(&cn, cc + c, sizeof(V));
      const V value = qq - two * dot + cn;
      const auto closer = value < lane_best;
      lane_best = closer ? value : lane_best;
      lane_index = closer ? index : lane_index;
      index += step;
    }
    T chunk_best = lane_best[0], chunk_index = lane_index[0];
    for (std::size_t w = 1; w < W; ++w)
      if (lane_best[w] < chunk_best || (lane_best[w] == chunk_best && lane_index[w] < chunk_index))
        chunk_best = lane_best[w], chunk_index = lane_index[w];
    if (chunk_best < b) {  // earlier chunks hold lower indices: they win ties
      b = chunk_best;
      a = static_cast<std::int64_t>(c0) + static_cast<std::int64_t>(chunk_index);
    }
  }
  for (std::size_t c = full; c < valid; ++c) {  // the same expression as the lanes'
    const T value = norm - T(2) * row[c] + cc[c];
    if (value < b) {
      b = value;
      a = static_cast<std::int64_t>(c0 + c);
    }
  }
}

// Query blocks of kBlockTiles tiles share each chunk of kChunk centers while it is in cache.
constexpr std::size_t kBlockTiles = 16, kChunk = 256;
constexpr std::size_t kBlockQueries = kBlockTiles * kQueries;

// Nearest centers of nq <= kBlockQueries queries (qbuf: kBlockQueries x d, zero-padded)
// against CT (d x kt). Written once, inlined into each instruction-set variant below.
template <class Isa, class T = typename Isa::T>
__attribute__((always_inline)) inline void block_search(const T* qbuf, std::size_t nq,
                                                        std::size_t d, const T* CT,
                                                        std::size_t kt, const T* cc,
                                                        std::size_t k, T* dots, T* distances,
                                                        std::int64_t* indices) {
  T qq[kBlockQueries], best[kBlockQueries];
  std::int64_t arg[kBlockQueries];
  for (std::size_t q = 0; q < nq; ++q) {
    T acc = 0;
    for (std::size_t j = 0; j < d; ++j) acc += qbuf[q * d + j] * qbuf[q * d + j];
    qq[q] = acc;
    best[q] = std::numeric_limits<T>::infinity();
    arg[q] = 0;
  }
  for (std::size_t c0 = 0; c0 < kt; c0 += kChunk) {
    const std::size_t width = std::min(kChunk, kt - c0);
    const std::size_t valid = std::min(width, k > c0 ? k - c0 : 0);
    for (std::size_t t = 0; t * kQueries < nq; ++t) {
      tile_dots_impl<Isa>(qbuf + t * kQueries * d, d, CT + c0, kt, width, dots);
      for (std::size_t r = 0; r < kQueries && t * kQueries + r < nq; ++r) {
        const std::size_t q = t * kQueries + r;
        const T norm = qq[q];
        const T* row = dots + r * width;
        const T* col_norm = cc + c0;
        T b = best[q];
        std::int64_t a = arg[q];
        nearest_in_row<Isa>(norm, row, col_norm, valid, c0, b, a);
        best[q] = b;
        arg[q] = a;
      }
    }
  }
  for (std::size_t q = 0; q < nq; ++q) {
    distances[q] = std::sqrt(std::max(best[q], T(0)));
    indices[q] = arg[q];
  }
}

template <class T>
using BlockSearch = void (*)(const T*, std::size_t, std::size_t, const T*, std::size_t, const T*,
                             std::size_t, T*, T*, std::int64_t*);

template <class T>
inline void block_search_base(const T* qbuf, std::size_t nq, std::size_t d, const T* CT,
                              std::size_t kt, const T* cc, std::size_t k, T* dots, T* distances,
                              std::int64_t* indices) {
  using Isa = std::conditional_t<std::is_same_v<T, float>, Vec128Float, Vec128>;
  block_search<Isa>(qbuf, nq, d, CT, kt, cc, k, dots, distances, indices);
}

#if defined(TSAD_X86_VARIANTS)
template <class T>
__attribute__((target("avx2,fma"))) inline void block_search_avx2(
    const T* qbuf, std::size_t nq, std::size_t d, const T* CT, std::size_t kt, const T* cc,
    std::size_t k, T* dots, T* distances, std::int64_t* indices) {
  using Isa = std::conditional_t<std::is_same_v<T, float>, Avx2FmaFloat, Avx2Fma>;
  block_search<Isa>(qbuf, nq, d, CT, kt, cc, k, dots, distances, indices);
}
#endif

// The widest variant this CPU runs: AVX2+FMA where present, else 128-bit vectors.
template <class T>
inline BlockSearch<T> pick_block_search() {
#if defined(TSAD_X86_VARIANTS)
  if (cpu_has_avx2_fma()) return block_search_avx2<T>;
#endif
  return block_search_base<T>;
}

// Q (m x d), C (k x d) row-major, k >= 1; T double (the default search) or float (the float32
// search of kernels/nearest.py, dtype="float32": float sums, faiss's precision).
// Interrupted (stop), the outputs are unspecified.
template <class T>
inline void nearest_center(const T* Q, std::size_t m, const T* C, std::size_t k, std::size_t d,
                           T* distances, std::int64_t* indices, Stop& stop = no_stop()) {
  const std::size_t kt = (k + kTile - 1) / kTile * kTile;
  std::vector<T> CT(d * kt, T(0)), cc(k, T(0));
  for (std::size_t c = 0; c < k; ++c)
    for (std::size_t j = 0; j < d; ++j) {
      CT[j * kt + c] = C[c * d + j];
      cc[c] += C[c * d + j] * C[c * d + j];
    }
  static const BlockSearch<T> run = pick_block_search<T>();
  const std::int64_t n_blocks = static_cast<std::int64_t>((m + kBlockQueries - 1) / kBlockQueries);
#pragma omp parallel
  {
    std::vector<T> dots(kQueries * kChunk), qbuf(kBlockQueries * d);
#pragma omp for schedule(static)
    for (std::int64_t b = 0; b < n_blocks; ++b) {
      if (stop.poll()) continue;
      const std::size_t q0 = static_cast<std::size_t>(b) * kBlockQueries;
      const std::size_t nq = std::min(kBlockQueries, m - q0);
      std::fill(qbuf.begin(), qbuf.end(), T(0));
      std::copy(Q + q0 * d, Q + (q0 + nq) * d, qbuf.begin());
      run(qbuf.data(), nq, d, CT.data(), kt, cc.data(), k, dots.data(), distances + q0,
          indices + q0);
    }
  }
}

}  // namespace nearest
}  // namespace tsad_fast
