"""MV-MTF quantiles, binning, transition counts and field in Numba (see _numpy/mv_mtf.py),
parallel over variables (the binning over timestamps)."""
from __future__ import annotations

import numpy as np
from numba import njit, prange


@njit(cache=True)
def _lerp(below, above, gamma):
    step = above - below
    return above - step * (1.0 - gamma) if gamma >= 0.5 else below + step * gamma


@njit(cache=True, parallel=True)
def _quantiles(X, fractions, Q, at_most):
    n, c = X.shape
    for u in prange(c):
        column = np.sort(X[:, u])
        for l in range(fractions.size):
            virtual = (n - 1) * fractions[l]
            i = int(np.floor(virtual))
            if virtual >= n - 1:
                Q[l, u] = column[n - 1]
            else:
                Q[l, u] = _lerp(column[i], column[i + 1], virtual - i)
        at_most[:, u] = np.searchsorted(column, Q[:, u], side="right")


@njit(cache=True, parallel=True)
def _digitize(X, E, B):
    n, c = X.shape
    for t in prange(n):
        for u in range(c):
            bins = 0
            for j in range(E.shape[1]):
                if E[u, j] < X[t, u]:
                    bins += 1
            B[t, u] = bins


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


def mtf_quantiles(X, fractions):
    """Same contract as ``tsad_fast.kernels._numpy.mv_mtf.mtf_quantiles``."""
    Q = np.empty((fractions.size, X.shape[1]))
    at_most = np.empty(Q.shape, dtype=np.int64)
    _quantiles(X, fractions, Q, at_most)
    return Q, at_most


def mtf_digitize(X, E):
    """Same contract as ``tsad_fast.kernels._numpy.mv_mtf.mtf_digitize``."""
    B = np.empty(X.shape, dtype=np.int32)
    _digitize(X, E, B)
    return B
