// Binding of the k-means assignment step (csrc/include/tsad_fast/kmeans.hpp). Compiled with
// -ffp-contract=off (CMakeLists.txt): the labels must equal the NumPy reference bit for bit.
#include "kmeans_binding.hpp"
#include "tsad_fast/kmeans.hpp"

void bind_kmeans(pybind11::module_& m) {
  namespace py = pybind11;
  tsad_fast::bind::def_kmeans_assign<&tsad_fast::kmeans::assign>(
      m, "Nearest center of each row of X (canonical squared distances, ties to the lowest index).");
  m.def(
      "shift_tolerance",
      [](const py::array_t<double, py::array::c_style>& X, double tol) {
        if (X.ndim() != 2 || X.shape(0) < 1 || X.shape(1) < 1)
          throw py::value_error("shift_tolerance: X must be a non-empty 2-D array");
        py::gil_scoped_release release;
        return tsad_fast::kmeans::shift_tolerance(X.data(), static_cast<std::size_t>(X.shape(0)),
                                                  static_cast<std::size_t>(X.shape(1)), tol);
      },
      py::arg("X").noconvert(), py::arg("tol"),
      "scikit-learn's absolute shift tolerance of X (sums in index order).");
}
