// Binding of the nearest-center search on host arrays, shared by tsad_fast._core (C++ kernel)
// and tsad_fast._cuda (GPU kernel): both have the signature below. Inputs are validated by
// tsad_fast/kernels/nearest.py; the checks here only keep the kernels inside their arrays.
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

// kernel(Q, m, C, k, d, distances, indices[, stop]): Q (m x d), C (k x d) row-major ->
// distances (m,), indices (m,)
template <auto kernel>
inline void def_nearest_center(pybind11::module_& m, const char* doc) {
  namespace py = pybind11;
  m.def(
      "nearest_center",
      [](const F64& Q, const F64& C) {
        check_points_and_centers(Q, C, "nearest_center");
        const auto n = static_cast<std::size_t>(Q.shape(0));
        F64 distances(static_cast<py::ssize_t>(n));
        I64 indices(static_cast<py::ssize_t>(n));
        if (n)
          call_released<kernel>(Q.data(), n, C.data(), static_cast<std::size_t>(C.shape(0)),
                                static_cast<std::size_t>(Q.shape(1)), distances.mutable_data(),
                                indices.mutable_data());
        return std::make_pair(distances, indices);
      },
      py::arg("Q").noconvert(), py::arg("C").noconvert(), doc);
}

}  // namespace bind
}  // namespace tsad_fast
