// Bindings of the MV-MTF kernels, shared by tsad_fast._core (C++) and tsad_fast._cuda (GPU):
// both take host arrays with the signatures below. Inputs are validated by
// tsad_fast/kernels/mv_mtf.py; the checks here keep every bin index inside W.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

namespace tsad_fast {
namespace bind {

// B (n x c) int32, n, c, q, W out (c x c x q x q)
using MtfTransitions = void (*)(const std::int32_t*, std::size_t, std::size_t, std::size_t, double*);
// B, n, c, W, q, weights (c x c), alpha, scale, F out (n x c)
using MtfField = void (*)(const std::int32_t*, std::size_t, std::size_t, const double*, std::size_t,
                          const double*, double, double, double*);

inline void check_bins(const pybind11::array_t<std::int32_t, pybind11::array::c_style>& B,
                       std::size_t q, const char* what) {
  if (B.ndim() != 2 || B.shape(0) < 1 || B.shape(1) < 1)
    throw pybind11::value_error(std::string(what) + ": B must be a non-empty 2-D array");
  const std::int32_t* b = B.data();
  for (pybind11::ssize_t i = 0; i < B.size(); ++i)
    if (b[i] < 0 || static_cast<std::size_t>(b[i]) >= q)
      throw pybind11::value_error(std::string(what) + ": a bin index lies outside [0, q)");
}

template <MtfTransitions transitions, MtfField field>
inline void def_mv_mtf(pybind11::module_& m) {
  namespace py = pybind11;
  using F64 = py::array_t<double, py::array::c_style>;
  using I32 = py::array_t<std::int32_t, py::array::c_style>;
  m.def(
      "mtf_transitions",
      [](const I32& B, const I32& n_bins) {
        if (n_bins.ndim() != 1 || B.ndim() != 2 || n_bins.shape(0) != B.shape(1))
          throw py::value_error("mtf_transitions: n_bins must hold one count per column of B");
        std::size_t q = 1;
        for (py::ssize_t u = 0; u < n_bins.shape(0); ++u)
          q = std::max<std::size_t>(q, static_cast<std::size_t>(std::max(n_bins.data()[u], 1)));
        check_bins(B, q, "mtf_transitions");
        const auto n = static_cast<std::size_t>(B.shape(0)), c = static_cast<std::size_t>(B.shape(1));
        F64 W({static_cast<py::ssize_t>(c), static_cast<py::ssize_t>(c),
               static_cast<py::ssize_t>(q), static_cast<py::ssize_t>(q)});
        {
          py::gil_scoped_release release;
          transitions(B.data(), n, c, q, W.mutable_data());
        }
        return W;
      },
      py::arg("B").noconvert(), py::arg("n_bins").noconvert(),
      "MV-MTF transition matrices W (c, c, q, q) of bins B (n, c).");
  m.def(
      "mtf_field",
      [](const I32& B, const F64& W, const F64& weights, double alpha, double scale) {
        if (W.ndim() != 4 || B.ndim() != 2 || W.shape(0) != B.shape(1) ||
            W.shape(1) != B.shape(1) || W.shape(2) != W.shape(3) || W.shape(2) < 1 ||
            weights.ndim() != 2 || weights.shape(0) != B.shape(1) ||
            weights.shape(1) != B.shape(1))
          throw py::value_error("mtf_field: W must be (c, c, q, q) and weights (c, c) for B (n, c)");
        const auto q = static_cast<std::size_t>(W.shape(2));
        check_bins(B, q, "mtf_field");
        const auto n = static_cast<std::size_t>(B.shape(0)), c = static_cast<std::size_t>(B.shape(1));
        F64 F({static_cast<py::ssize_t>(n), static_cast<py::ssize_t>(c)});
        {
          py::gil_scoped_release release;
          field(B.data(), n, c, W.data(), q, weights.data(), alpha, scale, F.mutable_data());
        }
        return F;
      },
      py::arg("B").noconvert(), py::arg("W").noconvert(), py::arg("weights").noconvert(),
      py::arg("alpha"), py::arg("scale"), "MV-MTF field F (n, c) of bins B with transitions W.");
}

}  // namespace bind
}  // namespace tsad_fast
