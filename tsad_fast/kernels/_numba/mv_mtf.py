"""MV-MTF transition counts and field in Numba (see _numpy/mv_mtf.py), parallel over variables."""
from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True, parallel=True)
def _transitions(B, qmax):
    n, c = B.shape
    W = np.zeros((c, c, qmax, qmax))
    for u in prange(c):
        for t in range(1, n):
            a = B[t - 1, u]
            for k in range(c):
                W[u, k, a, B[t, k]] += 1.0
        for k in range(c):
            for a in range(qmax):
                total = 0.0
                for b in range(qmax):
                    total += W[u, k, a, b]
                if total > 0:
                    for b in range(qmax):
                        W[u, k, a, b] /= total
    return W


@njit(cache=True, parallel=True)
def _field(B, W, weights, alpha, scale, F):
    n, c = B.shape
    for u in prange(c):
        for t in range(n):
            a = B[t - 1, u] if t > 0 else B[0, u]
            cross = 0.0
            for k in range(c):
                if k != u:
                    cross += weights[u, k] * W[u, k, a, B[t, k]]
            F[t, u] = scale * (alpha * W[u, u, a, B[t, u]] + (1.0 - alpha) * cross)


def mtf_transitions(B, n_bins):
    """Same contract as ``tsad_fast.kernels._numpy.mv_mtf.mtf_transitions``."""
    return _transitions(B, int(n_bins.max()))


def mtf_field(B, W, weights, alpha, scale):
    """Same contract as ``tsad_fast.kernels._numpy.mv_mtf.mtf_field``."""
    F = np.empty(B.shape)
    _field(B, W, weights, float(alpha), float(scale), F)
    return F
