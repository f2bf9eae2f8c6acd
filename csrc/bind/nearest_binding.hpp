// Bindings of the nearest-center search and the k-means assignment step, shared by
// tsad_fast._core (C++ kernels) and tsad_fast._cuda (GPU kernels): both take host arrays with
// the signatures below. Inputs are validated by tsad_fast/kernels/nearest.py and kmeans.py;
// the checks here only keep the kernels inside their arrays.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>

namespace tsad_fast {
namespace bind {

using F64 = pybind11::array_t<double, pybind11::array::c_style>;
using I64 = pybind11::array_t<std::int64_t, pybind11::array::c_style>;

// Q (m x d), C (k x d) row-major -> distances (m,), indices (m,)
using NearestKernel = void (*)(const double*, std::size_t, const double*, std::size_t, std::size_t,
                               double*, std::int64_t*);
// X (n x d), C (k x d) row-major -> labels (n,)
using AssignKernel = void (*)(const double*, std::size_t, const double*, std::size_t, std::size_t,
                              std::int64_t*);

inline void check_points_and_centers(const F64& X, const F64& C, const char* what) {
  if (X.ndim() != 2 || C.ndim() != 2 || X.shape(1) != C.shape(1) || C.shape(0) < 1 ||
      X.shape(1) < 1)
    throw pybind11::value_error(std::string(what) +
                                ": points (m, d) and centers (k >= 1, d >= 1) must be 2-D with equal d");
}

template <NearestKernel kernel>
inline void def_nearest_center(pybind11::module_& m, const char* doc) {
  namespace py = pybind11;
  m.def(
      "nearest_center",
      [](const F64& Q, const F64& C) {
        check_points_and_centers(Q, C, "nearest_center");
        const auto n = static_cast<std::size_t>(Q.shape(0));
        F64 distances(static_cast<py::ssize_t>(n));
        I64 indices(static_cast<py::ssize_t>(n));
        if (n) {
          py::gil_scoped_release release;
          kernel(Q.data(), n, C.data(), static_cast<std::size_t>(C.shape(0)),
                 static_cast<std::size_t>(Q.shape(1)), distances.mutable_data(),
                 indices.mutable_data());
        }
        return std::make_pair(distances, indices);
      },
      py::arg("Q").noconvert(), py::arg("C").noconvert(), doc);
}

template <AssignKernel kernel>
inline void def_kmeans_assign(pybind11::module_& m, const char* doc) {
  namespace py = pybind11;
  m.def(
      "kmeans_assign",
      [](const F64& X, const F64& C) {
        check_points_and_centers(X, C, "kmeans_assign");
        const auto n = static_cast<std::size_t>(X.shape(0));
        I64 labels(static_cast<py::ssize_t>(n));
        if (n) {
          py::gil_scoped_release release;
          kernel(X.data(), n, C.data(), static_cast<std::size_t>(C.shape(0)),
                 static_cast<std::size_t>(X.shape(1)), labels.mutable_data());
        }
        return labels;
      },
      py::arg("X").noconvert(), py::arg("C").noconvert(), doc);
}

}  // namespace bind
}  // namespace tsad_fast
