// Binding of the float32 nearest-center step (csrc/include/tsad_fast/nearest_block.hpp).
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>

#include "tsad_fast/nearest_block.hpp"

namespace py = pybind11;

void bind_nearest_block(py::module_& m) {
  using F32 = py::array_t<float, py::array::c_style>;
  m.def(
      "nearest_in_block",
      [](const F32& inner, const F32& q_norms, const F32& c_norms) {
        if (inner.ndim() != 2 || q_norms.ndim() != 1 || c_norms.ndim() != 1 ||
            q_norms.shape(0) != inner.shape(0) || c_norms.shape(0) != inner.shape(1) ||
            inner.shape(1) < 1)
          throw py::value_error("nearest_in_block: inner must be (b, k >= 1) with q_norms (b,) "
                                "and c_norms (k,)");
        const auto b = static_cast<std::size_t>(inner.shape(0));
        const auto k = static_cast<std::size_t>(inner.shape(1));
        py::array_t<float> d2(inner.shape(0));
        py::array_t<std::int64_t> indices(inner.shape(0));
        {
          py::gil_scoped_release release;
          tsad_fast::nearest::nearest_in_block(inner.data(), b, k, q_norms.data(), c_norms.data(),
                                               d2.mutable_data(), indices.mutable_data());
        }
        return py::make_tuple(d2, indices);
      },
      py::arg("inner").noconvert(), py::arg("q_norms").noconvert(), py::arg("c_norms").noconvert(),
      "Float32 squared distances (b,) and first-minimum indices (b,) from inner products (b, k) "
      "and squared norms.");
}
