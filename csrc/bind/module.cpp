// tsad_fast._core: the compiled CPU kernels. One bind_* function per kernel family.
#include <pybind11/pybind11.h>

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace py = pybind11;

void bind_spot(py::module_& m);
void bind_vus(py::module_& m);
void bind_affiliation(py::module_& m);
void bind_granular(py::module_& m);
void bind_kmeans(py::module_& m);
void bind_nearest(py::module_& m);
void bind_nearest_f32(py::module_& m);
void bind_mv_mtf(py::module_& m);

PYBIND11_MODULE(_core, m) {
  m.doc() = "tsad_fast compiled CPU kernels (C++17, pybind11)";
  m.def(
      "openmp_threads",
      []() {
#if defined(_OPENMP)
        return omp_get_max_threads();
#else
        return 1;
#endif
      },
      "Threads an OpenMP region would use (1 when built without OpenMP).");
#if defined(_OPENMP)
  m.attr("openmp") = true;
#else
  m.attr("openmp") = false;
#endif
  m.attr("compiler") = py::str(
#if defined(__clang__)
      "clang " __clang_version__
#elif defined(__GNUC__)
      "gcc " __VERSION__
#else
      "unknown"
#endif
  );
  bind_spot(m);
  bind_vus(m);
  bind_affiliation(m);
  bind_granular(m);
  bind_kmeans(m);
  bind_nearest(m);
  bind_nearest_f32(m);
  bind_mv_mtf(m);
}
