"""Nearest center in Numba: one pass per query, no m x k matrix (see _numpy/nearest.py)."""
from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True, parallel=True)
def _nearest(Q, C, distances, indices):
    k, d = C.shape
    cc = np.empty(k)
    for c in range(k):
        acc = 0.0
        for j in range(d):
            acc += C[c, j] * C[c, j]
        cc[c] = acc
    for i in prange(Q.shape[0]):
        qq = 0.0
        for j in range(d):
            qq += Q[i, j] * Q[i, j]
        best = np.inf
        arg = 0
        for c in range(k):
            dot = 0.0
            for j in range(d):
                dot += Q[i, j] * C[c, j]
            d2 = qq - 2.0 * dot + cc[c]
            if d2 < best:
                best = d2
                arg = c
        indices[i] = arg
        distances[i] = np.sqrt(max(best, 0.0))


def nearest_center(Q, C):
    """Same contract as ``tsad_fast.kernels._numpy.nearest.nearest_center``."""
    distances = np.empty(Q.shape[0])
    indices = np.empty(Q.shape[0], dtype=np.int64)
    _nearest(Q, C, distances, indices)
    return distances, indices
