"""Public kernel functions. Each validates its inputs once and dispatches to a backend
(``backend="auto"|"cpp"|"numba"|"numpy"|"cuda"``); see :mod:`tsad_fast._backend`. Importing
this package registers every kernel, so the registry is complete once ``tsad_fast`` is imported.

Each kernel has one module here and the same module and function name at every layer:
``_numpy/<module>.py`` (the reference), ``_numba/<module>.py``,
``csrc/include/tsad_fast/<module>.hpp`` with its binding ``csrc/bind/<module>.cpp``, and
``csrc/cuda/<module>.cu`` where a CUDA version exists.
"""
from tsad_fast.kernels.affiliation import affiliation_sweep
from tsad_fast.kernels.granular import GranularBalls, gb_dm, gb_split, granular_balls
from tsad_fast.kernels.kmeans import kmeans_assign
from tsad_fast.kernels.mv_mtf import MVMTF, mv_mtf
from tsad_fast.kernels.nearest import nearest_center
from tsad_fast.kernels.spot import SpotResult, SpotState, TailFit, spot
from tsad_fast.kernels.vus import vus_areas

__all__ = ["affiliation_sweep", "spot", "SpotResult", "SpotState", "TailFit", "granular_balls",
           "GranularBalls", "gb_dm", "gb_split", "kmeans_assign", "nearest_center", "mv_mtf",
           "MVMTF", "vus_areas"]
