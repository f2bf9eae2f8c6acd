"""Interpretation metrics of Moon §V-G (after OmniAnomaly / InterFusion): how well a per-variable
attribution ranks the variables that the ground truth names as causes of each anomaly.

For each evaluated timestamp t whose ground truth names |GT_t| > 0 variables, the variables are
ranked by attribution (ties: lower index first) and the top k = ceil(P * |GT_t|) kept:

* HitRate@P% = |top-k ∩ GT_t| / |GT_t|;
* NDCG@P% = sum over ranks i <= k of [i-th variable in GT_t] / log2(i + 1), divided by the same
  sum for an ideal ranking (min(k, |GT_t|) hits first).

Both are averaged over the evaluated timestamps; rows without any named variable are skipped.
"""
from __future__ import annotations

import math
import numbers
from typing import Optional

import numpy as np

from tsad_fast._validation import as_float_array


def _ranked_hits(dim_labels, attributions, p: float, timestamps):
    gt = as_float_array(dim_labels, "dim_labels", ndim=2)
    att = as_float_array(attributions, "attributions", ndim=2)
    if gt.shape != att.shape:
        raise ValueError(f"dim_labels {gt.shape} and attributions {att.shape} differ in shape")
    if not np.isin(gt, (0.0, 1.0)).all():
        raise ValueError("dim_labels must hold only 0 and 1")
    if isinstance(p, bool) or not isinstance(p, numbers.Real):
        raise TypeError(f"p must be a number (1.0 = 100%), got {p!r}")
    if not (math.isfinite(p) and p > 0):
        raise ValueError(f"p must be a positive number (1.0 = 100%), got {p!r}")
    rows = np.arange(gt.shape[0]) if timestamps is None else np.asarray(timestamps)
    if rows.ndim != 1 or rows.dtype.kind not in "biu":
        raise TypeError("timestamps must be a 1-D array of row indices or a boolean mask")
    if rows.dtype == bool:
        if rows.shape != (gt.shape[0],):
            raise ValueError("timestamps as a mask must have one entry per row")
        rows = np.flatnonzero(rows)
    if rows.size and (rows.min() < 0 or rows.max() >= gt.shape[0]):
        raise ValueError("timestamps index rows outside dim_labels")
    rows = rows[gt[rows].sum(axis=1) > 0]
    if rows.size == 0:
        raise ValueError("no evaluated timestamp has a ground-truth variable: dim_labels has no 1 "
                         "in the rows of timestamps")
    order = np.argsort(-att[rows], axis=1, kind="stable")
    n_true = gt[rows].sum(axis=1).astype(int)
    # ceil(P * |GT|) in [1, c], robust to products like 1.1 * 10 = 11.000000000000002; clipped
    # before the cast, which cannot hold P near the largest double
    k = np.clip(np.ceil(p * n_true - 1e-9), 1, gt.shape[1]).astype(int)
    hits = np.take_along_axis(gt[rows], order, axis=1)
    return hits, n_true, k


def hit_rate_at_p(dim_labels, attributions, p: float = 1.0,
                  timestamps: Optional[np.ndarray] = None) -> float:
    """HitRate@P% over ``timestamps`` (indices or a boolean mask; default all rows).

    dim_labels (n, c) 0/1 ground-truth causes; attributions (n, c), higher = more responsible;
    p = 1.0 for 100%, 1.5 for 150%.
    """
    hits, n_true, k = _ranked_hits(dim_labels, attributions, p, timestamps)
    found = np.array([hits[i, :k[i]].sum() for i in range(len(k))])
    return float(np.mean(found / n_true))


def ndcg_at_p(dim_labels, attributions, p: float = 1.0,
              timestamps: Optional[np.ndarray] = None) -> float:
    """NDCG@P% over ``timestamps``; same arguments as :func:`hit_rate_at_p`."""
    hits, n_true, k = _ranked_hits(dim_labels, attributions, p, timestamps)
    discount = 1.0 / np.log2(np.arange(2, hits.shape[1] + 2))
    values = []
    for i in range(len(k)):
        # summed as the ideal is, so that a perfect ranking scores exactly 1
        dcg = float(discount[:k[i]][hits[i, :k[i]] > 0].sum())
        ideal = float(discount[:min(k[i], n_true[i])].sum())
        values.append(dcg / ideal)
    return float(np.mean(values))
