// Nearest center on the GPU: the dot-form scan of center_scan.cuh, then the distance
// sqrt(max(d2, 0)). Equal to the CPU kernels up to the rounding of the dot products (see
// tsad_fast/kernels/nearest.py). The device entry works on the caller's arrays and stream; the
// host entry copies in and out around it.
#include <cuda_runtime.h>

#include <cstdint>

#include "device_array.cuh"
#include "nearest_cuda.hpp"
#include "center_scan.cuh"

namespace {

using tsad_fast::cuda::check;

// cc[c] = ||C[c]||^2 (one thread per center).
__global__ void row_norms_kernel(const double* C, std::int64_t k, std::int64_t d, double* cc) {
  const std::int64_t c = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (c >= k) return;
  double acc = 0.0;
  for (std::int64_t j = 0; j < d; ++j) acc = fma(C[c * d + j], C[c * d + j], acc);
  cc[c] = acc;
}

__global__ void sqrt_kernel(double* values, std::int64_t n) {
  const std::int64_t i = blockIdx.x * static_cast<std::int64_t>(blockDim.x) + threadIdx.x;
  if (i < n) values[i] = sqrt(values[i] > 0.0 ? values[i] : 0.0);
}

}  // namespace

namespace tsad_fast {
namespace cuda {

void nearest_center_device(const double* Q, std::size_t m, const double* C, std::size_t k,
                           std::size_t d, double* distances, std::int64_t* indices,
                           cudaStream_t stream) {
  if (m == 0) return;
  DeviceArray<double> cc(k, stream);
  row_norms_kernel<<<static_cast<unsigned>((k + 127) / 128), 128, 0, stream>>>(
      C, static_cast<std::int64_t>(k), static_cast<std::int64_t>(d), cc.ptr);
  check(cudaGetLastError(), "nearest_center norms launch");
  scan::launch<false>(Q, m, C, cc.ptr, k, d, distances, indices, stream);
  sqrt_kernel<<<static_cast<unsigned>((m + 255) / 256), 256, 0, stream>>>(
      distances, static_cast<std::int64_t>(m));
  check(cudaGetLastError(), "nearest_center sqrt launch");
  check(cudaStreamSynchronize(stream), "nearest_center");  // before cc is freed
}

void nearest_center(const double* Q, std::size_t m, const double* C, std::size_t k, std::size_t d,
                    double* distances, std::int64_t* indices) {
  DeviceArray<double> d_q(Q, m * d), d_c(C, k * d), d_dist(m);
  DeviceArray<std::int64_t> d_idx(m);
  nearest_center_device(d_q.ptr, m, d_c.ptr, k, d, d_dist.ptr, d_idx.ptr, nullptr);
  d_dist.to_host(distances, m);
  d_idx.to_host(indices, m);
}

}  // namespace cuda
}  // namespace tsad_fast
