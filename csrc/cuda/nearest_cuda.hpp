// Host-side API of csrc/cuda/nearest.cu, bound by csrc/bind/cuda_module.cpp.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

namespace tsad_fast {
namespace cuda {

// Same contract as tsad_fast::nearest::nearest_center (csrc/include/tsad_fast/nearest.hpp), on
// device arrays: Q (m x d), C (k x d) row-major; distances (m,), indices (m,) written on
// `stream`, which is synchronised before returning.
void nearest_center_device(const double* Q, std::size_t m, const double* C, std::size_t k,
                           std::size_t d, double* distances, std::int64_t* indices,
                           cudaStream_t stream);

// The same on host arrays (copied to the device and back).
void nearest_center(const double* Q, std::size_t m, const double* C, std::size_t k, std::size_t d,
                    double* distances, std::int64_t* indices);

}  // namespace cuda
}  // namespace tsad_fast
