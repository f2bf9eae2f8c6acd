"""VUS-ROC / VUS-PR per buffer length: the NumPy reference.

Restates TSB-AD 1.5's ``RangeAUC_volume_opt`` (Paparrizos et al., VLDB 2022, after the October
2024 fix) without its per-threshold passes over the series. For threshold k (k = 0..thre-1,
thresholds non-increasing) a point t is predicted iff k >= rank[t], the first k whose threshold
it reaches, so every count over predicted points is a cumulative histogram over ranks:

* ``n_pred[k]``: predicted points; ``tp_core[k]``: predicted labelled points;
* for buffer length w (h = w // 2), the buffer points within h of a labelled segment and not
  labelled themselves carry ``min(1, sum of sqrt(1 - d/w))`` over the segments they buffer;
  ``soft[k]`` sums that weight over predicted buffer points;
* the buffered segments (labelled segments widened by h, merged where they touch) are "hit"
  once any of their points is predicted: ``hit[k]`` of ``n_buffered``.

Then, as in TSB-AD: TP = tp_core + soft, P' = P + soft / 2, recall = min(TP / P', 1),
TPR = recall * hit / n_buffered, FPR = (n_pred - TP) / (n - P'), precision = TP / n_pred;
ROC area by trapezoids through (0, 0) and (1, 1), PR area as sum (TPR_k - TPR_k-1) * precision_k.
"""
from __future__ import annotations

import numpy as np


def rank_of_points(score: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """First threshold index k with score >= thresholds[k] (thresholds non-increasing)."""
    return np.searchsorted(-thresholds, -score, side="left")


def window_areas(rank, starts, ends, labelled, w, tp_core, n_pred, core_min):
    """(ROC area, PR area) for buffer length w. labelled (n,) bool; tp_core, n_pred (thre,)
    float counts; core_min (S,) the smallest rank inside each labelled segment."""
    n = rank.size
    n_thresholds = n_pred.size
    h = w // 2
    weight = np.zeros(n)
    seg_min = core_min.copy()
    for i, (s, e) in enumerate(zip(starts, ends)):
        d = np.arange(1, h + 1)
        for t in (e + d, s - d):  # right buffer, then left buffer, as TSB-AD adds them
            keep = (t >= 0) & (t < n)
            t, dd = t[keep], d[keep]
            weight[t] += np.sqrt(1.0 - dd / w)
            if t.size:
                seg_min[i] = min(seg_min[i], rank[t].min())
    buffer = (weight > 0) & ~labelled
    soft_hist = np.bincount(rank[buffer], weights=np.minimum(weight[buffer], 1.0),
                            minlength=n_thresholds)
    soft = np.cumsum(soft_hist)[:n_thresholds]
    # buffered segments: merge i and i+1 when e_i + h >= s_{i+1} - h
    groups = np.concatenate([[0], np.cumsum(ends[:-1] + h < starts[1:] - h)])
    group_min = np.full(groups[-1] + 1, np.iinfo(np.int64).max)
    np.minimum.at(group_min, groups, seg_min)
    hit = np.cumsum(np.bincount(group_min, minlength=n_thresholds))[:n_thresholds]
    n_buffered = group_min.size

    tp = tp_core + soft
    n_labelled = float(labelled.sum())
    p_new = (n_labelled + (n_labelled + soft)) / 2.0
    recall = np.minimum(tp / p_new, 1.0)
    tpr = np.concatenate([[0.0], recall * hit / n_buffered, [1.0]])
    fpr = np.concatenate([[0.0], (n_pred - tp) / (n - p_new), [1.0]])
    precision = tp / n_pred
    roc = np.dot(fpr[1:] - fpr[:-1], (tpr[1:] + tpr[:-1]) / 2.0)
    pr = np.dot(tpr[1:-1] - tpr[:-2], precision)
    return roc, pr


def vus_areas(score, starts, ends, thresholds, window):
    """ROC and PR areas (window + 1,) for buffer lengths 0..window; see the module docstring.

    score (n,) float64; starts, ends (S,) int64 inclusive bounds of the labelled segments,
    ascending, S >= 1; thresholds (thre,) float64 non-increasing; window >= 0.
    """
    n_thresholds = thresholds.size
    rank = rank_of_points(score, thresholds)
    labelled = np.zeros(score.size, dtype=bool)
    for s, e in zip(starts, ends):
        labelled[s:e + 1] = True
    n_pred = np.cumsum(np.bincount(rank, minlength=n_thresholds))[:n_thresholds].astype(float)
    labelled_rank = np.concatenate([rank[s:e + 1] for s, e in zip(starts, ends)])
    tp_core = np.cumsum(np.bincount(labelled_rank, minlength=n_thresholds))[:n_thresholds]
    core_min = np.array([rank[s:e + 1].min() for s, e in zip(starts, ends)])
    areas = np.array([window_areas(rank, starts, ends, labelled, w, tp_core.astype(float),
                                   n_pred, core_min) for w in range(window + 1)])
    return areas[:, 0].copy(), areas[:, 1].copy()
