// Host-side API of csrc/cuda/probe.cu, bound by csrc/bind/cuda_module.cpp.
#pragma once

#include <string>
#include <vector>

namespace tsad_fast {
namespace cuda {

int device_count();                                   // 0 when no driver or no GPU
std::string device_name(int device);                  // e.g. "NVIDIA H100 (sm_90)"
int runtime_version();                                // CUDA runtime, e.g. 13000
std::vector<double> smoke(const std::vector<double>& y);  // runs shared math on the GPU

}  // namespace cuda
}  // namespace tsad_fast
