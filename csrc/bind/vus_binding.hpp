// The vus_areas binding, shared by tsad_fast._core (C++ kernel) and tsad_fast._cuda (GPU
// kernel): both kernels take host arrays and have the signature of tsad_fast::vus::areas.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstddef>
#include <cstdint>
#include <utility>

#include "checks.hpp"
#include "interrupt.hpp"

namespace tsad_fast {
namespace bind {

// kernel(score, n, starts, ends, n_seg, thresholds, m, window, roc, pr[, stop])
template <auto kernel>
inline void def_vus_areas(pybind11::module_& m, const char* doc) {
  namespace py = pybind11;
  m.def(
      "vus_areas",
      [](const F64& score, const I64& starts, const I64& ends, const F64& thresholds,
         std::int64_t window) {
        if (score.ndim() != 1 || starts.ndim() != 1 || ends.ndim() != 1 || thresholds.ndim() != 1)
          throw py::value_error("vus_areas: arrays must be 1-D");
        if (ends.shape(0) != starts.shape(0))
          throw py::value_error("vus_areas: starts and ends differ in length");
        if (thresholds.shape(0) < 1) throw py::value_error("vus_areas: no thresholds");
        if (window < 0) throw py::value_error("vus_areas: window must be >= 0");
        check_segments(starts.data(), ends.data(), starts.shape(0), score.shape(0), "vus_areas");
        F64 roc(window + 1), pr(window + 1);
        call_released<kernel>(score.data(), static_cast<std::size_t>(score.shape(0)),
                              starts.data(), ends.data(), static_cast<std::size_t>(starts.shape(0)),
                              thresholds.data(), static_cast<std::int32_t>(thresholds.shape(0)),
                              window, roc.mutable_data(), pr.mutable_data());
        return std::make_pair(roc, pr);
      },
      py::arg("score").noconvert(), py::arg("starts").noconvert(), py::arg("ends").noconvert(),
      py::arg("thresholds").noconvert(), py::arg("window"), doc);
}

}  // namespace bind
}  // namespace tsad_fast
