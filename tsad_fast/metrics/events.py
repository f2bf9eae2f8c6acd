"""Threshold-dependent F1 scores of TSB-AD 1.5: point-adjusted (PA-F1), event-based and
range-based (Tatbul et al., NeurIPS 2018; flat bias), anomaly class positive.

Given ``pred`` they score it; without, they take TSB-AD's oracle: the best value over 100
thresholds ``linspace(min(score), max(score), 100)`` with ``pred = score > threshold``. Each
threshold costs O(S log S) on top of one O(n) pass, instead of TSB-AD's Python loops over points.
TSB-AD's quirks are kept, since users compare against its numbers:

* PA-F1 never back-fills index 0 (its backward scan stops at 1);
* the event list drops the last point of a segment that ends the series (so a one-point segment
  there can never be detected);
* a prediction that is 1 everywhere has no range (its range conversion finds no edge);
* a **boolean** array (what TSB-AD's own ``main.py`` passes as ``pred``: ``output > mean +
  3*std``) goes through its range conversion ``np.diff(x) == 1`` / ``== -1`` as booleans: the
  difference of booleans is their XOR, so every edge, rising or falling, counts as a start and
  none as an end, and the conversion returns the single range from just after the first edge
  to the end of the series. :func:`tsad_fast.metrics.get_metrics` reproduces that for boolean
  ``pred`` (and boolean ``labels``), as TSB-AD's R-based-F1 does; :func:`range_f1` always uses
  the true ranges.
"""
from __future__ import annotations

from typing import Iterable, Iterator, Tuple

import numpy as np

from tsad_fast.metrics._inputs import (check_pred_and_labels, check_score_and_labels,
                                       oracle_thresholds, segments)

_EPS = 1e-15


def oracle_predictions(score: np.ndarray) -> Iterator[np.ndarray]:
    """TSB-AD's sweep: ``score > t`` for ``t`` in ``linspace(min, max, 100)``."""
    return (score > t for t in oracle_thresholds(score))


def _f1(tp, fp, fn):
    return 0.0 if tp == 0 else 2 * tp / (2 * tp + fp + fn)


def tsbad_ranges(x: np.ndarray, boolean: bool) -> Tuple[np.ndarray, np.ndarray]:
    """Inclusive (starts, ends) of the ranges TSB-AD's ``range_convers_new`` finds in a 0/1
    array: its runs of 1, or for a ``boolean`` array the single range from just after the first
    edge to the last index (none without an edge); an array that is 1 everywhere has no range
    either way."""
    edges = np.flatnonzero(x[1:] != x[:-1])
    if boolean:
        if edges.size == 0:
            return np.empty(0, np.int64), np.empty(0, np.int64)
        return np.array([edges[0] + 1], np.int64), np.array([x.size - 1], np.int64)
    if edges.size == 0 and x[0]:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    return segments(x)


class _Truth:
    """What every prediction is compared with: the labelled runs (and the ranges TSB-AD's
    range conversion sees in the labels) and their prefix counts."""

    def __init__(self, labels: np.ndarray, boolean: bool = False):
        self.labels = labels
        self.starts, self.ends = segments(labels)
        self.lengths = self.ends - self.starts + 1
        self.n_true = float(self.lengths.sum())
        self.counts = np.concatenate([[0], np.cumsum(labels, dtype=np.int64)])
        self.range_starts, self.range_ends = tsbad_ranges(labels, boolean)
        # TSB-AD's event list ends a segment that ends the series one point early
        self.event_ends = self.ends.copy()
        if self.event_ends[-1] == labels.size - 1:
            self.event_ends[-1] -= 1


def _scores(truth: _Truth, p: np.ndarray, boolean_pred: bool):
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
    # range-based (flat bias), on the ranges TSB-AD's conversion finds on each side
    p_starts, p_ends = tsbad_ranges(p, boolean_pred)
    r_recall = _range_recall(truth.range_starts, truth.range_ends, counts, p_starts, p_ends, 0.2)
    r_precision = _range_recall(p_starts, p_ends, truth.counts, truth.range_starts,
                                truth.range_ends, 0.0)
    rf = 0.0 if r_recall + r_precision == 0 else 2 * r_recall * r_precision / (r_recall + r_precision)
    return pa, event, rf


def _range_recall(r_start, r_end, point_counts, p_start, p_end, alpha):
    """Range-based recall of ranges r against the points (prefix counts ``point_counts``) and
    ranges p of the other side; 0 without any range r, as in TSB-AD."""
    if r_start.size == 0:
        return 0.0
    inside = point_counts[r_end + 1] - point_counts[r_start]
    existence = np.sum(inside > 0)
    overlapping = (np.searchsorted(p_start, r_end, side="right")
                   - np.searchsorted(p_end, r_start, side="left"))
    cardinality = np.where(overlapping > 0, 1.0 / np.maximum(overlapping, 1), 0.0)
    overlap = np.sum(inside / (r_end - r_start + 1) * cardinality)
    return (alpha * existence + (1 - alpha) * overlap) / r_start.size


def best_event_scores(labels: np.ndarray, predictions: Iterable[np.ndarray],
                      boolean_labels: bool = False, boolean_pred: bool = False):
    """(PA-F1, Event-based-F1, R-based-F1), each the best over ``predictions`` (boolean arrays)
    against validated labels; ``boolean_*`` apply TSB-AD's boolean range conversion."""
    truth = _Truth(labels, boolean_labels)
    best = None
    for p in predictions:
        values = _scores(truth, p, boolean_pred)
        best = values if best is None else tuple(max(b, v) for b, v in zip(best, values))
    return tuple(float(v) for v in best)


def event_scores(labels, score=None, pred=None):
    """(PA-F1, Event-based-F1, R-based-F1) in one sweep; see the module docstring. Ranges are
    always the true runs of 1 here, whatever the dtype of ``pred``."""
    if pred is not None:
        labels, p = check_pred_and_labels(labels, pred)
        return best_event_scores(labels, [p])
    if score is None:
        raise TypeError("give score (oracle threshold sweep) or pred")
    labels, score = check_score_and_labels(labels, score)
    return best_event_scores(labels, oracle_predictions(score))


def pa_f1(labels, score=None, pred=None) -> float:
    """Point-adjusted F1 (``PA-F1``): a segment with one detected point counts as detected."""
    return event_scores(labels, score, pred)[0]


def event_f1(labels, score=None, pred=None) -> float:
    """Event-based F1 (``Event-based-F1``): recall over events, precision over points."""
    return event_scores(labels, score, pred)[1]


def range_f1(labels, score=None, pred=None) -> float:
    """Range-based F1 (``R-based-F1``): recall with alpha = 0.2, precision with alpha = 0."""
    return event_scores(labels, score, pred)[2]
