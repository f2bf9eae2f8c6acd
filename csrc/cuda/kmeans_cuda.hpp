// Host-side API of csrc/cuda/kmeans.cu, bound by csrc/bind/cuda_module.cpp.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

namespace tsad_fast {
namespace cuda {

// Same contract as tsad_fast::kmeans::assign (csrc/include/tsad_fast/kmeans.hpp), labels equal
// to the CPU backends bit for bit, on device arrays: X (n x d), C (k x d) row-major; labels
// (n,) written on `stream` (not synchronised: ordered with the caller's later work).
void kmeans_assign_device(const double* X, std::size_t n, const double* C, std::size_t k,
                          std::size_t d, std::int64_t* labels, cudaStream_t stream);

// The same on host arrays (copied to the device and back).
void kmeans_assign(const double* X, std::size_t n, const double* C, std::size_t k, std::size_t d,
                   std::int64_t* labels);

}  // namespace cuda
}  // namespace tsad_fast
