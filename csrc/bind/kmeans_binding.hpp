// Binding of the k-means assignment step on host arrays, shared by tsad_fast._core (C++
// kernel) and tsad_fast._cuda (GPU kernel): both have the signature below. Inputs are
// validated by tsad_fast/kernels/kmeans.py; the checks here only keep the kernels inside their
// arrays.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstddef>
#include <cstdint>

#include "checks.hpp"
#include "interrupt.hpp"

namespace tsad_fast {
namespace bind {

// kernel(X, n, C, k, d, labels[, stop]): X (n x d), C (k x d) row-major -> labels (n,)
template <auto kernel>
inline void def_kmeans_assign(pybind11::module_& m, const char* doc) {
  namespace py = pybind11;
  m.def(
      "kmeans_assign",
      [](const F64& X, const F64& C) {
        check_points_and_centers(X, C, "kmeans_assign");
        const auto n = static_cast<std::size_t>(X.shape(0));
        I64 labels(static_cast<py::ssize_t>(n));
        if (n)
          call_released<kernel>(X.data(), n, C.data(), static_cast<std::size_t>(C.shape(0)),
                                static_cast<std::size_t>(X.shape(1)), labels.mutable_data());
        return labels;
      },
      py::arg("X").noconvert(), py::arg("C").noconvert(), doc);
}

}  // namespace bind
}  // namespace tsad_fast
