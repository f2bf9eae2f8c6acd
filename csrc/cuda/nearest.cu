// Nearest center and the k-means assignment step on the GPU. One thread per query (point);
// each block stages a tile of its queries and a tile of centers in shared memory and every
// thread keeps kTileC running dot products (or canonical squared distances) in registers.
// Centers are visited in increasing index order, so ties go to the lowest index as on the CPU.
//
// * nearest_center: ||q||^2 - 2 q.c + ||c||^2 with fused multiply-adds; equal to the CPU
//   kernels up to the rounding of the dot products (see tsad_fast/kernels/nearest.py).
// * kmeans_assign: the canonical sum of (x_j - c_j)^2 over j in order, never fused
//   (distance::add_sq_diff), so the labels equal the NumPy reference bit for bit.
#include <cuda_runtime.h>
#include <math_constants.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "device_array.cuh"
#include "nearest_cuda.hpp"
#include "tsad_fast/distance.hpp"

namespace {

using tsad_fast::cuda::check;
using tsad_fast::cuda::DeviceArray;
namespace distance = tsad_fast::distance;

constexpr int kThreads = 128;  // queries per block
constexpr int kTileC = 32;     // centers per shared-memory tile
constexpr int kTileD = 16;     // dimensions per shared-memory tile

// Loads rows [row0, row0 + rows) x columns [j0, j0 + kTileD) of A (n x d) into tile (zero
// outside A), coalesced: consecutive threads read consecutive columns.
template <int Rows>
__device__ void load_tile(const double* A, std::int64_t n, std::int64_t d, std::int64_t row0,
                          std::int64_t j0, double (*tile)[kTileD + 1]) {
  for (int t = threadIdx.x; t < Rows * kTileD; t += blockDim.x) {
    const int r = t / kTileD, j = t % kTileD;
    const std::int64_t row = row0 + r, col = j0 + j;
    tile[r][j] = (row < n && col < d) ? A[row * d + col] : 0.0;
  }
}

// Canonical: acc[c] accumulates (x_j - c_j)^2. Dot form: acc[c] accumulates x_j * c_j.
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
    for (int c = 0; c < valid; ++c) {
      const double d2 = Canonical ? acc[c] : distance::sq_from_dot(norm, acc[c], cc[c0 + c]);
      distance::keep_nearest(d2, c0 + c, best, arg);
    }
  }
  if (i < n) {
    best_out[i] = best;
    arg_out[i] = arg;
  }
}

template <bool Canonical>
void scan(const double* X, std::size_t n, const double* C, std::size_t k, std::size_t d,
          double* best, std::int64_t* arg) {
  std::vector<double> cc(k, 0.0);
  if (!Canonical)
    for (std::size_t c = 0; c < k; ++c)
      for (std::size_t j = 0; j < d; ++j) cc[c] += C[c * d + j] * C[c * d + j];
  DeviceArray<double> d_x(X, n * d), d_c(C, k * d), d_cc(cc.data(), k), d_best(n);
  DeviceArray<std::int64_t> d_arg(n);
  const unsigned blocks = static_cast<unsigned>((n + kThreads - 1) / kThreads);
  scan_kernel<Canonical><<<blocks, kThreads>>>(d_x.ptr, static_cast<std::int64_t>(n), d_c.ptr,
                                               d_cc.ptr, static_cast<std::int64_t>(k),
                                               static_cast<std::int64_t>(d), d_best.ptr, d_arg.ptr);
  check(cudaGetLastError(), "nearest kernel launch");
  check(cudaDeviceSynchronize(), "nearest kernel");
  if (best) d_best.to_host(best, n);
  d_arg.to_host(arg, n);
}

}  // namespace

namespace tsad_fast {
namespace cuda {

void nearest_center(const double* Q, std::size_t m, const double* C, std::size_t k, std::size_t d,
                    double* distances, std::int64_t* indices) {
  scan<false>(Q, m, C, k, d, distances, indices);
  for (std::size_t i = 0; i < m; ++i) distances[i] = std::sqrt(std::max(distances[i], 0.0));
}

void kmeans_assign(const double* X, std::size_t n, const double* C, std::size_t k, std::size_t d,
                   std::int64_t* labels) {
  scan<true>(X, n, C, k, d, nullptr, labels);
}

}  // namespace cuda
}  // namespace tsad_fast
