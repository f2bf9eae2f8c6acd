// Binding of the MV-MTF kernels (csrc/include/tsad_fast/mv_mtf.hpp).
#include "mv_mtf_binding.hpp"
#include "tsad_fast/mv_mtf.hpp"

void bind_mv_mtf(pybind11::module_& m) {
  tsad_fast::bind::def_mv_mtf<&tsad_fast::mv_mtf::transitions, &tsad_fast::mv_mtf::field>(m);
}
