"""Public kernel functions. Each validates its inputs once and dispatches to a backend
(``backend="auto"|"cpp"|"numba"|"numpy"|"cuda"``); see :mod:`tsad_fast._backend`."""
from tsad_fast.kernels.granular import GranularBalls, gb_dm, gb_split, granular_balls
from tsad_fast.kernels.kmeans import kmeans_assign
from tsad_fast.kernels.mv_mtf import MVMTF, mv_mtf
from tsad_fast.kernels.nearest import nearest_center
from tsad_fast.kernels.spot import SpotResult, TailFit, spot

__all__ = ["spot", "SpotResult", "TailFit", "granular_balls", "GranularBalls", "gb_dm",
           "gb_split", "kmeans_assign", "nearest_center", "mv_mtf", "MVMTF"]
