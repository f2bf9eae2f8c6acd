// tsad_fast._cuda: the CUDA kernels, built when CMake finds a CUDA compiler. Compiled by the
// host compiler; the kernels live in csrc/cuda/*.cu.
//
// Two entries per kernel: the host-array one (same signature as tsad_fast._core's, copies in
// and out), and `<kernel>_device`, which takes device pointers (integers, from the CUDA Array
// Interface of the caller's arrays), sizes and a CUDA stream handle. tsad_fast/kernels/_device.py
// validates the arrays on the device and allocates the outputs in the caller's library before
// calling it; the checks here only keep the kernels inside their arrays.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstddef>
#include <cstdint>

#include "../cuda/kmeans_cuda.hpp"
#include "../cuda/mv_mtf_cuda.hpp"
#include "../cuda/nearest_cuda.hpp"
#include "../cuda/probe.hpp"
#include "../cuda/vus_cuda.hpp"
#include "checks.hpp"
#include "kmeans_binding.hpp"
#include "mv_mtf_binding.hpp"
#include "nearest_binding.hpp"
#include "vus_binding.hpp"

namespace py = pybind11;

namespace {

template <class T>
T* device_ptr(std::uintptr_t address) {
  return reinterpret_cast<T*>(address);
}

cudaStream_t stream_of(std::uintptr_t handle) { return reinterpret_cast<cudaStream_t>(handle); }

void check_sizes(std::size_t k, std::size_t d, const char* who) {
  if (k < 1 || d < 1) throw py::value_error(std::string(who) + ": needs k >= 1 centers and d >= 1");
}

void def_device_entries(py::module_& m) {
  m.def(
      "nearest_center_device",
      [](std::uintptr_t Q, std::size_t n, std::uintptr_t C, std::size_t k, std::size_t d,
         std::uintptr_t distances, std::uintptr_t indices, std::uintptr_t stream) {
        check_sizes(k, d, "nearest_center_device");
        py::gil_scoped_release release;
        tsad_fast::cuda::nearest_center_device(device_ptr<const double>(Q), n,
                                               device_ptr<const double>(C), k, d,
                                               device_ptr<double>(distances),
                                               device_ptr<std::int64_t>(indices), stream_of(stream));
      },
      py::arg("Q"), py::arg("m"), py::arg("C"), py::arg("k"), py::arg("d"), py::arg("distances"),
      py::arg("indices"), py::arg("stream"),
      "Nearest center of device arrays Q (m x d) among C (k x d), float64 row-major; writes "
      "distances (m,) float64 and indices (m,) int64.");
  m.def(
      "kmeans_assign_device",
      [](std::uintptr_t X, std::size_t n, std::uintptr_t C, std::size_t k, std::size_t d,
         std::uintptr_t labels, std::uintptr_t stream) {
        check_sizes(k, d, "kmeans_assign_device");
        py::gil_scoped_release release;
        tsad_fast::cuda::kmeans_assign_device(device_ptr<const double>(X), n,
                                              device_ptr<const double>(C), k, d,
                                              device_ptr<std::int64_t>(labels), stream_of(stream));
      },
      py::arg("X"), py::arg("n"), py::arg("C"), py::arg("k"), py::arg("d"), py::arg("labels"),
      py::arg("stream"),
      "k-means labels of device rows X (n x d) among C (k x d), float64 row-major; writes labels "
      "(n,) int64.");
  m.def(
      "vus_areas_device",
      [](std::uintptr_t score, std::size_t n, const tsad_fast::bind::I64& starts,
         const tsad_fast::bind::I64& ends, std::uintptr_t thresholds, std::int32_t n_thresholds,
         std::int64_t window, std::uintptr_t roc, std::uintptr_t pr, std::uintptr_t stream) {
        if (starts.ndim() != 1 || ends.ndim() != 1 || ends.shape(0) != starts.shape(0))
          throw py::value_error("vus_areas_device: starts and ends must be 1-D of equal length");
        if (n_thresholds < 1) throw py::value_error("vus_areas_device: no thresholds");
        if (window < 0) throw py::value_error("vus_areas_device: window must be >= 0");
        tsad_fast::bind::check_segments(starts.data(), ends.data(), starts.shape(0),
                                        static_cast<std::int64_t>(n), "vus_areas_device");
        py::gil_scoped_release release;
        tsad_fast::cuda::vus_areas_device(device_ptr<const double>(score), n, starts.data(),
                                          ends.data(), static_cast<std::size_t>(starts.shape(0)),
                                          device_ptr<const double>(thresholds), n_thresholds,
                                          window, device_ptr<double>(roc), device_ptr<double>(pr),
                                          stream_of(stream));
      },
      py::arg("score"), py::arg("n"), py::arg("starts").noconvert(), py::arg("ends").noconvert(),
      py::arg("thresholds"), py::arg("n_thresholds"), py::arg("window"), py::arg("roc"),
      py::arg("pr"), py::arg("stream"),
      "VUS areas of a device score (n,) with host segments and device thresholds; writes roc and "
      "pr (window + 1,) on the device.");
}

}  // namespace

PYBIND11_MODULE(_cuda, m) {
  m.doc() = "tsad_fast CUDA kernels";
  m.def("device_count", &tsad_fast::cuda::device_count, "Visible CUDA devices (0 without a driver).");
  m.def("device_name", &tsad_fast::cuda::device_name, py::arg("device") = 0);
  m.def("runtime_version", &tsad_fast::cuda::runtime_version);
  m.def("smoke", &tsad_fast::cuda::smoke, py::arg("y"),
        "Evaluates the shared host+device Grimshaw math on the GPU (see probe.cu).");
  tsad_fast::bind::def_vus_areas<&tsad_fast::cuda::vus_areas>(
      m, "VUS ROC and PR areas per buffer length on the GPU; see tsad_fast/kernels/vus.py.");
  tsad_fast::bind::def_nearest_center<&tsad_fast::cuda::nearest_center>(
      m, "Nearest center on the GPU; see tsad_fast/kernels/nearest.py.");
  tsad_fast::bind::def_kmeans_assign<&tsad_fast::cuda::kmeans_assign>(
      m, "k-means assignment on the GPU, labels equal to the CPU backends; see "
         "tsad_fast/kernels/kmeans.py.");
  tsad_fast::bind::def_mv_mtf<&tsad_fast::cuda::mtf_transitions, &tsad_fast::cuda::mtf_field>(m);
  def_device_entries(m);
}
