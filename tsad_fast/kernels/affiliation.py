"""Affiliation precision and recall (Huet et al., KDD 2022) as TSB-AD 1.5 computes them, for a
sweep of thresholds.

``affiliation_sweep(labels, score, thresholds)`` returns the affiliation precision and recall
of the predictions ``score > thresholds[k]`` for every k (precision NaN where nothing is
predicted). Backends: the NumPy reference (``_numpy/affiliation.py``, with the closed forms),
Numba and C++ (OpenMP over thresholds).
"""
from __future__ import annotations

from typing import Tuple

import numpy as np

from tsad_fast import _backend
from tsad_fast._validation import as_float_array, check_labels, segments

_backend.register(
    "affiliation_sweep",
    cpp="tsad_fast._core:affiliation_sweep",
    numba="tsad_fast.kernels._numba.affiliation:affiliation_sweep",
    numpy="tsad_fast.kernels._numpy.affiliation:affiliation_sweep",
)


def affiliation_sweep(labels, score, thresholds,
                      backend: str = "auto") -> Tuple[np.ndarray, np.ndarray]:
    """(precision (m,), recall (m,)) of ``score > thresholds[k]`` against ``labels``.

    labels : array-like (n,) of 0/1 with both classes; score : array-like (n,) float;
    thresholds : array-like (m,) float, m >= 1; backend : {"auto", "cpp", "numba", "numpy"}.
    """
    score = as_float_array(score, "score")
    labels = check_labels(labels, score.size)
    thresholds = as_float_array(thresholds, "thresholds")
    return affiliation_sweep_unchecked(labels, score, thresholds, backend)


def affiliation_sweep_unchecked(labels: np.ndarray, score: np.ndarray, thresholds: np.ndarray,
                                backend: str = "auto") -> Tuple[np.ndarray, np.ndarray]:
    """The sweep of validated host arrays (``check_labels`` labels, finite float64 score and
    thresholds), for callers that validated them already."""
    _, run = _backend.resolve("affiliation_sweep", backend)
    starts, ends = segments(labels)
    return run(score, starts, ends + 1, np.ascontiguousarray(thresholds, dtype=np.float64))
