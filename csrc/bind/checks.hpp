// Checks the bindings make before a kernel indexes arrays with caller-provided bounds.
#pragma once

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <string>

namespace tsad_fast {
namespace bind {

// starts/ends inclusive, ascending, disjoint and within [0, n): throws ValueError otherwise.
inline void check_segments(const std::int64_t* starts, const std::int64_t* ends,
                           std::int64_t n_seg, std::int64_t n, const char* who) {
  if (n_seg < 1) throw pybind11::value_error(std::string(who) + ": no segment");
  for (std::int64_t i = 0; i < n_seg; ++i)
    if (starts[i] < 0 || ends[i] < starts[i] || ends[i] >= n || (i > 0 && starts[i] <= ends[i - 1]))
      throw pybind11::value_error(std::string(who) +
                                  ": segments must be ascending, disjoint, within the series");
}

using F64 = pybind11::array_t<double, pybind11::array::c_style>;
using I64 = pybind11::array_t<std::int64_t, pybind11::array::c_style>;

// Points (m, d) and centers (k >= 1, d >= 1) of the nearest-center and k-means kernels.
inline void check_points_and_centers(const F64& X, const F64& C, const char* what) {
  if (X.ndim() != 2 || C.ndim() != 2 || X.shape(1) != C.shape(1) || C.shape(0) < 1 ||
      X.shape(1) < 1)
    throw pybind11::value_error(std::string(what) +
                                ": points (m, d) and centers (k >= 1, d >= 1) must be 2-D with equal d");
}

}  // namespace bind
}  // namespace tsad_fast
