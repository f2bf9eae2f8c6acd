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
    """(labels, iterator of boolean predictions to score)."""
    if pred is not None:
        p = as_float_array(pred, "pred")
        labels = check_labels(labels, p.size, against="pred")
        if not np.isin(p, (0.0, 1.0)).all():
            raise ValueError("pred must hold only 0 and 1")
        return labels, iter([p == 1.0])
    if score is None:
        raise TypeError("give score (oracle threshold sweep) or pred")
    labels, score = check_score_and_labels(labels, score)
    thresholds = np.linspace(score.min(), score.max(), N_SWEEP)
    return labels, (score > t for t in thresholds)


def _f1(tp, fp, fn):
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


class _Truth:
    """What every prediction is compared with: the labelled runs and their prefix counts."""

    def __init__(self, labels):
        self.labels = labels
        self.starts, self.ends = segments(labels)
        self.lengths = self.ends - self.starts + 1
        self.n_true = float(self.lengths.sum())
        self.counts = np.concatenate([[0], np.cumsum(labels, dtype=np.int64)])
        # TSB-AD's event list ends a segment that ends the series one point early
        self.event_ends = self.ends.copy()
        if self.event_ends[-1] == labels.size - 1:
            self.event_ends[-1] -= 1


def _scores(truth: _Truth, p: np.ndarray):
    """(PA-F1, Event-based-F1, R-based-F1) of one boolean prediction."""
    counts = np.concatenate([[0], np.cumsum(p, dtype=np.int64)])
    n_pred = float(counts[-1])
    inside = counts[truth.ends + 1] - counts[truth.starts]  # predicted points per segment
    tp_points = float(inside.sum())
    # point-adjusted: a hit segment counts whole; the backward scan never reaches index 0
    hits = inside > 0
    tp = float(truth.lengths[hits].sum())
    if truth.starts[0] == 0 and hits[0] and not p[0]:
        tp -= 1.0
    pa = _f1(tp, n_pred - tp_points, truth.n_true - tp)
    # event-based: recall over events, precision over points
    detected = counts[truth.event_ends + 1] - counts[truth.starts] > 0
    recall = float(np.sum(detected)) / truth.starts.size
    precision = tp_points / n_pred if n_pred else 0.0
    event = 2 * recall * precision / (recall + precision + _EPS)
    # range-based (flat bias): a prediction that is 1 everywhere has no range in TSB-AD
    if n_pred == p.size:
        p_starts = p_ends = np.empty(0, dtype=np.int64)
    else:
        edges = np.diff(p.view(np.int8), prepend=np.int8(0), append=np.int8(0))
        p_starts, p_ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    r_recall = _range_recall(truth.starts, truth.ends, inside, p_starts, p_ends, 0.2)
    r_precision = 0.0
    if p_starts.size:
        labelled = truth.counts[p_ends + 1] - truth.counts[p_starts]
        r_precision = _range_recall(p_starts, p_ends, labelled, truth.starts, truth.ends, 0.0)
    rf = 0.0 if r_recall + r_precision == 0 else 2 * r_recall * r_precision / (r_recall + r_precision)
    return pa, event, rf


def _range_recall(r_start, r_end, inside, p_start, p_end, alpha):
    """Range-based recall of ranges p against ranges r, given the p-points inside each r."""
    existence = np.sum(inside > 0)
    overlapping = (np.searchsorted(p_start, r_end, side="right")
                   - np.searchsorted(p_end, r_start, side="left"))
    cardinality = np.where(overlapping > 0, 1.0 / np.maximum(overlapping, 1), 0.0)
    overlap = np.sum(inside / (r_end - r_start + 1) * cardinality)
    return (alpha * existence + (1 - alpha) * overlap) / r_start.size


def event_scores(labels, score=None, pred=None):
    """(PA-F1, Event-based-F1, R-based-F1) in one sweep; see the module docstring."""
    labels, preds = _predictions(labels, score, pred)
    truth = _Truth(labels)
    best = None
    for p in preds:
        values = _scores(truth, p)
        best = values if best is None else tuple(max(b, v) for b, v in zip(best, values))
    return tuple(float(v) for v in best)


def pa_f1(labels, score=None, pred=None) -> float:
    """Point-adjusted F1 (``PA-F1``): a segment with one detected point counts as detected."""
    return event_scores(labels, score, pred)[0]


def event_f1(labels, score=None, pred=None) -> float:
    """Event-based F1 (``Event-based-F1``): recall over events, precision over points."""
    return event_scores(labels, score, pred)[1]


def range_f1(labels, score=None, pred=None) -> float:
    """Range-based F1 (``R-based-F1``): recall with alpha = 0.2, precision with alpha = 0."""
    return event_scores(labels, score, pred)[2]
