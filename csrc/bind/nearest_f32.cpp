// Binding of the float32 nearest-center search (csrc/include/tsad_fast/nearest.hpp with
// T = float; kernels/nearest.py, dtype="float32"). Inputs are validated by the Python layer;
// the checks here only keep the kernel inside its arrays.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstddef>
#include <cstdint>
#include <utility>

#include "interrupt.hpp"
#include "tsad_fast/nearest.hpp"

namespace py = pybind11;

void bind_nearest_f32(py::module_& m) {
  using F32 = py::array_t<float, py::array::c_style>;
  m.def(
      "nearest_center_f32",
      [](const F32& Q, const F32& C) {
        if (Q.ndim() != 2 || C.ndim() != 2 || Q.shape(1) != C.shape(1) || C.shape(0) < 1 ||
            Q.shape(1) < 1)
          throw py::value_error("nearest_center_f32: points (m, d) and centers (k >= 1, d >= 1) "
                                "must be 2-D with equal d");
        const auto n = static_cast<std::size_t>(Q.shape(0));
        py::array_t<float> distances(static_cast<py::ssize_t>(n));
        py::array_t<std::int64_t> indices(static_cast<py::ssize_t>(n));
        if (n)
          tsad_fast::bind::call_released<&tsad_fast::nearest::nearest_center<float>>(
              Q.data(), n, C.data(), static_cast<std::size_t>(C.shape(0)),
              static_cast<std::size_t>(Q.shape(1)), distances.mutable_data(),
              indices.mutable_data());
        return std::make_pair(distances, indices);
      },
      py::arg("Q").noconvert(), py::arg("C").noconvert(),
      "Float32 distance to and index of the nearest row of C for each row of Q.");
}
