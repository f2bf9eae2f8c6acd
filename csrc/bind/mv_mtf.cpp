// Binding of the MV-MTF kernels (csrc/include/tsad_fast/mv_mtf.hpp).
#include "mv_mtf_binding.hpp"
#include "tsad_fast/mv_mtf.hpp"

namespace {

namespace py = pybind11;
using F64 = py::array_t<double, py::array::c_style>;

py::tuple quantiles(const F64& X, const F64& fractions) {
  if (X.ndim() != 2 || X.shape(0) < 1 || X.shape(1) < 1 || fractions.ndim() != 1)
    throw py::value_error("mtf_quantiles: X must be a non-empty 2-D array, fractions 1-D");
  const double* f = fractions.data();
  for (py::ssize_t l = 0; l < fractions.shape(0); ++l)
    if (!(f[l] >= 0.0 && f[l] <= 1.0) || (l > 0 && f[l] < f[l - 1]))
      throw py::value_error("mtf_quantiles: fractions must increase within [0, 1]");
  const auto n = static_cast<std::size_t>(X.shape(0)), c = static_cast<std::size_t>(X.shape(1));
  const auto L = static_cast<std::size_t>(fractions.shape(0));
  F64 Q({static_cast<py::ssize_t>(L), static_cast<py::ssize_t>(c)});
  py::array_t<std::int64_t> at_most({static_cast<py::ssize_t>(L), static_cast<py::ssize_t>(c)});
  {
    py::gil_scoped_release release;
    tsad_fast::mv_mtf::quantiles(X.data(), n, c, f, L, Q.mutable_data(), at_most.mutable_data());
  }
  return py::make_tuple(Q, at_most);
}

py::array_t<std::int32_t> digitize(const F64& X, const F64& E) {
  if (X.ndim() != 2 || E.ndim() != 2 || E.shape(0) != X.shape(1))
    throw py::value_error("mtf_digitize: E must be (c, m) for X (n, c)");
  const auto n = static_cast<std::size_t>(X.shape(0)), c = static_cast<std::size_t>(X.shape(1));
  py::array_t<std::int32_t> B({X.shape(0), X.shape(1)});
  {
    py::gil_scoped_release release;
    tsad_fast::mv_mtf::digitize(X.data(), n, c, E.data(), static_cast<std::size_t>(E.shape(1)),
                                B.mutable_data());
  }
  return B;
}

}  // namespace

void bind_mv_mtf(pybind11::module_& m) {
  tsad_fast::bind::def_mv_mtf<&tsad_fast::mv_mtf::transitions, &tsad_fast::mv_mtf::field>(m);
  m.def("mtf_quantiles", &quantiles, py::arg("X").noconvert(), py::arg("fractions").noconvert(),
        "Quantiles Q (L, c) of X (n, c) at increasing fractions (L,), NumPy's linear method, "
        "and at_most (L, c): the values <= each.");
  m.def("mtf_digitize", &digitize, py::arg("X").noconvert(), py::arg("E").noconvert(),
        "Bins B (n, c) int32: the number of edges E[u] (c, m) below X[t, u].");
}
