// Host-side API of csrc/cuda/mv_mtf.cu, bound by csrc/bind/cuda_module.cpp: host arrays in and
// out, same contracts as tsad_fast::mv_mtf::transitions and ::field.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tsad_fast {
namespace cuda {

void mtf_transitions(const std::int32_t* B, std::size_t n, std::size_t c, std::size_t q, double* W);
void mtf_field(const std::int32_t* B, std::size_t n, std::size_t c, const double* W, std::size_t q,
               const double* weights, double alpha, double scale, double* F);

}  // namespace cuda
}  // namespace tsad_fast
