// The tiled nearest-center scan shared by nearest.cu and kmeans.cu. One thread per query
// (point); each block stages a tile of its queries and a tile of centers in shared memory and
// every thread keeps kTileC running sums in registers. Centers are visited in increasing
// index order, so ties go to the lowest index as on the CPU.
//
// * Canonical = true: the sum of (x_j - c_j)^2 over j in order, never fused
//   (distance::add_sq_diff), so the labels equal the NumPy reference bit for bit.
// * Canonical = false: ||q||^2 - 2 q.c + ||c||^2 with fused multiply-adds (cc holds ||c||^2).
//
// Everything here works on device pointers and runs on the caller's stream.
#pragma once

#include <cuda_runtime.h>
#include <math_constants.h>

#include <cstdint>

#include "device_array.cuh"
#include "tsad_fast/distance.hpp"

namespace tsad_fast {
namespace cuda {
namespace scan {

constexpr int kThreads = 128;  // queries per block
constexpr int kTileC = 32;     // centers per shared-memory tile
constexpr int kTileD = 16;     // dimensions per shared-memory tile

// Loads rows [row0, row0 + rows) x columns [j0, j0 + kTileD) of A (n x d) into tile (zero
// outside A), coalesced: consecutive threads read consecutive columns.
template <int Rows>
__device__ inline void load_tile(const double* A, std::int64_t n, std::int64_t d,
                                 std::int64_t row0, std::int64_t j0, double (*tile)[kTileD + 1]) {
  for (int t = threadIdx.x; t < Rows * kTileD; t += blockDim.x) {
    const int r = t / kTileD, j = t % kTileD;
    const std::int64_t row = row0 + r, col = j0 + j;
    tile[r][j] = (row < n && col < d) ? A[row * d + col] : 0.0;
  }
}

template <bool Canonical>
__global__ void scan_kernel(const double* X, std::int64_t n, const double* C, const double* cc,
                            std::int64_t k, std::int64_t d, double* best_out,
                            std::int64_t* arg_out) {
  __shared__ double xs[kThreads][kTileD + 1];
  __shared__ double cs[kTileC][kTileD + 1];
  const std::int64_t row0 = static_cast<std::int64_t>(blockIdx.x) * kThreads;
  const std::int64_t i = row0 + threadIdx.x;
  double norm = 0.0;  // ||x||^2 (dot form only)
  double best = CUDART_INF;
  std::int64_t arg = 0;
  for (std::int64_t c0 = 0; c0 < k; c0 += kTileC) {
    double acc[kTileC];
#pragma unroll
    for (int c = 0; c < kTileC; ++c) acc[c] = 0.0;
    for (std::int64_t j0 = 0; j0 < d; j0 += kTileD) {
      load_tile<kThreads>(X, n, d, row0, j0, xs);
      load_tile<kTileC>(C, k, d, c0, j0, cs);
      __syncthreads();
      const int width = static_cast<int>(d - j0 < kTileD ? d - j0 : kTileD);
      for (int j = 0; j < width; ++j) {
        const double x = xs[threadIdx.x][j];
        if (!Canonical && c0 == 0) norm = fma(x, x, norm);
#pragma unroll
        for (int c = 0; c < kTileC; ++c)
          acc[c] = Canonical ? distance::add_sq_diff(acc[c], x, cs[c][j]) : fma(x, cs[c][j], acc[c]);
      }
      __syncthreads();
    }
    const int valid = static_cast<int>(k - c0 < kTileC ? k - c0 : kTileC);
#pragma unroll
    for (int c = 0; c < kTileC; ++c) {  // compile-time indices keep acc in registers
      if (c < valid) {
        const double d2 = Canonical ? acc[c] : distance::sq_from_dot(norm, acc[c], cc[c0 + c]);
        distance::keep_nearest(d2, c0 + c, best, arg);
      }
    }
  }
  if (i < n) {
    if (best_out) best_out[i] = best;
    arg_out[i] = arg;
  }
}

// Launches the scan of the n rows of X against the k rows of C (device pointers, d columns);
// best (n,) may be null.
template <bool Canonical>
inline void launch(const double* X, std::size_t n, const double* C, const double* cc,
                   std::size_t k, std::size_t d, double* best, std::int64_t* arg,
                   cudaStream_t stream) {
  if (n == 0) return;
  const unsigned blocks = static_cast<unsigned>((n + kThreads - 1) / kThreads);
  scan_kernel<Canonical><<<blocks, kThreads, 0, stream>>>(
      X, static_cast<std::int64_t>(n), C, cc, static_cast<std::int64_t>(k),
      static_cast<std::int64_t>(d), best, arg);
  check(cudaGetLastError(), "nearest-center scan launch");
}

}  // namespace scan
}  // namespace cuda
}  // namespace tsad_fast
