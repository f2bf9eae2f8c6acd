// Bindings of the SPOT streaming kernel. The Python layer validates and passes contiguous
// float64 arrays; noconvert() makes any other dtype a TypeError instead of a silent copy.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>

#include <algorithm>
#include <cstdint>

#include "interrupt.hpp"
#include "tsad_fast/spot.hpp"

namespace py = pybind11;
using tsad_fast::spot::TailSummary;

namespace {

using CArray = py::array_t<double, py::array::c_style>;

py::dict summary_dict(const TailSummary& s) {
  py::dict d;
  d["init_threshold"] = s.init_threshold;
  d["initial_quantile"] = s.initial_quantile;
  d["quantile"] = s.quantile;
  d["gamma"] = s.gamma;
  d["sigma"] = s.sigma;
  d["n_peaks"] = s.n_peaks;
  return d;
}

tsad_fast::spot::Options options(double q, int n_points, bool with_alarm, bool compat) {
  if (n_points < 1) throw py::value_error("n_points must be >= 1");
  tsad_fast::spot::Options opt;
  opt.q = q;
  opt.n_points = n_points;
  opt.with_alarm = with_alarm;
  opt.compat = compat;
  return opt;
}

py::dict spot_stream(const CArray& base, double t_upper, double t_lower, bool two_sided,
                     const CArray& window, const CArray& x, double q, int n_points,
                     bool with_alarm, bool compat) {
  if (base.ndim() != 1 || window.ndim() != 1 || x.ndim() != 1)
    throw py::value_error("spot_stream: base, window and x must be 1-D");
  const tsad_fast::spot::Options opt = options(q, n_points, with_alarm, compat);
  const auto n = static_cast<std::size_t>(x.shape(0));
  CArray upper(n), lower(two_sided ? n : 0);
  py::array_t<std::uint8_t> alarm(n);
  TailSummary su, sl;
  tsad_fast::bind::call_released<&tsad_fast::spot::run_stream>(
      base.data(), static_cast<std::size_t>(base.shape(0)), t_upper, t_lower, two_sided,
      window.data(), static_cast<std::size_t>(window.shape(0)), x.data(), n, opt,
      upper.mutable_data(), two_sided ? lower.mutable_data() : nullptr, alarm.mutable_data(), &su,
      &sl);
  py::dict out;
  out["upper"] = upper;
  out["lower"] = two_sided ? py::object(lower) : py::none();
  out["alarm"] = alarm;
  out["upper_summary"] = summary_dict(su);
  out["lower_summary"] = two_sided ? py::object(summary_dict(sl)) : py::none();
  return out;
}

py::array_t<double> to_array(const std::vector<double>& values) {
  py::array_t<double> out(values.size());
  std::copy(values.begin(), values.end(), out.mutable_data());
  return out;
}

py::dict spot_resume(double t_upper, double t_lower, bool two_sided, const CArray& peaks_upper,
                     const CArray& peaks_lower, const CArray& fit, const CArray& window,
                     std::int64_t num, const CArray& x, double q, int n_points, bool with_alarm,
                     bool compat) {
  if (peaks_upper.ndim() != 1 || peaks_lower.ndim() != 1 || window.ndim() != 1 ||
      x.ndim() != 1)
    throw py::value_error("spot_resume: peaks, window and x must be 1-D");
  if (fit.size() != (two_sided ? 8 : 4))
    throw py::value_error("spot_resume: fit must hold 4 values per tail");
  const tsad_fast::spot::Options opt = options(q, n_points, with_alarm, compat);
  const auto n = static_cast<std::size_t>(x.shape(0));
  CArray upper(n), lower(two_sided ? n : 0);
  py::array_t<std::uint8_t> alarm(n);
  tsad_fast::spot::Resumed state;
  tsad_fast::bind::call_released<&tsad_fast::spot::resume_stream>(
      t_upper, t_lower, two_sided, peaks_upper.data(),
      static_cast<std::size_t>(peaks_upper.shape(0)), peaks_lower.data(),
      static_cast<std::size_t>(peaks_lower.shape(0)), fit.data(), window.data(),
      static_cast<std::size_t>(window.shape(0)), num, x.data(), n, opt, upper.mutable_data(),
      two_sided ? lower.mutable_data() : nullptr, alarm.mutable_data(), &state);
  py::dict out;
  out["upper"] = upper;
  out["lower"] = two_sided ? py::object(lower) : py::none();
  out["alarm"] = alarm;
  out["peaks_upper"] = to_array(state.peaks_upper);
  out["peaks_lower"] = to_array(state.peaks_lower);
  out["window"] = to_array(state.ring);
  out["num"] = state.num;
  out["upper_summary"] = summary_dict(state.upper);
  out["lower_summary"] = two_sided ? py::object(summary_dict(state.lower)) : py::none();
  return out;
}

}  // namespace

void bind_spot(py::module_& m) {
  m.def("spot_stream", &spot_stream, py::arg("base").noconvert(), py::arg("t_upper"),
        py::arg("t_lower"), py::arg("two_sided"), py::arg("window").noconvert(),
        py::arg("x").noconvert(), py::arg("q"), py::arg("n_points"), py::arg("with_alarm"),
        py::arg("compat"),
        "Streaming SPOT over x after calibration on base; see tsad_fast/kernels/spot.py.");
  m.def("spot_resume", &spot_resume, py::arg("t_upper"), py::arg("t_lower"),
        py::arg("two_sided"), py::arg("peaks_upper").noconvert(),
        py::arg("peaks_lower").noconvert(), py::arg("fit").noconvert(),
        py::arg("window").noconvert(), py::arg("num"), py::arg("x").noconvert(), py::arg("q"),
        py::arg("n_points"), py::arg("with_alarm"), py::arg("compat"),
        "SPOT continued over x from a stream's state; see tsad_fast/kernels/spot.py.");
}
