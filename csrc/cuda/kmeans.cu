// The k-means assignment step on the GPU: the canonical scan of center_scan.cuh (the sum of
// (x_j - c_j)^2 over j in order, never fused), so the labels equal the CPU backends bit for
// bit. The device entry works on the caller's arrays and stream; the host entry copies in and
// out around it.
#include <cuda_runtime.h>

#include <cstdint>

#include "device_array.cuh"
#include "kmeans_cuda.hpp"
#include "center_scan.cuh"

namespace tsad_fast {
namespace cuda {

void kmeans_assign_device(const double* X, std::size_t n, const double* C, std::size_t k,
                          std::size_t d, std::int64_t* labels, cudaStream_t stream) {
  scan::launch<true>(X, n, C, nullptr, k, d, nullptr, labels, stream);
}

void kmeans_assign(const double* X, std::size_t n, const double* C, std::size_t k, std::size_t d,
                   std::int64_t* labels) {
  DeviceArray<double> d_x(X, n * d), d_c(C, k * d);
  DeviceArray<std::int64_t> d_labels(n);
  kmeans_assign_device(d_x.ptr, n, d_c.ptr, k, d, d_labels.ptr, nullptr);
  d_labels.to_host(labels, n);
}

}  // namespace cuda
}  // namespace tsad_fast
