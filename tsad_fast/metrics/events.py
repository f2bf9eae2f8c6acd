"""Threshold-dependent F1 scores of TSB-AD 1.5: point-adjusted (PA-F1), event-based and
range-based (Tatbul et al., NeurIPS 2018; flat bias), anomaly class positive.

Given ``pred`` they score it; without, they take TSB-AD's oracle: the best value over 100
thresholds ``linspace(min(score), max(score), 100)`` with ``pred = score > threshold``. Each
threshold costs O(S log S) on top of one O(n) pass, instead of TSB-AD's Python loops over points.
TSB-AD's quirks are kept, since users compare against its numbers:

* PA-F1 never back-fills index 0 (its backward scan stops at 1);
* the event list drops the last point of a segment that ends the series (so a one-point segment
  there can never be detected);
* a prediction that is 1 everywhere has no range (its range conversion finds no edge).
"""
from __future__ import annotations

import numpy as np

from tsad_fast._validation import as_float_array
from tsad_fast.metrics._inputs import check_labels, check_score_and_labels, segments

_EPS = 1e-15
N_SWEEP = 100


def _predictions(labels, score, pred):
    """(labels, list of 0/1 int8 predictions to score)."""
    if pred is not None:
        p = as_float_array(pred, "pred")
        labels = check_labels(labels, p.size, against="pred")
        if not np.isin(p, (0.0, 1.0)).all():
            raise ValueError("pred must hold only 0 and 1")
        return labels, [p.astype(np.int8)]
    if score is None:
        raise TypeError("give score (oracle threshold sweep) or pred")
    labels, score = check_score_and_labels(labels, score)
    thresholds = np.linspace(score.min(), score.max(), N_SWEEP)
    return labels, [(score > t).astype(np.int8) for t in thresholds]


def _f1(tp, fp, fn):
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def _point_adjusted(labels, starts, ends, p):
    """TP, FP, FN after point adjustment (a hit segment counts whole, index 0 excepted)."""
    counts = np.cumsum(np.r_[0, p])
    hits = counts[ends + 1] - counts[starts] > 0
    tp = float(np.sum((ends - starts + 1)[hits]))
    if starts[0] == 0 and hits[0] and p[0] == 0:
        tp -= 1.0  # the backward scan never reaches index 0
    fp = float(np.sum(p[labels == 0]))
    return tp, fp, float(np.sum(labels)) - tp


def pa_f1(labels, score=None, pred=None) -> float:
    """Point-adjusted F1 (``PA-F1``): a segment with one detected point counts as detected."""
    labels, preds = _predictions(labels, score, pred)
    starts, ends = segments(labels)
    return max(_f1(*_point_adjusted(labels, starts, ends, p)) for p in preds)


def event_f1(labels, score=None, pred=None) -> float:
    """Event-based F1 (``Event-based-F1``): recall over events, precision over points."""
    labels, preds = _predictions(labels, score, pred)
    starts, ends = segments(labels)
    if ends[-1] == labels.size - 1:
        ends = ends.copy()
        ends[-1] -= 1  # TSB-AD's event list ends the last segment one point early
    scores = []
    for p in preds:
        counts = np.cumsum(np.r_[0, p])
        hit = np.maximum(counts[ends + 1] - counts[starts], 0) > 0
        recall = np.sum(hit) / starts.size
        n_pred = float(p.sum())
        precision = float(np.sum(p[labels == 1])) / n_pred if n_pred else 0.0
        scores.append(2 * recall * precision / (recall + precision + _EPS))
    return float(max(scores))


def _ranges(x):
    """TSB-AD's range conversion: runs of 1; none when x is 1 everywhere."""
    if x.all():
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    return segments(x)


def _range_recall(real, predicted, alpha):
    """Range-based recall of ``predicted`` against ``real`` (0/1 arrays), flat bias."""
    r_start, r_end = _ranges(real)
    if r_start.size == 0:
        return 0.0
    p_start, p_end = _ranges(predicted)
    counts = np.cumsum(np.r_[0, predicted])
    inside = counts[r_end + 1] - counts[r_start]
    existence = np.sum(inside > 0)
    overlapping = (np.searchsorted(p_start, r_end, side="right")
                   - np.searchsorted(p_end, r_start, side="left"))
    cardinality = np.where(overlapping > 0, 1.0 / np.maximum(overlapping, 1), 0.0)
    overlap = np.sum(inside / (r_end - r_start + 1) * cardinality)
    return (alpha * existence + (1 - alpha) * overlap) / r_start.size


def range_f1(labels, score=None, pred=None) -> float:
    """Range-based F1 (``R-based-F1``): recall with alpha = 0.2, precision with alpha = 0."""
    labels, preds = _predictions(labels, score, pred)
    scores = []
    for p in preds:
        recall = _range_recall(labels, p, 0.2)
        precision = _range_recall(p, labels, 0.0)
        scores.append(0.0 if recall + precision == 0 else 2 * recall * precision / (recall + precision))
    return float(max(scores))
