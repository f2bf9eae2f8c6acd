// Host-side API of csrc/cuda/nearest.cu, bound by csrc/bind/cuda_module.cpp. Host arrays in and
// out; the distances run on the GPU.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tsad_fast {
namespace cuda {

// Same contract as tsad_fast::nearest::nearest_center (csrc/include/tsad_fast/nearest.hpp).
void nearest_center(const double* Q, std::size_t m, const double* C, std::size_t k, std::size_t d,
                    double* distances, std::int64_t* indices);

// Same contract as tsad_fast::granular::assign: labels equal to the CPU backends bit for bit.
void kmeans_assign(const double* X, std::size_t n, const double* C, std::size_t k, std::size_t d,
                   std::int64_t* labels);

}  // namespace cuda
}  // namespace tsad_fast
