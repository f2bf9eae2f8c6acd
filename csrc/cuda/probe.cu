// tsad_fast._cuda device probes: what the GPU is, and a smoke kernel that runs the shared
// host+device math (tsad_fast/fastlog.hpp, gpd.hpp) on the device so that show_config() can
// say the GPU executes tsad_fast code, not only that a driver answers.
#include <cuda_runtime.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "device_array.cuh"
#include "probe.hpp"
#include "tsad_fast/fastlog.hpp"
#include "tsad_fast/gpd.hpp"

namespace {

using tsad_fast::cuda::check;

// out[i] = w(theta) of a single peak y[i] at theta = -0.5 / y[i]: (1 + log(1/2)) * 2 - 1.
__global__ void smoke_kernel(const double* y, double* out, int n) {
  const int i = blockIdx.x * blockDim.x + threadIdx.x;
  if (i >= n) return;
  const double s = 1.0 + (-0.5 / y[i]) * y[i];
  out[i] = tsad_fast::gpd::w_value(tsad_fast::vlog(s), 1.0 / s, 1.0);
}

}  // namespace

namespace tsad_fast {
namespace cuda {

int device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver" error
    return 0;
  }
  return n;
}

std::string device_name(int device) {
  cudaDeviceProp prop{};
  check(cudaGetDeviceProperties(&prop, device), "cudaGetDeviceProperties");
  return std::string(prop.name) + " (sm_" + std::to_string(prop.major) + std::to_string(prop.minor) + ")";
}

int runtime_version() {
  int v = 0;
  check(cudaRuntimeGetVersion(&v), "cudaRuntimeGetVersion");
  return v;
}

std::vector<double> smoke(const std::vector<double>& y) {
  const int n = static_cast<int>(y.size());
  std::vector<double> out(y.size());
  if (n == 0) return out;
  double *d_y = nullptr, *d_out = nullptr;
  check(cudaMalloc(&d_y, n * sizeof(double)), "cudaMalloc");
  check(cudaMalloc(&d_out, n * sizeof(double)), "cudaMalloc");
  check(cudaMemcpy(d_y, y.data(), n * sizeof(double), cudaMemcpyHostToDevice), "cudaMemcpy");
  smoke_kernel<<<(n + 127) / 128, 128>>>(d_y, d_out, n);
  cudaError_t err = cudaDeviceSynchronize();
  if (err == cudaSuccess) err = cudaMemcpy(out.data(), d_out, n * sizeof(double), cudaMemcpyDeviceToHost);
  cudaFree(d_y);
  cudaFree(d_out);
  check(err, "smoke_kernel");
  return out;
}

}  // namespace cuda
}  // namespace tsad_fast
