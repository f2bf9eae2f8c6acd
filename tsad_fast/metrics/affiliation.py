"""Affiliation F1 (Huet et al., KDD 2022) exactly as TSB-AD 1.5's ``metric_Affiliation``.

Per-threshold precision and recall come from the ``affiliation`` kernel (cpp, numba, numpy);
F = 2PR / (P + R + 1e-15), and without ``pred`` the best F over TSB-AD's 100 thresholds
``linspace(min(score), max(score), 100)`` (``pred = score > threshold``).

One deliberate difference: when nothing is predicted (a constant score, an all-zero ``pred``)
affiliation precision is undefined and TSB-AD returns NaN; here the F1 of a detector that flags
nothing is 0.0.
"""
from __future__ import annotations

import math

import numpy as np

from tsad_fast import _backend
from tsad_fast._validation import as_float_array
from tsad_fast.metrics._inputs import check_labels, check_score_and_labels, segments

_backend.register(
    "affiliation",
    cpp="tsad_fast._core:affiliation_sweep",
    numba="tsad_fast.kernels._numba.affiliation:affiliation_sweep",
    numpy="tsad_fast.kernels._numpy.affiliation:affiliation_sweep",
)
_EPS = 1e-15
N_SWEEP = 100


def affiliation_precision_recall(labels, score, thresholds, backend: str = "auto"):
    """Affiliation (precision (m,), recall (m,)) of ``score > thresholds[k]``; precision is NaN
    where nothing is predicted. Inputs validated by the caller."""
    starts, ends = segments(labels)
    _, run = _backend.resolve("affiliation", backend)
    return run(score, starts, ends + 1, np.ascontiguousarray(thresholds, dtype=np.float64))


def affiliation_f1(labels, score=None, pred=None, backend: str = "auto") -> float:
    """Affiliation F1 of ``pred`` (0/1), or TSB-AD's best over 100 thresholds of ``score``.

    Parameters
    ----------
    labels : array-like (n,) of 0/1 with both classes
    score : array-like (n,) float, used when ``pred`` is None
    pred : array-like (n,) of 0/1, optional
    backend : {"auto", "cpp", "numba", "numpy"}
    """
    if pred is not None:
        values = as_float_array(pred, "pred")
        labels = check_labels(labels, values.size, against="pred")
        if not np.isin(values, (0.0, 1.0)).all():
            raise ValueError("pred must hold only 0 and 1")
        thresholds = np.array([0.5])
    elif score is None:
        raise TypeError("affiliation_f1 needs score (oracle threshold sweep) or pred")
    else:
        labels, values = check_score_and_labels(labels, score)
        thresholds = np.linspace(values.min(), values.max(), N_SWEEP)
    precision, recall = affiliation_precision_recall(labels, values, thresholds, backend)
    scores = [2 * p * r / (p + r + _EPS) for p, r in zip(precision.tolist(), recall.tolist())]
    best = max(scores)  # Python's max, as TSB-AD: NaN only if the first threshold predicts nothing
    return 0.0 if math.isnan(best) else float(best)
