// Binding of the k-means assignment step (csrc/include/tsad_fast/kmeans.hpp). Compiled with
// -ffp-contract=off (CMakeLists.txt): the labels must equal the NumPy reference bit for bit.
#include "kmeans_binding.hpp"
#include "tsad_fast/kmeans.hpp"

void bind_kmeans(pybind11::module_& m) {
  tsad_fast::bind::def_kmeans_assign<&tsad_fast::kmeans::assign>(
      m, "Nearest center of each row of X (canonical squared distances, ties to the lowest index).");
}
