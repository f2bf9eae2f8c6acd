// Bindings of the VUS kernel; inputs validated and made contiguous by tsad_fast/metrics/vus.py.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <utility>

#include "checks.hpp"
#include "tsad_fast/vus.hpp"

namespace py = pybind11;

namespace {

using F64 = py::array_t<double, py::array::c_style>;
using I64 = py::array_t<std::int64_t, py::array::c_style>;

std::pair<F64, F64> vus_areas(const F64& score, const I64& starts, const I64& ends,
                              const F64& thresholds, std::int64_t window) {
  const std::int64_t n = score.shape(0);
  const std::int64_t n_seg = starts.shape(0);
  if (score.ndim() != 1 || starts.ndim() != 1 || ends.ndim() != 1 || thresholds.ndim() != 1)
    throw py::value_error("vus_areas: arrays must be 1-D");
  if (ends.shape(0) != n_seg) throw py::value_error("vus_areas: starts and ends differ in length");
  if (thresholds.shape(0) < 1) throw py::value_error("vus_areas: no thresholds");
  if (window < 0) throw py::value_error("vus_areas: window must be >= 0");
  const std::int64_t* s = starts.data();
  const std::int64_t* e = ends.data();
  tsad_fast::bind::check_segments(s, e, n_seg, n, "vus_areas");
  F64 roc(window + 1), pr(window + 1);
  {
    py::gil_scoped_release release;
    tsad_fast::vus::areas(score.data(), static_cast<std::size_t>(n), s, e,
                          static_cast<std::size_t>(n_seg), thresholds.data(),
                          static_cast<std::int32_t>(thresholds.shape(0)), window,
                          roc.mutable_data(), pr.mutable_data());
  }
  return {roc, pr};
}

}  // namespace

void bind_vus(py::module_& m) {
  m.def("vus_areas", &vus_areas, py::arg("score").noconvert(), py::arg("starts").noconvert(),
        py::arg("ends").noconvert(), py::arg("thresholds").noconvert(), py::arg("window"),
        "ROC and PR areas per buffer length 0..window; see tsad_fast/metrics/vus.py.");
}
