// Binding of the granular-ball construction; inputs validated by tsad_fast/kernels/granular.py.
// Compiled with -ffp-contract=off (CMakeLists.txt): results must equal the NumPy reference bit
// for bit, so no multiply-add may be fused.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>

#include "interrupt.hpp"
#include "tsad_fast/granular.hpp"

namespace py = pybind11;

namespace {

void build_into(const double* Z, std::size_t n, std::size_t d, std::size_t min_support,
                double prune_kappa, std::uint64_t seed, double coarse_tol,
                tsad_fast::granular::Result* out, tsad_fast::Stop& stop) {
  *out = tsad_fast::granular::build(Z, n, d, min_support, prune_kappa, seed, coarse_tol, stop);
}

py::tuple granular_balls(const py::array_t<double, py::array::c_style>& Z, std::int64_t min_support,
                         double prune_kappa, std::uint64_t seed, double coarse_tol) {
  if (Z.ndim() != 2 || Z.shape(0) < 1 || Z.shape(1) < 1)
    throw py::value_error("granular_balls: Z must be a non-empty 2-D array");
  if (min_support < 1) throw py::value_error("granular_balls: min_support must be >= 1");
  const auto n = static_cast<std::size_t>(Z.shape(0)), d = static_cast<std::size_t>(Z.shape(1));
  tsad_fast::granular::Result r;
  tsad_fast::bind::call_released<&build_into>(Z.data(), n, d, static_cast<std::size_t>(min_support),
                                              prune_kappa, seed, coarse_tol, &r);
  const auto m = static_cast<py::ssize_t>(r.sizes.size());
  py::array_t<double> centers({m, static_cast<py::ssize_t>(d)});
  std::copy(r.centers.begin(), r.centers.end(), centers.mutable_data());
  py::array_t<double> radii(m);
  std::copy(r.radii.begin(), r.radii.end(), radii.mutable_data());
  py::array_t<std::int64_t> sizes(m), labels(static_cast<py::ssize_t>(n));
  std::copy(r.sizes.begin(), r.sizes.end(), sizes.mutable_data());
  std::copy(r.labels.begin(), r.labels.end(), labels.mutable_data());
  return py::make_tuple(centers, radii, sizes, labels, r.n_before);
}

}  // namespace

void bind_granular(py::module_& m) {
  m.def("granular_balls", &granular_balls, py::arg("Z").noconvert(), py::arg("min_support"),
        py::arg("prune_kappa"), py::arg("seed"), py::arg("coarse_tol") = 0.0,
        "Granular balls of Z; see tsad_fast/kernels/granular.py.");
}
