// Binding of the granular-ball construction; inputs validated by tsad_fast/kernels/granular.py.
// Compiled with -ffp-contract=off (CMakeLists.txt): results must equal the NumPy reference bit
// for bit, so no multiply-add may be fused.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>

#include "interrupt.hpp"
#include "tsad_fast/granular.hpp"

namespace py = pybind11;

namespace {

namespace granular = tsad_fast::granular;

void build_into(const double* Z, std::size_t n, std::size_t d, const granular::Params* prm,
                double coarse_tol, granular::Result* out, tsad_fast::Stop& stop) {
  *out = granular::build(Z, n, d, *prm, coarse_tol, stop);
}

py::tuple granular_balls(const py::array_t<double, py::array::c_style>& Z, std::int64_t min_support,
                         double prune_kappa, std::uint64_t seed, double coarse_tol,
                         const std::string& rule, std::int64_t split_size, double radius_factor) {
  if (Z.ndim() != 2 || Z.shape(0) < 1 || Z.shape(1) < 1)
    throw py::value_error("granular_balls: Z must be a non-empty 2-D array");
  if (min_support < 1) throw py::value_error("granular_balls: min_support must be >= 1");
  if (split_size < 2) throw py::value_error("granular_balls: split_size must be >= 2");
  if (rule != "dm" && rule != "density")
    throw py::value_error("granular_balls: rule must be 'dm' or 'density'");
  const auto n = static_cast<std::size_t>(Z.shape(0)), d = static_cast<std::size_t>(Z.shape(1));
  granular::Params prm;
  prm.rule = rule == "dm" ? granular::Rule::dm : granular::Rule::density;
  prm.min_support = static_cast<std::size_t>(min_support);
  prm.split_size = static_cast<std::size_t>(split_size);
  prm.prune_kappa = prune_kappa;
  prm.radius_factor = radius_factor;
  prm.seed = seed;
  granular::Result r;
  tsad_fast::bind::call_released<&build_into>(Z.data(), n, d, &prm, coarse_tol, &r);
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
        py::arg("rule") = "dm", py::arg("split_size") = 20, py::arg("radius_factor") = 2.0,
        "Granular balls of Z; see tsad_fast/kernels/granular.py.");
}
