"""VUS-ROC and VUS-PR (Paparrizos et al., VLDB 2022) exactly as TSB-AD 1.5 computes them.

Volume under the ROC / PR surfaces over buffer lengths w = 0..sliding_window and
``n_thresholds`` thresholds ``sort(score)[::-1][linspace(0, n-1, n_thresholds).astype(int)]``
(a point is predicted when ``score >= threshold``). The areas per buffer length come from the
``vus_areas`` kernel (:mod:`tsad_fast.kernels.vus`; backends cpp, cuda, numba, numpy); this
module averages them.
"""
from __future__ import annotations

from typing import Any, Tuple

import numpy as np

from tsad_fast._backend import is_gpu_array
from tsad_fast.kernels import device
from tsad_fast.kernels.vus import checked_vus_areas, vus_areas


def vus_curves(labels, score, sliding_window: int = 100, n_thresholds: int = 250,
               backend: str = "auto") -> Tuple[Any, Any]:
    """Range-AUC-ROC and Range-AUC-PR (sliding_window + 1,) each, for every buffer length
    0..sliding_window: :func:`tsad_fast.kernels.vus_areas` (same parameters; a GPU score
    gives arrays of its library on its device)."""
    return vus_areas(labels, score, sliding_window, n_thresholds, backend)


def mean_area(areas) -> float:
    """The mean of per-buffer-length areas, summed in order as TSB-AD sums them."""
    values = device.adopt(areas, "areas")[0].to_host(areas) if is_gpu_array(areas) else areas
    values = np.asarray(values, dtype=np.float64)
    return sum(values.tolist()) / values.size


def vus(labels, score, sliding_window: int = 100, n_thresholds: int = 250,
        backend: str = "auto") -> Tuple[float, float]:
    """``(VUS-ROC, VUS-PR)``: the means of :func:`vus_curves` (same parameters)."""
    roc, pr = vus_areas(labels, score, sliding_window, n_thresholds, backend)
    return mean_area(roc), mean_area(pr)


def range_auc(labels, score, window: int = 100, n_thresholds: int = 250,
              backend: str = "auto") -> Tuple[float, float]:
    """``(Range-AUC-ROC, Range-AUC-PR)`` at the single buffer length ``window``: one slice of
    the VUS surface (TSB-AD 1.5's per-window areas), not the legacy ``RangeAUC`` function that
    predates its October 2024 fix."""
    roc, pr = checked_vus_areas(labels, score, window, n_thresholds, backend, "window")
    return float(roc[-1]), float(pr[-1])


def vus_roc(labels, score, sliding_window: int = 100, n_thresholds: int = 250,
            backend: str = "auto") -> float:
    """VUS-ROC; see :func:`vus`."""
    return vus(labels, score, sliding_window, n_thresholds, backend)[0]


def vus_pr(labels, score, sliding_window: int = 100, n_thresholds: int = 250,
           backend: str = "auto") -> float:
    """VUS-PR; see :func:`vus`."""
    return vus(labels, score, sliding_window, n_thresholds, backend)[1]
