"""Validation shared by the metrics: binary labels and predictions against a score of the same
length. Public metric functions validate with these once and pass the checked arrays to the
private functions that compute; :func:`tsad_fast.metrics.get_metrics` does the same for all
nine metrics at once."""
from __future__ import annotations

from typing import Any

import numpy as np

from tsad_fast._validation import as_float_array, check_labels, segments

__all__ = ["check_labels", "check_pred", "check_pred_and_labels", "check_score_and_labels",
           "is_boolean", "oracle_thresholds", "segments"]

N_SWEEP = 100


def check_score_and_labels(labels, score, score_name: str = "score"):
    """(labels int8 (n,), score float64 (n,)), both validated."""
    score = as_float_array(score, score_name)
    return check_labels(labels, score.size), score


def check_pred(pred, n: int, name: str = "pred") -> np.ndarray:
    """``pred`` as a boolean array of length ``n``, holding only 0 and 1."""
    values = as_float_array(pred, name)
    if values.size != n:
        raise ValueError(f"{name} has {values.size} values but score has {n}")
    if not np.isin(values, (0.0, 1.0)).all():
        raise ValueError(f"{name} must hold only 0 and 1")
    return values == 1.0


def check_pred_and_labels(labels, pred):
    """(labels int8 (n,), pred bool (n,)) for metrics of given predictions."""
    values = as_float_array(pred, "pred")
    if not np.isin(values, (0.0, 1.0)).all():
        raise ValueError("pred must hold only 0 and 1")
    return check_labels(labels, values.size, against="pred"), values == 1.0


def is_boolean(values: Any) -> bool:
    """Whether ``values`` (an array or a list) has NumPy's boolean dtype, which TSB-AD's range
    conversion treats differently from 0/1 numbers (see ``events.py``)."""
    try:
        return np.asarray(values).dtype == np.bool_
    except Exception:  # unreadable input: the validation that follows names the problem
        return False


def oracle_thresholds(score: np.ndarray) -> np.ndarray:
    """TSB-AD's oracle threshold sweep ``linspace(min(score), max(score), 100)`` of a validated
    score; a score spanning more than the float64 range, whose sweep overflows, is refused."""
    with np.errstate(over="ignore", invalid="ignore"):
        thresholds = np.linspace(score.min(), score.max(), N_SWEEP)
    if not np.isfinite(thresholds).all():
        raise ValueError(f"score spans more than the float64 range ({score.min():.3g} to "
                         f"{score.max():.3g}): the oracle threshold sweep linspace(min, max, "
                         f"{N_SWEEP}) overflows; rescale it")
    return thresholds
