// tsad_fast._cuda: the CUDA kernels, built when CMake finds a CUDA compiler. Compiled by the
// host compiler; the kernels live in csrc/cuda/*.cu.
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "../cuda/mv_mtf_cuda.hpp"
#include "../cuda/nearest_cuda.hpp"
#include "../cuda/probe.hpp"
#include "../cuda/vus_cuda.hpp"
#include "mv_mtf_binding.hpp"
#include "nearest_binding.hpp"
#include "vus_binding.hpp"

namespace py = pybind11;

PYBIND11_MODULE(_cuda, m) {
  m.doc() = "tsad_fast CUDA kernels";
  m.def("device_count", &tsad_fast::cuda::device_count, "Visible CUDA devices (0 without a driver).");
  m.def("device_name", &tsad_fast::cuda::device_name, py::arg("device") = 0);
  m.def("runtime_version", &tsad_fast::cuda::runtime_version);
  m.def("smoke", &tsad_fast::cuda::smoke, py::arg("y"),
        "Evaluates the shared host+device Grimshaw math on the GPU (see probe.cu).");
  tsad_fast::bind::def_vus_areas<&tsad_fast::cuda::vus_areas>(
      m, "VUS ROC and PR areas per buffer length on the GPU; see tsad_fast/metrics/vus.py.");
  tsad_fast::bind::def_nearest_center<&tsad_fast::cuda::nearest_center>(
      m, "Nearest center on the GPU; see tsad_fast/kernels/nearest.py.");
  tsad_fast::bind::def_kmeans_assign<&tsad_fast::cuda::kmeans_assign>(
      m, "k-means assignment on the GPU, labels equal to the CPU backends; see "
         "tsad_fast/kernels/kmeans.py.");
  tsad_fast::bind::def_mv_mtf<&tsad_fast::cuda::mtf_transitions, &tsad_fast::cuda::mtf_field>(m);
}
