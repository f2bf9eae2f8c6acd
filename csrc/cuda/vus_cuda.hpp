// Host-side API of csrc/cuda/vus.cu, bound by csrc/bind/cuda_module.cpp.
#pragma once

#include <cuda_runtime_api.h>

#include <cstddef>
#include <cstdint>

namespace tsad_fast {
namespace cuda {

// Same contract as tsad_fast::vus::areas (csrc/include/tsad_fast/vus.hpp) with score (n,),
// thresholds (m,), roc and pr (window + 1,) on the device and the segments (n_seg,) on the host
// (they decide the buffered groups); runs on `stream`, synchronised before returning.
void vus_areas_device(const double* score, std::size_t n, const std::int64_t* starts,
                      const std::int64_t* ends, std::size_t n_seg, const double* thresholds,
                      std::int32_t m, std::int64_t window, double* roc, double* pr,
                      cudaStream_t stream);

// The same with every array on the host: the ranking, histograms and per-window sums run on the
// GPU.
void vus_areas(const double* score, std::size_t n, const std::int64_t* starts,
               const std::int64_t* ends, std::size_t n_seg, const double* thresholds,
               std::int32_t m, std::int64_t window, double* roc, double* pr);

}  // namespace cuda
}  // namespace tsad_fast
