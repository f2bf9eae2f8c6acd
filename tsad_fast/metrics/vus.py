"""VUS-ROC and VUS-PR (Paparrizos et al., VLDB 2022) exactly as TSB-AD 1.5 computes them.

Volume under the ROC / PR surfaces over buffer lengths w = 0..sliding_window and
``n_thresholds`` thresholds ``sort(score)[::-1][linspace(0, n-1, n_thresholds).astype(int)]``
(a point is predicted when ``score >= threshold``). The areas per buffer length come from the
``vus`` kernel (backends cpp, numba, numpy); this module validates and averages.
"""
from __future__ import annotations

from typing import Tuple

import numpy as np

from tsad_fast import _backend
from tsad_fast._backend import to_host
from tsad_fast._validation import check_int
from tsad_fast.metrics._inputs import check_score_and_labels, segments

_backend.register(
    "vus",
    cpp="tsad_fast._core:vus_areas",
    numba="tsad_fast.kernels._numba.vus:vus_areas",
    numpy="tsad_fast.kernels._numpy.vus:vus_areas",
    cuda="tsad_fast._cuda:vus_areas",
)


def vus_thresholds(score: np.ndarray, n_thresholds: int) -> np.ndarray:
    """TSB-AD's thresholds: the sorted (descending) score at ``linspace(0, n-1, thre)``."""
    ordered = -np.sort(-score)
    return np.ascontiguousarray(ordered[np.linspace(0, score.size - 1, n_thresholds).astype(int)])


def vus_curves(labels, score, sliding_window: int = 100, n_thresholds: int = 250,
               backend: str = "auto") -> Tuple[np.ndarray, np.ndarray]:
    """Range-AUC-ROC and Range-AUC-PR for every buffer length 0..sliding_window.

    Parameters
    ----------
    labels : array-like (n,) of 0/1, with both classes
    score : array-like (n,) float, higher = more anomalous
    sliding_window : int >= 0, the largest buffer length (TSB-AD's ``slidingWindow``)
    n_thresholds : int >= 1 (TSB-AD's ``thre``)
    backend : {"auto", "cpp", "numba", "numpy", "cuda"}; "auto" picks "cuda" for a CuPy array
        or CUDA torch tensor score (copied to the host for validation)

    Returns
    -------
    roc, pr : ndarray (sliding_window + 1,) each
    """
    _, run = _backend.resolve("vus", backend, like=score)
    labels, score = check_score_and_labels(to_host(labels), to_host(score))
    window = check_int(sliding_window, "sliding_window", 0)
    n_thresholds = check_int(n_thresholds, "n_thresholds", 1)
    starts, ends = segments(labels)
    return run(score, starts, ends, vus_thresholds(score, n_thresholds), window)


def vus(labels, score, sliding_window: int = 100, n_thresholds: int = 250,
        backend: str = "auto") -> Tuple[float, float]:
    """``(VUS-ROC, VUS-PR)``: the means of :func:`vus_curves` (same parameters)."""
    roc, pr = vus_curves(labels, score, sliding_window, n_thresholds, backend)
    return sum(roc.tolist()) / roc.size, sum(pr.tolist()) / pr.size


def range_auc(labels, score, window: int = 100, n_thresholds: int = 250,
              backend: str = "auto") -> Tuple[float, float]:
    """``(Range-AUC-ROC, Range-AUC-PR)`` at the single buffer length ``window``: one slice of
    the VUS surface (TSB-AD 1.5's per-window areas), not the legacy ``RangeAUC`` function that
    predates its October 2024 fix."""
    roc, pr = vus_curves(labels, score, window, n_thresholds, backend)
    return float(roc[-1]), float(pr[-1])


def vus_roc(labels, score, sliding_window: int = 100, n_thresholds: int = 250,
            backend: str = "auto") -> float:
    """VUS-ROC; see :func:`vus`."""
    return vus(labels, score, sliding_window, n_thresholds, backend)[0]


def vus_pr(labels, score, sliding_window: int = 100, n_thresholds: int = 250,
           backend: str = "auto") -> float:
    """VUS-PR; see :func:`vus`."""
    return vus(labels, score, sliding_window, n_thresholds, backend)[1]
