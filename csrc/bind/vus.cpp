// Binding of the C++ VUS kernel; inputs validated and made contiguous by tsad_fast/metrics/vus.py.
#include <pybind11/pybind11.h>

#include "tsad_fast/vus.hpp"
#include "vus_binding.hpp"

void bind_vus(pybind11::module_& m) {
  tsad_fast::bind::def_vus_areas<&tsad_fast::vus::areas>(
      m, "ROC and PR areas per buffer length 0..window; see tsad_fast/metrics/vus.py.");
}
