// Binding of the nearest-center kernel (csrc/include/tsad_fast/nearest.hpp).
#include "nearest_binding.hpp"
#include "tsad_fast/nearest.hpp"

void bind_nearest(pybind11::module_& m) {
  tsad_fast::bind::def_nearest_center<&tsad_fast::nearest::nearest_center<double>>(
      m, "Distance to and index of the nearest row of C for each row of Q.");
}
