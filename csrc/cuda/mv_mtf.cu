// MV-MTF on the GPU: transition counts with one thread per (t, u) adding 1 to W[u][k][a][b] for
// every k (atomics; counts are integers, so the order does not change them), one thread per
// (u, k) block to normalise its rows, and one thread per (t, u) for the field, through the
// host+device field_entry() and normalise_rows() of csrc/include/tsad_fast/mv_mtf.hpp.
#include <cuda_runtime.h>

#include <cstdint>

#include "device_array.cuh"
#include "mv_mtf_cuda.hpp"
#include "tsad_fast/mv_mtf.hpp"

namespace {

using tsad_fast::cuda::check;
using tsad_fast::cuda::DeviceArray;

constexpr int kThreads = 256;

__global__ void count_kernel(const std::int32_t* B, std::int64_t n, std::int64_t c, std::int64_t q,
                             double* W) {
  const std::int64_t total = (n - 1) * c;
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < total;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x) {
    const std::int64_t t = i / c + 1, u = i % c;
    const std::int64_t a = B[(t - 1) * c + u];
    for (std::int64_t k = 0; k < c; ++k) atomicAdd(&W[((u * c + k) * q + a) * q + B[t * c + k]], 1.0);
  }
}

__global__ void normalise_kernel(double* W, std::int64_t blocks, std::int64_t q) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < blocks;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    tsad_fast::mv_mtf::normalise_rows(W + i * q * q, q);
}

__global__ void field_kernel(const std::int32_t* B, std::int64_t n, std::int64_t c, const double* W,
                             std::int64_t q, const double* weights, double alpha, double scale,
                             double* F) {
  for (std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x; i < n * c;
       i += static_cast<std::int64_t>(gridDim.x) * blockDim.x)
    F[i] = tsad_fast::mv_mtf::field_entry(B, i / c, i % c, c, W, weights, q, alpha, scale);
}

unsigned grid_for(std::int64_t work) {
  const std::int64_t blocks = (work + kThreads - 1) / kThreads;
  return static_cast<unsigned>(blocks < 65535 ? (blocks > 0 ? blocks : 1) : 65535);
}

}  // namespace

namespace tsad_fast {
namespace cuda {

void mtf_transitions(const std::int32_t* B, std::size_t n, std::size_t c, std::size_t q, double* W) {
  const std::size_t size = c * c * q * q;
  DeviceArray<std::int32_t> d_b(B, n * c);
  DeviceArray<double> d_w(size);
  const auto nn = static_cast<std::int64_t>(n), cc = static_cast<std::int64_t>(c),
             qq = static_cast<std::int64_t>(q);
  if (n > 1) count_kernel<<<grid_for((nn - 1) * cc), kThreads>>>(d_b.ptr, nn, cc, qq, d_w.ptr);
  normalise_kernel<<<grid_for(cc * cc), kThreads>>>(d_w.ptr, cc * cc, qq);
  check(cudaGetLastError(), "mv_mtf transition kernels launch");
  check(cudaDeviceSynchronize(), "mv_mtf transition kernels");
  d_w.to_host(W, size);
}

void mtf_field(const std::int32_t* B, std::size_t n, std::size_t c, const double* W, std::size_t q,
               const double* weights, double alpha, double scale, double* F) {
  DeviceArray<std::int32_t> d_b(B, n * c);
  DeviceArray<double> d_w(W, c * c * q * q), d_weights(weights, c * c), d_f(n * c);
  const auto nn = static_cast<std::int64_t>(n), cc = static_cast<std::int64_t>(c);
  field_kernel<<<grid_for(nn * cc), kThreads>>>(d_b.ptr, nn, cc, d_w.ptr,
                                                static_cast<std::int64_t>(q), d_weights.ptr, alpha,
                                                scale, d_f.ptr);
  check(cudaGetLastError(), "mv_mtf field kernel launch");
  check(cudaDeviceSynchronize(), "mv_mtf field kernel");
  d_f.to_host(F, n * c);
}

}  // namespace cuda
}  // namespace tsad_fast
