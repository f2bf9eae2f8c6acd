// Binding of the nearest-center kernel; inputs validated by tsad_fast/kernels/nearest.py.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <utility>

#include "tsad_fast/nearest.hpp"

namespace py = pybind11;

namespace {

using F64 = py::array_t<double, py::array::c_style>;

std::pair<F64, py::array_t<std::int64_t>> nearest_center(const F64& Q, const F64& C) {
  if (Q.ndim() != 2 || C.ndim() != 2 || Q.shape(1) != C.shape(1) || C.shape(0) < 1)
    throw py::value_error("nearest_center: Q (m, d) and C (k >= 1, d) must be 2-D with equal d");
  const auto m = static_cast<std::size_t>(Q.shape(0));
  F64 distances(static_cast<py::ssize_t>(m));
  py::array_t<std::int64_t> indices(static_cast<py::ssize_t>(m));
  {
    py::gil_scoped_release release;
    tsad_fast::nearest::nearest_center(Q.data(), m, C.data(), static_cast<std::size_t>(C.shape(0)),
                                       static_cast<std::size_t>(Q.shape(1)),
                                       distances.mutable_data(), indices.mutable_data());
  }
  return {distances, indices};
}

}  // namespace

void bind_nearest(py::module_& m) {
  m.def("nearest_center", &nearest_center, py::arg("Q").noconvert(), py::arg("C").noconvert(),
        "Distance to and index of the nearest row of C for each row of Q.");
}
