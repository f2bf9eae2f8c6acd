// tsad_fast._cuda: the CUDA kernels, built when CMake finds a CUDA compiler. Compiled by the
// host compiler; the kernels live in csrc/cuda/*.cu.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cstdint>
#include <utility>

#include "../cuda/probe.hpp"
#include "../cuda/vus_cuda.hpp"
#include "checks.hpp"

namespace py = pybind11;

namespace {

using F64 = py::array_t<double, py::array::c_style>;
using I64 = py::array_t<std::int64_t, py::array::c_style>;

std::pair<F64, F64> vus_areas(const F64& score, const I64& starts, const I64& ends,
                              const F64& thresholds, std::int64_t window) {
  if (score.ndim() != 1 || starts.ndim() != 1 || ends.ndim() != 1 || thresholds.ndim() != 1)
    throw py::value_error("vus_areas: arrays must be 1-D");
  if (ends.shape(0) != starts.shape(0)) throw py::value_error("vus_areas: starts and ends differ");
  if (thresholds.shape(0) < 1 || window < 0) throw py::value_error("vus_areas: bad thresholds or window");
  tsad_fast::bind::check_segments(starts.data(), ends.data(), starts.shape(0), score.shape(0),
                                  "vus_areas");
  F64 roc(window + 1), pr(window + 1);
  {
    py::gil_scoped_release release;
    tsad_fast::cuda::vus_areas(score.data(), static_cast<std::size_t>(score.shape(0)),
                               starts.data(), ends.data(), static_cast<std::size_t>(starts.shape(0)),
                               thresholds.data(), static_cast<std::int32_t>(thresholds.shape(0)),
                               window, roc.mutable_data(), pr.mutable_data());
  }
  return {roc, pr};
}

}  // namespace

PYBIND11_MODULE(_cuda, m) {
  m.doc() = "tsad_fast CUDA kernels";
  m.def("device_count", &tsad_fast::cuda::device_count, "Visible CUDA devices (0 without a driver).");
  m.def("device_name", &tsad_fast::cuda::device_name, py::arg("device") = 0);
  m.def("runtime_version", &tsad_fast::cuda::runtime_version);
  m.def("smoke", &tsad_fast::cuda::smoke, py::arg("y"),
        "Evaluates the shared host+device Grimshaw math on the GPU (see probe.cu).");
  m.def("vus_areas", &vus_areas, py::arg("score").noconvert(), py::arg("starts").noconvert(),
        py::arg("ends").noconvert(), py::arg("thresholds").noconvert(), py::arg("window"),
        "VUS ROC and PR areas per buffer length on the GPU; see tsad_fast/metrics/vus.py.");
}
