"""VUS areas per buffer length in Numba: the C++ kernel's loops (csrc/include/tsad_fast/vus.hpp),
the NumPy reference's results (_numpy/vus.py)."""
from __future__ import annotations

import numpy as np
from numba import njit

from tsad_fast.kernels._numpy.vus import rank_of_points


@njit(cache=True, nogil=True)
def _areas(rank, starts, ends, m, window, roc, pr):
    n = rank.size
    n_seg = starts.size
    labelled = np.zeros(n, dtype=np.bool_)
    n_pred = np.zeros(m)
    tp_core = np.zeros(m)
    core_min = np.full(n_seg, m, dtype=np.int64)
    n_labelled = 0.0
    # a point ranked m reaches no threshold (possible with one threshold): never predicted
    for t in range(n):
        if rank[t] < m:
            n_pred[rank[t]] += 1.0
    for i in range(n_seg):
        for t in range(starts[i], ends[i] + 1):
            labelled[t] = True
            if rank[t] < m:
                tp_core[rank[t]] += 1.0
            core_min[i] = min(core_min[i], rank[t])
        n_labelled += ends[i] - starts[i] + 1
    for k in range(1, m):
        n_pred[k] += n_pred[k - 1]
        tp_core[k] += tp_core[k - 1]

    weight = np.zeros(n)
    touched = np.empty(n, dtype=np.int64)
    for w in range(window + 1):
        h = w // 2
        soft = np.zeros(m)
        hit = np.zeros(m)
        seg_min = core_min.copy()
        n_touched = 0
        for i in range(n_seg):
            for side in range(2):  # right buffer, then left
                for d in range(1, h + 1):
                    t = ends[i] + d if side == 0 else starts[i] - d
                    if t < 0 or t >= n:
                        break
                    if weight[t] == 0.0:
                        touched[n_touched] = t
                        n_touched += 1
                    weight[t] += np.sqrt(1.0 - d / w)
                    seg_min[i] = min(seg_min[i], rank[t])
        for j in range(n_touched):
            t = touched[j]
            if not labelled[t] and rank[t] < m:
                soft[rank[t]] += min(weight[t], 1.0)
            weight[t] = 0.0
        n_buffered = 0.0
        group_min = seg_min[0]
        for i in range(1, n_seg + 1):
            if i == n_seg or ends[i - 1] + h < starts[i] - h:
                if group_min < m:
                    hit[group_min] += 1.0
                n_buffered += 1.0
                if i < n_seg:
                    group_min = seg_min[i]
            else:
                group_min = min(group_min, seg_min[i])
        tpr_prev = 0.0
        fpr_prev = 0.0
        roc_sum = 0.0
        pr_sum = 0.0
        for k in range(m):
            if k > 0:
                soft[k] += soft[k - 1]
                hit[k] += hit[k - 1]
            tp = tp_core[k] + soft[k]
            p_new = (n_labelled + (n_labelled + soft[k])) / 2.0
            recall = min(tp / p_new, 1.0)
            tpr = recall * (hit[k] / n_buffered)
            fpr = (n_pred[k] - tp) / (n - p_new)
            roc_sum += (fpr - fpr_prev) * ((tpr + tpr_prev) / 2.0)
            pr_sum += (tpr - tpr_prev) * (tp / n_pred[k])
            tpr_prev = tpr
            fpr_prev = fpr
        roc[w] = roc_sum + (1.0 - fpr_prev) * ((1.0 + tpr_prev) / 2.0)
        pr[w] = pr_sum


def vus_areas(score, starts, ends, thresholds, window):
    """Same contract as ``tsad_fast.kernels._numpy.vus.vus_areas``."""
    rank = rank_of_points(score, thresholds).astype(np.int64)
    roc = np.empty(window + 1)
    pr = np.empty(window + 1)
    _areas(rank, starts, ends, thresholds.size, window, roc, pr)
    return roc, pr
