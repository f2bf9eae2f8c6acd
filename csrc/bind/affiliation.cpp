// Bindings of the affiliation kernel; inputs validated by tsad_fast/metrics/affiliation.py.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <cstdint>
#include <utility>
#include <vector>

#include "checks.hpp"
#include "interrupt.hpp"
#include "tsad_fast/affiliation.hpp"

namespace py = pybind11;

namespace {

using F64 = py::array_t<double, py::array::c_style>;
using I64 = py::array_t<std::int64_t, py::array::c_style>;

std::pair<F64, F64> affiliation_sweep(const F64& score, const I64& gt_starts, const I64& gt_stops,
                                      const F64& thresholds) {
  if (score.ndim() != 1 || gt_starts.ndim() != 1 || gt_stops.ndim() != 1 || thresholds.ndim() != 1)
    throw py::value_error("affiliation_sweep: arrays must be 1-D");
  const std::int64_t n = score.shape(0), n_gt = gt_starts.shape(0);
  if (gt_stops.shape(0) != n_gt)
    throw py::value_error("affiliation_sweep: starts and stops differ in length");
  const std::int64_t* s = gt_starts.data();
  const std::int64_t* e = gt_stops.data();
  for (std::int64_t i = 0; i < n_gt; ++i)  // half-open events: the same checks on [s, e - 1]
    if (e[i] <= s[i]) throw py::value_error("affiliation_sweep: empty event");
  std::vector<std::int64_t> last(e, e + n_gt);
  for (auto& v : last) --v;
  tsad_fast::bind::check_segments(s, last.data(), n_gt, n, "affiliation_sweep");
  const auto m = static_cast<std::size_t>(thresholds.shape(0));
  F64 precision(m), recall(m);
  tsad_fast::bind::call_released<&tsad_fast::affiliation::sweep>(
      score.data(), static_cast<std::size_t>(n), s, e, static_cast<std::size_t>(n_gt),
      thresholds.data(), m, precision.mutable_data(), recall.mutable_data());
  return {precision, recall};
}

}  // namespace

void bind_affiliation(py::module_& m) {
  m.def("affiliation_sweep", &affiliation_sweep, py::arg("score").noconvert(),
        py::arg("gt_starts").noconvert(), py::arg("gt_stops").noconvert(),
        py::arg("thresholds").noconvert(),
        "Affiliation precision and recall of score > thresholds[k]; see metrics/affiliation.py.");
}
