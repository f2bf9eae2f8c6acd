"""Affiliation precision / recall (Huet et al., KDD 2022) as TSB-AD 1.5 computes them: the
reference, in plain Python loops over events (a numba-compatible subset: _numba/affiliation.py
compiles these same functions).

Events are half-open [start, stop) index intervals (a labelled point t covers [t, t+1)). The
ground-truth events split [0, n) into affiliation zones E_j at the midpoints between them. In
zone j, with J the ground-truth event and I the predicted events clipped to E_j:

* precision_j = sum over I of the integral over I of P(distance to J > the distance of a random
  point of E_j) / total length of I, undefined (NaN) when no prediction falls in E_j;
* recall_j = the same from J's side: J is split at the midpoints between the I's, each piece is
  scored against its nearest I; 0 when no prediction falls in E_j.

Precision is the mean over zones where it is defined (NaN when none is), recall the mean over
all zones. Every closed form below keeps TSB-AD's order of operations, so results agree to the
last few ulps.
"""
from __future__ import annotations

import math

import numpy as np

try:  # lets numba compile these same functions (_numba/affiliation.py); a no-op without numba
    from numba.extending import register_jitable as _compilable
except ImportError:  # pragma: no cover - numba is a dependency, but the reference must not need it
    def _compilable(function):
        return function


@_compilable
def precision_outside(i0, i1, j0, j1, e0, e1):
    """Integral of the precision probability over a predicted piece [i0, i1] outside J."""
    d_min = max(i0 - j1, j0 - i1)
    d_max = max(i1 - j1, j0 - i0)
    m = min(j0 - e0, e1 - j1)
    a = min(d_max, m) ** 2 - min(d_min, m) ** 2
    b = max(d_max, m) - max(d_min, m)
    min_piece = 0.5 * a + m * b
    linear_piece = 0.5 * (d_max ** 2 - d_min ** 2)
    remaining_piece = (j1 - j0) * (i1 - i0)
    return (i1 - i0) - (1.0 / (e1 - e0)) * (min_piece + linear_piece + remaining_piece)


@_compilable
def precision_integral(i0, i1, j0, j1, e0, e1):
    """Precision integral of the predicted interval [i0, i1] in zone [e0, e1] of J = [j0, j1]:
    its part inside J counts fully, the parts before and after by ``precision_outside``."""
    lo, hi = max(i0, j0), min(i1, j1)
    if lo < hi and lo == i0 and hi == i1:  # inside J
        return 0.0 + (i1 - i0) + 0.0
    if i1 <= j0 or i0 >= j1:  # wholly before or after J
        return precision_outside(i0, i1, j0, j1, e0, e1)
    left = precision_outside(i0, lo, j0, j1, e0, e1) if i0 <= j0 else 0.0
    right = precision_outside(hi, i1, j0, j1, e0, e1) if i1 >= j1 else 0.0
    return left + (hi - lo) + right


@_compilable
def _add_part(total, part):
    """TSB-AD sums the four parts skipping the NaN ones (absent pieces)."""
    return total if math.isnan(part) else total + part


@_compilable
def recall_outside(i0, i1, j0, j1, e0, e1):
    """Integral of the recall probability over a ground-truth piece [j0, j1] outside I."""
    pivot = i0 if j1 <= i0 else i1  # the border of I facing the piece
    if pivot <= e0 or pivot >= e1:
        return 0.0
    e_mean = (e0 + e1) / 2
    # J cut at e_mean, then each side at the midpoint between pivot and the zone's border
    nan = math.nan
    b0, b1 = (j0, min(j1, e_mean)) if e_mean > j0 else (nan, nan)
    a0, a1 = (max(j0, e_mean), j1) if e_mean < j1 else (nan, nan)
    cut = (e0 + pivot) / 2
    bb0, bb1, ba0, ba1 = nan, nan, nan, nan  # before-mean: close to e0 / close to the pivot
    if not math.isnan(b0):
        if cut >= b1:
            bb0, bb1 = b0, b1
        elif cut <= b0:
            ba0, ba1 = b0, b1
        else:
            bb0, bb1, ba0, ba1 = b0, cut, cut, b1
    cut = (e1 + pivot) / 2
    ab0, ab1, aa0, aa1 = nan, nan, nan, nan  # after-mean: close to the pivot / close to e1
    if not math.isnan(a0):
        if cut >= a1:
            ab0, ab1 = a0, a1
        elif cut <= a0:
            aa0, aa1 = a0, a1
        else:
            ab0, ab1, aa0, aa1 = a0, cut, cut, a1
    if pivot >= j1:
        p1 = (pivot - e0) * (bb1 - bb0)
        p2 = 2 * pivot * (ba1 - ba0) - (ba1 ** 2 - ba0 ** 2)
        p3 = 2 * pivot * (ab1 - ab0) - (ab1 ** 2 - ab0 ** 2)
        p4 = (e1 + pivot) * (aa1 - aa0) - (aa1 ** 2 - aa0 ** 2)
    else:
        p1 = (bb1 ** 2 - bb0 ** 2) - (e0 + pivot) * (bb1 - bb0)
        p2 = (ba1 ** 2 - ba0 ** 2) - 2 * pivot * (ba1 - ba0)
        p3 = (ab1 ** 2 - ab0 ** 2) - 2 * pivot * (ab1 - ab0)
        p4 = (e1 - pivot) * (aa1 - aa0)
    total = _add_part(_add_part(_add_part(_add_part(0.0, p1), p2), p3), p4)
    return (j1 - j0) - (1.0 / (e1 - e0)) * total


