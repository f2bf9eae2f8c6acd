"""Validation shared by the metrics: binary labels against a score of the same length."""
from __future__ import annotations

import numpy as np

from tsad_fast._validation import as_float_array


def check_labels(labels, n: int, name: str = "labels", against: str = "score") -> np.ndarray:
    """``labels`` as an int8 0/1 array of length ``n`` (that of ``against``) with both classes."""
    values = as_float_array(labels, name)
    if values.size != n:
        raise ValueError(f"{name} has {values.size} values but {against} has {n}")
    if not np.isin(values, (0.0, 1.0)).all():
        raise ValueError(f"{name} must hold only 0 (normal) and 1 (anomaly)")
    out = values.astype(np.int8)
    if not out.any():
        raise ValueError(f"{name} holds no anomaly (no 1): the anomaly-class metrics are undefined")
    if out.all():
        raise ValueError(f"{name} holds no normal point (all 1): the metrics are undefined")
    return out


def check_score_and_labels(labels, score, score_name: str = "score"):
    """(labels int8 (n,), score float64 (n,)), both validated."""
    score = as_float_array(score, score_name)
    return check_labels(labels, score.size), score


def segments(labels: np.ndarray):
    """Inclusive (starts, ends) int64 of the runs of 1 in a 0/1 array, ascending."""
    edges = np.diff(np.concatenate([[0], labels.astype(np.int8), [0]]))
    return np.flatnonzero(edges == 1).astype(np.int64), (np.flatnonzero(edges == -1) - 1).astype(np.int64)
