"""Affiliation F1 (Huet et al., KDD 2022) exactly as TSB-AD 1.5's ``metric_Affiliation``.

Per-threshold precision and recall come from the ``affiliation_sweep`` kernel
(:mod:`tsad_fast.kernels.affiliation`); F = 2PR / (P + R + 1e-15), and without ``pred`` the best
F over TSB-AD's 100 thresholds ``linspace(min(score), max(score), 100)`` (``pred = score >
threshold``).

One deliberate difference: when nothing is predicted (a constant score, an all-zero ``pred``)
affiliation precision is undefined and TSB-AD returns NaN; here the F1 of a detector that flags
nothing is 0.0.
"""
from __future__ import annotations

import math

import numpy as np

from tsad_fast.kernels.affiliation import affiliation_sweep_unchecked
from tsad_fast.metrics._inputs import (check_pred_and_labels, check_score_and_labels,
                                       oracle_thresholds)

_EPS = 1e-15


def best_affiliation_f1(labels: np.ndarray, values: np.ndarray, thresholds: np.ndarray,
                        backend: str = "auto") -> float:
    """The best affiliation F1 of ``values > thresholds[k]`` over k, for validated arrays."""
    precision, recall = affiliation_sweep_unchecked(labels, values, thresholds, backend)
    scores = [2 * p * r / (p + r + _EPS) for p, r in zip(precision.tolist(), recall.tolist())]
    best = max(scores)  # Python's max, as TSB-AD: NaN only if the first threshold predicts nothing
    return 0.0 if math.isnan(best) else float(best)


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
        labels, p = check_pred_and_labels(labels, pred)
        return best_affiliation_f1(labels, p.astype(np.float64), np.array([0.5]), backend)
    if score is None:
        raise TypeError("affiliation_f1 needs score (oracle threshold sweep) or pred")
    labels, score = check_score_and_labels(labels, score)
    return best_affiliation_f1(labels, score, oracle_thresholds(score), backend)