@_compilable
def recall_integral(i0, i1, j0, j1, e0, e1):
    """Recall integral of the ground-truth piece [j0, j1] against the prediction [i0, i1]."""
    lo, hi = max(j0, i0), min(j1, i1)
    if lo < hi and lo == j0 and hi == j1:  # inside I
        return 0.0 + (j1 - j0) + 0.0
    if j1 <= i0 or j0 >= i1:
        return recall_outside(i0, i1, j0, j1, e0, e1)
    left = recall_outside(i0, i1, j0, lo, e0, e1) if j0 <= i0 else 0.0
    right = recall_outside(i0, i1, hi, j1, e0, e1) if j1 >= i1 else 0.0
    return left + (hi - lo) + right


@_compilable
def zone_scores(starts, stops, k, n_events, j0, j1, e0, e1):
    """(precision or NaN, recall) of zone [e0, e1] around J = [j0, j1]; the predicted events
    starts[k:], stops[k:] (sorted) are scanned while they start before e1."""
    p_sum, length, r_sum = 0.0, 0.0, 0.0
    first = k
    while first < n_events and stops[first] <= e0:
        first += 1
    last = first
    while last < n_events and starts[last] < e1:
        last += 1
    count = 0
    for q in range(first, last):
        i0, i1 = max(float(starts[q]), e0), min(float(stops[q]), e1)
        if i0 < i1:
            count += 1
            p_sum += precision_integral(i0, i1, j0, j1, e0, e1)
            length += i1 - i0
    if count == 0:
        return math.nan, 0.0
    # J split at the midpoints between consecutive clipped predictions
    prev_stop = 2 * e0 - max(float(starts[first]), e0)
    for q in range(first, last):
        i0, i1 = max(float(starts[q]), e0), min(float(stops[q]), e1)
        if q + 1 < last:
            next_start = max(float(starts[q + 1]), e0)
        else:
            next_start = 2 * e1 - i1
        z0, z1 = (prev_stop + i0) / 2, (i1 + next_start) / 2
        lo, hi = max(j0, z0), min(j1, z1)
        if lo < hi:
            r_sum += recall_integral(i0, i1, lo, hi, e0, e1)
        prev_stop = i1
    return p_sum / length, r_sum / (j1 - j0)


@_compilable
def affiliation_pr(starts, stops, gt_starts, gt_stops, n):
    """(precision, recall) of predicted events against ground-truth events on [0, n)."""
    n_gt = gt_starts.size
    p_total, p_count, r_total = 0.0, 0, 0.0
    k = 0
    for j in range(n_gt):
        e0 = 0.0 if j == 0 else (gt_stops[j - 1] + gt_starts[j]) / 2
        e1 = float(n) if j == n_gt - 1 else (gt_stops[j] + gt_starts[j + 1]) / 2
        while k < starts.size and stops[k] <= e0:
            k += 1
        p, r = zone_scores(starts, stops, k, starts.size, float(gt_starts[j]),
                           float(gt_stops[j]), e0, e1)
        if not math.isnan(p):
            p_total += p
            p_count += 1
        r_total += r
    return (p_total / p_count if p_count else math.nan), r_total / n_gt


def events_above(score, threshold):
    """Half-open runs [start, stop) where score > threshold."""
    edges = np.diff(np.concatenate([[0], (score > threshold).astype(np.int8), [0]]))
    return np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)


def affiliation_sweep(score, gt_starts, gt_stops, thresholds):
    """(precision (m,), recall (m,)) for the predictions score > thresholds[k]."""
    out = np.empty((2, thresholds.size))
    for k, threshold in enumerate(thresholds):
        starts, stops = events_above(score, threshold)
        out[:, k] = affiliation_pr(starts, stops, gt_starts, gt_stops, score.size)
    return out[0], out[1]
