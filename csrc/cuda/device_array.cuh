// Host-side helpers shared by the CUDA translation units: error checks that throw, and an
// owning device buffer (zero-filled, optionally copied from the host).
#pragma once

#include <cuda_runtime.h>

#include <algorithm>
#include <cstddef>
#include <stdexcept>
#include <string>

namespace tsad_fast {
namespace cuda {

inline void check(cudaError_t err, const char* what) {
  if (err != cudaSuccess) throw std::runtime_error(std::string(what) + ": " + cudaGetErrorString(err));
}

template <class T>
struct DeviceArray {
  T* ptr = nullptr;
  explicit DeviceArray(std::size_t count) {
    check(cudaMalloc(&ptr, std::max<std::size_t>(count, 1) * sizeof(T)), "cudaMalloc");
    check(cudaMemset(ptr, 0, std::max<std::size_t>(count, 1) * sizeof(T)), "cudaMemset");
  }
  DeviceArray(const T* host, std::size_t count) : DeviceArray(count) {
    if (count) check(cudaMemcpy(ptr, host, count * sizeof(T), cudaMemcpyHostToDevice), "cudaMemcpy");
  }
  ~DeviceArray() { cudaFree(ptr); }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  void to_host(T* host, std::size_t count) const {
    if (count) check(cudaMemcpy(host, ptr, count * sizeof(T), cudaMemcpyDeviceToHost), "cudaMemcpy");
  }
};

}  // namespace cuda
}  // namespace tsad_fast
