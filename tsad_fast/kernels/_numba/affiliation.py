"""Affiliation precision / recall in Numba: the reference functions of _numpy/affiliation.py,
compiled, with the threshold sweep and event extraction as compiled loops."""
from __future__ import annotations

import numpy as np
from numba import njit

from tsad_fast.kernels._numpy.affiliation import affiliation_pr


@njit(cache=True, nogil=True)
def _sweep(score, gt_starts, gt_stops, thresholds, precision, recall):
    n = score.size
    starts = np.empty(n // 2 + 1, dtype=np.int64)
    stops = np.empty(n // 2 + 1, dtype=np.int64)
    for k in range(thresholds.size):
        count = 0
        inside = False
        for t in range(n):
            above = score[t] > thresholds[k]
            if above and not inside:
                starts[count] = t
            elif inside and not above:
                stops[count] = t
                count += 1
            inside = above
        if inside:
            stops[count] = n
            count += 1
        precision[k], recall[k] = affiliation_pr(starts[:count], stops[:count], gt_starts,
                                                 gt_stops, n)


def affiliation_sweep(score, gt_starts, gt_stops, thresholds):
    """Same contract as ``tsad_fast.kernels._numpy.affiliation.affiliation_sweep``."""
    precision = np.empty(thresholds.size)
    recall = np.empty(thresholds.size)
    _sweep(score, gt_starts, gt_stops, thresholds, precision, recall)
    return precision, recall
