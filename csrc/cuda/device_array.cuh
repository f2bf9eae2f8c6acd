// Host-side helpers shared by the CUDA translation units: error checks that throw, and an
// owning device buffer (zero-filled, optionally copied from the host) whose fills and copies are
// ordered on a given stream (the legacy default stream unless one is passed).
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
  cudaStream_t stream = nullptr;
  explicit DeviceArray(std::size_t count, cudaStream_t on = nullptr) : stream(on) {
    const std::size_t bytes = std::max<std::size_t>(count, 1) * sizeof(T);
    check(cudaMalloc(&ptr, bytes), "cudaMalloc");
    check(cudaMemsetAsync(ptr, 0, bytes, stream), "cudaMemsetAsync");
  }
  DeviceArray(const T* host, std::size_t count, cudaStream_t on = nullptr) : DeviceArray(count, on) {
    if (count)
      check(cudaMemcpyAsync(ptr, host, count * sizeof(T), cudaMemcpyHostToDevice, stream),
            "cudaMemcpyAsync");
  }
  ~DeviceArray() { cudaFree(ptr); }
  DeviceArray(const DeviceArray&) = delete;
  DeviceArray& operator=(const DeviceArray&) = delete;
  // Copies the first `count` values to the host once the stream's work is done.
  void to_host(T* host, std::size_t count) const {
    if (!count) return;
    check(cudaMemcpyAsync(host, ptr, count * sizeof(T), cudaMemcpyDeviceToHost, stream),
          "cudaMemcpyAsync");
    check(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
  }
};

}  // namespace cuda
}  // namespace tsad_fast
